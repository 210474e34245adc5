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
