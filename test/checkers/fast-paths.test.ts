// Proves the checkers' speed-ups keep their answers: ZxidMap behaves as a Map for any numeric key
// (epochs near 2^53 included), the ZabChecker's AckTable as a list of voters per zxid (packed or not),
// sortByKey orders as a comparator sort does (ties by index), and the client checkers give the same
// verdict and witness whether a history lists each client's ops in issue order (judged in one pass)
// or out of it (sorted first).
import { describe, expect } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { ZxidMap } from '../../sim/checkers/zxid-map.js';
import { AckTable } from '../../sim/zab/checker.js';
import { sortByKey } from '../../sim/checkers/sort.js';
import { checkClientHistory, checkFifoClientOrder, checkSequentialReads } from '../../sim/checkers/client.js';
import type { ZkHistory, ZkHistoryOp } from '../../sim/history/types.js';
import { inEpoch1 } from './history-builders.js';

const EPOCH = 4_294_967_296;
const zxidKey = fc.oneof(
  fc.tuple(fc.nat(5), fc.nat(40)).map(([e, c]) => e * EPOCH + c),
  fc.tuple(fc.nat(1), fc.nat(8)).map(([e, c]) => e * EPOCH + c),
  fc.tuple(fc.nat(3), fc.integer({ min: 2 ** 24 - 2, max: 2 ** 24 + 2 })).map(([e, c]) => e * EPOCH + c),
  fc.tuple(fc.nat(1), fc.integer({ min: 2 ** 24 - 1, max: 2 ** 24 + 1 })).map(([e, c]) => e * EPOCH + c),
  fc.constantFrom(-1, -EPOCH, 0.5, EPOCH + 0.25, -0, 2 ** 53 + 2, Number.NaN, Number.POSITIVE_INFINITY),
  // Epochs near 2^53, where a counter could pass it: 2^53 - 1 is a zxid of the last epoch below.
  fc.tuple(fc.constantFrom(2 ** 21 - 1, 2 ** 21 - 2), fc.nat(3)).map(([e, c]) => e * EPOCH + c),
  fc.constantFrom(2 ** 53 - 1, 2 ** 53 - 1 - 2 ** 24, (2 ** 21 - 1) * EPOCH + 0.5),
);

describe('ZxidMap', () => {
  test.prop([fc.array(fc.tuple(fc.constantFrom('set', 'delete', 'get'), zxidKey, fc.nat(9)), { maxLength: 300 })], { numRuns: 300 })(
    'answers as a Map would',
    (steps) => {
      const map = new ZxidMap<number>();
      const model = new Map<number, number>();
      for (const [what, key, value] of steps) {
        if (what === 'set') {
          map.set(key, value);
          model.set(key, value);
        } else if (what === 'delete') {
          map.delete(key);
          model.delete(key);
        }
        expect(map.get(key)).toBe(model.get(key));
        expect(map.has(key)).toBe(model.has(key));
      }
    },
  );
});

describe('sortByKey', () => {
  const key = fc.oneof(fc.nat(50), fc.integer({ min: -5, max: 5 }), fc.double({ noNaN: true }), fc.constant(2 ** 52));
  test.prop([fc.array(key, { maxLength: 100 })])('orders indices by key, ties by index, as a comparator sort does', (keys) => {
    const values = Float64Array.from(keys);
    const indices = keys.map((_, i) => i).reverse();
    const expected = [...indices].sort((a, b) => values[a]! - values[b]! || a - b);
    sortByKey(indices, values, keys.length);
    expect(indices).toEqual(expected);
  });
});

describe('client checkers on ops listed out of issue order', () => {
  let nextId = 0;
  const kvSet = (client: number, invokeUs: number, completeUs: number, zxid: number, completeSeq: number): ZkHistoryOp => ({
    kind: 'op',
    id: nextId++,
    client,
    session: 100 + client,
    server: 1,
    op: { type: 'kvSet', path: '/k', data: `v${zxid}` },
    invokeUs,
    completeUs,
    outcome: 'ok',
    result: { rc: 'ok', version: zxid - 1 },
    zxid,
    completeSeq,
  });
  const history = (ops: ZkHistoryOp[]): ZkHistory => inEpoch1({ header: { kind: 'header', version: 1 }, ops }); // counters in epoch 1
  // Client 1's second write took effect before its first: a fifo-client-order violation.
  const ops = [kvSet(1, 0, 10, 2, 0), kvSet(2, 1, 5, 1, 1), kvSet(1, 20, 30, 3, 2), kvSet(1, 31, 40, 4, 3), kvSet(2, 32, 45, 5, 4)];
  const bad = [kvSet(1, 100, 110, 7, 5), kvSet(1, 120, 130, 6, 6)];

  test.prop([fc.array(fc.nat(), { minLength: 7, maxLength: 7 })])('same verdicts and witnesses whatever the file order', (ranks) => {
    const inOrder = history([...ops, ...bad]);
    const shuffled = history(
      inOrder.ops
        .map((o, i) => [o, ranks[i]!] as const)
        .sort((a, b) => a[1] - b[1])
        .map(([o]) => o),
    );
    expect(checkFifoClientOrder(shuffled)).toEqual(checkFifoClientOrder(inOrder));
    expect(checkFifoClientOrder(inOrder).witness?.reason).toContain('was issued after write');
    expect(checkSequentialReads(shuffled)).toEqual(checkSequentialReads(inOrder));
    const strip = (h: ZkHistory): unknown => checkClientHistory(h).results;
    expect(strip(shuffled)).toEqual(strip(inOrder));
  });
});

describe('AckTable', () => {
  const EPOCH_ = 4_294_967_296;
  const zxid = fc.oneof(
    { weight: 6, arbitrary: fc.tuple(fc.nat(1), fc.nat(6)).map(([e, c]) => e * EPOCH_ + c) },
    fc.tuple(fc.nat(3), fc.constantFrom(1023, 1024, 1025, 2047, 2048, 4096, 2 ** 22, 2 ** 22 - 1)).map(([e, c]) => e * EPOCH_ + c),
    fc.constantFrom(-1, 0.5, -0, Number.NaN, 2 ** 53 + 2, 5 * EPOCH_ + 2 ** 22 + 1, (2 ** 21 - 1) * EPOCH_ + 7),
  );
  const voterSets = fc.constantFrom([1, 2, 3], [1, 2, 3, 4, 5], [2, 4, 6, 8, 10, 12, 14], [1, 1, 2, 3], [1, 2, 3, 4, 5, 6, 7, 8, 9]);
  test.prop([voterSets, fc.array(fc.tuple(fc.constantFrom('add', 'add', 'read', 'delete'), zxid, fc.nat(8)), { maxLength: 300 })], { numRuns: 300 })(
    "keeps each zxid's voters in arrival order, once each, as a list per zxid would",
    (voters, steps) => {
      const table = new AckTable(voters);
      const model = new Map<number, number[]>();
      const distinct = [...new Set(voters)];
      const into: number[] = [];
      for (const [what, z, pick] of steps) {
        const sid = distinct[pick % distinct.length]!;
        if (what === 'add') {
          table.add(z, sid);
          const list = model.get(z);
          if (list === undefined) model.set(z, [sid]);
          else if (!list.includes(sid)) list.push(sid);
        } else if (what === 'delete') {
          table.delete(z);
          model.delete(z);
        }
        const n = table.read(z, into);
        expect(into.slice(0, n)).toEqual(model.get(z) ?? []);
      }
    },
  );
});
