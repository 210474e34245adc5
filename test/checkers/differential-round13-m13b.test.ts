// Proves that zabsim and the reference checker agree where the merge of r13b and r13d (round 13) made their two data
// version rules one (proved-writes.ts `versionShown`): a version v that a reply shows (a read's Stat, or the version a
// write found) proves the setData ops of the node sent before that reply took effect below its state when they number
// exactly v, however many more are sent after it and however many lives the node had; and a read's version so bounds a certain setData without a zxid,
// whose event a one-shot data watch owes before a later reply of its session (open-round12 4132429694, which neither
// branch settled alone). Each impossible history has a possible twin.
import { describe, expect, it } from 'vitest';
import { both, event, op } from './differential-records.js';
import { Z } from './history-builders.js';
import { create, made, ok, recursive } from './persistent-records.js';

describe('a data version counts only the setData ops sent before the reply that shows it', () => {
  // Session 1001's recursive watch on /b; session 1002's setData /b (reply lost), sent after the addWatch returned,
  // then its delete /b at version 1 (the only delete of /b): /b's one setData sent before that reply took effect
  // first. Session 1003's setData /b, sent after the delete's reply (lost too), cannot be the one: its txn would come
  // after the delete's. So NodeDataChanged /b came before NodeDeleted /b at 1:5 on 1001's connection.
  const records = (withChanged: boolean) => [
    op(1, 1001, create('/b', 'v2'), 1376, 2032, made('/b'), null),
    op(3, 1001, recursive('/b'), 3982, 5680, ok, null),
    op(7, 1002, { type: 'setData', path: '/b', data: 'v8', version: -1 }, 7991, null, null, null),
    op(8, 1002, { type: 'delete', path: '/b', version: 1 }, 8924, 10542, ok, null),
    op(9, 1003, { type: 'setData', path: '/b', data: 'v9', version: -1 }, 11000, null, null, null),
    ...(withChanged ? [event(1001, 'NodeDataChanged', '/b', 9000)] : []),
    event(1001, 'NodeDeleted', '/b', 9520, Z(5)),
  ];

  it('a later lost setData does not hide the proof: no NodeDataChanged /b before NodeDeleted /b is impossible', () => {
    expect(both(records(false))).toEqual({ zabsim: 'violated', possible: false });
  });

  it('with NodeDataChanged /b first: possible', () => {
    expect(both(records(true))).toEqual({ zabsim: 'ok', possible: true });
  });
});

describe('a data version proves setData ops in a node of two lives too', () => {
  // As above, but /b was made, deleted and made again (1:1, 1:2, 1:3) before the addWatch: version 1 at the delete
  // counts one setData in /b's current life, and the one setData sent before that reply is it (in the first life it
  // would leave none in the second).
  const records = (withChanged: boolean) => [
    op(0, 1001, create('/b', 'v1'), 300, 900, made('/b'), Z(1)),
    op(1, 1001, { type: 'delete', path: '/b', version: 0 }, 1000, 1300, ok, Z(2)),
    op(2, 1001, create('/b', 'v2'), 1376, 2032, made('/b'), Z(3)),
    op(3, 1001, recursive('/b'), 3982, 5680, ok, null),
    op(7, 1002, { type: 'setData', path: '/b', data: 'v8', version: -1 }, 7991, null, null, null),
    op(8, 1002, { type: 'delete', path: '/b', version: 1 }, 8924, 10542, ok, null),
    ...(withChanged ? [event(1001, 'NodeDataChanged', '/b', 9000)] : []),
    event(1001, 'NodeDeleted', '/b', 9520, Z(5)),
  ];

  it('no NodeDataChanged /b before NodeDeleted /b: impossible', () => {
    expect(both(records(false))).toEqual({ zabsim: 'violated', possible: false });
  });

  it('with NodeDataChanged /b first: possible', () => {
    expect(both(records(true))).toEqual({ zabsim: 'ok', possible: true });
  });
});

describe("a read's version bounds a certain setData without a zxid that a one-shot watch owes (case 4132429694)", () => {
  // Session 1002's getData /b sets a data watch at version 0. Session 1001's setData /b (ok, version 1, no zxid) is
  // /b's one setData, and session 1003's exists /b at 1:2 shows version 1: the setData is at or below 1:2, so 1:2
  // (the create is below it). Session 1002's create /b, answered nodeExists after that read's state was reached, is an
  // error txn above 1:2 on 1002's server, which fired the watch at 1:2 first: NodeDataChanged /b before that reply.
  const records = (withChanged: boolean) => [
    op(0, 1001, create('/b', 'v1'), 446, 2299, made('/b'), null),
    op(1, 1002, { type: 'getData', path: '/b', watch: true }, 1875, 2792, { rc: 'ok', data: 'v1', version: 0 }, null, { server: 3 }),
    op(2, 1001, { type: 'setData', path: '/b', data: 'v2', version: -1 }, 2948, 6374, { rc: 'ok', version: 1 }, null),
    op(3, 1003, { type: 'exists', path: '/b', watch: true }, 3137, 4675, { rc: 'ok', version: 1, exists: true }, null, { readZxid: Z(2) }),
    op(4, 1002, create('/b', 'v3'), 4656, 5338, { rc: 'nodeExists' }, null, { server: 3 }),
    ...(withChanged ? [event(1002, 'NodeDataChanged', '/b', 5000, Z(2), 3)] : []),
  ];

  it('no NodeDataChanged /b before the create answered nodeExists: impossible', () => {
    expect(both(records(false))).toEqual({ zabsim: 'violated', possible: false });
  });

  it('with NodeDataChanged /b first: possible', () => {
    expect(both(records(true))).toEqual({ zabsim: 'ok', possible: true });
  });
});
