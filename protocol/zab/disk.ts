// What a ZooKeeper server keeps on disk: the acceptedEpoch and currentEpoch files, the newest
// snapshot, and the transaction log files. A snapshot does not remove log files (ZooKeeper keeps
// them until a purge, and autopurge is off by default), so the log can reach below the snapshot:
// FileTxnSnapLog.restore replays only what follows the snapshot, and the leader's
// getProposalsFromTxnLog reads the older records. Writes are applied in O(1) or O(log n).
import { pvecEmpty, pvecFrom, pvecLast, pvecLowerBound, pvecPush, pvecTake, pvecToArray, type PVec } from '../pvec.js';
import { formatZxid, type Zxid } from '../zxid.js';
import type { Snapshot } from './messages.js';
import type { Txn } from './txn.js';

export interface ZabDisk {
  readonly acceptedEpoch: number;
  readonly currentEpoch: number;
  /** Null until the first snapshot; the log then starts from the empty state. */
  readonly snapshot: Snapshot | null;
  /**
   * The txn log records, ascending by zxid; `log[0]` is the txn at history index `logBase`. The
   * snapshot's txns are history indexes [0, snapshot.count), and logBase <= snapshot.count <=
   * logBase + log.size: a restore replays the log from the snapshot's count on.
   */
  readonly log: PVec<Txn>;
  /** History index of the log's first record (0 until a SNAP or TRUNC sync replaced the log). */
  readonly logBase: number;
  /**
   * The highest zxid left in txn log files that a snapshot superseded (0 if none). ZooKeeper keeps
   * those files until a purge, and FileTxnLog.truncate reads them: a TRUNC succeeds only if some
   * file holds a record at or above its zxid.
   */
  readonly oldLogTop: Zxid;
  /**
   * Records of log files that a learner's NEWLEADER snapshot after a SNAP superseded, whose zxid is
   * above the newest snapshot's: ascending, all below `log`'s records above the snapshot (those
   * are of a later epoch). ZooKeeper never deletes or truncates a log file on a SNAP, and a restore
   * (FileTxnSnapLog.restore → fastForwardFromEdits) replays every record the FileTxnIterator reads
   * from the snapshot's zxid + 1 on, in file order: these come back right after the snapshot. They
   * are not in the history of the process that wrote the snapshot; `restoredImage` folds them in.
   */
  readonly staleTail: PVec<Txn>;
}

export type ZabWrite =
  | { readonly kind: 'acceptedEpoch'; readonly epoch: number }
  | { readonly kind: 'currentEpoch'; readonly epoch: number }
  /**
   * `prev` and `log` are the writer's in-memory log before and after this append. When the disk's
   * log is that very `prev` (the usual case: the disk has every append the process made), the disk
   * takes `log`, which is equal in value, instead of building the same vector again.
   */
  | { readonly kind: 'append'; readonly txn: Txn; readonly prev?: PVec<Txn>; readonly log?: PVec<Txn> }
  /** Keep txns with zxid <= `zxid` (FileTxnSnapLog.truncateLog). */
  | { readonly kind: 'truncate'; readonly zxid: Zxid }
  /**
   * A new snapshot (FileTxnSnapLog.save). `replacesLog`: a learner's snapshot at NEWLEADER after a
   * SNAP or TRUNC sync, whose in-memory history no longer continues the log files; zabsim then
   * starts the log afresh at the snapshot and keeps only the old files' top (oldLogTop). Otherwise
   * (the leader's snapshot in Leader.lead, the snapCount snapshots) the log files stay as they are.
   */
  | { readonly kind: 'snapshot'; readonly snapshot: Snapshot; readonly replacesLog: boolean };

export function emptyZabDisk(): ZabDisk {
  return { acceptedEpoch: 0, currentEpoch: 0, snapshot: null, log: pvecEmpty(), logBase: 0, oldLogTop: 0, staleTail: pvecEmpty() };
}

export function zxidOfTxn(txn: Txn): number {
  return txn.zxid;
}

/**
 * The log cut to the records with zxid <= `zxid` (FileTxnLog.truncate). A cut below the newest
 * snapshot leaves no record after it to replay; zabsim then starts the log afresh at the snapshot
 * (the records below it stay readable only through oldLogTop), so logBase <= snapshot.count <=
 * logBase + log.size holds; `setAside` is the top of the records set aside that way (0: none).
 */
export function truncateLog(
  d: Pick<ZabDisk, 'log' | 'logBase' | 'snapshot'>,
  zxid: Zxid,
): { readonly log: PVec<Txn>; readonly logBase: number; readonly setAside: Zxid } {
  const keep = pvecLowerBound(d.log, zxid + 1, zxidOfTxn);
  const log = pvecTake(d.log, keep);
  if (d.snapshot !== null && d.logBase + keep < d.snapshot.count) return { log: pvecEmpty(), logBase: d.snapshot.count, setAside: lastZxidOf(log) };
  return { log, logBase: d.logBase, setAside: 0 };
}

/**
 * Where the newest txn log files begin, as history indexes. FileTxnLog opens a file on the first
 * append after a roll (a process start, a TRUNC's reopen, SyncRequestProcessor's rollLog), so the
 * newest file that holds records is the one opened at `rolledAt` once an append followed it, and
 * the one before (`before`) until then. Older boundaries are not kept (protocol/zab/README.md).
 */
export interface LogFiles {
  readonly rolledAt: number;
  readonly before: number;
}

/** The files after a roll at history count `count`; `logBase` stands for a file start no longer known. */
export function rollLogFiles(files: LogFiles, count: number, logBase: number): LogFiles {
  if (count === files.rolledAt) return files;
  if (count > files.rolledAt) return { rolledAt: count, before: files.rolledAt };
  // A truncation below the last roll point deleted the files from there on.
  return { rolledAt: count, before: files.before < count ? files.before : logBase };
}

/** History index of the first record of the newest log file that holds records, in a history of `count` txns. */
export function newestLogFile(files: LogFiles, count: number): number {
  return count > files.rolledAt ? files.rolledAt : files.before;
}

/** How many txns a restore of this disk image gives (snapshot, stale records, log). */
export function diskHistoryCount(d: ZabDisk): number {
  return d.logBase + d.log.size + d.staleTail.size;
}

/** The records of an ascending log with zxid above `zxid`. O(log n) when none, else O(their count). */
export function recordsAbove(log: PVec<Txn>, zxid: Zxid): PVec<Txn> {
  const from = pvecLowerBound(log, zxid + 1, zxidOfTxn);
  if (from === log.size) return pvecEmpty();
  return from === 0 ? log : pvecFrom(pvecToArray(log, from));
}

/**
 * What stays above a new snapshot at `zxid` in the log files it supersedes (a learner's NEWLEADER
 * snapshot after a SNAP, whose history does not continue the files): the stale records above it,
 * then the log's. Both are ascending and the log's records above the old snapshot are of a later
 * epoch than the stale ones, so the result is ascending. Usually empty: in ZooKeeper 3.8 a SNAP's
 * zxid is below a record of the learner's files only in rare cases (protocol/zab/README.md).
 */
export function staleAfterSnapshot(staleTail: PVec<Txn>, log: PVec<Txn>, zxid: Zxid): PVec<Txn> {
  const stale = recordsAbove(staleTail, zxid);
  const fromLog = recordsAbove(log, zxid);
  if (fromLog.size === 0) return stale;
  if (stale.size === 0) return fromLog;
  return pvecFrom([...pvecToArray(stale), ...pvecToArray(fromLog)]);
}

/**
 * The image as a restore reads it, re-expressed in the history of the process it boots: the stale
 * records go into the log right after the snapshot (they are what FileTxnIterator replays first,
 * the log's records above the snapshot following them). The files are the same; only their
 * history indexes change, so the booted process and its disk agree on them. Identity (O(1)) with
 * no stale record; otherwise O(log), once per boot or TRUNC reload.
 */
export function restoredImage(d: ZabDisk): ZabDisk {
  if (d.staleTail.size === 0 || d.snapshot === null) return d;
  const cut = d.snapshot.count - d.logBase;
  const log = pvecFrom([...pvecToArray(d.log, 0, cut), ...pvecToArray(d.staleTail), ...pvecToArray(d.log, cut)]);
  return {
    acceptedEpoch: d.acceptedEpoch,
    currentEpoch: d.currentEpoch,
    snapshot: d.snapshot,
    log,
    logBase: d.logBase,
    oldLogTop: d.oldLogTop,
    staleTail: pvecEmpty(),
  };
}

/** An append as `appendTxn` builds it: the log appended to and the new log both known. */
export type AppendWrite = { readonly kind: 'append'; readonly txn: Txn; readonly prev: PVec<Txn>; readonly log: PVec<Txn> };

/** Appends `txn` to an in-memory log: the write that makes it durable, whose `log` is the new log. */
export function appendTxn(log: PVec<Txn>, txn: Txn): AppendWrite {
  // The write is the result: it carries the new log, so an append (once per txn per server) builds
  // no second object to hand back both.
  return { kind: 'append', txn, prev: log, log: pvecPush(log, txn) };
}

export function applyZabWrite(disk: ZabDisk, write: ZabWrite): ZabDisk {
  // Object literals, not spreads: an append runs once per txn per server.
  switch (write.kind) {
    case 'acceptedEpoch':
      return {
        acceptedEpoch: write.epoch,
        currentEpoch: disk.currentEpoch,
        snapshot: disk.snapshot,
        log: disk.log,
        logBase: disk.logBase,
        oldLogTop: disk.oldLogTop,
        staleTail: disk.staleTail,
      };
    case 'currentEpoch':
      return {
        acceptedEpoch: disk.acceptedEpoch,
        currentEpoch: write.epoch,
        snapshot: disk.snapshot,
        log: disk.log,
        logBase: disk.logBase,
        oldLogTop: disk.oldLogTop,
        staleTail: disk.staleTail,
      };
    case 'append': {
      const log = write.log !== undefined && write.prev === disk.log ? write.log : pvecPush(disk.log, write.txn);
      return {
        acceptedEpoch: disk.acceptedEpoch,
        currentEpoch: disk.currentEpoch,
        snapshot: disk.snapshot,
        log,
        logBase: disk.logBase,
        oldLogTop: disk.oldLogTop,
        staleTail: disk.staleTail,
      };
    }
    case 'truncate': {
      // FileTxnLog.truncate cuts the files in file order after the last record <= zxid; the stale
      // records precede the log's above the snapshot, so each keeps its records <= zxid. The
      // learner then reloads (ZKDatabase.truncateLog → loadDataBase), reading back the stale ones.
      const cut = truncateLog(disk, write.zxid);
      return restoredImage({
        acceptedEpoch: disk.acceptedEpoch,
        currentEpoch: disk.currentEpoch,
        snapshot: disk.snapshot,
        log: cut.log,
        logBase: cut.logBase,
        oldLogTop: Math.max(Math.min(disk.oldLogTop, write.zxid), cut.setAside),
        staleTail: keepUpTo(disk.staleTail, write.zxid),
      });
    }
    case 'snapshot':
      // An unsynced snapshot reaching the disk after a newer one written synchronously (a snapCount
      // snapshot still buffered when the NEWLEADER snapshot was synced) is an older file:
      // FileSnap.findMostRecentSnapshot would pick the newer, so the image keeps it.
      if (!write.replacesLog && disk.snapshot !== null && (write.snapshot.zxid < disk.snapshot.zxid || write.snapshot.count < disk.logBase)) return disk;
      if (!write.replacesLog) {
        return {
          acceptedEpoch: disk.acceptedEpoch,
          currentEpoch: disk.currentEpoch,
          snapshot: write.snapshot,
          log: disk.log,
          logBase: disk.logBase,
          oldLogTop: disk.oldLogTop,
          // A restore now starts after this snapshot's zxid: stale records at or below it stay
          // in the files but are never read again.
          staleTail: recordsAbove(disk.staleTail, write.snapshot.zxid),
        };
      }
      // Learner.syncWithLeader takes this snapshot (takeSnapshot(syncSnapshot)) and nothing else:
      // no log file is deleted or truncated, so the records above the snapshot's zxid stay on disk.
      return {
        acceptedEpoch: disk.acceptedEpoch,
        currentEpoch: disk.currentEpoch,
        snapshot: write.snapshot,
        log: pvecEmpty(),
        logBase: write.snapshot.count,
        oldLogTop: Math.max(disk.oldLogTop, lastZxidOf(disk.staleTail), lastZxidOf(disk.log)),
        // A restore starts after the highest snapshot zxid on disk (FileSnap.findNValidSnapshots
        // sorts the files by the zxid in their names), which may be the older file's.
        staleTail: staleAfterSnapshot(disk.staleTail, disk.log, Math.max(write.snapshot.zxid, disk.snapshot?.zxid ?? 0)),
      };
  }
}

/** The records of an ascending log with zxid <= `zxid`. */
export function keepUpTo(log: PVec<Txn>, zxid: Zxid): PVec<Txn> {
  return pvecTake(log, pvecLowerBound(log, zxid + 1, zxidOfTxn));
}

/** The last txn's zxid, or 0 for an empty log. */
export function lastZxidOf(log: PVec<Txn>): Zxid {
  return pvecLast(log)?.zxid ?? 0;
}

export function describeZabWrite(write: ZabWrite): string {
  switch (write.kind) {
    case 'acceptedEpoch':
    case 'currentEpoch':
      return `${write.kind}=${write.epoch}`;
    case 'append':
      return `append ${formatZxid(write.txn.zxid)}`;
    case 'truncate':
      return `truncate to ${formatZxid(write.zxid)}`;
    case 'snapshot':
      return `snapshot ${formatZxid(write.snapshot.zxid)}`;
  }
}
