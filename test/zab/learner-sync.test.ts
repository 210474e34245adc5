// Proves the learner's side of synchronization: on NEWLEADER, current master appends the committed
// sync txns and fsyncs them, and only after the fsync writes currentEpoch and then ACKs (the
// effect ORDER is the fix for ZK-3911/4646/4643); uncommitted proposals wait for UPTODATE
// (ZK-4394). The historical syncPersistence orders are checked against the same packet stream.
import { describe, expect, test } from 'vitest';
import type { SyncPersistence } from '../../protocol/zab/config.js';
import type { ZabServer } from '../../protocol/zab/state.js';
import type { ZabMessage } from '../../protocol/zab/messages.js';
import type { Event } from '../../protocol/program.js';
import { kvStateMachine } from '../../protocol/kv/state-machine.js';
import { applyZabWrite } from '../../protocol/zab/disk.js';
import {
  DIFF_SYNC_STREAM,
  boot,
  config,
  deliver,
  disk,
  fsyncTokens,
  notes,
  registeredFollower,
  show,
  step,
  steps,
  timeout,
  txn,
  vote,
  z,
  type Stepped,
} from './harness.js';

const registered = registeredFollower;

function upToNewLeader(s: ZabServer): Stepped {
  return steps(
    s,
    [...DIFF_SYNC_STREAM, { type: 'NEWLEADER', zxid: z(2, 0) } as ZabMessage].map((m) => deliver(3, m)),
  );
}

function fsynced(s: Stepped): Stepped {
  const tokens = fsyncTokens(s.effects);
  expect(tokens.length).toBeGreaterThan(0);
  let last = s;
  for (const token of tokens) last = step(last.next, { type: 'fsynced', token } as Event<ZabMessage>);
  return last;
}

describe('registerWithLeader', () => {
  test('LEADERINFO with a newer epoch: ACKEPOCH with our state, acceptedEpoch persisted', () => {
    const r = registered();
    expect(show(r.effects)).toEqual(['send 3 ACKEPOCH lastZxid=1:1 currentEpoch=1', 'persistSync acceptedEpoch=2']);
    expect(r.next.phase).toBe('SYNCHRONIZATION');
  });

  test('LEADERINFO with an older epoch than we accepted: back to LOOKING', () => {
    const s = boot(1, config(), disk([z(1, 1)], { accepted: 5, current: 1 }));
    const following = steps(s, [deliver(3, vote(3, z(1, 1), 1, 1)), timeout('finalize')]).next;
    const r = step(following, deliver(3, { type: 'LEADERINFO', newEpoch: 2 }));
    expect(r.next.role).toBe('LOOKING');
  });
});

describe('NEWLEADER under current master (committedOnlyThenEpochThenAck)', () => {
  test('committed txns are appended and fsynced; no epoch write and no ACK before the fsync completes', () => {
    const r = upToNewLeader(registered().next);
    expect(show(r.effects)).toEqual(['persist append 1:2', 'persist append 1:3', 'fsync']);
    expect(r.next.currentEpoch).toBe(1);
  });

  test('after the fsync: currentEpoch is written, then the ACK of NEWLEADER leaves', () => {
    const r = fsynced(upToNewLeader(registered().next));
    expect(show(r.effects)).toEqual(['persistSync currentEpoch=2', 'send 3 ACK 2:0']);
    expect(r.next.currentEpoch).toBe(2);
  });

  test('packets arriving while blocked on the fsync wait, and are processed after the ACK, in order', () => {
    const blocked = upToNewLeader(registered().next);
    const queued = step(blocked.next, deliver(3, { type: 'COMMIT', zxid: z(1, 4) }));
    expect(show(queued.effects)).toEqual([]);
    const [token] = fsyncTokens(blocked.effects);
    const acked = step(queued.next, { type: 'fsynced', token: token as number });
    expect(show(acked.effects)).toEqual(['persistSync currentEpoch=2', 'send 3 ACK 2:0']);
    // The queued COMMIT of 1:4 was handled after the ACK: at UPTODATE 1:4 is logged and applied.
    const up = step(acked.next, deliver(3, { type: 'UPTODATE' }));
    expect(up.next.committed).toBe(4);
    expect(up.next.lastProcessedZxid).toBe(z(1, 4));
  });

  test('the uncommitted proposal is logged only at UPTODATE and acked after its own fsync', () => {
    const acked = fsynced(upToNewLeader(registered().next));
    const up = step(acked.next, deliver(3, { type: 'UPTODATE' }));
    // Learner.syncWithLeader writes the ACK of UPTODATE before it logs what is left.
    expect(show(up.effects)).toEqual(['send 3 ACK 2:0', 'persist append 1:4', 'fsync']);
    expect(up.next.phase).toBe('BROADCAST');
    expect(up.next.committed).toBe(3);
    const ack = fsynced(up);
    expect(show(ack.effects)).toEqual(['send 3 ACK 1:4']);
  });
});

describe('NEWLEADER under historical persistence orders', () => {
  test.each<[SyncPersistence, string[], string[]]>([
    // [mode, effects at NEWLEADER, effects after the fsyncs]
    ['fsyncThenEpochThenAck', ['persist append 1:2', 'persist append 1:3', 'persist append 1:4', 'fsync'], ['persistSync currentEpoch=2', 'send 3 ACK 2:0']],
    ['epochBeforeTxns', ['persistSync currentEpoch=2', 'persist append 1:2', 'persist append 1:3', 'fsync'], ['send 3 ACK 2:0']],
    [
      'asyncLogBeforeAck',
      ['persistSync currentEpoch=2', 'persist append 1:2', 'persist append 1:3', 'persist append 1:4', 'fsync', 'send 3 ACK 2:0'],
      ['send 3 ACK 1:2', 'send 3 ACK 1:3', 'send 3 ACK 1:4'],
    ],
    ['logAfterUptodate', ['persistSync currentEpoch=2', 'send 3 ACK 2:0'], []],
    // The ZK-4785 mutant's order: the ACK leaves with the committed txns appended, not fsynced.
    ['epochThenLogThenAck', ['persistSync currentEpoch=2', 'persist append 1:2', 'persist append 1:3', 'send 3 ACK 2:0'], []],
  ])('%s', (mode, atNewLeader, afterFsync) => {
    const r = upToNewLeader(registered(mode).next);
    expect(show(r.effects)).toEqual(atNewLeader);
    const tokens = fsyncTokens(r.effects);
    let last = r;
    for (const token of tokens) last = step(last.next, { type: 'fsynced', token });
    expect(tokens.length === 0 ? [] : show(last.effects)).toEqual(afterFsync);
  });

  test('the ack of NEWLEADER comes strictly after the currentEpoch write and, on master, after the fsync of every committed txn', () => {
    const master = registered().next;
    const r = upToNewLeader(master);
    const all = [...show(r.effects), '(fsynced)', ...show(fsynced(r).effects)];
    const at = (x: string): number => all.indexOf(x);
    expect(at('persist append 1:3')).toBeLessThan(at('(fsynced)'));
    expect(at('(fsynced)')).toBeLessThan(at('persistSync currentEpoch=2'));
    expect(at('persistSync currentEpoch=2')).toBeLessThan(at('send 3 ACK 2:0'));
  });
});

describe('TRUNC and SNAP as first sync packet', () => {
  test('TRUNC cuts the log (persisted at once) and reloads the state', () => {
    const s = boot(1, config(), disk([z(1, 1), z(1, 2), z(1, 3)], { current: 1 }));
    const following = steps(s, [deliver(3, vote(3, z(1, 3), 1, 1)), timeout('finalize'), deliver(3, { type: 'LEADERINFO', newEpoch: 2 })]).next;
    const r = step(following, deliver(3, { type: 'TRUNC', zxid: z(1, 1) }));
    expect(show(r.effects)).toEqual(['persistSync truncate 1:1']);
    expect(r.next.log.size).toBe(1);
    expect(r.next.lastProcessedZxid).toBe(z(1, 1));
  });

  test('TRUNC sets lastProcessedZxid to its zxid even when the log never held it (Learner.syncWithLeader: setlastProcessedZxid)', () => {
    // Our log holds 1:1 and 2:1; the leader TRUNCs to 1:5, which we never had. FileTxnLog.truncate
    // cuts at the first record at or above 1:5 (2:1), the reload ends at 1:1, and ZooKeeper then
    // sets lastProcessedZxid to 1:5 regardless: what we report from now on is 1:5.
    const s = boot(1, config(), disk([z(1, 1), z(2, 1)], { accepted: 2, current: 2 }));
    const following = steps(s, [deliver(3, vote(3, z(1, 5), 3, 1)), timeout('finalize'), deliver(3, { type: 'LEADERINFO', newEpoch: 4 })]).next;
    expect(following.learner?.stage).toBe('SYNC');
    const r = step(following, deliver(3, { type: 'TRUNC', zxid: z(1, 5) }));
    expect(show(r.effects)).toEqual(['persistSync truncate 1:5']);
    expect(r.next.log.size).toBe(1);
    expect(r.next.applied).toBe(1);
    expect(r.next.lastProcessedZxid).toBe(z(1, 5));
    // The next PING (after NEWLEADER, which has nothing to fsync) reports it.
    const nl = step(r.next, deliver(3, { type: 'NEWLEADER', zxid: z(4, 0) }));
    expect(show(nl.effects)).toEqual(['persistSync snapshot 1:5', 'persistSync currentEpoch=4', 'send 3 ACK 4:0']);
    const ping = step(nl.next, deliver(3, { type: 'PING', zxid: 0 }));
    expect(show(ping.effects)).toEqual(['send 3 PING 1:5']);
  });

  test('TRUNC below a snapshot labelled with an epoch marker empties the log and keeps the snapshot (FileTxnLog.truncate)', () => {
    // A SNAP from a leader with an empty history left a snapshot at 1:0; then 1:1 was logged. A
    // later leader with an empty history TRUNCs to 0:0: ZooKeeper cuts the log and reloads the
    // snapshot; it does not refuse.
    const d = { ...disk([z(1, 1)], { current: 1 }), snapshot: { zxid: z(1, 0), count: 0, state: kvStateMachine.empty() } };
    const s = boot(1, config(), d);
    const following = steps(s, [deliver(3, vote(3, z(0, 0), 2, 1)), timeout('finalize'), deliver(3, { type: 'LEADERINFO', newEpoch: 3 })]).next;
    const r = step(following, deliver(3, { type: 'TRUNC', zxid: z(0, 0) }));
    expect(show(r.effects)).toEqual(['persistSync truncate 0:0']);
    expect(r.next.role).toBe('FOLLOWING');
    expect(r.next.log.size).toBe(0);
    expect(r.next.snapshot?.zxid).toBe(z(1, 0));
    expect(r.next.lastProcessedZxid).toBe(z(0, 0));
    expect(notes(r.effects).join('\n')).toContain('below our snapshot at 1:0, which stays');
  });

  test('TRUNC with no txn log record at or above its zxid cannot truncate: the process exits (Learner.syncWithLeader: QUORUM_PACKET_ERROR)', () => {
    // The snapshot came from a SNAP; no log file holds anything (oldLogTop 0, empty log).
    const d = { ...disk([], { current: 1 }), snapshot: { zxid: z(1, 2), count: 2, state: kvStateMachine.empty() }, logBase: 2 };
    const s = boot(1, config(), d);
    const following = steps(s, [deliver(3, vote(3, z(0, 0), 2, 1)), timeout('finalize'), deliver(3, { type: 'LEADERINFO', newEpoch: 3 })]).next;
    const r = step(following, deliver(3, { type: 'TRUNC', zxid: z(1, 1) }));
    expect(show(r.effects)).toEqual(['exit 13']);
    expect(notes(r.effects).join('\n')).toContain('Not able to truncate the log to 1:1');
    expect(r.next.role).toBe('FOLLOWING');
  });

  test('TRUNC below the snapshot succeeds when an older log file holds a record at or above its zxid', () => {
    const d = { ...disk([], { current: 1 }), snapshot: { zxid: z(1, 2), count: 2, state: kvStateMachine.empty() }, logBase: 2, oldLogTop: z(1, 1) };
    const s = boot(1, config(), d);
    const following = steps(s, [deliver(3, vote(3, z(0, 0), 2, 1)), timeout('finalize'), deliver(3, { type: 'LEADERINFO', newEpoch: 3 })]).next;
    const r = step(following, deliver(3, { type: 'TRUNC', zxid: z(1, 1) }));
    expect(show(r.effects)).toEqual(['persistSync truncate 1:1']);
    expect(r.next.role).toBe('FOLLOWING');
    expect(r.next.snapshot?.zxid).toBe(z(1, 2));
    expect(r.next.lastProcessedZxid).toBe(z(1, 1));
  });

  test('a snapshot write remembers the top of the log files it supersedes; a truncate lowers it', () => {
    let d = disk([z(1, 1), z(1, 2)], { current: 1 });
    d = applyZabWrite(d, { kind: 'snapshot', snapshot: { zxid: z(2, 0), count: 2, state: kvStateMachine.empty() }, replacesLog: true });
    expect(d.log.size).toBe(0);
    expect(d.oldLogTop).toBe(z(1, 2));
    d = applyZabWrite(d, { kind: 'truncate', zxid: z(1, 1) });
    expect(d.oldLogTop).toBe(z(1, 1));
    expect(boot(1, config(), d).db.oldLogTop).toBe(z(1, 1));
  });

  test('SNAP replaces the state in memory; it is persisted as a snapshot at NEWLEADER', () => {
    const r = registered();
    const snap = step(r.next, deliver(3, { type: 'SNAP', zxid: z(1, 5), snapshot: { zxid: z(1, 5), count: 5, state: {} } }));
    expect(show(snap.effects)).toEqual([]);
    expect(snap.next.lastProcessedZxid).toBe(z(1, 5));
    const nl = step(snap.next, deliver(3, { type: 'NEWLEADER', zxid: z(2, 0) }));
    // Nothing committed to log, so no fsync to wait for: currentEpoch, then the ACK.
    expect(show(nl.effects)).toEqual(['persistSync snapshot 1:5', 'persistSync currentEpoch=2', 'send 3 ACK 2:0']);
  });
});
