// The server's history: snapshot + log, and the state machine applied over it. The log keeps its
// records below the snapshot (disk.ts): history indexes [logBase, logBase + log.size) are in it.
import { assert } from '../assert.js';
import { pvecGet, pvecLast, pvecLowerBound } from '../pvec.js';
import type { Zxid } from '../zxid.js';
import type { Fx } from './effects.js';
import type { Snapshot } from './messages.js';
import { type ZabServer } from './state.js';
import { patchDb, patchServer } from './state-update.js';
import type { Txn } from './txn.js';
import { keepUpTo, restoredImage, rollLogFiles, truncateLog, zxidOfTxn } from './disk.js';

/** The history index of the first txn the log holds. */
export function historyBase(s: ZabServer): number {
  return s.logBase;
}

/** A snapshot of the tree as applied now (a reference to the persistent state, not a copy). */
export function snapshotOfApplied(s: ZabServer): Snapshot {
  return { zxid: s.lastProcessedZxid, count: s.applied, state: s.state };
}

/** Txns in history: the snapshot's and the log's after it. */
export function historyCount(s: ZabServer): number {
  return s.logBase + s.log.size;
}

/**
 * What FileTxnSnapLog.restore returns: the last log record's zxid, or the snapshot's label when
 * that is higher (a snapshot taken at an epoch marker <e,0> holds no txn of epoch e).
 */
export function lastLoggedZxid(s: Pick<ZabServer, 'log' | 'snapshot'>): Zxid {
  const last = pvecLast(s.log);
  const snap = s.snapshot === null ? 0 : s.snapshot.zxid;
  return last !== undefined && last.zxid > snap ? last.zxid : snap;
}

/** The txn at a history index, if the log holds it. */
export function txnAt(s: ZabServer, index: number): Txn | undefined {
  const i = index - historyBase(s);
  if (i < 0 || i >= s.log.size) return undefined;
  return pvecGet(s.log, i);
}

/** History index of the txn with this zxid, or -1. O(log n). */
export function indexOfZxid(s: ZabServer, zxid: Zxid): number {
  const i = pvecLowerBound(s.log, zxid, zxidOfTxn);
  if (i < s.log.size && pvecGet(s.log, i).zxid === zxid) return historyBase(s) + i;
  if (s.snapshot !== null && s.snapshot.zxid === zxid) return s.snapshot.count - 1;
  return -1;
}

/** Applies txns from `applied` up to history index `count`; commits them if asked (with observations). */
export function applyTo(s: ZabServer, count: number, fx: Fx | null): ZabServer {
  if (!(count <= historyCount(s))) assert(false, `apply to ${count} beyond history ${historyCount(s)}`);
  if (count <= s.applied) return s;
  let state = s.state;
  let lastZxid = s.lastProcessedZxid;
  for (let index = s.applied; index < count; index++) {
    const txn = txnAt(s, index);
    if (!(txn !== undefined)) assert(false, `txn ${index} not in log (base ${historyBase(s)})`);
    state = s.sm.apply(state, txn.body, txn.zxid).state;
    lastZxid = txn.zxid;
    if (fx !== null) fx.observe({ kind: 'commit', zxid: txn.zxid, index });
  }
  return patchServer(s, { state, applied: count, lastProcessedZxid: lastZxid, committed: fx !== null ? count : s.committed });
}

/**
 * Rebuilds the applied state from snapshot + log, as a restart or a reload after TRUNC does
 * (ZKDatabase.loadDataBase, FileTxnSnapLog.restore): every logged txn after the snapshot is
 * applied, committed or not, and the committedLog holds just those (its playback listener adds
 * each replayed txn; ZKDatabase.clear emptied it).
 */
export function reloadFromHistory(s: ZabServer): ZabServer {
  const base = s.snapshot;
  const count = base === null ? 0 : base.count;
  const reset: ZabServer = patchServer(s, {
    state: base === null ? s.sm.empty() : base.state,
    applied: count,
    lastProcessedZxid: base === null ? 0 : base.zxid,
    committed: Math.min(s.committed, count),
    db: patchDb(s.db, { committedLogStart: count, committedLogHoles: [] }),
  });
  return applyTo(reset, historyCount(reset), null);
}

/**
 * Keeps txns with zxid <= `zxid` in memory, as ZKDatabase.truncateLog does: cut the txn log, then
 * reload from the newest snapshot plus what is left of the log. A cut below the snapshot's zxid
 * (a snapshot labelled with an epoch marker <e,0>, say) empties the log and keeps the snapshot:
 * FileTxnLog.truncate never touches snapshots.
 */
export function truncateInMemory(s: ZabServer, zxid: Zxid): ZabServer {
  const cut = truncateLog(s, zxid);
  const oldLogTop = Math.max(Math.min(s.db.oldLogTop, zxid), cut.setAside); // as the disk's truncate write
  // The reload (ZKDatabase.truncateLog → loadDataBase) reads the files as a restart does: stale
  // records of superseded files that survive the cut come back after the snapshot (disk.ts).
  const files = restoredImage({
    acceptedEpoch: s.acceptedEpoch,
    currentEpoch: s.currentEpoch,
    snapshot: s.snapshot,
    log: cut.log,
    logBase: cut.logBase,
    oldLogTop,
    staleTail: keepUpTo(s.db.staleTail, zxid),
  });
  const count = files.logBase + files.log.size;
  // FileTxnSnapLog.truncateLog reopens the log: the next append starts a new file.
  return reloadFromHistory(
    patchServer(s, {
      log: files.log,
      logBase: files.logBase,
      db: patchDb(s.db, { logFiles: rollLogFiles(s.db.logFiles, count, files.logBase), oldLogTop, staleTail: files.staleTail }),
      committed: Math.min(s.committed, count),
    }),
  );
}
