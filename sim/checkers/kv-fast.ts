// The client checkers' fast path for a Zab-level KV run, on the columns its recorder keeps
// (sim/history/kv-recorder.ts) instead of the records: the run's history is never built when it
// passes. It decides only "every checker ok": it tests, on numbers and interned strings, the
// conditions under which checkClientHistory (client.ts, zk-writes.ts) finds nothing for a history of
// kvSet/kvCas/kvGet ops without sessions or events, and returns null as soon as one fails or the
// history needs more than it tests (a write without a zxid that returned, a write with a zxid whose
// outcome is unknown on a path with one without). Then the caller builds the records and runs
// checkClientHistory, which finds the violation and its witness. So a verdict here is always
// checkClientHistory's.
//
// What is tested, checker by checker, for such a history (each mirrors the code named):
// * fifo-client-order (FifoOrder, HistoryView): every client's ops in file order are in issue order;
//   over its ok replies, none completes before the previous one, write zxids increase, no state
//   zxid falls below the largest before it, and no write's zxid is at or below an earlier read's header.
// * sequential-reads: lastZxidSeen (every client's replies are in arrival order in the file, and no
//   state zxid falls below the largest before it); checkReadMzxids (m <= h, no ok write to the path
//   in (m, h], the write of m wrote the data read); checkReadValues (replaying the writes with a zxid,
//   each read sees the node it read, and the mzxid of its last writer); checkReadRealTime (no write
//   invoked after a read returned has a zxid at or below its header zxid). A read without a header
//   zxid is placed by search (read-points.ts): the fast path declines. A read of a path that a write
//   without a zxid touched is judged by the same replay below the first place where kvRegisterExplained
//   slotted such a write in (firstSlot), and declined above it; why that is exact, see readsPass.
//   No syncs, so no sync-then-read notes.
// * linearizable-writes (checkZkWrites): zxids distinct, zxid order agrees with real time; every
//   write without a zxid is indeterminate with no reply (so no partitions merge); the paths without
//   one replay in zxid order with the reported results; the paths with one pass kvRegisterExplained.
// * watch-order and session-ephemerals: nothing to judge without watches, events or sessions.
//
// Four passes: the ops in file order (the in-order checks, and the writes and reads collected), the
// writes by zxid backwards (real time) and forwards (the registers replayed, for the writes' results
// and for the reads), then the reads.
import {
  KV_CAS,
  KV_GET,
  OUTCOME_FAIL,
  OUTCOME_INFO,
  OUTCOME_OK,
  RESULT_ABSENT,
  RESULT_BAD_VERSION,
  RESULT_NONE,
  RESULT_READ,
  RESULT_WRITTEN,
  type KvColumns,
} from '../history/kv-recorder.js';
import { countAtMost, sortByKey } from './sort.js';
import { FreeZxids } from './zxid-gaps.js';
import type { ClientCheckResult } from './client.js';
import type { ClientLivenessOptions } from './liveness.js';
import { isEpochZero, isNoTxnZxid } from './epoch-zero.js';

/** Per-client running state of the in-order checks. */
class ClientState {
  lastInvokeUs = Number.NEGATIVE_INFINITY;
  // fifo-client-order (issue order) and lastZxidSeen (arrival order: the same order once checked).
  hasPrev = false;
  prevCompleteUs = 0;
  prevSeq = 0;
  prevWriteZxid = Number.NaN;
  maxState = Number.NEGATIVE_INFINITY;
  /** Whether maxState is a read's header zxid (FifoOrder: a later write must be above it). */
  maxStateRead = false;
  seen = 0;
  seenSet = false;
}

/** What the first pass collects. */
type Collected = {
  /** The judged writes (outcome not "fail") with a zxid, in file order (sorted by zxid later). */
  readonly withZxid: number[];
  /** The judged writes without a zxid, in file order. */
  readonly floating: number[];
  /** 1 for a path a write without a zxid touches. */
  readonly floatingPath: Uint8Array;
  /** The ok reads with a reply header zxid and an ok result, in file order. */
  readonly reads: number[];
};

/** The five client checkers' results when the history passes them all, else null. */
export function checkKvColumns(h: KvColumns): ClientCheckResult[] | null {
  const collected = firstPass(h);
  if (collected === null) return null;
  const ordered = collected.withZxid;
  // The same writes in file order, for checkReadRealTime's sort by invocation: the recorder writes
  // ops as they are invoked, so this order is nearly always that one already and sortByKey only checks it.
  const inFileOrder = [...ordered];
  if (!sortByDistinctZxids(h, ordered)) return null;
  if (!zxidsAgreeWithRealTime(h, ordered)) return null;
  const replay = replayWrites(h, ordered, collected);
  if (replay === null) return null;
  if (!readsPass(h, collected.reads, collected.floatingPath, replay)) return null;
  if (!readsBeforeLaterWrites(h, collected.reads, inFileOrder)) return null;
  return [
    { name: 'linearizable-writes', verdict: 'ok' },
    { name: 'sequential-reads', verdict: 'ok' },
    { name: 'fifo-client-order', verdict: 'ok' },
    { name: 'watch-order', verdict: 'ok' },
    { name: 'session-ephemerals', verdict: 'ok' },
  ];
}

/** Whether the op's result is unknown to its client (isUncertain): no reply, or no result. */
function uncertain(h: KvColumns, i: number): boolean {
  return h.outcome[i] === OUTCOME_INFO || h.resultKind[i] === RESULT_NONE;
}

/**
 * The ops in file order: issue order, fifo-client-order and lastZxidSeen per client, and the writes
 * and reads the later passes need. Null when a check fails, or a write without a zxid returned.
 */
function firstPass(h: KvColumns): Collected | null {
  const small: (ClientState | undefined)[] = [];
  const other = new Map<number, ClientState>();
  const { client, invokeUs, outcome, completeUs, completeSeq, kind, zxid, readZxid, resultKind, pathId } = h;
  const withZxid: number[] = [];
  const floating: number[] = [];
  const floatingPath = new Uint8Array(h.paths.length);
  const reads: number[] = [];
  for (let i = 0; i < h.length; i++) {
    const c = client[i]!;
    let s = c >= 0 && c < 4096 && Math.floor(c) === c ? small[c] : other.get(c);
    if (s === undefined) {
      s = new ClientState();
      if (c >= 0 && c < 4096 && Math.floor(c) === c) small[c] = s;
      else other.set(c, s);
    }
    const z = zxid[i]!;
    const o = outcome[i]!;
    const write = kind[i] !== KV_GET;
    // A zxid no execution has (epoch-zero.ts: below epoch 1, or counter 0 of an epoch for a txn's zxid or a
    // Stat's mzxid, whatever the op's outcome): left to checkClientHistory, which reports it.
    const mz = h.mzxid[i]!;
    if ((write && isNoTxnZxid(z)) || isEpochZero(readZxid[i]!) || (mz > 0 && isNoTxnZxid(mz))) return null;
    if (write && o !== OUTCOME_FAIL) {
      if (z === z) withZxid.push(i);
      else {
        // Only indeterminate writes are optional (kvRegisterExplained); one whose client got a result
        // is left to checkClientHistory's exact search, which checks that result.
        if (!uncertain(h, i)) return null;
        floating.push(i);
        floatingPath[pathId[i]!] = 1;
      }
    }
    // Issue order: HistoryView sorts a client's ops by (invokeUs, id) otherwise.
    if (invokeUs[i]! < s.lastInvokeUs) return null;
    s.lastInvokeUs = invokeUs[i]!;
    const done = completeUs[i]!;
    if (o !== OUTCOME_OK) continue;
    if (!write && (resultKind[i] === RESULT_READ || resultKind[i] === RESULT_ABSENT)) {
      if (readZxid[i] !== readZxid[i]) return null; // no header zxid: searched (read-points.ts)
      reads.push(i);
    }
    if (done !== done) continue;
    const seq = completeSeq[i]!;
    if (seq !== seq) return null; // every reply the recorder makes has one; be safe
    if (s.hasPrev) {
      // FifoOrder: completed before the previous one (by completeSeq, both have it).
      if (seq < s.prevSeq) return null;
      // Arrival order (compareArrivals): by completeUs, then completeSeq.
      if (done < s.prevCompleteUs || (done === s.prevCompleteUs && seq < s.prevSeq)) return null;
    }
    const writeWithZxid = write && z === z;
    if (writeWithZxid && s.prevWriteZxid === s.prevWriteZxid && z <= s.prevWriteZxid) return null;
    // A write lies above every state its session showed before it (write-windows.ts, floorViolation).
    if (writeWithZxid && z <= s.maxState) return null;
    // stateZxid: a write's zxid, else the reply header's.
    const state = z === z ? z : readZxid[i]!;
    if (state === state) {
      if (state < s.maxState) return null;
      if (writeWithZxid && s.maxStateRead && z <= s.maxState) return null;
      if (state > s.maxState) {
        s.maxState = state;
        s.maxStateRead = z !== z;
      }
      if (state < s.seen && s.seenSet) return null;
      if (state > s.seen) {
        s.seen = state;
        s.seenSet = true;
      }
    }
    if (writeWithZxid) s.prevWriteZxid = z;
    s.hasPrev = true;
    s.prevCompleteUs = done;
    s.prevSeq = seq;
  }
  return { withZxid, floating, floatingPath, reads };
}

/**
 * Sorts the writes by zxid; false when two share one (checkZkWrites' first violation). The zxids of
 * one epoch are nearly dense, so when they span little more than their count each takes its slot in
 * a table of the span (no comparisons); else sortByKey.
 */
function sortByDistinctZxids(h: KvColumns, ordered: number[]): boolean {
  const { zxid } = h;
  const n = ordered.length;
  if (n === 0) return true;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  let integers = true;
  for (let k = 0; k < n; k++) {
    const z = zxid[ordered[k]!]!;
    if (z < min) min = z;
    if (z > max) max = z;
    if (Math.floor(z) !== z) integers = false;
  }
  const span = max - min;
  if (integers && span < 4 * n + 1024) {
    const slots = new Int32Array(span + 1); // op index + 1; 0: empty
    for (let k = 0; k < n; k++) {
      const i = ordered[k]!;
      const at = zxid[i]! - min;
      if (slots[at] !== 0) return false;
      slots[at] = i + 1;
    }
    let k = 0;
    for (let at = 0; at <= span; at++) if (slots[at] !== 0) ordered[k++] = slots[at]! - 1;
    return true;
  }
  sortByKey(ordered, zxid, h.length);
  for (let k = 1; k < n; k++) if (zxid[ordered[k - 1]!] === zxid[ordered[k]!]) return false;
  return true;
}

/** No write with a larger zxid completed before one with a smaller zxid was invoked. */
function zxidsAgreeWithRealTime(h: KvColumns, ordered: readonly number[]): boolean {
  const { invokeUs, completeUs } = h;
  let earliestUs = Number.POSITIVE_INFINITY;
  for (let k = ordered.length - 1; k >= 0; k--) {
    const i = ordered[k]!;
    if (earliestUs < invokeUs[i]!) return false;
    const done = completeUs[i]!;
    if (done === done && done < earliestUs) earliestUs = done;
  }
  return true;
}

/** The registers as the writes with a zxid leave them, for the reads: per write (by its place k in zxid order). */
type Replay = {
  readonly ordered: readonly number[];
  /** zxid of ordered[k]. */
  readonly zxids: Float64Array;
  /** The register's version after ordered[k] (-1: no node). */
  readonly version: Float64Array;
  /** The op whose data the register holds after ordered[k]. */
  readonly valueOf: Int32Array;
  /** The zxid of the register's last writer after ordered[k] (NaN: none). */
  readonly writer: Float64Array;
  /** Per path: the places k of its writes. */
  readonly placesOf: readonly (number[] | undefined)[];
  /** Per path: the places k of its ok writes with an ok result (dataWritesByPath). */
  readonly okPlacesOf: readonly (number[] | undefined)[];
  /** Per path: the zxid of the first known write before which a write without a zxid was slotted in (absent: none). */
  readonly firstSlot: ReadonlyMap<number, number> | null;
};

/**
 * The writes in zxid order on one register per path: each result checked against the model's, and
 * kvRegisterExplained for the paths with a write without a zxid. Null when a check fails.
 */
function replayWrites(h: KvColumns, ordered: readonly number[], c: Collected): Replay | null {
  const { kind, outcome, pathId, casVersion, resultKind, resultVersion, zxid, completeUs } = h;
  const paths = h.paths.length;
  const n = ordered.length;
  const zxids = new Float64Array(n);
  const versionAfter = new Float64Array(n);
  const valueOf = new Int32Array(n);
  const writerAfter = new Float64Array(n);
  const placesOf: (number[] | undefined)[] = [];
  const okPlacesOf: (number[] | undefined)[] = [];
  const version = new Float64Array(paths).fill(-1); // -1: no node
  const value = new Int32Array(paths).fill(-1);
  const writer = new Float64Array(paths).fill(Number.NaN);
  const floatingPath = c.floatingPath;
  for (let k = 0; k < n; k++) zxids[k] = zxid[ordered[k]!]!;
  const unknown = c.floating.length === 0 ? null : new Unknown(h, ordered, zxids, c.floating);
  // kvRegisterExplained: per path, the version the known writes (and the indeterminate ones slotted in) leave.
  const cur = new Float64Array(paths).fill(-1);
  const prevKnown = new Float64Array(paths); // per path: the zxid of its last known write so far
  // Each write slotted in also takes a free zxid window of its own between its path's known writes
  // (zxid-gaps.ts): the windows, as flat pairs, are checked together once every path is replayed.
  const slotted: number[] = [];
  for (let k = 0; k < n; k++) {
    const i = ordered[k]!;
    const p = pathId[i]!;
    const z = zxid[i]!;
    const cas = kind[i] === KV_CAS;
    const rk = resultKind[i]!;
    // applyOp: a kvCas applies only at its version; a node is created at version 0.
    const before = version[p]!;
    const applies = !cas || casVersion[i] === before;
    if (applies) {
      version[p] = before + 1;
      value[p] = i;
    }
    // A write whose reported rc is not ok (an error txn) is nobody's last writer.
    if (rk !== RESULT_BAD_VERSION) writer[p] = z;
    versionAfter[k] = version[p]!;
    valueOf[k] = value[p]!;
    writerAfter[k] = writer[p]!;
    (placesOf[p] ??= []).push(k);
    if (outcome[i] === OUTCOME_OK && rk === RESULT_WRITTEN) (okPlacesOf[p] ??= []).push(k);
    if (floatingPath[p] === 1) {
      // kvRegisterExplained over the partition's known writes, in zxid order.
      if (uncertain(h, i)) return null; // left to the exact search
      const deadlineUs = completeUs[i] === completeUs[i] ? completeUs[i]! : Number.POSITIVE_INFINITY;
      if (cas && rk === RESULT_BAD_VERSION) {
        if (cur[p] === casVersion[i] && !unknown!.slot(p, cur, deadlineUs, z, prevKnown[p]!, slotted)) return null;
        prevKnown[p] = z;
        continue;
      }
      if (rk !== RESULT_WRITTEN) return null; // its result's rc is not ok
      // A kvCas that applies at version v leaves v + 1: a reply saying otherwise is left to the search.
      if (cas && resultVersion[i] !== casVersion[i]! + 1) return null;
      const target = cas ? casVersion[i]! : resultVersion[i]! - 1;
      while (cur[p]! < target) if (!unknown!.slot(p, cur, deadlineUs, z, prevKnown[p]!, slotted)) return null;
      if (cur[p]! !== target) return null;
      cur[p]!++;
      prevKnown[p] = z;
      continue;
    }
    // The reported result against the model's (mismatch): { rc: 'ok', version } or { rc: 'badVersion' }.
    if (uncertain(h, i)) continue;
    if (applies) {
      if (rk === RESULT_BAD_VERSION) return null;
      if (rk === RESULT_WRITTEN && resultVersion[i] !== before + 1) return null;
    } else if (rk !== RESULT_BAD_VERSION) return null;
  }
  if (slotted.length > 0 && !new FreeZxids(Array.from(zxids)).fits(slotted)) return null; // left to the exact search
  const firstSlot = unknown === null ? null : unknown.firstSlot;
  return { ordered, zxids, version: versionAfter, valueOf, writer: writerAfter, placesOf, okPlacesOf, firstSlot };
}

/**
 * The judged writes without a zxid (all indeterminate, none returned), for kvRegisterExplained's
 * slots: per path in invocation order (ties in file order), with the lower end of each one's zxid
 * window as checkZkWrites has it (zxidWindows, tightened by ReplyBounds): the largest zxid of a write
 * that completed before it was invoked, or shown by any reply that arrived before it was invoked (a
 * write's zxid, else the header zxid), or by an op its client issued before it; 0 if none.
 * The upper end is +Infinity: such a write never returned (ReplyBounds' third bound is for replied writes).
 */
class Unknown {
  private readonly h: KvColumns;
  private readonly byPath: (number[] | undefined)[] = [];
  private readonly lo = new Map<number, number>();
  private readonly used = new Set<number>();
  /**
   * Per path: the zxid its first slotted write takes (known writes come in zxid order, so the smallest).
   * Each slotted write takes its own free zxid (every txn has one; counter 0 of an epoch is never a txn's):
   * the smallest one above its window's lower end, the path's write before it and the slot before it, that
   * no recorded write and no other slot holds; there must be one below the known write it precedes.
   */
  readonly firstSlot = new Map<number, number>();
  /**
   * The known writes' zxids, ascending and distinct (sortByDistinctZxids): a zxid is recorded when a
   * binary search finds it. Not a Set of them: building one hashed every write's zxid, a boxed double,
   * and took most of this check's time at the end of a broadcast run.
   */
  private readonly known: Float64Array;
  private readonly taken = new Set<number>();
  private readonly lastSlot = new Map<number, number>();

  constructor(h: KvColumns, ordered: readonly number[], knownZxids: Float64Array, floating: readonly number[]) {
    this.h = h;
    const { invokeUs, completeUs, zxid, pathId } = h;
    this.known = knownZxids;
    for (const i of floating) (this.byPath[pathId[i]!] ??= []).push(i);
    for (const list of this.byPath) list?.sort((a, b) => invokeUs[a]! - invokeUs[b]! || a - b);
    // Buckets between the distinct invocation times, as zxidWindows has them.
    const bounds = Float64Array.from(new Set(floating.map((i) => invokeUs[i]!))).sort();
    const maxIn = new Float64Array(bounds.length + 1).fill(Number.NEGATIVE_INFINITY);
    const raise = (done: number, z: number): void => {
      const b = countAtMost(bounds, done);
      if (z > maxIn[b]!) maxIn[b] = z;
    };
    for (const i of ordered) {
      const done = completeUs[i]!;
      if (done === done) raise(done, zxid[i]!);
    }
    // ReplyBounds: every reply's state zxid by arrival (1), and per client the ops issued before (2).
    // firstPass has checked that each client's ops come in issue order in the file.
    const { outcome, readZxid, resultKind, client } = h;
    const byClient = new Map<number, { us: number; before: number; atUs: number }>();
    const ownLo = new Map<number, number>();
    const isFloating = new Uint8Array(h.length);
    for (const i of floating) isFloating[i] = 1;
    for (let i = 0; i < h.length; i++) {
      const replied = outcome[i] === OUTCOME_OK && resultKind[i] !== RESULT_NONE;
      const z = !replied ? Number.NaN : zxid[i] === zxid[i] ? zxid[i]! : readZxid[i]!;
      const done = completeUs[i]!;
      if (z === z && done === done) raise(done, z);
      const c = client[i]!;
      let s = byClient.get(c);
      if (s === undefined) byClient.set(c, (s = { us: invokeUs[i]!, before: Number.NEGATIVE_INFINITY, atUs: Number.NEGATIVE_INFINITY }));
      if (invokeUs[i]! > s.us) {
        s.before = Math.max(s.before, s.atUs);
        s.us = invokeUs[i]!;
        s.atUs = Number.NEGATIVE_INFINITY;
      }
      if (isFloating[i] === 1) ownLo.set(i, s.before);
      if (z === z && z > s.atUs) s.atUs = z;
    }
    for (let b = 1; b < bounds.length; b++) if (maxIn[b - 1]! > maxIn[b]!) maxIn[b] = maxIn[b - 1]!;
    // boundByAbsentReads (write-windows.ts): a key a read saw absent at header zxid h (keys are never
    // deleted) was made by no txn up to h, so a write to it takes effect above h.
    const absentUpTo = new Map<number, number>();
    for (let i = 0; i < h.length; i++) {
      const z = readZxid[i]!;
      if (outcome[i] !== OUTCOME_OK || resultKind[i] !== RESULT_ABSENT || z !== z) continue;
      if (z > (absentUpTo.get(pathId[i]!) ?? Number.NEGATIVE_INFINITY)) absentUpTo.set(pathId[i]!, z);
    }
    for (const i of floating) {
      const best = Math.max(maxIn[countAtMost(bounds, invokeUs[i]!) - 1]!, ownLo.get(i)!, absentUpTo.get(pathId[i]!) ?? Number.NEGATIVE_INFINITY);
      this.lo.set(i, best === Number.NEGATIVE_INFINITY ? 0 : best);
    }
  }

  /** kvRegisterExplained's slot: the first unused write of the path invoked by the deadline that applies at `cur[p]` and may take a zxid below `zxidNext`. */
  slot(p: number, cur: Float64Array, deadlineUs: number, zxidNext: number, prevKnown: number, slotted: number[]): boolean {
    const { invokeUs, kind, casVersion } = this.h;
    const list = this.byPath[p]!;
    for (let k = 0; k < list.length && invokeUs[list[k]!]! <= deadlineUs; k++) {
      const u = list[k]!;
      if (this.used.has(u)) continue;
      if (kind[u] === KV_CAS && casVersion[u] !== cur[p]) continue;
      if (!(this.lo.get(u)! < zxidNext)) continue;
      let z = Math.max(this.lo.get(u)!, prevKnown, this.lastSlot.get(p) ?? 0) + 1;
      while (z % 2 ** 32 === 0 || this.isKnown(z) || this.taken.has(z)) z++;
      if (z >= zxidNext) continue;
      this.taken.add(z);
      this.lastSlot.set(p, z);
      this.used.add(u);
      if (!this.firstSlot.has(p)) this.firstSlot.set(p, z);
      cur[p]!++;
      slotted.push(Math.max(this.lo.get(u)!, prevKnown), zxidNext);
      return true;
    }
    return false;
  }

  /** Whether a write with a zxid has `z`. */
  private isKnown(z: number): boolean {
    const k = countAtMost(this.known, z);
    return k > 0 && this.known[k - 1] === z;
  }
}

/** The last place in `places` (ascending) whose zxid is at most `z`, or -1. */
function lastAtMost(places: readonly number[], zxids: Float64Array, z: number): number {
  let lo = 0;
  let hi = places.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (zxids[places[mid]!]! <= z) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
}

/**
 * checkReadMzxids and checkReadValues (lastZxidSeen is checked in the first pass): each read finds the
 * register at its header zxid by binary search among its path's writes. Paths are independent
 * registers, so this is the state the replay in readZxid order reaches.
 *
 * A read at header zxid h of a path p that writes without a zxid touched (all indeterminate: firstPass
 * declines any other) is judged here too when h is below firstSlot[p], and declined otherwise. Why
 * this is exact: when every check passes, this execution explains the whole history. The writes without
 * a zxid that kvRegisterExplained slotted in take effect, each at the free zxid slot() gave it, below the
 * known write it was slotted before (above its window's lower end, and it was invoked before that write
 * returned); the others never take effect, which an indeterminate
 * write may (it is alwaysLegal in the search's model). Below firstSlot[p] no write without a zxid has
 * taken effect on p, so p's state at h is the replay of the known writes up to h, the one compared
 * here; and every slotted write lies above h + 1/2, where the search puts the read point of h, so real
 * time between them holds too (a read is invoked at time 0 in the search). The known writes' results
 * hold (kvRegisterExplained), and the other paths are other registers. So checkClientHistory, whose
 * search tries every such execution, finds this one and answers ok as well.
 */
function readsPass(h: KvColumns, reads: readonly number[], floatingPath: Uint8Array, r: Replay): boolean {
  const { resultKind, readZxid, mzxid, pathId, outcome, data, resultData, resultVersion } = h;
  const { zxids, placesOf, okPlacesOf } = r;
  for (const i of reads) {
    const hz = readZxid[i]!;
    const p = pathId[i]!;
    const present = resultKind[i] === RESULT_READ;
    if (present) {
      // checkReadMzxids: m <= h, no ok write to the node in (m, h], and m's write wrote what was read.
      const m = mzxid[i]!;
      if (m > hz) return false;
      const ok = okPlacesOf[p];
      if (ok !== undefined) {
        const next = lastAtMost(ok, zxids, m) + 1;
        if (next < ok.length && zxids[ok[next]!]! <= hz) return false;
      }
      // The ok op with zxid m (okByZxid): zxids are distinct, and only writes carry one.
      const k = countAtMost(zxids, m) - 1;
      if (k >= 0 && zxids[k] === m) {
        const w = r.ordered[k]!;
        // mzxidWriter (read-rules.ts): that write must have set this register (ok, same path) to the data read.
        if (outcome[w] === OUTCOME_OK && (resultKind[w] !== RESULT_WRITTEN || pathId[w] !== p || data[w] !== resultData[i])) return false;
      }
    }
    // A read of a path a write without a zxid touched, at or above the first slotted one: declined (search).
    if (floatingPath[p] === 1 && !(hz < (r.firstSlot?.get(p) ?? Number.POSITIVE_INFINITY))) return false;
    // checkReadValues: the register at the header zxid.
    const places = placesOf[p];
    const j = places === undefined ? -1 : lastAtMost(places, zxids, hz);
    const k = j < 0 ? -1 : places![j]!;
    const nodeVersion = k < 0 ? -1 : r.version[k]!;
    if (present !== nodeVersion >= 0) return false;
    if (!present) continue;
    if (resultData[i] !== data[r.valueOf[k]!] || resultVersion[i] !== nodeVersion) return false;
    const last = r.writer[k]!;
    if (last === last && mzxid[i] !== last) return false;
  }
  return true;
}

/**
 * checkReadRealTime: no write invoked after a read returned has a zxid at or below the read's header
 * zxid. `writes` (sorted here, in place) are the writes with a zxid, in any order: sortByKey orders
 * them by (invocation time, index), one order whatever the order given.
 */
function readsBeforeLaterWrites(h: KvColumns, reads: readonly number[], writes: number[]): boolean {
  const { invokeUs, completeUs, zxid, readZxid } = h;
  const byInvoke = writes;
  sortByKey(byInvoke, invokeUs, h.length);
  const calls = new Float64Array(byInvoke.length);
  for (let k = 0; k < byInvoke.length; k++) calls[k] = invokeUs[byInvoke[k]!]!;
  const suffixMin = new Float64Array(byInvoke.length + 1).fill(Number.POSITIVE_INFINITY);
  for (let k = byInvoke.length - 1; k >= 0; k--) suffixMin[k] = Math.min(suffixMin[k + 1]!, zxid[byInvoke[k]!]!);
  for (const i of reads) {
    const done = completeUs[i]!;
    if (done !== done) continue;
    if (suffixMin[countAtMost(calls, done)]! <= readZxid[i]!) return false;
  }
  return true;
}

/**
 * Client liveness (checkClientLiveness) when it holds: no op of the judged span is late. Without
 * sessions or events no op is excused; false when one is late (the caller then builds the witness).
 */
export function clientLivenessHolds(h: KvColumns, options: ClientLivenessOptions): boolean {
  const fromUs = options.faultsStopUs + options.recoveryUs;
  const { outcome, invokeUs, completeUs } = h;
  for (let i = 0; i < h.length; i++) {
    if (outcome[i] === OUTCOME_FAIL || invokeUs[i]! < fromUs) continue;
    const deadline = invokeUs[i]! + options.boundUs;
    if (deadline > options.endUs) continue;
    const done = completeUs[i]!;
    if (outcome[i] === OUTCOME_INFO || done !== done || done > deadline) return false;
  }
  return true;
}
