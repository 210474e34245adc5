// Builders of small zk histories for the checker tests: an op record (an `info` one when it has no
// completion time) and a history of ops and events. Ids count up per test file (each file loads its
// own copy of this module).
import type { ZkHistory, ZkHistoryEvent, ZkHistoryOp, ZkOp, ZkResult } from '../../sim/history/types.js';

let nextId = 0;

/** An op of client 1, session 101, on server 1 unless `extra` says otherwise. */
export function zkOpRecord(
  o: ZkOp,
  invokeUs: number,
  completeUs: number | null,
  result: ZkResult | null,
  zxid: number | null,
  extra: Partial<ZkHistoryOp> = {},
): ZkHistoryOp {
  return {
    kind: 'op',
    id: nextId++,
    client: 1,
    session: 101,
    server: 1,
    op: o,
    invokeUs,
    completeUs,
    outcome: completeUs === null ? 'info' : 'ok',
    result,
    zxid,
    ...extra,
  };
}

/** An op of `client` in its own session (100 + client) on server 1; `extra` overrides any field. */
export function clientOp(client: number, ...args: Parameters<typeof zkOpRecord>): ZkHistoryOp {
  const [o, invokeUs, completeUs, result, zxid, extra = {}] = args;
  return zkOpRecord(o, invokeUs, completeUs, result, zxid, { client, session: 100 + client, ...extra });
}

export function zkHistory(ops: ZkHistoryOp[], events: ZkHistoryEvent[] = []): ZkHistory {
  return { header: { kind: 'header', version: 1 }, ops, events };
}

/** An ENDED session record: the session's end txn `zxid`, seen committed at `atUs`. */
export function endedRecord(session: number, zxid: number, atUs: number): ZkHistoryEvent {
  return { kind: 'session', client: null, session, server: null, state: 'ENDED', atUs, zxid };
}

/** An op record for an NDJSON test history, loosely typed (the parser checks it); `readZxid` only when given. */
export function ndjsonOp(
  client: number,
  session: number | null,
  o: object,
  invokeUs: number,
  completeUs: number | null,
  result: object | null,
  zxid: number | null,
  readZxid?: number,
): object {
  return zkOpRecord(o as ZkOp, invokeUs, completeUs, result as ZkResult | null, zxid, { client, session, ...(readZxid === undefined ? {} : { readZxid }) });
}

/** One NDJSON history from op and event records (the header is added). */
export function ndjsonHistory(records: readonly object[], model: 'zk' | 'kv' = 'zk'): string {
  const lines = [{ kind: 'header', version: 1, generator: 'test', model }, ...records];
  return lines.map((l) => JSON.stringify(l)).join('\n');
}

/** ZooKeeper's zxid of `counter` in `epoch` (ZxidUtils.makeZxid): epoch * 2^32 + counter. */
export function zx(epoch: number, counter: number): number {
  return epoch * 2 ** 32 + counter;
}

/** The zxid of `counter` in epoch 1, the first leader's epoch (no zxid of epoch 0 is ever issued). */
export const Z = (counter: number): number => zx(1, counter);

/** A zxid a test wrote as a bare counter, placed in epoch 1; 0 (no txn), -1 (unknown) and full zxids stay. */
function lift(z: number): number {
  return z > 0 && z < 2 ** 32 ? Z(z) : z;
}

function liftResult(r: ZkResult): ZkResult {
  const out: { -readonly [K in keyof ZkResult]: ZkResult[K] } = { ...r };
  if (r.mzxid !== undefined) out.mzxid = lift(r.mzxid);
  if (r.results !== undefined) out.results = r.results.map(liftResult);
  return out;
}

/**
 * The history with every zxid a test wrote as a bare counter (1, 2, 3) moved into epoch 1: its ops' zxids,
 * reply-header zxids and Stat mzxids, its events' zxids. For tests written before the checkers refused
 * zxids of epoch 0 (sim/checkers/epoch-zero.ts); their counters read as before, in a possible epoch.
 */
export function inEpoch1(h: ZkHistory): ZkHistory {
  const ops = h.ops.map((o) => ({
    ...o,
    zxid: o.zxid === null ? null : lift(o.zxid),
    result: o.result === null ? null : liftResult(o.result),
    ...(o.readZxid === undefined || o.readZxid === null ? {} : { readZxid: lift(o.readZxid) }),
  }));
  const events = (h.events ?? []).map((e) => (e.kind === 'watch' ? { ...e, zxid: lift(e.zxid) } : e.zxid === undefined ? e : { ...e, zxid: lift(e.zxid) }));
  const unjudged = h.unjudged?.map((u) => ({ ...u, readZxid: u.readZxid === null ? null : lift(u.readZxid), result: liftResult(u.result) }));
  return { ...h, ops, ...(h.events === undefined ? {} : { events }), ...(unjudged === undefined ? {} : { unjudged }) };
}
