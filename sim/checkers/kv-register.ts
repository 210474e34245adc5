// An exact decision, without search, for one KV register (kvSet/kvCas/kvGet on one path) whose
// writes with a zxid all have a known result and whose writes without one are all indeterminate (no
// reply: they took effect once, or not at all). This is the shape of every key of a faulty Zab-level
// KV run, where the linearizability search can need minutes to prove a violation (issue 18, class 7).
//
// Input: the search's ops (read-points.ts or zk-writes.ts): "ranked" items in zxid order (the writes with
// a zxid, and read points: the reads with header zxid h, between the writes of zxid <= h and > h), and
// the indeterminate writes, each allowed from some rank on (its zxid window; it never returned, so no
// upper bound). A register's version counts its writes, so the version every ranked item needs is
// known: a kvSet reporting version v follows version v-1, an ok kvCas its op.version, a read point the
// version its reads got. Between two such items the count of indeterminate writes that took effect is
// therefore fixed: their "slots" (the write making version s is slot s). A failed kvCas (badVersion) in
// between must not meet its op.version, so where the version would equal it, the next slot must come
// before it. Slots placed as late as these rules allow are best for every writer (a writer's window only
// bounds it from below), so the slots' places are forced; what remains is matching slots to distinct
// indeterminate writes (a kvCas only to slot op.version+1, a slot whose value a read saw only to a
// write of that data, a writer only to slots at or after its window), done exactly by augmenting paths.
// Returns null when the input is not of this shape (the caller searches), else the verdict.
import type { ZkHistoryOp, ZkOp, ZkResult } from '../history/types.js';

/** A ranked item: a write with a zxid (definite) or a read point. */
export type RankedItem = { readonly write: ZkHistoryOp } | { readonly reads: readonly ZkHistoryOp[] };
/** An indeterminate write without a zxid, allowed from rank `minRank` on. */
export type FreeWrite = { readonly write: ZkHistoryOp; readonly minRank: number };
/**
 * `placed`, with ok: the explanation found, each indeterminate write that took effect with the latest rank
 * it may go before (its gap), the earliest such gap that changes nothing any ranked item sees, and the
 * write's own earliest (`minRank`), in version order. A caller with more rules (zxids counted) checks it.
 */
export type Placed = { readonly write: ZkHistoryOp; readonly pos: number; readonly earliest: number; readonly minRank: number };
export type RegisterVerdict =
  | { readonly verdict: 'ok'; readonly placed: readonly Placed[] }
  | { readonly verdict: 'violated'; readonly reason: string; readonly ops: readonly ZkHistoryOp[] };

/**
 * Slot `num` (the write making version num) goes before ranked item `pos`, its latest place; `earliest`: the
 * first gap it could move to without changing what any ranked item sees (after the last item that fixes the
 * version, and after every failed kvCas met since then).
 */
type Slot = { readonly num: number; readonly pos: number; readonly earliest: number; data: string | null; readonly by: ZkHistoryOp | null };

function register(op: ZkOp): op is Extract<ZkOp, { type: 'kvSet' | 'kvCas' }> {
  return op.type === 'kvSet' || op.type === 'kvCas';
}

/** The version and data a point's reads agree on (-1: absent), or a reason they cannot all hold. */
function pointState(reads: readonly ZkHistoryOp[]): { version: number; data: string | null } | string | null {
  let version: number | null = null;
  let data: string | null = null;
  for (const r of reads) {
    const res: ZkResult | null = r.result;
    if (r.op.type !== 'kvGet' || res === null || res.rc !== 'ok') return null;
    const v = res.exists === false ? -1 : res.version;
    if (v === undefined) return null;
    // A register that exists was made by a kvSet or kvCas, at version 0 or later: -1 only means absent.
    if (v < 0 && res.exists !== false) return `#${r.id} read a register that exists at version ${v}, which no write makes`;
    const d = res.exists === false ? null : (res.data ?? null);
    if (version === null) {
      version = v;
      data = d;
    } else if (v !== version || (d !== null && data !== null && d !== data)) return `#${r.id} and #${reads[0]!.id} read different states at one zxid`;
    if (data === null) data = d;
  }
  return version === null ? null : { version, data };
}

export function decideRegister(ranked: readonly RankedItem[], free: readonly FreeWrite[]): RegisterVerdict | null {
  // The ranked writes must agree with real time (linearizable-writes checks it; here it is a precondition).
  let earliest = Number.POSITIVE_INFINITY;
  for (let r = ranked.length - 1; r >= 0; r--) {
    const item = ranked[r]!;
    if (!('write' in item)) continue;
    if (earliest < item.write.invokeUs) return null;
    if (item.write.completeUs !== null && item.write.completeUs < earliest) earliest = item.write.completeUs;
  }
  for (const f of free) if (!register(f.write.op) || f.write.outcome !== 'info') return null;
  for (const item of ranked) if ('write' in item && (!register(item.write.op) || item.write.result === null || item.write.outcome !== 'ok')) return null;
  const slots: Slot[] = [];
  const knownSlot = new Map<number, ZkHistoryOp>(); // version -> the ranked write that made it
  const violated = (reason: string, ops: ZkHistoryOp[]): RegisterVerdict => ({ verdict: 'violated', reason, ops });
  let cur = -1; // the version after the last ranked item that fixes it
  let pending: { rank: number; x: number; o: ZkHistoryOp }[] = []; // failed kvCas since then
  let fixedAt = -1; // the rank of the last ranked item that fixes the version
  /** Places the slots up to version `before` (needed at rank r), latest first as the failed kvCas allow. */
  const fill = (before: number, r: number, o: ZkHistoryOp | null): RegisterVerdict | null => {
    if (before < cur) {
      const made = knownSlot.get(cur);
      return violated(
        `the register is at version ${cur} by then, but #${o?.id ?? '?'} needs version ${before} before it`,
        made === undefined || o === null ? (o === null ? [] : [o]) : [made, o],
      );
    }
    // A failed kvCas stops a slot from moving before it only if it could then see its version: the
    // versions it may see lie between the one fixed before it and `before`.
    let barrier = fixedAt;
    const base = cur;
    for (const c of pending) {
      if (c.x === cur) {
        if (cur >= before) return violated(`#${c.o.id}'s kvCas failed, yet the register is at its version ${c.x} there`, [c.o]);
        cur++;
        slots.push({ num: cur, pos: c.rank, earliest: barrier + 1, data: null, by: null });
      }
      if (c.x >= base && c.x <= before) barrier = c.rank;
    }
    while (cur < before) slots.push({ num: ++cur, pos: r, earliest: barrier + 1, data: null, by: null });
    pending = [];
    fixedAt = r;
    return null;
  };
  for (let r = 0; r < ranked.length; r++) {
    const item = ranked[r]!;
    if ('reads' in item) {
      const s = pointState(item.reads);
      if (s === null) return null;
      if (typeof s === 'string') return violated(s, [...item.reads]);
      const v = fill(s.version, r, item.reads[0]!);
      if (v !== null) return v;
      if (s.version < 0 || s.data === null) continue;
      const made = knownSlot.get(s.version);
      if (made !== undefined) {
        if ((made.op as { data: string }).data !== s.data)
          return violated(
            `#${item.reads[0]!.id} read "${s.data}" at version ${s.version}, which #${made.id} wrote as "${(made.op as { data: string }).data}"`,
            [made, item.reads[0]!],
          );
        continue;
      }
      const slot = slots.find((x) => x.num === s.version);
      if (slot === undefined) return null;
      if (slot.data !== null && slot.data !== s.data) return violated(`two reads of version ${s.version} got different data`, [...item.reads]);
      slot.data = s.data;
      continue;
    }
    const o = item.write;
    const op = o.op as Extract<ZkOp, { type: 'kvSet' | 'kvCas' }>;
    const res = o.result!;
    if (op.type === 'kvCas' && res.rc === 'badVersion') {
      pending.push({ rank: r, x: op.version, o });
      continue;
    }
    if (res.rc !== 'ok') return null;
    const made = op.type === 'kvCas' ? op.version + 1 : res.version;
    if (made === undefined) return null;
    if (op.type === 'kvCas' && res.version !== undefined && res.version !== made)
      return violated(`#${o.id}'s kvCas at version ${op.version} reported version ${res.version}`, [o]);
    const v = fill(made - 1, r, o);
    if (v !== null) return v;
    cur = made;
    knownSlot.set(made, o);
  }
  // After the last ranked item that fixes the version: failed kvCas met at their version need an optional write before them.
  let barrier = fixedAt;
  const base = cur;
  for (const c of pending) {
    if (c.x === cur) {
      cur++;
      slots.push({ num: cur, pos: c.rank, earliest: barrier + 1, data: null, by: null });
    }
    if (c.x >= base) barrier = c.rank;
  }
  return matchSlots(slots, free);
}

/** Each slot gets a distinct indeterminate write that may fill it (Kuhn's augmenting paths). */
function matchSlots(slots: readonly Slot[], free: readonly FreeWrite[]): RegisterVerdict {
  const fits = (s: Slot, f: FreeWrite): boolean => {
    const op = f.write.op as Extract<ZkOp, { type: 'kvSet' | 'kvCas' }>;
    if (f.minRank > s.pos) return false;
    if (op.type === 'kvCas' && op.version !== s.num - 1) return false;
    return s.data === null || op.data === s.data;
  };
  const owner = new Int32Array(free.length).fill(-1); // free write -> slot
  const tryFill = (si: number, seen: Uint8Array): boolean => {
    for (let fi = 0; fi < free.length; fi++) {
      if (seen[fi] === 1 || !fits(slots[si]!, free[fi]!)) continue;
      seen[fi] = 1;
      if (owner[fi] === -1 || tryFill(owner[fi]!, seen)) {
        owner[fi] = si;
        return true;
      }
    }
    return false;
  };
  for (let si = 0; si < slots.length; si++) {
    if (tryFill(si, new Uint8Array(free.length))) continue;
    const s = slots[si]!;
    return {
      verdict: 'violated',
      reason: `version ${s.num} of the register needs a write that took effect unseen${s.data === null ? '' : ` with data "${s.data}"`}, and no indeterminate write invoked in time is left to be it`,
      ops: free.slice(0, 2).map((f) => f.write),
    };
  }
  const placed: Placed[] = [];
  const bySlot = new Int32Array(slots.length).fill(-1);
  owner.forEach((si, fi) => {
    if (si >= 0) bySlot[si] = fi;
  });
  bySlot.forEach((fi, si) => placed.push({ write: free[fi]!.write, pos: slots[si]!.pos, earliest: slots[si]!.earliest, minRank: free[fi]!.minRank }));
  return { verdict: 'ok', placed };
}
