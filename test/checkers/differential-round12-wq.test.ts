// Proves that zabsim and the reference checker agree on the 100k sweep's (seed 3300000) persistent-watch shape where a
// write without a zxid surely took effect at or below a reply's state and after the watch's registration on that
// reply's connection: a certain write bounded by its ceiling (its session's end), and a lost create a later write
// proves (the node was there); its event was owed before that reply. And by the reply that proves it, with no zxid
// known: a read on the watch's connection that shows a node whose one create was sent after the addWatch returned,
// lost or certain. And one txn's events come together: after an event whose one possible cause is a multi, the
// multi's other changes the watch covers are owed before the next reply on that connection. Each impossible history
// has a possible twin.
import { describe, expect, it } from 'vitest';
import { both, event, op } from './differential-records.js';
import { Z } from './history-builders.js';
import { create, ended, made, ok, persistent, recursive } from './persistent-records.js';


describe('a certain write without a zxid, below its session end, owes its event before a reply above it (case 2452999239)', () => {
  // Session 1004 holds a persistent watch on /. Session 1002 creates /a (ok, no zxid), sent after the addWatch
  // returned, so its txn is above the registration; 1002 ended at 1:7 and 1004's setData /b holds 1:6, so the create
  // is at or below 1:6 and 1004's server queued NodeChildrenChanged / before the setData's reply.
  const records = (withEvent: boolean) => [
    op(6, 1004, persistent('/'), 7688, 9186, ok, null),
    op(10, 1004, { type: 'setData', path: '/b', data: 'v10', version: -1 }, 11816, 13044, { rc: 'noNode' }, Z(6)),
    op(11, 1002, create('/a'), 11900, 13326, made('/a'), null),
    ...(withEvent ? [event(1004, 'NodeChildrenChanged', '/', 12500, -1)] : []),
    ended(1002, Z(7), 14156),
  ];

  it('no NodeChildrenChanged / before the setData reply: impossible', () => {
    expect(both(records(false))).toEqual({ zabsim: 'violated', possible: false });
  });

  it('with the event before it: possible', () => {
    expect(both(records(true))).toEqual({ zabsim: 'ok', possible: true });
  });
});

describe('a lost create a later write proves owes its event before that write reply (case 1591825295)', () => {
  // Session 1001 holds a recursive watch on /, then sends create /b (reply lost) and setData /b, which finds /b at
  // 1:2: the one create of /b took effect below 1:2, after the watch (sent after the addWatch returned), so its
  // NodeCreated /b was queued before the setData's reply.
  const records = (withCreated: boolean) => [
    op(0, 1001, recursive('/'), 625, 1378, ok, null),
    op(1, 1001, create('/b', 'v1', 'ephemeral'), 1658, null, null, null),
    op(2, 1001, { type: 'setData', path: '/b', data: 'v2', version: -1 }, 2762, 3897, { rc: 'ok', version: 1 }, Z(2)),
    ...(withCreated ? [event(1001, 'NodeCreated', '/b', 2000, Z(1))] : []),
    event(1001, 'NodeDataChanged', '/b', 3183, Z(2)),
  ];

  it('no NodeCreated /b before the setData reply: impossible', () => {
    expect(both(records(false))).toEqual({ zabsim: 'violated', possible: false });
  });

  it('with NodeCreated /b at 1:1 first: possible', () => {
    expect(both(records(true))).toEqual({ zabsim: 'ok', possible: true });
  });
});

describe('a read that shows a node owes the NodeCreated of its one create before its reply, no zxid known (case 2232255043)', () => {
  // Session 1002 holds a recursive watch on /b; session 1001 creates /b (ok, no zxid) after the addWatch returned, so
  // its txn is above the registration; 1002's exists /b (no header zxid) shows /b: its server applied the create,
  // with the watch registered, before answering, so NodeCreated /b came first on that connection.
  const records = (withCreated: boolean) => [
    op(2, 1002, recursive('/b'), 2340, 4278, ok, null),
    op(6, 1001, create('/b', 'v4'), 6807, 7529, made('/b'), null),
    ...(withCreated ? [event(1002, 'NodeCreated', '/b', 7400, -1)] : []),
    op(7, 1002, { type: 'exists', path: '/b' }, 7837, 9504, { rc: 'ok', version: 0, exists: true }, null),
  ];

  it('no NodeCreated /b before the exists reply: impossible', () => {
    expect(both(records(false))).toEqual({ zabsim: 'violated', possible: false });
  });

  it('with NodeCreated /b before it: possible', () => {
    expect(both(records(true))).toEqual({ zabsim: 'ok', possible: true });
  });
});

describe('a read that shows a node proves its lost create, whose event it owes (case 434062914)', () => {
  // Session 1003's create /a has no reply (then 1003 closes), but it is the one create of /a, which 1002's getData
  // shows: it took effect, sent after 1002's persistent watch on / was added, so NodeChildrenChanged / came before the getData's reply.
  const records = (withEvent: boolean) => [
    op(0, 1002, persistent('/'), 550, 5728, ok, null),
    op(6, 1003, create('/a', 'v6'), 6832, null, null, null),
    op(7, 1003, { type: 'closeSession' }, 7805, 8687, ok, null),
    ...(withEvent ? [event(1002, 'NodeChildrenChanged', '/', 9000, -1)] : []),
    op(10, 1002, { type: 'getData', path: '/a' }, 10671, 11323, { rc: 'ok', data: 'v6', version: 0, mzxid: Z(4), ephemeralOwner: 0 }, null),
  ];

  it('no NodeChildrenChanged / before the getData reply: impossible', () => {
    expect(both(records(false))).toEqual({ zabsim: 'violated', possible: false });
  });

  it('with the event before it: possible', () => {
    expect(both(records(true))).toEqual({ zabsim: 'ok', possible: true });
  });
});

describe('one txn queues all its events together: a multi that sets /a twice owes both before the next reply (case 3205945194)', () => {
  // Session 1002's persistent watch on /a got NodeDataChanged /a at 1:2, which only 1003's multi (two setData /a, no
  // zxid) may make: the multi is that txn, and its second setData fired the watch again in the same processTxn,
  // before the server answered anything after it, so the second event came before 1002's getData reply.
  const setData = (data: string, version: number) => ({ type: 'setData', path: '/a', data, version });
  const records = (twice: boolean) => [
    op(0, 1001, create('/a', 'v1'), 122, 5502, made('/a'), Z(1)),
    op(1, 1002, persistent('/a'), 1863, 2349, ok, null),
    op(2, 1003, { type: 'multi', ops: [setData('v2', 0), setData('v3', -1)] }, 2229, 3315, { rc: 'ok', results: [{ rc: 'ok', version: 1 }, { rc: 'ok', version: 2 }] }, null),
    op(4, 1002, { type: 'getData', path: '/a' }, 4005, 5477, { rc: 'ok', data: 'v3', version: 2, mzxid: Z(2), ephemeralOwner: 0 }, null),
    event(1002, 'NodeDataChanged', '/a', 3358, Z(2)),
    ...(twice ? [event(1002, 'NodeDataChanged', '/a', 3359, Z(2))] : []),
  ];

  it('one NodeDataChanged /a at 1:2 before the getData reply: impossible', () => {
    expect(both(records(false))).toEqual({ zabsim: 'violated', possible: false });
  });

  it('both before it: possible', () => {
    expect(both(records(true))).toEqual({ zabsim: 'ok', possible: true });
  });
});
