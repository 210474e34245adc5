// watch-order: see client.ts for what it checks.
import type { ZkHistory, ZkHistoryOp, ZkHistoryWatch, ZkOp, ZkResult } from '../history/types.js';
import { describeZxid } from './zk-writes.js';
import { armsWatch, pushOnce, stateZxid, violated, type ClientCheckResult } from './client-common.js';
import { HistoryView } from './history-view.js';

// ---------------------------------------------------------------------------------------------
// watch-order

export type WatchClass = 'data' | 'exist' | 'child';
export type Armed = { readonly by: ZkHistoryOp; readonly replyIndex: number; readonly connection: number; readonly trigger: ZkHistoryOp | null };

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

export const DATA_EXIST: readonly WatchClass[] = ['data', 'exist'];
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
        if (lastEvent !== null && e.zxid < lastEvent.zxid) {
          return violated(
            name,
            `watch events out of zxid order: ${e.type} ${e.path} (${describeZxid(e.zxid)}) arrived after ${lastEvent.type} ${lastEvent.path} (${describeZxid(lastEvent.zxid)})`,
            [],
            [lastEvent, e],
          );
        }
        lastEvent = e;
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
      // Arming.
      const op = o.op;
      if (armsWatch(o) && (op.type === 'getData' || op.type === 'exists' || op.type === 'getChildren')) {
        const cls: WatchClass = op.type === 'getChildren' ? 'child' : op.type === 'exists' && o.result!.exists === false ? 'exist' : 'data';
        const key = `${cls}:${op.path}`;
        if (!armed.has(key)) {
          const at = o.readZxid ?? null;
          triggers ??= triggerIndex(view);
          const trigger = at === null ? null : firstAfter(triggers.get(key), at);
          armed.set(key, { by: o, replyIndex: replies.length, connection, trigger });
        }
      }
    }
  }
  return { name, verdict: 'ok' };
}
