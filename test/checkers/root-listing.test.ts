// Proves that the read search judges a listing of "/" name by name (root-children.ts) without changing a
// verdict: it decides the zkHistoryCheckMs history within a step budget, still flags impossible listings,
// falls back to the joined search where the split's premises fail, and that an unknown answer names its
// partition and how many of its operations are open.
import { describe, expect, test } from 'vitest';
import { checkClientHistory, checkLinearizableWrites, checkSequentialReads } from '../../sim/checkers/client.js';
import { recordZkServiceHistory } from '../../sim/bench/zk-history.js';
import type { ZkHistory, ZkHistoryOp, ZkOp, ZkResult } from '../../sim/history/types.js';
import { inEpoch1, zkHistory, zkOpRecord } from './history-builders.js';

const op = zkOpRecord;
const hist = (ops: ZkHistoryOp[]) => inEpoch1(zkHistory(ops)); // counters in epoch 1
const create = (path: string): ZkOp => ({ type: 'create', path, data: 'd', mode: 'persistent' });
const remove = (path: string): ZkOp => ({ type: 'delete', path, version: -1 });
const listRoot: ZkOp = { type: 'getChildren', path: '/' };
const listed = (...names: string[]): ZkResult => ({ rc: 'ok', children: ['zookeeper', ...names] });

describe('the zkHistoryCheckMs history (2,000 ops of a faulty service run, 122 listings of "/")', () => {
  test('sequential-reads decides it within 1,000,000 search steps, and no checker answers unknown or violated', () => {
    const history = recordZkServiceHistory();
    // The joined search ran out of 20,000,000 steps on the partition of "/" (1,292 writes, 500 reads).
    expect(checkSequentialReads(history, { stepsMax: 1_000_000 }).verdict).toBe('ok');
    const report = checkClientHistory(history);
    expect(report.results.filter((r) => r.verdict !== 'ok').map((r) => r.name)).toEqual([]);
  });
});

describe('a listing of "/" judged name by name', () => {
  // An indeterminate create of /c (no zxid) leaves the root's children unknown, so the listings are searched.
  const base = (): ZkHistoryOp[] => [
    op(create('/a'), 0, 5, { rc: 'ok', path: '/a' }, 1),
    op(create('/b'), 10, 15, { rc: 'ok', path: '/b' }, 2),
    op(create('/c'), 20, null, null, null, { client: 2, session: 102 }),
  ];
  test('a listing at zxid 3 without /a is flagged, and the witness shows the listing; with /a (and /c or not) it passes', () => {
    const at3 = (result: ZkResult): ZkHistoryOp => op(listRoot, 30, 40, result, null, { readZxid: 3, client: 3, session: 103 });
    const missing = at3(listed('b'));
    const r = checkSequentialReads(hist([...base(), missing]));
    expect(r.verdict).toBe('violated');
    expect(r.witness?.ops.map((o) => o.id)).toContain(missing.id);
    expect(checkSequentialReads(hist([...base(), at3(listed('a', 'b'))])).verdict).toBe('ok');
    expect(checkSequentialReads(hist([...base(), at3(listed('a', 'b', 'c'))])).verdict).toBe('ok');
  });
  test('a listing at zxid 2 cannot show /c: its create began after zxid 2 had been seen', () => {
    const at2 = op(listRoot, 30, 40, listed('a', 'b', 'c'), null, { readZxid: 2, client: 3, session: 103 });
    expect(checkSequentialReads(hist([...base(), at2])).verdict).toBe('violated');
  });
  test('a listing naming a node no write creates, or leaving out /zookeeper, is flagged', () => {
    const at2 = (children: string[]): ZkHistoryOp => op(listRoot, 30, 40, { rc: 'ok', children }, null, { readZxid: 2, client: 3, session: 103 });
    expect(checkSequentialReads(hist([...base(), at2(['zookeeper', 'a', 'b', 'x'])])).verdict).toBe('violated');
    expect(checkSequentialReads(hist([...base(), at2(['a', 'b'])])).verdict).toBe('violated');
  });
  test('a listing at zxid 2 that shows /c, and a later one at zxid 2 that does not, cannot both hold', () => {
    const at2 = (names: string[], t: number): ZkHistoryOp => op(listRoot, t, t + 5, listed(...names), null, { readZxid: 2, client: 3, session: 103 });
    expect(checkSequentialReads(hist([...base(), at2(['a', 'b', 'c'], 30), at2(['a', 'b'], 40)])).verdict).toBe('violated');
  });
});

describe('where the split may not decide, the joined search does', () => {
  test('a listing without a header zxid needs one state for every name: /a and /b never exist together', () => {
    const ops = [
      op(create('/a'), 0, 5, { rc: 'ok', path: '/a' }, 1),
      op(remove('/a'), 10, 15, { rc: 'ok' }, 2),
      op(create('/b'), 20, 25, { rc: 'ok', path: '/b' }, 3),
    ];
    const free = (names: string[]): ZkHistoryOp => op(listRoot, 30, 40, listed(...names), null, { client: 3, session: 103 });
    expect(checkSequentialReads(hist([...ops, free(['a', 'b'])])).verdict).toBe('violated');
    expect(checkSequentialReads(hist([...ops, free(['b'])])).verdict).toBe('ok');
  });
  test('two writes without a zxid on different names keep their real-time order: a create that returned before a delete began', () => {
    // /y exists from zxid 1; the create of /x returned before the delete of /y was invoked, so no state
    // has /y gone and /x not yet there. Each name alone allows it; the two together do not.
    const made = op(create('/y'), 0, 5, { rc: 'ok', path: '/y' }, 1);
    const createX = (invokeUs: number): ZkHistoryOp => op(create('/x'), invokeUs, invokeUs + 10, { rc: 'ok', path: '/x' }, null);
    const deleteY = op(remove('/y'), 30, 40, { rc: 'ok' }, null, { client: 2, session: 102 });
    const listing = op(listRoot, 50, 60, listed(), null, { readZxid: 5, client: 3, session: 103 });
    expect(checkSequentialReads(hist([made, createX(10), deleteY, listing])).verdict).toBe('violated');
    // Invoked after the listing returned instead, the create may follow the state it shows.
    expect(checkSequentialReads(hist([made, deleteY, listing, createX(70)])).verdict).toBe('ok');
  });
});

describe('an unknown answer names its partition', () => {
  // Five writes to /k without a zxid, all open (no reply), two replied ones whose versions need some of them,
  // and reads of /k that need some of them.
  const ops = (): ZkHistoryOp[] => {
    const out = [op(create('/k'), 0, 5, { rc: 'ok', path: '/k' }, 1)];
    for (let i = 0; i < 5; i++)
      out.push(op({ type: 'setData', path: '/k', data: `v${i}`, version: -1 }, 10 + i, null, null, null, { client: 2 + i, session: 102 + i }));
    for (let i = 0; i < 5; i++)
      out.push(op({ type: 'getData', path: '/k' }, 100 + 10 * i, 105 + 10 * i, { rc: 'ok', data: `v${4 - i}` }, null, { client: 9, session: 109 }));
    // Two replied writes without a zxid whose reported versions need some of the open ones before them.
    out.push(op({ type: 'setData', path: '/k', data: 'w', version: -1 }, 20, 60, { rc: 'ok', version: 3 }, null, { client: 8, session: 108 }));
    out.push(op({ type: 'setData', path: '/k', data: 'x', version: -1 }, 21, 61, { rc: 'ok', version: 5 }, null, { client: 7, session: 107 }));
    return out;
  };
  test('sequential-reads, out of budget, says which partition and how many writes, reads and open ones', () => {
    const r = checkSequentialReads(hist(ops()), { stepsMax: 1 });
    expect(r.verdict).toBe('unknown');
    expect(r.notes?.join('\n')).toMatch(/partition of \/k \(8 writes, 5 reads, 7 without a zxid, 5 open\)/);
    expect(checkSequentialReads(hist(ops())).verdict).toBe('ok');
  });
  test('linearizable-writes, out of budget, says which paths and how many writes are open', () => {
    const r = checkLinearizableWrites(hist(ops()), { stepsMax: 1 });
    expect(r.verdict).toBe('unknown');
    expect(r.notes?.join('\n')).toMatch(/partition of \/k \(8 writes, 7 without a zxid, 5 open\)/);
  });
});
