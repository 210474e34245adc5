// How a learner logs and applies a txn (the one copy of each, shared by sync and broadcast), and how
// it commits its sync txns after UPTODATE (the end of Learner.syncWithLeader), for followers and
// observers. learner.ts holds the packet handlers that call them.
import { formatZxid, type Zxid } from '../zxid.js';
import { hasMutant } from './config.js';
import type { Fx } from './effects.js';
import { historyCount } from './history.js';
import { appendTxn } from './disk.js';
import { persistenceOrderOf } from './persistence-orders.js';
import { maybeSnapshot } from './snap-count.js';
import { type LearnerState, type ZabServer } from './state.js';
import { patchServer, withApplied } from './state-update.js';
import { queuePeek, queuePush, queuePushAll, queueShift, queueToArray } from '../queue.js';
import type { Txn } from './txn.js';
import { exitProcess, learnerOf, shutdown, withLearner } from './learner-connection.js';

const MS = 1000;

/** Appends a txn to the in-memory log and the disk buffer. */
export function logTxn(s: ZabServer, txn: Txn, fx: Fx): ZabServer {
  const appended = appendTxn(s.log, txn);
  fx.persist(appended);
  fx.observe({ kind: 'logged', zxid: txn.zxid, index: historyCount(s) });
  return maybeSnapshot(patchServer(s, { log: appended.log, txnsSinceRoll: s.txnsSinceRoll + 1 }), fx);
}

export function applyTxn(s: ZabServer, txn: Txn, fx: Fx | null, learner: LearnerState | null = null): ZabServer {
  const index = s.applied;
  const applied = s.sm.apply(s.state, txn.body, txn.zxid);
  // One copy of the server: this runs for every txn on every learner. Only a commit (fx given)
  // moves `committed`; a sync applies txns that count as committed once UPTODATE comes.
  const committed = fx === null ? s.committed : index + 1;
  const next = withApplied(s, applied.state, index + 1, txn.zxid, committed, s.leader, learner === null ? s.learner : learner);
  if (fx === null) return next;
  fx.observe({ kind: 'commit', zxid: txn.zxid, index });
  return next.app.afterApply(next, txn, applied.result, fx);
}

/**
 * Whether the learner's SNAP already holds `txn`: the leader re-sends the txns committed after its
 * startForwarding point (toBeApplied, and what it commits while the snapshot is written), and the
 * SNAP's zxid may be above some of them (snap-send.ts). Only during a SNAP sync.
 */
export function heldBySnapshot(s: ZabServer, txn: Txn): boolean {
  return s.learner !== null && s.learner.syncMode === 'SNAP' && txn.zxid <= s.lastProcessedZxid;
}

/**
 * DataTree.processTxn on a txn the tree already holds (a fuzzy snapshot's): its body is applied
 * again, so a key a later txn also wrote holds the older value until that txn is replayed too;
 * lastProcessedZxid, the history and the log stay (ZooKeeper appends the record, and a restore
 * skips it: it is at or below the snapshot's zxid).
 */
export function replayTxn(s: ZabServer, txn: Txn): ZabServer {
  return patchServer(s, { state: s.sm.apply(s.state, txn.body, txn.zxid).state });
}

/** The next fsync token, taken. */
export function nextToken(s: ZabServer): [ZabServer, number] {
  const token = s.fsyncToken + 1;
  return [patchServer(s, { fsyncToken: token }), token];
}

/**
 * A follower after UPTODATE: under 3.9.2 ACK the proposals NEWLEADER persisted (requestsToAck:
 * exactly pendingTxns, since no commit was applied since), then logRequest every txn still in
 * packetsNotLogged, then FollowerZooKeeperServer.commit each zxid in packetsCommitted: none
 * pending is a warning, another zxid than the next pending one makes the server exit (an `exit` effect).
 */
export function followerCommitsAfterUpToDate(s: ZabServer, fx: Fx): ZabServer {
  const l = learnerOf(s);
  if (persistenceOrderOf(s.config).ackPersistedAtUpToDate) {
    for (const txn of queueToArray(l.pendingTxns)) fx.send(l.leader, { type: 'ACK', zxid: txn.zxid });
  }
  let next = s;
  const logged = l.packetsNotLogged.filter((txn) => !heldBySnapshot(s, txn));
  for (const txn of logged) next = logTxn(next, txn, fx);
  let ackBatches = l.ackBatches;
  if (logged.length > 0) {
    let token: number;
    [next, token] = nextToken(next);
    fx.fsync(token);
    ackBatches = queuePush(ackBatches, { token, zxids: logged.map((t) => t.zxid) });
  }
  next = withLearner(next, { packetsNotLogged: [], pendingTxns: queuePushAll(l.pendingTxns, l.packetsNotLogged), ackBatches });
  if (hasMutant(s.config, 'ZK-3023') && l.packetsCommitted.length > 0) {
    // The CommitProcessor thread applies them some time later; meanwhile the follower serves, and
    // its ACK of UPTODATE may reach the leader first (the race of ZOOKEEPER-3023).
    fx.timer('commitProcessor', 0, s.config.tickTimeMs * MS * 0.01);
    return withLearner(next, { commitsDeferred: [...l.commitsDeferred, ...l.packetsCommitted] });
  }
  return commitPending(next, l.packetsCommitted, fx);
}

/** FollowerZooKeeperServer.commit for each zxid in turn; applied in memory, counted committed by the caller. */
function commitPending(s: ZabServer, zxids: readonly Zxid[], fx: Fx): ZabServer {
  let next = s;
  for (const zxid of zxids) {
    const pending = learnerOf(next).pendingTxns;
    const head = queuePeek(pending);
    if (head === undefined) {
      fx.note(`Committing ${formatZxid(zxid)} without seeing txn: ignored`);
      continue;
    }
    if (head.zxid !== zxid) {
      fx.observe({ kind: 'anomaly', flag: 'commitInconsistent', detail: `UPTODATE: committed ${formatZxid(zxid)} is not the next pending txn` });
      return exitProcess(next, 'UNMATCHED_TXN_COMMIT', `committing ${formatZxid(zxid)} but next pending txn is ${formatZxid(head.zxid)}`, fx);
    }
    const applied = heldBySnapshot(next, head) ? replayTxn(next, head) : applyTxn(next, head, null);
    next = withLearner(applied, { pendingTxns: queueShift(pending) });
  }
  return next;
}

/**
 * ZK-3023 mutant: the CommitProcessor applies the sync txns that FollowerZooKeeperServer.commit
 * handed it after UPTODATE; on its timer, or first when a live COMMIT queues behind them (its
 * queue is FIFO).
 */
export function runDeferredCommits(s: ZabServer, fx: Fx): ZabServer {
  const l = learnerOf(s);
  if (l.commitsDeferred.length === 0) return s;
  const next = commitPending(withLearner(s, { commitsDeferred: [] }), l.commitsDeferred, fx);
  if (fx.exited) return next;
  fx.observe({ kind: 'committedTo', zxid: next.lastProcessedZxid, count: next.applied });
  fx.note(`CommitProcessor applied ${l.commitsDeferred.length} synced txn(s), now at ${formatZxid(next.lastProcessedZxid)}`);
  return patchServer(next, { committed: next.applied });
}

/**
 * An observer after UPTODATE (syncWithLeader's ObserverZooKeeperServer branch): each txn in
 * packetsNotLogged is committed (logged and applied) if it is the next committed zxid, and skipped
 * with a warning if not ("old leader send outstanding proposal to observer"). With no committed
 * zxid left, Java unboxes a null Long: a NullPointerException ends the observer's sync.
 */
export function observerCommitsAfterUpToDate(s: ZabServer, fx: Fx): ZabServer {
  const l = learnerOf(s);
  let next = s;
  let c = 0;
  let logged = 0;
  for (const txn of l.packetsNotLogged) {
    const zxid = l.packetsCommitted[c];
    if (zxid === undefined) return shutdown(next, `no commit left for ${formatZxid(txn.zxid)} at UPTODATE (NullPointerException in syncWithLeader)`, fx);
    if (zxid !== txn.zxid) {
      fx.note(`Committing ${formatZxid(zxid)}, but next proposal is ${formatZxid(txn.zxid)}: skipped`);
      continue;
    }
    c++;
    if (heldBySnapshot(next, txn)) {
      next = replayTxn(next, txn);
      continue;
    }
    next = applyTxn(logTxn(next, txn, fx), txn, null);
    logged++;
  }
  if (logged > 0) {
    let token: number;
    [next, token] = nextToken(next);
    fx.fsync(token);
  }
  return withLearner(next, { packetsNotLogged: [] });
}
