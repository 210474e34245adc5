// Proves that zabsim and the reference checker agree on the round-6 sweep shapes (seed 900000): an
// indeterminate write a session sent after its own end changed nothing.
import { describe, expect, it } from 'vitest';
import { checkZkHistory } from '../../sim/cli/check.js';
import type { ZkHistory } from '../../sim/history/types.js';
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
