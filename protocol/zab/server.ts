// The Zab server as one reducer: `step(state, event) → [state, effects]`. The event goes to the
// election, the leader or the learner according to the role; role changes go through becomeX
// functions that build the whole new role and its timers. Single-server invariants are asserted
// after every step, and on a booted state before its start step.
import { assert, unreachable } from '../assert.js';
import type { Event, NodeId, NodeProgram, Transition } from '../program.js';
import { hasMutant, isVoter, type ZabConfig } from './config.js';
import { applyZabWrite, describeZabWrite, emptyZabDisk, restoredImage, type ZabDisk, type ZabWrite } from './disk.js';
import { Fx, type ZabObservation } from './effects.js';
import { awaitLogFlush, emptyFle, startElectionAfterRole } from './election.js';
import { applyTo, historyCount, reloadFromHistory } from './history.js';
import { leaderShutdown } from './leader.js';
import { leaderOf } from './learner-handler.js';
import { learnerLeaving } from './learner.js';
import type { ZabMessage } from './messages.js';
import { type ZabApp, type ZabServer } from './state.js';
import { patchDb, patchServer, withSynced } from './state-update.js';
import { stepFollowing, stepLeading, stepLooking, stepObserving } from './steps.js';
import type { StateMachine } from './txn.js';

export type ZabTransition = Transition<ZabServer, ZabMessage, ZabWrite, ZabObservation>;

/**
 * Rebuilds a server from its disk: snapshot + every logged txn after it, the records of superseded
 * log files above the snapshot's zxid first (FileTxnSnapLog.restore; disk.ts restoredImage).
 */
export function bootServer(id: NodeId, config: ZabConfig, sm: StateMachine, app: ZabApp, image: ZabDisk): ZabServer {
  const disk = restoredImage(image);
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
    logBase: disk.logBase,
    db: {
      committedLogStart: 0,
      committedLogHoles: [],
      logFiles: { rolledAt: 0, before: 0 },
      snapRoll: null,
      oldLogTop: disk.oldLogTop,
      staleTail: disk.staleTail,
    },
    txnsSinceRoll: 0,
    state: sm.empty(),
    applied: 0,
    lastProcessedZxid: 0,
    committed: 0,
    fle: emptyFle(),
    leader: null,
    learner: null,
    fsyncToken: 0,
    syncedToken: 0,
    nowUs: 0,
    appState: app.initial,
    app,
  };
  // The new process's first append opens a new log file; the files before it count as one.
  const booted = reloadFromHistory(s);
  return patchServer(booted, { db: patchDb(booted.db, { logFiles: { rolledAt: historyCount(booted), before: booted.logBase } }) });
}

/**
 * One step: the role picks its step function (steps.ts), which dispatches on the event and then on
 * the message or timer type to the handler; a role that must end then goes back to LOOKING.
 */
export function stepServer(s: ZabServer, event: Event<ZabMessage>): ZabTransition {
  // A server's state comes from bootServer, whose first step is `start`, or from the previous step,
  // whose result was checked below: checking it again on entry found nothing new (and ran once
  // per event). A booted state is checked on entry, so a disk the server refuses still stops it
  // at its start step.
  if (event.type === 'start') checkInvariants(s);
  const fx = new Fx();
  let next: ZabServer;
  switch (s.role) {
    case 'LOOKING':
      next = stepLooking(s, event, fx);
      break;
    case 'FOLLOWING':
      next = stepFollowing(s, event, fx);
      break;
    case 'OBSERVING':
      next = stepObserving(s, event, fx);
      break;
    case 'LEADING':
      next = stepLeading(s, event, fx);
      break;
    default:
      return unreachable(s.role);
  }
  // A completed fsync is recorded before settle, which reads it when leaving a role (becomeLooking).
  // The broadcast path's fsync handlers record it in the copy they make anyway (withFsynced), so the
  // step copies the server once; any other path gets it here. No handler reads syncedToken itself.
  if (event.type === 'fsynced' && next.syncedToken !== event.token) next = withSynced(next, event.token);
  // A process that exits leaves no role behind: the kernel stops it after this step.
  if (!fx.exited) next = settle(next, fx);
  checkInvariants(next);
  return [next, fx.list];
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
    if (s.learner.commitsDeferred.length > 0) fx.cancel('commitProcessor');
    fx.cancel('connect');
  }
  if (!hasMutant(s.config, 'ZK-2845')) next = applyTo(next, historyCount(next), null);
  next = patchServer(next, { role: 'LOOKING', phase: 'ELECTION', leader: null, learner: null });
  fx.observe({ kind: 'role', role: 'LOOKING', phase: 'ELECTION', epoch: next.currentEpoch, leader: null });
  // The role's shutdown stops its SyncRequestProcessor, which appends what it holds and fsyncs it
  // (SyncRequestProcessor.shutdown → flush) before QuorumPeer.run goes on to LOOKING: we vote with
  // a durable log. Under the ZK-4712 mutant a learner's SyncThread is not stopped, so no wait.
  const staleSyncThread = s.learner !== null && hasMutant(s.config, 'ZK-4712');
  if (next.fsyncToken > next.syncedToken && !staleSyncThread) return awaitLogFlush(next, s.role, fx);
  return startElectionAfterRole(next, s.role, fx);
}

/** Facts a single server can check about itself, after every step (and on a booted state). */
export function checkInvariants(s: ZabServer): void {
  // Each check builds its message only when it fails: this runs twice per step.
  if (s.acceptedEpoch < s.currentEpoch) fail(s, `acceptedEpoch ${s.acceptedEpoch} < currentEpoch ${s.currentEpoch}`);
  if (s.committed > s.applied) fail(s, `committed ${s.committed} > applied ${s.applied}`);
  if (s.applied > historyCount(s)) fail(s, `applied ${s.applied} > history ${historyCount(s)}`);
  // Indexes are checked against the length first: a read at index -1 (an empty or one-entry tail)
  // turned this load megamorphic in V8 for the rest of the run, at every step.
  const tail = s.log.tail;
  const n = tail.length;
  if (n > 0) {
    const last = tail[n - 1]!;
    if (n > 1 && tail[n - 2]!.zxid >= last.zxid) fail(s, 'log not strictly increasing at its end');
  }
  if (s.snapshot === null ? s.logBase !== 0 : s.logBase > s.snapshot.count || s.snapshot.count > historyCount(s)) {
    fail(s, `snapshot (${s.snapshot?.count ?? 'none'} txns) outside the log [${s.logBase}, ${historyCount(s)})`);
  }
  if (s.db.committedLogStart < s.logBase) fail(s, `committedLog starts at ${s.db.committedLogStart}, below the log at ${s.logBase}`);
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
    restoredImage,
    step: stepServer,
    describe,
    describeWrite: describeZabWrite,
  };
}
