// Writes a reply proves did not make a node there: the reply shows the node missing where the write would have left
// it, and nothing may have deleted it between.
//
// By order (`cannotSucceedHere`): a session's requests on one connection reach its server in order (one FIFO
// socket) and are served in that order (CommitProcessor holds a session's later requests, reads included, until its
// earlier ones are applied), and the leader checks each write against the state every earlier txn left
// (PrepRequestProcessor's outstanding change records). So when a write W of unknown outcome would have made a node p
// (a plain create, the node W leaves there), and a later request R of W's session on W's connection got a definite
// reply that shows p missing (noNode from a read, exists false, or a write's own check: write-presence.ts
// writeFacts), then either W failed or something deleted p between W's txn and R's state: a delete op that may take
// effect after W (sent before R's reply came, not done before W was sent: NodeLife.mayDeleteAfter) or, when W made p
// ephemeral, W's own session's end, which cannot come before R (R got a session's answer, not sessionExpired). When
// nothing may, W failed. One connection: both sent to one server with no session record of theirs between (the
// client records each connection state change it sees, ClientCnxn.SendThread); a W answered connectionLoss is left
// out.
//
// By zxid (`missingAbove`): a txn at m that makes p leaves p there at every state from m until a txn deletes it. A
// definite reply that shows p missing at a state s >= m needs a delete of p in (m, s]: a delete op sent before that
// reply came (one sent later is proposed above s), not done before W was sent, or W's session's end for W's own
// ephemeral (NodeLife.mayDeleteAfter). A read's s is its header zxid. A write R (a definite reply is a txn, an error
// rc too: PrepRequestProcessor.pRequestHelper takes zks.getNextZxid() for it before pRequest2Txn checks) is checked
// against the state every txn below its own left, so when R's zxid (or its floor, write-zxid-floor.ts) is at or
// above m, either R is the txn at m (so W is not) or s >= m.
//
// Round 13 (r13c, sweep case 228332486): a lost create /b, then its session's delete /b answered noNode on one
// connection; NodeChildrenChanged / at 1:4 was taken as that create's (order). Unminimized, the cause at 1:4 was a
// lost multi making /b (persistent) and /a, sent on another connection, with the delete /b's noNode at 1:5 (zxid).
// Case 2103537079: a create /a/c answered noNode (no zxid) sent after an ENDED record at 1:3 is at 1:4 or above, so
// the lost create /a is not the txn of NodeCreated /a at 1:4 (the create /a sent after that reply was already
// ruled out there).
import { isZkWrite } from '../history/types.js';
import type { ZkHistoryOp, ZkOp } from '../history/types.js';
import { isUncertain } from './zk-writes.js';
import { nodeLife } from './node-life.js';
import { writeFacts } from './write-presence.js';
import { writeZxidFloor } from './write-zxid-floor.js';
import type { HistoryView } from './history-view.js';

const memo = new WeakMap<HistoryView, (o: ZkHistoryOp) => boolean>();

/**
 * Whether a write of unknown outcome cannot have succeeded: NodeLife.cannotSucceed, or a later reply of its session
 * on its connection shows a node it would have made missing with nothing to delete it between (see the head).
 */
export function cannotSucceedHere(view: HistoryView): (o: ZkHistoryOp) => boolean {
  let f = memo.get(view);
  if (f === undefined) {
    const refuted = refutedByOwnSession(view);
    const life = nodeLife(view);
    f = (o) => life.cannotSucceed(o) || refuted.has(o);
    memo.set(view, f);
  }
  return f;
}

/**
 * A test (write, m) -> whether a reply shows a node the write would leave made (a plain create of it) missing at a
 * state at or above m with nothing that may delete it between: then the write is not the txn at m (see the head).
 */
export function missingAbove(view: HistoryView): (o: ZkHistoryOp, m: number) => boolean {
  let shown = shownMemo.get(view);
  if (shown === undefined) shownMemo.set(view, (shown = missingStates(view)));
  const life = nodeLife(view);
  const byPath = shown;
  return (o, m) => {
    if (!isZkWrite(o.op)) return false;
    for (const p of plainCreatesLeft(o.op))
      for (const { r, at, us } of byPath.get(p) ?? []) if (r !== o && at >= m && !life.mayDeleteAfter(p, o, us)) return true;
    return false;
  };
}

const shownMemo = new WeakMap<HistoryView, Map<string, { readonly r: ZkHistoryOp; readonly at: number; readonly us: number }[]>>();

/**
 * By path: where a definite reply shows it missing (`at`: a read's header zxid, the state it read; a write's zxid or
 * its floor, write-zxid-floor.ts, at or below its own txn: the txn at m is either that write's, not another's, or
 * below it, in the state it was checked against), which reply (a create's own reply shows its node missing before
 * it, not after) and when it came.
 */
function missingStates(view: HistoryView): Map<string, { readonly r: ZkHistoryOp; readonly at: number; readonly us: number }[]> {
  const out = new Map<string, { readonly r: ZkHistoryOp; readonly at: number; readonly us: number }[]>();
  const floor = writeZxidFloor(view);
  for (const r of view.history.ops) {
    if (r.outcome !== 'ok' || r.completeUs === null || r.result === null || isUncertain(r)) continue;
    const at = isZkWrite(r.op) ? (r.zxid !== null && r.zxid > 0 ? r.zxid : floor(r)) : r.readZxid != null && r.readZxid > 0 ? r.readZxid : null;
    if (at === null) continue;
    for (const p of missingShown(r)) (out.get(p) ?? out.set(p, []).get(p)!).push({ r, at, us: r.completeUs });
  }
  return out;
}

/** The writes of unknown outcome a later reply of their session on their connection proves failed. */
function refutedByOwnSession(view: HistoryView): Set<ZkHistoryOp> {
  const out = new Set<ZkHistoryOp>();
  const records = new Map<number, number[]>();
  for (const e of view.history.events ?? []) if (e.kind === 'session') (records.get(e.session) ?? records.set(e.session, []).get(e.session)!).push(e.atUs);
  const life = nodeLife(view);
  for (const { ops } of view.opsBySession.values()) {
    for (let i = 0; i < ops.length; i++) {
      const w = ops[i]!;
      if (w.session === null || w.server === null || !isZkWrite(w.op) || w.outcome === 'fail' || !isUncertain(w)) continue;
      if (w.result !== null && w.result.rc === 'connectionLoss') continue;
      const made = plainCreatesLeft(w.op);
      if (made.length === 0) continue;
      // (The connection ends at the session's first record after w was sent; ops are in issue order.)
      const end = Math.min(...(records.get(w.session) ?? []).filter((t) => t > w.invokeUs));
      for (let j = i + 1; j < ops.length && ops[j]!.invokeUs < end; j++) {
        const r = ops[j]!;
        if (r.invokeUs <= w.invokeUs || r.server !== w.server || r.outcome !== 'ok' || r.completeUs === null || isUncertain(r)) continue;
        const missing = missingShown(r);
        if (made.some((p) => missing.includes(p) && !life.mayDeleteAfter(p, w, r.completeUs!, new Set([w.session!])))) {
          out.add(w);
          break;
        }
      }
    }
  }
  return out;
}

/** The nodes a write leaves made by its own plain creates if it succeeds (a multi's later sub-ops may delete them). */
function plainCreatesLeft(op: ZkOp): string[] {
  const left = new Set<string>();
  const walk = (sub: ZkOp): void => {
    if (sub.type === 'multi') sub.ops.forEach(walk);
    else if (sub.type === 'create' && (sub.mode === 'persistent' || sub.mode === 'ephemeral')) left.add(sub.path);
    else if (sub.type === 'delete') left.delete(sub.path);
  };
  walk(op);
  return [...left];
}

/** The paths a definite reply shows missing at its state: a read's noNode or exists false, a write's own checks. */
function missingShown(r: ZkHistoryOp): string[] {
  const op = r.op;
  const rc = r.result!.rc;
  if (((op.type === 'getData' || op.type === 'getChildren') && rc === 'noNode') || (op.type === 'exists' && rc === 'ok' && r.result!.exists === false)) return [op.path];
  return writeFacts(r)
    .filter((f) => !f.present)
    .map((f) => f.path);
}
