// Which writes of a history may have put a given data value on a given path: a read that shows that value
// there shows a state holding one of them (a znode's data is what its last create or setData wrote).
import type { ZkHistoryOp, ZkOp, ZkResult } from '../history/types.js';
import type { HistoryView } from './history-view.js';
import { isUncertain } from './zk-writes.js';
import { sequentialOf } from './node-life.js';
import { newTree } from './znode-tree.js';

/** The paths of ZooKeeper's initial tree (/, /zookeeper and its children), whose data no write of the history set. */
const INITIAL_PATHS: ReadonlySet<string> = new Set(newTree().keys());

/** A write that may have put its data on `path` (or, for an unnamed sequential create, on a name under `prefix`). */
type DataWrite = { readonly op: ZkHistoryOp; readonly path: string | null; readonly prefix: string | null };

const memo = new WeakMap<HistoryView, Map<string, DataWrite[]>>();

/** The writes of the history by the data they write: every op sent, unless its reply says it changed nothing. */
function byData(view: HistoryView): Map<string, DataWrite[]> {
  let out = memo.get(view);
  if (out !== undefined) return out;
  out = new Map();
  const index = out;
  const visit = (op: ZkOp, result: ZkResult | null, o: ZkHistoryOp): void => {
    if (result !== null && result.rc !== 'ok') return;
    if (op.type === 'multi') op.ops.forEach((sub, i) => visit(sub, result?.results?.[i] ?? null, o));
    else if (op.type === 'setData' || op.type === 'kvSet' || op.type === 'kvCas' || op.type === 'create') {
      const sequential = op.type === 'create' && (op.mode === 'persistentSequential' || op.mode === 'ephemeralSequential');
      const named = op.type === 'create' ? (result?.path ?? (sequential ? null : op.path)) : op.path;
      const list = index.get(op.data) ?? [];
      list.push({ op: o, path: named, prefix: named === null ? op.path : null });
      index.set(op.data, list);
    }
  };
  for (const o of view.history.ops) if (o.outcome !== 'fail') visit(o.op, isUncertain(o) ? null : o.result, o);
  memo.set(view, out);
  return out;
}

/**
 * The one write that may have put `data` on `path`, or null when there are none or several. A read showing
 * `data` there (a node not in ZooKeeper's initial tree, whose data only writes set) reads a state that
 * holds that write's txn, whatever else the history leaves open: no other txn can have left that data.
 */
export function soleDataWriter(view: HistoryView, path: string, data: string): ZkHistoryOp | null {
  if (INITIAL_PATHS.has(path)) return null;
  let found: ZkHistoryOp | null = null;
  for (const w of byData(view).get(data) ?? []) {
    if (w.path !== null ? w.path !== path : !sequentialOf(w.prefix!, path)) continue;
    if (found !== null && found !== w.op) return null;
    found = w.op;
  }
  return found;
}

/** The one write whose txn a getData reply must hold because only it can have left the data shown (soleDataWriter), or null. */
export function shownDataWriter(view: HistoryView, read: ZkHistoryOp): ZkHistoryOp | null {
  const r = read.result;
  if (read.op.type !== 'getData' || read.outcome !== 'ok' || r === null || r.rc !== 'ok' || r.data === undefined) return null;
  return soleDataWriter(view, read.op.path, r.data);
}
