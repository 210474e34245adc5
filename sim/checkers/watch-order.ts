// watch-order: see client.ts for what it checks.
import { isZkWrite, opPath } from '../history/types.js';
import type { ZkHistory, ZkHistoryOp, ZkHistoryWatch, ZkOp, ZkResult } from '../history/types.js';
import { describeZxid, isUncertain, sessionEndWrites } from './zk-writes.js';
import { countAtMost } from './sort.js';
import { armsWatch, pushOnce, stateZxid, violated, type ClientCheckResult } from './client-common.js';
import { HistoryView } from './history-view.js';

// ---------------------------------------------------------------------------------------------
// watch-order

export type WatchClass = 'data' | 'exist' | 'child';
export type Armed = {
  readonly by: ZkHistoryOp;
  readonly replyIndex: number;
  readonly connection: number;
  readonly trigger: ZkHistoryOp | null;
  /** The last read that set this watch again (the server registers it anew), and on which connection. */
  readonly latest: ZkHistoryOp;
  readonly latestConnection: number;
};

/** Ok writes that fire a watch of each class on a path, by zxid (keys `data:/p`, `exist:/p`, `child:/p`). */
export function triggerIndex(view: HistoryView): Map<string, ZkHistoryOp[]> {
  const out = new Map<string, ZkHistoryOp[]>();
  const add = (key: string, o: ZkHistoryOp): void => pushOnce(out, key, o);
  const parent = (p: string): string => (p.lastIndexOf('/') <= 0 ? '/' : p.slice(0, p.lastIndexOf('/')));
  const visit = (op: ZkOp, result: ZkResult | null, o: ZkHistoryOp): void => {
    if (result === null || result.rc !== 'ok') return;
    switch (op.type) {
      case 'create': {
        const path = result.path ?? (op.mode === 'persistent' || op.mode === 'ephemeral' ? op.path : null);
        if (path !== null) {
          add(`exist:${path}`, o);
          add(`data:${path}`, o);
        }
        add(`child:${parent(op.path)}`, o);
        return;
      }
      case 'delete':
        add(`data:${op.path}`, o);
        add(`exist:${op.path}`, o);
        add(`child:${op.path}`, o);
        add(`child:${parent(op.path)}`, o);
        return;
      case 'setData':
        add(`data:${op.path}`, o);
        add(`exist:${op.path}`, o);
        return;
      case 'multi':
        op.ops.forEach((sub, i) => visit(sub, result.results?.[i] ?? { rc: 'ok' }, o));
        return;
      default:
        return;
    }
  };
  for (const o of view.okWritesByZxid()) visit(o.op, o.result, o);
  return out;
}
export function firstAfter(list: readonly ZkHistoryOp[] | undefined, zxid: number): ZkHistoryOp | null {
  if (list === undefined) return null;
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (list[mid]!.zxid! <= zxid) lo = mid + 1;
    else hi = mid;
  }
  return list[lo] ?? null;
}

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
  if (watchFree(view)) return { name, verdict: 'ok' };
  let explained: ((e: ZkHistoryWatch, after: number) => boolean) | null = null;
  let triggers: Map<string, ZkHistoryOp[]> | null = null;
  const restricted = restrictedPaths(history);
  for (const items of view.arrivals().values()) {
    const armed = new Map<string, Armed>(); // `${class}:${path}`
    const replyMax: number[] = []; // prefix max of reply state zxids, in arrival order
    const replies: ZkHistoryOp[] = [];
    let connection = 0;
    let lastEvent: ZkHistoryWatch | null = null;
    for (const item of items) {
      if (item.kind === 'session') {
        const e = item;
        if (e.state === 'CONNECTED' || e.state === 'DISCONNECTED') connection++;
        if (e.state === 'EXPIRED' || e.state === 'CLOSED' || e.state === 'AUTH_FAILED') armed.clear();
        continue;
      }
      if (item.kind === 'watch') {
        const e = item;
        // ZooKeeper 3.8 names no txn in a notification (NIOServerCnxn.process sends the header zxid -1), so
        // a negative event zxid is unknown: it orders nothing, and only the change's type, path and the
        // watch's set point are judged (the lost-event check on replies still holds it to the change).
        const known = e.zxid >= 0;
        if (known && lastEvent !== null && e.zxid < lastEvent.zxid) {
          return violated(
            name,
            `watch events out of zxid order: ${e.type} ${e.path} (${describeZxid(e.zxid)}) arrived after ${lastEvent.type} ${lastEvent.path} (${describeZxid(lastEvent.zxid)})`,
            [],
            [lastEvent, e],
          );
        }
        if (known) lastEvent = e;
        const hit: Armed[] = [];
        for (const c of consumes(e.type)) {
          const key = `${c}:${e.path}`;
          const a = armed.get(key);
          if (a !== undefined) hit.push(a);
          armed.delete(key);
        }
        if (hit.length === 0)
          return violated(name, `client ${e.client} got ${e.type} ${e.path} without holding a matching watch (fired twice, or never set)`, [], [e]);
        for (const a of hit) {
          explained ??= changeIndex(view);
          if (!explained(e, a.by.readZxid ?? 0))
            return violated(
              name,
              `client ${e.client} got ${e.type} ${e.path} at ${describeZxid(e.zxid)}, but no write of the history makes that change after its watch was set by #${a.by.id}`,
              [a.by],
              [e],
            );
          if (!known) continue;
          const at = a.by.readZxid;
          if (at !== undefined && at !== null && e.zxid <= at)
            return violated(
              name,
              `client ${e.client} got ${e.type} ${e.path} for a change at ${describeZxid(e.zxid)}, but its watch was set by #${a.by.id} on the state at ${describeZxid(at)}, which already included that change`,
              [a.by],
              [e],
            );
          const before = a.replyIndex === 0 ? -1 : replyMax[a.replyIndex - 1]!;
          const latest = replyMax.length === 0 ? -1 : replyMax[replyMax.length - 1]!;
          if (latest >= e.zxid && before < e.zxid) {
            const r = replies.slice(a.replyIndex).find((x) => stateZxid(x)! >= e.zxid)!;
            return violated(
              name,
              `client ${e.client} saw #${r.id} reflecting ${describeZxid(stateZxid(r))} before the ${e.type} event of ${describeZxid(e.zxid)} for its watch on ${e.path}`,
              [a.by, r],
              [e],
            );
          }
        }
        continue;
      }
      const o = item;
      const z = stateZxid(o);
      // Lost events, own writes: the session's own write that fires a watch it holds triggers it while the
      // server applies it (DataTree, then FinalRequestProcessor replies), so on one connection the event
      // comes before the reply, zxid or not.
      if (isZkWrite(o.op) && o.result !== null && o.result.rc === 'ok') {
        for (const [key, a] of armed) {
          if (a.by.invokeUs > o.invokeUs || a.connection !== connection) continue;
          const path = key.slice(key.indexOf(':') + 1);
          if (restricted.size > 0 && restricted.has(path)) continue; // may be filtered by ACL
          const types = CLASS_EVENTS[key.slice(0, key.indexOf(':')) as WatchClass];
          if (!types.some((t) => fires(o.op, o.result, t, path, []))) continue;
          return violated(
            name,
            `client ${o.client} got the reply to its own #${o.id}, which fires its watch on ${path} set by #${a.by.id}, before any event for it (the event came late, or was lost)`,
            [a.by, o],
          );
        }
      }
      // Lost events: this reply reflects a change that fires a watch still held.
      if (z !== null) {
        for (const [key, a] of armed) {
          if (a.trigger === null || a.trigger.zxid! > z) continue;
          if (key.startsWith('exist:') && a.connection !== connection) continue; // the documented setWatches gap
          if (restricted.size > 0 && restricted.has(key.slice(key.indexOf(':') + 1))) continue; // may be filtered by ACL
          return violated(
            name,
            `client ${o.client} got #${o.id} reflecting ${describeZxid(z)} before any event for #${a.trigger.id} (${describeZxid(a.trigger.zxid)}), which fires its watch on ${key.slice(key.indexOf(':') + 1)} set by #${a.by.id} (the event came late, or was lost)`,
            [a.by, a.trigger, o],
          );
        }
        replies.push(o);
        replyMax.push(Math.max(z, replyMax.length === 0 ? -1 : replyMax[replyMax.length - 1]!));
      }
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
        if (!armed.has(key)) {
          const at = o.readZxid ?? null;
          triggers ??= triggerIndex(view);
          const trigger = at === null ? null : firstAfter(triggers.get(key), at);
          armed.set(key, { by: o, replyIndex: replies.length, connection, trigger, latest: o, latestConnection: connection });
        } else armed.set(key, { ...armed.get(key)!, latest: o, latestConnection: connection });
      }
    }
  }
  return { name, verdict: 'ok' };
}

/** Whether the committed op (its result ok, or unknown) makes the change a watch event of `type` on `path` reports. */
function fires(op: ZkOp, result: ZkResult | null, type: ZkHistoryWatch['type'], path: string, ephemerals: readonly string[]): boolean {
  if (result !== null && result.rc !== 'ok') return false;
  const parent = (p: string): string => (p.lastIndexOf('/') <= 0 ? '/' : p.slice(0, p.lastIndexOf('/')));
  switch (op.type) {
    case 'create': {
      const sequential = op.mode === 'persistentSequential' || op.mode === 'ephemeralSequential';
      const made = result?.path ?? (sequential ? null : op.path);
      if (type === 'NodeChildrenChanged') return parent(op.path) === path;
      if (type !== 'NodeCreated' && type !== 'NodeDataChanged') return false; // setWatches: a recreated node's mzxid is its create's
      // An unnamed sequential create may have made any name of its prefix.
      return made !== null ? made === path : path.startsWith(op.path) && /^\d{10}$/.test(path.slice(op.path.length));
    }
    case 'delete':
      return (type === 'NodeDeleted' && op.path === path) || (type === 'NodeChildrenChanged' && parent(op.path) === path);
    case 'setData':
      return type === 'NodeDataChanged' && op.path === path;
    case 'multi':
      return op.ops.some((sub, i) => fires(sub, result?.results?.[i] ?? null, type, path, ephemerals));
    case 'closeSession':
      // (An unnamed ephemeral sequential node is listed by its prefix.)
      return ephemerals.some(
        (p) =>
          (type === 'NodeDeleted' && (p === path || (path.startsWith(p) && /^\d{10}$/.test(path.slice(p.length))))) ||
          (type === 'NodeChildrenChanged' && parent(p) === path),
      );
    default:
      return false;
  }
}

/**
 * Each watch event reports a committed change (WatchManager.triggerWatch runs as DataTree applies a txn)
 * made after its watch was set. The event's zxid is the serving server's state when it fired: the change's
 * own zxid, or, for an event DataTree.setWatches fires on reconnection, a later one. So some write of
 * the history with a zxid in (the watch-setting read's zxid, the event's zxid] must make that change
 * (type and path), or else a write without a zxid, or a session end the history does not place, must be
 * able to. Returns the test: (event, lower bound) -> explained.
 */
function changeIndex(view: HistoryView): (e: ZkHistoryWatch, after: number) => boolean {
  const ends = sessionEndWrites(view.history, view.writes);
  const writes = ends.length === 0 ? view.writes : [...view.writes, ...ends];
  const endedAt = new Set<number>();
  for (const o of writes) if (o.op.type === 'closeSession' && o.session !== null) endedAt.add(o.session);
  const ephemerals = ephemeralNodes(writes);
  const byKey = new Map<string, number[]>(); // `${type} ${path}` -> zxids of the writes that make that change
  const loose: ZkHistoryOp[] = []; // writes without a zxid, and unnamed sequential creates
  const parent = (p: string): string => (p.lastIndexOf('/') <= 0 ? '/' : p.slice(0, p.lastIndexOf('/')));
  const add = (key: string, z: number): void => {
    const list = byKey.get(key);
    if (list === undefined) byKey.set(key, [z]);
    else list.push(z);
  };
  const visit = (op: ZkOp, result: ZkResult | null, o: ZkHistoryOp): void => {
    if (result !== null && result.rc !== 'ok') return;
    const z = o.zxid!;
    switch (op.type) {
      case 'create': {
        const sequential = op.mode === 'persistentSequential' || op.mode === 'ephemeralSequential';
        const made = result?.path ?? (sequential ? null : op.path);
        if (made === null) loose.push(o);
        else {
          add(`NodeCreated ${made}`, z);
          add(`NodeDataChanged ${made}`, z); // setWatches: a recreated node's mzxid is its create's
        }
        add(`NodeChildrenChanged ${parent(op.path)}`, z);
        return;
      }
      case 'delete':
        add(`NodeDeleted ${op.path}`, z);
        add(`NodeChildrenChanged ${parent(op.path)}`, z);
        return;
      case 'setData':
        add(`NodeDataChanged ${op.path}`, z);
        return;
      case 'multi':
        op.ops.forEach((sub, i) => visit(sub, result?.results?.[i] ?? null, o));
        return;
      case 'closeSession':
        if (o.session === null) return;
        loose.push(o); // its unnamed sequential nodes are listed by their prefix: fires() matches them
        for (const p of ephemerals.get(o.session) ?? []) {
          add(`NodeDeleted ${p}`, z);
          add(`NodeChildrenChanged ${parent(p)}`, z);
        }
        return;
      default:
        return;
    }
  };
  for (const o of writes) {
    if (o.zxid === null) loose.push(o);
    else visit(o.op, isUncertain(o) ? null : o.result, o);
  }
  for (const list of byKey.values()) list.sort((a, b) => a - b);
  return (e, after) => {
    const list = byKey.get(`${e.type} ${e.path}`);
    if (list !== undefined) {
      const k = countAtMost(list, after); // the first change after the watch was set
      if (k < list.length && (e.zxid < 0 || list[k]! <= e.zxid)) return true; // zxid -1: no txn named, any later change
    }
    for (const o of loose) {
      const eph = o.op.type === 'closeSession' && o.session !== null ? (ephemerals.get(o.session) ?? []) : [];
      if (fires(o.op, isUncertain(o) ? null : o.result, e.type, e.path, eph)) return true;
    }
    // A session end the history does not record (an expiry, a close whose reply was lost) deletes the session's ephemerals.
    for (const [session, paths] of ephemerals) if (!endedAt.has(session) && fires({ type: 'closeSession' }, null, e.type, e.path, paths)) return true;
    return false;
  };
}

/** The nodes each session's ephemeral creates made (or may have made), by session. */
function ephemeralNodes(writes: readonly ZkHistoryOp[]): Map<number, string[]> {
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

/** What a read showed of its path, as far as a watch is concerned (null: nothing comparable). */
type Seen = { kind: 'absent' } | { kind: 'data'; data: string | undefined; version: number | undefined } | { kind: 'children'; children: string };

function seenBy(o: ZkHistoryOp): Seen | null {
  const r = o.result;
  if (o.outcome !== 'ok' || r === null) return null;
  switch (o.op.type) {
    case 'exists':
      return r.exists === false ? { kind: 'absent' } : r.rc === 'ok' ? { kind: 'data', data: undefined, version: r.version } : null;
    case 'getData':
      return r.rc === 'noNode' ? { kind: 'absent' } : r.rc === 'ok' ? { kind: 'data', data: r.data, version: r.version } : null;
    case 'getChildren':
      return r.rc === 'noNode'
        ? { kind: 'absent' }
        : r.rc === 'ok' && r.children !== undefined
          ? { kind: 'children', children: [...r.children].sort().join('/') }
          : null;
    default:
      return null;
  }
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
 * must have arrived before `o`: a watch still armed here lost its event. Other connections are left to
 * the zxid checks (setWatches after a reconnect may be served from a different state).
 */
function changedUnderWatch(o: ZkHistoryOp, armed: ReadonlyMap<string, Armed>, connection: number, restricted: ReadonlySet<string>): Armed | null {
  if (armed.size === 0 || (o.op.type !== 'getData' && o.op.type !== 'exists' && o.op.type !== 'getChildren')) return null;
  const path = o.op.path;
  if (restricted.size > 0 && restricted.has(path)) return null; // may be filtered by ACL
  for (const cls of ['exist', 'data', 'child'] as const) {
    const a = armed.get(`${cls}:${path}`);
    if (a === undefined) continue;
    // The first read that set it, and the last one that set it again, each when on this connection.
    if (a.connection === connection && firedBetween(cls, a.by, o)) return a;
    if (a.latestConnection === connection && a.latest !== a.by && firedBetween(cls, a.latest, o)) return { ...a, by: a.latest };
  }
  return null;
}

/** Whether `o` shows a change since `by` (an earlier read on the same connection) that fires a `cls` watch. */
function firedBetween(cls: WatchClass, by: ZkHistoryOp, o: ZkHistoryOp): boolean {
  const after = seenBy(o);
  const before = seenBy(by);
  if (before === null || after === null || by === o) return false;
  let fired = false;
  if (cls === 'exist') fired = before.kind === 'absent' && after.kind !== 'absent';
  else if (after.kind === 'absent') fired = before.kind !== 'absent';
  else if (cls === 'data' && before.kind === 'data' && after.kind === 'data')
    fired =
      (before.version !== undefined && after.version !== undefined && before.version !== after.version) ||
      (before.data !== undefined && after.data !== undefined && before.data !== after.data);
  else if (cls === 'child' && before.kind === 'children' && after.kind === 'children') fired = before.children !== after.children;
  return fired;
}
