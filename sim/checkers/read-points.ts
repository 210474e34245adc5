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
// follows it. Session order where no zxid carries it (reads without a header zxid, writes without a zxid
// that got a reply, an unseen session end) is kept within a partition by marks (read-session-order.ts).
// Each write without a zxid that takes effect takes a free zxid of its own (read-zxid-slots.ts), so a
// read's header pins how many writes lie below it; a write whose reply was lost follows its session's
// earlier ops, and a session's writes lie below its recorded end (read-session-order.ts).
// Gaps, stated: session order across partitions is kept only through recorded zxids and the zxid
// windows; the zxid count is per partition (writes without a zxid of other partitions may take the same
// free zxids in the search: weaker than ZooKeeper, never stricter).
import { opPath } from '../history/types.js';
import type { ZkHistoryOp, ZkOp, ZkResult } from '../history/types.js';
import { checkOperations } from './linearizability/search.js';
import { mix32, type Model, type Operation } from './linearizability/model.js';
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
import type { TreeLike } from './znode-tree.js';
import { replyBoundsOf, emptyWindow, searchReturnUs } from './write-windows.js';
import { countBelow } from './sort.js';
import { WriteTable } from './write-table.js';
import { decideRegister, type FreeWrite, type Placed, type RankedItem } from './kv-register.js';
import { stateZxid, violated, type ClientCheckResult } from './client-common.js';
import type { HistoryView } from './history-view.js';
import { isDirty, readMismatch } from './read-match.js';
import { endBoundedWindows, sessionChainedWindows, sessionCeilings, sessionFloors, sessionMarks, type SessionMark } from './read-session-order.js';
import { shownRead, splitKeepsRealTime, splitRootListings } from './root-children.js';
import type { LaterWrites } from './read-real-time.js';
import { PartitionGaps } from './read-zxid-slots.js';
import { FreeZxids } from './zxid-gaps.js';

type WriteInput = {
  readonly kind: 'write';
  readonly op: ZkOp;
  readonly rank: number;
  readonly minRank: number;
  readonly maxRank: number;
  readonly session: number | null;
  readonly mark: SessionMark | null;
  /** For an indeterminate write: it takes effect only once `seq` of its session's marked ops are placed. */
  readonly after: SessionMark | null;
  /** Its zxid window (lo, hi), open; for a write without a zxid, where the zxid count applies. */
  readonly lo: number;
  readonly hi: number;
};
type PointInput = { readonly kind: 'point'; readonly rank: number; readonly reads: readonly ZkHistoryOp[] };
type ReadInput = {
  readonly kind: 'read';
  readonly minRank: number;
  readonly maxRank: number;
  readonly read: ZkHistoryOp;
  readonly mark: SessionMark | null;
  /** Every write before it has a zxid below this (session order, real time): it bounds the zxid count's last. */
  readonly zxidBelow: number;
  /** Its read point's zxid is at least this (session order, its Stat's mzxid): a write of a smaller zxid precedes it. */
  readonly zxidAbove: number;
};
type Input = WriteInput | PointInput | ReadInput;
type Output = { readonly unknown: boolean; readonly result: ZkResult | null };
/**
 * zk-writes' state, plus per marked session the issue position of its last unranked op placed
 * (read-session-order.ts), and the zxid the last write without a zxid placed since the last ranked item
 * took (read-zxid-slots.ts; 0 when none, or when zxids are not counted).
 */
/** `floor`: the largest zxid a read placed so far is known to be at or above (its session's floor, its Stat's mzxid). */
type State = SearchState & { readonly marks: readonly number[]; readonly last: number; readonly floor: number };

function readsMatch(tree: TreeLike, reads: readonly ZkHistoryOp[]): boolean {
  for (const r of reads) if (readMismatch(tree, r.op, r.result!, undefined) !== null) return false;
  return true;
}

/**
 * zk-writes' partition model, plus read points and reads (see the header), and `slots` session marks: an op
 * with a mark goes only right after its session's marked op before it (marks count those placed). The marks
 * are a function of the ops placed, so the search meets no more states than without them; and a read (or a
 * failed write, when zxids are not counted) that is legal can still go first in any completion: no op of its
 * session after it can be placed before it, and it changes no node.
 * With `gaps`, a write without a zxid that takes effect takes the smallest free zxid of its window in the
 * current gap above the one the write before it there took (read-zxid-slots.ts): a definite one that finds
 * none cannot go there, an indeterminate one did not take effect. A failed definite write then takes a
 * zxid too (an error txn), so it is no longer read-only.
 */
function readPointModel(slots: number, gaps: PartitionGaps | null): Model<State, Input, Output> {
  const initialMarks: readonly number[] = new Array<number>(slots).fill(0);
  const withState = (state: State, next: SearchState, marks: readonly number[], last: number, floor = state.floor): State =>
    next === state && marks === state.marks && last === state.last && floor === state.floor
      ? state
      : { rank: next.rank, tree: next.tree, hash: next.hash, marks, last, floor };
  return {
    name: 'zk-read-points',
    init: () => ({ ...zkPartitionModel.init(), marks: initialMarks, last: 0, floor: 0 }),
    step: (state, input, output) => {
      if (input.kind === 'point') {
        if (state.rank !== input.rank || !readsMatch(state.tree, input.reads)) return undefined;
        return { rank: state.rank + 1, tree: state.tree, hash: hashTree(state.tree, state.rank + 1), marks: state.marks, last: 0, floor: state.floor };
      }
      const mark = input.mark;
      if (mark !== null && state.marks[mark.slot] !== mark.seq) return undefined;
      if (input.kind === 'read') {
        if (state.rank < input.minRank || state.rank > input.maxRank) return undefined;
        // A write without a zxid placed before it in this gap took a zxid it must be above.
        if (state.last >= input.zxidBelow) return undefined;
        if (!readsMatch(state.tree, [input.read])) return undefined;
        return withState(state, state, mark === null ? state.marks : markedOnce(state.marks, mark), state.last, Math.max(state.floor, input.zxidAbove));
      }
      // An indeterminate write whose session's earlier ops are not all placed cannot take effect yet.
      if (input.after !== null && state.marks[input.after.slot]! < input.after.seq) return output.unknown ? state : undefined;
      // A write steps exactly as in zk-writes' partition model (same state shape, marks kept).
      const next = zkPartitionModel.step(state, input, output);
      if (next === undefined) return undefined;
      if (input.rank >= 0) return withState(state, next, mark === null ? state.marks : markedOnce(state.marks, mark), 0);
      // An indeterminate write left as it was did not take effect (outside its window, or an error): it
      // takes no zxid and marks nothing.
      if (output.unknown && next === state) return state;
      // Its zxid is below hi, so at or below a read placed before it that is known to lie at or above hi:
      // it precedes that read (session order or a Stat's mzxid put the read there; case 4208180317).
      if (input.hi <= state.floor) return output.unknown ? state : undefined;
      let last = state.last;
      if (gaps !== null) {
        const z = gaps.take(state.rank, Math.max(last, state.floor), input.lo, input.hi); // a read placed before holds every txn up to its floor
        if (z === null) return output.unknown ? state : undefined;
        last = z;
      }
      return withState(state, next, mark === null ? state.marks : markedOnce(state.marks, mark), last);
    },
    hash:
      slots === 0 && gaps === null
        ? zkPartitionModel.hash
        : (state) => state.hash ^ Math.imul(hashMarks(state.marks), 0x2c1b3c6d) ^ Math.imul(mix32(state.last % 0x7fffffff), 0x165667b1),
    equal: (a, b) => zkPartitionModel.equal(a, b) && (slots === 0 || a.marks.every((m, k) => m === b.marks[k])) && a.last === b.last && a.floor === b.floor,
    // An unknown write can always go last (or not take effect); a marked one, an unrecorded session end, is
    // refused until its session's other marked ops are placed, which only narrows where it goes.
    alwaysLegal: (input, output) => input.kind === 'write' && output.unknown && input.rank < 0,
    // A read that raises the floor (zxidAbove) constrains the writes after it: not read-only.
    readOnly: (input, output) =>
      (input.kind === 'read' && input.zxidAbove === 0) ||
      (gaps === null && input.kind === 'write' && !output.unknown && input.rank < 0 && output.result !== null && output.result.rc !== 'ok'),
  };
}

/** The marks with one more of the op's session's marked ops placed. */
function markedOnce(marks: readonly number[], mark: SessionMark): readonly number[] {
  const out = marks.slice();
  out[mark.slot] = mark.seq + 1;
  return out;
}

function hashMarks(marks: readonly number[]): number {
  let h = 0x9747b28c;
  for (const m of marks) h = Math.imul(h ^ (m + 1), 0x5bd1e995) ^ (h >>> 15);
  return h;
}

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
  allWrites: readonly ZkHistoryOp[],
  searched: readonly ZkHistoryOp[],
  joinRoot: boolean,
  later: LaterWrites,
  options: ReadSearchOptions,
  split: boolean,
): ClientCheckResult | null | typeof SPLIT_PREMISE_FAILED {
  const name = 'sequential-reads';
  const writes = withoutRecordedCloses(allWrites);
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
  // The zxid windows of the writes without a zxid, against every write with one (all partitions).
  const table = WriteTable.of(writes);
  const floatingAll: number[] = [];
  for (let i = 0; i < writes.length; i++) if (writes[i]!.zxid === null) floatingAll.push(i);
  const windows =
    floatingAll.length === 0
      ? new Map<ZkHistoryOp, ZxidWindow>()
      : sessionChainedWindows(
          view,
          endBoundedWindows(zxidWindows(writes, table, table.byZxid(), floatingAll, replyBoundsOf(view.history.ops)), writes, view.history.ops),
        );
  const floors = sessionFloors(view, windows);
  const ceilings = sessionCeilings(view, writes);
  const positions = new Map<number, Map<ZkHistoryOp, number>>();
  if (split) {
    const partOf = new Map<ZkHistoryOp, string>();
    for (const [root, list] of writesOf) for (const o of list) partOf.set(o, root);
    for (const r of view.readsWithoutZxid) partOf.set(r, comps.find(opPath(r.op)!));
    if (!splitKeepsRealTime(writes, view.readsWithoutZxid, windows, (o) => partOf.get(o))) return SPLIT_PREMISE_FAILED;
  }
  // The zxids every partition's recorded writes hold: no write without a zxid takes one of them.
  const recorded: number[] = [];
  for (const o of writes) if (o.zxid !== null) recorded.push(o.zxid);
  recorded.sort((a, b) => a - b);
  const free = new FreeZxids(recorded.filter((z, k) => k === 0 || z !== recorded[k - 1]));
  let stepsLeft = options.stepsMax ?? 20_000_000;
  const unknownNotes: string[] = [];
  for (const [root, reads] of readsOf) {
    const group = writesOf.get(root) ?? [];
    const r = searchPartition(view, windows, free, group, reads, { floors, ceilings, positions }, later, stepsLeft);
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

/**
 * The writes without the closes that carry no zxid of a session whose end has one (an ENDED record, or an
 * ok close with a zxid): a session ends once, so such a close, if it took effect, is that end txn, already
 * among the writes at its zxid; kept, it would take a second zxid of the count.
 */
function withoutRecordedCloses(writes: readonly ZkHistoryOp[]): readonly ZkHistoryOp[] {
  const ended = new Set<number>();
  for (const o of writes) if (o.op.type === 'closeSession' && o.zxid !== null && o.session !== null && o.outcome !== 'fail') ended.add(o.session);
  if (ended.size === 0) return writes;
  const out = writes.filter((o) => !(o.op.type === 'closeSession' && o.zxid === null && o.session !== null && ended.has(o.session)));
  return out.length === writes.length ? writes : out;
}

/** Session order's bounds on the reads without a header zxid, and the sessions' issue positions. */
type SessionOrder = {
  readonly floors: ReadonlyMap<ZkHistoryOp, number>;
  readonly ceilings: ReadonlyMap<ZkHistoryOp, number>;
  readonly positions: Map<number, Map<ZkHistoryOp, number>>;
};

function searchPartition(
  view: HistoryView,
  windows: ReadonlyMap<ZkHistoryOp, ZxidWindow>,
  freeZxids: FreeZxids,
  group: readonly ZkHistoryOp[],
  reads: readonly ZkHistoryOp[],
  { floors, ceilings, positions }: SessionOrder,
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
        input: {
          kind: 'write',
          op: o.op,
          rank,
          minRank: 0,
          maxRank: ranked.length,
          session: o.session,
          mark: null,
          after: null,
          lo: 0,
          hi: Number.POSITIVE_INFINITY,
        },
        output: { unknown: uncertain, result: uncertain ? null : o.result },
        call: o.invokeUs,
        return: returnAfterCall(o),
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
  const { marks, prerequisites, slots } = sessionMarks(view, floating.length === 0 ? free : [...floating, ...free], positions);
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
        input: {
          kind: 'write',
          op: o.op,
          rank: -1,
          minRank,
          maxRank,
          session: o.session,
          mark: marks.get(o) ?? null,
          after: prerequisites.get(o) ?? null,
          lo: w?.lo ?? 0,
          hi: w?.hi ?? Number.POSITIVE_INFINITY,
        },
        output: { unknown: uncertain, result: uncertain ? null : o.result },
        call: o.invokeUs,
        return: returnAfterCall(o),
      });
      source.push(o);
    }
  }
  // The smallest upper end of a write without a zxid here: a read's floor below it orders no write; and the
  // smallest lower end: a floor at or below it raises no write's zxid (a floor of 1:2 leaves case 1384733680's two writes one zxid).
  const lowestHi = floating.reduce((m, o) => Math.min(m, windows.get(o)?.hi ?? Number.POSITIVE_INFINITY), Number.POSITIVE_INFINITY);
  const lowestLo = floating.reduce((m, o) => Math.min(m, windows.get(o)?.lo ?? 0), Number.POSITIVE_INFINITY);
  for (const r of free) {
    // Not below what its session saw before it, nor a state its Stat's mzxid is not yet in.
    const floor = Math.max(floors.get(r) ?? 0, r.result?.mzxid ?? 0);
    const next = r.completeUs === null ? null : later.after(r.completeUs);
    let maxRank = next === null ? ranked.length : countBelow(keys, 2 * next.zxid!);
    // The ceiling's key is 2z (before the write of zxid z) or 2h + 2 (at or below header h): every write
    // before the read has a zxid below half of it.
    let zxidBelow = next === null ? Number.POSITIVE_INFINITY : next.zxid!;
    const ceil = ceilings.get(r);
    if (ceil !== undefined) {
      maxRank = Math.min(maxRank, countBelow(keys, ceil));
      zxidBelow = Math.min(zxidBelow, ceil / 2);
    }
    ops.push({
      client: -1,
      input: {
        kind: 'read',
        minRank: floor === 0 ? 0 : rankOf(floor),
        maxRank,
        read: r,
        mark: marks.get(r) ?? null,
        zxidBelow,
        zxidAbove: floor >= lowestHi || floor > lowestLo ? floor : 0,
      },
      output: { unknown: false, result: null },
      call: 0,
      return: r.completeUs ?? Number.POSITIVE_INFINITY,
    });
    source.push(r);
  }
  // The zxid count (read-zxid-slots.ts), where it can bind.
  const gaps = countedGaps(freeZxids, ranked, ops);
  // One KV register with indeterminate writes only: decided without search (kv-register.ts).
  // decideRegister reads only a window's lower end: used when no window has an upper end or is empty. It
  // counts no zxids, so it has fewer rules than the search: its "violated" stands, and its "ok" stands when
  // its explanation also gives each write that took effect a free zxid (checked as the search's model does).
  const lowerOnly = floating.every((o) => {
    const w = windows.get(o);
    return w === undefined || (w.hi === Number.POSITIVE_INFINITY && !emptyWindow(w));
  });
  if (
    lowerOnly &&
    free.length === 0 &&
    slots === 0 &&
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
      if (decided.verdict === 'ok') {
        if (gaps === null || placementFits(gaps, decided.placed, windows)) return { violation: null, unknown: false, steps: 0 };
      } else return { violation: violated('sequential-reads', `${opPath(group[0]!.op)}: ${decided.reason}`, [...decided.ops]), unknown: false, steps: 0 };
    }
  }
  const result = checkOperations(readPointModel(slots, gaps), ops, { stepsMax });
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

/** Where the search places a write's return; never before its call (a malformed record must not stop the search). */
function returnAfterCall(o: ZkHistoryOp): number {
  return Math.max(searchReturnUs(o), o.invokeUs);
}

/**
 * Whether decideRegister's explanation also gives each write that took effect a free zxid of its window:
 * in version order, each goes to the first gap it may use (not before the gap of the one before it, its
 * own earliest, or its slot's) with a free zxid above the one before it there, up to its slot's latest gap.
 * Taking the earliest gap and the smallest zxid at every step leaves the most room for the rest, so for
 * this matching of writes to slots it finds a placement whenever one exists.
 */
function placementFits(gaps: PartitionGaps, placed: readonly Placed[], windows: ReadonlyMap<ZkHistoryOp, ZxidWindow>): boolean {
  let gap = 0;
  let last = 0;
  for (const { write, pos, earliest, minRank } of placed) {
    const w = windows.get(write);
    const start = Math.max(gap, earliest, minRank);
    if (start > gap) last = 0;
    gap = start;
    let z: number | null = null;
    for (; gap <= pos; gap++, last = 0) {
      z = gaps.take(gap, last, w?.lo ?? 0, w?.hi ?? Number.POSITIVE_INFINITY);
      if (z !== null) break;
    }
    if (z === null) return false;
    last = z;
  }
  return true;
}

/** The partition's gaps between its ranked items, when the zxid count can bind a write without a zxid there; else null. */
function countedGaps(
  free: FreeZxids,
  ranked: readonly { readonly key: number; readonly write: ZkHistoryOp | null }[],
  ops: readonly Operation<Input, Output>[],
): PartitionGaps | null {
  const windows: WriteInput[] = [];
  for (const { input } of ops) if (input.kind === 'write' && input.rank < 0) windows.push(input);
  if (windows.length === 0) return null;
  const gaps = new PartitionGaps(
    free,
    ranked.map((x) => ({ zxid: x.write !== null ? x.write.zxid! : (x.key - 1) / 2, point: x.write === null })),
  );
  // A read whose bound cuts into the gap it may go last in (its ceiling below that gap's upper end), or whose floor
  // into the gap it may go first in: the writes before (after) it there take zxids below (above) it, which only the count sees.
  for (const { input } of ops) {
    if (input.kind !== 'read') continue;
    if (input.maxRank >= 0 && input.zxidBelow < gaps.clip(input.maxRank, 0, Number.POSITIVE_INFINITY)[1]) return gaps;
    if (input.zxidAbove > 0 && input.minRank >= 0 && input.zxidAbove > gaps.clip(input.minRank, 0, Number.POSITIVE_INFINITY)[0]) return gaps;
  }
  return gaps.mayRunShort(windows) ? gaps : null;
}

function describeRead(r: ZkResult): string {
  if (r.rc !== 'ok') return r.rc;
  if (r.exists === false) return 'no node';
  if (r.children !== undefined) return `children [${r.children.join(',')}]`;
  return `${r.data === undefined ? 'a node' : `"${r.data}"`}${r.version === undefined ? '' : ` version ${r.version}`}`;
}
