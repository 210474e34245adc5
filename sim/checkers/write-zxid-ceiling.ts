// Upper bounds on the zxids of certain writes recorded without one (watch-order's lost-event checks,
// watch-changes.ts owedChangeIndex): a reply whose state is at or above the bound reflects the write.
import { isZkWrite } from '../history/types.js';
import type { ZkHistoryOp } from '../history/types.js';
import { isUncertain, sessionEndWrites } from './zk-writes.js';
import { closesAtTheirEnd } from './session-ends.js';
import { WriteTable } from './write-table.js';
import { replyBoundsOf, zxidWindows } from './write-windows.js';
import type { HistoryView } from './history-view.js';

const memo = new WeakMap<HistoryView, (o: ZkHistoryOp) => number | null>();

/**
 * A zxid at or above that of each write whose reply is certain (rc ok or an error rc: an error txn has its
 * own zxid too, PrepRequestProcessor.pRequest) and which the history gives no zxid, as a test (null: none
 * known). Each bound is below some zxid the write's txn must precede:
 * - its zxid window's top (write-windows.ts zxidWindows: a write invoked after it returned; an op its
 *   session issued after it, by its state);
 * - its session's end, at a known zxid (an ENDED record, an ok close with a zxid): PrepRequestProcessor
 *   turns a request of an ended session into an error txn whose reply is sessionExpired, never a certain one;
 * - each certain write its session issued after it, through that write's own bound: a session's writes
 *   take effect in issue order (the client sends them in order on one connection, and one answered `ok`
 *   was answered on the connection it went out on, before a later one could go out on a new connection;
 *   CommitProcessor keeps that order), and two txns never share a zxid. A certain close without a zxid counts
 *   by its window: it is the session's end or a later close of it, so the end, which every write of the
 *   session that took effect precedes, is below the window's top either way (committed before the reply).
 * Not for closeSession itself (a second close of an ended session comes after its end). O(n log n) once per view.
 */
export function writeZxidCeiling(view: HistoryView): (o: ZkHistoryOp) => number | null {
  const known = memo.get(view);
  if (known !== undefined) return known;
  const certain = (o: ZkHistoryOp): boolean => o.outcome === 'ok' && o.result !== null && !isUncertain(o);
  // (An ok close without a zxid sent before its session's ENDED record is that end, at the record's zxid: closesAtTheirEnd.)
  const base = closesAtTheirEnd(view.history, view.writes);
  const ends = sessionEndWrites(view.history, base);
  const writes = ends.length === 0 ? base : [...base, ...ends];
  const floating: number[] = [];
  // (Closes too: not bounded themselves, see above, but an ok close's window bounds its session's end, which its
  // session's writes precede.)
  for (let i = 0; i < writes.length; i++) if (writes[i]!.zxid === null && certain(writes[i]!)) floating.push(i);
  const out = new Map<ZkHistoryOp, number>();
  if (floating.length > 0) {
    const table = WriteTable.of(writes);
    const windows = zxidWindows(writes, table, table.byZxid(), floating, replyBoundsOf(view.history.ops));
    const endOf = new Map<number, number>();
    const ended = (session: number, z: number): void => void endOf.set(session, Math.min(endOf.get(session) ?? Infinity, z));
    for (const e of view.history.events ?? []) if (e.kind === 'session' && e.state === 'ENDED' && e.zxid !== undefined && e.zxid > 0) ended(e.session, e.zxid);
    for (const o of view.closeSessions) if (o.session !== null && o.zxid !== null && certain(o) && o.result!.rc === 'ok') ended(o.session, o.zxid);
    for (const mine of view.opsBySession.values()) {
      // Issue order, latest first: `next` is the least zxid bound of a certain write issued after the current one.
      const list = mine.ops.filter((o) => isZkWrite(o.op) && certain(o));
      list.sort((a, b) => b.invokeUs - a.invokeUs);
      let next = Infinity;
      let nextInvoke = Infinity;
      let pending = Infinity; // the bound of writes issued at the same time as the current group (not ordered by it)
      for (const o of list) {
        if (o.invokeUs < nextInvoke) {
          next = Math.min(next, pending);
          pending = Infinity;
          nextInvoke = o.invokeUs;
        }
        let bound = o.zxid;
        if (bound === null) {
          const w = windows.get(o);
          const end = o.session === null ? Infinity : (endOf.get(o.session) ?? Infinity);
          // (A close is at or below its session's end, not below it: it may be that end.)
          const ceiling = o.op.type === 'closeSession' ? Math.min((w === undefined ? Infinity : w.hi) - 1, end) : Math.min(w === undefined ? Infinity : w.hi, end, next) - 1;
          if (ceiling !== Infinity && o.op.type !== 'closeSession') out.set(o, ceiling);
          bound = ceiling;
        }
        pending = Math.min(pending, bound);
      }
    }
  }
  const test = (o: ZkHistoryOp): number | null => o.zxid ?? out.get(o) ?? null;
  memo.set(view, test);
  return test;
}
