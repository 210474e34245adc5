// The read search's split of `getChildren /` (read-points.ts): a listing of the root is judged as one
// existence read per top-level name, each in the partition of that name alone, instead of joining every
// top-level path (and everything written under it) into one partition through "/".
//
// Why the split keeps the verdict. ZooKeeper answers getChildren from DataTree.getChildren: the names of
// the node's children at the server's state, nothing else. So a listing of "/" that returned the set C
// at state h holds iff, at h, every top-level /x exists exactly when x ∈ C. Each such fact depends only
// on the writes of /x's partition when "/" does not join them (touchedPaths with joinRoot false): a
// create or delete of /x needs "/" to exist, and "/" always does (it cannot be deleted); a sequential
// create directly under "/" would read the root's cversion, so it is a premise that there is none.
//
// Let the split search answer ok for every partition. Each partition's order is then a sequence of its
// known writes (fixed at their zxids), its read points (fixed at h + 1/2, between zxid h and h + 1), its
// writes without a zxid and its reads without a header zxid. Give every op a real position: known ops
// and points theirs; an op placed between the partition's fixed items k-1 and k any position strictly
// between them that also lies inside its window (lo + 1/2, hi - 1/2), in sequence order; that range is
// never empty, because the search's rank bounds come from the same window. The positions of all
// partitions together order the joined partition's ops; this order keeps every partition's states (the
// partitions share no path) and the zxid order. It also keeps real time (the search's only constraint
// across partitions: a returned before b was invoked puts a first), case by case:
// * known a, known b: a premise, checked here (the zxid order of the known writes keeps real time).
// * point a, known b: checkReadRealTime has already checked that b's zxid is above h.
// * known or point a, floating b (no zxid): b's window starts above a's zxid (zxidWindows) or above the
//   header zxid of any reply that arrived before b was invoked (ReplyBounds.tighten, fact 1).
// * floating a, known b: a's window ends at or below b's zxid (zxidWindows).
// * any a, b a point or a read without a header zxid: b is invoked at time 0 in the search, so no a
//   returned before it.
// * a read without a header zxid a, known b: a's upper rank bound stops before the first known write
//   invoked after a returned (read-points' LaterWrites).
// * floating a (a write that got a reply, or a read without a header zxid), floating b, in different
//   partitions: not implied by any window, so it is a premise: no such pair.
// The converse (joined ok, so each partition ok) is restriction of the joined order to a partition.
// Where a premise fails (a listing of "/" without a header zxid, whose one read point would have to suit
// every partition at once; a sequential create under "/"; one of the two real-time premises), the caller
// searches the joined partition, as before this split.
import type { ZkHistoryOp, ZkOp } from '../history/types.js';
import { describeZxid, ephemeralPathsBySession, sequentialUnderRoot, touchedPaths, type ZxidWindow } from './zk-writes.js';
import { newTree } from './znode-tree.js';
import { childrenOf } from './read-match.js';
import { emptyWindow, searchReturnUs } from './write-windows.js';
import { violated, type ClientCheckResult } from './client-common.js';

/** The listing of "/" each synthetic existence read stands for, to name it in a witness. */
const LISTING_OF = new WeakMap<ZkHistoryOp, ZkHistoryOp>();

/** The read a witness should show: the listing of "/" behind a synthetic existence read, else the read itself. */
export function shownRead(r: ZkHistoryOp): ZkHistoryOp {
  return LISTING_OF.get(r) ?? r;
}

function isRootListing(r: ZkHistoryOp): boolean {
  return r.op.type === 'getChildren' && r.op.path === '/' && r.result !== null && r.result.rc === 'ok' && r.result.children !== undefined;
}

export type RootSplit = {
  /** The searched reads, each listing of "/" replaced by one existence read per top-level name written. */
  readonly reads: ZkHistoryOp[];
  /** A listing that no write can explain (a name never created, or an initial one missing), or null. */
  readonly violation: ClientCheckResult | null;
};

/**
 * The split of the searched reads, or null when there is no listing of "/" among them or a premise that
 * needs no partitions fails (a listing without a header zxid, a sequential create directly under "/").
 */
export function splitRootListings(searched: readonly ZkHistoryOp[], writes: readonly ZkHistoryOp[]): RootSplit | null {
  let listings = 0;
  for (const r of searched) {
    if (!isRootListing(r)) continue;
    if (r.readZxid === undefined || r.readZxid === null) return null;
    listings++;
  }
  if (listings === 0) return null;
  for (const o of writes) if (sequentialUnderRoot(o.op)) return null;
  // The top-level names some write may create or delete (a session end deletes its ephemerals).
  const written = new Set<string>();
  const scratch: string[] = [];
  const addTopLevel = (): void => {
    for (const p of scratch) if (p !== '/' && p.lastIndexOf('/') === 0) written.add(p);
  };
  let ephemerals: Map<number, string[]> | null = null;
  for (const o of writes) {
    scratch.length = 0;
    touchedPaths(o.op, o.result, false, scratch);
    if (o.op.type === 'closeSession' && o.session !== null) {
      ephemerals ??= ephemeralPathsBySession(writes, false);
      for (const p of ephemerals.get(o.session) ?? []) scratch.push(p);
    }
    addTopLevel();
  }
  const names = [...written].sort();
  const initial = new Set(childrenOf(newTree(), '/').map((c) => `/${c}`));
  const reads: ZkHistoryOp[] = [];
  for (const r of searched) {
    if (!isRootListing(r)) {
      reads.push(r);
      continue;
    }
    const listed = new Set(r.result!.children!.map((c) => `/${c}`));
    // A name no write touches has its initial state at every zxid.
    for (const p of listed)
      if (!written.has(p) && !initial.has(p))
        return {
          reads,
          violation: violated(
            'sequential-reads',
            `#${r.id} of client ${r.client} listed ${p} under / at ${describeZxid(r.readZxid!)}, but no write of the history creates it`,
            [r],
          ),
        };
    for (const p of initial)
      if (!written.has(p) && !listed.has(p))
        return {
          reads,
          violation: violated(
            'sequential-reads',
            `#${r.id} of client ${r.client} listed / at ${describeZxid(r.readZxid!)} without ${p}, which is always there`,
            [r],
          ),
        };
    for (const p of names) {
      const op: ZkOp = { type: 'exists', path: p };
      const read: ZkHistoryOp = { ...r, op, result: { rc: 'ok', exists: listed.has(p) } };
      LISTING_OF.set(read, r);
      reads.push(read);
    }
  }
  return { reads, violation: null };
}

/**
 * The two real-time premises of the split (see the header), given each searched op's partition
 * (`partitionOf`, undefined for an op of no searched partition): the known writes' zxid order keeps real
 * time, and no write that got a reply without a zxid or read without a header zxid returned before a
 * write without a zxid of another partition was invoked. O(n log n).
 */
export function splitKeepsRealTime(
  writes: readonly ZkHistoryOp[],
  freeReads: readonly ZkHistoryOp[],
  windows: ReadonlyMap<ZkHistoryOp, ZxidWindow>,
  partitionOf: (o: ZkHistoryOp) => string | undefined,
): boolean {
  const known = writes.filter((o) => o.zxid !== null && partitionOf(o) !== undefined).sort((a, b) => a.zxid! - b.zxid!);
  // Suffix minimum of the returns, in zxid order: a write returned before one of a smaller zxid was invoked.
  let minReturn = Number.POSITIVE_INFINITY;
  for (let k = known.length - 1; k >= 0; k--) {
    const o = known[k]!;
    if (minReturn < o.invokeUs) return false;
    minReturn = Math.min(minReturn, searchReturnUs(o));
  }
  // The earliest return over each partition's floating ops: the two smallest, from distinct partitions.
  let first = { us: Number.POSITIVE_INFINITY, part: '' };
  let second = { us: Number.POSITIVE_INFINITY, part: '' };
  const offer = (us: number, part: string | undefined): void => {
    if (part === undefined || us === Number.POSITIVE_INFINITY) return;
    if (us < first.us) {
      if (first.part !== part) second = first;
      first = { us, part };
    } else if (part !== first.part && us < second.us) second = { us, part };
  };
  const floating = writes.filter((o) => o.zxid === null);
  for (const o of floating) offer(searchReturnUs(o), partitionOf(o));
  for (const r of freeReads) offer(r.completeUs ?? Number.POSITIVE_INFINITY, partitionOf(r));
  for (const o of floating) {
    const part = partitionOf(o);
    if (part === undefined || emptyWindow(windows.get(o))) continue;
    const other = first.part !== part ? first : second;
    if (other.us < o.invokeUs) return false;
  }
  return true;
}
