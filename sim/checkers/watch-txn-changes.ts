// The changes one write's txn makes, as the events DataTree fires for them (DataTree.createNode, deleteNode, setData,
// each calling WatchManager.triggerWatch once per change; DataTree.processTxn applies a multi's sub-txns one by one):
// for the persistent-watch judgment (watch-persistent-shared.ts).
import type { ZkHistoryWatch, ZkOp, ZkResult } from '../history/types.js';
import { sequentialOf } from './node-life.js';

type EventType = ZkHistoryWatch['type'];

const parentOf = (p: string): string => (p.lastIndexOf('/') <= 0 ? '/' : p.slice(0, p.lastIndexOf('/')));

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

/**
 * How many times a write makes change `type` on `path` if it takes effect (`result` null: its outcome unknown, so
 * every sub-op counts), an upper bound: each sub-op fires each of its changes once per connection (DataTree.processTxn
 * applies a multi's sub-txns one by one, each createNode, deleteNode or setData calling WatchManager.triggerWatch
 * once per change, whose watchers are a Set). A sequential create whose name is not known counts as the event's node
 * when its prefix can make that name (node-life.ts sequentialOf); its parent's NodeChildrenChanged always. Round 13
 * (r13c): madeAt gave up (null) whenever a lost sequential create was a candidate, so three NodeChildrenChanged /a at
 * one zxid passed where the only txn there creates two children of /a.
 */
export function timesMade(op: ZkOp, result: ZkResult | null, type: EventType, path: string): number {
  if (result !== null && result.rc !== 'ok') return 0;
  switch (op.type) {
    case 'multi':
      return op.ops.reduce((n, sub, i) => n + timesMade(sub, result === null ? null : (result.results?.[i] ?? { rc: 'ok' }), type, path), 0);
    case 'create': {
      if (type === 'NodeChildrenChanged') return parentOf(op.path) === path ? 1 : 0;
      if (type !== 'NodeCreated') return 0;
      const named = result?.path ?? (op.mode === 'persistent' || op.mode === 'ephemeral' ? op.path : null);
      return (named !== null ? named === path : sequentialOf(op.path, path)) ? 1 : 0;
    }
    case 'delete':
      return (type === 'NodeDeleted' && op.path === path) || (type === 'NodeChildrenChanged' && parentOf(op.path) === path) ? 1 : 0;
    case 'setData':
      return type === 'NodeDataChanged' && op.path === path ? 1 : 0;
    default:
      return 0;
  }
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
