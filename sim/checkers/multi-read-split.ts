// multiRead (ZooKeeper 3.6's multi of Op.getData / Op.getChildren) judged read by read. The server
// answers a multiRead in FinalRequestProcessor like any read, in the session's turn, against one
// state of its tree (the zxid in the reply header), and each sub-result is what a getData or
// getChildren sent at that moment would have answered. So each sub-read becomes an op of its own,
// with the multiRead's session, times and readZxid, and the read checkers judge it as a read.
//
// Why flagging stays sound: a sub-read kept is a read the session could have sent at that moment with
// that answer; if no execution explains it, none explains the multiRead. The split is made only where
// nothing else can order differently: sub-results other than ok/noNode (NOAUTH has no name in the
// format) leave the multiRead unjudged, and so does a same-session op invoked at the same microsecond,
// or a reply or event arriving at the microsecond of its reply (an unjudged record has no
// completeSeq, and ties would be broken by the new ops' ids, which follow every recorded op).
//
// Why "ok" is not always earned: the read checkers may place two reads at different points, so they do
// not check that a multiRead's sub-reads saw one state. A history with a multiRead of two or more
// sub-reads therefore keeps "ok" out of reach (unknown, with the reason) for the checkers that judge
// reads; a multiRead of one sub-read is a plain read and is judged in full.
import type { ZkHistory, ZkHistoryOp, ZkHistoryUnjudged, ZkOp, ZkResult } from '../history/types.js';

export interface SplitMultiReads {
  /** The history with each splittable multiRead as ops, and only the rest as unjudged records. */
  readonly history: ZkHistory;
  /** Set when a split multiRead had two or more sub-reads: their atomicity is not checked. */
  readonly atomicityReason: string | null;
}

type MultiRead = ZkHistoryUnjudged & { readonly op: { readonly type: 'multiRead' } };

function isMultiRead(u: ZkHistoryUnjudged): u is MultiRead {
  return u.op.type === 'multiRead';
}

/**
 * Per session (and per client, for records before a session): the instants its ops were invoked, and
 * the instants its ops completed or its events arrived. Only a tie of like with like is ambiguous (issue
 * order among equal invocations, arrival order among equal replies and events); a reply at the instant
 * of the next invocation means the same whichever way a checker reads it.
 */
export type SessionInstants = { readonly invoked: Set<string>; readonly arrived: Set<string> };

export function sessionInstants(history: ZkHistory): SessionInstants {
  const invoked = new Set<string>();
  const arrived = new Set<string>();
  for (const o of history.ops) {
    invoked.add(`s${o.session}@${o.invokeUs}`).add(`c${o.client}@${o.invokeUs}`);
    if (o.completeUs !== null) arrived.add(`s${o.session}@${o.completeUs}`).add(`c${o.client}@${o.completeUs}`);
  }
  for (const e of history.events ?? []) {
    if (e.session !== null) arrived.add(`s${e.session}@${e.atUs}`);
    if (e.client !== null) arrived.add(`c${e.client}@${e.atUs}`);
  }
  return { invoked, arrived };
}

function splittable(u: MultiRead, instants: SessionInstants): boolean {
  const results = u.result.results;
  if (results === undefined || results.length !== u.op.ops.length) return false;
  if (!results.every((r) => r.rc === 'ok' || r.rc === 'noNode')) return false;
  for (const who of [`s${u.session}`, `c${u.client}`]) {
    if (instants.invoked.has(`${who}@${u.invokeUs}`) || instants.arrived.has(`${who}@${u.completeUs}`)) return false;
  }
  return true;
}

/** Each answered multiRead that can be split, as read ops; the others stay unjudged. O(history). */
export function splitMultiReads(history: ZkHistory): SplitMultiReads {
  const unjudged = history.unjudged ?? [];
  if (!unjudged.some(isMultiRead)) return { history, atomicityReason: null };
  const instants = sessionInstants(history);
  let nextId = history.ops.reduce((max, o) => Math.max(max, o.id), -1) + 1;
  const ops: ZkHistoryOp[] = [...history.ops];
  const kept: ZkHistoryUnjudged[] = [];
  let several = 0;
  for (const u of unjudged) {
    if (!isMultiRead(u) || !splittable(u, instants)) {
      kept.push(u);
      continue;
    }
    if (u.op.ops.length > 1) several++;
    u.op.ops.forEach((sub, i) => {
      const op: ZkOp = { type: sub.type, path: sub.path };
      const result = (u.result.results as readonly ZkResult[])[i] as ZkResult;
      const record: ZkHistoryOp = {
        kind: 'op',
        id: nextId++,
        client: u.client,
        session: u.session,
        server: u.server,
        op,
        invokeUs: u.invokeUs,
        completeUs: u.completeUs,
        outcome: 'ok',
        result,
        zxid: null,
        readZxid: u.readZxid,
      };
      ops.push(record);
    });
  }
  const split: ZkHistory =
    kept.length === 0
      ? { header: history.header, ops, events: history.events ?? [] }
      : { header: history.header, ops, events: history.events ?? [], unjudged: kept };
  const atomicityReason =
    several === 0 ? null : `${several} multiRead(s) of several reads were judged read by read; that each saw one state is not checked, so not ok`;
  return { history: split, atomicityReason };
}
