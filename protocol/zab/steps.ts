// One step function per role (etcd raft's stepLeader/stepFollower; QuorumPeer.run's switch on
// getPeerState): server.ts's stepServer picks one by the role, and each one dispatches on the event,
// then on the message or timer type, straight to its handler. A learner's packet from its leader
// goes through one switch on the packet type per role (followerPacket, observerPacket), which is also
// what reads the packets held during the NEWLEADER fsync. A packet a role drops goes through a named
// ignoreX guard that says why; the trace notes that reason. What every role does alike (boot, a
// notification, the application's client messages and timer) is one shared handler.
import { onDrawn } from './snap-count.js';
import { isSnapDraw, onSnapDrawn, onSnapTimer, snapTimerSid } from './snap-send.js';
import { assert } from '../assert.js';
import type { Event, NodeId } from '../program.js';
import { formatZxid } from '../zxid.js';
import { isObserver } from './config.js';
import type { Fx, TimerName } from './effects.js';
import {
  forgetElectionConnection,
  onFinalize,
  onLookingFsynced,
  onNotification,
  onNotificationTimeout,
  onObserverElectionDelay,
  startLeaderElection,
} from './election.js';
import { historyCount, lastLoggedZxid } from './history.js';
import {
  becomeLeading,
  dropLearner,
  onAck,
  onAckEpoch,
  onBarrierTimeout,
  onForwardedRequest,
  onIllegalLearnerPacket,
  onLeaderFsynced,
  onLeaderTick,
  onLearnerInfo,
} from './leader.js';
import { heardFromLearner, ignoreLearnerPacket, leaderOf } from './learner-handler.js';
import { runDeferredCommits } from './learner-apply.js';
import {
  awaitingSyncMode,
  deferWhileBlocked,
  ignoreAppliedInform,
  ignoreCommitAppliedEarly,
  ignoreCommitWithNothingPending,
  ignoreDuplicateProposal,
  ignoreLeaderPacket,
  ignorePingBeforeNewLeader,
  ignoreProposalAtObserver,
  ignoreQueuedInform,
  ignoreQueuedProposal,
  inSyncLoop,
  onCommit,
  onDiff,
  onFollowerFsynced,
  onInform,
  onLeaderInfo,
  onObserverFsynced,
  onOffStagePacket,
  onPing,
  onProposal,
  onSnap,
  onSyncCommit,
  onSyncInform,
  onSyncProposal,
  onTrunc,
  onUpToDate,
} from './learner.js';
import { onNewLeader, onNewLeaderAckTimer, onNewLeaderFsynced } from './learner-newleader.js';
import {
  becomeLearner,
  heardFromLeader,
  isResetConnection,
  learnerOf,
  onConnectRetry,
  onLeaderRefused,
  onReadTimeoutCheck,
  shutdown,
  withLearner,
} from './learner-connection.js';
import type { AppQuorumPacket, LeaderPacket, Notification, QuorumPacket, ZabMessage } from './messages.js';
import { type AppTimerName, type LearnerHandler, type LearnerState, type ZabServer } from './state.js';
import { patchLearner, patchServer } from './state-update.js';

/** LOOKING: Fast Leader Election runs; quorum packets find no leader and no learner here. */
export function stepLooking(s: ZabServer, event: Event<ZabMessage>, fx: Fx): ZabServer {
  switch (event.type) {
    case 'start':
      return onStart(s, fx);
    case 'timeout': {
      const now = patchServer(s, { nowUs: event.now });
      // The kernel fires only timers this server set, so the name is one of Fx.timer's.
      switch (event.timer as TimerName) {
        case 'fle':
          return onNotificationTimeout(now, fx);
        case 'finalize':
          return onFinalizeTimer(now, fx);
        case 'observerElectionDelay': {
          const step = onObserverElectionDelay(now, fx);
          return step.leader === null ? step.server : endElection(step.server, step.leader, fx);
        }
        case 'expire':
        case 'containers':
        case 'containerDelete':
          return now.app.onTimer(now, event.timer as AppTimerName, fx);
        default:
          // barrier, tick, learner, newLeaderAck, connect: a left role's timer, cancelled with it.
          return now;
      }
    }
    case 'deliver': {
      const msg = event.msg;
      switch (msg.type) {
        case 'NOTIFICATION':
          return onNotificationPacket(s, event.from, event.conn, msg, fx);
        case 'DISCONNECT':
          return s.app.onClientGone(s, event.from);
        case 'FOLLOWERINFO':
        case 'OBSERVERINFO':
          return refuseLearner(s, event.from, fx);
        default:
          if (!isQuorumPacket(s, msg)) return s.app.onClientMessage(s, event.from, event.conn, msg, fx);
          return dropped(s, ignoreWhileLooking(s, event.from, msg), fx);
      }
    }
    case 'drawn':
      return onDrawn(s, event.key, event.value);
    case 'fsynced':
      return onLookingFsynced(s, event.token, fx);
    case 'peerReset':
      return s.app.onClientGone(forgetElectionConnection(s, event.peer), event.peer);
  }
}

/** LEADING: the leader's handlers (leader.ts), keyed by the learner's packet type. */
export function stepLeading(s: ZabServer, event: Event<ZabMessage>, fx: Fx): ZabServer {
  if (s.leader === null) assert(false, 'LEADING without leader state');
  switch (event.type) {
    case 'start':
      return onStart(s, fx);
    case 'timeout': {
      const now = patchServer(s, { nowUs: event.now });
      switch (event.timer as TimerName) {
        case 'barrier':
          return onBarrierTimeout(now, fx);
        case 'tick':
          return onLeaderTick(now, fx);
        case 'expire':
        case 'containers':
        case 'containerDelete':
          return now.app.onTimer(now, event.timer as AppTimerName, fx);
        default: {
          // A SNAP being written (snap-send.ts); else fle, finalize, observerElectionDelay (only while LOOKING), learner,
          // newLeaderAck, connect (a learner's).
          const snapFor = snapTimerSid(event.timer);
          return snapFor === null ? now : onSnapTimer(now, snapFor, fx);
        }
      }
    }
    case 'deliver':
      return onLeadingDeliver(s, event.from, event.conn, event.msg, fx);
    case 'drawn': {
      return isSnapDraw(event.key) ? onSnapDrawn(s, event.key, event.value, fx) : onDrawn(s, event.key, event.value);
    }
    case 'fsynced':
      return onLeaderFsynced(s, event.token, fx);
    case 'peerReset':
      return dropLearner(forgetElectionConnection(s, event.peer), event.peer, fx);
  }
}

function onLeadingDeliver(s: ZabServer, from: NodeId, conn: number, msg: ZabMessage, fx: Fx): ZabServer {
  switch (msg.type) {
    case 'NOTIFICATION':
      return onNotificationPacket(s, from, conn, msg, fx);
    case 'DISCONNECT':
      return dropLearner(s, from, fx);
    case 'FOLLOWERINFO':
      return onLearnerInfo(s, from, conn, msg.acceptedEpoch, false, fx);
    case 'OBSERVERINFO':
      return onLearnerInfo(s, from, conn, msg.acceptedEpoch, true, fx);
  }
  if (!isQuorumPacket(s, msg)) return s.app.onClientMessage(s, from, conn, msg, fx);
  const stale = ignoreLearnerPacket(s, from, conn, msg);
  if (stale !== null) return dropped(s, stale, fx);
  const next = heardFromLearner(s, from);
  const h = leaderOf(next).handlers[from] as LearnerHandler;
  switch (msg.type) {
    case 'ACKEPOCH':
      return onAckEpoch(next, h, msg.lastZxid, msg.currentEpoch, fx);
    case 'ACK':
      return onAck(next, h, msg.zxid, fx);
    case 'PING':
      return next.app.onPingPayload(next, msg.touches);
    case 'REQUEST':
      return onForwardedRequest(next, from, msg.client, msg.xid, msg.op, fx);
    default:
      if (next.app.quorumPackets.has(msg.type)) return next.app.onLearnerPacket(next, from, msg, fx);
      return onIllegalLearnerPacket(next, from, msg, fx);
  }
}

/** FOLLOWING: Follower.followLeader's reads (registerWithLeader, syncWithLeader, processPacket). */
export function stepFollowing(s: ZabServer, event: Event<ZabMessage>, fx: Fx): ZabServer {
  assert(s.learner !== null && !s.learner.observer, 'FOLLOWING without follower state');
  switch (event.type) {
    case 'start':
      return onStart(s, fx);
    case 'timeout':
      return onLearnerTimeout(patchServer(s, { nowUs: event.now }), event.timer as TimerName, fx);
    case 'deliver':
      return onLearnerDeliver(s, event.from, event.conn, event.msg, followerPacket, fx);
    case 'drawn':
      return onDrawn(s, event.key, event.value);
    case 'fsynced':
      if (learnerOf(s).blockedOn === event.token) return replayBacklog(onNewLeaderFsynced(s, fx), followerPacket, fx);
      return onFollowerFsynced(s, event.token, fx);
    case 'peerReset':
      return onLeaderGone(forgetElectionConnection(s, event.peer), event.peer, 'connection reset', fx);
  }
}

/** OBSERVING: Observer.observeLeader's reads (registerWithLeader, syncWithLeader, processPacket). */
export function stepObserving(s: ZabServer, event: Event<ZabMessage>, fx: Fx): ZabServer {
  assert(s.learner !== null && s.learner.observer, 'OBSERVING without observer state');
  switch (event.type) {
    case 'start':
      return onStart(s, fx);
    case 'timeout':
      return onLearnerTimeout(patchServer(s, { nowUs: event.now }), event.timer as TimerName, fx);
    case 'deliver':
      return onLearnerDeliver(s, event.from, event.conn, event.msg, observerPacket, fx);
    case 'drawn':
      return onDrawn(s, event.key, event.value);
    case 'fsynced':
      if (learnerOf(s).blockedOn === event.token) return replayBacklog(onNewLeaderFsynced(s, fx), observerPacket, fx);
      return onObserverFsynced(s, event.token, fx);
    case 'peerReset':
      return onLeaderGone(forgetElectionConnection(s, event.peer), event.peer, 'connection reset', fx);
  }
}

/** A learner's timers are the same for both roles; `s` already carries the timer's time. */
function onLearnerTimeout(s: ZabServer, timer: TimerName, fx: Fx): ZabServer {
  switch (timer) {
    case 'learner':
      return onReadTimeoutCheck(s, fx);
    case 'newLeaderAck':
      return onNewLeaderAckTimer(s, fx);
    case 'commitProcessor':
      return runDeferredCommits(s, fx);
    case 'connect':
      return onConnectRetry(s, fx);
    case 'expire':
    case 'containers':
    case 'containerDelete':
      return s.app.onTimer(s, timer, fx);
    default:
      // fle, finalize, observerElectionDelay (only while LOOKING), barrier, tick (a leader's).
      return s;
  }
}

type PacketStep = (s: ZabServer, msg: LeaderPacket, fx: Fx) => ZabServer;

/**
 * What reaches a learner: election traffic and connection events are the same for both roles; a
 * leader's packet passes the guards, then goes to the role's one packet switch (`packetStep`).
 */
function onLearnerDeliver(s: ZabServer, from: NodeId, conn: number, msg: ZabMessage, packetStep: PacketStep, fx: Fx): ZabServer {
  switch (msg.type) {
    case 'NOTIFICATION':
      return onNotificationPacket(s, from, conn, msg, fx);
    case 'DISCONNECT':
      return onLeaderGone(s, from, 'connection closed', fx);
    case 'FOLLOWERINFO':
    case 'OBSERVERINFO':
      return refuseLearner(s, from, fx);
  }
  if (!isQuorumPacket(s, msg)) return s.app.onClientMessage(s, from, conn, msg, fx);
  const notOurs = ignoreLeaderPacket(s, from, msg);
  if (notOurs !== null) return dropped(s, notOurs, fx);
  if (isResetConnection(learnerOf(s), conn)) return shutdown(s, `connection to leader ${from} was reset`, fx);
  const heard = heardFromLeader(s, conn, fx);
  if (learnerOf(heard).blockedOn !== null) return deferWhileBlocked(heard, msg);
  return packetStep(heard, msg, fx);
}

/**
 * A follower reads its leader's packet where ZooKeeper reads it: Learner.registerWithLeader
 * (LEADERINFO), Learner.syncWithLeader (DIFF/TRUNC/SNAP first, then PROPOSAL and COMMIT until
 * NEWLEADER and UPTODATE) and Follower.processPacket (PROPOSAL, COMMIT, PING, the application's
 * packets). Broadcast's packets are cased here; the rest read alike for both roles (learnerPacket).
 */
function followerPacket(s: ZabServer, msg: LeaderPacket, fx: Fx): ZabServer {
  const l = learnerOf(s);
  switch (msg.type) {
    case 'PROPOSAL': {
      if (inSyncLoop(l)) {
        const queued = ignoreQueuedProposal(l, msg.txn);
        return queued !== null ? dropped(s, queued, fx) : onSyncProposal(s, msg.txn, fx);
      }
      if (l.stage !== 'BROADCAST') return onOffStagePacket(s, msg, fx);
      const duplicate = ignoreDuplicateProposal(l, msg.txn);
      return duplicate !== null ? dropped(s, duplicate, fx) : onProposal(s, msg.txn, fx);
    }
    case 'COMMIT': {
      if (inSyncLoop(l)) return onSyncCommit(s, msg.zxid, fx);
      if (l.stage !== 'BROADCAST') return onOffStagePacket(s, msg, fx);
      // ZK-3023 mutant: the CommitProcessor applies the synced txns before a live COMMIT (FIFO).
      if (l.commitsDeferred.length > 0) {
        const drained = runDeferredCommits(s, fx);
        return fx.exited ? drained : followerPacket(drained, msg, fx);
      }
      if (ignoreCommitAppliedEarly(s, l, msg.zxid)) return s;
      const nothingPending = ignoreCommitWithNothingPending(l, msg.zxid);
      return nothingPending !== null ? dropped(s, nothingPending, fx) : onCommit(s, msg.zxid, fx);
    }
    case 'INFORM':
      if (inSyncLoop(l)) return ignoreQueuedInform(l, msg.txn) ? s : onSyncInform(s, msg.txn);
      if (l.stage !== 'BROADCAST') return onOffStagePacket(s, msg, fx);
      // Follower.processPacket has no INFORM case (the leader informs observers only).
      return dropped(s, 'follower ignores INFORM', fx);
    default:
      return learnerPacket(s, l, msg, fx);
  }
}

/**
 * An observer reads its leader's packet as a follower does until UPTODATE; then by
 * Observer.processPacket: INFORM (log and apply a committed txn), no PROPOSAL, no COMMIT.
 */
function observerPacket(s: ZabServer, msg: LeaderPacket, fx: Fx): ZabServer {
  const l = learnerOf(s);
  switch (msg.type) {
    case 'PROPOSAL': {
      if (inSyncLoop(l)) {
        const queued = ignoreQueuedProposal(l, msg.txn);
        return queued !== null ? dropped(s, queued, fx) : onSyncProposal(s, msg.txn, fx);
      }
      if (l.stage !== 'BROADCAST') return onOffStagePacket(s, msg, fx);
      const ignored = ignoreProposalAtObserver(s) ?? ignoreDuplicateProposal(l, msg.txn);
      return ignored !== null ? dropped(s, ignored, fx) : onProposal(s, msg.txn, fx);
    }
    case 'COMMIT':
      if (inSyncLoop(l)) return onSyncCommit(s, msg.zxid, fx);
      if (l.stage !== 'BROADCAST') return onOffStagePacket(s, msg, fx);
      // Observer.processPacket only logs "Ignoring commit" (it learns commits by INFORM); no note here.
      return s;
    case 'INFORM':
      if (inSyncLoop(l)) return ignoreQueuedInform(l, msg.txn) ? s : onSyncInform(s, msg.txn);
      if (l.stage !== 'BROADCAST') return onOffStagePacket(s, msg, fx);
      return ignoreAppliedInform(s, msg.txn) ? s : onInform(s, msg.txn, fx);
    default:
      return learnerPacket(s, l, msg, fx);
  }
}

/**
 * The packets both learner roles read alike: PING, discovery's LEADERINFO, the sync packets
 * (Learner.syncWithLeader), a learner's own packet types (never sent to it) and the application's.
 * Exhaustive over what is left of LeaderPacket once broadcast's three are cased.
 */
function learnerPacket(s: ZabServer, l: LearnerState, msg: Exclude<LeaderPacket, { type: 'PROPOSAL' | 'COMMIT' | 'INFORM' }>, fx: Fx): ZabServer {
  switch (msg.type) {
    case 'PING':
      return ignorePingBeforeNewLeader(l) ? s : onPing(s, fx);
    case 'LEADERINFO':
      return l.stage === 'DISCOVERY' ? onLeaderInfo(s, msg.newEpoch, fx) : onOffStagePacket(s, msg, fx);
    case 'DIFF':
      return awaitingSyncMode(l) ? onDiff(s, msg.zxid, fx) : onOffStagePacket(s, msg, fx);
    case 'TRUNC':
      return awaitingSyncMode(l) ? onTrunc(s, msg.zxid, fx) : onOffStagePacket(s, msg, fx);
    case 'SNAP':
      return awaitingSyncMode(l) ? onSnap(s, msg.snapshot, fx) : onOffStagePacket(s, msg, fx);
    case 'NEWLEADER':
      if (!inSyncLoop(l)) return onOffStagePacket(s, msg, fx);
      return l.stage === 'SYNC' ? onNewLeader(s, msg.zxid, fx) : outOfOrder(s, 'second NEWLEADER', fx);
    case 'UPTODATE':
      if (!inSyncLoop(l)) return onOffStagePacket(s, msg, fx);
      return l.stage === 'NEWLEADER_DONE' ? onUpToDate(s, fx) : outOfOrder(s, 'UPTODATE before NEWLEADER', fx);
    case 'ACKEPOCH':
    case 'ACK':
    case 'REQUEST':
      // A learner's own packets: a leader never sends them, and no stage of a learner reads them.
      return onOffStagePacket(s, msg, fx);
    default: {
      // Only the application's packets are left (ZooKeeper's REVALIDATE and SYNC): processPacket reads them.
      const app: AppQuorumPacket = msg;
      return l.stage === 'BROADCAST' ? s.app.onLeaderPacket(s, app, fx) : onOffStagePacket(s, app, fx);
    }
  }
}

/**
 * A sync packet out of LearnerHandler.run's order (one NEWLEADER, then UPTODATE once a quorum acked
 * it, on one connection): the learner leaves, and since no faithful leader sends it and TCP neither
 * repeats nor reorders, the step also flags it for the checker (zab-anomalies).
 */
function outOfOrder(s: ZabServer, reason: string, fx: Fx): ZabServer {
  fx.observe({ kind: 'anomaly', flag: 'stateInconsistent', detail: reason });
  return shutdown(s, reason, fx);
}

/**
 * The QuorumPeer thread reads again after the NEWLEADER fsync: the packets that waited, in order,
 * through the role's packet step, until the role ends or blocks again.
 */
function replayBacklog(s: ZabServer, packetStep: PacketStep, fx: Fx): ZabServer {
  const backlog = learnerOf(s).backlog;
  s = withLearner(s, { backlog: [] });
  for (const msg of backlog) {
    if (s.learner === null || s.learner.shutdown !== null || fx.exited) break;
    s = s.learner.blockedOn !== null ? deferWhileBlocked(s, msg) : packetStep(s, msg, fx);
  }
  return s;
}

/** A guard said why the packet is dropped: the trace notes the reason, and the state stays. */
function dropped(s: ZabServer, why: string, fx: Fx): ZabServer {
  fx.note(why);
  return s;
}

/** A message type Zab reads as a quorum packet: its own, or one the application owns. */
function isQuorumPacket(s: ZabServer, msg: ZabMessage): msg is QuorumPacket {
  switch (msg.type) {
    case 'PROPOSAL':
    case 'ACK':
    case 'COMMIT':
    case 'PING':
    case 'INFORM':
    case 'REQUEST':
    case 'FOLLOWERINFO':
    case 'OBSERVERINFO':
    case 'LEADERINFO':
    case 'ACKEPOCH':
    case 'DIFF':
    case 'TRUNC':
    case 'SNAP':
    case 'NEWLEADER':
    case 'UPTODATE':
    case 'DISCONNECT':
      return true;
    default:
      return s.app.quorumPackets.has(msg.type);
  }
}

/** Why a LOOKING server drops a quorum packet: it has neither a leader nor a learner to read it. */
function ignoreWhileLooking(s: ZabServer, from: NodeId, msg: QuorumPacket): string {
  return `ignore ${msg.type} from ${from}: ${s.role}`;
}

/** Not leading: nothing listens on the quorum port, so the learner's connection is refused. */
function refuseLearner(s: ZabServer, from: NodeId, fx: Fx): ZabServer {
  fx.send(from, { type: 'DISCONNECT' });
  return s;
}

/** A learner's peer closed or reset its connection: our leader (retry or leave), else a client. */
function onLeaderGone(s: ZabServer, peer: NodeId, why: string, fx: Fx): ZabServer {
  const l = s.learner;
  if (l === null || l.leader !== peer) return s.app.onClientGone(s, peer);
  const retried = onLeaderRefused(s, fx);
  if (retried !== null) return retried;
  return patchServer(s, { learner: patchLearner(l, { shutdown: `${why} by leader ${peer}` }) });
}

function onStart(s: ZabServer, fx: Fx): ZabServer {
  fx.note(`boot: acceptedEpoch ${s.acceptedEpoch}, currentEpoch ${s.currentEpoch}, last zxid ${formatZxid(lastLoggedZxid(s))}, ${historyCount(s)} txns`);
  return startLeaderElection(s, fx);
}

function onNotificationPacket(s: ZabServer, from: NodeId, conn: number, msg: Notification, fx: Fx): ZabServer {
  const step = onNotification(s, from, conn, msg, fx);
  return step.leader === null ? step.server : endElection(step.server, step.leader, fx);
}

function onFinalizeTimer(s: ZabServer, fx: Fx): ZabServer {
  const done = onFinalize(s);
  return done === null ? s : endElection(done.server, done.leader, fx);
}

function endElection(s: ZabServer, leader: NodeId, fx: Fx): ZabServer {
  fx.cancel('fle');
  if (leader === s.id) return becomeLeading(s, fx);
  return becomeLearner(s, leader, isObserver(s.config, s.id), fx);
}
