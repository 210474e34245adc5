// The Zab server as one reducer: `step(state, event) → [state, effects]`. The event goes to the
// election, the leader or the learner according to the role; role changes go through becomeX
// functions that build the whole new role and its timers. Single-server invariants are asserted
// before and after every step.
import { assert, unreachable } from '../assert.js';
import type { Event, NodeId, NodeProgram, Transition } from '../program.js';
import { formatZxid } from '../zxid.js';
import { hasMutant, isObserver, isVoter, type ZabConfig } from './config.js';
import { applyZabWrite, describeZabWrite, emptyZabDisk, type ZabDisk, type ZabWrite } from './disk.js';
import { Fx, type TimerName, type ZabObservation } from './effects.js';
import { emptyFle, forgetElectionConnection, onFinalize, onNotification, onNotificationTimeout, startElection } from './election.js';
import { applyTo, historyCount, lastLoggedZxid, reloadFromHistory } from './history.js';
import { becomeLeading, dropLearner, leaderOf, leaderShutdown, onBarrierTimeout, onLeaderFsynced, onLeaderTick, onLearnerPacket } from './leader.js';
import { learnerLeaving, onLeaderPacket, onLearnerFsynced, onNewLeaderAckTimer } from './learner.js';
import { becomeLearner, onConnectRetry, onLeaderRefused, onReadTimeoutCheck } from './learner-connection.js';
import type { QuorumPacket, ZabMessage } from './messages.js';
import { patchLearner, patchServer, type ZabApp, type ZabServer } from './state.js';
import type { StateMachine } from './txn.js';

export type ZabTransition = Transition<ZabServer, ZabMessage, ZabWrite, ZabObservation>;

/** Rebuilds a server from its disk: snapshot + every logged txn (FileTxnSnapLog.restore). */
export function bootServer(id: NodeId, config: ZabConfig, sm: StateMachine, app: ZabApp, disk: ZabDisk): ZabServer {
  const s: ZabServer = {
    id,
    config,
    sm,
    role: 'LOOKING',
    phase: 'ELECTION',
    acceptedEpoch: disk.acceptedEpoch,
    currentEpoch: disk.currentEpoch,
    snapshot: disk.snapshot,
    log: disk.log,
    state: sm.empty(),
    applied: 0,
    lastProcessedZxid: 0,
    committed: 0,
    fle: emptyFle(),
    leader: null,
    learner: null,
    fsyncToken: 0,
    nowUs: 0,
    staleWrites: [],
    oldLogTop: disk.oldLogTop,
    appState: app.initial,
    app,
  };
  return reloadFromHistory(s);
}

export function stepServer(s: ZabServer, event: Event<ZabMessage>): ZabTransition {
  checkInvariants(s);
  const fx = new Fx();
  let next = dispatch(s, event, fx);
  next = settle(next, fx);
  checkInvariants(next);
  return [next, fx.list];
}

function dispatch(s: ZabServer, event: Event<ZabMessage>, fx: Fx): ZabServer {
  switch (event.type) {
    case 'start':
      fx.note(`boot: acceptedEpoch ${s.acceptedEpoch}, currentEpoch ${s.currentEpoch}, last zxid ${formatZxid(lastLoggedZxid(s))}, ${historyCount(s)} txns`);
      return startElection(s, fx);
    case 'timeout':
      // The kernel fires only timers this server set, so the name is one of Fx.timer's.
      return onTimeout(patchServer(s, { nowUs: event.now }), event.timer as TimerName, fx);
    case 'deliver':
      return onDeliver(s, event.from, event.conn, event.msg, fx);
    case 'fsynced':
      if (s.role === 'LEADING') return onLeaderFsynced(s, event.token, fx);
      if (s.learner !== null) return onLearnerFsynced(s, event.token, fx);
      return s;
    case 'peerReset':
      return onPeerGone(forgetElectionConnection(s, event.peer), event.peer, 'connection reset', fx);
    default:
      return unreachable(event);
  }
}

function onTimeout(s: ZabServer, timer: TimerName, fx: Fx): ZabServer {
  switch (timer) {
    case 'fle':
      return onNotificationTimeout(s, fx);
    case 'finalize': {
      const done = onFinalize(s);
      return done === null ? s : endElection(done.server, done.leader, fx);
    }
    case 'barrier':
      return s.role === 'LEADING' ? onBarrierTimeout(s, fx) : s;
    case 'tick':
      return s.role === 'LEADING' && s.phase === 'BROADCAST' ? onLeaderTick(s, fx) : s;
    case 'learner':
      return s.learner !== null ? onReadTimeoutCheck(s, fx) : s;
    case 'newLeaderAck':
      return onNewLeaderAckTimer(s, fx);
    case 'expire':
      return s.app.onTimer(s, 'expire', fx);
    case 'connect':
      return onConnectRetry(s, fx);
    default:
      return unreachable(timer);
  }
}

function endElection(s: ZabServer, leader: NodeId, fx: Fx): ZabServer {
  fx.cancel('fle');
  if (leader === s.id) return becomeLeading(s, fx);
  return becomeLearner(s, leader, isObserver(s.config, s.id), fx);
}

function onDeliver(s: ZabServer, from: NodeId, conn: number, msg: ZabMessage, fx: Fx): ZabServer {
  switch (msg.type) {
    case 'NOTIFICATION': {
      const step = onNotification(s, from, conn, msg, fx);
      return step.leader === null ? step.server : endElection(step.server, step.leader, fx);
    }
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
      return onQuorumPacket(s, from, conn, msg, fx);
    default:
      if (s.app.quorumPackets.has(msg.type)) return onQuorumPacket(s, from, conn, msg as QuorumPacket, fx);
      return s.app.onClientMessage(s, from, msg, fx);
  }
}

function onQuorumPacket(s: ZabServer, from: NodeId, conn: number, msg: QuorumPacket, fx: Fx): ZabServer {
  if (msg.type === 'DISCONNECT') return onPeerGone(s, from, 'connection closed', fx);
  if (s.role === 'LEADING') return onLearnerPacket(s, from, conn, msg, fx);
  if (msg.type === 'FOLLOWERINFO' || msg.type === 'OBSERVERINFO') {
    // Not leading: nothing listens on the quorum port, so the learner's connection is refused.
    fx.send(from, { type: 'DISCONNECT' });
    return s;
  }
  if (s.learner !== null) return onLeaderPacket(s, from, conn, msg, fx);
  fx.note(`ignore ${msg.type} from ${from}: ${s.role}`);
  return s;
}

function onPeerGone(s: ZabServer, peer: NodeId, why: string, fx: Fx): ZabServer {
  if (s.role === 'LEADING') return dropLearner(s, peer, fx);
  if (s.learner !== null && s.learner.leader === peer) {
    const retried = onLeaderRefused(s, fx);
    if (retried !== null) return retried;
    return patchServer(s, { learner: patchLearner(s.learner, { shutdown: `${why} by leader ${peer}` }) });
  }
  return s.app.onClientGone(s, peer);
}

/** After any step: a role that must end goes back to LOOKING. */
function settle(s: ZabServer, fx: Fx): ZabServer {
  const leaderReason = leaderShutdown(s);
  if (leaderReason !== null) return becomeLooking(s, leaderReason, fx);
  if (s.learner !== null && s.learner.shutdown !== null) return becomeLooking(s, s.learner.shutdown, fx);
  return s;
}

/**
 * Leaving a role: close clients and the role's connections, fast-forward the retained database
 * from the log (ZK-2845 fix), and start a new election round.
 */
export function becomeLooking(s: ZabServer, reason: string, fx: Fx): ZabServer {
  fx.note(`${s.role} -> LOOKING: ${reason}`, { kind: 'leftRole', from: s.role, reason });
  let next = s.app.closeAll(s, `server left ${s.role}`, fx);
  if (s.role === 'LEADING') {
    for (const h of leaderOf(s).handlers) if (h !== undefined) fx.send(h.sid, { type: 'DISCONNECT' });
    fx.cancel('tick');
    fx.cancel('barrier');
    s.app.onLeaderLeaving(s, fx);
  }
  if (s.learner !== null) {
    if (s.learner.conn !== null || s.learner.stage === 'DISCOVERY') fx.send(s.learner.leader, { type: 'DISCONNECT' });
    next = learnerLeaving(next, fx);
    fx.cancel('learner');
    fx.cancel('newLeaderAck');
    fx.cancel('connect');
  }
  if (!hasMutant(s.config, 'ZK-2845')) next = applyTo(next, historyCount(next), null);
  next = patchServer(next, { role: 'LOOKING', phase: 'ELECTION', leader: null, learner: null });
  fx.observe({ kind: 'role', role: 'LOOKING', phase: 'ELECTION', epoch: next.currentEpoch, leader: null });
  return startElection(next, fx);
}

/** Facts a single server can check about itself, before and after every step. */
export function checkInvariants(s: ZabServer): void {
  // Each check builds its message only when it fails: this runs twice per step.
  if (s.acceptedEpoch < s.currentEpoch) fail(s, `acceptedEpoch ${s.acceptedEpoch} < currentEpoch ${s.currentEpoch}`);
  if (s.committed > s.applied) fail(s, `committed ${s.committed} > applied ${s.applied}`);
  if (s.applied > historyCount(s)) fail(s, `applied ${s.applied} > history ${historyCount(s)}`);
  const tail = s.log.tail;
  const last = tail[tail.length - 1];
  if (last !== undefined) {
    const before = tail[tail.length - 2];
    if (before !== undefined && before.zxid >= last.zxid) fail(s, 'log not strictly increasing at its end');
    if (s.snapshot !== null && last.zxid <= s.snapshot.zxid) fail(s, 'log entry not after the snapshot');
  }
  if (s.role === 'LEADING' && s.phase === 'BROADCAST') {
    if (leaderOf(s).epoch !== s.currentEpoch) fail(s, `leader epoch ${leaderOf(s).epoch} != currentEpoch ${s.currentEpoch}`);
    if (s.applied !== s.committed) fail(s, 'a leader applies only what it commits');
  }
  if (s.role === 'OBSERVING' && isVoter(s.config, s.id)) fail(s, 'a voter is OBSERVING');
  if (s.learner !== null && s.role !== 'FOLLOWING' && s.role !== 'OBSERVING') fail(s, `learner state while ${s.role}`);
}

function fail(s: ZabServer, message: string): never {
  assert(false, `server ${s.id}: ${message}`);
}

/**
 * The NodeProgram the simulator runs for a Zab server replicating `sm` for `app`; the composition
 * roots in protocol/node/ choose them (a ZooKeeper server, or the kv front-end).
 */
export function zabServerProgram(
  config: ZabConfig,
  sm: StateMachine,
  app: ZabApp,
  describe: (msg: ZabMessage) => string,
): NodeProgram<ZabServer, ZabMessage, ZabWrite, ZabDisk, ZabObservation> {
  return {
    kind: 'zookeeper',
    emptyDisk: emptyZabDisk,
    applyWrite: applyZabWrite,
    boot: (id, disk) => bootServer(id, config, sm, app, disk),
    step: stepServer,
    describe,
    describeWrite: describeZabWrite,
  };
}
