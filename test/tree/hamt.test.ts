// The persistent map behaves like a Map under random set/remove sequences (including keys whose
// hashes collide completely), and every older version stays exactly as it was.
import { expect } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { emptyMap, mapEntries, mapGet, mapRemove, mapSet, type PersistentMap } from '../../protocol/tree/hamt.js';

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
