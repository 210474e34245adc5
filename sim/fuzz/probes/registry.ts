// The declared coverage probes, in the order reports list them. A sweep counts, per probe, the
// seeds whose run reached it; `zabsim fuzz --require-probes` fails when a declared probe of the
// sweep's level never fired.
import { LEADER_PROBES } from './leader-probes.js';
import { SERVICE_PROBES } from './service-probes.js';
import { SYNC_PROBES } from './sync-probes.js';
import type { ProbeDef, ProbeLevel } from './types.js';

export const PROBES: readonly ProbeDef[] = [...SYNC_PROBES, ...LEADER_PROBES, ...SERVICE_PROBES];

export const PROBE_NAMES: readonly string[] = PROBES.map((p) => p.name);

/**
 * The probes a kv-store run watches: all but the service ones. Those read only what ZooKeeper's
 * client and service layers emit (session, watch and recipe observations; sessionExpired and
 * throttled notes; ZooKeeper commands and `err` codes in completions), and a kv run's programs
 * (protocol/kv, protocol/client/basic-client.ts) emit none of it, so in a kv run they cannot fire
 * and would only cost a call per operation.
 */
export const KV_RUN_PROBES: readonly ProbeDef[] = PROBES.filter((p) => p.level !== 'service');

export function probesOfLevel(level: ProbeLevel): readonly ProbeDef[] {
  return PROBES.filter((p) => p.level === level);
}

/** Probe name → seeds that reached it, every declared probe listed (0 for one never reached). */
export function countProbes(perSeed: Iterable<readonly string[]>): Record<string, number> {
  const counts: Record<string, number> = Object.fromEntries(PROBE_NAMES.map((n) => [n, 0]));
  for (const hits of perSeed) for (const h of hits) counts[h] = (counts[h] ?? 0) + 1;
  return counts;
}
