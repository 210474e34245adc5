// Runs one op sequence against the real ZooKeeper ensemble, following the replay protocol in
// types.ts (fresh root per sequence, zxids relative to the root's czxid, all sessions on one
// server, a read round trip per open session after each op to collect watch events).

import type { Ensemble } from './ensemble.js';
import type { AclEntry, MultiSubResult, Op, OpResult, OpValue, RecordedResult, RecordedSequence, RecStat, Slot, WatchEventRec } from './types.js';
import type { ZkMultiOp, ZkMultiOpResult, ZkResult, ZkStat, ZkWatchEvent } from './zk-client.js';
import { ZkClient } from './zk-client.js';

export const SESSION_TIMEOUT_MS = 10_000;

const OPEN_ACL: AclEntry[] = [{ perms: 31, scheme: 'world', id: 'anyone' }];

function hex(id: bigint): string {
  return `0x${id.toString(16)}`;
}

export interface RunOptions {
  /** Absolute root for this sequence, e.g. '/t17'. Must not exist yet. */
  root: string;
  /** Server id (1..3) every session of this sequence connects to. */
  server: number;
  index?: number;
  sessionTimeoutMs?: number;
}

class Slots {
  readonly clients: [ZkClient | undefined, ZkClient | undefined] = [undefined, undefined];
  readonly events: [WatchEventRec[], WatchEventRec[]] = [[], []];
  readonly sessions: { slot: Slot; id: string }[] = [];
  /** One watcher function per session so repeated registrations dedupe like Java's. */
  readonly watchers: [((e: ZkWatchEvent) => void) | undefined, ((e: ZkWatchEvent) => void) | undefined] = [undefined, undefined];

  readonly connectString: string;
  readonly sessionTimeoutMs: number;
  readonly rel: (abs: string) => string;

  constructor(connectString: string, sessionTimeoutMs: number, rel: (abs: string) => string) {
    this.connectString = connectString;
    this.sessionTimeoutMs = sessionTimeoutMs;
    this.rel = rel;
  }

  async open(slot: Slot): Promise<ZkClient> {
    const c = await ZkClient.connect(this.connectString, { sessionTimeout: this.sessionTimeoutMs });
    this.clients[slot] = c;
    this.sessions.push({ slot, id: hex(c.sessionId) });
    const sink = this.events[slot];
    this.watchers[slot] = (e: ZkWatchEvent) => sink.push({ type: e.type, path: this.rel(e.path) });
    return c;
  }

  async get(slot: Slot): Promise<ZkClient> {
    const c = this.clients[slot];
    return c !== undefined && !c.closed ? c : this.open(slot);
  }

  watcher(slot: Slot): (e: ZkWatchEvent) => void {
    const w = this.watchers[slot];
    if (w === undefined) throw new Error('watcher before open');
    return w;
  }

  /** A read round trip on every open session: flushes watch events sent before it. */
  async barrier(root: string): Promise<void> {
    await Promise.all(this.clients.map((c) => (c !== undefined && !c.closed ? c.exists(root) : undefined)));
  }

  take(): [WatchEventRec[], WatchEventRec[]] {
    const out: [WatchEventRec[], WatchEventRec[]] = [this.events[0].splice(0), this.events[1].splice(0)];
    return out;
  }

  async closeAll(): Promise<void> {
    await Promise.all(this.clients.map((c) => c?.close()));
  }
}

/** Runs `ops` under `opts.root` and records one RecordedResult per op. */
export async function runSequence(ensemble: Ensemble, ops: readonly Op[], opts: RunOptions): Promise<RecordedSequence> {
  const t0 = Date.now();
  const root = opts.root;
  if (!/^\/[A-Za-z0-9_-]+$/.test(root)) throw new Error(`bad root ${root}`);
  const abs = (p: string): string => (p === '/' ? root : root + p);
  const rel = (p: string): string => (p === root ? '/' : p.startsWith(`${root}/`) ? p.slice(root.length) : `<outside>${p}`);

  const modes = await ensemble.modes();
  const serverMode = modes[opts.server - 1] ?? 'unavailable';
  const slots = new Slots(ensemble.connectStringFor(opts.server), opts.sessionTimeoutMs ?? SESSION_TIMEOUT_MS, rel);
  try {
    const s0 = await slots.open(0);
    await slots.open(1);
    const rootRes = await s0.create(root, Buffer.alloc(0), OPEN_ACL, 'persistent');
    if (!rootRes.ok) throw new Error(`cannot create sequence root ${root}: ${rootRes.name}`);
    const rootStat = await s0.exists(root);
    if (!rootStat.ok || rootStat.value === null) throw new Error(`sequence root ${root} vanished`);
    const base = rootStat.value.czxid;

    const stat = (s: ZkStat): RecStat => ({
      czxid: Number(s.czxid - base),
      mzxid: Number(s.mzxid - base),
      pzxid: Number(s.pzxid - base),
      ctime: s.ctime,
      mtime: s.mtime,
      version: s.version,
      cversion: s.cversion,
      aversion: s.aversion,
      ephemeralOwner: s.ephemeralOwner === 0n ? 0 : hex(s.ephemeralOwner),
      dataLength: s.dataLength,
      numChildren: s.numChildren,
    });

    const results: RecordedResult[] = [];
    for (let i = 0; i < ops.length; i++) {
      const op = ops[i];
      if (op === undefined) continue;
      const result = await runOp(slots, op, abs, rel, stat);
      await slots.barrier(root);
      results.push({ i, result, events: slots.take() });
    }
    return {
      index: opts.index ?? 0,
      root,
      server: opts.server,
      serverMode,
      baseZxid: hex(base),
      sessions: slots.sessions,
      ops: [...ops],
      results,
      durationMs: Date.now() - t0,
    };
  } finally {
    await slots.closeAll();
  }
}

function lift<T>(r: ZkResult<T>, f: (v: T) => OpValue): OpResult {
  return r.ok ? { ok: true, value: f(r.value) } : { ok: false, code: r.code, name: r.name };
}

async function runOp(slots: Slots, op: Op, abs: (p: string) => string, rel: (p: string) => string, stat: (s: ZkStat) => RecStat): Promise<OpResult> {
  const c = await slots.get(op.s);
  const w = (watch: boolean): ((e: ZkWatchEvent) => void) | undefined => (watch ? slots.watcher(op.s) : undefined);
  switch (op.kind) {
    case 'create':
      return lift(await c.create(abs(op.path), Buffer.from(op.data), op.acl, op.mode), (p) => ({
        kind: 'create',
        path: rel(p),
      }));
    case 'delete':
      return lift(await c.delete(abs(op.path), op.version), () => ({ kind: 'delete' }));
    case 'setData':
      return lift(await c.setData(abs(op.path), Buffer.from(op.data), op.version), (s) => ({
        kind: 'setData',
        stat: stat(s),
      }));
    case 'getData':
      return lift(await c.getData(abs(op.path), w(op.watch)), (v) => ({
        kind: 'getData',
        data: v.data.toString('utf8'),
        stat: stat(v.stat),
      }));
    case 'exists':
      return lift(await c.exists(abs(op.path), w(op.watch)), (s) => ({
        kind: 'exists',
        stat: s === null ? null : stat(s),
      }));
    case 'getChildren':
      return lift(await c.getChildren(abs(op.path), w(op.watch)), (v) => ({
        kind: 'getChildren',
        children: v.children,
        stat: stat(v.stat),
      }));
    case 'getACL':
      return lift(await c.getACL(abs(op.path)), (v) => ({
        kind: 'getACL',
        acl: v.acl.map((a) => ({ perms: a.perms, scheme: a.scheme as AclEntry['scheme'], id: a.id })),
        stat: stat(v.stat),
      }));
    case 'setACL':
      return lift(await c.setACL(abs(op.path), op.acl, op.version), (s) => ({ kind: 'setACL', stat: stat(s) }));
    case 'addAuth':
      return lift(c.addAuthInfo(op.scheme, op.auth), () => ({ kind: 'addAuth' }));
    case 'addWatch':
      return lift(await c.addWatch(abs(op.path), op.mode, slots.watcher(op.s)), () => ({ kind: 'addWatch' }));
    case 'removeWatches':
      return lift(await c.removeWatches(abs(op.path), op.type, op.all), () => ({ kind: 'removeWatches' }));
    case 'close':
      await c.close();
      return { ok: true, value: { kind: 'close' } };
    case 'multi': {
      const zops: ZkMultiOp[] = op.ops.map((o) => {
        switch (o.op) {
          case 'create':
            return { op: 'create', path: abs(o.path), data: Buffer.from(o.data), acl: o.acl, mode: o.mode };
          case 'delete':
            return { op: 'delete', path: abs(o.path), version: o.version };
          case 'setData':
            return { op: 'setData', path: abs(o.path), data: Buffer.from(o.data), version: o.version };
          case 'check':
            return { op: 'check', path: abs(o.path), version: o.version };
        }
      });
      const r = await c.multi(zops);
      const sub = (x: ZkMultiOpResult): MultiSubResult => {
        switch (x.op) {
          case 'create':
            return { op: 'create', path: rel(x.path) };
          case 'setData':
            return { op: 'setData', stat: stat(x.stat) };
          case 'error':
            return { op: 'error', code: x.code };
          default:
            return { op: x.op };
        }
      };
      if (r.ok) return { ok: true, value: { kind: 'multi', results: r.value.map(sub) } };
      return r.results === undefined ? { ok: false, code: r.code, name: r.name } : { ok: false, code: r.code, name: r.name, multi: r.results.map(sub) };
    }
  }
}
