// Proves that zabsim and the reference checker agree on round 10's shapes: a write reply on a later connection that shows
// a watched node gone, a close reply after its session's proved lost write, and zxids that events pin or prove committed.
import { describe, expect, it } from 'vitest';
import { both, event, op } from './differential-records.js';
import { Z } from './history-builders.js';

const connected = (session: number, atUs: number) => ({ kind: 'session', client: session - 1000, session, server: 1, state: 'CONNECTED', atUs });

describe('a create answered noNode on a later connection shows the watched parent gone (cases 1311770008, 1974198896)', () => {
  // /a is created; session 1001 sets a watch on it (exists: a data watch; getChildren: a child watch), then moves
  // to another connection, /a is deleted (a delete sent while the read was in flight), and its create of /a/s- is answered noNode: the leader found /a missing.
  // The client re-sent the watch with setWatches ahead of the create; setWatches sent NodeDeleted at once (/a gone)
  // or registered the watch before the delete reached that server, which fired it: before the create's reply.
  const create = op(0, 1003, { type: 'create', path: '/a', data: 'v1', mode: 'persistent' }, 0, 10, { rc: 'ok', path: '/a' }, Z(1));
  const del = op(2, 1004, { type: 'delete', path: '/a', version: 0 }, 25, 90, { rc: 'ok' }, Z(2));
  const child = op(3, 1001, { type: 'create', path: '/a/s-', data: 'v2', mode: 'ephemeralSequential' }, 70, 80, { rc: 'noNode' }, null);
  const watches = {
    exists: op(1, 1001, { type: 'exists', path: '/a', watch: true }, 20, 30, { rc: 'ok', exists: true, version: 0 }, null),
    getChildren: op(1, 1001, { type: 'getChildren', path: '/a', watch: true }, 20, 30, { rc: 'ok', children: [] }, null),
  };

  for (const [name, watch] of Object.entries(watches)) {
    it(`${name}: no NodeDeleted before the reply: impossible`, () => {
      expect(both([connected(1001, -10), create, watch, connected(1001, 40), del, child])).toEqual({ zabsim: 'violated', possible: false });
    });

    it(`${name}: NodeDeleted before the reply: possible`, () => {
      expect(both([connected(1001, -10), create, watch, connected(1001, 40), del, event(1001, 'NodeDeleted', '/a', 65), child])).toEqual({
        zabsim: 'ok',
        possible: true,
      });
    });
  }
});

describe("a close reply owes the events of its session's own lost write that a later reply proves (case 2825306117)", () => {
  // Session 1001 sets an exists watch on the missing /a, sends a create of /a whose reply is lost, and closes. A
  // later setData of /a succeeds, and that create is the only op that makes /a: it took effect, before its
  // session's end, so the close's reply comes from a state that holds it, and the NodeCreated it fired came first.
  const watch = op(0, 1001, { type: 'exists', path: '/a', watch: true }, 0, 10, { rc: 'ok', exists: false }, null);
  const lostCreate = (session: number) => op(1, session, { type: 'create', path: '/a', data: 'v1', mode: 'persistent' }, 20, null, null, null);
  const close = op(2, 1001, { type: 'closeSession' }, 30, 40, { rc: 'ok' }, null);
  const set = op(3, 1002, { type: 'setData', path: '/a', data: 'v2', version: -1 }, 50, 60, { rc: 'ok', version: 1 }, null);

  it('no NodeCreated before the close reply: impossible', () => {
    expect(both([watch, lostCreate(1001), close, set])).toEqual({ zabsim: 'violated', possible: false });
  });

  it('NodeCreated before the close reply: possible', () => {
    expect(both([watch, lostCreate(1001), event(1001, 'NodeCreated', '/a', 35), close, set])).toEqual({ zabsim: 'ok', possible: true });
  });

  it("another session's lost create may come after the close: possible", () => {
    expect(both([watch, lostCreate(1003), close, set])).toEqual({ zabsim: 'ok', possible: true });
  });
});

describe("an event's own txn zxid was committed when it arrived: a txn sent later lies above it (case 4156511946)", () => {
  // /a is made at 1:1; session 1001 lists it with a watch and creates the ephemeral /a/c (no zxid; its session's unseen end could also change /a's children), whose NodeChildrenChanged names
  // m. A setData of the missing /b (an error txn, with a zxid of its own) is sent after the event arrived and answered
  // before a create at 1:4 was sent: its zxid lies in (m, 1:4). With m = 1:3 there is none.
  const records = (m: number) => [
    op(0, 1001, { type: 'create', path: '/a', data: 'v1', mode: 'persistent' }, 0, 10, { rc: 'ok', path: '/a' }, Z(1)),
    op(1, 1001, { type: 'getChildren', path: '/a', watch: true }, 20, 30, { rc: 'ok', children: [] }, null),
    op(2, 1001, { type: 'create', path: '/a/c', data: 'v2', mode: 'ephemeral' }, 40, 60, { rc: 'ok', path: '/a/c' }, null),
    event(1001, 'NodeChildrenChanged', '/a', 50, m),
    op(3, 1002, { type: 'setData', path: '/b', data: 'v3', version: -1 }, 70, 80, { rc: 'noNode' }, null),
    op(4, 1003, { type: 'create', path: '/d', data: 'v4', mode: 'persistent' }, 90, 100, { rc: 'ok', path: '/d' }, Z(4)),
  ];

  it('the event at 1:3: impossible', () => {
    expect(both(records(Z(3)))).toEqual({ zabsim: 'violated', possible: false });
  });

  it('the event at 1:2: possible', () => {
    expect(both(records(Z(2)))).toEqual({ zabsim: 'ok', possible: true });
  });
});

describe('NodeDeleted and NodeChildrenChanged of one lost delete name one zxid (case 871688191)', () => {
  // /a is made at 1:1; session 1002 sets an exists watch on it, session 1003 lists / with a watch and sends a delete
  // of /a whose reply is lost. That delete is the one change that can fire either watch, so both events carry its zxid.
  const records = (deleted: number, childrenChanged: number) => [
    op(0, 1001, { type: 'create', path: '/a', data: 'v1', mode: 'persistent' }, 0, 10, { rc: 'ok', path: '/a' }, Z(1)),
    op(1, 1002, { type: 'exists', path: '/a', watch: true }, 20, 30, { rc: 'ok', exists: true, version: 0 }, null),
    op(2, 1003, { type: 'getChildren', path: '/', watch: true }, 40, 50, { rc: 'ok', children: ['a', 'zookeeper'] }, null),
    op(3, 1003, { type: 'delete', path: '/a', version: 0 }, 60, null, null, null),
    event(1002, 'NodeDeleted', '/a', 70, deleted),
    event(1003, 'NodeChildrenChanged', '/', 80, childrenChanged),
  ];

  it('at 1:3 and 1:2: impossible', () => {
    expect(both(records(Z(3), Z(2)))).toEqual({ zabsim: 'violated', possible: false });
  });

  it('both at 1:2: possible', () => {
    expect(both(records(Z(2), Z(2)))).toEqual({ zabsim: 'ok', possible: true });
  });
});

describe('a listing showing a node holds one of its creates sent before the reply, and a child it lacks stays gone (case 871688191)', () => {
  // /b is made at 1:1 and its delete is lost; /a is made at 1:2, and made again at 1:6 by a create sent later. Session
  // 1003's listing of / shows /a and not /b: its state holds 1:2 (the only create of /a sent before its reply), so /b
  // was gone by then, and the lost delete of /b is not a change after the watch. Its delete of /a is pinned at 1:4 by
  // another session's NodeDeleted, so NodeChildrenChanged / at 1:3 has no change left to come from.
  const records = (m: number) => [
    op(0, 1002, { type: 'create', path: '/b', data: 'v1', mode: 'persistent' }, 0, 10, { rc: 'ok', path: '/b' }, Z(1)),
    op(1, 1002, { type: 'delete', path: '/b', version: -1 }, 20, null, null, null),
    op(2, 1001, { type: 'create', path: '/a', data: 'v2', mode: 'persistent' }, 30, 40, { rc: 'ok', path: '/a' }, Z(2)),
    op(3, 1005, { type: 'exists', path: '/a', watch: true }, 45, 55, { rc: 'ok', exists: true, version: 0 }, null),
    op(4, 1003, { type: 'getChildren', path: '/', watch: true }, 50, 60, { rc: 'ok', children: ['a', 'zookeeper'] }, null),
    op(5, 1003, { type: 'delete', path: '/a', version: 0 }, 70, null, null, null),
    event(1005, 'NodeDeleted', '/a', 75, Z(4)),
    event(1003, 'NodeChildrenChanged', '/', 80, m),
    op(6, 1004, { type: 'create', path: '/a', data: 'v3', mode: 'persistent' }, 100, 110, { rc: 'ok', path: '/a' }, Z(6)),
  ];

  it('NodeChildrenChanged / at 1:3: impossible', () => {
    expect(both(records(Z(3)))).toEqual({ zabsim: 'violated', possible: false });
  });

  it('NodeChildrenChanged / at 1:4, the delete of /a: possible', () => {
    expect(both(records(Z(4)))).toEqual({ zabsim: 'ok', possible: true });
  });
});
