// Proves a learner's connection attempts are ZooKeeper's: each registration opens a new connection
// (Learner.connectToLeader's new socket), a connect resend stays on it (TCP's retransmission on the
// one socket), and a LearnerHandler writes its LEADERINFO only to the connection its learner
// registered on (LearnerHandler.run owns its socket), so a LEADERINFO an old handler writes after its
// connection broke is lost and the learner meets exactly one LEADERINFO before its sync.
// Before, the old handler's LEADERINFO went out on the learner's new connection, a second one
// followed, and the learner exited (QUORUM_PACKET_ERROR; standard fuzz seeds 5945 and 14846).
import { describe, expect, test } from 'vitest';
import { runZabScript } from '../../sim/script/script.js';
import { boot, config, deliver, disk, leading, show, step, steps, timeout, vote, z } from './harness.js';

const following = () => {
  const s = boot(1, config(), disk([z(1, 1)], { current: 1 }));
  return steps(s, [deliver(3, vote(3, z(1, 1), 1, 1)), timeout('finalize')]);
};

describe('the learner: Learner.connectToLeader', () => {
  test('a registration opens a new connection to the leader, then writes FOLLOWERINFO on it', () => {
    const r = following();
    expect(r.next.role).toBe('FOLLOWING');
    expect(show(r.effects, ['reconnect', 'send']).slice(-2)).toEqual(['reconnect 3', 'send 3 FOLLOWERINFO acceptedEpoch=1']);
  });

  test('a connect resend stays on that connection', () => {
    const r = step(following().next, timeout('connect'));
    expect(show(r.effects, ['reconnect', 'send'])).toEqual(['send 3 FOLLOWERINFO acceptedEpoch=1']);
  });
});

describe('the leader: a LearnerHandler writes only to its own socket', () => {
  const sendsTo = (effects: ReturnType<typeof step>['effects'], sid: number) =>
    effects.flatMap((e) => (e.type === 'send' && e.to === sid ? [`${e.msg.type} conn=${e.conn ?? '-'}`] : []));

  test('LEADERINFO goes out on the connection the FOLLOWERINFO came on; a resend there is not answered again; a new connection has a new handler', () => {
    const s = leading(3, config(), disk([z(1, 1)], { current: 1 }));
    const first = step(s, deliver(1, { type: 'FOLLOWERINFO', acceptedEpoch: 1 }, 5));
    expect(sendsTo(first.effects, 1)).toEqual(['LEADERINFO conn=5']);
    const again = step(first.next, deliver(1, { type: 'FOLLOWERINFO', acceptedEpoch: 1 }, 5));
    expect(sendsTo(again.effects, 1)).toEqual([]);
    const moved = step(again.next, deliver(1, { type: 'FOLLOWERINFO', acceptedEpoch: 1 }, 6));
    expect(sendsTo(moved.effects, 1)).toEqual(['LEADERINFO conn=6']);
  });
});

// Leader 3 has read observer 4's OBSERVERINFO and waits for voter 2 (1 is down; 2's link is slow).
// The 4-3 connection breaks; 3 fixes the epoch when 2's FOLLOWERINFO arrives, and 4's resend opens
// a new connection before the LEADERINFO (slow too) reaches it.
const SCRIPT = `cluster voters=3 observers=1 initLimit=5 seed=7 down=1
----

run ms=250
----

slow from=2 to=3 ms=2000
----

slow from=3 to=4 ms=1500
----

run ms=1750
----

partition {4} {3}
----

heal
----

run ms=3000 msgs=OBSERVERINFO,LEADERINFO,ACKEPOCH,DIFF,SNAP,TRUNC
----

check expect=ok
----
`;

test('a learner whose connection broke during registration is answered once, on its new connection', () => {
  const r = runZabScript(SCRIPT);
  expect(r.errors).toEqual([]);
  const out = r.text.split('\n');
  // The old handler's LEADERINFO is lost with its connection; the new handler's arrives, alone.
  expect(out).toContain('lost 3->4 LEADERINFO newEpoch=1 (connection-broken)');
  expect(out.filter((l) => l === '3->4 LEADERINFO newEpoch=1')).toHaveLength(1);
  expect(out).toContain('3 sync 4: DIFF 0:0 (peer at 0:0)');
  expect(out).toContain('ok: all 10 checkers');
});
