// Proves the broadcast rules of an active leader and its followers: a proposal commits only with a
// voter quorum of acks, strictly in zxid order; the leader's own ack counts only after its fsync;
// observer acks never count and observers get INFORM instead of PROPOSAL/COMMIT; the leader steps
// down without a synced quorum (PING / syncLimit); a follower times out without its leader; and the
// zxid counter never reaches 0xffffffff (a new epoch is forced). No-ops return the same object.
import { describe, expect, test } from 'vitest';
import type { ZabServer } from '../../protocol/zab/state.js';
import type { NodeId } from '../../protocol/program.js';
import { activeLeader, boot, config, deliver, fsyncTokens, notes, observations, show, step, steps, timeout, z, type Stepped } from './harness.js';

const withObserver = config({}, [1, 2, 3], [4]);

/** Leader 3 (voters 1..3, observer 4) proposes a write forwarded by follower 1. */
function proposed(s: ZabServer, xid = 1): Stepped {
  return step(s, deliver(1, { type: 'REQUEST', client: 9, xid, op: { type: 'set', key: 'k', value: `v${xid}` } }));
}

function ack(s: ZabServer, from: NodeId, counter: number): Stepped {
  return step(s, deliver(from, { type: 'ACK', zxid: z(1, counter) }));
}

const commits = (r: Stepped): string[] => show(r.effects, ['send']).filter((e) => / (COMMIT|INFORM) /.test(e));

describe('leader broadcast', () => {
  test('a proposal is logged, fsynced and sent to forwarding participants only (not the observer)', () => {
    const s = activeLeader(withObserver, [1, 2, 4]);
    const r = proposed(s);
    expect(show(r.effects)).toEqual(['persist append 1:1', 'fsync', 'send 1 PROPOSAL 1:1', 'send 2 PROPOSAL 1:1']);
    expect(r.next.leader?.outstanding.size).toBe(1);
  });

  test.each<[string, (s: ZabServer, token: number) => Stepped, boolean]>([
    ['one follower ack alone', (s) => ack(s, 1, 1), false],
    ['the observer ack and the leader fsync', (s, t) => step(ack(s, 4, 1).next, { type: 'fsynced', token: t }), false],
    ['the leader fsync alone', (s, t) => step(s, { type: 'fsynced', token: t }), false],
    ['two follower acks', (s) => ack(ack(s, 1, 1).next, 2, 1), true],
    ['one follower ack and the leader fsync', (s, t) => step(ack(s, 2, 1).next, { type: 'fsynced', token: t }), true],
  ])('%s: committed = %s', (_what, acks, committed) => {
    const p = proposed(activeLeader(withObserver, [1, 2, 4]));
    const [token] = fsyncTokens(p.effects);
    const r = acks(p.next, token as number);
    expect(r.next.committed).toBe(committed ? 1 : 0);
    expect(commits(r)).toEqual(committed ? ['send 1 COMMIT 1:1', 'send 2 COMMIT 1:1', 'send 4 INFORM 1:1'] : []);
  });

  test('commits strictly in order: acks for 1:2 wait for 1:1', () => {
    const s = activeLeader(config(), [1, 2]);
    const two = proposed(proposed(s).next, 2).next;
    const later = steps(two, [deliver(1, { type: 'ACK', zxid: z(1, 2) }), deliver(2, { type: 'ACK', zxid: z(1, 2) })]);
    expect(later.next.committed).toBe(0);
    const first = ack(later.next, 1, 1);
    expect(first.next.committed).toBe(0);
    // 1:1 now has {1}; one more ack commits 1:1 and then the already-acked 1:2, in order.
    const both = ack(first.next, 2, 1);
    expect(both.next.committed).toBe(2);
    expect(commits(both)).toEqual(['send 1 COMMIT 1:1', 'send 2 COMMIT 1:1', 'send 1 COMMIT 1:2', 'send 2 COMMIT 1:2']);
    expect(
      observations(both.effects)
        .filter((o) => o.kind === 'commit')
        .map((o) => (o.kind === 'commit' ? o.index : -1)),
    ).toEqual([0, 1]);
  });

  test('the count-observer-acks mutant lets an observer ack complete a quorum', () => {
    const mutant = config({ mutants: ['count-observer-acks'] }, [1, 2, 3], [4]);
    const p = proposed(activeLeader(mutant, [1, 2, 4]));
    const [token] = fsyncTokens(p.effects);
    const r = step(ack(p.next, 4, 1).next, { type: 'fsynced', token: token as number });
    expect(r.next.committed).toBe(1);
  });

  test('an fsync token nobody waits for only records that writes up to it are durable (syncedToken), with no effects', () => {
    const s = activeLeader(config(), [1, 2]);
    const r = step(s, { type: 'fsynced', token: 999 });
    expect(r.next.syncedToken).toBe(999);
    expect({ ...r.next, syncedToken: s.syncedToken }).toEqual(s);
    expect(r.effects).toEqual([]);
  });

  test.each(['learner', 'barrier'])('a stray %s timer on an active leader changes nothing but the clock', (timer) => {
    const s = activeLeader(config(), [1, 2]);
    const r = step(s, timeout(timer, 5_000));
    expect(r.effects).toEqual([]);
    expect(r.next.nowUs).toBe(5_000);
    expect({ ...r.next, nowUs: s.nowUs }).toEqual(s);
  });
});

describe('follower broadcast', () => {
  /** Follower 1 in BROADCAST under leader 3, epoch 1, empty history. */
  function follower(): ZabServer {
    const joined = steps(activeFollowerBoot(), [
      deliver(3, { type: 'LEADERINFO', newEpoch: 1 }),
      deliver(3, { type: 'DIFF', zxid: 0 }),
      deliver(3, { type: 'NEWLEADER', zxid: z(1, 0) }),
    ]);
    const [token] = fsyncTokens(joined.effects);
    const up = steps(joined.next, [{ type: 'fsynced', token: token as number }, deliver(3, { type: 'UPTODATE' })]);
    expect(up.next.phase).toBe('BROADCAST');
    return up.next;
  }

  function activeFollowerBoot(): ZabServer {
    return steps(bootFresh(1), [
      deliver(3, { type: 'NOTIFICATION', leader: 3, zxid: 0, electionEpoch: 1, peerEpoch: 0, state: 'LOOKING' }),
      timeout('finalize'),
    ]).next;
  }

  test('PROPOSAL is logged and acked only after its fsync; COMMIT applies it', () => {
    const f = follower();
    const p = step(f, deliver(3, { type: 'PROPOSAL', txn: { zxid: z(1, 1), body: { type: 'set', key: 'k', value: 'v', version: 0 }, origin: null } }));
    expect(show(p.effects)).toEqual(['persist append 1:1', 'fsync']);
    const [token] = fsyncTokens(p.effects);
    const a = step(p.next, { type: 'fsynced', token: token as number });
    expect(show(a.effects)).toEqual(['send 3 ACK 1:1']);
    const c = step(a.next, deliver(3, { type: 'COMMIT', zxid: z(1, 1) }));
    expect(c.next.committed).toBe(1);
  });

  test('a COMMIT for another zxid than the next pending txn exits the process (FollowerZooKeeperServer.commit: UNMATCHED_TXN_COMMIT)', () => {
    const f = follower();
    const p = step(f, deliver(3, { type: 'PROPOSAL', txn: { zxid: z(1, 1), body: { type: 'set', key: 'k', value: 'v', version: 0 }, origin: null } }));
    const c = step(p.next, deliver(3, { type: 'COMMIT', zxid: z(1, 2) }));
    // The process stops where it is: no election, no DISCONNECT; the exit is the step's last effect.
    expect(c.effects[c.effects.length - 1]).toEqual({ type: 'exit', code: 12 });
    expect(show(c.effects)).toEqual(['exit 12']);
    expect(c.next.role).toBe('FOLLOWING');
    expect(c.next.applied).toBe(0);
    expect(observations(c.effects).some((o) => o.kind === 'anomaly' && o.flag === 'commitInconsistent')).toBe(true);
  });

  test('four silent read-timeout checks (syncLimit ticks) send the follower back to LOOKING', () => {
    let s = follower();
    const quiet = step(s, timeout('learner'));
    expect(quiet.next.role).toBe('FOLLOWING');
    s = quiet.next;
    let last: Stepped = quiet;
    for (let i = 0; i < 4; i++) {
      last = step(s, timeout('learner'));
      s = last.next;
    }
    expect(s.role).toBe('LOOKING');
    expect(notes(last.effects).some((n) => n.includes('read timeout'))).toBe(true);
  });
});

function bootFresh(id: NodeId): ZabServer {
  return boot(id, config());
}

describe('leader PING and the synced-quorum check', () => {
  test('every tickTime/2 the leader pings forwarding learners', () => {
    const s = activeLeader(config(), [1, 2]);
    const r = step(s, timeout('tick'));
    expect(show(r.effects, ['send'])).toEqual(['send 1 PING 1:0', 'send 2 PING 1:0']);
  });

  test('without packets from a quorum for syncLimit ticks the leader steps down', () => {
    let s = activeLeader(config(), [1, 2]);
    let stepped = 0;
    while (s.role === 'LEADING' && stepped < 100) {
      s = step(s, timeout('tick')).next;
      stepped++;
    }
    expect(s.role).toBe('LOOKING');
    // syncLimit 5 ticks = 10 half-ticks after the last packet (plus the one tick of grace).
    expect(stepped).toBe(12);
  });

  test('learner PINGs keep the quorum synced', () => {
    let s = activeLeader(config(), [1, 2]);
    for (let i = 0; i < 40; i++) {
      s = step(s, timeout('tick')).next;
      s = step(s, deliver(1, { type: 'PING', zxid: 0 })).next;
    }
    expect(s.role).toBe('LEADING');
    expect(s.phase).toBe('BROADCAST');
  });
});

describe('zxid counter rollover (ZOOKEEPER-1277)', () => {
  test.each([
    // [counterStart, writes accepted before the leader shuts down]
    [0xfffffffd, 1],
    [0xfffffffa, 4],
  ])('counterStart %i: %i proposals, then a forced new epoch', (counterStart, accepted) => {
    let s = activeLeader(config({ counterStart }), [1, 2]);
    for (let i = 1; i <= accepted; i++) {
      const r = proposed(s, i);
      expect(r.next.role).toBe('LEADING');
      s = r.next;
    }
    expect(s.leader?.lastProposed).toBe(z(1, 0xfffffffe));
    const r = proposed(s, accepted + 1);
    expect(r.next.role).toBe('LOOKING');
    expect(notes(r.effects)).toContain('zxid counter would reach 0xffffffff: shutting down to force a new epoch (ZOOKEEPER-1277)');
    expect(show(r.effects, ['persist'])).toEqual([]);
  });
});
