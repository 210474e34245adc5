// TTL nodes with extendedTypesEnabled on: created like persistent nodes with the TTL in their
// ephemeralOwner (EphemeralType.TTL.toEphemeralOwner), refused BADARGUMENTS for a bad TTL
// (PrepRequestProcessor.validateCreateRequest → EphemeralType.validateTTL), and deleted by the
// leader's ContainerManager once childless and mtime + ttl has passed (ContainerManager.getCandidates).
import { describe, expect, test } from 'vitest';
import type { NodeId } from '../../protocol/program.js';
import {
  applyTxn,
  createDataTree,
  getNode,
  javaEphemeralOwner,
  OPEN_ACL_UNSAFE,
  prep,
  treeInvariantViolations,
  TTL_MAX_MS,
  ttlOfOwner,
  type CreateMode,
  type WriteRequest,
} from '../../protocol/tree/index.js';
import { containerCandidates } from '../../protocol/service/container-manager.js';
import type { ZkCommand } from '../../protocol/client/zk-client.js';
import { serviceOptions } from '../../sim/service/run.js';
import { create, ready, run, setData } from './helpers.js';

const CHECK_MS = 1000;
const ttlCreate = (path: string, ttl: number, mode: CreateMode = 'PERSISTENT_WITH_TTL'): ZkCommand => ({
  type: 'create',
  path,
  data: '',
  acl: OPEN_ACL_UNSAFE,
  mode,
  ttl,
});

function ttlRun(seed: string): ReturnType<typeof ready> {
  return ready(seed, { zab: { ...serviceOptions(seed).zab, extendedTypesEnabled: true, containerCheckIntervalMs: CHECK_MS } });
}

describe('TTL nodes with extendedTypesEnabled (EphemeralType.TTL)', () => {
  test('a TTL node is created with its TTL in the ephemeralOwner; ZooKeeper would report 0xff00… | ttl', () => {
    const h = ttlRun('ttl-on-create');
    const [a] = h.clients as [NodeId];
    const made = run(h, a, ttlCreate('/t', 30_000));
    expect([made.err, made.response?.type === 'create' ? made.response.path : null]).toEqual(['OK', '/t']);
    const owner = made.response?.type === 'create' ? (made.response.stat?.ephemeralOwner ?? 0) : 0;
    expect(ttlOfOwner(owner)).toBe(30_000);
    expect(javaEphemeralOwner(owner)).toBe(BigInt.asIntN(64, 0xff00_0000_0000_7530n));
    const seq = run(h, a, ttlCreate('/s-', 30_000, 'PERSISTENT_SEQUENTIAL_WITH_TTL'));
    expect(seq.response?.type === 'create' ? seq.response.path : null).toMatch(/^\/s-\d{10}$/);
    for (const s of h.servers) expect(treeInvariantViolations(h.tree(s))).toEqual([]);
  });

  test('a childless TTL node is deleted once mtime + ttl has passed; setData moves mtime and so its end', () => {
    const h = ttlRun('ttl-on-expire');
    const [a] = h.clients as [NodeId];
    expect(run(h, a, ttlCreate('/short', 3000)).err).toBe('OK');
    expect(run(h, a, ttlCreate('/kept', 3000)).err).toBe('OK');
    const leader = h.activeLeader() as NodeId;
    const created = h.nowMs;
    h.runFor(2000);
    expect(run(h, a, setData('/kept', 'x')).err).toBe('OK');
    const touched = h.nowMs;
    expect(h.runUntil(() => getNode(h.tree(leader), '/short') === undefined, 10_000)).toBe(true);
    // Deleted at the first check after mtime + ttl: no earlier than the ttl, within a check interval after it.
    expect(h.nowMs - created).toBeGreaterThan(3000);
    expect(h.nowMs - created).toBeLessThanOrEqual(3000 + CHECK_MS + 1000);
    expect(getNode(h.tree(leader), '/kept')).toBeDefined();
    expect(h.runUntil(() => getNode(h.tree(leader), '/kept') === undefined, 10_000)).toBe(true);
    expect(h.nowMs - touched).toBeGreaterThan(3000);
  });

  test('a TTL node with a child is kept past its TTL, and goes once the child is gone', () => {
    const h = ttlRun('ttl-on-child');
    const [a] = h.clients as [NodeId];
    expect(run(h, a, ttlCreate('/p', 1000)).err).toBe('OK');
    expect(run(h, a, create('/p/c')).err).toBe('OK');
    h.runFor(5 * CHECK_MS);
    const leader = h.activeLeader() as NodeId;
    expect(getNode(h.tree(leader), '/p')).toBeDefined();
    expect(run(h, a, { type: 'remove', path: '/p/c', version: -1 }).err).toBe('OK');
    expect(h.runUntil(() => getNode(h.tree(leader), '/p') === undefined, 3 * CHECK_MS)).toBe(true);
  });
});

describe('validateCreateRequest with extendedTypesEnabled (pure prep)', () => {
  const ctx = { zxid: 1, timeMs: 0, sessionId: 7, authIds: [], extendedTypesEnabled: true };
  const request = (mode: CreateMode, ttl?: number): WriteRequest =>
    ttl === undefined
      ? { type: 'create', path: '/t', data: '', acl: OPEN_ACL_UNSAFE, mode }
      : { type: 'create', path: '/t', data: '', acl: OPEN_ACL_UNSAFE, mode, ttl };

  test('a TTL out of (0, 2^40-1], a TTL mode without one, or a ttl on another mode is BADARGUMENTS', () => {
    const tree = createDataTree();
    for (const bad of [
      request('PERSISTENT_WITH_TTL', 0),
      request('PERSISTENT_WITH_TTL', -5),
      request('PERSISTENT_WITH_TTL', TTL_MAX_MS + 1),
      request('PERSISTENT_WITH_TTL'),
      request('PERSISTENT', 10),
      request('CONTAINER', 0),
    ]) {
      expect(prep(tree, bad, ctx).txn.body).toEqual({ type: 'error', err: 'BADARGUMENTS' });
    }
    expect(prep(tree, request('PERSISTENT_WITH_TTL', TTL_MAX_MS), ctx).txn.body).toMatchObject({ type: 'create', ttl: TTL_MAX_MS });
    // Off (ZooKeeper's default), the mode alone is refused first, whatever the TTL.
    expect(prep(tree, request('PERSISTENT_WITH_TTL', 0), { ...ctx, extendedTypesEnabled: false }).txn.body).toEqual({ type: 'error', err: 'UNIMPLEMENTED' });
  });

  test('getCandidates takes a childless TTL node only when more than ttl has passed since its mtime', () => {
    const txn = prep(createDataTree(), request('PERSISTENT_WITH_TTL', 500), { ...ctx, timeMs: 1000 }).txn;
    const tree = applyTxn(createDataTree(), txn).tree;
    expect(tree.ttls.size).toBe(1);
    expect(containerCandidates(tree, 1500)).toEqual([]);
    expect(containerCandidates(tree, 1501)).toEqual(['/t']);
    expect(treeInvariantViolations(tree)).toEqual([]);
  });
});
