// Proves that zabsim and the reference checker agree on the round-8 watch shapes: a session end explains an
// event only where it can come (after its ephemeral's create was sent, above every txn and reply state of its
// session), with a possible history beside each impossible one.
import { describe, expect, it } from 'vitest';
import { Z } from './history-builders.js';
import { both as judge, event, op, type Rec } from './differential-records.js';

/** Both checkers' answers on the history (see differential-records.ts). */
const both = (records: readonly object[]) => judge(records, 'round8.ndjson');
const ended = (session: number, zxid: number, atUs: number): Rec => ({ kind: 'session', client: null, session, server: null, state: 'ENDED', atUs, zxid });

describe('an unseen session end explains an event only where it can come', () => {
  // 1002 lists / with a watch; 1001's ephemeral /b, whose unseen end would change /'s children, is created
  // only after the event arrived: nothing explains it. Case 3277720575.
  const late = (createAtUs: number) => [
    op(0, 1002, { type: 'getChildren', path: '/', watch: true }, 503, 1765, { rc: 'ok', children: ['zookeeper'] }, null),
    op(6, 1001, { type: 'create', path: '/b', data: 'v5', mode: 'ephemeral' }, createAtUs, createAtUs + 681, { rc: 'ok', path: '/b' }, null),
    event(1002, 'NodeChildrenChanged', '/', 4070, Z(1)),
  ];
  it('not before its ephemeral was created', () => {
    expect(both(late(6700))).toEqual({ zabsim: 'violated', possible: false });
    expect(both(late(2000))).toEqual({ zabsim: 'ok', possible: true });
  });

  // 1001's ephemeral /b at 1:1, its own delete of /b at 1:4: NodeDeleted /b at 1:3 can only be 1001's unseen
  // end, which cannot come before its own delete. Case 216690987.
  const floor = (deleteZxid: number) => [
    op(1, 1001, { type: 'create', path: '/b', data: 'v1', mode: 'ephemeral' }, 1921, 2778, { rc: 'ok', path: '/b' }, Z(1)),
    op(3, 1001, { type: 'getData', path: '/b', watch: true }, 3409, 4956, { rc: 'ok', data: 'v1', version: 0, mzxid: Z(1), ephemeralOwner: 1001 }, null),
    op(6, 1001, { type: 'delete', path: '/b', version: 0 }, 6938, 7321, { rc: 'ok' }, Z(deleteZxid)),
    event(1001, 'NodeDeleted', '/b', 7196, Z(3)),
  ];
  it("not below its session's own writes", () => {
    expect(both(floor(4))).toEqual({ zabsim: 'violated', possible: false });
    expect(both(floor(3))).toEqual({ zabsim: 'ok', possible: true });
  });

  // 1001 creates /a at 1:3, lists / with a watch, creates its ephemeral /b at 1:5: NodeChildrenChanged / at 1:4
  // has no txn (1001's unseen end comes after 1:5). Case 1783053439.
  it('nor below a later write of its session that changed the watched path', () => {
    const h = (eventZxid: number) => [
      op(2, 1001, { type: 'create', path: '/a', data: 'v3', mode: 'persistent' }, 2951, 3727, { rc: 'ok', path: '/a' }, Z(3)),
      op(3, 1001, { type: 'getChildren', path: '/', watch: true }, 3899, 4164, { rc: 'ok', children: ['a', 'zookeeper'] }, null),
      op(12, 1001, { type: 'create', path: '/b', data: 'v6', mode: 'ephemeral' }, 12661, 13282, { rc: 'ok', path: '/b' }, Z(5)),
      event(1001, 'NodeChildrenChanged', '/', 13178, Z(eventZxid)),
    ];
    expect(both(h(4))).toEqual({ zabsim: 'violated', possible: false });
    expect(both(h(5))).toEqual({ zabsim: 'ok', possible: true });
  });
});

describe("a watch-setting read's state holds the creates of the nodes it shows", () => {
  // 1002's listing of / names b; the one create of /b is at 1:4, so the listing's state holds it and the child
  // watch cannot fire for it. Case 871754251.
  const listed = (children: string[]) => [
    op(3, 1002, { type: 'getChildren', path: '/', watch: true }, 3249, 6364, { rc: 'ok', children }, null),
    op(4, 1003, { type: 'create', path: '/b', data: 'v4', mode: 'persistent' }, 4801, 5916, { rc: 'ok', path: '/b' }, Z(4)),
    event(1002, 'NodeChildrenChanged', '/', 7044, Z(4)),
  ];
  it('a listed child', () => {
    expect(both(listed(['b', 'zookeeper']))).toEqual({ zabsim: 'violated', possible: false });
    expect(both(listed(['zookeeper']))).toEqual({ zabsim: 'ok', possible: true });
  });

  // 1002 lists /a (empty) on its first connection, reconnects, and gets NodeChildrenChanged /a at 1:3: the only
  // change that setWatches could report is /a's create (its pzxid), at 1:2, which the listing already held.
  // Case 1790240775.
  const relisted = (createZxid: number) => [
    op(1, 1001, { type: 'create', path: '/a', data: 'v2', mode: 'persistent' }, 1701, 2668, { rc: 'ok', path: '/a' }, Z(createZxid)),
    op(6, 1002, { type: 'getChildren', path: '/a', watch: true }, 7761, 8343, { rc: 'ok', children: [] }, null, { server: 2 }),
    { kind: 'session', client: 2, session: 1002, server: 1, state: 'CONNECTED', atUs: 8368 },
    event(1002, 'NodeChildrenChanged', '/a', 9330, Z(3)),
  ];
  it('the listed node itself, after a reconnect', () => {
    expect(both(relisted(2))).toEqual({ zabsim: 'violated', possible: false });
  });
});

describe('a data watch from an older connection and a reply on the new one that shows its node missing', () => {
  // 1001's getData watch on /a, its lost delete of /a, a reconnect, then its getChildren /a answers noNode:
  // setWatches sent NodeDeleted at once, or the delete fired the watch it registered. Case 2457702210.
  const history = (events: Rec[]) => [
    op(1, 1001, { type: 'create', path: '/a', data: 'v2', mode: 'persistent' }, 1555, null, null, null, { server: 2 }),
    op(2, 1001, { type: 'getData', path: '/a', watch: true }, 2873, 3718, { rc: 'ok', data: 'v2', version: 0, mzxid: Z(2), ephemeralOwner: 0 }, null),
    op(5, 1001, { type: 'delete', path: '/a', version: 0 }, 5735, null, null, null),
    { kind: 'session', client: 1, session: 1001, server: 3, state: 'CONNECTED', atUs: 6640 },
    op(7, 1001, { type: 'getChildren', path: '/a', watch: true }, 7910, 8434, { rc: 'noNode' }, null, { server: 3 }),
    ...events,
  ];
  it('owes NodeDeleted before that reply', () => {
    expect(both(history([]))).toEqual({ zabsim: 'violated', possible: false });
    expect(both(history([event(1001, 'NodeDeleted', '/a', 7000, -1, 3)]))).toEqual({ zabsim: 'ok', possible: true });
  });
});

describe('on its own connection a watch fires at the first change after it was set', () => {
  // 1003's ephemeral /a/c; its exists watch; its own setData of /a/c after it: NodeDeleted /a/c at 1:6 could
  // only be 1003's unseen end, which comes after that setData, which fired the watch first. Case 520231191.
  const ownEnd = (type: string) => [
    op(7, 1001, { type: 'create', path: '/a', data: 'v3', mode: 'persistent' }, 7941, 8046, { rc: 'ok', path: '/a' }, Z(3)),
    op(8, 1003, { type: 'create', path: '/a/c', data: 'v4', mode: 'ephemeral' }, 8523, 10397, { rc: 'ok', path: '/a/c' }, Z(4)),
    op(10, 1003, { type: 'exists', path: '/a/c', watch: true }, 10453, 11631, { rc: 'ok', version: 0, exists: true, mzxid: Z(4), ephemeralOwner: 1003 }, null),
    op(12, 1003, { type: 'setData', path: '/a/c', data: 'v6', version: -1 }, 12907, 13346, { rc: 'ok', version: 1 }, null),
    event(1003, type, '/a/c', 13323, Z(6)),
  ];
  it("not at its session's end, after that session's own write that fired it", () => {
    expect(both(ownEnd('NodeDeleted'))).toEqual({ zabsim: 'violated', possible: false });
    expect(both(ownEnd('NodeDataChanged'))).toEqual({ zabsim: 'ok', possible: true });
  });

  // 1003 watches /b (exists, there); 1002 then sets /b and deletes it, neither with a zxid: the delete comes
  // after the setData in 1002's order, so the event is NodeDataChanged, not NodeDeleted. Case 3629853561.
  const sameSession = (type: string) => [
    op(2, 1002, { type: 'create', path: '/b', data: 'v3', mode: 'persistent' }, 2765, 4208, { rc: 'ok', path: '/b' }, Z(3)),
    op(3, 1003, { type: 'exists', path: '/b', watch: true }, 3712, 4243, { rc: 'ok', version: 0, exists: true, mzxid: Z(3), ephemeralOwner: 0 }, null),
    op(4, 1002, { type: 'setData', path: '/b', data: 'v4', version: -1 }, 4280, 6943, { rc: 'ok', version: 1 }, null),
    op(7, 1002, { type: 'delete', path: '/b', version: -1 }, 6948, 7279, { rc: 'ok' }, null),
    event(1003, type, '/b', 9049, Z(5)),
  ];
  it('not at a write its session sent after one that fired it', () => {
    expect(both(sameSession('NodeDeleted'))).toEqual({ zabsim: 'violated', possible: false });
    expect(both(sameSession('NodeDataChanged'))).toEqual({ zabsim: 'ok', possible: true });
  });

  // 1002's ephemeral /b (made once), its getData watch, then 1003's setData of /b: that needs /b there, so
  // 1002's unseen end (deleting /b) comes after it, and the event is NodeDataChanged. Case 2584811381.
  const oneLife = (type: string) => [
    op(3, 1002, { type: 'create', path: '/b', data: 'v2', mode: 'ephemeral' }, 3440, 4646, { rc: 'ok', path: '/b' }, null),
    op(4, 1002, { type: 'getData', path: '/b', watch: true }, 4683, 5555, { rc: 'ok', data: 'v2', version: 0 }, null),
    op(6, 1003, { type: 'setData', path: '/b', data: 'v4', version: -1 }, 6761, 7089, { rc: 'ok', version: 1 }, null, { server: 2 }),
    event(1002, type, '/b', 7241, Z(5)),
  ];
  it("not at the delete that ends the node's one life, before a write that needs the node", () => {
    expect(both(oneLife('NodeDeleted'))).toEqual({ zabsim: 'violated', possible: false });
    expect(both(oneLife('NodeDataChanged'))).toEqual({ zabsim: 'ok', possible: true });
  });
});

describe('a lost create cannot be an exact event where its node is held', () => {
  // 1001's lost create of /b, then its ephemeral /b at 1:1, held until its end at 1:7: NodeChildrenChanged / at
  // 1:6 cannot be the lost create (it would find /b there). Case 1069495717.
  const held = (endZxid: number) => [
    op(0, 1001, { type: 'create', path: '/b', data: 'v1', mode: 'persistent' }, 393, null, null, null),
    op(1, 1001, { type: 'create', path: '/b', data: 'v2', mode: 'ephemeral' }, 1937, 2345, { rc: 'ok', path: '/b' }, Z(1)),
    op(10, 1001, { type: 'getChildren', path: '/', watch: true }, 10576, 12407, { rc: 'ok', children: ['b', 'zookeeper'] }, null),
    event(1001, 'NodeChildrenChanged', '/', 13487, Z(6)),
    ended(1001, Z(endZxid), 14232),
  ];
  it('by an ephemeral of its session until that session ends', () => {
    expect(both(held(7))).toEqual({ zabsim: 'violated', possible: false });
    expect(both(held(6))).toEqual({ zabsim: 'ok', possible: true });
  });

  // 1001's lost create of /b, then 1004's create of /b at 1:6 succeeds, and nothing deletes /b: the lost create
  // made nothing, so NodeChildrenChanged / at 1:5 has no change. Case 3995036797.
  it('or by a later create that needed the node missing', () => {
    const h = (secondRc: string) => [
      op(0, 1001, { type: 'create', path: '/b', data: 'v1', mode: 'persistent' }, 690, null, null, null),
      op(1, 1001, { type: 'create', path: '/a', data: 'v2', mode: 'persistent' }, 1679, 3680, { rc: 'ok', path: '/a' }, Z(1)),
      op(4, 1002, { type: 'getChildren', path: '/', watch: true }, 4250, 5085, { rc: 'ok', children: ['a', 'zookeeper'] }, null),
      op(
        8,
        1004,
        { type: 'create', path: '/b', data: 'v4', mode: 'persistent' },
        8961,
        9714,
        secondRc === 'ok' ? { rc: 'ok', path: '/b' } : { rc: secondRc },
        Z(6),
      ),
      event(1002, 'NodeChildrenChanged', '/', 9121, Z(5)),
    ];
    expect(both(h('ok'))).toEqual({ zabsim: 'violated', possible: false });
    expect(both(h('nodeExists'))).toEqual({ zabsim: 'ok', possible: true });
  });
});

describe("a bound above the watch-setting read's state", () => {
  // 1001's exists watch on /a/c (missing); 1003's multi makes /a and its ephemeral /a/c at 1:2; 1001's later
  // sync answers at 1:2. 1001's read state is at or below 1:2 (its session never goes back), and 1003's end
  // comes after its multi: /a/c was not there to be missed at 1:2 or below, so the multi came after the read
  // and NodeCreated is owed before the sync's reply. Case 2306239109.
  const bySync = (events: Rec[]) => [
    op(4, 1001, { type: 'exists', path: '/a/c', watch: true }, 4726, 5101, { rc: 'ok', exists: false }, null, { server: 2 }),
    op(
      6,
      1003,
      {
        type: 'multi',
        ops: [
          { type: 'create', path: '/a', data: 'v2', mode: 'persistent' },
          { type: 'create', path: '/a/c', data: 'v3', mode: 'ephemeral' },
        ],
      },
      5094,
      6208,
      {
        rc: 'ok',
        results: [
          { rc: 'ok', path: '/a' },
          { rc: 'ok', path: '/a/c' },
        ],
      },
      Z(2),
      { server: 2 },
    ),
    op(8, 1001, { type: 'sync', path: '/' }, 6525, 7954, { rc: 'ok' }, null, { server: 2, readZxid: Z(2) }),
    ...events,
  ];
  it("by the session's later reply header", () => {
    expect(both(bySync([]))).toEqual({ zabsim: 'violated', possible: false });
    expect(both(bySync([event(1001, 'NodeCreated', '/a/c', 6300, -1, 2)]))).toEqual({ zabsim: 'ok', possible: true });
  });

  // 1002 creates /a (no zxid); 1001's exists watch finds it missing; 1001 closes at 1:3, sent after the create
  // returned; 1003 deletes /a at 1:5. The create is below 1:3, the read's state too, and nothing deletes /a
  // before 1:5: the create came after the read, and NodeCreated is owed before the close's reply. Case 2780234369.
  const byClose = (events: Rec[]) => [
    op(3, 1002, { type: 'create', path: '/a', data: 'v2', mode: 'persistent' }, 3622, 5523, { rc: 'ok', path: '/a' }, null, { server: 3 }),
    op(4, 1001, { type: 'exists', path: '/a', watch: true }, 4850, 5814, { rc: 'ok', exists: false }, null, { server: 2 }),
    op(7, 1001, { type: 'closeSession' }, 6699, 7921, { rc: 'ok' }, Z(3), { server: 2 }),
    op(10, 1003, { type: 'delete', path: '/a', version: -1 }, 10148, 11019, { rc: 'ok' }, Z(5), { server: 2 }),
    ...events,
  ];
  it("by the session's later write, with a delete only at a recorded zxid above it", () => {
    expect(both(byClose([]))).toEqual({ zabsim: 'violated', possible: false });
    expect(both(byClose([event(1001, 'NodeCreated', '/a', 7000, -1, 2)]))).toEqual({ zabsim: 'ok', possible: true });
  });
});

describe("an ok close sent before its session's ENDED record is that end", () => {
  // 1001's exists watch on /b (missing); 1002 creates /b (no zxid), returning before 1003's close, which its
  // ENDED record puts at 1:2: the create is at 1:1, and 1001's later reply at 1:1 holds it, so NodeCreated is
  // owed first. Case 1001919671.
  const history = (events: Rec[]) => [
    op(0, 1001, { type: 'exists', path: '/b', watch: true }, 898, 1100, { rc: 'ok', exists: false }, null, { server: 3 }),
    op(3, 1002, { type: 'create', path: '/b', data: 'v1', mode: 'persistent' }, 2117, 4596, { rc: 'ok', path: '/b' }, null),
    op(5, 1001, { type: 'getChildren', path: '/a', watch: true }, 4943, 5940, { rc: 'noNode' }, null, { server: 3, readZxid: Z(1) }),
    op(7, 1003, { type: 'closeSession' }, 6904, 7278, { rc: 'ok' }, null),
    ended(1003, Z(2), 7070),
    ...events,
  ];
  it('so a write that returned before it was sent is below its zxid', () => {
    expect(both(history([]))).toEqual({ zabsim: 'violated', possible: false });
    expect(both(history([event(1001, 'NodeCreated', '/b', 4900, -1, 3)]))).toEqual({ zabsim: 'ok', possible: true });
  });
});

describe('a read that shows a node made by a write of the history is at or above the first txn', () => {
  // 1001's lost create of /a, its listing of /a (so /a was made, at 1:1 or above), its lost create of /a/c:
  // NodeChildrenChanged /a at 1:1 cannot come after the listing. Case 1761936314.
  const history = (eventZxid: number) => [
    op(0, 1001, { type: 'create', path: '/a', data: 'v1', mode: 'persistent' }, 567, null, null, null, { server: 2 }),
    op(2, 1001, { type: 'getChildren', path: '/a', watch: true }, 2756, 4307, { rc: 'ok', children: [] }, null),
    op(4, 1001, { type: 'create', path: '/a/c', data: 'v2', mode: 'ephemeral' }, 4415, null, null, null),
    event(1001, 'NodeChildrenChanged', '/a', 7152, Z(eventZxid)),
  ];
  it('so an exact event at 1:1 is older than the watch', () => {
    expect(both(history(1))).toEqual({ zabsim: 'violated', possible: false });
    expect(both(history(2))).toEqual({ zabsim: 'ok', possible: true });
  });
});
