// Proves that a server leaving its role with log writes not yet fsynced votes only once they are
// durable, as ZooKeeper master does (Learner.shutdown / Leader.shutdown → ZooKeeperServer.shutdown →
// SyncRequestProcessor.shutdown → flush, before QuorumPeer.run sets LOOKING), answering LOOKING peers
// as the role it leaves meanwhile; and that the ZK-4712 mutant's learner, whose SyncThread is not
// stopped, votes at once.
import { describe, expect, test } from 'vitest';
import type { ZabConfig } from '../../protocol/zab/config.js';
import type { ZabMessage } from '../../protocol/zab/messages.js';
import type { ZabServer } from '../../protocol/zab/state.js';
import type { Event } from '../../protocol/program.js';
import { boot, config, deliver, fsyncTokens, notes, show, step, steps, txn, vote, z, type Stepped } from './harness.js';

const LEADER = 3;

/** Follower 1 of leader 3 in broadcast (epoch 2), every sync fsync done. */
function follower(cfg: ZabConfig): ZabServer {
  let s = steps(boot(1, cfg), [deliver(LEADER, vote(LEADER, 0, 0, 1)), { type: 'timeout', timer: 'finalize', now: 0 }]).next;
  s = steps(s, [deliver(LEADER, { type: 'LEADERINFO', newEpoch: 2 }), deliver(LEADER, { type: 'DIFF', zxid: 0 })]).next;
  s = fsynced(step(s, deliver(LEADER, { type: 'NEWLEADER', zxid: z(2, 0) }))).next;
  s = step(s, deliver(LEADER, { type: 'UPTODATE' })).next;
  expect(s.learner?.stage).toBe('BROADCAST');
  expect(s.syncedToken).toBe(s.fsyncToken);
  return s;
}

function fsynced(r: Stepped): Stepped {
  let last = r;
  for (const token of fsyncTokens(r.effects)) last = step(last.next, { type: 'fsynced', token } as Event<ZabMessage>);
  return last;
}

const notifications = (r: Stepped) => show(r.effects, ['send']).filter((e) => e.includes('NOTIFICATION'));

describe('a role change flushes the txn log before the election', () => {
  test('a follower with a logged, unsynced proposal waits for its fsync, then starts its round', () => {
    const logged = step(follower(config()), deliver(LEADER, { type: 'PROPOSAL', txn: txn(z(2, 1)) }));
    const [token] = fsyncTokens(logged.effects);
    expect(token).toBeDefined();
    const left = step(logged.next, deliver(LEADER, { type: 'DISCONNECT' }));
    expect(left.next.role).toBe('LOOKING');
    expect(left.next.fle.logicalclock).toBe(1);
    expect(notifications(left)).toEqual([]);
    expect(notes(left.effects)).toContain(`FOLLOWING shutdown: flushing the txn log (fsync ${token}) before the election`);
    // Meanwhile a LOOKING peer hears that we still follow 3 (QuorumPeer's state is still FOLLOWING).
    const asked = step(left.next, deliver(2, vote(2, z(2, 1), 2, 2)));
    expect(notifications(asked)).toEqual(['send 2 NOTIFICATION vote=3 zxid=0:0 round=1 peerEpoch=2 FOLLOWING']);
    expect(asked.next.fle.recvset[2]).toBeUndefined();
    const voted = step(asked.next, { type: 'fsynced', token: token as number });
    expect(voted.next.fle.logicalclock).toBe(2);
    expect(voted.next.fle.flushing).toBeNull();
    expect(notifications(voted)).toEqual([
      'send 2 NOTIFICATION vote=1 zxid=2:1 round=2 peerEpoch=2 LOOKING',
      'send 3 NOTIFICATION vote=1 zxid=2:1 round=2 peerEpoch=2 LOOKING',
    ]);
  });

  test('a follower whose writes are all durable starts its round at once', () => {
    const left = step(follower(config()), deliver(LEADER, { type: 'DISCONNECT' }));
    expect(left.next.fle.flushing).toBeNull();
    expect(left.next.fle.logicalclock).toBe(2);
    expect(notifications(left)).toHaveLength(2);
  });

  test('under the ZK-4712 mutant the SyncThread keeps running: the follower votes at once', () => {
    const logged = step(follower(config({ mutants: ['ZK-4712'] })), deliver(LEADER, { type: 'PROPOSAL', txn: txn(z(2, 1)) }));
    const left = step(logged.next, deliver(LEADER, { type: 'DISCONNECT' }));
    expect(left.next.fle.flushing).toBeNull();
    expect(left.next.fle.logicalclock).toBe(2);
    expect(notifications(left)).toHaveLength(2);
  });
});
