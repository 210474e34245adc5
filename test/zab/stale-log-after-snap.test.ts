// Proves that a SNAP leaves a learner's txn log files on disk: its NEWLEADER snapshot deletes and
// truncates nothing, so a restart (FileTxnSnapLog.restore → fastForwardFromEdits) or a TRUNC's
// reload (ZKDatabase.truncateLog → loadDataBase) replays the old records above the snapshot's zxid
// right after it, before the new leader's, as FileTxnIterator reads the files in order.
import { describe, expect, test } from 'vitest';
import { kvStateMachine } from '../../protocol/kv/state-machine.js';
import { pvecFrom, pvecToArray } from '../../protocol/pvec.js';
import type { Txn } from '../../protocol/zab/txn.js';
import { applyZabWrite, diskHistoryCount, restoredImage, type ZabDisk } from '../../protocol/zab/disk.js';
import { historyCount, lastLoggedZxid, truncateInMemory, txnAt } from '../../protocol/zab/history.js';
import type { ZabMessage } from '../../protocol/zab/messages.js';
import type { ZabServer } from '../../protocol/zab/state.js';
import type { Event } from '../../protocol/program.js';
import type { Zxid } from '../../protocol/zxid.js';
import { boot, config, deliver, disk, notes, step, timeout, txn, vote, z, type Stepped } from './harness.js';

/** The writes: key0=0, key1=1, then epoch 2's uncommitted key0=1000, then epoch 4's key1=1001. */
const WRITES = new Map<Zxid, Txn>([
  [z(1, 1), txn(z(1, 1), 'key0', '0')],
  [z(1, 2), txn(z(1, 2), 'key1', '1')],
  [z(2, 1), txn(z(2, 1), 'key0', '1000')],
  [z(4, 1), txn(z(4, 1), 'key1', '1001')],
]);
const write = (zxid: Zxid): Txn => WRITES.get(zxid) as Txn;

/** A disk whose log holds these writes. */
function diskOf(zxids: readonly Zxid[], current: number): ZabDisk {
  return { ...disk([], { current }), log: pvecFrom(zxids.map(write)) };
}

/** The kv state after applying these writes in order (what a leader's snapshot of that history holds). */
function stateAfter(zxids: readonly Zxid[]): unknown {
  let state = kvStateMachine.empty();
  for (const zxid of zxids) state = kvStateMachine.apply(state, write(zxid).body, zxid).state;
  return state;
}

/** Runs events, applying every durable write to `image` as the simulator's disk would (all fsynced). */
function run(s: ZabServer, image: ZabDisk, events: readonly Event<ZabMessage>[]): { last: Stepped; image: ZabDisk; notes: string[] } {
  let last: Stepped = { before: s, next: s, effects: [] };
  const said: string[] = [];
  for (const e of events) {
    last = step(last.next, e);
    for (const fx of last.effects) if (fx.type === 'persist' || fx.type === 'persistSync') image = applyZabWrite(image, fx.write);
    said.push(...notes(last.effects));
  }
  return { last, image, notes: said };
}

const zxidsOf = (s: ZabServer): Zxid[] => pvecToArray(s.log).map((t) => t.zxid);

/**
 * Server 1 logged 1:1, 1:2 (committed) and 2:1 (an epoch-2 proposal that was never committed).
 * Leader 3 of epoch 4 holds only 1:1 and 1:2 and sends SNAP 1:2 (what 3.4.9's LearnerHandler did
 * with an empty committedLog: the ZK-2832 mutant), then NEWLEADER, UPTODATE and PROPOSAL 4:1.
 */
function snapBelowUncommittedTail(): { s: ZabServer; image: ZabDisk; notes: string[] } {
  const initial = diskOf([z(1, 1), z(1, 2), z(2, 1)], 2);
  const s = boot(1, config(), initial);
  const snapshot = { zxid: z(1, 2), count: 2, state: stateAfter([z(1, 1), z(1, 2)]) };
  const r = run(s, initial, [
    deliver(3, vote(3, z(1, 2), 3, 1)),
    timeout('finalize'),
    deliver(3, { type: 'LEADERINFO', newEpoch: 4 }),
    deliver(3, { type: 'SNAP', zxid: z(1, 2), snapshot }),
    deliver(3, { type: 'NEWLEADER', zxid: z(4, 0) }),
    deliver(3, { type: 'UPTODATE' }),
    deliver(3, { type: 'PROPOSAL', txn: write(z(4, 1)) }),
  ]);
  expect(r.last.next.role).toBe('FOLLOWING');
  return { s: r.last.next, image: r.image, notes: r.notes };
}

describe('a SNAP below a learner uncommitted log record', () => {
  test('the running learner holds the leader history; its disk keeps 2:1 above the snapshot', () => {
    const { s, image, notes: said } = snapBelowUncommittedTail();
    // In memory: the SNAP's two txns, then 4:1 logged (Learner.syncWithLeader never replays files).
    expect(s.applied).toBe(2);
    expect(zxidsOf(s)).toEqual([z(4, 1)]);
    expect(s.logBase).toBe(2);
    // On disk: the snapshot at 1:2, the old file's 2:1 above it, then 4:1.
    expect(image.snapshot?.zxid).toBe(z(1, 2));
    expect(pvecToArray(image.staleTail).map((t) => t.zxid)).toEqual([z(2, 1)]);
    expect(pvecToArray(image.log).map((t) => t.zxid)).toEqual([z(4, 1)]);
    expect(diskHistoryCount(image)).toBe(4);
    expect(pvecToArray(s.db.staleTail).map((t) => t.zxid)).toEqual([z(2, 1)]);
    expect(said.join('\n')).toContain('1 older log record(s) above 1:2 stay on disk (2:1 the last)');
  });

  test('a restart replays 2:1 after the snapshot and before 4:1 (FileTxnSnapLog.restore → fastForwardFromEdits)', () => {
    const { image } = snapBelowUncommittedTail();
    const restarted = boot(1, config(), image);
    expect(historyCount(restarted)).toBe(4);
    expect(restarted.applied).toBe(4);
    expect([2, 3].map((i) => txnAt(restarted, i)?.zxid)).toEqual([z(2, 1), z(4, 1)]);
    expect(lastLoggedZxid(restarted)).toBe(z(4, 1));
    // The uncommitted epoch-2 write is back in the tree: the state is not the leader's at 4:1.
    expect(restarted.state).toEqual(stateAfter([z(1, 1), z(1, 2), z(2, 1), z(4, 1)]));
    expect(restarted.state).not.toEqual(stateAfter([z(1, 1), z(1, 2), z(4, 1)]));
    // The image as the booted process indexes it holds the same records, and no stale tail.
    const reindexed = restoredImage(image);
    expect(reindexed.staleTail.size).toBe(0);
    expect(pvecToArray(reindexed.log).map((t) => t.zxid)).toEqual([z(2, 1), z(4, 1)]);
    expect(boot(1, config(), reindexed).state).toEqual(restarted.state);
  });

  test('a later snapshot above the stale records ends their replay (the restore starts after its zxid)', () => {
    const { s, image } = snapBelowUncommittedTail();
    const later = { zxid: z(4, 1), count: 3, state: stateAfter([z(1, 1), z(1, 2), z(4, 1)]) };
    const d = applyZabWrite(image, { kind: 'snapshot', snapshot: later, replacesLog: false });
    expect(d.staleTail.size).toBe(0);
    const restarted = boot(1, config(), d);
    expect(historyCount(restarted)).toBe(3);
    expect(restarted.state).toEqual(later.state);
    // A snapshot at the SNAP's own zxid (a Leader.lead snapshot before any new txn) keeps them.
    const same = applyZabWrite(image, { kind: 'snapshot', snapshot: { ...s.snapshot!, count: 2 }, replacesLog: false });
    expect(same.staleTail.size).toBe(1);
  });

  test('a TRUNC reload reads the stale records back, as a restart does (ZKDatabase.truncateLog → loadDataBase)', () => {
    const { s, image } = snapBelowUncommittedTail();
    const reloaded = truncateInMemory(s, z(4, 1));
    expect(zxidsOf(reloaded)).toEqual([z(2, 1), z(4, 1)]);
    expect(reloaded.db.staleTail.size).toBe(0);
    expect(reloaded.applied).toBe(4);
    // The disk's truncate write gives the same image as the process now indexes it.
    const d = applyZabWrite(image, { kind: 'truncate', zxid: z(4, 1) });
    expect(d.staleTail.size).toBe(0);
    expect(pvecToArray(d.log).map((t) => t.zxid)).toEqual([z(2, 1), z(4, 1)]);
    // A cut below the stale record removes it from the files too.
    const below = applyZabWrite(image, { kind: 'truncate', zxid: z(1, 2) });
    expect(diskHistoryCount(below)).toBe(2);
    expect(truncateInMemory(s, z(1, 2)).db.staleTail.size).toBe(0);
  });

  test('a SNAP at or above every old record leaves nothing to replay (3.8: a peer ahead gets TRUNC instead)', () => {
    const initial = diskOf([z(1, 1), z(1, 2), z(2, 1)], 2);
    const s = boot(1, config(), initial);
    const snapshot = { zxid: z(4, 0), count: 2, state: stateAfter([z(1, 1), z(1, 2)]) };
    const r = run(s, initial, [
      deliver(3, vote(3, z(1, 2), 3, 1)),
      timeout('finalize'),
      deliver(3, { type: 'LEADERINFO', newEpoch: 4 }),
      deliver(3, { type: 'SNAP', zxid: z(4, 0), snapshot }),
      deliver(3, { type: 'NEWLEADER', zxid: z(4, 0) }),
    ]);
    expect(r.image.staleTail.size).toBe(0);
    const restarted = boot(1, config(), r.image);
    expect(historyCount(restarted)).toBe(2);
    // The old files are still there (a TRUNC may read them), only nothing in them is above 4:0.
    expect(r.image.oldLogTop).toBe(z(2, 1));
  });

  test('the replay starts above the highest snapshot zxid on disk, an older snapshot higher than the SNAP included (FileSnap.findNValidSnapshots)', () => {
    // A peer at an epoch marker (snapshot 3:0) whose files still hold 2:1 gets SNAP 1:2 (3.8's
    // syncFollower sends it: a peer at <e,0> is never truncated). ZooKeeper's restore loads the
    // snapshot named 3:0 and reads the log from 3:1 on: 2:1 does not come back.
    const d = { ...diskOf([z(1, 1), z(1, 2), z(2, 1)], 3), snapshot: { zxid: z(3, 0), count: 3, state: stateAfter([z(1, 1), z(1, 2), z(2, 1)]) } };
    const next = applyZabWrite(d, { kind: 'snapshot', snapshot: { zxid: z(1, 2), count: 2, state: stateAfter([z(1, 1), z(1, 2)]) }, replacesLog: true });
    expect(next.staleTail.size).toBe(0);
    expect(diskHistoryCount(next)).toBe(2);
  });
});
