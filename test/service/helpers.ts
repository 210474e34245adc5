// Shared helpers for the service tests: a harness with an active leader and connected clients, and
// short names for client commands.
import { expect } from 'vitest';
import type { NodeId } from '../../protocol/program.js';
import type { ZkCommand, ZkCompletion } from '../../protocol/client/zk-client.js';
import { OPEN_ACL_UNSAFE, type CreateMode } from '../../protocol/tree/index.js';
import { ServiceHarness, serviceOptions, type ServiceOptions } from '../../sim/service/run.js';

export function ready(seed: string, patch: Partial<ServiceOptions> = {}): ServiceHarness {
  const h = new ServiceHarness(serviceOptions(seed, patch));
  expect(h.settle()).toBe(true);
  expect(h.runUntil(() => h.servers.every((s) => h.server(s)?.phase === 'BROADCAST'), 30_000)).toBe(true);
  return h;
}

/**
 * A three-client service run under the history tests' fault plan (the leader crashed at 3 s, every
 * server back at 6 s, one isolated at 8 s, healed at 11 s), not yet settled.
 */
export function faultyThreeClients(seed: string): ServiceHarness {
  return new ServiceHarness(
    serviceOptions(seed, {
      clients: 3,
      faults: [
        { atMs: 3000, type: 'crash', target: 'leader' },
        { atMs: 6000, type: 'restart', target: 'all-down' },
        { atMs: 8000, type: 'partition', mode: 'isolate', target: 'any' },
        { atMs: 11_000, type: 'heal' },
      ],
    }),
  );
}

export const create = (path: string, mode: CreateMode = 'PERSISTENT', data = ''): ZkCommand => ({ type: 'create', path, data, acl: OPEN_ACL_UNSAFE, mode });
export const setData = (path: string, data: string, version = -1): ZkCommand => ({ type: 'setData', path, data, version });
export const remove = (path: string, version = -1): ZkCommand => ({ type: 'remove', path, version });
export const getData = (path: string, watch = false): ZkCommand => ({ type: 'getData', path, watch });
export const exists = (path: string, watch = false): ZkCommand => ({ type: 'exists', path, watch });
export const getChildren = (path: string, watch = false): ZkCommand => ({ type: 'getChildren', path, watch });

/** Calls and waits; returns the completion's result (fails the test if none came). */
export function run(h: ServiceHarness, client: NodeId, command: ZkCommand, maxMs = 60_000): ZkCompletion & { outcome: string; zxid: number | null } {
  const done = h.callAndWait(client, command, maxMs);
  expect(done, `no completion for ${command.type}`).toBeDefined();
  const d = done as NonNullable<typeof done>;
  return { ...(d.result as ZkCompletion), outcome: d.outcome, zxid: d.zxid };
}

/** The server a client is attached to now. */
export function attachedTo(h: ServiceHarness, client: NodeId): NodeId {
  const c = h.client(client);
  if (c === undefined) throw new Error('client down');
  return c.config.servers[c.serverIndex % c.config.servers.length] as NodeId;
}

/** At `atMs`, the faults end: every link heals, every paused server resumes, every crashed one restarts. */
export function healEverythingAt(h: ServiceHarness, atMs: number): void {
  h.kernel.at(atMs * 1000, () => {
    h.kernel.healAll();
    for (const id of h.servers) {
      h.kernel.resume(id);
      if (!h.kernel.isUp(id)) h.kernel.restart(id);
    }
  });
}
