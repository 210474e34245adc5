// Zxid bounds for the persistent-watch judgment (watch-persistent-shared.ts). By real time: a txn proposed after a
// reply arrived lies above that reply's state, and one proposed after a time lies above every state a server had
// applied by then (the leader proposes above every committed txn, in zxid order). By a read: a lost create's floor.
import type { ZkHistoryOp, ZkOp } from '../history/types.js';
import { isUncertain } from './zk-writes.js';
import { countAtMost, countBelow } from './sort.js';
import { nodeLife } from './node-life.js';
import { writeZxidCeiling } from './write-zxid-ceiling.js';
import type { HistoryView } from './history-view.js';

/**
 * As a test: time `t` -> the largest state zxid of an ok reply (a certain write's zxid, a read's header) that arrived
 * before `t` (-Infinity: none). A txn proposed after `t` lies above it: that state's txns were committed by then.
 */
export function zxidDoneBefore(view: HistoryView): (t: number) => number {
  const list: [number, number][] = [];
  for (const o of view.history.ops) {
    if (o.outcome !== 'ok' || o.completeUs === null || o.result === null || isUncertain(o)) continue;
    const z = o.zxid ?? o.readZxid ?? null;
    if (z !== null && z > 0) list.push([o.completeUs, z]);
  }
  list.sort((a, b) => a[0] - b[0]);
  const most = list.map(([, z]) => z);
  for (let k = 1; k < most.length; k++) most[k] = Math.max(most[k]!, most[k - 1]!);
  const times = list.map(([c]) => c);
  return (t) => {
    const lo = countBelow(times, t);
    return lo === 0 ? -Infinity : most[lo - 1]!;
  };
}

/**
 * As a test: time `t` -> the least zxid (or zxid ceiling) of a certain write sent after `t` (Infinity: none). Its txn was proposed
 * after `t`, so it lies above every state a server had applied by `t` (a leader proposes above every committed txn).
 */
export function zxidSentAfter(view: HistoryView): (t: number) => number {
  // (A certain write without a zxid counts by its ceiling, write-zxid-ceiling.ts: its zxid is at or below it. Round 13,
  // case 1670504071: an error multi sent after the addWatch returned, below its session's later header 1:2.)
  const ceiling = writeZxidCeiling(view);
  const list: [ZkHistoryOp, number][] = [];
  for (const o of view.writes) {
    if (o.outcome !== 'ok' || o.result === null || isUncertain(o)) continue;
    const z = o.zxid ?? (o.op.type === 'closeSession' ? null : ceiling(o));
    if (z !== null) list.push([o, z]);
  }
  list.sort((a, b) => a[0].invokeUs - b[0].invokeUs);
  const least = list.map(([, z]) => z);
  for (let k = least.length - 2; k >= 0; k--) least[k] = Math.min(least[k]!, least[k + 1]!);
  const times = list.map(([o]) => o.invokeUs);
  return (t) => {
    const lo = countAtMost(times, t);
    return lo < least.length ? least[lo]! : Infinity;
  };
}

/**
 * A zxid at or below that of a lost write `x` (-Infinity: none known), from the nodes it would be the one create of
 * (NodeLife.soleCreator: the node has one life, from x's txn to its one delete): when that node's one deleter is a
 * certain write at zxid d, a read whose header r is below d and that shows the node missing was answered from a
 * state without x's txn (had x been at or below r, the node would have been there until d), so x is above r. Round
 * 13, case 1670504071: a getData at 1:2 finds /b missing, its one delete is at 1:4, so the lost create is at 1:3.
 */
export function lostCreateFloor(view: HistoryView, x: ZkHistoryOp): number {
  const life = nodeLife(view);
  let lower = -Infinity;
  const made: string[] = [];
  const visit = (op: ZkOp): void => {
    if (op.type === 'multi') op.ops.forEach(visit);
    else if (op.type === 'create' && (op.mode === 'persistent' || op.mode === 'ephemeral')) made.push(op.path);
  };
  visit(x.op);
  for (const path of made) {
    // A create needs its parent there (DataTree.createNode: NoNodeException otherwise), so a plain create's txn is
    // above the least zxid any create of its parent may have (NodeLife.bornAtLeast; 1:1 at least, epoch-zero.ts);
    // a multi may make the parent itself. Round 13 (r13f), case 4109535699: a lost create of /a/c under a lost
    // create of /a is at 1:2 or above, so above a registration at 1:1.
    const cut = path.lastIndexOf('/');
    const parent = life.bornAtLeast(cut <= 0 ? '/' : path.slice(0, cut));
    if (parent !== Infinity) lower = Math.max(lower, x.op.type === 'multi' ? parent : parent + 1);
    if (life.soleCreator(path) !== x) continue;
    const d = life.soleDeleter(path);
    if (d === null || !('op' in d) || d.op.zxid === null || d.op.outcome !== 'ok' || d.op.result === null || isUncertain(d.op)) continue;
    const dz = d.op.zxid;
    for (const r of missingReads(view).get(path) ?? []) if (r < dz) lower = Math.max(lower, r + 1);
  }
  return lower;
}

const missingMemo = new WeakMap<HistoryView, Map<string, number[]>>();

/** By path: the header zxids of the certain reads that show the node missing (getData, getChildren noNode; exists false). */
function missingReads(view: HistoryView): Map<string, number[]> {
  const had = missingMemo.get(view);
  if (had !== undefined) return had;
  const out = new Map<string, number[]>();
  for (const o of view.history.ops) {
    const r = o.result;
    if (o.outcome !== 'ok' || r === null || isUncertain(o) || o.readZxid == null || o.readZxid <= 0) continue;
    const op = o.op;
    const missing = ((op.type === 'getData' || op.type === 'getChildren') && r.rc === 'noNode') || (op.type === 'exists' && r.exists === false);
    if (!missing) continue;
    const list = out.get(op.path);
    if (list === undefined) out.set(op.path, [o.readZxid]);
    else list.push(o.readZxid);
  }
  missingMemo.set(view, out);
  return out;
}
