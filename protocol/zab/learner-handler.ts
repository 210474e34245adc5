// The leader's view of one learner (LearnerHandler.java): which packets it reads, when its socket
// read times out, its SyncLimitCheck, and closing it. leader.ts drives these from its handlers and
// its tick; they touch one handler each.
import { assert } from '../assert.js';
import type { NodeId } from '../program.js';
import type { Zxid } from '../zxid.js';
import { hasMutant } from './config.js';
import type { Fx } from './effects.js';
import type { QuorumPacket } from './messages.js';
import { type LeaderState, type LearnerHandler, type ZabServer } from './state.js';
import { patchHandler, patchLeader, withLeaderState, withLearnerHeard } from './state-update.js';

export function leaderOf(s: ZabServer): LeaderState {
  if (!(s.leader !== null)) assert(false, `server ${s.id} has no leader state`);
  return s.leader;
}

export function withLeader(s: ZabServer, patch: Partial<LeaderState>): ZabServer {
  return withLeaderState(s, patchLeader(leaderOf(s), patch));
}

export function setHandler(s: ZabServer, h: LearnerHandler | undefined, sid: NodeId): ZabServer {
  const handlers = leaderOf(s).handlers.slice();
  handlers[sid] = h;
  return withLeader(s, { handlers });
}

/**
 * Why a learner's packet is dropped, or null: only a live LearnerHandler's connection is read (a
 * new connection replaced the old handler, whose packets are stale).
 */
export function ignoreLearnerPacket(s: ZabServer, from: NodeId, conn: number, msg: QuorumPacket): string | null {
  const h = leaderOf(s).handlers[from];
  if (h === undefined || h.conn !== conn) return `ignore ${msg.type} from ${from}: no live LearnerHandler on that connection`;
  return null;
}

/**
 * Any packet proves the learner alive (LearnerHandler.tickOfNextAckDeadline) and ends a socket
 * read (its timeout counts again from now); most arrive within the same half tick, so the handler
 * is copied only when its deadline or read clock moves. Runs after ignoreLearnerPacket, so the
 * handler exists.
 */
export function heardFromLearner(s: ZabServer, from: NodeId): ZabServer {
  const l = leaderOf(s);
  const h = l.handlers[from] as LearnerHandler;
  const deadline = l.tick + s.config.syncLimit;
  if (h.ackDeadlineTick === deadline && h.readSince === l.clock) return s;
  return withLearnerHeard(s, from, deadline, l.clock);
}

/**
 * How long a handler's socket read may wait, in half ticks, or null when its thread is not reading
 * (blocked in one of the leader's waits, or in waitForStartup): Leader's LearnerCnxAcceptor sets
 * initLimit·tickTime on the socket, LearnerHandler.run syncLimit·tickTime once NEWLEADER is acked.
 */
export function readBudgetHalfTicks(s: ZabServer, h: LearnerHandler): number | null {
  switch (h.stage) {
    case 'ACKEPOCH':
    case 'NEWLEADER_SENT':
      return 2 * s.config.initLimit;
    case 'UPTODATE':
      return 2 * s.config.syncLimit;
    default:
      return null;
  }
}

/** Whether LearnerHandler's SyncLimitCheck runs for `h`: started (NEWLEADER acked) and sent PROPOSALs. */
export function tracksProposals(s: ZabServer, h: LearnerHandler): boolean {
  return h.stage === 'UPTODATE' && (!h.observer || hasMutant(s.config, 'count-observer-acks'));
}

/**
 * SyncLimitCheck's current slot (0: empty). An empty slot is filled by the next PROPOSAL sent
 * (updateProposal); every proposal goes to every forwarding participant and zxids of an epoch are
 * consecutive, so that is the one after `syncCheckFloor`, if the leader has proposed it.
 */
export function syncLimitCurrent(l: LeaderState, h: LearnerHandler): Zxid {
  if (h.syncCheckZxid !== 0) return h.syncCheckZxid;
  return l.lastProposed > h.syncCheckFloor ? h.syncCheckFloor + 1 : 0;
}

/** SyncLimitCheck's next slot (0: empty): updateProposal overwrites it with every later proposal. */
export function syncLimitNext(l: LeaderState, h: LearnerHandler, current: Zxid): Zxid {
  return current !== 0 && l.lastProposed > current && l.lastProposed > h.syncCheckNextFloor ? l.lastProposed : 0;
}

/**
 * SyncLimitCheck.updateAck: an ACK of the current slot moves the next slot into it (it may be far
 * newer than the oldest unacked proposal: Java's check is that loose); an ACK of the next slot
 * clears it. Any other ACK changes nothing, so the handler is copied only on a match.
 */
export function syncLimitOnAck(s: ZabServer, h: LearnerHandler, zxid: Zxid): ZabServer {
  const l = leaderOf(s);
  const current = syncLimitCurrent(l, h);
  if (current === 0) return s;
  if (zxid === current) {
    const following = syncLimitNext(l, h, current);
    return setHandler(s, patchHandler(h, { syncCheckZxid: following, syncCheckFloor: l.lastProposed, syncCheckNextFloor: l.lastProposed }), h.sid);
  }
  if (zxid !== syncLimitNext(l, h, current)) return s;
  return setHandler(s, patchHandler(h, { syncCheckZxid: current, syncCheckNextFloor: l.lastProposed }), h.sid);
}

/**
 * LearnerHandler.shutdown: the leader closes a learner's socket (the learner reads EOF: DISCONNECT
 * stands for the FIN) and forgets the handler; its ACKs and votes already counted stay counted.
 */
export function closeHandler(s: ZabServer, h: LearnerHandler, why: string, fx: Fx): ZabServer {
  fx.note(`closing LearnerHandler ${h.sid}: ${why}`, { kind: 'handlerClosed', sid: h.sid, why });
  fx.send(h.sid, { type: 'DISCONNECT' });
  return setHandler(s, undefined, h.sid);
}
