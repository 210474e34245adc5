// watch-order: see client.ts for what it checks.
import { isZkRead, isZkWatchOp, isZkWrite, opPath } from '../history/types.js';
import type { ZkHistory, ZkHistoryEvent, ZkHistoryOp, ZkHistorySession, ZkHistoryWatch, ZkOp, ZkResult } from '../history/types.js';
import { describeZxid, isUncertain } from './zk-writes.js';
import { changeIndex, nodeLife, owedChangeIndex, SERVER_EVENTS, type OwedChanges, type WatchClass, type WatchSet } from './watch-changes.js';
import { firesForSure } from './watch-own-writes.js';
import { shownStateFloor } from './node-life.js';
import { firedBeforeListing, firedBeforeWrite } from './write-presence.js';
import { writeZxidFloor } from './write-zxid-floor.js';
import { exactEvents } from './event-pins.js';
import { armsWatch, stateZxid, violated, type ClientCheckResult } from './client-common.js';
import { firstAfter, triggerIndex } from './watch-triggers.js';
import { PersistentShared, PersistentWatches } from './watch-persistent.js';
import { mixedPaths } from './watch-persistent-mixed.js';
import { HistoryView } from './history-view.js';
import { firedBetween, presence, seenBy, showsNode } from './watch-seen.js';

// ---------------------------------------------------------------------------------------------
// watch-order

export type { WatchClass };
export type Armed = {
  readonly by: ZkHistoryOp;
  readonly replyIndex: number;
  readonly connection: number;
  readonly trigger: ZkHistoryOp | null;
  /** The last read that set this watch again (the server registers it anew), and on which connection. */
  readonly latest: ZkHistoryOp;
  readonly latestConnection: number;
  /** Restricted path: each later read setting it again (a filtered trigger may have used it up); null past RESETS_MAX. */
  readonly resets?: readonly Registration[] | null;
};

/** A read that set a watch, as a registration an event may belong to. */
type Registration = { readonly by: ZkHistoryOp; readonly replyIndex: number; readonly connection: number };
/** More re-settings than this of one held watch on a restricted path: its event is not judged (the fallback). */
const RESETS_MAX = 64;

export /** The events each watch class receives (WatchManager: data watches get created/changed/deleted, child watches children changed/deleted). */
const CLASS_EVENTS: Record<WatchClass, readonly ZkHistoryWatch['type'][]> = {
  data: ['NodeDataChanged', 'NodeDeleted', 'NodeCreated'],
  exist: ['NodeCreated', 'NodeDataChanged', 'NodeDeleted'],
  child: ['NodeChildrenChanged', 'NodeDeleted'],
};

const DATA_EXIST: readonly WatchClass[] = ['data', 'exist'];
export const CHILD: readonly WatchClass[] = ['child'];
export const DATA_EXIST_CHILD: readonly WatchClass[] = ['data', 'exist', 'child'];

export function consumes(type: ZkHistoryWatch['type']): readonly WatchClass[] {
  switch (type) {
    case 'NodeCreated':
    case 'NodeDataChanged':
      return DATA_EXIST;
    case 'NodeChildrenChanged':
      return CHILD;
    case 'NodeDeleted':
      return DATA_EXIST_CHILD;
  }
}
/** Nothing to judge: no watch event arrived and no reply set a watch (so none can be missed). */
export function watchFree(view: HistoryView): boolean {
  if (view.armsWatches) return false;
  for (const e of view.history.events ?? []) if (e.kind === 'watch') return false;
  return true;
}

/** Paths that were given an ACL without READ for world:anyone (ServerCnxn.process filters their events). */
export function restrictedPaths(history: ZkHistory): Set<string> {
  const out = new Set<string>();
  const visit = (op: ZkOp, result: ZkResult | null): void => {
    if (op.type === 'multi') op.ops.forEach((sub, i) => visit(sub, result?.results?.[i] ?? null));
    else if ((op.type === 'create' || op.type === 'setACL') && op.restrictedRead === true) out.add(result?.path ?? op.path);
  };
  for (const o of history.ops) if (o.outcome !== 'fail') visit(o.op, o.result);
  return out;
}

export function checkWatchOrder(history: ZkHistory): ClientCheckResult {
  return watchOrder(new HistoryView(history));
}

export function watchOrder(view: HistoryView): ClientCheckResult {
  const name = 'watch-order';
  const history = view.history;
  // removeWatches drops watches without an event, on the client at once and on the server (removeAllWatches, or
  // 3.8's Children and Data types on a persistent watch) perhaps not: the rules below would misjudge them.
  // Until they are taught, such a history gets no verdict rather than a guess. (addWatch: watch-persistent.ts.)
  if (history.ops.some((o) => o.op.type === 'removeWatches'))
    return { name, verdict: 'unknown', notes: ['the history holds removeWatches calls (watches dropped without an event), which watch-order does not judge yet'] };
  const addsWatches = history.ops.some((o) => isZkWatchOp(o.op));
  if (!addsWatches && watchFree(view)) return { name, verdict: 'ok' };
  let explained: ((e: ZkHistoryWatch, w: WatchSet) => boolean) | null = null;
  let exact: Set<ZkHistoryEvent> | null = null; // events that carry their txn's zxid (event-pins.ts)
  let triggers: Map<string, ZkHistoryOp[]> | null = null;
  let owedIndex: ReturnType<typeof owedChangeIndex> | null = null;
  let zxidFloor: ReturnType<typeof writeZxidFloor> | null = null;
  const owedMemo = new Map<ZkHistoryOp, OwedChanges>(); // by watch-setting read
  const owedOf = (a: Armed, cls: WatchClass): OwedChanges => {
    let owed = owedMemo.get(a.by);
    if (owed === undefined) {
      owedIndex ??= owedChangeIndex(view);
      owedMemo.set(a.by, (owed = owedIndex(a.by, cls, opPath(a.by.op)!)));
    }
    return owed;
  };
  const restricted = restrictedPaths(history);
  // A client that sends the requests it queued while disconnected ahead of setWatches (the header says
  // `"reconnectOrder":"queued-first"`: node-zookeeper-client's ConnectionManager.onSocketConnected appends
  // auth and setWatches behind them; the Java client's primeConnection puts them first). Such a request's
  // reply on the new connection may come before an event setWatches fires, so the lost-event checks below
  // skip, for that reply, every watch the client re-sent (armed on an earlier connection). Only reports are
  // dropped, so the checker stays sound; a history without the field keeps the Java order.
  const queuedFirst = history.header['reconnectOrder'] === 'queued-first';
  const endedAt = new Map<number, number>(); // session -> the zxid of its end, from its ENDED record
  for (const e of history.events ?? []) if (e.kind === 'session' && e.state === 'ENDED' && e.zxid !== undefined && e.zxid > 0) endedAt.set(e.session, e.zxid);
  const persistentShared = addsWatches ? new PersistentShared(view, restricted, queuedFirst) : null;
  const mixed = persistentShared === null ? null : mixedPaths(history.ops);
  for (const [session, items] of view.arrivals()) {
    const setWatchesBelow = setWatchesBounds(items);
    const persistent = persistentShared === null ? null : new PersistentWatches(persistentShared, setWatchesBelow, mixed!.get(session) ?? new Set());
    const armedAll = new Map<string, Armed>(); // `${class}:${path}`
    const replyMax: number[] = []; // prefix max of reply state zxids, in arrival order
    const replies: ZkHistoryOp[] = [];
    const replyZxids: number[] = []; // each reply's state zxid (a lower bound where the history gives none), beside `replies`
    let connection = 0;
    let connectedAtUs = -Infinity; // when the current connection's CONNECTED record came (upAtUs: undefined while the last record is a DISCONNECTED)
    let upAtUs: number | undefined;
    let connectionStartUs = -Infinity; // when the last CONNECTED or DISCONNECTED record came
    let lastEvent: ZkHistoryWatch | null = null;
    for (const item of items) {
      if (item.kind === 'session') {
        const e = item;
        if (e.state === 'CONNECTED' || e.state === 'DISCONNECTED') {
          connection++;
          // Events come in zxid order on one connection only: the next server may be behind the last event
          // (the client's lastZxid ignores notifications, ClientCnxn.SendThread.readResponse), and its own
          // events then carry lower zxids (test/checkers/differential-round9.test.ts).
          lastEvent = null;
          upAtUs = e.state === 'CONNECTED' ? e.atUs : undefined;
          connectionStartUs = e.atUs;
        }
        if (e.state === 'CONNECTED') connectedAtUs = e.atUs;
        if (e.state === 'EXPIRED' || e.state === 'CLOSED' || e.state === 'AUTH_FAILED') armedAll.clear();
        persistent?.session(e, connection);
        continue;
      }
      if (item.kind === 'watch') {
        const e = item;
        // ZooKeeper 3.8 names no txn in a notification (NIOServerCnxn.process sends the header zxid -1), so
        // an event zxid of -1 or 0 is unknown: it orders nothing, and only the change's type, path and the
        // watch's set point are judged (the lost-event check on replies still holds it to the change).
        const known = e.zxid > 0;
        if (known && lastEvent !== null && e.zxid < lastEvent.zxid) {
          return violated(
            name,
            `watch events out of zxid order: ${e.type} ${e.path} (${describeZxid(e.zxid)}) arrived after ${lastEvent.type} ${lastEvent.path} (${describeZxid(lastEvent.zxid)})`,
            [],
            [lastEvent, e],
          );
        }
        if (known) lastEvent = e;
        persistent?.noteEvent(e);
        // An event a persistent watch explains needs no one-shot watch (one event serves both: WatchManager's Set).
        const byPersistent = (): 'none' | 'ok' | ClientCheckResult => (persistent === null || persistent.size === 0 ? 'none' : persistent.explain(e));
        const hit: [WatchClass, Armed][] = [];
        for (const c of consumes(e.type)) {
          const key = `${c}:${e.path}`;
          const a = armedAll.get(key);
          if (a !== undefined) hit.push([c, a]);
          armedAll.delete(key);
        }
        if (hit.length === 0) {
          const p = byPersistent();
          if (p === 'ok') continue;
          if (p !== 'none') return p;
          return violated(name, `client ${e.client} got ${e.type} ${e.path} without holding a matching watch (fired twice, or never set)`, [], [e]);
        }
        // The client's ZKWatchManager.materialize drops every watch the event names, but the server sends each
        // class of watch only some events (SERVER_EVENTS): one of the watches must be able to get it.
        const fitting = hit.filter(([c]) => SERVER_EVENTS[c].includes(e.type));
        if (fitting.length === 0) {
          if (byPersistent() === 'ok') continue;
          const [c, a] = hit[0]!;
          return violated(
            name,
            `client ${e.client} got ${e.type} ${e.path}, but its watch there, set by #${a.by.id}, is ${c === 'exist' ? 'an exists watch on a missing node' : `a ${c} watch`}, which only ever gets ${SERVER_EVENTS[c].join(' or ')}`,
            [a.by],
            [e],
          );
        }
        let failure: ClientCheckResult | null = null;
        const judge = (a: Armed, cls: WatchClass): ClientCheckResult | null => {
          explained ??= changeIndex(view);
          return judgeEvent(
            e,
            a,
            cls,
            explained,
            connection,
            known,
            replies,
            replyZxids,
            replyMax,
            owedOf(a, cls),
            setWatchesBelow[connection]!,
            shownStateFloor(nodeLife(view), a.by),
            (exact ??= exactEvents(view)).has(e),
            upAtUs,
          );
        };
        for (const [cls, a] of fitting) {
          failure = judge(a, cls);
          if (failure === null) break;
          // A READ-filtered trigger may have used the watch up before a later read set it again (`resets`).
          if (a.resets === null) {
            failure = null;
            break;
          }
          for (const r of a.resets ?? []) if (judge({ ...a, ...r }, cls) === null) failure = null;
          if (failure === null) break;
        }
        if (failure !== null && byPersistent() !== 'ok') return failure;
        continue;
      }
      const o = item;
      // Queued while disconnected and sent ahead of setWatches (queuedFirst): held only to this connection's watches.
      const armed = queuedFirst && o.invokeUs < connectedAtUs ? onConnection(armedAll, connection) : armedAll;
      // A close's reply without a zxid comes from a state at or after its session's end, whose zxid an ENDED record gives.
      // A read without a header zxid comes from a state that holds the mzxid it shows and a create of each node it
      // shows (shownStateFloor; case 2000143393: a listing of /a, whose one create is at 1:2, owes 1:1's event).
      // (Only a bound from the read's own result: the own-write rule below is not extended to such a read.)
      const zKnown =
        stateZxid(o) ??
        (o.op.type === 'closeSession' && o.outcome === 'ok' && o.session !== null ? (endedAt.get(o.session) ?? null) : null) ??
        // A write without a zxid: above every state its session saw before, and not a zxid another txn holds.
        (isZkWrite(o.op) && o.zxid === null && o.session !== null ? (zxidFloor ??= writeZxidFloor(view))(o) : null);
      const z = zKnown ?? (isZkRead(o.op) ? shownStateFloor(nodeLife(view), o) || null : null);
      // Persistent watches: none of their events missing before this reply (a client error is no server's reply).
      const lostPersistent = persistent?.reply(o, isUncertain(o) || o.result === null ? null : z) ?? null;
      if (lostPersistent !== null) return lostPersistent;
      // Lost events, own writes: the session's own write that fires a watch it holds triggers it while the
      // server applies it (DataTree, then FinalRequestProcessor replies), so on one connection the event
      // comes before the reply, zxid or not. On a later connection too: the client re-sent the watch with
      // setWatches ahead of the write (ClientCnxn.primeConnection queues it first, and CommitProcessor keeps
      // the session's order), so DataTree.setWatches either fired it at once (the path had changed since
      // the client's last zxid; an exists watch whose node was created and deleted again is registered
      // anew, and the write, a create of that path, fires it) or registered it, and the write fires it.
      if (isZkWrite(o.op) && o.result !== null && o.result.rc === 'ok') {
        for (const [key, a] of armed) {
          if (a.by.invokeUs > o.invokeUs) continue;
          const path = key.slice(key.indexOf(':') + 1);
          if (restricted.size > 0 && restricted.has(path)) continue; // may be filtered by ACL
          const types = CLASS_EVENTS[key.slice(0, key.indexOf(':')) as WatchClass];
          if (!types.some((t) => firesForSure(o.op, o.result, t, path))) continue;
          return violated(
            name,
            `client ${o.client} got the reply to its own #${o.id}, which fires its watch on ${path} set by #${a.by.id}, before any event for it (the event came late, or was lost)`,
            [a.by, o],
          );
        }
      }
      // Lost events, by real time and by zxid: a write reply's state holds every write that completed before
      // it was sent (the leader orders all writes, error txns too), and a reply's state at zxid z holds every
      // write at or below z. A watch still held whose path such a write changed after the watch was set
      // (owedChangeIndex says when that is certain) fired first: on its own connection, and on a later one
      // too (see the own-write case; not an exists watch there, the setWatches gap).
      if (armed.size > 0 && (z !== null || (isZkWrite(o.op) && o.result !== null && !isUncertain(o)))) {
        for (const [key, a] of armed) {
          const cls = key.slice(0, key.indexOf(':')) as WatchClass;
          const path = key.slice(key.indexOf(':') + 1);
          // The setWatches gap: created and deleted again before a setWatches, so by a delete sent before this reply.
          if (cls === 'exist' && a.connection !== connection && nodeLife(view).mayDeleteBy(path, o.completeUs ?? Infinity)) continue;
          if (restricted.size > 0 && restricted.has(path)) continue; // may be filtered by ACL
          const owed = owedOf(a, cls);
          const sent = isZkWrite(o.op) && o.result !== null && !isUncertain(o);
          const byTime = sent && owed.byTime !== null && owed.byTime !== o && owed.byTime.completeUs! < o.invokeUs;
          // (A write that found the node gone, its delete after the watch's read: its own reply reflects that delete.)
          const standIn = sent && owed.goneBy?.has(o) === true;
          const w = standIn ? o : byTime ? owed.byTime : z !== null && owed.byZxid !== null && owed.byZxid !== o && owed.firstZxid <= z ? owed.byZxid : null;
          // A close's reply comes from a state that holds every write of its session that took effect (they precede
          // the session's end: PrepRequestProcessor makes a closing session's requests error txns); the server fired
          // the watch as it applied such a write, before the close (FinalRequestProcessor, then sendCloseSession).
          // So does any reply on the connection that sent such a write first (CommitProcessor keeps a session's order):
          // the watch, set before the write was sent or re-sent by setWatches ahead of it, fired there before this reply.
          const close = o.op.type === 'closeSession';
          const own = w === null && (sent || (zKnown !== null && !isUncertain(o) && o.result !== null)) && o.session !== null ? owed.bySessionDone.get(o.session) : undefined;
          if (own !== undefined && own.invokeUs < o.invokeUs && ((close && sent) || (own.invokeUs > connectionStartUs && own.server === o.server)))
            return violated(
              name,
              `client ${o.client} got the reply to its ${close ? 'close' : 'request'} #${o.id} before any event for its own #${own.id}, which took effect before ${close ? 'the close' : 'it, sent earlier on the same connection,'} and changed ${path} after the watch there was set by #${a.by.id} (the event came late, or was lost)`,
              [a.by, own, o],
            );
          // A close reply is not held to the events its own session end fires for the closing session (the connection closes).
          if (w === null || (w.op.type === 'closeSession' && w.session === o.session)) continue;
          const what = standIn || owed.gone === true ? `the delete that #${w.id} found done` : `#${w.id}`;
          if (standIn)
            return violated(name, `client ${o.client} got #${o.id}, whose txn follows ${what}, before any event for it; that delete changed ${path} after the watch there was set by #${a.by.id}, whose state showed the node (the event came late, or was lost)`, [a.by, o]);
          return violated(
            name,
            `client ${o.client} got #${o.id}, which reflects ${what} (${byTime ? 'sent after it completed' : `at ${describeZxid(z)}, and #${w.id} is at or below ${describeZxid(owed.firstZxid)}`}), before any event for it; ${owed.gone === true ? 'it' : `#${w.id}`} changed ${path} after the watch there was set by #${a.by.id} (the event came late, or was lost)`,
            [a.by, w, o],
          );
        }
      }
      // Lost events: this reply reflects a change that fires a watch still held.
      if (z !== null) {
        for (const [key, a] of armed) {
          if (a.trigger === null || a.trigger.zxid! > z) continue;
          if (key.startsWith('exist:') && a.connection !== connection && nodeLife(view).mayDeleteBy(key.slice(key.indexOf(':') + 1), o.completeUs ?? Infinity)) continue; // the setWatches gap
          if (restricted.size > 0 && restricted.has(key.slice(key.indexOf(':') + 1))) continue; // may be filtered by ACL
          return violated(
            name,
            `client ${o.client} got #${o.id} reflecting ${describeZxid(z)} before any event for #${a.trigger.id} (${describeZxid(a.trigger.zxid)}), which fires its watch on ${key.slice(key.indexOf(':') + 1)} set by #${a.by.id} (the event came late, or was lost)`,
            [a.by, a.trigger, o],
          );
        }
        replies.push(o);
        replyZxids.push(z);
        replyMax.push(Math.max(z, replyMax.length === 0 ? -1 : replyMax[replyMax.length - 1]!));
      }
      // Lost events, zxid or not: this write's reply shows a path otherwise than a watch still held saw it (write-presence.ts).
      const fired = isZkWrite(o.op) ? firedBeforeWrite(o, armed, connection, restricted) : firedBeforeListing(o, armed, connection, restricted);
      if (fired !== null)
        return violated(
          name,
          `client ${o.client} got #${o.id}, which shows ${fired.path} ${fired.present ? 'there' : 'missing'}${fired.version === undefined ? '' : ` at version ${fired.version}`}${isZkWrite(o.op) ? ' as its txn was prepared' : ''}, otherwise than #${fired.by.id} saw it when setting a watch still held, before any event for it (the event came late, or was lost)`,
          [fired.by, o],
        );
      // Lost events, zxid or not: this reply shows its path changed since a watch still held was set.
      const changed = changedUnderWatch(o, armed, connection, restricted);
      if (changed !== null)
        return violated(
          name,
          `client ${o.client} got #${o.id}, which shows ${opPath(o.op)} changed since its watch set by #${changed.by.id}, before any event for it (the event came late, or was lost)`,
          [changed.by, o],
        );
      // Arming.
      const op = o.op;
      if (armsWatch(o) && (op.type === 'getData' || op.type === 'exists' || op.type === 'getChildren')) {
        const cls: WatchClass = op.type === 'getChildren' ? 'child' : op.type === 'exists' && o.result!.exists === false ? 'exist' : 'data';
        const key = `${cls}:${op.path}`;
        if (!armedAll.has(key)) {
          const at = o.readZxid ?? null;
          triggers ??= triggerIndex(view);
          const trigger = at === null ? null : firstAfter(triggers.get(key), at);
          armedAll.set(key, { by: o, replyIndex: replies.length, connection, trigger, latest: o, latestConnection: connection });
        } else {
          const a = armedAll.get(key)!;
          // Where the ACL may deny READ, WatchManager.triggerWatch may have removed it and ServerCnxn.process dropped
          // the event, so this read may register it anew; elsewhere a watch still owes its first change.
          const resets = !restricted.has(op.path)
            ? a.resets
            : a.resets === null || (a.resets?.length ?? 0) >= RESETS_MAX
              ? null
              : [...(a.resets ?? []), { by: o, replyIndex: replies.length, connection }];
          armedAll.set(key, { ...a, latest: o, latestConnection: connection, ...(resets === undefined ? {} : { resets }) });
        }
      }
    }
  }
  return { name, verdict: 'ok' };
}

/** Bounds on the zxid of a connection's setWatches: below its session's ok writes there, at or below its reply headers there. */
type SetWatchesBound = { readonly write: number; readonly header: number };

/**
 * Each connection's setWatches bound, by connection number (counted as watchOrder counts them): the client
 * sends setWatches ahead of every other request on a new connection (ClientCnxn.primeConnection), and the
 * server runs a session's requests in order (CommitProcessor), so the state it ran at is below every write
 * the session made there and at or below every reply header there.
 */
function setWatchesBounds(items: readonly (ZkHistoryOp | ZkHistoryWatch | ZkHistorySession)[]): SetWatchesBound[] {
  const out: { write: number; header: number }[] = [{ write: Infinity, header: Infinity }];
  for (const item of items) {
    if (item.kind === 'session') {
      if (item.state === 'CONNECTED' || item.state === 'DISCONNECTED') out.push({ write: Infinity, header: Infinity });
      continue;
    }
    if (item.kind !== 'op' || item.outcome !== 'ok') continue;
    const b = out[out.length - 1]!;
    if (isZkWrite(item.op) && item.zxid !== null) b.write = Math.min(b.write, item.zxid);
    if (item.readZxid !== undefined && item.readZxid !== null) b.header = Math.min(b.header, item.readZxid);
  }
  return out;
}

/** An event matched to watch `a`, held on connection `connection` when it arrived: null if it fits, else why not. */
function judgeEvent(
  e: ZkHistoryWatch,
  a: Armed,
  cls: WatchClass,
  explained: (e: ZkHistoryWatch, w: WatchSet) => boolean,
  connection: number,
  known: boolean,
  replies: readonly ZkHistoryOp[],
  replyZxids: readonly number[],
  replyMax: readonly number[],
  owed: OwedChanges,
  setWatchesBelow: SetWatchesBound,
  shownFloor: number,
  afterReply: boolean,
  upAtUs: number | undefined,
): ClientCheckResult | null {
  const name = 'watch-order';
  const sameConnection = a.connection === connection;
  // After a reconnect, an event DataTree.setWatches fired names no txn: zabsim records -1, as ZooKeeper sends;
  // histories recorded before that carry the server's zxid when setWatches ran, ahead of every request of the
  // connection (a state holding the change, not the change's zxid). An event zxid such a setWatches cannot
  // have came from the re-registered watch as a txn was applied: exactly that txn.
  // Nor did one that arrived after a reply to a request sent on its connection (event-pins.ts exactEvents: setWatches
  // fires only ahead of those replies).
  const bySetWatches = !sameConnection && !afterReply && (!known || (e.zxid < setWatchesBelow.write && e.zxid <= setWatchesBelow.header));
  // The watch was registered at a state at or after every reply of the session up to the read that set it
  // (a session never goes back), and at or after what the read itself shows (shownStateFloor), so its
  // change, and any zxid the event names, lie above that.
  const floor = Math.max(a.replyIndex === 0 ? 0 : replyMax[a.replyIndex - 1]!, a.by.readZxid ?? 0, shownFloor);
  const owedBySession = sameConnection ? owed.bySession : undefined;
  const owedOnNode = sameConnection ? owed.onNode : undefined;
  if (!explained(e, { by: a.by, after: floor, exact: !bySetWatches, cls, owedBySession, owedOnNode, upAtUs: bySetWatches ? upAtUs : undefined }))
    return violated(
      name,
      `client ${e.client} got ${e.type} ${e.path} at ${describeZxid(e.zxid)}, but no write of the history ${sameConnection ? 'sent before it arrived makes exactly that change' : 'makes that change'} after its watch was set by #${a.by.id}`,
      [a.by],
      [e],
    );
  if (!known) return null;
  if (e.zxid <= floor)
    return violated(
      name,
      `client ${e.client} got ${e.type} ${e.path} for a change at ${describeZxid(e.zxid)}, but its watch was set by #${a.by.id} on a state at or after ${describeZxid(floor)}, which already included that change`,
      [a.by],
      [e],
    );
  // On its own connection the watch fired at the first change after it was set: no later than one provably after.
  const first = owed.byZxid;
  if (sameConnection && first !== null && e.zxid > owed.firstZxid)
    return violated(
      name,
      `client ${e.client} got ${e.type} ${e.path} for a change at ${describeZxid(e.zxid)}, but its watch set by #${a.by.id} fired at the first change after that, no later than #${first.id} at ${describeZxid(owed.firstZxid)}`,
      [a.by, first],
      [e],
    );
  // A reply at or above the change's zxid came before its event. Not for an event setWatches may have fired:
  // its zxid may be the server's then, at or above the client's last zxid and so above every earlier reply,
  // while the change lies below it; and the old connection may rightly have sent no event for that change
  // (ServerCnxn.process filters an event by the node's ACL, DataTree.setWatches does not).
  const before = a.replyIndex === 0 ? -1 : replyMax[a.replyIndex - 1]!;
  const latest = replyMax.length === 0 ? -1 : replyMax[replyMax.length - 1]!;
  if (!bySetWatches && latest >= e.zxid && before < e.zxid) {
    let k = a.replyIndex;
    while (replyZxids[k]! < e.zxid) k++;
    const r = replies[k]!;
    return violated(
      name,
      `client ${e.client} saw #${r.id} reflecting ${describeZxid(replyZxids[k]!)} before the ${e.type} event of ${describeZxid(e.zxid)} for its watch on ${e.path}`,
      [a.by, r],
      [e],
    );
  }
  return null;
}

/** The watches set on connection `connection` (not re-sent from an earlier one). */
function onConnection(armed: ReadonlyMap<string, Armed>, connection: number): Map<string, Armed> {
  const out = new Map<string, Armed>();
  for (const [key, a] of armed) if (a.connection === connection) out.set(key, a);
  return out;
}

/**
 * The watch still held on the read `o`'s path whose set point `o` shows provably changed, on the same
 * connection: null if none. Proof: the watch is registered at the server as its read is answered
 * (FinalRequestProcessor), and later requests on the connection are answered by that server in order,
 * from states that never go back; if `o` shows a state that differs from the setting read's in a way
 * only a change of the watch's class makes (an exists watch on an absent node: the node now exists; a
 * data watch: the node is gone, or its version or data differ; a child watch: the node is gone, or its
 * children differ), that change was applied on the server between the two, fired the watch
 * (WatchManager.triggerWatch) and queued the event on the connection before `o`'s reply. So the event
 * must have arrived before `o`: a watch still armed here lost its event. A watch held from an older
 * connection owes it too (the client re-sent it with setWatches, below): an exists watch on a missing node
 * when `o` shows the node, a data or child watch when `o` shows the node changed as above.
 */
function changedUnderWatch(o: ZkHistoryOp, armed: ReadonlyMap<string, Armed>, connection: number, restricted: ReadonlySet<string>): Armed | null {
  if (armed.size === 0) return null;
  if (o.op.type !== 'getData' && o.op.type !== 'exists' && o.op.type !== 'getChildren') return childChanged(o, armed, connection, restricted);
  const path = o.op.path;
  if (restricted.size > 0 && restricted.has(path)) return null; // may be filtered by ACL
  for (const cls of ['exist', 'data', 'child'] as const) {
    const a = armed.get(`${cls}:${path}`);
    if (a === undefined) continue;
    // The first read that set it, and the last one that set it again, each when on this connection.
    if (a.connection === connection && firedBetween(cls, a.by, o)) return a;
    // An exists watch on a missing node, held from an older connection: the client re-sent it with
    // setWatches ahead of every request on this one (ClientCnxn.primeConnection), and DataTree.setWatches
    // either fired NodeCreated at once (the node was there) or registered it, in which case the create
    // that made the node `o` sees fired it on this server before `o` was answered. Either way the event
    // came first, whatever happened to the node before the reconnect (the setWatches gap is only that a
    // watch whose node came and went may be registered anew silently, not that it stays silent).
    if (cls === 'exist' && a.connection < connection && showsNode(o)) return a;
    // A data or child watch held from an older connection, and a reply here that shows its node missing: the
    // same setWatches either sent NodeDeleted at once (DataTree.setWatches does for a missing node, whatever
    // the zxids) or registered the watch while the node was there, and the delete `o` sees fired it here.
    if (cls !== 'exist' && a.connection < connection && presence(o) === true) return a;
    // Such a watch, and a reply here showing its node changed otherwise (another version or data, other children):
    // this server's state is at or above the setting read's (the client's lastZxid covers that reply, and
    // ZooKeeperServer.processConnectRequest refuses a server behind it), so a change came between. Made before the
    // setWatches, it left the node's mzxid (pzxid) above the lastZxid the client sent, or a reply on an older
    // connection reflected it and had the event before it; so DataTree.setWatches fired the watch at once, or
    // registered it and the change fired it here: before `o`'s reply either way.
    if (cls !== 'exist' && a.connection < connection && firedBetween(cls, a.by, o)) return a;
    if (a.latestConnection === connection && a.latest !== a.by && firedBetween(cls, a.latest, o)) return { ...a, by: a.latest };
  }
  return childChanged(o, armed, connection, restricted);
}

/**
 * A child watch on the parent of `o`'s path, on this connection: `o` showing a child the listing named now
 * missing, or one it did not name now there, shows a delete or create under it since (DataTree.deleteNode
 * and createNode trigger the parent's child watches), which fired the watch before `o`'s reply. A write
 * shows its path as the leader found it at its txn (PrepRequestProcessor), which this server applied after
 * the listing's state, in commit order.
 */
function childChanged(o: ZkHistoryOp, armed: ReadonlyMap<string, Armed>, connection: number, restricted: ReadonlySet<string>): Armed | null {
  const path = opPath(o.op);
  const absent = presence(o);
  if (path === null || path === '/' || absent === null) return null;
  const slash = path.lastIndexOf('/');
  const parent = slash <= 0 ? '/' : path.slice(0, slash);
  const a = armed.get(`child:${parent}`);
  if (a === undefined || (restricted.size > 0 && restricted.has(parent))) return null;
  for (const [by, at] of [
    [a.by, a.connection],
    [a.latest, a.latestConnection],
  ] as const) {
    const listed = by.op.type === 'getChildren' && by.outcome === 'ok' && by.result?.rc === 'ok' ? by.result.children : undefined;
    // A listing on an older connection too: the watch was re-sent by setWatches, and this server's state is at or
    // above the listing's (changedUnderWatch, a data or child watch so held): the change fired it here, or before.
    if (at > connection || listed === undefined) continue;
    if (listed.includes(path.slice(slash + 1)) === absent) return by === a.by ? a : { ...a, by };
  }
  return null;
}
