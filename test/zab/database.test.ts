// Proves how ZooKeeper's database on disk and in memory shapes recovery: a leader snapshots its
// whole applied tree, uncommitted txns included, when it starts leading (Leader.lead → loadData →
// takeSnapshot) and a later TRUNC reloads that snapshot; a snapshot neither cuts the log nor the
// committedLog (ZKDatabase.addCommittedProposal), which only a restore rebuilds; a peer below the
// committedLog is synced from the newest txn log file (ZKDatabase.getProposalsFromTxnLog); and
// snapCount rolls the log and snapshots with a randRoll the simulator draws (SyncRequestProcessor).
import { describe, expect, test } from 'vitest';
import { kvStateMachine } from '../../protocol/kv/state-machine.js';
import { applyZabWrite } from '../../protocol/zab/disk.js';
import type { ZabEffect } from '../../protocol/zab/effects.js';
import type { ZabServer } from '../../protocol/zab/state.js';
import {
  activeLeader,
  boot,
  config,
  deliver,
  disk,
  fsyncTokens,
  leading,
  notes,
  observations,
  show,
  step,
  steps,
  syncing,
  timeout,
  txn,
  vote,
  z,
  type Stepped,
} from './harness.js';

const syncOf = (effects: readonly ZabEffect[]) => observations(effects).find((o) => o.kind === 'sync');
const sends = (r: Stepped): string[] => show(r.effects, ['send']);
const notesOf = (r: Stepped): string[] => notes(r.effects);

/** The kv state with these txns applied (what a snapshot of them holds). */
function stateOf(zxids: readonly number[]): unknown {
  let state = kvStateMachine.empty();
  for (const zxid of zxids) state = kvStateMachine.apply(state, txn(zxid).body, zxid).state;
  return state;
}

/** Active leader 3 commits one write forwarded by follower 1 (follower 1's ACK and the leader's fsync). */
function commitWrite(s: ZabServer, xid: number): ZabServer {
  const p = step(s, deliver(1, { type: 'REQUEST', client: 9, xid, op: { type: 'set', key: 'k', value: `v${xid}` } }));
  const token = fsyncTokens(p.effects)[0] as number;
  const zxid = p.next.leader?.lastProposed as number;
  const acked = step(p.next, deliver(1, { type: 'ACK', zxid })).next;
  return step(acked, { type: 'fsynced', token }).next;
}

describe('Leader.lead takes a snapshot (ZooKeeperServer.loadData → takeSnapshot)', () => {
  test('it holds every logged txn, committed or not, and leaves the log files and the committedLog alone', () => {
    // Server 3 logged 1:1 and 1:2 as a follower; neither is known committed here.
    const s = boot(3, config(), disk([z(1, 1), z(1, 2)], { current: 1 }));
    expect(s.committed).toBe(0);
    const agreed = step(s, deliver(1, vote(3, s.fle.proposed.zxid, s.fle.proposed.peerEpoch, s.fle.logicalclock))).next;
    const r = step(agreed, timeout('finalize'));
    expect(r.next.role).toBe('LEADING');
    // takeSnapshot(false): written, not fsynced.
    expect(show(r.effects)).toContain('persist snapshot 1:2');
    expect(r.next.snapshot?.count).toBe(2);
    expect(r.next.snapshot?.state).toEqual(stateOf([z(1, 1), z(1, 2)]));
    expect(r.next.log.size).toBe(2);
    expect(r.next.db.committedLogStart).toBe(0);
  });

  test('the committedLog survives it: a peer at 1:1 gets a DIFF, not a SNAP', () => {
    const s = leading(3, config(), disk([z(1, 1), z(1, 2)], { current: 1 }));
    expect(s.snapshot?.zxid).toBe(z(1, 2));
    const r = syncing(s, 1, 1, z(1, 1), 1);
    expect(syncOf(r.effects)?.mode).toBe('DIFF');
    expect(sends(r)).toEqual(['send 1 DIFF 1:2', 'send 1 PROPOSAL 1:2', 'send 1 COMMIT 1:2', 'send 1 NEWLEADER 2:0']);
  });
});

describe('a restore rebuilds the committedLog (ZKDatabase.loadDataBase)', () => {
  // The disk after a leader's snapshot at 1:2: the log still holds 1:1 and 1:2, and 1:3 came later.
  const afterSnapshot = { ...disk([z(1, 1), z(1, 2), z(1, 3)], { current: 1 }), snapshot: { zxid: z(1, 2), count: 2, state: stateOf([z(1, 1), z(1, 2)]) } };

  test('a restart replays only what follows the snapshot, and the committedLog holds just that', () => {
    const s = boot(3, config(), afterSnapshot);
    expect(s.applied).toBe(3);
    expect(s.state).toEqual(stateOf([z(1, 1), z(1, 2), z(1, 3)]));
    expect(s.db.committedLogStart).toBe(2);
    expect(s.log.size).toBe(3);
  });

  test('after the restart a peer at 1:2 is below the committedLog (1:3 only) and is synced from the old log file, which is still the newest with records', () => {
    const s = leading(3, config(), afterSnapshot);
    const below = syncing(s, 1, 1, z(1, 2), 1);
    expect(sends(below)).toEqual(['send 1 DIFF 1:3', 'send 1 PROPOSAL 1:3', 'send 1 COMMIT 1:3', 'send 1 NEWLEADER 2:0']);
    expect(notesOf(below).join('\n')).toContain('from the txn log');
  });
});

describe('TRUNC reloads the newest snapshot (ZKDatabase.truncateLog: clear, truncate, loadDataBase)', () => {
  test('a snapshot taken while leading brings back the uncommitted txn the TRUNC cut from the log (the ZOOKEEPER-1549 path)', () => {
    // Server 1 led with 1:2 logged but never committed; its snapshot at lead holds 1:2.
    const d = { ...disk([z(1, 1), z(1, 2)], { current: 1 }), snapshot: { zxid: z(1, 2), count: 2, state: stateOf([z(1, 1), z(1, 2)]) } };
    const s = boot(1, config(), d);
    const following = steps(s, [deliver(3, vote(3, z(1, 1), 2, 1)), timeout('finalize'), deliver(3, { type: 'LEADERINFO', newEpoch: 3 })]).next;
    expect(following.role).toBe('FOLLOWING');
    const r = step(following, deliver(3, { type: 'TRUNC', zxid: z(1, 1) }));
    expect(show(r.effects)).toEqual(['persistSync truncate 1:1']);
    // The log holds only 1:1 now, but the reload starts from the snapshot, which applied 1:2.
    expect(r.next.state).toEqual(stateOf([z(1, 1), z(1, 2)]));
    expect(r.next.snapshot?.zxid).toBe(z(1, 2));
  });
});

describe('a peer below the committedLog is synced from the txn log (LearnerHandler.syncFollower)', () => {
  /** Leader 3, active in epoch 1 with followers 1 and 2, after four committed writes in its log file. */
  function afterFourWrites(patch: Parameters<typeof config>[0]): ZabServer {
    let s = activeLeader(config(patch), [1, 2]);
    for (let xid = 1; xid <= 4; xid++) s = commitWrite(s, xid);
    expect(s.committed).toBe(4);
    return s;
  }

  test('a reconnecting follower at 1:2, below a committedLog of 2 txns (1:3, 1:4), gets a DIFF read from the log file', () => {
    const s = afterFourWrites({ commitLogCount: 2 });
    const info = step(s, deliver(2, { type: 'FOLLOWERINFO', acceptedEpoch: 1 }, 2)).next;
    const r = step(info, deliver(2, { type: 'ACKEPOCH', lastZxid: z(1, 2), currentEpoch: 1 }, 2));
    expect(syncOf(r.effects)?.mode).toBe('DIFF');
    expect(sends(r)).toEqual([
      'send 2 DIFF 1:4',
      'send 2 PROPOSAL 1:3',
      'send 2 COMMIT 1:3',
      'send 2 PROPOSAL 1:4',
      'send 2 COMMIT 1:4',
      'send 2 NEWLEADER 1:0',
    ]);
  });

  test('with txn-log sync off (snapshotSizeFactor < 0, ZKDatabase.isTxnLogSyncEnabled) the same follower gets a SNAP', () => {
    const s = afterFourWrites({ commitLogCount: 2, snapshotSizeFactor: -1 });
    const info = step(s, deliver(2, { type: 'FOLLOWERINFO', acceptedEpoch: 1 }, 2)).next;
    const r = step(info, deliver(2, { type: 'ACKEPOCH', lastZxid: z(1, 2), currentEpoch: 1 }, 2));
    expect(syncOf(r.effects)?.mode).toBe('SNAP');
  });
});

describe('snapCount: SyncRequestProcessor rolls the log and snapshots (shouldSnapshot, resetSnapshotStats)', () => {
  test('a starting leader asks the simulator for randRoll in [0, snapCount/2) and takes no snapCount snapshot before it arrives', () => {
    const s = boot(3, config({ snapCount: 4 }), disk([], {}));
    const agreed = step(s, deliver(1, vote(3, 0, 0, s.fle.logicalclock))).next;
    const r = step(agreed, timeout('finalize'));
    expect(r.effects).toContainEqual({ type: 'draw', key: 'snapRoll', max: 2 });
    expect(r.next.db.snapRoll).toBeNull();
    expect(step(r.next, { type: 'drawn', key: 'snapRoll', value: 1 }).next.db.snapRoll).toBe(1);
  });

  test('with snapCount 4 and randRoll 1, the 4th txn logged since the roll (4 > 2 + 1) rolls the log and snapshots the applied tree; the log files and committedLog stay', () => {
    let s = step(activeLeader(config({ snapCount: 4 }), [1, 2]), { type: 'drawn', key: 'snapRoll', value: 1 }).next;
    for (let xid = 1; xid <= 3; xid++) s = commitWrite(s, xid);
    expect(s.txnsSinceRoll).toBe(3);
    const snapBefore = s.snapshot;
    const r = step(s, deliver(1, { type: 'REQUEST', client: 9, xid: 4, op: { type: 'set', key: 'k', value: 'v4' } }));
    // The snapshot holds the three committed txns; 1:4 is logged but not yet applied.
    expect(show(r.effects)).toContain('persist snapshot 1:3');
    expect(r.effects).toContainEqual({ type: 'draw', key: 'snapRoll', max: 2 });
    expect(r.next.snapshot).not.toBe(snapBefore);
    expect(r.next.snapshot?.count).toBe(3);
    expect(r.next.txnsSinceRoll).toBe(0);
    expect(r.next.db.snapRoll).toBeNull();
    expect(r.next.log.size).toBe(4);
    expect(r.next.db.committedLogStart).toBe(0);
    // The next append opens a new log file at history index 4.
    expect(r.next.db.logFiles.rolledAt).toBe(4);
  });

  test('below the threshold nothing rolls: 3 txns with snapCount 4 and randRoll 1', () => {
    let s = step(activeLeader(config({ snapCount: 4 }), [1, 2]), { type: 'drawn', key: 'snapRoll', value: 1 }).next;
    for (let xid = 1; xid <= 3; xid++) s = commitWrite(s, xid);
    expect(s.snapshot?.count).toBe(0); // only the snapshot Leader.lead took
    expect(s.db.logFiles.rolledAt).toBe(0);
  });
});

describe('the newest snapshot wins on disk (FileSnap.findMostRecentSnapshot)', () => {
  test('a buffered snapCount snapshot reaching the disk after a newer synced one does not replace it', () => {
    let d = disk([z(1, 1), z(1, 2), z(1, 3)], { current: 1 });
    // A NEWLEADER snapshot after SNAP (synced at once), then an older snapCount snapshot flushed later.
    d = applyZabWrite(d, { kind: 'snapshot', snapshot: { zxid: z(2, 5), count: 5, state: stateOf([]) }, replacesLog: true });
    d = applyZabWrite(d, { kind: 'snapshot', snapshot: { zxid: z(1, 2), count: 2, state: stateOf([]) }, replacesLog: false });
    expect(d.snapshot?.zxid).toBe(z(2, 5));
    expect(d.logBase).toBe(5);
    expect(boot(1, config(), d).applied).toBe(5);
  });
});
