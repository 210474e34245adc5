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
import { isZkWrite } from '../history/types.js';
import type { ZkHistoryOp, ZkHistorySession, ZkHistoryWatch, ZkOp, ZkResult } from '../history/types.js';
import { describeZxid, isUncertain, sessionEndWrites } from './zk-writes.js';
import { nodeLife, sequentialOf } from './node-life.js';
import { exactTxnFits } from './exact-txn.js';
import { ephemeralCreates, fires } from './watch-changes.js';
import { stateZxid, violated, type ClientCheckResult } from './client-common.js';
import type { HistoryView } from './history-view.js';

/** The ephemeral nodes each session's creates made (or may have made), by session. */
function ephemeralNodes(writes: Parameters<typeof ephemeralCreates>[0]): Map<number, string[]> {
  const out = new Map<number, string[]>();
  for (const [session, list] of ephemeralCreates(writes)) out.set(session, list.map((c) => c.path));
  return out;
}

type EventType = ZkHistoryWatch['type'];

/** One watch the session holds, by path and mode. */
type Held = {
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
};

/** A change a certain write makes, with its event type and path. */
type Change = { readonly zxid: number; readonly type: EventType; readonly path: string; readonly by: ZkHistoryOp };

/** The bounds on a connection's setWatches (watch-order.ts setWatchesBounds). */
export type RegisterBound = { readonly write: number; readonly header: number };

const parentOf = (p: string): string => (p.lastIndexOf('/') <= 0 ? '/' : p.slice(0, p.lastIndexOf('/')));
const under = (q: string, base: string): boolean => base === '/' || q === base || q.startsWith(`${base}/`);

function covers(w: Held, type: EventType, path: string): boolean {
  return w.recursive ? type !== 'NodeChildrenChanged' && under(path, w.path) : path === w.path;
}

/** The events a write's change fires as DataTree applies it (DataTree.createNode, deleteNode, setData). */
function changesOf(op: ZkOp, result: ZkResult | null, out: [EventType, string][]): void {
  if (result === null || result.rc !== 'ok') return;
  switch (op.type) {
    case 'create': {
      const made = result.path ?? (op.mode === 'persistent' || op.mode === 'ephemeral' ? op.path : null);
      if (made !== null) out.push(['NodeCreated', made]);
      out.push(['NodeChildrenChanged', parentOf(op.path)]);
      return;
    }
    case 'delete':
      out.push(['NodeDeleted', op.path], ['NodeChildrenChanged', parentOf(op.path)]);
      return;
    case 'setData':
      out.push(['NodeDataChanged', op.path]);
      return;
    case 'multi':
      op.ops.forEach((sub, i) => changesOf(sub, result.results?.[i] ?? { rc: 'ok' }, out));
      return;
    default:
      return;
  }
}

/** The session's persistent watches as watch-order walks its arrivals (one instance per session). */
export class PersistentWatches {
  private readonly held = new Map<string, Held>(); // `${mode} ${path}`
  /** Events on the current connection: `${type} ${path} ${zxid}` (known zxids); `${type} ${path}` -> how many with none. */
  private events = new Set<string>();
  private unnamed = new Map<string, number>();
  /** `${type} ${path}` of every event on the current connection -> when the last one arrived. */
  private anyEvents = new Map<string, number>();
  /** The largest state zxid of the replies on the current connection so far. */
  private connMax = -1;
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
      this.events = new Set();
      this.counts = new Map();
      this.unnamed = new Map();
      this.anyEvents = new Map();
      this.deletedAt = new Map();
      this.connMax = -1;
    }
    if (e.state === 'EXPIRED' || e.state === 'CLOSED' || e.state === 'AUTH_FAILED') this.held.clear();
  }

  /** By `${type} ${path} ${zxid}`: how many such events came on the current connection. */
  private counts = new Map<string, number>();

  /** By path: the zxid of the last exact NodeDeleted on the current connection with no NodeCreated of the path since. */
  private deletedAt = new Map<string, number>();
  /** For the event just noted, a NodeDeleted with a zxid: the zxid of such an earlier NodeDeleted of its path (else null). */
  private deletedBefore: number | null = null;

  /** Notes an event that arrived on the current connection. */
  noteEvent(e: ZkHistoryWatch): void {
    this.anyEvents.set(`${e.type} ${e.path}`, e.atUs);
    this.deletedBefore = null;
    if (e.type === 'NodeCreated') this.deletedAt.delete(e.path);
    else if (e.type === 'NodeDeleted' && e.zxid > 0) {
      this.deletedBefore = this.deletedAt.get(e.path) ?? null;
      this.deletedAt.set(e.path, e.zxid);
    }
    if (e.zxid <= 0) {
      this.unnamed.set(`${e.type} ${e.path}`, (this.unnamed.get(`${e.type} ${e.path}`) ?? 0) + 1);
      return;
    }
    const key = `${e.type} ${e.path} ${e.zxid}`;
    this.events.add(key);
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
        const recreated = this.recreateMissing(e);
        if (recreated !== null)
          return violated(
            name,
            `client ${e.client} got NodeDeleted ${e.path} at ${describeZxid(recreated)} and again at ${describeZxid(e.zxid)} for its ${w.recursive ? 'recursive' : 'persistent'} watch on ${w.path} (#${w.by.id}) on one connection, but no NodeCreated ${e.path} between them, which the create that made the node again fires there`,
            [w.by],
            [e],
          );
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
   * For an exact NodeDeleted of p: the zxid z1 of an earlier exact NodeDeleted of p on this connection with no
   * NodeCreated of p arrived since, when that proves a lost event (else null). Proof: p was made again by a create
   * between z1 and this event's txn (only a create makes a node; a multi's create too). Every watch of the session
   * that covers p is persistent for good (no one-shot watch on p or mode change at a covering watch's path:
   * `mixed`; removeWatches histories are not judged, watch-order.ts), so the one that delivered z1 was
   * registered on this connection's server then and still is at that create, which fires NodeCreated p for it
   * (WatchManager.triggerWatch; PathParentIterator for a recursive one), queued on this FIFO connection before this
   * event. Not judged where the create's ACL may filter it (ServerCnxn.process: restricted paths and sequential
   * prefixes of p).
   */
  private recreateMissing(e: ZkHistoryWatch): number | null {
    const z1 = this.deletedBefore;
    if (z1 === null || z1 >= e.zxid || this.mixed.has(e.path)) return null;
    for (const w of this.held.values()) if (covers(w, 'NodeDeleted', e.path) && this.mixed.has(w.path)) return null;
    if (this.shared.mayFilter(e.path)) return null;
    return z1;
  }

  /**
   * An ok reply on the current connection, `z` a zxid at or below its state (null: unknown): the lost-event
   * check for every held watch registered on this connection, then the reply's own addWatch registration.
   */
  reply(o: ZkHistoryOp, z: number | null): ClientCheckResult | null {
    const name = 'watch-order';
    if (z !== null) {
      for (const w of this.held.values()) {
        if (this.mixed.has(w.path)) continue;
        let reg = this.registeredHere(w);
        if (reg === null) {
          // Registered at a state at or below this reply's header (the server keeps the session's order), below
          // its own txn for a write (a session's read is answered before its later write's txn: CommitProcessor).
          // Not `z`, which may be only a lower bound on the reply's state.
          const upper = isZkWrite(o.op) && o.zxid !== null && o.outcome === 'ok' ? o.zxid - 1 : (o.readZxid ?? null);
          if (upper === null) continue;
          reg = upper;
          w.registered.set(this.connection, reg);
        }
        const from = Math.max(reg, w.checked.get(this.connection) ?? -Infinity);
        if (z <= from) continue;
        const missing = this.shared.firstMissing(w, from, z, this.events, this.unnamed, this.usedHere(w));
        if (missing !== null)
          return violated(
            name,
            `client ${o.client} got #${o.id} from a state at or after ${describeZxid(z)}, but no ${missing.type} ${missing.path} event for #${missing.by.id} at ${describeZxid(missing.zxid)}, which its ${w.recursive ? 'recursive' : 'persistent'} watch on ${w.path} (#${w.by.id}, registered on this connection) gets, came before it (lost)`,
            [w.by, missing.by, o],
          );
        w.checked.set(this.connection, z);
      }
      this.connMax = Math.max(this.connMax, z);
    }
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
          floor: Math.max(at ?? 0, this.connMax),
          registered: new Map([[this.connection, at]]),
          checked: new Map(),
          used: new Map(),
          added: new Map([[this.connection, o]]),
          byTime: new Map(),
        });
      else {
        const had = w.registered.get(this.connection);
        if (had === undefined || (had === null && at !== null)) w.registered.set(this.connection, at);
        if (!w.added.has(this.connection)) w.added.set(this.connection, o);
      }
    }
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
    if (!isZkWrite(o.op) || o.op.type === 'closeSession' || o.outcome !== 'ok' || o.result === null || isUncertain(o) || this.held.size === 0) return null;
    for (const w of this.held.values()) {
      if (this.mixed.has(w.path)) continue;
      const here = w.added.get(this.connection);
      const heldBefore = here !== undefined ? here.completeUs! < o.invokeUs : [...w.registered.keys()].some((c) => c < this.connection) && !this.shared.queuedFirst;
      if (heldBefore) {
        const missing = this.shared.missingOf(w, o, this.anyEvents);
        if (missing !== null) return this.lostByTime(o, w, o, missing);
      }
      if (here === undefined) continue;
      const list = this.shared.writesByCompletion();
      let k = w.byTime.get(this.connection) ?? 0;
      for (; k < list.length && list[k]!.completeUs! < o.invokeUs; k++) {
        const x = list[k]!;
        if (x.invokeUs <= here.completeUs! || x === o) continue;
        const missing = this.shared.missingOf(w, x, this.anyEvents);
        if (missing !== null) return this.lostByTime(o, w, x, missing);
      }
      w.byTime.set(this.connection, k);
    }
    return null;
  }

  private lostByTime(o: ZkHistoryOp, w: Held, x: ZkHistoryOp, missing: string): ClientCheckResult {
    return violated(
      'watch-order',
      `client ${o.client} got the reply to its write #${o.id}, but no ${missing} event for #${x.id}${x === o ? ' (its own)' : `, which completed before #${o.id} was sent`}, which its ${w.recursive ? 'recursive' : 'persistent'} watch on ${w.path} (#${w.by.id}) held on this connection gets, came before it (lost)`,
      x === o ? [w.by, o] : [w.by, x, o],
    );
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

/** What the sessions' PersistentWatches share: the history's changes, indexed once. */
export class PersistentShared {
  private certain: Change[] | null = null;
  private byKey: Map<string, ZkHistoryOp[]> | null = null;
  private loose: ZkHistoryOp[] = [];
  private ephemerals: Map<number, string[]> | null = null;
  private fits: ((o: ZkHistoryOp, m: number) => boolean) | null = null;

  private readonly view: HistoryView;
  private readonly restricted: ReadonlySet<string>;
  readonly queuedFirst: boolean;

  constructor(view: HistoryView, restricted: ReadonlySet<string>, queuedFirst: boolean) {
    this.view = view;
    this.restricted = restricted;
    this.queuedFirst = queuedFirst;
  }

  /**
   * Whether some write may have made event `e`'s change after `floor`: one that was not refused (ok, or an
   * unknown outcome), sent before the event arrived, with the event's zxid when both are known; or the end
   * of a session that created an ephemeral node there before the event arrived (an expiry may come at any time).
   */
  explains(e: ZkHistoryWatch, floor: number): boolean {
    const known = e.zxid > 0;
    if (known && e.zxid <= floor) return false;
    this.index();
    // A persistent watch's event is fired as its txn is applied, with that txn's zxid (setWatches fires none for
    // it): a write without a zxid must be able to hold the event's (exact-txn.ts), and succeed at all.
    const life = nodeLife(this.view);
    const fits = (this.fits ??= exactTxnFits(this.view, [...this.view.writes, ...sessionEndWrites(this.view.history, this.view.writes)]));
    const may = (o: ZkHistoryOp): boolean =>
      o.invokeUs < e.atUs && (o.zxid === null ? (known ? fits(o, e.zxid) : !life.cannotSucceed(o)) : o.zxid > floor && (!known || o.zxid === e.zxid));
    for (const o of this.byKey!.get(`${e.type} ${e.path}`) ?? []) if (may(o)) return true;
    for (const o of this.loose) if (may(o) && fires(o.op, null, e.type, e.path, [], false)) return true;
    // (Not a node whose one life a certain delete ended: NodeLife.endCannotDelete.)
    const gone = e.type === 'NodeDeleted' && life.endCannotDelete(e.path);
    if (e.type === 'NodeDeleted' || e.type === 'NodeChildrenChanged')
      for (const list of (this.ephemerals ??= ephemeralNodes(this.view.writes)).values()) {
        const left = list.filter((p) => !(gone && (p === e.path || sequentialOf(p, e.path))) && !life.endCannotDelete(p));
        if (fires({ type: 'closeSession' }, null, e.type, e.path, left, false)) return true;
      }
    return false;
  }

  private byCompletion: ZkHistoryOp[] | null = null;

  /** Whether an ACL may filter events of `path`: a restricted path, or a sequential create's prefix of it. */
  mayFilter(path: string): boolean {
    for (const r of this.restricted) if (path.startsWith(r)) return true;
    return false;
  }

  /** The certain ok writes with a reply (not session ends), by reply time. */
  writesByCompletion(): ZkHistoryOp[] {
    if (this.byCompletion !== null) return this.byCompletion;
    const out = this.view.writes.filter((o) => o.outcome === 'ok' && o.completeUs !== null && o.result !== null && !isUncertain(o) && o.op.type !== 'closeSession');
    out.sort((a, b) => a.completeUs! - b.completeUs!);
    return (this.byCompletion = out);
  }

  /**
   * The first change of the certain write `x` that `w` covers (ACL-filtered paths aside) with no event of its
   * type and path in `events` that arrived after `x` was sent (its txn came after that).
   */
  missingOf(w: Held, x: ZkHistoryOp, events: ReadonlyMap<string, number>): string | null {
    const found: [EventType, string][] = [];
    changesOf(x.op, x.result, found);
    for (const [type, path] of found)
      if (covers(w, type, path) && !this.restricted.has(path) && !((events.get(`${type} ${path}`) ?? -Infinity) > x.invokeUs)) return `${type} ${path}`;
    return null;
  }

  /**
   * How many times the write the history names at event `e`'s zxid makes its change (type and path); null when
   * no write has that zxid or one there holds an unnamed sequential create.
   */
  madeAt(e: ZkHistoryWatch): number | null {
    this.index();
    const named = this.view.writes.filter((o) => o.zxid === e.zxid && o.outcome !== 'fail');
    if (named.length > 1) return null;
    const endNamed = named.some((o) => o.op.type === 'closeSession') || (this.view.history.events ?? []).some((r) => r.kind === 'session' && r.state === 'ENDED' && r.zxid === e.zxid);
    // A zxid no write names may be any write's without one; NodeDeleted and NodeChildrenChanged also a session end's.
    const endMay = endNamed || (named.length === 0 && (e.type === 'NodeDeleted' || e.type === 'NodeChildrenChanged') && (this.ephemerals ??= ephemeralNodes(this.view.writes)).size > 0);
    // A session end deletes each of its ephemerals once (DataTree.killSession: one deleteNode per path of the
    // session's set), so it makes NodeDeleted of a path at most once; NodeChildrenChanged of a parent once per
    // ephemeral child it deletes, which is not counted here.
    if (endMay && e.type !== 'NodeDeleted') return null;
    let most = endMay ? 1 : 0;
    // (An ENDED record at this zxid leaves no zxid-less write to be its txn.)
    for (const at of named.length === 1 ? named : endNamed ? [] : this.view.writes.filter((o) => o.zxid === null && o.outcome !== 'fail' && o.op.type !== 'closeSession')) {
      const uncertain = isUncertain(at) || at.result === null;
      // (An unnamed sequential create of unknown outcome may have made the event's node.)
      if (uncertain && hasSequentialCreate(at.op)) return null;
      const found: [EventType, string][] = [];
      if (uncertain) allChanges(at.op, found);
      else changesOf(at.op, at.result, found);
      most = Math.max(most, found.filter(([t, p]) => t === e.type && p === e.path).length);
    }
    return most;
  }

  /**
   * The first certain change in (from, to] that `w` covers whose event did not come: none with its zxid in
   * `events`, and every event of its type and path without a zxid (`unnamed`) taken by an earlier change
   * (`used`, updated). Paths whose ACL may filter the event are left out.
   */
  firstMissing(w: Held, from: number, to: number, events: ReadonlySet<string>, unnamed: ReadonlyMap<string, number>, used: Map<string, number>): Change | null {
    const list = this.certainChanges();
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (list[mid]!.zxid <= from) lo = mid + 1;
      else hi = mid;
    }
    for (let k = lo; k < list.length && list[k]!.zxid <= to; k++) {
      const c = list[k]!;
      if (!covers(w, c.type, c.path) || this.restricted.has(c.path)) continue;
      if (events.has(`${c.type} ${c.path} ${c.zxid}`)) continue;
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
    return (this.certain = out);
  }

  /** Writes that may have taken effect, by the `${type} ${path}` they fire; unnamed sequential creates loose. */
  private index(): void {
    if (this.byKey !== null) return;
    const byKey = new Map<string, ZkHistoryOp[]>();
    for (const o of this.view.writes) {
      if (o.outcome === 'fail' || o.op.type === 'closeSession') continue;
      const uncertain = isUncertain(o) || o.result === null;
      if (!uncertain && o.result!.rc !== 'ok') continue;
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

function hasSequentialCreate(op: ZkOp): boolean {
  if (op.type === 'multi') return op.ops.some(hasSequentialCreate);
  return op.type === 'create' && op.mode !== 'persistent' && op.mode !== 'ephemeral';
}

/** Every change an op of unknown outcome may make (each sub-op of a multi); true when it holds an unnamed sequential create. */
function allChanges(op: ZkOp, out: [EventType, string][]): boolean {
  if (op.type === 'multi') {
    let loose = false;
    for (const sub of op.ops) loose = allChanges(sub, out) || loose;
    return loose;
  }
  if (op.type === 'create' && op.mode !== 'persistent' && op.mode !== 'ephemeral') {
    out.push(['NodeChildrenChanged', parentOf(op.path)]);
    return true;
  }
  changesOf(op, { rc: 'ok' }, out);
  return false;
}

/** Per session: the paths where its persistent watches are not held to their events (see the file's head). */
export function mixedPaths(ops: readonly ZkHistoryOp[]): Map<number, Set<string>> {
  const modes = new Map<string, string>();
  const out = new Map<number, Set<string>>();
  const add = (s: number, p: string): void => {
    const set = out.get(s) ?? new Set<string>();
    out.set(s, set.add(p));
  };
  for (const o of ops) {
    const op = o.op;
    if (o.session === null) continue;
    if ((op.type === 'getData' || op.type === 'exists' || op.type === 'getChildren') && op.watch === true) add(o.session, op.path);
    if (op.type === 'addWatch') {
      const k = `${o.session} ${op.path}`;
      const had = modes.get(k);
      if (had !== undefined && had !== op.mode) add(o.session, op.path);
      modes.set(k, op.mode);
    }
  }
  return out;
}
