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
import { applyOp, checkZkWrites, describeOp, describeZxid, isUncertain, newTree, sessionEndWrites, touchedPaths, type Tree, type ZkWitnessOp } from './zk-writes.js';

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
  return { id: o.id, client: o.client, session: o.session, zxid: o.zxid, op: o.op, outcome: o.outcome, result: o.result, invokeUs: o.invokeUs, completeUs: o.completeUs };
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

type Item = { readonly t: number; readonly seq: number; readonly order: number; readonly op?: ZkHistoryOp; readonly event?: ZkHistoryEvent };

/**
 * Each client's replies (ok ops) and events in arrival order: by time, then observation sequence when
 * recorded, else events before replies at the same time, then file order.
 */
function arrivalsByClient(history: ZkHistory): Map<number, Item[]> {
  const out = new Map<number, Item[]>();
  const push = (client: number, item: Item): void => {
    const list = out.get(client);
    if (list === undefined) out.set(client, [item]);
    else list.push(item);
  };
  let order = 0;
  for (const e of history.events ?? []) {
    if (e.client === null) continue;
    push(e.client, { t: e.atUs, seq: e.seq ?? -1, order: order++, event: e });
  }
  for (const o of history.ops) {
    if (o.outcome !== 'ok' || o.completeUs === null) continue;
    push(o.client, { t: o.completeUs, seq: o.completeSeq ?? -1, order: order++, op: o });
  }
  for (const list of out.values()) {
    list.sort((a, b) => a.t - b.t || (a.seq >= 0 && b.seq >= 0 ? a.seq - b.seq : (a.event !== undefined ? 0 : 1) - (b.event !== undefined ? 0 : 1)) || a.order - b.order);
  }
  return out;
}

function opsByClient(history: ZkHistory): Map<number, ZkHistoryOp[]> {
  const out = new Map<number, ZkHistoryOp[]>();
  for (const o of history.ops) {
    const list = out.get(o.client);
    if (list === undefined) out.set(o.client, [o]);
    else list.push(o);
  }
  for (const list of out.values()) list.sort((a, b) => a.invokeUs - b.invokeUs || a.id - b.id);
  return out;
}

// ---------------------------------------------------------------------------------------------
// linearizable-writes

export function checkLinearizableWrites(history: ZkHistory, options: ClientCheckOptions = {}): ClientCheckResult {
  const r = checkZkWrites(history, options.stepsMax === undefined ? {} : { stepsMax: options.stepsMax });
  if (r.witness === undefined) return { name: 'linearizable-writes', verdict: r.verdict };
  const text = r.witness.text;
  return { name: 'linearizable-writes', verdict: r.verdict, witness: { reason: r.witness.reason, ops: r.witness.ops, events: [], text } };
}

// ---------------------------------------------------------------------------------------------
// sequential-reads

export function checkSequentialReads(history: ZkHistory, options: ClientCheckOptions = {}): ClientCheckResult {
  const name = 'sequential-reads';
  // 1. lastZxidSeen: per session, in arrival order, nothing older than what it has seen.
  for (const items of arrivalsByClient(history).values()) {
    let seen = 0;
    let seenBy: Item | null = null;
    for (const item of items) {
      if (item.event !== undefined) {
        const z = item.event.kind === 'watch' ? item.event.zxid : null;
        if (z !== null && z > seen) {
          seen = z;
          seenBy = item;
        }
        continue;
      }
      const o = item.op!;
      const z = stateZxid(o);
      if (z === null) continue;
      if (z < seen && seenBy !== null) {
        const before = seenBy.op;
        const kind =
          before !== undefined && isZkWrite(before.op) && before.client === o.client
            ? 'read-your-writes broken'
            : before !== undefined && before.server !== o.server
              ? `single system image broken (server ${o.server} answered below the session's lastZxidSeen, seen from server ${before.server})`
              : 'reads not monotone';
        const reason = `${kind}: #${o.id} of client ${o.client} reflects ${describeZxid(z)}, after the session had seen ${describeZxid(seen)}`;
        return violated(name, reason, before === undefined ? [o] : [before, o], seenBy.event === undefined ? [] : [seenBy.event]);
      }
      if (z > seen) {
        seen = z;
        seenBy = item;
      }
    }
  }
  // 2. Each read returns the replayed state at its header zxid; reads naming their value's mzxid are
  // checked against the known writes even where indeterminate writes make the full state unknown.
  const versions = checkReadMzxids(history);
  if (versions !== null) return versions;
  const values = checkReadValues(history);
  if (values !== null) return values;
  // 3. sync then read.
  const stale = staleReadsAfterSync(history);
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

function dirtyPaths(history: ZkHistory, writes: readonly ZkHistoryOp[]): Set<string> {
  const dirty = new Set<string>();
  const scratch: string[] = [];
  const ended = new Set<number>();
  for (const o of writes) if (o.op.type === 'closeSession' && o.zxid !== null && o.session !== null) ended.add(o.session);
  const gone = new Set<number>();
  for (const e of history.events ?? []) if (e.kind === 'session' && (e.state === 'EXPIRED' || e.state === 'CLOSED') && !ended.has(e.session)) gone.add(e.session);
  for (const o of writes) {
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
  else if (op.type === 'create' && (op.mode === 'persistentSequential' || op.mode === 'ephemeralSequential') && result?.path === undefined) dirty.add(`seq:${op.path}`);
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
function checkReadValues(history: ZkHistory): ClientCheckResult | null {
  const base: ZkHistoryOp[] = [];
  for (const o of history.ops) if (o.outcome !== 'fail' && isZkWrite(o.op)) base.push(o);
  const writes = [...base, ...sessionEndWrites(history, base)];
  const dirty = dirtyPaths(history, writes);
  const ordered = writes.filter((o) => o.zxid !== null && !isUncertainZxidless(o)).sort((a, b) => a.zxid! - b.zxid!);
  const reads = history.ops.filter((o) => o.outcome === 'ok' && isZkRead(o.op) && o.readZxid !== undefined && o.readZxid !== null && o.result !== null && o.result.rc === 'ok');
  if (reads.length === 0) return null;
  reads.sort((a, b) => a.readZxid! - b.readZxid! || a.id - b.id);
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
    if (isDirty(dirty, path)) continue;
    const why = readMismatch(tree, r.op, r.result!, lastWriter.get(path));
    if (why === null) continue;
    const w = lastWriter.get(path);
    const reason = `#${r.id} of client ${r.client} read ${path} at ${describeZxid(r.readZxid!)} and got ${why}`;
    return violated('sequential-reads', reason, w === undefined ? [r] : [w, r]);
  }
  return null;
}

/** Appends `o` to the list under `key`, unless it is already its last entry (a multi touches a key once). */
function pushOnce(out: Map<string, ZkHistoryOp[]>, key: string, o: ZkHistoryOp): void {
  const list = out.get(key);
  if (list === undefined) out.set(key, [o]);
  else if (list[list.length - 1] !== o) list.push(o);
}

/** Ok writes with a zxid that create, change or delete each path's node, by zxid. */
function dataWritesByPath(history: ZkHistory): Map<string, ZkHistoryOp[]> {
  const out = new Map<string, ZkHistoryOp[]>();
  const add = (path: string, o: ZkHistoryOp): void => pushOnce(out, path, o);
  const visit = (op: ZkOp, result: ZkResult | null, o: ZkHistoryOp): void => {
    if (result === null || result.rc !== 'ok') return;
    if (op.type === 'multi') op.ops.forEach((sub, i) => visit(sub, result.results?.[i] ?? { rc: 'ok' }, o));
    else if (op.type === 'create') add(result.path ?? op.path, o);
    else if (op.type === 'delete' || op.type === 'setData' || op.type === 'kvSet' || op.type === 'kvCas') add(op.path, o);
  };
  const writes = history.ops.filter((o) => o.outcome === 'ok' && o.zxid !== null && isZkWrite(o.op)).sort((a, b) => a.zxid! - b.zxid!);
  for (const o of writes) visit(o.op, o.result, o);
  return out;
}

/** A read that names its value's mzxid m at header zxid h: m ≤ h, no known write to the node in (m, h], and m's write wrote what was read. */
function checkReadMzxids(history: ZkHistory): ClientCheckResult | null {
  let byPath: Map<string, ZkHistoryOp[]> | null = null;
  const byZxid = new Map<number, ZkHistoryOp>();
  for (const o of history.ops) if (o.outcome === 'ok' && o.zxid !== null) byZxid.set(o.zxid, o);
  for (const r of history.ops) {
    if (r.outcome !== 'ok' || r.result === null || r.result.rc !== 'ok' || r.result.mzxid === undefined || r.result.exists === false) continue;
    if (r.readZxid === undefined || r.readZxid === null || (r.op.type !== 'getData' && r.op.type !== 'exists' && r.op.type !== 'kvGet')) continue;
    const m = r.result.mzxid;
    const h = r.readZxid;
    const path = r.op.path;
    if (m > h) return violated('sequential-reads', `#${r.id} read ${path} at ${describeZxid(h)} but saw a value written at ${describeZxid(m)}, after that state`, [r]);
    byPath ??= dataWritesByPath(history);
    const list = byPath.get(path) ?? [];
    const later = firstAfter(list, m);
    if (later !== null && later.zxid! <= h) {
      return violated('sequential-reads', `#${r.id} read ${path} at ${describeZxid(h)} and saw the value of ${describeZxid(m)}, but #${later.id} changed it at ${describeZxid(later.zxid)}`, [later, r]);
    }
    const writer = byZxid.get(m);
    if (writer !== undefined && r.result.data !== undefined) {
      const op = writer.op;
      const data = op.type === 'kvSet' || op.type === 'kvCas' || op.type === 'setData' || (op.type === 'create' && (writer.result?.path ?? op.path) === path) ? op.data : undefined;
      if (data !== undefined && data !== r.result.data) {
        return violated('sequential-reads', `#${r.id} read "${r.result.data}" from ${path} with mzxid ${describeZxid(m)}, but #${writer.id} wrote "${data}" there`, [writer, r]);
      }
    }
  }
  return null;
}

function isUncertainZxidless(o: ZkHistoryOp): boolean {
  return o.zxid === null;
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

function staleReadsAfterSync(history: ZkHistory): Stale[] {
  const syncs = history.ops.filter((o) => o.op.type === 'sync' && o.outcome === 'ok');
  if (syncs.length === 0) return [];
  // Writes by completion time, with the running maximum zxid and who set it.
  const done = history.ops.filter((o) => isZkWrite(o.op) && o.outcome === 'ok' && o.zxid !== null && o.completeUs !== null).sort((a, b) => a.completeUs! - b.completeUs!);
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
  const byClient = opsByClient(history);
  for (const s of syncs) {
    const w = latestBefore(s.invokeUs);
    if (w === null) continue;
    const list = byClient.get(s.client)!;
    for (let i = list.indexOf(s) + 1; i < list.length; i++) {
      const r = list[i]!;
      if (r.op.type === 'sync') break;
      if (!isZkRead(r.op) || r.outcome !== 'ok' || r.readZxid === undefined || r.readZxid === null) continue;
      if (r.readZxid < w.zxid!) out.push({ text: `#${r.id} read at ${describeZxid(r.readZxid)} after sync #${s.id}, which began after #${w.id} (${describeZxid(w.zxid)}) completed`, ops: [w, s, r] });
      break;
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// fifo-client-order

export function checkFifoClientOrder(history: ZkHistory): ClientCheckResult {
  const name = 'fifo-client-order';
  for (const list of opsByClient(history).values()) {
    let prev: ZkHistoryOp | null = null; // the previous ok op in issue order
    let maxState: ZkHistoryOp | null = null;
    let prevWrite: ZkHistoryOp | null = null;
    for (const o of list) {
      if (o.outcome !== 'ok' || o.completeUs === null) continue;
      if (prev !== null) {
        const before = o.completeSeq !== undefined && prev.completeSeq !== undefined ? o.completeSeq < prev.completeSeq : o.completeUs < prev.completeUs!;
        if (before) return violated(name, `#${o.id} was issued after #${prev.id} by client ${o.client} but completed before it`, [prev, o]);
      }
      const z = stateZxid(o);
      if (o.zxid !== null && isZkWrite(o.op) && prevWrite !== null && o.zxid <= prevWrite.zxid!) {
        return violated(name, `write #${o.id} (${describeZxid(o.zxid)}) was issued after write #${prevWrite.id} (${describeZxid(prevWrite.zxid)}) but took effect first`, [prevWrite, o]);
      }
      if (z !== null && maxState !== null && z < stateZxid(maxState)!) {
        return violated(name, `#${o.id} reflects ${describeZxid(z)}, older than #${maxState.id} (${describeZxid(stateZxid(maxState))}) issued before it by the same client`, [maxState, o]);
      }
      if (z !== null && (maxState === null || z > stateZxid(maxState)!)) maxState = o;
      if (o.zxid !== null && isZkWrite(o.op)) prevWrite = o;
      prev = o;
    }
  }
  return { name, verdict: 'ok' };
}

// ---------------------------------------------------------------------------------------------
// watch-order

type WatchClass = 'data' | 'exist' | 'child';
type Armed = { readonly by: ZkHistoryOp; readonly replyIndex: number; readonly connection: number; readonly trigger: ZkHistoryOp | null };

/** Ok writes that fire a watch of each class on a path, by zxid (keys `data:/p`, `exist:/p`, `child:/p`). */
function triggerIndex(history: ZkHistory): Map<string, ZkHistoryOp[]> {
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
  const writes = history.ops.filter((o) => o.outcome === 'ok' && o.zxid !== null && isZkWrite(o.op)).sort((a, b) => a.zxid! - b.zxid!);
  for (const o of writes) visit(o.op, o.result, o);
  return out;
}

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

function consumes(type: ZkHistoryWatch['type']): readonly WatchClass[] {
  switch (type) {
    case 'NodeCreated':
    case 'NodeDataChanged':
      return ['data', 'exist'];
    case 'NodeChildrenChanged':
      return ['child'];
    case 'NodeDeleted':
      return ['data', 'exist', 'child'];
  }
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
  const name = 'watch-order';
  const triggers = triggerIndex(history);
  const restricted = restrictedPaths(history);
  for (const items of arrivalsByClient(history).values()) {
    const armed = new Map<string, Armed>(); // `${class}:${path}`
    const replyMax: number[] = []; // prefix max of reply state zxids, in arrival order
    const replies: ZkHistoryOp[] = [];
    let connection = 0;
    let lastEvent: ZkHistoryWatch | null = null;
    for (const item of items) {
      const e = item.event;
      if (e !== undefined && e.kind === 'session') {
        if (e.state === 'CONNECTED' || e.state === 'DISCONNECTED') connection++;
        if (e.state === 'EXPIRED' || e.state === 'CLOSED' || e.state === 'AUTH_FAILED') armed.clear();
        continue;
      }
      if (e !== undefined && e.kind === 'watch') {
        if (lastEvent !== null && e.zxid < lastEvent.zxid) {
          return violated(name, `watch events out of zxid order: ${e.type} ${e.path} (${describeZxid(e.zxid)}) arrived after ${lastEvent.type} ${lastEvent.path} (${describeZxid(lastEvent.zxid)})`, [], [lastEvent, e]);
        }
        lastEvent = e;
        const hit: Armed[] = [];
        for (const c of consumes(e.type)) {
          const a = armed.get(`${c}:${e.path}`);
          if (a !== undefined) hit.push(a);
          armed.delete(`${c}:${e.path}`);
        }
        if (hit.length === 0) return violated(name, `client ${e.client} got ${e.type} ${e.path} without holding a matching watch (fired twice, or never set)`, [], [e]);
        for (const a of hit) {
          const before = a.replyIndex === 0 ? -1 : replyMax[a.replyIndex - 1]!;
          const latest = replyMax.length === 0 ? -1 : replyMax[replyMax.length - 1]!;
          if (latest >= e.zxid && before < e.zxid) {
            const r = replies.slice(a.replyIndex).find((x) => stateZxid(x)! >= e.zxid)!;
            return violated(name, `client ${e.client} saw #${r.id} reflecting ${describeZxid(stateZxid(r))} before the ${e.type} event of ${describeZxid(e.zxid)} for its watch on ${e.path}`, [a.by, r], [e]);
          }
        }
        continue;
      }
      const o = item.op!;
      const z = stateZxid(o);
      // Lost events: this reply reflects a change that fires a watch still held.
      if (z !== null) {
        for (const [key, a] of armed) {
          if (a.trigger === null || a.trigger.zxid! > z) continue;
          if (key.startsWith('exist:') && a.connection !== connection) continue; // the documented setWatches gap
          if (restricted.size > 0 && restricted.has(key.slice(key.indexOf(':') + 1))) continue; // may be filtered by ACL
          return violated(name, `client ${o.client} got #${o.id} reflecting ${describeZxid(z)} before any event for #${a.trigger.id} (${describeZxid(a.trigger.zxid)}), which fires its watch on ${key.slice(key.indexOf(':') + 1)} set by #${a.by.id} (the event came late, or was lost)`, [a.by, a.trigger, o]);
        }
        replies.push(o);
        replyMax.push(Math.max(z, replyMax.length === 0 ? -1 : replyMax[replyMax.length - 1]!));
      }
      // Arming.
      const op = o.op;
      if ((op.type === 'getData' || op.type === 'exists' || op.type === 'getChildren') && op.watch === true && o.result !== null && o.result.rc === 'ok') {
        const cls: WatchClass = op.type === 'getChildren' ? 'child' : op.type === 'exists' && o.result.exists === false ? 'exist' : 'data';
        const key = `${cls}:${op.path}`;
        if (!armed.has(key)) {
          const at = o.readZxid ?? null;
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
  const name = 'session-ephemerals';
  const ended = new Map<number, { zxid: number; by: ZkHistoryOp | null; event: ZkHistorySession | null }>();
  for (const o of history.ops) {
    if (o.op.type === 'closeSession' && o.outcome === 'ok' && o.zxid !== null && o.session !== null && o.result?.rc === 'ok') ended.set(o.session, { zxid: o.zxid, by: o, event: null });
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
        return violated(name, `#${o.id} created an ephemeral node at ${describeZxid(o.zxid)} for session 0x${o.session.toString(16)}, which ended at ${describeZxid(end.zxid)}`, [...w.ops, o], w.events);
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
  const results = [
    checkLinearizableWrites(history, options),
    checkSequentialReads(history, options),
    checkFifoClientOrder(history),
    checkWatchOrder(history),
    checkSessionEphemerals(history),
  ];
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
