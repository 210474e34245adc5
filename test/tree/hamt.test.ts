// The persistent map behaves like a Map under random set/remove sequences (including keys whose
// hashes collide completely), and every older version stays exactly as it was.
import { expect } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { emptyMap, mapEntries, mapGet, mapRemove, mapSameByShape, mapSet, type PersistentMap } from '../../protocol/tree/hamt.js';

// "Aa" and "BB" have the same Java hash, so these words collide fully and exercise collision nodes.
const colliding = ['AaAa', 'AaBB', 'BBAa', 'BBBB'];
const key = fc.oneof(fc.constantFrom(...colliding), fc.string({ maxLength: 4 }), fc.integer({ min: 0, max: 3000 }).map(String));
const op = fc.tuple(fc.boolean(), key, fc.integer());

test.prop([fc.array(op, { maxLength: 1500 })])('matches a Map; old versions unchanged', (ops) => {
  let map: PersistentMap<number> = emptyMap();
  const model = new Map<string, number>();
  const history: [PersistentMap<number>, Map<string, number>][] = [];
  for (const [isSet, k, v] of ops) {
    history.push([map, new Map(model)]);
    if (isSet) {
      map = mapSet(map, k, v);
      model.set(k, v);
    } else {
      map = mapRemove(map, k);
      model.delete(k);
    }
    expect(map.size).toBe(model.size);
    expect(mapGet(map, k)).toBe(model.get(k));
  }
  expect(new Map(mapEntries(map))).toEqual(model);
  for (const [old, oldModel] of history.filter((_, i) => i % 97 === 0)) {
    expect(new Map(mapEntries(old))).toEqual(oldModel);
  }
});

test('no-op updates return the same map', () => {
  const map = mapSet(mapSet(emptyMap<number>(), 'a', 1), 'b', 2);
  expect(mapSet(map, 'a', 1)).toBe(map);
  expect(mapRemove(map, 'zz')).toBe(map);
  expect(mapRemove(mapRemove(map, 'a'), 'b').size).toBe(0);
});

// mapSameByShape never contradicts entry-by-entry equality (true: same entries; false: they differ),
// and decides (never null) for two maps forked from one base whose writes brought them to the same entries.
const sameEntries = (a: PersistentMap<number>, b: PersistentMap<number>): boolean => {
  const x = new Map(mapEntries(a));
  const y = new Map(mapEntries(b));
  return x.size === y.size && [...x].every(([k, v]) => y.get(k) === v);
};
const apply = (map: PersistentMap<number>, ops: readonly [boolean, string, number][]): PersistentMap<number> =>
  ops.reduce((m, [isSet, k, v]) => (isSet ? mapSet(m, k, v) : mapRemove(m, k)), map);

test.prop([fc.array(op, { maxLength: 300 }), fc.array(op, { maxLength: 30 }), fc.array(op, { maxLength: 30 })])(
  'mapSameByShape agrees with entry equality',
  (baseOps, left, right) => {
    const base = apply(emptyMap(), baseOps);
    const a = apply(base, left);
    const b = apply(base, right);
    const byShape = mapSameByShape(a, b, (x, y) => x === y);
    if (byShape !== null) expect(byShape).toBe(sameEntries(a, b));
    // The same writes in another order (sets of distinct keys commute) reach the same entries.
    const c = apply(
      base,
      [...left].reverse().filter(([isSet], i, all) => isSet && all.findIndex(([, k]) => k === all[i]![1]) === i),
    );
    const d = apply(
      base,
      left.filter(([isSet], i) => isSet && left.findLastIndex(([, k]) => k === left[i]![1]) === i),
    );
    const decided = mapSameByShape(c, d, (x, y) => x === y);
    expect(sameEntries(c, d)).toBe(true);
    if (!left.some(([, k]) => colliding.includes(k))) expect(decided).toBe(true);
    else if (decided !== null) expect(decided).toBe(true);
  },
);
