// What a ZooKeeper server keeps on disk: the acceptedEpoch and currentEpoch files, the newest
// snapshot, and the transaction log after it. Writes are applied in O(1) or O(log n).
import { pvecEmpty, pvecLast, pvecLowerBound, pvecPush, pvecTake, type PVec } from '../pvec.js';
import { formatZxid, type Zxid } from '../zxid.js';
import type { Snapshot } from './messages.js';
import type { Txn } from './txn.js';

export interface ZabDisk {
  readonly acceptedEpoch: number;
  readonly currentEpoch: number;
  /** Null until the first snapshot; the log then starts from the empty state. */
  readonly snapshot: Snapshot | null;
  /** Txns after the snapshot, ascending by zxid. */
  readonly log: PVec<Txn>;
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
  /** A new snapshot replaces the log (the log before it is no longer needed). */
  | { readonly kind: 'snapshot'; readonly snapshot: Snapshot };

export function emptyZabDisk(): ZabDisk {
  return { acceptedEpoch: 0, currentEpoch: 0, snapshot: null, log: pvecEmpty(), oldLogTop: 0 };
}

export function zxidOfTxn(txn: Txn): number {
  return txn.zxid;
}

export function truncateLog(log: PVec<Txn>, zxid: Zxid): PVec<Txn> {
  return pvecTake(log, pvecLowerBound(log, zxid + 1, zxidOfTxn));
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
      return { acceptedEpoch: write.epoch, currentEpoch: disk.currentEpoch, snapshot: disk.snapshot, log: disk.log, oldLogTop: disk.oldLogTop };
    case 'currentEpoch':
      return { acceptedEpoch: disk.acceptedEpoch, currentEpoch: write.epoch, snapshot: disk.snapshot, log: disk.log, oldLogTop: disk.oldLogTop };
    case 'append': {
      const log = write.log !== undefined && write.prev === disk.log ? write.log : pvecPush(disk.log, write.txn);
      return { acceptedEpoch: disk.acceptedEpoch, currentEpoch: disk.currentEpoch, snapshot: disk.snapshot, log, oldLogTop: disk.oldLogTop };
    }
    case 'truncate':
      return {
        acceptedEpoch: disk.acceptedEpoch,
        currentEpoch: disk.currentEpoch,
        snapshot: disk.snapshot,
        log: truncateLog(disk.log, write.zxid),
        oldLogTop: Math.min(disk.oldLogTop, write.zxid),
      };
    case 'snapshot':
      return {
        acceptedEpoch: disk.acceptedEpoch,
        currentEpoch: disk.currentEpoch,
        snapshot: write.snapshot,
        log: pvecEmpty(),
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
