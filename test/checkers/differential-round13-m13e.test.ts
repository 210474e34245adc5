// Proves that zabsim and the reference checker agree where the merge of r13e into main (round 13, m13e) made three
// data-version rules one (proved-writes.ts `versionShown`): a version v a reply shows proves the setData ops that
// must have made it took effect below its state, counting, in a node of one life, each certain setter by the versions
// its result gives (r13e's `versionProofs`) and leaving out the lost ones sent after that reply (r13b/r13d's
// `versionShown`). The impossible history has a possible twin.
import { describe, expect, it } from 'vitest';
import { both, event, op } from './differential-records.js';
import { Z } from './history-builders.js';
import { create, made, ok, recursive } from './persistent-records.js';

describe('a version proves a lost setData only with both halves of the merged rule', () => {
  // Session 1001 made /b (1:1, its one create) and holds a recursive watch on it. Session 1002's setData /b is lost
  // (L); session 1003's setData /b made version 2 (certain, no zxid); 1001's exists /b at 1:2 shows version 1; then
  // session 1004's setData /b (lost, M) was sent after that read's reply. Version 1 at 1:2 is one setData txn of /b's
  // one life: not 1003's (it made 2), not 1004's (sent after the reply), so 1002's, at 1:2, after the addWatch
  // returned: NodeDataChanged /b came before the read's reply on 1001's connection. Counted without the versions of
  // the certain setter (main before the merge) the ops sent before number two; counted without the send times (r13e)
  // the lost ones number two: neither half alone proves L.
  const records = (withChanged: boolean) => [
    op(0, 1001, create('/b', 'v1'), 100, 900, made('/b'), Z(1)),
    op(1, 1001, recursive('/b'), 1000, 2000, ok, null),
    op(2, 1002, { type: 'setData', path: '/b', data: 'v2', version: -1 }, 3000, null, null, null),
    op(3, 1003, { type: 'setData', path: '/b', data: 'v3', version: -1 }, 3500, 9000, { rc: 'ok', version: 2 }, null),
    op(4, 1001, { type: 'exists', path: '/b' }, 5000, 6000, { rc: 'ok', version: 1, exists: true }, null, { readZxid: Z(2) }),
    op(5, 1004, { type: 'setData', path: '/b', data: 'v5', version: -1 }, 7000, null, null, null),
    ...(withChanged ? [event(1001, 'NodeDataChanged', '/b', 5500)] : []),
    event(1001, 'NodeDataChanged', '/b', 8000),
  ];

  it('one NodeDataChanged /b, after the read: impossible', () => {
    expect(both(records(false))).toEqual({ zabsim: 'violated', possible: false });
  });

  it('with NodeDataChanged /b before the read: possible', () => {
    expect(both(records(true))).toEqual({ zabsim: 'ok', possible: true });
  });
});
