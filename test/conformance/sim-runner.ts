// Runs one conformance op sequence against zabsim: a simulated 3-server ensemble with the ZooKeeper
// state machine, driven through zabsim's client library (protocol/client/zk-client.ts), following the
// replay protocol of types.ts step by step (each op awaited, then a read round trip per open session to
// flush watch events). Produces the same RecordedSequence shape as real-runner.ts.
import type { NodeId } from '../../protocol/program.js';
import type { ZkCommand, ZkCompletion } from '../../protocol/client/zk-client.js';
import { errorNumber, type Acl, type CreateMode as TreeCreateMode, type Stat, type WriteOp } from '../../protocol/tree/index.js';
import type { ZkOpResult, ZkResponse } from '../../protocol/service/types.js';
import { ServiceHarness, serviceOptions } from '../../sim/service/run.js';
import type {
  AclEntry,
  CreateMode,
  MultiSubOp,
  MultiSubResult,
  Op,
  OpResult,
  RecordedResult,
  RecordedSequence,
  RecStat,
  Slot,
  WatchEventRec,
} from './types.js';

export const SIM_SESSION_TIMEOUT_MS = 10_000;

const MODES: Record<CreateMode, TreeCreateMode> = {
  persistent: 'PERSISTENT',
  ephemeral: 'EPHEMERAL',
  persistent_sequential: 'PERSISTENT_SEQUENTIAL',
  ephemeral_sequential: 'EPHEMERAL_SEQUENTIAL',
};

function aclOf(entries: readonly AclEntry[]): Acl[] {
  return entries.map((e) => ({ perms: e.perms, id: { scheme: e.scheme, id: e.id } }));
}

function hex(id: number): string {
  return `0x${id.toString(16)}`;
}

export interface SimRunOptions {
  root: string;
  /** 'leader' puts the sessions on the simulated leader, anything else on a follower. */
  serverMode: string;
  seed?: string;
  index?: number;
}

export function runSequenceSim(ops: readonly Op[], opts: SimRunOptions): RecordedSequence {
  const root = opts.root;
  const abs = (p: string): string => (p === '/' ? root : root + p);
  const rel = (p: string): string => (p === root ? '/' : p.startsWith(`${root}/`) ? p.slice(root.length) : `<outside>${p}`);
  const h = new ServiceHarness(serviceOptions(opts.seed ?? `conformance-${opts.index ?? 0}`, { clients: 0, sessionTimeoutMs: SIM_SESSION_TIMEOUT_MS }));
  if (!h.runUntil(() => h.activeLeader() !== undefined && h.servers.every((id) => h.server(id)?.phase === 'BROADCAST'), 60_000)) throw new Error('no ensemble');
  const leader = h.activeLeader() as NodeId;
  const server = opts.serverMode === 'leader' ? leader : (h.servers.find((id) => id !== leader) as NodeId);

  const clients: [NodeId | undefined, NodeId | undefined] = [undefined, undefined];
  const sessions: { slot: Slot; id: string }[] = [];
  /** Where each slot's watch observations were read up to. */
  const seen = [0, 0];
  const open = (slot: Slot): NodeId => {
    const id = h.addClient([server]);
    if (!h.runUntil(() => h.connectedState(id) === 'CONNECTED', 30_000)) throw new Error(`slot ${slot}: no session`);
    clients[slot] = id;
    sessions.push({ slot, id: hex(h.client(id)?.sessionId ?? 0) });
    seen[slot] = h.observed.length;
    return id;
  };
  const get = (slot: Slot): NodeId => {
    const id = clients[slot];
    return id !== undefined && h.connectedState(id) === 'CONNECTED' ? id : open(slot);
  };
  const call = (client: NodeId, cmd: ZkCommand): ZkCompletion => {
    const done = h.callAndWait(client, cmd, 60_000);
    if (done === undefined) throw new Error(`no completion for ${cmd.type}`);
    return done.result as ZkCompletion;
  };

  open(0);
  open(1);
  const c0 = clients[0] as NodeId;
  const made = call(c0, { type: 'create', path: root, data: '', acl: aclOf([{ perms: 31, scheme: 'world', id: 'anyone' }]), mode: 'PERSISTENT', stat: true });
  if (made.err !== 'OK' || made.response?.type !== 'create' || made.response.stat === undefined) throw new Error(`cannot create root: ${made.err}`);
  const base = made.response.stat.czxid;
  const stat = (s: Stat): RecStat => ({
    czxid: s.czxid - base,
    mzxid: s.mzxid - base,
    pzxid: s.pzxid - base,
    ctime: s.ctime,
    mtime: s.mtime,
    version: s.version,
    cversion: s.cversion,
    aversion: s.aversion,
    ephemeralOwner: s.ephemeralOwner === 0 ? 0 : hex(s.ephemeralOwner),
    dataLength: s.dataLength,
    numChildren: s.numChildren,
  });
  /** The client whose events a slot reports: its current one, or the one just closed. */
  const eventClient: [NodeId | undefined, NodeId | undefined] = [undefined, undefined];
  const takeEvents = (slot: Slot): WatchEventRec[] => {
    const id = clients[slot] ?? eventClient[slot];
    const out: WatchEventRec[] = [];
    for (let i = seen[slot] ?? 0; i < h.observed.length; i++) {
      const o = h.observed[i];
      if (o !== undefined && o.node === id && o.what.kind === 'watch') out.push({ type: o.what.type as WatchEventRec['type'], path: rel(o.what.path) });
    }
    seen[slot] = h.observed.length;
    return out;
  };

  const results: RecordedResult[] = [];
  for (let i = 0; i < ops.length; i++) {
    const op = ops[i] as Op;
    const client = get(op.s);
    eventClient[op.s] = client;
    const result = runOp(op, client, call, abs, rel, stat);
    if (op.kind === 'close') clients[op.s] = undefined;
    // Barrier: a read round trip on every open session flushes the events sent before it.
    for (const slot of [0, 1] as const) {
      const id = clients[slot];
      if (id !== undefined && h.connectedState(id) === 'CONNECTED') call(id, { type: 'exists', path: root, watch: false });
    }
    results.push({ i, result, events: [takeEvents(0), takeEvents(1)] });
    eventClient[op.s] = undefined;
  }
  if (h.safetyViolated()) throw new Error(`zab checkers: ${JSON.stringify(h.violations().slice(0, 3))}`);
  return {
    index: opts.index ?? 0,
    root,
    server,
    serverMode: opts.serverMode,
    baseZxid: hex(base),
    sessions,
    ops: [...ops],
    results,
    durationMs: Math.round(h.nowMs),
  };
}

function fail(r: ZkCompletion, multi?: MultiSubResult[]): OpResult {
  return multi === undefined ? { ok: false, code: errorNumber(r.err), name: r.err } : { ok: false, code: errorNumber(r.err), name: r.err, multi };
}

function runOp(
  op: Op,
  client: NodeId,
  call: (client: NodeId, cmd: ZkCommand) => ZkCompletion,
  abs: (p: string) => string,
  rel: (p: string) => string,
  stat: (s: Stat) => RecStat,
): OpResult {
  const ok = (r: ZkCompletion, f: (resp: ZkResponse) => OpResult): OpResult => (r.err === 'OK' && r.response !== null ? f(r.response) : fail(r));
  switch (op.kind) {
    case 'create': {
      const r = call(client, { type: 'create', path: abs(op.path), data: op.data, acl: aclOf(op.acl), mode: MODES[op.mode] });
      return ok(r, (resp) => (resp.type === 'create' ? { ok: true, value: { kind: 'create', path: rel(resp.path) } } : fail(r)));
    }
    case 'delete':
      return ok(call(client, { type: 'remove', path: abs(op.path), version: op.version }), () => ({ ok: true, value: { kind: 'delete' } }));
    case 'setData': {
      const r = call(client, { type: 'setData', path: abs(op.path), data: op.data, version: op.version });
      return ok(r, (resp) => (resp.type === 'setData' ? { ok: true, value: { kind: 'setData', stat: stat(resp.stat) } } : fail(r)));
    }
    case 'getData': {
      const r = call(client, { type: 'getData', path: abs(op.path), watch: op.watch });
      return ok(r, (resp) => (resp.type === 'getData' ? { ok: true, value: { kind: 'getData', data: resp.data ?? '', stat: stat(resp.stat) } } : fail(r)));
    }
    case 'exists': {
      const r = call(client, { type: 'exists', path: abs(op.path), watch: op.watch });
      if (r.err === 'NONODE') return { ok: true, value: { kind: 'exists', stat: null } };
      return ok(r, (resp) => (resp.type === 'exists' ? { ok: true, value: { kind: 'exists', stat: stat(resp.stat) } } : fail(r)));
    }
    case 'getChildren': {
      const r = call(client, { type: 'getChildren', path: abs(op.path), watch: op.watch });
      return ok(r, (resp) =>
        resp.type === 'getChildren' ? { ok: true, value: { kind: 'getChildren', children: [...resp.children], stat: stat(resp.stat) } } : fail(r),
      );
    }
    case 'getACL': {
      const r = call(client, { type: 'getACL', path: abs(op.path) });
      return ok(r, (resp) =>
        resp.type === 'getACL'
          ? {
              ok: true,
              value: {
                kind: 'getACL',
                acl: resp.acl.map((a) => ({ perms: a.perms, scheme: a.id.scheme as AclEntry['scheme'], id: a.id.id })),
                stat: stat(resp.stat),
              },
            }
          : fail(r),
      );
    }
    case 'setACL': {
      const r = call(client, { type: 'setACL', path: abs(op.path), acl: aclOf(op.acl), version: op.version });
      return ok(r, (resp) => (resp.type === 'setACL' ? { ok: true, value: { kind: 'setACL', stat: stat(resp.stat) } } : fail(r)));
    }
    case 'addAuth': {
      const r = call(client, { type: 'addAuthInfo', scheme: op.scheme, auth: op.auth });
      return r.err === 'OK' ? { ok: true, value: { kind: 'addAuth' } } : fail(r);
    }
    case 'addWatch': {
      const r = call(client, { type: 'addWatch', path: abs(op.path), mode: op.mode === 'persistent' ? 'PERSISTENT' : 'PERSISTENT_RECURSIVE' });
      return r.err === 'OK' ? { ok: true, value: { kind: 'addWatch' } } : fail(r);
    }
    case 'removeWatches': {
      const r = call(client, { type: op.all ? 'removeAllWatches' : 'removeWatches', path: abs(op.path), watcherType: op.type, local: false });
      return r.err === 'OK' ? { ok: true, value: { kind: 'removeWatches' } } : fail(r);
    }
    case 'close': {
      const r = call(client, { type: 'close' });
      return r.err === 'OK' ? { ok: true, value: { kind: 'close' } } : fail(r);
    }
    case 'multi': {
      const ops: WriteOp[] = op.ops.map((o: MultiSubOp): WriteOp => {
        switch (o.op) {
          case 'create':
            return { type: 'create', path: abs(o.path), data: o.data, acl: aclOf(o.acl), mode: MODES[o.mode] };
          case 'delete':
            return { type: 'delete', path: abs(o.path), version: o.version };
          case 'setData':
            return { type: 'setData', path: abs(o.path), data: o.data, version: o.version };
          case 'check':
            return { type: 'check', path: abs(o.path), version: o.version };
        }
      });
      const r = call(client, { type: 'transaction', ops });
      const sub = (x: ZkOpResult): MultiSubResult => {
        switch (x.type) {
          case 'create':
            return { op: 'create', path: rel(x.path) };
          case 'setData':
            return { op: 'setData', stat: stat(x.stat) };
          case 'error':
            return { op: 'error', code: errorNumber(x.err) };
          case 'delete':
            return { op: 'delete' };
          case 'check':
            return { op: 'check' };
          case 'setACL':
            return { op: 'error', code: errorNumber('UNIMPLEMENTED') };
        }
      };
      const results = r.response?.type === 'multi' ? r.response.results.map(sub) : undefined;
      if (r.err === 'OK' && results !== undefined) return { ok: true, value: { kind: 'multi', results } };
      return fail(r, results);
    }
  }
}
