// Which events a session's own write certainly fires (watch-order's lost-event check on own writes).
import type { ZkHistoryWatch, ZkOp, ZkResult } from '../history/types.js';
import { fires } from './watch-changes.js';

type EventType = ZkHistoryWatch['type'];

const parentOf = (p: string): string => (p.lastIndexOf('/') <= 0 ? '/' : p.slice(0, p.lastIndexOf('/')));

/**
 * Whether the committed op (result ok, or unknown) fires an event of `type` on `path` whatever the
 * history leaves open, as DataTree applies it or as DataTree.setWatches reports it after a reconnect.
 * Unlike fires(), a sequential create whose name the result does not give (no path, or a multi without
 * its sub-results) is not taken to have made `path`: PrepRequestProcessor names it from the parent's
 * cversion, which the history need not pin, so it certainly fires only its parent's child watch.
 */
export function firesForSure(op: ZkOp, result: ZkResult | null, type: EventType, path: string): boolean {
  if (result !== null && result.rc !== 'ok') return false;
  if (op.type === 'multi') return op.ops.some((sub, i) => firesForSure(sub, result?.results?.[i] ?? null, type, path));
  if (op.type === 'create' && (op.mode === 'persistentSequential' || op.mode === 'ephemeralSequential') && result?.path === undefined)
    return type === 'NodeChildrenChanged' && parentOf(op.path) === path;
  return fires(op, result, type, path, [], true);
}
