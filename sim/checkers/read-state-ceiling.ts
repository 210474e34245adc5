// Upper bounds on the state a read showed (watch-changes.ts owedChangeIndex: a write above the bound came
// after the read, and a node nothing deletes up to the bound stays as the read found it).
import { isZkWrite } from '../history/types.js';
import type { ZkHistoryOp } from '../history/types.js';
import { isUncertain } from './zk-writes.js';
import { countAtMost } from './sort.js';
import { sessionKey } from './client-common.js';
import { LaterWrites } from './read-real-time.js';
import type { HistoryView } from './history-view.js';

const memo = new WeakMap<HistoryView, (o: ZkHistoryOp) => number>();

/**
 * A zxid at or above the state an ok read showed (Infinity: none known), as a test. The least of:
 * - its own header zxid;
 * - the header zxid of each ok op its session issued after it, and each such write's zxid less one: a
 *   session's read points never decrease in issue order (CommitProcessor runs a session's requests in
 *   order; a reconnect is refused by a server behind the client's last zxid), and a write's is its txn;
 * - each zxid less one of a write invoked after the read returned (its txn is proposed later);
 * - its session's end less one, when an ENDED record gives it (the server answers no request after it).
 * O(n log n) once per view, O(log n) per read.
 */
export function readStateCeiling(view: HistoryView): (o: ZkHistoryOp) => number {
  const known = memo.get(view);
  if (known !== undefined) return known;
  const ends = new Map<number, number>();
  for (const e of view.history.events ?? [])
    if (e.kind === 'session' && e.state === 'ENDED' && e.zxid !== undefined && e.zxid > 0)
      ends.set(e.session, Math.min(ends.get(e.session) ?? Infinity, e.zxid));
  const bound = (o: ZkHistoryOp): number => {
    if (o.outcome !== 'ok' || o.result === null || isUncertain(o)) return Infinity;
    const header = o.readZxid ?? null;
    const own = isZkWrite(o.op) && o.zxid !== null ? o.zxid - 1 : Infinity;
    return Math.min(header === null || header <= 0 ? Infinity : header, own);
  };
  // Per session, its ops by invocation, with the least bound of the ops from each one on.
  const bySession = new Map<number, { invokes: number[]; suffix: number[] }>();
  for (const [session, mine] of view.opsBySession) {
    const ops = [...mine.ops].sort((a, b) => a.invokeUs - b.invokeUs);
    const suffix = new Array<number>(ops.length);
    let least = (ends.get(session) ?? Infinity) - 1;
    for (let k = ops.length - 1; k >= 0; k--) suffix[k] = least = Math.min(least, bound(ops[k]!));
    bySession.set(session, { invokes: ops.map((o) => o.invokeUs), suffix });
  }
  const later = new LaterWrites(view.writes);
  const test = (o: ZkHistoryOp): number => {
    let ceiling = bound(o);
    if (o.completeUs !== null) {
      const w = later.after(o.completeUs);
      if (w !== null) ceiling = Math.min(ceiling, w.zxid! - 1);
    }
    const mine = bySession.get(sessionKey(o));
    if (mine !== undefined) {
      const k = countAtMost(mine.invokes, o.invokeUs); // the ops issued strictly after it
      ceiling = Math.min(ceiling, k < mine.suffix.length ? mine.suffix[k]! : (ends.get(sessionKey(o)) ?? Infinity) - 1);
    }
    return ceiling;
  };
  memo.set(view, test);
  return test;
}
