// The changes a session end surely makes, for the persistent-watch judgment (watch-persistent-shared.ts
// certainChanges: each such change is owed like a certain write's, at the end's zxid).
import type { ZkHistoryOp, ZkHistoryWatch, ZkOp, ZkResult } from '../history/types.js';
import { isUncertain } from './zk-writes.js';
import type { HistoryView } from './history-view.js';

type EventType = ZkHistoryWatch['type'];
const parentOf = (p: string): string => (p.lastIndexOf('/') <= 0 ? '/' : p.slice(0, p.lastIndexOf('/')));

/**
 * A change a certain write makes, with its event type and path; or one a session end surely makes (`end`: that
 * session; `by`: the create of the ephemeral it deletes).
 */
export type Change = { readonly zxid: number; readonly type: EventType; readonly path: string; readonly by: ZkHistoryOp; readonly end?: number };

/** How a message names the txn of a change. */
export const changeTxn = (c: Change): string => (c.end !== undefined ? `the end of session ${c.end} (deleting what #${c.by.id} made)` : `#${c.by.id}`);

/**
 * The deletes a session end surely made, at the zxid its ENDED record gives (a server committed the end txn there;
 * none when two records differ). Not an ok close's zxid: a close that reached the leader after the session expired is
 * logged again (PrepRequestProcessor.pRequest2Txn does not check a closeSession's session), and the expiry's txn made
 * the deletes. DataTree.killSession deletes each ephemeral the session owns (deleteNode: NodeDeleted
 * of the node, NodeChildrenChanged of its parent, each through WatchManager.triggerWatch). An ephemeral is surely
 * owned then (`sureEphemerals`) when the session's own certain ok create made it (its txn precedes the end:
 * PrepRequestProcessor refuses a request of an ended session) with its name known, and no op may delete that path
 * (round 13, cases 4070935199, 2938000155: an ENDED record above the registration, no NodeDeleted).
 */
export function sessionEndChanges(view: HistoryView): Change[] {
  const endOf = new Map<number, number | null>();
  for (const e of view.history.events ?? [])
    if (e.kind === 'session' && e.state === 'ENDED' && e.zxid !== undefined && e.zxid > 0) {
      const had = endOf.get(e.session);
      endOf.set(e.session, had === undefined || had === e.zxid ? e.zxid : null);
    }
  if (endOf.size === 0) return [];
  const out: Change[] = [];
  for (const [session, list] of sureEphemerals(view)) {
    const end = endOf.get(session);
    if (end === undefined || end === null) continue;
    for (const { create, path } of list)
      out.push({ zxid: end, type: 'NodeDeleted', path, by: create, end: session }, { zxid: end, type: 'NodeChildrenChanged', path: parentOf(path), by: create, end: session });
  }
  return out;
}

/** The sessions with an ENDED record (their end's deletes are placed by `sessionEndChanges`). */
export function endedSessions(view: HistoryView): Set<number> {
  const out = new Set<number>();
  for (const e of view.history.events ?? []) if (e.kind === 'session' && e.state === 'ENDED') out.add(e.session);
  return out;
}

/** An ephemeral node a session surely owned until its end: the certain create that made it, and its path. */
export type SureEphemeral = { readonly create: ZkHistoryOp; readonly path: string };

/**
 * By session: the ephemerals its end surely deletes (DataTree.killSession), whenever that end comes: made by the
 * session's own certain ok create (which precedes the end), with the name known, where no op of the history may
 * delete that path.
 */
export function sureEphemerals(view: HistoryView): Map<number, SureEphemeral[]> {
  const deleted = new Set<string>();
  const visitDeletes = (op: ZkOp): void => {
    if (op.type === 'multi') op.ops.forEach(visitDeletes);
    else if (op.type === 'delete') deleted.add(op.path);
  };
  for (const o of view.history.ops) visitDeletes(o.op);
  const out = new Map<number, SureEphemeral[]>();
  for (const o of view.writes) {
    if (o.session === null || o.outcome !== 'ok' || o.result === null || isUncertain(o) || o.result.rc !== 'ok') continue;
    const session = o.session;
    const visit = (op: ZkOp, r: ZkResult | undefined): void => {
      if (op.type === 'multi') op.ops.forEach((sub, i) => visit(sub, r?.results?.[i]));
      else if (op.type === 'create' && (op.mode === 'ephemeral' || op.mode === 'ephemeralSequential') && r !== undefined && r.rc === 'ok') {
        const path = r.path ?? (op.mode === 'ephemeral' ? op.path : null);
        if (path === null || deleted.has(path)) return;
        const list = out.get(session);
        if (list === undefined) out.set(session, [{ create: o, path }]);
        else list.push({ create: o, path });
      }
    };
    visit(o.op, o.result);
  }
  return out;
}

/** A session end a delete proves came below its txn (`provedEnds`), with bounds on its zxid and the deletes it made. */
export type ProvedEnd = {
  readonly session: number;
  /** The latest sent of the session's sure ephemeral creates: the end's txn follows it (and its send). */
  readonly x: ZkHistoryOp;
  readonly upper: number;
  readonly lower: number;
  readonly found: readonly [EventType, string][];
};

/**
 * The session ends without an ENDED record that a certain delete proves came before it: a write with a zxid whose
 * delete of p succeeded found p childless (PrepRequestProcessor: notEmpty otherwise; a multi's own deletes of the
 * children aside, but no op deletes a sure ephemeral), so each sure ephemeral child of p (`sureEphemerals`) whose
 * create lies below that zxid (its own zxid, or it completed before the write was sent) was gone, and its session's
 * end, the one thing that deletes it, lies below: `upper`. The end follows every txn of its session with a certain
 * reply, so it is above the largest such zxid: `lower`. It deleted every sure ephemeral of its session
 * (DataTree.killSession): NodeDeleted of each, NodeChildrenChanged of its parent. Round 13, case 3167557365: a multi
 * at 1:7 deletes /a under which session 1004 made two ephemerals at 1:4 and 1:5; its end is at 1:6.
 */
export function provedEnds(view: HistoryView): ProvedEnd[] {
  const sure = sureEphemerals(view);
  if (sure.size === 0) return [];
  const ended = endedSessions(view);
  const upperOf = new Map<number, number>();
  for (const w of view.writes) {
    if (w.zxid === null || w.outcome !== 'ok' || w.result === null || isUncertain(w) || w.result.rc !== 'ok') continue;
    const gone = new Set<string>();
    const visit = (op: ZkOp): void => {
      if (op.type === 'multi') op.ops.forEach(visit);
      else if (op.type === 'delete') gone.add(op.path);
    };
    visit(w.op);
    if (gone.size === 0) continue;
    for (const [session, list] of sure) {
      if (ended.has(session)) continue;
      const below = list.some(({ create, path }) => gone.has(parentOf(path)) && (create.zxid !== null ? create.zxid < w.zxid! : create.completeUs! < w.invokeUs));
      if (below) upperOf.set(session, Math.min(upperOf.get(session) ?? Infinity, w.zxid - 1));
    }
  }
  const out: ProvedEnd[] = [];
  for (const [session, upper] of upperOf) {
    const list = sure.get(session)!;
    let lower = -Infinity;
    for (const o of view.writes)
      if (o.session === session && o.zxid !== null && o.outcome === 'ok' && o.result !== null && !isUncertain(o)) lower = Math.max(lower, o.zxid + 1);
    let x = list[0]!.create;
    const found: [EventType, string][] = [];
    for (const { create, path } of list) {
      if (create.invokeUs > x.invokeUs) x = create;
      found.push(['NodeDeleted', path], ['NodeChildrenChanged', parentOf(path)]);
    }
    out.push({ session, x, upper, lower, found });
  }
  return out;
}
