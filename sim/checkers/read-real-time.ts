// Real time against reads: a reply's header zxid is the state its server had applied when it answered, so
// no write invoked after the reply arrived is in it; and a Stat's mzxid names a txn that real time allows.
import { opPath } from '../history/types.js';
import type { ZkHistoryOp, ZkOp } from '../history/types.js';
import { describeZxid } from './zk-writes.js';
import { searchReturnUs } from './write-windows.js';
import { countAtMost } from './sort.js';
import { violated, type ClientCheckResult } from './client-common.js';
import type { HistoryView } from './history-view.js';

/** The smallest zxid of a write invoked after a given time, over the writes with a zxid. */
export class LaterWrites {
  private readonly invokeUs: number[] = [];
  /** suffixMin[k]: the write with the smallest zxid among byInvoke[k..]. */
  private readonly suffixMin: ZkHistoryOp[] = [];

  constructor(writes: readonly ZkHistoryOp[]) {
    const known = writes.filter((o) => o.zxid !== null && o.outcome !== 'fail').sort((a, b) => a.invokeUs - b.invokeUs);
    for (const o of known) this.invokeUs.push(o.invokeUs);
    for (let k = known.length - 1; k >= 0; k--) {
      const next = this.suffixMin[k + 1];
      this.suffixMin[k] = next !== undefined && next.zxid! < known[k]!.zxid! ? next : known[k]!;
    }
  }

  /** Among the writes invoked strictly after `us`, the one with the smallest zxid, or null. */
  after(us: number): ZkHistoryOp | null {
    return this.suffixMin[countAtMost(this.invokeUs, us)] ?? null;
  }
}

/**
 * A reply's header zxid is the state the server had applied when it answered, so a write invoked after
 * the reply arrived has a larger zxid (its txn is proposed later). Checked for every read with one.
 */
export function checkReadRealTime(view: HistoryView, later: LaterWrites): ClientCheckResult | null {
  const check = (r: ZkHistoryOp): ClientCheckResult | null => {
    if (r.completeUs === null || r.readZxid === undefined || r.readZxid === null) return null;
    const w = later.after(r.completeUs);
    if (w === null || w.zxid! > r.readZxid) return null;
    return violated(
      'sequential-reads',
      `#${r.id} returned at ${r.completeUs}us with a state at ${describeZxid(r.readZxid)}, which includes #${w.id} (${describeZxid(w.zxid)}), invoked later at ${w.invokeUs}us`,
      [r, w],
    );
  };
  for (const r of view.reads) {
    const v = check(r);
    if (v !== null) return v;
  }
  // A sync's reply carries the same header (FinalRequestProcessor), so the same bound holds for it.
  for (const r of view.syncs) {
    const v = check(r);
    if (v !== null) return v;
  }
  return null;
}

/** Whether the op (or a sub-op of a multi) sets the data of `path`. */
function setsData(op: ZkOp, path: string, data: string | undefined): boolean {
  if (op.type === 'multi') return op.ops.some((sub) => setsData(sub, path, data));
  if (op.type === 'create') return (op.path === path || path.startsWith(op.path)) && (data === undefined || op.data === data);
  if (op.type === 'setData' || op.type === 'kvSet' || op.type === 'kvCas') return op.path === path && (data === undefined || op.data === data);
  return false;
}

/**
 * A read's mzxid names the txn that last set the node's data. When no write of the history carries that
 * zxid, it must be a write without one, of that path and data, whose zxid may be m: above every zxid its
 * client could know was assigned before it was invoked (a write's that had completed, a reply header's
 * that had arrived: the txn is proposed later) and below that of every write invoked after it returned.
 */
export function checkUnseenWriters(view: HistoryView, writes: readonly ZkHistoryOp[], later: LaterWrites): ClientCheckResult | null {
  const floating = writes.filter((o) => o.zxid === null);
  const known = new Set<number>();
  for (const o of writes) if (o.zxid !== null) known.add(o.zxid);
  // What had been assigned before a time: the replies (writes' zxids, reply header zxids) by arrival.
  // Built at the first read that needs it: most histories have none (every mzxid is a known zxid).
  const seen: { us: number; z: number }[] = [];
  const prefixMax: number[] = [];
  let built = false;
  const build = (): void => {
    built = true;
    for (const o of view.history.ops) {
      if (o.outcome !== 'ok' || o.completeUs === null) continue;
      const z = Math.max(o.zxid ?? 0, o.readZxid ?? 0);
      if (z > 0) seen.push({ us: o.completeUs, z });
    }
    seen.sort((a, b) => a.us - b.us);
    for (const s of seen) prefixMax.push(Math.max(s.z, prefixMax.length === 0 ? 0 : prefixMax[prefixMax.length - 1]!));
  };
  const seenBefore = (us: number): number => {
    if (!built) build();
    let lo = 0;
    let hi = seen.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (seen[mid]!.us < us) lo = mid + 1;
      else hi = mid;
    }
    return lo === 0 ? 0 : prefixMax[lo - 1]!;
  };
  for (const r of [...view.reads, ...view.readsWithoutZxid]) {
    const res = r.result!;
    const m = res.mzxid;
    if (res.rc !== 'ok' || m === undefined || m === 0 || res.exists === false || known.has(m)) continue;
    const path = opPath(r.op)!;
    const fits = floating.some((w) => {
      if (!setsData(w.op, path, res.data)) return false;
      if (!(m > seenBefore(w.invokeUs))) return false;
      const returnUs = searchReturnUs(w);
      const next = returnUs === Number.POSITIVE_INFINITY ? null : later.after(returnUs);
      return next === null || m < next.zxid!;
    });
    if (!fits)
      return violated(
        'sequential-reads',
        `#${r.id} read ${path} with mzxid ${describeZxid(m)}, but no write of the history can have that zxid: none carries it, and no write without a zxid of that data there may take it (real time)`,
        [r],
      );
  }
  return null;
}
