// Zxid packing across the whole history (sequential-reads): the txns every execution holds but the history
// gives no zxid need distinct free zxids, each inside a window that every execution keeps.
//
// The read and write searches count free zxids inside one partition (read-zxid-slots.ts, zxid-gaps.ts);
// txns of other partitions compete for the same zxids and are not counted there. This check counts them
// all, with windows built only from facts that hold in every execution, so that it never flags a history
// ZooKeeper can produce:
// - Which txns: every write answered ok with a server's rc (an error rc too: PrepRequestProcessor.pRequest
//   gives the request its zxid before it can fail and logs it as OpCode.error), a closeSession among them
//   (a second close of an ended session is logged again); a lost write a reply proves took effect, and the
//   unseen end (expiry, lost close) of a session a reply proves ended (proved-writes.ts); each is one txn
//   with one zxid of its own.
// - Lower end (the txn's zxid is above it): a txn with a recorded zxid known committed (its ok reply, an
//   ENDED record) before the write was sent, and a reply header h that arrived before it (the serving server
//   had applied h, so h was proposed earlier, and the leader proposes in zxid order): above z, above h. A
//   watch event that names its own txn's zxid m and arrived before it: above m, as for a header.
//   An op its session issued before it, answered ok: the write's read point is at or after that op's
//   (CommitProcessor keeps a session's order), so at or above its header h, above its zxid z. A session
//   end follows every ok reply of its session and its writes (SESSION_END_FLOOR). What a read at header h
//   shows of a node with one life (packing-floors.ts): missing there but present at or after h, its create is
//   above h; at a version below the one a certain setData of it left, that setData is above h.
// - Upper end (for a certain write): a txn with a recorded zxid sent after the write's reply; an op its
//   session issued after it, answered ok (at or below its header, below its zxid); its session's end at a
//   known zxid (a request of an ended session becomes an error txn answered sessionExpired, never a
//   certain reply; not for a close: a second close comes after the end); for a proved write or end, the
//   bound of its proof.
// Distinct zxids inside open intervals: FreeZxids.fits is the exact greedy matching. A window that holds at
// least as many free zxids as there are txns left can always be matched last (at its turn fewer than that
// are given), and so can one without an upper end; both are set aside first, which leaves almost nothing to
// match in an ordinary history. O(n log n).
import { isZkWrite } from '../history/types.js';
import type { ZkHistoryOp, ZkHistoryWatch } from '../history/types.js';
import { isUncertain } from './write-table.js';
import { closesAtTheirEnd, sessionEndWrites } from './session-ends.js';
import { SESSION_END_FLOOR } from './write-windows.js';
import { provedLostWrites } from './proved-writes.js';
import { FreeZxids } from './zxid-gaps.js';
import { exactEvents } from './event-pins.js';
import { countBelow } from './sort.js';
import { describeZxid } from './zk-writes.js';
import { orderRegisterWrites, raiseByReadState, registerWritesBelow } from './packing-floors.js';
import { sessionKey, violated, type ClientCheckResult } from './client-common.js';
import type { HistoryView } from './history-view.js';

/** A txn without a recorded zxid and the open zxid window (lo, hi) every execution keeps it in. */
type Slot = { readonly op: ZkHistoryOp; lo: number; hi: number; readonly what: string };

const certain = (o: ZkHistoryOp): boolean => o.outcome === 'ok' && !isUncertain(o);

/** Times (ascending) with the largest zxid known committed at or before each: a prefix maximum. */
class CommittedBy {
  private readonly times: number[] = [];
  private readonly best: number[] = [];
  constructor(pairs: { us: number; zxid: number }[]) {
    pairs.sort((a, b) => a.us - b.us);
    for (const p of pairs) {
      this.times.push(p.us);
      this.best.push(Math.max(p.zxid, this.best.length === 0 ? 0 : this.best[this.best.length - 1]!));
    }
  }
  /** The largest zxid known committed strictly before `us` (0: none). */
  before(us: number): number {
    const i = countBelow(this.times, us);
    return i === 0 ? 0 : this.best[i - 1]!;
  }
}

/** Times (ascending) at which txns with a recorded zxid were sent, with the least zxid sent at or after each. */
class SentAfter {
  private readonly times: number[] = [];
  private readonly least: number[] = [];
  constructor(pairs: { us: number; zxid: number }[]) {
    pairs.sort((a, b) => a.us - b.us);
    for (const p of pairs) this.times.push(p.us);
    this.least = new Array<number>(pairs.length);
    for (let i = pairs.length - 1; i >= 0; i--) this.least[i] = Math.min(pairs[i]!.zxid, i + 1 < pairs.length ? this.least[i + 1]! : Infinity);
  }
  /** The least recorded zxid of a txn sent strictly after `us` (Infinity: none). */
  after(us: number): number {
    const i = countBelow(this.times, us + 1);
    return i >= this.times.length ? Infinity : this.least[i]!;
  }
}

/**
 * The first certain write with a recorded zxid at or below the zxid of an exact watch event that arrived before
 * it was sent (that event's txn was committed by then, and the leader numbers later proposals higher), as a
 * violation, or null. Reply headers are held to this elsewhere (write-windows.ts floorViolation).
 */
function eventFloorViolation(view: HistoryView): ClientCheckResult | null {
  const events = view.history.events;
  if (events === undefined || !events.some((e) => e.kind === 'watch' && e.zxid > 0)) return null;
  const facts: { us: number; zxid: number; e: ZkHistoryWatch }[] = [];
  for (const e of exactEvents(view)) if (e.kind === 'watch' && e.zxid > 0) facts.push({ us: e.atUs, zxid: e.zxid, e });
  if (facts.length === 0) return null;
  const before = new CommittedBy(facts);
  for (const o of view.writes) {
    // (A zxid of 0 or less is no txn's, epoch-zero.ts; `before` reports 0 when no event came first.)
    if (o.zxid === null || o.zxid <= 0 || !certain(o) || before.before(o.invokeUs) < o.zxid) continue;
    const f = facts.find((x) => x.us < o.invokeUs && x.zxid >= o.zxid!)!;
    return violated(
      'sequential-reads',
      `#${o.id} (${describeZxid(o.zxid)}) was invoked after ${f.e.type} ${f.e.path} of ${describeZxid(f.zxid)} arrived on the watch's own connection: that txn was committed then, so a later write's zxid is above it`,
      [o],
      [f.e],
    );
  }
  return null;
}

/** The violation when the txns without a recorded zxid cannot all take distinct free zxids, else null. */
export function zxidPackingViolation(view: HistoryView): ClientCheckResult | null {
  const floor = eventFloorViolation(view);
  if (floor !== null) return floor;
  const history = view.history;
  const writes = closesAtTheirEnd(history, view.writes);
  const floating = writes.filter((o) => o.zxid === null && certain(o));
  const ends = sessionEndWrites(history, writes);
  // Fewer than two txns that may need a free zxid: nothing to count (and no proofs to build).
  let may = floating.length;
  for (const o of writes) if (o.zxid === null && o.outcome !== 'fail' && isUncertain(o) && o.op.type !== 'closeSession') may++;
  for (const e of ends) if (e.zxid === null) may++;
  if (may < 2) return null;
  const { slots, free } = packingSlots(view, writes, floating, ends);
  const stuck = unmatched(slots, free);
  if (stuck === null) return null;
  const span = free.countFree(Math.min(...stuck.map((s) => s.lo)), Math.max(...stuck.map((s) => s.hi)));
  const reason =
    `${stuck.length} txn(s) without a recorded zxid need distinct free zxids, but their windows hold ${span}: ` +
    stuck.map((s) => `${s.what} in (${describeZxid(s.lo)}, ${s.hi === Infinity ? '∞' : describeZxid(s.hi)})`).join(', ');
  return violated(
    'sequential-reads',
    reason,
    stuck.map((s) => s.op).filter((o) => o.id <= maxId(history.ops)),
  );
}

/** The packing's slots: every txn without a recorded zxid that every execution holds, in its window, and the free zxids. */
function packingSlots(view: HistoryView, writes: readonly ZkHistoryOp[], floating: readonly ZkHistoryOp[], ends: readonly ZkHistoryOp[]): { slots: Slot[]; slotOf: Map<ZkHistoryOp, Slot>; free: FreeZxids } {
  const history = view.history;
  const proofEnds = new Map<number, number>();
  const proved = provedLostWrites(view, proofEnds, true);
  const unseenEnds = ends.filter((e) => e.zxid === null && proofEnds.has(e.session!));

  const recorded: number[] = [];
  const committed: { us: number; zxid: number }[] = [];
  const sent: { us: number; zxid: number }[] = [];
  for (const o of [...writes, ...ends]) {
    if (o.zxid === null || o.outcome === 'fail') continue;
    recorded.push(o.zxid);
    sent.push({ us: o.invokeUs, zxid: o.zxid });
    if (certain(o) && o.completeUs !== null) committed.push({ us: o.completeUs, zxid: o.zxid });
  }
  for (const o of history.ops)
    if (certain(o) && o.completeUs !== null && o.readZxid != null && o.readZxid > 0) committed.push({ us: o.completeUs, zxid: o.readZxid });
  // A watch event that carries its txn's zxid m (event-pins.ts exactEvents) was sent as its server applied m
  // (WatchManager.triggerWatch), so m was committed when it arrived, like a reply header's zxid.
  if (history.events !== undefined && history.events.some((e) => e.kind === 'watch' && e.zxid > 0))
    for (const e of exactEvents(view)) if (e.kind === 'watch' && e.zxid > 0) committed.push({ us: e.atUs, zxid: e.zxid });
  const before = new CommittedBy(committed);
  const afterReply = new SentAfter(sent);
  const endOf = new Map<number, number>();
  for (const e of ends) if (e.zxid !== null && e.session !== null) endOf.set(e.session, Math.min(endOf.get(e.session) ?? Infinity, e.zxid));
  for (const o of writes)
    if (o.op.type === 'closeSession' && o.zxid !== null && o.session !== null && certain(o) && o.result!.rc === 'ok')
      endOf.set(o.session, Math.min(endOf.get(o.session) ?? Infinity, o.zxid));

  const slots: Slot[] = [];
  const slotOf = new Map<ZkHistoryOp, Slot>();
  for (const o of floating) {
    const s: Slot = { op: o, lo: before.before(o.invokeUs), hi: o.completeUs === null ? Infinity : afterReply.after(o.completeUs), what: `#${o.id}` };
    if (o.op.type !== 'closeSession' && o.session !== null) s.hi = Math.min(s.hi, endOf.get(o.session) ?? Infinity);
    const bound = proved.get(o);
    if (bound !== undefined) s.hi = Math.min(s.hi, bound + 1);
    slots.push(s);
    slotOf.set(o, s);
  }
  for (const [o, bound] of proved) {
    if (o.zxid !== null || certain(o)) continue;
    const s: Slot = { op: o, lo: before.before(o.invokeUs), hi: bound + 1, what: `#${o.id} (lost, shown to have taken effect)` };
    slots.push(s);
    slotOf.set(o, s);
  }
  // A node's version counts the setData ops since its create: a read showing version 1 or more at header h
  // proves that some setData of it took effect at or below h; when one op alone may set it, that op did.
  for (const [o, h] of [...soleSetters(view), ...registerWriters(view)]) {
    const s = slotOf.get(o);
    if (s !== undefined) s.hi = Math.min(s.hi, h + 1);
    else if (o.zxid === null && !certain(o)) {
      const t: Slot = { op: o, lo: before.before(o.invokeUs), hi: h + 1, what: `#${o.id} (lost, shown to have taken effect)` };
      slots.push(t);
      slotOf.set(o, t);
    }
  }
  // A KV write's reply version may prove the register's other writes took effect, below it (packing-floors.ts (f)).
  const below = registerWritesBelow(view);
  for (const [o, w] of below)
    if (o.zxid === null && !slotOf.has(o) && !certain(o)) {
      const t: Slot = { op: o, lo: before.before(o.invokeUs), hi: w.zxid ?? Infinity, what: `#${o.id} (lost, shown to have taken effect)` };
      slots.push(t);
      slotOf.set(o, t);
    }
  for (const e of unseenEnds)
    slots.push({ op: e, lo: SESSION_END_FLOOR.get(e) ?? 0, hi: proofEnds.get(e.session!)! + 1, what: `the unseen end of session ${e.session}` });

  // Twice: a bound one rule gives may tighten what the others derive.
  for (let round = 0; round < 2; round++) {
    // (Each call is O(n); facts (a), (c) and (f) feed each other, so a few calls in a row, while a bound moves.)
    orderRegisterWrites(below, slotOf);
    for (let k = 0; k < 4 && raiseByReadState(view, slotOf); k++) orderRegisterWrites(below, slotOf);
    sessionOrder(view, slotOf);
    realTimeOrder(slots);
  }
  const free = new FreeZxids(Array.from(new Set(recorded)).sort((a, b) => a - b));
  return { slots, slotOf, free };
}

/**
 * For watch-order's lost-event checks (watch-persistent.ts): whether every execution puts the certain write `o`
 * (recorded without a zxid) in (lo, hi], its packing window being too tight with the others' to leave it at or
 * below lo or above hi (`unmatched` finds no matching once its window is cut to that side). False when `o` has no
 * slot. A history whose packing fails anyway answers true, and sequential-reads flags it.
 */
export function packedWithin(view: HistoryView): (o: ZkHistoryOp, lo: number, hi: number) => boolean {
  const had = packedMemo.get(view);
  if (had !== undefined) return had;
  let built: { slots: Slot[]; slotOf: Map<ZkHistoryOp, Slot>; free: FreeZxids } | null = null;
  let asked = 0;
  const test = (o: ZkHistoryOp, lo: number, hi: number): boolean => {
    // (At most 256 questions per history: each is a matching, O(n log n); past that, nothing is placed.)
    if (asked++ >= 256) return false;
    if (built === null) {
      const writes = closesAtTheirEnd(view.history, view.writes);
      built = packingSlots(view, writes, writes.filter((x) => x.zxid === null && certain(x)), sessionEndWrites(view.history, writes));
    }
    const { slots, slotOf, free } = built;
    const s = slotOf.get(o);
    if (s === undefined) return false;
    const without = (cut: Slot): boolean => unmatched(slots.map((t) => (t === s ? cut : t)), free) !== null;
    return (s.hi - 1 <= hi || without({ ...s, lo: Math.max(s.lo, hi) })) && (s.lo >= lo || without({ ...s, hi: Math.min(s.hi, lo + 1) }));
  };
  packedMemo.set(view, test);
  return test;
}

const packedMemo = new WeakMap<HistoryView, (o: ZkHistoryOp, lo: number, hi: number) => boolean>();

/**
 * Session order: the ops a session issued before and after each of its txns, answered ok, bound it; a certain
 * txn of the session without a zxid passes its own window on (a later one lies above it, an earlier one below).
 */
function sessionOrder(view: HistoryView, slotOf: ReadonlyMap<ZkHistoryOp, Slot>): void {
  const floorOf = (o: ZkHistoryOp): number => {
    const s = slotOf.get(o);
    return s !== undefined && certain(o) ? s.lo + 1 : opFloor(o);
  };
  const ceilingOf = (o: ZkHistoryOp): number => {
    const s = slotOf.get(o);
    return s !== undefined && certain(o) ? s.hi - 1 : opCeiling(o);
  };
  for (const { ops } of view.opsBySession.values()) {
    if (!ops.some((o) => slotOf.has(o))) continue;
    const mine = [...ops].sort((a, b) => a.invokeUs - b.invokeUs);
    let floor = 0;
    for (let i = 0; i < mine.length;) {
      let j = i;
      while (j < mine.length && mine[j]!.invokeUs === mine[i]!.invokeUs) j++;
      for (let k = i; k < j; k++) {
        const s = slotOf.get(mine[k]!);
        if (s !== undefined) s.lo = Math.max(s.lo, floor);
      }
      for (let k = i; k < j; k++) floor = Math.max(floor, floorOf(mine[k]!));
      i = j;
    }
    let ceiling = Infinity;
    for (let j = mine.length; j > 0;) {
      let i = j - 1;
      while (i > 0 && mine[i - 1]!.invokeUs === mine[j - 1]!.invokeUs) i--;
      for (let k = i; k < j; k++) {
        const s = slotOf.get(mine[k]!);
        if (s !== undefined && certain(mine[k]!)) s.hi = Math.min(s.hi, ceiling);
      }
      for (let k = i; k < j; k++) ceiling = Math.min(ceiling, ceilingOf(mine[k]!));
      j = i;
    }
  }
}

/**
 * Real time between the txns without a zxid: one whose certain reply came before another was sent lies below
 * it, so the later one lies above the earlier one's lower end, and the earlier one below the later one's upper end.
 */
function realTimeOrder(slots: readonly Slot[]): void {
  const done = slots.filter((s) => certain(s.op) && s.op.completeUs !== null && s.op.invokeUs > 0);
  if (done.length === 0) return;
  const sent = slots.filter((s) => s.op.invokeUs > 0 && s.op.outcome !== 'fail');
  const byDone = [...done].sort((a, b) => a.op.completeUs! - b.op.completeUs!);
  const bySent = [...sent].sort((a, b) => a.op.invokeUs - b.op.invokeUs);
  // Lower ends: a prefix maximum of the done ones' lower ends, by reply time.
  let best = -Infinity;
  let k = 0;
  for (const s of bySent) {
    while (k < byDone.length && byDone[k]!.op.completeUs! < s.op.invokeUs) best = Math.max(best, byDone[k++]!.lo);
    if (best > -Infinity) s.lo = Math.max(s.lo, best + 1);
  }
  // Upper ends: a suffix minimum of the sent ones' upper ends, by send time.
  let least = Infinity;
  k = bySent.length - 1;
  for (let i = byDone.length - 1; i >= 0; i--) {
    const s = byDone[i]!;
    while (k >= 0 && bySent[k]!.op.invokeUs > s.op.completeUs!) least = Math.min(least, bySent[k--]!.hi);
    if (least < Infinity) s.hi = Math.min(s.hi, least - 1);
  }
}

/** The zxid an ok op of a session puts below its later txns: above a write's zxid, at or above a header. */
function opFloor(o: ZkHistoryOp): number {
  if (!certain(o)) return 0;
  if (o.zxid !== null && isZkWrite(o.op)) return o.zxid;
  return o.readZxid != null && o.readZxid > 0 ? o.readZxid - 1 : 0;
}

/** The zxid an ok op of a session puts above its earlier certain txns: below a write's zxid, at or below a header. */
function opCeiling(o: ZkHistoryOp): number {
  if (!certain(o)) return Infinity;
  if (o.zxid !== null && isZkWrite(o.op)) return o.zxid;
  return o.readZxid != null && o.readZxid > 0 ? o.readZxid + 1 : Infinity;
}

/**
 * The one op that may set each node's data where a read shows a version of 1 or more at a header zxid, with
 * the least such header: a setData (alone or in a multi) not known to have failed.
 */
function soleSetters(view: HistoryView): Map<ZkHistoryOp, number> {
  const out = new Map<ZkHistoryOp, number>();
  const shown = new Map<string, number>();
  for (const r of view.history.ops) {
    const res = r.result;
    if (!certain(r) || res === null || res.rc !== 'ok' || r.readZxid == null || r.readZxid <= 0) continue;
    if ((r.op.type !== 'getData' && r.op.type !== 'exists') || res.exists === false || res.version === undefined || res.version < 1) continue;
    shown.set(r.op.path, Math.min(shown.get(r.op.path) ?? Infinity, r.readZxid));
  }
  if (shown.size === 0) return out;
  const setters = new Map<string, ZkHistoryOp | null>();
  const note = (path: string, o: ZkHistoryOp): void => {
    if (!shown.has(path)) return;
    const had = setters.get(path);
    setters.set(path, had === undefined || had === o ? o : null);
  };
  for (const o of view.writes) {
    if (o.outcome === 'fail' || (o.result !== null && !isUncertain(o) && o.result.rc !== 'ok')) continue;
    if (o.op.type === 'setData') note(o.op.path, o);
    else if (o.op.type === 'multi') for (const sub of o.op.ops) if (sub.type === 'setData') note(sub.path, o);
  }
  for (const [path, o] of setters) if (o !== null && o.zxid === null) out.set(o, shown.get(path)!);
  return out;
}

/**
 * The kv writes a register's version proves took effect, each with a zxid bound. A register is never
 * deleted and each kvSet or kvCas that succeeds raises its version by one (the first leaves 0), so a kvGet
 * showing version v at a state proves that exactly v + 1 writes of that register took effect in it, all at
 * or below the read's header zxid and at or below the mzxid it shows (the zxid of the last of them). When
 * the writes of the register that may have succeeded there (not known to have failed: a certain badVersion
 * is an error txn; not recorded above that bound) are exactly v + 1, every one of them did. Fewer is a
 * read of a state no execution has, which the read checks name; more proves nothing about any one. Each
 * read counts by a binary search, and each register's writes get the least bound once: O(n log n).
 */
function registerWriters(view: HistoryView): Map<ZkHistoryOp, number> {
  const out = new Map<ZkHistoryOp, number>();
  // Per register: its writes without a zxid that may have succeeded, and the recorded zxids of the others (sorted).
  let byPath: Map<string, { floating: ZkHistoryOp[]; recorded: number[] }> | null = null;
  const least = new Map<string, number>(); // register -> the least bound of a read that proves all of its writes
  for (const r of view.history.ops) {
    const res = r.result;
    if (r.op.type !== 'kvGet' || !certain(r) || res === null || res.rc !== 'ok' || res.exists !== true || res.version === undefined) continue;
    const bound = Math.min(r.readZxid != null && r.readZxid > 0 ? r.readZxid : Infinity, res.mzxid !== undefined && res.mzxid > 0 ? res.mzxid : Infinity);
    if (bound === Infinity) continue;
    if (byPath === null) {
      byPath = new Map();
      for (const o of view.writes) {
        if ((o.op.type !== 'kvSet' && o.op.type !== 'kvCas') || o.outcome === 'fail') continue;
        if (o.result !== null && !isUncertain(o) && o.result.rc !== 'ok') continue;
        let entry = byPath.get(o.op.path);
        if (entry === undefined) byPath.set(o.op.path, (entry = { floating: [], recorded: [] }));
        if (o.zxid === null) entry.floating.push(o);
        else entry.recorded.push(o.zxid);
      }
      for (const entry of byPath.values()) entry.recorded.sort((a, b) => a - b);
    }
    const entry = byPath.get(r.op.path);
    if (entry === undefined || entry.floating.length + countBelow(entry.recorded, bound + 1) !== res.version + 1) continue;
    least.set(r.op.path, Math.min(least.get(r.op.path) ?? Infinity, bound));
  }
  for (const [path, bound] of least) for (const o of byPath!.get(path)!.floating) out.set(o, bound);
  return out;
}

function maxId(ops: readonly ZkHistoryOp[]): number {
  let m = -1;
  for (const o of ops) if (o.id > m) m = o.id;
  return m;
}

/**
 * The slots of a set that cannot take distinct free zxids (a Hall violator: more slots than free zxids in the
 * union of their windows), or null when all can. Slots that can always be matched last are set aside first.
 */
function unmatched(all: readonly Slot[], free: FreeZxids): Slot[] | null {
  let left = all.filter((s) => s.hi !== Infinity);
  for (let n = -1; n !== left.length;) {
    n = left.length;
    left = left.filter((s) => free.countFree(s.lo, s.hi) < n);
  }
  if (left.length < 1) return null;
  // The greedy matching by upper end; the first slot left without a zxid names the violator: it and the
  // slots given zxids inside its window's span of the ones placed before it.
  const order = [...left].sort((a, b) => a.hi - b.hi || a.lo - b.lo);
  const given = new Map<number, Slot>();
  for (const s of order) {
    let y = free.nextFree(s.lo);
    while (given.has(y)) y = free.nextFree(y);
    if (y < s.hi) {
      given.set(y, s);
      continue;
    }
    let lo = s.lo;
    const group = new Set<Slot>([s]);
    // Widen to the slots holding zxids in [lo, hi) and their own lower ends, until it is closed.
    for (let grew = true; grew;) {
      grew = false;
      for (const [z, t] of given)
        if (z > lo && z < s.hi && !group.has(t)) {
          group.add(t);
          if (t.lo < lo) lo = t.lo;
          grew = true;
        }
    }
    return [...group].sort((a, b) => a.op.id - b.op.id);
  }
  return null;
}
