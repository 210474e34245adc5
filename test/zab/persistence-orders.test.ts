// Proves what each persistence order (one per ZooKeeper release line) does with the same DIFF sync
// from NEWLEADER through UPTODATE, as each release's Learner.syncWithLeader does: when the committed
// sync txns are logged and applied, when ACKs leave, and what a COMMIT that does not match does.
import { describe, expect, test } from 'vitest';
import type { SyncPersistence } from '../../protocol/zab/config.js';
import type { ZabMessage } from '../../protocol/zab/messages.js';
import type { ZabServer } from '../../protocol/zab/state.js';
import { DIFF_SYNC_STREAM, deliver, fsyncTokens, notes, registeredFollower, show, step, steps, txn, z, type Stepped } from './harness.js';

/** Follower 1 (log 1:1, epoch 1) of leader 3, registered for epoch 2. */
const registered = (syncPersistence: SyncPersistence): ZabServer => registeredFollower(syncPersistence).next;

/** DIFF with 1:2 and 1:3 committed and 1:4 outstanding, then NEWLEADER. */
const diffThenNewLeader: ZabMessage[] = [...DIFF_SYNC_STREAM, { type: 'NEWLEADER', zxid: z(2, 0) }];

/** Delivers the packets, then completes every fsync the last step asked for. */
function deliverAll(s: ZabServer, msgs: readonly ZabMessage[]): Stepped {
  const r = steps(
    s,
    msgs.map((m) => deliver(3, m)),
  );
  let last = r;
  for (const token of fsyncTokens(r.effects)) last = step(last.next, { type: 'fsynced', token });
  return { ...last, effects: [...r.effects, ...(last === r ? [] : last.effects)] };
}

describe('when the committed sync txns are applied', () => {
  // [order, txns applied once NEWLEADER is acked, effects at UPTODATE]
  const rows: readonly (readonly [SyncPersistence, number, string[]])[] = [
    // master: logged, fsynced and applied at NEWLEADER; the outstanding 1:4 is logged after UPTODATE.
    ['committedOnlyThenEpochThenAck', 3, ['send 3 ACK 2:0', 'persist append 1:4', 'fsync']],
    // 3.9.2: everything appended and fsynced at NEWLEADER, nothing applied; after the ACK of UPTODATE
    // come the ACKs of the persisted proposals (requestsToAck), then the commits.
    ['fsyncThenEpochThenAck', 1, ['send 3 ACK 2:0', 'send 3 ACK 1:2', 'send 3 ACK 1:3', 'send 3 ACK 1:4']],
    // 3.5.10 to 3.9.1: handed to the SyncThread at NEWLEADER, applied only after UPTODATE (ZOOKEEPER-3023).
    ['asyncLogBeforeAck', 1, ['send 3 ACK 2:0']],
    // 3.4.10 to 3.6.2: nothing logged before UPTODATE.
    ['logAfterUptodate', 1, ['send 3 ACK 2:0', 'persist append 1:2', 'persist append 1:3', 'persist append 1:4', 'fsync']],
    // Before ZOOKEEPER-2678: a DIFF's COMMITs are applied in memory and NEWLEADER snapshots them.
    ['snapshotAtNewLeader', 3, ['send 3 ACK 2:0', 'persist append 1:4', 'fsync']],
  ];
  test.each(rows)('%s', (order, appliedAtAck, atUpToDate) => {
    const acked = deliverAll(registered(order), diffThenNewLeader);
    expect(show(acked.effects, ['send']).filter((e) => e === 'send 3 ACK 2:0')).toEqual(['send 3 ACK 2:0']);
    expect(acked.next.applied).toBe(appliedAtAck);
    const up = step(acked.next, deliver(3, { type: 'UPTODATE' }));
    expect(show(up.effects)).toEqual(atUpToDate);
    // Every order has applied 1:2 and 1:3, and only them, once UPTODATE is handled.
    expect(up.next.applied).toBe(3);
    expect(up.next.lastProcessedZxid).toBe(z(1, 3));
    expect(up.next.phase).toBe('BROADCAST');
  });

  test('snapshotAtNewLeader: the snapshot at NEWLEADER holds the DIFF txns, then currentEpoch, then the ACK', () => {
    const acked = deliverAll(registered('snapshotAtNewLeader'), diffThenNewLeader);
    expect(show(acked.effects)).toEqual(['persistSync snapshot 1:3', 'persistSync currentEpoch=2', 'send 3 ACK 2:0']);
    expect(acked.next.snapshot?.count).toBe(3);
  });
});

describe('a committed zxid that does not match', () => {
  test('at NEWLEADER it is skipped with a warning and the follower stays (Learner.syncWithLeader, master)', () => {
    const stream: ZabMessage[] = [
      { type: 'DIFF', zxid: z(1, 2) },
      { type: 'PROPOSAL', txn: txn(z(1, 2)) },
      { type: 'COMMIT', zxid: z(1, 5) },
      { type: 'NEWLEADER', zxid: z(2, 0) },
    ];
    const acked = deliverAll(registered('committedOnlyThenEpochThenAck'), stream);
    expect(notes(acked.effects)).toContain('Committing 1:5, but next proposal is 1:2: skipped');
    expect(show(acked.effects)).toEqual(['fsync', 'persistSync currentEpoch=2', 'send 3 ACK 2:0']);
    expect(acked.next.role).toBe('FOLLOWING');
    // 1:2 was never committed: it is logged after UPTODATE and waits for its COMMIT.
    const up = step(acked.next, deliver(3, { type: 'UPTODATE' }));
    expect(show(up.effects)).toEqual(['send 3 ACK 2:0', 'persist append 1:2', 'fsync']);
    expect(up.next.applied).toBe(1);
    expect(up.next.learner?.stage).toBe('BROADCAST');
  });

  test('at UPTODATE a follower exits the process (FollowerZooKeeperServer.commit: UNMATCHED_TXN_COMMIT)', () => {
    const stream: ZabMessage[] = [
      { type: 'DIFF', zxid: z(1, 1) },
      { type: 'PROPOSAL', txn: txn(z(1, 2)) },
      { type: 'NEWLEADER', zxid: z(2, 0) },
      { type: 'PROPOSAL', txn: txn(z(1, 3)) },
      { type: 'COMMIT', zxid: z(1, 3) },
    ];
    const acked = deliverAll(registered('committedOnlyThenEpochThenAck'), stream);
    const up = step(acked.next, deliver(3, { type: 'UPTODATE' }));
    expect(show(up.effects)).toEqual(['send 3 ACK 2:0', 'persist append 1:2', 'persist append 1:3', 'fsync', 'exit 12']);
    expect(notes(up.effects).join('\n')).toContain('exiting with UNMATCHED_TXN_COMMIT (12)');
  });
});
