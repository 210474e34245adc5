// The handlers of followers and observers (Learner.java, Follower.java, Observer.java): discovery,
// syncWithLeader in current master's persistence order (or a historical one), and broadcast; with the
// guards that say why a packet is dropped. Which handler reads a packet is decided in one switch per
// role (steps.ts followerPacket, observerPacket); each handler asserts what that switch made true.
import { maybeSnapshot } from './snap-count.js';
import { assert } from '../assert.js';
import type { NodeId } from '../program.js';
import { pvecEmpty, pvecPush, pvecTake } from '../pvec.js';
import { counterOf, epochOf, formatZxid, makeZxid, type Zxid } from '../zxid.js';
import { hasMutant } from './config.js';
import { persistenceOrderOf } from './persistence-orders.js';
import type { Fx } from './effects.js';
import { updateElectionVote } from './election.js';
import { historyCount, lastLoggedZxid, reloadFromHistory, truncateInMemory } from './history.js';
import { appendTxn, lastZxidOf } from './disk.js';
import type { LeaderPacket, QuorumPacket, Snapshot } from './messages.js';
import { type LearnerState, type ZabServer } from './state.js';
import { learnerLogged, patchDb, patchServer, takeBatch, withAckBatches, withAppend, withFsynced, withPendingTxns } from './state-update.js';
import { queuePeek, queuePush, queueShift, queueToArray } from '../queue.js';
import type { Txn } from './txn.js';

import { exitProcess, learnerOf, shutdown, withLearner } from './learner-connection.js';
import { applyTxn, followerCommitsAfterUpToDate, heldBySnapshot, logTxn, nextToken, observerCommitsAfterUpToDate, replayTxn } from './learner-apply.js';

/**
 * Why a quorum packet is dropped by a learner, or null: it reads only the leader it follows, and on
 * a new connection nothing before LEADERINFO (Learner.registerWithLeader reads that first).
 */
export function ignoreLeaderPacket(s: ZabServer, from: NodeId, msg: QuorumPacket): string | null {
  const l = learnerOf(s);
  if (from !== l.leader) return `ignore ${msg.type} from ${from}: we follow ${l.leader}`;
  if (l.conn === null && msg.type !== 'LEADERINFO') return `ignore ${msg.type}: no LEADERINFO yet`;
  return null;
}

/** Learner.syncWithLeader's first read: LEADERINFO came, and neither DIFF, TRUNC nor SNAP yet. */
export function awaitingSyncMode(l: LearnerState): boolean {
  return l.syncMode === 'NONE' && (l.stage === 'SYNC' || l.stage === 'NEWLEADER_DONE');
}

/** Learner.syncWithLeader's loop: the sync mode is known, and UPTODATE has not come yet. */
export function inSyncLoop(l: LearnerState): boolean {
  return l.syncMode !== 'NONE' && (l.stage === 'SYNC' || l.stage === 'NEWLEADER_DONE');
}

/**
 * The QuorumPeer thread is blocked on the NEWLEADER fsync (blockOnFsync): the packet waits, in
 * order, until the thread reads again (onNewLeaderFsynced).
 */
export function deferWhileBlocked(s: ZabServer, msg: LeaderPacket): ZabServer {
  return withLearner(s, { backlog: [...learnerOf(s).backlog, msg] });
}

/**
 * Whether a PING goes unanswered: before NEWLEADER the learner is still in registerWithLeader or
 * syncWithLeader, whose read loop has no PING case and drops it without a word (so no note).
 */
export function ignorePingBeforeNewLeader(l: LearnerState): boolean {
  return l.stage === 'DISCOVERY' || l.stage === 'SYNC';
}

/** Learner.ping: answer with our last zxid, carrying the application's payload (the session touches). */
export function onPing(s: ZabServer, fx: Fx): ZabServer {
  const l = learnerOf(s);
  assert(l.stage === 'NEWLEADER_DONE' || l.stage === 'BROADCAST', 'PING answered before NEWLEADER');
  const taken = s.app.takePingPayload(s);
  fx.send(
    l.leader,
    taken.payload === undefined ? { type: 'PING', zxid: s.lastProcessedZxid } : { type: 'PING', zxid: s.lastProcessedZxid, touches: taken.payload },
  );
  return taken.server;
}

/**
 * A packet the learner's stage has no case for. registerWithLeader expects LEADERINFO (we note the
 * inconsistency). syncWithLeader's first packet must be DIFF, TRUNC or SNAP, or the process exits
 * with QUORUM_PACKET_ERROR; its loop, and Follower/Observer.processPacket, log and skip the rest.
 */
export function onOffStagePacket(s: ZabServer, msg: LeaderPacket, fx: Fx): ZabServer {
  const l = learnerOf(s);
  switch (l.stage) {
    case 'DISCOVERY':
      fx.note(`ignore ${msg.type} in DISCOVERY`);
      fx.observe({ kind: 'anomaly', flag: 'stateInconsistent', detail: `${msg.type} in DISCOVERY` });
      return s;
    case 'SYNC':
    case 'NEWLEADER_DONE':
      if (l.syncMode === 'NONE') {
        // No faithful leader gets here: LearnerHandler.run queues DIFF, TRUNC or SNAP before any
        // other packet, and LearnerHandler.ping sends nothing until its sending thread has started
        // (after that first packet). So the exit is also a protocol inconsistency the checker flags.
        fx.observe({ kind: 'anomaly', flag: 'stateInconsistent', detail: `${msg.type} before DIFF, TRUNC or SNAP` });
        return exitProcess(s, 'QUORUM_PACKET_ERROR', `expected DIFF, TRUNC or SNAP first, got ${msg.type}`, fx);
      }
      fx.note(`ignore ${msg.type} during synchronization`);
      return s;
    case 'BROADCAST':
      fx.note(`ignore ${msg.type} in broadcast`);
      return s;
  }
}

/** registerWithLeader: accept the new epoch (persisted) and report our state. */
export function onLeaderInfo(s: ZabServer, newEpoch: number, fx: Fx): ZabServer {
  assert(learnerOf(s).stage === 'DISCOVERY', 'LEADERINFO handled after discovery');
  if (newEpoch > s.acceptedEpoch) {
    fx.send(learnerOf(s).leader, { type: 'ACKEPOCH', lastZxid: s.lastProcessedZxid, currentEpoch: s.currentEpoch });
    if (!hasMutant(s.config, 'no-persist-accepted-epoch')) fx.persistSync({ kind: 'acceptedEpoch', epoch: newEpoch });
    s = patchServer(s, { acceptedEpoch: newEpoch });
  } else if (newEpoch === s.acceptedEpoch) {
    fx.send(learnerOf(s).leader, { type: 'ACKEPOCH', lastZxid: s.lastProcessedZxid, currentEpoch: -1 });
  } else {
    return shutdown(s, `leader's epoch ${newEpoch} is older than our acceptedEpoch ${s.acceptedEpoch}`, fx);
  }
  fx.observe({ kind: 'role', role: s.role, phase: 'SYNCHRONIZATION', epoch: newEpoch, leader: learnerOf(s).leader });
  return withLearner(patchServer(s, { phase: 'SYNCHRONIZATION' }), { stage: 'SYNC', newEpoch, lastQueued: s.lastProcessedZxid });
}

// ------------------------------------------------------------------ synchronization

/**
 * DIFF: our log is a prefix of the leader's; the missing txns follow as PROPOSAL and COMMIT pairs.
 * lastProcessedZxid stays: it rises as the txns are applied (Learner.syncWithLeader sets it from
 * the packet for SNAP and TRUNC only, since the ZOOKEEPER-2355 fix).
 */
export function onDiff(s: ZabServer, zxid: Zxid, fx: Fx): ZabServer {
  assert(awaitingSyncMode(learnerOf(s)), 'DIFF outside the first read of syncWithLeader');
  if (hasMutant(s.config, 'ZK-2355') && zxid !== s.lastProcessedZxid) {
    // Before that fix (3.4.11 and 3.5.4; commit 6971018 on master), syncWithLeader called
    // setlastProcessedZxid(qp.getZxid()) after every sync packet, DIFF too: until the txns are
    // applied the tree claims a zxid it does not hold, and a learner that leaves now keeps the
    // claim, reports it to the next leader and is never sent what it lacks.
    fx.note(`DIFF ${formatZxid(zxid)}: lastProcessedZxid set from the packet before its txns are applied (ZK-2355)`);
    return withLearner(patchServer(s, { lastProcessedZxid: zxid }), { syncMode: 'DIFF' });
  }
  return withLearner(s, { syncMode: 'DIFF' });
}

/**
 * Whether a sync-time INFORM (an observer's committed txn, syncWithLeader's INFORM case) is skipped:
 * its zxid is at or below what we already queued. zabsim's own duplicate check (syncWithLeader has
 * none for INFORM); it leaves no note.
 */
export function ignoreQueuedInform(l: LearnerState, txn: Txn): boolean {
  return txn.zxid <= l.lastQueued;
}

/**
 * An observer's committed txn during sync (syncWithLeader's INFORM case). Once writeToTxnLog holds
 * (after NEWLEADER, or from the start of a DIFF) it is pending and committed at once, for
 * ObserverZooKeeperServer.commitRequest after UPTODATE. Before that (SNAP or TRUNC before
 * NEWLEADER) `zk.processTxn` applies it to the tree at once, as the COMMIT case does, so the
 * snapshot NEWLEADER takes holds it: a SNAP's fuzzy snapshot replayed up to the INFORM's txn.
 */
export function onSyncInform(s: ZabServer, txn: Txn): ZabServer {
  const l = learnerOf(s);
  assert(inSyncLoop(l) && txn.zxid > l.lastQueued, 'sync INFORM outside the sync loop, or already queued');
  if (!writesToTxnLog(s, l)) return withLearner(applyInMemory(s, txn), { lastQueued: txn.zxid });
  return withLearner(s, {
    packetsNotLogged: [...l.packetsNotLogged, txn],
    packetsCommitted: [...l.packetsCommitted, txn.zxid],
    lastQueued: txn.zxid,
  });
}

/**
 * syncWithLeader's writeToTxnLog: true after NEWLEADER, and from the start of a DIFF unless the
 * persistence order snapshots after one (snapshotNeeded); false for SNAP and TRUNC until NEWLEADER.
 */
function writesToTxnLog(s: ZabServer, l: LearnerState): boolean {
  return l.stage === 'NEWLEADER_DONE' || (l.syncMode === 'DIFF' && !persistenceOrderOf(s.config).snapshotAfterDiff);
}

/**
 * `zk.processTxn` before NEWLEADER (SNAP/TRUNC): the txn goes to the tree only; the snapshot at
 * NEWLEADER makes it durable. A txn the SNAP's fuzzy snapshot already holds is applied again
 * (DataTree keeps lastProcessedZxid at its maximum); only the tree changes.
 */
function applyInMemory(s: ZabServer, txn: Txn): ZabServer {
  if (heldBySnapshot(s, txn)) return replayTxn(s, txn);
  const applied = s.sm.apply(s.state, txn.body, txn.zxid);
  return patchServer(s, { log: pvecPush(s.log, txn), state: applied.state, applied: s.applied + 1, lastProcessedZxid: txn.zxid });
}

/** TRUNC: our log runs past the leader's; cut it back to `zxid`. */
export function onTrunc(s: ZabServer, zxid: Zxid, fx: Fx): ZabServer {
  assert(awaitingSyncMode(learnerOf(s)), 'TRUNC outside the first read of syncWithLeader');
  // FileTxnLog.truncate positions at the first record at or above zxid in the log files, old ones
  // included; with none, it throws "No log files found to truncate!", FileTxnSnapLog.truncateLog
  // catches that and returns false, and Learner.syncWithLeader calls
  // requestSystemExit(QUORUM_PACKET_ERROR): the process exits and comes back from its disk.
  const top = Math.max(lastZxidOf(s.log), s.db.oldLogTop); // 0: no record at all (no txn has counter 0)
  if (top === 0 || top < zxid) {
    return exitProcess(s, 'QUORUM_PACKET_ERROR', `Not able to truncate the log to ${formatZxid(zxid)}: no txn log record at or above it`, fx);
  }
  // Learner.syncWithLeader: truncateLog, then setlastProcessedZxid(TRUNC zxid) unconditionally:
  // lower when the reloaded snapshot is labelled later (an epoch marker), and higher when the log
  // never held that zxid and the reload ends below it (the ZOOKEEPER-2832 family).
  const reloaded = truncateInMemory(s, zxid);
  const truncated = patchServer(reloaded, { lastProcessedZxid: zxid, db: patchDb(reloaded.db, { oldLogTop: Math.min(s.db.oldLogTop, zxid) }) });
  fx.persistSync({ kind: 'truncate', zxid });
  fx.observe({ kind: 'truncate', count: historyCount(truncated), zxid });
  const below = s.snapshot !== null && zxid < s.snapshot.zxid ? `; below our snapshot at ${formatZxid(s.snapshot.zxid)}, which stays` : '';
  fx.note(`TRUNC: log cut back to ${formatZxid(zxid)} (${historyCount(s) - historyCount(truncated)} txns dropped${below})`);
  return withLearner(truncated, { syncMode: 'TRUNC', lastQueued: zxid });
}

/** SNAP: load the leader's state in memory; it becomes durable at NEWLEADER (or is forgotten, ZK-3642). */
export function onSnap(s: ZabServer, snapshot: Snapshot, fx: Fx): ZabServer {
  assert(awaitingSyncMode(learnerOf(s)), 'SNAP outside the first read of syncWithLeader');
  fx.note(`SNAP: loading the leader's state as of ${formatZxid(snapshot.zxid)} (${snapshot.count} txns)`);
  const preSnap = {
    snapshot: s.snapshot,
    log: s.log,
    logBase: s.logBase,
    committedLogStart: s.db.committedLogStart,
    committedLogHoles: s.db.committedLogHoles,
    logFiles: s.db.logFiles,
    state: s.state,
    applied: s.applied,
    lastProcessedZxid: s.lastProcessedZxid,
    committed: s.committed,
  };
  // ZKDatabase.deserializeSnapshot clears the database first: the committedLog starts afresh.
  const next: ZabServer = patchServer(s, {
    snapshot,
    log: pvecEmpty(),
    logBase: snapshot.count,
    db: patchDb(s.db, { committedLogStart: snapshot.count, committedLogHoles: [], logFiles: { rolledAt: snapshot.count, before: snapshot.count } }),
    state: snapshot.state,
    applied: snapshot.count,
    lastProcessedZxid: snapshot.zxid,
    committed: 0,
  });
  // Learner.syncWithLeader starts lastQueued at 0 whatever the sync ("LearnerHandler does not
  // guarantee" that proposals start above the SNAP's zxid): the leader re-sends txns the fuzzy
  // snapshot already holds (snap-send.ts), and they must not be taken for duplicates.
  return withLearner(next, { syncMode: 'SNAP', preSnap, lastQueued: 0 });
}

/** Why a sync-time PROPOSAL is dropped, or null: we already queued (or hold) its zxid. */
export function ignoreQueuedProposal(l: LearnerState, txn: Txn): string | null {
  if (txn.zxid <= l.lastQueued) return `ignore PROPOSAL ${formatZxid(txn.zxid)}: already have up to ${formatZxid(l.lastQueued)}`;
  return null;
}

/** syncWithLeader's PROPOSAL case: queue it in packetsNotLogged, in zxid order. */
export function onSyncProposal(s: ZabServer, txn: Txn, fx: Fx): ZabServer {
  const l = learnerOf(s);
  assert(inSyncLoop(l) && txn.zxid > l.lastQueued, 'sync PROPOSAL outside the sync loop, or already queued');
  const zxid = txn.zxid;
  // enforceContinuousProposal: the first proposal after a SNAP (lastQueued 0) is not checked.
  if (l.lastQueued !== 0 && epochOf(zxid) === epochOf(l.lastQueued) && counterOf(zxid) !== counterOf(l.lastQueued) + 1) {
    if (hasMutant(s.config, 'ZK-4925')) {
      // 3.9.3 and earlier only logged "Got zxid ... expected ..." and went on; the ZK-4925 fix
      // rejects a DIFF proposal that skips zxids within an epoch.
      fx.note(`Got zxid ${formatZxid(zxid)} expected the one after ${formatZxid(l.lastQueued)}: warning only (ZK-4925)`);
      return withLearner(s, { packetsNotLogged: [...l.packetsNotLogged, txn], lastQueued: zxid });
    }
    fx.observe({ kind: 'anomaly', flag: 'proposalInconsistent', detail: `${formatZxid(zxid)} after ${formatZxid(l.lastQueued)}` });
    return shutdown(s, `proposal ${formatZxid(zxid)} does not follow ${formatZxid(l.lastQueued)}`, fx);
  }
  return withLearner(s, { packetsNotLogged: [...l.packetsNotLogged, txn], lastQueued: zxid });
}

/** syncWithLeader's COMMIT case: record it (DIFF, or after NEWLEADER), or apply it in memory (SNAP/TRUNC). */
export function onSyncCommit(s: ZabServer, zxid: Zxid, fx: Fx): ZabServer {
  const l = learnerOf(s);
  assert(inSyncLoop(l), 'sync COMMIT outside the sync loop');
  const head = l.packetsNotLogged[0];
  if (head === undefined) {
    // syncWithLeader peeks the first pending proposal before anything else. Under ZK-4394 the
    // proposals were logged and removed at NEWLEADER, so a COMMIT here is a NullPointerException.
    fx.observe({ kind: 'anomaly', flag: 'commitInconsistent', detail: `COMMIT ${formatZxid(zxid)} with no pending proposal` });
    return shutdown(s, `COMMIT ${formatZxid(zxid)} with no pending proposal (NullPointerException in syncWithLeader)`, fx);
  }
  if (writesToTxnLog(s, l)) {
    // Matched against the pending proposals at NEWLEADER or UPTODATE, in order.
    return withLearner(s, { packetsCommitted: [...l.packetsCommitted, zxid] });
  }
  if (head.zxid !== zxid) {
    fx.note(`committing ${formatZxid(zxid)}, but next proposal is ${formatZxid(head.zxid)}`);
    return s;
  }
  // SNAP/TRUNC before NEWLEADER: apply in memory; the snapshot at NEWLEADER makes it durable.
  return withLearner(applyInMemory(s, head), { packetsNotLogged: l.packetsNotLogged.slice(1) });
}

/**
 * UPTODATE: ACK it and start serving, then log what is left and commit what was committed
 * (Learner.syncWithLeader after its loop: the ACK is written before anything is logged or
 * committed; ZooKeeper's commits then run on other threads, zabsim's in this step).
 */
export function onUpToDate(s: ZabServer, fx: Fx): ZabServer {
  const l = learnerOf(s);
  assert(l.stage === 'NEWLEADER_DONE' && l.syncMode !== 'NONE', 'UPTODATE handled before NEWLEADER');
  fx.send(l.leader, { type: 'ACK', zxid: makeZxid(l.newEpoch, 0) });
  const next = l.observer ? observerCommitsAfterUpToDate(s, fx) : followerCommitsAfterUpToDate(s, fx);
  if (fx.exited || learnerOf(next).shutdown !== null) return next;
  fx.observe({ kind: 'committedTo', zxid: next.lastProcessedZxid, count: next.applied });
  fx.observe({ kind: 'role', role: next.role, phase: 'BROADCAST', epoch: l.newEpoch, leader: l.leader });
  fx.note(`UPTODATE: in sync with ${l.leader} at ${formatZxid(next.lastProcessedZxid)}; serving clients`);
  const voted = updateElectionVote(next, l.newEpoch);
  return withLearner(patchServer(voted, { phase: 'BROADCAST', committed: voted.applied }), { stage: 'BROADCAST', packetsCommitted: [], syncMode: 'NONE' });
}

// ------------------------------------------------------------------ broadcast

/**
 * Why an observer drops a PROPOSAL, or null: Observer.processPacket ignores proposals (it learns
 * committed txns by INFORM); the count-observer-acks mutant makes it log them like a follower.
 */
export function ignoreProposalAtObserver(s: ZabServer): string | null {
  return hasMutant(s.config, 'count-observer-acks') ? null : 'observer ignores PROPOSAL';
}

/** Why a learner in broadcast drops a PROPOSAL, or null: it already queued that zxid (a duplicate). */
export function ignoreDuplicateProposal(l: LearnerState, txn: Txn): string | null {
  if (txn.zxid <= l.lastQueued) return `ignore duplicate PROPOSAL ${formatZxid(txn.zxid)}`;
  return null;
}

/** PROPOSAL: log it (the SyncThread acks after fsync) and wait for COMMIT. */
export function onProposal(s: ZabServer, txn: Txn, fx: Fx): ZabServer {
  const l = learnerOf(s);
  assert(l.stage === 'BROADCAST' && txn.zxid > l.lastQueued, 'PROPOSAL handled outside broadcast, or a duplicate');
  assert(!l.observer || hasMutant(s.config, 'count-observer-acks'), 'an observer logs a PROPOSAL');
  if (l.lastQueued !== 0 && txn.zxid !== l.lastQueued + 1 && epochOf(txn.zxid) === epochOf(l.lastQueued)) {
    fx.note(`PROPOSAL ${formatZxid(txn.zxid)} is not the successor of ${formatZxid(l.lastQueued)}`);
  }
  // One copy of the server for the whole step: log, fsync token and learner bookkeeping together.
  const token = s.fsyncToken + 1;
  const appended = appendTxn(s.log, txn);
  fx.persist(appended);
  fx.observe({ kind: 'logged', zxid: txn.zxid, index: historyCount(s) });
  fx.fsync(token);
  const learner = learnerLogged(l, txn.zxid, queuePush(l.pendingTxns, txn), queuePush(l.ackBatches, { token, zxids: [txn.zxid] }));
  const next = maybeSnapshot(withAppend(s, appended.log, token, s.leader, learner), fx);
  if (hasMutant(s.config, 'follower-applies-locally')) {
    // Planted mistake: apply (and serve) before the leader commits.
    return withLearner(applyTxn(next, txn, fx), { pendingTxns: queueShift(learnerOf(next).pendingTxns) });
  }
  return next;
}

/**
 * Whether a COMMIT is dropped unnoted: under the follower-applies-locally mutant the txn was
 * applied at its PROPOSAL, so nothing is pending for it; the planted mistake stays quiet.
 */
export function ignoreCommitAppliedEarly(s: ZabServer, l: LearnerState, zxid: Zxid): boolean {
  return queuePeek(l.pendingTxns) === undefined && hasMutant(s.config, 'follower-applies-locally') && zxid <= s.lastProcessedZxid;
}

/**
 * Why a COMMIT is dropped, or null: no txn is pending (FollowerZooKeeperServer.commit logs
 * "Committing ... without seeing txn" and returns).
 */
export function ignoreCommitWithNothingPending(l: LearnerState, zxid: Zxid): string | null {
  if (queuePeek(l.pendingTxns) === undefined) return `COMMIT ${formatZxid(zxid)} with no pending txn: ignored`;
  return null;
}

/** COMMIT: the head of pendingTxns must be it, else the process exits (FollowerZooKeeperServer.commit). */
export function onCommit(s: ZabServer, zxid: Zxid, fx: Fx): ZabServer {
  const l = learnerOf(s);
  const head = queuePeek(l.pendingTxns);
  assert(l.stage === 'BROADCAST' && head !== undefined, 'COMMIT handled outside broadcast, or with nothing pending');
  if (head.zxid !== zxid) {
    fx.observe({ kind: 'anomaly', flag: 'commitInconsistent', detail: `COMMIT ${formatZxid(zxid)} but next pending is ${formatZxid(head.zxid)}` });
    return exitProcess(s, 'UNMATCHED_TXN_COMMIT', `COMMIT ${formatZxid(zxid)} but next pending txn is ${formatZxid(head.zxid)}`, fx);
  }
  // The learner's queue moves first (applying never touches it), so the step copies the server once.
  return applyTxn(s, head, fx, withPendingTxns(l, queueShift(l.pendingTxns)));
}

/**
 * Whether an INFORM is skipped: its txn is already applied. zabsim's own duplicate check
 * (ObserverZooKeeperServer.commitRequest has none); it leaves no note.
 */
export function ignoreAppliedInform(s: ZabServer, txn: Txn): boolean {
  return txn.zxid <= s.lastProcessedZxid;
}

/** Observers learn committed txns by INFORM: log and apply at once. */
export function onInform(s: ZabServer, txn: Txn, fx: Fx): ZabServer {
  const l = learnerOf(s);
  assert(l.observer && l.stage === 'BROADCAST' && txn.zxid > s.lastProcessedZxid, 'INFORM handled by a follower, outside broadcast, or applied');
  // Only an observer that takes PROPOSALs (the count-observer-acks mutant) has logged it already:
  // the INFORM then acts as its COMMIT, instead of logging the txn twice.
  const pendingHead = queuePeek(l.pendingTxns);
  if (pendingHead !== undefined && pendingHead.zxid === txn.zxid) return onCommit(s, txn.zxid, fx);
  let next = logTxn(s, txn, fx);
  let token: number;
  [next, token] = nextToken(next);
  fx.fsync(token);
  return withLearner(applyTxn(next, txn, fx), { lastQueued: txn.zxid });
}

/** SendAckRequestProcessor: the fsync of logged proposals finished; ACK each to the leader. */
export function onFollowerFsynced(s: ZabServer, token: number, fx: Fx): ZabServer {
  const l = learnerOf(s);
  const taken = takeBatch(l.ackBatches, token);
  if (taken === null) return s;
  for (const zxid of taken.batch.zxids) fx.send(l.leader, { type: 'ACK', zxid });
  return withFsynced(s, token, s.leader, withAckBatches(l, taken.rest));
}

/**
 * An observer's fsync finished: nothing to ACK (an observer's SyncRequestProcessor has no
 * SendAckRequestProcessor behind it), unless the count-observer-acks mutant has it ACK proposals.
 */
export function onObserverFsynced(s: ZabServer, token: number, fx: Fx): ZabServer {
  if (hasMutant(s.config, 'count-observer-acks')) return onFollowerFsynced(s, token, fx);
  const l = learnerOf(s);
  const taken = takeBatch(l.ackBatches, token);
  return taken === null ? s : withFsynced(s, token, s.leader, withAckBatches(l, taken.rest));
}

/** Called on leaving the learner role (ZK-3642 fix and mutant, ZK-4712 mutant). Returns the state to keep. */
export function learnerLeaving(s: ZabServer, fx: Fx): ZabServer {
  const l = learnerOf(s);
  let next = s;
  if (l.syncMode === 'SNAP' && l.preSnap !== null) {
    if (hasMutant(s.config, 'ZK-3642')) {
      // Before the fix (commit efbd660, 3.5.10/3.6.3) Learner.shutdown called zk.shutdown(), which
      // leaves the ZKDatabase alone: the SNAP stays in memory, lastProcessedZxid at its zxid, while
      // the disk still holds the old snapshot and log. The next leader DIFFs from that zxid.
      fx.note('left during SNAP sync: the SNAP stays in memory though it is not on disk (ZK-3642)');
    } else {
      // ZK-3642 fix: Learner.shutdown calls zk.shutdown(syncMode == SNAP), and
      // ZooKeeperServer.shutdown(true) clears the ZKDatabase: a SNAP that never reached NEWLEADER
      // is not on disk; forget it.
      const { committedLogStart, committedLogHoles, logFiles, ...top } = l.preSnap;
      next = patchServer(next, { ...top, db: patchDb(next.db, { committedLogStart, committedLogHoles, logFiles }) });
      fx.note('left during SNAP sync: in-memory database cleared, reloading from disk');
    }
  }
  if (hasMutant(s.config, 'ZK-4712') && l.ackBatches.size > 0) {
    // The SyncThread keeps running: txns it had not yet written are absent from what we report,
    // yet it will write them after our vote (they are still in the disk buffer).
    const unsynced = queueToArray(l.ackBatches).reduce((n, b) => n + b.zxids.length, 0);
    // A snapCount snapshot may already hold some of them (applied before their fsync); the log
    // keeps at least what the snapshot covers, so a restore stays possible.
    const snapshotCovers = next.snapshot === null ? 0 : next.snapshot.count - next.logBase;
    const keep = Math.max(0, snapshotCovers, next.log.size - unsynced);
    next = patchServer(next, { log: pvecTake(next.log, keep) });
    if (next.applied > historyCount(next)) next = reloadFromHistory(next);
    fx.note(`stale SyncThread still holds ${unsynced} txn(s) it will write later (ZK-4712)`);
  }
  assert(lastLoggedZxid(next) >= 0, 'negative zxid');
  return next;
}
