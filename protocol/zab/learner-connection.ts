// A learner's connection to its leader (Learner.connectToLeader, registerWithLeader's first step,
// the socket read timeout), and the helpers every learner handler uses: learnerOf, withLearner,
// shutdown. The packet handlers are in learner.ts.
import { resetSnapshotStats } from './snap-count.js';
import { assert } from '../assert.js';
import type { NodeId } from '../program.js';
import { ExitCode, type ExitCodeName, type Fx } from './effects.js';
import { type LearnerState, type ZabServer } from './state.js';
import { patchLearner, patchServer, withLearnerState } from './state-update.js';
import { queueEmpty } from '../queue.js';

const MS = 1000;

export function learnerOf(s: ZabServer): LearnerState {
  if (!(s.learner !== null)) assert(false, `server ${s.id} has no learner state`);
  return s.learner;
}

export function withLearner(s: ZabServer, patch: Partial<LearnerState>): ZabServer {
  return withLearnerState(s, patchLearner(learnerOf(s), patch));
}

export function shutdown(s: ZabServer, reason: string, fx: Fx): ZabServer {
  fx.note(`leaving ${s.role}: ${reason}`);
  return withLearner(s, { shutdown: reason });
}

/**
 * Where ZooKeeper calls ServiceUtils.requestSystemExit, the process exits: the memory is gone, and
 * a supervisor starts the server again from its disk (the simulator picks and traces the delay).
 * The role is not left in this step (no DISCONNECT, no election): the process just stops, and the
 * kernel resets its connections.
 */
export function exitProcess(s: ZabServer, code: ExitCodeName, reason: string, fx: Fx): ZabServer {
  fx.note(`exiting with ${code} (${ExitCode[code]}): ${reason}`);
  fx.exit(ExitCode[code]);
  return s;
}

/**
 * Whether a packet from our leader came on another connection than the one its LEADERINFO came
 * on: that socket was reset, and Learner's read of it would have failed (the learner shuts down).
 */
export function isResetConnection(l: LearnerState, conn: number): boolean {
  return l.conn !== null && conn !== l.conn;
}

/**
 * A packet from our leader arrived: it counts for the read timeout, and the first one (LEADERINFO)
 * fixes the connection and ends the connect retries (Learner.connectToLeader succeeded).
 */
export function heardFromLeader(s: ZabServer, conn: number, fx: Fx): ZabServer {
  const l = learnerOf(s);
  if (l.conn === null) {
    fx.cancel('connect');
    return withLearner(s, { conn, heard: true });
  }
  return l.heard ? s : withLearner(s, { heard: true });
}

/** Follower.followLeader / Observer.observeLeader: connect and register (FOLLOWERINFO). */
export function becomeLearner(s: ZabServer, leader: NodeId, observer: boolean, fx: Fx): ZabServer {
  const learner: LearnerState = {
    leader,
    observer,
    conn: null,
    newEpoch: -1,
    syncMode: 'NONE',
    stage: 'DISCOVERY',
    packetsNotLogged: [],
    packetsCommitted: [],
    pendingTxns: queueEmpty(),
    lastQueued: 0,
    ackBatches: queueEmpty(),
    blockedOn: null,
    backlog: [],
    newLeaderAckPending: false,
    connectTries: 0,
    heard: false,
    silentChecks: 0,
    preSnap: null,
    shutdown: null,
    syncedTo: 0,
    commitsDeferred: [],
  };
  const role = observer ? 'OBSERVING' : 'FOLLOWING';
  fx.observe({ kind: 'role', role, phase: 'DISCOVERY', epoch: s.currentEpoch, leader });
  fx.note(`${role} ${leader}: registering (acceptedEpoch ${s.acceptedEpoch})`);
  // Learner.connectToLeader: a new socket. Whatever the leader's old LearnerHandler for us still
  // writes goes to the old one, and is lost with it (it dies on its own read timeout or close).
  fx.reconnect(leader);
  fx.send(leader, observer ? { type: 'OBSERVERINFO', acceptedEpoch: s.acceptedEpoch } : { type: 'FOLLOWERINFO', acceptedEpoch: s.acceptedEpoch });
  // The learner's SyncRequestProcessor starts with its own randRoll.
  const next: ZabServer = resetSnapshotStats(patchServer(s, { role, phase: 'DISCOVERY', learner, leader: null }), fx);
  armReadTimeout(next, fx);
  fx.timer('connect', CONNECT_RETRY_US, CONNECT_RETRY_US);
  return next;
}

/**
 * Learner.connectToLeader: while no LEADERINFO came, send FOLLOWERINFO again every second on the
 * same connection; a refused connection is retried 5 times, 100 ms apart, then we give up. zabsim
 * has no TCP handshake (a FOLLOWERINFO stands for the connect and the first write), so the resend
 * stands for TCP's own retransmission of a lost SYN or segment on the one socket: ZooKeeper writes
 * FOLLOWERINFO once per socket and opens a new socket only for a new registration
 * (becomeLearner) or after a failed connect. A new connection per resend would drop the attempt in
 * flight, and over a link slower than a second no attempt would ever arrive, where ZooKeeper's
 * connect completes within its initLimit connect timeout. The leader reads one FOLLOWERINFO per
 * connection (leader.ts onLearnerInfo ignores the resends), and after a break the resend opens a
 * new connection, and a new LearnerHandler, whose old one writes only to its dead socket.
 */
const CONNECT_RETRY_US = 1_000_000;
const REFUSED_RETRY_US = 100_000;
const CONNECT_TRIES_MAX = 5;

/** The leader refused or reset our connection. Returns null when the learner must give up. */
export function onLeaderRefused(s: ZabServer, fx: Fx): ZabServer | null {
  const l = learnerOf(s);
  if (l.stage !== 'DISCOVERY' || l.conn !== null) return null;
  const tries = l.connectTries + 1;
  if (tries >= CONNECT_TRIES_MAX) return null;
  fx.note(`connection to ${l.leader} refused (try ${tries} of ${CONNECT_TRIES_MAX}); retrying`);
  fx.timer('connect', REFUSED_RETRY_US, REFUSED_RETRY_US);
  return withLearner(s, { connectTries: tries });
}

export function onConnectRetry(s: ZabServer, fx: Fx): ZabServer {
  const l = s.learner;
  if (l === null || l.stage !== 'DISCOVERY' || l.conn !== null) return s;
  fx.note(`no LEADERINFO from ${l.leader} yet: connecting again`);
  fx.send(l.leader, l.observer ? { type: 'OBSERVERINFO', acceptedEpoch: s.acceptedEpoch } : { type: 'FOLLOWERINFO', acceptedEpoch: s.acceptedEpoch });
  fx.timer('connect', CONNECT_RETRY_US, CONNECT_RETRY_US);
  return s;
}

/** The socket read timeout: initLimit ticks until NEWLEADER, syncLimit after. Checked in quarters. */
function readTimeoutUs(s: ZabServer): number {
  const l = learnerOf(s);
  const ticks = l.stage === 'DISCOVERY' || l.stage === 'SYNC' ? s.config.initLimit : s.config.syncLimit;
  return ticks * s.config.tickTimeMs * MS;
}

export function armReadTimeout(s: ZabServer, fx: Fx): void {
  const quarter = readTimeoutUs(s) / 4;
  fx.timer('learner', quarter, quarter);
}

export function onReadTimeoutCheck(s: ZabServer, fx: Fx): ZabServer {
  const l = learnerOf(s);
  const silentChecks = l.heard ? 0 : l.silentChecks + 1;
  if (silentChecks >= 4) return shutdown(s, `nothing from leader ${l.leader} for ${readTimeoutUs(s) / MS} ms (read timeout)`, fx);
  armReadTimeout(s, fx);
  return withLearner(s, { heard: false, silentChecks });
}
