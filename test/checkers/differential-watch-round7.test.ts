// Proves that zabsim and the reference checker agree on the round-7 watch shapes (sweeps 940000, 951000):
// a write's reply that shows a watched path otherwise than the watch-setting read saw it owes the watch's
// event first, and a change at a zxid above a read's mzxid came after that read's state.
import { describe, expect, it } from 'vitest';
import { Z } from './history-builders.js';
import { both as judge, event, op, type Rec } from './differential-records.js';

/** Both checkers' answers on the history (see differential-records.ts). */
const both = (records: readonly object[]) => judge(records, 'round7.ndjson');

describe("a write's reply shows a watched path changed since the watch was set", () => {
  // Session 1002 watches /b (missing), 1001 creates it, then 1002's multi checks /b (ok: it is there) and
  // fails on its setData's version: the create came between, so NodeCreated is owed before that reply. Case 2463011946.
  const history = (events: Rec[]) => [
    op(1, 1002, { type: 'exists', path: '/b', watch: true }, 1171, 3846, { rc: 'ok', exists: false }, null),
    op(2, 1001, { type: 'create', path: '/b', data: 'v1', mode: 'ephemeral' }, 2361, 3364, { rc: 'ok', path: '/b' }, Z(1)),
    op(
      4,
      1002,
      {
        type: 'multi',
        ops: [
          { type: 'check', path: '/b', version: -1 },
          { type: 'setData', path: '/b', data: 'v2', version: 1 },
        ],
      },
      3897,
      5463,
      { rc: 'badVersion', results: [{ rc: 'ok' }, { rc: 'badVersion' }] },
      Z(2),
    ),
    ...events,
  ];
  it('a failed multi whose check found the node: no NodeCreated before its reply is impossible', () => {
    expect(both(history([]))).toEqual({ zabsim: 'violated', possible: false });
  });
  it('with the event before the reply it is possible', () => {
    expect(both(history([event(1002, 'NodeCreated', '/b', 4000)]))).toEqual({ zabsim: 'ok', possible: true });
  });

  // Session 1002 lists / ([zookeeper]) with a watch, 1001 creates /a, then 1002's own create of /a/c succeeds:
  // /a was there, so the child watch on / fired first. Case 4266945855.
  const childHistory = (events: Rec[]) => [
    op(2, 1002, { type: 'getChildren', path: '/', watch: true }, 2936, 3628, { rc: 'ok', children: ['zookeeper'] }, null),
    op(4, 1001, { type: 'create', path: '/a', data: 'v2', mode: 'persistent' }, 3753, 6150, { rc: 'ok', path: '/a' }, Z(2)),
    op(6, 1002, { type: 'create', path: '/a/c', data: 'v3', mode: 'persistent' }, 5243, 7654, { rc: 'ok', path: '/a/c' }, null),
    ...events,
  ];
  it("an own create under a node the listing did not name: the parent's NodeChildrenChanged is owed first", () => {
    expect(both(childHistory([]))).toEqual({ zabsim: 'violated', possible: false });
    expect(both(childHistory([event(1002, 'NodeChildrenChanged', '/', 7000)]))).toEqual({ zabsim: 'ok', possible: true });
  });

  // Session 1002 watches /b (missing) on its first connection, 1001 creates /b, and 1002 on a new connection
  // deletes /b with a wrong version (badVersion: /b is there). setWatches fired the watch or registered it
  // before the create reached that server: NodeCreated is owed before the reply. Case 2957783111.
  const reconnectHistory = (events: Rec[]) => [
    op(0, 1002, { type: 'exists', path: '/b', watch: true }, 846, 1328, { rc: 'ok', exists: false }, null),
    op(3, 1001, { type: 'create', path: '/b', data: 'v3', mode: 'ephemeral' }, 3864, 4164, { rc: 'ok', path: '/b' }, null),
    op(6, 1002, { type: 'delete', path: '/b', version: 1 }, 6994, 7074, { rc: 'badVersion' }, Z(4)),
    { kind: 'session', client: 2, session: 1002, server: 3, state: 'CONNECTED', atUs: 6822 },
    ...events,
  ];
  it('an exists watch from an older connection, and a write on the new one that finds the node', () => {
    expect(both(reconnectHistory([]))).toEqual({ zabsim: 'violated', possible: false });
    expect(both(reconnectHistory([event(1002, 'NodeCreated', '/b', 6900)]))).toEqual({ zabsim: 'ok', possible: true });
  });

  it('a multi whose own first sub-op made the node says nothing about it before the multi', () => {
    // The multi creates /b itself and then checks it: a failed multi is undone, so nothing fired the watch.
    const h = [
      op(1, 1002, { type: 'exists', path: '/b', watch: true }, 1000, 2000, { rc: 'ok', exists: false }, null),
      op(
        2,
        1002,
        {
          type: 'multi',
          ops: [
            { type: 'create', path: '/b', data: 'v1', mode: 'persistent' },
            { type: 'check', path: '/b', version: 3 },
          ],
        },
        3000,
        4000,
        { rc: 'badVersion', results: [{ rc: 'ok' }, { rc: 'badVersion' }] },
        Z(1),
      ),
    ];
    expect(both(h)).toEqual({ zabsim: 'ok', possible: true });
  });
});

describe("a change at a zxid above a read's mzxid came after that read", () => {
  // 1001's getData watch on /a shows version 1 at mzxid 1:3; its own lost multi (create /a/c, setData /a) is the
  // only write that can make /a/c, which a later exists shows at mzxid 1:4: the multi's setData of /a at 1:4
  // came after the watch was set, so NodeDataChanged is owed before that exists reply. Case 3113563851.
  const history = (events: Rec[]) => [
    op(0, 1002, { type: 'create', path: '/a', data: 'v1', mode: 'persistent' }, 742, null, null, null),
    op(4, 1002, { type: 'setData', path: '/a', data: 'v6', version: 0 }, 4369, null, null, null),
    op(5, 1001, { type: 'getData', path: '/a', watch: true }, 5100, 8097, { rc: 'ok', data: 'v6', version: 1, mzxid: Z(3), ephemeralOwner: 0 }, null),
    op(
      9,
      1001,
      {
        type: 'multi',
        ops: [
          { type: 'create', path: '/a/c', data: 'v7', mode: 'persistent' },
          { type: 'setData', path: '/a', data: 'v8', version: -1 },
        ],
      },
      9873,
      null,
      null,
      null,
    ),
    op(11, 1001, { type: 'exists', path: '/a/c' }, 10953, 12919, { rc: 'ok', version: 0, exists: true, mzxid: Z(4), ephemeralOwner: 0 }, null),
    ...events,
  ];
  it('no NodeDataChanged before the exists reply is impossible', () => {
    expect(both(history([]))).toEqual({ zabsim: 'violated', possible: false });
  });
  it('with it, possible', () => {
    expect(both(history([event(1001, 'NodeDataChanged', '/a', 10000)]))).toEqual({ zabsim: 'ok', possible: true });
  });
});

describe('a bound above the zxid of a write recorded without one', () => {
  // 1003 lists /a ([]) with a watch; 1002 deletes /a (ok, no zxid), and its create of /a/c, sent after that
  // delete returned, finds no /a at 1:4: the delete is below 1:4. 1003's close at 1:3 is the only other txn
  // there, so the delete is at or below 1:3, after the listing: NodeDeleted is owed before the close's reply. Case 514856219.
  const history = (events: Rec[]) => [
    op(0, 1002, { type: 'create', path: '/a', data: 'v1', mode: 'persistent' }, 574, 3874, { rc: 'ok', path: '/a' }, Z(1)),
    op(2, 1003, { type: 'getChildren', path: '/a', watch: true }, 2890, 5107, { rc: 'ok', children: [] }, null),
    op(4, 1002, { type: 'delete', path: '/a', version: -1 }, 4004, 6760, { rc: 'ok' }, null),
    op(5, 1003, { type: 'closeSession' }, 5964, 6815, { rc: 'ok' }, Z(3)),
    op(6, 1002, { type: 'create', path: '/a/c', data: 'v3', mode: 'ephemeral' }, 6937, 7974, { rc: 'noNode' }, Z(4)),
    ...events,
  ];
  it('by a write invoked after it returned', () => {
    expect(both(history([]))).toEqual({ zabsim: 'violated', possible: false });
    expect(both(history([event(1003, 'NodeDeleted', '/a', 6800)]))).toEqual({ zabsim: 'ok', possible: true });
  });

  // 1001 creates /b and sets it to version 1 (no zxids); 1002's getData watch shows version 0 at mzxid 1:2; 1002's
  // exists at 1:5 comes later. 1001's failed multi after the setData and its end (ENDED at 1:7) put the setData at
  // or below 1:5, so that exists reflects it: NodeDataChanged is owed first. Case 537113408.
  const chain = (events: Rec[]) => [
    op(1, 1001, { type: 'create', path: '/b', data: 'v2', mode: 'persistent' }, 1869, 2235, { rc: 'ok', path: '/b' }, null),
    op(3, 1001, { type: 'setData', path: '/b', data: 'v3', version: 0 }, 3926, 5457, { rc: 'ok', version: 1 }, null),
    op(4, 1002, { type: 'getData', path: '/b', watch: true }, 4775, 5912, { rc: 'ok', data: 'v2', version: 0, mzxid: Z(2), ephemeralOwner: 0 }, null),
    op(6, 1002, { type: 'exists', path: '/a', watch: true }, 6131, 8636, { rc: 'ok', exists: false }, null, { readZxid: Z(5) }),
    op(
      7,
      1001,
      {
        type: 'multi',
        ops: [
          { type: 'create', path: '/a/c', data: 'v4', mode: 'persistent' },
          { type: 'create', path: '/a/s-', data: 'v5', mode: 'persistentSequential' },
        ],
      },
      6854,
      8974,
      { rc: 'noNode', results: [{ rc: 'noNode' }, { rc: 'runtimeInconsistency' }] },
      null,
    ),
    { kind: 'session', client: null, session: 1001, server: null, state: 'ENDED', atUs: 10155, zxid: Z(7) },
    ...events,
  ];
  it("by the session's later writes and its end", () => {
    expect(both(chain([]))).toEqual({ zabsim: 'violated', possible: false });
    expect(both(chain([event(1002, 'NodeDataChanged', '/b', 6500)]))).toEqual({ zabsim: 'ok', possible: true });
  });
});

describe('an event explained only by a write that cannot be its change', () => {
  // 1001's lost multi is the only op that can make /a/s-0000000000, which 1003's listing of /a shows: the multi
  // is in the listing's state, and nothing changes /a's children after it. Case 1033786374.
  const lost = op(
    3,
    1001,
    {
      type: 'multi',
      ops: [
        { type: 'create', path: '/a', data: 'v2', mode: 'persistent' },
        { type: 'create', path: '/a/s-', data: 'v3', mode: 'persistentSequential' },
      ],
    },
    3731,
    null,
    null,
    null,
  );
  const listing = (children: string[]) => op(7, 1003, { type: 'getChildren', path: '/a', watch: true }, 8852, 10595, { rc: 'ok', children }, null);
  it('a listing that shows the only node a lost write makes puts that write before the watch', () => {
    expect(both([lost, listing(['s-0000000000']), event(1003, 'NodeChildrenChanged', '/a', 11297, Z(6))])).toEqual({
      zabsim: 'violated',
      possible: false,
    });
    expect(both([lost, listing(['s-0000000000'])])).toEqual({ zabsim: 'ok', possible: true });
    // Another session's create under /a, sent before the event arrived, explains it.
    const other = op(9, 1002, { type: 'create', path: '/a/b', data: 'v4', mode: 'persistent' }, 10000, null, null, null);
    expect(both([lost, listing(['s-0000000000']), other, event(1003, 'NodeChildrenChanged', '/a', 11297, Z(6))])).toEqual({ zabsim: 'ok', possible: true });
  });

  // The only creator of /a/c is a lost multi that creates /b twice: it always fails, so NodeCreated /a/c is unexplained. Case 2481236703.
  const history = (twice: boolean) => [
    op(
      2,
      1001,
      {
        type: 'multi',
        ops: [
          { type: 'create', path: '/a/c', data: 'v1', mode: 'persistent' },
          { type: 'create', path: '/b', data: 'v2', mode: 'persistent' },
          ...(twice ? [{ type: 'create', path: '/b', data: 'v3', mode: 'persistent' }] : []),
        ],
      },
      2255,
      null,
      null,
      null,
    ),
    op(5, 1001, { type: 'exists', path: '/a/c', watch: true }, 5360, 6238, { rc: 'ok', exists: false }, null),
    op(7, 1002, { type: 'create', path: '/a', data: 'v6', mode: 'persistent' }, 7875, 8170, { rc: 'ok', path: '/a' }, Z(3)),
    event(1001, 'NodeCreated', '/a/c', 9196, Z(5)),
  ];
  it('a multi whose own sub-ops contradict each other makes nothing', () => {
    expect(both(history(true))).toEqual({ zabsim: 'violated', possible: false });
    expect(both(history(false))).toEqual({ zabsim: 'ok', possible: true });
  });
});

describe('a lost write that a later reply proves took effect owes the events it fires', () => {
  // 1002 watches /a (missing), then sends a create of /a whose reply is lost, and closes at 1:6; 1003's create
  // of /a/c at 1:7 finds /a, which only that lost create makes: it took effect before 1002's close, after the
  // watch was set, so NodeCreated is owed before the close's reply. Case 113046484.
  const history = (events: Rec[]) => [
    op(2, 1002, { type: 'exists', path: '/a', watch: true }, 3864, 4199, { rc: 'ok', exists: false }, null),
    op(5, 1002, { type: 'create', path: '/a', data: 'v4', mode: 'persistent' }, 6937, null, null, null),
    op(6, 1002, { type: 'closeSession' }, 7924, 8624, { rc: 'ok' }, Z(6)),
    op(7, 1003, { type: 'create', path: '/a/c', data: 'v5', mode: 'persistent' }, 8713, 9645, { rc: 'ok', path: '/a/c' }, Z(7)),
    ...events,
  ];
  it("the session's own lost create, shown by another session's create under it", () => {
    expect(both(history([]))).toEqual({ zabsim: 'violated', possible: false });
    expect(both(history([event(1002, 'NodeCreated', '/a', 8000)]))).toEqual({ zabsim: 'ok', possible: true });
  });

  // 1003's lost multi is the only op that creates /a; 1003's setData of /a at 1:4 finds it, so the multi is at or
  // below 1:3, after 1002's listing of / (which lacks a): NodeChildrenChanged / is owed before 1002's close at 1:6. Case 953995877.
  const listed = (events: Rec[]) => [
    op(
      3,
      1003,
      {
        type: 'multi',
        ops: [
          { type: 'create', path: '/a', data: 'v7', mode: 'persistent' },
          { type: 'create', path: '/a/s-', data: 'v8', mode: 'ephemeralSequential' },
        ],
      },
      3565,
      null,
      null,
      null,
    ),
    op(4, 1002, { type: 'getChildren', path: '/', watch: true }, 3908, 8082, { rc: 'ok', children: ['zookeeper'] }, null),
    op(5, 1003, { type: 'setData', path: '/a', data: 'v9', version: -1 }, 5611, 7220, { rc: 'ok', version: 1 }, Z(4)),
    op(10, 1002, { type: 'closeSession' }, 10723, 12738, { rc: 'ok' }, Z(6)),
    ...events,
  ];
  it('a lost multi shown by a setData that finds the node it made', () => {
    expect(both(listed([]))).toEqual({ zabsim: 'violated', possible: false });
    expect(both(listed([event(1002, 'NodeChildrenChanged', '/', 9000)]))).toEqual({ zabsim: 'ok', possible: true });
  });
});

describe('a listing shows a watched child changed', () => {
  // 1003 watches /a (missing); 1002 creates /a; 1003's listing of / names a: the create came between the two
  // reads on 1003's connection, so NodeCreated /a is owed before the listing's reply. Case 1513767522.
  const history = (events: Rec[]) => [
    op(0, 1003, { type: 'exists', path: '/a', watch: true }, 575, 1453, { rc: 'ok', exists: false }, null),
    op(4, 1002, { type: 'create', path: '/a', data: 'v4', mode: 'persistent' }, 4843, 6283, { rc: 'ok', path: '/a' }, null),
    op(5, 1003, { type: 'getChildren', path: '/' }, 4962, 6889, { rc: 'ok', children: ['a', 'zookeeper'] }, null),
    ...events,
  ];
  it('an exists watch on a missing node, then a listing of its parent that names it', () => {
    expect(both(history([]))).toEqual({ zabsim: 'violated', possible: false });
    expect(both(history([event(1003, 'NodeCreated', '/a', 6500)]))).toEqual({ zabsim: 'ok', possible: true });
  });
  it('the same when the listing comes on a later connection (setWatches re-sent the watch first)', () => {
    const reconnect = { kind: 'session', client: 3, session: 1003, server: 1, state: 'CONNECTED', atUs: 4567 };
    expect(both(history([reconnect]))).toEqual({ zabsim: 'violated', possible: false });
    expect(both(history([reconnect, event(1003, 'NodeCreated', '/a', 6500)]))).toEqual({ zabsim: 'ok', possible: true });
  });
});

describe('a reply that shows a node gone proves its one deleter took effect', () => {
  // /b is 1002's ephemeral (1:1); 1001's getData watch sees it; 1004's setData at 1:6 finds it gone. Only 1002's
  // end, which no client saw, deletes /b: at or below 1:5, so 1001's close at 1:5 owes NodeDeleted first. Case 2321022970.
  const history = (events: Rec[]) => [
    op(0, 1002, { type: 'create', path: '/b', data: 'v1', mode: 'ephemeral' }, 240, 1124, { rc: 'ok', path: '/b' }, Z(1)),
    op(1, 1001, { type: 'getData', path: '/b', watch: true }, 1651, 2768, { rc: 'ok', data: 'v1', version: 0, mzxid: Z(1), ephemeralOwner: 1002 }, null),
    op(5, 1004, { type: 'setData', path: '/b', data: 'v4', version: -1 }, 6412, 9116, { rc: 'noNode' }, Z(6)),
    op(6, 1001, { type: 'closeSession' }, 6454, 8281, { rc: 'ok' }, Z(5)),
    ...events,
  ];
  it('an unseen session end', () => {
    expect(both(history([]))).toEqual({ zabsim: 'violated', possible: false });
    expect(both(history([event(1001, 'NodeDeleted', '/b', 8000)]))).toEqual({ zabsim: 'ok', possible: true });
  });

  // 1001's multi makes /a (its mzxid 1:2 pins it); 1002's exists watch sees /a; 1002's lost delete of /a is its
  // only deleter, and 1002's create under /a at 1:4, on a new connection, finds /a gone: the delete is at or
  // below 1:3, and the watch, re-sent by setWatches, owes NodeDeleted before that reply. Case 817370590.
  const lostDelete = (events: Rec[]) => [
    op(0, 1002, { type: 'create', path: '/b', data: 'v1', mode: 'persistent' }, 880, 1588, { rc: 'ok', path: '/b' }, Z(1)),
    op(
      1,
      1001,
      {
        type: 'multi',
        ops: [
          { type: 'create', path: '/a', data: 'v2', mode: 'persistent' },
          { type: 'delete', path: '/b', version: 0 },
        ],
      },
      1940,
      2818,
      { rc: 'ok', results: [{ rc: 'ok', path: '/a' }, { rc: 'ok' }] },
      null,
    ),
    op(2, 1002, { type: 'exists', path: '/a', watch: true }, 2148, 3764, { rc: 'ok', version: 0, exists: true, mzxid: Z(2), ephemeralOwner: 0 }, null),
    op(4, 1002, { type: 'delete', path: '/a', version: 0 }, 3880, null, null, null),
    op(5, 1002, { type: 'create', path: '/a/s-', data: 'v3', mode: 'ephemeralSequential' }, 4839, 5678, { rc: 'noNode' }, Z(4)),
    { kind: 'session', client: 2, session: 1002, server: 1, state: 'CONNECTED', atUs: 4667 },
    ...events,
  ];
  it('a lost delete', () => {
    expect(both(lostDelete([]))).toEqual({ zabsim: 'violated', possible: false });
    expect(both(lostDelete([event(1002, 'NodeDeleted', '/a', 4700)]))).toEqual({ zabsim: 'ok', possible: true });
  });
});
