// Session order for the read search (read-points.ts) where no zxid carries it.
//
// A session's ok ops take effect in issue order: CommitProcessor runs one session's requests in the
// order sent, and a session's requests are refused once its closeSession is applied (PrepRequestProcessor
// checks the session first). The read search orders each partition's writes and reads; the ops that have
// a place in zxid order (writes with a zxid, reads with a header zxid) are held to session order by
// ranks (floors and ceilings below). The others (reads without a header zxid, writes without a zxid that
// got a reply, and a session end no client saw, which follows all of its session's ops) get a "mark":
// their place in the session's issue order among the partition's such ops; the search keeps, per session,
// how many are placed, and places each only right after the one before it. Only sessions with two or
// more such ops in the partition get one.
import type { ZkHistoryOp } from '../history/types.js';
import { sessionKey } from './client-common.js';
import type { HistoryView } from './history-view.js';
import { isUncertain } from './zk-writes.js';
import { SESSION_END_FLOOR } from './write-windows.js';

/** The issue position of an unrecorded session end: after every op of its session. */
export const AFTER_ALL = Number.MAX_SAFE_INTEGER;

/** `seq`: the op's place among its session's marked ops of the partition, in issue order. */
export type SessionMark = { readonly slot: number; readonly seq: number };

/**
 * For each read without a header zxid, the smallest key (zxid order, read-points.ts: a write of zxid z is
 * key 2z, the reads with header h key 2h+1) that it must lie below: an ok op its session issued after it
 * took effect at or above it, a write of zxid z (so key < 2z), a read with header h (key < 2h + 2); and the
 * session's end recorded at zxid e (key < 2e). Missing when nothing bounds it.
 */
export function sessionCeilings(view: HistoryView, ends: readonly ZkHistoryOp[]): Map<ZkHistoryOp, number> {
  const out = new Map<ZkHistoryOp, number>();
  if (view.readsWithoutZxid.length === 0) return out;
  const endKey = new Map<number, number>();
  for (const o of ends) if (o.zxid !== null && o.session !== null) endKey.set(o.session, 2 * o.zxid);
  for (const { ops } of view.opsBySession.values()) {
    let ceil = Number.POSITIVE_INFINITY;
    const first = ops[0];
    if (first !== undefined && first.session !== null) ceil = endKey.get(first.session) ?? ceil;
    for (let k = ops.length - 1; k >= 0; k--) {
      const o = ops[k]!;
      if (o.outcome !== 'ok') continue;
      const noHeader = o.readZxid === undefined || o.readZxid === null;
      if (o.zxid === null && noHeader && ceil !== Number.POSITIVE_INFINITY) out.set(o, ceil);
      if (o.zxid !== null) ceil = Math.min(ceil, 2 * o.zxid);
      else if (!noHeader) ceil = Math.min(ceil, 2 * o.readZxid! + 2);
    }
  }
  return out;
}

/**
 * The marks of a partition's unranked ops (reads without a header zxid, writes without a zxid), by op,
 * and the number of sessions marked. `positions` caches each session's issue positions across partitions.
 */
export function sessionMarks(
  view: HistoryView,
  unranked: readonly ZkHistoryOp[],
  positions: Map<number, Map<ZkHistoryOp, number>>,
): { marks: Map<ZkHistoryOp, SessionMark>; slots: number } {
  const bySession = new Map<number, ZkHistoryOp[]>();
  for (const o of unranked) {
    const ordered = SESSION_END_FLOOR.has(o) || (o.outcome === 'ok' && !isUncertain(o));
    if (!ordered) continue;
    const key = sessionKey(o);
    const list = bySession.get(key);
    if (list === undefined) bySession.set(key, [o]);
    else list.push(o);
  }
  const marks = new Map<ZkHistoryOp, SessionMark>();
  let slots = 0;
  for (const [key, list] of bySession) {
    if (list.length < 2) continue;
    let pos = positions.get(key);
    if (pos === undefined) {
      pos = new Map();
      const ops = view.opsBySession.get(key)?.ops ?? [];
      for (let k = 0; k < ops.length; k++) pos.set(ops[k]!, k);
      positions.set(key, pos);
    }
    const at = (o: ZkHistoryOp): number => (SESSION_END_FLOOR.has(o) ? AFTER_ALL : (pos.get(o) ?? AFTER_ALL));
    list.sort((a, b) => at(a) - at(b));
    const slot = slots++;
    list.forEach((o, seq) => marks.set(o, { slot, seq }));
  }
  return { marks, slots };
}
