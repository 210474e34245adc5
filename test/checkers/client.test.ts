// Proves each client-level checker (sim/checkers/client.ts, liveness.ts) on small hand-written histories:
// one that satisfies the ZooKeeper guarantee it checks passes, and one that breaks it is flagged
// `violated` with a witness naming the offending ops or events.
import { describe, expect, test } from 'vitest';
import {
  checkClientHistory,
  checkFifoClientOrder,
  checkLinearizableWrites,
  checkSequentialReads,
  checkSessionEphemerals,
  checkWatchOrder,
} from '../../sim/checkers/client.js';
import { checkClientLiveness } from '../../sim/checkers/liveness.js';
import { formatNdjsonHistory, parseNdjsonHistory } from '../../sim/history/ndjson.js';
import type { ZkHistory, ZkHistoryEvent, ZkHistoryOp, ZkOp, ZkResult } from '../../sim/history/types.js';
import { clientOp, inEpoch1, zkHistory } from './history-builders.js';

const op = clientOp;
const hist = (ops: ZkHistoryOp[], events: ZkHistoryEvent[] = []): ZkHistory => inEpoch1(zkHistory(ops, events)); // counters in epoch 1
const ok: ZkResult = { rc: 'ok' };
const create = (path: string, mode: 'persistent' | 'ephemeral' = 'persistent'): ZkOp => ({ type: 'create', path, data: '', mode });
const setData = (path: string, data: string): ZkOp => ({ type: 'setData', path, data, version: -1 });
const getData = (path: string, watch = false): ZkOp => (watch ? { type: 'getData', path, watch } : { type: 'getData', path });
const watchEvent = (client: number, type: 'NodeDataChanged' | 'NodeDeleted', path: string, zxid: number, atUs: number): ZkHistoryEvent => ({
  kind: 'watch',
  client,
  session: 100 + client,
  server: 1,
  type,
  path,
  zxid,
  atUs,
});

describe('linearizable-writes', () => {
  test('zxid order consistent with real time passes; a later zxid completing before an earlier one began fails', () => {
    const good = hist([op(1, create('/a'), 0, 10, ok, 1), op(2, setData('/a', 'x'), 5, 20, { rc: 'ok', version: 1 }, 2)]);
    expect(checkLinearizableWrites(good).verdict).toBe('ok');
    const bad = hist([op(1, create('/a'), 30, 40, ok, 2), op(2, create('/b'), 0, 10, ok, 3)]);
    const r = checkLinearizableWrites(bad);
    expect(r.verdict).toBe('violated');
    expect(r.witness?.text).toContain('real-time');
  });

  test('KV registers: indeterminate sets explain a version jump; without one the jump is a violation', () => {
    const set = (data: string): ZkOp => ({ type: 'kvSet', path: '/k0', data });
    const good = hist([
      op(1, set('a'), 0, 10, { rc: 'ok', version: 0 }, 1),
      op(2, set('b'), 12, null, null, null),
      op(1, set('c'), 20, 30, { rc: 'ok', version: 2 }, 5),
    ]);
    expect(checkLinearizableWrites(good).verdict).toBe('ok');
    const bad = hist([op(1, set('a'), 0, 10, { rc: 'ok', version: 0 }, 1), op(1, set('c'), 20, 30, { rc: 'ok', version: 2 }, 5)]);
    expect(checkLinearizableWrites(bad).verdict).toBe('violated');
    // The indeterminate write began after the jumping write completed: it cannot explain it.
    const late = hist([
      op(1, set('a'), 0, 10, { rc: 'ok', version: 0 }, 1),
      op(1, set('c'), 20, 30, { rc: 'ok', version: 2 }, 5),
      op(2, set('b'), 40, null, null, null),
    ]);
    expect(checkLinearizableWrites(late).verdict).toBe('violated');
  });

  test('a session end deletes its ephemerals, so a later delete of one is noNode', () => {
    const h = hist(
      [op(1, create('/e', 'ephemeral'), 0, 10, ok, 1), op(2, { type: 'delete', path: '/e', version: -1 }, 50, 60, { rc: 'noNode' }, 4)],
      [{ kind: 'session', client: null, session: 101, server: null, state: 'ENDED', atUs: 30, zxid: 3 }],
    );
    expect(checkLinearizableWrites(h).verdict).toBe('ok');
    // Without the record the session may still have ended unseen (issue 18, class 9), but only after its
    // own last write (zxid 5 here), so not before the delete at zxid 4.
    expect(checkLinearizableWrites(hist(h.ops.slice())).verdict).toBe('ok');
    const later = op(1, setData('/x', 'x'), 12, 20, { rc: 'noNode' }, 5);
    expect(checkLinearizableWrites(hist([...h.ops, later])).verdict).toBe('violated');
  });
});

describe('sequential-reads', () => {
  test("a failed cas (an error txn) is nobody's last writer: a read still naming the earlier write passes", () => {
    // Found by a real run: cas v2 failed with badVersion at zxid 10, a later read returned the value
    // written at zxid 8 (mzxid 8). The failed cas changed nothing, so the read is correct.
    const set = (data: string): ZkOp => ({ type: 'kvSet', path: '/k4', data });
    const cas: ZkOp = { type: 'kvCas', path: '/k4', data: 'x', version: 2 };
    const get: ZkOp = { type: 'kvGet', path: '/k4' };
    const h = hist([
      op(1, set('a'), 0, 10, { rc: 'ok', version: 0 }, 8),
      op(2, cas, 20, 30, { rc: 'badVersion' }, 10),
      op(2, get, 40, 50, { rc: 'ok', exists: true, data: 'a', version: 0, mzxid: 8 }, null, { readZxid: 12 }),
    ]);
    expect(checkSequentialReads(h).verdict).toBe('ok');
    // Had the cas succeeded, the same read would be stale.
    const stale = hist([
      op(1, set('a'), 0, 10, { rc: 'ok', version: 0 }, 8),
      op(2, { type: 'kvSet', path: '/k4', data: 'b' }, 20, 30, { rc: 'ok', version: 1 }, 10),
      op(2, get, 40, 50, { rc: 'ok', exists: true, data: 'a', version: 0, mzxid: 8 }, null, { readZxid: 12 }),
    ]);
    expect(checkSequentialReads(stale).verdict).toBe('violated');
  });

  test('monotone reads pass; a read below the session lastZxidSeen fails', () => {
    const good = hist([
      op(1, create('/a'), 0, 10, ok, 5),
      op(1, getData('/a'), 11, 12, { rc: 'ok', data: '', version: 0 }, null, { readZxid: 5 }),
      op(1, getData('/a'), 13, 14, { rc: 'ok', data: '', version: 0 }, null, { readZxid: 6 }),
    ]);
    expect(checkSequentialReads(good).verdict).toBe('ok');
    const ryw = hist([
      op(1, create('/a'), 0, 10, ok, 5),
      op(1, { type: 'exists', path: '/a' }, 11, 12, { rc: 'ok', exists: false }, null, { readZxid: 4, server: 2 }),
    ]);
    const r = checkSequentialReads(ryw);
    expect(r.verdict).toBe('violated');
    expect(r.witness?.reason).toContain('read-your-writes');
  });

  test('a read returns the state at its header zxid', () => {
    const h = (data: string): ZkHistory =>
      hist([
        op(1, create('/a'), 0, 10, ok, 1),
        op(1, setData('/a', 'x'), 11, 20, { rc: 'ok', version: 1 }, 2),
        op(2, getData('/a'), 30, 40, { rc: 'ok', data, version: data === 'x' ? 1 : 0 }, null, { readZxid: 2 }),
      ]);
    expect(checkSequentialReads(h('x')).verdict).toBe('ok');
    expect(checkSequentialReads(h('')).verdict).toBe('violated');
  });

  test('a KV read whose mzxid was overwritten before its header zxid is stale', () => {
    const set = (data: string): ZkOp => ({ type: 'kvSet', path: '/k', data });
    const read = (mzxid: number, data: string, version: number): ZkHistoryOp =>
      op(2, { type: 'kvGet', path: '/k' }, 30, 40, { rc: 'ok', exists: true, data, version, mzxid }, null, { readZxid: 3 });
    const writes = (): ZkHistoryOp[] => [
      op(1, set('a'), 0, 10, { rc: 'ok', version: 0 }, 1),
      op(3, set('?'), 0, null, null, null),
      op(1, set('b'), 11, 20, { rc: 'ok', version: 2 }, 3),
    ];
    expect(checkSequentialReads(hist([...writes(), read(3, 'b', 2)])).verdict).toBe('ok');
    expect(checkSequentialReads(hist([...writes(), read(1, 'a', 0)])).verdict).toBe('violated');
  });

  // Found by the lock recipe under faults: an indeterminate sequential create took number 0 unseen.
  test('reads use the reported sequential names, and a name an unnamed sequential create may have made is unknown', () => {
    const seq: ZkOp = { type: 'create', path: '/q/n-', data: '', mode: 'persistentSequential' };
    const exists = (path: string, readZxid: number, found: boolean): ZkHistoryOp =>
      op(3, { type: 'exists', path }, 50, 55, found ? { rc: 'ok', exists: true, version: 0 } : { rc: 'ok', exists: false }, null, { readZxid });
    // The open create took /q/n-0000000000 between zxids 1 and 3: zxid 2 is free for it.
    const writes = (z = 3): ZkHistoryOp[] => [
      op(1, create('/q'), 0, 5, ok, 1),
      op(2, seq, 10, null, null, null),
      op(1, seq, 20, 30, { rc: 'ok', path: '/q/n-0000000001' }, z),
    ];
    const h = hist([...writes(), exists('/q/n-0000000001', 3, true), exists('/q/n-0000000000', 3, true)]);
    expect(checkSequentialReads(h).verdict).toBe('ok');
    // With the named create at zxid 2, no zxid is left for the open one before it: nobody made n-0000000000.
    expect(checkSequentialReads(hist([...writes(2), exists('/q/n-0000000000', 2, true)])).verdict).toBe('violated');
    // A name the replay knows nothing about is still judged: /q/m-... was never created.
    const r = checkSequentialReads(hist([...writes(), exists('/q/m-0000000000', 3, true)]));
    expect(r.verdict).toBe('violated');
    expect(r.witness?.reason).toContain('no such node');
  });

  test('a stale read after sync is a documented caveat, a violation only when asked', () => {
    const h = hist([
      op(1, create('/a'), 0, 10, ok, 7),
      op(2, { type: 'sync', path: '/a' }, 20, 30, ok, null, { readZxid: 6 }),
      op(2, { type: 'exists', path: '/a' }, 31, 32, { rc: 'ok', exists: false }, null, { readZxid: 6 }),
    ]);
    const lenient = checkSequentialReads(h);
    expect(lenient.verdict).toBe('ok');
    expect(lenient.notes?.[0]).toContain('sync');
    expect(checkSequentialReads(h, { syncIsLinearizable: true }).verdict).toBe('violated');
  });
});

describe('fifo-client-order', () => {
  test('replies in issue order pass; a later op completing first fails', () => {
    const good = hist([op(1, create('/a'), 0, 10, ok, 1), op(1, create('/b'), 1, 11, ok, 2)]);
    expect(checkFifoClientOrder(good).verdict).toBe('ok');
    const bad = hist([op(1, create('/a'), 0, 12, ok, 1), op(1, create('/b'), 1, 11, ok, 2)]);
    expect(checkFifoClientOrder(bad).verdict).toBe('violated');
    const swapped = hist([op(1, create('/a'), 0, 10, ok, 2), op(1, create('/b'), 1, 11, ok, 1)]);
    expect(checkFifoClientOrder(swapped).witness?.reason).toContain('took effect first');
  });
});

describe('watch-order', () => {
  const base = (): ZkHistoryOp[] => [
    op(1, create('/w'), 0, 10, ok, 1),
    op(1, getData('/w', true), 11, 12, { rc: 'ok', data: '', version: 0 }, null, { readZxid: 1 }),
    op(2, setData('/w', 'x'), 20, 30, { rc: 'ok', version: 1 }, 2),
  ];
  test('the event before a reply reflecting the change passes', () => {
    const h = hist(
      [...base(), op(1, getData('/w'), 40, 45, { rc: 'ok', data: 'x', version: 1 }, null, { readZxid: 2 })],
      [watchEvent(1, 'NodeDataChanged', '/w', 2, 35)],
    );
    expect(checkWatchOrder(h).verdict).toBe('ok');
  });
  test('a reply reflecting the change before the event fails', () => {
    const h = hist(
      [...base(), op(1, getData('/w'), 40, 45, { rc: 'ok', data: 'x', version: 1 }, null, { readZxid: 2 })],
      [watchEvent(1, 'NodeDataChanged', '/w', 2, 50)],
    );
    const r = checkWatchOrder(h);
    expect(r.verdict).toBe('violated');
    expect(r.witness?.reason).toContain('before any event');
  });
  test('a watch fires once', () => {
    const h = hist(base(), [watchEvent(1, 'NodeDataChanged', '/w', 2, 35), watchEvent(1, 'NodeDataChanged', '/w', 2, 36)]);
    expect(checkWatchOrder(h).witness?.reason).toContain('without holding');
  });
  test('a lost event is caught by the next reply that reflects the change', () => {
    const h = hist([...base(), op(1, getData('/other'), 40, 45, { rc: 'noNode' }, null, { readZxid: 2 })]);
    const r = checkWatchOrder(h);
    expect(r.verdict).toBe('violated');
    expect(r.witness?.reason).toContain('or was lost');
  });
  // Found by the conformance replay: ZooKeeper (ServerCnxn.process) drops an event the session may not READ.
  test('no event for a node whose ACL may deny READ is allowed; the same without the ACL is lost', () => {
    const ops = (restrictedRead: boolean): ZkHistoryOp[] => [
      op(1, { type: 'exists', path: '/r', watch: true }, 0, 5, { rc: 'ok', exists: false }, null, { readZxid: 0 }),
      op(2, { type: 'create', path: '/r', data: '', mode: 'persistent', ...(restrictedRead ? { restrictedRead } : {}) }, 10, 20, { rc: 'ok', path: '/r' }, 1),
      op(1, getData('/other'), 30, 35, { rc: 'noNode' }, null, { readZxid: 1 }),
    ];
    expect(checkWatchOrder(hist(ops(true))).verdict).toBe('ok');
    expect(checkWatchOrder(hist(ops(false))).verdict).toBe('violated');
    const text = formatNdjsonHistory(hist(ops(true)));
    expect(checkWatchOrder(parseNdjsonHistory(text, 'acl.ndjson')).verdict).toBe('ok'); // the flag survives NDJSON
  });
});

describe('session-ephemerals', () => {
  test('an ephemeral gone after its session ended passes; one read afterwards fails', () => {
    const end: ZkHistoryEvent = { kind: 'session', client: null, session: 101, server: null, state: 'ENDED', atUs: 30, zxid: 3 };
    const good = hist(
      [
        op(1, create('/e', 'ephemeral'), 0, 10, ok, 1),
        op(2, { type: 'exists', path: '/e' }, 40, 41, { rc: 'ok', exists: true, ephemeralOwner: 101 }, null, { readZxid: 2 }),
      ],
      [end],
    );
    expect(checkSessionEphemerals(good).verdict).toBe('ok');
    const bad = hist(
      [
        op(1, create('/e', 'ephemeral'), 0, 10, ok, 1),
        op(2, { type: 'exists', path: '/e' }, 40, 41, { rc: 'ok', exists: true, ephemeralOwner: 101 }, null, { readZxid: 3 }),
      ],
      [end],
    );
    expect(checkSessionEphemerals(bad).witness?.reason).toContain('owned by session 0x65');
    const late = hist([op(1, create('/e', 'ephemeral'), 0, 10, ok, 4)], [end]);
    expect(checkSessionEphemerals(late).verdict).toBe('violated');
  });
});

describe('liveness', () => {
  test('ops after recovery that complete in time pass; a stuck one fails with its cause', () => {
    const options = { faultsStopUs: 100, recoveryUs: 100, boundUs: 50, endUs: 1_000 };
    const good = hist([op(1, create('/a'), 300, 320, ok, 1)]);
    expect(checkClientLiveness(good, options).verdict).toBe('ok');
    const bad = hist([op(1, create('/a'), 300, null, null, null)]);
    const r = checkClientLiveness(bad, options, () => ({ cause: 'no-quorum-reachable', evidence: 'only 1 of 3 voters up' }));
    expect(r.verdict).toBe('violated');
    expect(r.witness?.reason).toContain('no-quorum-reachable');
  });
});

test('the extended NDJSON format round-trips, and all checkers run on it', () => {
  const h = hist(
    [
      op(1, create('/w'), 0, 10, ok, 1, { completeSeq: 0 }),
      op(1, getData('/w', true), 11, 12, { rc: 'ok', data: '', version: 0, mzxid: 1, ephemeralOwner: 0 }, null, { readZxid: 1, completeSeq: 1 }),
    ],
    [watchEvent(1, 'NodeDeleted', '/w', 2, 30), { kind: 'session', client: 1, session: 101, server: 1, state: 'CONNECTED', atUs: 0, seq: 0 }],
  );
  const back = parseNdjsonHistory(formatNdjsonHistory(h), 'h.ndjson');
  expect(back).toEqual(h);
  const report = checkClientHistory(back);
  expect(Object.keys(report.verdicts)).toEqual(['linearizable-writes', 'sequential-reads', 'fifo-client-order', 'watch-order', 'session-ephemerals']);
});
