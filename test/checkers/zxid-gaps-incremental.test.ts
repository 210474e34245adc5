// Placing writes one at a time from the last one's greedy zxid (FreeZxids.nextInOrder, as the write
// search's model does) answers exactly as fitsInOrder over the whole list, for random recorded zxids,
// zxids taken aside and windows, including windows across an epoch's counter 0.
import fc from 'fast-check';
import { expect, test } from 'vitest';
import { FreeZxids } from '../../sim/checkers/zxid-gaps.js';

const EPOCH = 2 ** 32;
const zxid = fc.tuple(fc.integer({ min: 1, max: 2 }), fc.integer({ min: 0, max: 12 })).map(([e, c]) => e * EPOCH + c);
const window = fc.tuple(zxid, fc.integer({ min: 0, max: 8 })).map(([lo, width]) => [lo, lo + width] as const);

test('nextInOrder step by step agrees with fitsInOrder and lastInOrder', () => {
  fc.assert(
    fc.property(fc.uniqueArray(zxid, { maxLength: 14 }), fc.array(zxid, { maxLength: 3 }), fc.array(window, { maxLength: 8 }), (known, taken, windows) => {
      const free = new FreeZxids([...known].sort((a, b) => a - b));
      for (const z of taken) free.take(z);
      let last: number | null = free.lastInOrder([]);
      expect(last).toBe(0);
      const pairs: number[] = [];
      for (const [lo, hi] of windows) {
        pairs.push(lo, hi);
        last = last === null ? null : free.nextInOrder(last, lo, hi);
        expect(last !== null).toBe(free.fitsInOrder(pairs));
        expect(free.lastInOrder(pairs)).toBe(last);
      }
    }),
    { numRuns: 500 },
  );
});
