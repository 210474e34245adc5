// Proves that zabsim and the reference checker agree on round 12's retargeted watch events (cc12: open-round11 and
// sweep 2900000 cases): an event is explained only by a change some execution can make at that zxid, so a multi
// whose own versions contradict each other, a session end after its ephemeral's one life ended, and a write sent
// behind a reconnect's setWatches explain nothing the history rules out; each impossible history has a possible twin.
import { describe, expect, it } from 'vitest';
import { both, event, op } from './differential-records.js';
import { Z } from './history-builders.js';

const connected = (session: number, atUs: number) => ({ kind: 'session', client: session - 1000, session, server: 1, state: 'CONNECTED', atUs });

describe("a multi's setData expecting a version an earlier sub-op of it already passed fails whatever the tree (case 2894686562)", () => {
  // Session 1001 creates /b at 1:1, sends a multi (reply lost) that sets /b (any version) and then sets it expecting
  // version v, and watches /b at version 0. NodeDataChanged /b names 1:2: only the multi can be that change. With
  // v = 0 it always fails (the first setData made the version at least 1: PrepRequestProcessor.checkAndIncVersion).
  const records = (v: number) => [
    op(1, 1001, { type: 'create', path: '/b', data: 'v1', mode: 'persistent' }, 1117, 2873, { rc: 'ok', path: '/b' }, Z(1)),
    op(
      2,
      1001,
      {
        type: 'multi',
        ops: [
          { type: 'setData', path: '/b', data: 'v2', version: -1 },
          { type: 'setData', path: '/b', data: 'v3', version: v },
          { type: 'create', path: '/a', data: 'v4', mode: 'persistent' },
        ],
      },
      2983,
      null,
      null,
      null,
    ),
    op(4, 1001, { type: 'getData', path: '/b', watch: true }, 4961, 5826, { rc: 'ok', data: 'v1', version: 0, mzxid: Z(1), ephemeralOwner: 0 }, null),
    event(1001, 'NodeDataChanged', '/b', 8457, Z(2)),
  ];

  it('the second setData expects version 0: impossible', () => {
    expect(both(records(0))).toEqual({ zabsim: 'violated', possible: false });
  });

  it('it expects version 1, the first one\'s: possible', () => {
    expect(both(records(1))).toEqual({ zabsim: 'ok', possible: true });
  });
});

describe("a session's end deletes no ephemeral whose one life a certain delete ended (case 3994061618)", () => {
  // Session 1002 makes the ephemeral sequential /a/s-0000000000 (reply lost: the only op that can make that name) and
  // deletes it at 1:6; session 1001 watches it while it exists. NodeDeleted names 1:7: no delete is there, and the end
  // of 1002 cannot delete a node already gone (nothing makes it again).
  const records = (m: number) => [
    op(1, 1003, { type: 'multi', ops: [{ type: 'create', path: '/b', data: 'v1', mode: 'persistent' }, { type: 'create', path: '/a', data: 'v2', mode: 'persistent' }] }, 1510, 2607, { rc: 'ok', results: [{ rc: 'ok', path: '/b' }, { rc: 'ok', path: '/a' }] }, Z(1)),
    op(2, 1002, { type: 'create', path: '/a/s-', data: 'v3', mode: 'ephemeralSequential' }, 2205, null, null, null),
    op(10, 1002, { type: 'delete', path: '/a/s-0000000000', version: -1 }, 10931, 13441, { rc: 'ok' }, Z(6)),
    op(11, 1001, { type: 'exists', path: '/a/s-0000000000', watch: true }, 10958, 11108, { rc: 'ok', exists: true, version: 0 }, null),
    event(1001, 'NodeDeleted', '/a/s-0000000000', 13734, m),
  ];

  it('NodeDeleted at 1:7, after the delete: impossible', () => {
    expect(both(records(Z(7)))).toEqual({ zabsim: 'violated', possible: false });
  });

  it('NodeDeleted at 1:6, the delete: possible', () => {
    expect(both(records(Z(6)))).toEqual({ zabsim: 'ok', possible: true });
  });
});

describe("a write sent on a new connection is behind that connection's setWatches: it fires the watch exactly (case 3407033431)", () => {
  // Session 1002 watches the missing /b, reconnects (CONNECTED at 7914) and then creates /b; NodeCreated /b names 1:2,
  // the zxid of another client's failed multi. setWatches ran before the create (ClientCnxn.primeConnection), so it
  // found no /b; the watch it registered fired as the create was applied, with the create's zxid, which 1:2 is not.
  const records = (m: number) => [
    op(1, 1002, { type: 'exists', path: '/b', watch: true }, 1980, 7303, { rc: 'ok', exists: false }, null),
    op(
      6,
      1001,
      {
        type: 'multi',
        ops: [
          { type: 'create', path: '/a/c', data: 'v2', mode: 'persistent' },
          { type: 'create', path: '/a', data: 'v4', mode: 'persistent' },
        ],
      },
      6961,
      8370,
      { rc: 'noNode', results: [{ rc: 'noNode' }, { rc: 'runtimeInconsistency' }] },
      Z(2),
    ),
    connected(1002, 7914),
    op(7, 1002, { type: 'create', path: '/b', data: 'v5', mode: 'persistent' }, 7919, 9738, { rc: 'ok', path: '/b' }, null),
    event(1002, 'NodeCreated', '/b', 9552, m),
  ];

  it('NodeCreated at 1:2, the failed multi\'s zxid: impossible', () => {
    expect(both(records(Z(2)))).toEqual({ zabsim: 'violated', possible: false });
  });

  it('NodeCreated at 1:3: possible', () => {
    expect(both(records(Z(3)))).toEqual({ zabsim: 'ok', possible: true });
  });
});

describe("a session's own delete of a node puts its later watch above the node's create (case 1871258843)", () => {
  // Session 1001 creates /a at 1:1 (its only create); session 1002 deletes /a (no zxid), then sets an exists watch on
  // the missing /a and reconnects. The watch's state holds the delete, so it is above 1:1: setWatches finds /a gone
  // for good, and no create of /a can fire the watch. NodeCreated /a is impossible; NodeDeleted on a data watch set
  // before the delete is the possible twin.
  const records = (watchFirst: boolean) => [
    op(1, 1001, { type: 'create', path: '/a', data: 'v1', mode: 'persistent' }, 1408, 2048, { rc: 'ok', path: '/a' }, Z(1)),
    ...(watchFirst ? [op(3, 1002, { type: 'getData', path: '/a', watch: true }, 2100, 2300, { rc: 'ok', data: 'v1', version: 0 }, null)] : []),
    op(2, 1002, { type: 'delete', path: '/a', version: 0 }, 2402, 3517, { rc: 'ok' }, null),
    ...(watchFirst ? [] : [op(4, 1002, { type: 'exists', path: '/a', watch: true }, 3840, 6789, { rc: 'ok', exists: false }, null)]),
    connected(1002, 6794),
    watchFirst ? event(1002, 'NodeDeleted', '/a', 3400, Z(2)) : event(1002, 'NodeCreated', '/a', 7442, Z(2)),
  ];

  it('NodeCreated /a for the exists watch set after the delete: impossible', () => {
    expect(both(records(false))).toEqual({ zabsim: 'violated', possible: false });
  });

  it('NodeDeleted /a for a data watch set before it: possible', () => {
    expect(both(records(true))).toEqual({ zabsim: 'ok', possible: true });
  });
});

describe("a session's ok close bounds its earlier writes' zxids: they precede its end (case 1696875936)", () => {
  // Session 1001 creates /b (no zxid) and closes (ok, no zxid) before 1002's create at 1:5 is sent: /b < the end < 1:5.
  // 1003 lists / without b and gets NodeChildrenChanged / naming z: only /b's create can be it, so z = 1:4 leaves no
  // zxid for the end (writeZxidCeiling chains through the close); z = 1:3 is possible.
  // (1002's lost delete of /a is a second candidate for the event, so no pin settles it; its failed multi at 1:5
  // shows /a still there, so that delete is not below 1:5.)
  const records = (z: number) => [
    op(0, 1001, { type: 'create', path: '/a', data: 'v1', mode: 'persistent' }, 786, 1467, { rc: 'ok', path: '/a' }, Z(1)),
    op(2, 1001, { type: 'create', path: '/b', data: 'v3', mode: 'persistent' }, 2895, 3744, { rc: 'ok', path: '/b' }, null),
    op(3, 1001, { type: 'closeSession' }, 3791, 4788, { rc: 'ok' }, null),
    op(5, 1002, { type: 'delete', path: '/a', version: 0 }, 5973, null, null, null),
    op(
      6,
      1002,
      { type: 'multi', ops: [{ type: 'delete', path: '/a', version: -1 }, { type: 'setData', path: '/a', data: 'v4', version: 0 }] },
      6829,
      7038,
      { rc: 'noNode', results: [{ rc: 'ok' }, { rc: 'noNode' }] },
      Z(5),
    ),
    op(7, 1003, { type: 'getChildren', path: '/', watch: true }, 8756, 9699, { rc: 'ok', children: ['a', 'zookeeper'] }, null),
    event(1003, 'NodeChildrenChanged', '/', 9897, z),
  ];

  it('NodeChildrenChanged at 1:4: impossible', () => {
    expect(both(records(Z(4)))).toEqual({ zabsim: 'violated', possible: false });
  });

  it('NodeChildrenChanged at 1:3: possible', () => {
    expect(both(records(Z(3)))).toEqual({ zabsim: 'ok', possible: true });
  });
});

describe("a persistent watch's event carries its txn's zxid: a zxid-less write cannot take another txn's (case 1179263004)", () => {
  // A recursive watch on / gets NodeCreated /a/c naming 1:7; the only create of /a/c is a lost one of session 1004.
  // Session 1003's ENDED record names 1:7 too: the create is not there (DataTree.setWatches fires nothing for a
  // persistent watch, so the event is the txn's own). With the end at 1:8 it is possible.
  const records = (end: number) => [
    op(1, 1001, { type: 'addWatch', path: '/', mode: 'persistentRecursive' }, 1512, 7848, { rc: 'ok' }, null),
    op(3, 1003, { type: 'create', path: '/a', data: 'v2', mode: 'persistent' }, 3954, 4060, { rc: 'ok', path: '/a' }, null),
    op(10, 1004, { type: 'create', path: '/a/c', data: 'v5', mode: 'ephemeral' }, 10689, null, null, null),
    event(1001, 'NodeCreated', '/a/c', 11305, Z(7)),
    { kind: 'session', client: null, session: 1003, server: null, state: 'ENDED', atUs: 12216, zxid: end },
  ];

  it('the end of 1003 at 1:7, the event\'s zxid: impossible', () => {
    expect(both(records(Z(7)))).toEqual({ zabsim: 'violated', possible: false });
  });

  it('the end at 1:8: possible', () => {
    expect(both(records(Z(8)))).toEqual({ zabsim: 'ok', possible: true });
  });
});

describe('two exact events that only one write can explain name one zxid (case 3299676965)', () => {
  // Both sessions watch /b's data; the only write that sets /b is 1002's multi (no zxid). Its txn fires both watches
  // with its one zxid, so events naming 1:4 and 1:3 are impossible (mzxid-pins.ts pinByEvents); 1:4 twice is possible.
  const records = (z: number) => [
    op(2, 1002, { type: 'create', path: '/b', data: 'v2', mode: 'ephemeral' }, 2740, 3118, { rc: 'ok', path: '/b' }, Z(2)),
    op(4, 1001, { type: 'exists', path: '/b', watch: true }, 4899, 9116, { rc: 'ok', version: 0, exists: true, mzxid: Z(2), ephemeralOwner: 1002 }, null),
    op(6, 1002, { type: 'getData', path: '/b', watch: true }, 6520, 7470, { rc: 'ok', data: 'v2', version: 0, mzxid: Z(2), ephemeralOwner: 1002 }, null),
    op(
      8,
      1002,
      {
        type: 'multi',
        ops: [
          { type: 'check', path: '/b', version: 0 },
          { type: 'check', path: '/b', version: 0 },
          { type: 'setData', path: '/b', data: 'v4', version: -1 },
        ],
      },
      8348,
      9322,
      { rc: 'ok', results: [{ rc: 'ok' }, { rc: 'ok' }, { rc: 'ok', version: 1 }] },
      null,
    ),
    event(1002, 'NodeDataChanged', '/b', 9117, Z(4)),
    event(1001, 'NodeDataChanged', '/b', 12037, z),
  ];

  it('1:4 and 1:3: impossible', () => {
    expect(both(records(Z(3)))).toEqual({ zabsim: 'violated', possible: false });
  });

  it('1:4 for both: possible', () => {
    expect(both(records(Z(4)))).toEqual({ zabsim: 'ok', possible: true });
  });
});

describe('a write that needs a node no op of the history creates explains nothing (case 2007486380)', () => {
  // A persistent watch on /a gets NodeChildrenChanged /a; the only candidate is a lost sequential create under /a,
  // and nothing creates /a: it fails (noNode). With a create of /a first it is possible.
  const records = (parent: boolean) => [
    ...(parent ? [op(1, 1003, { type: 'create', path: '/a', data: 'v1', mode: 'persistent' }, 1000, 2000, { rc: 'ok', path: '/a' }, Z(1))] : []),
    op(2, 1002, { type: 'create', path: '/a/s-', data: 'v4', mode: 'persistentSequential' }, 2944, null, null, null),
    op(3, 1002, { type: 'exists', path: '/a/c' }, 3994, 6529, { rc: 'ok', exists: false }, null),
    op(4, 1001, { type: 'addWatch', path: '/a', mode: 'persistent' }, 5469, 6255, { rc: 'ok' }, null),
    event(1001, 'NodeChildrenChanged', '/a', 7131, Z(4)),
  ];

  it('no create of /a: impossible', () => {
    expect(both(records(false))).toEqual({ zabsim: 'violated', possible: false });
  });

  it('/a created at 1:1: possible', () => {
    expect(both(records(true))).toEqual({ zabsim: 'ok', possible: true });
  });
});

describe("a close that is its session's end bounds the session's writes by that end, inclusive (valid-histories 1186905095)", () => {
  // Session 1001 deletes /a (no zxid) under its persistent watch on /, then closes (ok, no zxid) before its ENDED record
  // at 1:7: the close is that end, so the delete may be at 1:6 (its event's zxid). Counting the close as below the end
  // (at 1:6 at most) left the delete no zxid above 1:5: a false alarm. At 1:7 the event is impossible.
  const records = (z: number) => [
    op(2, 1001, { type: 'create', path: '/a', data: 'v3', mode: 'persistent' }, 2554, 3490, { rc: 'ok', path: '/a' }, null),
    op(3, 1001, { type: 'addWatch', path: '/', mode: 'persistent' }, 3585, 4289, { rc: 'ok' }, null),
    op(8, 1001, { type: 'delete', path: '/a', version: -1 }, 8502, 9837, { rc: 'ok' }, null),
    op(10, 1001, { type: 'closeSession' }, 10602, 11569, { rc: 'ok' }, null),
    event(1001, 'NodeChildrenChanged', '/', 9508, z),
    { kind: 'session', client: null, session: 1001, server: null, state: 'ENDED', atUs: 11072, zxid: Z(7) },
  ];

  it('NodeChildrenChanged at 1:6: possible', () => {
    expect(both(records(Z(6)))).toEqual({ zabsim: 'ok', possible: true });
  });

  it('at 1:7, the end\'s zxid: impossible', () => {
    expect(both(records(Z(7)))).toEqual({ zabsim: 'violated', possible: false });
  });
});

describe("a session's end deletes no node below the node's first possible create (case 2298978340)", () => {
  // Session 1001 watches the missing /a/c (exists), creates /a at 1:4 (its only create), lists /a empty with a child
  // watch and deletes /a. NodeChildrenChanged /a names 1:5: session 1002's lost ephemeral create of /a/c is the only
  // change there (1002's unseen end would need /a/c made below 1:5, and /a/c needs /a, made at 1:4: event-pins.ts and
  // NodeLife.bornAtLeast). That create fires the exists watch too, so its NodeCreated is owed before the delete's reply.
  const records = (created: boolean) => [
    op(3, 1002, { type: 'create', path: '/a/c', data: 'v1', mode: 'ephemeral' }, 3459, null, null, null),
    op(10, 1001, { type: 'exists', path: '/a/c', watch: true }, 10987, 11766, { rc: 'ok', exists: false }, null),
    op(11, 1001, { type: 'create', path: '/a', data: 'v8', mode: 'persistent' }, 11806, 12106, { rc: 'ok', path: '/a' }, Z(4)),
    op(12, 1001, { type: 'getChildren', path: '/a', watch: true }, 12854, 13205, { rc: 'ok', children: [] }, null),
    op(13, 1001, { type: 'delete', path: '/a', version: -1 }, 13720, 14955, { rc: 'ok' }, null),
    ...(created ? [event(1001, 'NodeCreated', '/a/c', 14600, Z(5))] : []),
    event(1001, 'NodeChildrenChanged', '/a', 14617, Z(5)),
  ];

  it('no NodeCreated /a/c: impossible', () => {
    expect(both(records(false))).toEqual({ zabsim: 'violated', possible: false });
  });

  it('NodeCreated /a/c at 1:5 too: possible', () => {
    expect(both(records(true))).toEqual({ zabsim: 'ok', possible: true });
  });
});

describe("a multi that makes a node and a child under it is not above the node's create (valid-histories 1207385536)", () => {
  // Session 1001's multi (no zxid) creates /a and the ephemeral /a/s-0000000000 in one txn, then adds a persistent
  // watch on /a. writeZxidFloor put the multi above /a's create (itself), so the watch's floor passed 1:2 (the error
  // txn of the failed delete) and the session end's NodeChildrenChanged /a at 1:3 looked old: a false alarm. At 1:2,
  // the failed delete's zxid, it is impossible.
  const records = (z: number) => [
    op(
      1,
      1001,
      {
        type: 'multi',
        ops: [
          { type: 'create', path: '/a', data: 'v1', mode: 'persistent' },
          { type: 'create', path: '/a/s-', data: 'v2', mode: 'ephemeralSequential' },
        ],
      },
      1930,
      2625,
      { rc: 'ok', results: [{ rc: 'ok', path: '/a' }, { rc: 'ok', path: '/a/s-0000000000' }] },
      null,
    ),
    op(2, 1001, { type: 'addWatch', path: '/a', mode: 'persistent' }, 2837, 3126, { rc: 'ok' }, null),
    op(3, 1001, { type: 'delete', path: '/a', version: 0 }, 3414, 4121, { rc: 'notEmpty' }, Z(2)),
    event(1001, 'NodeChildrenChanged', '/a', 5361, z),
  ];

  it('NodeChildrenChanged /a at 1:3 (the session end): possible', () => {
    expect(both(records(Z(3)))).toEqual({ zabsim: 'ok', possible: true });
  });

  it('at 1:2, the failed delete: impossible', () => {
    expect(both(records(Z(2)))).toEqual({ zabsim: 'violated', possible: false });
  });
});
