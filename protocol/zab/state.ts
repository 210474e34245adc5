// A server's volatile state. The durable part lives in ZabDisk (disk.ts); `log` and the epochs here
// are the process's own view of what it wrote, which is lost with it on a crash.
import type { NodeId } from '../program.js';
import type { PVec } from '../pvec.js';
import type { Zxid } from '../zxid.js';
import type { ZabConfig } from './config.js';
import type { LeaderPacket, Notification, QuorumPacket, ServerState, Snapshot, ZabMessage } from './messages.js';
import type { Origin, StateMachine, Txn } from './txn.js';
import type { Fx } from './effects.js';
import type { LogFiles } from './disk.js';
import type { OutstandingProposals } from './outstanding.js';
import type { Queue } from '../queue.js';

export type ZabPhase = 'ELECTION' | 'DISCOVERY' | 'SYNCHRONIZATION' | 'BROADCAST';
export type SyncMode = 'NONE' | 'DIFF' | 'TRUNC' | 'SNAP';

export interface Vote {
  readonly leader: NodeId;
  readonly zxid: Zxid;
  readonly peerEpoch: number;
}

export interface FleState {
  readonly logicalclock: number;
  readonly proposed: Vote;
  /** Votes of the current round, by sender sid. */
  readonly recvset: readonly (Notification | undefined)[];
  /** FOLLOWING/LEADING notifications of any round, by sender sid. */
  readonly outofelection: readonly (Notification | undefined)[];
  readonly notTimeoutMs: number;
  /** A quorum agrees on `proposed`; waiting finalizeWait for a better vote. */
  readonly finalizing: boolean;
  /** The vote this server reports while not LOOKING (FOLLOWING/LEADING notifications). */
  readonly current: Vote & { readonly electionEpoch: number };
  /** The election connection each peer's notifications last came on (QuorumCnxManager's sockets). */
  readonly peerConns: readonly (number | undefined)[];
  /**
   * While an observer waits observerElectionDelay before lookForLeader: the notifications that
   * arrived meanwhile, in order (FastLeaderElection's recvqueue); null once the election runs.
   */
  readonly delayedQueue: readonly DelayedNotification[] | null;
  /**
   * Leaving a role with log writes not yet fsynced: the fsync to wait for before the election, and
   * the role still reported to peers meanwhile (QuorumPeer's state changes only after the role's
   * shutdown returns); null otherwise.
   */
  readonly flushing: { readonly token: number; readonly role: ServerState } | null;
}

/** A notification queued while lookForLeader had not started yet. */
export interface DelayedNotification {
  readonly from: NodeId;
  readonly n: Notification;
}

/** The leader's view of one learner (LearnerHandler). */
export interface LearnerHandler {
  readonly sid: NodeId;
  readonly observer: boolean;
  /** Connection the learner's packets arrive on: a new one means the old handler is dead. */
  readonly conn: number;
  readonly acceptedEpoch: number;
  readonly stage: 'EPOCH' | 'ACKEPOCH' | 'WAIT_QUORUM' | 'SNAP_QUEUED' | 'SNAP_SERIALIZING' | 'NEWLEADER_SENT' | 'NEWLEADER_ACKED' | 'UPTODATE' | 'STUCK';
  readonly lastZxid: Zxid;
  /** Leader tick by which we must hear from it again (LearnerHandler.tickOfNextAckDeadline). */
  readonly ackDeadlineTick: number;
  /** Receives live PROPOSAL/COMMIT (participants) or INFORM (observers). */
  readonly forwarding: boolean;
  /**
   * LeaderState.clock when the handler's current socket read began or last returned a packet: the
   * socket read timeout (initLimit ticks until the NEWLEADER ack, syncLimit ticks after) counts from it.
   */
  readonly readSince: number;
  /**
   * LearnerHandler.SyncLimitCheck, whose two slots (current, next) are kept lazily so that a
   * PROPOSAL costs the handler nothing (leader.ts `syncLimitCurrent`): the current slot's zxid, or 0
   * when empty, in which case the first proposal after `syncCheckFloor` fills it; the next slot is
   * the leader's last proposal if it is above both the current slot and `syncCheckNextFloor`.
   */
  readonly syncCheckZxid: Zxid;
  readonly syncCheckFloor: Zxid;
  readonly syncCheckNextFloor: Zxid;
  /**
   * LearnerHandler.queuedPackets while its sender thread has not started (startSendingPackets):
   * from startForwarding until the SNAP is written, live PROPOSAL/COMMIT/INFORM/PING wait here
   * behind the sync packets. Null once the sender runs (packets then go straight out).
   */
  readonly queuedPackets: Queue<ZabMessage> | null;
  /** A SNAP being written (snap-send.ts), or null. */
  readonly snap: SnapSend | null;
}

/** A SNAP between startForwarding and the end of serializeSnapshot (snap-send.ts). */
export interface SnapSend {
  /** History index of the leader's committed end when syncFollower ran (toBeApplied ends here). */
  readonly committedAt: number;
  /** Outstanding proposals startForwarding queues (participants), once toBeApplied is known. */
  readonly outstanding: readonly Txn[];
  /** How many txns before `committedAt` were still in toBeApplied; null while the kernel draws it. */
  readonly toBeApplied: number | null;
  /** The zxid the SNAP packet carries and the history count it stands for, read when serializing starts. */
  readonly zxid: Zxid;
  readonly count: number;
}

export interface LeaderState {
  /** The new epoch e' once fixed by a quorum of FOLLOWERINFO; -1 before. */
  readonly epoch: number;
  /** getEpochToPropose's running maximum. */
  readonly epochCandidate: number;
  readonly connecting: readonly NodeId[];
  readonly electing: readonly NodeId[];
  readonly newLeaderAcks: readonly NodeId[];
  readonly handlers: readonly (LearnerHandler | undefined)[];
  readonly outstanding: OutstandingProposals;
  readonly lastProposed: Zxid;
  readonly lastCommitted: Zxid;
  /** Speculative state: committed state plus every outstanding proposal applied (prep validates on it). */
  readonly prepState: unknown;
  readonly tick: number;
  readonly halfTicks: number;
  /**
   * Half ticks since Leader.lead began (the tick timer runs from then; ZooKeeper's tick counter,
   * `tick`, only from activation): the leader's only clock for its handlers' read timeouts.
   */
  readonly clock: number;
  /**
   * lastProposed at each of the last 2·syncLimit + 1 clock ticks, oldest first: a proposal at or
   * below the first entry has been out for at least syncLimit·tickTime (SyncLimitCheck.check).
   */
  readonly proposedAtClock: readonly Zxid[];
  /** Own log appends not yet acknowledged to itself (waiting for fsync). */
  readonly selfAckBatches: Queue<AckBatch>;
  /** Set when the leader must shut down (Leader.shutdown); the step then returns to LOOKING. */
  readonly shutdown: string | null;
}

export interface LearnerState {
  readonly leader: NodeId;
  readonly observer: boolean;
  /** Connection the leader's packets arrive on, once LEADERINFO came. */
  readonly conn: number | null;
  readonly newEpoch: number;
  readonly syncMode: SyncMode;
  readonly stage: 'DISCOVERY' | 'SYNC' | 'NEWLEADER_DONE' | 'BROADCAST';
  /** Syncing: proposals received, not yet logged (Learner.packetsNotLogged). */
  readonly packetsNotLogged: readonly Txn[];
  /** Syncing: COMMITs received for them (Learner.packetsCommitted). */
  readonly packetsCommitted: readonly Zxid[];
  /** Broadcast: proposals logged (or being logged), waiting for COMMIT, in zxid order. */
  readonly pendingTxns: Queue<Txn>;
  readonly lastQueued: Zxid;
  /** Acks to send after the fsync with that token completes (SendAckRequestProcessor). */
  readonly ackBatches: Queue<AckBatch>;
  /** The QuorumPeer thread waits for this fsync (syncFlush at NEWLEADER); packets queue meanwhile. */
  readonly blockedOn: number | null;
  readonly backlog: readonly LeaderPacket[];
  /** ZK-4685 variant: the NEWLEADER ack still to be written by the QuorumPeer thread. */
  readonly newLeaderAckPending: boolean;
  /** Refused connection attempts so far (Learner.connectToLeader tries 5 times). */
  readonly connectTries: number;
  /** Read-timeout bookkeeping: packets since the last check, and silent checks in a row. */
  readonly heard: boolean;
  readonly silentChecks: number;
  /** What SNAP replaced, restored if we leave before NEWLEADER (ZK-3642 fix). */
  readonly preSnap:
    | (Pick<ZabServer, 'snapshot' | 'log' | 'logBase' | 'state' | 'applied' | 'lastProcessedZxid' | 'committed'> &
        Pick<DbBookkeeping, 'committedLogStart' | 'committedLogHoles' | 'logFiles'>)
    | null;
  /** Set when the learner must go back to LOOKING. */
  readonly shutdown: string | null;
  /**
   * The last zxid the sync gave this follower as committed before NEWLEADER (a SNAP's, a TRUNC's,
   * or the last COMMIT read before NEWLEADER): what it must have applied when it declares itself
   * up to date (the zk_thread spec's StateConsistent; sim/zab/checker.ts checks it).
   */
  readonly syncedTo: Zxid;
  /**
   * ZK-3023 mutant: zxids FollowerZooKeeperServer.commit handed to the CommitProcessor after
   * UPTODATE that its thread has not applied yet (learner-apply.ts runDeferredCommits).
   */
  readonly commitsDeferred: readonly Zxid[];
}

/** History indexes [from, to) missing from ZKDatabase's committedLog (committed-log.ts). */
export interface CommittedLogHole {
  readonly from: number;
  readonly to: number;
}

export interface ZabServer {
  readonly id: NodeId;
  readonly config: ZabConfig;
  readonly sm: StateMachine;
  readonly role: ServerState;
  readonly phase: ZabPhase;
  readonly acceptedEpoch: number;
  readonly currentEpoch: number;
  readonly snapshot: Snapshot | null;
  /** The txn log as this process wrote it (durable once fsynced): ZabDisk.log, records below the snapshot included. */
  readonly log: PVec<Txn>;
  /** History index of `log`'s first record (ZabDisk.logBase). */
  readonly logBase: number;
  /** The database's and its files' bookkeeping that no broadcast step changes (DbBookkeeping). */
  readonly db: DbBookkeeping;
  /** Txns appended since the last log roll (ZKDatabase.txnCount; a new process starts at 0). */
  readonly txnsSinceRoll: number;
  /** The state machine with `applied` txns applied (snapshot base included). */
  readonly state: unknown;
  readonly applied: number;
  readonly lastProcessedZxid: Zxid;
  /** How many txns this server knows to be committed (<= applied). */
  readonly committed: number;
  readonly fle: FleState;
  readonly leader: LeaderState | null;
  readonly learner: LearnerState | null;
  readonly fsyncToken: number;
  /** The newest fsync that completed (tokens complete in order): below fsyncToken, writes are pending. */
  readonly syncedToken: number;
  readonly nowUs: number;
  /** The application above Zab (its hooks are `app`): ZooKeeper's sessions and watches, or the kv front-end. Zab never reads it. */
  readonly appState: unknown;
  readonly app: ZabApp;
}

/**
 * What ZKDatabase and its FileTxnSnapLog keep beside the data tree and the txn log: the
 * committedLog's window, the log files, SyncRequestProcessor's randRoll and the records of log
 * files a snapshot superseded. Only taking a snapshot (once every snapCount/2 + randRoll appends),
 * a sync, a TRUNC or a restore changes them; the broadcast steps (PROPOSAL, ACK, COMMIT, fsync)
 * otherwise leave them alone. They live in one record of their own so that the copy of the server
 * each broadcast step makes copies one pointer for them, not six fields: the server record is
 * copied about 0.8 times per kernel event on the broadcast bench.
 */
export interface DbBookkeeping {
  /**
   * History index where ZKDatabase's committedLog starts: the sync window is [max(this, committed
   * end - commitLogCount), committed end). A restore, a TRUNC reload and a SNAP rebuild it from
   * the snapshot on; taking a snapshot leaves it alone (ZKDatabase.addCommittedProposal).
   */
  readonly committedLogStart: number;
  /** Runs of history indexes missing from that committedLog (the ZK-4925 mutant, committed-log.ts; empty otherwise). */
  readonly committedLogHoles: readonly CommittedLogHole[];
  /** Where the newest txn log files begin (disk.ts LogFiles): the leader reads only the newest for a sync from the log. */
  readonly logFiles: LogFiles;
  /** SyncRequestProcessor's randRoll, in [0, snapCount/2); null while the simulator is drawing it (snap-count.ts). */
  readonly snapRoll: number | null;
  /** ZabDisk.oldLogTop as this process knows it: the top of log files a snapshot superseded. */
  readonly oldLogTop: Zxid;
  /**
   * ZabDisk.staleTail as this process knows it: records its log files hold above its newest
   * snapshot that are not in its history (a SNAP at a lower zxid superseded them). A TRUNC's
   * reload reads them back, as a restart does.
   */
  readonly staleTail: PVec<Txn>;
}

/**
 * The application a Zab node replicates for (TigerBeetle's `ReplicaType(StateMachine)`, etcd raft's
 * opaque `Entry.Data`): Zab tells it what it applied and when its role changes, hands it the client
 * messages and the application's own quorum packets (ZooKeeper's REVALIDATE and SYNC, and the PING's
 * session touches) unread. The application keeps its state in `ZabServer.appState` and reads the
 * node only through protocol/zab/node-view.ts. Every hook is pure and returns the next server.
 */
export interface ZabApp {
  readonly name: string;
  /** `appState` on a booted node. */
  readonly initial: unknown;
  /** Quorum packet types the application owns: Zab routes them as its own packets (same guards), then hands them over. */
  readonly quorumPackets: ReadonlySet<string>;
  /** A message from a client (anything that is neither a NOTIFICATION nor a quorum packet), on the network's connection `conn`. */
  onClientMessage(s: ZabServer, from: NodeId, conn: number, msg: ZabMessage, fx: Fx): ZabServer;
  /** A client's connection reset (peerReset from a node that is neither our leader nor, while leading, a learner). */
  onClientGone(s: ZabServer, client: NodeId): ZabServer;
  /** Leaving a role: every client connection closes (Leader.shutdown / Learner.shutdown). */
  closeAll(s: ZabServer, reason: string, fx: Fx): ZabServer;
  /** The leader leaves LEADING: cancel the application's leader timers. */
  onLeaderLeaving(s: ZabServer, fx: Fx): void;
  /** A committed txn was applied while serving (FinalRequestProcessor's turn). */
  afterApply(s: ZabServer, txn: Txn, result: unknown, fx: Fx): ZabServer;
  /** Leader, just before a write is prepped: the application's own checks (PrepRequestProcessor's session checks). */
  beforePrep(s: ZabServer, origin: Origin, op: unknown): { readonly server: ZabServer; readonly op: unknown };
  /** Leader: a request that is not a write (ZooKeeper's sync), from learner `from` or ourselves; null hands it to the write path. */
  leaderRequest(s: ZabServer, from: NodeId, client: NodeId, xid: number, op: unknown, fx: Fx): ZabServer | null;
  /** The leader activated (a quorum acked NEWLEADER). */
  onActivate(s: ZabServer, fx: Fx): ZabServer;
  /** The application's timer fired. */
  onTimer(s: ZabServer, timer: AppTimerName, fx: Fx): ZabServer;
  /** Leader, in BROADCAST: an application quorum packet from learner `from`. */
  onLearnerPacket(s: ZabServer, from: NodeId, msg: QuorumPacket, fx: Fx): ZabServer;
  /** Learner, in BROADCAST: an application quorum packet from its leader. */
  onLeaderPacket(s: ZabServer, msg: QuorumPacket, fx: Fx): ZabServer;
  /** Learner answering a PING: what to carry (undefined: nothing), and the node without it. */
  takePingPayload(s: ZabServer): { readonly server: ZabServer; readonly payload: unknown };
  /** Leader: a learner's PING carried `payload`. */
  onPingPayload(s: ZabServer, payload: unknown): ZabServer;
}

/** The application's timers (ZooKeeper: the leader's session expiry, and its ContainerManager's check and paced deletes). */
export type AppTimerName = 'expire' | 'containers' | 'containerDelete';

/** Acks owed once the fsync with `token` completes (SendAckRequestProcessor / AckRequestProcessor). */
export interface AckBatch {
  readonly token: number;
  readonly zxids: readonly Zxid[];
}
