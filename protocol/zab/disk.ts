// What a ZooKeeper server keeps on disk: the acceptedEpoch and currentEpoch files, the newest
// snapshot, and the transaction log files. A snapshot does not remove log files (ZooKeeper keeps
// them until a purge, and autopurge is off by default), so the log can reach below the snapshot:
// FileTxnSnapLog.restore replays only what follows the snapshot, and the leader's
// getProposalsFromTxnLog reads the older records. Writes are applied in O(1) or O(log n).
import { pvecEmpty, pvecLast, pvecLowerBound, pvecPush, pvecTake, type PVec } from '../pvec.js';
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
  return { acceptedEpoch: 0, currentEpoch: 0, snapshot: null, log: pvecEmpty(), logBase: 0, oldLogTop: 0 };
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

/** How many txns a disk image's history holds (snapshot and log). */
export function diskHistoryCount(d: ZabDisk): number {
  return d.logBase + d.log.size;
}

/** Appends `txn` to an in-memory log: the new log, and the write that makes it durable. */
export function appendTxn(log: PVec<Txn>, txn: Txn): { readonly log: PVec<Txn>; readonly write: ZabWrite } {
  const next = pvecPush(log, txn);
  return { log: next, write: { kind: 'append', txn, prev: log, log: next } };
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
      };
    case 'currentEpoch':
      return {
        acceptedEpoch: disk.acceptedEpoch,
        currentEpoch: write.epoch,
        snapshot: disk.snapshot,
        log: disk.log,
        logBase: disk.logBase,
        oldLogTop: disk.oldLogTop,
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
      };
    }
    case 'truncate': {
      const cut = truncateLog(disk, write.zxid);
      return {
        acceptedEpoch: disk.acceptedEpoch,
        currentEpoch: disk.currentEpoch,
        snapshot: disk.snapshot,
        log: cut.log,
        logBase: cut.logBase,
        oldLogTop: Math.max(Math.min(disk.oldLogTop, write.zxid), cut.setAside),
      };
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
        };
      }
      return {
        acceptedEpoch: disk.acceptedEpoch,
        currentEpoch: disk.currentEpoch,
        snapshot: write.snapshot,
        log: pvecEmpty(),
        logBase: write.snapshot.count,
        oldLogTop: Math.max(disk.oldLogTop, lastZxidOf(disk.log)),
      };
  }
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
