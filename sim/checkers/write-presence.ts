// What a write's reply shows about the tree as the leader found it, and the watches that state proves fired.
//
// PrepRequestProcessor checks every request against the state left by all earlier txns (its outstanding
// change records), in this order: a create needs its parent (noNode) and its own path free (nodeExists),
// a delete, setData, setACL or check needs the node (noNode) and, with a version, that version
// (badVersion). So an `ok` reply, or one with such an error rc, tells whether a path was there just before
// the write's txn, and sometimes its data version. The server that answers the session applies the txns in
// zxid order, fires the watches each one triggers as it applies it (DataTree → WatchManager.triggerWatch),
// and queues their events on the connection before the replies it sends later. A watch the session set
// there by a read issued before the write (so answered from a state below the write's txn: the client
// sends a session's requests in order, CommitProcessor serves them in order) saw the path one way; if the
// write's reply shows it another way, some txn in between changed it and fired the watch, so the event
// came before this reply.
import { isZkWrite } from '../history/types.js';
import type { ZkHistoryOp, ZkOp, ZkResult } from '../history/types.js';
import { sequentialOf } from './node-life.js';
import { isUncertain } from './zk-writes.js';

/** A path as the leader found it just before a write's txn: there or not, and its data version when known. */
export type PathFact = { readonly path: string; readonly present: boolean; readonly version?: number };

const parentOf = (p: string): string => (p.lastIndexOf('/') <= 0 ? '/' : p.slice(0, p.lastIndexOf('/')));

/**
 * The facts a definite write reply gives about the state just before its txn (empty for a reply whose
 * outcome is unknown). In a multi each sub-op was checked against the state the earlier sub-ops left
 * (PrepRequestProcessor.pRequest: one change record list for the whole multi), so a fact about a path an
 * earlier sub-op created, deleted or set is left out; sub-ops after the first error (runtimeInconsistency)
 * were not checked and say nothing.
 */
export function writeFacts(o: ZkHistoryOp): PathFact[] {
  const out: PathFact[] = [];
  if (o.outcome !== 'ok' || o.result === null || isUncertain(o) || !isZkWrite(o.op)) return out;
  if (o.op.type !== 'multi') {
    factsOf(o.op, o.result.rc, o.result, out);
    return out;
  }
  // (An ok multi recorded without its sub-results: every sub-op succeeded, PrepRequestProcessor applies it whole.)
  const results = o.result.results ?? (o.result.rc === 'ok' ? o.op.ops.map((): ZkResult => ({ rc: 'ok' })) : undefined);
  if (results === undefined || results.length !== o.op.ops.length) return out;
  const touched = new Set<string>();
  const prefixes: string[] = []; // sequential creates whose name the multi's results do not give
  for (let i = 0; i < o.op.ops.length; i++) {
    const sub = o.op.ops[i]!;
    const r = results[i]!;
    const mine: PathFact[] = [];
    factsOf(sub, r.rc, r, mine);
    for (const f of mine) if (!touched.has(f.path) && !prefixes.some((p) => sequentialOf(p, f.path))) out.push(f);
    if (r.rc !== 'ok') break;
    if (sub.type === 'create') {
      const sequential = sub.mode === 'persistentSequential' || sub.mode === 'ephemeralSequential';
      if (sequential && r.path === undefined) prefixes.push(sub.path);
      else touched.add(r.path ?? sub.path);
    } else if (sub.type === 'delete' || sub.type === 'setData') touched.add(sub.path);
  }
  return out;
}

/** The facts one (sub-)op's rc gives (the checks of PrepRequestProcessor, in their order). */
function factsOf(op: ZkOp, rc: ZkResult['rc'], result: ZkResult, out: PathFact[]): void {
  switch (op.type) {
    case 'create': {
      const sequential = op.mode === 'persistentSequential' || op.mode === 'ephemeralSequential';
      // pRequest2TxnCreate: the parent first (noNode), then the final path (nodeExists), then an ephemeral parent.
      if (rc === 'noNode') out.push({ path: parentOf(op.path), present: false });
      else if (rc === 'ok' || rc === 'nodeExists' || rc === 'noChildrenForEphemerals') {
        out.push({ path: parentOf(op.path), present: true });
        if (!sequential) out.push({ path: op.path, present: rc === 'nodeExists' });
      }
      return;
    }
    case 'delete':
    case 'setData':
    case 'check':
    case 'setACL': {
      if (rc === 'noNode') out.push({ path: op.path, present: false });
      else if (rc === 'ok' || rc === 'badVersion' || rc === 'notEmpty') {
        // The data version before the txn: the one an ok request asked for, or one below what setData made.
        let version: number | undefined;
        if (rc === 'ok' && op.type === 'setData') version = result.version !== undefined ? result.version - 1 : op.version >= 0 ? op.version : undefined;
        else if (rc === 'ok' && (op.type === 'delete' || op.type === 'check') && op.version >= 0) version = op.version;
        out.push(version === undefined ? { path: op.path, present: true } : { path: op.path, present: true, version });
      }
      return;
    }
    default:
      return;
  }
}

/** A watch still held, as far as this check looks at it (watch-order.ts's Armed). */
export type HeldWatch = {
  readonly by: ZkHistoryOp;
  readonly connection: number;
  readonly latest: ZkHistoryOp;
  readonly latestConnection: number;
};

/**
 * The watch held on connection `connection` (key `${class}:${path}`) that the write `o`, answered there,
 * proves fired before `o`'s reply, and the read whose state `o` contradicts; null if none. A watch is
 * compared with each read that set it on this connection and was issued before `o`:
 * - an exists watch on a missing node, when `o` shows the node there (NodeCreated). Also for one set on an
 *   older connection: the client re-sent it with setWatches ahead of `o` (ClientCnxn.primeConnection), and
 *   DataTree.setWatches either fired NodeCreated at once (the node was there) or registered it before the
 *   create that `o` shows had been applied there, which fired it;
 * - a data watch, when `o` shows the node missing, or at another data version (a setData or a re-create
 *   came between: NodeDataChanged or NodeDeleted);
 * - a child watch, when `o` shows the node missing (NodeDeleted), or a child present that the listing did
 *   not name, or missing that it named (NodeChildrenChanged).
 * `restricted`: paths whose events an ACL may filter (no finding there).
 */
export function firedBeforeWrite<A extends HeldWatch>(
  o: ZkHistoryOp,
  armed: ReadonlyMap<string, A>,
  connection: number,
  restricted: ReadonlySet<string>,
): { readonly watch: A; readonly by: ZkHistoryOp; readonly path: string; readonly present: boolean; readonly version?: number } | null {
  if (armed.size === 0) return null;
  for (const f of writeFacts(o)) {
    if (restricted.has(f.path)) continue;
    for (const cls of ['exist', 'data', 'child'] as const) {
      const a = armed.get(`${cls}:${f.path}`);
      if (a === undefined) continue;
      if (cls === 'exist' && f.present && a.by.invokeUs < o.invokeUs && a.connection <= connection) return { watch: a, by: a.by, ...f };
      // A data or child watch (set while its node was there) held from an older connection, and `o` finds the node
      // missing: the client re-sent the watch with setWatches ahead of `o`, and DataTree.setWatches either sent
      // NodeDeleted at once (the node was gone) or registered it while the node was there, and the delete before
      // `o`'s txn fired it on this server before `o`'s reply (the read-side twin is watch-order.ts changedUnderWatch).
      if (cls !== 'exist' && !f.present && a.connection < connection && a.by.invokeUs < o.invokeUs) return { watch: a, by: a.by, ...f };
      for (const [by, at] of [
        [a.by, a.connection],
        [a.latest, a.latestConnection],
      ] as const)
        if (at === connection && by.invokeUs < o.invokeUs && contradicts(by, cls, f)) return { watch: a, by, ...f };
    }
    const parent = parentOf(f.path);
    const a = f.path === '/' || restricted.has(parent) ? undefined : armed.get(`child:${parent}`);
    if (a === undefined) continue;
    const name = f.path.slice(parent === '/' ? 1 : parent.length + 1);
    for (const [by, at] of [
      [a.by, a.connection],
      [a.latest, a.latestConnection],
    ] as const) {
      const listed = by.op.type === 'getChildren' && by.outcome === 'ok' && by.result?.rc === 'ok' ? by.result.children : undefined;
      if (at === connection && by.invokeUs < o.invokeUs && listed !== undefined && listed.includes(name) !== f.present) return { watch: a, by, ...f };
    }
  }
  return null;
}

/**
 * The exists or data watch held on a child of the node a getChildren `o` lists, on the connection `o` was
 * answered on, that `o` proves fired before its reply: an exists watch on a missing node that `o` lists, or
 * a data watch on a node `o` does not list (the server applied the create or delete between the two reads,
 * in order, and fired the watch then), compared with each read that set it there before `o` was issued. An
 * exists watch set on an older connection counts too, as for a write (firedBeforeWrite).
 */
export function firedBeforeListing<A extends HeldWatch>(
  o: ZkHistoryOp,
  armed: ReadonlyMap<string, A>,
  connection: number,
  restricted: ReadonlySet<string>,
): { readonly watch: A; readonly by: ZkHistoryOp; readonly path: string; readonly present: boolean; readonly version?: number } | null {
  const r = o.result;
  if (armed.size === 0 || o.op.type !== 'getChildren' || o.outcome !== 'ok' || r === null || r.rc !== 'ok' || r.children === undefined) return null;
  const parent = o.op.path;
  for (const [key, a] of armed) {
    const cls = key.slice(0, key.indexOf(':'));
    const path = key.slice(key.indexOf(':') + 1);
    if ((cls !== 'exist' && cls !== 'data') || path === '/' || parentOf(path) !== parent || restricted.has(path)) continue;
    const f: PathFact = { path, present: r.children.includes(path.slice(parent === '/' ? 1 : parent.length + 1)) };
    // (An exists watch from an older connection too: setWatches fired it, or registered it before the create, as for a write.)
    if (cls === 'exist' && f.present && a.by.invokeUs < o.invokeUs && a.connection <= connection) return { watch: a, by: a.by, ...f };
    for (const [by, at] of [
      [a.by, a.connection],
      [a.latest, a.latestConnection],
    ] as const)
      if (at === connection && by.invokeUs < o.invokeUs && contradicts(by, cls, f)) return { watch: a, by, ...f };
  }
  return null;
}

/** Whether the watch-setting read `by` (class `cls`) saw its path otherwise than the fact `f` shows it. */
function contradicts(by: ZkHistoryOp, cls: 'exist' | 'data' | 'child', f: PathFact): boolean {
  const r = by.result;
  if (by.outcome !== 'ok' || r === null || r.rc !== 'ok') return false;
  if (cls === 'exist') return r.exists === false && f.present;
  if (cls === 'child') return !f.present;
  if (r.exists === false) return false;
  return !f.present || (f.version !== undefined && r.version !== undefined && f.version !== r.version);
}
