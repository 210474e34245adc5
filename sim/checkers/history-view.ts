// HistoryView: what the client checkers need from one history, gathered in one pass over its ops;
// and fifo-client-order, judged as that pass goes when each client's ops come in issue order.
import { isZkRead, isZkWrite, opPath } from '../history/types.js';
import type { ZkHistory, ZkHistoryOp } from '../history/types.js';
import { describeZxid } from './zk-writes.js';
import { ZxidMap } from './zxid-map.js';
import { OUTCOME_OK, WriteTable } from './write-table.js';
import { withoutDeadWrites } from './dead-writes.js';
import {
  sessionKey,
  armsWatch,
  compareArrivals,
  compareInvokes,
  pushTo,
  sortUnlessSorted,
  stateZxid,
  violated,
  type Arrival,
  type ClientCheckResult,
} from './client-common.js';

export type ClientOps = { readonly ops: ZkHistoryOp[]; readonly fifo: FifoOrder };

/**
 * fifo-client-order over one client's ok replies in issue order: they complete in issue order, write
 * zxids increase, and none reflects a state older than one issued before it. Stops at the first
 * violation.
 */
export class FifoOrder {
  violation: ClientCheckResult | null = null;
  private prev: ZkHistoryOp | null = null; // the previous ok op in issue order
  private maxState: ZkHistoryOp | null = null;
  private maxZ = 0; // stateZxid(maxState)
  private prevWrite: ZkHistoryOp | null = null;

  /** The next ok op with a completion; `write`: a write with a zxid. */
  step(o: ZkHistoryOp, write: boolean): void {
    if (this.violation !== null) return;
    const name = 'fifo-client-order';
    const prev = this.prev;
    if (prev !== null) {
      const before = o.completeSeq !== undefined && prev.completeSeq !== undefined ? o.completeSeq < prev.completeSeq : o.completeUs! < prev.completeUs!;
      if (before) {
        this.violation = violated(name, `#${o.id} was issued after #${prev.id} by client ${o.client} but completed before it`, [prev, o]);
        return;
      }
    }
    const z = stateZxid(o);
    const prevWrite = this.prevWrite;
    if (write && prevWrite !== null && o.zxid! <= prevWrite.zxid!) {
      this.violation = violated(
        name,
        `write #${o.id} (${describeZxid(o.zxid)}) was issued after write #${prevWrite.id} (${describeZxid(prevWrite.zxid)}) but took effect first`,
        [prevWrite, o],
      );
      return;
    }
    const maxState = this.maxState;
    // A write issued after a reply that showed state h has a zxid above h: the server answers a session's
    // requests in issue order (CommitProcessor keeps a session's read ahead of its later write), so the
    // earlier read's header was stamped before the write was applied.
    if (write && maxState !== null && z! <= this.maxZ && maxState.zxid === null) {
      this.violation = violated(
        name,
        `write #${o.id} (${describeZxid(z)}) was issued after #${maxState.id} by the same session, yet #${maxState.id}'s reply already showed ${describeZxid(this.maxZ)}`,
        [maxState, o],
      );
      return;
    }
    if (z !== null && maxState !== null && z < this.maxZ) {
      this.violation = violated(
        name,
        `#${o.id} reflects ${describeZxid(z)}, older than #${maxState.id} (${describeZxid(this.maxZ)}) issued before it by the same client`,
        [maxState, o],
      );
      return;
    }
    if (z !== null && (maxState === null || z > this.maxZ)) {
      this.maxState = o;
      this.maxZ = z;
    }
    if (write) this.prevWrite = o;
    this.prev = o;
  }
}

/**
 * What several checkers need from one history, gathered in one pass over its ops (a pass over a large
 * history is dear: its records lie scattered in memory). Built once per checkClientHistory call; the
 * single-checker entry points build their own.
 */
export class HistoryView {
  readonly history: ZkHistory;
  /** Writes that may have taken effect (outcome not "fail"), in file order, with their numbers as columns. */
  readonly table: WriteTable;
  /** Those without a zxid. */
  readonly floatingWrites: ZkHistoryOp[] = [];
  /** closeSession ops of any outcome. */
  readonly closeSessions: ZkHistoryOp[] = [];
  /** Ok ops with a zxid; for a repeated zxid, the last in file order. */
  readonly okByZxid = new ZxidMap<ZkHistoryOp>();
  /** Ok reads (not syncs) with a reply header zxid and an ok result, or noNode from getData/getChildren. */
  readonly reads: ZkHistoryOp[] = [];
  /** Ok reads (not syncs) with an ok or noNode result but no reply header zxid: their read point is searched. */
  readonly readsWithoutZxid: ZkHistoryOp[] = [];
  /** The id (in the table's path ids) of each reads op's path. */
  readonly readPaths: number[] = [];
  /** Ok getData/exists/kvGet replies that name the mzxid of an existing node, with their header zxid. */
  readonly mzxidReads: ZkHistoryOp[] = [];
  /** The id (in the table's path ids) of each mzxidReads op's path. */
  readonly mzxidReadPaths: number[] = [];
  /** Ok syncs. */
  readonly syncs: ZkHistoryOp[] = [];
  /** Whether some reply (an arrival) left a watch set. */
  readonly armsWatches: boolean;
  /** Each client's ops, in issue order. */
  readonly opsBySession = new Map<number, ClientOps>();
  /** fifo-client-order's verdict, when the pass could judge it (every client's ops in issue order). */
  readonly fifo: ClientCheckResult | null;
  /** Each client's replies (ok ops with a completion), in file order, until arrivals() takes them. */
  private replies: Map<number, ZkHistoryOp[]> | null = new Map();
  private repliesInOrder = true;
  private okWritesMemo: ZkHistoryOp[] | null = null;
  private arrivalsMemo: Map<number, Arrival[]> | null = null;

  constructor(recorded: ZkHistory) {
    // Indeterminate writes sent after their own session's end changed nothing (dead-writes.ts).
    const history = withoutDeadWrites(recorded);
    this.history = history;
    const table = new WriteTable(history.ops.length);
    this.table = table;
    let arms = false;
    // Whether each client's ops (and replies) come in issue (arrival) order in the file, checked as
    // they are listed: the previous one of the client was seen a moment ago.
    let issueOrder = true;
    for (const o of history.ops) {
      const key = sessionKey(o);
      let mine = this.opsBySession.get(key);
      if (mine === undefined) {
        mine = { ops: [o], fifo: new FifoOrder() };
        this.opsBySession.set(key, mine);
      } else {
        if (issueOrder && compareInvokes(mine.ops[mine.ops.length - 1]!, o) > 0) issueOrder = false;
        mine.ops.push(o);
      }
      const op = o.op;
      if (op.type === 'closeSession') this.closeSessions.push(o);
      if (o.outcome === 'fail') continue;
      const write = isZkWrite(op);
      if (write) {
        table.add(o);
        if (o.zxid === null) this.floatingWrites.push(o);
      }
      if (o.outcome !== 'ok') continue;
      if (o.completeUs !== null) {
        // fifo-client-order as the ops go by; it stands only if they turn out to be in issue order.
        if (issueOrder) mine.fifo.step(o, write && o.zxid !== null);
        const replies = this.replies!.get(key);
        if (replies === undefined) this.replies!.set(key, [o]);
        else {
          if (this.repliesInOrder && compareArrivals(replies[replies.length - 1]!, o) > 0) this.repliesInOrder = false;
          replies.push(o);
        }
      }
      if (o.zxid !== null) this.okByZxid.set(o.zxid, o);
      if (write) continue;
      if (op.type === 'sync') this.syncs.push(o);
      const r = o.result;
      // A getData or getChildren of a missing node fails with noNode: a read all the same, of an absent node.
      const absent = r !== null && r.rc === 'noNode' && (op.type === 'getData' || op.type === 'getChildren');
      if (r !== null && (r.rc === 'ok' || absent) && (o.readZxid === undefined || o.readZxid === null) && isZkRead(op) && op.type !== 'sync')
        this.readsWithoutZxid.push(o);
      if (r === null || (r.rc !== 'ok' && !absent) || o.readZxid === undefined || o.readZxid === null) {
        if (!arms && o.completeUs !== null && armsWatch(o)) arms = true;
        continue;
      }
      if (isZkRead(op) && op.type !== 'sync') {
        this.reads.push(o);
        this.readPaths.push(table.paths.id(opPath(op)!));
      }
      if (r.rc === 'ok' && r.mzxid !== undefined && r.exists !== false && (op.type === 'getData' || op.type === 'exists' || op.type === 'kvGet')) {
        this.mzxidReads.push(o);
        this.mzxidReadPaths.push(table.paths.id(op.path));
      }
      if (!arms && o.completeUs !== null && armsWatch(o)) arms = true;
    }
    this.armsWatches = arms;
    let fifo: ClientCheckResult | null = null;
    if (issueOrder) {
      // The first client (in order of appearance) whose ops break FIFO order, as the per-client walk finds it.
      fifo = { name: 'fifo-client-order', verdict: 'ok' };
      for (const mine of this.opsBySession.values()) {
        if (mine.fifo.violation === null) continue;
        fifo = mine.fifo.violation;
        break;
      }
    } else for (const mine of this.opsBySession.values()) sortUnlessSorted(mine.ops, compareInvokes);
    this.fifo = fifo;
  }

  /**
   * Each client's replies (ok ops) and events in arrival order: by time, then observation sequence
   * when recorded, else events before replies at the same time, then file order (events first).
   */
  arrivals(): Map<number, Arrival[]> {
    if (this.arrivalsMemo !== null) return this.arrivalsMemo;
    const out = new Map<number, Arrival[]>();
    for (const e of this.history.events ?? []) pushTo(out, e.session, e);
    const withEvents = new Set(out.keys());
    // Then each client's replies (clients new here in order of their first reply, as one pass would add them).
    for (const [client, replies] of this.replies!) {
      const list = out.get(client);
      if (list === undefined) out.set(client, replies);
      else for (const o of replies) list.push(o);
    }
    this.replies = null;
    for (const [client, list] of out) if (!this.repliesInOrder || withEvents.has(client)) sortUnlessSorted(list, compareArrivals);
    this.arrivalsMemo = out;
    return out;
  }

  get writes(): ZkHistoryOp[] {
    return this.table.writes;
  }

  /** Ok writes with a zxid, by zxid (ties in file order): the table's zxid order, outcome "ok" only. */
  okWritesByZxid(): ZkHistoryOp[] {
    if (this.okWritesMemo !== null) return this.okWritesMemo;
    const { writes, flags } = this.table;
    const out: ZkHistoryOp[] = [];
    for (const i of this.table.byZxid()) if ((flags[i]! & OUTCOME_OK) !== 0) out.push(writes[i]!);
    this.okWritesMemo = out;
    return out;
  }
}

// ---------------------------------------------------------------------------------------------
// fifo-client-order

export function checkFifoClientOrder(history: ZkHistory): ClientCheckResult {
  return fifoClientOrder(new HistoryView(history));
}

export function fifoClientOrder(view: HistoryView): ClientCheckResult {
  if (view.fifo !== null) return view.fifo;
  for (const { ops } of view.opsBySession.values()) {
    const order = new FifoOrder();
    for (const o of ops) {
      if (o.outcome !== 'ok' || o.completeUs === null) continue;
      order.step(o, o.zxid !== null && isZkWrite(o.op));
      if (order.violation !== null) return order.violation;
    }
  }
  return { name: 'fifo-client-order', verdict: 'ok' };
}
