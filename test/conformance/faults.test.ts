// Proves, live, that histories freshly recorded from a real ZooKeeper 3.8 ensemble while servers are
// crashed and paused pass every client checker with and without zxids, and that their impossible
// corruptions fail one: the offline test (test/checkers/real-faults.test.ts) on new seeds and new timing.
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FAULT_PLANS } from './fault-plan.js';
import { historyFiles, recordOnFreshEnsemble } from './fault-recorder.js';
import { corruptedCases, notOk, rejected, verdictsOf } from './fault-verdicts.js';
import { withoutZxids } from './history-zxids.js';

// A fresh base seed per run (printed in the test names), so repeated CI runs explore new workloads.
const BASE = Number(process.env['ZABSIM_FAULT_SEED'] ?? Date.now() % 1_000_000);
// Four histories: kill leader, kill follower, pause leader, pause follower (the two-fault plan is in the
// committed recordings). Each: a fresh ensemble (2-5 s), about 11-13 s of workload, a stop.
const RUNS = [0, 1, 2, 3].map((i) => ({ seed: BASE + i, plan: FAULT_PLANS[i]! }));

describe('fault histories from a live ensemble', () => {
  it.each(RUNS)(
    'seed $seed, $plan: passes every checker, and its corruptions fail one',
    async ({ seed, plan }) => {
      const history = await recordOnFreshEnsemble({ seed, plan, maxOps: 200, durationMs: 11_000 });
      expect(history.ops.length).toBeGreaterThan(20);
      expect(notOk(verdictsOf(history))).toEqual([]);
      expect(notOk(verdictsOf(withoutZxids(history)))).toEqual([]);
      const cases = corruptedCases(history);
      expect(cases.length).toBeGreaterThan(0);
      const accepted = cases.filter((c) => !rejected(verdictsOf(c.history))).map((c) => `${c.name} [${c.form}]: ${c.what}`);
      expect(accepted).toEqual([]);
    },
    90_000,
  );
});
