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
// Round 13: a reply of a session that deleted the node itself before shows a node no create below that delete made
// (`afterOwnDelete`, r13d); a listing shows its own node too; a data version v > 0 counts the setData txns of the
// node's current life, so when exactly v setData ops sent before the reply may set it, each took effect
// (`versionShown`: r13d's setsBefore and r13b's one rule); a read without a header is at
// or above every state its session saw before it (sessionFloors), so it may prove a delete after a create below
// that; a write that finds a node missing is above a certain create answered before it was sent (real time); and a
// session end proved this way is named with the reply that proves it (`endProvers`; watch-persistent-proved.ts).
import { isZkWrite } from '../history/types.js';
import type { ZkHistoryOp, ZkHistoryWatch, ZkOp } from '../history/types.js';
import { isUncertain } from './zk-writes.js';
import { nodeLife } from './node-life.js';
import { writeFacts } from './write-presence.js';
import { writeZxidCeiling } from './write-zxid-ceiling.js';
import { sessionFloors, writeZxidFloor } from './write-zxid-floor.js';
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
  endProvers: Map<ZkHistoryOp, EndShown[]> | null = null,
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
  let earlier: ((session: number, before: number) => number) | null = null;
  let named: Map<string, string[]> | null = null;
  const took = (w: ZkHistoryOp, bound: number): void => {
    if (w.outcome === 'fail' || w.op.type === 'closeSession') return;
    // A certain write: only one without a zxid needs the bound (`certainToo`: zxid-packing.ts).
    if (!(w.outcome === 'info' || isUncertain(w)) && !(certainToo && w.zxid === null)) return;
    out.set(w, Math.min(out.get(w) ?? Infinity, bound));
    proves(w);
  };
  const prove = (path: string, bound: number): void => {
    const w = life.soleCreator(path) ?? afterOwnDelete(path);
    if (w !== null) took(w, bound);
  };
  // A data version v > 0 shown at a state counts the setData txns of the node's current life at or below it
  // (DataTree.setData stores the version PrepRequestProcessor.checkAndIncVersion raised by one; DataTree.createNode
  // starts it at 0, and a multi is applied whole). Each of those txns came from a distinct setData (sub-)op sent
  // before the reply `self` (the leader proposes a request after it arrives, and the reply follows its state). So
  // when the writes other than `self` sent before its reply that may set the node (not refused) hold exactly v
  // setData sub-ops of it, every one took effect in that life, at or below `bound`: one in an earlier life, or
  // none, would leave fewer than v. (No one-life condition is needed: the count covers every life.) Round 13:
  // r13d's `setsBefore` (3103818810, a lost setData then a delete at version 1) and r13b's `versionShown` (reads
  // showing a version too), one rule.
  let setters: Map<string, [ZkHistoryOp, number][]> | null = null;
  const versionShown = (path: string, v: number, bound: number, self: ZkHistoryOp): void => {
    if (v <= 0) return;
    const sent = (w: ZkHistoryOp): boolean => w !== self && w.invokeUs < (self.completeUs ?? Infinity);
    const list = (setters ??= settersByPath(view)).get(path) ?? [];
    let sum = 0;
    for (const [w, n] of list) if (sent(w)) sum += n;
    if (sum !== v) return;
    for (const [w] of list) if (sent(w)) took(w, bound);
  };
  // (`bound`: a zxid at or above the state that shows the node missing; `atLeast`: one at or below it.)
  // (`by`: the write that found the node missing; a create of it then is not the create that made the node gone.)
  // (`reader`: a read without a header that shows the node missing; a certain create its session issued before
  // it is in its state, whatever its zxid: a session's requests are served in order.)
  const gone = (path: string, bound: number, atLeast = bound, by?: ZkHistoryOp, reader: ZkHistoryOp | null = null): void => {
    const c = life.soleCreator(path, by);
    if (c === null || c.outcome === 'fail') return;
    // (Also a certain create answered before the write `by` that found the node missing was sent: the leader
    // proposes `by` after that create's commit, so above it.)
    const certainC = c.outcome === 'ok' && !isUncertain(c);
    const before =
      (reader !== null && certainC && c.session !== null && c.session === reader.session && c.invokeUs < reader.invokeUs) ||
      (by !== undefined && certainC && c.completeUs !== null && c.completeUs < by.invokeUs);
    // Else the node was made at or below: its certain create's zxid, or the mzxid a read of it shows (the one create
    // made the node that read saw, stamping its zxid as czxid; the mzxid is that or a later setData's).
    const made = before ? -Infinity : c.outcome === 'ok' && !isUncertain(c) && c.zxid !== null ? c.zxid : ((shownMzxid ??= leastShownMzxid(view)).get(path) ?? null);
    if (made === null || made > atLeast) return;
    const d = life.soleDeleter(path, by);
    if (d === null) return;
    if ('session' in d) {
      if (bound !== Infinity) ends.set(d.session, Math.min(ends.get(d.session) ?? Infinity, bound));
      if (endProvers !== null && current !== null) {
        const list = endProvers.get(current) ?? [];
        if (!list.some((e) => e.session === d.session && e.path === path)) list.push({ session: d.session, path, creator: c });
        endProvers.set(current, list);
      }
    } else if (d.op.outcome !== 'fail' && (d.op.outcome === 'info' || isUncertain(d.op))) {
      out.set(d.op, Math.min(out.get(d.op) ?? Infinity, bound));
      proves(d.op);
    }
  };
  for (const o of view.history.ops) {
    const r = o.result;
    current = o;
    if (o.outcome === 'ok' && r !== null && !isUncertain(o)) {
      // (The nodes it shows missing: its own path, or for a listing each child of it some op creates by name that
      // the listing lacks: DataTree.getChildren lists every child of the node.)
      const missing =
        ((o.op.type === 'getData' || o.op.type === 'getChildren') && r.rc === 'noNode') || (o.op.type === 'exists' && r.exists === false)
          ? [o.op.path]
          : o.op.type === 'getChildren' && r.rc === 'ok' && r.children !== undefined
            ? ((named ??= namedChildren(view)).get(o.op.path) ?? []).filter((q) => !r.children!.includes(q.slice(q.lastIndexOf('/') + 1)))
            : [];
      for (const path of missing) {
        if (o.readZxid != null && o.readZxid > 0) gone(path, o.readZxid);
        else {
          // Without a header: its state is at or below its session's next header (sessionLaterState).
          // Its state is at or above every state its session saw before it was sent (the server keeps the session's
          // order; ZooKeeperServer.processConnectRequest refuses a client that saw more): sessionFloors.
          const bound = (laterState ??= sessionLaterState(view))(o);
          const seen = o.session === null ? 0 : (earlier ??= sessionFloors(view))(o.session, o.invokeUs);
          if (bound !== Infinity || endProvers !== null) gone(path, bound, seen > 0 ? seen : -Infinity, undefined, o);
        }
      }
    }
    if (o.outcome !== 'ok' || r === null || isUncertain(o) || (r.rc !== 'ok' && !isZkWrite(o.op))) continue;
    const op = o.op;
    if ((op.type === 'getData' || op.type === 'exists') && r.exists !== false) {
      const bound = Math.min(o.readZxid ?? (laterState ??= sessionLaterState(view))(o), r.mzxid !== undefined && r.mzxid > 0 ? r.mzxid : Infinity);
      prove(op.path, bound);
      // (Every setData of the node shown is at or below its mzxid too: the last one stamped it.)
      if (r.version !== undefined) versionShown(op.path, r.version, bound, o);
    } else if (op.type === 'getChildren') {
      // (A listing shows its node there too: DataTree.getChildren throws NoNodeException for a missing one.)
      const bound = o.readZxid ?? (laterState ??= sessionLaterState(view))(o);
      prove(op.path, bound);
      for (const c of r.children ?? []) prove(op.path === '/' ? `/${c}` : `${op.path}/${c}`, bound);
    } else if (isZkWrite(op))
      for (const f of writeFacts(o)) {
        // A present node was there at or below the write's state, so an upper bound on its zxid serves; a
        // missing one needs the exact state (a ceiling would let the node's create come after it).
        if (f.present) {
          const bound = (o.zxid ?? (ceiling ??= writeZxidCeiling(view))(o) ?? Infinity) - 1;
          prove(f.path, bound);
          if (f.version !== undefined) versionShown(f.path, f.version, bound, o);
        } else if (o.zxid !== null) gone(f.path, o.zxid - 1, o.zxid - 1, o);
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

/** Whether an op deletes `path` (a multi, by a sub-op). */
function deletes(op: ZkOp, path: string): boolean {
  return op.type === 'multi' ? op.ops.some((sub) => deletes(sub, path)) : op.type === 'delete' && op.path === path;
}

/** A session end no client saw that a reply proves took effect: it deleted `path`, its ephemeral made by `creator`. */
export type EndShown = { readonly session: number; readonly path: string; readonly creator: ZkHistoryOp };

/**
 * By reply, the session ends it proves (`endProvers`) as writes: each deleted its ephemeral `path`, so its txn is
 * above the create that made it (that create's recorded zxid, or its floor `floor`), with no zxid bound above.
 */
export function provedEndWrites(
  endProvers: ReadonlyMap<ZkHistoryOp, readonly EndShown[]>,
  floor: (o: ZkHistoryOp) => number | null,
): Map<ZkHistoryOp, { x: ZkHistoryOp; upper: number; lower: number; found: [ZkHistoryWatch['type'], string][]; end: number }[]> {
  const out = new Map<ZkHistoryOp, { x: ZkHistoryOp; upper: number; lower: number; found: [ZkHistoryWatch['type'], string][]; end: number }[]>();
  for (const [reply, ends] of endProvers)
    out.set(
      reply,
      ends.map(({ session, path, creator: c }) => {
        const made = c.outcome === 'ok' && !isUncertain(c) && c.zxid !== null ? c.zxid : (floor(c) ?? -Infinity);
        const parent = path.lastIndexOf('/') <= 0 ? '/' : path.slice(0, path.lastIndexOf('/'));
        return { x: c, upper: Infinity, lower: made + 1, found: [['NodeDeleted', path], ['NodeChildrenChanged', parent]], end: session };
      }),
    );
  return out;
}

/**
 * For a write x that took effect, the latest time a certain write W was sent whose txn x's follows (-Infinity: none):
 * W found a node missing that x creates by name, and nothing of the history may delete that node (NodeLife
 * undeletedThrough, to Infinity). Had x's txn come first, the node would have been there for W. So x's txn was
 * proposed after W was sent (the leader proposes W after W arrives, and x after W).
 */
export function foundMissingBefore(view: HistoryView): (x: ZkHistoryOp) => number {
  const life = nodeLife(view);
  const missing = new Map<string, [ZkHistoryOp, number][]>();
  for (const w of view.writes)
    for (const f of writeFacts(w))
      if (!f.present) {
        const list = missing.get(f.path);
        if (list === undefined) missing.set(f.path, [[w, w.invokeUs]]);
        else list.push([w, w.invokeUs]);
      }
  const creates = (op: ZkOp, out: string[]): string[] => {
    if (op.type === 'multi') for (const sub of op.ops) creates(sub, out);
    else if (op.type === 'create' && (op.mode === 'persistent' || op.mode === 'ephemeral')) out.push(op.path);
    return out;
  };
  return (x) => {
    let latest = -Infinity;
    for (const p of creates(x.op, []))
      if (missing.has(p) && life.undeletedThrough(p, Infinity)) for (const [w, at] of missing.get(p)!) if (w !== x) latest = Math.max(latest, at);
    return latest;
  };
}

/**
 * For a certain write x without a zxid: a zxid at or above x's (Infinity: none known) from the reads its session sent
 * after x's reply that show a node missing (noNode, or a listing without a child some op creates by name) which a
 * certain create made at a recorded zxid c and which nothing of the history may delete (NodeLife undeletedThrough):
 * such a read's state is below c, and at or above x's zxid (the client's lastZxid holds x's reply header; the
 * session's server keeps its order, and ZooKeeperServer.processConnectRequest refuses a client that saw more).
 */
export function laterMissingCeiling(view: HistoryView): (x: ZkHistoryOp) => number {
  const life = nodeLife(view);
  const madeAt = new Map<string, number>();
  for (const w of view.writes)
    if (w.outcome === 'ok' && w.result !== null && !isUncertain(w) && w.result.rc === 'ok' && w.zxid !== null)
      for (const c of sureChanges(w.op)) if (c.type === 'create') madeAt.set(c.path, Math.min(madeAt.get(c.path) ?? Infinity, w.zxid));
  const named = namedChildren(view);
  const below = (q: ZkHistoryOp): number => {
    const r = q.result;
    if (q.outcome !== 'ok' || r === null || isUncertain(q)) return Infinity;
    const op = q.op;
    const paths =
      ((op.type === 'getData' || op.type === 'getChildren') && r.rc === 'noNode') || (op.type === 'exists' && r.exists === false)
        ? [op.path]
        : op.type === 'getChildren' && r.rc === 'ok' && r.children !== undefined
          ? (named.get(op.path) ?? []).filter((p) => !r.children!.includes(p.slice(p.lastIndexOf('/') + 1)))
          : [];
    let out = Infinity;
    for (const p of paths) if (madeAt.has(p) && life.undeletedThrough(p, Infinity)) out = Math.min(out, madeAt.get(p)! - 1);
    return out;
  };
  return (x) => {
    if (x.session === null || x.completeUs === null) return Infinity;
    let out = Infinity;
    for (const q of view.opsBySession.get(x.session)?.ops ?? []) if (q.invokeUs > x.completeUs) out = Math.min(out, below(q));
    return out;
  };
}

/** By parent path: the paths of the nodes some write of the history creates by name (no sequential create). */
function namedChildren(view: HistoryView): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const visit = (op: ZkOp): void => {
    if (op.type === 'multi') for (const sub of op.ops) visit(sub);
    else if (op.type === 'create' && (op.mode === 'persistent' || op.mode === 'ephemeral') && op.path !== '/') {
      const parent = op.path.lastIndexOf('/') <= 0 ? '/' : op.path.slice(0, op.path.lastIndexOf('/'));
      const list = out.get(parent) ?? [];
      if (!list.includes(op.path)) list.push(op.path);
      out.set(parent, list);
    }
  };
  for (const w of view.writes) visit(w.op);
  return out;
}

/**
 * By path: the writes that may set the node's data, with how many setData sub-ops of it each holds. Left out only
 * the ones that surely did not take effect (a `fail`, or a certain reply with an error rc: a multi's too, applied
 * whole or not at all); an unknown outcome counts, so the set holds every setData that may have been applied.
 */
function settersByPath(view: HistoryView): Map<string, [ZkHistoryOp, number][]> {
  const out = new Map<string, [ZkHistoryOp, number][]>();
  const visit = (op: ZkOp, paths: Map<string, number>): void => {
    if (op.type === 'multi') for (const sub of op.ops) visit(sub, paths);
    else if (op.type === 'setData') paths.set(op.path, (paths.get(op.path) ?? 0) + 1);
  };
  for (const w of view.writes) {
    if (w.outcome === 'fail' || (w.outcome === 'ok' && w.result !== null && !isUncertain(w) && w.result.rc !== 'ok')) continue;
    const paths = new Map<string, number>();
    visit(w.op, paths);
    for (const [p, n] of paths) {
      const list = out.get(p);
      if (list === undefined) out.set(p, [[w, n]]);
      else list.push([w, n]);
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
