// Proves that zabsim and the reference checker agree on the round-6 sweep shapes (seed 900000): an
// indeterminate write a session sent after its own end changed nothing; a lost write whose data a read
// shows (by its mzxid) took effect, with rc ok, and fires the watches it triggers.
import { describe, expect, it } from 'vitest';
import { checkZkHistory } from '../../sim/cli/check.js';
import type { ZkHistory, ZkHistoryEvent } from '../../sim/history/types.js';
import { HistoryView } from '../../sim/checkers/history-view.js';
import { pinByMzxid } from '../../sim/checkers/mzxid-pins.js';
import { referenceCheck } from '../reference/reference.js';
import { endedRecord, zkHistory, zkOpRecord } from './history-builders.js';

function both(h: ZkHistory): { zabsim: string; possible: boolean | 'too-large' } {
  return { zabsim: checkZkHistory(h).verdict, possible: referenceCheck(h).possible };
}

describe('an indeterminate write sent after its own session ended has no effect', () => {
  // Session 1003 closes (ok, no zxid), then sends a create of /a whose reply is lost; session 1004's
  // create of /a/c needs /a. Case 1921518535.
  const close = (invokeUs: number, completeUs: number) =>
    zkOpRecord({ type: 'closeSession' }, invokeUs, completeUs, { rc: 'ok' }, null, { client: 2, session: 1003 });
  const lostCreate = (invokeUs: number) =>
    zkOpRecord({ type: 'create', path: '/a', data: 'v5', mode: 'persistent' }, invokeUs, null, null, null, { client: 2, session: 1003 });
  const child = zkOpRecord({ type: 'create', path: '/a/c', data: 'v6', mode: 'persistent' }, 8937, 9327, { rc: 'ok', path: '/a/c' }, null, {
    client: 2,
    session: 1004,
  });

  it('sent after an ok close: /a was never made, so /a/c cannot be', () => {
    expect(both(zkHistory([lostCreate(6967), close(4576, 5687), child]))).toEqual({ zabsim: 'violated', possible: false });
  });

  it('sent before the close, it may have made /a', () => {
    expect(both(zkHistory([lostCreate(4000), close(4576, 5687), child]))).toEqual({ zabsim: 'ok', possible: true });
  });

  it('sent after an ENDED record of its session: an exists that shows /a is impossible', () => {
    const exists = zkOpRecord({ type: 'exists', path: '/a' }, 9982, 10196, { rc: 'ok', exists: true, version: 0 }, null, {
      client: 1,
      session: 1004,
    });
    expect(both(zkHistory([lostCreate(7828), exists], [endedRecord(1003, 2 ** 32 + 1, 6952)]))).toEqual({ zabsim: 'violated', possible: false });
  });

  it('sent before that record, it may have made /a', () => {
    const exists = zkOpRecord({ type: 'exists', path: '/a' }, 9982, 10196, { rc: 'ok', exists: true, version: 0 }, null, {
      client: 1,
      session: 1004,
    });
    expect(both(zkHistory([lostCreate(6000), exists], [endedRecord(1003, 2 ** 32 + 2, 6952)]))).toEqual({ zabsim: 'ok', possible: true });
  });
});

const Z = (counter: number): number => 2 ** 32 + counter; // epoch 1

describe('a lost write that a read shows by its mzxid took effect', () => {
  it('a lost create of a node that already exists cannot be the one a read shows at a newer mzxid (case 3809351093)', () => {
    const made = zkOpRecord({ type: 'create', path: '/a', data: 'v5', mode: 'persistent' }, 7813, 8325, { rc: 'ok', path: '/a' }, Z(5), {
      client: 2,
      session: 1003,
    });
    const lost = zkOpRecord({ type: 'create', path: '/a', data: 'v7', mode: 'persistent' }, 11858, null, null, null, { session: 1004 });
    const shown = (mzxid: number) =>
      zkOpRecord({ type: 'exists', path: '/a' }, 12412, 13390, { rc: 'ok', exists: true, version: 0, mzxid, ephemeralOwner: 0 }, null, {
        session: 1004,
      });
    expect(both(zkHistory([made, lost, shown(Z(7))]))).toEqual({ zabsim: 'violated', possible: false });
    expect(both(zkHistory([made, lost, shown(Z(5))]))).toEqual({ zabsim: 'ok', possible: true });
  });

  // Session 1002 watches /b (getData at version 1), then closes (ENDED at 1:5); a lost setData of session
  // 1001 is the only write that can have made the version 2 a later read shows at mzxid 1:4, so it fired
  // 1002's watch before its close: the event is owed before the close's reply (case 4079874892).
  const ops = (mzxid: number) => [
    zkOpRecord({ type: 'create', path: '/b', data: 'v1', mode: 'persistent' }, 1412, 2896, { rc: 'ok', path: '/b' }, Z(1), { client: 2, session: 1002 }),
    zkOpRecord({ type: 'setData', path: '/b', data: 'v2', version: 0 }, 2981, 3090, { rc: 'ok', version: 1 }, null, { client: 2, session: 1002 }),
    zkOpRecord({ type: 'getData', path: '/b', watch: true }, 4647, 5704, { rc: 'ok', data: 'v2', version: 1, mzxid: Z(2), ephemeralOwner: 0 }, null, {
      client: 2,
      session: 1002,
    }),
    zkOpRecord({ type: 'setData', path: '/b', data: 'v5', version: -1 }, 6927, null, null, null, { session: 1001 }),
    zkOpRecord({ type: 'closeSession' }, 7321, 8907, { rc: 'ok' }, null, { client: 2, session: 1002 }),
    zkOpRecord({ type: 'exists', path: '/b' }, 8938, 9368, { rc: 'ok', exists: true, version: 2, mzxid, ephemeralOwner: 0 }, null, {
      client: 2,
      session: 1003,
    }),
  ];

  it('its change before the watching session ended owes that session an event before the close reply', () => {
    expect(both(zkHistory(ops(Z(4)), [endedRecord(1002, Z(5), 8213)]))).toEqual({ zabsim: 'violated', possible: false });
  });

  it('the same when its session sent another write later whose reply was lost too', () => {
    const later = zkOpRecord({ type: 'create', path: '/a/c', data: 'v6', mode: 'persistent' }, 11777, null, null, null, { session: 1001 });
    expect(both(zkHistory([...ops(Z(4)), later], [endedRecord(1002, Z(5), 8213)]))).toEqual({ zabsim: 'violated', possible: false });
  });

  it('made after that end (a larger mzxid), it owes nothing', () => {
    expect(both(zkHistory(ops(Z(6)), [endedRecord(1002, Z(5), 8213)]))).toEqual({ zabsim: 'ok', possible: true });
  });
});

describe("a watch event's zxid names the txn that fired it, on the watch's own connection", () => {
  // Session 1001 watches /b (exists, missing), then creates ephemeral /b (no zxid in the reply); its
  // NodeCreated event carries 1:2, so the create is at 1:2. Session 1002's create of /b at 1:3 then needs
  // 1001's end in between, and no zxid is left for it (case 2465041739).
  const ops = (otherZxid: number) => [
    zkOpRecord({ type: 'exists', path: '/b', watch: true }, 203, 1327, { rc: 'ok', exists: false }, null, { session: 1001 }),
    zkOpRecord({ type: 'create', path: '/b', data: 'v1', mode: 'ephemeral' }, 1403, 2845, { rc: 'ok', path: '/b' }, null, { session: 1001 }),
    zkOpRecord({ type: 'create', path: '/b', data: 'v3', mode: 'persistent' }, 5994, 6493, { rc: 'ok', path: '/b' }, otherZxid, {
      client: 2,
      session: 1002,
    }),
  ];
  const created = { kind: 'watch' as const, client: 1, session: 1001, server: 1, type: 'NodeCreated' as const, path: '/b', zxid: Z(2), atUs: 2029 };

  it('no zxid is left for the session end between the two creates', () => {
    expect(both(zkHistory(ops(Z(3)), [created]))).toEqual({ zabsim: 'violated', possible: false });
  });

  it('with a zxid left for it, the unseen end explains the second create', () => {
    expect(both(zkHistory(ops(Z(4)), [created]))).toEqual({ zabsim: 'ok', possible: true });
  });

  it('after a reconnect the event may come from setWatches, at the state it ran in: not pinned', () => {
    // DataTree.setWatches stamps the server's last zxid, not the change's: only events of a session with
    // no reconnect record pin a write.
    const reconnect = { kind: 'session' as const, client: 1, session: 1001, server: 2, state: 'CONNECTED' as const, atUs: 1350 };
    const pinned = (events: ZkHistoryEvent[]) => {
      const p = pinByMzxid(new HistoryView(zkHistory(ops(Z(5)), events)));
      return p !== null && 'history' in p ? p.history.ops.map((o) => o.zxid) : null;
    };
    expect(pinned([created])).toEqual([null, Z(2), Z(5)]);
    expect(pinned([reconnect, created])).toBeNull();
    // A session's first CONNECTED record, before it sent anything, is its one connection.
    expect(pinned([{ ...reconnect, atUs: 100 }, created])).toEqual([null, Z(2), Z(5)]);
  });
});

describe("a listing that lacks a child puts the child's create above it when nothing can delete the child by then", () => {
  // Session 1002 makes ephemeral /b (no zxid) and ends at 1:4 (ENDED); session 1003's child watch on /
  // at 1:2 lists no b, so the create is at 1:3, fires that watch, and 1003's close at 1:5 owes the
  // event first (case 18905597).
  const ops = (readZxid: number) => [
    zkOpRecord({ type: 'create', path: '/b', data: 'v2', mode: 'ephemeral' }, 3866, 4026, { rc: 'ok', path: '/b' }, null, { session: 1002 }),
    zkOpRecord({ type: 'getChildren', path: '/', watch: true }, 5935, 6040, { rc: 'ok', children: ['zookeeper'] }, null, { session: 1003, readZxid }),
    zkOpRecord({ type: 'closeSession' }, 6136, 7323, { rc: 'ok' }, Z(5), { session: 1003 }),
    // Another session makes /b again later, so the end is not known to be the only delete of its /b.
    zkOpRecord({ type: 'create', path: '/b', data: 'v3', mode: 'persistent' }, 7454, 8160, { rc: 'ok', path: '/b' }, null, { session: 1004 }),
  ];
  const ended = endedRecord(1002, Z(4), 5244);

  it('the create fired the watch before the close: the event is owed', () => {
    expect(both(zkHistory(ops(Z(2)), [ended]))).toEqual({ zabsim: 'violated', possible: false });
  });

  it('with the listing at 1:4 (after the end), the create and the end both came before it: nothing owed', () => {
    expect(both(zkHistory(ops(Z(4)), [ended]))).toEqual({ zabsim: 'ok', possible: true });
  });
});

describe("a lost multi that a read's mzxid pins made every node it names", () => {
  // Session 1001 watches /a (exists, missing), then sends a multi creating /b and /a whose reply is lost;
  // its read of /b at mzxid 1:4 shows the multi took effect, so NodeCreated /a was owed before that reply
  // (case 4272944380).
  const ops = (second: string) => [
    zkOpRecord({ type: 'exists', path: '/a', watch: true }, 8983, 9354, { rc: 'ok', exists: false }, null, { session: 1001 }),
    zkOpRecord(
      {
        type: 'multi',
        ops: [
          { type: 'create', path: '/b', data: 'v5', mode: 'persistent' },
          { type: 'create', path: second, data: 'v6', mode: 'persistent' },
        ],
      },
      11963,
      null,
      null,
      null,
      { session: 1001 },
    ),
    zkOpRecord({ type: 'getData', path: '/b' }, 12905, 13741, { rc: 'ok', data: 'v5', version: 0, mzxid: Z(4), ephemeralOwner: 0 }, null, {
      session: 1001,
    }),
  ];

  it('its create of the watched node fired the watch before the read: the event is owed', () => {
    expect(both(zkHistory(ops('/a')))).toEqual({ zabsim: 'violated', possible: false });
  });

  it('a multi that creates another node owes nothing', () => {
    expect(both(zkHistory(ops('/c')))).toEqual({ zabsim: 'ok', possible: true });
  });
});

describe('a child watch on a node that is then deleted', () => {
  // Session 1002 lists /a (a child watch), session 1003 deletes /a at 1:2, then 1002 closes at 1:4: the
  // listing saw /a, made once, so the delete came after it, fired NodeDeleted, and the event was owed
  // before the close's reply (case 2268757689).
  const ops = (closeZxid: number) => [
    zkOpRecord({ type: 'create', path: '/a', data: 'v1', mode: 'persistent' }, 585, 1362, { rc: 'ok', path: '/a' }, null, { session: 1002 }),
    zkOpRecord({ type: 'getChildren', path: '/a', watch: true }, 1685, 4228, { rc: 'ok', children: [] }, null, { session: 1002 }),
    zkOpRecord({ type: 'delete', path: '/a', version: -1 }, 2499, 3068, { rc: 'ok' }, Z(2), { client: 3, session: 1003 }),
    zkOpRecord({ type: 'closeSession' }, 5912, 7819, { rc: 'ok' }, closeZxid, { session: 1002 }),
  ];

  it('the event is owed before the close', () => {
    expect(both(zkHistory(ops(Z(4))))).toEqual({ zabsim: 'violated', possible: false });
  });

  it('with the event before the close, it is possible', () => {
    const deleted = { kind: 'watch' as const, client: 1, session: 1002, server: 1, type: 'NodeDeleted' as const, path: '/a', zxid: Z(2), atUs: 5000 };
    expect(both(zkHistory(ops(Z(4)), [deleted]))).toEqual({ zabsim: 'ok', possible: true });
  });
});
