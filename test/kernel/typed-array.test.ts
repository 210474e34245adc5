// Proves grownTo keeps a column's kind and elements and zero-fills the new room, for each kind the
// checkers, recorders and event heap grow.
import { expect, test } from 'vitest';
import { grownTo } from '../../sim/typed-array.js';

test('a grown column keeps its kind and elements, and the rest is zero', () => {
  for (const a of [Float64Array.of(1.5, -2, 3), Int32Array.of(-7, 8, 9), Uint8Array.of(255, 0, 4)]) {
    const b = grownTo(a, 6);
    expect(b.constructor).toBe(a.constructor);
    expect(Array.from(b)).toEqual([...Array.from(a), 0, 0, 0]);
    expect(b).not.toBe(a);
  }
});
