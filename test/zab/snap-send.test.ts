// Proves that a SNAP spans time as in ZooKeeper (LearnerHandler.run, Leader.startForwarding): what
// the leader proposes and commits between startForwarding and the end of serializeSnapshot waits
// behind the SNAP and reaches the learner before NEWLEADER (after it under the ZK-3104 mutant), the
// toBeApplied txns are re-sent first, the snapshot is the tree at the end (above its zxid), and the
// learner replays what its snapshot holds without moving its history (Learner.syncWithLeader), an
// observer's INFORM before NEWLEADER included, so that the snapshot NEWLEADER persists holds it.
import { describe, expect, test } from 'vitest';
import type { Mutant } from '../../protocol/zab/config.js';
import type { Snapshot } from '../../protocol/zab/messages.js';
import type { ZabServer } from '../../protocol/zab/state.js';
import { mapGet } from '../../protocol/tree/hamt.js';
import type { KvEntry, KvState } from '../../protocol/kv/state-machine.js';
import { activeLeader, boot, config, deliver, fsyncTokens, registeredFollower, show, step, steps, timeout, txn, vote, z, type Stepped } from './harness.js';

const valueOf = (state: unknown, key = 'k'): string | undefined => (mapGet(state as KvState, key) as KvEntry | undefined)?.value;

/** Leader 3 commits write `xid` (k=v<xid>) with follower 2: REQUEST, 2's ACK, its own fsync. */
function commitWrite(s: ZabServer, xid: number): Stepped {
  const p = step(s, deliver(2, { type: 'REQUEST', client: 9, xid, op: { type: 'set', key: 'k', value: `v${xid}` } }));
  const acked = step(p.next, deliver(2, { type: 'ACK', zxid: z(1, xid) }));
  const done = step(acked.next, { type: 'fsynced', token: fsyncTokens(p.effects)[0] as number });
  return { before: s, next: done.next, effects: [...p.effects, ...acked.effects, ...done.effects] };
}

const sendsTo = (r: Stepped, sid: number): string[] => show(r.effects, ['send']).filter((e) => e.startsWith(`send ${sid} `));

/**
 * Leader 3 with 2 in sync and writes 1 and 2 committed; learner 1 (empty) asks to sync, which is a
 * SNAP. The kernel says 1:2 was still in toBeApplied; write 3 commits before the SNAP packet, write
 * 4 while it is serialized. Returns every packet to 1 and the SNAP it got.
 */
function snapWhileProposing(mutants: Mutant[]): { readonly toLearner: string[]; readonly snap: Snapshot; readonly leader: ZabServer } {
  let s = activeLeader(config({ mutants }), [2]);
  s = commitWrite(commitWrite(s, 1).next, 2).next;
  s = step(s, deliver(1, { type: 'FOLLOWERINFO', acceptedEpoch: 1 })).next;
  const decided = step(s, deliver(1, { type: 'ACKEPOCH', lastZxid: 0, currentEpoch: 1 }));
  const toLearner = sendsTo(decided, 1).filter((e) => !e.includes('LEADERINFO'));
  expect(decided.next.leader?.handlers[1]?.stage).toBe('SNAP_QUEUED');
  expect(show(decided.effects, ['draw'])).toEqual(['draw toBeApplied 1 3', 'draw snap 1 20000']);
  const events: Stepped[] = [];
  s = step(decided.next, { type: 'drawn', key: 'toBeApplied 1', value: 1 }).next;
  events.push(commitWrite(s, 3));
  events.push(step(events.at(-1)!.next, timeout('snap 1')));
  expect(events.at(-1)!.next.leader?.handlers[1]?.stage).toBe('SNAP_SERIALIZING');
  events.push(commitWrite(events.at(-1)!.next, 4));
  events.push(step(events.at(-1)!.next, timeout('snap 1')));
  for (const e of events) toLearner.push(...sendsTo(e, 1));
  const snapSend = events.at(-1)!.effects.find((e) => e.type === 'send' && e.msg.type === 'SNAP');
  if (snapSend === undefined || snapSend.type !== 'send' || snapSend.msg.type !== 'SNAP') throw new Error('no SNAP sent');
  return { toLearner, snap: snapSend.msg.snapshot, leader: events.at(-1)!.next };
}

describe('LearnerHandler.run: a SNAP is written while the leader keeps proposing', () => {
  test('startForwarding: toBeApplied first, then the live PROPOSAL/COMMIT, all before NEWLEADER (ZK-3104 fix)', () => {
    const { toLearner, snap, leader } = snapWhileProposing([]);
    expect(toLearner).toEqual([
      'send 1 SNAP 1:3 (3 txns)',
      'send 1 PROPOSAL 1:2',
      'send 1 COMMIT 1:2',
      'send 1 PROPOSAL 1:3',
      'send 1 COMMIT 1:3',
      'send 1 PROPOSAL 1:4',
      'send 1 COMMIT 1:4',
      'send 1 NEWLEADER 1:0',
    ]);
    // The SNAP's zxid was read when serializing began; the tree is the one at its end (fuzzy).
    expect(valueOf(snap.state)).toBe('v4');
    expect(leader.leader?.handlers[1]?.stage).toBe('NEWLEADER_SENT');
    expect(leader.leader?.handlers[1]?.queuedPackets).toBeNull();
  });

  test('the ZK-3104 mutant queues NEWLEADER right after startForwarding: later commits follow it', () => {
    const { toLearner } = snapWhileProposing(['ZK-3104']);
    expect(toLearner).toEqual([
      'send 1 SNAP 1:3 (3 txns)',
      'send 1 PROPOSAL 1:2',
      'send 1 COMMIT 1:2',
      'send 1 NEWLEADER 1:0',
      'send 1 PROPOSAL 1:3',
      'send 1 COMMIT 1:3',
      'send 1 PROPOSAL 1:4',
      'send 1 COMMIT 1:4',
    ]);
  });

  test('a handler closed while its SNAP is written leaves a timer that does nothing', () => {
    let s = activeLeader(config(), [2]);
    s = step(s, deliver(1, { type: 'FOLLOWERINFO', acceptedEpoch: 1 })).next;
    s = step(s, deliver(1, { type: 'ACKEPOCH', lastZxid: 0, currentEpoch: 1 })).next;
    s = step(s, deliver(1, { type: 'DISCONNECT' })).next;
    const r = step(s, timeout('snap 1'));
    expect(r.effects).toEqual([]);
    expect(r.next.leader?.handlers[1]).toBeUndefined();
  });
});

describe('Learner.syncWithLeader: txns its fuzzy SNAP already holds', () => {
  /** Follower 1 after SNAP 1:3 whose tree already has k=v4 (1:4 was committed while serializing). */
  function snapped(): ZabServer {
    let s = registeredFollower().next;
    const state = [txn(z(1, 1), 'k', 'v1'), txn(z(1, 2), 'k', 'v2'), txn(z(1, 3), 'k', 'v3'), txn(z(1, 4), 'k', 'v4')].reduce(
      (st, t) => s.sm.apply(st, t.body, t.zxid).state,
      s.sm.empty(),
    );
    s = step(s, deliver(3, { type: 'SNAP', zxid: z(1, 3), snapshot: { zxid: z(1, 3), count: 3, state } })).next;
    expect(s.learner?.lastQueued).toBe(0); // Java starts lastQueued at 0 whatever the sync
    return s;
  }

  test('a PROPOSAL and COMMIT at or below the SNAP zxid are replayed: the tree changes, the history does not', () => {
    const s = snapped();
    const p = step(s, deliver(3, { type: 'PROPOSAL', txn: txn(z(1, 2), 'k', 'v2') }));
    const c = step(p.next, deliver(3, { type: 'COMMIT', zxid: z(1, 2) }));
    expect(valueOf(c.next.state)).toBe('v2'); // an older value, until the later txns are replayed too
    expect(c.next.applied).toBe(3);
    expect(c.next.lastProcessedZxid).toBe(z(1, 3));
    expect(c.next.log.size).toBe(0);
  });

  test('replaying through the txns the snapshot holds, then NEWLEADER persists the tree under the last applied zxid', () => {
    let s = snapped();
    for (const [counter, value] of [
      [2, 'v2'],
      [3, 'v3'],
      [4, 'v4'],
    ] as const) {
      s = step(s, deliver(3, { type: 'PROPOSAL', txn: txn(z(1, counter), 'k', value) })).next;
      s = step(s, deliver(3, { type: 'COMMIT', zxid: z(1, counter) })).next;
    }
    expect(s.applied).toBe(4);
    expect(s.lastProcessedZxid).toBe(z(1, 4));
    const r = step(s, deliver(3, { type: 'NEWLEADER', zxid: z(2, 0) }));
    const persisted = r.effects.find((e) => e.type === 'persistSync' && e.write.kind === 'snapshot');
    if (persisted === undefined || persisted.type !== 'persistSync' || persisted.write.kind !== 'snapshot') throw new Error('no snapshot at NEWLEADER');
    expect(persisted.write.snapshot.zxid).toBe(z(1, 4));
    expect(valueOf(persisted.write.snapshot.state)).toBe('v4');
  });

  /**
   * Observer 4 of leader 3 (epoch 2) after SNAP 1:3 whose tree already has k=v4: the leader's
   * startForwarding re-sent 1:2 and 1:3, and 1:4 was committed while the SNAP was written, so it
   * comes as INFORM, still before NEWLEADER.
   */
  function observerSnapped(): ZabServer {
    const cfg = config({}, [1, 2, 3], [4]);
    const joined = steps(boot(4, cfg), [deliver(2, vote(3, z(1, 0), 1, 1, 'FOLLOWING')), deliver(3, vote(3, z(1, 0), 1, 1, 'LEADING'))]).next;
    expect(joined.role).toBe('OBSERVING');
    let s = step(joined, deliver(3, { type: 'LEADERINFO', newEpoch: 2 })).next;
    const state = [txn(z(1, 1), 'k', 'v1'), txn(z(1, 2), 'k', 'v2'), txn(z(1, 3), 'k', 'v3'), txn(z(1, 4), 'k', 'v4')].reduce(
      (st, t) => s.sm.apply(st, t.body, t.zxid).state,
      s.sm.empty(),
    );
    s = step(s, deliver(3, { type: 'SNAP', zxid: z(1, 3), snapshot: { zxid: z(1, 3), count: 3, state } })).next;
    for (const [counter, value] of [
      [2, 'v2'],
      [3, 'v3'],
    ] as const) {
      s = step(s, deliver(3, { type: 'PROPOSAL', txn: txn(z(1, counter), 'k', value) })).next;
      s = step(s, deliver(3, { type: 'COMMIT', zxid: z(1, counter) })).next;
    }
    expect(valueOf(s.state)).toBe('v3');
    return s;
  }

  test("an observer's INFORM before NEWLEADER goes to the tree at once (writeToTxnLog is false): NEWLEADER's snapshot holds it", () => {
    const informed = step(observerSnapped(), deliver(3, { type: 'INFORM', txn: txn(z(1, 4), 'k', 'v4') })).next;
    expect(valueOf(informed.state)).toBe('v4');
    expect(informed.applied).toBe(4);
    expect(informed.lastProcessedZxid).toBe(z(1, 4));
    expect(informed.learner?.packetsNotLogged).toEqual([]);
    const r = step(informed, deliver(3, { type: 'NEWLEADER', zxid: z(2, 0) }));
    const persisted = r.effects.find((e) => e.type === 'persistSync' && e.write.kind === 'snapshot');
    if (persisted === undefined || persisted.type !== 'persistSync' || persisted.write.kind !== 'snapshot') throw new Error('no snapshot at NEWLEADER');
    // A crash now, before UPTODATE, restarts from this snapshot alone: it must hold 1:4's write.
    expect(persisted.write.snapshot.zxid).toBe(z(1, 4));
    expect(persisted.write.snapshot.count).toBe(4);
    expect(valueOf(persisted.write.snapshot.state)).toBe('v4');
    // UPTODATE has nothing left to commit.
    const up = step(r.next, deliver(3, { type: 'UPTODATE' }));
    expect(show(up.effects)).toEqual(['send 3 ACK 2:0']);
    expect(valueOf(up.next.state)).toBe('v4');
  });
});
