// Proves the Zab invariants and post-fault liveness with 5 voters (every third seed with one or two
// observers) under the same random fault mix as the 3-voter sweep. Seeds 400..800 of 800.
import { expect, test } from 'vitest';
import { sweep } from './zab-sweep.js';

test('5 voters, seeds 400..800: no violation, liveness after faults stop', () => {
  const result = sweep('zab5-', 400, 800, 5, (i) => (i % 3 === 0 ? 1 + (i % 2) : 0));
  expect(result.failures).toEqual([]);
  expect(result.committed).toBeGreaterThan(50_000);
  expect(result.leaderChanges).toBeGreaterThan(500);
}, 900_000);
