// The changes of a history that can explain a watch event (watch-order, watch-order.ts): which writes
// make which change on which path, and how exactly an event must match the change that fired it.
import type { ZkHistoryOp, ZkHistoryWatch, ZkOp, ZkResult } from '../history/types.js';
import { isUncertain, sessionEndWrites } from './zk-writes.js';
import { countAtMost } from './sort.js';
import type { HistoryView } from './history-view.js';

export type WatchClass = 'data' | 'exist' | 'child';
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

/** Whether `path` may be a name an unnamed sequential create of `prefix` made (10 digits appended). */
const sequentialOf = (prefix: string, path: string): boolean => path.startsWith(prefix) && /^\d{10}$/.test(path.slice(prefix.length));

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

/** The nodes each session's ephemeral creates made (or may have made), by session. */
export function ephemeralNodes(writes: readonly ZkHistoryOp[]): Map<number, string[]> {
  const out = new Map<number, string[]>();
  const visit = (op: ZkOp, result: ZkResult | null, session: number): void => {
    if (op.type === 'multi') op.ops.forEach((sub, i) => visit(sub, result?.results?.[i] ?? null, session));
    else if (op.type === 'create' && (op.mode === 'ephemeral' || op.mode === 'ephemeralSequential')) {
      const list = out.get(session) ?? [];
      list.push(result?.path ?? op.path);
      out.set(session, list);
    }
  };
  for (const o of writes) if (o.session !== null && (o.result === null || o.result.rc === 'ok' || isUncertain(o))) visit(o.op, o.result, o.session);
  return out;
}

/** The watch an event is matched to, as far as explaining it goes. */
export type WatchSet = {
  /** The read that set it. */
  readonly by: ZkHistoryOp;
  /** The zxid of that read's state (0 when unknown): the change must come after it. */
  readonly after: number;
  /**
   * The event arrived on the connection the watch was set on: the server that registered it fired it
   * as it applied the change, so the event is exactly that change's (type, and zxid when known).
   * Otherwise the client re-sent it with setWatches on a later connection, and the event may be one
   * DataTree.setWatches sent for the state it found (any event of the class, a zxid at or above the change).
   */
  readonly sameConnection: boolean;
};

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
  const ephemerals = ephemeralNodes(writes);
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
        for (const p of ephemerals.get(o.session) ?? []) {
          both(`NodeDeleted ${p}`, c);
          both(`NodeChildrenChanged ${parentOf(p)}`, c);
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
  const reconnectChanges = sorted(reconnect);
  return (e, w) => {
    const known = e.zxid > 0; // ZooKeeper 3.8 sends -1: no txn named
    const list = (w.sameConnection ? exactChanges : reconnectChanges).get(`${e.type} ${e.path}`);
    if (list !== undefined) {
      // The changes after the watch was set, up to the event's zxid (exactly it, on the same connection),
      // by a write sent before the event arrived.
      const from =
        known && w.sameConnection ? Math.max(countAtMost(list.zxids, w.after), countAtMost(list.zxids, e.zxid - 1)) : countAtMost(list.zxids, w.after);
      for (let k = from; k < list.zxids.length; k++) {
        const z = list.zxids[k]!;
        if (known && (z > e.zxid || (w.sameConnection && z !== e.zxid))) break;
        if (list.invokes[k]! < e.atUs) return true;
      }
    }
    // A zxid the event names that a write of the history holds is that write's; none of the loose ones.
    const named = known && view.okByZxid.get(e.zxid) !== undefined;
    if (!(w.sameConnection && named)) {
      for (const o of loose) {
        if (sentAt(o) >= e.atUs) continue;
        // The session's own write that completed before its watch-setting read was issued is in that read's state.
        if (o.session !== null && o.session === w.by.session && o.completeUs !== null && o.completeUs < w.by.invokeUs && !isUncertain(o)) continue;
        const eph = o.op.type === 'closeSession' && o.session !== null ? (ephemerals.get(o.session) ?? []) : [];
        if (fires(o.op, isUncertain(o) ? null : o.result, e.type, e.path, eph, !w.sameConnection)) return true;
      }
    }
    // A session end the history does not record (an expiry, a close whose reply was lost) deletes the session's ephemerals.
    for (const [session, paths] of ephemerals)
      if (!endedAt.has(session) && fires({ type: 'closeSession' }, null, e.type, e.path, paths, !w.sameConnection)) return true;
    return false;
  };
}

/** The classes of watch on a path that a change fires, in the broad sense: any change of what that watch looks at. */
const CHANGES_BY_CLASS: Record<WatchClass, readonly EventType[]> = {
  data: ['NodeDataChanged', 'NodeDeleted', 'NodeCreated'],
  exist: ['NodeCreated', 'NodeDataChanged', 'NodeDeleted'],
  child: ['NodeChildrenChanged', 'NodeDeleted'],
};

/** Writes of one watch key, by invocation, with the earliest completion from each on. */
type ByInvocation = { readonly invokes: number[]; readonly ops: ZkHistoryOp[]; readonly minCompleteFrom: number[]; readonly minOpFrom: ZkHistoryOp[] };

/**
 * The certain writes (ok, with their result) that change a watched path, as a test: (class, path, set,
 * before) -> a write sent after `set` (so in no state a read that returned at `set` showed) and done
 * before `before` (so before any write sent then took effect: writes are linearizable), or null.
 */
export function laterChangeIndex(view: HistoryView): (cls: WatchClass, path: string, set: number, before: number) => ZkHistoryOp | null {
  const byKey = new Map<string, ZkHistoryOp[]>();
  const keysOf = (op: ZkOp, result: ZkResult | null, o: ZkHistoryOp, out: Set<string>): void => {
    if (result === null || result.rc !== 'ok') return;
    const paths: string[] = [];
    switch (op.type) {
      case 'create':
        if (result.path !== undefined) paths.push(result.path);
        paths.push(parentOf(op.path));
        break;
      case 'delete':
        paths.push(op.path, parentOf(op.path));
        break;
      case 'setData':
        paths.push(op.path);
        break;
      case 'multi':
        op.ops.forEach((sub, i) => keysOf(sub, result.results?.[i] ?? null, o, out));
        return;
      default:
        // (A session end is left out: which ephemerals it still deleted depends on the order.)
        return;
    }
    for (const p of paths)
      for (const cls of ['data', 'exist', 'child'] as const) if (CHANGES_BY_CLASS[cls].some((t) => fires(op, result, t, p, [], true))) out.add(`${cls}:${p}`);
  };
  for (const o of view.writes) {
    if (o.outcome !== 'ok' || isUncertain(o) || o.completeUs === null) continue;
    const keys = new Set<string>();
    keysOf(o.op, o.result, o, keys);
    for (const k of keys) {
      const list = byKey.get(k);
      if (list === undefined) byKey.set(k, [o]);
      else list.push(o);
    }
  }
  const index = new Map<string, ByInvocation>();
  for (const [k, list] of byKey) {
    list.sort((a, b) => a.invokeUs - b.invokeUs || a.id - b.id);
    const minCompleteFrom = new Array<number>(list.length);
    const minOpFrom = new Array<ZkHistoryOp>(list.length);
    for (let i = list.length - 1; i >= 0; i--) {
      const c = list[i]!.completeUs!;
      if (i === list.length - 1 || c < minCompleteFrom[i + 1]!) {
        minCompleteFrom[i] = c;
        minOpFrom[i] = list[i]!;
      } else {
        minCompleteFrom[i] = minCompleteFrom[i + 1]!;
        minOpFrom[i] = minOpFrom[i + 1]!;
      }
    }
    index.set(k, { invokes: list.map((o) => o.invokeUs), ops: list, minCompleteFrom, minOpFrom });
  }
  return (cls, path, set, before) => {
    const entry = index.get(`${cls}:${path}`);
    if (entry === undefined) return null;
    const i = countAtMost(entry.invokes, set);
    return i < entry.ops.length && entry.minCompleteFrom[i]! < before ? entry.minOpFrom[i]! : null;
  };
}
