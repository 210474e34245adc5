// The ok writes that fire each one-shot watch class on a path, by zxid (watch-order.ts: the trigger a watch
// set at a known zxid expects). Split from watch-order.ts to keep it under 600 lines; same code.
import type { ZkHistoryOp, ZkOp, ZkResult } from '../history/types.js';
import { pushOnce } from './client-common.js';
import type { HistoryView } from './history-view.js';

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
