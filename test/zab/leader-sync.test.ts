// Proves the leader's discovery and synchronization rules: the new epoch is 1 + the max
// acceptedEpoch of the connecting quorum, an ACKEPOCH from a learner ahead of the leader closes
// that learner's handler, and syncFollower picks DIFF / TRUNC / SNAP exactly as LearnerHandler.syncFollower does,
// with the packets in the order a learner must see them.
import { describe, expect, test } from 'vitest';
import type { ZabObservation } from '../../protocol/zab/effects.js';
import { config, deliver, disk, leading, notes, observations, show, step, syncing, z } from './harness.js';

describe('discovery: getEpochToPropose', () => {
  test.each([
    // [leader acceptedEpoch, learner acceptedEpoch, new epoch]
    [0, 0, 1],
    [2, 0, 3],
    [2, 5, 6],
    [4, 4, 5],
  ])('leader accepted %i, learner accepted %i: epoch %i', (mine, theirs, epoch) => {
    const s = leading(3, config(), disk([], { accepted: mine, current: Math.min(mine, 1) }));
    expect(s.leader?.epoch).toBe(-1); // the leader alone is no quorum
    const r = step(s, deliver(1, { type: 'FOLLOWERINFO', acceptedEpoch: theirs }));
    expect(r.next.leader?.epoch).toBe(epoch);
    expect(r.next.acceptedEpoch).toBe(epoch);
    // acceptedEpoch is written (synchronously) before LEADERINFO leaves.
    expect(show(r.effects)).toEqual([`persistSync acceptedEpoch=${epoch}`, `send 1 LEADERINFO newEpoch=${epoch}`]);
  });

  test('an OBSERVERINFO raises nothing toward the quorum: no epoch is fixed', () => {
    const s = leading(3, config({}, [1, 2, 3], [4]));
    const r = step(s, deliver(4, { type: 'OBSERVERINFO', acceptedEpoch: 7 }));
    expect(r.next.leader?.epoch).toBe(-1);
    expect(show(r.effects)).toEqual([]);
  });

  test('a late learner gets the already fixed epoch at once', () => {
    const s = step(leading(3, config()), deliver(1, { type: 'FOLLOWERINFO', acceptedEpoch: 0 })).next;
    const r = step(s, deliver(2, { type: 'FOLLOWERINFO', acceptedEpoch: 9 }));
    expect(r.next.leader?.epoch).toBe(1);
    expect(show(r.effects)).toEqual(['send 2 LEADERINFO newEpoch=1']);
  });
});

describe('discovery: waitForEpochAck', () => {
  const leaderDisk = disk([z(1, 1), z(1, 2), z(1, 3)], { current: 1 });

  test.each([
    // [what, ACKEPOCH currentEpoch, lastZxid, leader gives up]
    ['a higher currentEpoch', 2, z(1, 1), true],
    ['the same epoch and a higher zxid', 1, z(1, 4), true],
    ['the same epoch and zxid', 1, z(1, 3), false],
    ['an older epoch with a higher zxid', 0, z(1, 9), false],
    ['-1 (epoch already accepted)', -1, z(1, 9), false],
  ])('ACKEPOCH with %s: learner ahead = %s', (_what, currentEpoch, lastZxid, ahead) => {
    const s = leading(3, config(), leaderDisk);
    const r = syncing(s, 1, 1, lastZxid, currentEpoch);
    // Leader.waitForEpochAck throws in that learner's handler only (leader-timeouts.test.ts).
    expect(r.next.role).toBe('LEADING');
    expect(r.next.leader?.handlers[1] === undefined).toBe(ahead);
    if (ahead) expect(observations(r.effects).some((o) => o.kind === 'established')).toBe(false);
  });

  test('a quorum of ACKEPOCH establishes the epoch: currentEpoch is written before any sync packet', () => {
    const s = leading(3, config(), leaderDisk);
    const r = syncing(s, 1, 1, z(1, 3), 1);
    expect(r.next.phase).toBe('SYNCHRONIZATION');
    expect(r.next.currentEpoch).toBe(2);
    expect(show(r.effects)).toEqual(['persistSync currentEpoch=2', 'send 1 DIFF 1:3', 'send 1 NEWLEADER 2:0']);
    expect(observations(r.effects).filter((o) => o.kind === 'established')).toEqual([{ kind: 'established', epoch: 2 }]);
  });

  test('an ACKEPOCH of -1 is synced but not counted toward establishing the epoch', () => {
    const s = leading(3, config(), leaderDisk);
    const r = syncing(s, 1, 2, z(1, 3), -1);
    expect(r.next.phase).toBe('DISCOVERY');
    expect(show(r.effects)).toEqual([]);
  });
});

describe('syncFollower: DIFF, TRUNC or SNAP', () => {
  type SyncObs = Extract<ZabObservation, { kind: 'sync' }>;
  const syncOf = (effects: Parameters<typeof observations>[0]): SyncObs | undefined => observations(effects).find((o): o is SyncObs => o.kind === 'sync');

  test.each([
    {
      what: 'peer == lastProcessedZxid: an empty DIFF',
      log: [z(1, 1), z(1, 2), z(1, 3)],
      current: 1,
      peer: z(1, 3),
      peerEpoch: 1,
      mode: 'DIFF',
      packets: ['send 1 DIFF 1:3', 'send 1 NEWLEADER 2:0'],
    },
    {
      what: 'peer inside the committedLog window: DIFF with the missing txns as PROPOSAL+COMMIT',
      log: [z(1, 1), z(1, 2), z(1, 3)],
      current: 1,
      peer: z(1, 1),
      peerEpoch: 1,
      mode: 'DIFF',
      packets: ['send 1 DIFF 1:3', 'send 1 PROPOSAL 1:2', 'send 1 COMMIT 1:2', 'send 1 PROPOSAL 1:3', 'send 1 COMMIT 1:3', 'send 1 NEWLEADER 2:0'],
    },
    {
      what: 'peer above maxCommittedLog (an uncommitted txn of its own): TRUNC to maxCommittedLog',
      log: [z(1, 1), z(1, 2)],
      current: 2,
      peer: z(1, 3),
      peerEpoch: 1,
      mode: 'TRUNC',
      packets: ['send 1 TRUNC 1:2', 'send 1 NEWLEADER 3:0'],
    },
    {
      what: 'peer inside the window holding a txn we lack, same epoch: TRUNC to the previous txn, then the rest',
      log: [z(1, 1), z(1, 2), z(1, 4), z(1, 5)],
      current: 2,
      peer: z(1, 3),
      peerEpoch: 1,
      mode: 'TRUNC',
      packets: ['send 1 TRUNC 1:2', 'send 1 PROPOSAL 1:4', 'send 1 COMMIT 1:4', 'send 1 PROPOSAL 1:5', 'send 1 COMMIT 1:5', 'send 1 NEWLEADER 3:0'],
    },
    {
      what: 'peer inside the window holding a txn we lack, followed by another epoch: SNAP (ZK-1154 fix)',
      log: [z(1, 1), z(1, 2), z(2, 1)],
      current: 2,
      peer: z(1, 3),
      peerEpoch: 1,
      mode: 'SNAP',
      packets: ['send 1 SNAP 2:1 (3 txns)', 'send 1 NEWLEADER 3:0'],
    },
    {
      what: 'peer below the committedLog window and below every txn log record (commitLogCount 2): SNAP',
      log: [z(1, 1), z(1, 2), z(1, 3), z(1, 4)],
      current: 1,
      peer: z(0, 0),
      peerEpoch: 0,
      mode: 'SNAP',
      packets: ['send 1 SNAP 1:4 (4 txns)', 'send 1 NEWLEADER 2:0'],
      commitLogCount: 2,
    },
    {
      // ZKDatabase.getProposalsFromTxnLog: the only log file starts at the peer's zxid.
      what: 'peer below the committedLog window (commitLogCount 2) but in the txn log: DIFF read from the log',
      log: [z(1, 1), z(1, 2), z(1, 3), z(1, 4)],
      current: 1,
      peer: z(1, 1),
      peerEpoch: 1,
      mode: 'DIFF',
      packets: [
        'send 1 DIFF 1:4',
        'send 1 PROPOSAL 1:2',
        'send 1 COMMIT 1:2',
        'send 1 PROPOSAL 1:3',
        'send 1 COMMIT 1:3',
        'send 1 PROPOSAL 1:4',
        'send 1 COMMIT 1:4',
        'send 1 NEWLEADER 2:0',
      ],
      commitLogCount: 2,
    },
    {
      what: 'peer at a new-epoch marker inside the window: DIFF from there',
      log: [z(1, 1), z(2, 1), z(2, 2)],
      current: 2,
      peer: z(2, 0),
      peerEpoch: 2,
      mode: 'DIFF',
      packets: ['send 1 DIFF 2:2', 'send 1 PROPOSAL 2:1', 'send 1 COMMIT 2:1', 'send 1 PROPOSAL 2:2', 'send 1 COMMIT 2:2', 'send 1 NEWLEADER 3:0'],
    },
  ])('$what', ({ log, current, peer, peerEpoch, mode, packets, commitLogCount }) => {
    const s = leading(3, config(commitLogCount === undefined ? {} : { commitLogCount }), disk(log, { current }));
    const r = syncing(s, 1, peerEpoch, peer, peerEpoch);
    expect(r.next.role).toBe('LEADING');
    expect(syncOf(r.effects)?.mode).toBe(mode);
    expect(show(r.effects).filter((e) => e.startsWith('send'))).toEqual(packets);
  });

  test('the ZK-1154 mutant sends a DIFF where master sends SNAP (the peer keeps its uncommitted txn)', () => {
    const s = leading(3, config({ mutants: ['ZK-1154'] }), disk([z(1, 1), z(1, 2), z(2, 1)], { current: 2 }));
    const r = syncing(s, 1, 1, z(1, 3), 1);
    expect(syncOf(r.effects)?.mode).toBe('DIFF');
    expect(show(r.effects).filter((e) => e.startsWith('send'))).toEqual([
      'send 1 DIFF 2:1',
      'send 1 PROPOSAL 2:1',
      'send 1 COMMIT 2:1',
      'send 1 NEWLEADER 3:0',
    ]);
  });
});
