// Session ends as writes for the client checkers: a recorded end (an ENDED session record) at its zxid,
// and an unseen end (expiry, a lost close) of a session that made ephemeral nodes, at an unknown zxid.
import type { ZkHistory, ZkHistoryOp, ZkOp } from '../history/types.js';
import { SESSION_END_FLOOR, type ZxidWindow } from './write-windows.js';
import { ZxidMap } from './zxid-map.js';
import { isUncertain } from './write-table.js';

/**
 * Sessions' ends as writes. A recorded end (an "ENDED" session record: the closeSession txn's zxid seen
 * at the servers) is a write at that zxid, unless a client's close() with the same zxid is already in
 * the history. A session that made ephemeral nodes and has no recorded end (no ENDED record, no
 * closeSession op known to have happened) may still have ended unseen: the leader expires a session whose client cannot reach
 * a quorum (SessionTrackerImpl), and a client may die or lose its close's reply. Its end is an
 * indeterminate closeSession without a zxid (searched like any indeterminate write), which follows every
 * write of its own session (PrepRequestProcessor refuses a closing session's requests): SESSION_END_FLOOR.
 * Ids follow the history's largest id. A recorded end completes at its record's time: the txn had
 * committed by then (types.ts), so a write invoked later has a larger zxid. For the write search
 * (`forWriteSearch`) it is an indeterminate write; for the other checkers an ok one.
 */
export function sessionEndWrites(history: ZkHistory, writes: readonly ZkHistoryOp[], forWriteSearch = false): ZkHistoryOp[] {
  const out: ZkHistoryOp[] = [];
  const events = history.events ?? [];
  let maxId = -1;
  const nextId = (): number => {
    if (maxId < 0) for (const o of history.ops) if (o.id > maxId) maxId = o.id;
    return ++maxId;
  };
  const ended = new Set<number>();
  if (events.some((e) => e.kind === 'session' && e.state === 'ENDED' && e.zxid !== undefined)) {
    const known = new ZxidMap<true>();
    for (const o of writes) if (o.zxid !== null) known.set(o.zxid, true);
    for (const e of events) {
      if (e.kind !== 'session' || e.state !== 'ENDED' || e.zxid === undefined) continue;
      ended.add(e.session);
      if (known.has(e.zxid)) continue;
      known.set(e.zxid, true);
      out.push({
        kind: 'op',
        id: nextId(),
        client: e.client ?? -1,
        session: e.session,
        server: e.server,
        op: { type: 'closeSession' },
        invokeUs: 0,
        // Committed by the time a server recorded it: a write invoked later is proposed later, with a
        // larger zxid. The read and watch checkers take it as certain (ok); the write search
        // (`forWriteSearch`) as an indeterminate write that completed by then.
        completeUs: e.atUs,
        outcome: forWriteSearch ? 'info' : 'ok',
        result: forWriteSearch ? null : { rc: 'ok' },
        zxid: e.zxid,
      });
    }
  }
  // Sessions with ephemerals and no recorded end: the last zxid of their own writes, and a client of theirs.
  const open = new Map<number, { floor: number; client: number }>();
  for (const o of writes) {
    if (o.session === null) continue;
    // Only a close known to have happened ends the session for sure. A close whose reply was lost may
    // not have reached the leader before SessionTrackerImpl expired the session, so the unseen end
    // (at any time) is still possible; the lost close, after it, changes nothing.
    if (o.op.type === 'closeSession') {
      if (!isUncertain(o)) ended.add(o.session);
    } else if (hasEphemeralCreate(o.op)) {
      const seen = open.get(o.session);
      if (seen === undefined) open.set(o.session, { floor: o.zxid ?? 0, client: o.client });
      else if (o.zxid !== null && o.zxid > seen.floor) seen.floor = o.zxid;
    }
  }
  if (open.size === 0) return out;
  for (const o of writes) {
    const seen = o.session === null ? undefined : open.get(o.session);
    if (seen !== undefined && o.zxid !== null && o.zxid > seen.floor) seen.floor = o.zxid;
  }
  // Every ok reply of the session shows a state before its end (a reply at or after it is refused).
  for (const o of history.ops) {
    const seen = o.session === null || o.outcome !== 'ok' || isUncertain(o) ? undefined : open.get(o.session);
    if (seen !== undefined && o.readZxid !== undefined && o.readZxid !== null && o.readZxid > seen.floor) seen.floor = o.readZxid;
  }
  for (const [session, { floor, client }] of open) {
    if (ended.has(session)) continue;
    const end: ZkHistoryOp = {
      kind: 'op',
      id: nextId(),
      client,
      session,
      server: null,
      op: { type: 'closeSession' },
      invokeUs: 0,
      completeUs: null,
      outcome: 'info',
      result: null,
      zxid: null,
    };
    SESSION_END_FLOOR.set(end, floor);
    out.push(end);
  }
  return out;
}

function hasEphemeralCreate(op: ZkOp): boolean {
  if (op.type === 'multi') return op.ops.some(hasEphemeralCreate);
  return op.type === 'create' && (op.mode === 'ephemeral' || op.mode === 'ephemeralSequential');
}

/**
 * The writes with a session's `ok` closeSession that carries no zxid given the zxid of that session's
 * ENDED record, when the close could be that end txn: invoked no later than the record's first sighting
 * (a txn some server committed at `atUs` existed before any request sent after `atUs`). A close invoked
 * after that is not the end txn: PrepRequestProcessor's closeSession case does not check the session, so
 * it may be a second closeSession txn with a zxid of its own (it stays zxid-less, and takes a free zxid
 * like any write without one). Inputs are not changed: such a close is copied with the zxid. The same
 * writes (the same array) when there is none.
 */
export function closesAtTheirEnd(history: ZkHistory, writes: readonly ZkHistoryOp[]): readonly ZkHistoryOp[] {
  const endZxid = new Map<number, number>();
  const endSeenUs = new Map<number, number>(); // per session: the earliest ENDED record's time
  for (const e of history.events ?? []) {
    if (e.kind !== 'session' || e.state !== 'ENDED' || e.zxid === undefined) continue;
    if (!endZxid.has(e.session)) endZxid.set(e.session, e.zxid);
    endSeenUs.set(e.session, Math.min(endSeenUs.get(e.session) ?? Number.POSITIVE_INFINITY, e.atUs));
  }
  if (endZxid.size === 0) return writes;
  let out: ZkHistoryOp[] | null = null;
  writes.forEach((o, i) => {
    if (o.op.type !== 'closeSession' || o.zxid !== null || o.session === null || isUncertain(o)) return;
    const zxid = endZxid.get(o.session);
    if (zxid === undefined || o.invokeUs > endSeenUs.get(o.session)!) return;
    out ??= [...writes];
    out[i] = { ...o, zxid };
  });
  return out ?? writes;
}

/**
 * A write of a session takes effect before the session's end, when that end has a zxid (an ok close, an
 * ENDED record) or is an ok close without one: PrepRequestProcessor checks the session first
 * (SessionTracker.checkSession throws SessionExpired for a closing session), and a request of a closing or
 * closed session becomes an error txn that changes nothing. So the zxid window of each write without a zxid
 * (but the end itself) closes at its session's end: at its zxid, or, for an ok close without one, at its own
 * window's upper end (the close's txn lies below it, and the write's below the close's; until round 12 (fa12)
 * such a close bounded nothing, and a lost create of a closed session could still make a child after a later
 * session's create of its parent: sweep seed 3300000, case 2059228284). Changes `windows`.
 */
export function boundBySessionEnd(writes: readonly ZkHistoryOp[], floating: readonly number[], windows: Map<ZkHistoryOp, ZxidWindow>): void {
  let ends: Map<number, { hi: number; hiOp: ZkHistoryOp | null }> | null = null;
  for (const i of floating) {
    const o = writes[i]!;
    if (o.session === null || o.op.type === 'closeSession') continue;
    if (ends === null) {
      ends = new Map();
      for (const e of writes) {
        if (e.op.type !== 'closeSession' || e.session === null) continue;
        let bound: { hi: number; hiOp: ZkHistoryOp | null } | null = null;
        if (e.zxid !== null) bound = { hi: e.zxid, hiOp: e };
        else if (!isUncertain(e) && e.result?.rc === 'ok') {
          const w = windows.get(e);
          if (w !== undefined && w.hi !== Number.POSITIVE_INFINITY) bound = { hi: w.hi, hiOp: w.hiOp };
        }
        if (bound === null) continue;
        const had = ends.get(e.session);
        if (had === undefined || bound.hi < had.hi) ends.set(e.session, bound);
      }
    }
    const end = ends.get(o.session);
    const w = windows.get(o);
    if (end === undefined || w === undefined || end.hi >= w.hi) continue;
    windows.set(o, { lo: w.lo, hi: end.hi, loOp: w.loOp, hiOp: end.hiOp });
  }
}

/** Per session, the earliest reply time of its ok closeSession (a close that took effect by then). */
export function okCloseReplies(writes: readonly ZkHistoryOp[]): ReadonlyMap<number, number> {
  const out = new Map<number, number>();
  for (const e of writes) {
    if (e.op.type !== 'closeSession' || e.session === null || isUncertain(e) || e.result?.rc !== 'ok' || e.completeUs === null) continue;
    if (e.completeUs < (out.get(e.session) ?? Number.POSITIVE_INFINITY)) out.set(e.session, e.completeUs);
  }
  return out;
}

/**
 * The same rule as boundBySessionEnd in the write search, where no zxid shows it: a write without a reply
 * (`deadline`) of a session whose close was answered ok at time T took effect, if at all, before the close's
 * txn (SessionTrackerImpl.checkSession: a closing session's later requests are error txns), so before T, so
 * before every write invoked after T (`late`), whatever that write's outcome: each takes effect, or is
 * answered, after it was invoked. Proof that no real execution is lost: in one, the write's txn precedes each
 * late write's, so the order with it first is searched and its deadline is open there; the order the rule
 * drops has a late write placed first with the write still taking effect. A late write with no reply
 * that did not take effect places nothing. The search holds, per session, one count slot, 0 or 1 (from
 * `firstSlot` on, after the session chains'). Only writes without a zxid are marked: one with a zxid bounds
 * the window already (boundBySessionEnd). Until round 12 (fa12) nothing did: sweep seed 3300000, case
 * 170178521 (a lost delete of /a by a closed session, the only way a later create /a/s- could find no /a).
 */
export function closeDeadlines(
  group: readonly ZkHistoryOp[],
  floating: readonly boolean[],
  closeReplies: ReadonlyMap<number, number>,
  firstSlot: number,
): { deadline: (number | undefined)[]; late: (number[] | undefined)[] } {
  const deadline: (number | undefined)[] = new Array<number | undefined>(group.length).fill(undefined);
  const late: (number[] | undefined)[] = new Array<number[] | undefined>(group.length).fill(undefined);
  if (closeReplies.size === 0) return { deadline, late };
  const slotOf = new Map<number, number>();
  group.forEach((o, k) => {
    if (!floating[k] || o.session === null || o.op.type === 'closeSession' || !isUncertain(o) || !closeReplies.has(o.session)) return;
    let slot = slotOf.get(o.session);
    if (slot === undefined) slotOf.set(o.session, (slot = firstSlot + slotOf.size));
    deadline[k] = slot;
  });
  if (slotOf.size === 0) return { deadline, late };
  group.forEach((o, k) => {
    if (!floating[k]) return;
    for (const [session, slot] of slotOf) if (o.invokeUs > closeReplies.get(session)!) (late[k] ??= []).push(slot);
  });
  return { deadline, late };
}
