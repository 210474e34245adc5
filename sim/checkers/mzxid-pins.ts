// Writes without a zxid whose zxid a read's Stat names (sequential-reads).
//
// A node's mzxid is the zxid of the txn that last set its data (DataTree.setData and createNode stamp
// `stat.setMzxid(zxid)`). When a read reports mzxid m and no write of the history carries m, the write
// that set that data is one without a recorded zxid. If exactly one such write can have set that node
// to that data, it is that write, at zxid m: every execution that explains the history gives it m. The
// history with that zxid filled in then has the same executions, so it is judged instead, and all the
// zxid-based rules (session order, real time, the zxid-order replay) apply to the write as well.
// Two reads naming different zxids for the one write, or one zxid for two writes, are impossible.
import { opPath } from '../history/types.js';
import type { ZkHistory, ZkHistoryEvent, ZkHistoryOp, ZkOp, ZkResult } from '../history/types.js';
import { describeZxid, isUncertain, sessionEndWrites } from './zk-writes.js';
import { WriteTable } from './write-table.js';
import { replyBoundsOf, zxidGapViolation, zxidWindows } from './write-windows.js';
import { sessionKey, violated, type ClientCheckResult } from './client-common.js';
import { mzxidWriter } from './read-rules.js';
import { exactEvents, pinDeletesByEvents } from './event-pins.js';
import type { HistoryView } from './history-view.js';
import { multiFailsAlone } from './node-life.js';

/** Whether the op (or a sub-op of a multi) may set the data of `path` to `data` (any data when undefined). */
export function setsData(op: ZkOp, path: string, data: string | undefined): boolean {
  if (op.type === 'multi') return op.ops.some((sub) => setsData(sub, path, data));
  // A create makes its own path, or a sequential one its path followed by the parent's counter (PrepRequestProcessor).
  if (op.type === 'create') return (op.path === path || (isSequentialMode(op.mode) && path.startsWith(op.path))) && (data === undefined || op.data === data);
  if (op.type === 'setData' || op.type === 'kvSet' || op.type === 'kvCas') return op.path === path && (data === undefined || op.data === data);
  return false;
}

function isSequentialMode(mode: string): boolean {
  return mode === 'persistentSequential' || mode === 'ephemeralSequential';
}

/**
 * Whether the op makes a sequential node whose name the reply does not give: the replay would name it
 * by its own counter, which a create without a zxid may have moved, so such a write is not pinned.
 */
function unnamedSequential(op: ZkOp, result: ZkResult | null | undefined): boolean {
  if (op.type === 'multi') return op.ops.some((sub, i) => unnamedSequential(sub, result?.results?.[i]));
  return op.type === 'create' && (op.mode === 'persistentSequential' || op.mode === 'ephemeralSequential') && result?.path === undefined;
}

/**
 * A write with a known failed result set nothing (an error txn); one without a known result may have, unless
 * it is a multi whose own sub-ops contradict each other (node-life.ts multiFailsAlone: it fails whatever the tree).
 */
function mayHaveSetData(o: ZkHistoryOp): boolean {
  if (o.op.type === 'multi' && multiFailsAlone(o.op.ops)) return false;
  return o.result === null || isUncertain(o) || o.result.rc === 'ok';
}

export type Pinned = { readonly history: ZkHistory } | { readonly violation: ClientCheckResult };

/**
 * The writes of a pinned history that took effect at the zxid they were given but keep their unknown outcome
 * (`tookEffect` says why): every pin is a txn some reply or event saw the effect of (data only it set, the
 * change an exact event reports). watch-changes.ts counts them as changes at that zxid.
 */
export const PINNED_EFFECT = new WeakSet<ZkHistoryOp>();

/**
 * The history with each write pinned by a read's mzxid given that zxid, or a violation, or null when
 * nothing is pinned. O(reads with an mzxid × writes without a zxid), only when both exist.
 */
export function pinByMzxid(view: HistoryView): Pinned | null {
  const floating = view.floatingWrites;
  // Without writes lacking a zxid only an unseen session end can be pinned, by a NodeDeleted or NodeChildrenChanged event.
  if (
    floating.length === 0 &&
    !(view.history.events ?? []).some((e) => e.kind === 'watch' && e.zxid > 0 && (e.type === 'NodeDeleted' || e.type === 'NodeChildrenChanged'))
  )
    return null;
  const known = new Set<number>();
  for (const o of view.writes) if (o.zxid !== null) known.add(o.zxid);
  for (const e of view.history.events ?? []) if (e.kind === 'session' && e.state === 'ENDED' && e.zxid !== undefined) known.add(e.zxid);
  // A session's end txn (an ENDED record, an ok close with a zxid): a later request of the session is an
  // error txn (PrepRequestProcessor checks the session first), so none of its writes sets data above it.
  const endOf = new Map<number, number>();
  const ended = (session: number, z: number): void => void endOf.set(session, Math.min(endOf.get(session) ?? Infinity, z));
  for (const e of view.history.events ?? []) if (e.kind === 'session' && e.state === 'ENDED' && e.zxid !== undefined) ended(e.session, e.zxid);
  for (const o of view.writes) if (o.op.type === 'closeSession' && o.zxid !== null && o.session !== null && !isUncertain(o)) ended(o.session, o.zxid);
  const zxidOf = new Map<ZkHistoryOp, { m: number; by: ZkHistoryOp | null }>();
  let windows: ReadonlyMap<ZkHistoryOp, { readonly lo: number; readonly hi: number }> | null = null;
  const writerOf = new Map<number, { w: ZkHistoryOp; by: ZkHistoryOp }>();
  for (const r of [...view.reads, ...view.readsWithoutZxid]) {
    const res = r.result!;
    const m = res.mzxid;
    if (res.rc !== 'ok' || m === undefined || m <= 0 || res.exists === false || known.has(m)) continue;
    const path = opPath(r.op)!;
    let only: ZkHistoryOp | null = null;
    let count = 0;
    for (const w of floating) {
      if (!mayHaveSetData(w) || !setsData(w.op, path, res.data)) continue;
      if (w.session !== null && (endOf.get(w.session) ?? Infinity) < m) continue;
      // Sent after the read returned: not in the state it read (its txn did not exist yet).
      if (r.completeUs !== null && w.invokeUs > r.completeUs) continue;
      // Its zxid lies outside the window every execution keeps it in (write-windows.ts zxidWindows: e.g. above a
      // reply header its session saw before sending it), so it is not the txn at m.
      const win = (windows ??= floatingWindows(view)).get(w);
      if (win !== undefined && (m <= win.lo || m >= win.hi)) continue;
      // The node still has the version its last data write left (checkMzxidVersions).
      const left = res.version === undefined ? null : versionLeft(w, path);
      if (left !== null && left !== res.version) continue;
      // A setData that took effect leaves version 1 or more, whatever its reply (a node starts at 0).
      if (left === null && res.version === 0 && w.op.type === 'setData') continue;
      // The node it made has another owner than the Stat's ephemeralOwner.
      if (res.ephemeralOwner !== undefined && !mayOwn(w, path, res.ephemeralOwner)) continue;
      only = w;
      if (++count > 1) break;
    }
    if (count === 0)
      return {
        violation: violated(
          'sequential-reads',
          `#${r.id} read ${path} with mzxid ${describeZxid(m)}, but no write of the history can have set it then: none carries that zxid, and none without a zxid sets that node${res.data === undefined ? '' : ` to "${res.data}"`}${res.version === undefined ? '' : ` at version ${res.version}`} before its session's end`,
          [r],
        ),
      };
    if (count > 1) continue; // left to the search
    const w = only!;
    if (unnamedSequential(w.op, w.result)) continue;
    const before = zxidOf.get(w);
    if (before !== undefined && before.m !== m)
      return {
        violation: violated(
          'sequential-reads',
          `#${before.by!.id} and #${r.id} show #${w.id}'s data with mzxid ${describeZxid(before.m)} and ${describeZxid(m)}; only #${w.id} can have written it, and it has one zxid`,
          [w, before.by!, r],
        ),
      };
    const other = writerOf.get(m);
    if (other !== undefined && other.w !== w)
      return {
        violation: violated(
          'sequential-reads',
          `#${other.by.id} and #${r.id} show mzxid ${describeZxid(m)} for data only #${other.w.id} and #${w.id} respectively can have written, but two writes cannot share a zxid`,
          [other.w, w, other.by, r],
        ),
      };
    zxidOf.set(w, { m, by: r });
    writerOf.set(m, { w, by: r });
  }
  const twice = pinByEvents(view, floating, known, endOf, zxidOf, writerOf);
  if (twice !== null)
    return {
      violation: violated(
        'sequential-reads',
        `watch events name ${twice.zxids.map(describeZxid).join(' and ')} for changes only #${twice.w.id} can have made, but one txn has one zxid`,
        [twice.w],
        (view.history.events ?? []).filter((e) => e.kind === 'watch' && (e.type === 'NodeCreated' || e.type === 'NodeDataChanged') && twice.zxids.includes(e.zxid)),
      ),
    };
  const deletes = pinDeletesByEvents(view, floating, known, endOf);
  if (deletes.conflict !== null) {
    const { pinned, zxids } = deletes.conflict;
    const what = typeof pinned === 'number' ? `the unseen end of session ${pinned}` : `#${pinned.id}`;
    return {
      violation: violated(
        'sequential-reads',
        `watch events name ${zxids.map(describeZxid).join(' and ')} for changes only ${what} can have made, but one txn has one zxid`,
        typeof pinned === 'number' ? [] : [pinned],
        (view.history.events ?? []).filter(
          (e) => e.kind === 'watch' && (e.type === 'NodeDeleted' || e.type === 'NodeChildrenChanged') && zxids.includes(e.zxid),
        ),
      ),
    };
  }
  for (const [w, m] of deletes.ops) if (!zxidOf.has(w) && !writerOf.has(m)) zxidOf.set(w, { m, by: null });
  const ends = deletes.ends.filter((e) => !writerOf.has(e.kind === 'session' ? e.zxid! : 0));
  if (zxidOf.size === 0 && ends.length === 0) return null;
  const ops = view.history.ops.map((o) => {
    const pin = zxidOf.get(o);
    if (pin === undefined) return o;
    if (!tookEffect(o, pin.m, view)) {
      const p = { ...o, zxid: pin.m };
      if (o.outcome === 'info' || isUncertain(o)) PINNED_EFFECT.add(p);
      return p;
    }
    // The version it left is the one the read shows (the read's mzxid is its zxid: nothing changed the node's data since).
    const version = pin.by?.result?.version;
    return { ...o, zxid: pin.m, outcome: 'ok' as const, result: successOf(o.op, version) };
  });
  return { history: ends.length === 0 ? { ...view.history, ops } : { ...view.history, ops, events: [...(view.history.events ?? []), ...ends] } };
}

/**
 * Whether the pinned write `w` (at zxid m) may be recorded as one that took effect with rc ok although its
 * reply was lost. It did take effect: the read shows data only it can have set, and only a successful
 * create or setData sets data (an error txn changes nothing). An `ok` op without a completion has no reply
 * and no real-time bound; it does join its session's order, which for a lost write holds only towards the
 * ops issued before it (their read points precede its txn: the client sends a session's requests in order
 * on one connection, CommitProcessor applies them in that order). Towards the ops issued after it, the
 * lost request may still have reached the leader after them, so it is recorded as ok only when each of
 * those is a definite `ok` op whose state is already known to hold zxid m, or one without a reply (its zxid, reply-header zxid or
 * a Stat's mzxid is at least m): then session order asks nothing more of it. A write with a reply
 * (connectionLoss and the like) keeps its record.
 */
function tookEffect(w: ZkHistoryOp, m: number, view: HistoryView): boolean {
  if (w.outcome !== 'info' || w.completeUs !== null) return false;
  const mine = view.opsBySession.get(sessionKey(w));
  if (mine === undefined) return false;
  for (const q of mine.ops) {
    // (A later op without a reply is not in session order after it either way: no checker orders two lost ops.)
    if (q === w || q.invokeUs < w.invokeUs || q.outcome === 'fail' || (q.outcome === 'info' && q.completeUs === null)) continue;
    if (q.outcome !== 'ok' || isUncertain(q)) return false;
    const floor = Math.max(q.zxid ?? 0, q.readZxid ?? 0, q.result?.mzxid ?? 0);
    if (floor < m) return false;
  }
  return true;
}

/**
 * Whether the node `path` that `w` last set the data of may have `owner` as its Stat's ephemeralOwner. The
 * owner is fixed when the node is created (DataTree.createNode: the create's session for an ephemeral, 0
 * otherwise) and a node's mzxid moves with every create or setData of it, so when the read's mzxid is `w`'s
 * zxid and `w` created the node (a plain create, or a multi whose last create or delete of the path is a
 * create), the node the read shows is that one. A setData, or a multi that does not create the path, made
 * no node: any owner. A sequential create whose name the reply does not give is taken as any owner.
 */
function mayOwn(w: ZkHistoryOp, path: string, owner: number): boolean {
  const ownerOf = (sub: ZkOp & { type: 'create' }): number | null =>
    sub.mode === 'ephemeral' || sub.mode === 'ephemeralSequential' ? w.session : 0;
  let made: number | null | undefined; // undefined: no create of the path seen (no constraint); null: unknown owner
  const visit = (sub: ZkOp, r: ZkResult | null | undefined): void => {
    if (sub.type === 'create') {
      const named = r?.path ?? (sub.mode === 'persistent' || sub.mode === 'ephemeral' ? sub.path : null);
      if (named === path) made = ownerOf(sub);
      else if (named === null && path.startsWith(sub.path)) made = null;
    } else if (sub.type === 'delete' && sub.path === path) made = undefined;
  };
  const ok = w.result !== null && !isUncertain(w) && w.result.rc === 'ok';
  if (w.op.type === 'multi') w.op.ops.forEach((sub, i) => visit(sub, ok ? w.result?.results?.[i] : null));
  else visit(w.op, ok ? w.result : null);
  return made === undefined || made === null || made === owner;
}

/** The version `w` left `path` at, when the history tells it, else null. */
function versionLeft(w: ZkHistoryOp, path: string): number | null {
  const op = w.op;
  const res = w.result;
  if (res !== null && (isUncertain(w) || res.rc !== 'ok')) return null;
  switch (op.type) {
    case 'multi':
      return multiVersionLeft(op.ops, res?.results ?? null, path);
    case 'create':
      return (res?.path ?? (op.mode === 'persistent' || op.mode === 'ephemeral' ? op.path : null)) === path ? 0 : null;
    case 'kvCas':
      return op.path === path ? op.version + 1 : null;
    case 'setData':
    case 'kvSet':
      return op.path === path ? (res?.version ?? null) : null;
    default:
      return null;
  }
}

/**
 * The version a multi that took effect left `path` at, from its sub-ops in order (each sees the earlier
 * ones' changes): a create of the path leaves 0, a setData the version its result gives, or its expected
 * version + 1, or one more than the version an earlier sub-op left; null when that is not known (a
 * sequential create that may have made the name, a delete, a setData of a node the multi did not make).
 */
function multiVersionLeft(ops: readonly ZkOp[], results: readonly ZkResult[] | null, path: string): number | null {
  let v: number | null = null;
  ops.forEach((sub, i) => {
    const r = results?.[i] ?? null;
    if (sub.type === 'create') {
      const named = r?.path ?? (sub.mode === 'persistent' || sub.mode === 'ephemeral' ? sub.path : null);
      if (named === path) v = 0;
      else if (named === null && path.startsWith(sub.path)) v = null;
    } else if (sub.type === 'setData' && sub.path === path) {
      v = r?.version ?? (sub.version !== -1 ? sub.version + 1 : v === null ? null : v + 1);
    } else if (sub.type === 'delete' && sub.path === path) v = null;
  });
  return v;
}

/**
 * A read's Stat names the txn that last set the node's data (mzxid m); only a setData or a create changes
 * the version, and each also sets the mzxid, so the node still has the version the write at m left.
 * Checked for every read, with a header zxid or not, whose m is a write of the history.
 */
export function checkMzxidVersions(view: HistoryView): ClientCheckResult | null {
  let byZxid: Map<number, ZkHistoryOp> | null = null;
  // Two reads of a node with one mzxid saw the state one txn left it in: one version, one data (a multi's
  // sub-ops are applied together, and a later create or setData of the node gives it a new mzxid).
  const seen = new Map<string, ZkHistoryOp>();
  for (const list of [view.reads, view.readsWithoutZxid])
    for (const r of list) {
      const res = r.result!;
      const m = res.mzxid;
      if (res.rc !== 'ok' || m === undefined || m <= 0 || res.exists === false || res.version === undefined) continue;
      if (r.op.type !== 'getData' && r.op.type !== 'exists' && r.op.type !== 'kvGet') continue;
      const key = `${m} ${r.op.path}`;
      const other = seen.get(key);
      if (other === undefined) seen.set(key, r);
      else if (other.result!.version !== res.version || (other.result!.data !== undefined && res.data !== undefined && other.result!.data !== res.data))
        return violated(
          'sequential-reads',
          `#${other.id} and #${r.id} read ${r.op.path} with the same mzxid ${describeZxid(m)} but a different version or data, while one txn set both`,
          [other, r],
        );
      if (byZxid === null) {
        byZxid = new Map();
        for (const w of view.writes) if (w.zxid !== null && !byZxid.has(w.zxid)) byZxid.set(w.zxid, w);
      }
      const w = byZxid.get(m);
      if (w === undefined) continue;
      const path = r.op.path;
      // The txn at m set this node's data last: what it wrote is what is read (checkReadMzxids does this
      // for reads with a header zxid; a read without one names the txn just the same).
      const did = isUncertain(w) ? null : mzxidWriter(w, path);
      if (did !== null && did.kind === 'wrote' && res.data !== undefined && did.data !== res.data)
        return violated('sequential-reads', `#${r.id} read "${res.data}" from ${path} with mzxid ${describeZxid(m)}, but #${w.id} wrote "${did.data}" there`, [
          w,
          r,
        ]);
      if (did !== null && did.kind === 'not')
        return violated(
          'sequential-reads',
          `#${r.id} read ${path} with mzxid ${describeZxid(m)}, but #${w.id} at that zxid did not write ${path}: ${did.why}`,
          [w, r],
        );
      const v = versionLeft(w, path);
      if (v !== null && v !== res.version)
        return violated(
          'sequential-reads',
          `#${r.id} read ${path} at version ${res.version} with mzxid ${describeZxid(m)}, but #${w.id} at that zxid left it at version ${v}, and any later change of the version would have changed the mzxid`,
          [w, r],
        );
    }
  return null;
}

const windowsMemo = new WeakMap<HistoryView, ReadonlyMap<ZkHistoryOp, { readonly lo: number; readonly hi: number }>>();

/**
 * The zxid windows of the history's writes without a zxid (write-windows.ts zxidWindows, with the replies' bounds),
 * built once per view: O(n log n). A write that took effect has its zxid inside its window in every execution.
 */
export function floatingWindows(view: HistoryView): ReadonlyMap<ZkHistoryOp, { readonly lo: number; readonly hi: number }> {
  const memo = windowsMemo.get(view);
  if (memo !== undefined) return memo;
  const writes = view.writes;
  const floating: number[] = [];
  for (let i = 0; i < writes.length; i++) if (writes[i]!.zxid === null) floating.push(i);
  const table = WriteTable.of(writes);
  const out = zxidWindows(writes, table, table.byZxid(), floating, replyBoundsOf(view.history.ops));
  windowsMemo.set(view, out);
  return out;
}

/**
 * With the pinned zxids known, a write without a zxid that got a reply may have no zxid left in its window
 * (linearizable-writes checks the history as recorded, without the pins). The same check, on `view`.
 */
export function pinnedZxidGap(view: HistoryView): ClientCheckResult | null {
  const ends = sessionEndWrites(view.history, view.writes);
  const writes = ends.length === 0 ? view.writes : [...view.writes, ...ends];
  const floating: number[] = [];
  for (let i = 0; i < writes.length; i++) if (writes[i]!.zxid === null) floating.push(i);
  if (floating.length === 0) return null;
  const table = WriteTable.of(writes);
  const ordered = table.byZxid();
  const windows = zxidWindows(writes, table, ordered, floating, replyBoundsOf(view.history.ops));
  const gap = zxidGapViolation(
    floating.map((i) => writes[i]!),
    windows,
    ordered.map((i) => writes[i]!.zxid!),
    describeZxid,
  );
  return gap === null ? null : violated('sequential-reads', `with the zxids reads' mzxids pin: ${gap.reason}`, gap.ops);
}

/**
 * Pins from watch events. An event fired as its txn is applied, on the connection that set the watch,
 * carries exactly that txn's zxid (WatchManager.triggerWatch; zabsim's server stamps `txn.zxid`); only the
 * events setWatches fires at once on a new connection carry the server's last processed zxid instead
 * (DataTree.setWatches), and event-pins.ts `exactEvents` sets those apart. NodeCreated comes only from a create of the path, NodeDataChanged
 * only from a setData of it (DataTree.createNode, setData; a multi's sub-ops alike), so when no write of the
 * history carries the event's zxid and exactly one write without a zxid can be that create or setData
 * (sent before the event arrived, not failed, its session not ended below that zxid), it is that write, at
 * that zxid, and it took effect. NodeDeleted and NodeChildrenChanged are left alone: a session end nobody
 * saw may delete a node. A pin that disagrees with one already made is left to the search (no finding), but
 * one write pinned so at two zxids is returned: each event's txn can only be that write's, and a txn has one
 * zxid (a multi's events all carry its one zxid), so no execution gives both.
 */
function pinByEvents(
  view: HistoryView,
  floating: readonly ZkHistoryOp[],
  known: ReadonlySet<number>,
  endOf: ReadonlyMap<number, number>,
  zxidOf: Map<ZkHistoryOp, { m: number; by: ZkHistoryOp | null }>,
  writerOf: Map<number, { w: ZkHistoryOp; by: ZkHistoryOp }>,
): { readonly w: ZkHistoryOp; readonly zxids: readonly number[] } | null {
  const events = view.history.events ?? [];
  const byEvent = new Map<number, ZkHistoryOp | null>(); // event zxid -> the one write it pins, null when two
  let exact: Set<ZkHistoryEvent> | null = null;
  for (const e of events) {
    if (e.kind !== 'watch' || e.zxid <= 0 || known.has(e.zxid) || (e.type !== 'NodeCreated' && e.type !== 'NodeDataChanged')) continue;
    if (!(exact ??= exactEvents(view)).has(e)) continue;
    const m = e.zxid;
    let only: ZkHistoryOp | null = null;
    let count = 0;
    for (const w of floating) {
      if (!mayHaveSetData(w) || w.invokeUs >= e.atUs || !fires(w.op, w.result, e.type, e.path)) continue;
      if (w.session !== null && (endOf.get(w.session) ?? Infinity) < m) continue;
      only = w;
      if (++count > 1) break;
    }
    if (count !== 1 || unnamedSequential(only!.op, only!.result)) continue;
    const w = only!;
    // Two events of one txn (a multi's sub-ops, one session's two watches) pin it alike; anything else is left.
    if (byEvent.has(m) && byEvent.get(m) !== w) byEvent.set(m, null);
    else byEvent.set(m, w);
  }
  const zxidsOf = new Map<ZkHistoryOp, number[]>();
  for (const [m, w] of byEvent) if (w !== null) zxidsOf.set(w, [...(zxidsOf.get(w) ?? []), m]);
  for (const [w, ms] of zxidsOf) if (ms.length > 1) return { w, zxids: ms };
  for (const [w, ms] of zxidsOf) {
    const m = ms[0]!;
    if (zxidOf.has(w) || writerOf.has(m)) continue;
    zxidOf.set(w, { m, by: null });
  }
  return null;
}

/** Whether the op (or a sub-op of a multi) may fire `type` on `path`: a create of it for NodeCreated, a setData for NodeDataChanged. */
function fires(op: ZkOp, result: ZkResult | null | undefined, type: 'NodeCreated' | 'NodeDataChanged', path: string): boolean {
  if (op.type === 'multi') return op.ops.some((sub, i) => fires(sub, result?.results?.[i], type, path));
  if (type === 'NodeDataChanged') return op.type === 'setData' && op.path === path;
  if (op.type !== 'create') return false;
  if (!isSequentialMode(op.mode)) return op.path === path;
  return result?.path === undefined ? path.startsWith(op.path) : result.path === path;
}

/**
 * The result of a write that succeeded, as far as its request tells it: the created path of a create that is
 * not sequential, each sub-op's of a multi (all ok: a multi succeeds whole), `version` for a setData or KV write.
 */
function successOf(op: ZkOp, version: number | undefined): ZkResult {
  switch (op.type) {
    case 'create':
      return isSequentialMode(op.mode) ? { rc: 'ok' } : { rc: 'ok', path: op.path };
    case 'multi':
      return { rc: 'ok', results: op.ops.map((sub) => successOf(sub, undefined)) };
    case 'setData':
    case 'kvSet':
    case 'kvCas':
      return version === undefined ? { rc: 'ok' } : { rc: 'ok', version };
    default:
      return { rc: 'ok' };
  }
}
