// Proves that zabsim and the reference checker agree on the 100k sweep's (seed 3300000) duplicated persistent-watch
// events: one txn fires a change on one connection at most once per sub-op that makes it (WatchManager.triggerWatch's
// watchers are a Set; DataTree.processTxn applies a multi's sub-txns one by one), so more events of one type, path and
// zxid than any txn that may hold that zxid makes are impossible, a sequential create of unknown name counted by its
// prefix; and a write that cannot succeed (a multi whose own sub-ops contradict each other) makes no change at all,
// not even the ephemeral its session's end would delete. A create is not the txn at m when a reply shows its node
// missing at a state at or above m and nothing deletes the node between (a duplicate's count asks which txn holds m),
// and a session end not where it cannot fit (above its session's replies). And the
// retargeted events: an error reply without a zxid, at or above its floor, shows a node missing there; a one-shot
// watch's event names the first change after it, whose zxid a later write needing its node bounds. Each impossible
// history has a possible twin.
import { describe, expect, it } from 'vitest';
import { both, event, op } from './differential-records.js';
import { Z } from './history-builders.js';
import { create, made, ok, persistent, recursive } from './persistent-records.js';

describe('a lost sequential create makes one NodeChildrenChanged of its parent (case 3864541508)', () => {
  // /a is made at 1:1 (the exists shows it); session 1004 adds a persistent watch on /a; the only other write, 1003's
  // lost create /a/s- (sequential), makes one child of /a: one NodeChildrenChanged /a at its zxid, not two.
  const records = (twice: boolean) => [
    op(0, 1003, create('/a/s-', 'v1', 'persistentSequential'), 920, null, null, null, { server: 3 }),
    op(1, 1001, create('/a', 'v2'), 1917, null, null, null),
    op(3, 1003, { type: 'exists', path: '/a', watch: true }, 3391, 4066, { rc: 'ok', version: 0, exists: true, mzxid: Z(1), ephemeralOwner: 0 }, null, { server: 3 }),
    op(10, 1004, persistent('/a'), 10763, 11682, ok, null),
    event(1004, 'NodeChildrenChanged', '/a', 12035, Z(6)),
    ...(twice ? [event(1004, 'NodeChildrenChanged', '/a', 12036, Z(6))] : []),
  ];

  it('NodeChildrenChanged /a twice at 1:6: impossible', () => {
    expect(both(records(true))).toEqual({ zabsim: 'violated', possible: false });
  });

  it('once: possible', () => {
    expect(both(records(false))).toEqual({ zabsim: 'ok', possible: true });
  });
});

describe('a lost multi with a sequential create makes its one named node once (case 2387415252)', () => {
  // Session 1001's recursive watch on /a/c; 1002's lost multi makes /a, /a/s-N and /a/c: one NodeCreated /a/c.
  const records = (twice: boolean) => [
    op(0, 1001, recursive('/a/c'), 205, 5248, ok, null),
    op(
      1,
      1002,
      { type: 'multi', ops: [create('/a', 'v1'), create('/a/s-', 'v2', 'persistentSequential'), create('/a/c', 'v3', 'ephemeral')] },
      1861,
      null,
      null,
      null,
      { server: 3 },
    ),
    event(1001, 'NodeCreated', '/a/c', 5947, Z(1)),
    ...(twice ? [event(1001, 'NodeCreated', '/a/c', 5948, Z(1))] : []),
  ];

  it('NodeCreated /a/c twice at 1:1: impossible', () => {
    expect(both(records(true))).toEqual({ zabsim: 'violated', possible: false });
  });

  it('once: possible', () => {
    expect(both(records(false))).toEqual({ zabsim: 'ok', possible: true });
  });
});

describe('a multi that creates two children fires NodeChildrenChanged twice, not three times (case 3605116970)', () => {
  // Session 1001's persistent watch on /a; its own create /a (no zxid) and its lost multi creating /a/s-N and /a/c:
  // the multi's txn fires NodeChildrenChanged /a once per sub-op, so at most twice at its zxid.
  const records = (n: number) => [
    op(1, 1001, persistent('/a'), 1158, 2592, ok, null, { server: 2 }),
    op(5, 1001, create('/a', 'v5'), 6736, 7460, made('/a'), null, { server: 2 }),
    op(6, 1001, { type: 'multi', ops: [create('/a/s-', 'v6', 'ephemeralSequential'), create('/a/c', 'v7')] }, 7874, null, null, null, { server: 2 }),
    event(1001, 'NodeCreated', '/a', 7159, Z(4), 2),
    ...Array.from({ length: n }, (_, k) => event(1001, 'NodeChildrenChanged', '/a', 10141 + k, Z(5), 2)),
  ];

  it('three at 1:5: impossible', () => {
    expect(both(records(3))).toEqual({ zabsim: 'violated', possible: false });
  });

  it('two: possible', () => {
    expect(both(records(2))).toEqual({ zabsim: 'ok', possible: true });
  });
});

describe('a sequential create under another parent makes no NodeChildrenChanged / (case 758505627)', () => {
  // Session 1001's persistent watch on /: its create /a at 1:3 and delete /a (no zxid) fire one each; 1003's lost
  // create /a/s- changes /a's children, not /'s. Two NodeChildrenChanged / at 1:4 have one txn (the delete) to come
  // from. (A reconnect between them: on one connection without it, another rule flags the pair already.)
  const records = (twice: boolean) => [
    op(1, 1001, persistent('/'), 2913, 3907, ok, null),
    op(2, 1001, create('/a', 'v2'), 3946, 4488, made('/a'), Z(3)),
    op(3, 1001, { type: 'delete', path: '/a', version: 0 }, 4789, 5067, ok, null),
    op(5, 1003, create('/a/s-', 'v3', 'ephemeralSequential'), 7364, null, null, null, { server: 2 }),
    event(1001, 'NodeChildrenChanged', '/', 4340, Z(3)),
    { kind: 'session', client: 1, session: 1001, server: 1, state: 'CONNECTED', atUs: 4587 },
    event(1001, 'NodeChildrenChanged', '/', 5032, Z(4)),
    ...(twice ? [event(1001, 'NodeChildrenChanged', '/', 5033, Z(4))] : []),
  ];

  it('NodeChildrenChanged / twice at 1:4: impossible', () => {
    expect(both(records(true))).toEqual({ zabsim: 'violated', possible: false });
  });

  it('once: possible', () => {
    expect(both(records(false))).toEqual({ zabsim: 'ok', possible: true });
  });
});

describe('a multi that creates one node twice fails, and fires nothing (case 4140195062)', () => {
  // Session 1003's recursive watch on /a/c. NodeCreated /a/c at 1:2 may be 1002's lost create /a/c or 1003's lost
  // multi, which creates /a/c twice (nodeExists at its third sub-op, PrepRequestProcessor: it fails whatever the
  // tree); the certain multi of 1002 makes /a/c once. So no txn fires NodeCreated /a/c twice.
  const records = (twice: boolean) => [
    op(0, 1002, create('/a/c', 'v1', 'ephemeral'), 202, null, null, null, { server: 2 }),
    op(1, 1003, { type: 'multi', ops: [create('/a/c', 'v2'), create('/a/s-', 'v3', 'ephemeralSequential'), create('/a/c', 'v4', 'ephemeral')] }, 1874, null, null, null, {
      server: 3,
    }),
    op(
      2,
      1002,
      { type: 'multi', ops: [create('/b', 'v5'), create('/a', 'v6'), create('/a/s-', 'v7', 'ephemeralSequential')] },
      2898,
      4879,
      { rc: 'ok', results: [made('/b'), made('/a'), made('/a/s-0000000000')] },
      null,
      { server: 2 },
    ),
    op(3, 1003, recursive('/a/c'), 2936, 3831, ok, null, { server: 2 }),
    op(
      4,
      1002,
      { type: 'multi', ops: [{ type: 'check', path: '/a', version: -1 }, { type: 'delete', path: '/a/s-0000000000', version: 0 }, create('/a/c', 'v8', 'ephemeral')] },
      4920,
      5104,
      { rc: 'ok', results: [ok, ok, made('/a/c')] },
      null,
      { server: 2 },
    ),
    event(1003, 'NodeCreated', '/a/c', 6208, Z(2), 2),
    ...(twice ? [event(1003, 'NodeCreated', '/a/c', 6209, Z(2), 2)] : []),
  ];

  it('NodeCreated /a/c twice at 1:2: impossible', () => {
    expect(both(records(true))).toEqual({ zabsim: 'violated', possible: false });
  });

  it('once: possible', () => {
    expect(both(records(false))).toEqual({ zabsim: 'ok', possible: true });
  });
});

describe("a multi that fails alone makes no ephemeral for its session's end to delete (case 3316121879)", () => {
  // Session 1004's persistent watch on /; /a (1:2) and /a/c (1:3) are made. 1002's lost multi creates the ephemeral /b
  // and sets /a/c twice expecting version 0 (the second finds version 1: it fails whatever the tree,
  // PrepRequestProcessor.checkAndIncVersion), so neither it nor 1002's end changes /'s children after the watch.
  // The twin's second setData expects version 1: the multi can be the txn at 1:6.
  const records = (fails: boolean) => [
    op(1, 1003, create('/a', 'v2'), 1990, 2293, made('/a'), Z(2)),
    op(2, 1001, create('/a/c', 'v3'), 2342, 3283, made('/a/c'), Z(3), { server: 2 }),
    op(
      5,
      1002,
      {
        type: 'multi',
        ops: [create('/b', 'v4', 'ephemeral'), { type: 'setData', path: '/a/c', data: 'v5', version: 0 }, { type: 'setData', path: '/a/c', data: 'v6', version: fails ? 0 : 1 }],
      },
      6798,
      null,
      null,
      null,
    ),
    op(8, 1004, persistent('/'), 9750, 10762, ok, null),
    event(1004, 'NodeChildrenChanged', '/', 12786, Z(6)),
  ];

  it('NodeChildrenChanged / at 1:6 from the failing multi (or its end): impossible', () => {
    expect(both(records(true))).toEqual({ zabsim: 'violated', possible: false });
  });

  it('a multi that can succeed: possible', () => {
    expect(both(records(false))).toEqual({ zabsim: 'ok', possible: true });
  });
});

describe("a create is not the txn at 1:4 when its session's delete at 1:5 finds no node (case 228332486)", () => {
  // Session 1001 sends create /b (ephemeral, reply lost), adds a persistent watch on / and deletes /b: noNode at 1:5,
  // checked against the state every txn below 1:5 left. NodeChildrenChanged / at 1:4 names its txn exactly (a
  // persistent watch), and only the create or 1001's end can change /'s children. The create at 1:4 would leave /b
  // there at 1:4 with nothing to delete it (no delete op; 1001 had not ended when its delete was answered), and
  // 1001's end is above every state its replies showed (1:5). The twin's delete finds /b (the create at 1:4) and
  // fires NodeChildrenChanged / at 1:5 before its reply.
  const records = (found: boolean) => [
    op(0, 1001, create('/b', 'v1', 'ephemeral'), 773, null, null, null),
    op(6, 1001, persistent('/'), 6976, 7440, ok, null),
    op(8, 1001, { type: 'delete', path: '/b', version: -1 }, 8918, 9967, found ? ok : { rc: 'noNode' }, Z(5)),
    event(1001, 'NodeChildrenChanged', '/', 8994, Z(4)),
    ...(found ? [event(1001, 'NodeChildrenChanged', '/', 9500, Z(5))] : []),
  ];

  it('the delete answered noNode: impossible', () => {
    expect(both(records(false))).toEqual({ zabsim: 'violated', possible: false });
  });

  it('the delete found /b: possible', () => {
    expect(both(records(true))).toEqual({ zabsim: 'ok', possible: true });
  });
});

describe('a duplicate NodeChildrenChanged needs a txn that can hold its zxid (case 228332486, unminimized)', () => {
  // Session 1001's persistent watch on /: NodeChildrenChanged / twice at 1:4. 1002's lost multi making /b and /a would
  // fire it twice, but 1003's delete /b answered noNode at 1:5 shows /b missing at 1:4 and no op deletes /b: the multi
  // is not at 1:4, and 1001's lost create /a fires it once. The twin gets it once.
  const records = (twice: boolean) => [
    op(1, 1001, persistent('/'), 100, 200, ok, null),
    op(2, 1002, { type: 'multi', ops: [create('/b', 'v1'), create('/a', 'v2')] }, 300, null, null, null),
    op(3, 1001, create('/a', 'v3'), 350, null, null, null),
    op(4, 1003, { type: 'delete', path: '/b', version: -1 }, 400, 900, { rc: 'noNode' }, Z(5)),
    event(1001, 'NodeChildrenChanged', '/', 1000, Z(4)),
    ...(twice ? [event(1001, 'NodeChildrenChanged', '/', 1001, Z(4))] : []),
  ];

  it('twice: impossible', () => {
    expect(both(records(true))).toEqual({ zabsim: 'violated', possible: false });
  });

  it('once: possible', () => {
    expect(both(records(false))).toEqual({ zabsim: 'ok', possible: true });
  });
});

describe('a write without a zxid is at or above its floor, and an error reply is a txn (case 2103537079)', () => {
  // Session 1001's recursive watch on /a. 1004's create /a/c is answered noNode (a txn: PrepRequestProcessor gives it
  // a zxid before its checks) after the ENDED record at 1:3 came, so it is at 1:4 or above, with /a missing below
  // it: 1002's lost create /a is not at 1:4 (nothing deletes /a), and 1004's create /a, sent after that reply, is
  // above it. NodeCreated /a at 1:4 has no cause; at 1:5 it is 1004's create.
  const records = (at: number) => [
    op(0, 1001, recursive('/a'), 967, 1991, ok, null),
    op(3, 1002, create('/a', 'v3'), 3517, null, null, null, { server: 2 }),
    op(8, 1004, create('/a/c', 'v5', 'ephemeral'), 8505, 9364, { rc: 'noNode' }, null),
    op(9, 1004, create('/a', 'v6'), 9388, 10842, made('/a'), null, { server: 2 }),
    { kind: 'session', client: null, session: 1003, server: null, state: 'ENDED', atUs: 6188, zxid: Z(3) },
    event(1001, 'NodeCreated', '/a', 10326, at),
  ];

  it('NodeCreated /a at 1:4: impossible', () => {
    expect(both(records(Z(4)))).toEqual({ zabsim: 'violated', possible: false });
  });

  it('at 1:5: possible', () => {
    expect(both(records(Z(5)))).toEqual({ zabsim: 'ok', possible: true });
  });
});

describe("a one-shot watch fires at the first change after it, a certain write's zxid bounded by a reply that needs it (case 823624439)", () => {
  // Session 1001 lists / (no /a: a child watch), then creates /a (ok, no zxid); 1002 deletes /a at 1:3, and that
  // create is /a's one create, so it is at 1:2 or below. It changed /'s children after the listing (sent after its
  // reply) and fired the watch there (WatchManager.triggerWatch removes a one-shot watch as it fires): the event
  // names the create's zxid, not the delete's. The twin's event is at 1:2.
  const records = (at: number) => [
    op(4, 1001, { type: 'getChildren', path: '/', watch: true }, 4898, 5973, { rc: 'ok', children: ['zookeeper'] }, null, { server: 3 }),
    op(5, 1002, { type: 'delete', path: '/a', version: 0 }, 5408, 7435, ok, Z(3)),
    op(6, 1001, create('/a', 'v4'), 5978, 7008, made('/a'), null, { server: 3 }),
    event(1001, 'NodeChildrenChanged', '/', 6391, at, 3),
  ];

  it('NodeChildrenChanged / at 1:3: impossible', () => {
    expect(both(records(Z(3)))).toEqual({ zabsim: 'violated', possible: false });
  });

  it('at 1:2: possible', () => {
    expect(both(records(Z(2)))).toEqual({ zabsim: 'ok', possible: true });
  });
});
