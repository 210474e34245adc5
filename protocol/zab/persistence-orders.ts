// The orders in which a learner makes its synced history durable at NEWLEADER (Learner.syncWithLeader),
// as data: one row per order, naming the ZooKeeper versions that used it. learner-newleader.ts (onNewLeader,
// onNewLeaderFsynced) runs a row's steps in turn; test/zab/persistence-orders.test.ts pins each row.
import { hasMutant, type SyncPersistence, type ZabConfig } from './config.js';

/** One thing a follower does at NEWLEADER (an observer only writes currentEpoch and ACKs). */
export type NewLeaderStep =
  /** currentEpoch := the new epoch (an atomic file write), unless already there. */
  | 'writeEpoch'
  /** Log and apply the sync txns already committed (packetsCommitted), in order. */
  | 'logCommitted'
  /**
   * Append every sync txn, committed or not, to the log (FollowerZooKeeperServer.appendRequest: each
   * joins pendingTxns) and clear packetsNotLogged (the ZOOKEEPER-4394 bug); none is applied: the
   * COMMITs wait for UPTODATE.
   */
  | 'logAll'
  /**
   * Hand every sync txn to the SyncThread (FollowerZooKeeperServer.logRequest: pendingTxns, one
   * fsync, an ACK per txn after it); none is applied: the COMMITs wait for UPTODATE.
   */
  | 'logAllAsync'
  /** The QuorumPeer thread blocks on an fsync of what was logged; `afterFsync` runs when it completes. */
  | 'waitFsync'
  /**
   * `waitFsync` if the follower had committed sync txns to log; without any, master skips the whole
   * block (its `!packetsCommitted.isEmpty()` test) and `afterFsync` runs at once.
   */
  | 'waitFsyncIfCommitted'
  /** ACK NEWLEADER now. */
  | 'ack'
  /** ACK NEWLEADER now, or under the ZK-4685 mutant after a scheduling delay (proposal ACKs may overtake it). */
  | 'ackFromQuorumPeerThread';

/** One persistence order. */
export interface PersistenceOrder {
  readonly name: SyncPersistence;
  /** The ZooKeeper releases that persist this way (checked against each release's Learner.java). */
  readonly versions: string;
  /**
   * Whether a DIFF sync is handled like SNAP and TRUNC: COMMITs before NEWLEADER are applied in
   * memory, and NEWLEADER takes a snapshot (every sync did, before ZOOKEEPER-2678).
   */
  readonly snapshotAfterDiff: boolean;
  readonly atNewLeader: readonly NewLeaderStep[];
  /** After the fsync `waitFsync` waited for, or at once when `waitFsyncIfCommitted` had nothing to wait for. */
  readonly afterFsync: readonly ('writeEpoch' | 'ack')[];
  /**
   * At UPTODATE, right after its ACK: ACK every proposal that NEWLEADER persisted (3.9.2's
   * requestsToAck, sent late so that they cannot overtake the NEWLEADER ack: ZOOKEEPER-4685).
   */
  readonly ackPersistedAtUpToDate: boolean;
}

// Every order ends its sync the same way after UPTODATE (Learner.syncWithLeader after its loop): ACK
// UPTODATE, log what is still in packetsNotLogged, then FollowerZooKeeperServer.commit each zxid of
// packetsCommitted, so a committed txn that NEWLEADER did not apply is applied only then.
export const PERSISTENCE_ORDERS: Readonly<Record<SyncPersistence, PersistenceOrder>> = {
  committedOnlyThenEpochThenAck: {
    name: 'committedOnlyThenEpochThenAck',
    versions: '3.9.3 to 3.9.5 and master (ZOOKEEPER-4394 fix, Sep 2024)',
    snapshotAfterDiff: false,
    atNewLeader: ['logCommitted', 'waitFsyncIfCommitted'],
    afterFsync: ['writeEpoch', 'ack'],
    ackPersistedAtUpToDate: false,
  },
  fsyncThenEpochThenAck: {
    name: 'fsyncThenEpochThenAck',
    versions: '3.8.5 to 3.8.6 and 3.9.2 (ZOOKEEPER-4785 fix, Jan 2024; has the ZOOKEEPER-4394 bug)',
    snapshotAfterDiff: false,
    atNewLeader: ['logAll', 'waitFsync'],
    afterFsync: ['writeEpoch', 'ack'],
    ackPersistedAtUpToDate: true,
  },
  epochBeforeTxns: {
    name: 'epochBeforeTxns',
    versions: "no release: master's order with currentEpoch written first, the ZOOKEEPER-4643 race of 3.5.10 to 3.9.1 without their early ACK (ZOOKEEPER-4646)",
    snapshotAfterDiff: false,
    atNewLeader: ['writeEpoch', 'logCommitted', 'waitFsyncIfCommitted'],
    afterFsync: ['ack'],
    ackPersistedAtUpToDate: false,
  },
  asyncLogBeforeAck: {
    name: 'asyncLogBeforeAck',
    versions: '3.5.10, 3.6.3 to 3.6.4, 3.7.0 to 3.7.2, 3.8.0 to 3.8.4, 3.9.0 to 3.9.1 (ZOOKEEPER-3911 fix, Nov 2020; has ZOOKEEPER-3023, 4643 and 4646)',
    snapshotAfterDiff: false,
    atNewLeader: ['writeEpoch', 'logAllAsync', 'ackFromQuorumPeerThread'],
    afterFsync: [],
    ackPersistedAtUpToDate: false,
  },
  logAfterUptodate: {
    name: 'logAfterUptodate',
    versions: '3.4.10 to 3.4.14, 3.5.3 to 3.5.9, 3.6.0 to 3.6.2 (ZOOKEEPER-2678, 2017, until the ZOOKEEPER-3911 fix); the txns are logged after UPTODATE',
    snapshotAfterDiff: false,
    atNewLeader: ['writeEpoch', 'ack'],
    afterFsync: [],
    ackPersistedAtUpToDate: false,
  },
  snapshotAtNewLeader: {
    name: 'snapshotAtNewLeader',
    versions: '3.4.0 to 3.4.9 and 3.5.0 to 3.5.2 (Zab 1.0 before ZOOKEEPER-2678): every sync snapshots at NEWLEADER',
    snapshotAfterDiff: true,
    atNewLeader: ['writeEpoch', 'ack'],
    afterFsync: [],
    ackPersistedAtUpToDate: false,
  },
  // The ZK-4785 mutant. Commit 315abde (ZOOKEEPER-4785, 3.8.5 and 3.9.2) made Learner.syncWithLeader
  // write currentEpoch only after the sync txns are appended and fsynced
  // (fzk.getZKDatabase().commit()), and ACK after that. Taking exactly that out of master's
  // NEWLEADER case leaves: setCurrentEpoch, append and processTxn the committed txns, ACK, with the
  // appends still in the log's buffered stream. Both races 3.9.1 had at once: a crash may leave
  // the new epoch on disk without the txns (ZOOKEEPER-4643), and the leader counts an ACK whose
  // txns no disk holds (ZOOKEEPER-4646); but none of 3.9.1's other bugs (its uncommitted
  // proposals stay pending, ZOOKEEPER-4394; its committed ones are applied, ZOOKEEPER-3023),
  // which `asyncLogBeforeAck` (the ZK-4646 mutant) also has.
  epochThenLogThenAck: {
    name: 'epochThenLogThenAck',
    versions: 'no release: master with the ZOOKEEPER-4785 fix taken out (currentEpoch first, no fsync before the ACK)',
    snapshotAfterDiff: false,
    atNewLeader: ['writeEpoch', 'logCommitted', 'ack'],
    afterFsync: [],
    ackPersistedAtUpToDate: false,
  },
};

/** The order a server uses: the configured one, unless a bug-zoo mutant forces a historical one. */
export function persistenceOrderOf(config: ZabConfig): PersistenceOrder {
  return PERSISTENCE_ORDERS[syncPersistenceOf(config)];
}

/** The effective persistence order's name: a bug-zoo mutant may force a historical one. */
export function syncPersistenceOf(c: ZabConfig): SyncPersistence {
  if (hasMutant(c, 'ZK-3911')) return 'logAfterUptodate';
  if (hasMutant(c, 'ZK-4646') || hasMutant(c, 'ZK-4685')) return 'asyncLogBeforeAck';
  if (hasMutant(c, 'ZK-4643')) return 'epochBeforeTxns';
  if (hasMutant(c, 'ZK-4394')) return 'fsyncThenEpochThenAck';
  if (hasMutant(c, 'ZK-4785')) return 'epochThenLogThenAck';
  return c.syncPersistence;
}
