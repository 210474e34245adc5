// Proves that the standard-profile seeds which once failed the unmutated protocol now pass, each for
// the reason fixed: a leader of an old epoch activating late is not a "later" leader for
// commit-completeness (6052, 18560); and the 60 s liveness phase outlasts ZooKeeper's own slow
// recoveries (FLE poll starvation 10205, a stale leader outside the core 11672, a lone client
// wandering through non-serving servers 4291). They failed with the 30 s phase.
// Found by `zabsim fuzz --profile standard --seeds 20000`.
import { expect, test } from 'vitest';
import { caseForSeed } from '../../sim/fuzz/arbitraries.js';
import { runCase } from '../../sim/fuzz/case.js';

const FIXED: ReadonlyArray<readonly [number, string]> = [
  [6052, 'commit-completeness: a paused epoch-1 leader activated after epoch 3 committed'],
  [18560, 'commit-completeness: a paused epoch-1 leader activated after epoch 2 committed'],
  [10205, 'liveness: FLE poll starvation for 22 s, then a stale leader outside the core'],
  [11672, 'liveness: the core leader became active 28 s after the heal'],
  [4291, 'liveness: the one live client sent its probes to servers outside the core'],
];

for (const [seed, was] of FIXED) {
  test(`standard seed ${seed} passes (was ${was})`, () => {
    const r = runCase(caseForSeed('standard', seed));
    expect(r.failure, r.report.liveness.reason).toBeNull();
    expect(r.report.verdicts['liveness']).toBe('ok');
  });
}
