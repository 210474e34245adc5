// Proves that zabsim and the reference checker agree on the two false alarms of round 9 (a close reply and
// the events due before it; an event's zxid and the states its connection answers from later), with a
// possible history beside each impossible one, and that an event's zxid binds neither the session's next connection
// nor its events (both checkers held it there until round 9).
import { describe, expect, it } from 'vitest';
import { Z } from './history-builders.js';
import { both as judge, event, op, type Rec } from './differential-records.js';

/** Both checkers' answers on the history (see differential-records.ts). */
const both = (records: readonly object[]) => judge(records, 'round9.ndjson');
const connected = (session: number, server: number, atUs: number): Rec => ({
  kind: 'session',
  client: session - 1000,
  session,
  server,
  state: 'CONNECTED',
  atUs,
});

describe('a close reply follows the events of the txns applied before its close', () => {
  // 1001 sets an exists watch on /b and a child watch on /; 1002 creates /b at 1:2, which fires both; 1001's close,
  // sent after that create completed, gets its reply after NodeChildrenChanged / but with no NodeCreated /b. The
  // server fired both watches as it applied 1:2 (DataTree.createNode), ahead of the close's txn and its reply.
  // Case 3467790519 (sweep seed 1210000), where the reference let the close reply pass every owed event.
  const closing = (withCreatedEvent: boolean) => [
    op(1, 1001, { type: 'exists', path: '/b', watch: true }, 1989, 2116, { rc: 'ok', exists: false }, null),
    op(2, 1001, { type: 'getChildren', path: '/', watch: true }, 2219, 7806, { rc: 'ok', children: ['zookeeper'] }, null),
    op(4, 1002, { type: 'create', path: '/b', data: 'v4', mode: 'persistent' }, 4939, 5863, { rc: 'ok', path: '/b' }, Z(2)),
    op(9, 1001, { type: 'closeSession' }, 8816, 10743, { rc: 'ok' }, null),
    ...(withCreatedEvent ? [event(1001, 'NodeCreated', '/b', 10600, Z(2))] : []),
    event(1001, 'NodeChildrenChanged', '/', 10688, Z(2)),
  ];
  it('the NodeCreated event is owed before the close reply', () => {
    expect(both(closing(false))).toEqual({ zabsim: 'violated', possible: false });
    expect(both(closing(true))).toEqual({ zabsim: 'ok', possible: true });
  });

  // The close's own end deletes 1001's ephemeral /e, which fires 1001's exists watch on it: the connection
  // closes right after the reply, and that event may be dropped (DEFINITIONS.md §6), in both checkers.
  it("but not the events of the close's own end", () => {
    const own = [
      op(1, 1001, { type: 'create', path: '/e', data: 'v1', mode: 'ephemeral' }, 100, 200, { rc: 'ok', path: '/e' }, Z(1)),
      op(2, 1001, { type: 'exists', path: '/e', watch: true }, 300, 400, { rc: 'ok', exists: true }, null, { readZxid: Z(1) }),
      op(3, 1001, { type: 'closeSession' }, 500, 600, { rc: 'ok' }, Z(2)),
    ];
    expect(both(own)).toEqual({ zabsim: 'ok', possible: true });
  });
});

describe("an event's zxid on a connection bounds that connection's later replies", () => {
  // 1001's exists watch on /b (first connection), then on its second connection (server 1) a multi that creates
  // /b and /a, pinned at 1:2 by a later getData's mzxid of /a, and NodeCreated /b at 1:3 before the multi's reply.
  // Fired by setWatches, the event's state comes before the multi; fired by a txn, the server applied 1:3 before
  // 1:2: impossible either way. Case 1977870300 (sweep seed 1500000): the reference held a setWatches event's
  // zxid below the recorded zxids of the session's writes only, not below one a Stat pins.
  const retargeted = (eventZxid: number) => [
    op(0, 1001, { type: 'exists', path: '/b', watch: true }, 277, 1057, { rc: 'ok', exists: false }, null),
    connected(1001, 1, 4637),
    op(
      4,
      1001,
      {
        type: 'multi',
        ops: [
          { type: 'create', path: '/b', data: 'v3', mode: 'ephemeral' },
          { type: 'create', path: '/a', data: 'v4', mode: 'persistent' },
          { type: 'create', path: '/a/s-', data: 'v5', mode: 'ephemeralSequential' },
        ],
      },
      4677,
      5567,
      {
        rc: 'ok',
        results: [
          { rc: 'ok', path: '/b' },
          { rc: 'ok', path: '/a' },
          { rc: 'ok', path: '/a/s-0000000000' },
        ],
      },
      null,
    ),
    event(1001, 'NodeCreated', '/b', 5493, Z(eventZxid)),
    connected(1001, 2, 6762),
    op(6, 1001, { type: 'getData', path: '/a' }, 6834, 7736, { rc: 'ok', data: 'v4', version: 0, mzxid: Z(2), ephemeralOwner: 0 }, null, { server: 2 }),
  ];
  it('a write on the same connection after the event is above it', () => {
    expect(both(retargeted(3))).toEqual({ zabsim: 'violated', possible: false });
    expect(both(retargeted(2))).toEqual({ zabsim: 'ok', possible: true });
  });

  // 1001's data watch on /x fires at 1:3 on server 1; 1001 moves to server 2, which has applied 1:2 only, and reads
  // /y there at 1:2. The client does not raise its lastZxid on a notification (ClientCnxn.SendThread.readResponse),
  // so server 2 accepts the connection (its 1:2 is above the 1:1 the replies showed) and answers from 1:2.
  const moved = (reconnect: boolean) => [
    op(0, 1002, { type: 'create', path: '/x', data: 'v1', mode: 'persistent' }, 100, 200, { rc: 'ok', path: '/x' }, Z(1)),
    op(1, 1001, { type: 'getData', path: '/x', watch: true }, 300, 400, { rc: 'ok', data: 'v1', version: 0, mzxid: Z(1) }, null, { readZxid: Z(1) }),
    op(2, 1002, { type: 'create', path: '/y', data: 'v2', mode: 'persistent' }, 500, 600, { rc: 'ok', path: '/y' }, Z(2)),
    op(3, 1002, { type: 'setData', path: '/x', data: 'v3', version: -1 }, 700, 800, { rc: 'ok', version: 1 }, Z(3)),
    event(1001, 'NodeDataChanged', '/x', 900, Z(3)),
    ...(reconnect ? [connected(1001, 2, 1000)] : []),
    op(4, 1001, { type: 'getData', path: '/y' }, 1100, 1200, { rc: 'ok', data: 'v2', version: 0, mzxid: Z(2) }, null, {
      readZxid: Z(2),
      server: reconnect ? 2 : 1,
    }),
  ];
  it('but not the next connection: its server may be behind the event', () => {
    expect(both(moved(true))).toEqual({ zabsim: 'ok', possible: true });
    // On the event's own connection the same read goes back: both checkers reject it.
    expect(both(moved(false))).toEqual({ zabsim: 'violated', possible: false });
  });

  // 1002's exists watch on /a, then on its second connection its own delete of /a, NodeDeleted /a at 1:5 before the
  // delete's reply (so the delete is at 1:5), then a read at 1:4 on a third connection. The delete's reply came from a
  // state at or above 1:5 and the client kept its header as lastZxid, so the third server is not behind 1:5. Case
  // 3937058402 (seed 1500000), which zabsim caught only through the event binding every later connection.
  const ownDelete = (readZxid: number) => [
    op(2, 1001, { type: 'create', path: '/a', data: 'v1', mode: 'persistent' }, 2968, 3876, { rc: 'ok', path: '/a' }, Z(1)),
    op(7, 1002, { type: 'exists', path: '/a', watch: true }, 7753, 8046, { rc: 'ok', version: 0, exists: true }, null),
    connected(1002, 1, 8170),
    op(9, 1002, { type: 'delete', path: '/a', version: -1 }, 9980, 10819, { rc: 'ok' }, null),
    event(1002, 'NodeDeleted', '/a', 10322, Z(5)),
    connected(1002, 3, 10836),
    op(10, 1002, { type: 'getData', path: '/b' }, 10854, 11055, { rc: 'noNode' }, null, { readZxid: Z(readZxid), server: 3 }),
  ];
  it('but a reply after the event on its connection carries it to the next one', () => {
    expect(both(ownDelete(4))).toEqual({ zabsim: 'violated', possible: false });
    expect(both(ownDelete(5))).toEqual({ zabsim: 'ok', possible: true });
  });

  // The same move, and 1001 sets a data watch on /y at server 2's 1:2, which fires at 1:3 there: its event comes
  // after the /x event at 1:4 from server 1. Events are in zxid order on one connection only.
  const laterEvent = (reconnect: boolean) => [
    op(0, 1002, { type: 'create', path: '/x', data: 'v1', mode: 'persistent' }, 100, 200, { rc: 'ok', path: '/x' }, Z(1)),
    op(1, 1002, { type: 'create', path: '/y', data: 'v2', mode: 'persistent' }, 210, 290, { rc: 'ok', path: '/y' }, Z(2)),
    op(2, 1001, { type: 'getData', path: '/x', watch: true }, 300, 400, { rc: 'ok', data: 'v1', version: 0, mzxid: Z(1) }, null, { readZxid: Z(2) }),
    op(3, 1002, { type: 'setData', path: '/y', data: 'v3', version: -1 }, 500, 600, { rc: 'ok', version: 1 }, Z(3)),
    op(4, 1002, { type: 'setData', path: '/x', data: 'v4', version: -1 }, 700, 800, { rc: 'ok', version: 1 }, Z(4)),
    event(1001, 'NodeDataChanged', '/x', 900, Z(4)),
    ...(reconnect ? [connected(1001, 2, 1000)] : []),
    op(5, 1001, { type: 'getData', path: '/y', watch: true }, 1100, 1200, { rc: 'ok', data: 'v2', version: 0, mzxid: Z(2) }, null, {
      readZxid: Z(2),
      server: reconnect ? 2 : 1,
    }),
    event(1001, 'NodeDataChanged', '/y', 1300, Z(3), reconnect ? 2 : 1),
  ];
  it("nor the order of the next connection's events", () => {
    expect(both(laterEvent(true))).toEqual({ zabsim: 'ok', possible: true });
    expect(both(laterEvent(false))).toEqual({ zabsim: 'violated', possible: false });
  });
});
