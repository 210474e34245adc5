// Persistent and persistent-recursive watches (addWatch, ZooKeeper 3.6+) for watch-order (watch-order.ts).
//
// How ZooKeeper 3.8 delivers them (server/watch/WatchManager.java, server/DataTree.java):
// - DataTree.addWatch registers a PERSISTENT watch in both dataWatches and childWatches, a
//   PERSISTENT_RECURSIVE one in dataWatches only, at the state the serving server has when it runs the
//   request (FinalRequestProcessor; not a txn). The client holds it from the OK reply on
//   (AddWatchRegistration, ZKWatchManager.persistentWatches / persistentRecursiveWatches).
// - WatchManager.triggerWatch fires as DataTree applies a txn (createNode, deleteNode, setData): a
//   persistent watch on the path itself, a recursive one on the path or an ancestor (PathParentIterator),
//   except NodeChildrenChanged, which a recursive watch never gets; a persistent watch is not removed.
//   Watchers are a Set per trigger, so one connection gets one event per trigger however many of its
//   watches match; the child table's NodeDeleted is suppressed for those the data table notified.
// - On a reconnect the client re-sends them with setWatches2 (ClientCnxn.primeConnection, ahead of every
//   other request) and DataTree.setWatches only registers them again: no event for what changed meanwhile.
// - 3.8's WatcherModeManager keeps one mode per (path, connection), the last set: a getData, exists or
//   getChildren watch on the same path turns it into a one-shot watch there, and addWatch in the other mode
//   changes its mode. So where the session does either, its watch on that path is not held to its events.
// protocol/service/watch-manager.ts models the same (triggerOne, addWatch).
//
// What is judged: every event a persistent watch may explain is a committed change (a write that may have
// taken effect, sent before the event arrived) of its type on a path the watch covers, after the addWatch's
// state, with the event's zxid (when known) that change's; on its connection it comes before every reply
// that reflects that zxid (the server fired it as it applied the txn, before answering from that state);
// and no certain change is missing: a reply on a connection where the watch is registered, at a state that
// holds a change after the registration, comes after that change's event.
// Round 12 (sweep seed 2900000): one connection delivers in txn order, so an event is held like a reply to the
// changes below its zxid and to the writes that completed before its cause was sent (`eventLost`); a close
// reply owes other writes' events (only its own deletes' may be dropped); a write sent after the addWatch
// returned bounds the registration by its zxid (`regBound`); a multi that sets a node twice owes two events
// (each sub-txn calls triggerWatch); and the causes an event may have are narrowed (watch-persistent-shared.ts:
// a write that cannot succeed, or one without a zxid at a zxid another txn holds, is none; a session end only
// after its ephemeral's create was sent, and counts its own ephemeral children), with what an exact zxid says of
// them (`zxidFacts`: one write, one zxid; distinct zxids, distinct txns).
// Round 12 (wq12, sweep seed 3300000): a write without a zxid that surely took effect is owed before a reply whose
// state holds it, when it is above the registration there: by zxid bounds (`boundedLost`) or by the reply that
// proves it took effect (`provedLost`); and one txn's events come together (`noteSiblings`).
// Round 13 (r13b): also a proved lost write of the session sent earlier on this connection, a proved session end, and
// more proofs and zxid bounds (proved-writes.ts; watch-persistent-proved.ts).
// Round 13 (r13e): an event with a known zxid is held like a reply from the state just below its txn to those writes
// (`eventLost`), and raises every later reply's state on its connection (`eventMax`); the owed writes are paid by
// distinct events (watch-persistent-owed.ts OwedLedger); the zxid packing may place a write in between
// (`packedLost`); events with one zxid need one cause (`oneCause`); `madeAt` no longer gives up on a lost sequential
// create, nor counts a multi that fails alone. (m13e merged the two: a proof's write is owed alone, its events with
// a zxid above its bound left out, and then through the ledger, counting every event.)
import { isZkWrite } from '../history/types.js';
import type { ZkHistoryOp, ZkHistorySession, ZkHistoryWatch } from '../history/types.js';
import { describeZxid, isUncertain } from './zk-writes.js';
import { countAfter } from './sort.js';
import { stateZxid, violated, type ClientCheckResult } from './client-common.js';
import { changeTxn, covers, PersistentShared, type BoundedWrite, type EventType, type Held } from './watch-persistent-shared.js';
import { closeOwed, countAfterBelow, lostBeforeEvent, lostBeforeReply, sessionOrder, type ProofScope } from './watch-persistent-proved.js';
import { goneFloor } from './proved-writes.js';
import { OwedLedger, oneCause, packedLost, recreateMissing, siblingsOwed, zxidFacts, type Sibling } from './watch-persistent-owed.js';
export { PersistentShared } from './watch-persistent-shared.js';

/** The bounds on a connection's setWatches (watch-order.ts setWatchesBounds). */
export type RegisterBound = { readonly write: number; readonly header: number };

/** The session's persistent watches as watch-order walks its arrivals (one instance per session). */
export class PersistentWatches {
  private readonly held = new Map<string, Held>(); // `${mode} ${path}`
  /** Events on the current connection without a zxid: `${type} ${path}` -> how many. */
  private unnamed = new Map<string, number>();
  /** `${type} ${path}` of every event on the current connection -> when each arrived, in arrival order. */
  private anyEvents = new Map<string, number[]>();
  /** Beside `anyEvents`: each event's zxid (0 or less: none). */
  private anyZxids = new Map<string, number[]>();
  /** When the current connection's first record came (-Infinity: the first connection). */
  private startUs = -Infinity;
  /** The largest state zxid of the replies on the current connection so far. */
  private connMax = -1;
  /**
   * The largest state zxid of the session's replies on its earlier connections: a server refuses a connection from
   * a client that has seen a later zxid than its own (ZooKeeperServer.processConnectRequest, the lastZxidSeen that
   * ClientCnxn.readResponse keeps from every reply header), so a watch registered here is at or above it (r13f).
   */
  private pastMax = -1;
  /** The largest known zxid of an event on the current connection: every later reply there is from a state at or above it. */
  private eventMax = -1;
  /** By known zxid: the events persistent watches explained on the current connection. */
  private sameZxid = new Map<number, ZkHistoryWatch[]>();
  /** The first certain ok reply on the current connection (null: none yet). */
  private firstReply: ZkHistoryOp | null = null;
  private connection = 0;

  private readonly shared: PersistentShared;
  private readonly bounds: readonly RegisterBound[];
  /** Paths where the session set a one-shot watch, or both modes of addWatch: their persistent watches are not held to events. */
  private readonly mixed: ReadonlySet<string>;

  constructor(shared: PersistentShared, bounds: readonly RegisterBound[], mixed: ReadonlySet<string>) {
    this.shared = shared;
    this.bounds = bounds;
    this.mixed = mixed;
  }

  get size(): number {
    return this.held.size;
  }

  /** A session record: a new connection (CONNECTED, DISCONNECTED), or the end of the session's watches. */
  session(e: ZkHistorySession, connection: number): void {
    if (connection !== this.connection) {
      this.connection = connection;
      this.counts = new Map();
      this.unnamed = new Map();
      this.anyEvents = new Map();
      this.anyZxids = new Map();
      this.startUs = e.atUs;
      this.deletedAt = new Map();
      this.siblings = [];
      this.ledger = new OwedLedger();
      this.pastMax = Math.max(this.pastMax, this.connMax);
      this.connMax = -1;
      this.eventMax = -1;
      this.firstReply = null;
      this.sameZxid = new Map();
    }
    if (e.state === 'EXPIRED' || e.state === 'CLOSED' || e.state === 'AUTH_FAILED') this.held.clear();
  }

  /** The writes without a zxid proved owed on the current connection, counted together. */
  private ledger = new OwedLedger();
  /** By `${type} ${path} ${zxid}`: how many such events came on the current connection. */
  private counts = new Map<string, number>();
  /** The siblings of explained events still to check at the next reply here (`siblingsOwed`). */
  private siblings: Sibling[] = [];
  /** The one write without a zxid `zxidFacts` found that may make the event it judged (else null); `lastSole`: zxid or not. */
  private lastOnly: ZkHistoryOp | null = null;
  private lastSole: ZkHistoryOp | null = null;

  /** The last noted event's `${type} ${path}` (an event check leaves the event itself out of `anyEvents`). */
  private lastKey = '';

  /** By path: the zxid of the last exact NodeDeleted on the current connection with no NodeCreated of the path since. */
  private deletedAt = new Map<string, number>();
  /** For the event just noted, a NodeDeleted with a zxid: the zxid of such an earlier NodeDeleted of its path (else null). */
  private deletedBefore: number | null = null;

  /** Notes an event that arrived on the current connection. */
  noteEvent(e: ZkHistoryWatch): void {
    this.deletedBefore = null;
    if (e.type === 'NodeCreated') this.deletedAt.delete(e.path);
    else if (e.type === 'NodeDeleted' && e.zxid > 0) {
      this.deletedBefore = this.deletedAt.get(e.path) ?? null;
      this.deletedAt.set(e.path, e.zxid);
    }
    this.lastKey = `${e.type} ${e.path}`;
    this.eventMax = Math.max(this.eventMax, e.zxid);
    const times = this.anyEvents.get(this.lastKey);
    if (times === undefined) this.anyEvents.set(this.lastKey, [e.atUs]);
    else times.push(e.atUs);
    const zxids = this.anyZxids.get(this.lastKey);
    if (zxids === undefined) this.anyZxids.set(this.lastKey, [e.zxid]);
    else zxids.push(e.zxid);
    if (e.zxid <= 0) {
      this.unnamed.set(`${e.type} ${e.path}`, (this.unnamed.get(`${e.type} ${e.path}`) ?? 0) + 1);
      return;
    }
    const key = `${e.type} ${e.path} ${e.zxid}`;
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
  }

  /**
   * Whether a held persistent watch explains event `e` (noted first): 'none' when none covers it, 'ok', or
   * why not. A persistent watch is never fired by setWatches, so the event comes from a txn its
   * connection's server applied with the watch registered: exactly that txn's zxid, ahead of every reply
   * from a state that holds it (unless the client sends queued requests ahead of setWatches, `queuedFirst`,
   * where a one-shot watch's setWatches event may follow them: then that order is not judged).
   */
  explain(e: ZkHistoryWatch): 'none' | 'ok' | ClientCheckResult {
    const name = 'watch-order';
    let candidate: Held | null = null;
    for (const w of this.held.values()) {
      if (!covers(w, e.type, e.path)) continue;
      candidate ??= w;
      if (this.shared.explains(e, w.floor)) {
        if (e.zxid > 0 && this.connMax >= e.zxid && !this.shared.queuedFirst)
          return violated(
            name,
            `client ${e.client} got ${e.type} ${e.path} at ${describeZxid(e.zxid)} for its persistent watch on ${w.path} (#${w.by.id}) after a reply on the same connection from a state at ${describeZxid(this.connMax)}, which holds that change`,
            [w.by],
            [e],
          );
        // One txn fires one event per type and path on a connection for each of its changes (the watchers of a
        // trigger are a Set): more at one zxid than any write that may hold it makes is a duplicate.
        const count = e.zxid > 0 ? (this.counts.get(`${e.type} ${e.path} ${e.zxid}`) ?? 0) : 0;
        const made = count > 1 ? this.shared.madeAt(e) : null;
        if (made !== null && count > made)
          return violated(
            name,
            `client ${e.client} got ${e.type} ${e.path} at ${describeZxid(e.zxid)} for its persistent watch on ${w.path} (#${w.by.id}) more often on one connection than that txn makes the change`,
            [w.by],
            [e],
          );
        const recreated = recreateMissing(this.deletedBefore, e, this.held.values(), this.mixed, this.shared);
        if (recreated !== null)
          return violated(
            name,
            `client ${e.client} got NodeDeleted ${e.path} at ${describeZxid(recreated)} and again at ${describeZxid(e.zxid)} for its ${w.recursive ? 'recursive' : 'persistent'} watch on ${w.path} (#${w.by.id}) on one connection, but no NodeCreated ${e.path} between them, which the create that made the node again fires there`,
            [w.by],
            [e],
          );
        // (Events with one known zxid here are one txn's: some write or session end makes them all.)
        const same = e.zxid > 0 ? [...(this.sameZxid.get(e.zxid) ?? []), e] : [];
        if (same.length > 0) this.sameZxid.set(e.zxid, same);
        if (same.length > 1 && !oneCause(this.shared, same))
          return violated(name, `client ${e.client} got ${same.map((x) => `${x.type} ${x.path}`).join(', ')} at ${describeZxid(e.zxid)} for its persistent watches on one connection, but no one txn of the history makes all of them`, [w.by], same);
        this.lastOnly = null;
        this.lastSole = null;
        const lost = this.eventLost(e);
        if (lost !== null) return lost;
        const facts = zxidFacts(this.shared, this.held.values(), e);
        [this.lastOnly, this.lastSole] = [facts.only, facts.sole];
        const verdict = facts.verdict ?? this.provedBeforeEvent(e);
        if (verdict !== null) return verdict;
        this.noteSiblings(e);
        this.boundByEvent(e);
        return 'ok';
      }
    }
    if (candidate === null) return 'none';
    return violated(
      name,
      `client ${e.client} got ${e.type} ${e.path} at ${describeZxid(e.zxid)}, which its ${candidate.recursive ? 'recursive' : 'persistent'} watch on ${candidate.path} (#${candidate.by.id}) may get, but no write of the history sent before it arrived makes that change after the watch was added`,
      [candidate.by],
      [e],
    );
  }

  /**
   * After event `e` with a zxid, explained: when one held watch alone covers it (not `mixed`), that watch delivered
   * it, fired by WatchManager.triggerWatch as this connection's server applied e's txn, so the watch was registered
   * here below that txn: its registration bound here drops to e's zxid less one (round 13, cases 3811014472,
   * 3149986684: an event at 1:1 or 1:2 owes the later changes a bound from a later write left out). Where two held
   * watches cover e, either may have delivered it, and nothing is learnt. Only lowers the bound: the changes between
   * the new bound and a point already checked (`checked`) are not judged again (fewer violations, never more).
   */
  private boundByEvent(e: ZkHistoryWatch): void {
    if (e.zxid <= 0) return;
    let only: Held | null = null;
    for (const w of this.held.values()) {
      if (!covers(w, e.type, e.path)) continue;
      if (only !== null) return;
      only = w;
    }
    if (only === null || this.mixed.has(only.path)) return;
    const had = this.registeredHere(only);
    if (had === null || had > e.zxid - 1) only.registered.set(this.connection, e.zxid - 1);
  }

  /**
   * An ok reply on the current connection, `z` a zxid at or below its state (null: unknown): the lost-event
   * check for every held watch registered on this connection, then the reply's own addWatch registration.
   */
  reply(o: ZkHistoryOp, zIn: number | null): ClientCheckResult | null {
    const name = 'watch-order';
    const sibling = siblingsOwed(this.siblings, this.counts, this.unnamed, o);
    this.siblings = [];
    if (sibling !== null) return sibling;
    // An event with a known zxid z that came here first puts this reply at a state at or above z: the server queued it
    // as it applied z (or, by setWatches, at its last processed zxid), and answers a read only between commits
    // (CommitProcessor.waitForEmptyPool) on this FIFO socket. A reply showing a node missing is then also at or above
    // its one delete, when its one create is at or below that state (`goneFloor`).
    let z = zIn;
    if (this.eventMax > 0 && o.outcome === 'ok' && o.result !== null && !isUncertain(o)) z = Math.max(z ?? -1, this.eventMax);
    if (z !== null) z = Math.max(z, goneFloor(this.shared.view)(o, z));
    if (z !== null) {
      for (const w of this.held.values()) {
        if (this.mixed.has(w.path)) continue;
        if (this.registeredHere(w) === null) {
          // Registered at a state at or below this reply's header (the server keeps the session's order), below
          // its own txn for a write (a session's read is answered before its later write's txn: CommitProcessor).
          // Not `z`, which may be only a lower bound on the reply's state.
          const upper = isZkWrite(o.op) && o.zxid !== null && o.outcome === 'ok' ? o.zxid - 1 : (o.readZxid ?? null);
          if (upper !== null) w.registered.set(this.connection, upper);
        }
        const reg = this.regBound(w);
        const from = reg === null ? Infinity : Math.max(reg, w.checked.get(this.connection) ?? -Infinity);
        const closing = o.op.type === 'closeSession' ? o.session : null;
        const missing = z > from ? this.shared.firstMissing(w, from, z, this.counts, this.unnamed, this.usedHere(w), closing) : null;
        if (missing !== null)
          return violated(
            name,
            `client ${o.client} got #${o.id} from a state at or after ${describeZxid(z)}, but no ${missing.type} ${missing.path} event for ${changeTxn(missing)} at ${describeZxid(missing.zxid)}, which its ${w.recursive ? 'recursive' : 'persistent'} watch on ${w.path} (#${w.by.id}, registered on this connection) gets, came before it (lost)`,
            [w.by, missing.by, o],
          );
        if (z > from) w.checked.set(this.connection, z);
        // (Writes sent after this connection's addWatch returned are above its registration, whatever its bound.)
        const bounded =
          (reg !== null || this.anchorOf(w) !== undefined ? this.boundedLost(w, reg ?? Infinity, z) : null) ??
          packedLost(this.shared, w, this.anchorOf(w), reg, z, (key, t) => countAfter(this.anyEvents.get(key), t), o);
        if (bounded !== null)
          return violated(
            name,
            `client ${o.client} got #${o.id} from a state at or after ${describeZxid(z)}, but no ${bounded[1]} event for ${bounded[2] === undefined ? '' : `the end of session ${bounded[2]} after `}#${bounded[0].id}, whose txn is at or below that state and above the registration of its ${w.recursive ? 'recursive' : 'persistent'} watch on ${w.path} (#${w.by.id}) on this connection, came before it (lost)`,
            [w.by, bounded[0], o],
          );
      }
      this.connMax = Math.max(this.connMax, z);
    }
    const proof = this.provedLost(o);
    if (proof !== null) return proof;
    const byTime = this.writesByTime(o);
    if (byTime !== null) return byTime;
    const op = o.op;
    if (op.type === 'addWatch' && o.result !== null && o.result.rc === 'ok') {
      const key = `${op.mode} ${op.path}`;
      const at = stateZxid(o);
      const w = this.held.get(key);
      if (w === undefined)
        this.held.set(key, {
          path: op.path,
          recursive: op.mode === 'persistentRecursive',
          by: o,
          floor: Math.max(at ?? 0, this.connMax, this.pastMax),
          registered: new Map([[this.connection, at]]),
          checked: new Map(),
          used: new Map(),
          added: new Map([[this.connection, o]]),
          byTime: new Map(),
          byBound: new Map(),
        });
      else {
        const had = w.registered.get(this.connection);
        if (had === undefined || (had === null && at !== null)) w.registered.set(this.connection, at);
        if (!w.added.has(this.connection)) w.added.set(this.connection, o);
      }
    }
    if (this.firstReply === null && o.outcome === 'ok' && o.result !== null && !isUncertain(o)) this.firstReply = o;
    return null;
  }

  /**
   * Lost events whatever the zxids, at the reply of a certain write `o` of the session (its state holds its own
   * txn): o's own changes, when the watch was held here before o was sent (added on this connection before,
   * or re-sent by setWatches2 ahead of o); and the changes of every certain write W that completed before o
   * was sent and was sent after this connection's addWatch returned. W's txn is above the state the addWatch
   * ran at (proposed later) and below o's (committed before o was sent), so o's server applied it with the
   * watch registered, and queued its event before o's reply. Matched by type and path alone, arrived after W was sent.
   */
  private writesByTime(o: ZkHistoryOp): ClientCheckResult | null {
    if (!isZkWrite(o.op) || o.outcome !== 'ok' || o.result === null || isUncertain(o) || this.held.size === 0) return null;
    for (const w of this.held.values()) {
      if (this.mixed.has(w.path)) continue;
      const here = w.added.get(this.connection);
      const heldBefore = here !== undefined ? here.completeUs! < o.invokeUs : [...w.registered.keys()].some((c) => c < this.connection) && !this.shared.queuedFirst;
      const after = (key: string, t: number): number => countAfter(this.anyEvents.get(key), t);
      if (heldBefore) {
        const missing = this.owe(w, o, this.shared.changesOfWrite(o) ?? [], after);
        if (missing !== null) return this.lostByTime(o, w, o, missing);
      }
      const owed = this.owedBefore(w, o.invokeUs, after, o);
      if (owed !== null) return this.lostByTime(o, w, owed[0], owed[1]);
    }
    return null;
  }

  /**
   * The first certain write W that completed before `before` (so its txn precedes the txn or event at hand),
   * whose txn `w` got on this connection, and whose change has no event (by type and path) that arrived after
   * W was sent: [W, the change]. W's txn follows the registration when W was sent after this connection's
   * addWatch returned (proposed later), or when its zxid is above the registration's bound (`regBound`), or
   * W was sent after a reply from a state at or above that bound (`zxidDoneBefore`: proposed above it), or
   * W's zxid floor (write-zxid-floor.ts, at least 1:1) is above it (round 13: a registration at 1:0).
   * Each W is judged once per connection (the pointer `byTime`; an event that came stays come).
   */
  private owedBefore(w: Held, before: number, after: (key: string, t: number) => number, skip: ZkHistoryOp | null): [ZkHistoryOp, string] | null {
    const here = this.anchorOf(w);
    if (here === undefined) return null;
    const reg = this.regBound(w);
    const list = this.shared.writesByCompletion();
    let k = w.byTime.get(this.connection) ?? 0;
    for (; k < list.length && list[k]!.completeUs! < before; k++) {
      const x = list[k]!;
      if (x.op.type === 'closeSession') {
        const missing = x === skip || x.session === here.session ? null : closeOwed(this.shared, w, x, here, reg, after);
        if (missing !== null) {
          w.byTime.set(this.connection, k);
          return [x, missing];
        }
        continue;
      }
      if (x === skip || (x.invokeUs <= here.completeUs! && !(reg !== null && (x.zxid !== null ? x.zxid > reg : this.shared.zxidDoneBefore(x.invokeUs) >= reg || this.shared.floorOf(x) > reg)))) continue;
      const missing = this.owe(w, x, this.shared.changesOfWrite(x) ?? [], after);
      if (missing !== null) {
        w.byTime.set(this.connection, k);
        return [x, missing];
      }
    }
    w.byTime.set(this.connection, k);
    return null;
  }

  /**
   * The first write W without a zxid that surely took effect (`boundedWrites`: a certain ok write, or a lost one a
   * reply proves) whose zxid is at or below `z` (its bound `upper`), and above `reg`, a bound at or above the state
   * `w` was registered at on this connection: W was sent after this connection's addWatch returned (proposed
   * after that state was committed), or its floor `lower` is above `reg`. Then this connection's server applied
   * W with `w` registered, before the state `z` its reply came from, and queued W's event before that reply
   * (WatchManager.triggerWatch; one FIFO socket): without one of its type and path arrived after W was sent, it
   * was lost: [W, the change]. Writes by `upper`, each judged once per connection (`byBound`; an event that came
   * stays come, and a write not proved after the registration stays unjudged: only fewer violations).
   */
  private boundedLost(w: Held, reg: number, z: number, after = (key: string, t: number): number => countAfter(this.anyEvents.get(key), t)): [ZkHistoryOp, string, number | undefined] | null {
    const list = this.shared.boundedWrites();
    const here = this.anchorOf(w);
    let k = w.byBound.get(this.connection) ?? 0;
    for (; k < list.length && list[k]!.upper <= z; k++) {
      const { x, lower, found, end } = list[k]!;
      if (!((here !== undefined && x.invokeUs > here.completeUs!) || lower > reg)) continue;
      const missing = this.owe(w, x, found, after, end === undefined);
      if (missing !== null) {
        w.byBound.set(this.connection, k + 1);
        return [x, missing, end];
      }
    }
    w.byBound.set(this.connection, k);
    return null;
  }

  /**
   * The proof scope of `lostByProof` (watch-persistent-proved.ts) on this connection (`judged`: leave the event judged
   * out). A proved write is owed alone by the events whose zxid may be its own (none above its bound `upper`), then
   * with the other writes owed here by every event (OwedLedger; a session end named by its create enters none).
   */
  private proofScope(judged: boolean): ProofScope {
    const skip = (key: string): boolean => judged && key === this.lastKey;
    const after = (key: string, t: number, upper: number): number => countAfterBelow(this.anyEvents.get(key), this.anyZxids.get(key), t, upper, skip(key));
    const all = (key: string, t: number): number => countAfter(this.anyEvents.get(key), t) - (skip(key) ? 1 : 0);
    const owe = (w: Held, b: BoundedWrite): string | null => this.owe(w, b.x, b.found, all, b.end === undefined, (key, t) => after(key, t, b.upper));
    return { held: this.held.values(), mixed: this.mixed, connection: this.connection, regBound: (w) => this.regBound(w), shared: this.shared, after, anchor: (w) => this.anchorOf(w), owe };
  }

  /** Lost events before reply `o` (watch-persistent-proved.ts `lostBeforeReply`): what it proves, and its session's earlier proved writes. */
  private provedLost(o: ZkHistoryOp): ClientCheckResult | null {
    return lostBeforeReply(this.proofScope(false), o, [...this.shared.provedBy(o), ...sessionOrder(o, this.shared, this.startUs)]);
  }

  /** Lost events before event `e` whose one possible cause is write P (watch-persistent-proved.ts `lostBeforeEvent`). */
  private provedBeforeEvent(e: ZkHistoryWatch): ClientCheckResult | null {
    return this.lastSole === null || e.zxid <= 0 ? null : lostBeforeEvent(this.proofScope(true), e, this.lastSole);
  }

  /**
   * After event `e` with a zxid, which a persistent watch explains and whose one possible cause is write X
   * (`zxidFacts`): e is X's txn, applied as one (DataTree.processTxn applies a multi's sub-txns in one call,
   * each calling WatchManager.triggerWatch), so every watch registered there when X applied got all its changes
   * of X, queued together, before any reply the server sent after (FinalRequestProcessor applies the txn and
   * answers in one thread; one FIFO socket). Owed at the next reply here: each change of X that every held watch
   * covering e also covers (whichever delivered e gets it), paths an ACL may filter aside, as many events of its
   * type and path (with e's zxid or none) as X makes. X's changes: its result's for a certain write; every
   * sub-op's for a lost one (it took effect: e came from it, and a multi is applied whole).
   */
  private noteSiblings(e: ZkHistoryWatch): void {
    const x = this.lastOnly;
    if (x === null || e.zxid <= 0 || x.op.type === 'closeSession') return;
    const found = this.shared.changesOfWrite(x);
    if (found === null) return;
    const holders = [...this.held.values()].filter((h) => covers(h, e.type, e.path));
    if (holders.length === 0 || holders.some((h) => this.mixed.has(h.path))) return;
    const need = new Map<string, number>();
    for (const [type, path] of found) {
      if (this.shared.mayFilter(path) || !holders.every((h) => covers(h, type, path))) continue;
      const key = `${type} ${path}`;
      need.set(key, (need.get(key) ?? 0) + 1);
    }
    if (need.size > 0) this.siblings.push({ x, zxid: e.zxid, need, e, w: holders[0]! });
  }

  /**
   * Lost events before event `e`, which a persistent watch explains (so it comes from its txn as the server
   * applied it). One connection delivers in txn order (the server queues each delivery as it applies the txn,
   * on one FIFO socket), so every change a watch registered here gets below e's txn came before e: by zxid,
   * the changes in (registration, e's zxid); by time, every certain write W owed by `owedBefore` that
   * completed before the earliest write that may be e's was sent (W's txn precedes e's). The changes of e's
   * own txn may come in any order.
   */
  private eventLost(e: ZkHistoryWatch): ClientCheckResult | null {
    let floor = Infinity;
    for (const w of this.held.values()) if (covers(w, e.type, e.path)) floor = Math.min(floor, w.floor);
    const before = Math.min(e.atUs, this.shared.earliestCause(e, floor));
    // (e's own arrival, the last of its key, is not an event of an earlier txn.)
    const after = (key: string, t: number): number => countAfter(this.anyEvents.get(key), t) - (key === this.lastKey ? 1 : 0);
    for (const w of this.held.values()) {
      if (this.mixed.has(w.path)) continue;
      const reg = e.zxid > 0 ? this.regBound(w) : null;
      if (reg !== null) {
        const from = Math.max(reg, w.checked.get(this.connection) ?? -Infinity);
        if (e.zxid - 1 > from) {
          const missing = this.shared.firstMissing(w, from, e.zxid - 1, this.counts, this.unnamed, this.usedHere(w));
          if (missing !== null)
            return violated(
              'watch-order',
              `client ${e.client} got ${e.type} ${e.path} at ${describeZxid(e.zxid)}, but no ${missing.type} ${missing.path} event for ${changeTxn(missing)} at ${describeZxid(missing.zxid)}, which its ${w.recursive ? 'recursive' : 'persistent'} watch on ${w.path} (#${w.by.id}, registered on this connection) gets, came before it (lost: one connection delivers in txn order)`,
              [w.by, missing.by],
              [e],
            );
          w.checked.set(this.connection, e.zxid - 1);
        }
      }
      // And the writes without a zxid that surely took effect below e's txn (`boundedWrites`), as at a reply from the
      // state just below it (with no bound on the registration: those sent after this connection's addWatch returned).
      const bounded = e.zxid > 0 && (reg !== null || this.anchorOf(w) !== undefined) ? this.boundedLost(w, reg ?? Infinity, e.zxid - 1, after) : null;
      if (bounded !== null)
        return violated(
          'watch-order',
          `client ${e.client} got ${e.type} ${e.path} at ${describeZxid(e.zxid)}, but no ${bounded[1]} event for #${bounded[0].id}, whose txn is below it and above the registration of its ${w.recursive ? 'recursive' : 'persistent'} watch on ${w.path} (#${w.by.id}) on this connection, came before it (lost: one connection delivers in txn order)`,
          [w.by, bounded[0]],
          [e],
        );
      const owed = this.owedBefore(w, before, after, null);
      if (owed !== null)
        return violated(
          'watch-order',
          `client ${e.client} got ${e.type} ${e.path} at ${describeZxid(e.zxid)}, but no ${owed[1]} event for #${owed[0].id}, which completed before any write that makes that change was sent, and which its ${w.recursive ? 'recursive' : 'persistent'} watch on ${w.path} (#${w.by.id}) held on this connection gets, came before it (lost: one connection delivers in txn order)`,
          [w.by, owed[0]],
          [e],
        );
    }
    return null;
  }

  /**
   * An upper bound on the state `w` was registered at on this connection (`registeredHere`), tightened for a
   * watch added here by the least zxid of a certain write sent after its addWatch returned (less one).
   */
  private regBound(w: Held): number | null {
    const reg = this.registeredHere(w);
    const here = this.anchorOf(w);
    const after = here === undefined ? Infinity : this.shared.zxidSentAfter(here.completeUs!) - 1;
    const b = Math.min(reg ?? Infinity, after);
    return b === Infinity ? null : b;
  }

  /** The first change of `x`, owed to `w` here, whose events cannot pay it with the other writes owed here (OwedLedger). */
  private owe(w: Held, x: ZkHistoryOp, found: readonly [EventType, string][], after: (key: string, t: number) => number, counted = true, alone = after): string | null {
    // (A close's own deletes: its session's events may be dropped, the connection closing behind them. A session end
    // enters no ledger: other proofs name it by another op, and one txn must not be counted twice.)
    if (x.op.type === 'closeSession' && x.session === w.by.session) return null;
    const first = this.shared.missingOfFound(w, x, found, alone);
    return first ?? (counted && x.op.type !== 'closeSession' ? this.ledger.owe(x, this.shared.needOf(w, found), after) : null);
  }

  private lostByTime(o: ZkHistoryOp, w: Held, x: ZkHistoryOp, missing: string): ClientCheckResult {
    return violated(
      'watch-order',
      `client ${o.client} got the reply to its write #${o.id}, but no ${missing} event for #${x.id}${x === o ? ' (its own)' : `, which completed before #${o.id} was sent`}, which its ${w.recursive ? 'recursive' : 'persistent'} watch on ${w.path} (#${w.by.id}) held on this connection gets, came before it (lost)`,
      x === o ? [w.by, o] : [w.by, x, o],
    );
  }

  /**
   * A reply on this connection that returned after `w` was registered here: its addWatch here, or, for a watch held
   * from an older connection, this connection's first ok reply (setWatches2 re-registers it ahead of every request,
   * ClientCnxn.primeConnection; not where queued requests go first). A write sent after it is above the registration.
   */
  private anchorOf(w: Held): ZkHistoryOp | undefined {
    const added = w.added.get(this.connection);
    if (added !== undefined || this.firstReply === null || this.shared.queuedFirst) return added;
    for (const c of w.registered.keys()) if (c < this.connection) return this.firstReply;
    return undefined;
  }

  private usedHere(w: Held): Map<string, number> {
    let used = w.used.get(this.connection);
    if (used === undefined) w.used.set(this.connection, (used = new Map()));
    return used;
  }

  /**
   * A zxid at or above the state `w` was registered at on the current connection: its addWatch's there,
   * or, for a watch added on an older connection, the setWatches2 that re-sent it, which ran ahead of every
   * request of this connection (ClientCnxn.primeConnection), so at or below each reply header there and
   * below each write. Null when not known (yet).
   */
  private registeredHere(w: Held): number | null {
    const had = w.registered.get(this.connection);
    if (had !== undefined) return had;
    const b = this.bounds[this.connection];
    const bound = b === undefined || this.shared.queuedFirst ? Infinity : Math.min(b.header, b.write - 1);
    const at = bound === Infinity ? null : bound;
    w.registered.set(this.connection, at);
    return at;
  }
}
