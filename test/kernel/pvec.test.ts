// Proves the persistent vector behaves like an array under push, get and take, and that older
// versions never change when newer ones are built from them; its lower-bound search agrees with a scan.
import { expect } from 'vitest';
import { test, fc } from '@fast-check/vitest';
import { pvecEmpty, pvecFrom, pvecGet, pvecLast, pvecLowerBound, pvecPush, pvecTake, pvecToArray, type PVec } from '../../protocol/pvec.js';

test.prop([fc.array(fc.integer(), { maxLength: 3000 }), fc.nat()])('matches an array and keeps old versions intact', (items, cut) => {
  let v: PVec<number> = pvecEmpty();
  const versions: PVec<number>[] = [];
  for (const x of items) {
    versions.push(v);
    v = pvecPush(v, x);
  }
  expect(v.size).toBe(items.length);
  expect(pvecToArray(v)).toEqual(items);
  expect(pvecLast(v)).toBe(items.at(-1));
  versions.forEach((old, i) => expect(old.size).toBe(i));
  if (versions.length > 0) {
    const k = cut % versions.length;
    expect(pvecToArray(versions[k]!)).toEqual(items.slice(0, k));
    const taken = pvecTake(v, k);
    expect(pvecToArray(taken)).toEqual(items.slice(0, k));
    expect(pvecToArray(pvecPush(taken, 7))).toEqual([...items.slice(0, k), 7]);
    expect(pvecToArray(v)).toEqual(items);
  }
});

test.prop([fc.array(fc.integer({ min: 0, max: 1e6 }), { maxLength: 500 }), fc.integer({ min: -1, max: 1e6 + 1 })])(
  'lower bound finds the first key not below',
  (raw, key) => {
    const sorted = [...raw].sort((a, b) => a - b);
    let v: PVec<number> = pvecEmpty();
    for (const x of sorted) v = pvecPush(v, x);
    const expected = sorted.findIndex((x) => x >= key);
    expect(pvecLowerBound(v, key, (x) => x)).toBe(expected === -1 ? sorted.length : expected);
    if (sorted.length > 0) expect(pvecGet(v, sorted.length - 1)).toBe(sorted.at(-1));
  },
);

test('pvecLowerBound agrees with a linear scan, in the trie and in the tail, duplicates included', () => {
  for (let n = 0; n < 200; n++) {
    for (const items of [Array.from({ length: n }, (_, i) => i * 2), Array.from({ length: n }, (_, i) => Math.floor(i / 3))]) {
      const v = pvecFrom(items);
      for (let k = -1; k <= 2 * n + 1; k++) {
        const at = items.findIndex((x) => x >= k);
        expect(pvecLowerBound(v, k, (x) => x)).toBe(at < 0 ? n : at);
      }
    }
  }
});
