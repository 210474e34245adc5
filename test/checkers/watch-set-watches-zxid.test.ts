// Proves watch-order reads a setWatches event's zxid soundly: an event that names no txn (-1, as zabsim
// and ZooKeeper 3.8 record it) or a state later than its change (older recordings) is not held to the
// replies of the connection before, which rightly sent no event for a node its ACL hid.
import { describe, expect, test } from 'vitest';
import { checkWatchOrder } from '../../sim/checkers/client.js';
import type { ZkHistory, ZkHistoryEvent, ZkHistoryOp, ZkOp, ZkResult } from '../../sim/history/types.js';
import { zkHistory, zkOpRecord } from './history-builders.js';
import { referenceCheck } from '../reference/reference.js';

const Z = (counter: number): number => 2 ** 32 + counter; // zxid 1:counter

function op(
  session: number,
  o: ZkOp,
  invokeUs: number,
  completeUs: number,
  result: ZkResult,
  zxid: number | null,
  extra: Partial<ZkHistoryOp> = {},
): ZkHistoryOp {
  return zkOpRecord(o, invokeUs, completeUs, result, zxid, { client: session - 1000, session, ...extra });
}
function session(state: 'CONNECTED' | 'DISCONNECTED', atUs: number, server: number): ZkHistoryEvent {
  return { kind: 'session', client: 1, session: 1001, server, state, atUs };
}
function judged(h: ZkHistory): { zabsim: string; possible: boolean | 'too-large' } {
  return { zabsim: checkWatchOrder(h).verdict, possible: referenceCheck(h).possible };
}

/**
 * Seed 9568's shape, shrunk: session 1001 sets an exists watch on the missing /b at 1:10; another session
 * creates /b at 1:15 with an ACL that does not let 1001 read it, so the server consumes the watch and
 * sends nothing; 1001 then lists / at 1:19, reconnects elsewhere and re-sends its watch with setWatches,
 * which finds /b and sends NodeCreated (DataTree.setWatches checks no ACL).
 */
function history(eventZxid: number, restrictedRead: boolean): ZkHistory {
  const create: ZkOp = { type: 'create', path: '/b', data: 'v', mode: 'persistent', ...(restrictedRead ? { restrictedRead: true } : {}) };
  const ops = [
    op(1001, { type: 'exists', path: '/b', watch: true }, 10, 20, { rc: 'ok', exists: false }, null, { readZxid: Z(10) }),
    op(1002, create, 30, 40, { rc: 'ok', path: '/b' }, Z(15), { server: 2 }),
    op(1001, { type: 'getChildren', path: '/' }, 50, 60, { rc: 'ok', children: ['b', 'zookeeper'] }, null, { readZxid: Z(19) }),
  ];
  const events: ZkHistoryEvent[] = [
    session('CONNECTED', 5, 1),
    session('DISCONNECTED', 70, 1),
    session('CONNECTED', 80, 2),
    { kind: 'watch', client: 1, session: 1001, server: 2, type: 'NodeCreated', path: '/b', zxid: eventZxid, atUs: 90 },
  ];
  return zkHistory(ops, events);
}

describe('a setWatches event after a reconnect, for a change the old connection hid by its ACL', () => {
  test('naming no txn (-1): possible', () => {
    expect(judged(history(-1, true))).toEqual({ zabsim: 'ok', possible: true });
  });

  test("stamped with the server's zxid when setWatches ran, later than the change (1:19 for 1:15): possible", () => {
    // watch-order had held this zxid to the listing at 1:19 on the old connection, as if it were the change's.
    expect(judged(history(Z(19), true))).toEqual({ zabsim: 'ok', possible: true });
  });

  test('without the ACL the old connection owed the event before the listing: violated, whatever the zxid', () => {
    // WatchManager.triggerWatch queued NodeCreated on the old connection as 1:15 was applied, ahead of the
    // reply at 1:19 on that connection. (The reference orders events against replies only on the event's
    // own connection, so it accepts both.)
    expect(checkWatchOrder(history(-1, false)).verdict).toBe('violated');
    expect(checkWatchOrder(history(Z(19), false)).verdict).toBe('violated');
  });
});
