// Zxids of epoch 0 (1 .. 2^32 - 1) never occur in a ZooKeeper execution. A zxid is epoch * 2^32 + counter
// (ZxidUtils.makeZxid), and the first leader proposes epoch 1: Leader.getEpochToPropose takes one above
// every acceptedEpoch it hears, and a fresh server's acceptedEpoch is 0. Every txn (createSession first of
// all) is proposed by some leader, at a zxid of its epoch, so a txn's zxid, a Stat's mzxid of a node a txn
// made, and a server's last processed zxid (a reply header) are 0 (the empty database, the initial tree's
// nodes) or of epoch 1 or more. The history format (types.ts) writes zxids in that encoding, so such a
// value is well formed, and a history holding one is impossible: each checker reports the values it
// judges (linearizable-writes a txn's zxid, sequential-reads a reply header or a read's mzxid, watch-order
// an event's zxid; -1 and 0 there mean unknown). The searches likewise give no write without a recorded
// zxid one of epoch 0 (zxid-gaps.ts). Counter 0 of a later epoch (e:0) is no txn's either, so a write's zxid,
// an ENDED record's or a Stat's mzxid there is impossible too; a reply header or an event may carry it.
import type { ZkHistory, ZkHistoryEvent, ZkHistoryOp, ZkResult } from '../history/types.js';
import { isZkWrite } from '../history/types.js';
import { violated, type ClientCheckResult } from './client-common.js';
import { describeZxid } from './zk-writes.js';

/** The first zxid of epoch 1: no zxid between 0 and this one is ever issued. */
export const FIRST_EPOCH_BASE = 2 ** 32;

/** True for a zxid of epoch 0 other than 0 itself (0: no txn, the empty database). */
export function isEpochZero(zxid: number | null | undefined): boolean {
  return zxid !== null && zxid !== undefined && zxid > 0 && zxid < FIRST_EPOCH_BASE;
}

/**
 * True for a zxid no txn has: below epoch 1 (0 included), or counter 0 of an epoch. Leader.lead sets the
 * server's zxid to makeZxid(epoch, 0) and every proposal takes ZooKeeperServer.getNextZxid (one above), so
 * counter 0 is the NEWLEADER zxid, never a txn's. (It may be a reply header's: Leader.lead ends with
 * setlastProcessedZxid(makeZxid(epoch, 0)), so a new leader answers at e:0 until its first commit.)
 */
export function isNoTxnZxid(zxid: number | null | undefined): boolean {
  return zxid !== null && zxid !== undefined && (zxid < FIRST_EPOCH_BASE || zxid % FIRST_EPOCH_BASE === 0);
}

/** True for a Stat's mzxid no txn has (0 is the initial tree's, which no txn made). */
function isNoTxnMzxid(mzxid: number | undefined): boolean {
  return mzxid !== undefined && mzxid > 0 && isNoTxnZxid(mzxid);
}

function resultMzxids(r: ZkResult | null): number | null {
  if (r === null) return null;
  if (isNoTxnMzxid(r.mzxid)) return r.mzxid!;
  for (const sub of r.results ?? []) if (isNoTxnMzxid(sub.mzxid)) return sub.mzxid!;
  return null;
}

const WHY = 'ZooKeeper never issues a zxid of epoch 0 (its first leader proposes epoch 1)';

/** Why a txn's zxid (or mzxid) is impossible. */
function whyNoTxn(zxid: number): string {
  return zxid >= FIRST_EPOCH_BASE ? 'no txn has counter 0 of an epoch (Leader.lead: the first proposal of an epoch is counter 1)' : WHY;
}

/** linearizable-writes: a write's zxid, the mzxid its reply's Stat gives, or an ENDED record's end txn of epoch 0. */
export function epochZeroWrite(history: ZkHistory): ClientCheckResult | null {
  for (const o of history.ops) {
    if (isNoTxnZxid(o.zxid)) return violated('linearizable-writes', `#${o.id} carries ${describeZxid(o.zxid)}: ${whyNoTxn(o.zxid!)}`, [o]);
    if (isZkWrite(o.op)) {
      const m = resultMzxids(o.result);
      if (m !== null) return violated('linearizable-writes', `#${o.id} reports mzxid ${describeZxid(m)}: ${whyNoTxn(m)}`, [o]);
    }
  }
  for (const e of history.events ?? [])
    if (e.kind === 'session' && isNoTxnZxid(e.zxid))
      return violated('linearizable-writes', `the session end at ${describeZxid(e.zxid!)}: ${whyNoTxn(e.zxid!)}`, [], [e]);
  return null;
}

/** sequential-reads: a reply header's zxid, or a read's mzxid, of epoch 0. */
export function epochZeroRead(history: ZkHistory): ClientCheckResult | null {
  const flag = (o: ZkHistoryOp, what: string, z: number): ClientCheckResult => violated('sequential-reads', `#${o.id} ${what} ${describeZxid(z)}: ${WHY}`, [o]);
  for (const o of history.ops) {
    if (isEpochZero(o.readZxid)) return flag(o, 'was answered at', o.readZxid!);
    if (!isZkWrite(o.op)) {
      const m = resultMzxids(o.result);
      if (m !== null) return violated('sequential-reads', `#${o.id} reads mzxid ${describeZxid(m)}: ${whyNoTxn(m)}`, [o]);
    }
  }
  for (const u of history.unjudged ?? [])
    if (isEpochZero(u.readZxid))
      return violated('sequential-reads', `a ${u.op.type} of client ${u.client} was answered at ${describeZxid(u.readZxid)}: ${WHY}`, []);
  return null;
}

/** watch-order: an event's zxid of epoch 0 (-1 and 0 mean unknown). */
export function epochZeroEvent(history: ZkHistory): ClientCheckResult | null {
  for (const e of history.events ?? []) if (e.kind === 'watch' && isEpochZero(e.zxid)) return eventFlag(e);
  return null;
}

function eventFlag(e: ZkHistoryEvent & { kind: 'watch' }): ClientCheckResult {
  return violated('watch-order', `the ${e.type} event on ${e.path} carries ${describeZxid(e.zxid)}: ${WHY}`, [], [e]);
}
