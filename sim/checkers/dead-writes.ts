// Indeterminate writes a session sent after its own end: they cannot have taken effect.
//
// PrepRequestProcessor checks a request's session before anything else, so a request that reaches the
// leader after its session's end txn becomes an error txn and changes nothing. A write whose outcome is
// unknown (`info`) and that its session issued after either
//   * an `ok` closeSession of that session (issue order is invokeUs): the client sends a session's
//     requests in issue order on one connection (ClientCnxn.queuePacket), and the server applies them in
//     that order (CommitProcessor). The close was answered on the connection it went out on, so the later
//     write either followed it on that connection, or went out on a later connection, which opens only
//     after that one broke, i.e. after the close's reply arrived and so after its txn committed. Either
//     way the write reached the leader after the end txn; or
//   * a session's ENDED record (a server applied the end txn at `atUs`): the write's txn, if any, comes
//     after its request was sent, so after the end,
// is therefore a write with no effect, the same as a `fail` one. Marking it so lets every checker judge
// the history without the false freedom that such a write may have created or changed a node.
import { isZkWrite } from '../history/types.js';
import type { ZkHistory, ZkHistoryOp } from '../history/types.js';
import { isUncertain } from './write-table.js';

/**
 * The history with every indeterminate write sent after its own session's end turned into `fail`, or the
 * history itself when there is none. O(ops + events).
 */
export function withoutDeadWrites(history: ZkHistory): ZkHistory {
  // The earliest moment each session is known to have ended by, as an invoke time: a write issued
  // strictly after it cannot take effect.
  let endedBy: Map<number, number> | null = null;
  const note = (session: number, us: number): void => {
    endedBy ??= new Map();
    const before = endedBy.get(session);
    if (before === undefined || us < before) endedBy.set(session, us);
  };
  for (const o of history.ops)
    if (o.op.type === 'closeSession' && o.session !== null && o.outcome === 'ok' && !isUncertain(o) && o.result!.rc === 'ok') note(o.session, o.invokeUs);
  for (const e of history.events ?? []) if (e.kind === 'session' && e.state === 'ENDED' && e.session !== null) note(e.session, e.atUs);
  if (endedBy === null) return history;
  const ends: Map<number, number> = endedBy;
  let ops: ZkHistoryOp[] | null = null;
  history.ops.forEach((o, i) => {
    if (o.outcome !== 'info' || o.session === null || !isZkWrite(o.op) || o.op.type === 'closeSession') return;
    const end = ends.get(o.session);
    if (end === undefined || o.invokeUs <= end) return;
    ops ??= history.ops.slice();
    ops[i] = { ...o, outcome: 'fail' };
  });
  return ops === null ? history : { ...history, ops };
}
