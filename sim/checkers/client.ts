// Client-level checkers over a zabsim client history (sim/history/types.ts): what ZooKeeper promises its
// clients (zab-reference §5.9, §6.4 item 7). Each takes the whole history at the end of a run, costs
// O(n log n) at most (the search fallback of linearizable-writes aside), and returns a kebab-case verdict
// ok | violated | unknown with a witness: the few ops, events and zxids that make the violation.
//
// * linearizable-writes: every write (create, delete, setData, setACL, multi, close, and the KV runs'
//   kvSet/kvCas), indeterminate ones included, in one order consistent with real time and their results
//   (zk-writes.ts: zxid order fast path, search fallback for writes without a zxid).
// * sequential-reads, per client (one client = one session in zabsim): every reply and watch event raises
//   the session's lastZxidSeen, and no later reply may reflect an older state (monotone reads,
//   read-your-writes, single system image across reconnects); each read returns exactly the replayed state
//   at its reply header's zxid (for paths no indeterminate write touched). sync-then-read: a read issued
//   after sync(), should see every write completed before the sync began. ZooKeeper does NOT promise this
//   strictly (a deposed leader can still answer a sync, zab-reference §5.4), so these findings are notes
//   ("caveats"), not violations, unless `syncIsLinearizable` is set.
// * fifo-client-order: a session's successful ops complete in issue order, and take effect in issue order
//   (write zxids increase, no op reflects a state older than an op issued before it).
// * watch-order: a watch event arrives only for a watch the client holds (one-shot: each fires once),
//   events arrive in zxid order, an event arrives before any reply reflecting its change, and none is
//   lost: no reply may reflect a change that triggers a held watch before that watch's event arrived.
//   Gap: an exists-watch on an absent node may miss a node created and deleted while disconnected
//   (ZooKeeper's documented setWatches gap), so that case is only checked on one connection. Events on
//   a node whose ACL may deny READ (`restrictedRead` in the history) can be filtered by the server, so
//   watches on such paths are not checked for lost events.
// * session-ephemerals: no ephemeral created after its session's closeSession txn; no read at or after
//   that txn sees an ephemeral node owned by the session (Stat.ephemeralOwner).
import { isZkRead, isZkWrite, opPath } from '../history/types.js';
import type { ZkHistory, ZkHistoryEvent, ZkHistoryOp, ZkHistorySession, ZkHistoryWatch, ZkOp, ZkResult } from '../history/types.js';
import type { Verdict } from './linearizability/model.js';
import {
  applyOp,
  checkZkWrites,
  describeOp,
  describeZxid,
  isUncertain,
  newTree,
  sessionEndWrites,
  touchedPaths,
  type Tree,
  type ZkWitnessOp,
} from './zk-writes.js';
import { ZxidMap } from './zxid-map.js';
import { countAtMost, sortedBy } from './sort.js';
import { KIND, OUTCOME_OK, RESULT_OK, WriteTable } from './write-table.js';

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

function witnessOp(o: ZkHistoryOp): ZkWitnessOp {
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

function describeWithRead(o: ZkHistoryOp): string {
  const line = describeOp(witnessOp(o));
  return o.readZxid === undefined || o.readZxid === null ? line : `${line} read at ${describeZxid(o.readZxid)}`;
}

export function clientWitness(reason: string, ops: readonly ZkHistoryOp[], events: readonly ZkHistoryEvent[] = []): ClientWitness {
  const text = [reason, ...ops.map(describeWithRead), ...events.map(describeEvent)].join('\n');
  return { reason, ops: ops.map(witnessOp), events, text };
}

function violated(name: ClientCheckerName, reason: string, ops: readonly ZkHistoryOp[], events: readonly ZkHistoryEvent[] = []): ClientCheckResult {
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

/** A reply (an ok op with a completion) or an event, as a client receives them. */
type Arrival = ZkHistoryOp | ZkHistoryEvent;

/** Appends `item` to the list under `key`. */
function pushTo<K, T>(out: Map<K, T[]>, key: K, item: T): void {
  const list = out.get(key);
  if (list === undefined) out.set(key, [item]);
  else list.push(item);
}

/** Arrival time and, when recorded, observation sequence (-1 if none). */
function arrivalUs(a: Arrival): number {
  return a.kind === 'op' ? a.completeUs! : a.atUs;
}
function arrivalSeq(a: Arrival): number {
  return a.kind === 'op' ? (a.completeSeq ?? -1) : (a.seq ?? -1);
}

/** Arrival order short of file order: time, then observation sequence when both have one, else events first. */
function compareArrivals(a: Arrival, b: Arrival): number {
  const sa = arrivalSeq(a);
  const sb = arrivalSeq(b);
  return arrivalUs(a) - arrivalUs(b) || (sa >= 0 && sb >= 0 ? sa - sb : (a.kind !== 'op' ? 0 : 1) - (b.kind !== 'op' ? 0 : 1));
}

/** Issue order short of file order: invocation time, then id. */
function compareInvokes(a: ZkHistoryOp, b: ZkHistoryOp): number {
  return a.invokeUs - b.invokeUs || a.id - b.id;
}

/**
 * Sorts `list` (items in file order) by `compare`, then file order. When every adjacent pair is
 * already in order (a history recorded as the run goes), the sort would find one ascending run and
 * return the list unchanged, so it is skipped; otherwise the items are sorted with their positions as
 * the last key (exact even for a comparator that is not a total preorder, as hand-written mixes of
 * records with and without `seq` can make it).
 */
function sortUnlessSorted<T>(list: T[], compare: (a: T, b: T) => number): void {
  let sorted = true;
  for (let i = 1; i < list.length && sorted; i++) if (compare(list[i - 1]!, list[i]!) > 0) sorted = false;
  if (sorted) return;
  const keyed = list.map((item, order) => ({ item, order }));
  keyed.sort((a, b) => compare(a.item, b.item) || a.order - b.order);
  for (let i = 0; i < list.length; i++) list[i] = keyed[i]!.item;
}

type ClientOps = { readonly ops: ZkHistoryOp[]; readonly fifo: FifoOrder };

/**
 * fifo-client-order over one client's ok replies in issue order: they complete in issue order, write
 * zxids increase, and none reflects a state older than one issued before it. Stops at the first
 * violation.
 */
class FifoOrder {
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
class HistoryView {
  readonly history: ZkHistory;
  /** Writes that may have taken effect (outcome not "fail"), in file order, with their numbers as columns. */
  readonly table: WriteTable;
  /** Those without a zxid. */
  readonly floatingWrites: ZkHistoryOp[] = [];
  /** closeSession ops of any outcome. */
  readonly closeSessions: ZkHistoryOp[] = [];
  /** Ok ops with a zxid; for a repeated zxid, the last in file order. */
  readonly okByZxid = new ZxidMap<ZkHistoryOp>();
  /** Ok reads with a reply header zxid and an ok result. */
  readonly reads: ZkHistoryOp[] = [];
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
  readonly opsByClient = new Map<number, ClientOps>();
  /** fifo-client-order's verdict, when the pass could judge it (every client's ops in issue order). */
  readonly fifo: ClientCheckResult | null;
  /** Each client's replies (ok ops with a completion), in file order, until arrivals() takes them. */
  private replies: Map<number, ZkHistoryOp[]> | null = new Map();
  private repliesInOrder = true;
  private okWritesMemo: ZkHistoryOp[] | null = null;
  private arrivalsMemo: Map<number, Arrival[]> | null = null;

  constructor(history: ZkHistory) {
    this.history = history;
    const table = new WriteTable(history.ops.length);
    this.table = table;
    let arms = false;
    // Whether each client's ops (and replies) come in issue (arrival) order in the file, checked as
    // they are listed: the previous one of the client was seen a moment ago.
    let issueOrder = true;
    for (const o of history.ops) {
      let mine = this.opsByClient.get(o.client);
      if (mine === undefined) {
        mine = { ops: [o], fifo: new FifoOrder() };
        this.opsByClient.set(o.client, mine);
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
        const replies = this.replies!.get(o.client);
        if (replies === undefined) this.replies!.set(o.client, [o]);
        else {
          if (this.repliesInOrder && compareArrivals(replies[replies.length - 1]!, o) > 0) this.repliesInOrder = false;
          replies.push(o);
        }
      }
      if (o.zxid !== null) this.okByZxid.set(o.zxid, o);
      if (write) continue;
      if (op.type === 'sync') this.syncs.push(o);
      const r = o.result;
      if (r === null || r.rc !== 'ok' || o.readZxid === undefined || o.readZxid === null) {
        if (!arms && o.completeUs !== null && armsWatch(o)) arms = true;
        continue;
      }
      if (isZkRead(op)) {
        this.reads.push(o);
        this.readPaths.push(table.paths.id(opPath(op)!));
      }
      if (r.mzxid !== undefined && r.exists !== false && (op.type === 'getData' || op.type === 'exists' || op.type === 'kvGet')) {
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
      for (const mine of this.opsByClient.values()) {
        if (mine.fifo.violation === null) continue;
        fifo = mine.fifo.violation;
        break;
      }
    } else for (const mine of this.opsByClient.values()) sortUnlessSorted(mine.ops, compareInvokes);
    this.fifo = fifo;
  }

  /**
   * Each client's replies (ok ops) and events in arrival order: by time, then observation sequence
   * when recorded, else events before replies at the same time, then file order (events first).
   */
  arrivals(): Map<number, Arrival[]> {
    if (this.arrivalsMemo !== null) return this.arrivalsMemo;
    const out = new Map<number, Arrival[]>();
    for (const e of this.history.events ?? []) if (e.client !== null) pushTo(out, e.client, e);
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
// linearizable-writes

export function checkLinearizableWrites(history: ZkHistory, options: ClientCheckOptions = {}): ClientCheckResult {
  return linearizableWrites(new HistoryView(history), options);
}

function linearizableWrites(view: HistoryView, options: ClientCheckOptions): ClientCheckResult {
  const r = checkZkWrites(view.history, options.stepsMax === undefined ? {} : { stepsMax: options.stepsMax }, view.table);
  if (r.witness === undefined) return { name: 'linearizable-writes', verdict: r.verdict };
  const text = r.witness.text;
  return { name: 'linearizable-writes', verdict: r.verdict, witness: { reason: r.witness.reason, ops: r.witness.ops, events: [], text } };
}

// ---------------------------------------------------------------------------------------------
// sequential-reads

export function checkSequentialReads(history: ZkHistory, options: ClientCheckOptions = {}): ClientCheckResult {
  return sequentialReads(new HistoryView(history), options);
}

function sequentialReads(view: HistoryView, options: ClientCheckOptions): ClientCheckResult {
  const name = 'sequential-reads';
  const history = view.history;
  // 1. lastZxidSeen: per session, in arrival order, nothing older than what it has seen.
  for (const items of view.arrivals().values()) {
    let seen = 0;
    let seenBy: Arrival | null = null;
    for (const item of items) {
      if (item.kind !== 'op') {
        const z = item.kind === 'watch' ? item.zxid : null;
        if (z !== null && z > seen) {
          seen = z;
          seenBy = item;
        }
        continue;
      }
      const o = item;
      const z = stateZxid(o);
      if (z === null) continue;
      if (z < seen && seenBy !== null) {
        const before = seenBy.kind === 'op' ? seenBy : undefined;
        const kind =
          before !== undefined && isZkWrite(before.op) && before.client === o.client
            ? 'read-your-writes broken'
            : before !== undefined && before.server !== o.server
              ? `single system image broken (server ${o.server} answered below the session's lastZxidSeen, seen from server ${before.server})`
              : 'reads not monotone';
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
  const versions = checkReadMzxids(view);
  if (versions !== null) return versions;
  const values = checkReadValues(view);
  if (values !== null) return values;
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
function dirtyPaths(view: HistoryView, writes: readonly ZkHistoryOp[], ends: readonly ZkHistoryOp[]): Set<string> {
  const dirty = new Set<string>();
  const scratch: string[] = [];
  const ended = new Set<number>();
  for (const o of view.closeSessions) if (o.outcome !== 'fail' && o.zxid !== null && o.session !== null) ended.add(o.session);
  for (const o of ends) if (o.session !== null) ended.add(o.session);
  const gone = new Set<number>();
  for (const e of view.history.events ?? [])
    if (e.kind === 'session' && (e.state === 'EXPIRED' || e.state === 'CLOSED') && !ended.has(e.session)) gone.add(e.session);
  // Without such sessions only writes without a zxid qualify (the session ends all carry one).
  for (const o of gone.size === 0 ? view.floatingWrites : writes) {
    const uncertainZxid = o.zxid === null;
    const ephemeralOfGone = o.session !== null && gone.has(o.session) && hasEphemeralCreate(o.op);
    if (!uncertainZxid && !ephemeralOfGone && !(o.op.type === 'closeSession' && o.zxid === null)) continue;
    scratch.length = 0;
    touchedPaths(o.op, o.result, true, scratch);
    for (const p of scratch) dirty.add(p);
    if (o.op.type === 'create' && o.result?.path === undefined) dirty.add(o.op.path.slice(0, Math.max(1, o.op.path.lastIndexOf('/'))));
    addUnnamedSequential(o.op, o.result, dirty);
  }
  return dirty;
}

/** A sequential create whose name is unknown dirties every name it could have made: `seq:<prefix>`. */
function addUnnamedSequential(op: ZkOp, result: ZkResult | null, dirty: Set<string>): void {
  if (op.type === 'multi') op.ops.forEach((sub, i) => addUnnamedSequential(sub, result?.results?.[i] ?? null, dirty));
  else if (op.type === 'create' && (op.mode === 'persistentSequential' || op.mode === 'ephemeralSequential') && result?.path === undefined)
    dirty.add(`seq:${op.path}`);
}

/**
 * The op with each sequential create turned into a plain create of the name the reply reported: the
 * replay's counter can lag when an indeterminate create without a zxid took a number (linearizable-writes
 * judges the names; the reads are judged against the nodes that exist).
 */
function namedOp(op: ZkOp, result: ZkResult | null): ZkOp {
  if (op.type === 'multi') {
    if (!op.ops.some((sub) => sub.type === 'create' && sub.mode.endsWith('Sequential'))) return op;
    return { type: 'multi', ops: op.ops.map((sub, i) => namedOp(sub, result?.results?.[i] ?? null)) };
  }
  if (op.type !== 'create' || result?.path === undefined || !op.mode.endsWith('Sequential')) return op;
  return { ...op, path: result.path, mode: op.mode === 'ephemeralSequential' ? 'ephemeral' : 'persistent' };
}

/** The reads of paths that are not dirty, in order; each distinct path is judged once, by its id. */
function cleanReads(view: HistoryView, dirty: ReadonlySet<string>): ZkHistoryOp[] {
  const paths = view.table.paths.ids;
  const dirtyById = new Uint8Array(paths.size);
  for (const [path, id] of paths) if (isDirty(dirty, path)) dirtyById[id] = 1;
  const out: ZkHistoryOp[] = [];
  const reads = view.reads;
  for (let j = 0; j < reads.length; j++) if (dirtyById[view.readPaths[j]!] === 0) out.push(reads[j]!);
  return out;
}

/** Dirty itself, or a name (prefix + 10-digit counter) an unnamed sequential create may have made. */
function isDirty(dirty: ReadonlySet<string>, path: string): boolean {
  return dirty.has(path) || (path.length > 10 && /^\d{10}$/.test(path.slice(-10)) && dirty.has(`seq:${path.slice(0, -10)}`));
}

function hasEphemeralCreate(op: ZkOp): boolean {
  if (op.type === 'multi') return op.ops.some(hasEphemeralCreate);
  return op.type === 'create' && (op.mode === 'ephemeral' || op.mode === 'ephemeralSequential');
}

function childrenOf(tree: Tree, path: string): string[] {
  const prefix = path === '/' ? '/' : `${path}/`;
  const out: string[] = [];
  for (const p of tree.keys()) if (p !== '/' && p.startsWith(prefix) && !p.slice(prefix.length).includes('/')) out.push(p.slice(prefix.length));
  return out.sort();
}

/** Replays the zxid-ordered writes and compares each read with the state at its header zxid. */
function checkReadValues(view: HistoryView): ClientCheckResult | null {
  const ends = sessionEndWrites(view.history, view.writes);
  const writes = ends.length === 0 ? view.writes : [...view.writes, ...ends];
  const dirty = dirtyPaths(view, writes, ends);
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
function replayedWrites(table: WriteTable, reads: readonly ZkHistoryOp[]): ZkHistoryOp[] {
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

/** Appends `o` to the list under `key`, unless it is already its last entry (a multi touches a key once). */
function pushOnce(out: Map<string, ZkHistoryOp[]>, key: string, o: ZkHistoryOp): void {
  const list = out.get(key);
  if (list === undefined) out.set(key, [o]);
  else if (list[list.length - 1] !== o) list.push(o);
}

/**
 * Ok writes with a zxid that create, change or delete each path's node, by zxid, under the path's id:
 * indices into the table's writes. Only creates and multis are read from their records.
 */
function dataWritesByPath(view: HistoryView): WritesWithZxids[] {
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
function checkReadMzxids(view: HistoryView): ClientCheckResult | null {
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
    if (writer !== undefined && result.data !== undefined) {
      const op = writer.op;
      const path = opPath(r.op)!;
      const data =
        op.type === 'kvSet' || op.type === 'kvCas' || op.type === 'setData' || (op.type === 'create' && (writer.result?.path ?? op.path) === path)
          ? op.data
          : undefined;
      if (data !== undefined && data !== result.data) {
        return violated(
          'sequential-reads',
          `#${r.id} read "${result.data}" from ${path} with mzxid ${describeZxid(m)}, but #${writer.id} wrote "${data}" there`,
          [writer, r],
        );
      }
    }
  }
  return null;
}

function readMismatch(tree: Tree, op: ZkOp, result: ZkResult, writer: ZkHistoryOp | undefined): string | null {
  const path = opPath(op)!;
  const node = tree.get(path);
  switch (op.type) {
    case 'exists':
    case 'kvGet': {
      const exists = result.exists ?? true;
      if (exists !== (node !== undefined)) return `exists=${exists}, but the state there ${node === undefined ? 'has no such node' : 'has it'}`;
      if (node === undefined) return null;
      if (op.type === 'kvGet' && result.data !== undefined && result.data !== node.data) return `"${result.data}", but the state there holds "${node.data}"`;
      if (result.version !== undefined && result.version !== node.version) return `version ${result.version}, but the state there has version ${node.version}`;
      if (op.type === 'kvGet' && result.mzxid !== undefined && writer !== undefined && writer.zxid !== null && result.mzxid !== writer.zxid) {
        return `mzxid ${describeZxid(result.mzxid)}, but the last write there is ${describeZxid(writer.zxid)}`;
      }
      return null;
    }
    case 'getData':
      if (node === undefined) return 'data, but the state there has no such node';
      if (result.data !== undefined && result.data !== node.data) return `"${result.data}", but the state there holds "${node.data}"`;
      if (result.version !== undefined && result.version !== node.version) return `version ${result.version}, but the state there has version ${node.version}`;
      return null;
    case 'getChildren': {
      if (node === undefined) return 'children, but the state there has no such node';
      if (result.children === undefined) return null;
      const want = childrenOf(tree, path);
      const got = [...result.children].sort();
      if (want.length !== got.length || want.some((c, i) => c !== got[i])) return `children [${got.join(',')}], but the state there has [${want.join(',')}]`;
      return null;
    }
    default:
      return null;
  }
}

type Stale = { readonly text: string; readonly ops: readonly ZkHistoryOp[] };

function staleReadsAfterSync(view: HistoryView): Stale[] {
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
  const byClient = view.opsByClient;
  for (const s of syncs) {
    const w = latestBefore(s.invokeUs);
    if (w === null) continue;
    const list = byClient.get(s.client)!.ops;
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

// ---------------------------------------------------------------------------------------------
// fifo-client-order

export function checkFifoClientOrder(history: ZkHistory): ClientCheckResult {
  return fifoClientOrder(new HistoryView(history));
}

function fifoClientOrder(view: HistoryView): ClientCheckResult {
  if (view.fifo !== null) return view.fifo;
  for (const { ops } of view.opsByClient.values()) {
    const order = new FifoOrder();
    for (const o of ops) {
      if (o.outcome !== 'ok' || o.completeUs === null) continue;
      order.step(o, o.zxid !== null && isZkWrite(o.op));
      if (order.violation !== null) return order.violation;
    }
  }
  return { name: 'fifo-client-order', verdict: 'ok' };
}

// ---------------------------------------------------------------------------------------------
// watch-order

type WatchClass = 'data' | 'exist' | 'child';
type Armed = { readonly by: ZkHistoryOp; readonly replyIndex: number; readonly connection: number; readonly trigger: ZkHistoryOp | null };

/** Ok writes that fire a watch of each class on a path, by zxid (keys `data:/p`, `exist:/p`, `child:/p`). */
function triggerIndex(view: HistoryView): Map<string, ZkHistoryOp[]> {
  const out = new Map<string, ZkHistoryOp[]>();
  const add = (key: string, o: ZkHistoryOp): void => pushOnce(out, key, o);
  const parent = (p: string): string => (p.lastIndexOf('/') <= 0 ? '/' : p.slice(0, p.lastIndexOf('/')));
  const visit = (op: ZkOp, result: ZkResult | null, o: ZkHistoryOp): void => {
    if (result === null || result.rc !== 'ok') return;
    switch (op.type) {
      case 'create': {
        const path = result.path ?? (op.mode === 'persistent' || op.mode === 'ephemeral' ? op.path : null);
        if (path !== null) {
          add(`exist:${path}`, o);
          add(`data:${path}`, o);
        }
        add(`child:${parent(op.path)}`, o);
        return;
      }
      case 'delete':
        add(`data:${op.path}`, o);
        add(`exist:${op.path}`, o);
        add(`child:${op.path}`, o);
        add(`child:${parent(op.path)}`, o);
        return;
      case 'setData':
        add(`data:${op.path}`, o);
        add(`exist:${op.path}`, o);
        return;
      case 'multi':
        op.ops.forEach((sub, i) => visit(sub, result.results?.[i] ?? { rc: 'ok' }, o));
        return;
      default:
        return;
    }
  };
  for (const o of view.okWritesByZxid()) visit(o.op, o.result, o);
  return out;
}

/** Writes by zxid (indices into a WriteTable) with their zxids alongside: binary searches read a compact array, not scattered records. */
type WritesWithZxids = { readonly writes: number[]; readonly zxids: number[] };

function firstAfter(list: readonly ZkHistoryOp[] | undefined, zxid: number): ZkHistoryOp | null {
  if (list === undefined) return null;
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (list[mid]!.zxid! <= zxid) lo = mid + 1;
    else hi = mid;
  }
  return list[lo] ?? null;
}

const DATA_EXIST: readonly WatchClass[] = ['data', 'exist'];
const CHILD: readonly WatchClass[] = ['child'];
const DATA_EXIST_CHILD: readonly WatchClass[] = ['data', 'exist', 'child'];

function consumes(type: ZkHistoryWatch['type']): readonly WatchClass[] {
  switch (type) {
    case 'NodeCreated':
    case 'NodeDataChanged':
      return DATA_EXIST;
    case 'NodeChildrenChanged':
      return CHILD;
    case 'NodeDeleted':
      return DATA_EXIST_CHILD;
  }
}

/** Whether the op, as replied, leaves a watch set: the only way a client comes to hold one. */
function armsWatch(o: ZkHistoryOp): boolean {
  const op = o.op;
  return (op.type === 'getData' || op.type === 'exists' || op.type === 'getChildren') && op.watch === true && o.result !== null && o.result.rc === 'ok';
}

/** Nothing to judge: no watch event arrived and no reply set a watch (so none can be missed). */
function watchFree(view: HistoryView): boolean {
  if (view.armsWatches) return false;
  for (const e of view.history.events ?? []) if (e.kind === 'watch') return false;
  return true;
}

/** Paths that were given an ACL without READ for world:anyone (ServerCnxn.process filters their events). */
function restrictedPaths(history: ZkHistory): Set<string> {
  const out = new Set<string>();
  const visit = (op: ZkOp, result: ZkResult | null): void => {
    if (op.type === 'multi') op.ops.forEach((sub, i) => visit(sub, result?.results?.[i] ?? null));
    else if ((op.type === 'create' || op.type === 'setACL') && op.restrictedRead === true) out.add(result?.path ?? op.path);
  };
  for (const o of history.ops) if (o.outcome !== 'fail') visit(o.op, o.result);
  return out;
}

export function checkWatchOrder(history: ZkHistory): ClientCheckResult {
  return watchOrder(new HistoryView(history));
}

function watchOrder(view: HistoryView): ClientCheckResult {
  const name = 'watch-order';
  const history = view.history;
  if (watchFree(view)) return { name, verdict: 'ok' };
  let triggers: Map<string, ZkHistoryOp[]> | null = null;
  const restricted = restrictedPaths(history);
  for (const items of view.arrivals().values()) {
    const armed = new Map<string, Armed>(); // `${class}:${path}`
    const replyMax: number[] = []; // prefix max of reply state zxids, in arrival order
    const replies: ZkHistoryOp[] = [];
    let connection = 0;
    let lastEvent: ZkHistoryWatch | null = null;
    for (const item of items) {
      if (item.kind === 'session') {
        const e = item;
        if (e.state === 'CONNECTED' || e.state === 'DISCONNECTED') connection++;
        if (e.state === 'EXPIRED' || e.state === 'CLOSED' || e.state === 'AUTH_FAILED') armed.clear();
        continue;
      }
      if (item.kind === 'watch') {
        const e = item;
        if (lastEvent !== null && e.zxid < lastEvent.zxid) {
          return violated(
            name,
            `watch events out of zxid order: ${e.type} ${e.path} (${describeZxid(e.zxid)}) arrived after ${lastEvent.type} ${lastEvent.path} (${describeZxid(lastEvent.zxid)})`,
            [],
            [lastEvent, e],
          );
        }
        lastEvent = e;
        const hit: Armed[] = [];
        for (const c of consumes(e.type)) {
          const key = `${c}:${e.path}`;
          const a = armed.get(key);
          if (a !== undefined) hit.push(a);
          armed.delete(key);
        }
        if (hit.length === 0)
          return violated(name, `client ${e.client} got ${e.type} ${e.path} without holding a matching watch (fired twice, or never set)`, [], [e]);
        for (const a of hit) {
          const before = a.replyIndex === 0 ? -1 : replyMax[a.replyIndex - 1]!;
          const latest = replyMax.length === 0 ? -1 : replyMax[replyMax.length - 1]!;
          if (latest >= e.zxid && before < e.zxid) {
            const r = replies.slice(a.replyIndex).find((x) => stateZxid(x)! >= e.zxid)!;
            return violated(
              name,
              `client ${e.client} saw #${r.id} reflecting ${describeZxid(stateZxid(r))} before the ${e.type} event of ${describeZxid(e.zxid)} for its watch on ${e.path}`,
              [a.by, r],
              [e],
            );
          }
        }
        continue;
      }
      const o = item;
      const z = stateZxid(o);
      // Lost events: this reply reflects a change that fires a watch still held.
      if (z !== null) {
        for (const [key, a] of armed) {
          if (a.trigger === null || a.trigger.zxid! > z) continue;
          if (key.startsWith('exist:') && a.connection !== connection) continue; // the documented setWatches gap
          if (restricted.size > 0 && restricted.has(key.slice(key.indexOf(':') + 1))) continue; // may be filtered by ACL
          return violated(
            name,
            `client ${o.client} got #${o.id} reflecting ${describeZxid(z)} before any event for #${a.trigger.id} (${describeZxid(a.trigger.zxid)}), which fires its watch on ${key.slice(key.indexOf(':') + 1)} set by #${a.by.id} (the event came late, or was lost)`,
            [a.by, a.trigger, o],
          );
        }
        replies.push(o);
        replyMax.push(Math.max(z, replyMax.length === 0 ? -1 : replyMax[replyMax.length - 1]!));
      }
      // Arming.
      const op = o.op;
      if (armsWatch(o) && (op.type === 'getData' || op.type === 'exists' || op.type === 'getChildren')) {
        const cls: WatchClass = op.type === 'getChildren' ? 'child' : op.type === 'exists' && o.result!.exists === false ? 'exist' : 'data';
        const key = `${cls}:${op.path}`;
        if (!armed.has(key)) {
          const at = o.readZxid ?? null;
          triggers ??= triggerIndex(view);
          const trigger = at === null ? null : firstAfter(triggers.get(key), at);
          armed.set(key, { by: o, replyIndex: replies.length, connection, trigger });
        }
      }
    }
  }
  return { name, verdict: 'ok' };
}

// ---------------------------------------------------------------------------------------------
// session-ephemerals

export function checkSessionEphemerals(history: ZkHistory): ClientCheckResult {
  return sessionEphemerals(new HistoryView(history));
}

function sessionEphemerals(view: HistoryView): ClientCheckResult {
  const name = 'session-ephemerals';
  const history = view.history;
  const ended = new Map<number, { zxid: number; by: ZkHistoryOp | null; event: ZkHistorySession | null }>();
  for (const o of view.closeSessions) {
    if (o.op.type === 'closeSession' && o.outcome === 'ok' && o.zxid !== null && o.session !== null && o.result?.rc === 'ok')
      ended.set(o.session, { zxid: o.zxid, by: o, event: null });
  }
  for (const e of history.events ?? []) {
    if (e.kind === 'session' && e.state === 'ENDED' && e.zxid !== undefined) {
      const known = ended.get(e.session);
      if (known === undefined || e.zxid < known.zxid) ended.set(e.session, { zxid: e.zxid, by: null, event: e });
    }
  }
  if (ended.size === 0) return { name, verdict: 'ok' };
  const endOps = (s: number): { ops: ZkHistoryOp[]; events: ZkHistoryEvent[] } => {
    const end = ended.get(s)!;
    return { ops: end.by === null ? [] : [end.by], events: end.event === null ? [] : [end.event] };
  };
  for (const o of history.ops) {
    if (o.outcome !== 'ok' || o.result === null || o.result.rc !== 'ok') continue;
    // An ephemeral created after its session ended.
    if (o.zxid !== null && o.session !== null && hasEphemeralCreate(o.op)) {
      const end = ended.get(o.session);
      if (end !== undefined && o.zxid > end.zxid) {
        const w = endOps(o.session);
        return violated(
          name,
          `#${o.id} created an ephemeral node at ${describeZxid(o.zxid)} for session 0x${o.session.toString(16)}, which ended at ${describeZxid(end.zxid)}`,
          [...w.ops, o],
          w.events,
        );
      }
    }
    // A read at or after the end that still sees one of the session's ephemerals.
    const owner = o.result.ephemeralOwner;
    if (owner !== undefined && owner !== 0 && o.readZxid !== undefined && o.readZxid !== null && (o.result.exists ?? true)) {
      const end = ended.get(owner);
      if (end !== undefined && o.readZxid >= end.zxid) {
        const w = endOps(owner);
        return violated(
          name,
          `#${o.id} read ${opPath(o.op)} at ${describeZxid(o.readZxid)} and found it owned by session 0x${owner.toString(16)}, which ended at ${describeZxid(end.zxid)}`,
          [...w.ops, o],
          w.events,
        );
      }
    }
  }
  return { name, verdict: 'ok' };
}

// ---------------------------------------------------------------------------------------------
// All of them

export type ClientCheckReport = {
  readonly verdicts: Record<string, Verdict>;
  readonly results: readonly ClientCheckResult[];
  readonly ms: number;
};

export function checkClientHistory(history: ZkHistory, options: ClientCheckOptions = {}): ClientCheckReport {
  const started = performance.now();
  const view = new HistoryView(history);
  const results = [linearizableWrites(view, options), sequentialReads(view, options), fifoClientOrder(view), watchOrder(view), sessionEphemerals(view)];
  const verdicts: Record<string, Verdict> = {};
  for (const r of results) verdicts[r.name] = r.verdict;
  return { verdicts, results, ms: performance.now() - started };
}

/** Plain-text summary: one line per checker, the witness under each violated one. */
export function describeClientReport(results: readonly ClientCheckResult[]): string {
  const lines: string[] = [];
  for (const r of results) {
    lines.push(`${r.name}: ${r.verdict}`);
    if (r.witness !== undefined) lines.push(...r.witness.text.split('\n').map((l) => `  ${l}`));
    for (const n of r.notes ?? []) lines.push(`  note: ${n}`);
  }
  return lines.join('\n');
}

export { isUncertain };
