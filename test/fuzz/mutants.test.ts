// Proves the fuzzer finds the planted bugs (the bug zoo): for each mutant, the first failing seed
// of `zabsim fuzz --profile standard --mutant NAME` still fails, the same case without the mutant
// passes (so the failure is the mutant's), and a fresh seed range finds the cheap mutants again.
// Seeds were measured with `zabsim fuzz --profile standard --mutant NAME --seeds 2000 --max-failures 1 --json`.
import { describe, expect, test } from 'vitest';
import type { Mutant } from '../../protocol/zab/config.js';
import { runSeed } from '../../sim/fuzz/seed.js';
import { sweep } from '../../sim/fuzz/sweep.js';

/**
 * Mutant → [first failing seed, the checker (or "liveness") that catches it]. Not here, because the
 * standard profile does not find them in 2,000 seeds: ZK-3911, ZK-4643 and ZK-4712 (their narrated
 * scenarios in scenarios/bugs/ and zab-reference §7 still reproduce 3911 by hand). ZK-3911 was
 * "found" earlier only through phantom resends that a TCP duplicate used to cause; with duplicates
 * discarded as TCP does, it needs a crash aimed between NEWLEADER's ACK and UPTODATE.
 */
export const KNOWN: ReadonlyArray<readonly [Mutant, number, string]> = [
  ['commit-without-quorum', 0, 'quorum-commit'],
  ['count-observer-acks', 0, 'quorum-commit'],
  ['no-persist-accepted-epoch', 1, 'single-server-assertions'],
  ['vote-zxid-before-epoch', 2, 'liveness'],
  ['follower-applies-locally', 8, 'commit-completeness'],
  ['leader-never-steps-down', 12, 'liveness'],
  ['ZK-1154', 236, 'history-consistency'],
  ['ZK-2845', 33, 'history-consistency'],
  ['ZK-4394', 8, 'zab-anomalies'],
  ['ZK-4646', 40, 'zab-anomalies'],
  ['ZK-4685', 2, 'zab-anomalies'],
];

describe('known first failing seeds', () => {
  for (const [mutant, seed, checker] of KNOWN) {
    test(`${mutant}: seed ${seed} fails ${checker}, and passes without the mutant`, () => {
      const o = runSeed('standard', seed, mutant);
      expect(o.failure).toBe(checker);
      expect(o.attributed).toBe(true);
    });
  }
});

test('a fresh seed range (10000..10019) finds the cheap mutants again', async () => {
  for (const mutant of ['commit-without-quorum', 'count-observer-acks', 'no-persist-accepted-epoch', 'ZK-4685'] as const) {
    const outcomes = await sweep({ profile: 'standard', from: 10_000, to: 10_020, mutant, workers: 1, maxFailures: 1 });
    expect(outcomes.some((o) => o.failure !== null && o.attributed), mutant).toBe(true);
  }
}, 120_000);
