// Proves that zabsim and the reference checker agree on the round-13 cases r13f settled: a lost create whose parent
// only another create of the history makes is at least one txn above the least zxid (1:1), so above a watch
// registered at 1:1, and its NodeCreated is owed; a watch added on a session's new connection is registered at or
// above every reply header the session got before (sweep case 654008339). Each impossible history has a possible twin.
import { describe, expect, it } from 'vitest';
import { both, event, op } from './differential-records.js';
import { Z } from './history-builders.js';
import { create, ended, persistent, recursive } from './persistent-records.js';

describe('a lost create under a lost create is above a registration at 1:1 (sweep case 4109535699)', () => {
  // Session 1002's creates of /a and /a/c are lost. 1001's recursive watch on / is registered at state 1:1 (its reply
  // header). Its setData /a/c (version 0, at 1:5) proves /a/c made, and /a/c's create needs /a there: /a's create is
  // a txn at 1:1 or above (epoch-zero.ts), so /a/c's is at 1:2 or above, after the registration, and its NodeCreated
  // /a/c comes before NodeDataChanged /a/c at 1:5 on this connection (WatchManager.triggerWatch, one FIFO socket).
  const records = (withCreated: boolean) => [
    op(0, 1002, create('/a', 'v1'), 200, null, null, null),
    op(3, 1002, create('/a/c', 'v3'), 3000, null, null, null),
    op(5, 1001, recursive('/'), 5000, 6000, { rc: 'ok' }, null, { readZxid: Z(1) }),
    op(8, 1001, { type: 'setData', path: '/a/c', data: 'v7', version: 0 }, 9000, 9500, { rc: 'ok', version: 1 }, Z(5)),
    ...(withCreated ? [event(1001, 'NodeCreated', '/a/c', 7000, Z(4))] : []),
    event(1001, 'NodeDataChanged', '/a/c', 9400, Z(5)),
  ];

  it('no NodeCreated /a/c before NodeDataChanged /a/c: impossible', () => {
    expect(both(records(false))).toEqual({ zabsim: 'violated', possible: false });
  });

  it('with NodeCreated /a/c at 1:4 first: possible', () => {
    expect(both(records(true))).toEqual({ zabsim: 'ok', possible: true });
  });
});

describe('a watch added on a new connection is registered at or above the replies the session saw before (sweep case 654008339)', () => {
  // Session 1002 made /a (1:1) and its ephemeral child /a/c (1:2), and ended at 1:3 (deleting /a/c). Session 1003's
  // exists /a answered from 1:3; it then connected again and added a persistent watch on /a. The new server took the
  // connection only with its state at or above 1:3 (ZooKeeperServer.processConnectRequest refuses a client whose
  // lastZxidSeen is ahead), so the watch was registered after the end's txn: NodeChildrenChanged /a at 1:3 is no
  // event of it. With the exists answered from 1:2, the watch may be registered before the end.
  const records = (header: number) => [
    op(0, 1002, create('/a', 'v1'), 100, 500, { rc: 'ok', path: '/a' }, Z(1)),
    op(1, 1002, create('/a/c', 'v2', 'ephemeral'), 600, 900, { rc: 'ok', path: '/a/c' }, Z(2)),
    op(2, 1003, { type: 'exists', path: '/a' }, 1000, 1500, { rc: 'ok', exists: true, version: 0, mzxid: Z(1), ephemeralOwner: 0 }, null, { readZxid: Z(header) }),
    { kind: 'session', client: 3, session: 1003, server: 1, state: 'CONNECTED', atUs: 1600 },
    op(3, 1003, persistent('/a'), 2000, 2500, { rc: 'ok' }, null),
    ended(1002, Z(3), 2600),
    event(1003, 'NodeChildrenChanged', '/a', 3000, Z(3)),
  ];

  it('the exists answered from 1:3: impossible', () => {
    expect(both(records(3))).toEqual({ zabsim: 'violated', possible: false });
  });

  it('the exists answered from 1:2: possible', () => {
    expect(both(records(2))).toEqual({ zabsim: 'ok', possible: true });
  });
});
