// The changes of a history that can explain a watch event (watch-order, watch-order.ts): which writes
// make which change on which path, and how exactly an event must match the change that fired it.
import { opPath } from '../history/types.js';
import type { ZkHistoryOp, ZkHistoryWatch, ZkOp, ZkResult } from '../history/types.js';
import { isUncertain, sessionEndWrites } from './zk-writes.js';
import { countAtMost } from './sort.js';
import type { HistoryView } from './history-view.js';
import { lastRepliedWrites, sessionFloors, writeZxidFloor } from './write-zxid-floor.js';
import { writeZxidCeiling } from './write-zxid-ceiling.js';
import { provedLostWrites, sureChanges } from './proved-writes.js';
import { endDeletable, nodeLife, sequentialOf, sessionMayOwn, type NodeLife } from './node-life.js';
import { SESSION_END_FLOOR } from './write-windows.js';
import { exactTxnFits } from './exact-txn.js';
import { readStateCeiling } from './read-state-ceiling.js';
import { writeFacts } from './write-presence.js';
import { PINNED_EFFECT, floatingWindows } from './mzxid-pins.js';
import { shownDataWriter } from './data-writers.js';
import { deletesOnlyGoneChild, endDeletesOnlyGoneChildren } from './watch-gone-children.js';
import { changes, childName, effectsOf, goneBefore, namedCreates, namedEffects, readFloor, shownMzxid, type Effect } from './write-effects.js';
export { nodeLife, type NodeLife } from './node-life.js';

import type { WatchClass, WatchSet } from './watch-set.js';
export type { WatchClass, WatchSet } from './watch-set.js';
type EventType = ZkHistoryWatch['type'];

/**
 * The events the server ever sends for a watch of each class. A txn fires them as DataTree applies it
 * (createNode, deleteNode, setData through WatchManager.triggerWatch), and DataTree.setWatches fires
 * them after a reconnect: an exists watch set on a missing node (the client's existWatches) only ever
 * hears NodeCreated; a data watch, set on a node that existed, NodeDataChanged or NodeDeleted (a
 * create of its path needs a delete first, which fires it); a child watch NodeChildrenChanged or
 * NodeDeleted.
 */
export const SERVER_EVENTS: Record<WatchClass, readonly EventType[]> = {
  data: ['NodeDataChanged', 'NodeDeleted'],
  exist: ['NodeCreated'],
  child: ['NodeChildrenChanged', 'NodeDeleted'],
};

const parentOf = (p: string): string => (p.lastIndexOf('/') <= 0 ? '/' : p.slice(0, p.lastIndexOf('/')));

/**
 * Whether the committed op (its result ok, or unknown) fires an event of `type` on `path` as DataTree
 * applies it. With `afterReconnect`, also the events DataTree.setWatches sends for a change it finds on
 * reconnection: a node re-created since the watch was set has a newer mzxid (NodeDataChanged) and pzxid
 * (NodeChildrenChanged) than the client's last zxid (DataTree.createStat sets both to the create's zxid).
 */
export function fires(op: ZkOp, result: ZkResult | null, type: EventType, path: string, ephemerals: readonly string[], afterReconnect: boolean): boolean {
  if (result !== null && result.rc !== 'ok') return false;
  switch (op.type) {
    case 'create': {
      const sequential = op.mode === 'persistentSequential' || op.mode === 'ephemeralSequential';
      const made = result?.path ?? (sequential ? null : op.path);
      const isMade = made !== null ? made === path : sequentialOf(op.path, path);
      if (type === 'NodeChildrenChanged' && parentOf(op.path) === path) return true;
      if (type === 'NodeCreated') return isMade;
      return afterReconnect && (type === 'NodeDataChanged' || type === 'NodeChildrenChanged') && isMade;
    }
    case 'delete':
      return (type === 'NodeDeleted' && op.path === path) || (type === 'NodeChildrenChanged' && parentOf(op.path) === path);
    case 'setData':
      return type === 'NodeDataChanged' && op.path === path;
    case 'multi':
      return op.ops.some((sub, i) => fires(sub, result?.results?.[i] ?? null, type, path, ephemerals, afterReconnect));
    case 'closeSession':
      // (An unnamed ephemeral sequential node is listed by its prefix.)
      return ephemerals.some(
        (p) => (type === 'NodeDeleted' && (p === path || sequentialOf(p, path))) || (type === 'NodeChildrenChanged' && parentOf(p) === path),
      );
    default:
      return false;
  }
}

/** An ephemeral node a session's create made (or may have made), and when that create was sent. */
type EphemeralCreate = { readonly path: string; readonly invokeUs: number };

/** The ephemeral creates of each session, by session, with their invocation times. */
export function ephemeralCreates(writes: readonly ZkHistoryOp[]): Map<number, EphemeralCreate[]> {
  const out = new Map<number, EphemeralCreate[]>();
  const visit = (op: ZkOp, result: ZkResult | null, o: ZkHistoryOp, session: number): void => {
    if (op.type === 'multi') op.ops.forEach((sub, i) => visit(sub, result?.results?.[i] ?? null, o, session));
    else if (op.type === 'create' && (op.mode === 'ephemeral' || op.mode === 'ephemeralSequential')) {
      const list = out.get(session) ?? [];
      list.push({ path: result?.path ?? op.path, invokeUs: o.invokeUs });
      out.set(session, list);
    }
  };
  for (const o of writes) if (o.session !== null && (o.result === null || o.result.rc === 'ok' || isUncertain(o))) visit(o.op, o.result, o, o.session);
  return out;
}

const NO_SESSIONS: ReadonlyMap<number, number> = new Map();
const NO_WRITES: ReadonlyMap<number, ZkHistoryOp> = new Map();


type Change = { readonly zxid: number; readonly invokeUs: number };
type Changes = { readonly zxids: number[]; readonly invokes: number[] };

/** When a write was sent: a session end that may be an expiry (no client's close known to have done it) may come at any time. */
const sentAt = (o: ZkHistoryOp): number => (o.op.type === 'closeSession' && isUncertain(o) ? -Infinity : o.invokeUs);

/**
 * Each watch event reports a committed change (WatchManager.triggerWatch runs as DataTree applies a txn)
 * made after its watch was set, by a write invoked before the event arrived. On the watch's own
 * connection the event is exactly that change: its type, and its zxid (when the event names one) the
 * write's. After a reconnect it may instead come from DataTree.setWatches, stamped with the serving
 * server's zxid then: some change of the watch's path (of its children, for a child watch) with a zxid in
 * (the watch-setting read's zxid, the event's zxid]. A write without a zxid, or a session end the history
 * does not place, may be the change when its type fits. Returns the test: (event, watch) -> explained.
 */
export function changeIndex(view: HistoryView): (e: ZkHistoryWatch, w: WatchSet) => boolean {
  const ends = sessionEndWrites(view.history, view.writes);
  const writes = ends.length === 0 ? view.writes : [...view.writes, ...ends];
  const endedAt = new Set<number>();
  for (const o of writes) if (o.op.type === 'closeSession' && o.session !== null) endedAt.add(o.session);
  // A session's end at a known zxid (an ok close with its zxid, an ENDED record): every other write of the
  // session that took effect is below it (PrepRequestProcessor refuses a closing session's writes).
  const endZxid = new Map<number, number>();
  const recordedEnd = new Set<number>(); // sessions with a certain close or an ENDED record (sessionEndWrites adds it as one)
  for (const o of writes)
    if (o.op.type === 'closeSession' && o.session !== null && o.outcome === 'ok' && !isUncertain(o)) {
      recordedEnd.add(o.session);
      if (o.zxid !== null) endZxid.set(o.session, Math.min(o.zxid, endZxid.get(o.session) ?? Infinity));
    }
  const ephemeralTimes = ephemeralCreates(writes);
  // `${type} ${path}` -> the writes (zxid, invocation) that fire that event as they are applied (exact),
  // or that DataTree.setWatches may report as that event after a reconnect (reconnect).
  const exact = new Map<string, Change[]>();
  const reconnect = new Map<string, Change[]>();
  const loose: ZkHistoryOp[] = []; // writes without a zxid, and unnamed sequential creates
  const add = (map: Map<string, Change[]>, key: string, c: Change): void => {
    const list = map.get(key);
    if (list === undefined) map.set(key, [c]);
    else list.push(c);
  };
  const both = (key: string, c: Change): void => {
    add(exact, key, c);
    add(reconnect, key, c);
  };
  const visit = (op: ZkOp, result: ZkResult | null, o: ZkHistoryOp, c: Change): void => {
    if (result !== null && result.rc !== 'ok') return;
    switch (op.type) {
      case 'create': {
        const sequential = op.mode === 'persistentSequential' || op.mode === 'ephemeralSequential';
        const made = result?.path ?? (sequential ? null : op.path);
        if (made === null) loose.push(o);
        else {
          both(`NodeCreated ${made}`, c);
          add(reconnect, `NodeDataChanged ${made}`, c); // setWatches: a re-created node's mzxid and pzxid are its create's
          add(reconnect, `NodeChildrenChanged ${made}`, c);
        }
        both(`NodeChildrenChanged ${parentOf(op.path)}`, c);
        return;
      }
      case 'delete':
        both(`NodeDeleted ${op.path}`, c);
        both(`NodeChildrenChanged ${parentOf(op.path)}`, c);
        return;
      case 'setData':
        both(`NodeDataChanged ${op.path}`, c);
        return;
      case 'multi':
        op.ops.forEach((sub, i) => visit(sub, result?.results?.[i] ?? null, o, c));
        return;
      case 'closeSession':
        if (o.session === null) return;
        loose.push(o); // its unnamed sequential nodes are listed by their prefix: fires() matches them
        // (An event of the end's deleting an ephemeral arrives after that ephemeral's create was sent.)
        for (const { path: p, invokeUs } of ephemeralTimes.get(o.session) ?? []) {
          const at = { zxid: c.zxid, invokeUs: Math.max(c.invokeUs, invokeUs) };
          both(`NodeDeleted ${p}`, at);
          both(`NodeChildrenChanged ${parentOf(p)}`, at);
        }
        return;
      default:
        return;
    }
  };
  for (const o of writes) {
    // A session end the history adds (sessionEndWrites) has no invocation: it may come at any time.
    if (o.zxid === null) loose.push(o);
    else visit(o.op, isUncertain(o) ? null : o.result, o, { zxid: o.zxid, invokeUs: sentAt(o) });
  }
  const sorted = (map: Map<string, Change[]>): Map<string, Changes> => {
    const out = new Map<string, Changes>();
    for (const [key, list] of map) {
      list.sort((a, b) => a.zxid - b.zxid || a.invokeUs - b.invokeUs);
      out.set(key, { zxids: list.map((c) => c.zxid), invokes: list.map((c) => c.invokeUs) });
    }
    return out;
  };
  const exactChanges = sorted(exact);
  let floors: ((session: number, before: number) => number) | null = null;
  let fits: ((o: ZkHistoryOp, m: number) => boolean) | null = null;
  let lastSent: ReturnType<typeof lastRepliedWrites> | null = null;
  let proved: Map<ZkHistoryOp, number> | null = null;
  let windows: ReadonlyMap<ZkHistoryOp, { readonly lo: number; readonly hi: number }> | null = null;
  const reconnectChanges = sorted(reconnect);
  /** Whether a write that fired the watch first needs the node `path`, whose one life the change `o` would end. */
  const onNodeFirst = (w: WatchSet, path: string, o: ZkHistoryOp | null): boolean =>
    w.owedOnNode !== undefined && path === opPath(w.by.op) && w.owedOnNode.some((x) => x !== o) && nodeLife(view).createdOnce(path);
  return (e, w) => {
    const known = e.zxid > 0; // ZooKeeper 3.8 sends -1: no txn named
    const list = (w.exact ? exactChanges : reconnectChanges).get(`${e.type} ${e.path}`);
    if (list !== undefined) {
      // The changes after the watch was set, up to the event's zxid (exactly it, on the same connection),
      // by a write sent before the event arrived.
      const from = known && w.exact ? Math.max(countAtMost(list.zxids, w.after), countAtMost(list.zxids, e.zxid - 1)) : countAtMost(list.zxids, w.after);
      for (let k = from; k < list.zxids.length; k++) {
        const z = list.zxids[k]!;
        if (known && (z > e.zxid || (w.exact && z !== e.zxid))) break;
        if (list.invokes[k]! < e.atUs) return true;
      }
    }
    for (const o of loose) {
      const exact = w.exact || (w.upAtUs !== undefined && o.session !== null && o.session === w.by.session && o.invokeUs > w.upAtUs);
      // (An exact event's zxid is the txn's own: every bound on the write's zxid applies, exact-txn.ts.)
      if (known && exact && !(fits ??= exactTxnFits(view, writes))(o, e.zxid)) continue;
      // A session ends once: a lost close of a session whose end is recorded is that end or a later close, which deletes nothing.
      if (o.op.type === 'closeSession' && o.session !== null && isUncertain(o) && recordedEnd.has(o.session)) continue;
      const end = o.session === null || o.op.type === 'closeSession' ? undefined : endZxid.get(o.session);
      // (Below its session's end: at or below the watch's read state when that end is at most one above it.)
      if (end !== undefined && end - 1 <= w.after) continue;
      if (sentAt(o) >= e.atUs) continue;
      // A lost write a reply proves took effect at or below a bound (proved-writes.ts) is not the exact change above it.
      if (known && exact && (proved ??= provedLostWrites(view)).get(o)! < e.zxid) continue;
      if (o.op.type === 'closeSession' && o.session !== null && (lastSent ??= lastRepliedWrites(writes)).after(o.session, e.atUs)) continue;
      // A write its session sent after one that fired the watch first, or that session's end, is not the event's change.
      const owedFrom = o.session === null ? undefined : w.owedBySession?.get(o.session);
      if (owedFrom !== undefined && (o.op.type === 'closeSession' || owedFrom < o.invokeUs)) continue;
      if (e.type === 'NodeDeleted' && onNodeFirst(w, e.path, o)) continue;
      // (A session end is listed here for its unnamed sequential nodes even when its zxid is known: then the event's zxid must fit it.)
      if (o.zxid !== null && (o.zxid <= w.after || (known && (exact ? o.zxid !== e.zxid : o.zxid > e.zxid)))) continue;
      // The session's own write that completed before its watch-setting read was issued is in that read's state.
      if (o.session !== null && o.session === w.by.session && o.completeUs !== null && o.completeUs < w.by.invokeUs && !isUncertain(o)) continue;
      // (Or the one write that can have left the data the read shows: data-writers.ts.)
      if (inReadState(w, o, nodeLife(view)) || shownDataWriter(view, w.by) === o) continue;
      if (e.type === 'NodeChildrenChanged' && deletesOnlyGoneChild(w, o, e.atUs, nodeLife(view))) continue;
      // Its txn comes after every state its session saw before it was sent, and so does the event's zxid.
      if (known && o.session !== null && sentAt(o) !== -Infinity && e.zxid <= (floors ??= sessionFloors(view))(o.session, o.invokeUs)) continue;
      // Its zxid lies in its window (zxidWindows: above each reply header that came before it was sent); an event's is that zxid (exact) or above.
      const win = o.zxid === null ? (windows ??= floatingWindows(view)).get(o) : undefined;
      if (known && win !== undefined && (e.zxid <= win.lo || (exact && e.zxid >= win.hi))) continue;
      const life = nodeLife(view);
      if (life.cannotSucceed(o)) continue;
      // An unseen session end comes after every txn of its session and every state its replies showed.
      const endFloor = SESSION_END_FLOOR.get(o);
      if (known && endFloor !== undefined && endFloor >= e.zxid) continue;
      const eph = o.op.type === 'closeSession' && o.session !== null ? endDeletable(ephemeralTimes.get(o.session), e, life) : [];
      if (o.op.type === 'closeSession' && e.type === 'NodeChildrenChanged' && endDeletesOnlyGoneChildren(w, eph)) continue;
      if (fires(o.op, isUncertain(o) ? null : o.result, e.type, e.path, eph, !exact)) return true;
    }
    // A session end the history does not record (an expiry, a close whose reply was lost) deletes the session's ephemerals.
    for (const [session, list] of ephemeralTimes)
      if (
        !endedAt.has(session) &&
        !(lastSent ??= lastRepliedWrites(writes)).after(session, e.atUs) &&
        w.owedBySession?.has(session) !== true &&
        !(e.type === 'NodeDeleted' && onNodeFirst(w, e.path, null)) &&
        !(e.type === 'NodeChildrenChanged' && endDeletesOnlyGoneChildren(w, endDeletable(list, e, nodeLife(view)))) &&
        fires({ type: 'closeSession' }, null, e.type, e.path, endDeletable(list, e, nodeLife(view)), !w.exact)
      )
        return true;
    return false;
  };
}

/** The changes a held watch owes an event for: the first to complete, and the lowest zxid known, among those provably after its read. */
export type OwedChanges = {
  readonly byTime: ZkHistoryOp | null;
  readonly byZxid: ZkHistoryOp | null;
  /** byZxid's zxid: recorded, or pinned by a read's mzxid (Infinity when byZxid is null). */
  readonly firstZxid: number;
  /**
   * By session: the earliest invocation of such a write that is not a session end nor lost. On the watch's own
   * connection the watch fires at the first change after it was set, so a change those writes must precede
   * (a later write of the same session, the session's end) cannot be its event.
   */
  readonly bySession: ReadonlyMap<number, number>;
  /**
   * Those of them (not session ends) that set or delete the watched node itself: each needs the node there,
   * so where one op at most creates the node they all come before the delete that ends its one life.
   */
  readonly onNode: readonly ZkHistoryOp[];
  /**
   * By session: the earliest-sent write of that session (not a session end) that took effect, for sure or as a
   * reply proves (proved-writes.ts, with or without a bound on its zxid), and changed the path after the watch
   * was set (by the read's result, or sent after the read returned). Every write of a session that took effect
   * precedes the session's end (PrepRequestProcessor makes a closing session's requests error txns), so the
   * session's own close reply reflects it (watch-order.ts).
   */
  readonly bySessionDone: ReadonlyMap<number, ZkHistoryOp>;
  /** Whether byTime or byZxid stands for a delete of the node that write found done (`gone`), not its own change. */
  readonly gone?: true;
  /** The writes that stand so (each one's own reply reflects that delete: its txn is above it). */
  readonly goneBy?: ReadonlySet<ZkHistoryOp>;
};

/**
 * The certain writes (ok, with their result) that change a watched path after its watch was set, as a
 * test: (watch-setting read, class, path) -> the one of them that completed first, and the one with
 * the lowest known zxid. A write is after the read when it was sent after the read returned (so in no
 * state the read showed), when its zxid is above the read's, or when the read's result rules it out of
 * the read's state, where nothing in the history could have undone it in between:
 * - a create of a child the getChildren did not list, or of the node an exists found missing, when no
 *   op of the history deletes that node (a delete, or the end of a session that made it ephemeral);
 * - a setData whose new version is above the one the read saw, when no op deletes the node (versions
 *   only grow while a node lives);
 * - a delete of the node the read saw, when every create of that node completed before the delete was sent.
 * A session end is left out as a change: which ephemerals it still deleted depends on the order.
 */
export function owedChangeIndex(view: HistoryView): (by: ZkHistoryOp, cls: WatchClass, path: string) => OwedChanges {
  const life = nodeLife(view);
  // (`ownOnly`: a lost write proved to have taken effect with no bound on its zxid, counted in OwedChanges.bySessionDone only.)
  const byKey = new Map<string, { o: ZkHistoryOp; effects: Effect[]; ownOnly?: true; gone?: true }[]>();
  const add = (o: ZkHistoryOp, effects: Effect[], ownOnly = false): void => {
    const keys = new Set<string>();
    for (const e of effects) {
      keys.add(`exist:${e.path}`).add(`data:${e.path}`);
      if (e.type !== 'setData') keys.add(`child:${e.path}`).add(`child:${parentOf(e.path)}`);
    }
    for (const k of keys) {
      const list = byKey.get(k);
      const entry = ownOnly ? { o, effects, ownOnly: true as const } : { o, effects };
      if (list === undefined) byKey.set(k, [entry]);
      else list.push(entry);
    }
  };
  for (const o of view.writes) {
    // (An ok write without a completion, or an `info` one in PINNED_EFFECT, is a lost write pinned by mzxid-pins.ts.)
    if (PINNED_EFFECT.has(o) && o.op.type !== 'closeSession') add(o, sureChanges(o.op));
    if (o.outcome !== 'ok' || isUncertain(o) || (o.completeUs === null && o.zxid === null) || o.op.type === 'closeSession') continue;
    const effects: Effect[] = [];
    effectsOf(o.op, o.result, effects);
    add(o, effects);
  }
  // Session ends at a known zxid or time (an ok close, an ENDED record): they delete the session's
  // ephemerals that no other session creates or deletes (so each was gone by the end: a delete of the
  // session's own comes before its end, and nothing re-creates the node after it).
  // (Lost writes and unseen session ends a reply proves took effect, proved-writes.ts: known by a bound above their zxid.)
  const provedEnds = new Map<number, number>();
  const proved = provedLostWrites(view, provedEnds);
  const provedCeiling = new Map<ZkHistoryOp, number>();
  for (const o of [...view.writes, ...sessionEndWrites(view.history, view.writes)]) {
    // (An ok close without a zxid counts by its reply's time: its own end, or a second close after an earlier one.)
    const session = o.session;
    if (o.op.type !== 'closeSession' || session === null) continue;
    const unseen = o.zxid === null && o.completeUs === null ? provedEnds.get(session) : undefined;
    if (unseen !== undefined) provedCeiling.set(o, unseen);
    else if (o.outcome === 'fail' || (o.zxid === null && o.completeUs === null)) continue;
    else if (o.outcome === 'ok' && isUncertain(o)) continue;
    const effects: Effect[] = [];
    for (const p of life.ephemeralsOf.get(session) ?? [])
      // (Or with no delete op of it, whoever else creates it: the session's node lives until its end; see ruledOut.)
      // (Not a node whose one life a certain delete ended, NodeLife.endCannotDelete: the end finds it gone.)
      if (
        ((life.deletedOnlyBy(p, session) && life.onlyCreator(p) === session && !goneBefore(view.writes, session, p)) || !life.explicitlyDeleted(p)) &&
        !life.endCannotDelete(p)
      )
        effects.push({ type: 'delete', path: p, version: undefined, byEnd: true });
    if (effects.length > 0) add(o, effects);
  }
  // Zxids of writes without one, pinned by a read's mzxid: on a node nothing deletes, the one certain write
  // that made the version the read shows (its create for version 0, else its setData) last set its data.
  const makers = new Map<string, ZkHistoryOp[]>(); // `${path} ${version}` -> certain writes that made it
  for (const list of byKey.values())
    for (const { o, effects } of list)
      for (const e of effects)
        if (e.type === 'create' || (e.type === 'setData' && e.version !== undefined)) {
          const k = `${e.path} ${e.type === 'create' ? 0 : e.version}`;
          const had = makers.get(k) ?? [];
          if (!had.includes(o)) had.push(o);
          makers.set(k, had);
        }
  const pins = new Map<ZkHistoryOp, number>();
  for (const o of view.history.ops) {
    const r = o.result;
    if (o.outcome !== 'ok' || r === null || r.rc !== 'ok' || r.exists === false || r.mzxid === undefined || r.mzxid <= 0 || r.version === undefined) continue;
    if (o.op.type !== 'getData' && o.op.type !== 'exists') continue;
    if (life.mayDelete(o.op.path)) continue;
    const list = makers.get(`${o.op.path} ${r.version}`);
    if (list !== undefined && list.length === 1 && list[0]!.zxid === null) pins.set(list[0]!, r.mzxid);
  }
  // A create of unknown outcome that is the only op creating its node took effect, at the mzxid a read
  // shows for that node at version 0 (DataTree.createNode stamps the create's zxid as mzxid; only a
  // setData changes it, and raises the version): a change known by that zxid, like a certain write's.
  const shownCreated = new Map<string, number>(); // path -> the mzxid a read shows there at version 0
  for (const o of view.history.ops) {
    const r = o.result;
    if (o.outcome !== 'ok' || r === null || r.rc !== 'ok' || r.exists === false || r.version !== 0 || r.mzxid === undefined || r.mzxid <= 0) continue;
    if (o.op.type === 'getData' || o.op.type === 'exists') shownCreated.set(o.op.path, r.mzxid);
  }
  for (const o of shownCreated.size === 0 ? [] : view.writes) {
    if (o.outcome === 'fail' || !isUncertain(o) || o.op.type !== 'create' || o.op.mode === 'persistentSequential' || o.op.mode === 'ephemeralSequential')
      continue;
    const m = shownCreated.get(o.op.path);
    if (m === undefined || !life.createdOnce(o.op.path)) continue;
    add(o, [{ type: 'create', path: o.op.path, version: undefined }]);
    pins.set(o, m);
  }
  for (const [o, bound] of proved) {
    if (pins.has(o)) continue;
    if (bound === Infinity) {
      add(o, sureChanges(o.op), true);
      continue;
    }
    add(o, sureChanges(o.op));
    provedCeiling.set(o, bound);
  }
  // Round 13 (r13a, cases 1171962903, 542964059): a certain write W that found p missing, sent after a read that showed p,
  // proves that some delete of p (whichever op or session end it was) took effect between that read's state and
  // W's txn: W stands for that delete (`gone`), below W's zxid (or ceiling), known committed by W's reply.
  for (const o of view.writes)
    for (const f of writeFacts(o))
      if (!f.present)
        for (const k of [`exist:${f.path}`, `data:${f.path}`, `child:${parentOf(f.path)}`]) {
          const list = byKey.get(k);
          const entry = { o, effects: [{ type: 'delete' as const, path: f.path, version: undefined }], gone: true as const };
          if (list === undefined) byKey.set(k, [entry]);
          else list.push(entry);
        }
  const readCeiling = readStateCeiling(view);
  const zxidFloor = writeZxidFloor(view);
  /** `w`'s zxid is at or above any state `by` may show, and `w` (a multi) deletes not `p`: its create of `p` and a later delete are not both there. */
  const atOrAbove = (w: ZkHistoryOp, by: ZkHistoryOp, p: string): boolean =>
    !sureChanges(w.op).some((c) => c.type === 'delete' && c.path === p) && (w.zxid ?? zxidFloor(w) ?? 0) >= readCeiling(by);
  /** Whether write `w` (effects `effects`) provably came after read `by`'s state, by the read's result. */
  const ruledOut = (by: ZkHistoryOp, cls: WatchClass, path: string, w: ZkHistoryOp, effects: readonly Effect[]): boolean => {
    const r = by.result!;
    for (const e of effects) {
      if (e.byEnd === true) {
        // The node was there at the read and nothing re-creates it after its session's end: the session is its only
        // creator, or every create of it sent before the read's reply is the session's (the node the read showed is
        // the session's, which lives until that end).
        if (w.session === null || (life.onlyCreator(e.path) !== w.session && !life.createdOnlyByBefore(e.path, by.completeUs!, w.session))) continue;
        if (cls === 'data' && e.path === path && r.rc === 'ok' && r.exists !== false) return true;
        if (cls === 'child' && e.path === path && r.rc === 'ok') return true;
        if (cls === 'child' && parentOf(e.path) === path && r.children !== undefined && r.children.includes(childName(path, e.path))) return true;
      } else if (cls === 'child' && e.type === 'create' && parentOf(e.path) === path && r.children !== undefined) {
        // A create at or below the read's zxid left the child there for the read to list, unless deleted by then
        // (by a delete sent before the read's reply and not done before `w` was sent, or a session end of an ephemeral `w` made).
        // (Nor when `w`'s zxid is at or above the read's state; a session whose ephemeral it lists had not ended then.)
        const alive = new Set(r.children.flatMap((c) => life.ephemeralOnlyOf(path === '/' ? `/${c}` : `${path}/${c}`) ?? []));
        if (!r.children.includes(childName(path, e.path)) && (!life.mayDeleteAfter(e.path, w, by.completeUs!, alive) || life.undeletedThrough(e.path, readCeiling(by)) || atOrAbove(w, by, e.path)))
          return true;
      } else if (cls === 'child' && e.type === 'delete' && e.path === path && r.rc === 'ok') {
        // A delete of the listed node itself, as for a data watch below: before the read it needs a re-create.
        if (life.createdOnce(path) || !life.mayCreateBetween(path, w.invokeUs, by.completeUs!, -Infinity)) return true;
      } else if (cls === 'child' && e.type === 'delete' && parentOf(e.path) === path && r.children?.includes(childName(path, e.path)) === true) {
        // A delete of a child the read listed, as for a data watch below: before the read it needs a re-create.
        if (life.createdOnce(e.path) || !life.mayCreateBetween(e.path, w.invokeUs, by.completeUs!, -Infinity)) return true;
      } else if (cls === 'exist' && e.type === 'create' && e.path === path) {
        if (!life.mayDeleteAfter(path, w, by.completeUs!) || life.undeletedThrough(path, readCeiling(by)) || atOrAbove(w, by, path)) return true;
      } else if (cls === 'data' && e.path === path) {
        // (Versions only grow while a node lives: a read before the setData on a later incarnation needs a create after it.)
        if (
          e.type === 'setData' &&
          e.version !== undefined &&
          r.version !== undefined &&
          e.version > r.version &&
          (!life.mayDelete(path) || life.createdOnce(path) || !life.mayRecreateAfter(path, w, by.completeUs!))
        )
          return true;
        // A delete before the read's state needs a create after it that the read's state holds.
        // (The one create of the node made what the read saw: none is left to re-create it.)
        if (e.type === 'delete' && (life.createdOnce(path) || !life.mayRecreateAfter(path, w, by.completeUs!))) return true;
      }
    }
    return false;
  };
  const ceiling = writeZxidCeiling(view);
  let certainProved: Map<ZkHistoryOp, number> | null = null;
  return (by, cls, path) => {
    let byTime: ZkHistoryOp | null = null;
    let byZxid: ZkHistoryOp | null = null;
    let firstZxid = Infinity;
    let bySession: Map<number, number> | null = null;
    let onNode: ZkHistoryOp[] | null = null;
    let bySessionDone: Map<number, ZkHistoryOp> | null = null;
    let stand: ZkHistoryOp | null = null;
    let goneBy: Set<ZkHistoryOp> | null = null;
    const at = by.readZxid ?? null;
    const shown = cls === 'data' ? shownMzxid(by) : null;
    for (const { o: w, effects, ownOnly, gone } of byKey.get(`${cls}:${path}`) ?? []) {
      if (!effects.some((e) => changes(e, cls, path))) continue;
      if (gone === true) {
        // Only after a read that showed p (so p was there at its state, and the delete is above it: for a child watch,
        // a listing of p's parent that names p; case 542964059), sent before W, and not where the watch's own session
        // may own p (its close's end may be that delete: no event owed).
        const r = by.result!;
        const q = effects[0]!.path;
        const shown = cls === 'child' ? q !== path && r.children?.includes(childName(path, q)) === true : r.exists !== false;
        if (w.invokeUs <= by.completeUs! || r.rc !== 'ok' || !shown || (by.session !== null && sessionMayOwn(view, q, by.session))) continue;
        (goneBy ??= new Set()).add(w);
        // (By time only with a reply: a lost write pinned by an event has none.)
        if (w.completeUs !== null && (byTime === null || w.completeUs < byTime.completeUs!)) byTime = stand = w;
        const top = (w.zxid ?? ceiling(w) ?? Infinity) - 1;
        if (top < firstZxid) {
          byZxid = stand = w;
          firstZxid = top;
        }
        continue;
      }
      const z = w.zxid ?? pins.get(w) ?? null;
      // (A write that took effect and was sent after the read returned has a txn above the read's state: the leader
      // proposed it after the serving server had applied that state. A session end the history adds has no send time.)
      const sentAfter = w.op.type !== 'closeSession' && w.invokeUs > by.completeUs!;
      const after =
        (w.completeUs !== null && sentAfter) ||
        (at !== null && z !== null && z > at) ||
        (z !== null && z > readCeiling(by)) ||
        // A change of the node itself at a zxid above the mzxid the read shows is after the read's state: had it
        // been in that state, the node would show its zxid or a newer one (a setData or create stamps its zxid
        // as mzxid, DataTree.setData/createNode), or be missing (a delete not undone by a create).
        (shown !== null && z !== null && z > shown && effects.some((e) => e.path === path)) ||
        ruledOut(by, cls, path, w, effects);
      if (!after && !sentAfter) continue;
      if (w.session !== null && w.op.type !== 'closeSession' && w.invokeUs < ((bySessionDone ??= new Map()).get(w.session)?.invokeUs ?? Infinity))
        bySessionDone.set(w.session, w);
      if (ownOnly === true) continue;
      if (!after) {
        // A write without a reply that took effect (pinned or proved, as all here) sent after the read returned is
        // after its state too: only its zxid bound counts (a lost write is outside its session's order afterwards).
        const top = w.completeUs === null ? (z ?? provedCeiling.get(w) ?? null) : null;
        if (top !== null && top < firstZxid) {
          byZxid = w;
          firstZxid = top;
        }
        continue;
      }
      if (w.completeUs !== null && (byTime === null || w.completeUs < byTime.completeUs!)) byTime = w;
      // (Not a lost write: it is outside its session's order towards the ops sent after it.)
      const ordered = w.session !== null && w.completeUs !== null && !isUncertain(w) && w.op.type !== 'closeSession';
      if (ordered && w.invokeUs < ((bySession ??= new Map()).get(w.session!) ?? Infinity)) bySession.set(w.session!, w.invokeUs);
      if (w.op.type !== 'closeSession' && effects.some((e) => e.path === path && e.type !== 'create')) (onNode ??= []).push(w);
      // (For a write without a zxid, a bound above it does as well: the first change after the read is no
      // later, and a state at or above the bound holds it. For a certain one, also the bound a reply that needs
      // what it made puts on it, proved-writes.ts: round 13 (r13c), case 823624439, a create of /a below the
      // delete of /a at 1:3, the node's one create, fired a child watch of / before that delete could.)
      const top = z ?? provedCeiling.get(w) ?? atMost(ceiling(w), (certainProved ??= provedLostWrites(view, new Map(), true)).get(w));
      if (top !== null && top < firstZxid) {
        byZxid = w;
        firstZxid = top;
      }
    }
    const gone = { ...(stand !== null && (stand === byTime || stand === byZxid) ? { gone: true as const } : {}), ...(goneBy === null ? {} : { goneBy }) };
    return { byTime, byZxid, firstZxid, bySession: bySession ?? NO_SESSIONS, onNode: onNode ?? [], bySessionDone: bySessionDone ?? NO_WRITES, ...gone };
  };
}

/**
 * Whether the certain write `o` is provably in the state the watch-setting read showed (so it cannot be
 * the change after it): a setData that made a version at or below the one the read saw, or a create of
 * a child the read listed, when nothing in the history deletes that node (versions only grow while a
 * node lives; a node is created once while it lives).
 */
function inReadState(w: WatchSet, o: ZkHistoryOp, life: NodeLife): boolean {
  if (o.op.type === 'closeSession') return false;
  const r = w.by.result!;
  const path = opPath(w.by.op)!;
  // The read shows a node that only `o` can have made: `o`'s one txn is in the read's state.
  if (r.rc === 'ok' && r.exists !== false && (w.by.op.type === 'getData' || w.by.op.type === 'exists') && life.soleCreator(path) === o) return true;
  if (r.rc === 'ok' && r.children !== undefined && r.children.some((c) => life.soleCreator(path === '/' ? `/${c}` : `${path}/${c}`) === o)) return true;
  const certain = o.outcome === 'ok' && !isUncertain(o);
  const effects: Effect[] = [];
  // An op whose outcome is unknown made, if anything, the nodes it names (not an unnamed sequential one).
  if (certain) effectsOf(o.op, o.result, effects);
  else namedEffects(o.op, effects);
  const present = r.rc === 'ok' && r.exists !== false;
  return effects.some(
    (e) =>
      (w.cls === 'data' && e.path === path && e.type === 'create' && present && !life.mayDelete(path)) ||
      (w.cls === 'data' &&
        e.type === 'setData' &&
        e.path === path &&
        e.version !== undefined &&
        r.version !== undefined &&
        e.version <= r.version &&
        // (After the read's state, on a later incarnation, needs a create after that state and before the setData.)
        (!life.mayDelete(path) || life.createdOnce(path) || !life.mayCreateBetween(path, -Infinity, o.completeUs ?? Infinity, readFloor(w.by)))) ||
      (w.cls === 'child' &&
        e.type === 'create' &&
        parentOf(e.path) === path &&
        r.children !== undefined &&
        r.children.includes(childName(path, e.path)) &&
        !life.mayDelete(e.path)),
  );
}

/** The lesser of two bounds, either of which may be missing (null, undefined) or Infinity (none): null when neither. */
function atMost(a: number | null, b: number | undefined): number | null {
  const m = Math.min(a ?? Infinity, b ?? Infinity);
  return m === Infinity ? null : m;
}
