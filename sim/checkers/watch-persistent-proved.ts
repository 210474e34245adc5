// Persistent watches (watch-persistent.ts): the events owed before a reply whose state holds a write or a session end
// that the history proves took effect without telling its zxid (proved-writes.ts provedLostWrites; the writes and
// their bounds: watch-persistent-shared.ts `provedBy`, `provedOf`).
import type { ZkHistoryOp } from '../history/types.js';
import { isUncertain } from './zk-writes.js';
import { countAtMost } from './sort.js';
import { violated, type ClientCheckResult } from './client-common.js';
import type { BoundedWrite, Held, PersistentShared } from './watch-persistent-shared.js';

/**
 * Lost events before reply `o`, whose state holds each write (or session end) of `list`: for a watch added on this
 * connection before o was sent (`here`: so registered at a state its session's later reply o holds), a proved
 * write W whose txn is above that registration (W, or a write W's txn follows, sent after the addWatch returned:
 * proposed later, `sent`; or its floor
 * `lower` above the registration's bound `regBound`) was applied by o's server with the watch registered, before
 * o's state: its event was queued before o's reply (WatchManager.triggerWatch; one FIFO socket). An event counts
 * for W when it arrived after W was sent (its txn came after), with no zxid or one at or below W's bound `upper`
 * (an event names its own txn's zxid; one above the bound is another txn's). A session end's W is the create of the
 * ephemeral it deleted: the end came after that create was sent, and above its zxid.
 */
export function provedLost(
  o: ZkHistoryOp,
  list: readonly BoundedWrite[],
  held: readonly Held[],
  here: (w: Held) => ZkHistoryOp | undefined,
  regBound: (w: Held) => number | null,
  count: (key: string, t: number, upper: number) => number,
  shared: PersistentShared,
): ClientCheckResult | null {
  if (list.length === 0) return null;
  for (const w of held) {
    const added = here(w);
    if (added === undefined || added === o || added.completeUs! >= o.invokeUs) continue;
    const reg = regBound(w);
    for (const { x, lower, upper, found, end, sent } of list) {
      if (x === o || !((sent ?? x.invokeUs) > added.completeUs! || (reg !== null && lower > reg))) continue;
      const missing = shared.missingOfFound(w, x, found, (key, t) => count(key, t, upper));
      if (missing === null) continue;
      const what = end === undefined ? `#${x.id}` : `the end of session ${end} (deleting the ephemeral node #${x.id} made)`;
      return violated(
        'watch-order',
        `client ${o.client} got #${o.id}, whose state holds ${what}, but no ${missing} event for it, which its ${w.recursive ? 'recursive' : 'persistent'} watch on ${w.path} (#${w.by.id}, added on this connection before #${o.id} was sent and before that txn) gets, came before it (lost)`,
        [w.by, x, o],
      );
    }
  }
  return null;
}

/**
 * The lost writes of `o`'s session that a reply proves took effect (`provedOf`), sent on this connection before
 * `o`, when `o` is a server's reply: the client sends a session's requests in issue order on one connection
 * (ClientCnxn.queuePacket, SendThread) and CommitProcessor serves them in that order (a request waits behind the
 * session's pending write), so `o`'s state holds each. On this connection: sent after its first record
 * (`startUs`: the client records every reconnect, CONNECTED or DISCONNECTED) and to the server that answered `o`.
 */
export function sessionOrder(o: ZkHistoryOp, shared: PersistentShared, startUs: number): readonly BoundedWrite[] {
  if (o.session === null || o.outcome !== 'ok' || o.result === null || isUncertain(o)) return [];
  return shared.provedOf(o.session).filter(({ x }) => x.invokeUs < o.invokeUs && x.invokeUs > startUs && x.server === o.server);
}

/** How many events (arrival times `times`, zxids `zxids` beside them) arrived after `t` with no zxid or one at or below `upper`. */
export function countAfterBelow(times: readonly number[] | undefined, zxids: readonly number[] | undefined, t: number, upper: number): number {
  if (times === undefined || zxids === undefined) return 0;
  let n = 0;
  for (let i = countAtMost(times, t); i < times.length; i++) if (zxids[i]! <= upper) n++;
  return n;
}
