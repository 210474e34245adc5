// Proves the column copies the end-of-run checkers read instead of the records: a WriteTable holds
// each write's numbers, flags and path exactly as the record has them (growing past its capacity),
// byZxid orders as a comparator sort by zxid then index does, and zxidWindows gives every write
// without a zxid the bounds its definition names, found by brute force.
import { describe, expect } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { BAD_VERSION, KIND, OUTCOME_OK, RESULT_OK, UNCERTAIN, WriteTable } from '../../sim/checkers/write-table.js';
import { isUncertain, zxidWindows } from '../../sim/checkers/zk-writes.js';
import type { ZkHistoryOp, ZkOp, ZkResult, ZkReturnCode } from '../../sim/history/types.js';

const path = fc.constantFrom('/a', '/b', '/a/x', '/k1', '/');
const op: fc.Arbitrary<ZkOp> = fc.oneof(
  fc.record({ type: fc.constant('kvSet' as const), path, data: fc.string({ maxLength: 2 }) }),
  fc.record({ type: fc.constant('kvCas' as const), path, data: fc.string({ maxLength: 2 }), version: fc.integer({ min: -1, max: 3 }) }),
  fc.record({ type: fc.constant('setData' as const), path, data: fc.constant('d'), version: fc.integer({ min: -1, max: 3 }) }),
  fc.record({ type: fc.constant('delete' as const), path, version: fc.constant(-1) }),
  fc.record({
    type: fc.constant('create' as const),
    path,
    data: fc.constant(''),
    mode: fc.constantFrom('persistent' as const, 'ephemeralSequential' as const),
  }),
  fc.constant({ type: 'closeSession' as const }),
  fc.constant({ type: 'multi' as const, ops: [{ type: 'check' as const, path: '/a', version: -1 }] }),
);
const rc = fc.constantFrom<ZkReturnCode>('ok', 'badVersion', 'noNode', 'connectionLoss', 'operationTimeout', 'sessionExpired');
const result: fc.Arbitrary<ZkResult | null> = fc.option(
  fc.tuple(rc, fc.option(fc.nat(5), { nil: null })).map(([code, version]): ZkResult => (version === null ? { rc: code } : { rc: code, version })),
  { nil: null },
);
const time = fc.integer({ min: 0, max: 40 });
const write = fc.record({
  op,
  result,
  outcome: fc.constantFrom('ok' as const, 'info' as const),
  zxid: fc.option(fc.nat(30), { nil: null }),
  invokeUs: time,
  length: fc.option(time, { nil: null }),
});

type Spec = { op: ZkOp; result: ZkResult | null; outcome: 'ok' | 'info'; zxid: number | null; invokeUs: number; length: number | null };

function historyOps(specs: readonly Spec[]): ZkHistoryOp[] {
  return specs.map((s, id) => ({
    kind: 'op',
    id,
    client: id % 3,
    session: 7,
    server: 1,
    op: s.op,
    invokeUs: s.invokeUs,
    completeUs: s.length === null ? null : s.invokeUs + s.length,
    outcome: s.outcome,
    result: s.result,
    zxid: s.zxid,
  }));
}

describe('WriteTable', () => {
  test.prop([fc.array(write, { maxLength: 60 }), fc.nat(20)])('holds each record as it is, whatever its capacity', (specs, capacity) => {
    const ops = historyOps(specs);
    const table = new WriteTable(capacity);
    for (const o of ops) table.add(o);
    expect(table.length).toBe(ops.length);
    ops.forEach((o, i) => {
      expect(table.writes[i]).toBe(o);
      expect(table.zxid[i]).toBe(o.zxid ?? Number.NaN);
      expect(table.invokeUs[i]).toBe(o.invokeUs);
      expect(table.completed[i]).toBe(o.completeUs === null ? 0 : 1);
      if (o.completeUs !== null) expect(table.completeUs[i]).toBe(o.completeUs);
      expect(table.kind[i]).toBe(KIND[o.op.type]);
      const f = table.flags[i]!;
      expect((f & OUTCOME_OK) !== 0).toBe(o.outcome === 'ok');
      expect((f & UNCERTAIN) !== 0).toBe(isUncertain(o));
      expect((f & RESULT_OK) !== 0).toBe(o.result?.rc === 'ok');
      expect((f & BAD_VERSION) !== 0).toBe(o.result?.rc === 'badVersion');
      const own = o.op.type === 'multi' || o.op.type === 'closeSession' || o.op.type === 'create' ? null : o.op.path;
      expect(table.pathId[i] === -1).toBe(own === null);
      if (own !== null) expect([...table.paths.ids].find(([, id]) => id === table.pathId[i])?.[0]).toBe(own);
      const version = o.op.type === 'kvCas' ? o.op.version : o.op.type === 'kvSet' ? (o.result?.version ?? Number.NaN) : Number.NaN;
      expect(table.version[i]).toBe(version);
    });
  });

  test.prop([fc.array(write, { maxLength: 60 })])('byZxid: the writes with a zxid, by zxid then index', (specs) => {
    const ops = historyOps(specs);
    const table = WriteTable.of(ops);
    const expected = ops
      .map((_, i) => i)
      .filter((i) => ops[i]!.zxid !== null)
      .sort((a, b) => ops[a]!.zxid! - ops[b]!.zxid! || a - b);
    expect(table.byZxid()).toEqual(expected);
    expect(table.byZxid()).toBe(table.byZxid()); // one sort, shared
  });
});

describe('zxidWindows', () => {
  test.prop([fc.array(write, { maxLength: 60 })])('bounds each write without a zxid as its definition says', (specs) => {
    // Distinct zxids, as checkZkWrites guarantees before it asks.
    const ops = historyOps(specs).map((o, i) => (o.zxid === null ? o : { ...o, zxid: 1000 - i * 7 + (o.zxid % 5) * 1000 }));
    const table = WriteTable.of(ops);
    const withZxid = table.byZxid();
    const floating = ops.map((_, i) => i).filter((i) => ops[i]!.zxid === null);
    const windows = zxidWindows(ops, table, withZxid, floating);
    expect(windows.size).toBe(floating.length);
    for (const i of floating) {
      const f = ops[i]!;
      const known = withZxid.map((k) => ops[k]!);
      const before = known.filter((w) => w.completeUs !== null && w.completeUs < f.invokeUs);
      const loOp = before.reduce<ZkHistoryOp | null>((best, w) => (best === null || w.zxid! > best.zxid! ? w : best), null);
      const returnUs = isUncertain(f) || f.completeUs === null ? Number.POSITIVE_INFINITY : f.completeUs;
      const after = returnUs === Number.POSITIVE_INFINITY ? [] : known.filter((w) => w.invokeUs >= returnUs + 1);
      const hiOp = after.reduce<ZkHistoryOp | null>((best, w) => (best === null || w.zxid! < best.zxid! ? w : best), null);
      expect(windows.get(f)).toEqual({ lo: loOp?.zxid ?? 0, hi: hiOp?.zxid ?? Number.POSITIVE_INFINITY, loOp, hiOp });
    }
  });
});
