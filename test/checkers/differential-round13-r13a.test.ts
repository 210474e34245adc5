// Proves that zabsim flags the round-12 sweep cases (seed 3300000) where a lost or zxid-less write is proved by a
// read or a Stat, and still accepts each history made valid: a version of 1 or more proves the one op that may set
// the node (2233715294, 1868273556); a listing proves an unlisted child gone, and a write of a session that took
// effect owes its events before the session's close reply on its connection (263360252, open-round12-wp
// 1513447175); a read without a header is above the creates of the nodes it shows (2000143393); a lost write is
// above every state replied before it was sent (1292103493); an exact event's write is above its floor, counting
// every read header replied before it was sent (2769076300); a write that found
// a node missing stands for the delete a read's watch owes (1171962903); a setData is at or below a read that shows
// its version (4132429694). Each impossible history is the case's smallest form (rejudge.ts --minimize).
import { describe, expect, it } from 'vitest';
import { both, event, op } from './differential-records.js';
import { Z } from './history-builders.js';

const on = (server: number) => ({ server });
const persistent = (path: string, data: string) => ({ type: 'create', path, data, mode: 'persistent' });

describe('a version of 1 or more proves the one op that may set the node took effect (case 2233715294)', () => {
  // Three txns need zxids between 1:4 and the multi at 1:7: session 1002's ok close, 1003's sequential create
  // (both sent after 1:4 replied, answered before 1:7 was sent) and the lost setData of /a/c, which the getData
  // shows at version 1 (DataTree.setData adds one; the failed multi sets nothing) before 1003's multi.
  const records = (multiZxid: number) => [
    op(4, 1002, { type: 'closeSession' }, 6302, 7098, { rc: 'ok' }, null),
    op(
      5,
      1003,
      { type: 'multi', ops: [persistent('/b', 'v3'), persistent('/a', 'v4'), { type: 'create', path: '/a/c', data: 'v5', mode: 'ephemeral' }] },
      5402,
      6095,
      {
        rc: 'ok',
        results: [
          { rc: 'ok', path: '/b' },
          { rc: 'ok', path: '/a' },
          { rc: 'ok', path: '/a/c' },
        ],
      },
      Z(4),
    ),
    op(6, 1003, { type: 'create', path: '/a/s-', data: 'v6', mode: 'persistentSequential' }, 6358, 7912, { rc: 'ok', path: '/a/s-0000000001' }, null),
    op(7, 1003, { type: 'setData', path: '/a/c', data: 'v7', version: -1 }, 7947, null, null, null),
    op(8, 1003, { type: 'getData', path: '/a/c', watch: true }, 8979, 9567, { rc: 'ok', data: 'v7', version: 1 }, null, on(3)),
    op(
      9,
      1003,
      {
        type: 'multi',
        ops: [
          persistent('/a', 'v8'),
          { type: 'setData', path: '/a/c', data: 'v9', version: -1 },
          { type: 'setData', path: '/a/s-0000000001', data: 'v10', version: 0 },
        ],
      },
      9956,
      10266,
      { rc: 'nodeExists', results: [{ rc: 'nodeExists' }, { rc: 'runtimeInconsistency' }, { rc: 'runtimeInconsistency' }] },
      multiZxid,
      on(3),
    ),
  ];

  it('the failed multi at 1:7: impossible', () => {
    expect(both(records(Z(7)))).toEqual({ zabsim: 'violated', possible: false });
  });

  it('the failed multi at 1:8 (three free zxids): possible', () => {
    expect(both(records(Z(8)))).toEqual({ zabsim: 'ok', possible: true });
  });
});

describe('a version proves a lost setData, whose event a persistent watch added before it owes (case 1868273556)', () => {
  const records = (eventAtUs: number | null) => [
    op(4, 1001, persistent('/b', 'v2'), 4891, 5400, { rc: 'ok', path: '/b' }, Z(2), on(3)),
    op(
      7,
      1001,
      { type: 'multi', ops: [persistent('/a', 'v3'), { type: 'setData', path: '/b', data: 'v4', version: 0 }, persistent('/a/c', 'v5')] },
      7974,
      8421,
      {
        rc: 'ok',
        results: [
          { rc: 'ok', path: '/a' },
          { rc: 'ok', version: 1 },
          { rc: 'ok', path: '/a/c' },
        ],
      },
      null,
      on(3),
    ),
    op(8, 1001, { type: 'addWatch', path: '/a/c', mode: 'persistent' }, 8980, 9480, { rc: 'ok' }, null, on(3)),
    op(11, 1001, { type: 'setData', path: '/a/c', data: 'v7', version: -1 }, 11944, null, null, null, on(3)),
    ...(eventAtUs === null ? [] : [event(1001, 'NodeDataChanged', '/a/c', eventAtUs, -1, 3)]),
    op(12, 1001, { type: 'exists', path: '/a/c' }, 12925, 13470, { rc: 'ok', version: 1, exists: true, mzxid: Z(5), ephemeralOwner: 0 }, null, on(3)),
    op(13, 1001, { type: 'getData', path: '/b' }, 13684, 14593, { rc: 'ok', data: 'v4', version: 1, mzxid: Z(3), ephemeralOwner: 0 }, null, on(3)),
  ];

  it('no NodeDataChanged /a/c before the exists that shows version 1: impossible', () => {
    expect(both(records(null))).toEqual({ zabsim: 'violated', possible: false });
  });

  it('NodeDataChanged /a/c before it: possible', () => {
    expect(both(records(12500))).toEqual({ zabsim: 'ok', possible: true });
  });
});

describe("a write of the session that took effect owes its events before the session's close reply (case 263360252)", () => {
  // 1004's own listing of / lacks /a, which only 1004's create made: the lost delete of /a by 1001, the one op that
  // deletes it, took effect; it was sent before 1001's close on one connection (CommitProcessor keeps a session's
  // order), after 1001's recursive watch on /a was added, so its NodeDeleted /a came before the close's reply.
  const records = (events: boolean) => [
    op(2, 1001, persistent('/b', 'v2'), 3638, 5426, { rc: 'ok', path: '/b' }, Z(3)),
    op(4, 1001, { type: 'addWatch', path: '/a', mode: 'persistentRecursive' }, 5717, 8286, { rc: 'ok' }, null),
    op(7, 1001, { type: 'delete', path: '/b', version: -1 }, 8306, 10742, { rc: 'ok' }, null),
    op(8, 1004, persistent('/a', 'v3'), 9776, 12140, { rc: 'ok', path: '/a' }, null),
    op(9, 1001, { type: 'delete', path: '/a', version: -1 }, 10863, null, null, null),
    ...(events ? [event(1001, 'NodeCreated', '/a', 12000), event(1001, 'NodeDeleted', '/a', 12500)] : []),
    op(10, 1001, { type: 'closeSession' }, 11870, 12912, { rc: 'ok' }, null),
    op(11, 1004, { type: 'getChildren', path: '/', watch: true }, 12897, 13369, { rc: 'ok', children: ['zookeeper'] }, null),
  ];

  it('no event for /a before the close reply: impossible', () => {
    expect(both(records(false))).toEqual({ zabsim: 'violated', possible: false });
  });

  it('NodeCreated and NodeDeleted /a before it: possible', () => {
    expect(both(records(true))).toEqual({ zabsim: 'ok', possible: true });
  });
});

describe("a lost create proved by a later delete owes its event before its session's close (open-round12-wp 1513447175)", () => {
  const records = (eventAtUs: number | null) => [
    op(5, 1003, { type: 'addWatch', path: '/b', mode: 'persistent' }, 6846, 7702, { rc: 'ok' }, null, on(2)),
    op(6, 1003, persistent('/b', 'v5'), 7797, null, null, null, on(2)),
    ...(eventAtUs === null ? [] : [event(1003, 'NodeCreated', '/b', eventAtUs, -1, 2)]),
    op(7, 1003, { type: 'closeSession' }, 8803, 9742, { rc: 'ok' }, null, on(2)),
    op(10, 1004, { type: 'delete', path: '/b', version: -1 }, 11975, 12248, { rc: 'ok' }, Z(7), on(3)),
  ];

  it('no NodeCreated /b before the close reply: impossible', () => {
    expect(both(records(null))).toEqual({ zabsim: 'violated', possible: false });
  });

  it('NodeCreated /b before it: possible', () => {
    expect(both(records(9000))).toEqual({ zabsim: 'ok', possible: true });
  });
});

describe('a read without a header zxid is above the create of each node it shows (case 2000143393)', () => {
  // The exists watch on /b was set before /b's create at 1:1; the listing of /a is above /a's one create at 1:2.
  const records = (eventAtUs: number | null) => [
    op(0, 1001, persistent('/b', 'v1'), 761, 1788, { rc: 'ok', path: '/b' }, Z(1), on(3)),
    op(1, 1001, persistent('/a', 'v2'), 1899, 3373, { rc: 'ok', path: '/a' }, Z(2), on(3)),
    op(2, 1003, { type: 'exists', path: '/b', watch: true }, 2448, 3286, { rc: 'ok', exists: false }, null),
    ...(eventAtUs === null ? [] : [event(1003, 'NodeCreated', '/b', eventAtUs)]),
    op(4, 1003, { type: 'getChildren', path: '/a' }, 3917, 5855, { rc: 'ok', children: [] }, null),
  ];

  it('no NodeCreated /b before the listing of /a: impossible', () => {
    expect(both(records(null))).toEqual({ zabsim: 'violated', possible: false });
  });

  it('NodeCreated /b before it: possible', () => {
    expect(both(records(4000))).toEqual({ zabsim: 'ok', possible: true });
  });
});

describe('a lost write is above every state replied before it was sent (case 1292103493)', () => {
  // The lost create of /a (the one op that makes it, proved by the setData at 1:4) was sent after the error txn at
  // 1:1 replied, so it is above 1:1, where 1002's persistent watch on / was registered: NodeChildrenChanged / is owed.
  const records = (eventAtUs: number | null) => [
    op(0, 1001, { type: 'create', path: '/a/s-', data: 'v1', mode: 'persistentSequential' }, 463, 1675, { rc: 'noNode' }, Z(1), on(3)),
    op(2, 1002, { type: 'addWatch', path: '/', mode: 'persistent' }, 2117, 3636, { rc: 'ok' }, null, { server: 3, readZxid: Z(1) }),
    op(3, 1001, persistent('/a', 'v3'), 3138, null, null, null),
    ...(eventAtUs === null ? [] : [event(1002, 'NodeChildrenChanged', '/', eventAtUs, -1, 3)]),
    op(6, 1002, { type: 'setData', path: '/a', data: 'v4', version: -1 }, 6984, 7577, { rc: 'ok', version: 1 }, Z(4), on(3)),
  ];

  it('no NodeChildrenChanged / before the setData of /a: impossible', () => {
    expect(both(records(null))).toEqual({ zabsim: 'violated', possible: false });
  });

  it('NodeChildrenChanged / before it: possible', () => {
    expect(both(records(5000))).toEqual({ zabsim: 'ok', possible: true });
  });
});

describe("an exact event's write is above its floor, read headers counted (case 2769076300)", () => {
  // The setData of /a was sent after a read at header 1:4 replied: above 1:4; 1002's delete of /a/c after it: above
  // 1:5. The lost delete cannot be 1:5 either: /a/c is made once, and the ok delete found it later.
  const records = (eventZxid: number) => [
    op(3, 1001, persistent('/a', 'v1'), 3858, null, null, null),
    op(6, 1001, persistent('/a/c', 'v3'), 6964, 8349, { rc: 'ok', path: '/a/c' }, Z(3)),
    op(7, 1002, { type: 'delete', path: '/a/c', version: 0 }, 7380, null, null, null, on(3)),
    op(8, 1001, { type: 'getData', path: '/a/c', watch: true }, 8609, 9508, { rc: 'ok', data: 'v3', version: 0 }, null, { readZxid: Z(4) }),
    op(9, 1002, { type: 'setData', path: '/a', data: 'v4', version: 0 }, 9973, 10295, { rc: 'ok', version: 1 }, null, on(2)),
    op(11, 1002, { type: 'delete', path: '/a/c', version: 0 }, 11694, 12552, { rc: 'ok' }, null),
    event(1001, 'NodeDeleted', '/a/c', 12318, eventZxid),
  ];

  it('NodeDeleted /a/c at 1:5: impossible', () => {
    expect(both(records(Z(5)))).toEqual({ zabsim: 'violated', possible: false });
  });

  it('NodeDeleted /a/c at 1:6: possible', () => {
    expect(both(records(Z(6)))).toEqual({ zabsim: 'ok', possible: true });
  });
});

describe('a write that found a node missing stands for the delete a watch on it owes (case 1171962903)', () => {
  // /b (1002's ephemeral) is deleted below 1003's create at 1:5 (between 1001's end at 1:4 and 1003's at 1:6), by
  // 1001's lost delete or 1002's unseen end, at 1:3 either way: below 1001's close, whose reply owes the event.
  const records = (eventAtUs: number | null) => [
    op(0, 1002, { type: 'create', path: '/b', data: 'v1', mode: 'ephemeral' }, 809, 1929, { rc: 'ok', path: '/b' }, Z(1), on(2)),
    op(1, 1001, { type: 'setData', path: '/b', data: 'v2', version: -1 }, 1570, 2378, { rc: 'ok', version: 1 }, Z(2)),
    op(2, 1001, { type: 'exists', path: '/b', watch: true }, 2530, 3325, { rc: 'ok', version: 1, exists: true, mzxid: Z(2), ephemeralOwner: 1002 }, null),
    op(3, 1001, { type: 'delete', path: '/b', version: -1 }, 3538, null, null, null),
    ...(eventAtUs === null ? [] : [event(1001, 'NodeDeleted', '/b', eventAtUs)]),
    op(4, 1001, { type: 'closeSession' }, 4959, 5552, { rc: 'ok' }, null),
    op(6, 1003, persistent('/b', 'v3'), 6952, 7746, { rc: 'ok', path: '/b' }, null),
    { kind: 'session', client: null, session: 1001, server: null, state: 'ENDED', atUs: 5221, zxid: Z(4) },
    { kind: 'session', client: null, session: 1003, server: null, state: 'ENDED', atUs: 8082, zxid: Z(6) },
  ];

  it('no NodeDeleted /b before the close reply: impossible', () => {
    expect(both(records(null))).toEqual({ zabsim: 'violated', possible: false });
  });

  it('NodeDeleted /b before it: possible', () => {
    expect(both(records(5400))).toEqual({ zabsim: 'ok', possible: true });
  });
});

describe('a setData is at or below a read that shows its one-life node at its version (case 4132429694)', () => {
  // The exists at header 1:2 shows version 1: the setData is at or below 1:2, the create of /b below it (1:1), so
  // 1002's failed create, sent after /b's create replied, is above 1:2 and its reply owes the getData watch's event.
  const records = (eventAtUs: number | null) => [
    op(0, 1001, persistent('/b', 'v1'), 446, 2299, { rc: 'ok', path: '/b' }, null),
    op(1, 1002, { type: 'getData', path: '/b', watch: true }, 1875, 2792, { rc: 'ok', data: 'v1', version: 0 }, null, on(3)),
    op(2, 1001, { type: 'setData', path: '/b', data: 'v2', version: -1 }, 2948, 6374, { rc: 'ok', version: 1 }, null),
    op(3, 1003, { type: 'exists', path: '/b', watch: true }, 3137, 4675, { rc: 'ok', version: 1, exists: true }, null, { readZxid: Z(2) }),
    ...(eventAtUs === null ? [] : [event(1002, 'NodeDataChanged', '/b', eventAtUs, -1, 3)]),
    op(4, 1002, persistent('/b', 'v3'), 4656, 5338, { rc: 'nodeExists' }, null, on(3)),
  ];

  it('no NodeDataChanged /b before the failed create: impossible', () => {
    expect(both(records(null))).toEqual({ zabsim: 'violated', possible: false });
  });

  it('NodeDataChanged /b before it: possible', () => {
    expect(both(records(5000))).toEqual({ zabsim: 'ok', possible: true });
  });
});

describe('a node nothing deletes, missing at a header zxid: every create of it that took effect is above (sweep seed 31013277, case 1462965641)', () => {
  // /a missing at 1:3, and no op may delete it (the multi's delete failed with it): 1001's create of /a is above
  // 1:3, and so is 1002's close (after its read at 1:3); 1001's failed multi is above both, and below its close:
  // three txns for the zxids between 1:3 and 1:6.
  const records = (closeZxid: number) => [
    op(1, 1002, persistent('/a', 'v4'), 1869, null, null, null),
    op(6, 1001, persistent('/a', 'v6'), 6158, 7223, { rc: 'ok', path: '/a' }, null),
    op(7, 1002, { type: 'exists', path: '/a' }, 7261, 8043, { rc: 'ok', exists: false }, null, { server: 3, readZxid: Z(3) }),
    op(9, 1002, { type: 'closeSession' }, 9733, 10513, { rc: 'ok' }, null, on(3)),
    op(
      10,
      1001,
      {
        type: 'multi',
        ops: [
          { type: 'delete', path: '/a', version: -1 },
          { type: 'create', path: '/a/c', data: 'v8', mode: 'ephemeral' },
        ],
      },
      10949,
      11514,
      { rc: 'noNode', results: [{ rc: 'ok' }, { rc: 'noNode' }] },
      null,
    ),
    op(11, 1001, { type: 'closeSession' }, 11559, 12277, { rc: 'ok' }, closeZxid),
  ];

  it("1001's close at 1:6: impossible", () => {
    expect(both(records(Z(6)))).toEqual({ zabsim: 'violated', possible: false });
  });

  it("1001's close at 1:7: possible", () => {
    expect(both(records(Z(7)))).toEqual({ zabsim: 'ok', possible: true });
  });
});

describe("a write that found a listed child gone owes the child watch's event before its own reply (sweep seed 31013131, case 542964059)", () => {
  // 1003's listing of / shows /a (1002's create at 1:2, before 1002's delete: the lost create of 1001 cannot have
  // made it again, as nothing would delete it before 1003's create under it found it missing). So the delete of
  // /a is between the listing's state and that create's txn: NodeChildrenChanged / is owed before its reply.
  // (One client's three sessions, as the case has them; /a of 1002 readable by digest u1 only.)
  const one = (server: number) => ({ server, client: 1 });
  const records = (eventAtUs: number | null) => [
    op(1, 1001, persistent('/a', 'v1'), 1964, null, null, null, one(3)),
    op(
      3,
      1002,
      { ...persistent('/a', 'v2'), restrictedRead: true, acl: [{ perms: 31, scheme: 'digest', id: 'u1:iMa4jTJUXtsOZxv2bTb8Lfyby5M=' }] },
      4988,
      5944,
      { rc: 'ok', path: '/a' },
      Z(2),
      one(2),
    ),
    op(4, 1002, { type: 'delete', path: '/a', version: 0 }, 5969, 6239, { rc: 'ok' }, null, one(2)),
    op(6, 1003, { type: 'getChildren', path: '/', watch: true }, 8891, 9427, { rc: 'ok', children: ['a', 'zookeeper'] }, null, one(3)),
    ...(eventAtUs === null ? [] : [{ ...event(1003, 'NodeChildrenChanged', '/', eventAtUs, -1, 3), client: 1 }]),
    op(7, 1003, { type: 'create', path: '/a/s-', data: 'v3', mode: 'persistentSequential' }, 9740, 10746, { rc: 'noNode' }, null, one(3)),
  ];

  it('no NodeChildrenChanged / before the failed create: impossible', () => {
    expect(both(records(null))).toEqual({ zabsim: 'violated', possible: false });
  });

  it('NodeChildrenChanged / before it: possible', () => {
    expect(both(records(10000))).toEqual({ zabsim: 'ok', possible: true });
  });
});

describe('a version counts the setData txns of a life: when no more setters exist, each took effect (open-round12-wp 1960066333, 4203161649)', () => {
  // 1001's setData at 1:6 leaves /a at version 2 (it found version 1): the only other setData of /a, 1004's lost
  // one, took effect below 1:6, after 1001's recursive watch on /a was added (it was sent after the addWatch
  // returned), so its NodeDataChanged came before the event at 1:6 on that connection.
  const twoSetters = (firstEventAtUs: number | null) => [
    op(4, 1001, { type: 'addWatch', path: '/a', mode: 'persistentRecursive' }, 4722, 6192, { rc: 'ok' }, null, on(2)),
    op(5, 1004, persistent('/a', 'v2'), 5853, 6806, { rc: 'ok', path: '/a' }, Z(3), on(3)),
    op(8, 1004, { type: 'setData', path: '/a', data: 'v3', version: -1 }, 7947, null, null, null, on(3)),
    ...(firstEventAtUs === null ? [] : [event(1001, 'NodeDataChanged', '/a', firstEventAtUs, -1, 2)]),
    op(10, 1001, { type: 'setData', path: '/a', data: 'v6', version: -1 }, 10541, 11199, { rc: 'ok', version: 2 }, Z(6), on(2)),
    event(1001, 'NodeDataChanged', '/a', 11101, Z(6), 2),
  ];

  it('one NodeDataChanged /a (1:6) for two setData txns: impossible', () => {
    expect(both(twoSetters(null))).toEqual({ zabsim: 'violated', possible: false });
  });

  it("the lost setData's event first: possible", () => {
    expect(both(twoSetters(9000))).toEqual({ zabsim: 'ok', possible: true });
  });

  // 1001's delete of /a at 1:5 expects version 1: 1002's lost setData (the one setter) took effect below 1:5, after
  // 1002's recursive watch was added, so its NodeDataChanged comes before NodeDeleted /a at 1:5.
  const deleteFound = (firstEventAtUs: number | null) => [
    op(3, 1001, persistent('/a', 'v4'), 3699, 4072, { rc: 'ok', path: '/a' }, Z(3), on(3)),
    op(4, 1002, { type: 'addWatch', path: '/a', mode: 'persistentRecursive' }, 4541, 6349, { rc: 'ok' }, null),
    op(6, 1002, { type: 'setData', path: '/a', data: 'v7', version: 0 }, 6598, null, null, null),
    op(7, 1001, { type: 'delete', path: '/a', version: 1 }, 7501, 10357, { rc: 'ok' }, Z(5), on(3)),
    ...(firstEventAtUs === null ? [] : [event(1002, 'NodeDataChanged', '/a', firstEventAtUs)]),
    event(1002, 'NodeDeleted', '/a', 8278, Z(5)),
  ];

  it('NodeDeleted /a with no NodeDataChanged before it: impossible', () => {
    expect(both(deleteFound(null))).toEqual({ zabsim: 'violated', possible: false });
  });

  it('NodeDataChanged /a first: possible', () => {
    expect(both(deleteFound(8000))).toEqual({ zabsim: 'ok', possible: true });
  });
});

describe("a failed multi's version check counts the setters, its own setData sub-ops not among them (sweep seed 31013555, case 2090169487)", () => {
  // /b reaches version 2 at 1:3; 1002's multi at 1:6 finds version `found` (its first sub-op passes) and fails on
  // its second; 1002's setData, sent after that reply, takes /b from 2 to 3. A first try counted the multi's two
  // setData sub-ops as setters and proved the later setData below 1:6 (a false alarm of this round).
  const records = (found: number) => [
    op(0, 1001, persistent('/b', 'v1'), 151, 1085, { rc: 'ok', path: '/b' }, null, on(2)),
    op(1, 1001, { type: 'setData', path: '/b', data: 'v2', version: 0 }, 1098, 2005, { rc: 'ok', version: 1 }, null, on(2)),
    op(2, 1001, { type: 'setData', path: '/b', data: 'v3', version: -1 }, 2821, 3236, { rc: 'ok', version: 2 }, Z(3), on(2)),
    op(
      4,
      1002,
      {
        type: 'multi',
        ops: [
          { type: 'setData', path: '/b', data: 'v5', version: found },
          { type: 'setData', path: '/b', data: 'v6', version: 2 },
        ],
      },
      5580,
      6364,
      { rc: 'badVersion', results: [{ rc: 'ok' }, { rc: 'badVersion' }] },
      Z(6),
    ),
    op(6, 1002, { type: 'setData', path: '/b', data: 'v8', version: 2 }, 7670, 8279, { rc: 'ok', version: 3 }, null),
  ];

  it('the multi found version 2: possible', () => {
    expect(both(records(2))).toEqual({ zabsim: 'ok', possible: true });
  });

  it('the multi found version 3, which needs the later setData below it: impossible', () => {
    expect(both(records(3))).toEqual({ zabsim: 'violated', possible: false });
  });
});

describe('a lost write pinned by an event stands for a delete by zxid only, not by time (sweep seed 31013911, case 1922803355)', () => {
  // 1001's exists shows 1002's ephemeral /b at 1:2; 1001 closes at 1:3; 1003's lost create of /b is NodeCreated /b
  // at 1:5, so /b was deleted at 1:4 (1002's unseen end), after 1001's close: no event is owed to 1001. The lost
  // create has no reply, so it bounds nothing by time (a first form compared its missing reply time and flagged it).
  const records = [
    op(4, 1002, { type: 'create', path: '/b', data: 'v2', mode: 'ephemeral' }, 4825, 5013, { rc: 'ok', path: '/b' }, Z(2), { server: 3, client: 2 }),
    op(8, 1001, { type: 'exists', path: '/b', watch: true }, 8622, 9608, { rc: 'ok', version: 0, exists: true, mzxid: Z(2), ephemeralOwner: 1002 }, null, {
      server: 3,
      client: 1,
    }),
    op(9, 1001, { type: 'closeSession' }, 9966, 10535, { rc: 'ok' }, Z(3), { server: 3, client: 1 }),
    op(12, 1003, { type: 'exists', path: '/b', watch: true }, 12346, 13085, { rc: 'ok', exists: false }, null, { server: 2, client: 1 }),
    op(13, 1003, { type: 'create', path: '/b', data: 'v3', mode: 'ephemeral' }, 13151, null, null, null, { server: 2, client: 1 }),
    { ...event(1003, 'NodeCreated', '/b', 15151, Z(5), 2), client: 1 },
  ];

  it('no NodeDeleted /b for the closed session: possible', () => {
    expect(both(records)).toEqual({ zabsim: 'ok', possible: true });
  });
});
