// Pins from NodeDeleted and NodeChildrenChanged events (mzxid-pins.ts pins by NodeCreated and
// NodeDataChanged): the txn such an event names, when exactly one thing of the history can be it.
//
// An event fired as its txn is applied, on the connection that set the watch, carries exactly that txn's
// zxid (WatchManager.triggerWatch; zabsim's server stamps `txn.zxid`); only the events setWatches fires at
// once on a new connection carry the server's last processed zxid instead (DataTree.setWatches), and
// `exactEvents` leaves those out. NodeDeleted on p comes from a delete of p, and from
// the end of a session that owns p as an ephemeral (SessionTrackerImpl's expiry, a close: the leader's
// closeSession deletes them, DataTree.killSession). NodeChildrenChanged on p comes from a create or delete of
// a child of p, and from the end of a session that owns a child of p. When no write of the history carries
// the event's zxid m and exactly one candidate remains (a write without a zxid sent before the event
// arrived, not failed, its session not ended below m; or a session end no client saw), that is the txn at m:
// a write is pinned at m, and an unseen end becomes an end at m known committed when the event arrived (the
// server had applied it by then). Sessions whose ends are recorded carry their zxid, which is not m.
import type { ZkHistoryEvent, ZkHistoryOp, ZkOp, ZkResult } from '../history/types.js';
import { isUncertain } from './write-table.js';
import { sessionEndWrites } from './session-ends.js';
import type { HistoryView } from './history-view.js';
import { multiFailsAlone, nodeLife, type NodeLife } from './node-life.js';

const parentOf = (p: string): string => {
  const i = p.lastIndexOf('/');
  return i <= 0 ? '/' : p.slice(0, i);
};

const sequential = (mode: string): boolean => mode === 'persistentSequential' || mode === 'ephemeralSequential';

/** Whether the op (or a sub-op of a multi) may delete `path`, or (`child`) create or delete a child of it. */
function touches(op: ZkOp, result: ZkResult | null | undefined, path: string, child: boolean): boolean {
  if (op.type === 'multi') return op.ops.some((sub, i) => touches(sub, result?.results?.[i], path, child));
  if (op.type === 'delete') return child ? parentOf(op.path) === path : op.path === path;
  if (op.type === 'create' && child) return parentOf(result?.path ?? op.path) === path;
  return false;
}

/** The paths (or, for unnamed sequential creates, prefixes) each session may have made ephemeral. */
function ephemeralTargets(view: HistoryView): Map<number, { path: string; prefix: boolean }[]> {
  const out = new Map<number, { path: string; prefix: boolean }[]>();
  const add = (s: number, path: string, prefix: boolean): void => {
    const list = out.get(s);
    if (list === undefined) out.set(s, [{ path, prefix }]);
    else list.push({ path, prefix });
  };
  const visit = (s: number, op: ZkOp, result: ZkResult | null | undefined): void => {
    if (op.type === 'multi') op.ops.forEach((sub, i) => visit(s, sub, result?.results?.[i]));
    else if (op.type === 'create' && (op.mode === 'ephemeral' || op.mode === 'ephemeralSequential')) {
      const named = result?.path ?? (sequential(op.mode) ? null : op.path);
      if (named === null) add(s, op.path, true);
      else add(s, named, false);
    }
  };
  for (const o of view.history.ops) {
    if (o.session !== null && o.outcome !== 'fail') visit(o.session, o.op, isUncertain(o) ? null : o.result);
    const r = o.result;
    if (o.outcome === 'ok' && r !== null && (r.ephemeralOwner ?? 0) > 0 && (o.op.type === 'getData' || o.op.type === 'exists'))
      add(r.ephemeralOwner!, o.op.path, false);
  }
  return out;
}

/**
 * Whether a session that made `targets` ephemeral may own `path` (`child`: a child of `path`) when its end comes at
 * zxid m: a node it deletes there was made below m (NodeLife.bornAtLeast; an unnamed sequential one under its parent).
 */
function mayOwn(targets: readonly { path: string; prefix: boolean }[] | undefined, path: string, child: boolean, m: number, life: NodeLife): boolean {
  if (targets === undefined) return false;
  const bornBelow = (t: { path: string; prefix: boolean }, node: string): boolean => (t.prefix ? life.bornAtLeast(parentOf(t.path)) : life.bornAtLeast(node)) < m;
  return targets.some((t) => (child ? parentOf(t.path) === path && bornBelow(t, t.path) : (t.prefix ? path.startsWith(t.path) : t.path === path) && bornBelow(t, path)));
}

/** Sessions with a second connection: a second CONNECTED or DISCONNECTED record, or a first one after an op was sent. */
export function reconnectedSessions(view: HistoryView): Set<number> {
  const out = new Set<number>();
  const seen = new Set<number>();
  for (const x of view.history.events ?? []) {
    if (x.kind !== 'session' || (x.state !== 'CONNECTED' && x.state !== 'DISCONNECTED')) continue;
    const first = view.opsBySession.get(x.session)?.ops[0];
    if (seen.has(x.session) || x.state === 'DISCONNECTED' || (first !== undefined && first.invokeUs < x.atUs)) out.add(x.session);
    seen.add(x.session);
  }
  return out;
}

/**
 * The watch events that carry exactly the zxid of the txn that fired them: every event of a session that
 * shows no reconnect, and after a reconnect each event that arrived on a connection after a reply there to a
 * request sent once that connection was up (its CONNECTED record). Why the latter: the only events that carry
 * a server's last processed zxid instead are the ones DataTree.setWatches fires at once, while it handles the
 * setWatches the client sends first on a new connection (ClientCnxn.primeConnection queues it ahead of every
 * request; a client that sends its queued requests first queues them before the connection is up); the server
 * answers one connection in order, so those events reach the client before the reply to any request sent after
 * the setWatches. Every later event on that connection is fired as a txn is applied, by a watch set by a read
 * there or registered by that setWatches (WatchManager.triggerWatch), with that txn's zxid. Connections are
 * told apart by the session's CONNECTED and DISCONNECTED records, in arrival order.
 */
export function exactEvents(view: HistoryView): Set<ZkHistoryEvent> {
  const out = new Set<ZkHistoryEvent>();
  const reconnected = reconnectedSessions(view);
  for (const [session, items] of view.arrivals()) {
    if (!reconnected.has(session)) {
      for (const item of items) if (item.kind === 'watch') out.add(item);
      continue;
    }
    let upAtUs = -Infinity; // when the current connection came up (-Infinity: the first, before any record)
    let answered = false; // a reply came on it to a request sent since
    for (const item of items) {
      if (item.kind === 'session') {
        if (item.state === 'CONNECTED' || item.state === 'DISCONNECTED') {
          upAtUs = item.state === 'CONNECTED' ? item.atUs : Infinity;
          answered = false;
        }
      } else if (item.kind === 'watch') {
        if (answered) out.add(item);
      } else if (item.invokeUs > upAtUs) answered = true;
    }
  }
  return out;
}

/**
 * `conflict`: a write, or a session (its unseen end), that two events pin at two different zxids (the first such):
 * each event can only be that one txn's, and a txn has one zxid, so no execution gives both.
 */
export type DeletePins = {
  readonly ops: Map<ZkHistoryOp, number>;
  readonly ends: ZkHistoryEvent[];
  readonly conflict: { readonly pinned: ZkHistoryOp | number; readonly zxids: readonly number[] } | null;
};

/**
 * The pins NodeDeleted and NodeChildrenChanged events give (see the header), skipping the zxids in `known`
 * and the events that may carry a state's zxid rather than their txn's (`exactEvents`). `endOf`: each session's end zxid where the history gives it.
 */
export function pinDeletesByEvents(
  view: HistoryView,
  floating: readonly ZkHistoryOp[],
  known: ReadonlySet<number>,
  endOf: ReadonlyMap<number, number>,
): DeletePins {
  let exact: Set<ZkHistoryEvent> | null = null;
  const ops = new Map<ZkHistoryOp, number>();
  const ends: ZkHistoryEvent[] = [];
  let targets: Map<number, { path: string; prefix: boolean }[]> | null = null;
  let unseen: ZkHistoryOp[] | null = null;
  const byZxid = new Map<number, ZkHistoryOp | number | null>(); // m -> the op or session it pins, null when two
  const endAt = new Map<number, number>(); // session -> the earliest arrival of an event naming its end
  for (const e of view.history.events ?? []) {
    if (e.kind !== 'watch' || e.zxid <= 0 || known.has(e.zxid) || (e.type !== 'NodeDeleted' && e.type !== 'NodeChildrenChanged')) continue;
    if (!(exact ??= exactEvents(view)).has(e)) continue;
    targets ??= ephemeralTargets(view);
    unseen ??= sessionEndWrites(view.history, view.writes).filter((o) => o.zxid === null);
    const m = e.zxid;
    const child = e.type === 'NodeChildrenChanged';
    let only: ZkHistoryOp | number | null = null;
    let count = 0;
    for (const w of floating) {
      if (w.invokeUs >= e.atUs || (w.result !== null && !isUncertain(w) && w.result.rc !== 'ok')) continue;
      // A multi whose sub-ops contradict each other fails whatever the tree: an error txn, which fires nothing.
      if (w.op.type === 'multi' && multiFailsAlone(w.op.ops)) continue;
      const close = w.op.type === 'closeSession';
      // A close of a session whose end has a zxid is that end (or a second close, which deletes nothing).
      if (
        close
          ? w.session === null || endOf.has(w.session) || !mayOwn(targets.get(w.session), e.path, child, m, nodeLife(view))
          : !touches(w.op, isUncertain(w) ? null : w.result, e.path, child)
      )
        continue;
      if (!close && w.session !== null && (endOf.get(w.session) ?? Infinity) < m) continue;
      only = w;
      if (++count > 1) break;
    }
    for (const end of unseen) {
      if (count > 1) break;
      if (!mayOwn(targets.get(end.session!), e.path, child, m, nodeLife(view))) continue;
      only = end.session!;
      count++;
    }
    if (count !== 1) continue;
    if (byZxid.has(m) && byZxid.get(m) !== only) byZxid.set(m, null);
    else byZxid.set(m, only);
    if (typeof only === 'number') endAt.set(only, Math.min(endAt.get(only) ?? Infinity, e.atUs));
  }
  const pinsOf = new Map<ZkHistoryOp | number, number[]>();
  for (const [m, x] of byZxid) if (x !== null) pinsOf.set(x, [...(pinsOf.get(x) ?? []), m]);
  let conflict: DeletePins['conflict'] = null;
  for (const [x, ms] of pinsOf) {
    if (ms.length > 1) {
      conflict ??= { pinned: x, zxids: ms };
      continue;
    }
    if (typeof x === 'number') ends.push({ kind: 'session', client: null, session: x, server: null, state: 'ENDED', atUs: endAt.get(x)!, zxid: ms[0]! });
    else ops.set(x, ms[0]!);
  }
  return { ops, ends, conflict };
}
