// Turns a service run's client observations (invoke/complete of protocol/client/zk-client.ts) into
// zabsim's NDJSON client history (sim/history/types.ts), for `zabsim check` and the history checkers.
// Calls the format cannot express (getACL, close) are left out, addAuthInfo is an "auth" record; replies whose error code
// the format does not name (NOAUTH, INVALIDACL, ...) had no effect on the tree and become "fail".
import type { NodeId } from '../../protocol/program.js';
import type { ZkCommand, ZkCompletion } from '../../protocol/client/zk-client.js';
import { isTtlMode, PERMS, type Acl, type CreateMode, type ErrorCode, type WriteOp } from '../../protocol/tree/index.js';
import type { ZkOpResult } from '../../protocol/service/types.js';
import type { ReadOpResult } from '../../protocol/service/query-types.js';
import type { ZkAclEntry, ZkCreateMode, ZkHistory, ZkOp, ZkResult, ZkReturnCode, ZkUnjudgedRead } from '../history/types.js';
import { HistoryRecorder, type HistoryAdapter } from '../history/recorder.js';
import type { Observed } from './observed.js';

const MODES: Record<CreateMode, ZkCreateMode> = {
  PERSISTENT: 'persistent',
  EPHEMERAL: 'ephemeral',
  PERSISTENT_SEQUENTIAL: 'persistentSequential',
  EPHEMERAL_SEQUENTIAL: 'ephemeralSequential',
  CONTAINER: 'container',
  PERSISTENT_WITH_TTL: 'persistentWithTtl',
  PERSISTENT_SEQUENTIAL_WITH_TTL: 'persistentSequentialWithTtl',
};

/**
 * A write that has no effect in any execution: a TTL create (and so a multi holding one) on servers
 * with extendedTypesEnabled off, which refuse it with UNIMPLEMENTED. Left out of the history: even
 * when its reply is lost it created nothing, and the checkers need no op for an error txn.
 */
function neverApplies(op: { readonly type: string; readonly mode?: unknown }, extendedTypesEnabled: boolean): boolean {
  return !extendedTypesEnabled && op.type === 'create' && op.mode !== undefined && isTtlMode(op.mode as CreateMode);
}

const CODES: Partial<Record<ErrorCode, ZkReturnCode>> = {
  OK: 'ok',
  NONODE: 'noNode',
  NODEEXISTS: 'nodeExists',
  BADVERSION: 'badVersion',
  NOTEMPTY: 'notEmpty',
  NOCHILDRENFOREPHEMERALS: 'noChildrenForEphemerals',
  BADARGUMENTS: 'badArguments',
  RUNTIMEINCONSISTENCY: 'runtimeInconsistency',
  CONNECTIONLOSS: 'connectionLoss',
  OPERATIONTIMEOUT: 'operationTimeout',
  SESSIONEXPIRED: 'sessionExpired',
  NOWATCHER: 'noWatcher',
};

/** True when the ACL grants READ to world:anyone; otherwise ZooKeeper may filter watch events on the node. */
function worldReadable(acl: readonly Acl[]): boolean {
  return acl.some((a) => a.id.scheme === 'world' && a.id.id === 'anyone' && (a.perms & PERMS.READ) !== 0);
}

/** The ACL as the history holds it (types.ts ZkAclEntry): what the client sent, before fixupACL. */
function aclEntries(acl: readonly Acl[]): ZkAclEntry[] {
  return acl.map((a) => ({ perms: a.perms, scheme: a.id.scheme, id: a.id.id }));
}

/** A create's history op (TTL modes get here only with extendedTypesEnabled: neverApplies). */
function createOf(path: string, data: string | null | undefined, mode: CreateMode, acl: readonly Acl[]): ZkOp {
  // Two literals, not a spread of a common part (a slow generic copy, once per create a run invokes);
  // the same keys in the same order.
  return worldReadable(acl)
    ? { type: 'create', path, data: data ?? '', mode: MODES[mode], acl: aclEntries(acl) }
    : { type: 'create', path, data: data ?? '', mode: MODES[mode], restrictedRead: true, acl: aclEntries(acl) };
}

function writeOpOf(op: WriteOp): ZkOp {
  switch (op.type) {
    case 'create':
      return createOf(op.path, op.data, op.mode, op.acl);
    case 'delete':
      return { type: 'delete', path: op.path, version: op.version };
    case 'setData':
      return { type: 'setData', path: op.path, data: op.data ?? '', version: op.version };
    case 'check':
      return { type: 'check', path: op.path, version: op.version };
  }
}

export function historyOpOf(cmd: ZkCommand, extendedTypesEnabled = false): ZkOp | null {
  const never = (op: { readonly type: string; readonly mode?: unknown }): boolean => neverApplies(op, extendedTypesEnabled);
  if (never(cmd) || ((cmd.type === 'transaction' || cmd.type === 'multi') && cmd.ops.some(never))) return null;
  switch (cmd.type) {
    case 'create':
      return createOf(cmd.path, cmd.data, cmd.mode, cmd.acl);
    case 'remove':
      return { type: 'delete', path: cmd.path, version: cmd.version };
    case 'setData':
      return { type: 'setData', path: cmd.path, data: cmd.data ?? '', version: cmd.version };
    case 'setACL':
      return worldReadable(cmd.acl)
        ? { type: 'setACL', path: cmd.path, version: cmd.version, acl: aclEntries(cmd.acl) }
        : { type: 'setACL', path: cmd.path, version: cmd.version, restrictedRead: true, acl: aclEntries(cmd.acl) };
    case 'getData':
    case 'exists':
    case 'getChildren':
      return cmd.watch ? { type: cmd.type, path: cmd.path, watch: true } : { type: cmd.type, path: cmd.path };
    case 'sync':
      return { type: cmd.type, path: cmd.path };
    case 'transaction':
      return { type: 'multi', ops: cmd.ops.map(writeOpOf) };
    case 'close':
      return { type: 'closeSession' };
    case 'multi':
      // All writes: a transaction. All reads is a multiRead (unjudgedReadOf); a mix never leaves the client.
      return isReadMulti(cmd.ops) ? null : { type: 'multi', ops: (cmd.ops as readonly WriteOp[]).map(writeOpOf) };
    case 'getACL':
    case 'addAuthInfo':
    case 'getAllChildrenNumber':
    case 'getEphemerals':
    // whoAmI reads only the connection's auth ids, which the history does not hold: nothing to judge.
    case 'whoAmI':
      return null;
    case 'addWatch':
      return { type: 'addWatch', path: cmd.path, mode: cmd.mode === 'PERSISTENT' ? 'persistent' : 'persistentRecursive' };
    case 'removeWatches':
    case 'removeAllWatches':
      return {
        type: 'removeWatches',
        path: cmd.path,
        watcherType: cmd.watcherType === 'Children' ? 'children' : cmd.watcherType === 'Data' ? 'data' : 'any',
        local: cmd.local,
        all: cmd.type === 'removeAllWatches',
      };
  }
}

function subResult(r: ZkOpResult): ZkResult {
  switch (r.type) {
    case 'create':
      return { rc: 'ok', path: r.path };
    case 'setData':
      return { rc: 'ok', version: r.stat.version };
    case 'error':
      return { rc: CODES[r.err] ?? 'runtimeInconsistency' };
    default:
      return { rc: 'ok' };
  }
}

/** The history result of a completion, or null when the format cannot name its error code. */
export function historyResultOf(cmd: ZkCommand, c: ZkCompletion): ZkResult | null {
  if (cmd.type === 'exists' && c.err === 'NONODE') return { rc: 'ok', exists: false };
  const rc = CODES[c.err];
  if (rc === undefined) return null;
  const resp = c.response;
  const base: ZkResult = { rc };
  if (resp === null) return base;
  switch (resp.type) {
    case 'create': {
      if (resp.stat === undefined) return { rc, path: resp.path };
      const { czxid, mzxid, pzxid, version, cversion, aversion, numChildren, dataLength, ephemeralOwner } = resp.stat;
      return { rc, path: resp.path, stat: { czxid, mzxid, pzxid, version, cversion, aversion, numChildren, dataLength, ephemeralOwner } };
    }
    case 'setData':
    case 'setACL':
      return { rc, version: resp.stat.version };
    case 'getData':
      return { rc, data: resp.data ?? '', version: resp.stat.version, mzxid: resp.stat.mzxid, ephemeralOwner: resp.stat.ephemeralOwner };
    case 'exists':
      return { rc, exists: true, version: resp.stat.version, mzxid: resp.stat.mzxid, ephemeralOwner: resp.stat.ephemeralOwner };
    case 'getChildren':
      return { rc, children: [...resp.children].sort() };
    case 'multi':
      return { rc, results: resp.results.map(subResult) };
    default:
      return base;
  }
}

function isReadMulti(ops: readonly { readonly type: string }[]): boolean {
  return ops.length > 0 && ops.every((op) => op.type === 'getData' || op.type === 'getChildren');
}

/** The reads the checkers cannot judge yet (ZkHistoryUnjudged): getAllChildrenNumber, getEphemerals, multiRead. */
export function unjudgedReadOf(cmd: ZkCommand): ZkUnjudgedRead | null {
  switch (cmd.type) {
    case 'getAllChildrenNumber':
    case 'getEphemerals':
      return { type: cmd.type, path: cmd.path };
    case 'multi':
      if (!isReadMulti(cmd.ops)) return null;
      return { type: 'multiRead', ops: cmd.ops.map((op) => ({ type: op.type as 'getData' | 'getChildren', path: op.path })) };
    default:
      return null;
  }
}

function readSubResult(r: ReadOpResult): ZkResult {
  switch (r.type) {
    case 'getData':
      return { rc: 'ok', data: r.data ?? '', version: r.stat.version, mzxid: r.stat.mzxid, ephemeralOwner: r.stat.ephemeralOwner };
    case 'getChildren':
      return { rc: 'ok', children: [...r.children].sort() };
    case 'error':
      // NOAUTH has no name in the format: the nearest that says "no effect, no data".
      return { rc: CODES[r.err] ?? 'runtimeInconsistency' };
  }
}

/** An unjudged read's result, or null when the server did not answer it OK. */
export function unjudgedResultOf(c: ZkCompletion): ZkResult | null {
  const resp = c.response;
  if (c.err !== 'OK' || resp === null) return null;
  switch (resp.type) {
    case 'getAllChildrenNumber':
      return { rc: 'ok', number: resp.totalNumber };
    case 'getEphemerals':
      return { rc: 'ok', children: [...resp.ephemerals].sort() };
    case 'multiRead':
      return { rc: 'ok', results: resp.results.map(readSubResult) };
    default:
      return null;
  }
}

/**
 * What the ZooKeeper client's commands and completions mean in the history, on servers with
 * zookeeper.extendedTypesEnabled as given (TTL creates then take effect).
 */
export function zkHistoryAdapterFor(extendedTypesEnabled: boolean): HistoryAdapter {
  return extendedTypesEnabled ? { ...zkHistoryAdapter, op: (command) => historyOpOf(command as ZkCommand, true) } : zkHistoryAdapter;
}

/** What the ZooKeeper client's commands and completions mean in the history (extendedTypesEnabled off). */
export const zkHistoryAdapter: HistoryAdapter = {
  op: (command) => historyOpOf(command as ZkCommand),
  complete(command, _op, c) {
    const result = c.outcome === 'info' ? null : historyResultOf(command as ZkCommand, c.result as ZkCompletion);
    const outcome = c.outcome !== 'info' && result === null ? 'fail' : c.outcome;
    return { outcome, result, zxid: c.zxid, readZxid: c.readZxid ?? null };
  },
  unjudged: (command) => unjudgedReadOf(command as ZkCommand),
  unjudgedResult: (_command, c) => unjudgedResultOf(c.result as ZkCompletion),
  auth: (command) => {
    const cmd = command as ZkCommand;
    return cmd.type === 'addAuthInfo' ? { scheme: cmd.scheme, auth: cmd.auth } : null;
  },
};

/**
 * The header fields the watch-acl rule reads (types.ts): which release the servers answer as (the
 * default of ZabConfig.serverRelease when unset) and their superDigest (null: none). Writing them
 * also says that every addAuthInfo is recorded, which the recorder does with zkHistoryAdapter.
 */
export function aclMeta(config: { readonly serverRelease?: string; readonly superDigest?: string }): Record<string, unknown> {
  return { serverRelease: config.serverRelease ?? '3.8.0-deb12u2', superDigest: config.superDigest ?? null };
}

/** The history of observations collected by a ServiceHarness (the same records a HistoryRecorder makes live). */
export function serviceHistory(observed: readonly Observed[], meta: Record<string, unknown> = {}): ZkHistory {
  const recorder = new HistoryRecorder(zkHistoryAdapter, meta);
  for (const o of observed) recorder.observe(o.node, o.what, o.atUs);
  return recorder.history();
}
