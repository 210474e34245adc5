// Lost persistent-watch events that a proof of a write's effect owes (watch-persistent.ts has the delivery rules):
// a reply, or the one write that may cause an event, whose success shows that another write X took effect
// (proved-writes.ts: a node it found whose one create X is, a node gone whose one delete X or session end is, a data
// version that needs X's setData) holds X's txn below its own state; so does a reply of X's own session sent after X
// on this connection (`sessionOrder`). A watch registered on this connection before X's txn got X's changes as this
// connection's server applied X (WatchManager.triggerWatch), queued on one FIFO socket ahead of that reply or event.
// Likewise an ok close proves its session's ephemerals gone by its txn (`closeOwed`).
// Round 13: r13d (lostByProof, follows, closeOwed) and r13b (provedLost, sessionOrder, event zxids, proved session
// ends) wrote this file in parallel; the merge keeps one check with the rules of both.
import type { ZkHistoryOp, ZkHistoryWatch } from '../history/types.js';
import { describeZxid, isUncertain } from './zk-writes.js';
import { countAtMost } from './sort.js';
import { violated, type ClientCheckResult } from './client-common.js';
import { parentOf, type BoundedWrite, type Held, type PersistentShared } from './watch-persistent-shared.js';

/** What `lostByProof` reads of a session's PersistentWatches on its current connection. */
export type ProofScope = {
  readonly held: Iterable<Held>;
  /** Paths whose persistent watches are not judged (watch-persistent-mixed.ts). */
  readonly mixed: ReadonlySet<string>;
  readonly connection: number;
  /** A zxid at or above the state a watch was registered at on this connection (null: unknown). */
  readonly regBound: (w: Held) => number | null;
  readonly shared: PersistentShared;
  /**
   * How many events of `${type} ${path}` arrived on this connection after a time with no zxid or one at or below
   * `upper` (the one being judged left out): an event names its own txn's zxid, so one above X's bound is another's.
   */
  readonly after: (key: string, t: number, upper: number) => number;
};

/**
 * The first [watch, proved write, its missing change] for `prover`, whose state holds each write of `list`: for each
 * held watch added on this connection by an addWatch `here` that `addedOk` accepts, each X after the registration
 * there (`follows`, or X's zxid floor `lower` above the registration's bound), whose change of a path the watch
 * covers has too few events of its type and path arrived after X was sent (its txn came after) with a zxid that
 * may be X's (an ACL-filtered path aside). A session end's X is the create of the ephemeral it deleted: the end came
 * after that create was sent, and above its zxid. Null when none.
 */
export function lostByProof(
  scope: ProofScope,
  prover: ZkHistoryOp,
  list: readonly BoundedWrite[],
  addedOk: (here: ZkHistoryOp) => boolean,
): [Held, BoundedWrite, string] | null {
  if (list.length === 0) return null;
  for (const w of scope.held) {
    if (scope.mixed.has(w.path)) continue;
    const here = w.added.get(scope.connection);
    if (here === undefined || !addedOk(here)) continue;
    const reg = scope.regBound(w);
    for (const b of list) {
      if (b.x === prover || !(follows(b.x, here, b.sent) || (reg !== null && b.lower > reg))) continue;
      const missing = scope.shared.missingOfFound(w, b.x, b.found, (key, t) => scope.after(key, t, b.upper));
      if (missing !== null) return [w, b, missing];
    }
  }
  return null;
}

/** How a proved write of `lostByProof` is named in a violation. */
function provedName(b: BoundedWrite): string {
  return b.end === undefined ? `#${b.x.id}` : `the end of session ${b.end} (deleting the ephemeral node #${b.x.id} made)`;
}

/**
 * Lost events before a reply `o` whose state holds each write of `list` (what o proves took effect, and its session's
 * earlier proved writes: `sessionOrder`), for watches added on this connection before o was sent (`lostByProof`).
 */
export function lostBeforeReply(scope: ProofScope, o: ZkHistoryOp, list: readonly BoundedWrite[]): ClientCheckResult | null {
  const lost = lostByProof(scope, o, list, (here) => here !== o && here.completeUs! < o.invokeUs);
  if (lost === null) return null;
  const [w, b, missing] = lost;
  return violated(
    'watch-order',
    `client ${o.client} got #${o.id}, whose state holds ${provedName(b)}, but no ${missing} event for it, which its ${w.recursive ? 'recursive' : 'persistent'} watch on ${w.path} (#${w.by.id}, added on this connection before #${o.id} was sent and before that txn) gets, came before it (lost)`,
    [w.by, b.x, o],
  );
}

/**
 * Lost events before event `e` (with a zxid), whose one possible cause is write P (watch-persistent.ts `zxidFacts`):
 * every write X that P's success proves took effect lies below P's txn, so its changes were queued before e on this
 * FIFO connection (`lostByProof`; `scope` leaves e itself out). Round 13: cases 3103818810 (a lost setData a delete's
 * version proves), 1998691577 (a lost multi making the parent of a create), 856553892 (a lost create of the watch's
 * own session, sent while its addWatch was in flight, that the delete proves).
 */
export function lostBeforeEvent(scope: ProofScope, e: ZkHistoryWatch, p: ZkHistoryOp): ClientCheckResult | null {
  const lost = lostByProof(scope, p, scope.shared.provedBy(p), () => true);
  if (lost === null) return null;
  const [w, b, missing] = lost;
  return violated(
    'watch-order',
    `client ${e.client} got ${e.type} ${e.path} at ${describeZxid(e.zxid)}, which only #${p.id} may make, and #${p.id} shows that ${provedName(b)} took effect before it, but no ${missing} event for it, which its ${w.recursive ? 'recursive' : 'persistent'} watch on ${w.path} (#${w.by.id}, added on this connection before that txn) gets, came before it (lost: one connection delivers in txn order)`,
    [w.by, b.x, p],
    [e],
  );
}

/**
 * Whether write `x`, proved to precede a reply or event on addWatch `here`'s connection, was applied there after
 * the registration, by time: sent (or proposed after a time `sent`: foundMissingBefore) after `here` returned, so
 * proposed after the state it registered at; or sent by the same session after `here` was sent (so on that
 * connection, before the reply or event at hand): CommitProcessor.run holds a local write's commit while reads its
 * session queued before it are pending ("Can't process this write yet"), so the addWatch registered first (round
 * 13, case 856553892).
 */
export function follows(x: ZkHistoryOp, here: ZkHistoryOp, sent = x.invokeUs): boolean {
  return Math.max(sent, x.invokeUs) > here.completeUs! || (x.session !== null && x.session === here.session && x.invokeUs > here.invokeUs);
}

/**
 * For watch-persistent.ts `owedBefore`: the first change missing of the deletes that ok close `x` (completed before
 * the txn or event at hand) surely had made (`closeDeletes`), each after the create of its node: owed when that
 * create followed `w`'s registration on the connection of addWatch `here` (`follows`, or its zxid, pinned zxid or
 * floor above the bound `reg`), as the delete came after it. Round 13, case 976800416: NodeCreated /a/c at 1:5 pins
 * the create; the close's NodeDeleted /a/c is owed before NodeDataChanged /a at 1:8.
 */
export function closeOwed(
  shared: PersistentShared,
  w: Held,
  x: ZkHistoryOp,
  here: ZkHistoryOp,
  reg: number | null,
  after: (key: string, t: number) => number,
): string | null {
  for (const { create, path } of shared.closeDeletes(x)) {
    if (!(follows(create, here) || (reg !== null && shared.lowerOf(create) > reg))) continue;
    const missing = shared.missingOfFound(w, create, [['NodeDeleted', path], ['NodeChildrenChanged', parentOf(path)]], after);
    if (missing !== null) return missing;
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

/**
 * How many events (arrival times `times`, zxids `zxids` beside them) arrived after `t` with no zxid or one at or
 * below `upper`, leaving out the last one when `skipLast` (the event being judged).
 */
export function countAfterBelow(times: readonly number[] | undefined, zxids: readonly number[] | undefined, t: number, upper: number, skipLast = false): number {
  if (times === undefined || zxids === undefined) return 0;
  let n = 0;
  const end = skipLast ? times.length - 1 : times.length;
  for (let i = countAtMost(times, t); i < end; i++) if (zxids[i]! <= upper) n++;
  return n;
}
