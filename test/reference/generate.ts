// A seeded generator of small zabsim NDJSON client histories (zk and kv) that some ZooKeeper execution
// produces: a true total order of txns run on the generator's own tree (gen-tree.ts), sessions attached
// to servers that lag the leader by a random number of txns (reads are stale but never go back within a
// session), several sessions per client over time, replies with and without their zxids, indeterminate
// ("info") ops that did or did not take effect, one-shot watches fired in zxid order before the next
// reply that reflects the change, persistent and recursive watches (addWatch, removeWatches) whose events
// come in zxid order before such a reply and are lost with their connection, ephemerals, session ends that were recorded (closeSession, ENDED) or
// not (expiry by the leader), multi (also failing in the middle), and the KV runs' kvSet/kvCas/kvGet.
// It never asks a checker what to emit: every choice is made on the model, conservatively (a session's
// later ops reflect everything it wrote or was notified of), so the history is possible under any
// reading of ZooKeeper's guarantees.
import type { ZkHistory, ZkHistoryEvent, ZkHistoryOp, ZkOp, ZkOutcome, ZkResult, ZkWatchType } from '../../sim/history/types.js';
import { formatNdjsonHistory } from '../../sim/history/ndjson.js';
import { applyKv, applyWrite, initialTree, readKv, readTree, type Change, type KvState, type Tree } from './gen-tree.js';

export type HistoryModel = 'zk' | 'kv';
export type Generated = { readonly seed: number; readonly model: HistoryModel; readonly history: ZkHistory; readonly ndjson: string };

/** mulberry32: a small seeded PRNG (the generator must be reproducible from one integer). */
export class Rng {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0;
  }
  next(): number {
    this.s = (this.s + 0x6d2b79f5) >>> 0;
    let t = this.s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  /** An integer in [lo, hi]. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!;
  }
}

/** Zxids are epoch 1's: 2^32 + counter; counter 0 is the state before the first txn. */
export const EPOCH_BASE = 2 ** 32;
const zx = (i: number): number => EPOCH_BASE + i;
/** Virtual microseconds between two consecutive effect points of the true order. */
const STEP_US = 1000;
const SERVERS = 3;

type WatchClass = 'data' | 'child';
/** A fired watch's event; `by`: the path of the persistent watch it came through (none for a one-shot watch). */
type Pending = { readonly z: number; readonly type: ZkWatchType; readonly path: string; readonly by?: string };

type Session = {
  readonly id: number;
  readonly client: number;
  server: number;
  /** The highest txn index this session's replies or events have reflected. */
  lastSeen: number;
  quota: number;
  endPlanned: boolean;
  ended: boolean;
  readonly watches: Map<string, WatchClass>;
  /** Persistent watches by path (true: recursive). A session that adds them sets no one-shot watch. */
  readonly pws: Map<string, boolean>;
  readonly usesPersistent: boolean;
  /** Fired watches whose event has not been delivered yet. */
  pending: Pending[];
  /** The last op of this session in the chain (for event times). */
  last: Planned | null;
  /** The next op goes out on a new connection (the session's first, or after a reconnect). */
  newConnection: boolean;
};

type Planned = {
  readonly session: Session;
  op: ZkOp | null; // null: an expiry nobody recorded
  readonly effectUs: number;
  outcome: ZkOutcome;
  result: ZkResult | null;
  zxid: number | null;
  readZxid: number | null | undefined;
  server: number;
  /** Watch events delivered just before this reply. */
  events: Pending[];
  invokeUs: number;
  completeUs: number;
  /** A CONNECTED record comes just before this op's invocation. */
  connected: boolean;
};

const ZK_PATHS = ['/a', '/b', '/a/c'];
const KV_PATHS = ['/k0', '/k1', '/k2'];

class Builder {
  readonly rng: Rng;
  /** The persistent watches' own draws, so that a history without them is what it was before they came. */
  readonly prng: Rng;
  readonly model: HistoryModel;
  /** The tree (zk) or registers (kv) after each txn; index 0 is the initial state. */
  readonly trees: Tree[] = [initialTree()];
  readonly kv: KvState[] = [new Map()];
  readonly changes: Change[][] = [[]];
  readonly commitUs: number[] = [0];
  readonly applied: number[] = new Array<number>(SERVERS + 1).fill(0);
  readonly sessions: Session[] = [];
  readonly chains: Planned[][] = [];
  readonly extraEvents: ZkHistoryEvent[] = [];
  /** Full Stat (mzxid, ephemeralOwner) on reads, for this history. */
  readonly stat: boolean;
  /** CONNECTED records (as zabsim's service recorder writes them), for this history. */
  readonly connectedRecords: boolean;
  step = 0;
  dataCounter = 0;

  constructor(seed: number, model: HistoryModel) {
    this.rng = new Rng(seed);
    this.prng = new Rng(seed ^ 0x2545f491);
    this.model = model;
    this.stat = this.rng.chance(0.7);
    this.connectedRecords = model === 'zk' && this.rng.chance(0.5);
  }

  get top(): number {
    return this.trees.length - 1;
  }
  get tree(): Tree {
    return this.trees[this.top]!;
  }

  freshData(): string {
    return `v${++this.dataCounter}`;
  }

  /** Commits one txn of `session` (op or expiry) at `effectUs`; returns its index. */
  commit(op: ZkOp, session: Session, effectUs: number): { index: number; result: ZkResult } {
    const index = this.trees.length;
    if (this.model === 'kv') {
      const { state, result } = applyKv(this.kv[index - 1]!, op, zx(index));
      this.kv.push(state);
      this.trees.push(this.tree);
      this.changes.push([]);
      this.commitUs.push(effectUs);
      return { index, result };
    }
    const { tree, result, changes } = applyWrite(this.tree, op, session.id, zx(index));
    this.trees.push(tree);
    this.kv.push(this.kv[index - 1]!);
    this.changes.push([...changes]);
    this.commitUs.push(effectUs);
    for (const s of this.sessions) this.fireWatches(s, index);
    return { index, result };
  }

  /** Moves the watches of `s` that txn `index` triggers to its pending events (WatchManager.triggerWatch). */
  fireWatches(s: Session, index: number): void {
    if (s.ended) return;
    for (const c of this.changes[index]!) {
      const cls = s.watches.get(c.path);
      if (cls === undefined) continue;
      const fires = cls === 'data' ? c.type !== 'NodeChildrenChanged' : c.type === 'NodeChildrenChanged' || c.type === 'NodeDeleted';
      if (!fires) continue;
      s.watches.delete(c.path);
      s.pending.push({ z: index, type: c.type, path: c.path });
    }
    this.firePersistent(s, index);
  }

  /**
   * The persistent watches of `s` that txn `index` triggers queue an event, one per change (WatchManager's
   * watchers are a Set; each sub-op of a multi triggers on its own): a persistent watch for changes of its
   * path (NodeChildrenChanged included), a recursive one for its path and below but no NodeChildrenChanged
   * (WatchManager.triggerWatch, PathParentIterator). With `only`, the changes that watch alone covers (it was
   * just added: the others queued theirs already).
   */
  firePersistent(s: Session, index: number, only?: string): void {
    if (s.ended || s.pws.size === 0) return;
    for (const c of this.changes[index]!) {
      const by = coveringWatch(s.pws, c.type, c.path);
      if (by === null) continue;
      if (only !== undefined && (!covered(only, s.pws.get(only)!, c.type, c.path) || coveringWatch(s.pws, c.type, c.path, only) !== null)) continue;
      s.pending.push({ z: index, type: c.type, path: c.path, by: only ?? by });
    }
  }

  /** addWatch: registered at `state` (the op's read point); changes committed after it fire at once. */
  addWatch(s: Session, path: string, recursive: boolean, state: number): void {
    if (s.pws.has(path)) return;
    s.pws.set(path, recursive);
    for (let z = state + 1; z <= this.top; z++) this.firePersistent(s, z, path);
    s.pending.sort((x, y) => x.z - y.z);
  }

  /** removeAllWatches(Any): the watch is gone at `state`; what it fired after that state it never fired. */
  removeWatch(s: Session, path: string, state: number): void {
    s.pws.delete(path);
    const out: Pending[] = [];
    for (const e of s.pending) {
      if (e.by !== path || e.z <= state) out.push(e);
      else {
        const other = coveringWatch(s.pws, e.type, e.path);
        if (other !== null) out.push({ ...e, by: other });
      }
    }
    s.pending = out;
  }

  /** Events of `s` up to txn `upTo` are delivered before the reply of `p` (they arrive in zxid order). */
  deliver(s: Session, p: Planned, upTo: number): void {
    const due = s.pending.filter((e) => e.z <= upTo);
    s.pending = s.pending.filter((e) => e.z > upTo);
    p.events.push(...due);
  }

  plan(s: Session, op: ZkOp | null): Planned {
    const p: Planned = {
      session: s,
      op,
      effectUs: STEP_US * ++this.step,
      outcome: 'ok',
      result: null,
      zxid: null,
      readZxid: undefined,
      server: s.server,
      events: [],
      invokeUs: 0,
      completeUs: 0,
      connected: s.newConnection && op !== null,
    };
    if (op !== null) s.newConnection = false;
    this.chains[s.client]!.push(p);
    s.last = p;
    return p;
  }

  /** A session may move to another server (a reconnect); the server must have seen what the session saw. */
  maybeReconnect(s: Session, p: number): void {
    if (!this.rng.chance(p)) return;
    s.server = this.rng.int(1, SERVERS);
    s.newConnection = true;
    this.applied[s.server] = Math.max(this.applied[s.server]!, s.lastSeen);
    if (s.pws.size === 0) return;
    // setWatches2 registers the persistent watches again on a server that has every txn so far (a later one
    // fires there); the events still queued on the old connection are lost with it when the history shows
    // the reconnect (without CONNECTED records it is one connection, and they arrive).
    this.applied[s.server] = this.top;
    if (this.connectedRecords) s.pending = s.pending.filter((e) => e.by === undefined);
  }

  write(s: Session, op: ZkOp): void {
    this.maybeReconnect(s, 0.1);
    const p = this.plan(s, op);
    const roll = this.rng.next();
    const outcome: 'ok' | 'applied' | 'dropped' = roll < 0.74 ? 'ok' : roll < 0.87 ? 'applied' : 'dropped';
    if (outcome === 'dropped') {
      p.outcome = 'info';
      this.maybeReconnect(s, 0.5);
      return;
    }
    const { index, result } = this.commit(op, s, p.effectUs);
    // Conservative: the session's later ops reflect its write even when the reply was lost.
    s.lastSeen = index;
    this.applied[s.server] = Math.max(this.applied[s.server]!, index);
    if (outcome === 'applied') {
      p.outcome = 'info';
      this.maybeReconnect(s, 0.5);
      return;
    }
    p.result = result;
    p.zxid = this.rng.chance(0.6) ? zx(index) : null;
    this.deliver(s, p, index);
  }

  read(s: Session, op: ZkOp): void {
    this.maybeReconnect(s, 0.15);
    const p = this.plan(s, op);
    // (Not a removeWatches: one whose reply was lost is outside the reference, which answers unsupported.)
    if (op.type !== 'removeWatches' && this.rng.chance(0.07)) {
      p.outcome = 'info';
      return;
    }
    const lo = Math.max(this.applied[s.server]!, s.lastSeen);
    const state = op.type === 'sync' || this.rng.chance(0.4) ? this.top : this.rng.int(lo, this.top);
    this.applied[s.server] = state;
    s.lastSeen = state;
    if (op.type === 'sync' || op.type === 'addWatch' || op.type === 'removeWatches') p.result = { rc: 'ok' };
    else if (op.type === 'kvGet') p.result = readKv(this.kv[state]!, op.path);
    else p.result = readTree(this.trees[state]!, op, this.stat);
    p.readZxid = this.rng.chance(0.6) ? zx(state) : undefined;
    this.deliver(s, p, state);
    if (op.type === 'addWatch') this.addWatch(s, op.path, op.mode === 'persistentRecursive', state);
    if (op.type === 'removeWatches') this.removeWatch(s, op.path, state);
    if ((op.type === 'getData' || op.type === 'exists' || op.type === 'getChildren') && op.watch === true && !this.register(s, op, state)) {
      p.op = { type: op.type, path: op.path }; // one watch per path and session: this read sets none
    }
  }

  /**
   * Registers a watch set by a read at `state`; a change already committed after `state` fires it at once.
   * False when the session already has a watch (held or fired, not yet delivered) on the path: the
   * generator keeps one per path, so that one txn never gives a session two events.
   */
  register(s: Session, op: ZkOp & { path: string }, state: number): boolean {
    if (s.watches.has(op.path) || s.pending.some((e) => e.path === op.path)) return false;
    // DataTree.getData / getChildren throw NoNode before adding the watch; exists always adds one.
    if (op.type !== 'exists' && !this.trees[state]!.has(op.path)) return true;
    s.watches.set(op.path, op.type === 'getChildren' ? 'child' : 'data');
    for (let z = state + 1; z <= this.top && s.watches.has(op.path); z++) this.fireWatches(s, z);
    return true;
  }

  /** Ends a session: a recorded closeSession (reply ok or lost) or an expiry by the leader with no op record. */
  end(s: Session): void {
    // A session's own watches vanish with it; a close that would trigger one of them is made an expiry
    // instead (no reply of that session can then reflect the change).
    const dryRun = applyWrite(this.tree, { type: 'closeSession' }, s.id, 0).changes;
    const wouldFireOwn = dryRun.some((c) => s.watches.has(c.path) || coveringWatch(s.pws, c.type, c.path) !== null);
    const roll = this.rng.next();
    const kind = wouldFireOwn || roll < 0.35 ? 'expire' : roll < 0.75 ? 'close' : roll < 0.88 ? 'closeLost' : 'closeDropped';
    s.watches.clear();
    s.pws.clear();
    if (kind === 'expire' || kind === 'closeDropped') {
      if (kind === 'closeDropped') {
        const p = this.plan(s, { type: 'closeSession' });
        p.outcome = 'info';
      }
      const p = this.plan(s, null);
      const { index } = this.commit({ type: 'closeSession' }, s, p.effectUs);
      s.ended = true;
      this.recordEnd(s, index, p.effectUs, true);
      return;
    }
    const p = this.plan(s, { type: 'closeSession' });
    const { index, result } = this.commit({ type: 'closeSession' }, s, p.effectUs);
    s.ended = true;
    this.applied[s.server] = Math.max(this.applied[s.server]!, index);
    if (kind === 'closeLost') p.outcome = 'info';
    else {
      p.result = result;
      p.zxid = this.rng.chance(0.5) ? zx(index) : null;
      this.deliver(s, p, index);
    }
    this.recordEnd(s, index, p.effectUs, false);
  }

  recordEnd(s: Session, index: number, effectUs: number, expired: boolean): void {
    if (this.rng.chance(0.4)) {
      this.extraEvents.push({
        kind: 'session',
        client: null,
        session: s.id,
        server: null,
        state: 'ENDED',
        atUs: effectUs + this.rng.int(1, 300),
        zxid: zx(index),
      });
    }
    if (expired && this.rng.chance(0.3)) {
      this.extraEvents.push({ kind: 'session', client: s.client, session: s.id, server: s.server, state: 'EXPIRED', atUs: effectUs + this.rng.int(301, 600) });
    }
  }

  // ---------------------------------------------------------------- choosing ops

  version(path: string): number {
    const node = this.tree.get(path);
    const r = this.rng.next();
    if (node === undefined || r < 0.4) return -1;
    return r < 0.8 ? node.version : node.version + this.rng.pick([-1, 1, 2]);
  }

  userPaths(): string[] {
    return [...this.tree.keys()].filter((p) => p !== '/' && !p.startsWith('/zookeeper'));
  }

  treeWrite(inMulti: boolean): ZkOp {
    const r = this.rng.next();
    const existing = this.userPaths();
    if (r < 0.4 || existing.length === 0) {
      if (this.rng.chance(0.2)) {
        const mode = this.rng.chance(0.5) ? 'persistentSequential' : 'ephemeralSequential';
        return { type: 'create', path: '/a/s-', data: this.freshData(), mode };
      }
      const absent = ZK_PATHS.filter((p) => !this.tree.has(p));
      const path = absent.length > 0 && this.rng.chance(0.8) ? this.rng.pick(absent) : this.rng.pick(ZK_PATHS);
      const mode = path !== '/a' && this.rng.chance(0.4) ? 'ephemeral' : 'persistent';
      return { type: 'create', path, data: this.freshData(), mode };
    }
    const path = this.rng.chance(0.85) ? this.rng.pick(existing) : this.rng.pick(ZK_PATHS);
    if (r < 0.75) return { type: 'setData', path, data: this.freshData(), version: this.version(path) };
    if (inMulti && r < 0.85) return { type: 'check', path, version: this.version(path) };
    return { type: 'delete', path, version: this.version(path) };
  }

  zkWrite(): ZkOp {
    if (!this.rng.chance(0.18)) return this.treeWrite(false);
    const n = this.rng.int(2, 3);
    return { type: 'multi', ops: Array.from({ length: n }, () => this.treeWrite(true)) };
  }

  zkRead(s: Session): ZkOp {
    const pr = this.prng;
    if (s.usesPersistent && pr.chance(0.35)) {
      // removeAllWatches(Any) of a held watch sometimes; else addWatch on a path, in the mode it has if held.
      const held = [...s.pws.keys()];
      if (held.length > 0 && pr.chance(0.25)) return { type: 'removeWatches', path: pr.pick(held), watcherType: 'any', local: false, all: true };
      const path = pr.pick(['/', '/a', '/a', '/b', '/a/c']);
      const recursive = s.pws.get(path) ?? pr.chance(0.5);
      return { type: 'addWatch', path, mode: recursive ? 'persistentRecursive' : 'persistent' };
    }
    const op = this.zkReadOnly();
    // (A session with persistent watches sets no one-shot ones: 3.8 keeps one mode per path.)
    return s.usesPersistent && 'watch' in op ? { type: op.type, path: op.path } : op;
  }

  zkReadOnly(): ZkOp & { type: 'getData' | 'exists' | 'getChildren' | 'sync'; path: string; watch?: boolean } {
    const r = this.rng.next();
    if (r < 0.05) return { type: 'sync', path: '/' };
    const user = this.userPaths();
    const path = this.rng.chance(0.8) && user.length > 0 ? this.rng.pick(user) : this.rng.pick(ZK_PATHS);
    const watch = this.rng.chance(0.35);
    if (r < 0.25) return watch ? { type: 'getChildren', path: this.rng.pick(['/', '/a']), watch } : { type: 'getChildren', path: this.rng.pick(['/', '/a']) };
    const type = r < 0.65 ? 'getData' : 'exists';
    return watch ? { type, path, watch } : { type, path };
  }

  kvWrite(): ZkOp {
    const path = this.rng.pick(KV_PATHS.slice(0, 2 + (this.rng.chance(0.3) ? 1 : 0)));
    if (this.rng.chance(0.5)) return { type: 'kvSet', path, data: this.freshData() };
    const current = this.kv[this.top]!.get(path)?.version ?? -1;
    const version = this.rng.chance(0.6) ? current : this.rng.pick([-1, 0, 1, 2]);
    return { type: 'kvCas', path, data: this.freshData(), version };
  }
}

const under = (q: string, base: string): boolean => base === '/' || q === base || q.startsWith(`${base}/`);

/** The persistent watch (its path) that delivers a change of `type` on `path`, or null. */
function coveringWatch(pws: ReadonlyMap<string, boolean>, type: ZkWatchType, path: string, except?: string): string | null {
  for (const [base, recursive] of pws) if (base !== except && covered(base, recursive, type, path)) return base;
  return null;
}

function covered(base: string, recursive: boolean, type: ZkWatchType, path: string): boolean {
  return recursive ? type !== 'NodeChildrenChanged' && under(path, base) : path === base;
}

/** Picks the counts, runs the true order, then gives every op and event its times. */
export function generateHistory(seed: number, model: HistoryModel = new Rng(seed ^ 0x5bd1e995).chance(0.3) ? 'kv' : 'zk'): Generated {
  const b = new Builder(seed, model);
  const rng = b.rng;
  const nClients = rng.int(1, 3);
  const nSessions = model === 'kv' ? nClients : rng.int(nClients, 4);
  // Ends are decided first: a closeSession is an op of its own, and all records stay within 14.
  const clientOf = Array.from({ length: nSessions }, (_, i) => (i < nClients ? i + 1 : rng.int(1, nClients)));
  const lastOfClient = clientOf.map((c, i) => clientOf.lastIndexOf(c) === i);
  const endPlanned = lastOfClient.map((last) => model === 'zk' && (!last || rng.chance(0.3)));
  const ends = endPlanned.filter((e) => e).length;
  const nOps = rng.int(Math.max(6, nSessions), 14 - ends);
  // About 8 txns in all (writes and session ends, each of which may become two candidates): what a brute-force checker can take.
  let writesLeft = rng.int(4, Math.min(8, nOps - 2, Math.max(4, 9 - ends)));
  let readsLeft = nOps - writesLeft;
  const byClient: Session[][] = Array.from({ length: nClients + 1 }, () => []);
  for (let i = 0; i < nSessions; i++) {
    const client = clientOf[i]!;
    const s: Session = {
      id: model === 'kv' ? 0 : 1000 + i + 1,
      client,
      server: rng.int(1, SERVERS),
      lastSeen: 0,
      quota: 1,
      endPlanned: endPlanned[i]!,
      ended: false,
      watches: new Map(),
      pws: new Map(),
      usesPersistent: model === 'zk' && b.prng.chance(0.3),
      pending: [],
      last: null,
      newConnection: true,
    };
    b.sessions.push(s);
    byClient[client]!.push(s);
  }
  for (let i = nSessions; i < nOps; i++) rng.pick(b.sessions).quota++;
  for (let c = 0; c <= nClients; c++) b.chains.push([]);
  const current = byClient.map(() => 0);

  for (;;) {
    const live = byClient.map((list, c) => ({ c, s: list[current[c]!] })).filter((x) => x.s !== undefined && (x.s.quota > 0 || (x.s.endPlanned && !x.s.ended)));
    if (live.length === 0) break;
    const { c, s } = rng.pick(live) as { c: number; s: Session };
    if (s.quota === 0) {
      b.end(s);
      current[c]!++;
      continue;
    }
    s.quota--;
    const writing = writesLeft > 0 && (readsLeft === 0 || rng.next() < writesLeft / (writesLeft + readsLeft));
    if (writing) {
      writesLeft--;
      b.write(s, model === 'kv' ? b.kvWrite() : b.zkWrite());
    } else {
      readsLeft--;
      b.read(s, model === 'kv' ? { type: 'kvGet', path: rng.pick(KV_PATHS.slice(0, 2)) } : b.zkRead(s));
    }
    if (s.quota === 0 && !s.endPlanned) current[c]!++;
  }
  const history = assemble(b, seed);
  return { seed, model, history, ndjson: formatNdjsonHistory(history) };
}

/** Times: between two effect points of one client, its reply comes first, then its next invocation. */
function assignTimes(b: Builder): void {
  for (const chain of b.chains) {
    for (let i = 0; i < chain.length; i++) {
      const p = chain[i]!;
      const next = chain[i + 1]?.effectUs ?? p.effectUs + STEP_US;
      const lo = p.effectUs + 5;
      const hi = next - 5;
      const a = b.rng.int(lo, hi - 10);
      p.completeUs = a;
      if (i === 0) p.invokeUs = p.effectUs - b.rng.int(5, 900);
      const following = chain[i + 1];
      if (following !== undefined) following.invokeUs = b.rng.int(a + 5, hi);
    }
  }
}

/** Increasing times in (lo, hi) exclusive, as spread as the range allows. */
function timesBetween(rng: Rng, lo: number, hi: number, n: number): number[] {
  const out: number[] = [];
  for (let k = 0; k < n; k++) out.push(rng.int(lo + 1, Math.max(lo + 1, hi - 1)));
  return out.sort((x, y) => x - y);
}

function assemble(b: Builder, seed: number): ZkHistory {
  assignTimes(b);
  const rng = b.rng;
  const events: { e: ZkHistoryEvent; order: number }[] = [];
  const watchEvent = (s: Session, e: Pending, atUs: number, server: number): ZkHistoryEvent => ({
    kind: 'watch',
    client: s.client,
    session: s.id,
    server,
    type: e.type,
    path: e.path,
    zxid: zx(e.z),
    atUs,
  });
  const prevOfSession = new Map<Session, number>();
  for (const chain of b.chains) {
    for (const p of chain) {
      if (p.events.length > 0) {
        // On a new connection they come from its server, after its CONNECTED record (placed before the op's
        // invocation, below): not before the op is sent (the session's info ops before it set no floor).
        const floor = b.connectedRecords && p.connected ? p.invokeUs : 0;
        const lo = Math.max(b.commitUs[Math.max(...p.events.map((e) => e.z))]!, prevOfSession.get(p.session) ?? 0, floor);
        const times = timesBetween(rng, lo, p.completeUs, p.events.length);
        p.events.sort((x, y) => x.z - y.z).forEach((e, k) => events.push({ e: watchEvent(p.session, e, times[k]!, p.server), order: 0 }));
      }
      if (p.outcome === 'ok') prevOfSession.set(p.session, p.completeUs);
    }
  }
  // Events still pending for a live session may have arrived after its last reply.
  for (const s of b.sessions) {
    if (s.ended || s.pending.length === 0 || !rng.chance(0.5)) continue;
    const lo = Math.max(s.last?.completeUs ?? 0, b.commitUs[Math.max(...s.pending.map((e) => e.z))]!);
    const times = timesBetween(rng, lo, lo + 400, s.pending.length);
    s.pending.sort((x, y) => x.z - y.z).forEach((e, k) => events.push({ e: watchEvent(s, e, times[k]!, s.server), order: 0 }));
  }
  for (const e of b.extraEvents) events.push({ e, order: 0 });
  if (b.connectedRecords) {
    for (const chain of b.chains) {
      chain.forEach((p, i) => {
        if (!p.connected) return;
        const before = i === 0 ? Math.max(0, p.invokeUs - 50) : chain[i - 1]!.completeUs;
        const atUs = rng.int(before + 1, Math.max(before + 1, p.invokeUs - 1));
        events.push({ e: { kind: 'session', client: p.session.client, session: p.session.id, server: p.server, state: 'CONNECTED', atUs }, order: 0 });
      });
    }
    // A reconnect after a live session's last op (its reply lost: maybeReconnect after an `info` write) is
    // seen by the client too (ClientCnxn.SendThread.onConnected queues SyncConnected before it reads
    // anything from the new server), and the recorder writes every state change it sees: a history with
    // CONNECTED records shows it, before the events that came from the new server (above: after the last
    // op's end). Without it the session's events switched servers on what reads as one connection, and a
    // delivery the old connection lost looked owed there (generateWithAcls(885455763), which the reference
    // rightly rejected). No draw: every other history stays byte for byte what it was.
    for (const s of b.sessions) {
      if (!s.newConnection || s.ended || s.last === null) continue;
      const atUs = s.last.completeUs;
      events.push({ e: { kind: 'session', client: s.client, session: s.id, server: s.server, state: 'CONNECTED', atUs }, order: 0 });
    }
  }

  const planned = b.chains.flat().filter((p) => p.op !== null);
  planned.sort((x, y) => x.invokeUs - y.invokeUs || x.effectUs - y.effectUs);
  // Observation order (the recorder's seq): replies and events by time; an event delivered before a reply
  // at the same microsecond comes first.
  type Obs = { atUs: number; rank: number; set: (seq: number) => void };
  const observations: Obs[] = [];
  const seqOf = new Map<Planned, number>();
  for (const p of planned) if (p.outcome !== 'info') observations.push({ atUs: p.completeUs, rank: 1, set: (q) => seqOf.set(p, q) });
  const eventSeq = new Map<ZkHistoryEvent, number>();
  for (const { e } of events) observations.push({ atUs: e.atUs, rank: 0, set: (q) => eventSeq.set(e, q) });
  observations.sort((x, y) => x.atUs - y.atUs || x.rank - y.rank).forEach((o, i) => o.set(i));

  const ops: ZkHistoryOp[] = planned.map((p, id) => {
    const info = p.outcome === 'info';
    const base = {
      kind: 'op' as const,
      id,
      client: p.session.client,
      session: b.model === 'kv' ? null : p.session.id,
      server: p.server,
      op: p.op!,
      invokeUs: p.invokeUs,
      completeUs: info ? null : p.completeUs,
      outcome: p.outcome,
      result: info ? null : p.result,
      zxid: info ? null : p.zxid,
    };
    const withRead = p.readZxid === undefined || info ? base : { ...base, readZxid: p.readZxid };
    return info ? withRead : { ...withRead, completeSeq: seqOf.get(p)! };
  });
  const sortedEvents = events
    .map(({ e }) => ({ ...e, seq: eventSeq.get(e)! }))
    .sort((x, y) => x.seq - y.seq)
    .map((e): ZkHistoryEvent => e);
  const header = { kind: 'header' as const, version: 1 as const, generator: 'test/reference/generate.ts', seed, model: b.model };
  return sortedEvents.length === 0 ? { header, ops } : { header, ops, events: sortedEvents };
}
