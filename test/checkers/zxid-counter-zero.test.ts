// Proves that both checkers refuse a txn zxid, ENDED zxid or Stat mzxid at counter 0 of an epoch (the
// NEWLEADER zxid, never a txn's) and accept a reply header there (a new leader answers at e:0).
import { describe, expect, it } from 'vitest';
import { checkZkHistory } from '../../sim/cli/check.js';
import { parseNdjsonHistory } from '../../sim/history/ndjson.js';
import { referenceCheck } from '../reference/reference.js';
import { zx } from './history-builders.js';

function both(records: readonly object[]): { zabsim: string; possible: boolean | 'too-large' } {
  const text = [{ kind: 'header', version: 1, generator: 'test', model: 'zk' }, ...records].map((r) => JSON.stringify(r)).join('\n');
  const h = parseNdjsonHistory(text, 'counter0.ndjson');
  return { zabsim: checkZkHistory(h).verdict, possible: referenceCheck(h).possible };
}

const op = (id: number, o: object, invokeUs: number, completeUs: number, result: object, zxid: number | null, extra: object = {}): object => ({
  kind: 'op',
  id,
  client: 1,
  session: 1001,
  server: 1,
  op: o,
  invokeUs,
  completeUs,
  outcome: 'ok',
  result,
  zxid,
  ...extra,
});
const create = (zxid: number | null): object => op(1, { type: 'create', path: '/a', data: 'v', mode: 'persistent' }, 10, 20, { rc: 'ok', path: '/a' }, zxid);
const read = (mzxid: number, readZxid?: number): object =>
  op(2, { type: 'getData', path: '/a' }, 30, 40, { rc: 'ok', data: 'v', version: 0, mzxid }, null, readZxid === undefined ? {} : { readZxid });

describe('counter 0 of an epoch', () => {
  it("is no write's zxid", () => {
    expect(both([create(zx(2, 0))])).toEqual({ zabsim: 'violated', possible: false });
    expect(both([create(zx(2, 1))])).toEqual({ zabsim: 'ok', possible: true });
  });
  it("is no Stat's mzxid", () => {
    expect(both([create(null), read(zx(2, 0))])).toEqual({ zabsim: 'violated', possible: false });
    expect(both([create(null), read(zx(2, 1))])).toEqual({ zabsim: 'ok', possible: true });
  });
  it("is no session end's zxid", () => {
    const end = { kind: 'session', client: null, session: 1001, server: null, state: 'ENDED', atUs: 50, zxid: zx(2, 0) };
    expect(both([create(zx(1, 1)), end])).toEqual({ zabsim: 'violated', possible: false });
    expect(both([create(zx(1, 1)), { ...end, zxid: zx(2, 1) }])).toEqual({ zabsim: 'ok', possible: true });
  });
  it("may be a reply header's: a new leader's state before its first commit", () => {
    expect(both([create(zx(1, 1)), read(zx(1, 1), zx(2, 0))])).toEqual({ zabsim: 'ok', possible: true });
  });
});
