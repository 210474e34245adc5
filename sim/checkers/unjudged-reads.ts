// The reads no client checker judges yet (getAllChildrenNumber, and the getEphemerals and multiReads
// that ephemerals-split.ts and multi-read-split.ts cannot split: the history keeps them apart,
// sim/history/types.ts ZkHistoryUnjudged). Each checker that judges reads
// (sequential-reads, fifo-client-order, watch-order, session-ephemerals) would otherwise pass a history
// whose only flaw sits in one of them, so while a history holds one its "ok" becomes "unknown" with the
// reason. A violation stays a violation: an extra read only adds constraints (a later reply must not
// be older than it, no reply may reflect a change before its watch event), so whatever is violated
// without it is violated with it. linearizable-writes judges writes only and keeps its verdict.
import type { ZkHistory } from '../history/types.js';
import type { ClientCheckResult } from './client-common.js';

export const READ_CHECKERS: ReadonlySet<string> = new Set(['sequential-reads', 'fifo-client-order', 'watch-order', 'session-ephemerals']);

/** Why the read checkers cannot say ok for this history, or null when it holds no unjudged read. */
export function unjudgedReadsReason(history: ZkHistory): string | null {
  const reads = history.unjudged ?? [];
  if (reads.length === 0) return null;
  const counts = new Map<string, number>();
  for (const r of reads) counts.set(r.op.type, (counts.get(r.op.type) ?? 0) + 1);
  const list = [...counts].map(([type, n]) => `${n} ${type}`).join(', ');
  return `the history holds reads this checker cannot judge yet (${list}); not judged, so not ok`;
}

/** The result, with ok turned into unknown (and the reason) when `reason` is set and the checker judges reads. */
export function withUnjudgedReads(result: ClientCheckResult, reason: string | null): ClientCheckResult {
  if (reason === null || result.verdict !== 'ok' || !READ_CHECKERS.has(result.name)) return result;
  return { name: result.name, verdict: 'unknown', notes: [reason, ...(result.notes ?? [])].slice(0, 3) };
}
