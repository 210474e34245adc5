// Fast Leader Election (FastLeaderElection.java). Rounds are `logicalclock`; votes are ordered by
// (peerEpoch, zxid, sid); a vote wins with a quorum plus finalizeWait with nothing better arriving.
// A server that joins late follows an established leader once a quorum of FOLLOWING/LEADING
// notifications, including the leader's own LEADING one, names it (checkLeader).
import type { NodeId } from '../program.js';
import { hasMutant, isQuorum, isVoter, type ZabConfig } from './config.js';
import { counterOf } from '../zxid.js';
import type { Fx } from './effects.js';
import type { Notification, ServerState } from './messages.js';
import { type FleState, type Vote, type ZabServer } from './state.js';
import { patchFle, patchServer } from './state-update.js';

const MS = 1000;

export function initialVote(s: ZabServer): Vote {
  if (!isVoter(s.config, s.id)) return { leader: -1, zxid: -1, peerEpoch: -1 };
  return { leader: s.id, zxid: s.lastProcessedZxid, peerEpoch: s.currentEpoch };
}

export function emptyFle(): FleState {
  const none = { leader: -1, zxid: -1, peerEpoch: -1 };
  return {
    logicalclock: 0,
    proposed: none,
    recvset: [],
    outofelection: [],
    notTimeoutMs: 0,
    finalizing: false,
    current: { ...none, electionEpoch: 0 },
    peerConns: [],
    delayedQueue: null,
    flushing: null,
  };
}

/**
 * QuorumPeer.start → startLeaderElection: a booting server's current vote is for itself, with its
 * last zxid and currentEpoch. A LOOKING voter answers observers with it until an election ends.
 */
export function startLeaderElection(s: ZabServer, fx: Fx): ZabServer {
  const current = { leader: s.id, zxid: s.lastProcessedZxid, peerEpoch: s.currentEpoch, electionEpoch: -1 };
  return startElection(patchServer(s, { fle: patchFle(s.fle, { current }) }), fx);
}

/** totalOrderPredicate(new, cur): does the new vote beat the current one? */
export function totalOrderPredicate(config: ZabConfig, next: Vote, cur: Vote): boolean {
  if (!isVoter(config, next.leader)) return false;
  if (hasMutant(config, 'vote-zxid-before-epoch')) {
    // Planted mistake: the zxid's counter decides before the epoch. (Comparing the whole zxid
    // first turned out safe: its high 32 bits are the epoch, and a server's currentEpoch never
    // runs ahead of a quorum's history. Treating the zxid as a plain sequence number is the
    // classic mistake: a long uncommitted epoch-e tail then beats a committed epoch-e+1 history.)
    const a = counterOf(next.zxid);
    const b = counterOf(cur.zxid);
    if (a !== b) return a > b;
    if (next.peerEpoch !== cur.peerEpoch) return next.peerEpoch > cur.peerEpoch;
    return next.leader > cur.leader;
  }
  if (next.peerEpoch !== cur.peerEpoch) return next.peerEpoch > cur.peerEpoch;
  if (next.zxid !== cur.zxid) return next.zxid > cur.zxid;
  return next.leader > cur.leader;
}

/** The state this server reports: its role, or while it flushes its log the role it is leaving. */
function reportedState(s: ZabServer): ServerState {
  return s.fle.flushing === null ? s.role : s.fle.flushing.role;
}

function notification(s: ZabServer, vote: Vote, electionEpoch: number): Notification {
  return { type: 'NOTIFICATION', leader: vote.leader, zxid: vote.zxid, electionEpoch, peerEpoch: vote.peerEpoch, state: reportedState(s) };
}

function setAt<T>(list: readonly (T | undefined)[], index: number, value: T | undefined): (T | undefined)[] {
  const copy = list.slice();
  copy[index] = value;
  return copy;
}

/** Sends our proposal to every voter; our own copy goes straight into recvset (self-delivery). */
function sendNotifications(s: ZabServer, fx: Fx): ZabServer {
  const fle = s.fle;
  const n = notification(s, fle.proposed, fle.logicalclock);
  for (const sid of s.config.voters) if (sid !== s.id) fx.send(sid, n);
  if (!isVoter(s.config, s.id)) return s;
  return patchServer(s, { fle: patchFle(fle, { recvset: setAt(fle.recvset, s.id, n) }) });
}

/** lookForLeader(): a new round. */
export function startElection(s: ZabServer, fx: Fx): ZabServer {
  const fle: FleState = patchFle(s.fle, {
    logicalclock: s.fle.logicalclock + 1,
    proposed: initialVote(s),
    recvset: [],
    outofelection: [],
    notTimeoutMs: s.config.minNotificationIntervalMs,
    finalizing: false,
  });
  fx.note(`LOOKING: round ${fle.logicalclock}, voting for ${fle.proposed.leader} (epoch ${fle.proposed.peerEpoch}, zxid ${fmt(fle.proposed.zxid)})`);
  fx.cancel('finalize');
  armNotificationTimer(fle.notTimeoutMs, fx);
  const next = sendNotifications(patchServer(s, { fle }), fx);
  // A one-voter ensemble decides on its own vote.
  return checkLookingQuorum(next, fx);
}

function armNotificationTimer(ms: number, fx: Fx): void {
  fx.timer('fle', ms * MS, ms * MS * 1.1);
}

/** No notification arrived within notTimeout: send again and back off (doubling up to the cap). */
export function onNotificationTimeout(s: ZabServer, fx: Fx): ZabServer {
  if (s.role !== 'LOOKING' || s.fle.delayedQueue !== null || s.fle.flushing !== null) return s;
  const notTimeoutMs = Math.min(s.fle.notTimeoutMs * 2, s.config.maxNotificationIntervalMs);
  fx.note(`FLE: no notification for ${s.fle.notTimeoutMs} ms; resending, next wait ${notTimeoutMs} ms`);
  armNotificationTimer(notTimeoutMs, fx);
  return sendNotifications(patchServer(s, { fle: patchFle(s.fle, { notTimeoutMs }) }), fx);
}

/**
 * Leaving a role with log writes not yet durable: its shutdown (Learner.shutdown or Leader.shutdown
 * → ZooKeeperServer.shutdown → SyncRequestProcessor.shutdown) flushes and fsyncs them before
 * QuorumPeer.run sets LOOKING and starts the election. Meanwhile the server answers LOOKING peers
 * as the role it is leaving, with its current vote, as WorkerReceiver does for a peer not LOOKING.
 * The fsync asked for last covers every write before it (fsyncs complete in order).
 */
export function awaitLogFlush(s: ZabServer, leaving: ServerState, fx: Fx): ZabServer {
  fx.note(`${leaving} shutdown: flushing the txn log (fsync ${s.fsyncToken}) before the election`);
  return patchServer(s, { fle: patchFle(s.fle, { flushing: { token: s.fsyncToken, role: leaving } }) });
}

/** An fsync completed while LOOKING: if it is the one the shutdown waits for, the election starts. */
export function onLookingFsynced(s: ZabServer, token: number, fx: Fx): ZabServer {
  const flushing = s.fle.flushing;
  if (flushing === null || token < flushing.token) return s;
  return startElectionAfterRole(patchServer(s, { fle: patchFle(s.fle, { flushing: null }) }), flushing.role, fx);
}

/** QuorumPeer.run after a role's shutdown: an observer waits observerElectionDelay; others look at once. */
export function startElectionAfterRole(s: ZabServer, left: ServerState, fx: Fx): ZabServer {
  if (left === 'OBSERVING' && s.config.observerElectionDelayMs > 0) return delayObserverElection(s, fx);
  return startElection(s, fx);
}

/**
 * QuorumPeer.run: an observer whose observeLeader ended is LOOKING at once (updateServerState), but
 * sleeps up to observerElectionDelay (Observer.waitForObserverElectionDelay) before lookForLeader;
 * WorkerReceiver meanwhile queues what arrives. The wait is drawn by the simulator.
 */
export function delayObserverElection(s: ZabServer, fx: Fx): ZabServer {
  fx.note(`observer: waiting up to ${s.config.observerElectionDelayMs} ms (observerElectionDelay) before the election`);
  // ThreadLocalRandom.nextLong(delay): below the delay, never at it.
  fx.timer('observerElectionDelay', 0, s.config.observerElectionDelayMs * MS - 1);
  return patchServer(s, { fle: patchFle(s.fle, { delayedQueue: [] }) });
}

/** The observer's wait is over: lookForLeader starts, then takes what recvqueue holds. */
export function onObserverElectionDelay(s: ZabServer, fx: Fx): ElectionStep {
  const queued = s.fle.delayedQueue;
  if (s.role !== 'LOOKING' || queued === null) return { server: s, leader: null };
  let next = startElection(patchServer(s, { fle: patchFle(s.fle, { delayedQueue: null }) }), fx);
  for (const { from, n } of queued) {
    const step = lookForLeaderStep(next, from, n, fx);
    // leaveInstance clears recvqueue: what is left is dropped.
    if (step.leader !== null) return step;
    next = step.server;
  }
  return { server: next, leader: null };
}

/** The outcome of a notification: the new state, and the leader if the election ended for us. */
export interface ElectionStep {
  readonly server: ZabServer;
  readonly leader: NodeId | null;
}

/**
 * QuorumCnxManager: when the connection with a peer is established again, its SendWorker sends the
 * last message it sent that peer, "to ensure that the last message was received". Without this,
 * a server whose poll keeps being woken by others' notifications never times out, never resends,
 * and a peer that missed its better vote (lost in a partition) waits forever.
 */
function onElectionConnection(s: ZabServer, from: NodeId, conn: number, fx: Fx): ZabServer {
  const known = s.fle.peerConns[from];
  if (known === conn) return s;
  const next = patchServer(s, { fle: patchFle(s.fle, { peerConns: setAt(s.fle.peerConns, from, conn) }) });
  if (known !== undefined && s.fle.logicalclock > 0) {
    fx.note(`FLE: new connection with ${from}; sending it our last notification again`);
    fx.send(
      from,
      reportedState(s) === 'LOOKING' ? notification(s, s.fle.proposed, s.fle.logicalclock) : notification(s, s.fle.current, s.fle.current.electionEpoch),
    );
  }
  return next;
}

/**
 * The peer is down: a send was refused (RST) or its sockets were reset. QuorumCnxManager.toSend
 * keeps a refused notification in queueSendMap for that sid, and the SendWorker of the next
 * connection with it (either side may open it) sends that, or lastMessageSent: mark the connection
 * unknown so the peer's next notification, even the first we ever get, makes us send ours again.
 */
export function forgetElectionConnection(s: ZabServer, peer: NodeId): ZabServer {
  if (s.fle.peerConns[peer] === -1 || !isVoter(s.config, peer)) return s;
  return patchServer(s, { fle: patchFle(s.fle, { peerConns: setAt(s.fle.peerConns, peer, -1) }) });
}

/** WorkerReceiver plus the body of lookForLeader's loop. */
export function onNotification(s: ZabServer, from: NodeId, conn: number, n: Notification, fx: Fx): ElectionStep {
  s = onElectionConnection(s, from, conn, fx);
  if (reportedState(s) !== 'LOOKING') {
    // Not electing: tell a LOOKING peer who we follow, so a joiner finds the established leader.
    if (n.state === 'LOOKING') fx.send(from, notification(s, s.fle.current, s.fle.current.electionEpoch));
    return { server: s, leader: null };
  }
  if (!isVoter(s.config, from)) {
    // From a non-voter (an observer): WorkerReceiver answers at once with getCurrentVote(), the
    // vote of our last finished election (or our boot vote), not the one we now propose; never
    // counted.
    fx.send(from, notification(s, s.fle.current, s.fle.logicalclock));
    return { server: s, leader: null };
  }
  // WorkerReceiver queues the notification (recvqueue) and answers a LOOKING sender of an older
  // round with our vote, whatever lookForLeader then does with it.
  if (n.state === 'LOOKING' && n.electionEpoch < s.fle.logicalclock) {
    fx.send(from, notification(s, s.fle.proposed, s.fle.logicalclock));
  }
  if (s.fle.delayedQueue !== null) {
    // lookForLeader has not started (observerElectionDelay): the notification waits in recvqueue.
    const delayedQueue = [...s.fle.delayedQueue, { from, n }];
    return { server: patchServer(s, { fle: patchFle(s.fle, { delayedQueue }) }), leader: null };
  }
  return lookForLeaderStep(s, from, n, fx);
}

/** lookForLeader's loop body, for one notification taken from recvqueue. */
function lookForLeaderStep(s: ZabServer, from: NodeId, n: Notification, fx: Fx): ElectionStep {
  if (s.fle.finalizing) {
    // finalizeWait drains recvqueue: every notification that is not a better vote is dropped,
    // whatever its state or round, and the wait starts again. A better one goes back in the
    // queue and the election loop processes it.
    if (!totalOrderPredicate(s.config, n, s.fle.proposed)) {
      fx.timer('finalize', s.config.finalizeWaitMs * MS, s.config.finalizeWaitMs * MS * 1.1);
      return { server: s, leader: null };
    }
    fx.cancel('finalize');
    s = patchServer(s, { fle: patchFle(s.fle, { finalizing: false }) });
  }
  // The loop's poll(notTimeout) restarts with every notification it takes.
  armNotificationTimer(s.fle.notTimeoutMs, fx);
  // Only a vote for a voter counts (lookForLeader's validVoter(n.leader)).
  if (!isVoter(s.config, n.leader)) return { server: s, leader: null };
  switch (n.state) {
    case 'LOOKING':
      return { server: onLookingNotification(s, from, n, fx), leader: null };
    case 'FOLLOWING':
    case 'LEADING':
      return onEstablishedNotification(s, from, n, fx);
    case 'OBSERVING':
      return { server: s, leader: null };
  }
}

/**
 * lookForLeader's LOOKING case. An observer runs it too: its own vote (Long.MIN_VALUE in every
 * field) loses to any voter's, so it adopts the best vote it hears and, once a quorum of voters'
 * votes equal it, observes that leader; it never counts itself.
 */
function onLookingNotification(s: ZabServer, from: NodeId, n: Notification, fx: Fx): ZabServer {
  let fle = s.fle;
  if (n.electionEpoch > fle.logicalclock) {
    const mine = initialVote(s);
    const proposed = totalOrderPredicate(s.config, n, mine) ? voteOf(n) : mine;
    fle = patchFle(fle, { logicalclock: n.electionEpoch, recvset: [], proposed });
    fx.note(`FLE: round ${n.electionEpoch} from ${from} is newer; now voting for ${proposed.leader}`);
    s = sendNotifications(patchServer(s, { fle }), fx);
  } else if (n.electionEpoch < fle.logicalclock) {
    return s; // a stale round
  } else if (totalOrderPredicate(s.config, n, fle.proposed)) {
    fx.note(`FLE: ${from}'s vote for ${n.leader} beats ours for ${fle.proposed.leader}`);
    s = sendNotifications(patchServer(s, { fle: patchFle(fle, { proposed: voteOf(n) }) }), fx);
  }
  s = patchServer(s, { fle: patchFle(s.fle, { recvset: setAt(s.fle.recvset, from, n) }) });
  return checkLookingQuorum(s, fx);
}

function checkLookingQuorum(s: ZabServer, fx: Fx): ZabServer {
  const fle = s.fle;
  const agreeing: NodeId[] = [];
  fle.recvset.forEach((v, sid) => {
    if (
      v !== undefined &&
      v.leader === fle.proposed.leader &&
      v.zxid === fle.proposed.zxid &&
      v.peerEpoch === fle.proposed.peerEpoch &&
      v.electionEpoch === fle.logicalclock
    ) {
      agreeing.push(sid);
    }
  });
  if (!isQuorum(s.config, agreeing)) return s;
  fx.note(`FLE: quorum {${agreeing.join(',')}} agrees on ${fle.proposed.leader}; waiting finalizeWait for a better vote`);
  // The drain polls with finalizeWait instead of notTimeout: no resend happens while it waits.
  fx.cancel('fle');
  fx.timer('finalize', s.config.finalizeWaitMs * MS, s.config.finalizeWaitMs * MS * 1.1);
  return patchServer(s, { fle: patchFle(fle, { finalizing: true }) });
}

/** finalizeWait passed with nothing better: the election is over for us. */
export function onFinalize(s: ZabServer): { readonly server: ZabServer; readonly leader: NodeId } | null {
  if (s.role !== 'LOOKING' || !s.fle.finalizing) return null;
  const fle = s.fle;
  return {
    server: patchServer(s, { fle: patchFle(fle, { finalizing: false, current: { ...fle.proposed, electionEpoch: fle.logicalclock } }) }),
    leader: fle.proposed.leader,
  };
}

/**
 * Who in recvset agrees with a FOLLOWING/LEADING notification (receivedFollowingNotification's
 * getVoteTracker over recvset). Vote.equals decides, with a quirk: the vote compared against is
 * built with the sender's message version (0x2), while recvset's entries are built without one
 * (version 0x0). A LOOKING entry must equal it in leader, zxid, round and peerEpoch; for a
 * FOLLOWING/LEADING entry the versions differ, so only the leader id is compared (the branch meant
 * for mixed-version ensembles, ZOOKEEPER-1732).
 */
function recvsetAgree(votes: readonly (Notification | undefined)[], n: Notification): NodeId[] {
  const out: NodeId[] = [];
  votes.forEach((v, sid) => {
    if (v === undefined || v.leader !== n.leader) return;
    if (v.state !== 'LOOKING' || (v.zxid === n.zxid && v.electionEpoch === n.electionEpoch && v.peerEpoch === n.peerEpoch)) out.push(sid);
  });
  return out;
}

/**
 * Who in outofelection agrees with it: its entries carry the sender's version and are never
 * LOOKING, so Vote.equals compares leader id and peerEpoch (ZOOKEEPER-1805, ZOOKEEPER-1732).
 */
function outOfElectionAgree(votes: readonly (Notification | undefined)[], n: Notification): NodeId[] {
  const out: NodeId[] = [];
  votes.forEach((v, sid) => {
    if (v !== undefined && v.leader === n.leader && v.peerEpoch === n.peerEpoch) out.push(sid);
  });
  return out;
}

function checkLeader(s: ZabServer, votes: readonly (Notification | undefined)[], leader: NodeId, electionEpoch: number): boolean {
  if (leader !== s.id) return votes[leader]?.state === 'LEADING';
  return s.fle.logicalclock === electionEpoch;
}

function onEstablishedNotification(s: ZabServer, from: NodeId, n: Notification, fx: Fx): ElectionStep {
  let fle = s.fle;
  if (n.electionEpoch === fle.logicalclock) {
    fle = patchFle(fle, { recvset: setAt(fle.recvset, from, n) });
    if (isQuorum(s.config, recvsetAgree(fle.recvset, n)) && checkLeader(s, fle.recvset, n.leader, n.electionEpoch)) {
      return decided(patchServer(s, { fle }), n, fx);
    }
  }
  fle = patchFle(fle, { outofelection: setAt(fle.outofelection, from, n) });
  if (isQuorum(s.config, outOfElectionAgree(fle.outofelection, n)) && checkLeader(s, fle.outofelection, n.leader, n.electionEpoch)) {
    fx.note(`FLE: a quorum already follows ${n.leader} (epoch ${n.peerEpoch}); joining it`);
    return decided(patchServer(s, { fle: patchFle(fle, { logicalclock: n.electionEpoch }) }), n, fx);
  }
  return { server: patchServer(s, { fle }), leader: null };
}

function decided(s: ZabServer, n: Notification, fx: Fx): ElectionStep {
  fx.cancel('finalize');
  const proposed = voteOf(n);
  const fle = patchFle(s.fle, { proposed, finalizing: false, current: { ...proposed, electionEpoch: s.fle.logicalclock } });
  return { server: patchServer(s, { fle }), leader: n.leader };
}

function voteOf(n: Notification): Vote {
  return { leader: n.leader, zxid: n.zxid, peerEpoch: n.peerEpoch };
}

function fmt(zxid: number): string {
  if (zxid < 0) return '-';
  return `${Math.floor(zxid / 4294967296)}:${zxid % 4294967296}`;
}

/**
 * QuorumPeer.updateElectionVote (ZOOKEEPER-1732): once the epoch is running, the vote this server
 * reports to LOOKING peers carries the new epoch, so the members of one ensemble report equal
 * votes and a joiner can count them as a quorum.
 */
export function updateElectionVote(s: ZabServer, newEpoch: number): ZabServer {
  const current = s.fle.current;
  if (current.peerEpoch === newEpoch) return s;
  return patchServer(s, { fle: patchFle(s.fle, { current: { ...current, peerEpoch: newEpoch } }) });
}
