// Proves that zabsim and the reference checker agree on the 100k sweep's (seed 3300000) persistent-watch shape where a
// write without a zxid surely took effect at or below a reply's state and after the watch's registration on that
// reply's connection: a certain write bounded by its ceiling (its session's end), and a lost create a later write
// proves (the node was there); its event was owed before that reply. Each impossible history has a possible twin.
import { describe, expect, it } from 'vitest';
import { both, event, op } from './differential-records.js';
import { Z } from './history-builders.js';

const recursive = (path: string) => ({ type: 'addWatch', path, mode: 'persistentRecursive' });
const persistent = (path: string) => ({ type: 'addWatch', path, mode: 'persistent' });
const create = (path: string, data = 'v', mode = 'persistent') => ({ type: 'create', path, data, mode });
const ok = { rc: 'ok' };
const made = (path: string) => ({ rc: 'ok', path });
const ended = (session: number, zxid: number, atUs: number) => ({ kind: 'session', client: null, session, server: null, state: 'ENDED', atUs, zxid });

describe('a certain write without a zxid, below its session end, owes its event before a reply above it (case 2452999239)', () => {
  // Session 1004 holds a persistent watch on /. Session 1002 creates /a (ok, no zxid), sent after the addWatch
  // returned, so its txn is above the registration; 1002 ended at 1:7 and 1004's setData /b holds 1:6, so the create
  // is at or below 1:6 and 1004's server queued NodeChildrenChanged / before the setData's reply.
  const records = (withEvent: boolean) => [
    op(6, 1004, persistent('/'), 7688, 9186, ok, null),
    op(10, 1004, { type: 'setData', path: '/b', data: 'v10', version: -1 }, 11816, 13044, { rc: 'noNode' }, Z(6)),
    op(11, 1002, create('/a'), 11900, 13326, made('/a'), null),
    ...(withEvent ? [event(1004, 'NodeChildrenChanged', '/', 12500, -1)] : []),
    ended(1002, Z(7), 14156),
  ];

  it('no NodeChildrenChanged / before the setData reply: impossible', () => {
    expect(both(records(false))).toEqual({ zabsim: 'violated', possible: false });
  });

  it('with the event before it: possible', () => {
    expect(both(records(true))).toEqual({ zabsim: 'ok', possible: true });
  });
});

describe('a lost create a later write proves owes its event before that write reply (case 1591825295)', () => {
  // Session 1001 holds a recursive watch on /, then sends create /b (reply lost) and setData /b, which finds /b at
  // 1:2: the one create of /b took effect below 1:2, after the watch (sent after the addWatch returned), so its
  // NodeCreated /b was queued before the setData's reply.
  const records = (withCreated: boolean) => [
    op(0, 1001, recursive('/'), 625, 1378, ok, null),
    op(1, 1001, create('/b', 'v1', 'ephemeral'), 1658, null, null, null),
    op(2, 1001, { type: 'setData', path: '/b', data: 'v2', version: -1 }, 2762, 3897, { rc: 'ok', version: 1 }, Z(2)),
    ...(withCreated ? [event(1001, 'NodeCreated', '/b', 2000, Z(1))] : []),
    event(1001, 'NodeDataChanged', '/b', 3183, Z(2)),
  ];

  it('no NodeCreated /b before the setData reply: impossible', () => {
    expect(both(records(false))).toEqual({ zabsim: 'violated', possible: false });
  });

  it('with NodeCreated /b at 1:1 first: possible', () => {
    expect(both(records(true))).toEqual({ zabsim: 'ok', possible: true });
  });
});
