// The history-wide half of the persistent-watch judgment (watch-persistent.ts has the why and the per-session
// half): the changes each write makes and may make, indexed once, shared by every session's PersistentWatches.
import type { ZkHistoryOp, ZkHistoryWatch, ZkOp, ZkResult } from '../history/types.js';
import { isUncertain, sessionEndWrites } from './zk-writes.js';
import { fires } from './watch-changes.js';
import { nodeLife, sequentialOf } from './node-life.js';
import { exactTxnFits } from './exact-txn.js';
import { allChanges, changesOf, hasSequentialCreate, timesMade } from './watch-txn-changes.js';
import { foundMissingBefore, laterMissingCeiling, provedEndWrites, provedLostWrites, type EndShown } from './proved-writes.js';
import { writeZxidCeiling } from './write-zxid-ceiling.js';
import { writeZxidFloor } from './write-zxid-floor.js';
import type { HistoryView } from './history-view.js';
import { zxidDoneBefore, zxidSentAfter } from './zxid-by-time.js';
import { endedSessions, provedEnds, sessionEndChanges, sureEphemerals, type Change, type SureEphemeral } from './watch-persistent-ends.js';
import { lostCreateFloor } from './zxid-by-time.js';
export { changeTxn, type Change } from './watch-persistent-ends.js';

export type EventType = ZkHistoryWatch['type'];

/** One watch the session holds, by path and mode. */
export type Held = {
  readonly path: string;
  readonly recursive: boolean;
  /** The addWatch that set it first. */
  readonly by: ZkHistoryOp;
  /** A zxid at or below the state it was registered at: every change it reports is above it. */
  readonly floor: number;
  /** By connection: a zxid at or above the state it was registered at there (null: not known yet). */
  readonly registered: Map<number, number | null>;
  /** By connection: the changes up to this zxid were checked for their events there. */
  readonly checked: Map<number, number>;
  /** By connection: how many events without a zxid, by `${type} ${path}`, the checked changes there took. */
  readonly used: Map<number, Map<string, number>>;
  /** By connection: the first addWatch that set it there, and how far the certain writes by time were checked there. */
  readonly added: Map<number, ZkHistoryOp>;
  readonly byTime: Map<number, number>;
  /** By connection: how far the writes of `boundedWrites` were checked there. */
  readonly byBound: Map<number, number>;
};

/** A write without a zxid that surely took effect, with bounds on its zxid and its changes (`boundedWrites`). */
export type BoundedWrite = {
  readonly x: ZkHistoryOp;
  readonly upper: number;
  readonly lower: number;
  readonly found: readonly [EventType, string][];
  /** For a session end no client saw: its session; `x` its last sure create (watch-persistent-ends.ts `provedEnds`: a
   * parent's delete proves it), or the create of the ephemeral it deleted (proved-writes.ts EndShown: a reply). */
  readonly end?: number;
  /** A time its txn was proposed after (x sent; or a write sent later that its txn follows: foundMissingBefore). */
  readonly sent?: number;
};

export const parentOf = (p: string): string => (p.lastIndexOf('/') <= 0 ? '/' : p.slice(0, p.lastIndexOf('/')));
export const under = (q: string, base: string): boolean => base === '/' || q === base || q.startsWith(`${base}/`);

export function covers(w: Held, type: EventType, path: string): boolean {
  return w.recursive ? type !== 'NodeChildrenChanged' && under(path, w.path) : path === w.path;
}

/** What the sessions' PersistentWatches share: the history's changes, indexed once. */
export class PersistentShared {
  private certain: Change[] | null = null;
  private byKey: Map<string, ZkHistoryOp[]> | null = null;
  private loose: ZkHistoryOp[] = [];

  private readonly view: HistoryView;
  private readonly restricted: ReadonlySet<string>;
  readonly queuedFirst: boolean;

  constructor(view: HistoryView, restricted: ReadonlySet<string>, queuedFirst: boolean) {
    this.view = view;
    this.restricted = restricted;
    this.queuedFirst = queuedFirst;
  }

  /**
   * Whether some write may have made event `e`'s change after `floor` (`earliestCause` below).
   */
  explains(e: ZkHistoryWatch, floor: number): boolean {
    return this.earliestCause(e, floor) < Infinity;
  }

  /**
   * The earliest time the txn of event `e`'s change may have been sent (Infinity: none may have made it after
   * `floor`): a write that was not refused (ok, or an unknown outcome that can succeed), sent before the event
   * arrived, with the event's zxid when both are known, and none without a zxid at a zxid another txn holds
   * (zxids are distinct); or the end of a session that created an ephemeral node there before the event
   * arrived (an expiry may come at any time), at a zxid no other txn holds and above its create's: then the
   * create's send time (the end's txn comes after the create's, which comes after it was sent).
   */
  earliestCause(e: ZkHistoryWatch, floor: number): number {
    return this.causesOf(e, floor).earliest;
  }

  /**
   * Event `e`'s possible causes after `floor` (see `earliestCause`): the earliest send time; how many there are
   * besides certain writes with a recorded zxid (`loose`: writes without a zxid or of unknown outcome, and
   * session ends); and the one write without a zxid when it is the only cause (else null); and the only cause,
   * zxid or not (`sole`, else null).
   */
  causesOf(e: ZkHistoryWatch, floor: number): { readonly earliest: number; readonly loose: number; readonly only: ZkHistoryOp | null; readonly sole: ZkHistoryOp | null } {
    const known = e.zxid > 0;
    if (known && e.zxid <= floor) return { earliest: Infinity, loose: 0, only: null, sole: null };
    this.index();
    const taken = known ? this.takers().get(e.zxid) : undefined;
    // A persistent watch's event is fired as its txn is applied, with that txn's zxid (setWatches fires none for
    // it): a write without a zxid must be able to hold the event's (exact-txn.ts).
    const exact = known ? this.exactTxn() : null;
    const fits = (o: ZkHistoryOp): boolean =>
      o.invokeUs < e.atUs && (o.zxid === null ? taken === undefined && (exact === null || exact(o, e.zxid)) : o.zxid > floor && (!known || o.zxid === e.zxid));
    let earliest = Infinity;
    const found = new Set<ZkHistoryOp>();
    for (const o of this.byKey!.get(`${e.type} ${e.path}`) ?? []) if (fits(o)) found.add(o);
    for (const o of this.loose) if (!found.has(o) && fits(o) && fires(o.op, null, e.type, e.path, [], false)) found.add(o);
    let loose = 0;
    for (const o of found) {
      earliest = Math.min(earliest, o.invokeUs);
      if (o.zxid === null || isUncertain(o) || o.result === null) loose++;
    }
    let ends = 0;
    // (No session end deletes a node whose one life a certain delete ended: NodeLife.endCannotDelete.)
    const life = nodeLife(this.view);
    if ((e.type === 'NodeDeleted' && !life.endCannotDelete(e.path)) || e.type === 'NodeChildrenChanged')
      for (const [session, list] of this.ephemeralsBySession()) {
        if (known && !this.endMayBeAt(session, e.zxid)) continue;
        let first = Infinity;
        for (const c of list)
          if (c.invokeUs < Math.min(first, e.atUs) && (!known || c.zxid === null || c.zxid < e.zxid) && endFires(c, e.type, e.path) && !(c.path !== null && life.endCannotDelete(c.path)))
            first = c.invokeUs;
        if (first === Infinity) continue;
        ends++;
        earliest = Math.min(earliest, first);
      }
    const one = found.size === 1 && ends === 0 ? [...found][0]! : null;
    return { earliest, loose: loose + ends, only: one !== null && one.zxid === null ? one : null, sole: one };
  }

  /** Writes without a recorded zxid that an event pinned (the only cause of an event with a known zxid). */
  readonly pins = new Map<ZkHistoryOp, number>();
  private exactFits: ((o: ZkHistoryOp, m: number) => boolean) | null = null;
  /** By `${type} ${path}`: the known zxids of events no named txn holds (each needs its own loose cause). */
  readonly untaken = new Map<string, Set<number>>();

  /** Whether a txn the history names holds zxid `z`. */
  isTaken(z: number): boolean {
    return this.takers().has(z);
  }

  private takersMemo: Map<number, string[]> | null = null;
  /** Session -> the zxid of its end, by its ENDED record (filled with `takers`). */
  private readonly endedAt = new Map<number, number>();

  /**
   * The txns the history names by zxid: each certain ok write's (`w:${id}`, or `s:${session}` for a
   * closeSession) and each ENDED record's (`s:${session}`). Distinct txns have distinct zxids.
   */
  private takers(): Map<number, string[]> {
    if (this.takersMemo !== null) return this.takersMemo;
    const out = new Map<number, string[]>();
    const add = (z: number, who: string): void => {
      const list = out.get(z) ?? [];
      if (!list.includes(who)) list.push(who);
      out.set(z, list);
    };
    for (const o of this.view.writes)
      if (o.zxid !== null && o.outcome === 'ok' && o.result !== null && !isUncertain(o)) add(o.zxid, o.op.type === 'closeSession' && o.session !== null ? `s:${o.session}` : `w:${o.id}`);
    for (const r of this.view.history.events ?? [])
      if (r.kind === 'session' && r.state === 'ENDED' && r.zxid !== undefined && r.zxid > 0) {
        add(r.zxid, `s:${r.session}`);
        this.endedAt.set(r.session, r.zxid);
      }
    return (this.takersMemo = out);
  }

  private endsMemo: { readonly ends: ZkHistoryOp[]; readonly bySession: Map<number, ZkHistoryOp[]> } | null = null;

  /** The history's session ends as writes (session-ends.ts sessionEndWrites) and its closes, by session. */
  private ends(): { readonly ends: ZkHistoryOp[]; readonly bySession: Map<number, ZkHistoryOp[]> } {
    if (this.endsMemo !== null) return this.endsMemo;
    const ends = sessionEndWrites(this.view.history, this.view.writes);
    const bySession = new Map<number, ZkHistoryOp[]>();
    for (const o of [...this.view.writes, ...ends])
      if (o.op.type === 'closeSession' && o.session !== null && o.outcome !== 'fail') (bySession.get(o.session) ?? bySession.set(o.session, []).get(o.session)!).push(o);
    return (this.endsMemo = { ends, bySession });
  }

  /** exact-txn.ts's test over the history's writes and session ends: whether a write can be the txn at a zxid. */
  private exactTxn(): (o: ZkHistoryOp, m: number) => boolean {
    return (this.exactFits ??= exactTxnFits(this.view, [...this.view.writes, ...this.ends().ends]));
  }

  /**
   * Whether session `s`'s end may be the txn at zxid `z`: no other txn holds z, no ENDED record puts its end
   * elsewhere, and some write that may be its end (a close, an ENDED record's, the unseen end sessionEndWrites adds)
   * can hold z (exact-txn.ts: an unseen end is above every state its session's replies showed, SESSION_END_FLOOR).
   * Round 13 (r13c, case 228332486): the end of a session whose delete was answered at 1:5 was taken at 1:4.
   */
  private endMayBeAt(s: number, z: number): boolean {
    const at = this.takers().get(z);
    if (at !== undefined && at.some((who) => who !== `s:${s}`)) return false;
    const ended = this.endedAt.get(s);
    if (ended !== undefined && ended !== z) return false;
    const list = this.ends().bySession.get(s);
    return list === undefined || list.length === 0 || list.some((o) => this.exactTxn()(o, z));
  }

  private ephemeralsMemo: Map<number, EphemeralMade[]> | null = null;

  /** Each session's ephemeral creates that may have made a node (ok, or an unknown outcome that can succeed). */
  private ephemeralsBySession(): Map<number, EphemeralMade[]> {
    if (this.ephemeralsMemo !== null) return this.ephemeralsMemo;
    const out = new Map<number, EphemeralMade[]>();
    const visit = (op: ZkOp, result: ZkResult | null, o: ZkHistoryOp, session: number): void => {
      if (op.type === 'multi') op.ops.forEach((sub, i) => visit(sub, result?.results?.[i] ?? null, o, session));
      else if (op.type === 'create' && (op.mode === 'ephemeral' || op.mode === 'ephemeralSequential')) {
        const list = out.get(session) ?? [];
        const path = result?.path ?? (op.mode === 'ephemeral' ? op.path : null);
        list.push({ path, prefix: op.path, invokeUs: o.invokeUs, zxid: o.zxid });
        out.set(session, list);
      }
    };
    for (const o of this.view.writes) {
      if (o.session === null || o.outcome === 'fail') continue;
      const uncertain = isUncertain(o) || o.result === null;
      if (uncertain ? this.canSucceed(o) : o.result!.rc === 'ok') visit(o.op, uncertain ? null : o.result, o, o.session);
    }
    return (this.ephemeralsMemo = out);
  }

  private byCompletion: ZkHistoryOp[] | null = null;
  private sureMemo: Map<number, SureEphemeral[]> | null = null;
  private endedMemo: Set<number> | null = null;

  /**
   * The ephemerals an ok close `x` without a zxid surely had deleted by its txn (`sureEphemerals`), for a session with
   * no ENDED record: its own end, or an expiry before it (an ok close may follow one: PrepRequestProcessor.pRequest2Txn
   * logs it again), deleted each after its create and at or below the close's txn.
   */
  closeDeletes(x: ZkHistoryOp): readonly SureEphemeral[] {
    if (x.session === null || (this.endedMemo ??= endedSessions(this.view)).has(x.session)) return [];
    return (this.sureMemo ??= sureEphemerals(this.view)).get(x.session) ?? [];
  }

  /** A zxid at or below that of a write: its own, the one an event pinned (`pins`), or its floor (`floorOf`). */
  lowerOf(x: ZkHistoryOp): number {
    return x.zxid ?? Math.max(this.pins.get(x) ?? -Infinity, this.floorOf(x));
  }

  /** Whether an ACL may filter events of `path`: a restricted path, or a sequential create's prefix of it. */
  mayFilter(path: string): boolean {
    for (const r of this.restricted) if (path.startsWith(r)) return true;
    return false;
  }

  /**
   * The certain ok writes with a reply, by reply time: not session ends, but for an ok close without a zxid of a
   * session with no ENDED record, which deletes ephemerals (`closeDeletes`).
   */
  writesByCompletion(): ZkHistoryOp[] {
    if (this.byCompletion !== null) return this.byCompletion;
    const out = this.view.writes.filter(
      (o) =>
        o.outcome === 'ok' &&
        o.completeUs !== null &&
        o.result !== null &&
        !isUncertain(o) &&
        (o.op.type !== 'closeSession' || (o.zxid === null && o.result.rc === 'ok' && this.closeDeletes(o).length > 0)),
    );
    out.sort((a, b) => a.completeUs! - b.completeUs!);
    return (this.byCompletion = out);
  }

  /**
   * The first change of the certain write `x` that `w` covers (ACL-filtered paths aside) with too few events of
   * its type and path (`after`: how many arrived after a time) arriving after `x` was sent (its txn came after that).
   */
  missingOf(w: Held, x: ZkHistoryOp, after: (key: string, t: number) => number): string | null {
    const found: [EventType, string][] = [];
    changesOf(x.op, x.result, found);
    return this.missingOfFound(w, x, found, after);
  }

  private boundedMemo: BoundedWrite[] | null = null;

  /**
   * The writes without a zxid that surely took effect, each with a zxid at or above its own (`upper`), one at or
   * below it (`lower`, -Infinity: none known) and the changes it made, by `upper`: a certain ok write (its
   * ceiling, write-zxid-ceiling.ts; its floor, write-zxid-floor.ts), or a lost one (or a certain one) a reply
   * proves took effect (proved-writes.ts provedLostWrites: that reply's state is at or above its zxid, and a
   * multi is applied whole; `provedBy` has them by that reply, with `upper` Infinity when no zxid bound is known).
   * Left out: a lost one with a sequential create (its node's name is not known).
   */
  boundedWrites(): readonly BoundedWrite[] {
    if (this.boundedMemo !== null) return this.boundedMemo;
    const provers = new Map<ZkHistoryOp, ZkHistoryOp[]>();
    const endProvers = new Map<ZkHistoryOp, EndShown[]>();
    const proved = provedLostWrites(this.view, new Map(), true, provers, endProvers);
    const ceiling = writeZxidCeiling(this.view);
    // (A lost write's floor too: write-zxid-floor.ts `lostToo`.)
    const floor = writeZxidFloor(this.view, true);
    let missedBy: ((x: ZkHistoryOp) => number) | null = null;
    let later: ((x: ZkHistoryOp) => number) | null = null;
    const out: BoundedWrite[] = [];
    const byWrite = new Map<ZkHistoryOp, BoundedWrite>();
    for (const x of this.view.writes) {
      if (x.zxid !== null || x.outcome === 'fail' || x.op.type === 'closeSession') continue;
      const certain = x.outcome === 'ok' && x.result !== null && !isUncertain(x);
      if (certain ? x.result!.rc !== 'ok' : hasSequentialCreate(x.op)) continue;
      const upper = Math.min(proved.get(x) ?? Infinity, certain ? Math.min(ceiling(x) ?? Infinity, (later ??= laterMissingCeiling(this.view))(x)) : Infinity);
      if (upper === Infinity && !proved.has(x)) continue;
      const found: [EventType, string][] = [];
      if (certain) changesOf(x.op, x.result, found);
      else allChanges(x.op, found);
      // (A lost write's floor: write-zxid-floor.ts `lostToo`, and zxid-by-time.ts lostCreateFloor.)
      const lower = certain ? (floor(x) ?? -Infinity) : Math.max(floor(x) ?? -Infinity, lostCreateFloor(this.view, x));
      const b = { x, upper, lower, found, sent: certain ? x.invokeUs : Math.max(x.invokeUs, (missedBy ??= foundMissingBefore(this.view))(x)) };
      byWrite.set(x, b);
      if (upper !== Infinity) out.push(b);
      if (!certain && proved.has(x) && x.session !== null) this.provedOfSession.set(x.session, [...(this.provedOfSession.get(x.session) ?? []), b]);
    }
    for (const e of provedEnds(this.view)) out.push({ x: e.x, upper: e.upper, lower: e.lower, found: e.found, end: e.session });
    out.sort((a, b) => a.upper - b.upper);
    for (const [reply, writes] of provers) {
      const list = writes.flatMap((x) => byWrite.get(x) ?? []);
      if (list.length > 0) this.provedByMemo.set(reply, list);
    }
    for (const [reply, ends] of provedEndWrites(endProvers, floor)) this.provedByMemo.set(reply, [...(this.provedByMemo.get(reply) ?? []), ...ends]);
    return (this.boundedMemo = out);
  }

  private readonly provedByMemo = new Map<ZkHistoryOp, BoundedWrite[]>();
  private readonly provedOfSession = new Map<number, BoundedWrite[]>();

  /** By session: its lost writes (no zxid, no sequential create) that a reply proves took effect (`boundedWrites`). */
  provedOf(session: number): readonly BoundedWrite[] {
    this.boundedWrites();
    return this.provedOfSession.get(session) ?? [];
  }

  /** The writes of `boundedWrites` that reply `o` proves took effect (its state holds each: proved-writes.ts). */
  provedBy(o: ZkHistoryOp): readonly BoundedWrite[] {
    this.boundedWrites();
    return this.provedByMemo.get(o) ?? [];
  }

  /**
   * The changes write `x` made if it took effect: its result's for a certain ok one; every sub-op's for one of
   * unknown outcome (a multi is applied whole). Null when not known: a lost sequential create, or an error reply.
   */
  changesOfWrite(x: ZkHistoryOp): [EventType, string][] | null {
    const found: [EventType, string][] = [];
    const certain = x.outcome === 'ok' && x.result !== null && !isUncertain(x);
    if (certain) {
      if (x.result!.rc !== 'ok') return null;
      changesOf(x.op, x.result, found);
    } else if (allChanges(x.op, found)) return null;
    return found;
  }

  /** Like `missingOf`, for the changes `found` of a write `x` (`boundedWrites`). */
  missingOfFound(w: Held, x: ZkHistoryOp, found: readonly [EventType, string][], after: (key: string, t: number) => number): string | null {
    // (A multi that sets a node twice fires twice: each sub-txn calls triggerWatch, and the watch stays.)
    const need = new Map<string, number>();
    for (const [type, path] of found) {
      if (!covers(w, type, path) || this.restricted.has(path)) continue;
      const key = `${type} ${path}`;
      const n = (need.get(key) ?? 0) + 1;
      need.set(key, n);
      if (after(key, x.invokeUs) < n) return key;
    }
    return null;
  }

  private floorMemo: ((o: ZkHistoryOp) => number | null) | null = null;

  /**
   * A zxid at or below that of a certain write without one (write-zxid-floor.ts: above every txn known committed
   * before it was sent, and at least 1:1); -Infinity when none is known.
   */
  floorOf(x: ZkHistoryOp): number {
    return (this.floorMemo ??= writeZxidFloor(this.view))(x) ?? -Infinity;
  }

  private doneMemo: ((t: number) => number) | null = null;

  /** The largest state zxid of an ok reply that arrived before time `t` (zxid-by-time.ts `zxidDoneBefore`). */
  zxidDoneBefore(t: number): number {
    return (this.doneMemo ??= zxidDoneBefore(this.view))(t);
  }

  /**
   * The most times one txn at event `e`'s zxid may make its change (type and path, `timesMade`); null when not
   * bounded (several named txns). The txn is the one the
   * history names at that zxid (a write, or a session end by its ENDED record or closeSession), else any
   * write without a zxid or any session end that may lie there. A session end makes NodeDeleted p once at
   * most and NodeChildrenChanged p once per ephemeral child of p it deletes (DataTree.killSession →
   * deleteNode, each firing triggerWatch): so at most its creates of such children sent before the event.
   */
  madeAt(e: ZkHistoryWatch): number | null {
    this.index();
    const named = this.view.writes.filter((o) => o.zxid === e.zxid && o.outcome !== 'fail');
    const ends = new Set<number>();
    for (const who of this.takers().get(e.zxid) ?? []) if (who.startsWith('s:')) ends.add(Number(who.slice(2)));
    const writes = named.filter((o) => o.op.type !== 'closeSession');
    if (writes.length + ends.size > 1 || (writes.length === 0 && ends.size === 0 && named.length > 0)) return null;
    let most = 0;
    // (Else the txn at e's zxid is a write without a zxid sent before e arrived that can hold that zxid: exact-txn.ts.)
    const exact = this.exactTxn();
    const candidates =
      writes.length + ends.size > 0
        ? writes
        : this.view.writes.filter((o) => o.zxid === null && o.outcome !== 'fail' && o.op.type !== 'closeSession' && o.invokeUs < e.atUs && exact(o, e.zxid));
    for (const at of candidates) {
      const uncertain = isUncertain(at) || at.result === null;
      if (uncertain && !this.canSucceed(at)) continue;
      most = Math.max(most, timesMade(at.op, uncertain ? null : at.result, e.type, e.path));
    }
    if (e.type === 'NodeDeleted' || e.type === 'NodeChildrenChanged')
      for (const [session, list] of this.ephemeralsBySession()) {
        if (writes.length + ends.size > 0 ? !ends.has(session) : !this.endMayBeAt(session, e.zxid)) continue;
        const nodes = new Set<string>();
        let unnamed = 0;
        for (const c of list)
          if (c.invokeUs < e.atUs && (c.zxid === null || c.zxid < e.zxid) && endFires(c, e.type, e.path)) {
            if (c.path === null) unnamed++;
            else nodes.add(c.path);
          }
        most = Math.max(most, e.type === 'NodeDeleted' ? Math.min(1, nodes.size + unnamed) : nodes.size + unnamed);
      }
    return most;
  }

  /**
   * Whether a write of unknown outcome can succeed at all: each node it creates has a parent, and each node
   * it deletes, sets or checks exists, in some state, as far as the history's writes go: the node is in the
   * initial tree, or another write that may succeed creates it, or an earlier sub-op of the same multi does
   * (a multi is all or nothing, PrepRequestProcessor; every write of the history is recorded, as every
   * checker here takes it). Weaker than the tree: a node that may exist at some time may exist at any. And not
   * one NodeLife.cannotSucceed proves fails (a multi whose own sub-ops contradict each other, a version no
   * setData of the history reaches, a node no op makes): round 13 (r13c), an end's ephemeral, or a duplicate
   * event's count, taken from such a multi.
   */
  canSucceed(o: ZkHistoryOp): boolean {
    if (nodeLife(this.view).cannotSucceed(o)) return false;
    const creators = this.creatorsIndex();
    const exists = (path: string, made: ReadonlySet<string>): boolean =>
      INITIAL_NODES.has(path) ||
      made.has(path) ||
      (creators.exact.get(path) ?? []).some((x) => x !== o) ||
      creators.sequential.some(([prefix, x]) => x !== o && sequentialOf(prefix, path));
    const made = new Set<string>();
    const walk = (op: ZkOp): boolean => {
      switch (op.type) {
        case 'multi':
          return op.ops.every(walk);
        case 'create':
          if (!exists(parentOf(op.path), made)) return false;
          if (op.mode === 'persistent' || op.mode === 'ephemeral') made.add(op.path);
          return true;
        case 'delete':
        case 'setData':
        case 'check':
          return exists(op.path, made);
        default:
          return true;
      }
    };
    return walk(o.op);
  }

  private creatorsMemo: { exact: Map<string, ZkHistoryOp[]>; sequential: [string, ZkHistoryOp][] } | null = null;

  /** The writes that may create each node (not refused): by exact path, and sequential creates of unknown name by prefix. */
  private creatorsIndex(): { exact: Map<string, ZkHistoryOp[]>; sequential: [string, ZkHistoryOp][] } {
    if (this.creatorsMemo !== null) return this.creatorsMemo;
    const exact = new Map<string, ZkHistoryOp[]>();
    const sequential: [string, ZkHistoryOp][] = [];
    const visit = (op: ZkOp, result: ZkResult | null, o: ZkHistoryOp): void => {
      if (op.type === 'multi') op.ops.forEach((sub, i) => visit(sub, result?.results?.[i] ?? null, o));
      else if (op.type === 'create') {
        const path = result?.path ?? (op.mode === 'persistent' || op.mode === 'ephemeral' ? op.path : null);
        if (path === null) sequential.push([op.path, o]);
        else exact.set(path, [...(exact.get(path) ?? []), o]);
      }
    };
    for (const o of this.view.writes) {
      if (o.outcome === 'fail') continue;
      const uncertain = isUncertain(o) || o.result === null;
      if (uncertain || o.result!.rc === 'ok') visit(o.op, uncertain ? null : o.result, o);
    }
    return (this.creatorsMemo = { exact, sequential });
  }

  private afterMemo: ((t: number) => number) | null = null;

  /** The least zxid of a certain ok write sent after time `t` (zxid-by-time.ts `zxidSentAfter`). */
  zxidSentAfter(t: number): number {
    return (this.afterMemo ??= zxidSentAfter(this.view))(t);
  }

  /**
   * The first certain change in (from, to] that `w` covers whose event did not come: too few with its zxid
   * in `events` (counts by `${type} ${path} ${zxid}`), and every event of its type and path without a zxid (`unnamed`) taken by an earlier change
   * (`used`, updated). Paths whose ACL may filter the event are left out.
   */
  firstMissing(
    w: Held,
    from: number,
    to: number,
    events: ReadonlyMap<string, number>,
    unnamed: ReadonlyMap<string, number>,
    used: Map<string, number>,
    closing: number | null = null,
  ): Change | null {
    const list = this.certainChanges();
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (list[mid]!.zxid <= from) lo = mid + 1;
      else hi = mid;
    }
    const seen = new Map<string, number>();
    for (let k = lo; k < list.length && list[k]!.zxid <= to; k++) {
      const c = list[k]!;
      // (`closing`: at its own close's reply, a session is not held to its own end's deletes: the connection closes.)
      if (!covers(w, c.type, c.path) || this.restricted.has(c.path) || (c.end !== undefined && c.end === closing)) continue;
      // One event per change: a multi that sets one node twice fires NodeDataChanged twice (DataTree.processTxn
      // applies each sub-txn, each calling triggerWatch), and a persistent watch is not used up by the first.
      const exact = `${c.type} ${c.path} ${c.zxid}`;
      const need = (seen.get(exact) ?? 0) + 1;
      seen.set(exact, need);
      if ((events.get(exact) ?? 0) >= need) continue;
      const key = `${c.type} ${c.path}`;
      const took = used.get(key) ?? 0;
      if (took >= (unnamed.get(key) ?? 0)) return c;
      used.set(key, took + 1);
    }
    return null;
  }

  /**
   * The changes of the ok writes with a zxid and their result (not session ends: which ephemerals an end still
   * deleted is not certain), by zxid. An event with an unknown zxid (ZooKeeper 3.8 sends -1) may be any of
   * its type and path, so `firstMissing` asks for one of the same type and path there.
   */
  private certainChanges(): Change[] {
    if (this.certain !== null) return this.certain;
    const out: Change[] = [];
    for (const o of this.view.okWritesByZxid()) {
      if (isUncertain(o) || o.op.type === 'closeSession') continue;
      const found: [EventType, string][] = [];
      changesOf(o.op, o.result, found);
      for (const [type, path] of found) out.push({ zxid: o.zxid!, type, path, by: o });
    }
    const ends = sessionEndChanges(this.view);
    if (ends.length > 0) {
      out.push(...ends);
      out.sort((a, b) => a.zxid - b.zxid);
    }
    return (this.certain = out);
  }

  /** Writes that may have taken effect, by the `${type} ${path}` they fire; unnamed sequential creates loose. */
  private index(): void {
    if (this.byKey !== null) return;
    const byKey = new Map<string, ZkHistoryOp[]>();
    for (const o of this.view.writes) {
      if (o.outcome === 'fail' || o.op.type === 'closeSession') continue;
      const uncertain = isUncertain(o) || o.result === null;
      if (uncertain ? !this.canSucceed(o) : o.result!.rc !== 'ok') continue;
      const found: [EventType, string][] = [];
      // (A sequential create is matched by fires(), which knows a sequential name by its prefix.)
      if (uncertain ? allChanges(o.op, found) : (changesOf(o.op, o.result, found), hasSequentialCreate(o.op))) this.loose.push(o);
      for (const [type, path] of found) {
        const list = byKey.get(`${type} ${path}`);
        if (list === undefined) byKey.set(`${type} ${path}`, [o]);
        else if (list[list.length - 1] !== o) list.push(o);
      }
    }
    this.byKey = byKey;
  }
}

/** The nodes DataTree's constructor makes (DataTree.DataTree: /, /zookeeper, its quota and config nodes). */
const INITIAL_NODES: ReadonlySet<string> = new Set(['/', '/zookeeper', '/zookeeper/quota', '/zookeeper/config']);

/** An ephemeral node a session's create made or may have made: its path (null: a sequential name not known), by prefix. */
type EphemeralMade = { readonly path: string | null; readonly prefix: string; readonly invokeUs: number; readonly zxid: number | null };

/** Whether its session's end, deleting node `c`, fires `type` on `path` (DataTree.deleteNode). */
function endFires(c: EphemeralMade, type: EventType, path: string): boolean {
  if (type === 'NodeChildrenChanged') return parentOf(c.prefix) === path;
  return type === 'NodeDeleted' && (c.path !== null ? c.path === path : sequentialOf(c.prefix, path));
}
