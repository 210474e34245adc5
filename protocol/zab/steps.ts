// One step function per role (etcd raft's stepLeader/stepFollower; QuorumPeer.run's switch on
// getPeerState): server.ts's stepServer picks one by the role, and each one dispatches on the event,
// then on the message or timer type, straight to its handler. A packet a role drops goes through a
// named ignoreX guard that says why; the trace notes that reason. What every role does alike (boot,
// a notification, the application's client messages and timer) is one shared handler.
import { assert } from '../assert.js';
import type { Event, NodeId } from '../program.js';
import { formatZxid } from '../zxid.js';
import { isObserver } from './config.js';
import type { Fx, TimerName } from './effects.js';
import { forgetElectionConnection, onFinalize, onNotification, onNotificationTimeout, startElection } from './election.js';
import { historyCount, lastLoggedZxid } from './history.js';
import {
  becomeLeading,
  dropLearner,
  heardFromLearner,
  ignoreLearnerPacket,
  leaderOf,
  onAck,
  onAckEpoch,
  onBarrierTimeout,
  onForwardedRequest,
  onIllegalLearnerPacket,
  onLeaderFsynced,
  onLeaderTick,
  onLearnerInfo,
} from './leader.js';
import { ignoreLeaderPacket, onLeaderPacket, onLearnerFsynced, onNewLeaderAckTimer } from './learner.js';
import { becomeLearner, onConnectRetry, onLeaderRefused, onReadTimeoutCheck } from './learner-connection.js';
import type { Notification, QuorumPacket, ZabMessage } from './messages.js';
import { patchLearner, patchServer, type LearnerHandler, type ZabServer } from './state.js';

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
        case 'expire':
          return now.app.onTimer(now, 'expire', fx);
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
          if (!isQuorumPacket(s, msg)) return s.app.onClientMessage(s, event.from, msg, fx);
          fx.note(ignoreWhileLooking(s, event.from, msg));
          return s;
      }
    }
    case 'fsynced':
      return s;
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
          return now.phase === 'BROADCAST' ? onLeaderTick(now, fx) : now;
        case 'expire':
          return now.app.onTimer(now, 'expire', fx);
        default:
          // fle, finalize (only while LOOKING), learner, newLeaderAck, connect (a learner's).
          return now;
      }
    }
    case 'deliver':
      return onLeadingDeliver(s, event.from, event.conn, event.msg, fx);
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
  if (!isQuorumPacket(s, msg)) return s.app.onClientMessage(s, from, msg, fx);
  const ignored = ignoreLearnerPacket(s, from, conn, msg);
  if (ignored !== null) {
    fx.note(ignored);
    return s;
  }
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

/** FOLLOWING: the learner's handlers (learner.ts), for a participant. */
export function stepFollowing(s: ZabServer, event: Event<ZabMessage>, fx: Fx): ZabServer {
  if (s.learner === null || s.learner.observer) assert(false, 'FOLLOWING without follower state');
  return stepLearner(s, event, fx);
}

/** OBSERVING: the learner's handlers (learner.ts), for an observer (INFORM instead of PROPOSAL/COMMIT). */
export function stepObserving(s: ZabServer, event: Event<ZabMessage>, fx: Fx): ZabServer {
  if (s.learner === null || !s.learner.observer) assert(false, 'OBSERVING without observer state');
  return stepLearner(s, event, fx);
}

/** What followers and observers share: the connection to the leader, its timers and fsyncs. */
function stepLearner(s: ZabServer, event: Event<ZabMessage>, fx: Fx): ZabServer {
  switch (event.type) {
    case 'start':
      return onStart(s, fx);
    case 'timeout': {
      const now = patchServer(s, { nowUs: event.now });
      switch (event.timer as TimerName) {
        case 'learner':
          return onReadTimeoutCheck(now, fx);
        case 'newLeaderAck':
          return onNewLeaderAckTimer(now, fx);
        case 'connect':
          return onConnectRetry(now, fx);
        case 'expire':
          return now.app.onTimer(now, 'expire', fx);
        default:
          // fle, finalize (only while LOOKING), barrier, tick (a leader's).
          return now;
      }
    }
    case 'deliver': {
      const msg = event.msg;
      switch (msg.type) {
        case 'NOTIFICATION':
          return onNotificationPacket(s, event.from, event.conn, msg, fx);
        case 'DISCONNECT':
          return onLeaderGone(s, event.from, 'connection closed', fx);
        case 'FOLLOWERINFO':
        case 'OBSERVERINFO':
          return refuseLearner(s, event.from, fx);
      }
      if (!isQuorumPacket(s, msg)) return s.app.onClientMessage(s, event.from, msg, fx);
      const ignored = ignoreLeaderPacket(s, event.from, msg);
      if (ignored !== null) {
        fx.note(ignored);
        return s;
      }
      return onLeaderPacket(s, event.from, event.conn, msg, fx);
    }
    case 'fsynced':
      return onLearnerFsynced(s, event.token, fx);
    case 'peerReset':
      return onLeaderGone(forgetElectionConnection(s, event.peer), event.peer, 'connection reset', fx);
  }
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
  return startElection(s, fx);
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
