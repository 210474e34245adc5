// The changes one write's txn makes, as the events DataTree fires for them (DataTree.createNode, deleteNode, setData,
// each calling WatchManager.triggerWatch once per change; DataTree.processTxn applies a multi's sub-txns one by one):
// for the persistent-watch judgment (watch-persistent-shared.ts).
import type { ZkHistoryOp, ZkHistoryWatch, ZkOp, ZkResult } from '../history/types.js';
import { nodeLife, sequentialOf } from './node-life.js';
import { isUncertain } from './zk-writes.js';
import type { HistoryView } from './history-view.js';

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

const settersMemo = new WeakMap<HistoryView, Map<string, Map<ZkHistoryOp, number>>>();

/** By path: the writes not refused (ok, or of unknown outcome) with setData sub-ops of it, and how many (PersistentShared.canSucceed). */
export function setDataCounts(view: HistoryView): Map<string, Map<ZkHistoryOp, number>> {
  const had = settersMemo.get(view);
  if (had !== undefined) return had;
  const out = new Map<string, Map<ZkHistoryOp, number>>();
  for (const o of view.writes) {
    if (o.outcome === 'fail' || (o.result !== null && !isUncertain(o) && o.result.rc !== 'ok')) continue;
    for (const sub of o.op.type === 'multi' ? o.op.ops : [o.op]) {
      if (sub.type !== 'setData') continue;
      const byOp = out.get(sub.path) ?? new Map<ZkHistoryOp, number>();
      out.set(sub.path, byOp.set(o, (byOp.get(o) ?? 0) + 1));
    }
  }
  settersMemo.set(view, out);
  return out;
}

const INITIAL_NODES: ReadonlySet<string> = new Set(['/', '/zookeeper', '/zookeeper/quota', '/zookeeper/config']);

/**
 * Whether a write of unknown outcome can succeed at all: each node it creates has a parent, and each node
 * it deletes, sets or checks exists (at a version the history's setData ops can reach), in some state, as far as
 * the history's writes go: the node is in the initial tree, or another write that may succeed creates it, or an
 * earlier sub-op of the same multi does
 * (a multi is all or nothing, PrepRequestProcessor; every write of the history is recorded, as every
 * checker here takes it). Weaker than the tree: a node that may exist at some time may exist at any. And not
 * one NodeLife.cannotSucceed proves fails (a multi whose own sub-ops contradict each other, a version no
 * setData of the history reaches, a node no op makes): round 13 (r13c), an end's ephemeral, or a duplicate
 * event's count, taken from such a multi.
 */
export function canSucceedIn(view: HistoryView): (o: ZkHistoryOp) => boolean {
  const life = nodeLife(view);
  const creators = creatorsIndex(view);
  const setters = setDataCounts(view);
  return (o) => {
    if (life.cannotSucceed(o)) return false;
    const exists = (path: string, made: ReadonlySet<string>): boolean =>
      INITIAL_NODES.has(path) ||
      made.has(path) ||
      (creators.exact.get(path) ?? []).some((x) => x !== o) ||
      creators.sequential.some(([prefix, x]) => x !== o && sequentialOf(prefix, path));
    const made = new Set<string>();
    // (A node's version counts the setData txns of its life, so it never exceeds the setData sub-ops of the history
    // that may succeed, this op's earlier ones included: an expected version above that fails, PrepRequestProcessor.)
    const setHere = new Map<string, number>();
    const others = (path: string): number => [...(setters.get(path) ?? [])].reduce((n, [x, k]) => n + (x === o ? 0 : k), 0);
    const walk = (op: ZkOp): boolean => {
      switch (op.type) {
        case 'multi':
          return op.ops.every(walk);
        case 'create':
          if (!exists(op.path.lastIndexOf('/') <= 0 ? '/' : op.path.slice(0, op.path.lastIndexOf('/')), made)) return false;
          if (op.mode === 'persistent' || op.mode === 'ephemeral') made.add(op.path);
          return true;
        case 'delete':
        case 'setData':
        case 'check':
          if (!exists(op.path, made)) return false;
          if (op.version > 0 && !op.path.startsWith('/zookeeper') && others(op.path) + (setHere.get(op.path) ?? 0) < op.version) return false;
          if (op.type === 'setData') setHere.set(op.path, (setHere.get(op.path) ?? 0) + 1);
          return true;
        default:
          return true;
      }
    };
    return walk(o.op);
  };
}

/** The writes that may create each node (not refused): by exact path, and sequential creates of unknown name by prefix. */
function creatorsIndex(view: HistoryView): { exact: Map<string, ZkHistoryOp[]>; sequential: [string, ZkHistoryOp][] } {
  const exact = new Map<string, ZkHistoryOp[]>();
  const sequential: [string, ZkHistoryOp][] = [];
  const visit = (op: ZkOp, result: ZkResult | null, o: ZkHistoryOp): void => {
    if (op.type === 'multi') op.ops.forEach((sub, i) => visit(sub, result?.results?.[i] ?? null, o));
    else if (op.type === 'create') {
      const path = result?.path ?? (op.mode === 'persistent' || op.mode === 'ephemeral' ? op.path : null);
      if (path === null) sequential.push([op.path, o]);
      else exact.set(path, [...(exact.get(path) ?? []), o]);
    }
  };
  for (const o of view.writes) {
    if (o.outcome === 'fail') continue;
    const uncertain = isUncertain(o) || o.result === null;
    if (uncertain || o.result!.rc === 'ok') visit(o.op, uncertain ? null : o.result, o);
  }
  return { exact, sequential };
}
