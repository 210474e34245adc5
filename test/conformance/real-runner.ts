// Runs one op sequence against the real ZooKeeper ensemble, following the replay protocol in
// types.ts (fresh root per sequence, zxids relative to the root's czxid, all sessions on one server
// or each slot on its own, pipelined batches sent back to back, a read round trip per open session
// after each op or batch to collect watch events, with a sync first when the slots are spread).

import type { Ensemble } from './ensemble.js';
import type { AclEntry, MultiSubResult, Op, OpResult, OpValue, RecordedResult, RecordedSequence, RecStat, Slot, SlotRole, WatchEventRec } from './types.js';
import { batches } from './types.js';
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
  /** Server id (1..3) every session of this sequence connects to (unless `slotRoles` is given). */
  server: number;
  /** Spread: slot 0 and slot 1 on the servers with these roles at the start of the sequence. */
  slotRoles?: [SlotRole, SlotRole];
  index?: number;
  sessionTimeoutMs?: number;
}

class Slots {
  readonly clients: [ZkClient | undefined, ZkClient | undefined] = [undefined, undefined];
  readonly events: [WatchEventRec[], WatchEventRec[]] = [[], []];
  readonly sessions: { slot: Slot; id: string }[] = [];
  /** One watcher function per session so repeated registrations dedupe like Java's. */
  readonly watchers: [((e: ZkWatchEvent) => void) | undefined, ((e: ZkWatchEvent) => void) | undefined] = [undefined, undefined];

  readonly connectStrings: [string, string];
  readonly sessionTimeoutMs: number;
  readonly rel: (abs: string) => string;

  constructor(connectStrings: [string, string], sessionTimeoutMs: number, rel: (abs: string) => string) {
    this.connectStrings = connectStrings;
    this.sessionTimeoutMs = sessionTimeoutMs;
    this.rel = rel;
  }

  async open(slot: Slot): Promise<ZkClient> {
    const c = await ZkClient.connect(this.connectStrings[slot], { sessionTimeout: this.sessionTimeoutMs });
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

  /**
   * A read round trip on every open session: flushes watch events sent before it. With `sync` (the
   * slots on different servers), a sync first, so each server has applied what the leader committed.
   */
  async barrier(root: string, sync: boolean): Promise<void> {
    await Promise.all(
      this.clients.map(async (c) => {
        if (c === undefined || c.closed) return;
        if (sync) await c.sync(root);
        await c.exists(root);
      }),
    );
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
  const ids: [number, number] =
    opts.slotRoles === undefined ? [opts.server, opts.server] : [serverWithRole(modes, opts.slotRoles[0]), serverWithRole(modes, opts.slotRoles[1])];
  const serverMode = modes[ids[0] - 1] ?? 'unavailable';
  const spread = ids[0] !== ids[1];
  const slots = new Slots([ensemble.connectStringFor(ids[0]), ensemble.connectStringFor(ids[1])], opts.sessionTimeoutMs ?? SESSION_TIMEOUT_MS, rel);
  try {
    const s0 = await slots.open(0);
    await slots.open(1);
    const rootRes = await s0.create(root, Buffer.alloc(0), OPEN_ACL, 'persistent');
    if (!rootRes.ok) throw new Error(`cannot create sequence root ${root}: ${rootRes.name}`);
    const rootStat = await s0.exists(root);
    if (!rootStat.ok || rootStat.value === null) throw new Error(`sequence root ${root} vanished`);
    const base = rootStat.value.czxid;
    // Slot 1's server may not have applied the root's create yet when it sits elsewhere.
    if (spread) await slots.barrier(root, true);

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
    for (const [from, to] of batches(ops)) {
      const batch = ops.slice(from, to);
      const slot = batch[0]?.s ?? 0;
      if (batch.some((o) => o.s !== slot || (o.kind === 'close' && batch.length > 1))) throw new Error(`batch at op ${from} mixes slots or holds a close`);
      const c = await slots.get(slot);
      // Every request of the batch is queued before the first reply is awaited: several in flight.
      const answers = await Promise.all(batch.map((op) => runOpRefusals(runOp(slots, c, op, abs, rel, stat))));
      await slots.barrier(root, spread);
      const events = slots.take();
      answers.forEach((result, k) => results.push({ i: from + k, result, events: k === answers.length - 1 ? events : [[], []] }));
    }
    return {
      index: opts.index ?? 0,
      root,
      server: ids[0],
      serverMode,
      ...(opts.slotRoles === undefined ? {} : { slotRoles: opts.slotRoles }),
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

/** The server that has `role` in `modes` (followers numbered by server id). */
export function serverWithRole(modes: readonly string[], role: SlotRole): number {
  const followers = modes.flatMap((m, i) => (m === 'follower' ? [i + 1] : []));
  const id = role === 'leader' ? modes.indexOf('leader') + 1 : followers[role === 'follower1' ? 0 : 1];
  if (id === undefined || id === 0) throw new Error(`no ${role} among server modes ${modes.join(',')}`);
  return id;
}

/**
 * node-zookeeper-client refuses an invalid path before sending (Path.validate throws an
 * AssertionError), as the Java client does (PathUtils.validatePath throws IllegalArgumentException).
 * Recorded as BADARGUMENTS, which is what zabsim's client completes such a call with, never sent.
 */
async function runOpRefusals(p: Promise<OpResult>): Promise<OpResult> {
  try {
    return await p;
  } catch (e) {
    if (e instanceof Error && e.name === 'AssertionError' && e.message.startsWith('Node path')) return { ok: false, code: -8, name: 'BADARGUMENTS' };
    throw e;
  }
}

function lift<T>(r: ZkResult<T>, f: (v: T) => OpValue): OpResult {
  return r.ok ? { ok: true, value: f(r.value) } : { ok: false, code: r.code, name: r.name };
}

async function runOp(
  slots: Slots,
  c: ZkClient,
  op: Op,
  abs: (p: string) => string,
  rel: (p: string) => string,
  stat: (s: ZkStat) => RecStat,
): Promise<OpResult> {
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
    case 'sync':
      return lift(await c.sync(abs(op.path)), () => ({ kind: 'sync' }));
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
