// Proves that zabsim and the reference checker agree on the open-round12 persistent-watch cases of round 13 (r13d),
// where an event was dropped and another event or reply shows it was owed: a certain write without a zxid whose zxid
// floor lies above the watch's registration is owed before a later event on that connection; an exact event a watch
// alone covers bounds that watch's registration below its zxid, so later changes are owed; and a write that the one
// cause of an event proves took effect (the node it found, or its data version) is owed before that event, also when
// the watch's own session sent it while its addWatch was in flight; and a session end an ENDED record places deletes
// the ephemerals its session surely made, whose events are owed like a write's, as an ok close without a zxid does by
// its txn, and as an end does that a delete of its ephemerals' parent proves came first; and a read showing a node its
// own session deleted before proves the one create that may follow that delete; and zxid bounds from reads: a lost
// create is above a read that shows its node missing below its one delete, and a registration is below the zxid
// ceiling of a write sent after the addWatch returned. Each impossible history has a possible twin.
import { describe, expect, it } from 'vitest';
import { both, event, op } from './differential-records.js';
import { Z } from './history-builders.js';
import { create, ended, made, ok, persistent, recursive } from './persistent-records.js';

describe('a certain write whose zxid floor is above the registration is owed before a later event (cases 57557743, 3709058601)', () => {
  // Session 1003's persistent watch on / was registered at 1:0 (the addWatch's header): every txn is above it
  // (no txn has counter 0). Session 1001's delete /a (ok, no zxid) completed before the create at 1:4 was sent, so
  // its NodeChildrenChanged / came before the event at 1:4 on that connection (one FIFO socket, txn order); so did
  // the one create of /a the delete proves (lost, sent by 1003 before its addWatch, applied above 1:0).
  const records = (events: number) => [
    op(0, 1003, create('/a', 'v1'), 116, null, null, null),
    op(1, 1003, persistent('/'), 1607, 5820, ok, null, { readZxid: Z(0) }),
    op(5, 1001, { type: 'delete', path: '/a', version: 0 }, 5496, 6811, ok, null),
    op(8, 1002, create('/a', 'v3'), 7942, 9581, made('/a'), Z(4)),
    ...(events >= 1 ? [event(1003, 'NodeChildrenChanged', '/', 6000)] : []),
    ...(events >= 2 ? [event(1003, 'NodeChildrenChanged', '/', 7000)] : []),
    event(1003, 'NodeChildrenChanged', '/', 9093, Z(4)),
  ];

  it('no event of the delete (nor of the create) before the event at 1:4: impossible', () => {
    expect(both(records(0))).toEqual({ zabsim: 'violated', possible: false });
  });

  it('with both events before it: possible', () => {
    expect(both(records(2))).toEqual({ zabsim: 'ok', possible: true });
  });

  // A recursive watch on /a registered at 1:0, by a server behind the create of /a (ok, no zxid) that completed
  // before the addWatch was sent: the create's NodeCreated /a is owed before the multi's NodeCreated at 1:7.
  const recursiveRecords = (withCreated: boolean) => [
    op(0, 1002, create('/a', 'v1'), 857, 3510, made('/a'), null),
    op(6, 1003, recursive('/a'), 8537, 9280, ok, null, { readZxid: Z(0) }),
    op(7, 1003, { type: 'multi', ops: [{ type: 'setData', path: '/a', data: 'v6', version: -1 }, { type: 'create', path: '/a/s-', data: 'v7', mode: 'persistentSequential' }] }, 9706, null, null, null),
    ...(withCreated ? [event(1003, 'NodeCreated', '/a', 9500)] : []),
    event(1003, 'NodeCreated', '/a/s-0000000000', 10690, Z(7)),
  ];

  it('a recursive watch at 1:0 without NodeCreated /a before the event at 1:7: impossible', () => {
    expect(both(recursiveRecords(false))).toEqual({ zabsim: 'violated', possible: false });
  });

  it('with NodeCreated /a first: possible', () => {
    expect(both(recursiveRecords(true))).toEqual({ zabsim: 'ok', possible: true });
  });
});

describe('an exact event a watch alone covers bounds its registration below its zxid (cases 3811014472, 3149986684)', () => {
  // Session 1001's recursive watch on / (no header zxid) got NodeCreated /b at 1:1: it was registered below 1:1, so
  // the create of /a at 1:2 fires it too, before NodeCreated /a/c at 1:4 on that connection.
  const records = (withCreated: boolean) => [
    op(0, 1001, recursive('/'), 883, 4022, ok, null),
    op(1, 1002, create('/b', 'v1', 'ephemeral'), 1831, 3644, made('/b'), Z(1)),
    op(2, 1003, create('/a', 'v2'), 2352, 3975, made('/a'), Z(2)),
    op(5, 1002, create('/a/c', 'v3'), 5016, 7461, made('/a/c'), Z(4)),
    event(1001, 'NodeCreated', '/b', 4745, Z(1)),
    ...(withCreated ? [event(1001, 'NodeCreated', '/a', 5000, Z(2))] : []),
    event(1001, 'NodeCreated', '/a/c', 6593, Z(4)),
  ];

  it('no NodeCreated /a at 1:2 between 1:1 and 1:4: impossible', () => {
    expect(both(records(false))).toEqual({ zabsim: 'violated', possible: false });
  });

  it('with it: possible', () => {
    expect(both(records(true))).toEqual({ zabsim: 'ok', possible: true });
  });

  // Session 1002's recursive watch on / got NodeDataChanged /a at 1:2 (session 1003's setData, version 1): registered
  // below 1:2, so session 1001's multi (ok, no zxid; after that setData, as it sets versions 2 and 3, and completed
  // before 1002's close at 1:4 was sent) fires it three times before the close's reply. (In case 3149986684 1002 sent
  // that setData itself, before its addWatch, which alone makes the event at 1:2 impossible: the twin needs 1003.)
  const multiRecords = (withMulti: boolean) => [
    op(1, 1001, create('/a', 'v1'), 1877, 5185, made('/a'), null),
    op(2, 1003, { type: 'setData', path: '/a', data: 'v2', version: -1 }, 1966, 3954, { rc: 'ok', version: 1 }, null),
    op(3, 1002, recursive('/'), 3979, 7541, ok, null),
    op(
      5,
      1001,
      { type: 'multi', ops: [{ type: 'setData', path: '/a', data: 'v3', version: -1 }, { type: 'setData', path: '/a', data: 'v4', version: -1 }, create('/b', 'v5')] },
      5327,
      6492,
      { rc: 'ok', results: [{ rc: 'ok', version: 2 }, { rc: 'ok', version: 3 }, { rc: 'ok', path: '/b' }] },
      null,
    ),
    op(7, 1002, { type: 'closeSession' }, 7899, 8564, ok, Z(4)),
    event(1002, 'NodeDataChanged', '/a', 8154, Z(2)),
    ...(withMulti ? [event(1002, 'NodeDataChanged', '/a', 8200, Z(3)), event(1002, 'NodeDataChanged', '/a', 8210, Z(3)), event(1002, 'NodeCreated', '/b', 8220, Z(3))] : []),
  ];

  it('none of the multi\'s events before the close reply at 1:4: impossible', () => {
    expect(both(multiRecords(false))).toEqual({ zabsim: 'violated', possible: false });
  });

  it('with them: possible', () => {
    expect(both(multiRecords(true))).toEqual({ zabsim: 'ok', possible: true });
  });
});

describe('the one cause of an event proves a lost write below it, whose event it owes (cases 3103818810, 1998691577, 856553892)', () => {
  // Session 1001's recursive watch on /b; session 1002's setData /b (reply lost) was sent after the addWatch returned,
  // and its delete /b at version 1 (the only delete of /b) shows that setData took effect first: /b's one setData.
  // So NodeDataChanged /b came before the delete's NodeDeleted /b at 1:5 on 1001's connection.
  const versionRecords = (withChanged: boolean) => [
    op(1, 1001, create('/b', 'v2'), 1376, 2032, made('/b'), null),
    op(3, 1001, recursive('/b'), 3982, 5680, ok, null),
    op(7, 1002, { type: 'setData', path: '/b', data: 'v8', version: -1 }, 7991, null, null, null),
    op(8, 1002, { type: 'delete', path: '/b', version: 1 }, 8924, 10542, ok, null),
    ...(withChanged ? [event(1001, 'NodeDataChanged', '/b', 9000)] : []),
    event(1001, 'NodeDeleted', '/b', 9520, Z(5)),
  ];

  it('a delete at version 1 proves the lost setData: no NodeDataChanged /b before NodeDeleted /b is impossible', () => {
    expect(both(versionRecords(false))).toEqual({ zabsim: 'violated', possible: false });
  });

  it('with NodeDataChanged /b first: possible', () => {
    expect(both(versionRecords(true))).toEqual({ zabsim: 'ok', possible: true });
  });

  // Session 1003's persistent watch on /a. Session 1002's multi (create /a, create /b; reply lost), sent after the
  // addWatch returned, is the one create of /a, which 1002's create /a/c needs: NodeCreated /a comes before that
  // create's NodeChildrenChanged /a at 1:7.
  const parentRecords = (withCreated: boolean) => [
    op(0, 1003, persistent('/a'), 228, 3755, ok, null),
    op(5, 1003, create('/b', 'v3'), 4955, 6621, made('/b'), null),
    op(7, 1001, { type: 'delete', path: '/b', version: -1 }, 7917, 8411, ok, null),
    op(8, 1002, { type: 'multi', ops: [create('/a', 'v4'), create('/b', 'v5')] }, 8798, null, null, null),
    op(11, 1002, create('/a/c', 'v7'), 11818, 12326, made('/a/c'), null),
    ...(withCreated ? [event(1003, 'NodeCreated', '/a', 10000)] : []),
    event(1003, 'NodeChildrenChanged', '/a', 12275, Z(7)),
  ];

  it('a create under /a proves the lost multi that made /a: no NodeCreated /a before its NodeChildrenChanged /a is impossible', () => {
    expect(both(parentRecords(false))).toEqual({ zabsim: 'violated', possible: false });
  });

  it('with NodeCreated /a first: possible', () => {
    expect(both(parentRecords(true))).toEqual({ zabsim: 'ok', possible: true });
  });

  // Session 1001 adds a recursive watch on / and, before its reply, sends create /a (reply lost) on the same connection:
  // CommitProcessor applies the create only after the addWatch registered. The delete at 1:2 proves the create (the
  // one create of /a), so NodeCreated /a comes before NodeDeleted /a at 1:2.
  const ownRecords = (withCreated: boolean) => [
    op(1, 1001, recursive('/'), 818, 1833, ok, null),
    op(0, 1001, create('/a', 'v1'), 951, null, null, null),
    op(2, 1001, { type: 'delete', path: '/a', version: -1 }, 2993, 3097, ok, Z(2)),
    ...(withCreated ? [event(1001, 'NodeCreated', '/a', 2000, Z(1))] : []),
    event(1001, 'NodeDeleted', '/a', 3038, Z(2)),
  ];

  it('its own lost create, sent while its addWatch was in flight: no NodeCreated /a before NodeDeleted /a is impossible', () => {
    expect(both(ownRecords(false))).toEqual({ zabsim: 'violated', possible: false });
  });

  it('with NodeCreated /a at 1:1 first: possible', () => {
    expect(both(ownRecords(true))).toEqual({ zabsim: 'ok', possible: true });
  });
});

describe('a session end at its ENDED record\'s zxid deletes the ephemerals its session surely made: their events are owed (cases 4070935199, 2938000155)', () => {
  // Session 1001 made the ephemeral /b (ok, the one create, and no op deletes /b); its end at 1:3 deleted it. Session
  // 1003's recursive watch on /b was registered at 1:2 (its header), so NodeDeleted /b came before its create at 1:6.
  const records = (withDeleted: boolean) => [
    op(2, 1001, create('/b', 'v3', 'ephemeral'), 2733, 3804, made('/b'), null),
    op(6, 1003, recursive('/b'), 8862, 9287, ok, null, { readZxid: Z(2) }),
    op(7, 1003, create('/a', 'v5'), 9571, 10621, made('/a'), Z(6)),
    ended(1001, Z(3), 4254),
    ...(withDeleted ? [event(1003, 'NodeDeleted', '/b', 10000)] : []),
  ];

  it('no NodeDeleted /b before the reply at 1:6: impossible', () => {
    expect(both(records(false))).toEqual({ zabsim: 'violated', possible: false });
  });

  it('with it: possible', () => {
    expect(both(records(true))).toEqual({ zabsim: 'ok', possible: true });
  });

  // Session 1002's persistent watch on /b got NodeDataChanged /b at 1:2 (registered below it); session 1001, owner of
  // the ephemeral /b, ended at 1:4, before 1002's multi was sent (its error txn lies above 1:4): NodeDeleted /b first.
  const anyOf = [{ perms: 31, scheme: 'world', id: 'anyone' }];
  const byEvent = (withDeleted: boolean) => [
    op(0, 1001, { ...create('/b', 'v1', 'ephemeral'), acl: anyOf }, 431, 1078, made('/b'), null),
    op(1, 1001, { type: 'setData', path: '/b', data: 'v2', version: -1 }, 1226, 2819, { rc: 'ok', version: 1 }, Z(2)),
    op(6, 1002, persistent('/b'), 6022, 7063, ok, null),
    op(
      7,
      1002,
      { type: 'multi', ops: [{ type: 'setData', path: '/a', data: 'v5', version: 0 }, { type: 'setData', path: '/a', data: 'v6', version: 0 }] },
      7459,
      8272,
      { rc: 'badVersion', results: [{ rc: 'ok' }, { rc: 'badVersion' }] },
      null,
    ),
    op(8, 1003, create('/a', 'v3'), 3834, 4555, made('/a'), null),
    ended(1001, Z(4), 6088),
    event(1002, 'NodeDataChanged', '/b', 7924, Z(2)),
    ...(withDeleted ? [event(1002, 'NodeDeleted', '/b', 8000, Z(4))] : []),
  ];

  it('an event at 1:2, then no NodeDeleted /b of the end at 1:4 before the multi\'s reply: impossible', () => {
    expect(both(byEvent(false))).toEqual({ zabsim: 'violated', possible: false });
  });

  it('with it: possible', () => {
    expect(both(byEvent(true))).toEqual({ zabsim: 'ok', possible: true });
  });
});

describe('an ok close without a zxid deleted its session\'s sure ephemerals by its txn (case 976800416)', () => {
  // Session 1004's recursive watch on /a got NodeCreated /a/c at 1:5 (session 1002's create, pinned there): registered
  // below it. 1002's close (ok, no zxid) completed before 1004's setData at 1:8 was sent, and deleted /a/c (no op
  // deletes it) after its create: NodeDeleted /a/c is owed before NodeDataChanged /a at 1:8.
  const records = (withDeleted: boolean) => [
    op(
      0,
      1001,
      { type: 'multi', ops: [create('/a', 'v1'), create('/b', 'v2')] },
      549,
      1159,
      { rc: 'ok', results: [{ rc: 'ok', path: '/a' }, { rc: 'ok', path: '/b' }] },
      Z(1),
    ),
    op(1, 1001, { type: 'setData', path: '/a', data: 'v3', version: -1 }, 1223, 2872, { rc: 'ok', version: 1 }, Z(2)),
    op(4, 1002, create('/a/c', 'v5', 'ephemeral'), 4800, 5884, made('/a/c'), null),
    op(6, 1002, { type: 'closeSession' }, 6420, 7092, ok, null),
    op(9, 1004, recursive('/a'), 9709, 10314, ok, null),
    op(10, 1004, { type: 'setData', path: '/a', data: 'v6', version: -1 }, 10503, 11444, { rc: 'ok', version: 2 }, Z(8)),
    event(1004, 'NodeCreated', '/a/c', 11256, Z(5)),
    ...(withDeleted ? [event(1004, 'NodeDeleted', '/a/c', 11270)] : []),
    event(1004, 'NodeDataChanged', '/a', 11294, Z(8)),
  ];

  it('no NodeDeleted /a/c between NodeCreated /a/c at 1:5 and NodeDataChanged /a at 1:8: impossible', () => {
    expect(both(records(false))).toEqual({ zabsim: 'violated', possible: false });
  });

  it('with it: possible', () => {
    expect(both(records(true))).toEqual({ zabsim: 'ok', possible: true });
  });
});

describe('a delete of a parent proves the end of the session that owns its ephemeral children came first (case 3167557365)', () => {
  // Session 1004 made the ephemerals /a/c (1:4) and /a/s-0000000001 (1:5), which no op deletes; session 1001's multi
  // at 1:7 deletes /a, so /a was childless: 1004's end came at 1:6, above 1001's persistent watch on /a (registered at
  // 1:5), and fired NodeChildrenChanged /a twice (DataTree.killSession deletes each) before the multi's events and reply.
  const records = (withChildren: boolean) => [
    op(2, 1002, create('/a', 'v1'), 2425, 3519, made('/a'), Z(2)),
    op(4, 1004, create('/a/c', 'v2', 'ephemeral'), 4262, 5775, made('/a/c'), Z(4)),
    op(5, 1004, create('/a/s-', 'v3', 'ephemeralSequential'), 5887, 7754, made('/a/s-0000000001'), Z(5)),
    op(6, 1001, persistent('/a'), 6532, 7167, ok, null, { readZxid: Z(5) }),
    op(
      8,
      1001,
      { type: 'multi', ops: [{ type: 'setData', path: '/a', data: 'v4', version: -1 }, { type: 'delete', path: '/a', version: -1 }] },
      8156,
      9878,
      { rc: 'ok', results: [{ rc: 'ok', version: 1 }, { rc: 'ok' }] },
      Z(7),
    ),
    ...(withChildren ? [event(1001, 'NodeChildrenChanged', '/a', 9000, Z(6)), event(1001, 'NodeChildrenChanged', '/a', 9010, Z(6))] : []),
    event(1001, 'NodeDataChanged', '/a', 9699, Z(7)),
    event(1001, 'NodeDeleted', '/a', 9816, Z(7)),
  ];

  it('no NodeChildrenChanged /a of that end before the multi\'s reply: impossible', () => {
    expect(both(records(false))).toEqual({ zabsim: 'violated', possible: false });
  });

  it('with both at 1:6: possible', () => {
    expect(both(records(true))).toEqual({ zabsim: 'ok', possible: true });
  });
});

describe('a read of a node its session deleted before proves the one create that may come after that delete (case 1153145966)', () => {
  // Session 1001 made /a (1:1), deleted it (ok, no zxid; above the error txn at 1:2), added a persistent watch on / at
  // 1:3, and its exists /a then shows /a: the node was made again after its delete, and only session 1002's create
  // (ok, no zxid, above the delete) may do it. That create is above the registration and in the exists' state, so
  // NodeChildrenChanged / came before the exists' reply.
  const owner = [{ perms: 31, scheme: 'digest', id: 'u1:iMa4jTJUXtsOZxv2bTb8Lfyby5M=' }];
  const anyone = [{ perms: 31, scheme: 'world', id: 'anyone' }];
  const records = (withEvent: boolean) => [
    op(0, 1001, { ...create('/a', 'v1'), restrictedRead: true, acl: owner }, 351, 2446, made('/a'), Z(1)),
    op(
      2,
      1001,
      { type: 'multi', ops: [{ type: 'check', path: '/a', version: 2 }, { type: 'setData', path: '/a', data: 'v2', version: 1 }] },
      2993,
      3181,
      { rc: 'badVersion', results: [{ rc: 'badVersion' }, { rc: 'runtimeInconsistency' }] },
      Z(2),
    ),
    op(4, 1001, { type: 'delete', path: '/a', version: -1 }, 4456, 5952, ok, null),
    op(6, 1001, persistent('/'), 6310, 7590, ok, null, { readZxid: Z(3) }),
    op(7, 1002, { ...create('/a', 'v4'), acl: anyone }, 7177, 8052, made('/a'), null),
    ...(withEvent ? [event(1001, 'NodeChildrenChanged', '/', 8000)] : []),
    op(9, 1001, { type: 'exists', path: '/a' }, 9617, 10347, { rc: 'ok', version: 0, exists: true }, null),
  ];

  it('no NodeChildrenChanged / before the exists reply: impossible', () => {
    expect(both(records(false))).toEqual({ zabsim: 'violated', possible: false });
  });

  it('with it: possible', () => {
    expect(both(records(true))).toEqual({ zabsim: 'ok', possible: true });
  });
});

describe('a read bounds a lost create from below, and a zxid-less write the registration from above (case 1670504071)', () => {
  // Session 1002's persistent watch on /. Session 1001's multi (an error txn, no zxid) was sent after the addWatch
  // returned and lies at or below its session's later header 1:2: the registration is below 1:2. Session 1001's
  // getData at 1:2 finds /b missing, and /b's one delete is at 1:4, so /b's one create (lost, which that delete
  // proves) is at 1:3: above the registration, so NodeChildrenChanged / of it came before the delete's at 1:4.
  const records = (withCreate: boolean) => [
    op(1, 1003, create('/b', 'v1'), 1807, null, null, null),
    op(2, 1002, persistent('/'), 2897, 3474, ok, null),
    op(
      4,
      1001,
      { type: 'multi', ops: [{ type: 'create', path: '/a/s-', data: 'v4', mode: 'ephemeralSequential' }, { type: 'delete', path: '/b', version: -1 }] },
      4412,
      6707,
      { rc: 'noNode', results: [{ rc: 'noNode' }, { rc: 'runtimeInconsistency' }] },
      null,
    ),
    op(5, 1003, { type: 'delete', path: '/b', version: 0 }, 5327, 6448, ok, Z(4)),
    op(6, 1001, { type: 'getData', path: '/b' }, 6883, 7536, { rc: 'noNode' }, null, { readZxid: Z(2) }),
    ...(withCreate ? [event(1002, 'NodeChildrenChanged', '/', 6000, Z(3))] : []),
    event(1002, 'NodeChildrenChanged', '/', 6201, Z(4)),
  ];

  it('no NodeChildrenChanged / at 1:3 before the one at 1:4: impossible', () => {
    expect(both(records(false))).toEqual({ zabsim: 'violated', possible: false });
  });

  it('with it: possible', () => {
    expect(both(records(true))).toEqual({ zabsim: 'ok', possible: true });
  });
});
