// Where the writes without a zxid may take effect among those with one (their zxid windows), and the
// greedy explanation of a KV register's versions that lets checkZkWrites skip the search.
import type { ZkHistoryOp, ZkOp } from '../history/types.js';
import { maySequentialName } from './znode-tree.js';
import { countAtMost, countBelow } from './sort.js';
import type { FreeZxids } from './zxid-gaps.js';
import { isUncertain, KIND, BAD_VERSION, RESULT_OK, UNCERTAIN, type WriteTable } from './write-table.js';

/** An unrecorded session end (zk-writes.ts, sessionEndWrites): the largest zxid of its session's own writes, which it follows. */
export const SESSION_END_FLOOR = new WeakMap<ZkHistoryOp, number>();

/** Where the search places an op's return: never for an indeterminate write or one with no reply. */
export function searchReturnUs(o: ZkHistoryOp): number {
  return isUncertain(o) || o.completeUs === null ? Number.POSITIVE_INFINITY : o.completeUs;
}

/**
 * For each write without a zxid, the open interval (lo, hi) of zxids it may take: lo is the largest zxid of
 * a write that completed before it was invoked (0 if none), hi the smallest zxid of a write invoked after it
 * returned (+Infinity if none, or if it never returned). (Computed by zxidWindows below in O(n log f).)
 */
export type ZxidWindow = { readonly lo: number; readonly hi: number; readonly loOp: ZkHistoryOp | null; readonly hiOp: ZkHistoryOp | null };

/**
 * The windows of the `floating` writes (indices into writes), given the writes with a zxid (`withZxid`,
 * whose zxids are distinct). The writes without a zxid are few: their distinct bounds are sorted, each
 * write with a zxid falls in one bucket between two bounds, and a prefix maximum (suffix minimum) over
 * the buckets answers every bound at once. O(n log f), no sort of the n writes.
 */
export function zxidWindows(
  writes: readonly ZkHistoryOp[],
  times: WriteTable,
  withZxid: readonly number[],
  floating: readonly number[],
  replies?: ReplyBounds,
): Map<ZkHistoryOp, ZxidWindow> {
  const zx = times.zxid;
  // lo: among the writes that completed strictly before the write was invoked, the largest zxid.
  const invokeBounds = Float64Array.from(new Set(floating.map((i) => times.invokeUs[i]!))).sort();
  const maxIn = new Array<number>(invokeBounds.length + 1).fill(-1); // bucket b: completeUs in [bound b-1, bound b)
  // hi: among the writes invoked at or after its return + 1us, the smallest zxid (as countBelow(invokeUs, returnUs + 1) had it).
  const returnBounds = Float64Array.from(new Set(floating.map((i) => searchReturnUs(writes[i]!) + 1).filter((u) => u !== Number.POSITIVE_INFINITY))).sort();
  const minIn = new Array<number>(returnBounds.length + 1).fill(-1); // bucket b: invokeUs in [bound b-1, bound b)
  for (const i of withZxid) {
    const z = zx[i]!;
    if (times.completed[i] === 1 && invokeBounds.length > 0) {
      const b = countAtMost(invokeBounds, times.completeUs[i]!);
      const best = maxIn[b]!;
      if (best < 0 || z > zx[best]!) maxIn[b] = i;
    }
    if (returnBounds.length > 0) {
      const b = countAtMost(returnBounds, times.invokeUs[i]!);
      const best = minIn[b]!;
      if (best < 0 || z < zx[best]!) minIn[b] = i;
    }
  }
  // maxUpTo[j]: the largest zxid over buckets 0..j (completed before bound j); minFrom[j]: the smallest over buckets j+1.. (invoked at or after bound j).
  const maxUpTo: number[] = [];
  for (let b = 0; b < invokeBounds.length; b++) {
    const prev = b === 0 ? -1 : maxUpTo[b - 1]!;
    const here = maxIn[b]!;
    maxUpTo.push(prev < 0 || (here >= 0 && zx[here]! > zx[prev]!) ? here : prev);
  }
  const minFrom = new Array<number>(returnBounds.length).fill(-1);
  for (let b = returnBounds.length - 1; b >= 0; b--) {
    const next = b === returnBounds.length - 1 ? -1 : minFrom[b + 1]!;
    const here = minIn[b + 1]!;
    minFrom[b] = next < 0 || (here >= 0 && zx[here]! < zx[next]!) ? here : next;
  }
  const out = new Map<ZkHistoryOp, ZxidWindow>();
  for (const i of floating) {
    const o = writes[i]!;
    const lo = maxUpTo[countAtMost(invokeBounds, o.invokeUs) - 1]!;
    const loOp = lo < 0 ? null : writes[lo]!;
    const returnUs = searchReturnUs(o);
    const hi = returnUs === Number.POSITIVE_INFINITY ? -1 : minFrom[countAtMost(returnBounds, returnUs + 1) - 1]!;
    const hiOp = hi < 0 ? null : writes[hi]!;
    const floor = SESSION_END_FLOOR.get(o) ?? 0;
    const window = { lo: Math.max(loOp?.zxid ?? 0, floor), hi: hiOp?.zxid ?? Number.POSITIVE_INFINITY, loOp, hiOp };
    out.set(o, replies === undefined ? window : replies.tighten(o, window));
  }
  return out;
}

/** Whether no integer zxid lies strictly inside the window: the write cannot have taken effect. */
export function emptyWindow(w: ZxidWindow | undefined): boolean {
  return w !== undefined && w.hi - w.lo <= 1;
}

/**
 * Zxids are integers, one per txn: a write whose window holds none did not take effect. The first one that
 * got a server's reply (an error rc too: an error txn has its own zxid) and so did, or null.
 */
export function repliedWithoutZxidLeft(
  floating: readonly ZkHistoryOp[],
  windows: ReadonlyMap<ZkHistoryOp, ZxidWindow>,
): { o: ZkHistoryOp; w: ZxidWindow } | null {
  for (const o of floating) {
    const w = windows.get(o);
    if (w !== undefined && emptyWindow(w) && !isUncertain(o)) return { o, w };
  }
  return null;
}

/** The zxid a reply shows the session: its write's own zxid, else its header zxid. */
export function replyState(o: ZkHistoryOp): number | null {
  if (o.outcome !== 'ok' || o.result === null || isUncertain(o)) return null;
  if (o.zxid !== null) return o.zxid;
  return o.readZxid ?? null;
}

/**
 * Bounds on a write without a zxid from the replies of the history (reads, syncs and writes alike), by
 * three facts: (1) real time: a reply showing state zxid h arrived before the write was invoked, so the
 * write's txn is proposed after h was applied somewhere: its zxid is above h. (2) Session order below: an
 * op its session issued before it took effect before it (FIFO client order) and showed h: above h. (3)
 * Session order above: an op its session issued after it shows h; if the write took effect, it did so
 * before, inside that op's state: at or below h (below h when that op is a write of zxid h); this one only
 * for a write that got a reply (one whose connection was lost may commit later). Only ops of
 * the history itself are bounded by (2) and (3) (an unrecorded session end is issued by no one).
 * O(n log n) to build, O(log n) per write.
 */
export class ReplyBounds {
  private readonly doneUs: number[] = [];
  private readonly doneMax: ZkHistoryOp[] = []; // prefix maximum of replyState over doneUs order
  private readonly bySession = new Map<number, { invokeUs: number[]; maxBefore: (ZkHistoryOp | null)[]; minFrom: (ZkHistoryOp | null)[] }>();
  private readonly inHistory = new Set<ZkHistoryOp>();

  constructor(ops: readonly ZkHistoryOp[]) {
    const done = ops.filter((o) => o.completeUs !== null && replyState(o) !== null).sort((a, b) => a.completeUs! - b.completeUs!);
    for (const o of done) {
      const prev = this.doneMax[this.doneMax.length - 1];
      this.doneUs.push(o.completeUs!);
      this.doneMax.push(prev !== undefined && replyState(prev)! >= replyState(o)! ? prev : o);
    }
    const sessions = new Map<number, ZkHistoryOp[]>();
    for (const o of ops) {
      this.inHistory.add(o);
      const key = o.session !== null ? o.session : -1 - o.client;
      const list = sessions.get(key);
      if (list === undefined) sessions.set(key, [o]);
      else list.push(o);
    }
    for (const [key, list] of sessions) {
      list.sort((a, b) => a.invokeUs - b.invokeUs);
      const maxBefore: (ZkHistoryOp | null)[] = []; // [k]: over list[0..k-1]
      let best: ZkHistoryOp | null = null;
      for (const o of list) {
        maxBefore.push(best);
        const z = replyState(o);
        if (z !== null && (best === null || z > replyState(best)!)) best = o;
      }
      const minFrom: (ZkHistoryOp | null)[] = new Array<ZkHistoryOp | null>(list.length + 1).fill(null); // [k]: over list[k..]
      for (let k = list.length - 1; k >= 0; k--) {
        const next = minFrom[k + 1]!;
        const o = list[k]!;
        minFrom[k] = replyState(o) !== null && (next === null || upperOf(o) < upperOf(next)) ? o : next;
      }
      this.bySession.set(key, { invokeUs: list.map((o) => o.invokeUs), maxBefore, minFrom });
    }
  }

  /**
   * For a write with a zxid: the reply that shows the largest state it must lie above, by facts (1) and
   * (2) (a reply that arrived before it was invoked; an op its session issued before it), or null.
   * Its zxid must be above that reply's state: checkZkWrites flags it otherwise.
   */
  floorOf(o: ZkHistoryOp): ZkHistoryOp | null {
    const k = countBelow(this.doneUs, o.invokeUs) - 1;
    let best = k >= 0 ? this.doneMax[k]! : null;
    if (!this.inHistory.has(o)) return best;
    const s = this.bySession.get(o.session !== null ? o.session : -1 - o.client);
    const before = s === undefined ? null : (s.maxBefore[countBelow(s.invokeUs, o.invokeUs)] ?? null);
    if (before !== null && (best === null || replyState(before)! > replyState(best)!)) best = before;
    return best;
  }

  tighten(o: ZkHistoryOp, w: ZxidWindow): ZxidWindow {
    let { lo, hi, loOp, hiOp } = w;
    const k = countBelow(this.doneUs, o.invokeUs) - 1; // replies that arrived strictly before the invoke
    const seen = k >= 0 ? this.doneMax[k]! : null;
    if (seen !== null && replyState(seen)! > lo) [lo, loOp] = [replyState(seen)!, seen];
    if (!this.inHistory.has(o)) return { lo, hi, loOp, hiOp };
    const s = this.bySession.get(o.session !== null ? o.session : -1 - o.client);
    if (s !== undefined) {
      const before = s.maxBefore[countBelow(s.invokeUs, o.invokeUs)] ?? null; // issued strictly before
      if (before !== null && replyState(before)! > lo) [lo, loOp] = [replyState(before)!, before];
      // (3) only for a write that got a reply: an indeterminate one may have been committed late, after
      // its connection was lost and the session went on through another server.
      const after = isUncertain(o) ? null : (s.minFrom[countBelow(s.invokeUs, o.invokeUs + 1)] ?? null); // issued strictly after
      if (after !== null && upperOf(after) < hi) [hi, hiOp] = [upperOf(after), after];
    }
    return { lo, hi, loOp, hiOp };
  }
}

const replyBoundsCache = new WeakMap<readonly ZkHistoryOp[], ReplyBounds>();

/**
 * The ReplyBounds of one history's ops, built once: linearizable-writes and the read search of
 * sequential-reads both need it for the same ops array, and building it sorts every op. Sharing is
 * safe because a ReplyBounds is never changed after its constructor (tighten only reads it).
 */
export function replyBoundsOf(ops: readonly ZkHistoryOp[]): ReplyBounds {
  let bounds = replyBoundsCache.get(ops);
  if (bounds === undefined) {
    bounds = new ReplyBounds(ops);
    replyBoundsCache.set(ops, bounds);
  }
  return bounds;
}

/** The open upper bound an op of the session issued later puts on a write: its write's zxid, or its header zxid + 1. */
function upperOf(o: ZkHistoryOp): number {
  return o.zxid !== null ? o.zxid : replyState(o)! + 1;
}

/**
 * The KV runs' registers (one path, kvSet/kvCas only): the zxid-ordered writes are replayed and, where a
 * reported version needs it, indeterminate writes invoked before that write completed are slotted in
 * just before it (each one raises the version; an indeterminate kvCas only where the version matches).
 * Those writes are interchangeable for the version count, so this greedy pass builds a linearization
 * in O(n log n) when one exists with the known writes in zxid order; when it finds none, the caller
 * falls back to the exact search.
 *
 * With `counted`, each slotted write also takes a free zxid of its own in its gap, in slotting order
 * (zxid-gaps.ts, fitsInOrder). When the gap just before the write that needs it is full, an indeterminate
 * kvSet may go into an earlier gap instead, back to the last known write that fixes the version (an ok
 * one): what lies between are badVersion kvCas only, which stay right as long as the version they met
 * is still not theirs, and slotted kvSets, which do not look at the version; a gap with a slotted kvCas
 * stops the walk back (moving a write before it would change the version it applied at). Every write
 * placed this way is checked where it goes (its window, its gap's deadline and free zxids), so whatever
 * this pass accepts is a linearization: it is sound whether or not its choices are the best ones.
 *
 * Indices into `table`: `group`, the partition's writes; `known`, those with a zxid, by zxid; `floating`,
 * those without, in history order. Any write that is not a kvSet/kvCas of the group's one path makes it
 * false, wherever it is met. The known writes are read from the table's columns only.
 */
export function kvRegisterExplained(
  table: WriteTable,
  group: readonly number[],
  known: readonly number[],
  floating: readonly number[],
  windows: ReadonlyMap<ZkHistoryOp, ZxidWindow>,
  counted?: { readonly free: FreeZxids; readonly slotted: number[] },
): boolean {
  const kind = table.kind;
  const first = group[0];
  if (first === undefined || (kind[first] !== KIND.kvSet && kind[first] !== KIND.kvCas)) return false;
  const path = table.pathId[first]!;
  const isRegisterWrite = (i: number): boolean => (kind[i] === KIND.kvSet || kind[i] === KIND.kvCas) && table.pathId[i] === path;
  // Only indeterminate writes are slotted in, and only where a version needs them: they may or may not have
  // taken effect. A write without a zxid whose client got a result (a set's version, a CAS's badVersion)
  // did or did not happen as that result says, which this pass does not check: left to the exact search.
  for (const i of floating) if (!isRegisterWrite(i) || (table.flags[i]! & UNCERTAIN) === 0) return false;
  const unknown = floating.map((i) => table.writes[i]!).sort((a, b) => a.invokeUs - b.invokeUs);
  const used = new Uint8Array(unknown.length);
  let cur = -1;
  // The gaps since the last known write that fixed the version (the segment), the current one last.
  const segment: RegisterGap[] = [];
  let current: RegisterGap = { below: 0, above: 0, deadlineUs: 0, pairs: [], badVersion: Number.NaN, countAtClose: 0, hasCas: false };
  const closed: RegisterGap[] = []; // every gap with slotted writes, for `counted.slotted` at the end
  /** Whether `pair` fits after the gap's writes, each at its own increasing free zxid (uncounted: always). */
  const fitsIn = (gap: RegisterGap, lo: number, hi: number): boolean => counted === undefined || counted.free.fitsInOrder([...gap.pairs, lo, hi]);
  /** The pair (clipped window) of unknown[u] in `gap`, or null when its window leaves it no zxid there. */
  const pairIn = (u: number, gap: RegisterGap): [number, number] | null => {
    const window = windows.get(unknown[u]!);
    if (emptyWindow(window)) return null;
    const lo = Math.max(window?.lo ?? 0, gap.below);
    const hi = Math.min(window?.hi ?? Number.POSITIVE_INFINITY, gap.above);
    return hi - lo > 1 ? [lo, hi] : null;
  };
  /** Slots one unused write, invoked by the gap's deadline, at the end of `gap`; kvCas only when `casAt` is its version. */
  const slotInto = (gap: RegisterGap, casAt: number | null): boolean => {
    for (let u = 0; u < unknown.length && unknown[u]!.invokeUs <= gap.deadlineUs; u++) {
      if (used[u] === 1) continue;
      const op = unknown[u]!.op;
      if (op.type === 'kvCas' && (casAt === null || op.version !== casAt)) continue;
      const pair = pairIn(u, gap);
      if (pair === null || !fitsIn(gap, pair[0], pair[1])) continue;
      used[u] = 1;
      gap.pairs.push(pair[0], pair[1]);
      if (op.type === 'kvCas') gap.hasCas = true;
      return true;
    }
    return false;
  };
  /** Raises the version by one write slotted in before the current known write: in its gap, else in an earlier gap of the segment. */
  const slot = (): boolean => {
    if (slotInto(current, cur)) return (++cur, true);
    if (counted === undefined || current.hasCas) return false;
    for (let j = segment.length - 1; j >= 0; j--) {
      const gap = segment[j]!;
      // Every badVersion kvCas from this gap on then meets one more write: its version must still not be that.
      let stays = true;
      for (let m = j; m < segment.length && stays; m++) if (segment[m]!.countAtClose + 1 === segment[m]!.badVersion) stays = false;
      if (stays && slotInto(gap, null)) {
        for (let m = j; m < segment.length; m++) segment[m]!.countAtClose++;
        cur++;
        return true;
      }
      if (gap.hasCas) return false;
    }
    return false;
  };
  const { flags, version, zxid } = table;
  let zxidBefore = 0; // of the last known write replayed
  const closeGap = (badVersion: number, pins: boolean): void => {
    current.countAtClose = cur;
    current.badVersion = badVersion;
    if (current.pairs.length > 0) closed.push(current);
    if (pins) segment.length = 0;
    else segment.push(current);
  };
  for (const i of known) {
    // An indeterminate write with a zxid did happen, at that zxid: left to the exact search.
    if (!isRegisterWrite(i) || (flags[i]! & UNCERTAIN) !== 0) return false;
    const cas = kind[i] === KIND.kvCas;
    const z = zxid[i]!;
    const deadlineUs = table.completed[i] === 1 ? table.completeUs[i]! : Number.POSITIVE_INFINITY;
    current = { below: zxidBefore, above: z, deadlineUs, pairs: [], badVersion: Number.NaN, countAtClose: 0, hasCas: false };
    const v = version[i]!; // kvCas: op.version; kvSet: result.version, NaN when absent
    if (cas && (flags[i]! & BAD_VERSION) !== 0) {
      if (cur === v && !slot()) return false;
      closeGap(v, false);
      zxidBefore = z;
      continue;
    }
    if ((flags[i]! & RESULT_OK) === 0) return false;
    // A kvCas that applies at version v leaves v + 1: a reported version saying otherwise is left to the exact search.
    if (cas && table.writes[i]!.result?.version !== undefined && table.writes[i]!.result!.version !== v + 1) return false;
    const target = cas ? v : (v === v ? v : cur + 1) - 1;
    while (cur < target) if (!slot()) return false;
    if (cur !== target) return false;
    cur++;
    closeGap(Number.NaN, true);
    zxidBefore = z;
  }
  // With `counted`, the slotted windows go to the caller, which checks them against the other partitions' (zxid-gaps.ts).
  // They also take the zxids the greedy gave them, so that the registers replayed after this one place
  // theirs around them (each gap's check above saw only the earlier registers' zxids, and gaps are disjoint).
  if (counted !== undefined)
    for (const gap of closed) {
      if (!counted.free.takeInOrder(gap.pairs)) return false; // cannot happen: checked as each was slotted
      for (const z of gap.pairs) counted.slotted.push(z);
    }
  return true;
}

/** A gap between two known writes of a register (kvRegisterExplained): its zxids (below, above), the deadline of the write above, the windows of the writes slotted in it (flat pairs, in order), and the badVersion kvCas that closes it, if any, with the version count it met. */
type RegisterGap = { below: number; above: number; deadlineUs: number; pairs: number[]; badVersion: number; countAtClose: number; hasCas: boolean };

/** The first write that got a reply and has no zxid it can take (repliedWithoutZxidLeft, zxidCapacityExceeded), as a witness. */
export function zxidGapViolation(
  floating: readonly ZkHistoryOp[],
  windows: ReadonlyMap<ZkHistoryOp, ZxidWindow>,
  knownZxids: readonly number[],
  describe: (zxid: number) => string,
): { reason: string; ops: ZkHistoryOp[] } | null {
  const none = repliedWithoutZxidLeft(floating, windows);
  if (none !== null) {
    const { o, w } = none;
    const reason = `#${o.id} got a reply, so its txn has a zxid above ${describe(w.lo)} and below ${describe(w.hi)}: there is none`;
    return { reason, ops: [w.loOp, o, w.hiOp].filter((x): x is ZkHistoryOp => x !== null) };
  }
  const full = zxidCapacityExceeded(floating, windows, knownZxids);
  if (full === null) return null;
  const reason = `${full.ops.length} writes that got a reply need zxids above ${describe(full.lo)} and below ${describe(full.hi)}, and not that many are free there`;
  return { reason, ops: full.ops };
}

/** Above this many bounded replied writes without a zxid, zxidCapacityExceeded does not look (it is O(k^2 log k)). */
const CAPACITY_CHECK_MAX = 300;

/**
 * Per-gap capacity: the writes that got a reply took effect, each at its own integer zxid inside its window,
 * none at a zxid a recorded write already holds (`knownZxids`, ascending). For any a < b, the replied writes
 * whose windows lie inside (a, b) need that many free zxids there: at most b - a - 1 minus the known zxids
 * strictly between (Hall's condition, necessary for an assignment of distinct zxids; an interval over
 * capacity can be shrunk to one whose ends are a window's lo and a window's hi, which are the ones tried).
 * Returns the writes of a gap over capacity, or null; with more than CAPACITY_CHECK_MAX bounded writes it
 * does not look (null: the search decides as before).
 */
export function zxidCapacityExceeded(
  floating: readonly ZkHistoryOp[],
  windows: ReadonlyMap<ZkHistoryOp, ZxidWindow>,
  knownZxids: readonly number[],
): { lo: number; hi: number; ops: ZkHistoryOp[] } | null {
  // A closeSession without a zxid may be the txn of its session's ENDED record, whose zxid is among the known.
  const bounded = floating.filter(
    (o) => o.op.type !== 'closeSession' && !isUncertain(o) && (windows.get(o)?.hi ?? Number.POSITIVE_INFINITY) !== Number.POSITIVE_INFINITY,
  );
  // One write is enough: its window may hold only zxids that recorded writes already have.
  if (bounded.length === 0 || bounded.length > CAPACITY_CHECK_MAX) return null;
  const byHi = [...bounded].sort((x, y) => windows.get(x)!.hi - windows.get(y)!.hi);
  const los = [...new Set(bounded.map((o) => windows.get(o)!.lo))];
  for (const a of los) {
    const inside: ZkHistoryOp[] = [];
    for (const o of byHi) {
      const w = windows.get(o)!;
      if (w.lo < a) continue;
      inside.push(o);
      const b = w.hi;
      const known = countBelow(knownZxids, b) - countBelow(knownZxids, a + 1);
      if (inside.length + known > b - a - 1) return { lo: a, hi: b, ops: [...inside] };
    }
  }
  return null;
}

/**
 * The first write with a zxid at or below the state a reply showed before it (ReplyBounds.floorOf): one
 * that arrived before the write was invoked (its state's txns were committed by then, so the leader
 * numbers any later proposal higher), or an op the write's session issued before it (CommitProcessor
 * answers it before the write is applied, so its header zxid is below the write's). As a witness, or null.
 */
export function floorViolation(
  ranked: readonly ZkHistoryOp[],
  bounds: ReplyBounds,
  describe: (zxid: number) => string,
): { reason: string; ops: ZkHistoryOp[] } | null {
  for (const o of ranked) {
    const floor = bounds.floorOf(o);
    // Its own reply counts only where it is recorded before its own call (a garbled record): skipped.
    if (floor === null || floor === o || replyState(floor)! < o.zxid!) continue;
    const how = floor.completeUs !== null && floor.completeUs < o.invokeUs ? 'was invoked after the reply to' : 'was issued after, in its session,';
    return { reason: `#${o.id} (${describe(o.zxid!)}) ${how} #${floor.id}, which showed ${describe(replyState(floor)!)}`, ops: [floor, o] };
  }
  return null;
}

/**
 * Whether floorViolation must find nothing, decided in one pass over the history's ops in file order, with
 * no sort and no ReplyBounds; false means "not shown", and the caller runs floorViolation. Precondition:
 * the caller's real-time check passed on every write of the history (no write completed before another
 * was invoked yet has the larger zxid), and the zxids are distinct. Proof: when every op whose reply shows
 * a state is a write with its own zxid (the state is that zxid; reads' header zxids would need the full
 * check), fact (1) of ReplyBounds gives a write o a floor r that completed before o was invoked: r's zxid
 * is o's or smaller, by that real-time check, so o's own zxid is never at or below r's unless r is o,
 * which floorViolation skips. Fact (2): the ops o's session issued strictly before it; this pass keeps,
 * per session (its client without one, as ReplyBounds), the largest zxid shown by the ops issued at
 * earlier times, which needs the session's ops in file order to be in call order (else false), and
 * answers false at the first write whose zxid is not above it.
 */
export function floorsHoldInWriteOrder(ops: readonly ZkHistoryOp[], isWrite: (op: ZkOp) => boolean): boolean {
  const bySession = new Map<number, { us: number; before: number; atUs: number }>();
  for (const o of ops) {
    const shown = replyState(o);
    if (shown !== null && (o.zxid === null || !isWrite(o.op))) return false;
    const key = o.session !== null ? o.session : -1 - o.client;
    let s = bySession.get(key);
    if (s === undefined) bySession.set(key, (s = { us: o.invokeUs, before: -1, atUs: -1 }));
    else if (o.invokeUs > s.us) {
      // The ops issued at the previous time are now strictly before.
      s.before = Math.max(s.before, s.atUs);
      s.atUs = -1;
      s.us = o.invokeUs;
    } else if (o.invokeUs < s.us) return false;
    if (o.zxid !== null && o.outcome !== 'fail' && isWrite(o.op) && s.before >= o.zxid) return false;
    if (shown !== null) s.atUs = Math.max(s.atUs, shown);
  }
  return true;
}

/** The first index in `byCall` (indices into writes, by invokeUs) of a write invoked after `us`. */
export function firstCalledAfter(byCall: readonly number[], writes: readonly ZkHistoryOp[], us: number): number {
  let lo = 0;
  let hi = byCall.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (writes[byCall[mid]!]!.invokeUs > us) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/**
 * Reads that saw a node absent bound the writes that would make it. A reply with header zxid h comes from
 * a server that had applied exactly the txns up to h (FinalRequestProcessor puts its last processed zxid
 * in the header); if it says node P is absent and nothing in the history can delete P (no delete of P,
 * alone or in a multi, no ephemeral create of P, whose session's end would delete it), then no txn at or
 * below h made P: a write without a zxid that makes P when it takes effect (a create of P, a kvSet or kvCas
 * of P) takes effect above h, so its window's lower end rises to h. Not for one whose reply says it failed
 * (its error txn changed nothing and may lie anywhere), nor for sequential names, which creates of
 * another path make. Sets the tightened windows in `windows`; O(ops).
 */
export function boundByAbsentReads(
  ops: readonly ZkHistoryOp[],
  writes: readonly ZkHistoryOp[],
  floating: readonly number[],
  windows: Map<ZkHistoryOp, ZxidWindow>,
): void {
  if (floating.length === 0) return;
  const absentUpTo = new Map<string, ZkHistoryOp>(); // per path: the read that saw it absent at the largest header zxid
  for (const o of ops) {
    if (o.outcome !== 'ok' || o.result === null || o.readZxid == null || isUncertain(o)) continue;
    const t = o.op.type;
    if (t !== 'getData' && t !== 'exists' && t !== 'kvGet' && t !== 'getChildren') continue;
    const absent = o.result.rc === 'noNode' || (o.result.rc === 'ok' && o.result.exists === false);
    if (!absent || maySequentialName(o.op.path)) continue;
    const had = absentUpTo.get(o.op.path);
    if (had === undefined || had.readZxid! < o.readZxid) absentUpTo.set(o.op.path, o);
  }
  if (absentUpTo.size === 0) return;
  const deletable = new Set<string>();
  const visit = (op: ZkOp): void => {
    if (op.type === 'multi') op.ops.forEach(visit);
    else if (op.type === 'delete') deletable.add(op.path);
    else if (op.type === 'create' && (op.mode === 'ephemeral' || op.mode === 'ephemeralSequential')) deletable.add(op.path);
  };
  for (const o of writes) visit(o.op);
  for (const i of floating) {
    const o = writes[i]!;
    const op = o.op;
    const makes = (op.type === 'create' && op.mode === 'persistent') || op.type === 'kvSet' || op.type === 'kvCas';
    if (!makes || deletable.has(op.path) || (o.result !== null && !isUncertain(o) && o.result.rc !== 'ok')) continue;
    const read = absentUpTo.get(op.path);
    const w = windows.get(o);
    if (read === undefined || w === undefined || read.readZxid! <= w.lo) continue;
    windows.set(o, { lo: read.readZxid!, hi: w.hi, loOp: read, hiOp: w.hiOp });
  }
}
