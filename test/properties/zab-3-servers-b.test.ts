// Proves that with 3 voters (every fourth seed with an observer too), under random partitions,
// one-way cuts, crashes and restarts that lose unsynced writes, pauses, and loss and duplication
// windows, every Zab invariant holds and, once faults stop, one leader is established and all
// servers converge on the same committed history. Seeds 600..1200 of 1,200 for 3 voters.
import { expect, test } from 'vitest';
import { sweep } from './zab-sweep.js';

test('3 voters, seeds 600..1200: no violation, liveness after faults stop', () => {
  const result = sweep('zab3-', 600, 1200, 3, (i) => (i % 4 === 0 ? 1 : 0));
  expect(result.failures).toEqual([]);
  // The sweep must exercise the protocol, not idle: many commits and many leader changes.
  expect(result.committed).toBeGreaterThan(100_000);
  expect(result.leaderChanges).toBeGreaterThan(1_000);
}, 900_000);
