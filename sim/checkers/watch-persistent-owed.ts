// The deliveries one connection owes (watch-persistent.ts): counted together (`boundedLost`, `provedLost`), placed
// by the zxid packing (`packedLost`), and a NodeCreated owed between two NodeDeleted of one node (`recreateMissing`).
//
// Each write W without a zxid that surely took effect above a persistent watch's registration and below a state the
// connection's server answered (or fired an event) from owes one event per change the watch covers, arrived after
// W was sent (WatchManager.triggerWatch queues it as DataTree applies W; one FIFO socket). Distinct writes are
// distinct txns, and one txn's trigger reaches a connection once per change (the watchers of a trigger are a Set),
// so the events that pay two owed writes are distinct events. Judging each write alone lets one event pay for
// several (round 13, case 2677190150: two creates under /, one NodeChildrenChanged / before the close reply).
// Counted together, per `${type} ${path}`: an owed write sent at t needs an event arrived after t, so (Hall's
// condition, the neighbourhoods being nested) the owed writes sent at or after any t must need no more events than
// arrived after t. Each write counts once per connection, at the most events any of the session's watches needs of
// it (one event serves every watch of the connection it matches). Only writes already proved owed enter: a ledger
// that misses some only flags less.
import type { ZkHistoryOp, ZkHistoryWatch } from '../history/types.js';
import { covers, type Held, type PersistentShared } from './watch-persistent-shared.js';
import { describeZxid } from './zk-writes.js';
import { packedWithin } from './zxid-packing.js';
import { violated, type ClientCheckResult } from './client-common.js';

export class OwedLedger {
  /** By `${type} ${path}`: each owed write, with its send time and how many events of that key it needs. */
  private readonly byKey = new Map<string, Map<ZkHistoryOp, number>>();

  /**
   * Adds write `x`'s needs (key -> events) and returns the first key whose events, arrived so far (`after`: how many
   * of a key arrived after a time), cannot pay every owed write of it; null when they can.
   */
  owe(x: ZkHistoryOp, need: ReadonlyMap<string, number>, after: (key: string, t: number) => number): string | null {
    for (const [key, n] of need) {
      let writes = this.byKey.get(key);
      if (writes === undefined) this.byKey.set(key, (writes = new Map()));
      if ((writes.get(x) ?? 0) >= n) continue;
      writes.set(x, n);
      // Latest sent first: the running sum is what the writes sent at or after that time need.
      const list = [...writes].sort((a, b) => b[0].invokeUs - a[0].invokeUs);
      let needed = 0;
      for (const [w, m] of list) {
        needed += m;
        if (needed > after(key, w.invokeUs)) return key;
      }
    }
    return null;
  }
}

/**
 * The first certain write X without a zxid (not `skip`, the reply's own) whose change `w` covers has no event here
 * yet (`after`), while every execution's zxid packing (zxid-packing.ts packedWithin) puts X above the registration
 * and at or below `z`, the reply's state: above when X was sent after this connection's addWatch returned (`here`),
 * else above `reg`, a bound at or above the registration. Its event was queued before the reply then (as for
 * `boundedLost`, watch-persistent.ts): [X, the change].
 */
export function packedLost(
  shared: PersistentShared,
  w: Held,
  here: ZkHistoryOp | undefined,
  reg: number | null,
  z: number,
  after: (key: string, t: number) => number,
  skip: ZkHistoryOp,
): [ZkHistoryOp, string, undefined] | null {
  for (const x of shared.writesByCompletion()) {
    if (x.zxid !== null || x === skip) continue;
    const sentAfter = here !== undefined && x.invokeUs > here.completeUs!;
    if (!sentAfter && reg === null) continue;
    const missing = shared.missingOf(w, x, after);
    if (missing !== null && packedWithin(shared.view)(x, sentAfter ? -Infinity : reg!, z)) return [x, missing, undefined];
  }
  return null;
}

/**
 * For an exact NodeDeleted `e` of p: `z1`, the zxid of an earlier exact NodeDeleted of p on this connection with no
 * NodeCreated of p arrived since, when that proves a lost event (else null). Proof: p was made again by a create
 * between z1 and this event's txn (only a create makes a node; a multi's create too). Every watch of the session
 * that covers p is persistent for good (no one-shot watch on p or mode change at a covering watch's path:
 * `mixed`; removeWatches histories are not judged, watch-order.ts), so the one that delivered z1 was
 * registered on this connection's server then and still is at that create, which fires NodeCreated p for it
 * (WatchManager.triggerWatch; PathParentIterator for a recursive one), queued on this FIFO connection before this
 * event. Not judged where the create's ACL may filter it (ServerCnxn.process: restricted paths and sequential
 * prefixes of p).
 */
export function recreateMissing(z1: number | null, e: ZkHistoryWatch, held: Iterable<Held>, mixed: ReadonlySet<string>, shared: PersistentShared): number | null {
  if (z1 === null || z1 >= e.zxid || mixed.has(e.path)) return null;
  for (const w of held) if (covers(w, 'NodeDeleted', e.path) && mixed.has(w.path)) return null;
  if (shared.mayFilter(e.path)) return null;
  return z1;
}

/** An explained event's owed siblings (watch-persistent.ts `noteSiblings`): the other changes of its one cause `x`. */
export type Sibling = { readonly x: ZkHistoryOp; readonly zxid: number; readonly need: Map<string, number>; readonly e: ZkHistoryWatch; readonly w: Held };

/** The owed siblings missing at reply `o` (events so far: `counts` by `${type} ${path} ${zxid}`, `unnamed` by `${type} ${path}`): each checked once, at the first reply after its event. */
export function siblingsOwed(list: readonly Sibling[], counts: ReadonlyMap<string, number>, unnamed: ReadonlyMap<string, number>, o: ZkHistoryOp): ClientCheckResult | null {
  for (const { x, zxid, need, e, w } of list)
    for (const [key, n] of need) {
      const got = (counts.get(`${key} ${zxid}`) ?? 0) + (unnamed.get(key) ?? 0);
      if (got < n)
        return violated(
          'watch-order',
          `client ${o.client} got #${o.id} after ${e.type} ${e.path} at ${describeZxid(zxid)}, which only #${x.id} may make, but ${n > 1 ? `only ${got} of the ${n}` : 'no'} ${key} event(s) of that txn for its ${w.recursive ? 'recursive' : 'persistent'} watch on ${w.path} (#${w.by.id}) came before it (one txn's events are queued together: lost)`,
          [w.by, x, o],
          [e],
        );
    }
  return null;
}

/**
 * Whether one txn may make every event of `events` (persistent-watch events on one connection with one known zxid:
 * zxids are distinct, so they are one txn's): a write, or a session end, among the causes of each (`causesOf`).
 */
export function oneCause(shared: PersistentShared, events: readonly ZkHistoryWatch[]): boolean {
  let writes: Set<ZkHistoryOp> | null = null;
  let sessions: Set<number> | null = null;
  for (const e of events) {
    const c = shared.causesOf(e, -Infinity);
    writes = new Set([...c.writes].filter((o) => writes === null || writes.has(o)));
    sessions = new Set([...c.sessions].filter((x) => sessions === null || sessions.has(x)));
  }
  return writes === null || writes.size > 0 || sessions!.size > 0;
}

/**
 * What event `e`'s known zxid says of its txn (watch-persistent.ts), which a persistent watch explains (so the zxid is
 * exactly its txn's: WatchManager.triggerWatch as the txn is applied): when one write without a recorded zxid is its
 * only cause, that write's txn is at that zxid, and one txn has one zxid, so every event it alone causes
 * carries the same one; and zxids are distinct, so the events of one type and path at zxids no named txn
 * holds (in the whole history) need as many loose causes (writes without a recorded zxid or of unknown
 * outcome, session ends) as there are such zxids.
 */
export function zxidFacts(shared: PersistentShared, held: Iterable<Held>, e: ZkHistoryWatch): { readonly verdict: ClientCheckResult | null; readonly only: ZkHistoryOp | null; readonly sole: ZkHistoryOp | null } {
  if (e.zxid <= 0) return { verdict: null, only: null, sole: null };
  let floor = Infinity;
  let w: Held | null = null;
  for (const h of held) if (covers(h, e.type, e.path) && h.floor < floor) [floor, w] = [h.floor, h];
  const causes = shared.causesOf(e, floor);
  const only = causes.only;
  const sole = causes.sole;
  const result = (verdict: ClientCheckResult | null): { verdict: ClientCheckResult | null; only: ZkHistoryOp | null; sole: ZkHistoryOp | null } => ({ verdict, only, sole });
  if (only !== null) {
    const had = shared.pins.get(only);
    if (had !== undefined && had !== e.zxid)
      return result(violated(
        'watch-order',
        `client ${e.client} got ${e.type} ${e.path} at ${describeZxid(e.zxid)} for its persistent watch on ${w!.path} (#${w!.by.id}), which only #${only.id} may make, but another event that only #${only.id} may make has ${describeZxid(had)}: one txn has one zxid`,
        [w!.by, only],
        [e],
      ));
    shared.pins.set(only, e.zxid);
  }
  if (shared.isTaken(e.zxid)) return result(null);
  const key = `${e.type} ${e.path}`;
  const seen = shared.untaken.get(key) ?? new Set<number>();
  shared.untaken.set(key, seen.add(e.zxid));
  if (seen.size > 1) {
    const bound = shared.causesOf({ ...e, zxid: -1, atUs: Infinity }, -Infinity).loose;
    if (seen.size > bound)
      return result(violated(
        'watch-order',
        `client ${e.client} got ${e.type} ${e.path} at ${describeZxid(e.zxid)} for its persistent watch on ${w!.path} (#${w!.by.id}), the ${seen.size}th zxid no named txn holds with that change, but only ${bound} write(s) without a zxid or session end(s) may make it: zxids are distinct`,
        [w!.by],
        [e],
      ));
  }
  return result(null);
}
