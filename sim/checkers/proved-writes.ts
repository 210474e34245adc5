// Writes whose outcome is unknown that the history proves took effect, with a bound above their zxid
// (watch-changes.ts owedChangeIndex: the watches such a write fires owe their events).
//
// A node exists only once some op created it. When a reply shows a node there (a read of it, a listing
// of its parent, or a write the leader found it for: write-presence.ts) and exactly one op of the history
// may create that node (NodeLife.soleCreator), that op took effect, before the state the reply shows, and
// with every sub-op ok (a multi is applied whole or not at all). So its zxid is at or below that state: a
// read's header zxid (for a read recorded without one, the header of an op its session issued after it:
// sessionLaterState), the mzxid a read shows for the node (the create stamped its zxid there, and later
// setData ops only raise it), or below the txn of the write that found it. And, like every write of a
// session, below the session's end when that is known (PrepRequestProcessor makes a request of an ended
// session an error txn, which changes nothing). A read that shows the node missing after its one create
// (a certain create at a zxid at or below its header, or one its own session issued before it) proves the one
// thing that may delete it took effect, at or below that read's state.
import { isZkWrite } from '../history/types.js';
import type { ZkHistoryOp, ZkOp, ZkResult } from '../history/types.js';
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
export function provedLostWrites(
  view: HistoryView,
  ends: Map<number, number> = new Map(),
  certainToo = false,
  provers: Map<ZkHistoryOp, ZkHistoryOp[]> | null = null,
): Map<ZkHistoryOp, number> {
  const out = new Map<ZkHistoryOp, number>();
  // (`provers`, when asked: by reply, the writes it proves took effect; that reply's state holds each of them.)
  let current: ZkHistoryOp | null = null;
  const proves = (w: ZkHistoryOp): void => {
    if (provers === null || current === null) return;
    const list = provers.get(current);
    if (list === undefined) provers.set(current, [w]);
    else if (!list.includes(w)) list.push(w);
  };
  const life = nodeLife(view);
  let ceiling: ((o: ZkHistoryOp) => number | null) | null = null;
  let floor: ((o: ZkHistoryOp) => number | null) | null = null;
  let shownMzxid: Map<string, number> | null = null;
  let laterState: ((o: ZkHistoryOp) => number) | null = null;
  // A reply of a session that itself deleted the node before (a certain ok delete it sent earlier, whose txn its state
  // holds: CommitProcessor keeps a session's order) shows a node made after that delete: not by a create whose txn
  // lies below the delete (its zxid below the delete's, or it completed before the delete was sent). Round 13, case
  // 1153145966: /a deleted by the session, then shown by its exists, made by the one other create of /a.
  const afterOwnDelete = (path: string): ZkHistoryOp | null => {
    const reader = current;
    if (reader === null || reader.session === null) return null;
    let del: ZkHistoryOp | null = null;
    for (const o of view.opsBySession.get(reader.session)?.ops ?? [])
      if (o.completeUs !== null && o.completeUs < reader.invokeUs && o.outcome === 'ok' && o.result?.rc === 'ok' && !isUncertain(o) && deletes(o.op, path))
        if (del === null || o.completeUs > del.completeUs!) del = o;
    if (del === null) return null;
    const d = del;
    return life.soleCreator(path, (c) => c.outcome === 'ok' && c.result !== null && !isUncertain(c) && ((c.zxid !== null && d.zxid !== null && c.zxid < d.zxid) || (c.completeUs !== null && c.completeUs < d.invokeUs)));
  };
  const prove = (path: string, bound: number): void => {
    const w = life.soleCreator(path) ?? afterOwnDelete(path);
    if (w === null || w.outcome === 'fail' || w.op.type === 'closeSession') return;
    // A certain write: only one without a zxid needs the bound (`certainToo`: zxid-packing.ts).
    if (!(w.outcome === 'info' || isUncertain(w)) && !(certainToo && w.zxid === null)) return;
    out.set(w, Math.min(out.get(w) ?? Infinity, bound));
    proves(w);
  };
  // (`bound`: a zxid at or above the state that shows the node missing; `atLeast`: one at or below it.)
  // (`by`: the write that found the node missing; a create of it then is not the create that made the node gone.)
  // (`reader`: a read without a header that shows the node missing; a certain create its session issued before
  // it is in its state, whatever its zxid: a session's requests are served in order.)
  const gone = (path: string, bound: number, atLeast = bound, by?: ZkHistoryOp, reader: ZkHistoryOp | null = null): void => {
    const c = life.soleCreator(path, by);
    if (c === null || c.outcome === 'fail') return;
    const before =
      reader !== null && c.outcome === 'ok' && !isUncertain(c) && c.session !== null && c.session === reader.session && c.invokeUs < reader.invokeUs;
    // Else the node was made at or below: its certain create's zxid, or the mzxid a read of it shows (the one create
    // made the node that read saw, stamping its zxid as czxid; the mzxid is that or a later setData's).
    const made = before ? -Infinity : c.outcome === 'ok' && !isUncertain(c) && c.zxid !== null ? c.zxid : ((shownMzxid ??= leastShownMzxid(view)).get(path) ?? null);
    if (made === null || made > atLeast) return;
    const d = life.soleDeleter(path);
    if (d === null) return;
    if ('session' in d) {
      if (bound !== Infinity) ends.set(d.session, Math.min(ends.get(d.session) ?? Infinity, bound));
    }
    else if (d.op.outcome !== 'fail' && (d.op.outcome === 'info' || isUncertain(d.op))) {
      out.set(d.op, Math.min(out.get(d.op) ?? Infinity, bound));
      proves(d.op);
    }
  };
  let kids: Map<string, string[]> | null = null;
  /** `path` shown missing by the certain read `o`, at its header, or at or below its session's next one (sessionLaterState). */
  const goneAt = (path: string, o: ZkHistoryOp): void => {
    if (o.readZxid != null && o.readZxid > 0) gone(path, o.readZxid);
    // Without a header (Infinity: no later op of its session bounds it): only a create its own session issued
    // before it is known to be in its state, and a proved op then has no bound on its zxid.
    else gone(path, (laterState ??= sessionLaterState(view))(o), -Infinity, undefined, o);
  };
  // A data version: a write that found the node at version v ≥ 1 (the version its request asked for, or one below
  // what its setData made) came after v setData txns of the node's current life (DataTree.setData adds one each;
  // a create starts at 0). When the setData (sub-)ops of that path sent before its reply that may have taken effect
  // (not an error reply) number exactly v, each took effect below its txn: one in an earlier life would leave fewer
  // than v in this one, which no execution gives (round 13, case 3103818810: a lost setData, then a delete at v1).
  let setsOf: Map<string, [ZkHistoryOp, number][]> | null = null;
  const setsBefore = (path: string, v: number, bound: number): void => {
    const o = current!;
    let n = 0;
    const lost: ZkHistoryOp[] = [];
    for (const [x, count] of (setsOf ??= setDataOps(view)).get(path) ?? []) {
      if (x === o || x.invokeUs >= (o.completeUs ?? Infinity)) continue;
      n += count;
      if (x.outcome === 'info' || isUncertain(x)) lost.push(x);
    }
    if (n !== v) return;
    for (const x of lost) {
      out.set(x, Math.min(out.get(x) ?? Infinity, bound));
      proves(x);
    }
  };
  /** A read showing `path` at version `v`, at a state at or below `bound`: its setters proved, when they are few enough. */
  const allSet = (path: string, v: number, bound: number): void => {
    const list = v < 1 || path === '/zookeeper/config' ? undefined : (setsOf ??= setDataOps(view)).get(path);
    if (list === undefined || v < list.reduce((n, [, count]) => n + count, 0)) return;
    for (const [w] of list)
      if (w.outcome === 'info' || isUncertain(w) || (certainToo && w.zxid === null)) {
        out.set(w, Math.min(out.get(w) ?? Infinity, bound));
        proves(w);
      }
  };
  for (const o of view.history.ops) {
    const r = o.result;
    current = o;
    if (o.outcome === 'ok' && r !== null && !isUncertain(o)) {
      if (((o.op.type === 'getData' || o.op.type === 'getChildren') && r.rc === 'noNode') || (o.op.type === 'exists' && r.exists === false)) {
        goneAt(o.op.path, o);
      } else if (o.op.type === 'getChildren' && r.rc === 'ok' && r.children !== undefined) {
        // A listing shows every child of its state (DataNode.getChildren): a node of the history under it that
        // it does not name was missing there.
        const p = o.op.path;
        const listed = new Set(r.children.map((c) => (p === '/' ? `/${c}` : `${p}/${c}`)));
        for (const q of (kids ??= childrenByParent(view)).get(p) ?? []) if (!listed.has(q)) goneAt(q, o);
      }
    }
    if (o.outcome !== 'ok' || r === null || isUncertain(o) || (r.rc !== 'ok' && !isZkWrite(o.op))) continue;
    const op = o.op;
    if ((op.type === 'getData' || op.type === 'exists') && r.exists !== false) {
      const bound = Math.min(o.readZxid ?? (laterState ??= sessionLaterState(view))(o), r.mzxid !== undefined && r.mzxid > 0 ? r.mzxid : Infinity);
      prove(op.path, bound);
      // A version counts the setData txns of the node's current life (DataTree.createNode starts it at 0; a setData
      // stores one more, PrepRequestProcessor.checkAndIncVersion, DataTree.setData): when the ops of the history
      // hold no more setData sub-ops of the node than that, every one of them took effect, at or below the read's
      // state and the mzxid shown (the last setData's zxid). (Not /zookeeper/config: the ensemble writes its
      // version, ZKDatabase.initConfigInZKDatabase.)
      if (r.version !== undefined) allSet(op.path, r.version, bound);
    }
    else if (op.type === 'getChildren')
      for (const c of r.children ?? []) prove(op.path === '/' ? `/${c}` : `${op.path}/${c}`, o.readZxid ?? (laterState ??= sessionLaterState(view))(o));
    else if (isZkWrite(op))
      for (const f of writeFacts(o)) {
        // A present node was there at or below the write's state, so an upper bound on its zxid serves; a
        // missing one needs the exact state (a ceiling would let the node's create come after it).
        if (f.present) {
          const bound = (o.zxid ?? (ceiling ??= writeZxidCeiling(view))(o) ?? Infinity) - 1;
          prove(f.path, bound);
          if (f.version !== undefined && f.version > 0) setsBefore(f.path, f.version, bound);
        }
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

/** By parent: the nodes ops of the history may create under it (by name, or a sequential create's result). */
function childrenByParent(view: HistoryView): Map<string, string[]> {
  const seen = new Set<string>();
  const note = (path: string | undefined): void => {
    if (path !== undefined && path !== '/') seen.add(path);
  };
  const visit = (op: ZkOp, res: ZkResult | undefined): void => {
    if (op.type === 'multi') op.ops.forEach((sub, i) => visit(sub, res?.results?.[i]));
    else if (op.type === 'create') note(op.mode === 'persistentSequential' || op.mode === 'ephemeralSequential' ? res?.path : op.path);
  };
  for (const o of view.writes) if (o.outcome !== 'fail') visit(o.op, o.result ?? undefined);
  const out = new Map<string, string[]>();
  for (const q of seen) {
    const parent = q.lastIndexOf('/') === 0 ? '/' : q.slice(0, q.lastIndexOf('/'));
    const list = out.get(parent);
    if (list === undefined) out.set(parent, [q]);
    else list.push(q);
  }
  return out;
}

/** Whether an op deletes `path` (a multi, by a sub-op). */
function deletes(op: ZkOp, path: string): boolean {
  return op.type === 'multi' ? op.ops.some((sub) => deletes(sub, path)) : op.type === 'delete' && op.path === path;
}

/**
 * By path: the writes that may have set the node's data (not refused: an error reply changed nothing), each with
 * how many setData (sub-)ops of that path it holds.
 */
function setDataOps(view: HistoryView): Map<string, [ZkHistoryOp, number][]> {
  const out = new Map<string, [ZkHistoryOp, number][]>();
  for (const o of view.writes) {
    if (o.outcome === 'fail' || (o.outcome === 'ok' && o.result !== null && !isUncertain(o) && o.result.rc !== 'ok')) continue;
    const counts = new Map<string, number>();
    const visit = (op: ZkOp): void => {
      if (op.type === 'multi') op.ops.forEach(visit);
      else if (op.type === 'setData') counts.set(op.path, (counts.get(op.path) ?? 0) + 1);
    };
    visit(o.op);
    for (const [path, n] of counts) {
      const list = out.get(path);
      if (list === undefined) out.set(path, [[o, n]]);
      else list.push([o, n]);
    }
  }
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

/**
 * For a read recorded without its header zxid: a zxid at or above the state it read (Infinity: none known),
 * from the ops its session issued after it and got a certain ok reply for. The client sends a session's
 * requests in order on one connection and CommitProcessor serves them in that order, so a later op's state
 * holds the read's: at or below its header zxid, below its own zxid for a write. Across a reconnect too: the
 * read's reply came before the later op's (ClientCnxn.readResponse keeps the header zxid as lastZxid), and a
 * server behind that zxid refuses the session (ZooKeeperServer.processConnectRequest). O(n) once per call.
 */
function sessionLaterState(view: HistoryView): (o: ZkHistoryOp) => number {
  const out = new Map<ZkHistoryOp, number>();
  for (const { ops } of view.opsBySession.values()) {
    // Issue order, latest first; ops issued at one time are not ordered by it (a group takes the bound of the ones after it).
    let after = Infinity;
    for (let j = ops.length; j > 0; ) {
      let i = j - 1;
      while (i > 0 && ops[i - 1]!.invokeUs === ops[j - 1]!.invokeUs) i--;
      for (let k = i; k < j; k++) if (ops[k]!.readZxid == null) out.set(ops[k]!, after);
      for (let k = i; k < j; k++) {
        const q = ops[k]!;
        if (q.outcome !== 'ok' || q.result === null || isUncertain(q)) continue;
        if (q.zxid !== null && isZkWrite(q.op)) after = Math.min(after, q.zxid - 1);
        else if (q.readZxid != null && q.readZxid > 0) after = Math.min(after, q.readZxid);
      }
      j = i;
    }
  }
  return (o) => out.get(o) ?? Infinity;
}
