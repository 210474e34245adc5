// Proves that zabsim and the reference checker agree on round 12's real-time and write-result shapes (cb12, open
// cases of the 100k sweep seed 2600000): a write answered with an error rc is still a txn (an error txn) ordered by
// real time, so its session's later reads lie above every write that completed before it was sent; each impossible
// history has a possible twin.
import { describe, expect, it } from 'vitest';
import { both, op } from './differential-records.js';
import { Z } from './history-builders.js';

describe('a write answered with an error rc and no zxid orders its session after the writes that completed before it (case 3466202046)', () => {
  // Client 1 sets /k1 at 1:3. Client 3 then sends a kvCas of /k2 that fails (badVersion): PrepRequestProcessor still
  // logs it as an error txn, above 1:3, since 1:3 completed before it was sent. Client 3's next kvGet comes after that
  // txn in session order, so it cannot miss /k1. Sent before 1:3 completed, the cas may lie below it: possible.
  const kv = (casInvokeUs: number) => [
    op(4, 1001, { type: 'kvCas', path: '/k1', data: 'v4', version: -1 }, 4843, 5685, { rc: 'ok', version: 0 }, Z(3), { session: null }),
    op(7, 1003, { type: 'kvCas', path: '/k2', data: 'v6', version: 1 }, casInvokeUs, 8254, { rc: 'badVersion' }, null, { session: null }),
    op(6, 1003, { type: 'kvGet', path: '/k1' }, 8283, 9126, { rc: 'ok', exists: false }, null, { session: null }),
  ];

  it('the failed kvCas sent after 1:3 completed: impossible', () => {
    expect(both(kv(7433))).toEqual({ zabsim: 'violated', possible: false });
  });

  it('the failed kvCas sent before 1:3 completed: possible', () => {
    expect(both(kv(5000))).toEqual({ zabsim: 'ok', possible: true });
  });

  // The same rule on the zk ops: a setData of a missing node fails with noNode, an error txn just the same. Sent
  // after 1:3 completed it is above 1:3; sent before, it may be the txn at 1:2, and the read may lie between.
  const zk = (failedInvokeUs: number) => [
    op(1, 1001, { type: 'create', path: '/a', data: 'v1', mode: 'persistent' }, 100, 200, { rc: 'ok', path: '/a' }, Z(1)),
    op(2, 1001, { type: 'setData', path: '/a', data: 'v2', version: -1 }, 300, 400, { rc: 'ok', version: 1 }, Z(3)),
    op(3, 1002, { type: 'setData', path: '/b', data: 'v3', version: -1 }, failedInvokeUs, 600, { rc: 'noNode' }, null),
    op(4, 1002, { type: 'getData', path: '/a' }, 700, 800, { rc: 'ok', data: 'v1', version: 0 }, null),
  ];

  it('a setData answered noNode sent after 1:3 completed, then a read of the value before 1:3: impossible', () => {
    expect(both(zk(500))).toEqual({ zabsim: 'violated', possible: false });
  });

  it('the same setData sent before 1:3 completed: possible', () => {
    expect(both(zk(350))).toEqual({ zabsim: 'ok', possible: true });
  });
});
