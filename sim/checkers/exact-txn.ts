// Whether a write can be the txn at a zxid an event names exactly (watch-changes.ts for one-shot watches,
// watch-persistent.ts for persistent ones): the bounds the rest of the history puts on a write's zxid.
//
// An event fired as its txn is applied carries that txn's zxid (WatchManager.triggerWatch): on the connection
// a one-shot watch was set on, and always for a persistent watch (DataTree.setWatches fires nothing for one it
// re-registers). So the write it reports must be able to hold exactly that zxid.
import type { ZkHistoryOp } from '../history/types.js';
import { isUncertain } from './zk-writes.js';
import type { HistoryView } from './history-view.js';
import { sessionFloors, writeZxidFloor } from './write-zxid-floor.js';
import { writeZxidCeiling } from './write-zxid-ceiling.js';
import { nodeLife } from './node-life.js';
import { missingAbove } from './shown-missing.js';
import { SESSION_END_FLOOR } from './write-windows.js';

/**
 * A test: (write, m) -> whether the write (an op of the history, or a session end as sessionEndWrites makes it)
 * can be the txn at zxid m and have taken effect there; `writes`: the history's writes with its session ends
 * (sessionEndWrites), whose zxids are taken. It cannot when:
 * - it has another zxid, or m is another write's (two txns never share a zxid; ENDED records name ends);
 * - its session ended at or below m (PrepRequestProcessor refuses a closing session's requests: error txns);
 * - m is at or below a state its session saw before sending it (sessionFloors: its server had applied it);
 * - m is above a zxid it must precede (writeZxidCeiling: a write sent after it returned, its session's later
 *   writes and end), or below its floor (writeZxidFloor, for a certain write);
 * - it cannot succeed at all (NodeLife.cannotSucceed), or a reply shows a node it makes missing at a state at or above m with
 *   nothing to delete it between (shown-missing.ts missingAbove), or, a plain create, its node is there at m
 *   (NodeLife.createBlockedAt) or nothing deletes it and a read at a header zxid below m shows it; a create (a
 *   multi's too) of a node a read below m shows in a life nothing deletes (`persistsFrom`);
 * - an unseen session end: m is at or below its session's own writes and replies (SESSION_END_FLOOR).
 */
export function exactTxnFits(view: HistoryView, writes: readonly ZkHistoryOp[]): (o: ZkHistoryOp, m: number) => boolean {
  const named = new Set<number>();
  const endZxid = new Map<number, number>();
  for (const o of writes) {
    if (o.zxid !== null && o.outcome !== 'fail') named.add(o.zxid);
    if (o.op.type === 'closeSession' && o.session !== null && o.outcome === 'ok' && !isUncertain(o) && o.zxid !== null)
      endZxid.set(o.session, Math.min(o.zxid, endZxid.get(o.session) ?? Infinity));
  }
  let floors: ((session: number, before: number) => number) | null = null;
  let ceiling: ((o: ZkHistoryOp) => number | null) | null = null;
  let persists: Map<string, number> | null = null;
  let floor: ((o: ZkHistoryOp) => number | null) | null = null;
  let missing: ((o: ZkHistoryOp, m: number) => boolean) | null = null;
  return (o, m) => {
    if (o.zxid !== null) return o.zxid === m;
    if (named.has(m)) return false;
    const close = o.op.type === 'closeSession';
    if (!close && o.session !== null && (endZxid.get(o.session) ?? Infinity) <= m) return false;
    // (A close of unknown outcome may be an expiry, at any time: no floor from its sending.)
    if (o.session !== null && !(close && isUncertain(o)) && m <= (floors ??= sessionFloors(view))(o.session, o.invokeUs)) return false;
    const top = close ? null : (ceiling ??= writeZxidCeiling(view))(o);
    if (top !== null && m > top) return false;
    // (A certain write without a zxid is at or above writeZxidFloor: its session's states, earlier writes, and
    // every txn known committed before it was sent.)
    const bottom = close ? null : (floor ??= writeZxidFloor(view))(o);
    if (bottom !== null && m < bottom) return false;
    const life = nodeLife(view);
    if (life.cannotSucceed(o)) return false;
    if ((missing ??= missingAbove(view))(o, m)) return false;
    if (o.op.type === 'create' && (o.op.mode === 'persistent' || o.op.mode === 'ephemeral')) {
      if (life.createBlockedAt(o.op.path, m)) return false;
      if (!life.mayDelete(o.op.path) && life.shownBy(o.op.path) < m) return false;
    }
    for (const p of plainCreates(o)) if (((persists ??= persistsFrom(view)).get(p) ?? Infinity) < m) return false;
    const endFloor = SESSION_END_FLOOR.get(o);
    return endFloor === undefined || endFloor < m;
  };
}

/** The nodes a write creates by name (a create, or a multi's creates of nodes no earlier sub-op of it deleted). */
function plainCreates(o: ZkHistoryOp): string[] {
  const subs = o.op.type === 'multi' ? o.op.ops : [o.op];
  const out: string[] = [];
  const deleted = new Set<string>();
  for (const sub of subs)
    if (sub.type === 'delete') deleted.add(sub.path);
    else if (sub.type === 'create' && (sub.mode === 'persistent' || sub.mode === 'ephemeral') && !deleted.has(sub.path)) out.push(sub.path);
  return out;
}

/**
 * By path: the least header zxid h of a read showing the node with data d at version 0, when every write that may
 * have made it with data d makes it persistent (by name, not a container or TTL node) and no write of the history
 * deletes it. That read's life was made by such a create (DataTree.createNode stores the data at version 0, and each
 * setData raises the version), which no session end removes and no delete names: the node is there at every state
 * from h on, so a create of it above h fails (nodeExists). Judged by data: round 13 (r13e), case 267768680.
 */
function persistsFrom(view: HistoryView): Map<string, number> {
  const out = new Map<string, number>();
  const creators = new Map<string, { data: string | undefined; persistent: boolean }[]>();
  const deleted = new Set<string>();
  let unnamed = false;
  for (const o of view.writes) {
    if (o.outcome === 'fail' || (o.outcome === 'ok' && o.result !== null && !isUncertain(o) && o.result.rc !== 'ok')) continue;
    const subs = o.op.type === 'multi' ? o.op.ops : [o.op];
    subs.forEach((sub, i) => {
      if (sub.type === 'delete') deleted.add(sub.path);
      if (sub.type !== 'create') return;
      const named = o.op.type === 'multi' ? o.result?.results?.[i]?.path : o.result?.path;
      const path = sub.mode === 'persistent' || sub.mode === 'ephemeral' ? sub.path : (named ?? null);
      if (path === null) unnamed = true;
      else creators.set(path, [...(creators.get(path) ?? []), { data: sub.data, persistent: sub.mode === 'persistent' || sub.mode === 'persistentSequential' }]);
    });
  }
  if (unnamed) return out;
  for (const r of view.history.ops) {
    const res = r.result;
    if (r.op.type !== 'getData' || r.outcome !== 'ok' || res === null || isUncertain(r) || res.rc !== 'ok' || res.version !== 0 || res.data === undefined) continue;
    if (r.readZxid == null || r.readZxid <= 0 || deleted.has(r.op.path)) continue;
    const makers = (creators.get(r.op.path) ?? []).filter((c) => c.data === res.data);
    if (makers.length > 0 && makers.every((c) => c.persistent)) out.set(r.op.path, Math.min(out.get(r.op.path) ?? Infinity, r.readZxid));
  }
  return out;
}

