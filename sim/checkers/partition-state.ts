// The parts of the linearizable-writes search state (zk-writes.ts, zkPartitionModel) beyond the rank and
// the tree: the zxid windows of the writes without a zxid placed in the current gap (zxid-gaps.ts), and
// per session, how many of its writes without a zxid that got a reply have taken effect (session order).
import { hashNumber, mix32 } from './linearizability/model.js';
import type { ZkHistoryOp } from '../history/types.js';
import { isUncertain } from './write-table.js';
import type { Model, Operation } from './linearizability/model.js';
import { clipToGap, type GapContext } from './zxid-gaps.js';

/**
 * Session order among a partition's writes without a zxid: `slot` names the session; the write may take
 * effect only once `before` of its session's counted replied ones (those issued strictly before it) have; a
 * replied one also only while no later one has (`last`: before + the counted ones issued at its very time,
 * itself excluded). The client sends a session's requests in issue order and the server applies them
 * in that order (ClientCnxn, CommitProcessor); an unanswered request fails the ones behind it on a broken
 * connection (ClientCnxn.cleanup), so a replied write was applied before any write issued after it, and a
 * write without a reply after every replied one issued before it. (A write without a reply issued before
 * a later one may still be in flight at the leader: nothing orders it against later writes.)
 * `bumps`: whether taking effect counts (a counted write). With `countFailed` false, a replied write whose
 * reply says it failed is not counted: it changes no state, so its place among the session's other failed
 * writes does not matter, and its own bounds (after the counted ones issued before it, before those issued
 * after it) still hold it between the writes that do; the search can then take it as read-only. When the
 * zxids are counted, a failed write takes one too, in issue order, so there it is counted.
 */
export type SessionChain = { readonly slot: number; readonly before: number; readonly last: number; readonly bumps: boolean };

/**
 * The chains of `group`'s writes without a zxid (`floating[k]`), for sessions with a counted replied one
 * and at least one other: other sessions need none. Ops without a session id (the KV runs) take their
 * client's number instead, as fifo-client-order and ReplyBounds do: the client queues its requests in issue
 * order whatever session carries them, and a replied write was answered on the connection it went out on,
 * before a request issued after it could go out on another one (ClientCnxn.cleanup fails the rest).
 */
export function sessionChains(group: readonly ZkHistoryOp[], floating: readonly boolean[], countFailed = true): (SessionChain | undefined)[] {
  const bySession = new Map<number, number[]>();
  group.forEach((o, k) => {
    if (!floating[k]) return;
    const key = o.session !== null ? o.session : -1 - o.client;
    const list = bySession.get(key);
    if (list === undefined) bySession.set(key, [k]);
    else list.push(k);
  });
  const out: (SessionChain | undefined)[] = new Array<SessionChain | undefined>(group.length).fill(undefined);
  const counts = (o: ZkHistoryOp): boolean => !isUncertain(o) && (countFailed || o.result?.rc === 'ok');
  let slots = 0;
  for (const list of bySession.values()) {
    const replied = list.filter((k) => counts(group[k]!)).map((k) => group[k]!.invokeUs);
    if (list.length < 2 || replied.length === 0 || !pipelined(list.map((k) => group[k]!))) continue;
    replied.sort((a, b) => a - b);
    const slot = slots++;
    for (const k of list) {
      const at = group[k]!.invokeUs;
      let before = 0;
      let upTo = 0;
      for (const us of replied) {
        if (us < at) before++;
        if (us <= at) upTo++;
      }
      const bumps = counts(group[k]!);
      out[k] = { slot, before, last: bumps ? upTo - 1 : upTo, bumps };
    }
  }
  return out;
}

/**
 * Whether a replied write of the session overlaps in time one of its writes issued after it. If none does,
 * the chain adds nothing to real time, which the search keeps already (an op that returned before another
 * was called comes first): every replied write issued strictly before a write W returned before W was
 * called, so it precedes W; and W, if replied, returned before any later one was called. Dropping the
 * chain then accepts the same orders, and spares the search a state (counts) that keeps it from treating
 * failed writes as read-only: a recorded real-ensemble session of 123 such writes took 1M search steps with
 * it, 113 without.
 */
function pipelined(ops: readonly ZkHistoryOp[]): boolean {
  const byCall = [...ops].sort((a, b) => a.invokeUs - b.invokeUs);
  for (let k = 0; k < byCall.length; k++) {
    const r = byCall[k]!;
    if (isUncertain(r)) continue;
    let next = k + 1;
    while (next < byCall.length && byCall[next]!.invokeUs <= r.invokeUs) next++;
    if (next < byCall.length && (r.completeUs ?? Number.POSITIVE_INFINITY) >= byCall[next]!.invokeUs) return true;
  }
  return false;
}

/** `counts` with slot `slot` one higher (a new array). */
export function bumpCount(counts: readonly number[] | undefined, slot: number): number[] {
  const out = counts === undefined ? [] : [...counts];
  while (out.length <= slot) out.push(0);
  out[slot]!++;
  return out;
}

export function countAt(counts: readonly number[] | undefined, slot: number): number {
  return counts?.[slot] ?? 0;
}

/** The state hash with the gap's windows and the session counts mixed in; unchanged when there are none (as read-points.ts builds states). */
export function extraHash(h: number, gap: readonly number[] | undefined, counts: readonly number[] | undefined): number {
  if (gap !== undefined) for (const z of gap) h = mix32(h ^ hashNumber(z));
  if (counts !== undefined) counts.forEach((n, i) => (h = n === 0 ? h : mix32(h ^ hashNumber(i * 65_537 + n))));
  return h;
}

/** Equal number lists, a missing one as empty (gaps) or all zero (counts). */
export function sameNumbers(a: readonly number[] | undefined, b: readonly number[] | undefined, zeroPadded: boolean): boolean {
  if (a === b) return true;
  const x = a ?? [];
  const y = b ?? [];
  if (!zeroPadded && x.length !== y.length) return false;
  for (let k = 0; k < Math.max(x.length, y.length); k++) if ((x[k] ?? 0) !== (y[k] ?? 0)) return false;
  return true;
}

/** The windows, clipped to their gaps, of the counted writes without a zxid that take effect along `order` (a linearization of `ops` by `model`). */
export function placedWindows<
  S extends { readonly rank: number; readonly gap?: readonly number[] },
  I extends { readonly rank: number; readonly gaps?: GapContext; readonly lo?: number; readonly hi?: number },
  O,
>(model: Model<S, I, O>, ops: readonly Operation<I, O>[], order: readonly number[], into: number[]): void {
  let state = model.init();
  for (const k of order) {
    const { input, output } = ops[k]!;
    const next = model.step(state, input, output);
    if (next === undefined) return; // not a linearization of these ops: cannot happen
    if (input.gaps !== undefined && input.rank < 0 && (next.gap?.length ?? 0) > (state.gap?.length ?? 0)) {
      const [lo, hi] = clipToGap(input.gaps, state.rank, input.lo ?? 0, input.hi ?? Number.POSITIVE_INFINITY);
      into.push(lo, hi);
    }
    state = next;
  }
}

/** Appends index `i` to the list under `key` (checkZkWrites' groups of writes by partition). */
export function pushIndex(out: Map<number, number[]>, key: number, i: number): void {
  const list = out.get(key);
  if (list === undefined) out.set(key, [i]);
  else list.push(i);
}
