// TTL nodes with extendedTypesEnabled off (ZooKeeper's default): the client checks the TTL before
// sending (EphemeralType.validateTTL from ZooKeeper.create), and the server refuses a createTTL with
// UNIMPLEMENTED as an error txn that still takes a zxid (PrepRequestProcessor.validateCreateRequest).
import { describe, expect, test } from 'vitest';
import type { NodeId } from '../../protocol/program.js';
import { OPEN_ACL_UNSAFE, TTL_MAX_MS, type CreateMode } from '../../protocol/tree/index.js';
import type { ZkCommand } from '../../protocol/client/zk-client.js';
import { create, exists, ready, run } from './helpers.js';

const ttlCreate = (path: string, mode: CreateMode, ttl?: number): ZkCommand =>
  ttl === undefined ? { type: 'create', path, data: '', acl: OPEN_ACL_UNSAFE, mode } : { type: 'create', path, data: '', acl: OPEN_ACL_UNSAFE, mode, ttl };

describe('TTL nodes (PrepRequestProcessor.validateCreateRequest, EphemeralType.validateTTL)', () => {
  test('a createTTL is UNIMPLEMENTED and takes a zxid; no node appears', () => {
    const h = ready('ttl-unimpl');
    const [a] = h.clients as [NodeId];
    const first = run(h, a, create('/before'));
    const ttl = run(h, a, ttlCreate('/t', 'PERSISTENT_WITH_TTL', 5000));
    expect([ttl.err, ttl.outcome]).toEqual(['UNIMPLEMENTED', 'ok']);
    expect(ttl.zxid).toBe((first.zxid as number) + 1);
    expect(run(h, a, create('/after')).zxid).toBe((first.zxid as number) + 2);
    expect(run(h, a, exists('/t')).err).toBe('NONODE');
    expect(run(h, a, ttlCreate('/t-', 'PERSISTENT_SEQUENTIAL_WITH_TTL', 1)).err).toBe('UNIMPLEMENTED');
  });

  test('the client refuses a bad TTL before sending: none or out of (0, 2^40-1] for a TTL mode, any for another mode', () => {
    const h = ready('ttl-client');
    const [a] = h.clients as [NodeId];
    for (const cmd of [
      ttlCreate('/t', 'PERSISTENT_WITH_TTL'),
      ttlCreate('/t', 'PERSISTENT_WITH_TTL', 0),
      ttlCreate('/t', 'PERSISTENT_WITH_TTL', TTL_MAX_MS + 1),
      ttlCreate('/t', 'PERSISTENT', 10),
    ]) {
      const r = run(h, a, cmd);
      expect([r.err, r.outcome]).toEqual(['BADARGUMENTS', 'fail']);
    }
    expect(run(h, a, ttlCreate('/t', 'PERSISTENT_WITH_TTL', TTL_MAX_MS)).err).toBe('UNIMPLEMENTED');
  });

  test('a TTL create inside a multi fails the multi at that op', () => {
    const h = ready('ttl-multi');
    const [a] = h.clients as [NodeId];
    const r = run(h, a, {
      type: 'transaction',
      ops: [
        { type: 'create', path: '/m1', data: '', acl: OPEN_ACL_UNSAFE, mode: 'PERSISTENT' },
        { type: 'create', path: '/m2', data: '', acl: OPEN_ACL_UNSAFE, mode: 'PERSISTENT_WITH_TTL', ttl: 100 },
      ],
    });
    expect(r.err).toBe('UNIMPLEMENTED');
    expect(r.response?.type === 'multi' ? r.response.results : null).toEqual([
      { type: 'error', err: 'OK' },
      { type: 'error', err: 'UNIMPLEMENTED' },
    ]);
    expect(run(h, a, exists('/m1')).err).toBe('NONODE');
  });

  test('the history leaves TTL creates out (they never apply) and the checkers still pass', () => {
    const h = ready('ttl-history');
    const [a] = h.clients as [NodeId];
    run(h, a, create('/x'));
    run(h, a, ttlCreate('/t', 'PERSISTENT_WITH_TTL', 5000));
    const ops = h.history().ops.map((o) => (o.op.type === 'create' ? o.op.path : o.op.type));
    expect(ops).toEqual(['/x']);
    expect(h.clientChecks().map((c) => c.verdict)).toEqual(['ok', 'ok', 'ok', 'ok', 'ok']);
  });
});
