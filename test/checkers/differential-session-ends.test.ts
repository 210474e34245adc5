// Proves that zabsim and the reference checker agree on a session end whose commit an ENDED record times:
// a close invoked after its own txn was seen committed is impossible, and so is a txn invoked after a
// recorded end that carries a smaller zxid; a close invoked before the record, or one without a zxid
// (a second closeSession txn of the ended session) stays possible.
import { describe, expect, it } from 'vitest';
import { checkZkHistory } from '../../sim/cli/check.js';
import { referenceCheck } from '../reference/reference.js';
import { endedRecord, zkHistory, zkOpRecord } from './history-builders.js';

const Z = (counter: number): number => 2 ** 32 + counter; // epoch 1

const ended = endedRecord;

function both(h: ReturnType<typeof zkHistory>): { zabsim: string; possible: boolean | 'too-large' } {
  return { zabsim: checkZkHistory(h).verdict, possible: referenceCheck(h).possible };
}

describe('a session end timed by an ENDED record', () => {
  it('a close invoked after its own txn was seen committed is impossible (zxid given)', () => {
    const close = zkOpRecord({ type: 'closeSession' }, 2933, 3831, { rc: 'ok' }, Z(1), { session: 1001 });
    expect(both(zkHistory([close], [ended(1001, Z(1), 2182)]))).toEqual({ zabsim: 'violated', possible: false });
  });

  it('a close without a zxid invoked after its session was seen ended is a second close txn: possible', () => {
    const close = zkOpRecord({ type: 'closeSession' }, 5366, 5987, { rc: 'ok' }, null, { session: 1001 });
    expect(both(zkHistory([close], [ended(1001, Z(4), 5012)]))).toEqual({ zabsim: 'ok', possible: true });
  });

  it('that second close txn needs a zxid between the end and the next write: none is free', () => {
    const close = zkOpRecord({ type: 'closeSession' }, 5366, 5987, { rc: 'ok' }, null, { session: 1001 });
    const next = zkOpRecord({ type: 'create', path: '/a', data: 'v', mode: 'persistent' }, 7738, 8630, { rc: 'ok', path: '/a' }, Z(5), {
      session: 1002,
    });
    expect(both(zkHistory([close, next], [ended(1001, Z(4), 5012)]))).toEqual({ zabsim: 'violated', possible: false });
  });

  it("a close invoked after another session's recorded end carries a larger zxid", () => {
    const mine = zkOpRecord({ type: 'closeSession' }, 12663, 13838, { rc: 'ok' }, Z(8), { session: 1004 });
    const other = zkOpRecord({ type: 'closeSession' }, 13790, 14411, { rc: 'ok' }, Z(7), { session: 1003 });
    expect(both(zkHistory([mine, other], [ended(1004, Z(8), 13149)]))).toEqual({ zabsim: 'violated', possible: false });
  });

  it('a close invoked before the record of its own end is possible', () => {
    const close = zkOpRecord({ type: 'closeSession' }, 1773, 2671, { rc: 'ok' }, Z(1), { session: 1001 });
    expect(both(zkHistory([close], [ended(1001, Z(1), 2182)]))).toEqual({ zabsim: 'ok', possible: true });
  });

  it('a write a session sent after its own end was seen committed gets no server reply, zxid or not', () => {
    const create = zkOpRecord({ type: 'create', path: '/a/c', data: 'v', mode: 'persistent' }, 9518, 10598, { rc: 'noNode' }, null, { session: 1004 });
    expect(both(zkHistory([create], [ended(1004, Z(4), 8044)]))).toEqual({ zabsim: 'violated', possible: false });
  });

  it('the same write sent before that end was seen is possible', () => {
    const create = zkOpRecord({ type: 'create', path: '/a/c', data: 'v', mode: 'persistent' }, 7000, 7500, { rc: 'noNode' }, null, { session: 1004 });
    expect(both(zkHistory([create], [ended(1004, Z(4), 8044)]))).toEqual({ zabsim: 'ok', possible: true });
  });
});

describe('a session whose close lost its reply may still have expired before that close was sent', () => {
  // Session 1001 makes ephemeral /b, then sends a close whose reply is lost, after session 1002 has already
  // made its own ephemeral /b: the leader expired 1001 (SessionTrackerImpl) in between, at a zxid no client saw.
  const ops = (otherZxid: number) => [
    zkOpRecord({ type: 'create', path: '/b', data: 'v1', mode: 'ephemeral' }, 100, 200, { rc: 'ok', path: '/b' }, Z(1), { session: 1001 }),
    zkOpRecord({ type: 'create', path: '/b', data: 'v2', mode: 'ephemeral' }, 300, 400, { rc: 'ok', path: '/b' }, otherZxid, { client: 2, session: 1002 }),
    zkOpRecord({ type: 'closeSession' }, 500, null, null, null, { session: 1001 }),
  ];

  it('an expiry at a free zxid between the two creates explains it', () => {
    expect(both(zkHistory(ops(Z(3))))).toEqual({ zabsim: 'ok', possible: true });
  });

  it('with no zxid free between them, /b still exists at the second create', () => {
    expect(both(zkHistory(ops(Z(2))))).toEqual({ zabsim: 'violated', possible: false });
  });
});
