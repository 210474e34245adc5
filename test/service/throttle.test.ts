// Proves ZooKeeper's request throttling end to end (ZooKeeperServer.shouldThrottle, ServerCnxn
// incrOutstandingAndCheckThrottle / decrOutstandingAndCheckThrottle): above globalOutstandingLimit
// requests in process a server stops reading a client that has requests of its own in process,
// reads what it sent meanwhile once one is answered, and loses or reorders none of them.
import { describe, expect, test } from 'vitest';
import type { NodeId } from '../../protocol/program.js';
import { serviceOf } from '../../protocol/service/server.js';
import { getNode } from '../../protocol/tree/index.js';
import { serviceOptions } from '../../sim/service/run.js';
import { attachedTo, create, ready, run, setData } from './helpers.js';

function heldAt(h: ReturnType<typeof ready>, server: NodeId, client: NodeId): number | null {
  const s = h.server(server);
  if (s === undefined) return null;
  const conn = serviceOf(s).connections.find((c) => c.client === client);
  return conn?.held?.length ?? null;
}

describe('globalOutstandingLimit', () => {
  test('a pipelining client over the limit is throttled, then every write lands once, in order', () => {
    const base = serviceOptions('throttle');
    const h = ready('throttle', { zab: { ...base.zab, globalOutstandingLimit: 1 } });
    const client = h.clients[0] as NodeId;
    expect(run(h, client, create('/t', 'PERSISTENT', 'v0')).outcome).toBe('ok');
    const server = attachedTo(h, client);
    for (let i = 1; i <= 6; i++) h.call(client, setData('/t', `v${i}`));
    // The second request in process is over the limit (1): the server stops reading the client.
    expect(h.runUntil(() => (heldAt(h, server, client) ?? 0) > 0, 10_000)).toBe(true);
    const done = () => h.servers.every((s) => getNode(h.tree(s), '/t')?.version === 6);
    expect(h.runUntil(done, 30_000)).toBe(true);
    for (const s of h.servers) expect(getNode(h.tree(s), '/t')?.data).toBe('v6');
    expect(heldAt(h, server, client)).toBeNull();
    expect(h.safetyViolated()).toBe(false);
  });

  test('under the limit nothing is held', () => {
    const h = ready('throttle-off');
    const client = h.clients[0] as NodeId;
    expect(run(h, client, create('/t')).outcome).toBe('ok');
    const server = attachedTo(h, client);
    for (let i = 1; i <= 6; i++) h.call(client, setData('/t', `v${i}`));
    let everHeld = false;
    const done = () => {
      everHeld ||= heldAt(h, server, client) !== null;
      return getNode(h.tree(server), '/t')?.version === 6;
    };
    expect(h.runUntil(done, 30_000)).toBe(true);
    expect(everHeld).toBe(false);
  });
});
