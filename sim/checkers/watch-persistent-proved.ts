// Lost persistent-watch events that a proof of a write's effect owes (watch-persistent.ts has the delivery rules):
// a reply, or the one write that may cause an event, whose success shows that another write X took effect
// (proved-writes.ts: a node it found whose one create X is, a node gone whose one delete X is, a data version that
// needs X's setData) holds X's txn below its own state. A watch registered on this connection before X's txn got
// X's changes as this connection's server applied X (WatchManager.triggerWatch), queued on one FIFO socket ahead of
// that reply or event. Likewise an ok close proves its session's ephemerals gone by its txn (`closeOwed`).
import type { ZkHistoryOp } from '../history/types.js';
import { isUncertain } from './zk-writes.js';
import { parentOf, type Held, type PersistentShared } from './watch-persistent-shared.js';

/** What `lostByProof` reads of a session's PersistentWatches on its current connection. */
export type ProofScope = {
  readonly held: Iterable<Held>;
  /** Paths whose persistent watches are not judged (watch-persistent-mixed.ts). */
  readonly mixed: ReadonlySet<string>;
  readonly connection: number;
  /** A zxid at or above the state a watch was registered at on this connection (null: unknown). */
  readonly regBound: (w: Held) => number | null;
  readonly shared: PersistentShared;
  /** How many events of `${type} ${path}` arrived on this connection after a time (the one being judged left out). */
  readonly after: (key: string, t: number) => number;
};

/**
 * The first [watch, proved write X, its missing change] for `prover`, whose state holds each write it proves
 * (`provedBy`): for each held watch added on this connection by an addWatch `here` that `addedOk` accepts, each X
 * after the registration there (`follows`, or X's zxid floor above the registration's bound), whose change of a
 * path the watch covers has too few events of its type and path arrived after X was sent (an ACL-filtered path
 * aside). Null when none.
 */
export function lostByProof(scope: ProofScope, prover: ZkHistoryOp, addedOk: (here: ZkHistoryOp) => boolean): [Held, ZkHistoryOp, string] | null {
  const list = scope.shared.provedBy(prover);
  if (list.length === 0) return null;
  for (const w of scope.held) {
    if (scope.mixed.has(w.path)) continue;
    const here = w.added.get(scope.connection);
    if (here === undefined || !addedOk(here)) continue;
    const reg = scope.regBound(w);
    for (const { x, lower, found } of list) {
      if (x === prover || !(follows(x, here) || (reg !== null && lower > reg))) continue;
      const missing = scope.shared.missingOfFound(w, x, found, scope.after);
      if (missing !== null) return [w, x, missing];
    }
  }
  return null;
}

/**
 * Round 13 (r13a): at `o`, an ok close, a write of its session known to have taken effect (`tookEffect`), sent to o's
 * server after the registration on this connection (`follows`: between the addWatch and o, both on this connection):
 * PrepRequestProcessor makes a closing session's requests error txns, so its txn is below the session's end, in o's
 * state (cases 263360252, 1513447175: a lost delete, a lost create). Not at other replies: a write whose reply was
 * lost is outside its session's order (DEFINITIONS.md).
 */
export function ownLostAtClose(scope: ProofScope, o: ZkHistoryOp): [Held, ZkHistoryOp, string] | null {
  if (o.op.type !== 'closeSession' || o.result === null || isUncertain(o)) return null;
  const own = scope.shared.tookEffect(o.session).filter((b) => b.x.invokeUs < o.invokeUs && b.x.server === o.server);
  for (const w of own.length === 0 ? [] : scope.held) {
    const here = w.added.get(scope.connection);
    if (scope.mixed.has(w.path) || here === undefined || here.completeUs! >= o.invokeUs) continue;
    for (const { x, found } of own) {
      if (!follows(x, here)) continue;
      const missing = scope.shared.missingOfFound(w, x, found, scope.after);
      if (missing !== null) return [w, x, missing];
    }
  }
  return null;
}

/**
 * Whether write `x`, proved to precede a reply or event on addWatch `here`'s connection, was applied there after
 * the registration, by time: sent after `here` returned (proposed after the state it registered at), or sent by the
 * same session after `here` was sent (so on that connection, before the reply or event at hand): CommitProcessor.run
 * holds a local write's commit while reads its session queued before it are pending ("Can't process this write
 * yet"), so the addWatch registered first (round 13, case 856553892).
 */
export function follows(x: ZkHistoryOp, here: ZkHistoryOp): boolean {
  return x.invokeUs > here.completeUs! || (x.session !== null && x.session === here.session && x.invokeUs > here.invokeUs);
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
