// The leader (Leader.java, LearnerHandler.java): discovery, the DIFF/TRUNC/SNAP choice of
// syncFollower, activation on a quorum of NEWLEADER acks, and broadcast with strictly in-order
// commits. Every refusal is a note; impossible situations assert.
import { assert } from '../assert.js';
import type { NodeId } from '../program.js';
import { COUNTER_ROLLOVER, counterOf, formatZxid, makeZxid, type Zxid } from '../zxid.js';
import { committedLogWindowStart, holesFrom, presentFrom } from './committed-log.js';
import { epochCounterStart, hasMutant, isObserver, isQuorum, isVoter } from './config.js';
import { appendTxn, newestLogFile, recordsAbove } from './disk.js';
import type { Fx } from './effects.js';
import { updateElectionVote } from './election.js';
import { applyTo, historyBase, historyCount, lastLoggedZxid, txnAt, snapshotOfApplied } from './history.js';
import type { QuorumPacket, ZabMessage } from './messages.js';
import { type LeaderState, type LearnerHandler, type ZabServer } from './state.js';
import { leaderCommitted, leaderProposed, patchHandler, patchLeader, patchDb, patchServer, takeBatch, withAppend, withApplied, withFsynced, withLeaderState, withOutstanding } from './state-update.js';
import {
  addOutstanding,
  dropOldestOutstanding,
  noOutstanding,
  oldestOutstanding,
  outstandingAt,
  outstandingIndexOf,
  outstandingOf,
  outstandingToArray,
  replaceOutstanding,
  type Outstanding,
} from './outstanding.js';
import { queueEmpty, queuePush } from '../queue.js';
import { syncFollower } from './sync-follower.js';
import { closeHandler, leaderOf, readBudgetHalfTicks, setHandler, syncLimitCurrent, syncLimitOnAck, tracksProposals, withLeader } from './learner-handler.js';
import { maybeSnapshot, resetSnapshotStats } from './snap-count.js';
import { forwardPacket, startSnap } from './snap-send.js';
import { smPrepInit, smPrepNext, smPrepRetire, type Origin, type Txn } from './txn.js';

const MS = 1000;

/** Leader.lead(): start discovery. The leader's own FOLLOWERINFO counts first. */
export function becomeLeading(s: ZabServer, fx: Fx): ZabServer {
  const leader: LeaderState = {
    epoch: -1,
    epochCandidate: s.acceptedEpoch + 1,
    connecting: [s.id],
    electing: [s.id],
    newLeaderAcks: [s.id],
    handlers: [],
    outstanding: noOutstanding(),
    lastProposed: s.lastProcessedZxid,
    lastCommitted: s.lastProcessedZxid,
    prepState: smPrepInit(s.sm, s.state),
    tick: 0,
    halfTicks: 0,
    clock: 0,
    proposedAtClock: [],
    selfAckBatches: queueEmpty(),
    shutdown: null,
  };
  const led = takeSnapshot(patchServer(s, { role: 'LEADING', phase: 'DISCOVERY', leader, learner: null }), fx);
  // The leader's SyncRequestProcessor starts with its own randRoll.
  const next: ZabServer = resetSnapshotStats(led, fx);
  fx.observe({ kind: 'role', role: 'LEADING', phase: 'DISCOVERY', epoch: s.currentEpoch, leader: s.id });
  fx.note(`LEADING: discovery; waiting for a quorum of FOLLOWERINFO (initLimit ${s.config.initLimit} ticks)`);
  startWait(s, fx);
  // The handlers' read timeouts count half ticks from here; Leader.lead's ping loop (onLeaderTick
  // in BROADCAST) only starts at activation, which sets this timer afresh.
  fx.timer('tick', halfTickUs(s), halfTickUs(s));
  return maybeFixEpoch(next, fx);
}

/**
 * Each of the leader's three waits (getEpochToPropose, waitForEpochAck, waitForNewLeaderAck) gives
 * up after its own initLimit·tickTime, counted from when the leader's thread enters it. A
 * LearnerHandler thread waits in the same three calls with its own deadline, but always enters
 * after the leader's thread (on a packet that comes later) and returns at once once the wait is
 * over, so the leader's deadline is always the first to pass: only the leader's is modelled.
 */
function startWait(s: ZabServer, fx: Fx): void {
  const us = s.config.initLimit * s.config.tickTimeMs * MS;
  fx.timer('barrier', us, us);
}

function halfTickUs(s: ZabServer): number {
  return (s.config.tickTimeMs * MS) / 2;
}

/**
 * Leader.lead → ZooKeeperServer.loadData → takeSnapshot: the database is already loaded (the
 * restore at boot, fastForwardDataBase on leaving a role), so the snapshot holds every applied
 * txn, logged but never committed ones included (the ZOOKEEPER-1549 path: a TRUNC on this server
 * later reloads them). takeSnapshot(false) does not fsync; the log files stay, and so does the
 * committedLog. The snapshot is a reference to the persistent state, not a copy.
 */
function takeSnapshot(s: ZabServer, fx: Fx): ZabServer {
  // The ZK-1549 mutant is master's own Leader.lead for runs that turn the candidate fix on (the
  // fuzzer, the property sweeps): with it the dirty snapshot is taken again.
  if (s.config.skipDirtyLeadSnapshot && !hasMutant(s.config, 'ZK-1549') && s.applied > s.committed) {
    fx.note(`no snapshot at lead: ${s.applied - s.committed} applied txn(s) not known committed (skipDirtyLeadSnapshot, not ZooKeeper)`);
    return s;
  }
  const snapshot = snapshotOfApplied(s);
  fx.persist({ kind: 'snapshot', snapshot, replacesLog: false });
  return patchServer(s, { snapshot, db: patchDb(s.db, { staleTail: recordsAbove(s.db.staleTail, snapshot.zxid) }) });
}

/** getEpochToPropose: once a quorum (with us) has connected, e' = 1 + the max acceptedEpoch seen. */
function maybeFixEpoch(s: ZabServer, fx: Fx): ZabServer {
  const l = leaderOf(s);
  if (l.epoch !== -1 || !isQuorum(s.config, l.connecting)) return s;
  const epoch = l.epochCandidate;
  fx.note(`new epoch ${epoch} proposed to {${l.connecting.join(',')}}; waiting for a quorum of ACKEPOCH (initLimit ${s.config.initLimit} ticks)`, {
    kind: 'epochProposed',
    epoch,
  });
  if (!hasMutant(s.config, 'no-persist-accepted-epoch')) fx.persistSync({ kind: 'acceptedEpoch', epoch });
  startWait(s, fx);
  let next = withLeader(patchServer(s, { acceptedEpoch: epoch }), { epoch });
  for (const h of l.handlers) {
    if (h !== undefined && h.stage === 'EPOCH') next = sendLeaderInfo(next, h, fx);
  }
  return next;
}

/**
 * LEADERINFO is written to the handler's own socket only (LearnerHandler.run owns it): if the
 * learner's connection broke or was replaced since its FOLLOWERINFO, the packet is lost with it.
 * Sent on the learner's current connection instead, it would read as the answer to the learner's
 * next attempt, which then gets a second LEADERINFO from that attempt's own handler.
 */
function sendLeaderInfo(s: ZabServer, h: LearnerHandler, fx: Fx): ZabServer {
  const l = leaderOf(s);
  fx.sendOn(h.sid, h.conn, { type: 'LEADERINFO', newEpoch: l.epoch });
  // The handler now reads ACKEPOCH, under the socket's initLimit timeout.
  return setHandler(s, patchHandler(h, { stage: 'ACKEPOCH', readSince: l.clock }), h.sid);
}

/** A learner's packet of a type no leader receives (the leader's step has no handler for it). */
export function onIllegalLearnerPacket(s: ZabServer, from: NodeId, msg: QuorumPacket, fx: Fx): ZabServer {
  fx.note(`ignore ${msg.type} from learner ${from}: a leader never receives it`);
  fx.observe({ kind: 'anomaly', flag: 'messageIllegal', detail: `leader got ${msg.type} from ${from}` });
  return s;
}

/** LearnerHandler.run's first packet (FOLLOWERINFO or OBSERVERINFO): a new handler for `from`. */
export function onLearnerInfo(s: ZabServer, from: NodeId, conn: number, acceptedEpoch: number, observer: boolean, fx: Fx): ZabServer {
  const l = leaderOf(s);
  if (observer !== isObserver(s.config, from)) {
    fx.note(`ignore ${observer ? 'OBSERVERINFO' : 'FOLLOWERINFO'} from ${from}: its learner type disagrees with the configuration`);
    return s;
  }
  const existing = l.handlers[from];
  if (existing !== undefined && existing.conn === conn) {
    // A learner's connect resend (learner-connection.ts: TCP's retransmission on the one socket).
    // A LearnerHandler reads FOLLOWERINFO once, as its first packet: one socket is answered once.
    fx.note(`ignore repeated ${observer ? 'OBSERVERINFO' : 'FOLLOWERINFO'} from ${from} on the same connection`);
    return s;
  }
  const h: LearnerHandler = {
    sid: from,
    observer,
    conn,
    acceptedEpoch,
    stage: 'EPOCH',
    lastZxid: 0,
    ackDeadlineTick: l.tick + s.config.initLimit + s.config.syncLimit,
    forwarding: false,
    readSince: l.clock,
    syncCheckZxid: 0,
    syncCheckFloor: 0,
    syncCheckNextFloor: 0,
    queuedPackets: null,
    snap: null,
  };
  if (l.handlers[from] !== undefined) fx.note(`learner ${from} reconnected; its old LearnerHandler is closed`);
  s = setHandler(s, h, from);
  if (s.config.dropStaleAcksOnResync) {
    // O(outstanding) on a learner's reconnect, not per proposal.
    const all = outstandingToArray(l.outstanding);
    if (all.some((o) => o.acks.includes(from))) {
      // It may be TRUNCated below these proposals; it acks them again once it has re-logged them.
      fx.note(`forget ${from}'s ACKs of outstanding proposals: it is re-syncing`);
      s = withLeader(s, { outstanding: outstandingOf(all.map((o) => (o.acks.includes(from) ? { txn: o.txn, acks: o.acks.filter((a) => a !== from) } : o))) });
    }
  }
  if (l.epoch !== -1) return sendLeaderInfo(s, h, fx);
  const connecting = !observer && !l.connecting.includes(from) ? [...l.connecting, from] : l.connecting;
  s = withLeader(s, { epochCandidate: Math.max(l.epochCandidate, acceptedEpoch + 1), connecting });
  return maybeFixEpoch(s, fx);
}

export function onAckEpoch(s: ZabServer, h: LearnerHandler, lastZxid: Zxid, currentEpoch: number, fx: Fx): ZabServer {
  if (h.stage !== 'ACKEPOCH') {
    fx.note(`ignore ACKEPOCH from ${h.sid}: handler stage ${h.stage}`);
    return s;
  }
  // StateSummary.isMoreRecentThan: a learner ahead of us means FLE picked the wrong leader. Leader.waitForEpochAck
  // makes the check only until the epoch is established (electionFinished; until then currentEpoch and
  // lastProcessedZxid are still the leaderStateSummary taken at Leader.lead's start), and its IOException
  // ends that learner's LearnerHandler only: the leader keeps waiting for the others.
  const ahead = currentEpoch !== -1 && (currentEpoch > s.currentEpoch || (currentEpoch === s.currentEpoch && lastZxid > s.lastProcessedZxid));
  if (ahead && s.config.shutdownOnLearnerAhead) {
    fx.note(`learner ${h.sid} is ahead of the leader (epoch ${currentEpoch}, zxid ${formatZxid(lastZxid)}): giving up leadership (shutdownOnLearnerAhead)`);
    return withLeader(s, { shutdown: 'a learner is ahead of the leader' });
  }
  if (ahead && s.phase === 'DISCOVERY') {
    const summary = `epoch ${currentEpoch}, zxid ${formatZxid(lastZxid)}; leader at epoch ${s.currentEpoch}, zxid ${formatZxid(s.lastProcessedZxid)}`;
    return closeHandler(s, h, `it is ahead of the leader (${summary})`, fx);
  }
  const l = leaderOf(s);
  s = setHandler(s, patchHandler(h, { stage: 'WAIT_QUORUM', lastZxid }), h.sid);
  // An ACKEPOCH of -1 (epoch already accepted) is synced but does not count toward the quorum.
  if (!h.observer && currentEpoch !== -1 && !l.electing.includes(h.sid)) s = withLeader(s, { electing: [...l.electing, h.sid] });
  if (s.phase === 'DISCOVERY') {
    if (!isQuorum(s.config, leaderOf(s).electing)) return s;
    return establish(s, fx);
  }
  return sendSync(s, leaderOf(s).handlers[h.sid] as LearnerHandler, fx);
}

/** waitForEpochAck returned: write currentEpoch, then sync every learner that acked. */
function establish(s: ZabServer, fx: Fx): ZabServer {
  const epoch = leaderOf(s).epoch;
  fx.persistSync({ kind: 'currentEpoch', epoch });
  fx.observe({ kind: 'established', epoch });
  fx.observe({ kind: 'role', role: 'LEADING', phase: 'SYNCHRONIZATION', epoch, leader: s.id });
  fx.note(
    `epoch ${epoch} established by {${leaderOf(s).electing.join(',')}}; synchronizing learners, waiting for a quorum of NEWLEADER acks (initLimit ${s.config.initLimit} ticks)`,
  );
  startWait(s, fx);
  let next: ZabServer = patchServer(s, { currentEpoch: epoch, phase: 'SYNCHRONIZATION' });
  for (const h of leaderOf(next).handlers) {
    if (h !== undefined && h.stage === 'WAIT_QUORUM') next = sendSync(next, h, fx);
  }
  return maybeActivate(next, fx);
}

/**
 * LearnerHandler.syncFollower's packets, then startForwarding and NEWLEADER, in the order a syncing
 * learner reads them (sync-follower.ts decides which; LearnerHandler.run sends them in this order).
 * DIFF and TRUNC are queued with startForwarding's packets and NEWLEADER by one thread with no wait
 * in between, so they go out in one step here; a SNAP spans two intervals (snap-send.ts).
 */
function sendSync(s: ZabServer, h: LearnerHandler, fx: Fx): ZabServer {
  const l = leaderOf(s);
  const base = historyBase(s);
  const committedEnd = s.phase === 'BROADCAST' ? s.committed : s.applied;
  // ZKDatabase's committedLog: the last commitLogCount txns applied since it was last rebuilt.
  const windowStart = committedLogWindowStart(s.db.committedLogStart, committedEnd, s.config.commitLogCount, s.db.committedLogHoles);
  const d = syncFollower({
    peerLastZxid: h.lastZxid,
    lastProcessedZxid: s.lastProcessedZxid,
    base,
    windowStart,
    committedEnd,
    zxidAt: (i) => (txnAt(s, i) as Txn).zxid,
    diffWithoutTrunc: hasMutant(s.config, 'ZK-1154'),
    snapWithEmptyCommittedLog: hasMutant(s.config, 'ZK-2832'),
    txnLogFrom: txnLogFrom(s),
    // The log has had one file since this server's history began; a replaced log (SNAP) left older files (oldLogTop).
    txnLogOnlyFile: newestLogFile(s.db.logFiles, historyCount(s)) === 0 && s.db.oldLogTop === 0,
    holes: holesFrom(s.db.committedLogHoles, windowStart),
  });
  const mode = d.mode;
  const packetZxid = d.packetZxid;
  fx.observe({ kind: 'sync', mode, learner: h.sid, peerLastZxid: h.lastZxid, zxid: packetZxid });
  fx.note(
    `sync ${h.sid}: ${mode} ${formatZxid(packetZxid)} (peer at ${formatZxid(h.lastZxid)}, committed window ${formatZxid(d.minCommitted)}..${formatZxid(d.maxCommitted)}` +
      `${d.txnLogFrom === null ? '' : `; below it, from the txn log file starting at ${formatZxid((txnAt(s, d.txnLogFrom) as Txn).zxid)}`})`,
    { kind: 'syncSource', learner: h.sid, mode, fromTxnLog: d.txnLogFrom !== null },
  );
  if (mode === 'SNAP') return startSnap(s, h, d.forwardFrom, committedEnd, fx);
  fx.send(h.sid, { type: mode, zxid: packetZxid });
  if (d.sendFrom >= 0) {
    for (let i = presentFrom(d.skipped, d.sendFrom); i < committedEnd; i = presentFrom(d.skipped, i + 1)) {
      const txn = txnAt(s, i) as Txn;
      fx.send(h.sid, { type: 'PROPOSAL', txn });
      fx.send(h.sid, { type: 'COMMIT', zxid: txn.zxid });
    }
  }
  // startForwarding: outstanding proposals after what the learner now has (participants only).
  if (!h.observer || hasMutant(s.config, 'count-observer-acks')) {
    for (const o of outstandingToArray(l.outstanding)) if (o.txn.zxid > d.forwardFrom) fx.send(h.sid, { type: 'PROPOSAL', txn: o.txn });
  }
  fx.send(h.sid, { type: 'NEWLEADER', zxid: makeZxid(l.epoch, 0) });
  // The handler now reads the NEWLEADER ack, still under the socket's initLimit timeout.
  return setHandler(s, patchHandler(h, { stage: 'NEWLEADER_SENT', forwarding: true, readSince: l.clock }), h.sid);
}

/** The newest txn log file's first record, if txn-log sync is on and that file is still in the log. */
function txnLogFrom(s: ZabServer): number | null {
  if (s.config.snapshotSizeFactor < 0) return null;
  const from = newestLogFile(s.db.logFiles, historyCount(s));
  return from >= s.logBase && from < historyCount(s) ? from : null;
}

export function onAck(s: ZabServer, h: LearnerHandler, zxid: Zxid, fx: Fx): ZabServer {
  const l = leaderOf(s);
  if (h.stage === 'NEWLEADER_SENT') {
    // Leader.waitForNewLeaderAck returns at once when quorumFormed, before it looks at the zxid, and
    // waitForStartup then returns too: a learner that joins an established leader gets UPTODATE
    // whatever its first ACK is (the ZOOKEEPER-4685 late joiner is not stuck).
    if (s.phase === 'BROADCAST') return sendUpToDate(s, h, fx);
    if (zxid !== makeZxid(l.epoch, 0)) {
      // The first ACK after NEWLEADER is taken as its ack (ZK-4685): a proposal ack here stalls us.
      fx.note(`NEWLEADER ACK from ${h.sid} has zxid ${formatZxid(zxid)}, not ${formatZxid(makeZxid(l.epoch, 0))}: not counted; handler waits for startup`);
      fx.observe({ kind: 'anomaly', flag: 'ackInconsistent', detail: `first ACK after NEWLEADER from ${h.sid} is ${formatZxid(zxid)}` });
      return setHandler(s, patchHandler(h, { stage: 'STUCK' }), h.sid);
    }
    let next = setHandler(s, patchHandler(h, { stage: 'NEWLEADER_ACKED' }), h.sid);
    if (!h.observer && !l.newLeaderAcks.includes(h.sid)) next = withLeader(next, { newLeaderAcks: [...l.newLeaderAcks, h.sid] });
    return maybeActivate(next, fx);
  }
  if (h.stage === 'STUCK' || h.stage === 'NEWLEADER_ACKED') return s; // blocked in waitForStartup
  if (tracksProposals(s, h)) s = syncLimitOnAck(s, h, zxid);
  if (counterOf(zxid) === 0) return s; // the ack of UPTODATE
  if (h.observer && !hasMutant(s.config, 'count-observer-acks')) {
    fx.note(`ignore ACK from observer ${h.sid}`);
    return s;
  }
  return processAck(s, h.sid, zxid, fx);
}

function maybeActivate(s: ZabServer, fx: Fx): ZabServer {
  const l = leaderOf(s);
  if (s.phase !== 'SYNCHRONIZATION' || !isQuorum(s.config, l.newLeaderAcks)) return s;
  // startZkServer: the whole history is committed in the new epoch; serve from <e',0>.
  const epochZxid = makeZxid(l.epoch, epochCounterStart(s.config, l.epoch));
  const count = historyCount(s);
  let next: ZabServer = applyTo(s, count, null);
  next = patchServer(next, { phase: 'BROADCAST', committed: count, lastProcessedZxid: epochZxid });
  next = withLeader(next, { lastCommitted: epochZxid, lastProposed: epochZxid, prepState: smPrepInit(next.sm, next.state) });
  next = next.app.onActivate(next, fx);
  next = updateElectionVote(next, l.epoch);
  fx.observe({ kind: 'activated', epoch: l.epoch, lastZxid: lastLoggedZxid(next), count });
  fx.observe({ kind: 'committedTo', zxid: lastLoggedZxid(next), count });
  fx.observe({ kind: 'role', role: 'LEADING', phase: 'BROADCAST', epoch: l.epoch, leader: s.id });
  fx.note(`NEWLEADER acked by {${l.newLeaderAcks.join(',')}}: leader active in epoch ${l.epoch}, serving clients`);
  fx.cancel('barrier');
  // Leader.lead's ping loop starts now: its first half tick is tickTime/2 from activation.
  fx.timer('tick', halfTickUs(s), halfTickUs(s));
  for (const h of l.handlers) {
    if (h !== undefined && (h.stage === 'NEWLEADER_ACKED' || h.stage === 'STUCK')) next = sendUpToDate(next, h, fx);
  }
  return next;
}

/**
 * LearnerHandler.run after waitForNewLeaderAck and waitForStartup: SyncLimitCheck starts (with no
 * proposal tracked: those already sent went out before it started), UPTODATE is queued, and the
 * handler's read loop begins under the syncLimit socket timeout.
 */
function sendUpToDate(s: ZabServer, h: LearnerHandler, fx: Fx): ZabServer {
  const l = leaderOf(s);
  fx.send(h.sid, { type: 'UPTODATE' });
  const started = { syncCheckZxid: 0, syncCheckFloor: l.lastProposed, syncCheckNextFloor: l.lastProposed };
  return setHandler(s, patchHandler(h, { stage: 'UPTODATE', readSince: l.clock, ...started }), h.sid);
}

// ------------------------------------------------------------------ broadcast

/**
 * A client write, arriving directly or forwarded by a learner. Leader.propose has no cap on
 * outstanding proposals: ZooKeeper bounds them upstream, each server throttling its own clients
 * (ServerCnxn.incrOutstandingAndCheckThrottle, globalOutstandingLimit; protocol/service).
 */
export function submitWrite(s: ZabServer, origin: Origin, op: unknown, fx: Fx): ZabServer {
  return propose(s, origin, op, fx);
}

/** A client request on the leader's own connection (the caller checked that it serves). */
export function leaderRequest(s: ZabServer, client: NodeId, xid: number, op: unknown, fx: Fx): ZabServer {
  const kept = s.app.leaderRequest(s, s.id, client, xid, op, fx);
  if (kept !== null) return kept;
  return submitWrite(s, { server: s.id, client, xid }, op, fx);
}

export function onForwardedRequest(s: ZabServer, from: NodeId, client: NodeId, xid: number, op: unknown, fx: Fx): ZabServer {
  const kept = s.app.leaderRequest(s, from, client, xid, op, fx);
  if (kept !== null) return kept;
  if (s.phase !== 'BROADCAST') {
    fx.note(`ignore REQUEST from ${from}: leader not active`);
    return s;
  }
  return submitWrite(s, { server: from, client, xid }, op, fx);
}

/** Leader.propose: zxid, speculative apply, log + fsync, PROPOSAL to forwarding participants. */
function propose(s: ZabServer, origin: Origin, op: unknown, fx: Fx): ZabServer {
  ({ server: s, op } = s.app.beforePrep(s, origin, op));
  const l = leaderOf(s);
  const counter = counterOf(l.lastProposed) + 1;
  if (counter >= COUNTER_ROLLOVER) {
    fx.note(`zxid counter would reach 0xffffffff: shutting down to force a new epoch (ZOOKEEPER-1277)`);
    return withLeader(s, { shutdown: 'zxid rollover' });
  }
  const zxid = makeZxid(l.epoch, counter);
  const { body, prepState } = smPrepNext(s.sm, l.prepState, op, { zxid, nowMs: Math.floor(s.nowUs / MS), client: origin.client });
  const txn: Txn = { zxid, body, origin };
  const token = s.fsyncToken + 1;
  const appended = appendTxn(s.log, txn);
  fx.persist(appended);
  fx.fsync(token);
  fx.observe({ kind: 'propose', zxid, epoch: l.epoch, committedCount: s.committed });
  // One message object for every learner: messages are immutable data, like the packet the
  // leader serializes once into each LearnerHandler's queue.
  const proposal: ZabMessage = { type: 'PROPOSAL', txn };
  let handlers = l.handlers;
  for (const h of l.handlers) {
    if (h === undefined || !h.forwarding) continue;
    if (h.observer && !hasMutant(s.config, 'count-observer-acks')) continue;
    handlers = forwardPacket(handlers, h, proposal, fx);
  }
  const lh = handlers === l.handlers ? l : patchLeader(l, { handlers });
  const leader = leaderProposed(lh, zxid, prepState, addOutstanding(l.outstanding, txn), queuePush(l.selfAckBatches, { token, zxids: [zxid] }));
  return maybeSnapshot(withAppend(s, appended.log, token, leader, s.learner), fx);
}

/** The leader's own log write is durable: it acks its proposals (AckRequestProcessor). */
export function onLeaderFsynced(s: ZabServer, token: number, fx: Fx): ZabServer {
  const l = leaderOf(s);
  const taken = takeBatch(l.selfAckBatches, token);
  if (taken === null) return s;
  let next = withFsynced(s, token, patchLeader(l, { selfAckBatches: taken.rest }), s.learner);
  for (const zxid of taken.batch.zxids) {
    if (next.role !== 'LEADING' || next.phase !== 'BROADCAST') break;
    next = processAck(next, s.id, zxid, fx);
  }
  return next;
}

/** Leader.processAck + tryToCommit, looping over proposals that were already acked. */
function processAck(s: ZabServer, sid: NodeId, zxid: Zxid, fx: Fx): ZabServer {
  const l = leaderOf(s);
  if (counterOf(zxid) === 0 || l.outstanding.size === 0 || zxid <= l.lastCommitted) return s;
  const at = outstandingIndexOf(l.outstanding, zxid);
  if (at < 0) {
    fx.note(`ignore ACK ${formatZxid(zxid)} from ${sid}: no such outstanding proposal`);
    return s;
  }
  const o = outstandingAt(l.outstanding, at) as Outstanding;
  if (o.acks.includes(sid)) return s;
  const acked: Outstanding = { txn: o.txn, acks: [...o.acks, sid] };
  let leader: LeaderState;
  let next = s;
  if (at === 0 && canCommit(s, acked)) {
    // The ACK commits the oldest proposal, which leaves the outstanding ones in this very step, and
    // nothing reads a committed proposal's acks: the ACK is not written into the vector first (a
    // pvecSet copies a leaf of up to 32 slots, and the leader record once more). This is the ACK
    // that completes the quorum of nearly every txn; the loop below commits whatever follows it.
    next = commitHead(s, l, fx);
    if (next.role !== 'LEADING') return next;
    leader = leaderOf(next);
  } else {
    // The leader record with the ACK counted goes straight into the first commit's copy of the
    // server: an ACK that commits copies the server once per commit, not once more for the ACK.
    leader = withOutstanding(l, replaceOutstanding(l.outstanding, at, acked));
  }
  for (;;) {
    const head = oldestOutstanding(leader.outstanding);
    if (head === undefined || !canCommit(next, head)) return next.leader === leader ? next : withLeaderState(next, leader);
    next = commitHead(next, leader, fx);
    if (next.role !== 'LEADING') return next;
    leader = leaderOf(next);
  }
}

function canCommit(s: ZabServer, o: Outstanding): boolean {
  if (hasMutant(s.config, 'commit-without-quorum')) return o.acks.length > 0;
  if (hasMutant(s.config, 'count-observer-acks')) return o.acks.length > Math.floor(s.config.voters.length / 2);
  return isQuorum(s.config, o.acks);
}

/**
 * tryToCommit succeeded for the head: COMMIT to participants, INFORM to observers, apply, answer.
 * `l` is the server's leader record with the latest ACK counted (processAck has not stored it yet).
 */
function commitHead(s: ZabServer, l: LeaderState, fx: Fx): ZabServer {
  const head = oldestOutstanding(l.outstanding);
  assert(head !== undefined, 'commit with nothing outstanding');
  const rest = dropOldestOutstanding(l.outstanding);
  const txn = head.txn;
  const index = s.applied;
  if (s.applied !== s.committed) assert(false, 'leader applied state runs ahead of its commits');
  if (txnAt(s, index)?.zxid !== txn.zxid) assert(false, `leader commits ${formatZxid(txn.zxid)} but its log has another txn at ${index}`);
  let commit: ZabMessage | null = null;
  let inform: ZabMessage | null = null;
  let handlers = l.handlers;
  for (const h of l.handlers) {
    if (h === undefined || !h.forwarding) continue;
    handlers = forwardPacket(handlers, h, h.observer ? (inform ??= { type: 'INFORM', txn }) : (commit ??= { type: 'COMMIT', zxid: txn.zxid }), fx);
  }
  const applied = s.sm.apply(s.state, txn.body, txn.zxid);
  fx.observe({ kind: 'commit', zxid: txn.zxid, index });
  const lh = handlers === l.handlers ? l : patchLeader(l, { handlers });
  const leader = leaderCommitted(lh, rest, txn.zxid, smPrepRetire(s.sm, l.prepState, applied.state, txn.zxid));
  const committed = withApplied(s, applied.state, index + 1, txn.zxid, index + 1, leader, s.learner);
  const next = committed.app.afterApply(committed, txn, applied.result, fx);
  return next;
}

/**
 * Every half tick from Leader.lead's start: the handlers' socket read timeouts; then, once active,
 * Leader.lead's loop: every tick the synced-quorum check, every half tick LearnerHandler.ping
 * (which closes a learner whose SyncLimitCheck fails instead of pinging it).
 */
export function onLeaderTick(s: ZabServer, fx: Fx): ZabServer {
  fx.timer('tick', halfTickUs(s), halfTickUs(s));
  const l = leaderOf(s);
  const clock = l.clock + 1;
  const keep = 2 * s.config.syncLimit + 1;
  const recent = l.proposedAtClock.length < keep ? l.proposedAtClock : l.proposedAtClock.slice(1);
  let next = withLeader(s, { clock, proposedAtClock: [...recent, l.lastProposed] });
  // A read timeout ends the handler's thread at once, so it is gone before the quorum check below.
  for (const h of l.handlers) {
    if (h === undefined) continue;
    const budget = readBudgetHalfTicks(s, h);
    // Its last packet came after clock tick `readSince` fired: silent for at least clock - readSince - 1
    // half ticks (so never early, at most half a tick late).
    if (budget !== null && clock - h.readSince - 1 >= budget) next = closeHandler(next, h, `read timeout: nothing for ${budget / 2} ticks`, fx);
  }
  if (next.phase !== 'BROADCAST') return next;
  return pingLoop(next, fx);
}

function pingLoop(s: ZabServer, fx: Fx): ZabServer {
  const l = leaderOf(s);
  const halfTicks = l.halfTicks + 1;
  const fullTick = halfTicks % 2 === 0;
  const tick = fullTick ? l.tick + 1 : l.tick;
  const synced: NodeId[] = [s.id];
  for (const h of l.handlers) {
    if (h !== undefined && !h.observer && tick <= h.ackDeadlineTick && isVoter(s.config, h.sid)) synced.push(h.sid);
  }
  let next = withLeader(s, { halfTicks, tick });
  if (fullTick && !isQuorum(s.config, synced) && !hasMutant(s.config, 'leader-never-steps-down')) {
    fx.note(`not sufficient followers synced, only {${synced.join(',')}}: stepping down`);
    return withLeader(next, { shutdown: 'not sufficient followers synced' });
  }
  const expiredAt = l.proposedAtClock.length === 2 * s.config.syncLimit + 1 ? (l.proposedAtClock[0] as Zxid) : 0;
  // One packet for every learner, as commitHead's COMMIT: messages are immutable.
  let ping: ZabMessage | null = null;
  for (const h of l.handlers) {
    // A LearnerHandler's queue is only sent once its sync has started (startSendingPackets).
    if (h === undefined || !h.forwarding) continue;
    const current = tracksProposals(s, h) ? syncLimitCurrent(l, h) : 0;
    if (current !== 0 && current <= expiredAt) {
      next = closeHandler(next, h, `proposal ${formatZxid(current)} unacked for ${s.config.syncLimit} ticks (SyncLimitCheck)`, fx);
    } else {
      const handlers = leaderOf(next).handlers;
      const queued = forwardPacket(handlers, h, (ping ??= { type: 'PING', zxid: l.lastProposed }), fx);
      if (queued !== handlers) next = withLeader(next, { handlers: queued });
    }
  }
  return next;
}

/** A learner's connection died (RST or FIN): its handler is gone. */
export function dropLearner(s: ZabServer, sid: NodeId, fx: Fx): ZabServer {
  const h = leaderOf(s).handlers[sid];
  if (h === undefined) return s;
  fx.note(`learner ${sid} disconnected; LearnerHandler closed`);
  return setHandler(s, undefined, sid);
}

/** The barrier timer: the leader's current wait passed its initLimit·tickTime (Java's messages). */
export function onBarrierTimeout(s: ZabServer, fx: Fx): ZabServer {
  if (s.phase === 'BROADCAST') return s;
  const why =
    s.phase === 'SYNCHRONIZATION'
      ? 'Timeout while waiting for NEWLEADER to be acked by quorum'
      : leaderOf(s).epoch === -1
        ? 'Timeout while waiting for epoch from quorum'
        : 'Timeout while waiting for epoch to be acked by quorum';
  fx.note(`${why} (initLimit ${s.config.initLimit} ticks): giving up`);
  return withLeader(s, { shutdown: why });
}

/** Why the leader must shut down, if it must (Leader.shutdown). */
export function leaderShutdown(s: ZabServer): string | null {
  return s.leader === null ? null : s.leader.shutdown;
}
