// Proves that zabsim and the reference checker agree on the round-7 sweep shapes (seeds 930000 and 1180000):
// a read's Stat names the session that owns an ephemeral (0 for a persistent node), and a reply that came
// on a session's older connection owes an event its trigger fired there, however late the event came.
import { describe, expect, it } from 'vitest';
import { checkZkHistory } from '../../sim/cli/check.js';
import type { ZkHistory, ZkHistoryEvent, ZkResult } from '../../sim/history/types.js';
import { referenceCheck } from '../reference/reference.js';
import { zkHistory, zkOpRecord } from './history-builders.js';

function both(h: ZkHistory): { zabsim: string; possible: boolean | 'too-large' } {
  return { zabsim: checkZkHistory(h).verdict, possible: referenceCheck(h).possible };
}

const Z = (counter: number): number => 2 ** 32 + counter; // epoch 1

describe("a read's ephemeralOwner is the owner of the node it read (case 929491718)", () => {
  // Session 1001 sends an ephemeral create of /b whose reply is lost; session 1002 reads /b at its mzxid.
  const lostCreate = zkOpRecord({ type: 'create', path: '/b', data: 'v2', mode: 'ephemeral' }, 3587, null, null, null, { client: 1, session: 1001 });
  const read = (ephemeralOwner: number) =>
    zkOpRecord({ type: 'getData', path: '/b' }, 9976, 10916, { rc: 'ok', data: 'v2', version: 0, mzxid: Z(1), ephemeralOwner }, null, {
      client: 2,
      session: 1002,
    });

  it('owned by the session that made it', () => {
    expect(both(zkHistory([lostCreate, read(1001)]))).toEqual({ zabsim: 'ok', possible: true });
  });

  it("shown as persistent, or as another session's, it is a state no write made", () => {
    expect(both(zkHistory([lostCreate, read(0)]))).toEqual({ zabsim: 'violated', possible: false });
    expect(both(zkHistory([lostCreate, read(1002)]))).toEqual({ zabsim: 'violated', possible: false });
  });

  it('an exists of a persistent node shows owner 0', () => {
    const create = zkOpRecord({ type: 'create', path: '/b', data: 'v2', mode: 'persistent' }, 0, 10, { rc: 'ok', path: '/b' }, Z(1), {
      client: 1,
      session: 1001,
    });
    const exists = (ephemeralOwner: number) =>
      zkOpRecord({ type: 'exists', path: '/b' }, 20, 30, { rc: 'ok', exists: true, version: 0, ephemeralOwner }, null, { client: 2, session: 1002 });
    expect(both(zkHistory([create, exists(0)]))).toEqual({ zabsim: 'ok', possible: true });
    expect(both(zkHistory([create, exists(1001)]))).toEqual({ zabsim: 'violated', possible: false });
  });
});

describe('a reply on an older connection owes the event of a trigger before it (case 3479610867)', () => {
  const session = (atUs: number): ZkHistoryEvent => ({ kind: 'session', client: 1, session: 101, server: 1, state: 'CONNECTED', atUs });
  const event = (atUs: number): ZkHistoryEvent => ({ kind: 'watch', client: 1, session: 101, server: 1, type: 'NodeDeleted', path: '/a', zxid: Z(2), atUs });
  const ops = () => [
    zkOpRecord({ type: 'create', path: '/a', data: 'x', mode: 'persistent' }, 0, 10, { rc: 'ok', path: '/a' }, Z(1), { client: 2, session: 102 }),
    zkOpRecord({ type: 'exists', path: '/a', watch: true }, 20, 30, { rc: 'ok', exists: true, version: 0 }, null),
    zkOpRecord({ type: 'delete', path: '/a', version: -1 }, 40, 50, { rc: 'ok' }, Z(2), { client: 2, session: 102 }),
    zkOpRecord({ type: 'create', path: '/b', data: '', mode: 'persistent' }, 60, 70, { rc: 'ok', path: '/b' }, Z(3)),
  ];

  it('reconnected before the reply, the event may come first on the new connection', () => {
    expect(both(zkHistory(ops(), [session(1), session(65), event(68)]))).toEqual({ zabsim: 'ok', possible: true });
  });

  it('reconnected after the reply, the reply came first and the event was lost there', () => {
    expect(both(zkHistory(ops(), [session(1), session(75), event(80)]))).toEqual({ zabsim: 'violated', possible: false });
  });
});

describe('no zxid of epoch 0: the first leader proposes epoch 1 (Leader.getEpochToPropose)', () => {
  const verdictOf = (h: ZkHistory, name: string): string => checkZkHistory(h).results.find((r) => r.name === name)!.verdict;
  const create = (zxid: number | null, invokeUs = 0, completeUs = 10) =>
    zkOpRecord({ type: 'create', path: '/a', data: 'x', mode: 'persistent' }, invokeUs, completeUs, { rc: 'ok', path: '/a' }, zxid, {
      client: 2,
      session: 102,
    });
  const read = (readZxid: number, mzxid: number) =>
    zkOpRecord({ type: 'getData', path: '/a' }, 20, 30, { rc: 'ok', data: 'x', version: 0, mzxid }, null, { readZxid });

  it("a write's zxid of epoch 0 breaks linearizable-writes; the same counter in epoch 1 passes", () => {
    expect(verdictOf(zkHistory([create(1)]), 'linearizable-writes')).toBe('violated');
    expect(both(zkHistory([create(1)]))).toEqual({ zabsim: 'violated', possible: false });
    expect(both(zkHistory([create(Z(1))]))).toEqual({ zabsim: 'ok', possible: true });
  });

  it("a reply header's zxid or a Stat's mzxid of epoch 0 breaks sequential-reads; 0 itself is the empty database", () => {
    expect(verdictOf(zkHistory([create(null), read(1, Z(1))]), 'sequential-reads')).toBe('violated');
    expect(verdictOf(zkHistory([create(null), read(Z(1), 1)]), 'sequential-reads')).toBe('violated');
    expect(both(zkHistory([create(null), read(1, 1)]))).toEqual({ zabsim: 'violated', possible: false });
    expect(both(zkHistory([create(null), read(Z(1), Z(1))]))).toEqual({ zabsim: 'ok', possible: true });
    const empty = zkOpRecord({ type: 'exists', path: '/a' }, 0, 5, { rc: 'ok', exists: false }, null, { readZxid: 0 });
    expect(both(zkHistory([empty]))).toEqual({ zabsim: 'ok', possible: true });
  });

  it("an event's zxid of epoch 0 breaks watch-order; -1 is unknown", () => {
    const ops = [zkOpRecord({ type: 'exists', path: '/a', watch: true }, 0, 5, { rc: 'ok', exists: false }, null), create(Z(1), 10, 20)];
    const event = (zxid: number): ZkHistoryEvent => ({ kind: 'watch', client: 1, session: 101, server: 1, type: 'NodeCreated', path: '/a', zxid, atUs: 15 });
    expect(verdictOf(zkHistory(ops, [event(1)]), 'watch-order')).toBe('violated');
    expect(both(zkHistory(ops, [event(1)]))).toEqual({ zabsim: 'violated', possible: false });
    for (const z of [-1, Z(1)]) expect(both(zkHistory(ops, [event(z)]))).toEqual({ zabsim: 'ok', possible: true });
  });

  it('a write without a zxid that returned before the write at 1:1 was sent has no zxid left below it', () => {
    const before = zkOpRecord({ type: 'create', path: '/b', data: '', mode: 'persistent' }, 0, 5, { rc: 'ok', path: '/b' }, null, { client: 3, session: 103 });
    expect(both(zkHistory([before, create(Z(1), 10, 20)]))).toEqual({ zabsim: 'violated', possible: false });
    expect(both(zkHistory([before, create(Z(2), 10, 20)]))).toEqual({ zabsim: 'ok', possible: true });
  });
});

describe("a read's Stat mzxid puts its session's later reads at or above it (case 4208180317)", () => {
  // Client 1 sets /k0 at 1:1, /k1 without a zxid, /k0 again at 1:4; client 3 reads /k0 at mzxid 1:4, then /k1.
  const kv = (client: number, op: ZkHistory['ops'][number]['op'], at: [number, number], result: ZkResult, zxid: number | null) =>
    zkOpRecord(op, at[0], at[1], result, zxid, { client, session: null });
  const ops = (k1: ZkResult) => [
    kv(1, { type: 'kvCas', path: '/k0', data: 'v1', version: -1 }, [797, 2028], { rc: 'ok', version: 0 }, Z(1)),
    kv(1, { type: 'kvSet', path: '/k1', data: 'v3' }, [2647, 3880], { rc: 'ok', version: 0 }, null),
    kv(1, { type: 'kvSet', path: '/k0', data: 'v4' }, [4063, 5722], { rc: 'ok', version: 1 }, Z(4)),
    kv(3, { type: 'kvGet', path: '/k0' }, [6177, 7303], { rc: 'ok', exists: true, data: 'v4', version: 1, mzxid: Z(4) }, null),
    kv(3, { type: 'kvGet', path: '/k1' }, [8908, 8961], k1, null),
  ];

  it('the set of /k1 below 1:4 is in every state at or above it', () => {
    expect(both(zkHistory(ops({ rc: 'ok', exists: false })))).toEqual({ zabsim: 'violated', possible: false });
    expect(both(zkHistory(ops({ rc: 'ok', exists: true, data: 'v3', version: 0 })))).toEqual({ zabsim: 'ok', possible: true });
  });
});
