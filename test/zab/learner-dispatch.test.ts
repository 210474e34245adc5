// Proves the learner's dispatch table: for each stage of a follower and an observer (Learner.syncWithLeader
// before and after its first packet, after NEWLEADER, in broadcast) what each packet from the leader does:
// the handler it reaches, the reason it is dropped, the role it ends, or the process exit it asks for,
// and which of those no faithful leader causes (flagged as an anomaly).
import { describe, expect, test } from 'vitest';
import type { ZabMessage } from '../../protocol/zab/messages.js';
import type { ZabServer } from '../../protocol/zab/state.js';
import type { Event } from '../../protocol/program.js';
import { kvStateMachine } from '../../protocol/kv/state-machine.js';
import { boot, config, deliver, fsyncTokens, notes, show, step, steps, txn, vote, z, type Stepped } from './harness.js';

const cfg = config({}, [1, 2, 3], [4]);
const LEADER = 3;

type Stage = 'first sync packet' | 'sync loop' | 'after NEWLEADER' | 'broadcast';

/** Follower 1 or observer 4 of leader 3 (epoch 2), driven to `stage` by the leader's own packets. */
function learnerAt(observer: boolean, stage: Stage): ZabServer {
  const joined = observer
    ? steps(boot(4, cfg), [deliver(2, vote(LEADER, z(1, 0), 1, 1, 'FOLLOWING')), deliver(LEADER, vote(LEADER, z(1, 0), 1, 1, 'LEADING'))]).next
    : steps(boot(1, cfg), [deliver(LEADER, vote(LEADER, 0, 0, 1)), { type: 'timeout', timer: 'finalize', now: 0 }]).next;
  expect(joined.role).toBe(observer ? 'OBSERVING' : 'FOLLOWING');
  let s = step(joined, deliver(LEADER, { type: 'LEADERINFO', newEpoch: 2 })).next;
  if (stage === 'first sync packet') return s;
  s = step(s, deliver(LEADER, { type: 'DIFF', zxid: 0 })).next;
  if (stage === 'sync loop') return s;
  const newLeader = step(s, deliver(LEADER, { type: 'NEWLEADER', zxid: z(2, 0) }));
  s = fsynced(newLeader).next;
  if (stage === 'after NEWLEADER') return s;
  return step(s, deliver(LEADER, { type: 'UPTODATE' })).next;
}

function fsynced(r: Stepped): Stepped {
  let last = r;
  for (const token of fsyncTokens(r.effects)) last = step(last.next, { type: 'fsynced', token } as Event<ZabMessage>);
  return last;
}

/**
 * What a step did, in one line: the process exit it asked for and why, the role it ended and why,
 * or its effects and the learner's stage/sync mode.
 */
function outcome(r: Stepped): string {
  const exit = r.effects.find((e) => e.type === 'exit');
  if (exit !== undefined) {
    const exiting = notes(r.effects).find((n) => n.startsWith('exiting '));
    return `exits: ${exiting?.replace(/^exiting with /, '')}`;
  }
  if (r.next.learner === null) {
    const leaving = notes(r.effects).find((n) => n.startsWith('leaving '));
    return `leaves: ${leaving?.replace(/^leaving \w+: /, '')}`;
  }
  const effects = show(r.effects, ['send', 'persist', 'fsync', 'note']).join('; ');
  return `${effects === '' ? '-' : effects} | ${r.next.learner.stage}/${r.next.learner.syncMode}`;
}

const packets: Record<string, ZabMessage> = {
  PROPOSAL: { type: 'PROPOSAL', txn: txn(z(2, 1)) },
  COMMIT: { type: 'COMMIT', zxid: z(2, 1) },
  INFORM: { type: 'INFORM', txn: txn(z(2, 1)) },
  PING: { type: 'PING', zxid: 0 },
  LEADERINFO: { type: 'LEADERINFO', newEpoch: 2 },
  DIFF: { type: 'DIFF', zxid: 0 },
  SNAP: { type: 'SNAP', zxid: z(1, 0), snapshot: { zxid: z(1, 0), count: 0, state: kvStateMachine.empty() } },
  NEWLEADER: { type: 'NEWLEADER', zxid: z(2, 0) },
  UPTODATE: { type: 'UPTODATE' },
  ACK: { type: 'ACK', zxid: z(2, 1) },
  REQUEST: { type: 'REQUEST', client: 9, xid: 1, op: null },
};

// Learner.syncWithLeader: requestSystemExit(QUORUM_PACKET_ERROR) on any other first packet.
const firstExpected = (type: string) => `exits: QUORUM_PACKET_ERROR (13): expected DIFF, TRUNC or SNAP first, got ${type}`;
const notFollowed = (type: string) => `note ignore ${type} during synchronization`;

// [stage, packet, follower's outcome, observer's outcome (same when omitted)]
const rows: readonly (readonly [Stage, string, string, string?])[] = [
  ['first sync packet', 'PROPOSAL', firstExpected('PROPOSAL')],
  ['first sync packet', 'COMMIT', firstExpected('COMMIT')],
  ['first sync packet', 'INFORM', firstExpected('INFORM')],
  ['first sync packet', 'PING', '- | SYNC/NONE'],
  ['first sync packet', 'LEADERINFO', firstExpected('LEADERINFO')],
  ['first sync packet', 'DIFF', '- | SYNC/DIFF'],
  ['first sync packet', 'SNAP', "note SNAP: loading the leader's state as of 1:0 (0 txns) | SYNC/SNAP"],
  ['first sync packet', 'NEWLEADER', firstExpected('NEWLEADER')],
  ['first sync packet', 'UPTODATE', firstExpected('UPTODATE')],
  ['first sync packet', 'ACK', firstExpected('ACK')],
  ['first sync packet', 'REQUEST', firstExpected('REQUEST')],

  ['sync loop', 'PROPOSAL', '- | SYNC/DIFF'],
  ['sync loop', 'COMMIT', 'leaves: COMMIT 2:1 with no pending proposal (NullPointerException in syncWithLeader)'],
  ['sync loop', 'INFORM', '- | SYNC/DIFF'],
  ['sync loop', 'PING', '- | SYNC/DIFF'],
  ['sync loop', 'LEADERINFO', notFollowed('LEADERINFO') + ' | SYNC/DIFF'],
  ['sync loop', 'DIFF', notFollowed('DIFF') + ' | SYNC/DIFF'],
  ['sync loop', 'SNAP', notFollowed('SNAP') + ' | SYNC/DIFF'],
  // Nothing committed to log: master skips the fsync and ACKs at once (Learner.syncWithLeader's NEWLEADER case).
  ['sync loop', 'NEWLEADER', 'note NEWLEADER 2:0: persisting in order committedOnlyThenEpochThenAck; send 3 ACK 2:0 | NEWLEADER_DONE/DIFF'],
  ['sync loop', 'UPTODATE', 'leaves: UPTODATE before NEWLEADER'],
  ['sync loop', 'ACK', notFollowed('ACK') + ' | SYNC/DIFF'],
  ['sync loop', 'REQUEST', notFollowed('REQUEST') + ' | SYNC/DIFF'],

  ['after NEWLEADER', 'PROPOSAL', '- | NEWLEADER_DONE/DIFF'],
  ['after NEWLEADER', 'INFORM', '- | NEWLEADER_DONE/DIFF'],
  ['after NEWLEADER', 'PING', 'send 3 PING 0:0 | NEWLEADER_DONE/DIFF'],
  ['after NEWLEADER', 'LEADERINFO', notFollowed('LEADERINFO') + ' | NEWLEADER_DONE/DIFF'],
  ['after NEWLEADER', 'NEWLEADER', 'leaves: second NEWLEADER'],
  ['after NEWLEADER', 'UPTODATE', 'send 3 ACK 2:0; note UPTODATE: in sync with 3 at 0:0; serving clients | BROADCAST/NONE'],

  ['broadcast', 'PROPOSAL', 'persist append 2:1; fsync | BROADCAST/NONE', 'note observer ignores PROPOSAL | BROADCAST/NONE'],
  ['broadcast', 'COMMIT', 'note COMMIT 2:1 with no pending txn: ignored | BROADCAST/NONE', '- | BROADCAST/NONE'],
  ['broadcast', 'INFORM', 'note follower ignores INFORM | BROADCAST/NONE', 'persist append 2:1; fsync | BROADCAST/NONE'],
  ['broadcast', 'PING', 'send 3 PING 0:0 | BROADCAST/NONE'],
  ['broadcast', 'LEADERINFO', 'note ignore LEADERINFO in broadcast | BROADCAST/NONE'],
  ['broadcast', 'DIFF', 'note ignore DIFF in broadcast | BROADCAST/NONE'],
  ['broadcast', 'NEWLEADER', 'note ignore NEWLEADER in broadcast | BROADCAST/NONE'],
  ['broadcast', 'UPTODATE', 'note ignore UPTODATE in broadcast | BROADCAST/NONE'],
  ['broadcast', 'ACK', 'note ignore ACK in broadcast | BROADCAST/NONE'],
];

describe.each([
  ['follower', false],
  ['observer', true],
] as const)('%s', (_, observer) => {
  test.each(rows.map((r) => [`${r[0]}: ${r[1]}`, ...r] as const))('%s', (_name, stage, packet, follower, observerOutcome) => {
    const r = step(learnerAt(observer, stage), deliver(LEADER, packets[packet] as ZabMessage));
    expect(outcome(r)).toBe(observer ? (observerOutcome ?? follower) : follower);
  });
});

describe('the fsync of a logged txn', () => {
  test('a follower ACKs its proposal; an observer ACKs nothing for its INFORM', () => {
    const follower = step(learnerAt(false, 'broadcast'), deliver(LEADER, packets.PROPOSAL as ZabMessage));
    expect(show(fsynced(follower).effects, ['send'])).toEqual(['send 3 ACK 2:1']);
    const observer = step(learnerAt(true, 'broadcast'), deliver(LEADER, packets.INFORM as ZabMessage));
    expect(fsyncTokens(observer.effects).length).toBe(1);
    expect(show(fsynced(observer).effects, ['send'])).toEqual([]);
  });
});

describe('packets while the NEWLEADER fsync blocks the learner', () => {
  /** The learner in the sync loop with one committed sync txn (2:1) to log at NEWLEADER. */
  function withCommittedTxn(observer: boolean): ZabServer {
    return steps(learnerAt(observer, 'sync loop'), [deliver(LEADER, packets.PROPOSAL as ZabMessage), deliver(LEADER, packets.COMMIT as ZabMessage)]).next;
  }

  test('a follower: they wait, then are read in order after the fsync', () => {
    const blocked = step(withCommittedTxn(false), deliver(LEADER, packets.NEWLEADER as ZabMessage));
    const waiting = steps(blocked.next, [deliver(LEADER, { type: 'UPTODATE' }), deliver(LEADER, { type: 'PING', zxid: 0 })]);
    expect(waiting.next.learner?.backlog.map((m) => m.type)).toEqual(['UPTODATE', 'PING']);
    // The fsync asked for at NEWLEADER completes after the two packets arrived.
    const resumed = fsynced({ ...blocked, next: waiting.next });
    expect(show(resumed.effects, ['send'])).toEqual(['send 3 ACK 2:0', 'send 3 ACK 2:0', 'send 3 PING 2:1']);
    expect(resumed.next.learner?.stage).toBe('BROADCAST');
  });

  test('an observer does not block: only a FollowerZooKeeperServer logs at NEWLEADER; it commits after UPTODATE', () => {
    const acked = step(withCommittedTxn(true), deliver(LEADER, packets.NEWLEADER as ZabMessage));
    expect(show(acked.effects)).toEqual(['persistSync currentEpoch=2', 'send 3 ACK 2:0']);
    expect(acked.next.applied).toBe(0);
    const up = step(acked.next, deliver(LEADER, { type: 'UPTODATE' }));
    expect(show(up.effects)).toEqual(['send 3 ACK 2:0', 'persist append 2:1', 'fsync']);
    expect(up.next.lastProcessedZxid).toBe(z(2, 1));
  });
});

describe('sync packets no faithful leader sends', () => {
  /** The anomaly flags a step observed (the Zab checker fails a run on any: zab-anomalies). */
  function anomalies(r: Stepped): string[] {
    return r.effects.flatMap((e) => (e.type === 'observe' && e.what.kind === 'anomaly' ? [`${e.what.flag}: ${e.what.detail}`] : []));
  }

  test.each(['LEADERINFO', 'PROPOSAL', 'UPTODATE'])('%s before DIFF, TRUNC or SNAP: the exit is also flagged, so a fuzz run fails', (packet) => {
    const r = step(learnerAt(false, 'first sync packet'), deliver(LEADER, packets[packet] as ZabMessage));
    expect(outcome(r)).toBe(firstExpected(packet));
    expect(anomalies(r)).toEqual([`stateInconsistent: ${packet} before DIFF, TRUNC or SNAP`]);
  });

  test.each([
    ['sync loop', 'UPTODATE', 'UPTODATE before NEWLEADER'],
    ['after NEWLEADER', 'NEWLEADER', 'second NEWLEADER'],
  ] as const)('%s: %s out of LearnerHandler order is flagged as it ends the role', (stage, packet, reason) => {
    const r = step(learnerAt(false, stage), deliver(LEADER, packets[packet] as ZabMessage));
    expect(outcome(r)).toBe(`leaves: ${reason}`);
    expect(anomalies(r)).toEqual([`stateInconsistent: ${reason}`]);
  });

  test('the sync packets themselves, and a PING the learner drops, are not flagged', () => {
    for (const packet of ['DIFF', 'SNAP', 'PING']) {
      expect(anomalies(step(learnerAt(false, 'first sync packet'), deliver(LEADER, packets[packet] as ZabMessage)))).toEqual([]);
    }
  });
});
