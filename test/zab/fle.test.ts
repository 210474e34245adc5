// Proves Fast Leader Election's reducer rules: the (peerEpoch, zxid, sid) vote order, round
// handling, quorum plus finalizeWait (which drops every notification that is not a better vote),
// following an established leader only once its own LEADING
// notification is among a quorum (checkLeader), with Vote.equals' comparisons (FOLLOWING entries of our
// round by leader id alone), that observers adopt voters' votes but never count (and wait
// observerElectionDelay before an election), and that a notification
// refused by a peer that was down is sent once that peer connects (QuorumCnxManager's send queue).
import { describe, expect, test } from 'vitest';
import { isQuorum } from '../../protocol/zab/config.js';
import { totalOrderPredicate } from '../../protocol/zab/election.js';
import type { ZabServer } from '../../protocol/zab/state.js';
import { boot, config, deliver, disk, notes, show, step, steps, timeout, vote, z, type Stepped } from './harness.js';

describe('totalOrderPredicate (FastLeaderElection.totalOrderPredicate)', () => {
  const cfg = config();
  test.each([
    // [what, new vote, current vote, new wins]
    ['higher epoch beats higher zxid and sid', { leader: 1, zxid: z(1, 1), peerEpoch: 2 }, { leader: 3, zxid: z(1, 9), peerEpoch: 1 }, true],
    ['lower epoch loses to lower zxid', { leader: 3, zxid: z(1, 9), peerEpoch: 1 }, { leader: 1, zxid: z(1, 1), peerEpoch: 2 }, false],
    ['equal epoch: higher zxid beats higher sid', { leader: 1, zxid: z(1, 2), peerEpoch: 1 }, { leader: 3, zxid: z(1, 1), peerEpoch: 1 }, true],
    ['equal epoch and zxid: higher sid wins', { leader: 3, zxid: z(1, 1), peerEpoch: 1 }, { leader: 2, zxid: z(1, 1), peerEpoch: 1 }, true],
    ['equal everything: no win', { leader: 2, zxid: z(1, 1), peerEpoch: 1 }, { leader: 2, zxid: z(1, 1), peerEpoch: 1 }, false],
    ['a non-voter (sid 9) never wins', { leader: 9, zxid: z(5, 5), peerEpoch: 5 }, { leader: 1, zxid: 0, peerEpoch: 0 }, false],
  ])('%s', (_what, next, cur, wins) => {
    expect(totalOrderPredicate(cfg, next, cur)).toBe(wins);
  });

  test('the vote-zxid-before-epoch mutant flips the epoch/zxid priority', () => {
    const mutant = config({ mutants: ['vote-zxid-before-epoch'] });
    const highEpoch = { leader: 1, zxid: z(1, 1), peerEpoch: 2 };
    const highZxid = { leader: 3, zxid: z(1, 9), peerEpoch: 1 };
    expect(totalOrderPredicate(cfg, highEpoch, highZxid)).toBe(true);
    expect(totalOrderPredicate(mutant, highEpoch, highZxid)).toBe(false);
  });
});

describe('quorums', () => {
  test.each([
    [[1, 2, 3], [], [1, 2], true],
    [[1, 2, 3], [], [1], false],
    [[1, 2, 3], [4], [3, 4], false], // the observer does not count
    [[1, 2, 3, 4, 5], [], [1, 2, 3], true],
    [[1, 2, 3, 4], [], [1, 2], false], // an even ensemble needs more than half
  ])('voters %j observers %j: %j is a quorum = %s', (voters, observers, sids, quorum) => {
    expect(isQuorum(config({}, voters, observers), sids)).toBe(quorum);
  });
});

describe('a LOOKING server', () => {
  const cfg = config();

  test('starts round 1 voting for itself with its currentEpoch and last zxid, and notifies the other voters', () => {
    const s = boot(2, cfg, disk([z(1, 1), z(1, 2)], { current: 1 }));
    expect(s.role).toBe('LOOKING');
    expect(s.fle.logicalclock).toBe(1);
    expect(s.fle.proposed).toEqual({ leader: 2, zxid: z(1, 2), peerEpoch: 1 });
  });

  test.each([
    // [what, sender's vote, expected proposal leader, expected sends]
    [
      'adopts a better vote of the same round and re-notifies',
      vote(3, 0, 0, 1),
      3,
      ['send 1 NOTIFICATION vote=3 zxid=0:0 round=1 peerEpoch=0 LOOKING', 'send 3 NOTIFICATION vote=3 zxid=0:0 round=1 peerEpoch=0 LOOKING'],
    ],
    ['keeps its vote against a worse one, silently', vote(1, 0, 0, 1), 2, []],
  ])('%s', (_what, n, leader, sends) => {
    const s = boot(2, cfg);
    const r = step(s, deliver(n.leader === 3 ? 3 : 1, n));
    expect(r.next.fle.proposed.leader).toBe(leader);
    expect(show(r.effects, ['send'])).toEqual(sends);
  });

  test('a newer round resets recvset and compares the sender against our initial vote', () => {
    const s = boot(1, cfg, disk([z(1, 5)], { current: 1 }));
    const r = step(s, deliver(2, vote(2, z(1, 1), 1, 7)));
    expect(r.next.fle.logicalclock).toBe(7);
    // Our initial vote (1, 1:5) beats 2's (2, 1:1): we keep voting for ourselves in round 7.
    expect(r.next.fle.proposed).toEqual({ leader: 1, zxid: z(1, 5), peerEpoch: 1 });
    expect(r.next.fle.recvset[1]?.electionEpoch).toBe(7);
    expect(notes(r.effects)).toContain('FLE: round 7 from 2 is newer; now voting for 1');
  });

  test('a notification of an older round is answered with our vote and otherwise ignored', () => {
    const s = step(boot(1, cfg), deliver(3, vote(3, 0, 0, 4))).next; // now in round 4
    const r = step(s, deliver(2, vote(2, 0, 0, 1)));
    expect(show(r.effects, ['send'])).toEqual(['send 2 NOTIFICATION vote=3 zxid=0:0 round=4 peerEpoch=0 LOOKING']);
    expect(r.next.fle.recvset[2]).toBeUndefined();
    expect(r.next.fle.proposed).toEqual(s.fle.proposed);
  });

  test('a quorum for the proposal starts finalizeWait; the timer ends the election as LEADING', () => {
    const s = boot(3, cfg);
    const agreed = step(s, deliver(1, vote(3, 0, 0, 1)));
    expect(agreed.next.fle.finalizing).toBe(true);
    expect(agreed.next.role).toBe('LOOKING');
    expect(show(agreed.effects, ['setTimer'])).toContain('setTimer finalize');
    const done = step(agreed.next, timeout('finalize'));
    expect(done.next.role).toBe('LEADING');
    expect(done.next.phase).toBe('DISCOVERY');
  });

  test('a better vote during finalizeWait cancels it; the new vote then finalizes on its own quorum', () => {
    const s = step(boot(2, cfg), deliver(1, vote(2, 0, 0, 1))).next;
    expect(s.fle.finalizing).toBe(true);
    expect(s.fle.proposed.leader).toBe(2);
    const r = step(s, deliver(3, vote(3, 0, 0, 1)));
    expect(r.next.fle.proposed.leader).toBe(3);
    const timers = show(r.effects, ['cancelTimer', 'setTimer']).filter((t) => t.endsWith('finalize'));
    expect(timers).toEqual(['cancelTimer finalize', 'setTimer finalize']);
    expect(notes(r.effects)).toEqual([`FLE: 3's vote for 3 beats ours for 2`, 'FLE: quorum {2,3} agrees on 3; waiting finalizeWait for a better vote']);
    // A vote that is not better, during finalizeWait, is drained without effect on the proposal.
    const drained = step(r.next, deliver(1, vote(1, 0, 0, 1)));
    expect(drained.next.fle.proposed.leader).toBe(3);
    expect(drained.next.fle.finalizing).toBe(true);
  });

  // lookForLeader's drain: while ((n = recvqueue.poll(finalizeWait)) != null) it drops every n
  // that totalOrderPredicate does not rank above the proposal, whatever n.state or n.electionEpoch.
  test.each([
    ['a FOLLOWING notification of our round', vote(1, 0, 0, 1, 'FOLLOWING'), []],
    ['a LEADING notification of an older round', vote(1, 0, 0, 0, 'LEADING'), []],
    ['a LOOKING notification of a newer round', vote(1, 0, 0, 5), []],
    // WorkerReceiver answers a LOOKING sender of an older round before lookForLeader drops it.
    ['a LOOKING notification of an older round', vote(1, 0, 0, 0), ['send 3 NOTIFICATION vote=2 zxid=0:0 round=1 peerEpoch=0 LOOKING']],
  ])('finalizeWait drops %s that is not better, waits again, then decides for its own proposal', (_what, n, sends) => {
    const s = step(boot(2, cfg), deliver(1, vote(2, 0, 0, 1))).next;
    expect(s.fle.finalizing).toBe(true);
    const r = step(s, deliver(3, n));
    expect(show(r.effects, ['send'])).toEqual(sends);
    // Only the finalize wait restarts: no poll(notTimeout) runs during the drain.
    expect(show(r.effects, ['setTimer', 'cancelTimer'])).toEqual(['setTimer finalize']);
    expect(r.next.fle).toEqual({ ...s.fle, peerConns: r.next.fle.peerConns });
    const done = step(r.next, timeout('finalize'));
    expect(done.next.role).toBe('LEADING');
    expect(done.next.fle.current).toEqual({ leader: 2, zxid: 0, peerEpoch: 0, electionEpoch: 1 });
  });

  test('a better vote of an older round ends finalizeWait; the loop then drops it as stale and polls again', () => {
    const s = step(boot(2, cfg), deliver(1, vote(2, 0, 0, 1))).next;
    const r = step(s, deliver(3, vote(3, 0, 0, 0)));
    expect(r.next.fle.finalizing).toBe(false);
    expect(r.next.fle.proposed.leader).toBe(2);
    expect(show(r.effects, ['setTimer', 'cancelTimer'])).toEqual(['cancelTimer finalize', 'setTimer fle']);
    expect(step(r.next, timeout('finalize')).next.role).toBe('LOOKING');
  });

  test('finalizeWait stops the notification timer: nothing is resent while the drain waits', () => {
    const agreed = step(boot(3, cfg), deliver(1, vote(3, 0, 0, 1)));
    expect(show(agreed.effects, ['setTimer', 'cancelTimer'])).toEqual(['setTimer fle', 'cancelTimer fle', 'setTimer finalize']);
  });

  test('a follower (not a leader) finishing the election becomes FOLLOWING and sends FOLLOWERINFO', () => {
    const r = steps(boot(1, cfg), [deliver(3, vote(3, 0, 0, 1)), timeout('finalize')]);
    expect(r.next.role).toBe('FOLLOWING');
    expect(show(r.effects, ['send'])).toEqual(['send 3 FOLLOWERINFO acceptedEpoch=0']);
  });
});

describe('joining an established leader (checkLeader)', () => {
  const five = config({}, [1, 2, 3, 4, 5]);

  test("a quorum of FOLLOWING notifications is not enough without the leader's own LEADING one", () => {
    let s = boot(1, five);
    for (const from of [2, 4]) s = step(s, deliver(from, vote(3, z(2, 0), 2, 9, 'FOLLOWING'))).next;
    // {2, 4} + ... we have 2 FOLLOWING votes; add 5 to reach 3 of 5.
    const r = step(s, deliver(5, vote(3, z(2, 0), 2, 9, 'FOLLOWING')));
    expect(r.next.role).toBe('LOOKING');
    expect(r.next.fle.outofelection.filter((v) => v !== undefined)).toHaveLength(3);
  });

  test("with the leader's LEADING notification in the quorum, the joiner follows it in its round", () => {
    let s = boot(1, five);
    for (const from of [2, 4]) s = step(s, deliver(from, vote(3, z(2, 0), 2, 9, 'FOLLOWING'))).next;
    const r = step(s, deliver(3, vote(3, z(2, 0), 2, 9, 'LEADING')));
    expect(r.next.role).toBe('FOLLOWING');
    expect(r.next.learner?.leader).toBe(3);
    expect(r.next.fle.logicalclock).toBe(9);
    expect(notes(r.effects)).toContain('FLE: a quorum already follows 3 (epoch 2); joining it');
  });

  // receivedFollowingNotification's recvset branch compares with Vote.equals against a vote built with
  // the message version, while recvset's entries have none: FOLLOWING/LEADING entries then match by
  // leader id alone, LOOKING ones must match in leader, zxid, round and peerEpoch.
  test('in our round, FOLLOWING entries for the same leader count whatever their peerEpoch (Vote.equals)', () => {
    let s = boot(1, five);
    s = step(s, deliver(2, vote(3, z(2, 0), 2, 1, 'FOLLOWING'))).next;
    s = step(s, deliver(4, vote(3, z(2, 5), 7, 1, 'FOLLOWING'))).next;
    expect(s.role).toBe('LOOKING');
    const r = step(s, deliver(3, vote(3, z(2, 0), 2, 1, 'LEADING')));
    expect(r.next.role).toBe('FOLLOWING');
    expect(r.next.learner?.leader).toBe(3);
  });

  test.each([
    ['equal in every field count', z(1, 5), 'FOLLOWING'],
    ['for the same leader and peerEpoch but another zxid do not count', z(1, 7), 'LOOKING'],
  ])('in our round, LOOKING entries %s', (_what, leaderZxid, role) => {
    // 1 adopts 2's LOOKING vote for 3: recvset holds 1's and 2's LOOKING votes (3, 1:5, epoch 1).
    let s = step(boot(1, five), deliver(2, vote(3, z(1, 5), 1, 1))).next;
    expect(s.fle.proposed.leader).toBe(3);
    s = step(s, deliver(4, vote(3, leaderZxid, 1, 1, 'FOLLOWING'))).next;
    const r = step(s, deliver(3, vote(3, leaderZxid, 1, 1, 'LEADING')));
    expect(r.next.role).toBe(role);
  });

  test('out of election, FOLLOWING entries count only with the same leader and peerEpoch', () => {
    let s = boot(1, five);
    s = step(s, deliver(2, vote(3, z(2, 0), 2, 9, 'FOLLOWING'))).next;
    s = step(s, deliver(4, vote(3, z(2, 0), 7, 9, 'FOLLOWING'))).next;
    const r = step(s, deliver(3, vote(3, z(2, 0), 2, 9, 'LEADING')));
    expect(r.next.role).toBe('LOOKING');
    expect(step(r.next, deliver(5, vote(3, z(2, 0), 2, 9, 'FOLLOWING'))).next.role).toBe('FOLLOWING');
  });

  test('a server that is not LOOKING answers a LOOKING peer with its current vote and changes nothing', () => {
    const leader = steps(boot(3, config()), [deliver(1, vote(3, 0, 0, 1)), timeout('finalize')]).next;
    // The first notification from 2 only records its connection (QuorumCnxManager's socket).
    const known = step(leader, deliver(2, vote(2, 0, 0, 1))).next;
    const r = step(known, deliver(2, vote(2, 0, 0, 1)));
    expect(r.next).toBe(r.before);
    expect(show(r.effects, ['send'])).toEqual(['send 2 NOTIFICATION vote=3 zxid=0:0 round=1 peerEpoch=0 LEADING']);
    // Two non-LOOKING servers ignore each other: a no-op returns the same object with no effects.
    const quiet = step(leader, deliver(1, vote(3, 0, 0, 1, 'FOLLOWING')));
    expect(quiet.next).toBe(leader);
    expect(quiet.effects).toEqual([]);
  });
});

describe('QuorumCnxManager resends the last message on a new connection', () => {
  test('a notification from a known peer on a new connection gets our last notification again', () => {
    // Server 2 holds the better vote but is never woken by a timeout (others keep waking its poll).
    // When 1 reaches it over a new connection, 2 must resend its vote, or 1 never learns of it.
    const s2 = steps(boot(2, config()), [deliver(1, vote(1, 0, 0, 1), 1)]).next;
    const same = step(s2, deliver(1, vote(1, 0, 0, 1), 1));
    expect(show(same.effects, ['send'])).toEqual([]);
    const again = step(s2, deliver(1, vote(1, 0, 0, 1), 2));
    expect(show(again.effects, ['send'])).toEqual(['send 1 NOTIFICATION vote=2 zxid=0:0 round=1 peerEpoch=0 LOOKING']);
  });
});

describe('QuorumCnxManager keeps a refused notification queued', () => {
  // toSend queues per sid (queueSendMap) and a refused connectOne leaves it there; the SendWorker of
  // the first connection with that peer, whichever side opens it, sends it.
  const worse = vote(2, 0, 0, 1);

  test('a vote refused at boot goes out once the peer connects, even on the first connection', () => {
    const refused = steps(boot(3, config()), [{ type: 'peerReset', peer: 2 }]).next;
    const r = step(refused, deliver(2, worse, 1));
    expect(show(r.effects, ['send'])).toEqual(['send 2 NOTIFICATION vote=3 zxid=0:0 round=1 peerEpoch=0 LOOKING']);
    // Sent once: the same connection does not carry it again.
    expect(show(step(r.next, deliver(2, worse, 1)).effects, ['send'])).toEqual([]);
  });

  test('without a refusal, a first notification worse than ours is not answered', () => {
    expect(show(step(boot(3, config()), deliver(2, worse, 1)).effects, ['send'])).toEqual([]);
  });

  test('a reset from an observer changes nothing: notifications only ever go to voters', () => {
    const s = boot(3, config({}, [1, 2, 3], [4]));
    expect(step(s, { type: 'peerReset', peer: 4 }).next).toBe(s);
  });
});

describe('observers in FLE', () => {
  const cfg = config({}, [1, 2, 3], [4]);

  test("a voter answers an observer's notification but never counts it", () => {
    const s = boot(3, cfg);
    const r = step(s, deliver(4, vote(3, 0, 0, 1)));
    expect(r.next.fle.recvset[4]).toBeUndefined();
    expect(r.next.fle.finalizing).toBe(false);
    expect(show(r.effects, ['send'])).toEqual(['send 4 NOTIFICATION vote=3 zxid=0:0 round=1 peerEpoch=0 LOOKING']);
  });

  test('an observer proposes no leader and follows an established one', () => {
    const o = boot(4, cfg);
    expect(o.fle.proposed.leader).toBe(-1);
    const joined = steps(o, [deliver(2, vote(3, z(1, 0), 1, 1, 'FOLLOWING')), deliver(3, vote(3, z(1, 0), 1, 1, 'LEADING'))]);
    expect(joined.next.role).toBe('OBSERVING');
    expect(show(joined.effects, ['send'])).toContain('send 3 OBSERVERINFO acceptedEpoch=0');
  });

  // FastLeaderElection.lookForLeader runs on an observer too: its vote (Long.MIN_VALUE) loses to
  // every voter's, and a quorum of voters' LOOKING votes equal to the one it adopted ends its election.
  test("an observer adopts a voter's LOOKING vote, re-notifies the voters, and observes once a quorum of votes agree", () => {
    const o = boot(4, cfg);
    const adopted = step(o, deliver(3, vote(3, z(1, 2), 1, 1)));
    expect(adopted.next.role).toBe('LOOKING');
    expect(adopted.next.fle.proposed).toEqual({ leader: 3, zxid: z(1, 2), peerEpoch: 1 });
    expect(show(adopted.effects, ['send'])).toEqual([1, 2, 3].map((sid) => `send ${sid} NOTIFICATION vote=3 zxid=1:2 round=1 peerEpoch=1 LOOKING`));
    const agreed = step(adopted.next, deliver(1, vote(3, z(1, 2), 1, 1)));
    expect(agreed.next.fle.finalizing).toBe(true);
    const done = step(agreed.next, timeout('finalize'));
    expect(done.next.role).toBe('OBSERVING');
    expect(show(done.effects, ['send'])).toEqual(['send 3 OBSERVERINFO acceptedEpoch=0']);
  });

  test('a newer round from a voter moves the observer to it; its own vote never counts', () => {
    const r = step(boot(4, cfg), deliver(2, vote(2, 0, 0, 6)));
    expect(r.next.fle.logicalclock).toBe(6);
    expect(r.next.fle.proposed.leader).toBe(2);
    expect(r.next.fle.recvset[4]).toBeUndefined();
    expect(r.next.fle.finalizing).toBe(false);
  });

  test('a LOOKING voter answers an observer with its current vote (its boot vote here), not the vote it now proposes', () => {
    const voter = step(boot(1, cfg), deliver(3, vote(3, 0, 0, 1))).next;
    expect(voter.fle.proposed.leader).toBe(3);
    const r = step(voter, deliver(4, vote(-1, -1, -1, 1)));
    expect(show(r.effects, ['send'])).toEqual(['send 4 NOTIFICATION vote=1 zxid=0:0 round=1 peerEpoch=0 LOOKING']);
  });
});

describe('observerElectionDelay (QuorumPeer.run, Observer.waitForObserverElectionDelay)', () => {
  const cfg = config({}, [1, 2, 3], [4]);
  const observe = [
    deliver(2, vote(3, z(1, 0), 1, 1, 'FOLLOWING')),
    deliver(3, vote(3, z(1, 0), 1, 1, 'LEADING')),
    deliver(3, { type: 'LEADERINFO', newEpoch: 2 }),
  ];
  const observing = steps(boot(4, cfg), observe).next;

  /** The leader closes the socket: observeLeader throws. */
  function leave(s: ZabServer): Stepped {
    return step(s, deliver(3, { type: 'DISCONNECT' }));
  }

  test('an observer that leaves OBSERVING is LOOKING but waits below the delay before its election', () => {
    expect(observing.role).toBe('OBSERVING');
    const r = leave(observing);
    expect(r.next.role).toBe('LOOKING');
    expect(r.next.fle.logicalclock).toBe(1);
    expect(show(r.effects, ['send']).filter((e) => e.includes('NOTIFICATION'))).toEqual([]);
    const delay = r.effects.find((e) => e.type === 'setTimer' && e.timer === 'observerElectionDelay');
    expect(delay).toMatchObject({ minUs: 0, maxUs: 199_999 });
  });

  test('what arrives meanwhile waits; the wait ends with a new round, the notifications to the voters, then the queued votes', () => {
    const waiting = leave(observing).next;
    const queued = step(waiting, deliver(1, vote(2, z(1, 4), 1, 3)));
    expect(queued.next.fle.logicalclock).toBe(1);
    expect(queued.next.fle.proposed).toEqual(waiting.fle.proposed);
    expect(queued.effects).toEqual([]);
    const r = step(queued.next, timeout('observerElectionDelay'));
    // Round 2 starts (its notifications go out), then 1's round-3 vote moves the observer to round 3.
    expect(r.next.fle.logicalclock).toBe(3);
    expect(r.next.fle.proposed).toEqual({ leader: 2, zxid: z(1, 4), peerEpoch: 1 });
    expect(r.next.fle.delayedQueue).toBeNull();
    const sends = show(r.effects, ['send']);
    expect(sends.slice(0, 3)).toEqual([1, 2, 3].map((sid) => `send ${sid} NOTIFICATION vote=-1 zxid=-1:-1 round=2 peerEpoch=-1 LOOKING`));
    expect(sends.slice(3)).toEqual([1, 2, 3].map((sid) => `send ${sid} NOTIFICATION vote=2 zxid=1:4 round=3 peerEpoch=1 LOOKING`));
  });

  test('with observerElectionDelayMs 0 the election starts at once', () => {
    const now = steps(boot(4, config({ observerElectionDelayMs: 0 }, [1, 2, 3], [4])), observe).next;
    const r = leave(now);
    expect(r.next.fle.logicalclock).toBe(2);
    expect(r.next.fle.delayedQueue).toBeNull();
  });
});
