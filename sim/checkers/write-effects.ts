// What a write did to the tree, as the watch checks read it (watch-changes.ts): the effects of a
// write that certainly took effect, what one of unknown outcome would have made, whether an effect
// changes what a watch looks at, and the floor a read's answer puts under the state it saw.
import type { ZkHistoryOp, ZkOp, ZkResult } from '../history/types.js';
import { isUncertain } from './zk-writes.js';

/** watch-changes.ts's WatchClass, named here so this file imports nothing back from there. */
type WatchClass = 'data' | 'exist' | 'child';

const parentOf = (p: string): string => (p.lastIndexOf('/') <= 0 ? '/' : p.slice(0, p.lastIndexOf('/')));

/** A certain write's effect on one node, as far as proving it came after a read goes. */
export type Effect = { readonly type: 'create' | 'delete' | 'setData'; readonly path: string; readonly version: number | undefined; readonly byEnd?: boolean };

/** The effects of an ok write with its result (a multi's sub-ops each), or none. */
export function effectsOf(op: ZkOp, result: ZkResult | null, out: Effect[]): void {
  if (result === null || result.rc !== 'ok') return;
  switch (op.type) {
    case 'create':
      if (result.path !== undefined) out.push({ type: 'create', path: result.path, version: undefined });
      return;
    case 'delete':
      out.push({ type: 'delete', path: op.path, version: undefined });
      return;
    case 'setData':
      out.push({ type: 'setData', path: op.path, version: result.version });
      return;
    case 'multi':
      op.ops.forEach((sub, i) => effectsOf(sub, result.results?.[i] ?? null, out));
      return;
    default:
      return;
  }
}

/** Whether the op (or a sub-op) is a sequential create, whose name its request does not give. */
export function hasUnnamedCreate(op: ZkOp): boolean {
  if (op.type === 'multi') return op.ops.some(hasUnnamedCreate);
  return op.type === 'create' && (op.mode === 'persistentSequential' || op.mode === 'ephemeralSequential');
}

/**
 * Whether an unnamed sequential create of the op (a multi's too) may make `p`: `p` is its prefix and ten digits
 * (PrepRequestProcessor.pRequest2TxnCreate appends the parent's cversion as %010d); under any other prefix it
 * makes another node.
 */
function mayNameSequential(op: ZkOp, p: string): boolean {
  if (op.type === 'multi') return op.ops.some((sub) => mayNameSequential(sub, p));
  return (
    op.type === 'create' &&
    (op.mode === 'persistentSequential' || op.mode === 'ephemeralSequential') &&
    p.startsWith(op.path) &&
    /^\d{10}$/.test(p.slice(op.path.length))
  );
}

/** The creates of nodes an op names (a multi's too), whatever its outcome. */
export function namedCreates(op: ZkOp, out: Effect[]): void {
  if (op.type === 'multi') for (const sub of op.ops) namedCreates(sub, out);
  else if (op.type === 'create' && op.mode !== 'persistentSequential' && op.mode !== 'ephemeralSequential')
    out.push({ type: 'create', path: op.path, version: undefined });
}

/**
 * What an op whose outcome is unknown made, if it took effect: the nodes it names (not an unnamed
 * sequential one), and the version a setData that names the version it expects gives (that one plus 1).
 */
export function namedEffects(op: ZkOp, out: Effect[]): void {
  if (op.type === 'multi') for (const sub of op.ops) namedEffects(sub, out);
  else if (op.type === 'setData' && op.version !== undefined && op.version >= 0) out.push({ type: 'setData', path: op.path, version: op.version + 1 });
  else namedCreates(op, out);
}

/** The mzxid a getData or exists shows for a node that is there (null when none is given). */
export function shownMzxid(by: ZkHistoryOp): number | null {
  const r = by.result;
  if (r === null || r.rc !== 'ok' || r.exists === false || r.mzxid === undefined || r.mzxid <= 0) return null;
  return by.op.type === 'getData' || by.op.type === 'exists' ? r.mzxid : null;
}

/** A zxid at or below the state a read showed: its header zxid, or the mzxid it shows (0 when neither). */
export function readFloor(o: ZkHistoryOp): number {
  const r = o.result;
  const m = r !== null && r.rc === 'ok' && r.exists !== false && r.mzxid !== undefined ? r.mzxid : 0;
  return Math.max(o.readZxid ?? 0, m);
}

export const childName = (parent: string, child: string): string => child.slice(parent === '/' ? 1 : parent.length + 1);

/**
 * Whether a certain effect changes what a watch of class `cls` on `path` looks at, so that it fires the
 * watch if it comes after the watch was set (a create of a data-watched node, or a delete of an
 * exists-watched one, needs a change in between that fired it already).
 */
export function changes(e: Effect, cls: WatchClass, path: string): boolean {
  if (cls === 'child') return (e.type !== 'setData' && parentOf(e.path) === path) || (e.type !== 'setData' && e.path === path);
  return e.path === path;
}

/**
 * Whether the session's own ephemeral `p` is certainly gone before its session ends, so that the end
 * changes nothing there: an ok delete of it by the session was sent after every create of it by the
 * session completed (the session is its only creator and deleter: nothing makes it again). Without
 * this the end was taken to delete a node its own delete had removed, owing an event to a watch set
 * after that delete (a false alarm on a real 3.8 ensemble's history, conformance seed 353467).
 */
export function goneBefore(writes: readonly ZkHistoryOp[], session: number, p: string): boolean {
  let lastCreateDone = -Infinity;
  for (const o of writes) {
    if (o.session !== session || o.outcome === 'fail') continue;
    const created: Effect[] = [];
    namedCreates(o.op, created);
    const makes = created.some((e) => e.path === p) || mayNameSequential(o.op, p) || (o.op.type === 'create' && o.result?.path === p);
    if (!makes) continue;
    if (isUncertain(o) || o.completeUs === null) return false;
    lastCreateDone = Math.max(lastCreateDone, o.completeUs);
  }
  for (const o of writes)
    if (
      o.session === session &&
      o.op.type === 'delete' &&
      o.op.path === p &&
      o.outcome === 'ok' &&
      !isUncertain(o) &&
      o.result?.rc === 'ok' &&
      o.invokeUs > lastCreateDone
    )
      return true;
  return false;
}
