// Proves that the reference checker rejects a hand-written impossible history of each of issue 18's
// classes, naming the guarantee and rule broken, and accepts hand-written possible ones that ZooKeeper
// does produce (the initial tree, new sessions on one client, expiry, lost replies, stale reads).
import { describe, expect, it } from 'vitest';
import type { ZkHistory, ZkHistoryEvent, ZkHistoryOp, ZkOp, ZkResult } from '../../sim/history/types.js';
import { referenceCheck, type Guarantee } from './reference.js';

const Z = (counter: number): number => 2 ** 32 + counter; // epoch 1

type OpSpec = {
  client?: number;
  session?: number | null;
  op: ZkOp;
  at: [number, number | null];
  outcome?: 'ok' | 'info' | 'fail';
  result?: ZkResult | null;
  zxid?: number | null;
  readZxid?: number | null;
};

function history(ops: OpSpec[], events: ZkHistoryEvent[] = []): ZkHistory {
  const list: ZkHistoryOp[] = ops.map((s, id) => ({
    kind: 'op',
    id,
    client: s.client ?? 1,
    session: s.session === undefined ? 100 + (s.client ?? 1) : s.session,
    server: 1,
    op: s.op,
    invokeUs: s.at[0],
    completeUs: s.at[1],
    outcome: s.outcome ?? 'ok',
    result: s.result === undefined ? { rc: 'ok' } : s.result,
    zxid: s.zxid ?? null,
    ...(s.readZxid === undefined ? {} : { readZxid: s.readZxid }),
  }));
  return { header: { kind: 'header', version: 1 }, ops: list, events };
}

function watchEvent(
  session: number,
  type: 'NodeCreated' | 'NodeDeleted' | 'NodeDataChanged' | 'NodeChildrenChanged',
  path: string,
  zxid: number,
  atUs: number,
): ZkHistoryEvent {
  return { kind: 'watch', client: session - 100, session, server: 1, type, path, zxid, atUs };
}

function expectViolated(h: ZkHistory, guarantee: Guarantee, rule?: string): void {
  const r = referenceCheck(h);
  expect(r.possible).toBe(false);
  expect(r.verdicts[guarantee]).toBe('violated');
  if (rule !== undefined) expect(r.rule).toBe(rule);
}

function expectPossible(h: ZkHistory): void {
  const r = referenceCheck(h);
  expect(r).toEqual({
    possible: true,
    verdicts: { 'linearizable-writes': 'ok', 'sequential-reads': 'ok', 'fifo-client-order': 'ok', 'watch-order': 'ok', 'session-ephemerals': 'ok' },
  });
}

describe('reference checker: impossible histories of issue 18 are rejected', () => {
  it('1a: an ok kvSet without zxid reporting version 7 on a fresh key', () => {
    expectViolated(
      history([{ op: { type: 'kvSet', path: '/k', data: 'a' }, at: [0, 10], result: { rc: 'ok', version: 7 } }]),
      'linearizable-writes',
      'write-result',
    );
  });

  it('1b: a failed CAS (badVersion, no zxid) counted as if it had succeeded', () => {
    const h = history([
      { op: { type: 'kvSet', path: '/k', data: 'a' }, at: [0, 10], result: { rc: 'ok', version: 0 } },
      { op: { type: 'kvCas', path: '/k', data: 'b', version: 5 }, at: [20, 30], result: { rc: 'badVersion' } },
      { op: { type: 'kvGet', path: '/k' }, at: [40, 50], result: { rc: 'ok', exists: true, data: 'b', version: 1 } },
    ]);
    expectViolated(h, 'sequential-reads', 'read-state');
    // The same CAS reported as a success is itself a wrong result.
    const claimed = history([
      { op: { type: 'kvSet', path: '/k', data: 'a' }, at: [0, 10], result: { rc: 'ok', version: 0 } },
      { op: { type: 'kvCas', path: '/k', data: 'b', version: 5 }, at: [20, 30], result: { rc: 'ok', version: 1 } },
    ]);
    expectViolated(claimed, 'linearizable-writes', 'write-result');
  });

  it('2: a read of a value never written, without readZxid', () => {
    const h = history([
      { op: { type: 'kvSet', path: '/k', data: 'a' }, at: [0, 10], result: { rc: 'ok', version: 0 } },
      { client: 2, op: { type: 'kvGet', path: '/k' }, at: [20, 30], result: { rc: 'ok', exists: true, data: 'zz', version: 0 } },
    ]);
    expectViolated(h, 'sequential-reads', 'read-state');
    const zk = history([{ op: { type: 'getData', path: '/zookeeper' }, at: [0, 10], result: { rc: 'ok', data: 'never', version: 0 } }]);
    expectViolated(zk, 'sequential-reads', 'read-state');
  });

  it('3: a read explained only by a write invoked after the read returned', () => {
    const h = history([
      { op: { type: 'kvGet', path: '/k' }, at: [0, 10], result: { rc: 'ok', exists: true, data: 'a', version: 0 } },
      { client: 2, op: { type: 'kvSet', path: '/k', data: 'a' }, at: [20, 30], result: { rc: 'ok', version: 0 } },
    ]);
    expectViolated(h, 'sequential-reads', 'read-real-time');
    // With zxids: the write's zxid at or below the readZxid of a read that finished before it began.
    const z = history([
      { op: { type: 'kvGet', path: '/k' }, at: [0, 10], result: { rc: 'ok', exists: false }, readZxid: Z(5) },
      { client: 2, op: { type: 'kvSet', path: '/k', data: 'a' }, at: [20, 30], result: { rc: 'ok', version: 0 }, zxid: Z(4) },
    ]);
    expect(referenceCheck(z).possible).toBe(false);
  });

  it('4a: a NodeDeleted event for the txn that created the node', () => {
    const h = history(
      [
        { op: { type: 'exists', path: '/a', watch: true }, at: [0, 10], result: { rc: 'ok', exists: false } },
        { client: 2, op: { type: 'create', path: '/a', data: 'x', mode: 'persistent' }, at: [20, 30], result: { rc: 'ok', path: '/a' }, zxid: Z(3) },
      ],
      [watchEvent(101, 'NodeDeleted', '/a', Z(3), 25)],
    );
    expectViolated(h, 'watch-order', 'watch-unexplained');
    // The right event type is accepted.
    const ok = history(
      h.ops.map((o) => ({ client: o.client, op: o.op, at: [o.invokeUs, o.completeUs], result: o.result, zxid: o.zxid })),
      [watchEvent(101, 'NodeCreated', '/a', Z(3), 25)],
    );
    expectPossible(ok);
  });

  it('4b: a NodeDataChanged for a node never created', () => {
    const h = history(
      [{ op: { type: 'exists', path: '/a', watch: true }, at: [0, 10], result: { rc: 'ok', exists: false } }],
      [watchEvent(101, 'NodeDataChanged', '/a', Z(7), 25)],
    );
    expectViolated(h, 'watch-order', 'watch-unexplained');
  });

  it('4c: an event older than the watch it fires', () => {
    const h = history(
      [
        { client: 2, op: { type: 'create', path: '/a', data: 'x', mode: 'persistent' }, at: [0, 10], result: { rc: 'ok', path: '/a' }, zxid: Z(1) },
        { client: 2, op: { type: 'setData', path: '/a', data: 'y', version: -1 }, at: [10, 20], result: { rc: 'ok', version: 1 }, zxid: Z(2) },
        { op: { type: 'getData', path: '/a', watch: true }, at: [30, 40], result: { rc: 'ok', data: 'y', version: 1 } },
      ],
      [watchEvent(101, 'NodeDataChanged', '/a', Z(2), 50)],
    );
    expectViolated(h, 'watch-order', 'watch-unexplained');
  });

  it('5: a failed multi whose per-op results blame the wrong op', () => {
    const multi: ZkOp = {
      type: 'multi',
      ops: [
        { type: 'create', path: '/m', data: '', mode: 'persistent' },
        { type: 'create', path: '/m', data: '', mode: 'persistent' },
      ],
    };
    const wrong = history([{ op: multi, at: [0, 10], result: { rc: 'nodeExists', results: [{ rc: 'nodeExists' }, { rc: 'runtimeInconsistency' }] } }]);
    expectViolated(wrong, 'linearizable-writes', 'write-result');
    const right = history([{ op: multi, at: [0, 10], result: { rc: 'nodeExists', results: [{ rc: 'ok' }, { rc: 'nodeExists' }] } }]);
    expectPossible(right);
  });

  it('9a: an ephemeral seen after its session closed (readZxid at the close)', () => {
    const h = history([
      { op: { type: 'create', path: '/e', data: 'x', mode: 'ephemeral' }, at: [0, 10], result: { rc: 'ok', path: '/e' }, zxid: Z(1) },
      { op: { type: 'closeSession' }, at: [20, 30], zxid: Z(2) },
      { client: 2, op: { type: 'getData', path: '/e' }, at: [40, 50], result: { rc: 'ok', data: 'x', version: 0, ephemeralOwner: 101 }, readZxid: Z(2) },
    ]);
    expectViolated(h, 'session-ephemerals', 'ephemeral-after-end');
  });

  it('9b: an ephemeral seen after its session closed, without any reply-header zxid', () => {
    const h = history([
      { op: { type: 'create', path: '/e', data: 'x', mode: 'ephemeral' }, at: [0, 10], result: { rc: 'ok', path: '/e' } },
      { op: { type: 'closeSession' }, at: [20, 30] },
      { client: 2, op: { type: 'create', path: '/after', data: '', mode: 'persistent' }, at: [40, 50], result: { rc: 'ok', path: '/after' } },
      { client: 2, op: { type: 'exists', path: '/e' }, at: [60, 70], result: { rc: 'ok', exists: true } },
    ]);
    expectViolated(h, 'session-ephemerals', 'ephemeral-after-end');
  });

  it('9c: a dropped watch event (the data changed, a later reply shows it, no event came)', () => {
    const h = history([
      { client: 2, op: { type: 'create', path: '/a', data: 'x', mode: 'persistent' }, at: [0, 10], result: { rc: 'ok', path: '/a' } },
      { op: { type: 'getData', path: '/a', watch: true }, at: [20, 30], result: { rc: 'ok', data: 'x', version: 0 } },
      { client: 2, op: { type: 'setData', path: '/a', data: 'y', version: -1 }, at: [40, 50], result: { rc: 'ok', version: 1 } },
      { op: { type: 'getData', path: '/a' }, at: [60, 70], result: { rc: 'ok', data: 'y', version: 1 } },
    ]);
    expectViolated(h, 'watch-order', 'watch-lost');
    // With the event, before the reply that shows the new data, it is possible.
    const withEvent: ZkHistory = { ...h, events: [watchEvent(101, 'NodeDataChanged', '/a', 0, 55)] };
    expectPossible(withEvent);
  });

  it('10: a read-your-writes break and a monotonic-reads break are told apart from stale reads', () => {
    const ryw = history([
      { op: { type: 'kvSet', path: '/k', data: 'a' }, at: [0, 10], result: { rc: 'ok', version: 0 } },
      { op: { type: 'kvGet', path: '/k' }, at: [20, 30], result: { rc: 'ok', exists: false } },
    ]);
    expectViolated(ryw, 'sequential-reads');
    const monotonic = history([
      { client: 2, op: { type: 'kvSet', path: '/k', data: 'a' }, at: [0, 10], result: { rc: 'ok', version: 0 } },
      { op: { type: 'kvGet', path: '/k' }, at: [20, 30], result: { rc: 'ok', exists: true, data: 'a', version: 0 } },
      { op: { type: 'kvGet', path: '/k' }, at: [40, 50], result: { rc: 'ok', exists: false } },
    ]);
    expectViolated(monotonic, 'sequential-reads');
    expect(referenceCheck(monotonic).verdicts['linearizable-writes']).toBe('ok');
  });
});

describe('reference checker: reply-header zxids of one session never decrease', () => {
  // Txns at 1:1 and 1:5 only: the cuts at 1:3 and 1:4 are the same prefix, so only the values tell.
  const ops = (first: number, second: number): OpSpec[] => [
    { client: 2, op: { type: 'kvSet', path: '/k', data: 'a' }, at: [0, 10], result: { rc: 'ok', version: 0 }, zxid: Z(1) },
    { client: 2, op: { type: 'kvSet', path: '/k', data: 'b' }, at: [100, 110], result: { rc: 'ok', version: 1 }, zxid: Z(5) },
    { op: { type: 'kvGet', path: '/k' }, at: [20, 30], result: { rc: 'ok', exists: true, data: 'a', version: 0 }, readZxid: Z(first) },
    { op: { type: 'kvGet', path: '/k' }, at: [40, 50], result: { rc: 'ok', exists: true, data: 'a', version: 0 }, readZxid: Z(second) },
  ];

  it('1:4 then 1:3 in one session is impossible even though no txn has either zxid', () => {
    expectViolated(history(ops(4, 3)), 'sequential-reads', 'session-order');
    expect(referenceCheck(history(ops(4, 3))).verdicts['fifo-client-order']).toBe('violated');
  });

  it('1:3 then 1:4, an equal pair, and a decrease across two sessions are possible', () => {
    expectPossible(history(ops(3, 4)));
    expectPossible(history(ops(4, 4)));
    const twoSessions = ops(4, 3).map((o, i) => (i === 3 ? { ...o, session: 201 } : o));
    expectPossible(history(twoSessions));
  });
});

describe('reference checker: an info write follows the ok ops its session issued before it', () => {
  // An exists issued before a create whose reply was lost sees the node at the exists' own header 1:1:
  // the create took effect after that read point, so it cannot be the txn at 1:1 the Stat names.
  const ops = (existsAt: number): OpSpec[] => [
    { op: { type: 'create', path: '/b', data: 'v1', mode: 'persistent' }, at: [959, null], outcome: 'info', result: null },
    { op: { type: 'exists', path: '/b' }, at: [existsAt, 2100], result: { rc: 'ok', exists: true, version: 0, mzxid: Z(1) }, readZxid: Z(1) },
  ];
  it('the exists issued first cannot see it', () => {
    expectViolated(history(ops(855)), 'sequential-reads');
  });
  it('the exists issued after it can, and so can another session issued first', () => {
    expectPossible(history(ops(1000)));
    expectPossible(history(ops(855).map((o, i) => (i === 1 ? { ...o, session: 201 } : o))));
  });
});

describe('reference checker: possible histories are accepted', () => {
  it('getChildren / returns [zookeeper]; /zookeeper holds config and quota', () => {
    expectPossible(
      history([
        { op: { type: 'getChildren', path: '/' }, at: [0, 10], result: { rc: 'ok', children: ['zookeeper'] } },
        { op: { type: 'getChildren', path: '/zookeeper' }, at: [20, 30], result: { rc: 'ok', children: ['quota', 'config'] } },
      ]),
    );
    expectViolated(history([{ op: { type: 'getChildren', path: '/' }, at: [0, 10], result: { rc: 'ok', children: [] } }]), 'sequential-reads', 'read-state');
  });

  it('a new session on the same client number may read older zxids than the old session saw', () => {
    expectPossible(
      history([
        { client: 2, op: { type: 'kvSet', path: '/k', data: 'a' }, at: [0, 10], result: { rc: 'ok', version: 0 }, zxid: Z(3) },
        {
          session: 500,
          op: { type: 'kvGet', path: '/k' },
          at: [20, 30],
          result: { rc: 'ok', exists: true, data: 'a', version: 0, mzxid: Z(3) },
          readZxid: Z(3),
        },
        { session: 501, op: { type: 'kvGet', path: '/k' }, at: [40, 50], result: { rc: 'ok', exists: false }, readZxid: Z(1) },
      ]),
    );
  });

  it('an ephemeral gone with no recorded close (expiry at a zxid no client saw)', () => {
    expectPossible(
      history([
        { op: { type: 'create', path: '/e', data: 'x', mode: 'ephemeral' }, at: [0, 10], result: { rc: 'ok', path: '/e' }, zxid: Z(1) },
        { client: 2, op: { type: 'exists', path: '/e' }, at: [20, 30], result: { rc: 'ok', exists: true, ephemeralOwner: 101 } },
        { client: 2, op: { type: 'exists', path: '/e' }, at: [40, 50], result: { rc: 'ok', exists: false }, readZxid: Z(5) },
      ]),
    );
  });

  it('a close whose reply was lost', () => {
    expectPossible(
      history([
        { op: { type: 'create', path: '/e', data: 'x', mode: 'ephemeral' }, at: [0, 10], result: { rc: 'ok', path: '/e' } },
        { op: { type: 'closeSession' }, at: [20, null], outcome: 'info', result: null },
        { client: 2, op: { type: 'getChildren', path: '/' }, at: [40, 50], result: { rc: 'ok', children: ['zookeeper'] } },
      ]),
    );
  });

  it('an info write that took effect and one that did not', () => {
    expectPossible(
      history([
        { op: { type: 'kvSet', path: '/x', data: 'a' }, at: [0, null], outcome: 'info', result: null },
        { op: { type: 'kvSet', path: '/y', data: 'b' }, at: [5, null], outcome: 'info', result: null },
        { client: 2, op: { type: 'kvGet', path: '/x' }, at: [100, 110], result: { rc: 'ok', exists: true, data: 'a', version: 0 } },
        { client: 2, op: { type: 'kvGet', path: '/y' }, at: [120, 130], result: { rc: 'ok', exists: false } },
      ]),
    );
  });

  it('a stale read on a lagging follower', () => {
    expectPossible(
      history([
        { op: { type: 'kvSet', path: '/k', data: 'a' }, at: [0, 10], result: { rc: 'ok', version: 0 }, zxid: Z(1) },
        { client: 2, op: { type: 'kvGet', path: '/k' }, at: [20, 30], result: { rc: 'ok', exists: false } },
      ]),
    );
  });

  it('sequential names count creations, deletions aside; an error txn takes a zxid and changes nothing', () => {
    expectPossible(
      history([
        { op: { type: 'create', path: '/s-', data: '', mode: 'persistentSequential' }, at: [0, 10], result: { rc: 'ok', path: '/s-0000000000' }, zxid: Z(1) },
        { op: { type: 'create', path: '/s-', data: '', mode: 'persistentSequential' }, at: [20, 30], result: { rc: 'ok', path: '/s-0000000001' }, zxid: Z(2) },
        { op: { type: 'delete', path: '/s-0000000000', version: -1 }, at: [40, 50], zxid: Z(3) },
        { op: { type: 'delete', path: '/nope', version: -1 }, at: [60, 70], result: { rc: 'noNode' }, zxid: Z(4) },
        { op: { type: 'create', path: '/s-', data: '', mode: 'persistentSequential' }, at: [80, 90], result: { rc: 'ok', path: '/s-0000000002' }, zxid: Z(5) },
      ]),
    );
  });
});

describe('reference checker: watches, connections and ACLs', () => {
  const session = (state: 'CONNECTED' | 'DISCONNECTED', atUs: number): ZkHistoryEvent => ({ kind: 'session', client: 1, session: 101, server: 1, state, atUs });
  const base = (restrictedRead: boolean): OpSpec[] => [
    {
      client: 2,
      op: { type: 'create', path: '/a', data: 'x', mode: 'persistent', ...(restrictedRead ? { restrictedRead } : {}) },
      at: [0, 10],
      result: { rc: 'ok', path: '/a' },
    },
    { op: { type: 'getData', path: '/a', watch: true }, at: [20, 30], result: { rc: 'ok', data: 'x', version: 0 } },
    { client: 2, op: { type: 'setData', path: '/a', data: 'y', version: -1 }, at: [40, 50], result: { rc: 'ok', version: 1 } },
    { op: { type: 'getData', path: '/a' }, at: [60, 70], result: { rc: 'ok', data: 'y', version: 1 } },
  ];

  it('a watch on a node without READ for the session may be used up without an event', () => {
    expectPossible(history(base(true)));
    expectViolated(history(base(false)), 'watch-order', 'watch-lost');
  });

  it('an event arriving after a reply that already shows its change is out of order', () => {
    expectViolated(history(base(false), [watchEvent(101, 'NodeDataChanged', '/a', 0, 75)]), 'watch-order');
  });

  it('across a reconnect the event comes on the new connection, before any reply there that reflects its change', () => {
    const reconnect = [session('CONNECTED', 1), session('DISCONNECTED', 35), session('CONNECTED', 55)];
    const events = [...reconnect, watchEvent(101, 'NodeDataChanged', '/a', 0, 58)];
    expectPossible(history(base(false), events));
    // After the reply that shows the change: setWatches (ClientCnxn.primeConnection) went ahead of that read, and
    // DataTree.setWatches fired at once, or registered the watch before the setData reached that server.
    expectViolated(history(base(false), [...reconnect, watchEvent(101, 'NodeDataChanged', '/a', 0, 75)]), 'watch-order');
    // Without any change on the path, a re-registered watch has nothing to report.
    const noChange = base(false)
      .filter((o) => o.op.type !== 'setData')
      .map((o) => (o.op.type === 'getData' && o.op.watch !== true ? { ...o, result: { rc: 'ok' as const, data: 'x', version: 0 } } : o));
    expectViolated(history(noChange, events), 'watch-order', 'watch-unexplained');
  });

  it("an event's zxid: the triggering txn's on its connection; after a reconnect, at or above the change; -1 unknown", () => {
    // (The watch-setting read is at 1:1: after the create, which then cannot be the change.)
    const ops = base(false).map((o, i) => (i === 0 ? { ...o, zxid: Z(1) } : i === 1 ? { ...o, readZxid: Z(1) } : i === 2 ? { ...o, zxid: Z(2) } : o));
    const reconnect = [session('CONNECTED', 1), session('DISCONNECTED', 35), session('CONNECTED', 55)];
    // Fired by setWatches on the new connection: stamped with that server's zxid then, which holds the change.
    for (const z of [-1, Z(2), Z(3)]) expectPossible(history(ops, [...reconnect, watchEvent(101, 'NodeDataChanged', '/a', z, 58)]));
    expectViolated(history(ops, [...reconnect, watchEvent(101, 'NodeDataChanged', '/a', Z(1), 58)]), 'watch-order', 'watch-unexplained');
    // Fired on the connection that set it, as the txn was applied: exactly the txn's zxid.
    const oneConn = ops.filter((o) => o.op.type !== 'getData' || o.op.watch === true);
    for (const z of [-1, Z(2)]) expectPossible(history(oneConn, [watchEvent(101, 'NodeDataChanged', '/a', z, 55)]));
    expectViolated(history(oneConn, [watchEvent(101, 'NodeDataChanged', '/a', Z(3), 55)]), 'watch-order', 'watch-unexplained');
  });

  it("after a reconnect, an event's zxid is below the session's own writes there unless that write fired it", () => {
    const ops: OpSpec[] = [
      { client: 2, op: { type: 'create', path: '/a', data: 'x', mode: 'persistent' }, at: [0, 10], result: { rc: 'ok', path: '/a' }, zxid: Z(1) },
      { op: { type: 'getData', path: '/a', watch: true }, at: [20, 30], result: { rc: 'ok', data: 'x', version: 0 }, readZxid: Z(1) },
      { op: { type: 'setData', path: '/a', data: 'y', version: -1 }, at: [60, 80], result: { rc: 'ok', version: 1 }, zxid: Z(2) },
    ];
    const reconnect = [session('CONNECTED', 1), session('DISCONNECTED', 35), session('CONNECTED', 55)];
    for (const z of [-1, Z(2)]) expectPossible(history(ops, [...reconnect, watchEvent(101, 'NodeDataChanged', '/a', z, 70)]));
    // setWatches ran before the write (nothing to report then), and the re-registered watch fired at 1:2.
    expectViolated(history(ops, [...reconnect, watchEvent(101, 'NodeDataChanged', '/a', Z(3), 70)]), 'watch-order', 'watch-unexplained');
  });

  it('a watch nothing changed before a reconnect is re-registered there, and may not be lost', () => {
    const ops: OpSpec[] = [
      { client: 2, op: { type: 'create', path: '/a', data: 'x', mode: 'persistent' }, at: [0, 10], result: { rc: 'ok', path: '/a' } },
      { op: { type: 'getData', path: '/a', watch: true }, at: [20, 30], result: { rc: 'ok', data: 'x', version: 0 } },
      { op: { type: 'exists', path: '/b' }, at: [60, 65], result: { rc: 'ok', exists: false } },
      { client: 2, op: { type: 'setData', path: '/a', data: 'y', version: -1 }, at: [70, 80], result: { rc: 'ok', version: 1 } },
      { op: { type: 'getData', path: '/a' }, at: [90, 100], result: { rc: 'ok', data: 'y', version: 1 } },
    ];
    const reconnect = [session('CONNECTED', 1), session('DISCONNECTED', 35), session('CONNECTED', 55)];
    expectPossible(history(ops, [...reconnect, watchEvent(101, 'NodeDataChanged', '/a', -1, 85)]));
    expectViolated(history(ops, reconnect), 'watch-order', 'watch-lost');
  });

  it('an exists watch whose node came and went before a reconnect is registered anew there, and fires at the next create', () => {
    // Session 101 watches the missing /a; client 2 creates and deletes it; the event is lost with the connection.
    // DataTree.setWatches on the new connection finds /a missing and registers the exists watch again.
    const ops = (next: OpSpec[]): OpSpec[] => [
      { op: { type: 'exists', path: '/a', watch: true }, at: [0, 10], result: { rc: 'ok', exists: false } },
      { client: 2, op: { type: 'create', path: '/a', data: 'x', mode: 'persistent' }, at: [20, 30], result: { rc: 'ok', path: '/a' } },
      { client: 2, op: { type: 'delete', path: '/a', version: -1 }, at: [40, 50] },
      ...next,
    ];
    const reconnect = [session('CONNECTED', 1), session('DISCONNECTED', 55), session('CONNECTED', 60)];
    const ownCreate: OpSpec = { op: { type: 'create', path: '/a', data: 'y', mode: 'persistent' }, at: [70, 80], result: { rc: 'ok', path: '/a' } };
    // Its own create fires the re-registered watch before the create's reply.
    expectViolated(history(ops([ownCreate]), reconnect), 'watch-order', 'watch-lost');
    expectPossible(history(ops([ownCreate]), [...reconnect, watchEvent(101, 'NodeCreated', '/a', -1, 75)]));
    // A read that finds /a missing needs no event; a create after it fires the watch before a read showing it.
    const missing: OpSpec = { op: { type: 'exists', path: '/a' }, at: [70, 80], result: { rc: 'ok', exists: false } };
    expectPossible(history(ops([missing]), reconnect));
    const later: OpSpec[] = [
      missing,
      { client: 2, op: { type: 'create', path: '/a', data: 'z', mode: 'persistent' }, at: [90, 100], result: { rc: 'ok', path: '/a' } },
      { op: { type: 'exists', path: '/a' }, at: [110, 120], result: { rc: 'ok', exists: true } },
    ];
    expectViolated(history(ops(later), reconnect), 'watch-order', 'watch-lost');
    expectPossible(history(ops(later), [...reconnect, watchEvent(101, 'NodeCreated', '/a', -1, 105)]));
  });

  it("a session's own write fires its watch before the write's reply", () => {
    const ops: OpSpec[] = [
      { op: { type: 'exists', path: '/n', watch: true }, at: [0, 10], result: { rc: 'ok', exists: false } },
      { op: { type: 'create', path: '/n', data: '', mode: 'persistent' }, at: [20, 30], result: { rc: 'ok', path: '/n' } },
    ];
    expectPossible(history(ops, [watchEvent(101, 'NodeCreated', '/n', 0, 25)]));
    expectViolated(history(ops, [watchEvent(101, 'NodeCreated', '/n', 0, 35)]), 'watch-order');
  });

  it('a reply on an older connection arrived before an event on a newer one, so it still owes that event', () => {
    // Sweep seed 930000, case 3479610867, made smaller: the watch on /a fires at 1:2 while the session is on its
    // first connection; its create of /b (1:3) is answered there, and the event only comes after the reconnect.
    const ops: OpSpec[] = [
      { client: 2, op: { type: 'create', path: '/a', data: 'x', mode: 'persistent' }, at: [0, 10], result: { rc: 'ok', path: '/a' }, zxid: Z(1) },
      { op: { type: 'exists', path: '/a', watch: true }, at: [20, 30], result: { rc: 'ok', exists: true, version: 0 } },
      { client: 2, op: { type: 'delete', path: '/a', version: -1 }, at: [40, 50], zxid: Z(2) },
      { op: { type: 'create', path: '/b', data: '', mode: 'persistent' }, at: [60, 70], result: { rc: 'ok', path: '/b' }, zxid: Z(3) },
    ];
    // Reconnected before the reply, the event may come on the new connection ahead of it.
    expectPossible(history(ops, [session('CONNECTED', 1), session('CONNECTED', 65), watchEvent(101, 'NodeDeleted', '/a', Z(2), 68)]));
    // Reconnected after the reply: that reply came on the first connection, ahead of the event.
    const late = [session('CONNECTED', 1), session('CONNECTED', 75), watchEvent(101, 'NodeDeleted', '/a', Z(2), 80)];
    expectViolated(history(ops, late), 'watch-order');
  });
});

describe('reference checker: input it does not judge', () => {
  it('answers too-large, never a guess, for a multi nested 3,000 deep and for a history beyond its size', () => {
    let deep: ZkOp = { type: 'check', path: '/', version: -1 };
    for (let i = 0; i < 3000; i++) deep = { type: 'multi', ops: [deep] };
    const nested = referenceCheck(history([{ op: deep, at: [0, 10], result: { rc: 'ok' } }]));
    expect(nested.possible).toBe('too-large');
    expect(nested.rule).toMatch(/^unsupported: /);
    const big = history(
      Array.from({ length: 14 }, (_, i): OpSpec => ({
        op: { type: 'kvSet', path: '/k', data: String(i) },
        at: [i * 10, i * 10 + 5],
        result: { rc: 'ok', version: i },
      })),
    );
    const r = referenceCheck(big);
    expect(r.possible).toBe('too-large');
    expect(r.verdicts['linearizable-writes']).toBe('too-large');
  });
});
