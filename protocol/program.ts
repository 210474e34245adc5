// The contract between a node's pure reducer and the simulator that drives it.
//
// A node (a ZooKeeper server or a client) is `step(state, event) → [state, effects]`. Time reaches
// a node only in the events the simulator hands it; randomness never does: a timer effect asks for
// a [min, max] range (a draw effect for a bare number) and the simulator picks the value from its
// seeded stream and records the pick.
// Effects run in order, so "persist before send" is a property of the list, as in etcd raft's Ready.

export type NodeId = number;

/**
 * Node 0 is the outside world: the application that asks a client library to run an operation, or a
 * test that pokes a server. Its messages arrive as ordinary `deliver` events with `from: ENV`.
 */
export const ENV: NodeId = 0;

/** Durations and instants are integer microseconds of virtual time. */
export type Micros = number;

/** What the simulator hands a reducer. `M` is the node's message type. */
export type Event<M> =
  /** Boot, or restart after a crash: state was rebuilt from durable storage only. */
  | { readonly type: 'start' }
  /** A message arrived on connection `conn` (a new number after every reconnect of that link). */
  | { readonly type: 'deliver'; readonly from: NodeId; readonly conn: number; readonly msg: M }
  /** A timer set with `setTimer` fired. `now` is the only clock a reducer ever sees. */
  | { readonly type: 'timeout'; readonly timer: string; readonly now: Micros }
  /** The fsync asked for with `fsync { token }` finished: every write persisted before it is durable. */
  | { readonly type: 'fsynced'; readonly token: number }
  /** The peer's process died, so the OS reset our connections to it (TCP RST). Partitions are silent. */
  | { readonly type: 'peerReset'; readonly peer: NodeId }
  /** The value a `draw` effect asked for, handed over at the instant it was asked for. */
  | { readonly type: 'drawn'; readonly key: string; readonly value: number };

/** What a reducer asks the simulator to do. `W` is the node's durable-write type, `O` its observations. */
export type Effect<M, W, O> =
  /**
   * `conn`, when given, is the connection the message is written to: the number the peer's messages
   * to us arrive with on it (a leader's LearnerHandler writes only to its own socket). If that
   * connection has broken or been replaced since, the message is lost with it. Without `conn` the
   * message goes on the current connection, opening a new one after a break.
   */
  | { readonly type: 'send'; readonly to: NodeId; readonly msg: M; readonly conn?: number }
  /**
   * Close our connection to `to` and open a new one (a new socket, as Learner.connectToLeader makes
   * for each attempt): what is in flight on the old one, either way, is lost, and the peer sees the
   * new connection's number on our next message.
   */
  | { readonly type: 'reconnect'; readonly to: NodeId }
  /** A reply to a client over its connection: a send, traced as `reply` so histories can find it. */
  | { readonly type: 'reply'; readonly client: NodeId; readonly msg: M }
  /** Appended to the OS buffer: durable only once a later `fsync` completes. */
  | { readonly type: 'persist'; readonly write: W }
  /** Written and synced at once (ZooKeeper's atomic epoch files). */
  | { readonly type: 'persistSync'; readonly write: W }
  /** Flush buffered writes; the simulator answers later with `fsynced { token }` as a step of its own. */
  | { readonly type: 'fsync'; readonly token: number }
  | { readonly type: 'setTimer'; readonly timer: string; readonly minUs: Micros; readonly maxUs: Micros }
  | { readonly type: 'cancelTimer'; readonly timer: string }
  /**
   * A random integer in [0, max) that the node's own code would draw (ZooKeeper's snapshot roll,
   * SyncRequestProcessor.resetSnapshotStats). The simulator picks it from its seeded stream,
   * records the pick in the trace and answers with a `drawn` event at the same instant.
   */
  | { readonly type: 'draw'; readonly key: string; readonly max: number }
  /** A structured fact for checkers and reports (an epoch established, a txn delivered, ...). */
  | { readonly type: 'observe'; readonly what: O }
  /**
   * The process exits with `code` (ZooKeeper's ServiceUtils.requestSystemExit). The simulator drops
   * the step's later effects, stops the node as a crash does (unsynced writes follow the disk
   * option), and boots it again from its disk after a supervisor's restart delay that it picks from
   * its seeded stream and traces. The state the step returns is never stepped again.
   */
  | { readonly type: 'exit'; readonly code: number }
  /**
   * A human-readable reason, kept in the trace for teaching. `fact`, when given, says the same in
   * fields for reports (the scenario renderer); the trace writes only the text.
   */
  | { readonly type: 'note'; readonly text: string; readonly fact?: O };

export type Transition<S, M, W, O> = readonly [next: S, effects: readonly Effect<M, W, O>[]];

/**
 * Everything the simulator needs to run one kind of node. `D` is the durable image: what survives a
 * crash. `applyWrite` must cost O(write), never O(image).
 */
export interface NodeProgram<S, M, W, D, O> {
  readonly kind: string;
  /** The disk of a node that never ran. */
  emptyDisk(): D;
  /** Applies one durable write to an image, without mutating it. */
  applyWrite(disk: D, write: W): D;
  /** Rebuilds volatile state from the durable image alone (boot and restart). */
  boot(id: NodeId, disk: D): S;
  /**
   * The image as `boot` reads it, when the program indexes its image by what the booted process
   * holds and a restore can hold more than the process that wrote it (a Zab server's stale log
   * records). Same content, so a later boot restores the same; the simulator keeps this image.
   */
  restoredImage?(disk: D): D;
  step(state: S, event: Event<M>): Transition<S, M, W, O>;
  /** One-line rendering of a message for traces and timelines, e.g. `PROPOSAL 1:3`. */
  describe(msg: M): string;
  /** One-line rendering of a durable write, e.g. `append 1:3` or `currentEpoch=2`. */
  describeWrite(write: W): string;
}
