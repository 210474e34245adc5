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
