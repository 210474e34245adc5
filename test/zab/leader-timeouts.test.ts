// Proves the leader's own timeouts as ZooKeeper's Leader and LearnerHandler have them: each of the
// three waits before activation has its own initLimit budget, a learner ahead of the leader loses
// only its own LearnerHandler (and only before the epoch is established), a LearnerHandler whose
// socket read passes its timeout is closed, and SyncLimitCheck closes a learner that pings but
// leaves a proposal unacked for syncLimit ticks.
import { describe, expect, test } from 'vitest';
import type { NodeId } from '../../protocol/program.js';
import type { ZabServer } from '../../protocol/zab/state.js';
import { activeLeader, boot, config, deliver, disk, leading, notes, show, step, syncing, timeout, vote, z } from './harness.js';

// Leader.getEpochToPropose, waitForEpochAck, waitForNewLeaderAck and LearnerHandler's SyncLimitCheck,
// ping and socket timeouts read the same in ZooKeeper 3.8.6 and master.
const handlerOf = (s: ZabServer, sid: NodeId) => s.leader?.handlers[sid];

/** One half tick of the leader's clock, with `pinging` learners answering the leader's PING. */
function halfTick(s: ZabServer, pinging: readonly NodeId[]): ZabServer {
  let next = step(s, timeout('tick')).next;
  for (const sid of pinging) if (next.role === 'LEADING') next = step(next, deliver(sid, { type: 'PING', zxid: 0 })).next;
  return next;
}

describe('Leader.getEpochToPropose, waitForEpochAck, waitForNewLeaderAck: one initLimit budget each', () => {
  const leaderDisk = disk([z(1, 1), z(1, 2)], { current: 1 });

  test('the barrier is set afresh as each wait begins', () => {
    const s = leading(3, config(), leaderDisk);
    const fixed = step(s, deliver(1, { type: 'FOLLOWERINFO', acceptedEpoch: 1 }));
    // getEpochToPropose returned (a quorum connected): waitForEpochAck starts its own initLimit.
    expect(show(fixed.effects, ['setTimer'])).toEqual(['setTimer barrier']);
    const established = step(fixed.next, deliver(1, { type: 'ACKEPOCH', lastZxid: z(1, 1), currentEpoch: 1 }));
    expect(established.next.phase).toBe('SYNCHRONIZATION');
    // waitForEpochAck returned: waitForNewLeaderAck starts its own initLimit.
    expect(show(established.effects, ['setTimer'])).toEqual(['setTimer barrier']);
  });

  test.each([
    ['getEpochToPropose', 0, 'Timeout while waiting for epoch from quorum'],
    ['waitForEpochAck', 1, 'Timeout while waiting for epoch to be acked by quorum'],
    ['waitForNewLeaderAck', 2, 'Timeout while waiting for NEWLEADER to be acked by quorum'],
  ])('a timeout in %s names that wait', (_wait, packets, message) => {
    let s = leading(3, config(), leaderDisk);
    if (packets >= 1) s = step(s, deliver(1, { type: 'FOLLOWERINFO', acceptedEpoch: 1 })).next;
    if (packets >= 2) s = step(s, deliver(1, { type: 'ACKEPOCH', lastZxid: z(1, 1), currentEpoch: 1 })).next;
    const r = step(s, timeout('barrier'));
    expect(r.next.role).toBe('LOOKING');
    expect(notes(r.effects)).toContain(`LEADING -> LOOKING: ${message}`);
  });
});

describe('Leader.waitForEpochAck: an ACKEPOCH from a learner ahead of the leader', () => {
  const leaderDisk = disk([z(1, 1), z(1, 2), z(1, 3)], { current: 1 });

  test('before the epoch is established, only that learner is closed; the leader waits for others', () => {
    const s = leading(3, config(), leaderDisk);
    const r = syncing(s, 1, 1, z(1, 4), 1);
    expect(r.next.role).toBe('LEADING');
    expect(r.next.phase).toBe('DISCOVERY');
    expect(handlerOf(r.next, 1)).toBeUndefined();
    expect(show(r.effects, ['send'])).toEqual(['send 1 DISCONNECT']);
    // Server 2 connects and acks: the epoch is established without server 1.
    const two = syncing(r.next, 2, 1, z(1, 3), 1);
    expect(two.next.phase).toBe('SYNCHRONIZATION');
    expect(two.next.currentEpoch).toBe(2);
  });

  test('once the epoch is established the check is skipped: the learner ahead is synced (TRUNC)', () => {
    const s = syncing(leading(3, config(), leaderDisk), 2, 1, z(1, 3), 1).next;
    expect(s.phase).toBe('SYNCHRONIZATION');
    const r = syncing(s, 1, 1, z(1, 4), 1);
    expect(r.next.role).toBe('LEADING');
    expect(show(r.effects, ['send'])).toEqual(['send 1 TRUNC 1:3', 'send 1 NEWLEADER 2:0']);
  });

  test('shutdownOnLearnerAhead (the TLA+ spec, for teaching) gives up leadership instead', () => {
    const s = leading(3, config({ shutdownOnLearnerAhead: true }), leaderDisk);
    const r = syncing(s, 1, 1, z(1, 4), 1);
    expect(r.next.role).toBe('LOOKING');
    expect(notes(r.effects)).toContain('LEADING -> LOOKING: a learner is ahead of the leader');
  });
});

describe('LearnerHandler socket read timeout', () => {
  test('a silent follower is closed after syncLimit ticks; the leader keeps its quorum', () => {
    // syncLimit 5: 10 half ticks of silence; the last packet came after clock tick 0, so the
    // eleventh half tick is the first at which the silence certainly reached 10 half ticks.
    let s = activeLeader(config(), [1, 2]);
    for (let i = 1; i <= 10; i++) s = halfTick(s, [1]);
    expect(handlerOf(s, 2)).toBeDefined();
    const r = step(s, timeout('tick'));
    expect(handlerOf(r.next, 2)).toBeUndefined();
    expect(notes(r.effects)).toContain('closing LearnerHandler 2: read timeout: nothing for 5 ticks');
    expect(show(r.effects, ['send'])).toEqual(['send 2 DISCONNECT', 'send 1 PING 1:0']);
    s = r.next;
    for (let i = 0; i < 20; i++) s = halfTick(s, [1]);
    expect(s.role).toBe('LEADING');
    expect(s.phase).toBe('BROADCAST');
  });

  test('a late joiner silent after LEADERINFO is closed after initLimit ticks, not syncLimit', () => {
    let s = activeLeader(config(), [1]);
    s = step(s, deliver(2, { type: 'FOLLOWERINFO', acceptedEpoch: 0 })).next;
    expect(handlerOf(s, 2)?.stage).toBe('ACKEPOCH');
    for (let i = 1; i <= 20; i++) s = halfTick(s, [1]);
    expect(handlerOf(s, 2)).toBeDefined();
    const r = step(s, timeout('tick'));
    expect(handlerOf(r.next, 2)).toBeUndefined();
    expect(notes(r.effects)).toContain('closing LearnerHandler 2: read timeout: nothing for 10 ticks');
  });

  test('a handler blocked in getEpochToPropose is not reading: no read timeout closes it', () => {
    // Five voters: server 5 wins FLE with 1 and 2; only 1 has connected, so no epoch yet.
    const five = config({}, [1, 2, 3, 4, 5]);
    let s = boot(5, five);
    const v = s.fle.proposed;
    for (const sid of [1, 2]) s = step(s, deliver(sid, vote(5, v.zxid, v.peerEpoch, s.fle.logicalclock))).next;
    s = step(s, timeout('finalize')).next;
    expect(s.role).toBe('LEADING');
    s = step(s, deliver(1, { type: 'FOLLOWERINFO', acceptedEpoch: 0 })).next;
    for (let i = 0; i < 30; i++) s = step(s, timeout('tick')).next;
    expect(s.role).toBe('LEADING');
    expect(handlerOf(s, 1)?.stage).toBe('EPOCH');
  });
});

describe('LearnerHandler.SyncLimitCheck', () => {
  /** Follower 1 forwards write `xid`; the leader proposes it as 1:xid. */
  function propose(s: ZabServer, xid: number): ZabServer {
    return step(s, deliver(1, { type: 'REQUEST', client: 9, xid, op: { type: 'set', key: 'k', value: `v${xid}` } })).next;
  }
  const ack = (s: ZabServer, from: NodeId, counter: number) => step(s, deliver(from, { type: 'ACK', zxid: z(1, counter) })).next;

  test('a follower that pings but leaves a proposal unacked for syncLimit ticks is closed', () => {
    let s = propose(activeLeader(config(), [1, 2]), 1);
    s = ack(s, 1, 1);
    // Proposed after clock tick 0: 10 half ticks (syncLimit 5) have certainly passed at tick 11.
    for (let i = 1; i <= 10; i++) s = halfTick(s, [1, 2]);
    expect(handlerOf(s, 2)).toBeDefined();
    const r = step(s, timeout('tick'));
    expect(handlerOf(r.next, 2)).toBeUndefined();
    expect(notes(r.effects)).toContain('closing LearnerHandler 2: proposal 1:1 unacked for 5 ticks (SyncLimitCheck)');
    expect(show(r.effects, ['send'])).toEqual(['send 1 PING 1:1', 'send 2 DISCONNECT']);
  });

  test('an ACK in time clears the check', () => {
    let s = propose(activeLeader(config(), [1, 2]), 1);
    s = ack(ack(s, 1, 1), 2, 1);
    for (let i = 0; i < 30; i++) s = halfTick(s, [1, 2]);
    expect(handlerOf(s, 2)).toBeDefined();
  });

  test('two slots, as in Java: an ACK of the current proposal moves the check to the newest, skipping those between', () => {
    // 1:1 at clock 0, 1:2 at clock 1, 1:3 at clock 2; follower 2 acks 1:1 at clock 2, then never 1:2.
    let s = propose(activeLeader(config(), [1, 2]), 1);
    s = halfTick(s, [1, 2]);
    s = propose(s, 2);
    s = halfTick(s, [1, 2]);
    s = propose(s, 3);
    s = ack(s, 2, 1);
    // An exact oldest-unacked check would close at clock 1 + 11 = 12; Java tracks 1:3 (clock 2): 13.
    for (let clock = 3; clock <= 12; clock++) s = halfTick(s, [1, 2]);
    expect(handlerOf(s, 2)).toBeDefined();
    const r = step(s, timeout('tick'));
    expect(notes(r.effects)).toContain('closing LearnerHandler 2: proposal 1:3 unacked for 5 ticks (SyncLimitCheck)');
  });

  test('an observer gets no PROPOSAL, so SyncLimitCheck never closes it', () => {
    const cfg = config({}, [1, 2, 3], [4]);
    let s = ack(ack(propose(activeLeader(cfg, [1, 2, 4]), 1), 1, 1), 2, 1);
    for (let i = 0; i < 30; i++) s = halfTick(s, [1, 2, 4]);
    expect(s.role).toBe('LEADING');
    expect(handlerOf(s, 4)).toBeDefined();
  });
});
