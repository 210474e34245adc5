// Turns a service run's client observations (invoke/complete of protocol/client/zk-client.ts) into
// zabsim's NDJSON client history (sim/history/types.ts), for `zabsim check` and the history checkers.
// Calls the format cannot express (getACL, addAuthInfo, close) are left out; replies whose error code
// the format does not name (NOAUTH, INVALIDACL, ...) had no effect on the tree and become "fail".
import type { NodeId } from '../../protocol/program.js';
import type { ZkCommand, ZkCompletion } from '../../protocol/client/zk-client.js';
import type { CreateMode, ErrorCode, OpResult as TreeOpResult, WriteOp } from '../../protocol/tree/index.js';
import type { ZkCreateMode, ZkHistory, ZkHistoryOp, ZkOp, ZkResult, ZkReturnCode } from '../history/types.js';
import type { Observed } from './run.js';

const MODES: Record<CreateMode, ZkCreateMode> = {
  PERSISTENT: 'persistent',
  EPHEMERAL: 'ephemeral',
  PERSISTENT_SEQUENTIAL: 'persistentSequential',
  EPHEMERAL_SEQUENTIAL: 'ephemeralSequential',
};

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
};

function writeOpOf(op: WriteOp): ZkOp {
  switch (op.type) {
    case 'create':
      return { type: 'create', path: op.path, data: op.data ?? '', mode: MODES[op.mode] };
    case 'delete':
      return { type: 'delete', path: op.path, version: op.version };
    case 'setData':
      return { type: 'setData', path: op.path, data: op.data ?? '', version: op.version };
    case 'check':
      return { type: 'check', path: op.path, version: op.version };
  }
}

export function historyOpOf(cmd: ZkCommand): ZkOp | null {
  switch (cmd.type) {
    case 'create':
      return { type: 'create', path: cmd.path, data: cmd.data ?? '', mode: MODES[cmd.mode] };
    case 'remove':
      return { type: 'delete', path: cmd.path, version: cmd.version };
    case 'setData':
      return { type: 'setData', path: cmd.path, data: cmd.data ?? '', version: cmd.version };
    case 'setACL':
      return { type: 'setACL', path: cmd.path, version: cmd.version };
    case 'getData':
    case 'exists':
    case 'getChildren':
    case 'sync':
      return { type: cmd.type, path: cmd.path };
    case 'transaction':
      return { type: 'multi', ops: cmd.ops.map(writeOpOf) };
    case 'getACL':
    case 'addAuthInfo':
    case 'close':
      return null;
  }
}

function subResult(r: TreeOpResult): ZkResult {
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
    case 'create':
      return { rc, path: resp.path };
    case 'setData':
    case 'setACL':
      return { rc, version: resp.stat.version };
    case 'getData':
      return { rc, data: resp.data ?? '', version: resp.stat.version };
    case 'exists':
      return { rc, exists: true, version: resp.stat.version };
    case 'getChildren':
      return { rc, children: [...resp.children].sort() };
    case 'multi':
      return { rc, results: resp.results.map(subResult) };
    default:
      return base;
  }
}

export function serviceHistory(observed: readonly Observed[], meta: Record<string, unknown> = {}): ZkHistory {
  const open = new Map<string, { id: number; client: NodeId; session: number | null; server: NodeId; op: ZkOp; cmd: ZkCommand; invokeUs: number }>();
  const ops: ZkHistoryOp[] = [];
  let nextId = 0;
  for (const o of observed) {
    const w = o.what;
    if (w.kind === 'invoke') {
      const cmd = w.op as ZkCommand;
      const op = historyOpOf(cmd);
      if (op === null) continue;
      open.set(`${w.client}:${w.xid}`, { id: nextId++, client: w.client, session: w.session ?? null, server: w.server, op, cmd, invokeUs: o.atUs });
    } else if (w.kind === 'complete') {
      const key = `${w.client}:${w.xid}`;
      const inv = open.get(key);
      if (inv === undefined) continue;
      open.delete(key);
      const c = w.result as ZkCompletion;
      const result = historyResultOf(inv.cmd, c);
      const outcome = result === null ? 'fail' : w.outcome;
      ops.push({
        kind: 'op',
        id: inv.id,
        client: inv.client,
        session: inv.session === 0 ? null : inv.session,
        server: inv.server,
        op: inv.op,
        invokeUs: inv.invokeUs,
        completeUs: outcome === 'info' ? null : o.atUs,
        outcome,
        result: outcome === 'info' ? null : result,
        zxid: w.zxid,
      });
    }
  }
  // Still open at the end: no reply came back, the outcome is unknown.
  for (const inv of open.values()) {
    ops.push({ kind: 'op', id: inv.id, client: inv.client, session: inv.session, server: inv.server, op: inv.op, invokeUs: inv.invokeUs, completeUs: null, outcome: 'info', result: null, zxid: null });
  }
  ops.sort((a, b) => a.id - b.id);
  return { header: { kind: 'header', version: 1, ...meta }, ops };
}
