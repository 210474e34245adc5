// Proves that zabsim and the reference checker agree on round 12's real-time and write-result shapes (cb12, open
// cases of the 100k sweep seed 2600000): a write answered with an error rc is still a txn (an error txn) ordered by
// real time, so its session's later reads lie above every write that completed before it was sent; each impossible
// history has a possible twin.
import { describe, expect, it } from 'vitest';
import { both, event, op } from './differential-records.js';
import { Z } from './history-builders.js';

describe('a write answered with an error rc and no zxid orders its session after the writes that completed before it (case 3466202046)', () => {
  // Client 1 sets /k1 at 1:3. Client 3 then sends a kvCas of /k2 that fails (badVersion): PrepRequestProcessor still
  // logs it as an error txn, above 1:3, since 1:3 completed before it was sent. Client 3's next kvGet comes after that
  // txn in session order, so it cannot miss /k1. Sent before 1:3 completed, the cas may lie below it: possible.
  const kv = (casInvokeUs: number) => [
    op(4, 1001, { type: 'kvCas', path: '/k1', data: 'v4', version: -1 }, 4843, 5685, { rc: 'ok', version: 0 }, Z(3), { session: null }),
    op(7, 1003, { type: 'kvCas', path: '/k2', data: 'v6', version: 1 }, casInvokeUs, 8254, { rc: 'badVersion' }, null, { session: null }),
    op(6, 1003, { type: 'kvGet', path: '/k1' }, 8283, 9126, { rc: 'ok', exists: false }, null, { session: null }),
  ];

  it('the failed kvCas sent after 1:3 completed: impossible', () => {
    expect(both(kv(7433))).toEqual({ zabsim: 'violated', possible: false });
  });

  it('the failed kvCas sent before 1:3 completed: possible', () => {
    expect(both(kv(5000))).toEqual({ zabsim: 'ok', possible: true });
  });

  // The same rule on the zk ops: a setData of a missing node fails with noNode, an error txn just the same. Sent
  // after 1:3 completed it is above 1:3; sent before, it may be the txn at 1:2, and the read may lie between.
  const zk = (failedInvokeUs: number) => [
    op(1, 1001, { type: 'create', path: '/a', data: 'v1', mode: 'persistent' }, 100, 200, { rc: 'ok', path: '/a' }, Z(1)),
    op(2, 1001, { type: 'setData', path: '/a', data: 'v2', version: -1 }, 300, 400, { rc: 'ok', version: 1 }, Z(3)),
    op(3, 1002, { type: 'setData', path: '/b', data: 'v3', version: -1 }, failedInvokeUs, 600, { rc: 'noNode' }, null),
    op(4, 1002, { type: 'getData', path: '/a' }, 700, 800, { rc: 'ok', data: 'v1', version: 0 }, null),
  ];

  it('a setData answered noNode sent after 1:3 completed, then a read of the value before 1:3: impossible', () => {
    expect(both(zk(500))).toEqual({ zabsim: 'violated', possible: false });
  });

  it('the same setData sent before 1:3 completed: possible', () => {
    expect(both(zk(350))).toEqual({ zabsim: 'ok', possible: true });
  });
});

describe("a session's writes answered without a zxid take increasing zxids, counted across partitions (case 3261198996)", () => {
  // Session 1002 sets /a (no zxid), then a multi that fails notEmpty (an error txn, no zxid), then creates /b (no
  // zxid), all below its end at 1:8: three txns in issue order. Session 1003's multi at 1:5 comes before its read of
  // /a, so a read at version 0 puts the setData above 1:5, and the three would need three free zxids in 1:6..1:7.
  // The read search counts zxids per partition of paths, and /b is in another one; the session's order carries it.
  const records = (version: number) => [
    op(0, 1003, { type: 'create', path: '/a', data: 'v1', mode: 'persistent' }, 803, 4118, { rc: 'ok', path: '/a' }, Z(1)),
    op(5, 1002, { type: 'setData', path: '/a', data: 'v4', version: -1 }, 5488, 7732, { rc: 'ok', version: 1 }, null),
    op(
      6,
      1003,
      {
        type: 'multi',
        ops: [
          { type: 'create', path: '/a', data: 'v5', mode: 'persistent' },
          { type: 'create', path: '/a/c', data: 'v6', mode: 'ephemeral' },
        ],
      },
      6482,
      7129,
      { rc: 'nodeExists', results: [{ rc: 'nodeExists' }, { rc: 'runtimeInconsistency' }] },
      Z(5),
    ),
    op(
      7,
      1002,
      {
        type: 'multi',
        ops: [
          { type: 'create', path: '/a/c', data: 'v7', mode: 'persistent' },
          { type: 'delete', path: '/a', version: 1 },
        ],
      },
      7780,
      8789,
      { rc: 'notEmpty', results: [{ rc: 'ok' }, { rc: 'notEmpty' }] },
      null,
    ),
    op(8, 1003, { type: 'exists', path: '/a' }, 8527, 11314, { rc: 'ok', version, exists: true }, null),
    op(9, 1002, { type: 'create', path: '/b', data: 'v8', mode: 'ephemeral' }, 8946, 10714, { rc: 'ok', path: '/b' }, null),
    { kind: 'session', client: null, session: 1002, server: null, state: 'ENDED', atUs: 11202, zxid: Z(8) },
  ];

  it('the read at version 0: impossible', () => {
    expect(both(records(0))).toEqual({ zabsim: 'violated', possible: false });
  });

  it('the read at version 1: possible', () => {
    expect(both(records(1))).toEqual({ zabsim: 'ok', possible: true });
  });
});

describe("a write's reply shows a state above the creates of the nodes its session read before (case 1698854916)", () => {
  // Session 1002 sees /b (created by a lost create, so at 1:1 or above) with an exists watch, then sends a setData
  // that fails badVersion: an error txn above the create, and not 1:2, where the multi of session 1001 sets /b (its
  // NodeDataChanged names 1:2). So the failed setData's reply reflects 1:2, and the event must come before it.
  const records = (eventUs: number) => [
    op(1, 1001, { type: 'create', path: '/b', data: 'v1', mode: 'ephemeral' }, 1732, null, null, null),
    op(2, 1002, { type: 'exists', path: '/b', watch: true }, 2457, 3340, { rc: 'ok', version: 0, exists: true }, null),
    op(
      4,
      1001,
      {
        type: 'multi',
        ops: [
          { type: 'setData', path: '/b', data: 'v2', version: -1 },
          { type: 'setData', path: '/b', data: 'v3', version: -1 },
        ],
      },
      4835,
      7182,
      {
        rc: 'ok',
        results: [
          { rc: 'ok', version: 1 },
          { rc: 'ok', version: 2 },
        ],
      },
      null,
    ),
    op(5, 1002, { type: 'setData', path: '/b', data: 'v4', version: 1 }, 5029, 5781, { rc: 'badVersion' }, null),
    event(1002, 'NodeDataChanged', '/b', eventUs, Z(2)),
  ];

  it('the event after the failed setData’s reply: impossible', () => {
    expect(both(records(5933))).toEqual({ zabsim: 'violated', possible: false });
  });

  it('the event before that reply: possible', () => {
    expect(both(records(5700))).toEqual({ zabsim: 'ok', possible: true });
  });
});

describe('a session end no client saw fired no event before a write its session sent later got a reply (case 3004029155)', () => {
  // Session 1002 creates the ephemeral /b (reply lost), lists / with a watch, reconnects, and gets NodeChildrenChanged
  // / at 1:5; then its multi deletes /b. Nothing else changes /'s children after the listing. The session's own end
  // could delete /b, but not before the event arrived: the multi sent after it got a reply, and a closed session's
  // request is answered sessionExpired. Sent before the event arrived, the multi may be the txn at 1:5.
  const records = (multiInvokeUs: number) => [
    op(0, 1001, { type: 'exists', path: '/a', watch: true }, 183, 1375, { rc: 'ok', exists: false }, null),
    op(1, 1001, { type: 'create', path: '/a', data: 'v1', mode: 'persistent' }, 1652, 2104, { rc: 'ok', path: '/a' }, null),
    op(7, 1002, { type: 'create', path: '/b', data: 'v2', mode: 'ephemeral' }, 7172, null, null, null),
    op(8, 1002, { type: 'getChildren', path: '/', watch: true }, 8765, 9955, { rc: 'ok', children: ['a', 'b', 'zookeeper'] }, null),
    op(
      13,
      1002,
      {
        type: 'multi',
        ops: [
          { type: 'setData', path: '/b', data: 'v5', version: 0 },
          { type: 'delete', path: '/b', version: -1 },
          { type: 'setData', path: '/a', data: 'v6', version: -1 },
        ],
      },
      multiInvokeUs,
      18147,
      { rc: 'ok', results: [{ rc: 'ok', version: 1 }, { rc: 'ok' }, { rc: 'ok', version: 1 }] },
      null,
    ),
    event(1001, 'NodeCreated', '/a', 2094, Z(1)),
    { kind: 'session', client: 2, session: 1002, server: 1, state: 'CONNECTED', atUs: 10964 },
    event(1002, 'NodeChildrenChanged', '/', 14261, Z(5)),
  ];

  it('the multi sent after the event arrived: impossible', () => {
    expect(both(records(16987))).toEqual({ zabsim: 'violated', possible: false });
  });

  it('the multi sent before: possible', () => {
    expect(both(records(13790))).toEqual({ zabsim: 'ok', possible: true });
  });
});

describe('a child watch is not fired by a delete of a child its listing lacked, on its own connection (case 1853086694)', () => {
  // Session 1001 creates the ephemeral /b (reply lost); its multi at 1:3 finds /b there (the first setData is ok
  // before the multi fails), so the create is below 1:3. Session 1004 lists / with a watch and gets
  // NodeChildrenChanged / at 1:7. Without /b in the listing, the watch was set before the create (which fires it
  // below 1:3) or after /b was gone: neither the create nor session 1001's end can be the txn at 1:7. With /b
  // listed, the end of session 1001 at 1:7 deletes it and fires the watch.
  const records = (children: string[]) => [
    op(1, 1001, { type: 'create', path: '/b', data: 'v3', mode: 'ephemeral' }, 1842, null, null, null),
    op(
      3,
      1001,
      {
        type: 'multi',
        ops: [
          { type: 'setData', path: '/b', data: 'v4', version: -1 },
          { type: 'setData', path: '/b', data: 'v5', version: 0 },
          { type: 'create', path: '/a', data: 'v6', mode: 'persistent' },
        ],
      },
      3875,
      5294,
      { rc: 'badVersion', results: [{ rc: 'ok' }, { rc: 'badVersion' }, { rc: 'runtimeInconsistency' }] },
      Z(3),
    ),
    op(8, 1004, { type: 'getChildren', path: '/', watch: true }, 9977, 10293, { rc: 'ok', children }, null, { client: 1 }),
    event(1004, 'NodeChildrenChanged', '/', 11006, Z(7)),
  ];

  it('the listing without /b: impossible', () => {
    expect(both(records(['zookeeper']))).toEqual({ zabsim: 'violated', possible: false });
  });

  it('the listing with /b: possible', () => {
    expect(both(records(['b', 'zookeeper']))).toEqual({ zabsim: 'ok', possible: true });
  });
});
