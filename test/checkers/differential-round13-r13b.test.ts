// Proves that zabsim and the reference checker agree on the open-round12-wp shape where a reply proves that a write
// without a reply (or a session end no client saw) took effect after a persistent watch's registration, so its event
// was owed before a reply on the watch's connection: proved by a data version (one life, exactly that many setData
// ops that may set it), by a listing of the node, by session order (a later reply of the writer's own session on the
// same connection holds it), by a read of the watch's session showing an ephemeral gone (its session's end), or by a
// create that found the node gone after its earlier create was answered. A lost write's zxid has a floor too (sent
// after a reply: proposed above it), and after a write that found its node missing when nothing deletes it. Each
// impossible history has a possible twin.
import { describe, expect, it } from 'vitest';
import { both, event, op } from './differential-records.js';
import { Z } from './history-builders.js';
import { create, made, ok, persistent, recursive } from './persistent-records.js';

const setData = (path: string, data = 'v') => ({ type: 'setData', path, data, version: -1 });

describe('a setData answered version 2 proves the one other setData of its node took effect (case 1960066333)', () => {
  // /a has one create (1:3) and two setData ops: 1004's (reply lost, sent after 1001's recursive watch on /a was
  // added) and 1001's, answered version 2 at 1:6. Version 2 counts two setData txns of /a's one life at or below
  // 1:6, so the lost one took effect below 1:6 and its NodeDataChanged came before 1001's reply (the one at 1:6 is
  // 1001's own).
  const records = (version: number, withEvent: boolean) => [
    op(4, 1001, recursive('/a'), 4722, 6192, ok, null),
    op(5, 1004, create('/a', 'v2'), 5853, 6806, made('/a'), Z(3)),
    op(8, 1004, setData('/a', 'v3'), 7947, null, null, null),
    ...(withEvent ? [event(1001, 'NodeDataChanged', '/a', 9000, Z(4))] : []),
    op(10, 1001, setData('/a', 'v6'), 10541, 11199, { rc: 'ok', version }, Z(6)),
    event(1001, 'NodeDataChanged', '/a', 11101, Z(6)),
  ];

  it('version 2 and one NodeDataChanged /a: impossible', () => {
    expect(both(records(2, false))).toEqual({ zabsim: 'violated', possible: false });
  });

  it('version 2 with the lost setData event first: possible', () => {
    expect(both(records(2, true))).toEqual({ zabsim: 'ok', possible: true });
  });

  it('version 1 (the lost setData need not have taken effect): possible', () => {
    expect(both(records(1, false))).toEqual({ zabsim: 'ok', possible: true });
  });
});

describe("a lost create of the watch's own session, proved by a later delete, owes its event before the session's close reply (case 1513447175)", () => {
  // 1003 adds a persistent watch on /b, creates /b (reply lost) and closes; 1004's delete of /b at 1:7 proves that
  // create (the only one) took effect. It was sent on 1003's connection before the close, which CommitProcessor
  // served after it: its NodeCreated /b was queued before the close reply.
  const records = (withEvent: boolean) => [
    op(5, 1003, persistent('/b'), 6846, 7702, ok, null),
    op(6, 1003, create('/b', 'v5'), 7797, null, null, null),
    ...(withEvent ? [event(1003, 'NodeCreated', '/b', 8500)] : []),
    op(7, 1003, { type: 'closeSession' }, 8803, 9742, ok, null),
    op(10, 1004, { type: 'delete', path: '/b', version: -1 }, 11975, 12248, ok, Z(7)),
  ];

  it('no NodeCreated /b before the close reply: impossible', () => {
    expect(both(records(false))).toEqual({ zabsim: 'violated', possible: false });
  });

  it('with NodeCreated /b before the close reply: possible', () => {
    expect(both(records(true))).toEqual({ zabsim: 'ok', possible: true });
  });
});

describe('the same, proved by a read of another session (case 2285772239)', () => {
  const records = (withEvent: boolean) => [
    op(0, 1003, recursive('/a'), 260, 1646, ok, null),
    op(1, 1003, create('/a', 'v1'), 1935, null, null, null),
    op(3, 1002, { type: 'getData', path: '/a' }, 3603, 5343, { rc: 'ok', data: 'v1', version: 0 }, null),
    ...(withEvent ? [event(1003, 'NodeCreated', '/a', 3000)] : []),
    op(4, 1003, { type: 'closeSession' }, 3956, 5624, ok, null),
  ];

  it('no NodeCreated /a before the close reply: impossible', () => {
    expect(both(records(false))).toEqual({ zabsim: 'violated', possible: false });
  });

  it('with NodeCreated /a before the close reply: possible', () => {
    expect(both(records(true))).toEqual({ zabsim: 'ok', possible: true });
  });
});

describe('a listing proves its own node; a lost create has a zxid floor (case 2525738771)', () => {
  // 1002's persistent watch on /a is registered at 1:0. 1001's create /a (reply lost) is a txn of 1:1 or more, and
  // 1003's listing of /a at 1:4 shows /a there, so that create (the only one) is at or below 1:4: 1002's close at
  // 1:4 owes its NodeCreated /a.
  const records = (withEvent: boolean) => [
    op(1, 1002, persistent('/a'), 1885, 4250, ok, null, { readZxid: Z(0) }),
    op(3, 1001, create('/a', 'v3'), 3461, null, null, null),
    ...(withEvent ? [event(1002, 'NodeCreated', '/a', 5000)] : []),
    op(4, 1002, { type: 'closeSession' }, 5641, 6832, ok, Z(4)),
    op(5, 1003, { type: 'getChildren', path: '/a' }, 6118, 7171, { rc: 'ok', children: [] }, null, { readZxid: Z(4) }),
  ];

  it('no NodeCreated /a before the close at 1:4: impossible', () => {
    expect(both(records(false))).toEqual({ zabsim: 'violated', possible: false });
  });

  it('with NodeCreated /a before the close reply: possible', () => {
    expect(both(records(true))).toEqual({ zabsim: 'ok', possible: true });
  });
});

describe('a lost create sent after a reply at 1:2 is above a registration at 1:2 (case 3876678385)', () => {
  // 1001's create /a (reply lost) was sent after its create of /b was answered at 1:2, so its txn is above 1:2, the
  // state 1002's persistent watch on /a was registered at; 1002's getData shows /a: NodeCreated /a was owed first.
  const records = (withEvent: boolean) => [
    op(1, 1001, create('/b', 'v2', 'ephemeral'), 1883, 3745, made('/b'), Z(2)),
    op(3, 1001, create('/a', 'v3'), 3953, null, null, null),
    op(4, 1002, persistent('/a'), 4807, 5263, ok, null, { readZxid: Z(2) }),
    ...(withEvent ? [event(1002, 'NodeCreated', '/a', 9000)] : []),
    op(8, 1002, { type: 'getData', path: '/a' }, 8927, 11311, { rc: 'ok', data: 'v3', version: 0 }, null),
  ];

  it('no NodeCreated /a before the getData reply: impossible', () => {
    expect(both(records(false))).toEqual({ zabsim: 'violated', possible: false });
  });

  it('with NodeCreated /a before it: possible', () => {
    expect(both(records(true))).toEqual({ zabsim: 'ok', possible: true });
  });
});

describe("a read showing an ephemeral gone proves its session's end, owed before that read (case 3730538519)", () => {
  // 1001's ephemeral /b is made at 1:1; 1002 adds a persistent watch on /b at 1:1 and then getData /b (no header)
  // finds it gone: its state is at or above 1:1 (the session's earlier reply), so 1001's end deleted /b after the
  // registration, and NodeDeleted /b came before the getData reply.
  const records = (withEvent: boolean) => [
    op(0, 1001, create('/b', 'v1', 'ephemeral'), 527, 1380, made('/b'), Z(1)),
    op(4, 1002, persistent('/b'), 4864, 5252, ok, null, { readZxid: Z(1) }),
    ...(withEvent ? [event(1002, 'NodeDeleted', '/b', 5800)] : []),
    op(5, 1002, { type: 'getData', path: '/b' }, 5511, 6025, { rc: 'noNode' }, null),
  ];

  it('no NodeDeleted /b before the getData reply: impossible', () => {
    expect(both(records(false))).toEqual({ zabsim: 'violated', possible: false });
  });

  it('with NodeDeleted /b before it: possible', () => {
    expect(both(records(true))).toEqual({ zabsim: 'ok', possible: true });
  });
});

describe("a create that finds a node gone after its earlier create was answered proves the owner's end (case 2679773586)", () => {
  // 1002's ephemeral /b (ok, no zxid) is answered before 1003's create of /b is sent, and that create succeeds: /b
  // was deleted in between, by 1002's end, the one thing that may delete it. 1002's create is above 1:1 (sent after
  // the reply at 1:1), so the end is above 1:2, where 1003's watch was registered: NodeDeleted /b was owed before
  // 1003's create reply.
  const records = (withEvent: boolean) => [
    op(1, 1002, create('/a/c', 'v1'), 1203, 2663, { rc: 'noNode' }, Z(1)),
    op(3, 1002, create('/b', 'v2', 'ephemeral'), 3649, 4272, made('/b'), null),
    op(5, 1003, persistent('/b'), 6622, 7033, ok, null, { readZxid: Z(2) }),
    ...(withEvent ? [event(1003, 'NodeDeleted', '/b', 8000, Z(3))] : []),
    op(6, 1003, create('/b', 'v3', 'ephemeral'), 7720, 8438, made('/b'), null),
    event(1003, 'NodeCreated', '/b', 8429, Z(4)),
  ];

  it('no NodeDeleted /b before the create reply: impossible', () => {
    expect(both(records(false))).toEqual({ zabsim: 'violated', possible: false });
  });

  it('with NodeDeleted /b at 1:3 first: possible', () => {
    expect(both(records(true))).toEqual({ zabsim: 'ok', possible: true });
  });
});

describe('a lost create after a write that found its node missing is above a registration that write followed (case 3932133263)', () => {
  // 1002 sends create /a (reply lost), adds a persistent watch on / and closes. 1003's delete of /a, sent after the
  // addWatch returned, finds no /a, and nothing deletes /a; 1001's multi (ok, recorded without sub-results) makes
  // /a/c, so the lost create (the one create of /a) took effect, after that delete, so above the registration, and
  // before the close (same connection): NodeChildrenChanged / was owed before the close reply.
  const records = (withEvent: boolean) => [
    op(0, 1002, create('/a', 'v1'), 787, null, null, null),
    op(1, 1002, persistent('/'), 1448, 2114, ok, null),
    op(2, 1002, { type: 'closeSession' }, 2470, 4874, ok, null),
    op(3, 1003, { type: 'delete', path: '/a', version: -1 }, 3410, 4015, { rc: 'noNode' }, null),
    ...(withEvent ? [event(1002, 'NodeChildrenChanged', '/', 4500)] : []),
    op(6, 1001, { type: 'multi', ops: [create('/b', 'v2'), create('/a/c', 'v3')] }, 6428, 7584, ok, null),
  ];

  it('no NodeChildrenChanged / before the close reply: impossible', () => {
    expect(both(records(false))).toEqual({ zabsim: 'violated', possible: false });
  });

  it('with NodeChildrenChanged / before it: possible', () => {
    expect(both(records(true))).toEqual({ zabsim: 'ok', possible: true });
  });
});

describe('a listing that lacks a child proves its one deleter took effect (case 3062860613)', () => {
  // 1001 holds a persistent watch on /a, makes /a/c at 1:2, sends delete /a/c (reply lost) and lists /a (no header):
  // the listing lacks c, made before by its own session, so the delete (the only one) took effect, sent after the
  // watch was added and before the listing on the same connection: its NodeChildrenChanged /a came first.
  const records = (children: string[], withEvent: boolean) => [
    op(0, 1001, create('/a', 'v1'), 989, 1500, made('/a'), Z(1)),
    op(1, 1001, persistent('/a'), 1878, 2179, ok, null),
    op(6, 1001, create('/a/c', 'v2'), 6646, 7629, made('/a/c'), Z(2)),
    event(1001, 'NodeChildrenChanged', '/a', 7209, Z(2)),
    op(8, 1001, { type: 'delete', path: '/a/c', version: -1 }, 8982, null, null, null),
    ...(withEvent ? [event(1001, 'NodeChildrenChanged', '/a', 11000)] : []),
    op(11, 1001, { type: 'getChildren', path: '/a' }, 11689, 12401, { rc: 'ok', children }, null),
  ];

  it('c missing and no NodeChildrenChanged /a after the delete was sent: impossible', () => {
    expect(both(records([], false))).toEqual({ zabsim: 'violated', possible: false });
  });

  it('c missing with the event before the listing: possible', () => {
    expect(both(records([], true))).toEqual({ zabsim: 'ok', possible: true });
  });

  it('c still listed (the delete need not have taken effect): possible', () => {
    expect(both(records(['c'], false))).toEqual({ zabsim: 'ok', possible: true });
  });
});

describe("a later read of the writer's session that finds a node missing bounds a certain write's zxid (case 3884305251)", () => {
  // 1001's delete /b (ok, no zxid; /b's one create is lost, so the delete is above 1:1) and then its getData /a, which
  // finds no /a: /a is made at 1:3 and nothing deletes it, so that read's state, which holds the delete, is below 1:3.
  // The delete is above 1:1, where 1002's watch on /b was registered, and below 1002's create at 1:3: NodeDeleted /b
  // was owed before that create's reply.
  const records = (found: boolean, withEvent: boolean) => [
    op(0, 1001, create('/b', 'v1'), 662, null, null, null),
    op(2, 1001, { type: 'delete', path: '/b', version: 0 }, 1691, 4877, ok, null),
    op(3, 1002, persistent('/b'), 2298, 4068, ok, null, { readZxid: Z(1) }),
    ...(withEvent ? [event(1002, 'NodeDeleted', '/b', 6000)] : []),
    op(4, 1002, create('/a', 'v3'), 4463, 7795, made('/a'), Z(3)),
    op(5, 1001, { type: 'getData', path: '/a' }, 5741, 6780, found ? { rc: 'ok', data: 'v3', version: 0 } : { rc: 'noNode' }, null),
  ];

  it('no NodeDeleted /b before the create reply at 1:3: impossible', () => {
    expect(both(records(false, false))).toEqual({ zabsim: 'violated', possible: false });
  });

  it('with NodeDeleted /b before it: possible', () => {
    expect(both(records(false, true))).toEqual({ zabsim: 'ok', possible: true });
  });

  it('the read finds /a (the delete may be above 1:3): possible', () => {
    expect(both(records(true, false))).toEqual({ zabsim: 'ok', possible: true });
  });
});

describe('a lost setData in a life a delete expecting version 0 ended explains no NodeDataChanged (case 2018821312)', () => {
  // /b's creates are both answered (1:1, 1:4) before 1002's setData /b (reply lost) is sent, so that setData comes in
  // /b's last life or after it; 1002's delete of /b expecting version 0 succeeds in that life, so no setData took
  // effect there before it, and after it /b is gone: the setData failed, and NodeDataChanged /b at 1:5 for 1002's
  // getData watch has no cause. With the delete expecting any version the setData may be the event's txn.
  const records = (version: number) => [
    op(1, 1001, create('/b', 'v1'), 1463, 2699, made('/b'), Z(1)),
    op(3, 1001, { type: 'delete', path: '/b', version: 0 }, 3956, 4519, ok, null),
    op(7, 1002, create('/b', 'v2', 'ephemeral'), 8861, 9733, made('/b'), Z(4)),
    op(8, 1002, setData('/b', 'v3'), 9981, null, null, null),
    op(9, 1002, { type: 'getData', path: '/b', watch: true }, 10954, 11891, { rc: 'ok', data: 'v2', version: 0, mzxid: Z(4), ephemeralOwner: 1002 }, null),
    { kind: 'session', client: 2, session: 1002, server: 1, state: 'CONNECTED', atUs: 11907 },
    op(10, 1002, { type: 'delete', path: '/b', version }, 11910, 12030, ok, null),
    event(1002, 'NodeDataChanged', '/b', 12021, Z(5)),
  ];

  it('the delete expects version 0: impossible', () => {
    expect(both(records(0))).toEqual({ zabsim: 'violated', possible: false });
  });

  it('the delete expects any version: possible', () => {
    expect(both(records(-1))).toEqual({ zabsim: 'ok', possible: true });
  });
});
