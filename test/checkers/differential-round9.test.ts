// Proves that zabsim and the reference checker agree on round 9's read shapes: a kv register's version
// proves its lost writes took effect, and those txns take free zxids like every other (zxid-packing.ts).
import { describe, expect, it } from 'vitest';
import { both, event, op } from './differential-records.js';
import { Z } from './history-builders.js';

describe('a register at version 2 proves its three writes, which then need free zxids (case 2611479218)', () => {
  // One session. A read at 1:1 before any write was sent: 1:1 is a txn the history does not
  // record. /k1 shows version 2 with v5 at mzxid m, so all three writes of /k1 took effect (none can have failed
  // and left version 2), the last at m. The certain writes #2 and #5 come after 1:1 and, by session order, before
  // the lost #6 (a lost write takes effect after every ok op its session sent before it). With m = 1:5: #2,
  // #3, #4, #5 need four zxids in 1:2 .. 1:4.
  const records = (m: number) => [
    op(0, 1001, { type: 'kvGet', path: '/k0' }, 0, 10, { rc: 'ok', exists: false }, null, { readZxid: Z(1) }),
    op(2, 1001, { type: 'kvSet', path: '/k2', data: 'v1' }, 20, 30, { rc: 'ok', version: 0 }, null),
    op(3, 1001, { type: 'kvCas', path: '/k1', data: 'v2', version: -1 }, 40, null, null, null),
    op(4, 1001, { type: 'kvSet', path: '/k1', data: 'v3' }, 50, null, null, null),
    op(5, 1001, { type: 'kvCas', path: '/k0', data: 'v4', version: -1 }, 60, 70, { rc: 'ok', version: 0 }, null),
    op(6, 1001, { type: 'kvSet', path: '/k1', data: 'v5' }, 80, null, null, null),
    op(7, 1001, { type: 'kvCas', path: '/k0', data: 'v6', version: 0 }, 90, 100, { rc: 'ok', version: 1 }, null),
    op(8, 1001, { type: 'kvGet', path: '/k1' }, 110, 120, { rc: 'ok', exists: true, data: 'v5', version: 2, mzxid: m }, null),
  ];

  it('/k1 at 1:5: impossible', () => {
    expect(both(records(Z(5)))).toEqual({ zabsim: 'violated', possible: false });
  });

  it('/k1 at 1:6: each has its zxid', () => {
    expect(both(records(Z(6)))).toEqual({ zabsim: 'ok', possible: true });
  });
});

describe('a read whose reply came after an event on its connection holds the event txn (case 2306772365)', () => {
  // /a is created, a getData sets a data watch on it, a setData of it is lost, and NodeDataChanged /a at 1:2
  // comes. A getData whose reply comes after that event on the same connection reads a state with the txn at
  // 1:2, the one setData of /a, so it cannot show version 0; one whose reply came before the event can.
  const create = op(0, 1001, { type: 'create', path: '/a', data: 'v1', mode: 'persistent' }, 0, 10, { rc: 'ok', path: '/a' }, null);
  const watch = op(1, 1001, { type: 'getData', path: '/a', watch: true }, 120, 130, { rc: 'ok', data: 'v1', version: 0 }, null);
  const set = op(2, 1001, { type: 'setData', path: '/a', data: 'v2', version: -1 }, 140, null, null, null);
  const changed = event(1001, 'NodeDataChanged', '/a', 200, Z(2));
  const readAt = (invokeUs: number, completeUs: number) =>
    op(3, 1001, { type: 'getData', path: '/a' }, invokeUs, completeUs, { rc: 'ok', data: 'v1', version: 0 }, null);
  const connected = (atUs: number) => ({ kind: 'session', client: 1, session: 1001, server: 1, state: 'CONNECTED', atUs });

  it('one connection, the read after the event: impossible', () => {
    expect(both([create, watch, set, changed, readAt(300, 310)])).toEqual({ zabsim: 'violated', possible: false });
  });

  it('one connection, the read answered before the event: possible', () => {
    expect(both([create, watch, set, readAt(150, 160), changed])).toEqual({ zabsim: 'ok', possible: true });
  });

  // After a reconnect, an event that came after a reply to a request sent on the new connection was fired by
  // its txn (setWatches fires before any such reply), so it names the setData exactly.
  it('after a reconnect, the watch set and the event on the new connection: impossible', () => {
    expect(both([connected(-10), create, connected(100), watch, set, changed, readAt(300, 310)])).toEqual({ zabsim: 'violated', possible: false });
  });
});

describe("a write's reply after an event on its connection has a txn at or above the event's (case 1625843086)", () => {
  // A child watch on /, then a create under a missing /a (noNode: an error txn, with a zxid of its own) and a
  // create of /a at 1:2 that fires NodeChildrenChanged / at 1:2. The failed create was sent first, so its txn
  // is 1:1; its reply cannot come after the event of 1:2 on the same connection.
  const records = (failedReplyUs: number) => [
    op(0, 1001, { type: 'getChildren', path: '/', watch: true }, 0, 10, { rc: 'ok', children: ['zookeeper'] }, null),
    op(1, 1001, { type: 'create', path: '/a/s-', data: 'v1', mode: 'ephemeralSequential' }, 20, failedReplyUs, { rc: 'noNode' }, null),
    op(2, 1001, { type: 'create', path: '/a', data: 'v2', mode: 'persistent' }, 30, 60, { rc: 'ok', path: '/a' }, Z(2)),
    event(1001, 'NodeChildrenChanged', '/', 40, Z(2)),
  ];

  it('the failed create answered after the event: impossible', () => {
    expect(both(records(50))).toEqual({ zabsim: 'violated', possible: false });
  });

  it('the failed create answered before the event: possible', () => {
    expect(both(records(35))).toEqual({ zabsim: 'ok', possible: true });
  });
});

describe('after a reconnect, an event that follows a reply on the new connection names its txn (case 1264285329)', () => {
  // A child watch on / from the first connection, /b created at 1:1, a reconnect, then NodeChildrenChanged / at 1:2.
  // Fired by setWatches, it carries the server's last processed zxid (a txn the history does not record may be
  // 1:2), and comes ahead of every reply on the new connection; after such a reply it was fired by a txn, and no
  // txn at 1:2 changes the children of /.
  const records = (eventUs: number) => [
    op(0, 1002, { type: 'getChildren', path: '/', watch: true }, 10, 20, { rc: 'ok', children: ['zookeeper'] }, null),
    op(1, 1001, { type: 'create', path: '/b', data: 'v1', mode: 'persistent' }, 30, 40, { rc: 'ok', path: '/b' }, Z(1)),
    { kind: 'session', client: 2, session: 1002, server: 1, state: 'CONNECTED', atUs: 50 },
    op(2, 1002, { type: 'exists', path: '/c' }, 60, 70, { rc: 'ok', exists: false }, null),
    event(1002, 'NodeChildrenChanged', '/', eventUs, Z(2)),
  ];

  it('the event after the reply: impossible', () => {
    expect(both(records(80))).toEqual({ zabsim: 'violated', possible: false });
  });

  it('the event before the reply (setWatches): possible', () => {
    expect(both(records(65))).toEqual({ zabsim: 'ok', possible: true });
  });
});
