// Op sequences for ZooKeeper 3.8's watch calls: the ordinary conformance ops (ops.ts) mixed with
// addWatch (persistent and persistent-recursive, also on the sequence root and on absent paths),
// removeWatches (the checkWatches opcode) and removeAllWatches (the removeWatches opcode) of each
// watcher type, so that persistent events, one-shot watches on the same paths and removal codes
// (OK / NOWATCHER) all occur.
import fc from 'fast-check';
import { CHILDREN, opArb, PARENTS } from './ops.js';
import type { Op, Slot } from './types.js';

const slotArb: fc.Arbitrary<Slot> = fc.constantFrom<Slot>(0, 1);
const watchPathArb = fc.oneof(
  { arbitrary: fc.constant('/'), weight: 2 },
  { arbitrary: fc.constantFrom<string>(...PARENTS), weight: 5 },
  { arbitrary: fc.constantFrom<string>(...CHILDREN), weight: 3 },
);

const addWatchArb: fc.Arbitrary<Op> = fc.record({
  kind: fc.constant('addWatch' as const),
  s: slotArb,
  path: watchPathArb,
  mode: fc.constantFrom('persistent' as const, 'persistentRecursive' as const),
});

const removeWatchesArb: fc.Arbitrary<Op> = fc.record({
  kind: fc.constant('removeWatches' as const),
  s: slotArb,
  path: watchPathArb,
  type: fc.constantFrom('Children' as const, 'Data' as const, 'Any' as const),
  all: fc.boolean(),
});

export const watchOpArb: fc.Arbitrary<Op> = fc.oneof(
  { arbitrary: opArb, weight: 10 },
  { arbitrary: addWatchArb, weight: 3 },
  { arbitrary: removeWatchesArb, weight: 2 },
);

/** Deterministic sample: the same (seed, count, length) always yields the same sequences. */
export function sampleWatchSequences(seed: number, count: number, length = 30): Op[][] {
  return fc.sample(fc.array(watchOpArb, { minLength: length, maxLength: length }), { seed, numRuns: count });
}
