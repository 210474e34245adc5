// What real time says of zxids, for the persistent-watch judgment (watch-persistent-shared.ts): a txn proposed
// after a reply arrived lies above that reply's state, and one proposed after a time lies above every state a
// server had applied by then (the leader proposes above every committed txn, in zxid order).
import type { ZkHistoryOp } from '../history/types.js';
import { isUncertain } from './zk-writes.js';
import { countAtMost } from './sort.js';
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
    let lo = 0;
    let hi = times.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (times[mid]! < t) lo = mid + 1;
      else hi = mid;
    }
    return lo === 0 ? -Infinity : most[lo - 1]!;
  };
}

/**
 * As a test: time `t` -> the least zxid of a certain ok write sent after `t` (Infinity: none). Its txn was proposed
 * after `t`, so it lies above every state a server had applied by `t` (a leader proposes above every committed txn).
 */
export function zxidSentAfter(view: HistoryView): (t: number) => number {
  const list: ZkHistoryOp[] = view.writes.filter((o) => o.zxid !== null && o.outcome === 'ok' && o.result !== null && !isUncertain(o));
  list.sort((a, b) => a.invokeUs - b.invokeUs);
  const least = list.map((o) => o.zxid!);
  for (let k = least.length - 2; k >= 0; k--) least[k] = Math.min(least[k]!, least[k + 1]!);
  const times = list.map((o) => o.invokeUs);
  return (t) => {
    const lo = countAtMost(times, t);
    return lo < least.length ? least[lo]! : Infinity;
  };
}
