// Bursty clients: for a share of the service cases, one client pipelines a burst of writes at one
// instant (a batch job, a cache refill, a client that reconnects with a backlog), more than its
// server's globalOutstandingLimit lets in at once. The server then stops reading that connection
// until requests drain (ZooKeeperServer.shouldThrottle, ServerCnxn.disableRecv). Runs are about a
// thousand times smaller than a production load, so a bursty case scales the limit down with them,
// as snapCount is (case.ts): ZooKeeper's default of 1000 becomes a value in 8..40; the burst is one
// to three times it. Nothing here knows about mutants or probes.
import fc from 'fast-check';
import { OPEN_ACL_UNSAFE } from '../../protocol/tree/index.js';
import type { FuzzCase, Profile, WorkloadOp } from './case.js';

export interface ClientBurst {
  readonly globalOutstandingLimit: number;
  readonly client: number;
  readonly atMs: number;
  readonly writes: number;
}

/** No burst for most service cases; for the profile's burstPercent of them, one (unbiased roll). */
export function clientBurstArb(profile: Profile, c: FuzzCase): fc.Arbitrary<ClientBurst | null> {
  if (profile.burstPercent <= 0 || c.service === undefined) return fc.constant(null);
  return fc.noBias(fc.integer({ min: 0, max: 99 })).chain((roll) =>
    roll >= profile.burstPercent
      ? fc.constant(null)
      : fc
          .record({
            globalOutstandingLimit: fc.integer({ min: 8, max: 40 }),
            client: fc.integer({ min: 0, max: Math.max(0, c.clients - 1) }),
            atMs: fc.integer({ min: 300, max: Math.max(300, c.faultsUntilMs - 500) }),
            times: fc.integer({ min: 100, max: 300 }),
          })
          .map(({ globalOutstandingLimit, client, atMs, times }) => ({
            globalOutstandingLimit,
            client,
            atMs,
            writes: Math.ceil((globalOutstandingLimit * times) / 100),
          })),
  );
}

/**
 * The case with the burst's writes and its scaled limit. Each write creates its own znode under /n1
 * (a plain call's directory; if a plain delete removed it, the creates fail with NONODE, which still
 * takes them through the server's queue): distinct paths keep the client checkers' search small.
 */
export function withClientBurst(c: FuzzCase, b: ClientBurst | null): FuzzCase {
  if (b === null) return c;
  const burst: WorkloadOp[] = Array.from({ length: b.writes }, (_, k) => ({
    atMs: b.atMs,
    client: b.client,
    op: { type: 'zk', command: { type: 'create', path: `/n1/burst-${k}`, data: String(k), acl: OPEN_ACL_UNSAFE, mode: 'PERSISTENT' } },
  }));
  return { ...c, globalOutstandingLimit: b.globalOutstandingLimit, ops: [...c.ops, ...burst].sort((x, y) => x.atMs - y.atMs) };
}
