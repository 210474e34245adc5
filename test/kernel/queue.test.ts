// Proves the persistent queue behaves like an array under push, shift, get, find and remove, that
// every older version still reads as it did when it was made (deep-frozen, so nothing mutates it),
// and that its amortised cost holds: a long run of pushes and shifts copies each item about once.
import { expect } from 'vitest';
import { test, fc } from '@fast-check/vitest';
import {
  queueEmpty,
  queueFindIndex,
  queueGet,
  queueOf,
  queuePeek,
  queuePush,
  queuePushAll,
  queueRemoveAt,
  queueShift,
  queueToArray,
  type Queue,
} from '../../protocol/queue.js';
import { deepFreeze } from '../support/deep-freeze.js';

type Op =
  | { readonly kind: 'push'; readonly item: number }
  | { readonly kind: 'shift' }
  | { readonly kind: 'pushAll'; readonly items: number[] }
  | { readonly kind: 'remove'; readonly at: number };

const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 5, arbitrary: fc.integer().map((item) => ({ kind: 'push', item }) as const) },
  { weight: 4, arbitrary: fc.constant({ kind: 'shift' } as const) },
  { weight: 1, arbitrary: fc.array(fc.integer(), { maxLength: 6 }).map((items) => ({ kind: 'pushAll', items }) as const) },
  { weight: 1, arbitrary: fc.nat(40).map((at) => ({ kind: 'remove', at }) as const) },
);

test.prop([fc.array(fc.integer(), { maxLength: 20 }), fc.array(op, { maxLength: 300 })])('matches an array, and old versions never change', (initial, ops) => {
  let q: Queue<number> = queueOf([...initial]);
  let model = [...initial];
  const versions: { q: Queue<number>; items: number[] }[] = [];
  for (const o of ops) {
    versions.push({ q: deepFreeze(q), items: [...model] });
    switch (o.kind) {
      case 'push':
        q = queuePush(q, o.item);
        model.push(o.item);
        break;
      case 'shift':
        q = queueShift(q);
        model = model.slice(1);
        break;
      case 'pushAll':
        q = queuePushAll(q, o.items);
        model.push(...o.items);
        break;
      case 'remove':
        if (model.length === 0) break;
        q = queueRemoveAt(q, o.at % model.length);
        model.splice(o.at % model.length, 1);
        break;
    }
    expect(q.size).toBe(model.length);
    expect(queuePeek(q)).toBe(model[0]);
  }
  expect(queueToArray(q)).toEqual(model);
  for (let i = -1; i <= model.length; i++) expect(queueGet(q, i)).toBe(model[i]);
  const target = model[Math.floor(model.length / 2)];
  expect(queueFindIndex(q, (x) => x === target)).toBe(target === undefined ? -1 : model.indexOf(target));
  for (const v of versions) expect(queueToArray(v.q)).toEqual(v.items);
});

test('the empty queue shifts to itself and peeks undefined', () => {
  expect(queueShift(queueEmpty())).toBe(queueEmpty());
  expect(queuePeek(queueEmpty())).toBeUndefined();
  expect(queueToArray(queueShift(queuePush(queueEmpty<number>(), 1)))).toEqual([]);
});

test('pushes and shifts through 10,000 items copy each into a front array once', () => {
  // Steady state of a follower: a window of 50 proposals, one in and one out per step.
  let q: Queue<number> = queueEmpty();
  const fronts = new Set<readonly number[]>();
  let copied = 0;
  for (let i = 0; i < 10_000; i++) {
    q = queuePush(q, i);
    if (q.size > 50) {
      expect(queuePeek(q)).toBe(i - 50);
      q = queueShift(q);
    }
    if (!fronts.has(q.front)) {
      fronts.add(q.front);
      copied += q.front.length;
    }
  }
  expect(copied).toBeLessThanOrEqual(10_000);
});
