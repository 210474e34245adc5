// A SNAP is not one step. LearnerHandler.run calls syncFollower, whose startForwarding (under the
// ZKDatabase log read lock) queues the committed-but-unapplied proposals (toBeApplied, as PROPOSAL
// and COMMIT) and the outstanding ones (PROPOSAL, participants only) and adds the handler to the
// forwarding set; then, outside the lock, LearnerSyncThrottler.beginSync, the SNAP packet with the
// tree's lastProcessedZxid of that moment, and ZKDatabase.serializeSnapshot, which walks the tree
// while the leader keeps committing (a fuzzy snapshot); then NEWLEADER is queued and only then
// startSendingPackets starts the thread that drains queuedPackets. So every PROPOSAL and COMMIT
// made meanwhile waits in the handler's queue behind the snapshot and reaches the learner before
// NEWLEADER (the wire order SNAP, PROPOSAL, COMMIT, ..., NEWLEADER, COMMIT, ..., UPTODATE). The
// ZK-3104 mutant queues NEWLEADER right after startForwarding, as LearnerHandler.run did before
// 2018: what the leader commits while the SNAP is written then arrives after NEWLEADER.
//
// zabsim's leader applies a txn in the step that commits it, so its tree never lags its commits;
// ZooKeeper's does (Leader.tryToCommit puts the proposal in toBeApplied, the CommitProcessor applies
// it later), and startForwarding then re-sends those txns. The kernel draws how many of the epoch's
// last committed txns were still in toBeApplied when syncFollower read lastProcessedZxid.
//
// Two kernel-chosen intervals: startForwarding → SNAP written (beginSync and the thread getting
// there), and the serialization itself. Each is drawn (a `draw` effect, the draw stream) and then
// set as a timer of exactly that length, so the timer stream's other draws stay where they were. The SNAP's zxid and count are read at the first mark, the
// tree at the second: the snapshot holds every txn committed while it was written, above the zxid
// it carries (one outcome serializeSnapshot allows: each node written after its last change). The
// learner gets those txns again as PROPOSAL and COMMIT and replays them (learner.ts onSyncCommit).
import { outstandingToArray } from './outstanding.js';
import type { NodeId } from '../program.js';
import { queueEmpty, queueOf, queuePush, queuePushAll, queueToArray } from '../queue.js';
import { counterOf, formatZxid, makeZxid, type Zxid } from '../zxid.js';
import { epochCounterStart, hasMutant } from './config.js';
import type { Fx } from './effects.js';
import { txnAt } from './history.js';
import { leaderOf, setHandler } from './learner-handler.js';
import type { ZabMessage } from './messages.js';
import { type LearnerHandler, type ZabServer } from './state.js';
import { patchHandler } from './state-update.js';
import type { Txn } from './txn.js';

const MS = 1000;
const SNAP_TIMER = 'snap ';
const TO_BE_APPLIED = 'toBeApplied ';

/**
 * The two intervals, as shares of tickTime (2 s by default: up to 20 ms before the SNAP is written,
 * up to 100 ms to serialize). A simulated tree is small; what matters is that commits can land in
 * either interval. At least 1 µs each: the drawn toBeApplied (same instant) always comes first.
 */
const BEGIN_SHARE = 0.01;
const SERIALIZE_SHARE = 0.05;

/** Whether a timer is a SNAP's, and for which learner. */
export function snapTimerSid(timer: string): NodeId | null {
  return timer.startsWith(SNAP_TIMER) ? Number(timer.slice(SNAP_TIMER.length)) : null;
}

/** Whether a drawn value is a SNAP's (toBeApplied or an interval). */
export function isSnapDraw(key: string): boolean {
  return key.startsWith(TO_BE_APPLIED) || key.startsWith(SNAP_TIMER);
}

/** A SNAP's drawn value: how many txns were in toBeApplied, or the length of the next interval. */
export function onSnapDrawn(s: ZabServer, key: string, value: number, fx: Fx): ZabServer {
  if (key.startsWith(TO_BE_APPLIED)) return onToBeAppliedDrawn(s, Number(key.slice(TO_BE_APPLIED.length)), value, fx);
  const h = leaderOf(s).handlers[Number(key.slice(SNAP_TIMER.length))];
  if (h !== undefined && sendingSnap(h)) fx.timer(key, value + 1, value + 1);
  return s;
}

function drawInterval(s: ZabServer, sid: NodeId, share: number, fx: Fx): void {
  fx.draw(`${SNAP_TIMER}${sid}`, Math.max(1, Math.round(s.config.tickTimeMs * MS * share)));
}

/** Whether the handler's sender thread has not started: its packets wait in queuedPackets. */
export function sendingSnap(h: LearnerHandler): boolean {
  return h.stage === 'SNAP_QUEUED' || h.stage === 'SNAP_SERIALIZING';
}

/**
 * LearnerHandler.queuePacket on a forwarding handler: straight out once its sender runs, else into
 * queuedPackets. `handlers` is copied only when a packet is queued (the caller's array otherwise).
 */
export function forwardPacket(
  handlers: readonly (LearnerHandler | undefined)[],
  h: LearnerHandler,
  msg: ZabMessage,
  fx: Fx,
): readonly (LearnerHandler | undefined)[] {
  if (h.queuedPackets === null) {
    fx.send(h.sid, msg);
    return handlers;
  }
  const next = handlers.slice();
  next[h.sid] = patchHandler(h, { queuedPackets: queuePush(h.queuedPackets, msg) });
  return next;
}

/**
 * syncFollower chose SNAP: startForwarding from `forwardFrom` (the tree's lastProcessedZxid), the
 * handler now forwards into its queue. O(outstanding proposals).
 */
export function startSnap(s: ZabServer, h: LearnerHandler, forwardFrom: Zxid, committedAt: number, fx: Fx): ZabServer {
  const l = leaderOf(s);
  const participant = !h.observer || hasMutant(s.config, 'count-observer-acks');
  const outstanding: Txn[] = [];
  if (participant) for (const o of outstandingToArray(l.outstanding)) if (o.txn.zxid > forwardFrom) outstanding.push(o.txn);
  const max = toBeAppliedMax(s);
  if (max > 0) fx.draw(`${TO_BE_APPLIED}${h.sid}`, max + 1);
  drawInterval(s, h.sid, BEGIN_SHARE, fx);
  const snap = { committedAt, outstanding, toBeApplied: max > 0 ? null : 0, zxid: 0, count: 0 };
  let next = setHandler(s, patchHandler(h, { stage: 'SNAP_QUEUED', forwarding: true, queuedPackets: queueEmpty(), snap, readSince: l.clock }), h.sid);
  if (snap.toBeApplied === 0) next = queueForwardingStart(next, leaderOf(next).handlers[h.sid] as LearnerHandler, 0, fx);
  return next;
}

/**
 * How many committed txns may still wait for the leader's CommitProcessor: any of this epoch's
 * (toBeApplied holds only proposals this leader committed), at most commitLogCount so that the
 * replay stays bounded. None before activation.
 */
function toBeAppliedMax(s: ZabServer): number {
  const l = leaderOf(s);
  if (s.phase !== 'BROADCAST') return 0;
  const sinceActivation = counterOf(l.lastCommitted) - counterOf(makeZxid(l.epoch, epochCounterStart(s.config, l.epoch)));
  return Math.max(0, Math.min(sinceActivation, s.config.commitLogCount, s.committed));
}

/** The kernel drew how many txns were in toBeApplied: startForwarding's packets go first in the queue. */
function onToBeAppliedDrawn(s: ZabServer, sid: NodeId, value: number, fx: Fx): ZabServer {
  const h = leaderOf(s).handlers[sid];
  if (h === undefined || h.stage !== 'SNAP_QUEUED' || h.snap === null || h.snap.toBeApplied !== null) return s;
  return queueForwardingStart(s, h, value, fx);
}

/**
 * Leader.startForwarding's packets: each toBeApplied txn as PROPOSAL and COMMIT (every learner
 * type), then the outstanding proposals; under ZK-3104 NEWLEADER right behind them. They go before
 * whatever the handler queued since (packets of the same instant, before the draw came back).
 */
function queueForwardingStart(s: ZabServer, h: LearnerHandler, toBeApplied: number, fx: Fx): ZabServer {
  const snap = h.snap;
  if (snap === null || h.queuedPackets === null) return s;
  const front: ZabMessage[] = [];
  for (let i = snap.committedAt - toBeApplied; i < snap.committedAt; i++) {
    const txn = txnAt(s, i) as Txn;
    front.push({ type: 'PROPOSAL', txn }, { type: 'COMMIT', zxid: txn.zxid });
  }
  for (const txn of snap.outstanding) front.push({ type: 'PROPOSAL', txn });
  if (hasMutant(s.config, 'ZK-3104')) front.push(newLeaderPacket(s));
  if (toBeApplied > 0) fx.note(`startForwarding to ${h.sid}: ${toBeApplied} committed txn(s) still in toBeApplied, re-sent as PROPOSAL and COMMIT`);
  const queuedPackets = queuePushAll(queueOf(front), queueToArray(h.queuedPackets));
  return setHandler(s, patchHandler(h, { queuedPackets, snap: { ...snap, toBeApplied, outstanding: [] } }), h.sid);
}

function newLeaderPacket(s: ZabServer): ZabMessage {
  return { type: 'NEWLEADER', zxid: makeZxid(leaderOf(s).epoch, 0) };
}

/**
 * A SNAP's timer: at the first mark the SNAP's zxid is read (getDataTreeLastProcessedZxid) and
 * serialization starts; at the second the snapshot is written, with the tree as it is then, and the
 * sender thread starts: the queue, then NEWLEADER (unless ZK-3104 queued it already).
 */
export function onSnapTimer(s: ZabServer, sid: NodeId, fx: Fx): ZabServer {
  const l = leaderOf(s);
  const h = l.handlers[sid];
  if (h === undefined || !sendingSnap(h) || h.snap === null) return s; // a closed handler's timer
  if (h.stage === 'SNAP_QUEUED') {
    let next = s;
    if (h.snap.toBeApplied === null) next = queueForwardingStart(s, h, 0, fx);
    const hq = leaderOf(next).handlers[sid] as LearnerHandler;
    const count = next.phase === 'BROADCAST' ? next.committed : next.applied;
    const zxid = next.lastProcessedZxid;
    fx.note(`SNAP to ${sid}: serializing the snapshot as of ${formatZxid(zxid)} while the tree keeps changing`);
    drawInterval(s, sid, SERIALIZE_SHARE, fx);
    return setHandler(next, patchHandler(hq, { stage: 'SNAP_SERIALIZING', snap: { ...(hq.snap as NonNullable<LearnerHandler['snap']>), zxid, count } }), sid);
  }
  const snap = h.snap;
  const above = s.lastProcessedZxid > snap.zxid ? `; it also holds the txns up to ${formatZxid(s.lastProcessedZxid)}` : '';
  fx.note(`SNAP to ${sid} written${above}`);
  fx.send(sid, { type: 'SNAP', zxid: snap.zxid, snapshot: { zxid: snap.zxid, count: snap.count, state: s.state } });
  for (const msg of queueToArray(h.queuedPackets ?? queueEmpty<ZabMessage>())) fx.send(sid, msg);
  if (!hasMutant(s.config, 'ZK-3104')) fx.send(sid, newLeaderPacket(s));
  // The handler now reads the NEWLEADER ack, under the socket's initLimit timeout.
  return setHandler(s, patchHandler(h, { stage: 'NEWLEADER_SENT', queuedPackets: null, snap: null, readSince: l.clock }), sid);
}
