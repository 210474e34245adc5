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
  OpValue,
  RecordedResult,
  RecordedSequence,
  RecStat,
  Slot,
  SlotRole,
  WatchEventRec,
} from './types.js';
import { batches } from './types.js';

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
  /** Spread: each slot on the server with this role (followers numbered by node id); overrides serverMode. */
  slotRoles?: [SlotRole, SlotRole];
  seed?: string;
  index?: number;
  /** The servers' superDigest ('super:<digest>'), as the real ensemble was given it. */
  superDigest?: string;
}

export function runSequenceSim(ops: readonly Op[], opts: SimRunOptions): RecordedSequence {
  const root = opts.root;
  const abs = (p: string): string => (p === '/' ? root : root + p);
  const rel = (p: string): string => (p === root ? '/' : p.startsWith(`${root}/`) ? p.slice(root.length) : `<outside>${p}`);
  const options = serviceOptions(opts.seed ?? `conformance-${opts.index ?? 0}`, { clients: 0, sessionTimeoutMs: SIM_SESSION_TIMEOUT_MS });
  const h = new ServiceHarness(opts.superDigest === undefined ? options : { ...options, zab: { ...options.zab, superDigest: opts.superDigest } });
  if (!h.runUntil(() => h.activeLeader() !== undefined && h.servers.every((id) => h.server(id)?.phase === 'BROADCAST'), 60_000)) throw new Error('no ensemble');
  const leader = h.activeLeader() as NodeId;
  const followers = h.servers.filter((id) => id !== leader);
  const byRole = (role: SlotRole): NodeId => (role === 'leader' ? leader : (followers[role === 'follower1' ? 0 : 1] as NodeId));
  const slotServer: [NodeId, NodeId] =
    opts.slotRoles === undefined
      ? [opts.serverMode === 'leader' ? leader : (followers[0] as NodeId), opts.serverMode === 'leader' ? leader : (followers[0] as NodeId)]
      : [byRole(opts.slotRoles[0]), byRole(opts.slotRoles[1])];
  const spread = slotServer[0] !== slotServer[1];

  const clients: [NodeId | undefined, NodeId | undefined] = [undefined, undefined];
  const sessions: { slot: Slot; id: string }[] = [];
  /** Where each slot's watch observations were read up to. */
  const seen = [0, 0];
  const open = (slot: Slot): NodeId => {
    const id = h.addClient([slotServer[slot]]);
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
  /** Hands `client` every command at once, then runs until each has completed; completions in command order. */
  const callAll = (client: NodeId, cmds: readonly ZkCommand[]): ZkCompletion[] => {
    const only = cmds[0];
    if (cmds.length === 1 && only !== undefined) return [call(client, only)];
    const before = h.observed.length;
    for (const cmd of cmds) h.call(client, cmd);
    const xids: number[] = [];
    const done = new Map<number, ZkCompletion>();
    let scanned = before;
    const finished = (): boolean => {
      for (let i = scanned; i < h.observed.length; i++) {
        const o = h.observed[i];
        if (o === undefined || o.node !== client) continue;
        if (o.what.kind === 'invoke' && xids.length < cmds.length) xids.push(o.what.xid);
        else if (o.what.kind === 'complete' && xids.includes(o.what.xid)) done.set(o.what.xid, o.what.result as ZkCompletion);
      }
      scanned = h.observed.length;
      return done.size === cmds.length;
    };
    if (!h.runUntil(finished, 60_000)) throw new Error(`batch of ${cmds.length}: ${done.size} completions`);
    return xids.map((x) => done.get(x) as ZkCompletion);
  };

  open(0);
  open(1);
  const c0 = clients[0] as NodeId;
  const made = call(c0, { type: 'create', path: root, data: '', acl: aclOf([{ perms: 31, scheme: 'world', id: 'anyone' }]), mode: 'PERSISTENT', stat: true });
  if (made.err !== 'OK' || made.response?.type !== 'create' || made.response.stat === undefined) throw new Error(`cannot create root: ${made.err}`);
  const base = made.response.stat.czxid;
  /**
   * A read round trip on every open session flushes the events sent before it; when the slots sit on
   * different servers, a sync first (each server applies what the leader committed).
   */
  const barrier = (): void => {
    for (const s of [0, 1] as const) {
      const id = clients[s];
      if (id === undefined || h.connectedState(id) !== 'CONNECTED') continue;
      if (spread) call(id, { type: 'sync', path: root });
      call(id, { type: 'exists', path: root, watch: false });
    }
  };
  // Slot 1's server may not have applied the root's create yet when it sits elsewhere.
  if (spread) barrier();
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
  for (const [from, to] of batches(ops)) {
    const batch = ops.slice(from, to);
    const slot = batch[0]?.s ?? 0;
    const client = get(slot);
    eventClient[slot] = client;
    // The whole batch is handed to the client before the simulation runs on: several requests in flight.
    const answers = callAll(
      client,
      batch.map((op) => commandOf(op, abs)),
    ).map((r, k) => resultOf(batch[k] as Op, r, rel, stat));
    if (batch.some((op) => op.kind === 'close')) clients[slot] = undefined;
    barrier();
    const events: [WatchEventRec[], WatchEventRec[]] = [takeEvents(0), takeEvents(1)];
    answers.forEach((result, k) => results.push({ i: from + k, result, events: k === answers.length - 1 ? events : [[], []] }));
    eventClient[slot] = undefined;
  }
  if (h.safetyViolated()) throw new Error(`zab checkers: ${JSON.stringify(h.violations().slice(0, 3))}`);
  return {
    index: opts.index ?? 0,
    root,
    server: slotServer[0],
    serverMode: opts.slotRoles === undefined ? opts.serverMode : opts.slotRoles[0] === 'leader' ? 'leader' : 'follower',
    ...(opts.slotRoles === undefined ? {} : { slotRoles: opts.slotRoles }),
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

/** The zabsim client command that `op` is (paths made absolute). */
function commandOf(op: Op, abs: (p: string) => string): ZkCommand {
  switch (op.kind) {
    case 'create':
      return { type: 'create', path: abs(op.path), data: op.data, acl: aclOf(op.acl), mode: MODES[op.mode] };
    case 'delete':
      return { type: 'remove', path: abs(op.path), version: op.version };
    case 'setData':
      return { type: 'setData', path: abs(op.path), data: op.data, version: op.version };
    case 'getData':
    case 'exists':
    case 'getChildren':
      return { type: op.kind, path: abs(op.path), watch: op.watch };
    case 'getACL':
      return { type: 'getACL', path: abs(op.path) };
    case 'setACL':
      return { type: 'setACL', path: abs(op.path), acl: aclOf(op.acl), version: op.version };
    case 'addAuth':
      return { type: 'addAuthInfo', scheme: op.scheme, auth: op.auth };
    case 'sync':
      return { type: 'sync', path: abs(op.path) };
    case 'addWatch':
      return { type: 'addWatch', path: abs(op.path), mode: op.mode === 'persistent' ? 'PERSISTENT' : 'PERSISTENT_RECURSIVE' };
    case 'removeWatches':
      return { type: op.all ? 'removeAllWatches' : 'removeWatches', path: abs(op.path), watcherType: op.type, local: false };
    case 'close':
      return { type: 'close' };
    case 'multi':
      return {
        type: 'transaction',
        ops: op.ops.map((o: MultiSubOp): WriteOp => {
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
        }),
      };
  }
}

/** The recorded result of `op` from its completion `r`. */
function resultOf(op: Op, r: ZkCompletion, rel: (p: string) => string, stat: (s: Stat) => RecStat): OpResult {
  const ok = (f: (resp: ZkResponse) => OpResult): OpResult => (r.err === 'OK' && r.response !== null ? f(r.response) : fail(r));
  const plain = (value: OpValue): OpResult => (r.err === 'OK' ? { ok: true, value } : fail(r));
  switch (op.kind) {
    case 'create':
      return ok((resp) => (resp.type === 'create' ? { ok: true, value: { kind: 'create', path: rel(resp.path) } } : fail(r)));
    case 'delete':
      return ok(() => ({ ok: true, value: { kind: 'delete' } }));
    case 'setData':
      return ok((resp) => (resp.type === 'setData' ? { ok: true, value: { kind: 'setData', stat: stat(resp.stat) } } : fail(r)));
    case 'getData':
      return ok((resp) => (resp.type === 'getData' ? { ok: true, value: { kind: 'getData', data: resp.data ?? '', stat: stat(resp.stat) } } : fail(r)));
    case 'exists':
      if (r.err === 'NONODE') return { ok: true, value: { kind: 'exists', stat: null } };
      return ok((resp) => (resp.type === 'exists' ? { ok: true, value: { kind: 'exists', stat: stat(resp.stat) } } : fail(r)));
    case 'getChildren':
      return ok((resp) =>
        resp.type === 'getChildren' ? { ok: true, value: { kind: 'getChildren', children: [...resp.children], stat: stat(resp.stat) } } : fail(r),
      );
    case 'getACL':
      return ok((resp) =>
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
    case 'setACL':
      return ok((resp) => (resp.type === 'setACL' ? { ok: true, value: { kind: 'setACL', stat: stat(resp.stat) } } : fail(r)));
    case 'addAuth':
      return plain({ kind: 'addAuth' });
    case 'sync':
      return plain({ kind: 'sync' });
    case 'addWatch':
      return plain({ kind: 'addWatch' });
    case 'removeWatches':
      return plain({ kind: 'removeWatches' });
    case 'close':
      return plain({ kind: 'close' });
    case 'multi': {
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
