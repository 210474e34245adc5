// Proves that zabsim and the reference checker agree on round 12's READ-filter shapes (fuzz standard seeds 5253 and
// 9168 with the protected-node layer on): a watch on a node whose ACL may deny READ can be used up by a trigger whose
// event the server drops, so a later read that sets it again begins a new registration whose event is judged from
// there; a watch on an open node, or one never set again, still owes its first change.
import { describe, expect, it } from 'vitest';
import { both, event, op } from './differential-records.js';
import { Z } from './history-builders.js';

const U1 = { perms: 31, scheme: 'digest', id: 'u1:iMa4jTJUXtsOZxv2bTb8Lfyby5M=' };
const WORLD = { perms: 31, scheme: 'world', id: 'anyone' };
const auth = (session: number, invokeUs: number) => ({ kind: 'auth', client: session - 1000, session, scheme: 'digest', auth: 'u1:pw', invokeUs });

describe('a READ-filtered trigger uses a watch up silently; a read that sets it again starts anew (fuzz seed 5253)', () => {
  // Session 1009 (user u1) creates /a readable by u1 only. Session 1007 (no auth yet) sets an exists watch; 1009's
  // setData at 1:2 fires it, and ServerCnxn.process drops the event (checkACL: no READ), the watch gone
  // (WatchManager.triggerWatch removed it first). 1007 authenticates, sets the watch again on 1:2, and gets 1009's
  // delete at 1:3. Without the restriction the setData's event was owed first: NodeDeleted alone is impossible.
  const records = (restricted: boolean, reset: boolean) => [
    op(1, 1009, { type: 'create', path: '/a', data: 'v0', mode: 'persistent', ...(restricted ? { restrictedRead: true, acl: [U1] } : { acl: [WORLD] }) }, 100, 200, { rc: 'ok', path: '/a' }, Z(1), { readZxid: Z(1) }),
    op(2, 1007, { type: 'exists', path: '/a', watch: true }, 300, 400, { rc: 'ok', exists: true, version: 0, mzxid: Z(1) }, null, { readZxid: Z(1) }),
    op(3, 1009, { type: 'setData', path: '/a', data: 'v1', version: -1 }, 500, 600, { rc: 'ok', version: 1 }, Z(2), { readZxid: Z(2) }),
    auth(1007, 700),
    ...(reset ? [op(4, 1007, { type: 'exists', path: '/a', watch: true }, 800, 900, { rc: 'ok', exists: true, version: 1, mzxid: Z(2) }, null, { readZxid: Z(2) })] : []),
    op(5, 1009, { type: 'delete', path: '/a', version: -1 }, 1000, 1100, { rc: 'ok' }, Z(3), { readZxid: Z(3) }),
    event(1007, 'NodeDeleted', '/a', 1050, Z(3)),
    auth(1009, 50),
  ];

  it('restricted /a, the watch set again after the filtered setData: possible', () => {
    expect(both(records(true, true))).toEqual({ zabsim: 'ok', possible: true });
  });

  it('an open /a (no filter can apply): the setData event was dropped, impossible', () => {
    expect(both(records(false, true))).toEqual({ zabsim: 'violated', possible: false });
  });

  it('restricted /a, but the watch never set again: filtered or not, no NodeDeleted can follow', () => {
    expect(both(records(true, false))).toEqual({ zabsim: 'violated', possible: false });
  });
});

describe("a reply owes the event of its session's own earlier write on its connection, a lost one a reply proves too (case 148721775)", () => {
  // Session 1001 lists / with a watch (server 3), reconnects to server 1, sends create /b (its reply lost), then a multi
  // whose first op finds /b there (nodeExists): only that create made /b, so it took effect, before the multi (the
  // server applies a session's requests in order). The child watch on /, re-sent by setWatches ahead of both, fired
  // as the create applied: NodeChildrenChanged / was owed before the multi's reply.
  const records = (withEvent: boolean, reconnectAtUs: number) => [
    op(0, 1001, { type: 'create', path: '/a', data: 'v1', mode: 'persistent' }, 797, 1633, { rc: 'ok', path: '/a' }, null),
    op(7, 1001, { type: 'getChildren', path: '/', watch: true }, 7706, 8153, { rc: 'ok', children: ['a', 'zookeeper'] }, null, { server: 3 }),
    op(9, 1001, { type: 'create', path: '/b', data: 'v4', mode: 'ephemeral' }, 9718, null, null, null),
    op(
      11,
      1001,
      {
        type: 'multi',
        ops: [
          { type: 'create', path: '/b', data: 'v5', mode: 'ephemeral' },
          { type: 'create', path: '/a/c', data: 'v6', mode: 'persistent' },
          { type: 'check', path: '/a', version: -1 },
        ],
      },
      11674,
      12783,
      { rc: 'nodeExists', results: [{ rc: 'nodeExists' }, { rc: 'runtimeInconsistency' }, { rc: 'runtimeInconsistency' }] },
      null,
    ),
    ...(withEvent ? [event(1001, 'NodeChildrenChanged', '/', 12000)] : []),
    { kind: 'session', client: 1, session: 1001, server: 1, state: 'CONNECTED', atUs: reconnectAtUs },
  ];

  it('no event before the multi, the create sent on its connection: impossible', () => {
    expect(both(records(false, 8677))).toEqual({ zabsim: 'violated', possible: false });
  });

  it('the event before the multi: possible', () => {
    expect(both(records(true, 8677))).toEqual({ zabsim: 'ok', possible: true });
  });
});

describe('a delete done before a create was sent cannot undo it before a later read (case 2042395227)', () => {
  // Session 1003 deletes /a (done at 9117), then creates it (sent 10368, done 11169); session 1002's exists watch
  // shows /a missing (answered 11716). The create is not in that read's state: only a delete after it could hide it,
  // and the one delete was proposed before the create was sent. So the create fired the watch, and 1002's reply at
  // 1:5 (sent after the create completed) owed NodeCreated /a first. Had the delete still been open when the create
  // was sent, it might have come after it and left /a missing.
  // (The twin's delete is another session's: one of 1003's own, sent first, would precede the create anyway.)
  const records = (deleteDoneUs: number, deleter = 1003) => [
    op(1, 1001, { type: 'create', path: '/a', data: 'v1', mode: 'persistent' }, 1873, null, null, null, { server: 3 }),
    op(6, deleter, { type: 'delete', path: '/a', version: -1 }, 7654, deleteDoneUs, { rc: 'ok' }, Z(3), { server: 2 }),
    op(8, 1002, { type: 'exists', path: '/a', watch: true }, 8979, 11716, { rc: 'ok', exists: false }, null, { server: 3 }),
    op(9, 1003, { type: 'create', path: '/a', data: 'v2', mode: 'persistent' }, 10368, 11169, { rc: 'ok', path: '/a' }, null, { server: 2 }),
    op(12, 1002, { type: 'delete', path: '/a/c', version: -1 }, 13763, 14370, { rc: 'noNode' }, Z(5), { server: 3 }),
  ];

  it('the delete done before the create was sent: impossible', () => {
    expect(both(records(9117))).toEqual({ zabsim: 'violated', possible: false });
  });

  it('the delete still open when the create was sent: possible', () => {
    expect(both(records(10400, 1004))).toEqual({ zabsim: 'ok', possible: true });
  });
});

describe("a write's zxid lies above every txn answered before it was sent, and so above their own such bounds (case 3161896027)", () => {
  // 1:1 and 1:2 are session 1003's create and delete of /a. The multi of 1002 (create /a, ephemeral /a/c) was sent
  // after 1:1 was answered: above it, and 1:2 is taken, so at 1:3 or more; 1001's setData was sent after both were
  // answered: 1:4 or more; 1003's close after that: 1:5 or more, and 1:5 is 1002's end: 1:6 or more. That end deleted
  // /a/c, which 1003's exists watch saw, so NodeDeleted /a/c was owed before the close's reply. Had the setData been
  // answered only after the close was sent, the close might be at 1:4, below the end.
  const records = (setDataDoneUs: number) => [
    op(0, 1003, { type: 'create', path: '/a', data: 'v1', mode: 'persistent' }, 658, 1611, { rc: 'ok', path: '/a' }, Z(1)),
    op(1, 1003, { type: 'delete', path: '/a', version: 0 }, 1676, 8482, { rc: 'ok' }, Z(2)),
    op(
      5,
      1002,
      {
        type: 'multi',
        ops: [
          { type: 'create', path: '/a', data: 'v2', mode: 'persistent' },
          { type: 'create', path: '/a/c', data: 'v3', mode: 'ephemeral' },
        ],
      },
      4720,
      7052,
      { rc: 'ok', results: [{ rc: 'ok', path: '/a' }, { rc: 'ok', path: '/a/c' }] },
      null,
      { server: 3 },
    ),
    op(8, 1001, { type: 'setData', path: '/a', data: 'v4', version: 0 }, 8725, setDataDoneUs, { rc: 'ok', version: 1 }, null, { server: 3 }),
    op(9, 1003, { type: 'exists', path: '/a/c', watch: true }, 9514, 10694, { rc: 'ok', version: 0, exists: true }, null),
    op(10, 1003, { type: 'closeSession' }, 10816, 13056, { rc: 'ok' }, null),
    { kind: 'session', client: null, session: 1002, server: null, state: 'ENDED', atUs: 11170, zxid: Z(5) },
  ];

  it('the setData answered before the close was sent: impossible', () => {
    expect(both(records(9588))).toEqual({ zabsim: 'violated', possible: false });
  });

  it('the setData answered after the close was sent: possible', () => {
    expect(both(records(10900))).toEqual({ zabsim: 'ok', possible: true });
  });
});

describe('a child watch re-sent by setWatches owes its event before a reply on the new connection showing a child changed (sweep12 cases 1049533304, 1650015224)', () => {
  // Session 1001 lists / (no /b) with a watch, reconnects, and then reads /b there (made by 1002's lost create). The
  // new server's state is at or above the listing's (the client's lastZxid covers it), so /b was created after the
  // listing: the change fired the watch on the old connection, or at setWatches, or here; before this reply.
  const records = (withEvent: boolean) => [
    op(1, 1001, { type: 'getChildren', path: '/', watch: true }, 1940, 2920, { rc: 'ok', children: ['zookeeper'] }, null, { server: 3 }),
    op(4, 1002, { type: 'create', path: '/b', data: 'v2', mode: 'persistent' }, 4711, null, null, null),
    op(6, 1001, { type: 'getData', path: '/b', watch: true }, 5253, 7155, { rc: 'ok', data: 'v2', version: 0 }, null, { server: 3 }),
    ...(withEvent ? [event(1001, 'NodeChildrenChanged', '/', 5200, -1, 3)] : []),
    { kind: 'session', client: 1, session: 1001, server: 3, state: 'CONNECTED', atUs: 5084 },
  ];

  it('no event before the read on the new connection: impossible', () => {
    expect(both(records(false))).toEqual({ zabsim: 'violated', possible: false });
  });

  it('NodeChildrenChanged / first: possible', () => {
    expect(both(records(true))).toEqual({ zabsim: 'ok', possible: true });
  });
});

describe("the setWatches gap needs a delete sent before the reply that owes the event (sweep12 case 2080563636)", () => {
  // Session 1003 sets an exists watch on the missing /a/c, sends create /a/c (lost), reconnects and closes at 1:5; the
  // create took effect (1004 deletes /a/c later), before 1003's end. A node created and deleted before setWatches is
  // registered anew silently, but the one delete was sent after the close's reply: NodeCreated /a/c was owed before it.
  const records = (deleteSentUs: number) => [
    op(1, 1003, { type: 'exists', path: '/a/c', watch: true }, 1555, 2016, { rc: 'ok', exists: false }, null, { server: 3 }),
    op(2, 1003, { type: 'create', path: '/a/c', data: 'v4', mode: 'persistent' }, 2609, null, null, null, { server: 3 }),
    op(3, 1002, { type: 'create', path: '/a', data: 'v5', mode: 'persistent' }, 3901, 4116, { rc: 'ok', path: '/a' }, Z(2)),
    op(7, 1003, { type: 'closeSession' }, 7345, 8580, { rc: 'ok' }, Z(5), { server: 2 }),
    op(9, 1004, { type: 'delete', path: '/a/c', version: -1 }, deleteSentUs, 10266, { rc: 'ok' }, null, { server: 3 }),
    { kind: 'session', client: 3, session: 1003, server: 2, state: 'CONNECTED', atUs: 5050 },
  ];

  it('the delete sent after the close was answered: impossible', () => {
    expect(both(records(8633))).toEqual({ zabsim: 'violated', possible: false });
  });

  it('the delete sent before the reconnect: possible (the gap)', () => {
    expect(both(records(4500))).toEqual({ zabsim: 'ok', possible: true });
  });
});

describe("a create whose zxid is at or above a read's state is not hidden there by a later delete (sweep12 case 3234835165)", () => {
  // 1001 creates /a (the first txn: 1:1 or more); 1002's multi, sent after that reply, sets /a and creates the ephemeral
  // /b: 1:2 or more. 1003's exists watch sees /b missing at 1:2: the multi is not in that state (in it, only 1002's end
  // after it could remove /b, and that is above 1:2), so it fired the watch before 1003's reply at 1:6, which reflects
  // it (sent after it completed). Seen missing at 1:3, /b may have come and gone with 1002's end at 1:3.
  const records = (readZxid: number) => [
    op(1, 1001, { type: 'create', path: '/a', data: 'v1', mode: 'persistent' }, 1962, 3421, { rc: 'ok', path: '/a' }, null, { server: 3 }),
    op(
      3,
      1002,
      {
        type: 'multi',
        ops: [
          { type: 'setData', path: '/a', data: 'v3', version: -1 },
          { type: 'create', path: '/b', data: 'v4', mode: 'ephemeral' },
          { type: 'create', path: '/a/s-', data: 'v5', mode: 'persistentSequential' },
        ],
      },
      3832,
      6912,
      { rc: 'ok', results: [{ rc: 'ok', version: 1 }, { rc: 'ok', path: '/b' }, { rc: 'ok', path: '/a/s-0000000000' }] },
      null,
      { server: 3 },
    ),
    op(4, 1003, { type: 'exists', path: '/b', watch: true }, 5305, 7560, { rc: 'ok', exists: false }, null, { readZxid }),
    op(6, 1003, { type: 'setData', path: '/a/s-0000000000', data: 'v6', version: -1 }, 7632, 8416, { rc: 'ok', version: 1 }, Z(6)),
  ];

  it('/b missing at 1:2: impossible', () => {
    expect(both(records(Z(2)))).toEqual({ zabsim: 'violated', possible: false });
  });

  it('/b missing at 1:3: possible', () => {
    expect(both(records(Z(3)))).toEqual({ zabsim: 'ok', possible: true });
  });

  it("a multi that creates and deletes /b in its one txn, at the read's zxid: possible (real-faults s19)", () => {
    const h = [
      op(1, 1002, { type: 'multi', ops: [{ type: 'create', path: '/b', data: 'v', mode: 'persistent' }, { type: 'delete', path: '/b', version: -1 }] }, 100, 200, { rc: 'ok', results: [{ rc: 'ok', path: '/b' }, { rc: 'ok' }] }, Z(2)),
      op(2, 1003, { type: 'exists', path: '/b', watch: true }, 300, 400, { rc: 'ok', exists: false }, null, { readZxid: Z(2) }),
      op(3, 1003, { type: 'setData', path: '/a', data: 'v', version: -1 }, 500, 600, { rc: 'noNode' }, Z(3)),
    ];
    expect(both(h)).toEqual({ zabsim: 'ok', possible: true });
  });
});

describe('a multi whose sub-ops contradict each other creates nothing, so another create is the only one (sweep12 case 4216229636)', () => {
  // Session 1001's lost multi creates under /a and then /a itself: it fails whatever the tree. So its lost create /a,
  // sent after its exists watch saw /a missing and before its close, made the /a that 1002's setData finds at 1:5; it
  // took effect before the close, and NodeCreated /a was owed before the close's reply.
  const records = (withEvent: boolean) => [
    op(
      2,
      1001,
      {
        type: 'multi',
        ops: [
          { type: 'create', path: '/a/s-', data: 'v3', mode: 'persistentSequential' },
          { type: 'create', path: '/a/c', data: 'v4', mode: 'persistent' },
          { type: 'create', path: '/a', data: 'v5', mode: 'persistent' },
        ],
      },
      2396,
      null,
      null,
      null,
      { server: 2 },
    ),
    op(7, 1001, { type: 'exists', path: '/a', watch: true }, 7919, 8602, { rc: 'ok', exists: false }, null),
    op(8, 1001, { type: 'create', path: '/a', data: 'v7', mode: 'persistent' }, 8772, null, null, null),
    op(9, 1001, { type: 'closeSession' }, 9992, 10523, { rc: 'ok' }, null),
    op(10, 1002, { type: 'setData', path: '/a', data: 'v8', version: 0 }, 10911, 11942, { rc: 'ok', version: 1 }, Z(5), { server: 3 }),
    ...(withEvent ? [event(1001, 'NodeCreated', '/a', 10000)] : []),
  ];

  it('no NodeCreated before the close: impossible', () => {
    expect(both(records(false))).toEqual({ zabsim: 'violated', possible: false });
  });

  it('NodeCreated before the close: possible', () => {
    expect(both(records(true))).toEqual({ zabsim: 'ok', possible: true });
  });
});

describe("a create that finds a node missing proves the node's one delete took effect, when the node was made below that create's zxid floor (sweep12 case 3043822116)", () => {
  // Session 1001 made /b at 1:1 (a read shows mzxid 1:1, version 0), watched it and sent its one delete (lost); 1002's
  // later create /b succeeds, with a zxid floor of 1:5 (sent after 1:3 and 1001's end at 1:4 were known): /b was gone
  // by then, so the delete took effect, before 1001's end (1:4), so at or below 1:3. 1001's reply at 1:3 (another
  // connection: the watch was re-sent) reflects it: NodeDeleted /b was owed first. Without the end, the delete may
  // come after 1:3.
  const records = (ended: boolean) => [
    op(0, 1001, { type: 'create', path: '/b', data: 'v1', mode: 'persistent' }, 290, null, null, null, { server: 3 }),
    op(2, 1001, { type: 'getData', path: '/b', watch: true }, 2950, 3019, { rc: 'ok', data: 'v1', version: 0, mzxid: Z(1), ephemeralOwner: 0 }, null),
    op(3, 1001, { type: 'delete', path: '/b', version: -1 }, 3718, null, null, null),
    op(4, 1001, { type: 'create', path: '/a/c', data: 'v2', mode: 'persistent' }, 4773, 5648, { rc: 'noNode' }, Z(3), { server: 3 }),
    op(10, 1002, { type: 'create', path: '/b', data: 'v5', mode: 'persistent' }, 11982, 12245, { rc: 'ok', path: '/b' }, null),
    ...(ended ? [{ kind: 'session', client: null, session: 1001, server: null, state: 'ENDED', atUs: 6270, zxid: Z(4) }] : []),
  ];

  it("1001's end at 1:4 known: impossible", () => {
    expect(both(records(true))).toEqual({ zabsim: 'violated', possible: false });
  });

  it('no end known: possible', () => {
    expect(both(records(false))).toEqual({ zabsim: 'ok', possible: true });
  });
});

describe("a session whose ephemeral a listing shows had not ended in that state (sweep12 case 867713636)", () => {
  // 1004 lists /a (only s-0000000000, 1003's ephemeral) with a watch. 1003's later multi makes s-0000000001 and c, both
  // ephemeral: in the listing's state only 1003's end could have removed them, and that end would have removed
  // s-0000000000 too. So the multi came after the listing and fired the watch; 1004's create at 1:8, sent after it
  // completed, reflects it: NodeChildrenChanged /a was owed first.
  const records = (withEvent: boolean) => [
    op(0, 1001, { type: 'create', path: '/a', data: 'v1', mode: 'persistent' }, 345, 1073, { rc: 'ok', path: '/a' }, null, { server: 2 }),
    op(1, 1001, { type: 'create', path: '/b', data: 'v2', mode: 'ephemeral' }, 1695, 7018, { rc: 'ok', path: '/b' }, Z(2), { server: 2 }),
    op(
      3,
      1003,
      {
        type: 'multi',
        ops: [
          { type: 'setData', path: '/a', data: 'v3', version: -1 },
          { type: 'create', path: '/a/s-', data: 'v4', mode: 'ephemeralSequential' },
          { type: 'setData', path: '/b', data: 'v5', version: 0 },
        ],
      },
      3331,
      7770,
      { rc: 'ok', results: [{ rc: 'ok', version: 1 }, { rc: 'ok', path: '/a/s-0000000000' }, { rc: 'ok', version: 1 }] },
      null,
      { server: 3 },
    ),
    op(10, 1004, { type: 'getChildren', path: '/a', watch: true }, 10642, 13973, { rc: 'ok', children: ['s-0000000000'] }, null, { server: 3 }),
    op(
      11,
      1003,
      {
        type: 'multi',
        ops: [
          { type: 'create', path: '/a/s-', data: 'v7', mode: 'ephemeralSequential' },
          { type: 'create', path: '/a/c', data: 'v8', mode: 'ephemeral' },
          { type: 'setData', path: '/a/s-0000000000', data: 'v9', version: 0 },
        ],
      },
      11994,
      12929,
      { rc: 'ok', results: [{ rc: 'ok', path: '/a/s-0000000001' }, { rc: 'ok', path: '/a/c' }, { rc: 'ok', version: 1 }] },
      null,
      { server: 3 },
    ),
    op(13, 1004, { type: 'create', path: '/b', data: 'v10', mode: 'persistent' }, 13986, 14821, { rc: 'ok', path: '/b' }, Z(8)),
    ...(withEvent ? [event(1004, 'NodeChildrenChanged', '/a', 13980, -1, 3)] : []),
  ];

  it('no event before the create at 1:8: impossible', () => {
    expect(both(records(false))).toEqual({ zabsim: 'violated', possible: false });
  });

  it('NodeChildrenChanged /a first: possible', () => {
    expect(both(records(true))).toEqual({ zabsim: 'ok', possible: true });
  });
});
