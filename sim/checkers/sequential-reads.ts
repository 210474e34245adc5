// sequential-reads: see client.ts for what it checks.
import { isZkRead, isZkWrite, opPath } from '../history/types.js';
import type { ZkHistory, ZkHistoryOp, ZkOp, ZkResult } from '../history/types.js';
import { applyOp, describeZxid, ephemeralPathsBySession, newTree, sessionEndWrites, touchedPaths, type Tree } from './zk-writes.js';
import { closesAtTheirEnd } from './session-ends.js';
import { countAtMost, sortedBy } from './sort.js';
import { lastZxidSeenRule, mzxidWriter } from './read-rules.js';
import { KIND, OUTCOME_OK, RESULT_OK, isUncertain, type WriteTable } from './write-table.js';
import {
  sessionKey,
  hasEphemeralCreate,
  stateZxid,
  violated,
  type Arrival,
  type ClientCheckOptions,
  type ClientCheckResult,
  type WritesWithZxids,
} from './client-common.js';
import { HistoryView, fifoClientOrder } from './history-view.js';
import { isDirty, readMismatch } from './read-match.js';
import { epochZeroRead } from './epoch-zero.js';
import { searchReads } from './read-points.js';
import { LaterWrites, checkReadRealTime, checkUnseenWriters } from './read-real-time.js';
import { checkMzxidVersions, pinByMzxid, pinnedZxidGap } from './mzxid-pins.js';
import { zxidPackingViolation } from './zxid-packing.js';

// ---------------------------------------------------------------------------------------------
// sequential-reads

export function checkSequentialReads(history: ZkHistory, options: ClientCheckOptions = {}): ClientCheckResult {
  return sequentialReads(new HistoryView(history), options);
}

/** The read search's budget on the history with pinned zxids (sequentialReads). */
const PINNED_STEPS_MAX = 20_000;

export function sequentialReads(view: HistoryView, options: ClientCheckOptions): ClientCheckResult {
  const epochZero = epochZeroRead(view.history);
  if (epochZero !== null) return epochZero;
  // Writes whose zxid a read's mzxid names are judged with it as well (mzxid-pins.ts); the history as
  // recorded is judged too, since only it checks that zxid against the write's window.
  const pinned = pinByMzxid(view);
  if (pinned !== null) {
    if ('violation' in pinned) return pinned.violation;
    const pinnedView = new HistoryView(pinned.history);
    const gap = pinnedZxidGap(pinnedView) ?? zxidPackingViolation(pinnedView);
    if (gap !== null) return gap;
    // Session order on the pinned zxids (fifo-client-order's rules: e.g. a write issued after a read above it).
    const fifo = fifoClientOrder(pinnedView);
    if (fifo.verdict === 'violated' && fifo.witness !== undefined) {
      const prefix = "with the zxids reads' mzxids pin, session order is broken: ";
      return {
        name: 'sequential-reads',
        verdict: 'violated',
        witness: { ...fifo.witness, reason: prefix + fifo.witness.reason, text: prefix + fifo.witness.text },
      };
    }
    // A small search budget: this judgement only adds findings (unknown adds none), and a pinned write
    // ranked among the others can make the read search far larger than the recorded history's.
    const withPins = judgeReads(pinnedView, { ...options, stepsMax: Math.min(options.stepsMax ?? PINNED_STEPS_MAX, PINNED_STEPS_MAX) });
    if (withPins.verdict === 'violated') return withPins;
  }
  return zxidPackingViolation(view) ?? judgeReads(view, options);
}

function judgeReads(view: HistoryView, options: ClientCheckOptions): ClientCheckResult {
  const name = 'sequential-reads';
  const history = view.history;
  // 1. lastZxidSeen: per session, in arrival order, nothing older than what it has seen. The replies' header
  // zxids bind on every connection: ClientCnxn.SendThread.readResponse keeps them as lastZxid, sent in the
  // ConnectRequest, and ZooKeeperServer.processConnectRequest refuses a server behind it. An event's zxid
  // binds only on its own connection: the server that sent it had applied that zxid (the txn that fired it,
  // or its state at setWatches) and answers that socket's later requests from later states, but the client
  // does not raise lastZxid on a notification (readResponse returns on NOTIFICATION_XID first; 3.8 sends -1
  // there), so the next connection's server may be behind the event (sweep seed 1500000, case 1977870300).
  for (const items of view.arrivals().values()) {
    let seen = 0;
    let seenBy: Arrival | null = null;
    let replySeen = 0;
    let replySeenBy: Arrival | null = null;
    for (const item of items) {
      if (item.kind !== 'op') {
        if (item.kind === 'session' && (item.state === 'CONNECTED' || item.state === 'DISCONNECTED')) {
          // A new connection (counted as watch-order counts them): only what the replies showed still binds.
          seen = replySeen;
          seenBy = replySeenBy;
          continue;
        }
        const z = item.kind === 'watch' ? item.zxid : null;
        if (z !== null && z > seen) {
          seen = z;
          seenBy = item;
        }
        continue;
      }
      const o = item;
      // A server reply after this connection's events has a header at or above their zxids (it was sent from a
      // later state of the same server), zxid recorded or not, and the client keeps it as lastZxid: from here on
      // the events bind every connection (sweep seed 1500000, case 3937058402: an own delete's reply after its
      // NodeDeleted at 1:5, then a read at 1:4 on the next connection).
      if (seen > replySeen && !isUncertain(o)) {
        replySeen = seen;
        replySeenBy = seenBy;
      }
      const z = stateZxid(o);
      if (z === null) continue;
      if (z > replySeen) {
        replySeen = z;
        replySeenBy = o;
      }
      if (z < seen && seenBy !== null) {
        const before = seenBy.kind === 'op' ? seenBy : undefined;
        const kind = lastZxidSeenRule(seenBy, o);
        const reason = `${kind}: #${o.id} of client ${o.client} reflects ${describeZxid(z)}, after the session had seen ${describeZxid(seen)}`;
        return violated(name, reason, before === undefined ? [o] : [before, o], seenBy.kind === 'op' ? [] : [seenBy]);
      }
      if (z > seen) {
        seen = z;
        seenBy = item;
      }
    }
  }
  // 2. Each read returns the replayed state at its header zxid; reads naming their value's mzxid are
  // checked against the known writes even where indeterminate writes make the full state unknown.
  const versions = checkReadMzxids(view) ?? checkMzxidVersions(view);
  if (versions !== null) return versions;
  const ends = sessionEndWrites(view.history, view.writes);
  const writes = ends.length === 0 ? view.writes : [...view.writes, ...ends];
  const dirty = dirtyPaths(view, writes, ends);
  const later = new LaterWrites(writes);
  const realTime = checkReadRealTime(view, later);
  if (realTime !== null) return realTime;
  const writers = checkUnseenWriters(view, writes, later);
  if (writers !== null) return writers;
  const values = checkReadValues(view, writes, ends, dirty);
  if (values !== null) return values;
  // Reads the replay cannot place (dirty paths, no header zxid) are placed by search. An ok close without a zxid
  // sent before its session's ENDED record is that end txn (closesAtTheirEnd): searched at the record's zxid with
  // its own send time, a write sent after its reply lies below that zxid (case 668536881).
  const closes = closesAtTheirEnd(view.history, view.writes);
  const searchWrites = closes === view.writes ? writes : [...closes, ...sessionEndWrites(view.history, closes)];
  const searched = searchReads(view, searchWrites, dirty, later, options.stepsMax === undefined ? {} : { stepsMax: options.stepsMax });
  if (searched !== null) return searched;
  // 3. sync then read.
  const stale = staleReadsAfterSync(view);
  if (stale.length > 0 && options.syncIsLinearizable === true) {
    const s = stale[0]!;
    return violated(name, s.text, s.ops);
  }
  if (stale.length > 0) {
    const notes = [
      `${stale.length} read(s) after sync() missed a write that completed before the sync began; ZooKeeper does not promise sync+read to be linearizable (a deposed leader can answer a sync), so these are not violations`,
      ...stale.slice(0, 3).map((s) => s.text),
    ];
    return { name, verdict: 'ok', notes };
  }
  return { name, verdict: 'ok' };
}

/** Paths whose state the history cannot tell: touched by a write without a zxid, or by an ephemeral of a session gone without a known end. */
export function dirtyPaths(view: HistoryView, writes: readonly ZkHistoryOp[], ends: readonly ZkHistoryOp[]): Set<string> {
  const dirty = new Set<string>();
  const scratch: string[] = [];
  const ended = new Set<number>();
  for (const o of view.closeSessions) if (o.outcome !== 'fail' && o.zxid !== null && o.session !== null) ended.add(o.session);
  for (const o of ends) if (o.session !== null) ended.add(o.session);
  const gone = new Set<number>();
  let ephemerals: Map<number, string[]> | null = null;
  for (const e of view.history.events ?? [])
    if (e.kind === 'session' && (e.state === 'EXPIRED' || e.state === 'CLOSED') && !ended.has(e.session)) gone.add(e.session);
  // Without such sessions only writes without a zxid qualify (the session ends all carry one).
  const unplacedEnds = ends.filter((o) => o.zxid === null);
  const candidates = gone.size > 0 ? writes : unplacedEnds.length === 0 ? view.floatingWrites : [...view.floatingWrites, ...unplacedEnds];
  for (const o of candidates) {
    const uncertainZxid = o.zxid === null;
    const ephemeralOfGone = o.session !== null && gone.has(o.session) && hasEphemeralCreate(o.op);
    if (!uncertainZxid && !ephemeralOfGone && !(o.op.type === 'closeSession' && o.zxid === null)) continue;
    scratch.length = 0;
    touchedPaths(o.op, o.result, true, scratch);
    // A session end at an unknown zxid deletes the session's ephemerals then.
    // A loop, not a spread: a session may own any number of ephemerals.
    if (o.op.type === 'closeSession' && o.session !== null)
      for (const p of (ephemerals ??= ephemeralPathsBySession(writes, true)).get(o.session) ?? []) scratch.push(p);
    for (const p of scratch) dirty.add(p);
    if (o.op.type === 'create' && o.result?.path === undefined) dirty.add(o.op.path.slice(0, Math.max(1, o.op.path.lastIndexOf('/'))));
    addUnnamedSequential(o.op, o.result, dirty);
  }
  // A write whose result depends on a dirty path (a multi's check, a create under it) may have done
  // otherwise than the replay says, so every path it touches is dirty too, until nothing changes.
  for (let changed = dirty.size > 0; changed;) {
    changed = false;
    for (const o of writes) {
      if (o.op.type !== 'multi' && o.op.type !== 'create' && o.op.type !== 'delete') continue;
      scratch.length = 0;
      touchedPaths(o.op, o.result, true, scratch);
      if (!scratch.some((p) => dirty.has(p))) continue;
      const before = dirty.size;
      for (const p of scratch) dirty.add(p);
      // A sequential create under a dirty parent whose reply gives no name may have made any name there.
      addUnnamedSequential(o.op, o.result, dirty);
      if (dirty.size !== before) changed = true;
    }
  }
  return dirty;
}

/** A sequential create whose name is unknown dirties every name it could have made: `seq:<prefix>`. */
export function addUnnamedSequential(op: ZkOp, result: ZkResult | null, dirty: Set<string>): void {
  if (op.type === 'multi') op.ops.forEach((sub, i) => addUnnamedSequential(sub, result?.results?.[i] ?? null, dirty));
  else if (op.type === 'create' && (op.mode === 'persistentSequential' || op.mode === 'ephemeralSequential') && result?.path === undefined)
    dirty.add(`seq:${op.path}`);
}

/**
 * The op with each sequential create turned into a plain create of the name the reply reported: the
 * replay's counter can lag when an indeterminate create without a zxid took a number (linearizable-writes
 * judges the names; the reads are judged against the nodes that exist).
 */
export function namedOp(op: ZkOp, result: ZkResult | null): ZkOp {
  if (op.type === 'multi') {
    if (!op.ops.some((sub) => sub.type === 'create' && sub.mode.endsWith('Sequential'))) return op;
    return { type: 'multi', ops: op.ops.map((sub, i) => namedOp(sub, result?.results?.[i] ?? null)) };
  }
  if (op.type !== 'create' || result?.path === undefined || !op.mode.endsWith('Sequential')) return op;
  return { ...op, path: result.path, mode: op.mode === 'ephemeralSequential' ? 'ephemeral' : 'persistent' };
}

/** The reads of paths that are not dirty, in order; each distinct path is judged once, by its id. */
export function cleanReads(view: HistoryView, dirty: ReadonlySet<string>): ZkHistoryOp[] {
  const paths = view.table.paths.ids;
  const dirtyById = new Uint8Array(paths.size);
  for (const [path, id] of paths) if (isDirty(dirty, path)) dirtyById[id] = 1;
  const out: ZkHistoryOp[] = [];
  const reads = view.reads;
  for (let j = 0; j < reads.length; j++) if (dirtyById[view.readPaths[j]!] === 0) out.push(reads[j]!);
  return out;
}

/** Replays the zxid-ordered writes and compares each read with the state at its header zxid. */
export function checkReadValues(
  view: HistoryView,
  writes: readonly ZkHistoryOp[],
  ends: readonly ZkHistoryOp[],
  dirty: ReadonlySet<string>,
): ClientCheckResult | null {
  // Reads of dirty paths are never judged, so they are left out before anything is replayed: when
  // indeterminate writes dirty every path read, there is nothing to replay.
  const reads = dirty.size === 0 ? [...view.reads] : cleanReads(view, dirty);
  if (reads.length === 0) return null;
  reads.sort((a, b) => a.readZxid! - b.readZxid! || a.id - b.id);
  const ordered =
    ends.length === 0
      ? replayedWrites(view.table, reads)
      : sortedBy(
          writes.filter((o) => o.zxid !== null),
          (o) => o.zxid!,
        );
  const tree = newTree();
  const lastWriter = new Map<string, ZkHistoryOp>();
  const scratch: string[] = [];
  let k = 0;
  for (const r of reads) {
    while (k < ordered.length && ordered[k]!.zxid! <= r.readZxid!) {
      const w = ordered[k++]!;
      applyOp(tree, namedOp(w.op, w.result), null, w.session);
      // A failed write is an error txn: it takes a zxid but changes no node, so it is nobody's last writer.
      if (w.result !== null && w.result.rc !== 'ok') continue;
      scratch.length = 0;
      touchedPaths(w.op, w.result, true, scratch);
      for (const p of scratch) lastWriter.set(p, w);
    }
    const path = opPath(r.op)!;
    const why = readMismatch(tree, r.op, r.result!, lastWriter.get(path));
    if (why === null) continue;
    const w = lastWriter.get(path);
    const reason = `#${r.id} of client ${r.client} read ${path} at ${describeZxid(r.readZxid!)} and got ${why}`;
    return violated('sequential-reads', reason, w === undefined ? [r] : [w, r]);
  }
  return null;
}

/**
 * The writes with a zxid, by zxid (ties in file order), that the replay for `reads` needs. When every
 * write is a KV register write (kvSet/kvCas: each reads and writes its own path's node only) and no
 * read lists children, a read's node and last writer depend only on the writes to its path, so only
 * those are replayed; otherwise all of them.
 */
export function replayedWrites(table: WriteTable, reads: readonly ZkHistoryOp[]): ZkHistoryOp[] {
  const { writes, kind, pathId } = table;
  const order = table.byZxid();
  let registers = true;
  for (let i = 0; i < writes.length && registers; i++) if (kind[i] !== KIND.kvSet && kind[i] !== KIND.kvCas) registers = false;
  for (let k = 0; k < reads.length && registers; k++) if (reads[k]!.op.type === 'getChildren') registers = false;
  const out: ZkHistoryOp[] = [];
  if (!registers) {
    for (const i of order) out.push(writes[i]!);
    return out;
  }
  const readPaths = reads.map((r) => table.paths.id(opPath(r.op)!));
  const wanted = new Uint8Array(table.paths.ids.size);
  for (const id of readPaths) wanted[id] = 1;
  for (const i of order) if (wanted[pathId[i]!] === 1) out.push(writes[i]!);
  return out;
}

/**
 * Ok writes with a zxid that create, change or delete each path's node, by zxid, under the path's id:
 * indices into the table's writes. Only creates and multis are read from their records.
 */
export function dataWritesByPath(view: HistoryView): WritesWithZxids[] {
  const table = view.table;
  const { writes, kind, flags, pathId, zxid } = table;
  const out: WritesWithZxids[] = [];
  const add = (path: number, i: number): void => {
    const list = out[path];
    if (list === undefined) out[path] = { writes: [i], zxids: [zxid[i]!] };
    else if (list.writes[list.writes.length - 1] !== i) {
      list.writes.push(i);
      list.zxids.push(zxid[i]!);
    }
  };
  const visit = (op: ZkOp, result: ZkResult | null, i: number): void => {
    if (result === null || result.rc !== 'ok') return;
    if (op.type === 'multi') op.ops.forEach((sub, k) => visit(sub, result.results?.[k] ?? { rc: 'ok' }, i));
    else if (op.type === 'create') add(table.paths.id(result.path ?? op.path), i);
    else if (op.type === 'delete' || op.type === 'setData' || op.type === 'kvSet' || op.type === 'kvCas') add(table.paths.id(op.path), i);
  };
  for (const i of table.byZxid()) {
    const f = flags[i]!;
    if ((f & OUTCOME_OK) === 0) continue;
    const k = kind[i]!;
    if (k === KIND.delete || k === KIND.setData || k === KIND.kvSet || k === KIND.kvCas) {
      if ((f & RESULT_OK) !== 0) add(pathId[i]!, i);
    } else if (k === KIND.create || k === KIND.multi) visit(writes[i]!.op, writes[i]!.result, i);
  }
  return out;
}

/** A read that names its value's mzxid m at header zxid h: m ≤ h, no known write to the node in (m, h], and m's write wrote what was read. */
export function checkReadMzxids(view: HistoryView): ClientCheckResult | null {
  let byPath: WritesWithZxids[] | null = null;
  const byZxid = view.okByZxid;
  const reads = view.mzxidReads;
  for (let j = 0; j < reads.length; j++) {
    const r = reads[j]!;
    const result = r.result!;
    const m = result.mzxid!;
    const h = r.readZxid!;
    if (m > h)
      return violated(
        'sequential-reads',
        `#${r.id} read ${opPath(r.op)!} at ${describeZxid(h)} but saw a value written at ${describeZxid(m)}, after that state`,
        [r],
      );
    byPath ??= dataWritesByPath(view);
    const list = byPath[view.mzxidReadPaths[j]!];
    if (list !== undefined) {
      const next = countAtMost(list.zxids, m); // the first write to the node after m, if any
      if (next < list.zxids.length && list.zxids[next]! <= h) {
        const later = view.table.writes[list.writes[next]!]!;
        return violated(
          'sequential-reads',
          `#${r.id} read ${opPath(r.op)!} at ${describeZxid(h)} and saw the value of ${describeZxid(m)}, but #${later.id} changed it at ${describeZxid(later.zxid)}`,
          [later, r],
        );
      }
    }
    const writer = byZxid.get(m);
    if (writer !== undefined) {
      const path = opPath(r.op)!;
      const did = mzxidWriter(writer, path);
      // A node's mzxid is the zxid of the txn that last set it: that txn must have set this node.
      if (did.kind === 'not')
        return violated(
          'sequential-reads',
          `#${r.id} read ${path} with mzxid ${describeZxid(m)}, but #${writer.id} at that zxid did not write ${path}: ${did.why}`,
          [writer, r],
        );
      if (did.kind === 'wrote' && result.data !== undefined && did.data !== result.data) {
        return violated(
          'sequential-reads',
          `#${r.id} read "${result.data}" from ${path} with mzxid ${describeZxid(m)}, but #${writer.id} wrote "${did.data}" there`,
          [writer, r],
        );
      }
    }
  }
  return null;
}

export type Stale = { readonly text: string; readonly ops: readonly ZkHistoryOp[] };

export function staleReadsAfterSync(view: HistoryView): Stale[] {
  const history = view.history;
  const syncs = view.syncs;
  if (syncs.length === 0) return [];
  // Writes by completion time, with the running maximum zxid and who set it.
  const done = history.ops
    .filter((o) => isZkWrite(o.op) && o.outcome === 'ok' && o.zxid !== null && o.completeUs !== null)
    .sort((a, b) => a.completeUs! - b.completeUs!);
  const maxBy: ZkHistoryOp[] = [];
  for (const w of done) maxBy.push(maxBy.length === 0 || w.zxid! > maxBy[maxBy.length - 1]!.zxid! ? w : maxBy[maxBy.length - 1]!);
  const latestBefore = (t: number): ZkHistoryOp | null => {
    let lo = 0;
    let hi = done.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (done[mid]!.completeUs! < t) lo = mid + 1;
      else hi = mid;
    }
    return lo === 0 ? null : maxBy[lo - 1]!;
  };
  const out: Stale[] = [];
  const bySession = view.opsBySession;
  for (const s of syncs) {
    const w = latestBefore(s.invokeUs);
    if (w === null) continue;
    const list = bySession.get(sessionKey(s))!.ops;
    for (let i = list.indexOf(s) + 1; i < list.length; i++) {
      const r = list[i]!;
      if (r.op.type === 'sync') break;
      if (!isZkRead(r.op) || r.outcome !== 'ok' || r.readZxid === undefined || r.readZxid === null) continue;
      if (r.readZxid < w.zxid!)
        out.push({
          text: `#${r.id} read at ${describeZxid(r.readZxid)} after sync #${s.id}, which began after #${w.id} (${describeZxid(w.zxid)}) completed`,
          ops: [w, s, r],
        });
      break;
    }
  }
  return out;
}
