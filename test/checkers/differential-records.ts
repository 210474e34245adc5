// Builders for the differential-watch round tests: NDJSON records with explicit op ids (the tests' witnesses
// cite them), judged by zabsim and by the reference checker on one parsed history.
import { checkZkHistory } from '../../sim/cli/check.js';
import { parseNdjsonHistory } from '../../sim/history/ndjson.js';
import { referenceCheck } from '../reference/reference.js';

export type Rec = Record<string, unknown>;

/** Both checkers' answers on an NDJSON history given as records (a header is added). */
export function both(records: readonly object[], name = 'differential.ndjson'): { zabsim: string; possible: boolean | 'too-large' } {
  const text = [{ kind: 'header', version: 1, generator: 'test', model: 'zk' }, ...records].map((r) => JSON.stringify(r)).join('\n');
  const h = parseNdjsonHistory(text, name);
  return { zabsim: checkZkHistory(h).verdict, possible: referenceCheck(h).possible };
}

/** An op record of session `session` (client session - 1000, server 1); no completion time is an `info` op. */
export const op = (
  id: number,
  session: number,
  o: object,
  invokeUs: number,
  completeUs: number | null,
  result: object | null,
  zxid: number | null,
  extra: Rec = {},
): Rec => ({
  kind: 'op',
  id,
  client: session - 1000,
  session,
  server: 1,
  op: o,
  invokeUs,
  completeUs,
  outcome: completeUs === null ? 'info' : 'ok',
  result,
  zxid,
  ...extra,
});

/** A watch event record; zxid -1 names no txn, as ZooKeeper 3.8 sends it. */
export const event = (session: number, type: string, path: string, atUs: number, zxid = -1, server = 1): Rec => ({
  kind: 'watch',
  client: session - 1000,
  session,
  server,
  type,
  path,
  zxid,
  atUs,
});
