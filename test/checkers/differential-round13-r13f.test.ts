// Proves that zabsim and the reference checker agree on the round-13 cases r13f settled: a lost create whose parent
// only another create of the history makes is at least one txn above the least zxid (1:1), so above a watch
// registered at 1:1, and its NodeCreated is owed. Each impossible history has a possible twin.
import { describe, expect, it } from 'vitest';
import { both, event, op } from './differential-records.js';
import { Z } from './history-builders.js';
import { create, recursive } from './persistent-records.js';

describe('a lost create under a lost create is above a registration at 1:1 (sweep case 4109535699)', () => {
  // Session 1002's creates of /a and /a/c are lost. 1001's recursive watch on / is registered at state 1:1 (its reply
  // header). Its setData /a/c (version 0, at 1:5) proves /a/c made, and /a/c's create needs /a there: /a's create is
  // a txn at 1:1 or above (epoch-zero.ts), so /a/c's is at 1:2 or above, after the registration, and its NodeCreated
  // /a/c comes before NodeDataChanged /a/c at 1:5 on this connection (WatchManager.triggerWatch, one FIFO socket).
  const records = (withCreated: boolean) => [
    op(0, 1002, create('/a', 'v1'), 200, null, null, null),
    op(3, 1002, create('/a/c', 'v3'), 3000, null, null, null),
    op(5, 1001, recursive('/'), 5000, 6000, { rc: 'ok' }, null, { readZxid: Z(1) }),
    op(8, 1001, { type: 'setData', path: '/a/c', data: 'v7', version: 0 }, 9000, 9500, { rc: 'ok', version: 1 }, Z(5)),
    ...(withCreated ? [event(1001, 'NodeCreated', '/a/c', 7000, Z(4))] : []),
    event(1001, 'NodeDataChanged', '/a/c', 9400, Z(5)),
  ];

  it('no NodeCreated /a/c before NodeDataChanged /a/c: impossible', () => {
    expect(both(records(false))).toEqual({ zabsim: 'violated', possible: false });
  });

  it('with NodeCreated /a/c at 1:4 first: possible', () => {
    expect(both(records(true))).toEqual({ zabsim: 'ok', possible: true });
  });
});
