// Ensemble configuration, as in zoo.cfg, plus the switches that bring back historical behaviour so
// the historical ZooKeeper bugs of the bug zoo (protocol/zab/README.md) can be reproduced. Current-master behaviour is the default.
import type { NodeId } from '../program.js';

/**
 * How a learner persists what it received during synchronization, at NEWLEADER
 * (Learner.syncWithLeader; the steps and the exact ZooKeeper releases of each are in
 * persistence-orders.ts). Not a zoo.cfg knob: each value is a ZooKeeper release line.
 * - `committedOnlyThenEpochThenAck` (3.9.3+ and master, ZK-4394 fix): log and fsync the committed
 *   sync txns, then write currentEpoch, then ACK NEWLEADER; keep uncommitted proposals for after UPTODATE.
 * - `fsyncThenEpochThenAck` (3.8.5+, 3.9.2, ZK-4785 fix): log and fsync every sync txn, then epoch,
 *   then ACK; apply the committed ones and ACK the proposals after UPTODATE.
 * - `asyncLogBeforeAck` (3.5.10, 3.6.3 to 3.9.1, ZK-3911 fix): write currentEpoch, hand the txns to
 *   the async SyncThread, ACK at once (the ACK can overtake the fsync: ZK-4646); apply after UPTODATE.
 * - `logAfterUptodate` (3.4.10+, 3.5.3 to 3.6.2, ZK-2678): write currentEpoch and ACK; log the txns
 *   only after UPTODATE.
 * - `snapshotAtNewLeader` (3.4.0 to 3.4.9, 3.5.0 to 3.5.2): every sync, DIFF too, applies the sync
 *   txns in memory and takes a snapshot at NEWLEADER, then writes currentEpoch and ACKs.
 * - `epochBeforeTxns` (no release; the ZK-4643 race alone): write currentEpoch before the sync
 *   txns are durable, then fsync, then ACK.
 * - `epochThenLogThenAck` (no release; master with the ZK-4785 fix taken out): write currentEpoch,
 *   append and apply the committed sync txns, ACK without waiting for their fsync.
 */
export type SyncPersistence =
  | 'committedOnlyThenEpochThenAck'
  | 'fsyncThenEpochThenAck'
  | 'asyncLogBeforeAck'
  | 'logAfterUptodate'
  | 'snapshotAtNewLeader'
  | 'epochBeforeTxns'
  | 'epochThenLogThenAck';

/** Planted bugs (the bug zoo). Each is off unless named. */
export type Mutant =
  | 'commit-without-quorum'
  | 'count-observer-acks'
  | 'no-persist-accepted-epoch'
  | 'vote-zxid-before-epoch'
  | 'follower-applies-locally'
  | 'leader-never-steps-down'
  | 'ZK-1154'
  | 'ZK-2845'
  | 'ZK-3911'
  | 'ZK-4394'
  | 'ZK-4643'
  | 'ZK-4646'
  | 'ZK-4685'
  | 'ZK-4712'
  | 'ZK-3023'
  | 'ZK-3642'
  | 'ZK-4785'
  | 'ZK-1549'
  | 'ZK-2355'
  | 'ZK-4925'
  | 'ZK-3104'
  | 'ZK-2832';

export interface ZabConfig {
  /** Voting members (participants), by sid. */
  readonly voters: readonly NodeId[];
  readonly observers: readonly NodeId[];
  /** zoo.cfg tickTime (2000 ms): the leader pings every half tick. */
  readonly tickTimeMs: number;
  /**
   * zoo.cfg initLimit (10 ticks): each of the leader's three waits (getEpochToPropose,
   * waitForEpochAck, waitForNewLeaderAck) and a LearnerHandler's socket reads before the NEWLEADER ack.
   */
  readonly initLimit: number;
  /**
   * zoo.cfg syncLimit (5 ticks): a LearnerHandler's socket reads after the NEWLEADER ack, its
   * SyncLimitCheck on unacked proposals, and the ack deadline that counts a learner as synced.
   */
  readonly syncLimit: number;
  /** FLE: first notification timeout and its cap (200 ms and 60 s in ZooKeeper). */
  readonly minNotificationIntervalMs: number;
  readonly maxNotificationIntervalMs: number;
  readonly finalizeWaitMs: number;
  /**
   * Java property zookeeper.observer.election.DelayMs (200): an observer that leaves OBSERVING waits
   * a random time below this before it starts its election (QuorumPeer.run,
   * Observer.waitForObserverElectionDelay), to spare the voters a burst of observers. 0: no wait.
   */
  readonly observerElectionDelayMs: number;
  /** Committed proposals the leader keeps in memory for DIFF (ZooKeeper's commitLogCount, 500). */
  readonly commitLogCount: number;
  /**
   * zoo.cfg `snapshotSizeFactor` (0.33): a leader syncs a learner below its committedLog from the
   * on-disk txn log while the log to read is at most this share of the newest snapshot's size; a
   * negative value turns txn-log sync off (ZKDatabase.isTxnLogSyncEnabled).
   */
  readonly snapshotSizeFactor: number;
  /**
   * zoo.cfg `snapCount` (Java property zookeeper.snapCount; 100,000, at least 2): a server rolls its
   * txn log and takes a snapshot once more than snapCount/2 + randRoll txns were logged since the
   * last roll, randRoll in [0, snapCount/2) drawn anew by every SyncRequestProcessor start and
   * roll (SyncRequestProcessor.shouldSnapshot, resetSnapshotStats). The simulator draws randRoll.
   */
  readonly snapCount: number;
  /**
   * Java property zookeeper.globalOutstandingLimit (1000): above this many requests in process, a
   * server stops reading from each client connection that has requests of its own in process,
   * until one of them is answered (ZooKeeperServer.shouldThrottle, ServerCnxn.disableRecv); a
   * leader divides it by the number of voters less one (LeaderZooKeeperServer).
   */
  readonly globalOutstandingLimit: number;
  /**
   * Not ZooKeeper's: a bound on every per-server queue of client requests and connections (10,000),
   * beyond which a server closes the client ("server overloaded"), so no run grows without bound.
   */
  readonly requestQueueMax: number;
  readonly syncPersistence: SyncPersistence;
  readonly mutants: readonly Mutant[];
  /** First counter of a new epoch's zxids, minus one. Scenarios start near 0xffffffff to test rollover. */
  readonly counterStart: number;
  /**
   * Not ZooKeeper's: counterStart applies to epoch 1 only; every later epoch starts at counter 0, as
   * ZooKeeper's do. Epoch 1 then stands for a long-lived epoch whose counter is already high (the
   * fuzz swarm's long-lived ensembles). Absent: counterStart applies to every epoch.
   */
  readonly counterStartFirstEpochOnly?: boolean;
  /**
   * Not in ZooKeeper (a candidate fix found by zabsim): when a learner reconnects, its ACKs of
   * still-outstanding proposals stop counting. Master keeps them, yet syncFollower may TRUNC that
   * learner below those proposals, so a commit can count an ACK for a txn the acker no longer
   * holds (`zabsim run scenarios/findings/stale-ack-after-trunc.json --seed p20040`).
   */
  readonly dropStaleAcksOnResync: boolean;
  /**
   * Not ZooKeeper's behaviour (for teaching): an ACKEPOCH from a learner ahead of the leader makes
   * the leader give up, as the TLA+ spec's leader does, at any stage. ZooKeeper (Leader.waitForEpochAck)
   * throws in that learner's handler only, closing its socket, and skips the check once the epoch
   * is established. Off by default.
   */
  readonly shutdownOnLearnerAhead: boolean;
  /**
   * Not in ZooKeeper (a candidate fix for ZOOKEEPER-1549, open in master): Leader.lead skips its
   * snapshot while the tree holds txns this server does not know committed. Master takes it, so
   * a later TRUNC below it reloads those txns (`zabsim run property --seed zab4-165 --servers 4`
   * with it off breaks primary-integrity). The fuzzer and the property sweeps turn it on; the
   * ZK-1549 mutant overrides it (leader.ts takeSnapshot).
   */
  readonly skipDirtyLeadSnapshot: boolean;
  /**
   * The service's Java property zookeeper.DigestAuthenticationProvider.superDigest ("super:<digest>"
   * as DigestAuthenticationProvider.generateDigest prints it): a digest auth whose digest equals it
   * also gains the `super` id, which passes every ACL check. Unset: no super user.
   */
  readonly superDigest?: string;
  /**
   * Which ZooKeeper 3.8 server the service answers as, where releases differ in what a client sees:
   * - `3.8.0-deb12u2` (default): the conformance suite's reference server, Debian 12's 3.8.0 with the
   *   CVE-2024-23944 fix (ZOOKEEPER-4799) backported: exists checks no ACL, watch events are
   *   delivered only to connections with READ on the node (ServerCnxn.process(event, znodeAcl)).
   * - `3.8.0`: exists checks no ACL, watch events are not filtered.
   * - `3.8.4` (3.8.4 to 3.8.6): exists also needs READ on an existing node (ZOOKEEPER-2590,
   *   FinalRequestProcessor), and events are filtered by READ.
   */
  readonly serverRelease?: ServerRelease;
  /**
   * zookeeper.extendedTypesEnabled (EphemeralType.extendedEphemeralTypesEnabled): TTL nodes may be
   * created. Unset or false, as in ZooKeeper by default: a createTTL is refused UNIMPLEMENTED.
   */
  readonly extendedTypesEnabled?: boolean;
  /**
   * The leader's ContainerManager (LeaderZooKeeperServer.setupContainerManager), ZooKeeper's Java
   * properties: znode.container.checkIntervalMs (default 60000), znode.container.maxPerMinute
   * (10000), znode.container.maxNeverUsedIntervalMs (0: a never-used container is kept).
   */
  readonly containerCheckIntervalMs?: number;
  readonly containerMaxPerMinute?: number;
  readonly containerMaxNeverUsedIntervalMs?: number;
}

export type ServerRelease = '3.8.0-deb12u2' | '3.8.0' | '3.8.4';

export function defaultZabConfig(voters: readonly NodeId[], observers: readonly NodeId[] = []): ZabConfig {
  return {
    voters,
    observers,
    tickTimeMs: 2000,
    initLimit: 10,
    syncLimit: 5,
    minNotificationIntervalMs: 200,
    maxNotificationIntervalMs: 60_000,
    finalizeWaitMs: 200,
    observerElectionDelayMs: 200,
    commitLogCount: 500,
    snapshotSizeFactor: 0.33,
    snapCount: 100_000,
    globalOutstandingLimit: 1000,
    requestQueueMax: 10_000,
    syncPersistence: 'committedOnlyThenEpochThenAck',
    mutants: [],
    counterStart: 0,
    dropStaleAcksOnResync: false,
    shutdownOnLearnerAhead: false,
    skipDirtyLeadSnapshot: false,
  };
}

/** The counter an epoch's leader activates at (its first proposal is the one after): counterStart, or 0 (see counterStartFirstEpochOnly). */
export function epochCounterStart(config: ZabConfig, epoch: number): number {
  return config.counterStartFirstEpochOnly === true && epoch !== 1 ? 0 : config.counterStart;
}

export function isVoter(config: ZabConfig, sid: NodeId): boolean {
  return config.voters.includes(sid);
}

export function isObserver(config: ZabConfig, sid: NodeId): boolean {
  return config.observers.includes(sid);
}

/** QuorumMaj.containsQuorum: more than half of the voters. */
export function isQuorum(config: ZabConfig, sids: readonly NodeId[]): boolean {
  let count = 0;
  for (const sid of sids) if (config.voters.includes(sid)) count++;
  return count > Math.floor(config.voters.length / 2);
}

export function hasMutant(config: ZabConfig, mutant: Mutant): boolean {
  return config.mutants.length > 0 && config.mutants.includes(mutant);
}
