// The client checkers' edge classes of issue 18 (5: a failed multi's sub-results, 6: ZooKeeper's initial
// tree, 10: witness labels), each on the smallest hand-written history that showed it.
import { describe, expect, test } from 'vitest';
import { checkZkWrites } from '../../sim/checkers/zk-writes.js';
import type { ZkHistoryOp, ZkOp, ZkResult } from '../../sim/history/types.js';

let nextId = 1;
function w(op: ZkOp, invokeUs: number, completeUs: number | null, result: ZkResult | null, zxid: number | null, client = 1): ZkHistoryOp {
  return { kind: 'op', id: nextId++, client, session: client, server: 1, op, invokeUs, completeUs, outcome: 'ok', result, zxid };
}
const create = (path: string, data = 'x'): ZkOp => ({ type: 'create', path, data, mode: 'persistent' });
const setData = (path: string, version: number, data = 'y'): ZkOp => ({ type: 'setData', path, data, version });

describe('class 5: a failed multi is judged by its sub-results, as ZooKeeper 3.8 reports them', () => {
  // PrepRequestProcessor gives the failing op an error txn with its code and every later op
  // RUNTIMEINCONSISTENCY; DataTree.processTxn turns the earlier ops into error results with code 0.
  const multi: ZkOp = { type: 'multi', ops: [create('/m'), setData('/absent', -1), create('/n')] };
  const failed = (results: ZkResult[] | undefined, zxid: number | null = 1): ZkHistoryOp[] => [
    w(multi, 0, 5, results === undefined ? { rc: 'noNode' } : { rc: 'noNode', results }, zxid),
    w(create('/m'), 6, 9, { rc: 'ok', path: '/m' }, zxid === null ? null : 2), // the multi was rolled back
  ];

  test('class 5: ok for the ops before the failing one, its code, then runtimeInconsistency passes', () => {
    expect(checkZkWrites(failed([{ rc: 'ok' }, { rc: 'noNode' }, { rc: 'runtimeInconsistency' }])).verdict).toBe('ok');
    expect(checkZkWrites(failed(undefined)).verdict).toBe('ok'); // a history that names no sub-results
  });

  test('class 5: sub-results that blame the wrong sub-op are a violation', () => {
    const r = checkZkWrites(failed([{ rc: 'noNode' }, { rc: 'runtimeInconsistency' }, { rc: 'runtimeInconsistency' }]));
    expect(r.verdict).toBe('violated');
    expect(r.witness?.reason).toContain('multi op 0');
  });

  test('class 5: an op after the failing one reported ok, or a result missing, is a violation', () => {
    expect(checkZkWrites(failed([{ rc: 'ok' }, { rc: 'noNode' }, { rc: 'ok' }])).verdict).toBe('violated');
    expect(checkZkWrites(failed([{ rc: 'ok' }, { rc: 'noNode' }])).verdict).toBe('violated');
  });

  test('class 5: the search fallback (writes without a zxid) judges the sub-results too', () => {
    expect(checkZkWrites(failed([{ rc: 'ok' }, { rc: 'noNode' }, { rc: 'runtimeInconsistency' }], null)).verdict).toBe('ok');
    expect(checkZkWrites(failed([{ rc: 'noNode' }, { rc: 'runtimeInconsistency' }, { rc: 'runtimeInconsistency' }], null)).verdict).toBe('violated');
  });
});
