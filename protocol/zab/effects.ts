// The effect and observation types of a Zab server, and a tiny builder that keeps handlers short.
import type { Effect, NodeId } from '../program.js';
import type { Zxid } from '../zxid.js';
import type { ZabWrite } from './disk.js';
import type { ZabMessage } from './messages.js';

/**
 * Structured facts for checkers and reports (TigerBeetle's ReplicaEvent). Indexes count txns from
 * the start of history (snapshot included), so servers can be compared position by position.
 */
export type ZabObservation =
  | { readonly kind: 'role'; readonly role: string; readonly phase: string; readonly epoch: number; readonly leader: NodeId | null }
  /** waitForEpochAck returned: this server established itself as the leader of `epoch`. */
  | { readonly kind: 'established'; readonly epoch: number }
  /** A quorum acked NEWLEADER: the leader serves, its history is the epoch's initial history. */
  | { readonly kind: 'activated'; readonly epoch: number; readonly lastZxid: Zxid; readonly count: number }
  | { readonly kind: 'propose'; readonly zxid: Zxid; readonly epoch: number; readonly committedCount: number }
  /** This server learned that the txn at `index` (zxid) is committed, and applied it. */
  | { readonly kind: 'commit'; readonly zxid: Zxid; readonly index: number }
  /** The server now knows `count` txns committed, ending at `zxid` (SNAP/UPTODATE), without listing them. */
  | { readonly kind: 'committedTo'; readonly zxid: Zxid; readonly count: number }
  /** History shortened to `count` txns (TRUNC, reload, or a SNAP replacing it). */
  | { readonly kind: 'truncate'; readonly count: number; readonly zxid: Zxid }
  | { readonly kind: 'sync'; readonly mode: 'DIFF' | 'TRUNC' | 'SNAP'; readonly learner: NodeId; readonly peerLastZxid: Zxid; readonly zxid: Zxid }
  /** A learner's log gained the txn at `index` (for HistoryConsistency). */
  | { readonly kind: 'logged'; readonly zxid: Zxid; readonly index: number }
  /** An in-action error flag of the TLA+ specs (commitInconsistent, proposalInconsistent, ...). */
  | { readonly kind: 'anomaly'; readonly flag: string; readonly detail: string }
  /** Client operation lifecycle, from client nodes. ZooKeeper clients add their session id. */
  | { readonly kind: 'invoke'; readonly client: NodeId; readonly xid: number; readonly op: unknown; readonly server: NodeId; readonly session?: number }
  | {
      readonly kind: 'complete';
      readonly client: NodeId;
      readonly xid: number;
      readonly outcome: 'ok' | 'fail' | 'info';
      readonly result: unknown;
      readonly zxid: Zxid | null;
      readonly server: NodeId;
      readonly session?: number;
      /** ZooKeeper clients: the op was a write, so a reply means its txn (zxid) committed. */
      readonly write?: boolean;
      /** ZooKeeper clients: the reply header's zxid (the server's last applied zxid when it answered). */
      readonly readZxid?: Zxid;
    }
  /** A ZooKeeper client received a watch event (in arrival order, for watch-order checkers). */
  | {
      readonly kind: 'watch';
      readonly client: NodeId;
      readonly session: number;
      readonly server: NodeId;
      readonly type: string;
      readonly path: string;
      readonly zxid: Zxid;
    }
  /** A ZooKeeper client's session state changed (CONNECTED, DISCONNECTED, EXPIRED, CLOSED, AUTH_FAILED). */
  | { readonly kind: 'session'; readonly client: NodeId; readonly session: number; readonly server: NodeId; readonly state: string }
  /** A recipe's claim (lock acquired/released, leader elected, ...), for recipe checkers. */
  | { readonly kind: 'recipe'; readonly client: NodeId; readonly session: number; readonly recipe: string; readonly event: string; readonly detail: unknown }
  /** On a note only (its `fact`, not traced): this server leaves role `from` for LOOKING, and why. */
  | { readonly kind: 'leftRole'; readonly from: string; readonly reason: string }
  /** On a note only (its `fact`, not traced): the leader's session tracker expired `session`. */
  | { readonly kind: 'sessionExpired'; readonly session: number }
  /** On a note only (not traced): a leader chose how to sync `learner`, and whether it read the on-disk txn log. */
  | { readonly kind: 'syncSource'; readonly learner: NodeId; readonly mode: 'DIFF' | 'TRUNC' | 'SNAP'; readonly fromTxnLog: boolean }
  /** On a note only (not traced): a leader fixed `epoch` in getEpochToPropose (its acceptedEpoch now). */
  | { readonly kind: 'epochProposed'; readonly epoch: number }
  /** On a note only (not traced): the leader closed learner `sid`'s LearnerHandler, and why. */
  | { readonly kind: 'handlerClosed'; readonly sid: NodeId; readonly why: string }
  /** On a note only (not traced): the server stopped reading `client` (globalOutstandingLimit). */
  | { readonly kind: 'throttled'; readonly client: NodeId };

export type ZabEffect = Effect<ZabMessage, ZabWrite, ZabObservation>;

/**
 * Every timer a Zab server sets: the election's notification and finalize waits, an observer's
 * wait before its election, the leader's
 * barrier (initLimit) and tick, the learner's read-timeout check, connect retry and delayed
 * NEWLEADER ack (ZK-4685 mutant), and the application's (AppTimerName in state.ts).
 */
export type TimerName =
  | 'fle'
  | 'finalize'
  | 'observerElectionDelay'
  | 'barrier'
  | 'tick'
  | 'learner'
  | 'newLeaderAck'
  | 'connect'
  | 'expire'
  | 'containers'
  | 'containerDelete'
  | 'commitProcessor';

/** ZooKeeper's exit codes (org.apache.zookeeper.server.ExitCode) for the exits zabsim models. */
export const ExitCode = {
  /** FollowerZooKeeperServer.commit: a COMMIT that is not the head of pendingTxns. */
  UNMATCHED_TXN_COMMIT: 12,
  /** Learner.syncWithLeader: a failed TRUNC, or a first sync packet that is not DIFF, TRUNC or SNAP. */
  QUORUM_PACKET_ERROR: 13,
} as const;

export type ExitCodeName = keyof typeof ExitCode;

/** Collects effects in order. */
export class Fx {
  readonly list: ZabEffect[] = [];
  /** Set once the step asked the process to exit: nothing after it runs (the kernel drops it). */
  exited = false;
  send(to: NodeId, msg: ZabMessage): void {
    this.list.push({ type: 'send', to, msg });
  }
  /** A LearnerHandler's write: only to its own socket, the connection `conn` its learner's packets came on. */
  sendOn(to: NodeId, conn: number, msg: ZabMessage): void {
    this.list.push({ type: 'send', to, msg, conn });
  }
  /** A new socket to `to` (Learner.connectToLeader): the old connection and what is in flight on it are gone. */
  reconnect(to: NodeId): void {
    this.list.push({ type: 'reconnect', to });
  }
  reply(client: NodeId, msg: ZabMessage): void {
    this.list.push({ type: 'reply', client, msg });
  }
  persist(write: ZabWrite): void {
    this.list.push({ type: 'persist', write });
  }
  persistSync(write: ZabWrite): void {
    this.list.push({ type: 'persistSync', write });
  }
  fsync(token: number): void {
    this.list.push({ type: 'fsync', token });
  }
  timer(timer: string, minUs: number, maxUs: number): void {
    this.list.push({ type: 'setTimer', timer, minUs: Math.round(minUs), maxUs: Math.round(maxUs) });
  }
  /** Asks the simulator for a random integer in [0, max); it comes back as a `drawn` event. */
  draw(key: string, max: number): void {
    this.list.push({ type: 'draw', key, max });
  }
  cancel(timer: string): void {
    this.list.push({ type: 'cancelTimer', timer });
  }
  observe(what: ZabObservation): void {
    this.list.push({ type: 'observe', what });
  }
  /** The process exits (requestSystemExit); the step's handlers stop at once (see `exited`). */
  exit(code: number): void {
    this.list.push({ type: 'exit', code });
    this.exited = true;
  }
  /** A note for the trace; `fact` is the same in fields, for reports (never traced). */
  note(text: string, fact?: ZabObservation): void {
    this.list.push(fact === undefined ? { type: 'note', text } : { type: 'note', text, fact });
  }
}
