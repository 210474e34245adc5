// Runs freshly generated op sequences (not the committed recording: a different seed each time the
// seed constant changes) against the live real ZooKeeper 3.8 ensemble and against zabsim (a simulated
// 3-server ensemble through zabsim's client library), sessions on the same kind of server (leader or
// follower), and requires identical masked results: paths, error codes, Stat fields with relative
// zxids, multi results, child order and per-op watch events.
import { describe, expect, it } from 'vitest';
import { useLiveEnsemble } from './live-ensemble.js';
import { sampleSequences } from './ops.js';
import { runSequence } from './real-runner.js';
import { runSequenceSim } from './sim-runner.js';
import { mask, sessionLabels } from './types.js';

const SEED = 20261122;
const SEQUENCES = 200;
const OPS = 30;

const ens = useLiveEnsemble();

describe('zabsim against the live ensemble', () => {
  it(`agrees on ${SEQUENCES} generated sequences of ${OPS} ops`, async () => {
    const ensemble = ens();
    const plans = sampleSequences(SEED, SEQUENCES, OPS);
    let compared = 0;
    for (let i = 0; i < plans.length; i++) {
      const ops = plans[i] ?? [];
      const real = await runSequence(ensemble, ops, { root: `/live${i}`, server: (i % 3) + 1, index: i });
      const sim = runSequenceSim(ops, { root: real.root, serverMode: real.serverMode, index: i });
      const expected = mask(real.results, { sessionLabels: sessionLabels(real) });
      const actual = mask(sim.results, { sessionLabels: sessionLabels(sim) });
      for (let k = 0; k < expected.length; k++) expect({ seq: i, op: ops[k], ...actual[k] }).toEqual({ seq: i, op: ops[k], ...expected[k] });
      compared += expected.length;
    }
    expect(compared).toBe(SEQUENCES * OPS);
  }, 600_000);
});
