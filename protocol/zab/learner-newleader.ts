// A learner's NEWLEADER (Learner.syncWithLeader's NEWLEADER case): the persistence steps of the
// configured order (persistence-orders.ts), the fsync they may wait for, and the ACK.
import { assert } from '../assert.js';
import { pvecEmpty } from '../pvec.js';
import { epochOf, formatZxid, makeZxid, type Zxid } from '../zxid.js';
import { hasMutant } from './config.js';
import { persistenceOrderOf, type NewLeaderStep } from './persistence-orders.js';
import type { Fx } from './effects.js';
import { snapshotOfApplied } from './history.js';
import { lastZxidOf, staleAfterSnapshot } from './disk.js';
import { holesFrom, leaveOutOfCommittedLog } from './committed-log.js';
import { type ZabServer } from './state.js';
import { patchDb, patchServer } from './state-update.js';
import { queuePush, queuePushAll } from '../queue.js';
import { armReadTimeout, learnerOf, shutdown, withLearner } from './learner-connection.js';
import { applyTxn, heldBySnapshot, logTxn, nextToken } from './learner-apply.js';

const MS = 1000;

/** NEWLEADER: make the synced history durable in the configured order, then ACK. */
export function onNewLeader(s: ZabServer, zxid: Zxid, fx: Fx): ZabServer {
  const l = learnerOf(s);
  assert(l.stage === 'SYNC' && l.syncMode !== 'NONE', 'NEWLEADER handled outside sync');
  if (epochOf(zxid) !== l.newEpoch) return shutdown(s, `NEWLEADER for epoch ${epochOf(zxid)}, expected ${l.newEpoch}`, fx);
  const order = persistenceOrderOf(s.config);
  if (l.syncMode === 'SNAP' || l.syncMode === 'TRUNC' || order.snapshotAfterDiff) {
    // takeSnapshot(syncSnapshot): the tree, with what was applied during sync, becomes durable.
    const snapshot = snapshotOfApplied(s);
    fx.persistSync({ kind: 'snapshot', snapshot, replacesLog: true });
    // The log files the snapshot supersedes stay on disk (ZabDisk.oldLogTop, staleTail): Learner.
    // syncWithLeader only takes the snapshot, it deletes and truncates no file. A SNAP replaced the
    // in-memory log, so the files' records are in preSnap; those above the snapshot's zxid come
    // back on a restore (disk.ts staleAfterSnapshot). The committedLog cannot reach below the new
    // log (a deviation: ZooKeeper's keeps the txns a TRUNC sync applied before NEWLEADER).
    const files = l.preSnap === null ? s : l.preSnap;
    const filesLog = files.log;
    // A restore replays from the highest snapshot zxid on disk up (disk.ts), the older file's if higher.
    const replayAbove = Math.max(snapshot.zxid, files.snapshot?.zxid ?? 0);
    const superseded = Math.max(lastZxidOf(s.log), lastZxidOf(filesLog), lastZxidOf(s.db.staleTail));
    const staleTail = staleAfterSnapshot(s.db.staleTail, filesLog, replayAbove);
    if (staleTail.size > 0) {
      fx.note(
        `NEWLEADER snapshot at ${formatZxid(snapshot.zxid)}: ${staleTail.size} older log record(s) above ${formatZxid(replayAbove)} stay on disk (${formatZxid(lastZxidOf(staleTail))} the last), replayed by a restore`,
      );
    }
    const logBase = snapshot.count;
    s = patchServer(s, {
      snapshot,
      log: pvecEmpty(),
      logBase,
      db: patchDb(s.db, {
        committedLogStart: Math.max(s.db.committedLogStart, logBase),
        committedLogHoles: holesFrom(s.db.committedLogHoles, Math.max(s.db.committedLogStart, logBase)),
        logFiles: { rolledAt: Math.max(s.db.logFiles.rolledAt, logBase), before: Math.max(s.db.logFiles.before, logBase) },
        oldLogTop: Math.max(s.db.oldLogTop, superseded),
        staleTail,
      }),
    });
    s = withLearner(s, { preSnap: null });
  }
  fx.note(`NEWLEADER ${formatZxid(zxid)}: persisting in order ${order.name}`);
  // Only a FollowerZooKeeperServer logs sync txns at NEWLEADER; an observer writes currentEpoch,
  // ACKs, and commits its sync txns after UPTODATE (Learner.syncWithLeader's NEWLEADER case).
  const anyCommitted = l.packetsCommitted.length > 0;
  const lastCommitted = anyCommitted ? (l.packetsCommitted[l.packetsCommitted.length - 1] as Zxid) : 0;
  s = withLearner(s, { syncedTo: Math.max(s.lastProcessedZxid, lastCommitted) });
  for (const step of l.observer ? OBSERVER_AT_NEWLEADER : order.atNewLeader) {
    if (step === 'waitFsyncIfCommitted' && !anyCommitted) s = runAfterFsync(s, fx);
    else s = runNewLeaderStep(s, step, fx);
  }
  return s;
}

const OBSERVER_AT_NEWLEADER: readonly NewLeaderStep[] = ['writeEpoch', 'ack'];

/** One step of a persistence order (persistence-orders.ts), in Learner.syncWithLeader's words. */
function runNewLeaderStep(s: ZabServer, step: NewLeaderStep, fx: Fx): ZabServer {
  switch (step) {
    case 'writeEpoch':
      return writeEpoch(s, fx);
    case 'logCommitted':
      return logCommittedSyncTxns(s, fx);
    case 'logAll': {
      // 3.9.2: every sync txn is appended (appendRequest: pendingTxns too) and dropped from
      // packetsNotLogged (the ZK-4394 bug); the COMMITs are applied after UPTODATE.
      const txns = learnerOf(s).packetsNotLogged;
      for (const txn of txns) if (!heldBySnapshot(s, txn)) s = logTxn(s, txn, fx);
      return withLearner(s, { pendingTxns: queuePushAll(learnerOf(s).pendingTxns, txns), packetsNotLogged: [] });
    }
    case 'logAllAsync':
      return logAllAsync(s, fx);
    case 'waitFsync':
    case 'waitFsyncIfCommitted':
      return blockOnFsync(s, fx);
    case 'ack':
      return ackNewLeader(s, fx);
    case 'ackFromQuorumPeerThread':
      if (hasMutant(s.config, 'ZK-4685')) {
        // The QuorumPeer thread writes the NEWLEADER ack after some scheduling delay: the
        // SyncThread's proposal acks can overtake it.
        fx.timer('newLeaderAck', 0, s.config.tickTimeMs * MS * 0.01);
        return withLearner(s, { stage: 'NEWLEADER_DONE', newLeaderAckPending: true });
      }
      return ackNewLeader(s, fx);
  }
}

/**
 * ZK-3911 fix, 2020: hand every sync txn to the SyncThread (logRequest: pendingTxns, an ACK each
 * after the fsync) and go on without waiting for it. Nothing is applied: packetsCommitted is
 * committed after UPTODATE (the ZOOKEEPER-3023 gap).
 */
function logAllAsync(s: ZabServer, fx: Fx): ZabServer {
  const txns = learnerOf(s).packetsNotLogged;
  const logged = txns.filter((txn) => !heldBySnapshot(s, txn));
  for (const txn of logged) s = logTxn(s, txn, fx);
  let token: number;
  [s, token] = nextToken(s);
  fx.fsync(token);
  return withLearner(s, {
    packetsNotLogged: [],
    pendingTxns: queuePushAll(learnerOf(s).pendingTxns, txns),
    ackBatches: queuePush(learnerOf(s).ackBatches, { token, zxids: logged.map((t) => t.zxid) }),
  });
}

/**
 * Master: the committed sync txns go to the log and the tree, in order. A committed zxid that is
 * not the next pending proposal is skipped with a warning (Learner.syncWithLeader's NEWLEADER case:
 * "Committing 0x.., but next proposal is 0x.." or "but got no proposal", then `continue`); the
 * learner stays in its role. The TLA+ specs' commitInconsistent flag still marks it.
 */
function logCommittedSyncTxns(s: ZabServer, fx: Fx): ZabServer {
  const first = s.applied;
  s = logAndApplyCommittedSyncTxns(s, fx);
  return hasMutant(s.config, 'ZK-4925') && s.applied > first ? leaveOutOfCommittedLog(s, first, fx) : s;
}

function logAndApplyCommittedSyncTxns(s: ZabServer, fx: Fx): ZabServer {
  let l = learnerOf(s);
  // ZK-3023 mutant: the fix (ZOOKEEPER-4394's commit 9fcb805, carrying PR #1848 for ZOOKEEPER-3023)
  // added `fzk.processTxn` here. Without it the txn is only appended, and, as 3.9.2's
  // FollowerZooKeeperServer.appendRequest did, joins pendingTxns: FollowerZooKeeperServer.commit
  // applies it after UPTODATE, when the follower already serves and has ACKed UPTODATE.
  const unapplied = hasMutant(s.config, 'ZK-3023');
  const kept: Zxid[] = [];
  for (const zxid of l.packetsCommitted) {
    const head = l.packetsNotLogged[0];
    if (head === undefined || head.zxid !== zxid) {
      const next = head === undefined ? 'got no proposal' : `next proposal is ${formatZxid(head.zxid)}`;
      fx.observe({ kind: 'anomaly', flag: 'commitInconsistent', detail: `committed ${formatZxid(zxid)} is not the next pending proposal` });
      fx.note(`Committing ${formatZxid(zxid)}, but ${next}: skipped`);
      continue;
    }
    if (unapplied) {
      s = logTxn(s, head, fx);
      s = withLearner(s, { pendingTxns: queuePush(learnerOf(s).pendingTxns, head) });
      kept.push(zxid);
    } else {
      s = applyTxn(logTxn(s, head, fx), head, null);
    }
    s = withLearner(s, { packetsNotLogged: l.packetsNotLogged.slice(1) });
    l = learnerOf(s);
  }
  return withLearner(s, { packetsCommitted: kept });
}

function blockOnFsync(s: ZabServer, fx: Fx): ZabServer {
  if (learnerOf(s).shutdown !== null) return s;
  let token: number;
  [s, token] = nextToken(s);
  fx.fsync(token);
  return withLearner(s, { blockedOn: token });
}

function writeEpoch(s: ZabServer, fx: Fx): ZabServer {
  const epoch = learnerOf(s).newEpoch;
  if (s.currentEpoch === epoch) return s;
  fx.persistSync({ kind: 'currentEpoch', epoch });
  return patchServer(s, { currentEpoch: epoch });
}

function ackNewLeader(s: ZabServer, fx: Fx): ZabServer {
  const l = learnerOf(s);
  fx.send(l.leader, { type: 'ACK', zxid: makeZxid(l.newEpoch, 0) });
  const next = withLearner(s, { stage: 'NEWLEADER_DONE', newLeaderAckPending: false });
  armReadTimeout(next, fx);
  return next;
}

/**
 * The fsync the QuorumPeer thread waited for at NEWLEADER finished: the persistence order's last
 * steps run. The packets that waited meanwhile are the role's step's to read (steps.ts replayBacklog).
 */
export function onNewLeaderFsynced(s: ZabServer, fx: Fx): ZabServer {
  assert(learnerOf(s).blockedOn !== null, 'NEWLEADER fsync finished while not blocked on it');
  return runAfterFsync(withLearner(s, { blockedOn: null }), fx);
}

/** The persistence order's steps for after its fsync. */
function runAfterFsync(s: ZabServer, fx: Fx): ZabServer {
  for (const step of persistenceOrderOf(s.config).afterFsync) s = step === 'writeEpoch' ? writeEpoch(s, fx) : ackNewLeader(s, fx);
  return s;
}

/** ZK-4685 variant: the delayed NEWLEADER ack is finally written. */
export function onNewLeaderAckTimer(s: ZabServer, fx: Fx): ZabServer {
  if (s.learner === null || !s.learner.newLeaderAckPending) return s;
  return ackNewLeader(s, fx);
}
