// Proves the Curator-style recipes (LeaderSelector with requeue, read-write lock, shared counter,
// double barrier, tree cache) keep their safety properties on a simulated ensemble under random
// server faults (partitions, crashes, restarts, pauses) and a client cut off past its session
// timeout, drawn by fast-check, and that each property check trips on a crafted wrong history.
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import type { NodeId } from '../../protocol/program.js';
import { recipeProgram, type Recipe, type RecipeHost } from '../../protocol/client/recipes/host.js';
import { selectorRecipe } from '../../protocol/client/recipes/selector.js';
import { rwLockRecipe } from '../../protocol/client/recipes/rwlock.js';
import { counterRecipe, valueOf } from '../../protocol/client/recipes/counter.js';
import { doubleBarrierRecipe } from '../../protocol/client/recipes/double-barrier.js';
import { treeCacheRecipe, viewOf, type TreeCacheState } from '../../protocol/client/recipes/tree-cache.js';
import { OPEN_ACL_UNSAFE, getNode } from '../../protocol/tree/index.js';
import type { ZkCommand } from '../../protocol/client/zk-client.js';
import { forkRng } from '../../sim/rng.js';
import { txnAt } from '../../protocol/zab/history.js';
import { randomFaultPlan, type FaultEvent } from '../../sim/zab/faults.js';
import { ServiceHarness, serviceOptions } from '../../sim/service/run.js';
import type { Observed } from '../../sim/service/observed.js';
import { healEverythingAt } from './helpers.js';
import { checkLockExclusion } from '../../sim/service/recipe-checks.js';
import {
  checkCounter,
  checkDoubleBarrier,
  checkReadWriteExclusion,
  lastIncrementZxid,
  subtreeOf,
  treeViewDifference,
} from '../../sim/service/recipe-checks-curator.js';

const FAULTS_UNTIL_MS = 20_000;
const SESSION_MS = 3000;
const RUNS = 6;

interface Plan {
  readonly seed: number;
  /** A client cut from every server for 2.5 session timeouts (its session expires), or none. */
  readonly expire: { readonly client: number; readonly atMs: number } | null;
}

const plans = fc.record({
  seed: fc.integer({ min: 1, max: 1_000_000 }),
  expire: fc.option(fc.record({ client: fc.integer({ min: 0, max: 2 }), atMs: fc.integer({ min: 3_000, max: 10_000 }) }), { nil: null }),
});

function harness<R>(name: string, plan: Plan, recipe: Recipe<R>, clients = 3): ServiceHarness {
  const seed = `${name}-${plan.seed}`;
  const faults: FaultEvent[] = randomFaultPlan(forkRng(seed, 'swarm'), FAULTS_UNTIL_MS, 8);
  const h = new ServiceHarness(
    serviceOptions(seed, { clients, sessionTimeoutMs: SESSION_MS, faults }),
    (_s, configFor) => recipeProgram(recipe, configFor) as never,
  );
  if (plan.expire !== null) {
    const victim = h.clients[plan.expire.client % clients] as NodeId;
    h.kernel.at(plan.expire.atMs * 1000, () => {
      for (const s of h.servers) {
        h.kernel.cutLink(victim, s);
        h.kernel.cutLink(s, victim);
      }
    });
    h.kernel.at((plan.expire.atMs + 2.5 * SESSION_MS) * 1000, () => {
      for (const s of h.servers) {
        h.kernel.healLink(victim, s);
        h.kernel.healLink(s, victim);
      }
    });
  }
  healEverythingAt(h, FAULTS_UNTIL_MS);
  expect(h.settle(h.clients, 60_000)).toBe(true);
  const c = h.clients[0] as NodeId;
  h.call(c, { type: 'zk', command: { type: 'create', path: '/r', data: '', acl: OPEN_ACL_UNSAFE, mode: 'PERSISTENT' } });
  h.runFor(300);
  return h;
}

function drive(h: ServiceHarness, untilMs: number, everyMs: number, command: (i: number, k: number) => unknown): void {
  for (let i = 0; h.nowMs < untilMs; i++) {
    h.clients.forEach((c, k) => {
      const cmd = command(i, k);
      if (cmd !== null) h.call(c, cmd);
    });
    h.runFor(everyMs);
  }
}

/** When a recipe node or a session was removed: the first commit of its delete or of the session's close. */
function removals(h: ServiceHarness): (path: string, session: number, atUs: number) => boolean {
  const deleted = new Map<string, number>();
  const closed = new Map<number, number>();
  for (const o of h.of('commit')) {
    const s = h.server(o.node);
    const txn = s === undefined ? undefined : (txnAt(s, o.what.index)?.body as { sessionId: number; body: { type: string; path?: string } } | undefined);
    if (txn === undefined) continue;
    if (txn.body.type === 'closeSession' && !closed.has(txn.sessionId)) closed.set(txn.sessionId, o.atUs);
    if (txn.body.type === 'delete' && txn.body.path !== undefined && !deleted.has(txn.body.path)) deleted.set(txn.body.path, o.atUs);
  }
  return (path, session, atUs) => (deleted.get(path) ?? Infinity) <= atUs || (closed.get(session) ?? Infinity) <= atUs;
}

/** The most clients holding the read lock at one instant (by their claims). */
function mostReadersAtOnce(observed: readonly Observed[]): number {
  const readers = new Set<NodeId>();
  let most = 0;
  for (const o of observed) {
    if (o.what.kind !== 'recipe' || o.what.recipe !== 'rwlock') continue;
    if (o.what.event === 'acquired' && String(o.what.detail).includes('__READ__')) readers.add(o.node);
    else readers.delete(o.node);
    most = Math.max(most, readers.size);
  }
  return most;
}

const property = (name: string, body: (plan: Plan) => void): void => {
  test(name, () =>
    fc.assert(
      fc.property(plans, (plan) => body(plan)),
      { numRuns: RUNS, seed: 15 },
    ),
  );
};

describe('under server faults and an expired session', () => {
  property('LeaderSelector: never two leaders while the first one’s node exists; leaders requeue and leadership moves', (plan) => {
    const h = harness('selector', plan, selectorRecipe('/r'));
    for (const c of h.clients) h.call(c, { type: 'volunteer' });
    drive(h, FAULTS_UNTIL_MS + 10_000, 400, (i, k) => ((i + k) % 3 === 0 ? { type: 'abdicate' } : null));
    const r = checkLockExclusion(h.observed, 'selector', removals(h));
    expect(r.violations).toEqual([]);
    const leaders = new Set(
      h
        .of('recipe')
        .filter((o) => o.what.event === 'leader')
        .map((o) => o.node),
    );
    expect(leaders.size).toBeGreaterThan(1);
    expect(h.safetyViolated()).toBe(false);
  });

  property('read-write lock: no writer with any other holder; readers do share', (plan) => {
    const h = harness('rwlock', plan, rwLockRecipe('/r'));
    drive(h, FAULTS_UNTIL_MS + 10_000, 150, (i, k) => ((i + k) % 3 === 2 ? { type: 'unlock' } : { type: (i * 7 + k) % 5 < 3 ? 'read' : 'write' }));
    const r = checkReadWriteExclusion(h.observed, removals(h));
    expect(r.violations).toEqual([]);
    expect(r.acquisitions).toBeGreaterThan(5);
    expect(mostReadersAtOnce(h.observed)).toBeGreaterThan(1);
    expect(h.safetyViolated()).toBe(false);
  });

  property('shared counter: each accepted CAS moves the counter once, and the final value counts them', (plan) => {
    const h = harness('counter', plan, counterRecipe('/r'));
    drive(h, FAULTS_UNTIL_MS + 5_000, 120, () => ({ type: 'increment' }));
    h.runFor(15_000);
    const leader = h.activeLeader();
    expect(leader).toBeDefined();
    const tree = h.tree(leader as NodeId);
    expect(tree.lastProcessedZxid).toBeGreaterThanOrEqual(lastIncrementZxid(h.observed));
    const r = checkCounter(h.observed, valueOf(getNode(tree, '/r')?.data));
    expect(r.violations).toEqual([]);
    expect(r.increments).toBeGreaterThan(10);
    expect(h.safetyViolated()).toBe(false);
  });

  property('double barrier: nobody passes enter before 3 entered, nobody leaves while another member’s node is there', (plan) => {
    const h = harness('dbarrier', plan, doubleBarrierRecipe('/r', 3), 4);
    drive(h, FAULTS_UNTIL_MS + 10_000, 700, (i, k) => ((i + k) % 2 === 0 ? { type: 'enter' } : { type: 'leave' }));
    const r = checkDoubleBarrier(h.observed, 3);
    expect(r.violations).toEqual([]);
    expect(r.passed).toBeGreaterThan(0);
    expect(r.left).toBeGreaterThan(0);
    expect(h.safetyViolated()).toBe(false);
  });

  property('tree cache: once the tree is quiet, every connected cache’s view equals its server’s tree', (plan) => {
    const h = harness('treecache', plan, treeCacheRecipe('/r'));
    for (const c of h.clients) h.call(c, { type: 'start' });
    const paths = ['/r/a', '/r/b', '/r/a/x', '/r/b/y', '/r/c'];
    const rng = forkRng(`treecache-writes-${plan.seed}`, 'swarm');
    drive(h, FAULTS_UNTIL_MS + 5_000, 200, (_i, k) => {
      const path = rng.pick(paths);
      const roll = rng.next();
      const command: ZkCommand =
        roll < 0.4
          ? { type: 'create', path, data: String(rng.intInclusive(0, 9)), acl: OPEN_ACL_UNSAFE, mode: 'PERSISTENT' }
          : roll < 0.75
            ? { type: 'setData', path, data: String(rng.intInclusive(0, 9)), version: -1 }
            : { type: 'remove', path, version: -1 };
      return k === 0 ? { type: 'zk', command } : null;
    });
    const hosts = (): RecipeHost<TreeCacheState>[] => h.clients.map((c) => h.client<RecipeHost<TreeCacheState>>(c) as RecipeHost<TreeCacheState>);
    h.runUntil(() => hosts().every((x) => x.client.state !== 'CONNECTED' || x.tags.length === 0), 30_000);
    h.runFor(3 * SESSION_MS);
    let judged = 0;
    for (const c of h.clients) {
      const host = h.client<RecipeHost<TreeCacheState>>(c) as RecipeHost<TreeCacheState>;
      if (host.client.state !== 'CONNECTED' || host.tags.length > 0) continue;
      const server = host.client.config.servers[host.client.serverIndex % host.client.config.servers.length] as NodeId;
      judged++;
      const tree = subtreeOf(h.tree(server), '/r');
      expect(treeViewDifference(viewOf(host.recipe), tree)).toBeNull();
      expect(tree.size).toBeGreaterThan(1);
    }
    expect(judged).toBeGreaterThan(0);
    expect(h.safetyViolated()).toBe(false);
  });
});

describe('each check trips on a crafted wrong history', () => {
  const claim = (atUs: number, node: number, recipe: string, event: string, detail: unknown = null, session = node * 10): Observed => ({
    atUs,
    node,
    what: { kind: 'recipe', client: node, session, recipe, event, detail },
  });
  const never = (): boolean => false;

  test('LeaderSelector: a second leader while the first one’s node exists', () => {
    const h = [claim(1, 5, 'selector', 'leader', '/s/c5-a1-0000000001'), claim(2, 6, 'selector', 'leader', '/s/c6-a1-0000000002')];
    expect(checkLockExclusion(h, 'selector', never).violations).toHaveLength(1);
    // Not once the first abdicated, nor once its node was removed.
    expect(checkLockExclusion([h[0] as Observed, claim(1.5, 5, 'selector', 'released'), h[1] as Observed], 'selector', never).violations).toEqual([]);
    expect(checkLockExclusion(h, 'selector', (path) => path.includes('c5-')).violations).toEqual([]);
  });

  test('read-write lock: a writer beside a reader, and a reader beside a writer; two readers are fine', () => {
    const read5 = claim(1, 5, 'rwlock', 'acquired', '/w/c5-a1-__READ__0000000001');
    const read6 = claim(2, 6, 'rwlock', 'acquired', '/w/c6-a1-__READ__0000000002');
    const write7 = claim(3, 7, 'rwlock', 'acquired', '/w/c7-a1-__WRIT__0000000003');
    expect(checkReadWriteExclusion([read5, read6], never).violations).toEqual([]);
    expect(checkReadWriteExclusion([read5, read6, write7], never).violations).toHaveLength(2);
    const write5 = claim(1, 5, 'rwlock', 'acquired', '/w/c5-a1-__WRIT__0000000001');
    expect(checkReadWriteExclusion([write5, read6], never).violations[0]?.message).toContain('while client 5 holds the write lock');
    // The acquirer's own node already gone (its session ended unnoticed): the unfenced gap, not flagged.
    expect(checkReadWriteExclusion([write5, read6], (path) => path.includes('c6-')).violations).toEqual([]);
  });

  test('shared counter: two CASes from one value, a value that is not the version, a final value off the count', () => {
    const inc = (atUs: number, node: number, from: number, version = from + 1): Observed =>
      claim(atUs, node, 'counter', 'incremented', { from, to: from + 1, version, zxid: atUs });
    expect(checkCounter([inc(1, 5, 0), inc(2, 6, 1)], 2).violations).toEqual([]);
    expect(checkCounter([inc(1, 5, 0), inc(2, 6, 0)], null).violations[0]?.message).toContain('both moved the counter from 0');
    expect(checkCounter([inc(1, 5, 0, 3)], null).violations).toHaveLength(1);
    expect(checkCounter([inc(1, 5, 0), inc(2, 6, 1)], 1).violations[0]?.message).toContain('final value 1');
    // Above the accepted ones is no violation: a CAS in flight when its host died claims nothing.
    expect(checkCounter([inc(1, 5, 0), inc(2, 6, 1)], 3).violations).toEqual([]);
    // A lost reply may have applied: one more is allowed.
    expect(checkCounter([inc(1, 5, 0), claim(2, 6, 'counter', 'unknown', { from: 1 }), inc(3, 6, 2)], 3).violations).toEqual([]);
  });

  test('double barrier: passing enter with too few members, leaving while another member’s node is there', () => {
    const b = (atUs: number, node: number, event: string, detail: unknown = null): Observed => claim(atUs, node, 'dbarrier', event, detail);
    const entering = [b(1, 5, 'entering'), b(2, 6, 'entering')];
    expect(checkDoubleBarrier([...entering, b(3, 5, 'entered')], 3).violations[0]?.message).toContain('at most 2 of 3');
    expect(checkDoubleBarrier([...entering, b(2.5, 7, 'entering'), b(3, 5, 'entered')], 3).violations).toEqual([]);
    // Client 6's node was created at zxid 4 and still listed by 6 at zxid 9: client 5 cannot have seen nobody at zxid 7.
    const crowd = [b(3, 6, 'created', { path: '/d/c6-a1', czxid: 4 }), b(5, 6, 'present', { path: '/d/c6-a1', zxid: 9 })];
    expect(checkDoubleBarrier([...crowd, b(4, 5, 'left', { path: '/d/c5-a1', zxid: 7, how: 'all-gone' })], 3).violations[0]?.message).toContain(
      "client 6's node /d/c6-a1 was still there",
    );
    // Listed last at zxid 6 (gone by 7), or its node vanished first (Curator leaves without waiting): fine.
    expect(
      checkDoubleBarrier([crowd[0] as Observed, b(5, 6, 'present', { path: '/d/c6-a1', zxid: 6 }), b(6, 5, 'left', { zxid: 7, how: 'all-gone' })], 3)
        .violations,
    ).toEqual([]);
    expect(checkDoubleBarrier([...crowd, b(4, 5, 'left', { zxid: 7, how: 'node-gone' })], 3).violations).toEqual([]);
  });

  test('tree cache: a missing node, a stale value and a node the tree no longer has', () => {
    const tree = new Map([
      ['/t', ''],
      ['/t/a', '1'],
    ]);
    expect(treeViewDifference(new Map(tree), tree)).toBeNull();
    expect(treeViewDifference(new Map([['/t', '']]), tree)).toBe('/t/a is missing from the view');
    expect(treeViewDifference(new Map([...tree, ['/t/a', '0']]), tree)).toContain('holds "0" in the view');
    expect(treeViewDifference(new Map([...tree, ['/t/b', '']]), tree)).toBe('/t/b is in the view but not in the tree');
  });
});
