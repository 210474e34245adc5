// The container-deletes judge (sim/service/container-checks.ts) on crafted committed orders: it
// flags a leader's delete of a container with children, of a container that never had one, of a TTL
// node before its ttl, and of a session's ephemeral; it accepts the deletes ZooKeeper can make,
// including the scan-to-prep race (a node refreshed or replaced after the scan) within one epoch; and
// its liveness bound flags an emptied container the recovered leader keeps too long.
import { describe, expect, test } from 'vitest';
import { ContainerJudge } from '../../sim/service/container-checks.js';
import { OPEN_ACL_UNSAFE, applyTxn, createDataTree, type DataTree, type MultiSubTxn, type Txn, type TxnBody } from '../../protocol/tree/index.js';
import type { ZabServer } from '../../protocol/zab/state.js';
import { makeZxid } from '../../protocol/zxid.js';

const MS = 1000;
const SETTINGS = { checkIntervalMs: 1000, maxPerMinute: 10_000, maxNeverUsedIntervalMs: 0 };

/** A committed order written by hand: each txn gets the next zxid of `epoch` and its time in ms. */
class Order {
  private counter = 0;
  tree: DataTree = createDataTree();
  readonly judge: ContainerJudge;
  private epoch = 1;
  constructor(judge: ContainerJudge) {
    this.judge = judge;
  }
  txn(body: TxnBody, timeMs: number, sessionId = 5): this {
    const txn: Txn = { zxid: makeZxid(this.epoch, ++this.counter), timeMs, sessionId, body };
    this.tree = applyTxn(this.tree, txn).tree;
    this.judge.committed(txn, timeMs * MS);
    return this;
  }
  newEpoch(): this {
    this.epoch++;
    this.counter = 0;
    return this;
  }
}

const create = (path: string, extra: { container?: true; ttl?: number; ephemeral?: boolean } = {}): TxnBody => ({
  type: 'create',
  path,
  data: '',
  acl: OPEN_ACL_UNSAFE,
  ephemeral: extra.ephemeral ?? false,
  parentCversion: 1,
  ...(extra.container === undefined ? {} : { container: true as const }),
  ...(extra.ttl === undefined ? {} : { ttl: extra.ttl }),
});
const del = (path: string): TxnBody => ({ type: 'delete', path });
const setData = (path: string): TxnBody => ({ type: 'setData', path, data: 'x', version: 1 });
/** The leader's delete: session 0 (ContainerManager's deleteContainer request). */
const SERVER = 0;

function judged(settings = SETTINGS): Order {
  return new Order(new ContainerJudge(settings));
}

describe('container-deletes safety', () => {
  test("an emptied container's delete by the leader is fine; a container deleted with a child is flagged", () => {
    const ok = judged().txn(create('/c', { container: true }), 100).txn(create('/c/x'), 200).txn(del('/c/x'), 300).txn(del('/c'), 1000, SERVER);
    expect(ok.judge.safety().verdict).toBe('ok');
    const bad = judged().txn(create('/c', { container: true }), 100).txn(create('/c/x'), 200).txn(del('/c'), 1000, SERVER);
    expect(bad.judge.safety()).toMatchObject({ verdict: 'violated', reason: expect.stringContaining('while it had 1 child') });
  });

  test('a container that never had a child is not deleted, unless maxNeverUsedIntervalMs is set and has passed since its mtime', () => {
    const never = judged().txn(create('/u', { container: true }), 100).txn(del('/u'), 60_000, SERVER);
    expect(never.judge.safety()).toMatchObject({ verdict: 'violated', reason: expect.stringContaining('never had a child') });
    const settings = { ...SETTINGS, maxNeverUsedIntervalMs: 2000 };
    const early = judged(settings).txn(create('/u', { container: true }), 100).txn(del('/u'), 2100, SERVER);
    expect(early.judge.safety().verdict).toBe('violated');
    const late = judged(settings).txn(create('/u', { container: true }), 100).txn(del('/u'), 2101, SERVER);
    expect(late.judge.safety().verdict).toBe('ok');
  });

  test('a TTL node goes only once its ttl has passed since its mtime, and only without children', () => {
    const early = judged().txn(create('/t', { ttl: 500 }), 1000).txn(del('/t'), 1500, SERVER);
    expect(early.judge.safety()).toMatchObject({ verdict: 'violated', reason: expect.stringContaining('TTL node') });
    expect(judged().txn(create('/t', { ttl: 500 }), 1000).txn(del('/t'), 1501, SERVER).judge.safety().verdict).toBe('ok');
    // A child holds it: the state with the child never was a candidate, the one after is (mtime 1000).
    const held = judged().txn(create('/t', { ttl: 500 }), 1000).txn(create('/t/y'), 1100).txn(del('/t'), 3000, SERVER);
    expect(held.judge.safety().verdict).toBe('violated');
    const freed = judged().txn(create('/t', { ttl: 500 }), 1000).txn(create('/t/y'), 1100).txn(del('/t/y'), 2000).txn(del('/t'), 2001, SERVER);
    expect(freed.judge.safety().verdict).toBe('ok');
  });

  test('a setData after the scan does not save a TTL node (the race), but a delete before any of its states expired is flagged', () => {
    // Expired at 1500; refreshed at 1600 (after a scan at 1550 listed it): the delete at 1650 is ZooKeeper's.
    const race = judged().txn(create('/t', { ttl: 500 }), 1000).txn(setData('/t'), 1600).txn(del('/t'), 1650, SERVER);
    expect(race.judge.safety().verdict).toBe('ok');
    // Refreshed at 1400 (prepped then; its commit may come after a scan at 1550 that still saw mtime
    // 1000): a delete at 1700 may be ZooKeeper's. One at 1450 may not: no state had expired by then.
    const refreshed = (): Order => judged().txn(create('/t', { ttl: 500 }), 1000).txn(setData('/t'), 1400);
    expect(refreshed().txn(del('/t'), 1700, SERVER).judge.safety().verdict).toBe('ok');
    expect(refreshed().txn(del('/t'), 1450, SERVER).judge.safety().verdict).toBe('violated');
  });

  test('a container replaced after the scan may be deleted in the same epoch, not in a later one', () => {
    const replace = (o: Order): Order =>
      o.txn(create('/c', { container: true }), 100).txn(create('/c/x'), 200).txn(del('/c/x'), 300).txn(del('/c'), 400).txn(create('/c', { container: true }), 500);
    expect(replace(judged()).txn(del('/c'), 600, SERVER).judge.safety().verdict).toBe('ok');
    // A leader of the next epoch starts from the fresh, never-used container: nothing lets it go.
    expect(replace(judged()).newEpoch().txn(del('/c'), 600, SERVER).judge.safety().verdict).toBe('violated');
  });

  test('a multi that failed changes nothing: its create under a container gives it no child', () => {
    const failed: TxnBody = { type: 'multi', txns: [create('/u/x') as MultiSubTxn, { type: 'error', err: 'NONODE' }] };
    const o = judged().txn(create('/u', { container: true }), 100).txn(failed, 200).txn(del('/u'), 1000, SERVER);
    expect(o.judge.safety()).toMatchObject({ verdict: 'violated', reason: expect.stringContaining('never had a child') });
    const applied: TxnBody = { type: 'multi', txns: [create('/u/x') as MultiSubTxn, del('/u/x') as MultiSubTxn] };
    expect(judged().txn(create('/u', { container: true }), 100).txn(applied, 200).txn(del('/u'), 1000, SERVER).judge.safety().verdict).toBe('ok');
  });

  test("a session's ephemeral is never the leader's to delete", () => {
    const o = judged().txn(create('/e', { ephemeral: true }), 100).txn(del('/e'), 5000, SERVER);
    expect(o.judge.safety()).toMatchObject({ verdict: 'violated', reason: expect.stringContaining('ephemeral') });
  });

  test("a closeSession's deletes of a container's ephemeral children empty it", () => {
    const o = judged()
      .txn(create('/c', { container: true }), 100)
      .txn(create('/c/e', { ephemeral: true }), 200)
      .txn({ type: 'closeSession', paths: ['/c/e'] }, 300)
      .txn(del('/c'), 1000, SERVER);
    expect(o.judge.safety().verdict).toBe('ok');
  });
});

describe('container-deletes liveness', () => {
  const leaderOf = (o: Order): ZabServer => ({ id: 1, state: o.tree }) as unknown as ZabServer;

  test('an emptied container the recovered leader still holds past the bound is flagged; within it, not', () => {
    const o = judged().txn(create('/c', { container: true }), 100).txn(create('/c/x'), 200).txn(del('/c/x'), 300);
    // Bound: (3 + 2) intervals + 2 × (1 + 1) × 6 ms pacing + 8 s = 13.024 s after the later of the change and the recovery.
    expect(o.judge.liveness(leaderOf(o), 13_000 * MS, 0)).toBeNull();
    expect(o.judge.liveness(leaderOf(o), 13_400 * MS, 0)).toContain('container-not-deleted: container /c');
    expect(o.judge.liveness(leaderOf(o), 13_400 * MS, 1_000 * MS)).toBeNull();
  });

  test('a TTL node counts from its expiry, and a never-used container (maxNeverUsedIntervalMs 0) never', () => {
    const o = judged().txn(create('/t', { ttl: 4_000 }), 100).txn(create('/u', { container: true }), 100);
    expect(o.judge.liveness(leaderOf(o), 17_000 * MS, 0)).toBeNull();
    expect(o.judge.liveness(leaderOf(o), 17_200 * MS, 0)).toContain('/t');
  });
});
