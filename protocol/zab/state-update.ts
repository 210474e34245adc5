// Copies and updates of a server's records (state.ts): one literal shape per record, so V8 keeps one
// hidden class for every copy; the broadcast path's updates copy each record once per step.
import type { PVec } from '../pvec.js';
import type { Zxid } from '../zxid.js';
import type { OutstandingProposals } from './outstanding.js';
import type { Txn } from './txn.js';
import { applyPatch, type Mutable } from '../patch.js';
import { queueFindIndex, queueGet, queuePeek, queueRemoveAt, type Queue } from '../queue.js';
import type { AckBatch, DbBookkeeping, FleState, LeaderState, LearnerHandler, LearnerState, ZabServer } from './state.js';
/**
 * Takes the batch for `token` out of `batches`: the batch and what is left, or null when there is
 * none. Fsyncs complete in request order (one SyncThread), so it is the oldest, checked first.
 */
export function takeBatch(batches: Queue<AckBatch>, token: number): { readonly batch: AckBatch; readonly rest: Queue<AckBatch> } | null {
  const head = queuePeek(batches);
  if (head === undefined) return null;
  if (head.token === token) return { batch: head, rest: queueRemoveAt(batches, 0) };
  const at = queueFindIndex(batches, (b) => b.token === token);
  if (at < 0) return null;
  return { batch: queueGet(batches, at) as AckBatch, rest: queueRemoveAt(batches, at) };
}

/** Copies an FleState with some fields replaced (literal copy, as patchServer). */
export function patchFle(o: FleState, p: Partial<FleState>): FleState {
  const next: Mutable<FleState> = {
    logicalclock: o.logicalclock,
    proposed: o.proposed,
    recvset: o.recvset,
    outofelection: o.outofelection,
    notTimeoutMs: o.notTimeoutMs,
    finalizing: o.finalizing,
    current: o.current,
    peerConns: o.peerConns,
    delayedQueue: o.delayedQueue,
    flushing: o.flushing,
  };
  return applyPatch(next, p);
}

/** Copies a LearnerHandler with some fields replaced (literal copy, as patchServer). */
export function patchHandler(o: LearnerHandler, p: Partial<LearnerHandler>): LearnerHandler {
  return applyPatch(copyHandler(o), p);
}

/** A writable copy of a LearnerHandler, field by field (one shape for every copy). */
function copyHandler(o: LearnerHandler): Mutable<LearnerHandler> {
  return {
    sid: o.sid,
    observer: o.observer,
    conn: o.conn,
    acceptedEpoch: o.acceptedEpoch,
    stage: o.stage,
    lastZxid: o.lastZxid,
    ackDeadlineTick: o.ackDeadlineTick,
    forwarding: o.forwarding,
    readSince: o.readSince,
    syncCheckZxid: o.syncCheckZxid,
    syncCheckFloor: o.syncCheckFloor,
    syncCheckNextFloor: o.syncCheckNextFloor,
    queuedPackets: o.queuedPackets,
    snap: o.snap,
  };
}

/** Copies a DbBookkeeping with some fields replaced (literal copy, as patchServer). */
export function patchDb(o: DbBookkeeping, p: Partial<DbBookkeeping>): DbBookkeeping {
  const next: Mutable<DbBookkeeping> = {
    committedLogStart: o.committedLogStart,
    committedLogHoles: o.committedLogHoles,
    logFiles: o.logFiles,
    snapRoll: o.snapRoll,
    oldLogTop: o.oldLogTop,
    staleTail: o.staleTail,
  };
  return applyPatch(next, p);
}

/** A writable copy of a LearnerState, field by field (one shape for every copy); only the update functions below fill it in. */
function copyLearner(o: LearnerState): Mutable<LearnerState> {
  return {
    leader: o.leader,
    observer: o.observer,
    conn: o.conn,
    newEpoch: o.newEpoch,
    syncMode: o.syncMode,
    stage: o.stage,
    packetsNotLogged: o.packetsNotLogged,
    packetsCommitted: o.packetsCommitted,
    pendingTxns: o.pendingTxns,
    lastQueued: o.lastQueued,
    ackBatches: o.ackBatches,
    blockedOn: o.blockedOn,
    backlog: o.backlog,
    newLeaderAckPending: o.newLeaderAckPending,
    connectTries: o.connectTries,
    heard: o.heard,
    silentChecks: o.silentChecks,
    preSnap: o.preSnap,
    shutdown: o.shutdown,
    syncedTo: o.syncedTo,
    commitsDeferred: o.commitsDeferred,
  };
}

/** Copies a LearnerState with some fields replaced. The copy is written out field by field so every copy has one shape (fast in V8). */
export function patchLearner(o: LearnerState, p: Partial<LearnerState>): LearnerState {
  return applyPatch(copyLearner(o), p);
}

/** A writable copy of a LeaderState, field by field (one shape for every copy); only the update functions below fill it in. */
function copyLeader(o: LeaderState): Mutable<LeaderState> {
  return {
    epoch: o.epoch,
    epochCandidate: o.epochCandidate,
    connecting: o.connecting,
    electing: o.electing,
    newLeaderAcks: o.newLeaderAcks,
    handlers: o.handlers,
    outstanding: o.outstanding,
    lastProposed: o.lastProposed,
    lastCommitted: o.lastCommitted,
    prepState: o.prepState,
    tick: o.tick,
    halfTicks: o.halfTicks,
    clock: o.clock,
    proposedAtClock: o.proposedAtClock,
    selfAckBatches: o.selfAckBatches,
    shutdown: o.shutdown,
  };
}

/** Copies a LeaderState with some fields replaced (one shape for every copy, as patchServer). */
export function patchLeader(o: LeaderState, p: Partial<LeaderState>): LeaderState {
  return applyPatch(copyLeader(o), p);
}

/** A writable copy of a ZabServer, field by field (one shape for every copy); only the update functions below fill it in. */
function copyServer(o: ZabServer): Mutable<ZabServer> {
  return {
    id: o.id,
    config: o.config,
    sm: o.sm,
    role: o.role,
    phase: o.phase,
    acceptedEpoch: o.acceptedEpoch,
    currentEpoch: o.currentEpoch,
    snapshot: o.snapshot,
    log: o.log,
    logBase: o.logBase,
    db: o.db,
    txnsSinceRoll: o.txnsSinceRoll,
    state: o.state,
    applied: o.applied,
    lastProcessedZxid: o.lastProcessedZxid,
    committed: o.committed,
    fle: o.fle,
    leader: o.leader,
    learner: o.learner,
    fsyncToken: o.fsyncToken,
    syncedToken: o.syncedToken,
    nowUs: o.nowUs,
    appState: o.appState,
    app: o.app,
  };
}

/** Copies a server with some fields replaced: a field-by-field copy keeps one shape for every server (a spread would not, and costs far more in V8 11). */
export function patchServer(o: ZabServer, p: Partial<ZabServer>): ZabServer {
  return applyPatch(copyServer(o), p);
}

// Updates on the broadcast path (PROPOSAL, ACK, COMMIT at the leader and the learners). Handlers
// update a record in one way: `patchX(o, { ... })` names the fields it replaces; the functions
// below are the same for the fields the hot path replaces, as one literal copy with direct writes
// (no loop over a patch object), so a step still copies each record once.

/**
 * A learner's packet moved its handler's ack deadline and read clock (learner-handler.ts
 * heardFromLearner: every PING and ACK of a new half tick): the handler, the handler list, the
 * leader and the server copied once each, with direct writes.
 */
export function withLearnerHeard(s: ZabServer, sid: number, ackDeadlineTick: number, readSince: number): ZabServer {
  const l = s.leader as LeaderState;
  const h = copyHandler(l.handlers[sid] as LearnerHandler);
  h.ackDeadlineTick = ackDeadlineTick;
  h.readSince = readSince;
  const handlers = l.handlers.slice();
  handlers[sid] = h;
  const leader = copyLeader(l);
  leader.handlers = handlers;
  const next = copyServer(s);
  next.leader = leader;
  return next;
}

/** The server after an fsync completed: stepServer's fallback for a step that did not record it itself. */
export function withSynced(s: ZabServer, token: number): ZabServer {
  const next = copyServer(s);
  next.syncedToken = token;
  return next;
}

/**
 * An fsync completed (`syncedToken`) and the role's record that tracked its acks: the fsync
 * handlers (onLeaderFsynced, onFollowerFsynced) record both in the one copy of the step.
 */
export function withFsynced(s: ZabServer, token: number, leader: LeaderState | null, learner: LearnerState | null): ZabServer {
  const next = copyServer(s);
  next.syncedToken = token;
  next.leader = leader;
  next.learner = learner;
  return next;
}

/** The server with another leader record. */
export function withLeaderState(s: ZabServer, leader: LeaderState): ZabServer {
  const next = copyServer(s);
  next.leader = leader;
  return next;
}

/** The server with another application state (every client request and reply of the kv and ZooKeeper front-ends). */
export function withApp(s: ZabServer, appState: unknown): ZabServer {
  const next = copyServer(s);
  next.appState = appState;
  return next;
}

/** The server with another learner record. */
export function withLearnerState(s: ZabServer, learner: LearnerState): ZabServer {
  const next = copyServer(s);
  next.learner = learner;
  return next;
}

/** A txn appended to the log with its fsync asked for (`fsyncToken`), and the role's record that tracks it. */
export function withAppend(s: ZabServer, log: PVec<Txn>, fsyncToken: number, leader: LeaderState | null, learner: LearnerState | null): ZabServer {
  const next = copyServer(s);
  next.log = log;
  next.txnsSinceRoll = s.txnsSinceRoll + 1;
  next.fsyncToken = fsyncToken;
  next.leader = leader;
  next.learner = learner;
  return next;
}

/** A txn applied to the state machine: `applied` txns, the last one `lastProcessedZxid`, and the role records. */
export function withApplied(
  s: ZabServer,
  state: unknown,
  applied: number,
  lastProcessedZxid: Zxid,
  committed: number,
  leader: LeaderState | null,
  learner: LearnerState | null,
): ZabServer {
  const next = copyServer(s);
  next.state = state;
  next.applied = applied;
  next.lastProcessedZxid = lastProcessedZxid;
  next.committed = committed;
  next.leader = leader;
  next.learner = learner;
  return next;
}

/** Leader.propose: the new proposal is the last proposed, outstanding, and waiting for our own fsync. */
export function leaderProposed(
  l: LeaderState,
  lastProposed: Zxid,
  prepState: unknown,
  outstanding: OutstandingProposals,
  selfAckBatches: Queue<AckBatch>,
): LeaderState {
  const next = copyLeader(l);
  next.lastProposed = lastProposed;
  next.prepState = prepState;
  next.outstanding = outstanding;
  next.selfAckBatches = selfAckBatches;
  return next;
}

/** The leader with other outstanding proposals (an ACK counted). */
export function withOutstanding(l: LeaderState, outstanding: OutstandingProposals): LeaderState {
  const next = copyLeader(l);
  next.outstanding = outstanding;
  return next;
}

/** Leader.commit: the head left the outstanding proposals and is the last committed. */
export function leaderCommitted(l: LeaderState, outstanding: OutstandingProposals, lastCommitted: Zxid, prepState: unknown): LeaderState {
  const next = copyLeader(l);
  next.outstanding = outstanding;
  next.lastCommitted = lastCommitted;
  next.prepState = prepState;
  return next;
}

/** A learner logged a PROPOSAL: it is the last queued, pending its COMMIT, and its ack waits for the fsync. */
export function learnerLogged(l: LearnerState, lastQueued: Zxid, pendingTxns: Queue<Txn>, ackBatches: Queue<AckBatch>): LearnerState {
  const next = copyLearner(l);
  next.lastQueued = lastQueued;
  next.pendingTxns = pendingTxns;
  next.ackBatches = ackBatches;
  return next;
}

/** The learner with other pending txns (a COMMIT took the head). */
export function withPendingTxns(l: LearnerState, pendingTxns: Queue<Txn>): LearnerState {
  const next = copyLearner(l);
  next.pendingTxns = pendingTxns;
  return next;
}

/** The learner with other ack batches (an fsync completed). */
export function withAckBatches(l: LearnerState, ackBatches: Queue<AckBatch>): LearnerState {
  const next = copyLearner(l);
  next.ackBatches = ackBatches;
  return next;
}
