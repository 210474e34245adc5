// Proves the invariants and post-fault liveness with even-sized ensembles, where a quorum is more
// than half (3 of 4, 2 of 2): 120 seeds with 4 voters and 80 with 2, under the same fault mix.
import { expect, test } from 'vitest';
import { sweep } from './zab-sweep.js';

test('4 voters, 120 seeds: no violation, liveness after faults stop', () => {
  const result = sweep('zab4-', 0, 120, 4, () => 0);
  expect(result.failures).toEqual([]);
  expect(result.committed).toBeGreaterThan(10_000);
}, 900_000);

test('2 voters, 80 seeds: no violation, liveness after faults stop', () => {
  const result = sweep('zab2-', 0, 80, 2, (i) => (i % 4 === 0 ? 1 : 0));
  expect(result.failures).toEqual([]);
  expect(result.committed).toBeGreaterThan(5_000);
}, 900_000);
