// Container nodes and the leader's ContainerManager: a container that had children and has none is
// deleted at the next check (ContainerManager.getCandidates, cversion > 0), one never given a child
// is kept, the checks run on the fixed-rate schedule of the leader's startup, a check's deletes are
// paced and its thread sleeps after the last one (a check due meanwhile runs as it ends, as
// java.util.Timer runs it), and a new leader's manager takes over the deletes after a leader change.
import { describe, expect, test } from 'vitest';
import type { NodeId } from '../../protocol/program.js';
import {
  CONTAINER_EPHEMERAL_OWNER,
  OPEN_ACL_UNSAFE,
  createDataTree,
  applyTxn,
  getNode,
  prep,
  treeInvariantViolations,
  type Txn,
} from '../../protocol/tree/index.js';
import { containerCandidates } from '../../protocol/service/container-manager.js';
import type { ZkCommand } from '../../protocol/client/zk-client.js';
import { serviceOptions } from '../../sim/service/run.js';
import { create, exists, getChildren, ready, remove, run } from './helpers.js';

const INTERVAL_MS = 5000;
const containerMode = (path: string): ZkCommand => create(path, 'CONTAINER');

function containerRun(seed: string, intervalMs = INTERVAL_MS): ReturnType<typeof ready> {
  return ready(seed, { zab: { ...serviceOptions(seed).zab, containerCheckIntervalMs: intervalMs } });
}

describe('container nodes (CreateMode.CONTAINER, OpCode.createContainer)', () => {
  test('a container is created with ephemeralOwner Long.MIN_VALUE, takes children, and is kept while it has one', () => {
    const h = containerRun('ct-create');
    const [a] = h.clients as [NodeId];
    const made = run(h, a, { type: 'create', path: '/c', data: '', acl: OPEN_ACL_UNSAFE, mode: 'CONTAINER', stat: true });
    expect(made.err).toBe('OK');
    expect(made.response?.type === 'create' ? made.response.stat?.ephemeralOwner : null).toBe(CONTAINER_EPHEMERAL_OWNER);
    expect(run(h, a, create('/c/x')).err).toBe('OK');
    h.runFor(3 * INTERVAL_MS);
    expect(run(h, a, getChildren('/c')).response).toMatchObject({ children: ['x'] });
    for (const s of h.servers) expect(treeInvariantViolations(h.tree(s))).toEqual([]);
  });

  test('a container emptied of its children is deleted by the leader within one check interval, on every server', () => {
    const h = containerRun('ct-emptied');
    const [a, b] = h.clients as [NodeId, NodeId];
    expect(run(h, a, containerMode('/c')).err).toBe('OK');
    expect(run(h, a, create('/c/x')).err).toBe('OK');
    expect(run(h, b, exists('/c', true)).err).toBe('OK');
    expect(run(h, a, remove('/c/x')).err).toBe('OK');
    const emptiedAt = h.nowMs;
    expect(h.runUntil(() => h.servers.every((s) => getNode(h.tree(s), '/c') === undefined), 2 * INTERVAL_MS)).toBe(true);
    expect(h.nowMs - emptiedAt).toBeLessThanOrEqual(INTERVAL_MS + 1000);
    expect(run(h, a, exists('/c')).err).toBe('NONODE');
    h.runFor(500);
    // The delete fires the watch like any delete (the client's exists watch on /c).
    expect(h.of('watch', b).map((o) => [o.what.type, o.what.path])).toEqual([['NodeDeleted', '/c']]);
    expect(h.safetyViolated()).toBe(false);
    // No client asked for that delete: the client checkers cannot judge this history (server-deletes.ts).
    expect(h.clientChecks().map((c) => c.verdict)).toEqual(['unknown', 'unknown', 'unknown', 'unknown', 'unknown']);
  });

  test('a container never given a child is kept (cversion 0 is no candidate)', () => {
    const h = containerRun('ct-never-used');
    const [a] = h.clients as [NodeId];
    expect(run(h, a, containerMode('/unused')).err).toBe('OK');
    h.runFor(4 * INTERVAL_MS);
    for (const s of h.servers) expect(getNode(h.tree(s), '/unused')).toBeDefined();
  });

  test('with the default interval (60 s) the first check comes a minute after the leader started', () => {
    const h = ready('ct-default');
    const [a] = h.clients as [NodeId];
    const startedBy = h.nowMs;
    expect(run(h, a, containerMode('/c')).err).toBe('OK');
    expect(run(h, a, create('/c/x')).err).toBe('OK');
    expect(run(h, a, remove('/c/x')).err).toBe('OK');
    const leader = h.activeLeader() as NodeId;
    expect(h.runUntil(() => getNode(h.tree(leader), '/c') === undefined, 61_000)).toBe(true);
    expect(h.nowMs).toBeGreaterThan(60_000);
    expect(h.nowMs).toBeLessThanOrEqual(startedBy + 61_000);
  });

  test('across a leader change the new leader deletes the emptied container', () => {
    const h = containerRun('ct-failover', 20_000);
    const [a] = h.clients as [NodeId];
    expect(run(h, a, containerMode('/c')).err).toBe('OK');
    expect(run(h, a, create('/c/x')).err).toBe('OK');
    expect(run(h, a, remove('/c/x')).err).toBe('OK');
    const oldLeader = h.activeLeader() as NodeId;
    h.kernel.crash(oldLeader);
    expect(h.runUntil(() => h.activeLeader() !== undefined && h.activeLeader() !== oldLeader, 30_000)).toBe(true);
    const leader = h.activeLeader() as NodeId;
    expect(getNode(h.tree(leader), '/c')).toBeDefined();
    expect(h.runUntil(() => getNode(h.tree(leader), '/c') === undefined, 25_000)).toBe(true);
    expect(h.safetyViolated()).toBe(false);
  });

  test('containers are no ephemerals: a container under a container is allowed; getCandidates ignores non-empty ones', () => {
    const h = containerRun('ct-nested');
    const [a] = h.clients as [NodeId];
    expect(run(h, a, containerMode('/p')).err).toBe('OK');
    expect(run(h, a, containerMode('/p/q')).err).toBe('OK');
    expect(run(h, a, create('/p/q/r')).err).toBe('OK');
    expect(run(h, a, remove('/p/q/r')).err).toBe('OK');
    // /q goes at a check; /p then has had a child and has none, so it goes at a later check.
    const leader = h.activeLeader() as NodeId;
    expect(h.runUntil(() => getNode(h.tree(leader), '/p') === undefined, 3 * INTERVAL_MS)).toBe(true);
  });
});

describe('deleteContainer in prep and ContainerManager.getCandidates (pure)', () => {
  const ctx = (zxid: number, timeMs = 0, sessionId = 7) => ({ zxid, timeMs, sessionId, authIds: [] });
  const step = (tree: ReturnType<typeof createDataTree>, request: Parameters<typeof prep>[1], zxid: number, timeMs = 0, sessionId = 7) => {
    const txn: Txn = prep(tree, request, ctx(zxid, timeMs, sessionId)).txn;
    return { txn, out: applyTxn(tree, txn) };
  };
  const createOp = (path: string, mode: 'CONTAINER' | 'PERSISTENT' | 'EPHEMERAL') => ({ type: 'create', path, data: '', acl: [...OPEN], mode }) as const;
  const OPEN = [{ perms: 31, id: { scheme: 'world', id: 'anyone' } }];

  test('a deleteContainer of a missing, non-empty or ephemeral node is an error txn; of an empty container a DeleteTxn', () => {
    let tree = createDataTree();
    tree = step(tree, createOp('/c', 'CONTAINER'), 1).out.tree;
    tree = step(tree, createOp('/c/x', 'PERSISTENT'), 2).out.tree;
    tree = step(tree, createOp('/e', 'EPHEMERAL'), 3).out.tree;
    expect(step(tree, { type: 'deleteContainer', path: '/c' }, 4).txn.body).toEqual({ type: 'error', err: 'NOTEMPTY' });
    expect(step(tree, { type: 'deleteContainer', path: '/e' }, 4).txn.body).toEqual({ type: 'error', err: 'BADVERSION' });
    expect(step(tree, { type: 'deleteContainer', path: '/none' }, 4).txn.body).toEqual({ type: 'error', err: 'NONODE' });
    expect(containerCandidates(tree, 0)).toEqual([]);
    tree = step(tree, { type: 'delete', path: '/c/x', version: -1 }, 4).out.tree;
    expect(containerCandidates(tree, 0)).toEqual(['/c']);
    const del = step(tree, { type: 'deleteContainer', path: '/c' }, 5, 0, 0);
    expect(del.txn.body).toEqual({ type: 'delete', path: '/c' });
    expect(del.txn.sessionId).toBe(0);
    expect(getNode(del.out.tree, '/c')).toBeUndefined();
    expect(del.out.tree.containers.size).toBe(0);
    expect(treeInvariantViolations(del.out.tree)).toEqual([]);
  });

  test('maxNeverUsedIntervalMs: a never-used container becomes a candidate once older than it', () => {
    let tree = createDataTree();
    tree = step(tree, createOp('/c', 'CONTAINER'), 1, 1000).out.tree;
    expect(containerCandidates(tree, 100_000)).toEqual([]);
    expect(containerCandidates(tree, 5000, 4000)).toEqual([]);
    expect(containerCandidates(tree, 5001, 4000)).toEqual(['/c']);
  });
});

describe("the check runs as ZooKeeper's Timer thread runs it (ContainerManager.checkContainers, java.util.Timer)", () => {
  test('deletes are getMinIntervalMs apart, the run sleeps that long after its last post, and a check due meanwhile runs as it ends', () => {
    // maxPerMinute 120: 500 ms between posts; checks every 600 ms. Three containers emptied together
    // are posted at t, t + 500, t + 1000; the thread sleeps until t + 1500, so the checks due at
    // t + 600 and t + 1200 run then: a fourth container emptied after the first delete goes at t + 1500.
    const seed = 'ct-timer';
    const h = ready(seed, { zab: { ...serviceOptions(seed).zab, containerCheckIntervalMs: 600, containerMaxPerMinute: 120 } });
    const [a] = h.clients as [NodeId];
    for (const p of ['/a', '/b', '/c', '/d']) {
      expect(run(h, a, containerMode(p)).err).toBe('OK');
      expect(run(h, a, create(`${p}/x`)).err).toBe('OK');
    }
    const leader = h.activeLeader() as NodeId;
    const removeAll: ZkCommand = { type: 'transaction', ops: ['/a', '/b', '/c'].map((p) => ({ type: 'delete', path: `${p}/x`, version: -1 })) };
    expect(run(h, a, removeAll).err).toBe('OK');
    const goneAt = new Map<string, number>();
    const watchUntil = (done: () => boolean, maxMs: number): void => {
      for (let t = 0; t < maxMs && !done(); t += 5) {
        h.runFor(5);
        for (const p of ['/a', '/b', '/c', '/d']) if (!goneAt.has(p) && getNode(h.tree(leader), p) === undefined) goneAt.set(p, h.nowMs);
      }
    };
    watchUntil(() => goneAt.size > 0, 2_000);
    expect(goneAt.size).toBe(1);
    expect(run(h, a, remove('/d/x')).err).toBe('OK');
    watchUntil(() => goneAt.size === 4, 5_000);
    const times = ['/a', '/b', '/c'].map((p) => goneAt.get(p) as number).sort((x, y) => x - y);
    expect(times[1]! - times[0]!).toBeGreaterThanOrEqual(450);
    expect(times[2]! - times[1]!).toBeGreaterThanOrEqual(450);
    // The fourth: not at the check due 200 ms after the third post (the thread still sleeps), but
    // as the sleep ends, well before the next scheduled instant (300 ms later).
    const fourth = (goneAt.get('/d') as number) - times[2]!;
    expect(fourth).toBeGreaterThanOrEqual(450);
    expect(fourth).toBeLessThan(700);
    expect(h.safetyViolated()).toBe(false);
  });
});
