// The changes a write makes, as the events DataTree fires for them (watch-persistent-shared.ts, watch-persistent.ts).
import type { ZkHistoryWatch, ZkOp, ZkResult } from '../history/types.js';
import { sequentialOf } from './node-life.js';

export type EventType = ZkHistoryWatch['type'];

export const parentOf = (p: string): string => (p.lastIndexOf('/') <= 0 ? '/' : p.slice(0, p.lastIndexOf('/')));

/** The events a write's change fires as DataTree applies it (DataTree.createNode, deleteNode, setData). */
export function changesOf(op: ZkOp, result: ZkResult | null, out: [EventType, string][]): void {
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

/** How many sequential creates `op` holds whose node may be `path` (its prefix and ten digits, PrepRequestProcessor). */
export function namesSequential(op: ZkOp, path: string): number {
  if (op.type === 'multi') return op.ops.reduce((n, sub) => n + namesSequential(sub, path), 0);
  return op.type === 'create' && op.mode !== 'persistent' && op.mode !== 'ephemeral' && sequentialOf(op.path, path) ? 1 : 0;
}

export function hasSequentialCreate(op: ZkOp): boolean {
  if (op.type === 'multi') return op.ops.some(hasSequentialCreate);
  return op.type === 'create' && op.mode !== 'persistent' && op.mode !== 'ephemeral';
}

/** Every change an op of unknown outcome may make (each sub-op of a multi); true when it holds an unnamed sequential create. */
export function allChanges(op: ZkOp, out: [EventType, string][]): boolean {
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
