// Proves the leader's outstanding-proposal list (protocol/zab/outstanding.ts) behaves like the plain
// array it replaced under any sequence of propose, ACK and commit steps, leaves old versions
// unchanged, and finds a proposal by zxid; and that pvecSet replaces exactly one item.
import { expect, test } from 'vitest';
import fc from 'fast-check';
import {
  addOutstanding,
  dropOldestOutstanding,
  noOutstanding,
  oldestOutstanding,
  outstandingAt,
  outstandingIndexOf,
  outstandingToArray,
  replaceOutstanding,
  type Outstanding,
  type OutstandingProposals,
} from '../../protocol/zab/outstanding.js';
import { pvecFrom, pvecSet, pvecToArray } from '../../protocol/pvec.js';
import { makeZxid } from '../../protocol/zxid.js';
import type { Txn } from '../../protocol/zab/txn.js';

const txnOf = (zxid: number): Txn => ({ zxid, body: null, origin: null }) as unknown as Txn;

type Step = { kind: 'propose' } | { kind: 'ack'; pick: number; sid: number } | { kind: 'commit' };
const stepArb: fc.Arbitrary<Step> = fc.oneof(
  fc.constant<Step>({ kind: 'propose' }),
  fc.record({ kind: fc.constant('ack' as const), pick: fc.nat(200), sid: fc.integer({ min: 1, max: 5 }) }),
  fc.constant<Step>({ kind: 'commit' }),
);

test('any propose/ACK/commit sequence gives the same list as an array, and older versions stay as they were', () => {
  fc.assert(
    fc.property(fc.array(stepArb, { maxLength: 400 }), fc.integer({ min: 1, max: 9 }), (steps, epoch) => {
      let model: Outstanding[] = [];
      let o: OutstandingProposals = noOutstanding();
      let counter = 0;
      const versions: Array<[OutstandingProposals, Outstanding[]]> = [];
      for (const step of steps) {
        if (step.kind === 'propose') {
          const txn = txnOf(makeZxid(epoch, ++counter));
          model = [...model, { txn, acks: [] }];
          o = addOutstanding(o, txn);
        } else if (step.kind === 'ack') {
          if (model.length === 0) continue;
          const at = step.pick % model.length;
          const zxid = (model[at] as Outstanding).txn.zxid;
          expect(outstandingIndexOf(o, zxid)).toBe(at);
          const item = { txn: (model[at] as Outstanding).txn, acks: [...(model[at] as Outstanding).acks, step.sid] };
          model = model.map((m, i) => (i === at ? item : m));
          o = replaceOutstanding(o, at, item);
        } else {
          expect(oldestOutstanding(o)).toEqual(model[0]);
          model = model.slice(1);
          o = dropOldestOutstanding(o);
        }
        versions.push([o, model]);
        expect(o.size).toBe(model.length);
      }
      for (const [version, expected] of versions) expect(outstandingToArray(version)).toEqual(expected);
      expect(outstandingIndexOf(o, makeZxid(epoch, counter + 1))).toBe(-1);
      expect(outstandingIndexOf(o, makeZxid(epoch + 1, 1))).toBe(-1);
      expect(outstandingAt(o, model.length)).toBeUndefined();
    }),
    { numRuns: 300 },
  );
});

test('a proposal is found by zxid even when counters have a gap (the scan fallback)', () => {
  let o = noOutstanding();
  for (const c of [1, 2, 5, 6]) o = addOutstanding(o, txnOf(makeZxid(3, c)));
  expect(outstandingIndexOf(o, makeZxid(3, 5))).toBe(2);
  expect(outstandingIndexOf(o, makeZxid(3, 6))).toBe(3);
  expect(outstandingIndexOf(o, makeZxid(3, 4))).toBe(-1);
});

test('pvecSet replaces one item at any depth and leaves the old vector unchanged', () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 3000 }), fc.nat(), (size, pick) => {
      const items = Array.from({ length: size }, (_, i) => i);
      const v = pvecFrom(items);
      const at = pick % size;
      const w = pvecSet(v, at, -1);
      expect(pvecToArray(w)).toEqual(items.map((x, i) => (i === at ? -1 : x)));
      expect(pvecToArray(v)).toEqual(items);
    }),
    { numRuns: 60 },
  );
});
