// watch-order: a write's reply that arrived after a watch event on the same connection comes from a txn at or
// above the event's zxid, so a write recorded without a zxid whose zxid every execution keeps below the event's
// cannot have been answered after it.
//
// Why: a server applies txns in zxid order and answers a connection in order. An event is queued on the
// connection as its txn z is applied (DataTree → WatchManager.triggerWatch), or, fired by setWatches, carries
// the server's last processed zxid; a write's reply is queued as its own txn w is applied
// (FinalRequestProcessor, after DataTree.processTxn has fired that txn's watches). So a reply queued after the
// event has w ≥ z (w = z when the write itself fired the event). The bound on w is write-zxid-ceiling.ts's,
// built only from facts every execution keeps. Events with an unknown zxid (-1, as ZooKeeper 3.8 sends) order
// nothing. Connections are told apart by the session's CONNECTED and DISCONNECTED records, as watch-order
// counts them; an event on an older connection says nothing about a reply on a newer one.
import { isZkWrite } from '../history/types.js';
import type { ZkHistoryWatch } from '../history/types.js';
import { isUncertain } from './zk-writes.js';
import { writeZxidCeiling } from './write-zxid-ceiling.js';
import { arrivedBefore, violated, type ClientCheckResult } from './client-common.js';
import { describeZxid } from './zk-writes.js';
import type { HistoryView } from './history-view.js';

/** The first write without a zxid answered after an event its ceiling keeps it below, as a violation, else null. */
export function eventReplyOrderViolation(view: HistoryView): ClientCheckResult | null {
  if ((view.history.events ?? []).length === 0) return null;
  let ceiling: ReturnType<typeof writeZxidCeiling> | null = null;
  for (const items of view.arrivals().values()) {
    let last: ZkHistoryWatch | null = null; // the event of the largest known zxid on this connection so far
    for (const item of items) {
      if (item.kind === 'session') {
        if (item.state === 'CONNECTED' || item.state === 'DISCONNECTED') last = null;
        continue;
      }
      if (item.kind === 'watch') {
        if (item.zxid > 0 && (last === null || item.zxid > last.zxid)) last = item;
        continue;
      }
      const o = item;
      if (last === null || o.zxid !== null || !isZkWrite(o.op) || o.op.type === 'closeSession' || o.outcome !== 'ok' || o.result === null || isUncertain(o))
        continue;
      if (!arrivedBefore(last, o)) continue; // a tie in time the history does not order
      const c = (ceiling ??= writeZxidCeiling(view))(o);
      if (c === null || c >= last.zxid) continue;
      return violated(
        'watch-order',
        `#${o.id} of client ${o.client} was answered after ${last.type} ${last.path} (${describeZxid(last.zxid)}) on the same connection, so its txn is at or above that zxid, but it must lie at or below ${describeZxid(c)}`,
        [o],
        [last],
      );
    }
  }
  return null;
}
