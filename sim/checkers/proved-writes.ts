// Writes whose outcome is unknown that the history proves took effect, with a bound above their zxid
// (watch-changes.ts owedChangeIndex: the watches such a write fires owe their events).
//
// A node exists only once some op created it. When a reply shows a node there (a read of it, a listing
// of its parent, or a write the leader found it for: write-presence.ts) and exactly one op of the history
// may create that node (NodeLife.soleCreator), that op took effect, before the state the reply shows, and
// with every sub-op ok (a multi is applied whole or not at all). So its zxid is at or below that state: a
// read's header zxid, the mzxid a read shows for the node (the create stamped its zxid there, and later
// setData ops only raise it), or below the txn of the write that found it. And, like every write of a
// session, below the session's end when that is known (PrepRequestProcessor makes a request of an ended
// session an error txn, which changes nothing).
import { isZkWrite } from '../history/types.js';
import type { ZkHistoryOp, ZkOp } from '../history/types.js';
import { isUncertain } from './zk-writes.js';
import { nodeLife } from './node-life.js';
import { writeFacts } from './write-presence.js';
import { writeZxidCeiling } from './write-zxid-ceiling.js';
import { writeZxidFloor } from './write-zxid-floor.js';
import type { HistoryView } from './history-view.js';

/** A change a write that succeeded made for sure, by its request alone (no unnamed sequential create). */
export type SureChange = { readonly type: 'create' | 'delete' | 'setData'; readonly path: string; readonly version: undefined };

/** The changes a write that succeeded made, as far as its request names them. */
export function sureChanges(op: ZkOp, out: SureChange[] = []): SureChange[] {
  if (op.type === 'multi') for (const sub of op.ops) sureChanges(sub, out);
  else if (op.type === 'create' && op.mode !== 'persistentSequential' && op.mode !== 'ephemeralSequential')
    out.push({ type: 'create', path: op.path, version: undefined });
  else if (op.type === 'delete' || op.type === 'setData') out.push({ type: op.type, path: op.path, version: undefined });
  return out;
}

/**
 * The lost writes a reply proves took effect, each with a zxid at or above its own (Infinity: none known),
 * and the same for session ends no client saw (by session, in `ends`). Deletes too: when a reply shows a
 * node missing at a state above the zxid of the one op that creates it (a certain create with its zxid),
 * the node was deleted in between, and when one lost delete op, or the end of the one session that may own
 * the node as an ephemeral, is all that may delete it, that took effect at or below that state.
 */
export function provedLostWrites(view: HistoryView, ends: Map<number, number> = new Map(), certainToo = false): Map<ZkHistoryOp, number> {
  const out = new Map<ZkHistoryOp, number>();
  const life = nodeLife(view);
  let ceiling: ((o: ZkHistoryOp) => number | null) | null = null;
  let floor: ((o: ZkHistoryOp) => number | null) | null = null;
  let shownMzxid: Map<string, number> | null = null;
  const prove = (path: string, bound: number): void => {
    const w = life.soleCreator(path);
    if (w === null || w.outcome === 'fail' || w.op.type === 'closeSession') return;
    // A certain write: only one without a zxid needs the bound (`certainToo`: zxid-packing.ts).
    if (!(w.outcome === 'info' || isUncertain(w)) && !(certainToo && w.zxid === null)) return;
    out.set(w, Math.min(out.get(w) ?? Infinity, bound));
  };
  // (`bound`: a zxid at or above the state that shows the node missing; `atLeast`: one at or below it.)
  // (`by`: the write that found the node missing; a create of it then is not the create that made the node gone.)
  const gone = (path: string, bound: number, atLeast = bound, by?: ZkHistoryOp): void => {
    const c = life.soleCreator(path, by);
    if (c === null || c.outcome === 'fail') return;
    // The node was made at or below: its certain create's zxid, or the mzxid a read of it shows (the one create
    // made the node that read saw, stamping its zxid as czxid; the mzxid is that or a later setData's).
    const made = c.outcome === 'ok' && !isUncertain(c) && c.zxid !== null ? c.zxid : ((shownMzxid ??= leastShownMzxid(view)).get(path) ?? null);
    if (made === null || made > atLeast) return;
    const d = life.soleDeleter(path);
    if (d === null) return;
    if ('session' in d) ends.set(d.session, Math.min(ends.get(d.session) ?? Infinity, bound));
    else if (d.op.outcome !== 'fail' && (d.op.outcome === 'info' || isUncertain(d.op))) out.set(d.op, Math.min(out.get(d.op) ?? Infinity, bound));
  };
  for (const o of view.history.ops) {
    const r = o.result;
    if (o.outcome === 'ok' && r !== null && !isUncertain(o) && o.readZxid != null && o.readZxid > 0) {
      if (((o.op.type === 'getData' || o.op.type === 'getChildren') && r.rc === 'noNode') || (o.op.type === 'exists' && r.exists === false))
        gone(o.op.path, o.readZxid);
    }
    if (o.outcome !== 'ok' || r === null || isUncertain(o) || (r.rc !== 'ok' && !isZkWrite(o.op))) continue;
    const op = o.op;
    if ((op.type === 'getData' || op.type === 'exists') && r.exists !== false)
      prove(op.path, Math.min(o.readZxid ?? Infinity, r.mzxid !== undefined && r.mzxid > 0 ? r.mzxid : Infinity));
    else if (op.type === 'getChildren') for (const c of r.children ?? []) prove(op.path === '/' ? `/${c}` : `${op.path}/${c}`, o.readZxid ?? Infinity);
    else if (isZkWrite(op))
      for (const f of writeFacts(o)) {
        // A present node was there at or below the write's state, so an upper bound on its zxid serves; a
        // missing one needs the exact state (a ceiling would let the node's create come after it).
        if (f.present) prove(f.path, (o.zxid ?? (ceiling ??= writeZxidCeiling(view))(o) ?? Infinity) - 1);
        else if (o.zxid !== null) gone(f.path, o.zxid - 1, o.zxid - 1, o);
        else {
          // Without a zxid: the state lies between the write's floor (write-zxid-floor.ts) and its ceiling, less one.
          const lo = (floor ??= writeZxidFloor(view))(o);
          if (lo !== null) gone(f.path, ((ceiling ??= writeZxidCeiling(view))(o) ?? Infinity) - 1, lo - 1, o);
        }
      }
  }
  if (out.size === 0) return out;
  const endOf = new Map<number, number>();
  for (const e of view.history.events ?? [])
    if (e.kind === 'session' && e.state === 'ENDED' && e.zxid !== undefined && e.zxid > 0)
      endOf.set(e.session, Math.min(endOf.get(e.session) ?? Infinity, e.zxid));
  for (const o of view.closeSessions)
    if (o.session !== null && o.zxid !== null && o.outcome === 'ok' && !isUncertain(o) && o.result!.rc === 'ok')
      endOf.set(o.session, Math.min(endOf.get(o.session) ?? Infinity, o.zxid));
  for (const [w, bound] of out) if (w.session !== null && endOf.has(w.session)) out.set(w, Math.min(bound, endOf.get(w.session)! - 1));
  return out;
}

/** By path: the least mzxid an ok getData or exists shows for the node there. */
function leastShownMzxid(view: HistoryView): Map<string, number> {
  const out = new Map<string, number>();
  for (const o of view.history.ops) {
    const r = o.result;
    if (o.outcome !== 'ok' || r === null || isUncertain(o) || r.rc !== 'ok' || r.exists === false || r.mzxid === undefined || r.mzxid <= 0) continue;
    if (o.op.type !== 'getData' && o.op.type !== 'exists') continue;
    out.set(o.op.path, Math.min(out.get(o.op.path) ?? Infinity, r.mzxid));
  }
  return out;
}
