// Shared pieces of the client-level checkers (client.ts): their result and witness types, the
// witnesses, and small views of ops and arrivals every checker uses.
import type { ZkHistoryEvent, ZkHistoryOp, ZkOp } from '../history/types.js';
import type { Verdict } from './linearizability/model.js';
import { describeOp, describeZxid, type ZkWitnessOp } from './zk-writes.js';

export const CLIENT_CHECKERS = ['linearizable-writes', 'sequential-reads', 'fifo-client-order', 'watch-order', 'session-ephemerals'] as const;
export type ClientCheckerName = (typeof CLIENT_CHECKERS)[number] | 'liveness';

export type ClientWitness = {
  readonly reason: string;
  readonly ops: readonly ZkWitnessOp[];
  readonly events: readonly ZkHistoryEvent[];
  /** The reason, then one line per op and event. */
  readonly text: string;
};

export type ClientCheckResult = {
  readonly name: ClientCheckerName;
  readonly verdict: Verdict;
  readonly witness?: ClientWitness;
  /** Findings that are not violations (documented caveats), at most a few. */
  readonly notes?: readonly string[];
};

export type ClientCheckOptions = {
  /** Report a stale read after sync() as a violation (ZooKeeper does not promise it; default false). */
  readonly syncIsLinearizable?: boolean;
  readonly stepsMax?: number;
};

// ---------------------------------------------------------------------------------------------
// Witnesses

export function witnessOp(o: ZkHistoryOp): ZkWitnessOp {
  return {
    id: o.id,
    client: o.client,
    session: o.session,
    zxid: o.zxid,
    op: o.op,
    outcome: o.outcome,
    result: o.result,
    invokeUs: o.invokeUs,
    completeUs: o.completeUs,
  };
}

export function describeEvent(e: ZkHistoryEvent): string {
  if (e.kind === 'watch') return `  event client ${e.client} ${e.type} ${e.path} ${describeZxid(e.zxid)} at ${e.atUs}us`;
  return `  session 0x${e.session.toString(16)}${e.client === null ? '' : ` client ${e.client}`} ${e.state}${e.zxid === undefined ? '' : ` ${describeZxid(e.zxid)}`} at ${e.atUs}us`;
}

export function describeWithRead(o: ZkHistoryOp): string {
  const line = describeOp(witnessOp(o));
  return o.readZxid === undefined || o.readZxid === null ? line : `${line} read at ${describeZxid(o.readZxid)}`;
}

export function clientWitness(reason: string, ops: readonly ZkHistoryOp[], events: readonly ZkHistoryEvent[] = []): ClientWitness {
  const text = [reason, ...ops.map(describeWithRead), ...events.map(describeEvent)].join('\n');
  return { reason, ops: ops.map(witnessOp), events, text };
}

export function violated(name: ClientCheckerName, reason: string, ops: readonly ZkHistoryOp[], events: readonly ZkHistoryEvent[] = []): ClientCheckResult {
  return { name, verdict: 'violated', witness: clientWitness(reason, ops, events) };
}

// ---------------------------------------------------------------------------------------------
// Shared views of the history

/** The zxid of the state an ok op reflects: a write's own zxid, else its reply header's zxid. */
export function stateZxid(o: ZkHistoryOp): number | null {
  if (o.outcome !== 'ok') return null;
  if (o.zxid !== null) return o.zxid;
  return o.readZxid ?? null;
}

/**
 * The unit of session order: the op's session, or for an op without one (the Zab-level KV runs) its
 * client's only session, as a negative key. A client that opens a new session starts a new order (a new
 * ZooKeeper handle's lastZxidSeen starts at 0).
 */
export function sessionKey(o: ZkHistoryOp): number {
  return o.session ?? -1 - o.client;
}

/** A reply (an ok op with a completion) or an event, as a client receives them. */
export type Arrival = ZkHistoryOp | ZkHistoryEvent;

/** Appends `item` to the list under `key`. */
export function pushTo<K, T>(out: Map<K, T[]>, key: K, item: T): void {
  const list = out.get(key);
  if (list === undefined) out.set(key, [item]);
  else list.push(item);
}

/** Arrival time and, when recorded, observation sequence (-1 if none). */
export function arrivalUs(a: Arrival): number {
  return a.kind === 'op' ? a.completeUs! : a.atUs;
}
export function arrivalSeq(a: Arrival): number {
  return a.kind === 'op' ? (a.completeSeq ?? -1) : (a.seq ?? -1);
}

/**
 * Whether `a` certainly arrived before `b`: an earlier time, or the same time and an earlier observation
 * sequence on both (at a tie without one, compareArrivals puts events first, which the history does not say).
 */
export function arrivedBefore(a: Arrival, b: Arrival): boolean {
  const ta = arrivalUs(a);
  const tb = arrivalUs(b);
  if (ta !== tb) return ta < tb;
  const sa = arrivalSeq(a);
  const sb = arrivalSeq(b);
  return sa >= 0 && sb >= 0 && sa < sb;
}

/** Arrival order short of file order: time, then observation sequence when both have one, else events first. */
export function compareArrivals(a: Arrival, b: Arrival): number {
  const sa = arrivalSeq(a);
  const sb = arrivalSeq(b);
  return arrivalUs(a) - arrivalUs(b) || (sa >= 0 && sb >= 0 ? sa - sb : (a.kind !== 'op' ? 0 : 1) - (b.kind !== 'op' ? 0 : 1));
}

/** Issue order short of file order: invocation time, then id. */
export function compareInvokes(a: ZkHistoryOp, b: ZkHistoryOp): number {
  return a.invokeUs - b.invokeUs || a.id - b.id;
}

/**
 * Sorts `list` (items in file order) by `compare`, then file order. When every adjacent pair is
 * already in order (a history recorded as the run goes), the sort would find one ascending run and
 * return the list unchanged, so it is skipped; otherwise the items are sorted with their positions as
 * the last key (exact even for a comparator that is not a total preorder, as hand-written mixes of
 * records with and without `seq` can make it).
 */
export function sortUnlessSorted<T>(list: T[], compare: (a: T, b: T) => number): void {
  let sorted = true;
  for (let i = 1; i < list.length && sorted; i++) if (compare(list[i - 1]!, list[i]!) > 0) sorted = false;
  if (sorted) return;
  const keyed = list.map((item, order) => ({ item, order }));
  keyed.sort((a, b) => compare(a.item, b.item) || a.order - b.order);
  for (let i = 0; i < list.length; i++) list[i] = keyed[i]!.item;
}

/** Whether the op, as replied, leaves a watch set: the only way a client comes to hold one. */
export function armsWatch(o: ZkHistoryOp): boolean {
  const op = o.op;
  return (op.type === 'getData' || op.type === 'exists' || op.type === 'getChildren') && op.watch === true && o.result !== null && o.result.rc === 'ok';
}

export function hasEphemeralCreate(op: ZkOp): boolean {
  if (op.type === 'multi') return op.ops.some(hasEphemeralCreate);
  return op.type === 'create' && (op.mode === 'ephemeral' || op.mode === 'ephemeralSequential');
}

export function pushOnce(out: Map<string, ZkHistoryOp[]>, key: string, o: ZkHistoryOp): void {
  const list = out.get(key);
  if (list === undefined) out.set(key, [o]);
  else if (list[list.length - 1] !== o) list.push(o);
}

/** Writes by zxid (indices into a WriteTable) with their zxids alongside: binary searches read a compact array, not scattered records. */
export type WritesWithZxids = { readonly writes: number[]; readonly zxids: number[] };
