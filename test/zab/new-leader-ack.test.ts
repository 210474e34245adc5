// Proves how the leader reads a learner's first ACK after NEWLEADER (Leader.waitForNewLeaderAck,
// LearnerHandler.run): before the quorum forms a wrong zxid is not counted and the handler waits for
// startup, then gets UPTODATE; once the leader is established it returns at once, so a late joiner
// whose proposal ACK overtook its NEWLEADER ACK (ZOOKEEPER-4685) still gets UPTODATE.
import { describe, expect, test } from 'vitest';
import { activeLeader, config, deliver, leading, observations, show, step, syncing, z } from './harness.js';

const cfg = config();

describe('Leader.waitForNewLeaderAck', () => {
  test('before the quorum: a first ACK of another zxid is not counted, and the handler waits for startup', () => {
    const s = syncing(leading(3, cfg), 2, 0, 0, 0).next;
    const stuck = step(s, deliver(2, { type: 'ACK', zxid: z(1, 1) }));
    expect(stuck.next.phase).toBe('SYNCHRONIZATION');
    expect(stuck.next.leader?.newLeaderAcks).toEqual([3]);
    expect(observations(stuck.effects).map((o) => o.kind)).toContain('anomaly');
    expect(show(stuck.effects)).toEqual([]);
    // 1's ack forms the quorum {3,1} without 2: the leader starts, and 2 is released too.
    const active = step(syncing(stuck.next, 1, 0, 0, 0).next, deliver(1, { type: 'ACK', zxid: z(1, 0) }));
    expect(active.next.phase).toBe('BROADCAST');
    expect(active.next.leader?.newLeaderAcks).toEqual([3, 1]);
    expect(show(active.effects).filter((e) => e.endsWith('UPTODATE'))).toEqual(['send 1 UPTODATE', 'send 2 UPTODATE']);
  });

  test.each([
    ['its NEWLEADER ACK', z(1, 0)],
    ['a proposal ACK that overtook it (ZOOKEEPER-4685)', z(1, 1)],
  ])('after the quorum formed, a late joiner whose first ACK is %s gets UPTODATE', (_what, zxid) => {
    const s = activeLeader(cfg, [1]);
    const synced = syncing(s, 2, 0, 0, 0).next;
    expect(synced.leader?.handlers[2]?.stage).toBe('NEWLEADER_SENT');
    const r = step(synced, deliver(2, { type: 'ACK', zxid }));
    expect(show(r.effects)).toEqual(['send 2 UPTODATE']);
    expect(r.next.leader?.handlers[2]?.stage).toBe('UPTODATE');
    expect(observations(r.effects).filter((o) => o.kind === 'anomaly')).toEqual([]);
  });
});
