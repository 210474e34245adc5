// Writes a reply proves did not make a node at a zxid: the reply shows the node missing at a state at or above it,
// and nothing may have deleted it between (exact-txn.ts asks, for the txn an event names exactly).
//
// A txn at m that makes p leaves p there at every state from m until a txn deletes it. A definite reply that shows p
// missing at a state s >= m needs a delete of p in (m, s]: a delete op sent before that reply came (one sent later is
// proposed above s), not done before W was sent, or, when W made p ephemeral, W's session's end, unless the reply is
// of W's own session, which had not ended then (it got a session's answer, not sessionExpired: PrepRequestProcessor
// refuses a closing session's requests) (NodeLife.mayDeleteAfter). A read's s is its header zxid. A write R (a
// definite reply is a txn, an error rc too: PrepRequestProcessor.pRequestHelper takes zks.getNextZxid() for it before
// pRequest2Txn checks) is checked against the state every txn below its own left, so when R's zxid (or its floor,
// write-zxid-floor.ts) is at or above m, either R is the txn at m (so W is not) or s >= m. R is never W itself (a
// create's own reply shows its node missing before it).
//
// Round 13 (r13c, sweep case 228332486): a lost create /b (ephemeral), then its session's delete /b answered noNode at
// 1:5; NodeChildrenChanged / at 1:4 was taken as that create's. Unminimized, the candidate at 1:4 was a lost multi
// making /b (persistent) and /a, counted twice. Case 2103537079: a create /a/c answered noNode (no zxid) sent after an
// ENDED record at 1:3 is at 1:4 or above, so the lost create /a is not the txn of NodeCreated /a at 1:4.
//
// Not taken: a write of unknown outcome is before its session's later requests on its connection (CommitProcessor),
// so a later reply there that shows its node missing proves it failed whatever the zxids. The reference takes an
// `info` op as outside its session's order (DEFINITIONS.md, session-order), and differential-watch-round7.test.ts
// holds such a history possible (a lost multi under /a, then the session's exists finding its node missing, then /a
// made): zabsim does not flag it either.
import { isZkWrite } from '../history/types.js';
import type { ZkHistoryOp, ZkOp } from '../history/types.js';
import { isUncertain } from './zk-writes.js';
import { nodeLife } from './node-life.js';
import { writeFacts } from './write-presence.js';
import { writeZxidFloor } from './write-zxid-floor.js';
import type { HistoryView } from './history-view.js';

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
      for (const { r, at, us } of byPath.get(p) ?? [])
        if (r !== o && at >= m && !life.mayDeleteAfter(p, o, us, r.session === o.session && o.session !== null ? new Set([o.session]) : undefined)) return true;
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
