// Read points: where in the write order each read may lie when a replay cannot pin it (sequential-reads).
//
// ZooKeeper's reads are sequentially consistent: there is one order of the committed writes (zxid order),
// and a server answers a read from the state after some prefix of it. Which prefix is bounded by:
// * the reply header zxid (readZxid), when recorded: exactly the writes with a zxid at or below it;
// * the session (FIFO client order, lastZxidSeen): at least what the session's earlier ops reflect;
// * real time: never a write invoked after the read returned (its zxid is assigned after the reply).
// A read of a path no write without a zxid touched, with a readZxid, is judged by the zxid-order replay
// (checkReadValues). Every other read (a path touched by an indeterminate write or a session end at an
// unknown zxid, or a read without a readZxid) is judged here, by search: per partition of paths (as in
// zk-writes.ts), the linearizability search orders the partition's writes (those with a zxid keep zxid
// order, those without one keep their zxid window) together with the reads:
// * the reads with header zxid h are one "point" op ranked among the writes with a zxid at key 2h+1
//   (after the write of zxid h, key 2z, before the next): at that point every one of them must see the
//   state, and an indeterminate write placed after it has a zxid above h;
// * a read without a header zxid may go anywhere in its bounds (the first two above, as ranks) where
//   the state matches; it changes nothing, so the search places it at the first such place.
// A point's call is 0 (a read may be stale: nothing that finished before it was invoked must precede it)
// and its return is the earliest return of its reads, so a write invoked after any of them returned
// follows it. Gap, stated: two reads without a header zxid of one session on paths that a write without a
// zxid touches are not held to each other's order within their partition (each only to the session's
// recorded zxids); zxids are not assumed dense (an indeterminate write may take any place its window allows).
import { opPath } from '../history/types.js';
import type { ZkHistoryOp, ZkOp, ZkResult } from '../history/types.js';
import { checkOperations } from './linearizability/search.js';
import type { Model, Operation } from './linearizability/model.js';
import {
  describeZxid,
  ephemeralPathsBySession,
  hashTree,
  isUncertain,
  sequentialUnderRoot,
  touchedPaths,
  zkPartitionModel,
  zxidWindows,
  type SearchState,
  type ZxidWindow,
} from './zk-writes.js';
import type { Tree } from './znode-tree.js';
import { replyBoundsOf, countBelow, emptyWindow, searchReturnUs } from './write-windows.js';
import { WriteTable } from './write-table.js';
import { decideRegister, type FreeWrite, type RankedItem } from './kv-register.js';
import { countAtMost } from './sort.js';
import { stateZxid, violated, type ClientCheckResult } from './client-common.js';
import type { HistoryView } from './history-view.js';
import { isDirty, readMismatch } from './read-match.js';
import { shownRead, splitKeepsRealTime, splitRootListings } from './root-children.js';

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

/** Session order: for each read without a header zxid, the largest state zxid of an ok op its session issued before it. */
export function sessionFloors(view: HistoryView): Map<ZkHistoryOp, number> {
  const out = new Map<ZkHistoryOp, number>();
  if (view.readsWithoutZxid.length === 0) return out;
  for (const { ops } of view.opsBySession.values()) {
    const floor = new Map<number, number>(); // by session (ops without one: the client's only session)
    for (const o of ops) {
      const key = o.session ?? -1;
      const z = floor.get(key) ?? 0;
      if (o.outcome === 'ok' && (o.readZxid === undefined || o.readZxid === null) && o.zxid === null) out.set(o, z);
      const s = stateZxid(o);
      if (s !== null && s > z) floor.set(key, s);
    }
  }
  return out;
}

type WriteInput = {
  readonly kind: 'write';
  readonly op: ZkOp;
  readonly rank: number;
  readonly minRank: number;
  readonly maxRank: number;
  readonly session: number | null;
};
type PointInput = { readonly kind: 'point'; readonly rank: number; readonly reads: readonly ZkHistoryOp[] };
type ReadInput = { readonly kind: 'read'; readonly minRank: number; readonly maxRank: number; readonly read: ZkHistoryOp };
type Input = WriteInput | PointInput | ReadInput;
type Output = { readonly unknown: boolean; readonly result: ZkResult | null };
type State = SearchState;

function readsMatch(tree: Tree, reads: readonly ZkHistoryOp[]): boolean {
  for (const r of reads) if (readMismatch(tree, r.op, r.result!, undefined) !== null) return false;
  return true;
}

/** zk-writes' partition model, plus read points and reads (see the header). */
const readPointModel: Model<State, Input, Output> = {
  name: 'zk-read-points',
  init: zkPartitionModel.init,
  step: (state, input, output) => {
    if (input.kind === 'point') {
      if (state.rank !== input.rank || !readsMatch(state.tree, input.reads)) return undefined;
      return { rank: state.rank + 1, tree: state.tree, hash: hashTree(state.tree, state.rank + 1) };
    }
    if (input.kind === 'read') {
      if (state.rank < input.minRank || state.rank > input.maxRank) return undefined;
      return readsMatch(state.tree, [input.read]) ? state : undefined;
    }
    // A write steps exactly as in zk-writes' partition model (same state shape).
    return zkPartitionModel.step(state, input, output);
  },
  hash: zkPartitionModel.hash,
  equal: zkPartitionModel.equal,
  alwaysLegal: (input, output) => input.kind === 'write' && output.unknown && input.rank < 0,
  readOnly: (input, output) =>
    input.kind === 'read' || (input.kind === 'write' && !output.unknown && input.rank < 0 && output.result !== null && output.result.rc !== 'ok'),
};

/** Union-find over path strings. */
class Components {
  private readonly parent = new Map<string, string>();
  find(p: string): string {
    let root = p;
    for (let next = this.parent.get(root); next !== undefined && next !== root; next = this.parent.get(root)) root = next;
    if (!this.parent.has(p)) this.parent.set(p, p);
    while (p !== root) {
      const next = this.parent.get(p)!;
      this.parent.set(p, root);
      p = next;
    }
    return root;
  }
  union(a: string, b: string): void {
    const ra = this.find(a);
    const rb = this.find(b);
    if (ra !== rb) this.parent.set(ra < rb ? rb : ra, ra < rb ? ra : rb);
  }
}

function parentOf(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash <= 0 ? '/' : path.slice(0, slash);
}

export type ReadSearchOptions = { readonly stepsMax?: number };

/**
 * Judges, by search, the reads the replay does not: those of `dirty` paths and those without a header
 * zxid. `writes`: the history's writes (outcome not "fail") and the session ends it implies.
 */
export function searchReads(
  view: HistoryView,
  writes: readonly ZkHistoryOp[],
  dirty: ReadonlySet<string>,
  later: LaterWrites,
  options: ReadSearchOptions,
): ClientCheckResult | null {
  const searched: ZkHistoryOp[] = [];
  if (dirty.size > 0) for (const r of view.reads) if (isDirty(dirty, opPath(r.op)!)) searched.push(r);
  for (const r of view.readsWithoutZxid) searched.push(r);
  if (searched.length === 0) return null;
  // Listings of "/" judged apart, name by name (root-children.ts); the joined search where its premises fail.
  const split = splitRootListings(searched, writes);
  if (split !== null && split.violation !== null) return split.violation;
  if (split !== null) {
    const r = searchPartitions(view, writes, split.reads, false, later, options, true);
    if (r !== SPLIT_PREMISE_FAILED) return r;
  }
  const joinRoot = searched.some((r) => r.op.type === 'getChildren' && opPath(r.op) === '/') || writes.some((o) => sequentialUnderRoot(o.op));
  return searchPartitions(view, writes, searched, joinRoot, later, options, false) as ClientCheckResult | null;
}

/** searchPartitions' answer when the split of the listings of "/" may not decide (root-children.ts). */
const SPLIT_PREMISE_FAILED = Symbol('split premise failed');

function searchPartitions(
  view: HistoryView,
  writes: readonly ZkHistoryOp[],
  searched: readonly ZkHistoryOp[],
  joinRoot: boolean,
  later: LaterWrites,
  options: ReadSearchOptions,
  split: boolean,
): ClientCheckResult | null | typeof SPLIT_PREMISE_FAILED {
  const name = 'sequential-reads';
  // Partitions: each write joins every path it touches (a session end, its session's ephemerals).
  const comps = new Components();
  const scratch: string[] = [];
  let ephemerals: Map<number, string[]> | null = null;
  const firstPath: (string | null)[] = [];
  for (const o of writes) {
    scratch.length = 0;
    touchedPaths(o.op, o.result, joinRoot, scratch);
    if (o.op.type === 'closeSession' && o.session !== null) {
      ephemerals ??= ephemeralPathsBySession(writes, joinRoot);
      for (const p of ephemerals.get(o.session) ?? []) scratch.push(p); // not a spread: a session may own any number
    }
    firstPath.push(scratch[0] ?? null);
    for (let k = 1; k < scratch.length; k++) comps.union(scratch[0]!, scratch[k]!);
  }
  // A read of a name a sequential create may have made joins its parent.
  const readPath = (r: ZkHistoryOp): string => {
    const p = opPath(r.op)!;
    if (p.length > 10 && /^\d{10}$/.test(p.slice(-10))) comps.union(p, parentOf(p));
    return p;
  };
  const readsOf = new Map<string, ZkHistoryOp[]>();
  for (const r of searched) {
    const p = readPath(r);
    const root = comps.find(p);
    const list = readsOf.get(root);
    if (list === undefined) readsOf.set(root, [r]);
    else list.push(r);
  }
  const writesOf = new Map<string, ZkHistoryOp[]>();
  writes.forEach((o, i) => {
    const p = firstPath[i];
    if (p === null || p === undefined) return;
    const root = comps.find(p);
    if (!readsOf.has(root)) return;
    const list = writesOf.get(root);
    if (list === undefined) writesOf.set(root, [o]);
    else list.push(o);
  });
  const floors = sessionFloors(view);
  // The zxid windows of the writes without a zxid, against every write with one (all partitions).
  const table = WriteTable.of(writes);
  const floatingAll: number[] = [];
  for (let i = 0; i < writes.length; i++) if (writes[i]!.zxid === null) floatingAll.push(i);
  const windows =
    floatingAll.length === 0 ? new Map<ZkHistoryOp, ZxidWindow>() : zxidWindows(writes, table, table.byZxid(), floatingAll, replyBoundsOf(view.history.ops));
  if (split) {
    const partOf = new Map<ZkHistoryOp, string>();
    for (const [root, list] of writesOf) for (const o of list) partOf.set(o, root);
    for (const r of view.readsWithoutZxid) partOf.set(r, comps.find(opPath(r.op)!));
    if (!splitKeepsRealTime(writes, view.readsWithoutZxid, windows, (o) => partOf.get(o))) return SPLIT_PREMISE_FAILED;
  }
  let stepsLeft = options.stepsMax ?? 20_000_000;
  const unknownNotes: string[] = [];
  for (const [root, reads] of readsOf) {
    const group = writesOf.get(root) ?? [];
    const r = searchPartition(windows, group, reads, floors, later, stepsLeft);
    stepsLeft = Math.max(0, stepsLeft - r.steps);
    if (r.violation !== null) return r.violation;
    if (r.unknown)
      unknownNotes.push(
        `the read search's budget ran out on the partition of ${root} (${group.length} writes, ${reads.length} reads, ${group.filter((o) => o.zxid === null).length} without a zxid, ${group.filter(isUncertain).length} open)`,
      );
  }
  if (unknownNotes.length > 0) return { name, verdict: 'unknown', notes: unknownNotes.slice(0, 3) };
  return null;
}

function searchPartition(
  windows: ReadonlyMap<ZkHistoryOp, ZxidWindow>,
  group: readonly ZkHistoryOp[],
  reads: readonly ZkHistoryOp[],
  floors: ReadonlyMap<ZkHistoryOp, number>,
  later: LaterWrites,
  stepsMax: number,
): { violation: ClientCheckResult | null; unknown: boolean; steps: number } {
  // Ranked items: the writes with a zxid (key 2z) and the read points (key 2h+1), by key.
  const known = group.filter((o) => o.zxid !== null);
  const byH = new Map<number, ZkHistoryOp[]>();
  const free: ZkHistoryOp[] = [];
  for (const r of reads) {
    if (r.readZxid === undefined || r.readZxid === null) free.push(r);
    else {
      const list = byH.get(r.readZxid);
      if (list === undefined) byH.set(r.readZxid, [r]);
      else list.push(r);
    }
  }
  type Ranked = { readonly key: number; readonly write: ZkHistoryOp | null; readonly reads: ZkHistoryOp[] | null };
  const ranked: Ranked[] = known.map((o) => ({ key: 2 * o.zxid!, write: o, reads: null }));
  for (const [h, list] of byH) ranked.push({ key: 2 * h + 1, write: null, reads: list });
  ranked.sort((a, b) => a.key - b.key);
  const keys = ranked.map((x) => x.key);
  const rankOf = (zxidAbove: number): number => countBelow(keys, 2 * zxidAbove + 2); // items at or below zxid
  const ops: Operation<Input, Output>[] = [];
  const source: (ZkHistoryOp | readonly ZkHistoryOp[])[] = [];
  ranked.forEach((x, rank) => {
    if (x.write !== null) {
      const o = x.write;
      const uncertain = isUncertain(o);
      ops.push({
        client: o.client,
        input: { kind: 'write', op: o.op, rank, minRank: 0, maxRank: ranked.length, session: o.session },
        output: { unknown: uncertain, result: uncertain ? null : o.result },
        call: o.invokeUs,
        return: searchReturnUs(o),
      });
      source.push(o);
    } else {
      const list = x.reads!;
      let ret = Number.POSITIVE_INFINITY;
      for (const r of list) if (r.completeUs !== null && r.completeUs < ret) ret = r.completeUs;
      ops.push({ client: -1, input: { kind: 'point', rank, reads: list }, output: { unknown: false, result: null }, call: 0, return: ret });
      source.push(list);
    }
  });
  const floating = group.filter((o) => o.zxid === null);
  if (floating.length > 0) {
    for (const o of floating) {
      const w = windows.get(o);
      const uncertain = isUncertain(o);
      // An unrecorded session end (invokeUs -1) follows every write of its own session.
      // Zxid above lo: after every item at or below lo. Zxid below hi, so at or below hi - 1: before the
      // point of header hi - 1 (key 2hi - 1). No zxid in the window: a rank no state has (never takes effect).
      const empty = emptyWindow(w);
      const minRank = w === undefined ? 0 : empty ? ranked.length + 1 : rankOf(w.lo);
      const maxRank = w === undefined || w.hi === Number.POSITIVE_INFINITY ? ranked.length : empty ? -1 : countBelow(keys, 2 * w.hi - 1);
      ops.push({
        client: o.client,
        input: { kind: 'write', op: o.op, rank: -1, minRank, maxRank, session: o.session },
        output: { unknown: uncertain, result: uncertain ? null : o.result },
        call: o.invokeUs,
        return: searchReturnUs(o),
      });
      source.push(o);
    }
  }
  for (const r of free) {
    const floor = floors.get(r) ?? 0;
    const next = r.completeUs === null ? null : later.after(r.completeUs);
    const maxRank = next === null ? ranked.length : countBelow(keys, 2 * next.zxid!);
    ops.push({
      client: -1,
      input: { kind: 'read', minRank: floor === 0 ? 0 : rankOf(floor), maxRank, read: r },
      output: { unknown: false, result: null },
      call: 0,
      return: r.completeUs ?? Number.POSITIVE_INFINITY,
    });
    source.push(r);
  }
  // One KV register with indeterminate writes only: decided without search (kv-register.ts).
  // decideRegister reads only a window's lower end: used when no window has an upper end or is empty.
  const lowerOnly = floating.every((o) => {
    const w = windows.get(o);
    return w === undefined || (w.hi === Number.POSITIVE_INFINITY && !emptyWindow(w));
  });
  if (
    lowerOnly &&
    free.length === 0 &&
    group.length > 0 &&
    group.every((o) => (o.op.type === 'kvSet' || o.op.type === 'kvCas') && o.op.path === opPath(group[0]!.op))
  ) {
    const items: RankedItem[] = ranked.map((x) => (x.write !== null ? { write: x.write } : { reads: x.reads! }));
    const freeWrites: FreeWrite[] = [];
    for (let k = 0; k < ops.length; k++) {
      const input = ops[k]!.input;
      if (input.kind !== 'write' || input.rank >= 0) continue;
      // After every ranked item that returned before it was invoked (real time).
      let minRank = input.minRank;
      for (let r = 0; r < ranked.length; r++) if (ops[r]!.return < ops[k]!.call) minRank = Math.max(minRank, r + 1);
      freeWrites.push({ write: source[k] as ZkHistoryOp, minRank });
    }
    const decided = decideRegister(items, freeWrites);
    if (decided !== null) {
      if (decided.verdict === 'ok') return { violation: null, unknown: false, steps: 0 };
      return { violation: violated('sequential-reads', `${opPath(group[0]!.op)}: ${decided.reason}`, [...decided.ops]), unknown: false, steps: 0 };
    }
  }
  const result = checkOperations(readPointModel, ops, { stepsMax });
  if (result.verdict === 'ok') return { violation: null, unknown: false, steps: result.steps };
  if (result.verdict === 'unknown') return { violation: null, unknown: true, steps: result.steps };
  const w = result.witness!;
  // The first read the search could not place, and the writes placed last before it.
  const stuckReads: ZkHistoryOp[] = [];
  for (const i of w.unplaced) {
    const s = source[i]!;
    if (Array.isArray(s))
      for (const read of s as readonly ZkHistoryOp[]) stuckReads.push(shownRead(read)); // a group may be large: no spread
    else if (ops[i]!.input.kind === 'read') stuckReads.push(shownRead(s as ZkHistoryOp));
    if (stuckReads.length > 0) break;
  }
  const tail: ZkHistoryOp[] = [];
  for (const i of w.longestPrefix.slice(-3)) {
    const s = source[i]!;
    if (!Array.isArray(s)) tail.push(s as ZkHistoryOp);
  }
  const stuckWrites = w.unplaced
    .slice(0, 2)
    .map((i) => source[i]!)
    .filter((s): s is ZkHistoryOp => !Array.isArray(s) && (s as ZkHistoryOp).op.type !== 'kvGet');
  const first = stuckReads[0];
  const reason =
    first === undefined
      ? `no order of the ${group.length} writes on the partition of ${opPath(reads[0]!.op)} explains their results and the reads of it (zxid order, session order and real time kept)`
      : `#${first.id} of client ${first.client} read ${opPath(first.op)}${first.readZxid === undefined || first.readZxid === null ? ' (no reply zxid)' : ` at ${describeZxid(first.readZxid)}`} and got ${describeRead(first.result!)}, which no state it may see has: no order of the ${group.length} writes there gives it at a place allowed by their zxids, the session's order and real time`;
  return { violation: violated('sequential-reads', reason, [...tail, ...stuckWrites, ...stuckReads.slice(0, 2)]), unknown: false, steps: result.steps };
}

function describeRead(r: ZkResult): string {
  if (r.rc !== 'ok') return r.rc;
  if (r.exists === false) return 'no node';
  if (r.children !== undefined) return `children [${r.children.join(',')}]`;
  return `${r.data === undefined ? 'a node' : `"${r.data}"`}${r.version === undefined ? '' : ` version ${r.version}`}`;
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
