// Proves that zabsim and the reference checker agree on round 11's shapes (sweep seed 2400000): a read's Stat whose
// ephemeralOwner rules out a create as the writer its mzxid names, ...
import { describe, expect, it } from 'vitest';
import { both, op } from './differential-records.js';
import { Z } from './history-builders.js';

describe("a Stat's ephemeralOwner 0 rules out an ephemeral create as the write its mzxid names (case 1793464098)", () => {
  // Session 1002 creates the ephemeral /b; session 1003 sees /b missing at 1:7, creates /b (persistent) and reads it
  // with mzxid m and ephemeralOwner 0. The node it reads is a persistent one, so its creator is 1003's create, the
  // only persistent create of /b: at m. That create was sent after a reply at 1:7, so m = 1:6 is impossible.
  const records = (m: number) => [
    op(1, 1002, { type: 'create', path: '/b', data: 'v1', mode: 'ephemeral' }, 1980, 2563, { rc: 'ok', path: '/b' }, null),
    op(10, 1003, { type: 'exists', path: '/b' }, 11860, 12880, { rc: 'ok', exists: false }, null, { readZxid: Z(7) }),
    op(11, 1003, { type: 'create', path: '/b', data: 'v5', mode: 'persistent' }, 12941, 13206, { rc: 'ok', path: '/b' }, null),
    op(12, 1003, { type: 'exists', path: '/b' }, 13970, 14148, { rc: 'ok', exists: true, version: 0, mzxid: m, ephemeralOwner: 0 }, null),
  ];

  it('mzxid 1:6, below the reply before the create was sent: impossible', () => {
    expect(both(records(Z(6)))).toEqual({ zabsim: 'violated', possible: false });
  });

  it('mzxid 1:8: possible', () => {
    expect(both(records(Z(8)))).toEqual({ zabsim: 'ok', possible: true });
  });
});
