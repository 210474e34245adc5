// Proves that zabsim and the reference checker agree on the round-8 read shapes: txns without a recorded
// zxid in different partitions compete for the same free zxids (zxid-packing.ts), and a history where they
// cannot all have one is impossible, while one free zxid more makes it possible.
import { describe, expect, it } from 'vitest';
import { checkZkHistory } from '../../sim/cli/check.js';
import type { ZkHistory, ZkHistoryEvent, ZkHistoryOp, ZkOp, ZkResult } from '../../sim/history/types.js';
import { referenceCheck } from '../reference/reference.js';
import { Z } from './history-builders.js';

function both(h: ZkHistory): { zabsim: string; possible: boolean | 'too-large' } {
  return { zabsim: checkZkHistory(h).verdict, possible: referenceCheck(h).possible };
}

let nextId = 0;
function op(
  session: number,
  o: ZkOp,
  invokeUs: number,
  completeUs: number | null,
  result: ZkResult | null,
  zxid: number | null,
  readZxid?: number,
): ZkHistoryOp {
  const outcome = completeUs === null ? 'info' : 'ok';
  const base: ZkHistoryOp = { kind: 'op', id: nextId++, client: session - 1000, session, server: 1, op: o, invokeUs, completeUs, outcome, result, zxid };
  return readZxid === undefined ? base : { ...base, readZxid };
}

const ended = (session: number, atUs: number, zxid: number): ZkHistoryEvent => ({
  kind: 'session',
  client: null,
  session,
  server: null,
  state: 'ENDED',
  atUs,
  zxid,
});

const history = (ops: ZkHistoryOp[], events: ZkHistoryEvent[] = []): ZkHistory => ({ header: { kind: 'header', version: 1 }, ops, events });

describe('two writes without a zxid, on different paths, need the one free zxid (case 1138899911)', () => {
  // 1:1 is a failed create of session 1001. Session 1002 creates /a and later reads at header h, so /a is at
  // or below h; session 1001 creates /b after 1:1, and that read shows /b, so /b's create is at or below h.
  const ops = (h: number) => [
    op(1001, { type: 'create', path: '/a/c', data: 'v1', mode: 'persistent' }, 599, 2632, { rc: 'noNode' }, Z(1)),
    op(1002, { type: 'create', path: '/a', data: 'v2', mode: 'persistent' }, 1447, 3257, { rc: 'ok', path: '/a' }, null),
    op(1001, { type: 'create', path: '/b', data: 'v3', mode: 'ephemeral' }, 2817, 3446, { rc: 'ok', path: '/b' }, null),
    op(1002, { type: 'exists', path: '/b' }, 3866, 4074, { rc: 'ok', version: 0, exists: true }, null, h),
  ];

  it('with the read at 1:2 both need 1:2: impossible', () => {
    expect(both(history(ops(Z(2))))).toEqual({ zabsim: 'violated', possible: false });
    expect(checkZkHistory(history(ops(Z(2)))).results.find((r) => r.name === 'sequential-reads')?.witness?.text).toMatch(/distinct free zxids/);
  });

  it('with the read at 1:3 each has one', () => {
    expect(both(history(ops(Z(3))))).toEqual({ zabsim: 'ok', possible: true });
  });
});

describe('a session end no client saw needs a free zxid too (cases 1288364203, 1637587716)', () => {
  // /b is an ephemeral of session 1001, made at 1:1; session 1002 ends at 1:4 after two writes of its own
  // (1:2 and 1:3), session 1003 creates /a after that end and reads /b gone at header h: 1001's end, /b's
  // only deleter, and the create of /a both lie in (1:4, h].
  const ops = (h: number) => [
    op(1001, { type: 'create', path: '/b', data: 'v1', mode: 'ephemeral' }, 987, 1759, { rc: 'ok', path: '/b' }, Z(1)),
    op(1002, { type: 'setData', path: '/b', data: 'v2', version: 0 }, 1673, 2690, { rc: 'ok', version: 1 }, null),
    op(1002, { type: 'setData', path: '/b', data: 'v3', version: 2 }, 3726, 4836, { rc: 'badVersion' }, null),
    op(1003, { type: 'create', path: '/a', data: 'v4', mode: 'persistent' }, 5787, 6925, { rc: 'ok', path: '/a' }, null),
    op(1003, { type: 'exists', path: '/b' }, 6832, 7090, { rc: 'ok', exists: false }, null, h),
  ];

  it('with the read at 1:5 the end and the create need the one zxid 1:5: impossible', () => {
    expect(both(history(ops(Z(5)), [ended(1002, 5250, Z(4))]))).toEqual({ zabsim: 'violated', possible: false });
  });

  it('with the read at 1:6 there is room for both', () => {
    expect(both(history(ops(Z(6)), [ended(1002, 5250, Z(4))]))).toEqual({ zabsim: 'ok', possible: true });
  });
});

describe('a lost write a listing proves took effect needs a free zxid (case 2506880148)', () => {
  // Session 1002's create of /b lost its reply; session 1001's failed setData (an error txn) and its
  // listing of / showing b both lie at or below the listing's header h.
  const ops = (h: number) => [
    op(1002, { type: 'create', path: '/b', data: 'v1', mode: 'persistent' }, 701, null, null, null),
    op(1001, { type: 'setData', path: '/a/c', data: 'v2', version: -1 }, 1492, 2333, { rc: 'noNode' }, null),
    op(1001, { type: 'getChildren', path: '/' }, 2969, 3532, { rc: 'ok', children: ['b', 'zookeeper'] }, null, h),
  ];

  it('at header 1:1 only one of them fits', () => {
    expect(both(history(ops(Z(1))))).toEqual({ zabsim: 'violated', possible: false });
  });

  it('at header 1:2 both do', () => {
    expect(both(history(ops(Z(2))))).toEqual({ zabsim: 'ok', possible: true });
  });
});

describe('a close and a setData without zxids, in real-time order, below a read (case 3373043757)', () => {
  // Session 1001 makes /b at 1:1 and closes at 1:3. Session 1002's close, sent after that reply, is a txn
  // of its own, answered before session 1003's setData, the only op that can give /b version 1, was sent;
  // a read at header h shows version 1, so the close and the setData lie in (1:3, h], in that order.
  const ops = (h: number) => [
    op(1001, { type: 'create', path: '/b', data: 'v1', mode: 'persistent' }, 198, 1481, { rc: 'ok', path: '/b' }, Z(1)),
    op(1001, { type: 'closeSession' }, 3674, 4797, { rc: 'ok' }, Z(3)),
    op(1002, { type: 'closeSession' }, 7806, 8507, { rc: 'ok' }, null),
    op(1003, { type: 'setData', path: '/b', data: 'v4', version: 0 }, 8599, 9200, { rc: 'ok', version: 1 }, null),
    op(1004, { type: 'exists', path: '/b' }, 11582, 12112, { rc: 'ok', version: 1, exists: true }, null, h),
  ];

  it('at header 1:4 the close has no zxid left below the setData', () => {
    expect(both(history(ops(Z(4))))).toEqual({ zabsim: 'violated', possible: false });
  });

  it('at header 1:5 both fit', () => {
    expect(both(history(ops(Z(5))))).toEqual({ zabsim: 'ok', possible: true });
  });
});

describe("a Stat's version 0 names a create, never a setData (case 2494143078)", () => {
  // /b is made at 1:4 and never deleted; a lost create of /b and a lost setData of it are the only writes
  // without a zxid. A read shows /b at version 0 with mzxid 1:6: only a create stamps version 0, and the
  // lost create cannot make a node that exists; at version 1 the lost setData explains it.
  const ops = (version: number) => [
    op(1003, { type: 'create', path: '/b', data: 'v2', mode: 'persistent' }, 3960, null, null, null),
    op(1001, { type: 'create', path: '/b', data: 'v3', mode: 'persistent' }, 5553, 6289, { rc: 'ok', path: '/b' }, Z(4)),
    op(1002, { type: 'setData', path: '/b', data: 'v5', version: -1 }, 8044, null, null, null),
    op(1004, { type: 'exists', path: '/b' }, 12797, 13718, { rc: 'ok', version, exists: true, mzxid: Z(6), ephemeralOwner: 0 }, null),
  ];

  it('at version 0 it is impossible', () => {
    expect(both(history(ops(0)))).toEqual({ zabsim: 'violated', possible: false });
  });

  it('at version 1 the setData made it', () => {
    expect(both(history(ops(1)))).toEqual({ zabsim: 'ok', possible: true });
  });
});

describe('a read without a header zxid names the txn at its mzxid (case 3538637444)', () => {
  // Session 1001 makes /b with "v2" at 1:1; a lost create of /b with "v1" cannot have succeeded after it
  // (no delete of /b takes effect before: the lost delete expects version 0 and would leave no node). A read
  // with mzxid 1:1 and no header zxid sees the data of the txn at 1:1.
  const ops = (data: string) => [
    op(1002, { type: 'create', path: '/b', data: 'v1', mode: 'persistent' }, 819, null, null, null),
    op(1001, { type: 'create', path: '/b', data: 'v2', mode: 'persistent' }, 1941, 5522, { rc: 'ok', path: '/b' }, Z(1)),
    op(1002, { type: 'delete', path: '/b', version: 0 }, 2880, null, null, null),
    op(1001, { type: 'getData', path: '/b' }, 6795, 7924, { rc: 'ok', data, version: 0, mzxid: Z(1), ephemeralOwner: 0 }, null),
  ];

  it('data the txn at 1:1 did not write is impossible', () => {
    expect(both(history(ops('v1')))).toEqual({ zabsim: 'violated', possible: false });
  });

  it('its own data is fine', () => {
    expect(both(history(ops('v2')))).toEqual({ zabsim: 'ok', possible: true });
  });
});

describe("a read's floor from its session raises the zxids of the writes after it (case 1384733680)", () => {
  // Client 2 reads /k1 at header h, then /k0 absent (no header): that read lies at or above h, so client 1's
  // two CAS of /k0 lie above h, in order, and below the set at 1:4 that a later client sent after them.
  const kv = (client: number, o: ZkOp, invokeUs: number, completeUs: number, result: ZkResult, zxid: number | null, readZxid?: number): ZkHistoryOp => ({
    ...op(1000 + client, o, invokeUs, completeUs, result, zxid, readZxid),
    client,
    session: null,
  });
  const ops = (h: number) => [
    kv(1, { type: 'kvCas', path: '/k0', data: 'v1', version: -1 }, 945, 2061, { rc: 'ok', version: 0 }, null),
    kv(2, { type: 'kvGet', path: '/k0' }, 1980, 3565, { rc: 'ok', exists: false }, null),
    kv(1, { type: 'kvCas', path: '/k0', data: 'v2', version: 0 }, 2154, 4451, { rc: 'ok', version: 1 }, null),
    kv(2, { type: 'kvGet', path: '/k1' }, 1975, 3107, { rc: 'ok', exists: false }, null, h),
    kv(3, { type: 'kvSet', path: '/k0', data: 'v4' }, 5264, 6744, { rc: 'ok', version: 2 }, Z(4)),
  ];

  it('above 1:2 only 1:3 is left for two writes', () => {
    expect(both(history(ops(Z(2))))).toEqual({ zabsim: 'violated', possible: false });
  });

  it('above 1:1 they take 1:2 and 1:3', () => {
    expect(both(history(ops(Z(1))))).toEqual({ zabsim: 'ok', possible: true });
  });
});

describe('a NodeDeleted or NodeChildrenChanged event names its one possible txn (cases 2113948366, 2633659016, 2972370744)', () => {
  const watch = (session: number, type: 'NodeDeleted' | 'NodeChildrenChanged', path: string, zxid: number, atUs: number): ZkHistoryEvent => ({
    kind: 'watch',
    client: session - 1000,
    session,
    server: 1,
    type,
    path,
    zxid,
    atUs,
  });

  it('a child event at 1:1 names the one create under /, sent after a reply showed 1:1 applied', () => {
    const ops = (h: number | undefined) => [
      op(1001, { type: 'getChildren', path: '/a', watch: true }, 229, 1668, { rc: 'noNode' }, null, h),
      op(1002, { type: 'getChildren', path: '/', watch: true }, 2850, 3545, { rc: 'ok', children: ['zookeeper'] }, null),
      op(1003, { type: 'create', path: '/b', data: 'v1', mode: 'persistent' }, 3840, null, null, null),
    ];
    const events = [watch(1002, 'NodeChildrenChanged', '/', Z(1), 6077)];
    expect(both(history(ops(Z(1)), events))).toEqual({ zabsim: 'violated', possible: false });
    expect(both(history(ops(undefined), events))).toEqual({ zabsim: 'ok', possible: true });
  });

  it('a NodeDeleted at 1:4 names the one delete of the node, which a read at 1:4 had not seen', () => {
    const ops = [
      op(1001, { type: 'create', path: '/b', data: 'v2', mode: 'persistent' }, 2663, 4880, { rc: 'ok', path: '/b' }, Z(2)),
      op(1001, { type: 'exists', path: '/b' }, 5850, 6897, { rc: 'ok', version: 0, exists: true, mzxid: Z(2), ephemeralOwner: 0 }, null, Z(4)),
      op(1003, { type: 'getData', path: '/b', watch: true }, 8850, 9795, { rc: 'ok', data: 'v2', version: 0, mzxid: Z(2), ephemeralOwner: 0 }, null),
      op(1003, { type: 'delete', path: '/b', version: -1 }, 10978, 11150, { rc: 'ok' }, null),
    ];
    expect(both(history(ops, [watch(1003, 'NodeDeleted', '/b', Z(4), 11036)]))).toEqual({ zabsim: 'violated', possible: false });
    expect(both(history(ops, [watch(1003, 'NodeDeleted', '/b', Z(5), 11036)]))).toEqual({ zabsim: 'ok', possible: true });
  });

  it("a NodeDeleted at 1:5 names the unseen end of the ephemeral's session, so a read at 1:5 cannot show the node", () => {
    const ops = (h: number) => [
      op(1001, { type: 'create', path: '/b', data: 'v1', mode: 'ephemeral' }, 2890, 4855, { rc: 'ok', path: '/b' }, Z(1)),
      op(1001, { type: 'exists', path: '/b', watch: true }, 4912, 5673, { rc: 'ok', version: 0, exists: true }, null),
      op(1003, { type: 'exists', path: '/b' }, 11822, 12686, { rc: 'ok', version: 0, exists: true }, null, h),
    ];
    const events = [watch(1001, 'NodeDeleted', '/b', Z(5), 13216)];
    expect(both(history(ops(Z(5)), events))).toEqual({ zabsim: 'violated', possible: false });
    expect(both(history(ops(Z(4)), events))).toEqual({ zabsim: 'ok', possible: true });
  });
});

describe('proofs that a lost write took effect bound the txns before it (seed 1200000: cases 49374530, 3141147867)', () => {
  it('a read at version 1 proves the one setData of the node; the error txn answered before it was sent needs a zxid below it', () => {
    // /b is made at 1:2 and set only by a lost setData; a failed create (an error txn) was answered before
    // that setData was sent, after session 1002's end at 1:1: both lie in (1:1, h] around 1:2.
    const ops = (h: number) => [
      op(1003, { type: 'create', path: '/b', data: 'v1', mode: 'ephemeral' }, 2746, 3551, { rc: 'ok', path: '/b' }, Z(2)),
      op(1001, { type: 'create', path: '/a/s-', data: 'v2', mode: 'ephemeralSequential' }, 3319, 4100, { rc: 'noNode' }, null),
      op(1004, { type: 'setData', path: '/b', data: 'v6', version: 0 }, 5971, null, null, null),
      op(1004, { type: 'exists', path: '/b' }, 6889, 7127, { rc: 'ok', version: 1, exists: true }, null, h),
    ];
    const events = [ended(1002, 2180, Z(1))];
    expect(both(history(ops(Z(3)), events))).toEqual({ zabsim: 'violated', possible: false });
    expect(both(history(ops(Z(4)), events))).toEqual({ zabsim: 'ok', possible: true });
  });

  it('a listing answered noNode proves the one delete of the node; the close answered before it was sent lies below it', () => {
    // /a is made at 1:3; session 1002's close (a txn of its own, after session 1003's end at 1:5) was answered
    // before the lost delete of /a was sent; getChildren /a at header h answers noNode.
    const ops = (h: number) => [
      op(1002, { type: 'create', path: '/a', data: 'v3', mode: 'persistent' }, 2240, 4377, { rc: 'ok', path: '/a' }, Z(3)),
      op(1002, { type: 'closeSession' }, 6572, 7967, { rc: 'ok' }, null),
      op(1004, { type: 'delete', path: '/a', version: 0 }, 7986, null, null, null),
      op(1001, { type: 'getChildren', path: '/a' }, 10913, 11095, { rc: 'noNode' }, null, h),
    ];
    const events = [ended(1003, 6193, Z(5))];
    expect(both(history(ops(Z(6)), events))).toEqual({ zabsim: 'violated', possible: false });
    expect(both(history(ops(Z(7)), events))).toEqual({ zabsim: 'ok', possible: true });
  });
});
