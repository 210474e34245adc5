// The zxid bounds a session's earlier replies put on its later writes (watch-order, watch-changes.ts):
// a write is proposed after its server applied every state the session had seen.
import { isZkRead, type ZkHistoryOp, type ZkOp } from '../history/types.js';
import { isUncertain } from './zk-writes.js';
import { countAtMost } from './sort.js';
import type { HistoryView } from './history-view.js';
import { PINNED_EFFECT } from './mzxid-pins.js';
import { FIRST_EPOCH_BASE } from './epoch-zero.js';
import { nodeLife, shownStateFloor, type NodeLife } from './node-life.js';

const parentOf = (p: string): string => (p.lastIndexOf('/') <= 0 ? '/' : p.slice(0, p.lastIndexOf('/')));

/**
 * A zxid below that of an op that succeeded (every sub-op, for a multi): a delete, setData or check of a node, or
 * a create under it, needs the node there, so some create of it sent before the op's reply (its txn is committed
 * below the op's, or is a multi's own) is below the op (at or below, for a multi): at or above NodeLife.createdAtLeast
 * (0 for a node of the initial tree).
 */
function createdBelow(op: ZkOp, life: NodeLife, beforeUs: number): number {
  switch (op.type) {
    case 'multi':
      // (At or above, not above: the multi may have made the node itself, in its one txn.)
      return op.ops.reduce((m, sub) => Math.max(m, createdBelow(sub, life, beforeUs) - 1), 0);
    case 'delete':
    case 'setData':
    case 'check':
      return life.createdAtLeast(op.path, beforeUs);
    case 'create':
      return life.createdAtLeast(parentOf(op.path), beforeUs);
    default:
      return 0;
  }
}

/**
 * The highest state zxid among a session's replies that arrived before a time, as a test: (session, time)
 * -> that zxid (0 when none). A write the session sent at that time gets a higher zxid: its server had
 * applied that state, committed, before the leader proposed the write.
 */
export function sessionFloors(view: HistoryView): (session: number, before: number) => number {
  const bySession = new Map<number, { at: number[]; max: number[] }>();
  // (A Stat's mzxid is a txn the serving server had applied too, and so is the create of each node a read
  // shows: shownStateFloor, at least 1:1 for one without a zxid; case 1698854916.)
  const life = nodeLife(view);
  const shown = (o: ZkHistoryOp): number => (o.zxid === null && isZkRead(o.op) ? shownStateFloor(life, o) : 0);
  const ops = view.history.ops.filter(
    (o) => o.session !== null && o.outcome === 'ok' && o.completeUs !== null && (o.zxid !== null || (o.readZxid ?? null) !== null || shown(o) > 0),
  );
  ops.sort((a, b) => a.completeUs! - b.completeUs!);
  for (const o of ops) {
    const z = Math.max(o.zxid ?? o.readZxid ?? 0, shown(o));
    let entry = bySession.get(o.session!);
    if (entry === undefined) bySession.set(o.session!, (entry = { at: [], max: [] }));
    entry.at.push(o.completeUs!);
    entry.max.push(Math.max(z, entry.max.length === 0 ? 0 : entry.max[entry.max.length - 1]!));
  }
  return (session, before) => {
    const entry = bySession.get(session);
    if (entry === undefined) return 0;
    const k = countAtMost(entry.at, before - 1); // replies that arrived strictly before
    return k === 0 ? 0 : entry.max[k - 1]!;
  };
}

/**
 * A lower bound on the zxid of a write without one (a certain reply, not a session end), as a test: it is
 * above every state its session saw before sending it (sessionFloors), when it succeeded above a create of each
 * node it needed (createdBelow), above every txn known committed before it was sent (a certain write's reply, an
 * ENDED record, a reply header zxid: that txn was proposed first, and the leader proposes in zxid order), for a certain write without a
 * zxid above this same bound of its own, and it is none of the zxids the history gives other txns (ok writes,
 * pinned lost ones, ENDED records of other sessions), nor counter 0 of an epoch (the NEWLEADER zxid); at least 1:1
 * (no txn is of epoch 0). Null for a write that is not a certain reply without a zxid.
 */
export function writeZxidFloor(view: HistoryView, lostToo = false): (o: ZkHistoryOp) => number | null {
  const floors = sessionFloors(view);
  const named = new Map<number, number | null>(); // zxid -> the session of the end an ENDED record names there (null: a write)
  for (const o of view.writes) if (o.zxid !== null && (o.outcome === 'ok' || PINNED_EFFECT.has(o))) named.set(o.zxid, null);
  const ends: { us: number; zxid: number }[] = [];
  for (const e of view.history.events ?? [])
    if (e.kind === 'session' && e.state === 'ENDED' && e.zxid !== undefined && e.zxid > 0) {
      if (!named.has(e.zxid)) named.set(e.zxid, e.session);
      ends.push({ us: e.atUs, zxid: e.zxid });
    }
  /** The least zxid above `lb` that no other txn holds (each zxid passed is another's, so any point of the walk is a bound; at most 64 steps). */
  const above = (lb: number, session: number): number => {
    let z = lb + 1;
    for (let step = 0; step < 64; step++) {
      const owner = named.get(z);
      if (z % 2 ** 32 === 0 || (owner !== undefined && owner !== session)) z++;
      else break;
    }
    return z;
  };
  const bounded = (o: ZkHistoryOp): boolean => o.session !== null && o.zxid === null && o.outcome === 'ok' && !isUncertain(o);
  // (`lostToo`: also a write whose reply was lost, for its txn if it took effect: the leader proposed it after it was
  // sent, so the same real-time and session floors hold. Only its own bound: it is no txn known committed.)
  const lost = (o: ZkHistoryOp): boolean => lostToo && o.session !== null && o.zxid === null && o.outcome !== 'fail' && (o.outcome === 'info' || isUncertain(o));
  const created = (o: ZkHistoryOp): number => (o.result?.rc === 'ok' ? createdBelow(o.op, nodeLife(view), o.completeUs ?? Infinity) : 0);
  // Real-time floors, in one pass over sends and replies in time order (a reply at the same time as a send is not before it).
  type Mark = { readonly us: number; readonly send: boolean; readonly o: ZkHistoryOp | null; readonly zxid: number };
  const marks: Mark[] = ends.map((e) => ({ us: e.us, send: false, o: null, zxid: e.zxid }));
  for (const o of view.writes) {
    if (lost(o)) marks.push({ us: o.invokeUs, send: true, o, zxid: 0 });
    if (o.outcome !== 'ok' || isUncertain(o) || o.completeUs === null) continue;
    if (bounded(o)) marks.push({ us: o.invokeUs, send: true, o, zxid: 0 });
    marks.push({ us: o.completeUs, send: false, o, zxid: o.zxid ?? 0 });
  }
  // A reply header h of any session (FinalRequestProcessor: the server had applied every txn at or below h) that
  // arrived before a write was sent: those txns were proposed first, so the write is above h (case 2769076300).
  for (const o of view.history.ops)
    if (o.outcome === 'ok' && !isUncertain(o) && o.completeUs !== null && o.zxid === null && o.readZxid != null && o.readZxid > 0)
      marks.push({ us: o.completeUs, send: false, o: null, zxid: o.readZxid });
  marks.sort((a, b) => a.us - b.us || (a.send === b.send ? 0 : a.send ? -1 : 1));
  const floorOf = new Map<ZkHistoryOp, number>();
  // The largest zxid (or floor) of a txn known committed so far; from 1:0, as no txn has a zxid below 1:1 (epoch-zero.ts).
  let committed = FIRST_EPOCH_BASE;
  for (const m of marks) {
    if (m.send) {
      floorOf.set(m.o!, above(Math.max(committed, floors(m.o!.session!, m.o!.invokeUs), created(m.o!)), m.o!.session!));
    } else committed = Math.max(committed, m.o === null || m.o.zxid !== null ? m.zxid : (floorOf.get(m.o) ?? 0));
  }
  return (o) => {
    if (lost(o)) return floorOf.get(o) ?? null;
    if (!bounded(o)) return null;
    const known = floorOf.get(o);
    if (known !== undefined) return known;
    const lb = Math.max(floors(o.session!, o.invokeUs), created(o));
    return lb === 0 ? null : above(lb, o.session!);
  };
}

/**
 * Whether a session sent a write after a time that got a server's reply (an error rc too; not a close), as a
 * test: (session, time) -> boolean. Then the session had not ended by that time: the write's txn would follow
 * the end, and PrepRequestProcessor answers a request of a closed session sessionExpired, which is no certain
 * reply. So a session end no client saw fired no event that arrived by then (case 3004029155: NodeChildrenChanged
 * of an ephemeral's parent, before a multi of the ephemeral's session was sent).
 */
export function lastRepliedWrites(writes: readonly ZkHistoryOp[]): { after: (session: number, us: number) => boolean } {
  const last = new Map<number, number>();
  for (const o of writes)
    if (o.session !== null && o.outcome === 'ok' && !isUncertain(o) && o.op.type !== 'closeSession' && o.invokeUs > (last.get(o.session) ?? -Infinity))
      last.set(o.session, o.invokeUs);
  return { after: (session, us) => (last.get(session) ?? -Infinity) > us };
}
