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
// more such ops in the partition get one, or one such op and an indeterminate write issued after it.
// An indeterminate write (no reply) is outside session order towards the ops issued after it (it may
// still be in flight at the leader when they run on a new connection), but not towards those issued
// before it: the client sends requests in issue order on one connection (ClientCnxn.queuePacket) and
// the server applies a session's requests in that order (CommitProcessor), so it takes effect, if at all,
// after every ok op its session issued before it. Such a write gets a "prerequisite": how many of its
// session's marked ops must be placed before it can take effect.
import { isZkRead, isZkWrite, type ZkHistoryOp, type ZkHistoryWatch } from '../history/types.js';
import { arrivedBefore, sessionKey, stateZxid } from './client-common.js';
import type { HistoryView } from './history-view.js';
import { isUncertain } from './zk-writes.js';
import { SESSION_END_FLOOR, type ZxidWindow } from './write-windows.js';

/** The issue position of an unrecorded session end: after every op of its session. */
export const AFTER_ALL = Number.MAX_SAFE_INTEGER;

/** `seq`: the op's place among its session's marked ops of the partition, in issue order. */
export type SessionMark = { readonly slot: number; readonly seq: number };

/**
 * For each read without a header zxid, the smallest key (zxid order, read-points.ts: a write of zxid z is
 * key 2z, the reads with header h key 2h+1) that it must lie below: an ok op its session issued after it
 * took effect at or above it, a write of zxid z (so key < 2z), a read with header h (key < 2h + 2); and the
 * session's end recorded at zxid e (key < 2e), an ok closeSession of `writes` with a zxid. Missing when nothing
 * bounds it.
 */
export function sessionCeilings(view: HistoryView, writes: readonly ZkHistoryOp[]): Map<ZkHistoryOp, number> {
  const out = new Map<ZkHistoryOp, number>();
  if (view.readsWithoutZxid.length === 0) return out;
  const endKey = new Map<number, number>();
  for (const o of writes) if (o.op.type === 'closeSession' && o.zxid !== null && o.session !== null) endKey.set(o.session, 2 * o.zxid);
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
): { marks: Map<ZkHistoryOp, SessionMark>; prerequisites: Map<ZkHistoryOp, SessionMark>; slots: number } {
  const bySession = new Map<number, ZkHistoryOp[]>();
  const openBySession = new Map<number, ZkHistoryOp[]>();
  for (const o of unranked) {
    const ordered = SESSION_END_FLOOR.has(o) || (o.outcome === 'ok' && !isUncertain(o));
    const into = ordered ? bySession : isUncertain(o) && o.invokeUs >= 0 ? openBySession : null;
    if (into === null) continue;
    const key = sessionKey(o);
    const list = into.get(key);
    if (list === undefined) into.set(key, [o]);
    else list.push(o);
  }
  const marks = new Map<ZkHistoryOp, SessionMark>();
  const prerequisites = new Map<ZkHistoryOp, SessionMark>();
  let slots = 0;
  for (const [key, list] of bySession) {
    const open = openBySession.get(key);
    if (list.length < 2 && open === undefined) continue;
    let pos = positions.get(key);
    if (pos === undefined) {
      pos = new Map();
      const ops = view.opsBySession.get(key)?.ops ?? [];
      for (let k = 0; k < ops.length; k++) pos.set(ops[k]!, k);
      positions.set(key, pos);
    }
    const at = (o: ZkHistoryOp): number => (SESSION_END_FLOOR.has(o) ? AFTER_ALL : (pos.get(o) ?? AFTER_ALL));
    list.sort((a, b) => at(a) - at(b));
    // An open write's prerequisite: the marked ops issued before it (a prefix of the list); for a close,
    // all of them (it ends the session: no ok reply of the session reflects a state after it).
    const before: [ZkHistoryOp, number][] = [];
    for (const o of open ?? []) {
      const p = o.op.type === 'closeSession' ? AFTER_ALL : pos.get(o);
      if (p === undefined) continue;
      let count = 0;
      while (count < list.length && at(list[count]!) < p) count++;
      if (count > 0) before.push([o, count]);
    }
    if (list.length < 2 && before.length === 0) continue;
    const slot = slots++;
    list.forEach((o, seq) => marks.set(o, { slot, seq }));
    for (const [o, count] of before) prerequisites.set(o, { slot, seq: count });
  }
  return { marks, prerequisites, slots };
}

/**
 * The zxid windows narrowed by the session's end: an ok reply of a session reflects no state at or after
 * its end (the server closes the connection as it applies the end), and a request that reaches the
 * leader after the end becomes an error txn that changes nothing (PrepRequestProcessor checks the
 * session first), so an indeterminate one that took effect did so before it. Hence each write of a
 * session whose end is recorded at zxid e (an ok closeSession with a zxid, an ENDED record) lies below e,
 * and a close without a zxid whose reply was lost, if it took effect, lies above the state zxid of every
 * ok reply of its session (`ops`: the history's ops).
 */
export function endBoundedWindows(
  windows: Map<ZkHistoryOp, ZxidWindow>,
  writes: readonly ZkHistoryOp[],
  ops: readonly ZkHistoryOp[],
): Map<ZkHistoryOp, ZxidWindow> {
  const endOf = new Map<number, ZkHistoryOp>();
  let openCloses = false;
  for (const o of writes) {
    if (o.op.type !== 'closeSession' || o.session === null || o.outcome === 'fail') continue;
    if (o.zxid === null) {
      if (isUncertain(o) && o.invokeUs >= 0) openCloses = true;
      continue;
    }
    const had = endOf.get(o.session);
    if (had === undefined || o.zxid < had.zxid!) endOf.set(o.session, o);
  }
  if (endOf.size === 0 && !openCloses) return windows;
  // The largest state zxid an ok reply of each session shows, and that reply.
  const seenBy = new Map<number, ZkHistoryOp>();
  if (openCloses)
    for (const o of ops) {
      const z = o.session === null || o.op.type === 'closeSession' ? null : stateZxid(o);
      if (z === null || isUncertain(o)) continue;
      const had = seenBy.get(o.session!);
      if (had === undefined || z > stateZxid(had)!) seenBy.set(o.session!, o);
    }
  let out: Map<ZkHistoryOp, ZxidWindow> | null = null;
  for (const [o, w] of windows) {
    if (o.session === null) continue;
    if (o.op.type === 'closeSession') {
      const seen = isUncertain(o) && o.invokeUs >= 0 ? seenBy.get(o.session) : undefined;
      if (seen === undefined || stateZxid(seen)! <= w.lo) continue;
      out ??= new Map(windows);
      out.set(o, { lo: stateZxid(seen)!, hi: w.hi, loOp: seen, hiOp: w.hiOp });
      continue;
    }
    const end = endOf.get(o.session);
    if (end === undefined || end.zxid! >= w.hi) continue;
    out ??= new Map(windows);
    out.set(o, { lo: w.lo, hi: end.zxid!, loOp: w.loOp, hiOp: end });
  }
  return out ?? windows;
}

/**
 * Session order: for each read without a header zxid, the largest state zxid of an ok op its session issued
 * before it. A read's Stat mzxid counts as well: the state it read holds the txn that last set that node, so
 * its read point, and every later one of its session, lies at or above that zxid (sweep seed 1180000, case
 * 4208180317: a read of /k0 at mzxid 1:4, then one of /k1 that missed a set below 1:4). So does the lower end
 * of the zxid window of a write without a zxid that got a server's reply (`windows`), its error rc too: every
 * such write reached the leader and took a zxid above that end (PrepRequestProcessor.pRequestHelper sets the
 * TxnHeader before any check can throw, and a KeeperException turns the txn into OpCode.error; the rcs that
 * fail with no txn, connectionLoss, operationTimeout, sessionExpired, are uncertain here), and the session's
 * later ops lie at or above its txn (case 3466202046: a kvCas answered badVersion, sent after a kvCas of
 * another register completed, then a kvGet of that register that missed it).
 */
export function sessionFloors(view: HistoryView, windows: ReadonlyMap<ZkHistoryOp, ZxidWindow>): Map<ZkHistoryOp, number> {
  const out = new Map<ZkHistoryOp, number>();
  if (view.readsWithoutZxid.length === 0) return out;
  for (const { ops } of view.opsBySession.values()) {
    const floor = new Map<number, number>(); // by session (ops without one: the client's only session)
    for (const o of ops) {
      const key = o.session ?? -1;
      const z = floor.get(key) ?? 0;
      if (o.outcome === 'ok' && (o.readZxid === undefined || o.readZxid === null) && o.zxid === null) out.set(o, z);
      const s = Math.max(stateZxid(o) ?? -1, readMzxid(o), repliedWriteLo(o, windows));
      if (s >= 0 && s > z) floor.set(key, s);
    }
  }
  if (out.size > 0) raiseByEvents(view, out);
  return out;
}

/**
 * An event that names its zxid z reached the client from a server that had applied z (on the watch's own
 * connection the txn that fired it, WatchManager.triggerWatch as DataTree applies it; from setWatches, the
 * server's last processed zxid). A reply that arrived after it on the same connection was written to the
 * same socket later (the server answers in order, FinalRequestProcessor after the txn's triggers), from a
 * state at or after z. So such a read's floor is at least z. Connections are told apart by the session's
 * CONNECTED and DISCONNECTED records, as watch-order counts them; events on an older connection raise nothing
 * (ZooKeeper 3.8's client does not take a notification's zxid into lastZxidSeen).
 */
function raiseByEvents(view: HistoryView, floors: Map<ZkHistoryOp, number>): void {
  if ((view.history.events ?? []).length === 0) return;
  for (const items of view.arrivals().values()) {
    let seen: ZkHistoryWatch | null = null; // the event of the largest known zxid on this connection so far
    for (const item of items) {
      if (item.kind === 'session') {
        if (item.state === 'CONNECTED' || item.state === 'DISCONNECTED') seen = null;
      } else if (item.kind === 'watch') {
        if (item.zxid > 0 && (seen === null || item.zxid > seen.zxid)) seen = item;
      } else if (seen !== null && arrivedBefore(seen, item)) {
        // (A tie in time the history does not order raises nothing.)
        const f = floors.get(item);
        if (f !== undefined && f < seen.zxid) floors.set(item, seen.zxid);
      }
    }
  }
}

/** The lower end of the zxid window of an ok write without a zxid that got a server's reply, or -1. */
function repliedWriteLo(o: ZkHistoryOp, windows: ReadonlyMap<ZkHistoryOp, ZxidWindow>): number {
  if (o.outcome !== 'ok' || o.zxid !== null || isUncertain(o) || !isZkWrite(o.op)) return -1;
  return windows.get(o)?.lo ?? -1;
}

/** The mzxid an ok read's Stat shows (a node's, so its last write's zxid), or -1. */
function readMzxid(o: ZkHistoryOp): number {
  if (o.outcome !== 'ok' || o.result === null || o.zxid !== null || !isZkRead(o.op)) return -1;
  const m = o.result.mzxid;
  return m !== undefined && m > 0 ? m : -1;
}

/**
 * The zxid windows narrowed by session order among the writes without a zxid that got a server's reply (an
 * error rc too: each is a txn, sessionFloors): a session's such writes took increasing zxids in issue order
 * (the client sends them in order on one connection, or sends the later one after the earlier one's reply,
 * since a lost connection fails every pending request with connectionLoss; PrepRequestProcessor prepares a
 * session's requests in arrival order), so each lies above the lower end of the one before it plus one and
 * below the upper end of the one after it minus one. Zxids of other partitions count here, which the read
 * search's per-partition zxid count does not (case 3261198996: a setData, a failed multi and a create of one
 * session below its end at 1:8, the setData above 1:5 by a read: two free zxids for three txns). O(n log n).
 */
export function sessionChainedWindows(view: HistoryView, windows: Map<ZkHistoryOp, ZxidWindow>): Map<ZkHistoryOp, ZxidWindow> {
  let out: Map<ZkHistoryOp, ZxidWindow> | null = null;
  const get = (o: ZkHistoryOp): ZxidWindow => (out ?? windows).get(o)!;
  const set = (o: ZkHistoryOp, w: ZxidWindow): void => void (out ??= new Map(windows)).set(o, w);
  for (const { ops } of view.opsBySession.values()) {
    const chain = ops.filter((o) => windows.has(o) && o.outcome === 'ok' && !isUncertain(o));
    if (chain.length < 2) continue;
    chain.sort((a, b) => a.invokeUs - b.invokeUs);
    for (let k = 1; k < chain.length; k++) {
      const before = get(chain[k - 1]!);
      const w = get(chain[k]!);
      if (chain[k - 1]!.invokeUs < chain[k]!.invokeUs && before.lo + 1 > w.lo) set(chain[k]!, { ...w, lo: before.lo + 1, loOp: before.loOp });
    }
    for (let k = chain.length - 2; k >= 0; k--) {
      const after = get(chain[k + 1]!);
      const w = get(chain[k]!);
      if (chain[k]!.invokeUs < chain[k + 1]!.invokeUs && after.hi - 1 < w.hi) set(chain[k]!, { ...w, hi: after.hi - 1, hiOp: after.hiOp });
    }
  }
  return out ?? windows;
}
