// The client checkers' edge classes of issue 18 (5: a failed multi's sub-results, 6: ZooKeeper's initial
// tree, 10: witness labels), each on the smallest hand-written history that showed it.
import { describe, expect, test } from 'vitest';
import { checkClientHistory, checkSequentialReads } from '../../sim/checkers/client.js';
import { checkZkWrites } from '../../sim/checkers/zk-writes.js';
import type { ZkHistoryOp, ZkOp, ZkResult } from '../../sim/history/types.js';
import { inEpoch1 } from './history-builders.js';

let nextId = 1;
function w(op: ZkOp, invokeUs: number, completeUs: number | null, result: ZkResult | null, zxid: number | null, client = 1): ZkHistoryOp {
  return { kind: 'op', id: nextId++, client, session: client, server: 1, op, invokeUs, completeUs, outcome: 'ok', result, zxid };
}
const create = (path: string, data = 'x'): ZkOp => ({ type: 'create', path, data, mode: 'persistent' });
const setData = (path: string, version: number, data = 'y'): ZkOp => ({ type: 'setData', path, data, version });
/** A read answered at header zxid `readZxid`. */
function r(op: ZkOp, invokeUs: number, result: ZkResult, readZxid: number, client = 1): ZkHistoryOp {
  return { ...w(op, invokeUs, invokeUs + 1, result, null, client), readZxid };
}
const history = (ops: ZkHistoryOp[]) => inEpoch1({ header: { kind: 'header' as const, version: 1 as const }, ops }); // counters in epoch 1

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

describe("class 6: the checkers' model starts from ZooKeeper's tree: /zookeeper, /zookeeper/config, /zookeeper/quota", () => {
  test('class 6: getChildren / returning [zookeeper] on a fresh ensemble is no violation', () => {
    const h = history([r({ type: 'getChildren', path: '/' }, 0, { rc: 'ok', children: ['zookeeper'] }, 0)]);
    expect(checkSequentialReads(h).verdict).toBe('ok');
    const after = history([
      w(create('/a'), 0, 1, { rc: 'ok', path: '/a' }, 1),
      r({ type: 'getChildren', path: '/' }, 2, { rc: 'ok', children: ['zookeeper', 'a'] }, 1),
    ]);
    expect(checkSequentialReads(after).verdict).toBe('ok');
  });

  test('class 6: an empty root, or /zookeeper without its children, is a violation', () => {
    expect(checkSequentialReads(history([r({ type: 'getChildren', path: '/' }, 0, { rc: 'ok', children: [] }, 0)])).verdict).toBe('violated');
    const children = r({ type: 'getChildren', path: '/zookeeper' }, 0, { rc: 'ok', children: ['config', 'quota'] }, 0);
    expect(checkSequentialReads(history([children])).verdict).toBe('ok');
    const gone = r({ type: 'exists', path: '/zookeeper/quota' }, 0, { rc: 'ok', exists: false }, 0);
    expect(checkSequentialReads(history([gone])).verdict).toBe('violated');
  });

  test("class 6: /zookeeper/config holds the ensemble's config (data and version as the server set them)", () => {
    // ZKDatabase.initConfigInZKDatabase writes the dynamic config with version -1 on a quorum peer.
    const config = r({ type: 'getData', path: '/zookeeper/config' }, 0, { rc: 'ok', data: 'server.1=127.0.0.1:2888:3888\nversion=0', version: -1 }, 3);
    expect(checkSequentialReads(history([config])).verdict).toBe('ok');
  });

  test('class 6: writes meet the system nodes: create /zookeeper exists, delete /zookeeper is badArguments, sequential names under / start at 0', () => {
    const h = [
      w(create('/zookeeper'), 0, 1, { rc: 'nodeExists' }, 1),
      w({ type: 'delete', path: '/zookeeper/quota', version: -1 }, 2, 3, { rc: 'badArguments' }, 2),
      w({ type: 'create', path: '/s-', data: '', mode: 'persistentSequential' }, 4, 5, { rc: 'ok', path: '/s-0000000000' }, 3),
      w(create('/zookeeper/quota/q'), 6, 7, { rc: 'ok', path: '/zookeeper/quota/q' }, 4),
    ];
    expect(checkZkWrites(h).verdict).toBe('ok');
    expect(checkZkWrites([w(create('/zookeeper'), 0, 1, { rc: 'ok', path: '/zookeeper' }, 1)]).verdict).toBe('violated');
  });

  test('class 6: kv register histories are unaffected: a register at /zookeeper starts absent', () => {
    const h = history([
      r({ type: 'kvGet', path: '/zookeeper' }, 0, { rc: 'ok', exists: false }, 0),
      w({ type: 'kvSet', path: '/zookeeper', data: 'v' }, 2, 3, { rc: 'ok', version: 0 }, 1),
      r({ type: 'kvGet', path: '/zookeeper' }, 4, { rc: 'ok', data: 'v', version: 0 }, 1),
    ]);
    expect(checkClientHistory(h).results.map((x) => [x.name, x.verdict])).toEqual([
      ['linearizable-writes', 'ok'],
      ['sequential-reads', 'ok'],
      ['fifo-client-order', 'ok'],
      ['watch-order', 'ok'],
      ['session-ephemerals', 'ok'],
    ]);
  });
});

describe('class 10: witnesses name the exact rule broken and only the ops that break it', () => {
  const get = (path: string): ZkOp => ({ type: 'getData', path });
  const reason = (ops: ZkHistoryOp[]): string => {
    const result = checkSequentialReads(history(ops));
    expect(result.verdict).toBe('violated');
    return result.witness!.reason;
  };

  test('class 10: a read below an earlier read of the session is monotonic reads, not read-your-writes', () => {
    const text = reason([
      w(create('/a'), 0, 1, { rc: 'ok', path: '/a' }, 5),
      r(get('/a'), 2, { rc: 'ok', data: 'x', version: 0 }, 7),
      r(get('/a'), 4, { rc: 'ok', data: 'x', version: 0 }, 6),
    ]);
    expect(text).toMatch(/^monotonic reads broken/);
    expect(text).not.toContain('read-your-writes');
  });

  test('class 10: a read below a failed write of the session is monotonic reads: the session wrote nothing', () => {
    const text = reason([
      w(create('/a'), 0, 1, { rc: 'ok', path: '/a' }, 5),
      w(setData('/a', 9), 2, 3, { rc: 'badVersion' }, 7),
      r(get('/a'), 4, { rc: 'ok', data: 'x', version: 0 }, 6),
    ]);
    expect(text).toMatch(/^monotonic reads broken/);
  });

  test('class 10: a read below the session own successful write is read-your-writes', () => {
    const text = reason([w(create('/a'), 0, 1, { rc: 'ok', path: '/a' }, 5), r({ type: 'exists', path: '/a' }, 2, { rc: 'ok', exists: false }, 4)]);
    expect(text).toMatch(/^read-your-writes broken/);
  });

  test('class 10: a write below a state the session had seen breaks session order, not read-your-writes', () => {
    const text = reason([
      w(create('/a'), 0, 1, { rc: 'ok', path: '/a' }, 7),
      r(get('/a'), 2, { rc: 'ok', data: 'x', version: 0 }, 8),
      w(create('/b'), 4, 5, { rc: 'ok', path: '/b' }, 6),
    ]);
    expect(text).toMatch(/^session order broken/);
  });

  test('class 10: the mzxid check cites the write that set the value, never one on another path or a failed one', () => {
    // /b's setData at zxid 2, a failed setData of /a at zxid 3: neither wrote /a, so neither "wrote ... there".
    const base = [w(create('/a', 'x'), 0, 1, { rc: 'ok', path: '/a' }, 1), w(create('/b', 'x'), 2, 3, { rc: 'ok', path: '/b' }, 2)];
    const other = reason([
      ...base,
      w(setData('/b', -1, 'q'), 4, 5, { rc: 'ok', version: 1 }, 3),
      r(get('/a'), 6, { rc: 'ok', data: 'z', version: 0, mzxid: 3 }, 3),
    ]);
    expect(other).not.toContain('wrote');
    expect(other).toContain('/b');
    expect(other).toMatch(/did not write \/a/);
    const failed = reason([
      ...base,
      w(setData('/a', 5, 'q'), 4, 5, { rc: 'badVersion' }, 3),
      r(get('/a'), 6, { rc: 'ok', data: 'z', version: 0, mzxid: 3 }, 3),
    ]);
    expect(failed).not.toContain('wrote');
    expect(failed).toMatch(/did not write \/a.*badVersion/);
    // The write that did set the value is cited as such.
    const real = reason([...base, r(get('/a'), 6, { rc: 'ok', data: 'z', version: 0, mzxid: 1 }, 2)]);
    expect(real).toMatch(/but #\d+ wrote "x" there/);
  });

  test('class 10: a multi that set the node is cited with the data of its sub-op on that path', () => {
    const multi: ZkOp = { type: 'multi', ops: [setData('/b', -1, 'mb'), setData('/a', -1, 'ma')] };
    const base = [w(create('/a', 'x'), 0, 1, { rc: 'ok', path: '/a' }, 1), w(create('/b', 'x'), 2, 3, { rc: 'ok', path: '/b' }, 2)];
    const m = w(
      multi,
      4,
      5,
      {
        rc: 'ok',
        results: [
          { rc: 'ok', version: 1 },
          { rc: 'ok', version: 1 },
        ],
      },
      3,
    );
    expect(checkSequentialReads(history([...base, m, r(get('/a'), 6, { rc: 'ok', data: 'ma', version: 1, mzxid: 3 }, 3)])).verdict).toBe('ok');
    expect(reason([...base, m, r(get('/a'), 6, { rc: 'ok', data: 'mb', version: 1, mzxid: 3 }, 3)])).toMatch(/wrote "ma" there/);
  });
});
