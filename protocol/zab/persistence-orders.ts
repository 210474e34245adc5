// The orders in which a learner makes its synced history durable at NEWLEADER (Learner.syncWithLeader),
// as data: one row per order, naming the ZooKeeper versions that used it. learner.ts (onNewLeader,
// onNewLeaderFsynced) runs a row's steps in turn; test/zab/persistence-orders.test.ts pins each row.
import { hasMutant, type SyncPersistence, type ZabConfig } from './config.js';

/** One thing the learner does at NEWLEADER. */
export type NewLeaderStep =
  /** currentEpoch := the new epoch (an atomic file write), unless already there. */
  | 'writeEpoch'
  /** Log and apply the sync txns already committed (packetsCommitted), in order. */
  | 'logCommitted'
  /** Log every pending (uncommitted) sync proposal too, and drop it from packetsNotLogged. */
  | 'logPending'
  /** Hand every sync txn to the SyncThread (one fsync, acks after it) and apply the committed ones now. */
  | 'logAllAsync'
  /** The QuorumPeer thread blocks on an fsync of what was logged; `afterFsync` runs when it completes. */
  | 'waitFsync'
  /** ACK NEWLEADER now. */
  | 'ack'
  /** ACK NEWLEADER now, or under the ZK-4685 mutant after a scheduling delay (proposal ACKs may overtake it). */
  | 'ackFromQuorumPeerThread';

/** One persistence order. */
export interface PersistenceOrder {
  readonly name: SyncPersistence;
  /** The ZooKeeper releases that persist this way. */
  readonly versions: string;
  readonly atNewLeader: readonly NewLeaderStep[];
  /** After the fsync `waitFsync` waited for (empty when the order does not wait). */
  readonly afterFsync: readonly ('writeEpoch' | 'ack')[];
}

export const PERSISTENCE_ORDERS: Readonly<Record<SyncPersistence, PersistenceOrder>> = {
  committedOnlyThenEpochThenAck: {
    name: 'committedOnlyThenEpochThenAck',
    versions: '3.9.3 and master (ZOOKEEPER-4394 fix, 2024)',
    atNewLeader: ['logCommitted', 'waitFsync'],
    afterFsync: ['writeEpoch', 'ack'],
  },
  fsyncThenEpochThenAck: {
    name: 'fsyncThenEpochThenAck',
    versions: '3.9.2 (ZOOKEEPER-4785 fix, Jan 2024; has the ZOOKEEPER-4394 bug)',
    atNewLeader: ['logCommitted', 'logPending', 'waitFsync'],
    afterFsync: ['writeEpoch', 'ack'],
  },
  epochBeforeTxns: {
    name: 'epochBeforeTxns',
    versions: 'the ZOOKEEPER-4643 race (fixed 2024): currentEpoch durable before the sync txns',
    atNewLeader: ['writeEpoch', 'logCommitted', 'waitFsync'],
    afterFsync: ['ack'],
  },
  asyncLogBeforeAck: {
    name: 'asyncLogBeforeAck',
    versions: '3.6.3 to 3.9.1 (ZOOKEEPER-3911 fix, Nov 2020; has ZOOKEEPER-4646)',
    atNewLeader: ['writeEpoch', 'logAllAsync', 'ackFromQuorumPeerThread'],
    afterFsync: [],
  },
  logAfterUptodate: {
    name: 'logAfterUptodate',
    versions: '2017 (ZOOKEEPER-2678) until the ZOOKEEPER-3911 fix: 3.5.4 to 3.6.2; the txns are logged after UPTODATE',
    atNewLeader: ['writeEpoch', 'ack'],
    afterFsync: [],
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
  return c.syncPersistence;
}
