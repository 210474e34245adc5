// Proves that zabsim and the reference checker agree on the round-7 watch shapes (sweeps 940000, 951000):
// a write's reply that shows a watched path otherwise than the watch-setting read saw it owes the watch's
// event first, and a change at a zxid above a read's mzxid came after that read's state.
import { describe, expect, it } from 'vitest';
import { checkZkHistory } from '../../sim/cli/check.js';
import { parseNdjsonHistory } from '../../sim/history/ndjson.js';
import { referenceCheck } from '../reference/reference.js';

/** Both checkers' answers on an NDJSON history given as records (a header is added). */
function both(records: readonly object[]): { zabsim: string; possible: boolean | 'too-large' } {
  const text = [{ kind: 'header', version: 1, generator: 'test', model: 'zk' }, ...records].map((r) => JSON.stringify(r)).join('\n');
  const h = parseNdjsonHistory(text, 'round7.ndjson');
  return { zabsim: checkZkHistory(h).verdict, possible: referenceCheck(h).possible };
}

const Z = (counter: number): number => 2 ** 32 + counter; // epoch 1
type Rec = Record<string, unknown>;
const op = (
  id: number,
  session: number,
  o: object,
  invokeUs: number,
  completeUs: number | null,
  result: object | null,
  zxid: number | null,
  extra: Rec = {},
): Rec => ({
  kind: 'op',
  id,
  client: session - 1000,
  session,
  server: 1,
  op: o,
  invokeUs,
  completeUs,
  outcome: completeUs === null ? 'info' : 'ok',
  result,
  zxid,
  ...extra,
});
const event = (session: number, type: string, path: string, atUs: number, zxid = -1): Rec => ({
  kind: 'watch',
  client: session - 1000,
  session,
  server: 1,
  type,
  path,
  zxid,
  atUs,
});

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
