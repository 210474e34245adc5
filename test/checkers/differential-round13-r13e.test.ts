// Proves that zabsim and the reference checker agree on round 13's (r13e) persistent-watch shapes from
// open-round12-wp and open-round11: an event with a known zxid owes, like a reply, the deliveries of the writes
// without a zxid that surely took effect below it; the writes owed on one connection are paid by distinct events,
// whatever bound the registration has; a duplicate delivery is not excused by a sequential create that
// cannot make the change, nor by a multi that fails alone; each impossible history has a possible twin.
import { describe, expect, it } from 'vitest';
import { both, event, op } from './differential-records.js';
import { Z } from './history-builders.js';
import { create, ended, made, ok, persistent, recursive } from './persistent-records.js';

describe('an event owes the delivery of a write without a zxid that a later txn proves below it (case 1893521015)', () => {
  // The delete of /a at 1:3 finds /a, whose one creator is 1003's create (no zxid): that create lies below 1:3 and
  // was sent after the addWatch returned, so its NodeChildrenChanged / was queued on the connection before the 1:3 one.
  const records = (withFirst: boolean) => [
    op(0, 1002, persistent('/'), 693, 2527, ok, null),
    op(3, 1003, create('/a', 'v2'), 3966, 5592, made('/a'), null),
    op(4, 1001, { type: 'delete', path: '/a', version: -1 }, 4741, 6033, ok, Z(3)),
    ...(withFirst ? [event(1002, 'NodeChildrenChanged', '/', 6000)] : []),
    event(1002, 'NodeChildrenChanged', '/', 6462, Z(3)),
  ];

  it('NodeChildrenChanged / at 1:3 alone: impossible', () => {
    expect(both(records(false))).toEqual({ zabsim: 'violated', possible: false });
  });

  it("with the create's NodeChildrenChanged / first: possible", () => {
    expect(both(records(true))).toEqual({ zabsim: 'ok', possible: true });
  });
});

describe("a session end's event owes the delivery of that session's own create (case 3770237371)", () => {
  // Session 1003's end is at 1:4 (ENDED); its create of the ephemeral /a/c (no zxid) lies below it and was sent
  // after 1002's addWatch on /a returned: its NodeChildrenChanged /a comes before the end's, at 1:4.
  const records = (withCreate: boolean) => [
    op(0, 1002, create('/a', 'v1'), 189, 1062, made('/a'), Z(1)),
    op(1, 1002, persistent('/a'), 1792, 2005, ok, null),
    op(2, 1003, create('/a/c', 'v2', 'ephemeral'), 2760, 3479, made('/a/c'), null),
    ...(withCreate ? [event(1002, 'NodeChildrenChanged', '/a', 4000)] : []),
    event(1002, 'NodeChildrenChanged', '/a', 5229, Z(4)),
    ended(1003, Z(4), 5242),
  ];

  it("the end's NodeChildrenChanged /a alone: impossible", () => {
    expect(both(records(false))).toEqual({ zabsim: 'violated', possible: false });
  });

  it("with the create's first: possible", () => {
    expect(both(records(true))).toEqual({ zabsim: 'ok', possible: true });
  });
});

describe('a sequential create of unknown outcome makes no NodeDataChanged, nor NodeCreated of another name (cases 2606189753, 738591910)', () => {
  // One setData (lost) is all that may set /a/s-0000000000: two NodeDataChanged at 1:4 on one connection are one
  // too many. The lost sequential create under /a makes only NodeCreated /a/s-<ten digits> and NodeChildrenChanged /a.
  const records = (twice: boolean) => [
    op(1, 1003, create('/a', 'v2'), 1589, 4268, made('/a'), Z(1)),
    op(3, 1002, recursive('/a'), 3878, 4243, ok, null),
    op(5, 1002, create('/a/s-', 'v3', 'ephemeralSequential'), 4992, null, null, null),
    { kind: 'session', client: 2, session: 1002, server: 1, state: 'CONNECTED', atUs: 8886 },
    op(8, 1002, { type: 'setData', path: '/a/s-0000000000', data: 'v4', version: -1 }, 8889, null, null, null),
    event(1002, 'NodeDataChanged', '/a/s-0000000000', 10032, Z(4)),
    ...(twice ? [event(1002, 'NodeDataChanged', '/a/s-0000000000', 10033, Z(4))] : []),
  ];

  it('NodeDataChanged at 1:4 twice: impossible', () => {
    expect(both(records(true))).toEqual({ zabsim: 'violated', possible: false });
  });

  it('once: possible', () => {
    expect(both(records(false))).toEqual({ zabsim: 'ok', possible: true });
  });

  // The same for NodeCreated /a/c: the persistent-sequential create under /a names /a/s-<digits>, never /a/c.
  const created = (twice: boolean) => [
    op(1, 1002, persistent('/a/c'), 1449, 3915, ok, null),
    op(2, 1001, create('/a', 'v3'), 2908, 7595, made('/a'), null),
    op(4, 1002, create('/a/s-', 'v4', 'persistentSequential'), 3960, null, null, null),
    { kind: 'session', client: 2, session: 1002, server: 1, state: 'CONNECTED', atUs: 4871 },
    op(5, 1002, create('/a/c', 'v5', 'ephemeral'), 4906, 5637, made('/a/c'), null),
    event(1002, 'NodeCreated', '/a/c', 5007, Z(4)),
    ...(twice ? [event(1002, 'NodeCreated', '/a/c', 5008, Z(4))] : []),
  ];

  it('NodeCreated /a/c at 1:4 twice: impossible', () => {
    expect(both(created(true))).toEqual({ zabsim: 'violated', possible: false });
  });

  it('once: possible', () => {
    expect(both(created(false))).toEqual({ zabsim: 'ok', possible: true });
  });
});

describe('a multi whose sub-ops contradict each other makes no change, however it is counted (case 2840877357)', () => {
  // The multi creates /b twice, so it fails whatever the tree: the one txn at 1:2 that may make NodeChildrenChanged /
  // is 1002's create of /b, which makes it once.
  const records = (twice: boolean) => [
    op(0, 1002, create('/b', 'v1', 'ephemeral'), 751, 1432, made('/b'), null),
    op(1, 1001, persistent('/'), 1992, 3177, ok, null),
    op(4, 1002, { type: 'multi', ops: [create('/b', 'v2'), create('/a/s-', 'v3', 'ephemeralSequential'), create('/b', 'v4')] }, 5808, null, null, null),
    op(5, 1002, create('/a', 'v5'), 6842, 7951, made('/a'), Z(5)),
    event(1001, 'NodeChildrenChanged', '/', 4101, Z(2)),
    ...(twice ? [event(1001, 'NodeChildrenChanged', '/', 4102, Z(2))] : []),
  ];

  it('NodeChildrenChanged / at 1:2 twice: impossible', () => {
    expect(both(records(true))).toEqual({ zabsim: 'violated', possible: false });
  });

  it('once: possible', () => {
    expect(both(records(false))).toEqual({ zabsim: 'ok', possible: true });
  });
});

describe('two owed writes are paid by two events, not one (case 2677190150)', () => {
  // Both creates under / (no zxid) lie above the addWatch's state (sent after it returned) and below 1001's end at 1:4
  // (/a is 1001's own; /b precedes 1002's /a/c, which needs /a and precedes 1002's multi at 1:6, with 1:4 the end):
  // the close reply owes two NodeChildrenChanged /, one per txn, and one came. The registration's only bound, 1:5
  // (the multi was sent after the addWatch returned), is above the close's state: no matter.
  const records = (withSecond: boolean) => [
    op(0, 1001, persistent('/'), 223, 1341, ok, null),
    op(3, 1002, create('/b', 'v3', 'ephemeral'), 3969, 6374, made('/b'), null),
    op(4, 1001, create('/a', 'v4'), 4778, 5064, made('/a'), null),
    op(5, 1001, { type: 'closeSession' }, 5683, 6373, ok, null),
    op(6, 1002, create('/a/c', 'v5'), 6397, 7941, made('/a/c'), null),
    op(7, 1002, { type: 'multi', ops: [{ type: 'setData', path: '/a/c', data: 'v6', version: -1 }, create('/a', 'v7'), { type: 'setData', path: '/a', data: 'v8', version: 0 }] }, 7964, 8236,
      { rc: 'nodeExists', results: [{ rc: 'ok' }, { rc: 'nodeExists' }, { rc: 'runtimeInconsistency' }] }, Z(6)),
    event(1001, 'NodeChildrenChanged', '/', 5013, Z(2)),
    ...(withSecond ? [event(1001, 'NodeChildrenChanged', '/', 5500)] : []),
    ended(1001, Z(4), 6090),
  ];

  it('one NodeChildrenChanged / before the close reply: impossible', () => {
    expect(both(records(false))).toEqual({ zabsim: 'violated', possible: false });
  });

  it('two: possible', () => {
    expect(both(records(true))).toEqual({ zabsim: 'ok', possible: true });
  });
});

describe("a reply that shows a node gone proves its session's ok close deleted it, and owes that close's delivery (case 3804720758)", () => {
  // /a/c is 1001's ephemeral, made at 1:2; nothing else deletes it. A listing of /a at 1:3 without it shows 1001's
  // end, its ok close, at or below 1:3; the close was sent after 1002's addWatch on /a/c returned, so it is above the
  // registration and its NodeDeleted /a/c was queued before the listing's reply.
  const records = (withDeleted: boolean, read: 'listing' | 'getData') => [
    op(0, 1001, create('/a', 'v1'), 337, 1338, made('/a'), Z(1)),
    op(1, 1001, create('/a/c', 'v2', 'ephemeral'), 1650, 2497, made('/a/c'), Z(2)),
    op(2, 1001, { type: 'closeSession' }, 5602, 6695, ok, null),
    op(4, 1002, recursive('/a/c'), 4769, 5179, ok, null),
    read === 'listing'
      ? op(5, 1002, { type: 'getChildren', path: '/a' }, 5975, 6931, { rc: 'ok', children: [] }, null, { readZxid: Z(3) })
      : op(5, 1002, { type: 'getData', path: '/a/c' }, 5975, 6931, { rc: 'noNode' }, null, { readZxid: Z(3) }),
    ...(withDeleted ? [event(1002, 'NodeDeleted', '/a/c', 6500)] : []),
  ];

  it('a listing of /a without /a/c, no NodeDeleted /a/c before it: impossible', () => {
    expect(both(records(false, 'listing'))).toEqual({ zabsim: 'violated', possible: false });
  });

  it('getData /a/c answered noNode, no NodeDeleted /a/c before it: impossible', () => {
    expect(both(records(false, 'getData'))).toEqual({ zabsim: 'violated', possible: false });
  });

  it('with NodeDeleted /a/c first: possible', () => {
    expect(both(records(true, 'listing'))).toEqual({ zabsim: 'ok', possible: true });
    expect(both(records(true, 'getData'))).toEqual({ zabsim: 'ok', possible: true });
  });
});

describe('an event with a known zxid raises the state of every later reply on its connection (case 4020873535)', () => {
  // NodeCreated /b at 1:1 came before the exists reply on 1002's connection, so that reply is from a state at or above
  // 1:1 (and the recursive watch, the one that covers /b, was registered below 1:1). /b's one create is at 1:1, so
  // exists false there means its one delete, at 1:2, is in that state too: NodeDeleted /b was owed before the reply.
  const records = (withDeleted: boolean) => [
    op(0, 1001, create('/b', 'v1'), 566, 2804, made('/b'), Z(1)),
    op(1, 1002, recursive('/'), 1493, 3047, ok, null),
    op(2, 1001, { type: 'delete', path: '/b', version: 0 }, 2882, 3667, ok, Z(2)),
    op(3, 1002, { type: 'exists', path: '/b' }, 3055, 4347, { rc: 'ok', exists: false }, null),
    event(1002, 'NodeCreated', '/b', 3554, Z(1)),
    ...(withDeleted ? [event(1002, 'NodeDeleted', '/b', 4000, Z(2))] : []),
  ];

  it('exists /b false after NodeCreated /b at 1:1, no NodeDeleted /b: impossible', () => {
    expect(both(records(false))).toEqual({ zabsim: 'violated', possible: false });
  });

  it('with NodeDeleted /b at 1:2 first: possible', () => {
    expect(both(records(true))).toEqual({ zabsim: 'ok', possible: true });
  });
});

describe('a sequential create of unknown outcome makes the node it names once (sweep 41313002, case 2162298155)', () => {
  // The lost ephemeral-sequential create under /a is the one write that may make /a/s-0000000000: one txn, one
  // NodeCreated on the connection, not two at 1:2.
  const records = (twice: boolean) => [
    op(1, 1001, create('/a', 'v1'), 1436, 2053, made('/a'), Z(1)),
    op(2, 1001, recursive('/'), 2071, 4009, ok, null),
    op(6, 1003, create('/a/s-', 'v3', 'ephemeralSequential'), 5507, null, null, null),
    event(1001, 'NodeCreated', '/a/s-0000000000', 8039, Z(2)),
    ...(twice ? [event(1001, 'NodeCreated', '/a/s-0000000000', 8040, Z(2))] : []),
  ];

  it('NodeCreated /a/s-0000000000 at 1:2 twice: impossible', () => {
    expect(both(records(true))).toEqual({ zabsim: 'violated', possible: false });
  });

  it('once: possible', () => {
    expect(both(records(false))).toEqual({ zabsim: 'ok', possible: true });
  });
});

describe("a version a reply shows proves the setData txns of the node's one life (cases 4203161649, sweep 41313002 2432930168)", () => {
  // /a is made once, at 1:3; the delete at 1:5 expects version 1, so one setData of /a lies below 1:5: the one that may
  // make it is 1002's lost setData, sent after its addWatch on /a returned, so its NodeDataChanged /a is owed before
  // the delete's NodeDeleted /a.
  const lost = (withChanged: boolean) => [
    op(3, 1001, create('/a', 'v4'), 3699, 4072, made('/a'), Z(3)),
    op(4, 1002, recursive('/a'), 4541, 6349, ok, null),
    op(6, 1002, { type: 'setData', path: '/a', data: 'v7', version: 0 }, 6598, null, null, null),
    op(7, 1001, { type: 'delete', path: '/a', version: 1 }, 7501, 10357, ok, Z(5)),
    ...(withChanged ? [event(1002, 'NodeDataChanged', '/a', 8000)] : []),
    event(1002, 'NodeDeleted', '/a', 8278, Z(5)),
  ];

  it('NodeDeleted /a at 1:5 without the setData\'s NodeDataChanged /a: impossible', () => {
    expect(both(lost(false))).toEqual({ zabsim: 'violated', possible: false });
  });

  it('with it first: possible', () => {
    expect(both(lost(true))).toEqual({ zabsim: 'ok', possible: true });
  });

  // A certain setData without a zxid (version 1) above the addWatch's state 1:0 (its session saw 1:1 before it): an
  // exists at version 1 on the watch's connection holds it, so its NodeDataChanged /a came first (as the create's did).
  const certain = (withChanged: boolean) => [
    op(0, 1001, create('/a', 'v1'), 422, 2826, made('/a'), Z(1)),
    op(2, 1001, { type: 'setData', path: '/a', data: 'v2', version: 0 }, 2936, 3905, { rc: 'ok', version: 1 }, null),
    op(4, 1002, persistent('/a'), 4454, 6558, ok, null, { readZxid: Z(0) }),
    op(6, 1002, { type: 'exists', path: '/a' }, 6960, 7538, { rc: 'ok', version: 1, exists: true }, null),
    event(1002, 'NodeCreated', '/a', 6900),
    ...(withChanged ? [event(1002, 'NodeDataChanged', '/a', 7000)] : []),
  ];

  it('exists /a at version 1 without NodeDataChanged /a before it: impossible', () => {
    expect(both(certain(false))).toEqual({ zabsim: 'violated', possible: false });
  });

  it('with it first: possible', () => {
    expect(both(certain(true))).toEqual({ zabsim: 'ok', possible: true });
  });
});

describe("the zxid packing puts a write without a zxid between the registration and a reply (case 829945184)", () => {
  // 1001's addWatch on /b is at 1:1, its close at 1:3, 1003's multi at 1:5. The free zxids 1:1, 1:2, 1:4 go to three
  // txns without one: 1001's failed multi (sent before the addWatch: at or below 1:1), 1003's failed setData (sent
  // after the close returned, before 1003's multi: 1:4), and 1002's create of /b (before the multi at 1:5): 1:2. So
  // the create is above the registration and below the close, whose reply owes its NodeCreated /b.
  const records = (withCreated: boolean) => [
    op(0, 1002, create('/b', 'v1'), 810, 5287, made('/b'), null),
    op(1, 1001, persistent('/b'), 1529, 2803, ok, null, { readZxid: Z(1) }),
    op(2, 1001, { type: 'multi', ops: [create('/a/c', 'v2'), { type: 'setData', path: '/a/c', data: 'v3', version: -1 }] }, 845, 1642,
      { rc: 'noNode', results: [{ rc: 'noNode' }, { rc: 'runtimeInconsistency' }] }, null),
    op(3, 1001, { type: 'closeSession' }, 3795, 4118, ok, Z(3)),
    op(4, 1003, { type: 'setData', path: '/b', data: 'v4', version: 1 }, 4433, 5132, { rc: 'badVersion' }, null),
    op(6, 1003, { type: 'multi', ops: [{ type: 'setData', path: '/b', data: 'v5', version: 0 }, create('/a', 'v6'), create('/a', 'v7')] }, 6715, 7032,
      { rc: 'nodeExists', results: [{ rc: 'ok' }, { rc: 'ok' }, { rc: 'nodeExists' }] }, Z(5)),
    ...(withCreated ? [event(1001, 'NodeCreated', '/b', 3900)] : []),
  ];

  it('no NodeCreated /b before the close reply: impossible', () => {
    expect(both(records(false))).toEqual({ zabsim: 'violated', possible: false });
  });

  it('with it: possible', () => {
    expect(both(records(true))).toEqual({ zabsim: 'ok', possible: true });
  });
});

describe("a watch re-sent on a new connection is registered before that connection's first reply (sweep 41313003, case 2223753850)", () => {
  // 1001's recursive watch on /a, added on its first connection, is re-sent by setWatches2 ahead of the exists on its
  // second; /a (1:2) and /a/c (1:6) are created after that reply, so above the registration: their NodeCreated events
  // come before the NodeDeleted /a/c at 1:7 on that connection.
  const records = (withCreated: boolean) => [
    op(0, 1001, recursive('/a'), 777, 2299, ok, null),
    { kind: 'session', client: 1, session: 1001, server: 1, state: 'CONNECTED', atUs: 2545 },
    op(2, 1001, { type: 'exists', path: '/b' }, 2764, 3865, { rc: 'ok', exists: false }, null),
    op(6, 1003, create('/a', 'v3'), 7742, 8891, made('/a'), Z(2)),
    op(11, 1004, create('/a/c', 'v6', 'ephemeral'), 12897, 13543, made('/a/c'), Z(6)),
    ...(withCreated ? [event(1001, 'NodeCreated', '/a', 9000, Z(2)), event(1001, 'NodeCreated', '/a/c', 14000, Z(6))] : []),
    event(1001, 'NodeDeleted', '/a/c', 14378, Z(7)),
  ];

  it('NodeDeleted /a/c at 1:7 with neither NodeCreated before it: impossible', () => {
    expect(both(records(false))).toEqual({ zabsim: 'violated', possible: false });
  });

  it('with both: possible', () => {
    expect(both(records(true))).toEqual({ zabsim: 'ok', possible: true });
  });
});

describe("a session end's event owes a lost create its session's multi proves (case 3256504108)", () => {
  // 1002's multi sets /a/c at version 0, so its lost create of /a/c took effect before it; the multi's sequential
  // child is /a/s-0000000001, so /a/c was /a's one child before. NodeDeleted /a/s-0000000001 at 1:7 is 1002's end,
  // above every write of 1002: the recursive watch on / owes NodeCreated /a/c (sent after the addWatch returned) first.
  const records = (withCreated: boolean) => [
    op(0, 1001, recursive('/'), 799, 1951, ok, null),
    op(5, 1002, create('/a', 'v2'), 5388, 6894, made('/a'), null),
    op(6, 1002, create('/b', 'v3', 'ephemeral'), 6935, 7254, made('/b'), null),
    op(7, 1002, create('/a/c', 'v4'), 7723, null, null, null),
    op(8, 1002, { type: 'multi', ops: [create('/a/s-', 'v5', 'ephemeralSequential'), { type: 'setData', path: '/a/c', data: 'v6', version: 0 }] }, 8958, 9089,
      { rc: 'ok', results: [{ rc: 'ok', path: '/a/s-0000000001' }, { rc: 'ok', version: 1 }] }, null),
    event(1001, 'NodeCreated', '/a', 10698, Z(2)),
    event(1001, 'NodeCreated', '/b', 10776, Z(3)),
    ...(withCreated ? [event(1001, 'NodeCreated', '/a/c', 11000, Z(4)), event(1001, 'NodeCreated', '/a/s-0000000001', 11100, Z(5)), event(1001, 'NodeDataChanged', '/a/c', 11200, Z(5))] : []),
    event(1001, 'NodeDeleted', '/a/s-0000000001', 14060, Z(7)),
  ];

  it('NodeDeleted /a/s-0000000001 at 1:7 with no NodeCreated /a/c before it: impossible', () => {
    expect(both(records(false))).toEqual({ zabsim: 'violated', possible: false });
  });

  it("with the create's and the multi's events: possible", () => {
    expect(both(records(true))).toEqual({ zabsim: 'ok', possible: true });
  });
});

describe("a read's data names the create that made a node, which then blocks every later create of it (case 267768680)", () => {
  // getData /b at 1:2 shows v7 at version 0: the persistent create of /b with v7 made it, and nothing deletes that
  // /b. So no create of /b succeeds above 1:2 (the lost multi's would find it there): NodeCreated /b at 1:3 has no cause.
  const records = (at: number) => [
    op(2, 1001, { type: 'multi', ops: [create('/a', 'v2'), create('/b', 'v3', 'ephemeral'), create('/a/c', 'v4', 'ephemeral')] }, 2668, null, null, null),
    op(6, 1003, recursive('/b'), 6621, 7613, ok, null),
    op(10, 1001, create('/b', 'v7'), 10616, null, null, null),
    op(12, 1001, { type: 'getData', path: '/b', watch: true }, 12477, 13029, { rc: 'ok', data: 'v7', version: 0 }, null, { readZxid: Z(2) }),
    event(1003, 'NodeCreated', '/b', 11310, Z(at)),
  ];

  it('NodeCreated /b at 1:3: impossible', () => {
    expect(both(records(3))).toEqual({ zabsim: 'violated', possible: false });
  });

  it('at 1:2: possible', () => {
    expect(both(records(2))).toEqual({ zabsim: 'ok', possible: true });
  });
});

describe("a write's own delivery and a lost create it proves are two events (sweep 41313004, case 1230718098)", () => {
  // 1003's multi deletes /a/s-0000000000, which only its lost sequential create makes: that create took effect before
  // the multi, after the addWatch on /a returned. Each fires NodeChildrenChanged /a (create, then delete): two events
  // owed before the multi's reply, and one came.
  const records = (withSecond: boolean) => [
    op(0, 1001, create('/a', 'v1'), 731, 3067, made('/a'), Z(1)),
    op(2, 1003, persistent('/a'), 2551, 3260, ok, null),
    op(8, 1003, create('/a/s-', 'v3', 'ephemeralSequential'), 8487, null, null, null),
    op(9, 1003, { type: 'multi', ops: [create('/b', 'v4'), { type: 'delete', path: '/a/s-0000000000', version: -1 }] }, 9940, 10484,
      { rc: 'ok', results: [{ rc: 'ok', path: '/b' }, { rc: 'ok' }] }, null),
    ...(withSecond ? [event(1003, 'NodeChildrenChanged', '/a', 9000, Z(3))] : []),
    event(1003, 'NodeChildrenChanged', '/a', 10436, Z(4)),
  ];

  it('one NodeChildrenChanged /a before the multi reply: impossible', () => {
    expect(both(records(false))).toEqual({ zabsim: 'violated', possible: false });
  });

  it('two: possible', () => {
    expect(both(records(true))).toEqual({ zabsim: 'ok', possible: true });
  });
});

describe("a certain write without a zxid lies at or above its floor, which an exact event zxid must respect (sweep 41313004, case 215211945)", () => {
  // 1003's addWatch is at 1:5; its delete of /b (sent after that reply) is above 1:5, and its create of /a (sent after
  // the delete returned) above the delete: at 1:7 or more. NodeCreated /a at 1:6 has no cause.
  const records = (at: number) => [
    op(6, 1002, create('/b', 'v3'), 6793, 7101, made('/b'), Z(4)),
    op(8, 1003, persistent('/a'), 8780, 9898, ok, null, { readZxid: Z(5) }),
    op(10, 1003, { type: 'delete', path: '/b', version: -1 }, 10324, 11864, ok, null),
    { kind: 'session', client: 3, session: 1003, server: 1, state: 'CONNECTED', atUs: 11897 },
    op(11, 1003, create('/a', 'v4'), 11953, 12293, made('/a'), null),
    event(1003, 'NodeCreated', '/a', 12016, Z(at)),
  ];

  it('NodeCreated /a at 1:6: impossible', () => {
    expect(both(records(6))).toEqual({ zabsim: 'violated', possible: false });
  });

  it('at 1:7: possible', () => {
    expect(both(records(7))).toEqual({ zabsim: 'ok', possible: true });
  });
});

describe('a write expecting a version no setData of the history can reach changes nothing (sweep 41313005, case 2463745287)', () => {
  // The lost delete of /a expects version 1, and no op sets /a's data: it fails, and nothing else deletes /a.
  const records = (version: number) => [
    op(0, 1002, { type: 'multi', ops: [create('/b', 'v1', 'ephemeral'), create('/a', 'v2')] }, 445, 1832, { rc: 'ok', results: [made('/b'), made('/a')] }, Z(1)),
    op(1, 1002, persistent('/a'), 1847, 2133, ok, null),
    op(3, 1002, { type: 'delete', path: '/a', version }, 3162, null, null, null),
    { kind: 'session', client: 2, session: 1002, server: 1, state: 'CONNECTED', atUs: 10001 },
    event(1002, 'NodeDeleted', '/a', 10374, Z(7)),
  ];

  it('NodeDeleted /a with only a delete expecting version 1: impossible', () => {
    expect(both(records(1))).toEqual({ zabsim: 'violated', possible: false });
  });

  it('expecting version 0: possible', () => {
    expect(both(records(0))).toEqual({ zabsim: 'ok', possible: true });
  });
});

describe('events with one known zxid on one connection are one txn, which must make them all (sweep 41313005, case 124011386)', () => {
  // NodeCreated /a is only the lost create's to make, NodeChildrenChanged /a only the lost multi's (or its session's
  // end): no one txn makes both, so they cannot share the zxid 1:4.
  const records = (second: number) => [
    op(2, 1002, create('/a', 'v1'), 2842, null, null, null),
    op(6, 1002, { type: 'multi', ops: [create('/b', 'v2', 'ephemeral'), create('/a/s-', 'v3', 'persistentSequential'), create('/a/s-', 'v4', 'ephemeralSequential')] }, 5793, null, null, null),
    op(8, 1003, persistent('/a'), 10842, 11154, ok, null),
    { kind: 'session', client: 3, session: 1003, server: 1, state: 'CONNECTED', atUs: 12528 },
    event(1003, 'NodeCreated', '/a', 13025, Z(4)),
    event(1003, 'NodeChildrenChanged', '/a', 13026, Z(second)),
  ];

  it('NodeCreated /a and NodeChildrenChanged /a both at 1:4: impossible', () => {
    expect(both(records(4))).toEqual({ zabsim: 'violated', possible: false });
  });

  it('at 1:4 and 1:5: possible', () => {
    expect(both(records(5))).toEqual({ zabsim: 'ok', possible: true });
  });
});
