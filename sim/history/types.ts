// zabsim's own client history format (NDJSON), the error type every history parser throws, and the
// names of the formats `zabsim check` reads.
//
// File layout: one JSON object per line (LF; blank lines are ignored).
//   line 1:  {"kind":"header","version":1, ...free-form run metadata such as seed and servers...}
//   then:    {"kind":"op","id":n,"client":c,"session":s|null,"server":k|null,"op":{...},
//             "invokeUs":t,"completeUs":t|null,"outcome":"ok"|"fail"|"info","result":{...}|null,"zxid":z|null}
//
// * `id` is unique per file; `client` is the simulated client number; `session` the ZooKeeper session
//   id (null before a session exists); `server` the server the request went to (null if never sent).
// * `invokeUs`/`completeUs` are virtual-time microseconds; `completeUs` is null when no reply came back.
// * `outcome`: "ok" = the server replied, and `result.rc` says what happened ("ok" or a ZooKeeper
//   error such as "badVersion"; both are definite outcomes). "fail" = the request definitely had no
//   effect (for example it was never sent); it is ignored by the checkers. "info" = unknown: connection
//   loss or timeout, the op may or may not have taken effect (Jepsen's :info).
// * `result`: {"rc":..., "path"?: created path, "data"?, "version"?: stat version (after setData, or as
//   read), "exists"?, "children"?, "results"?: per-op results of a multi}. It may be null for "info"/"fail".
// * `zxid`: the zxid of the transaction the op produced, as the client observed it in the reply header
//   (zabsim's numeric zxid, epoch * 2^32 + counter); null for reads and when unknown.
// * `op` is one of the ZkOp shapes below. `version` -1 means "any version", as in ZooKeeper. `multi`
//   has no `path` of its own: its sub-ops carry theirs.

export class HistoryFormatError extends Error {
  override name = 'HistoryFormatError';
  readonly file: string;
  readonly line: number;
  readonly expected: string;

  constructor(file: string, line: number, expected: string) {
    super(`${file}:${line}: expected ${expected}`);
    this.file = file;
    this.line = line;
    this.expected = expected;
  }
}

export type HistoryFormat = 'porcupine-etcd' | 'porcupine-kv' | 'ndjson';
export const HISTORY_FORMATS: readonly HistoryFormat[] = ['porcupine-etcd', 'porcupine-kv', 'ndjson'];

export type ZkCreateMode = 'persistent' | 'ephemeral' | 'persistentSequential' | 'ephemeralSequential';
export const ZK_CREATE_MODES: readonly ZkCreateMode[] = ['persistent', 'ephemeral', 'persistentSequential', 'ephemeralSequential'];

export type ZkOp =
  | { readonly type: 'create'; readonly path: string; readonly data: string; readonly mode: ZkCreateMode }
  | { readonly type: 'delete'; readonly path: string; readonly version: number }
  | { readonly type: 'setData'; readonly path: string; readonly data: string; readonly version: number }
  | { readonly type: 'setACL'; readonly path: string; readonly version: number }
  | { readonly type: 'check'; readonly path: string; readonly version: number }
  | { readonly type: 'getData'; readonly path: string }
  | { readonly type: 'exists'; readonly path: string }
  | { readonly type: 'getChildren'; readonly path: string }
  | { readonly type: 'sync'; readonly path: string }
  | { readonly type: 'multi'; readonly ops: readonly ZkOp[] };

export type ZkOpType = ZkOp['type'];
export const ZK_OP_TYPES: readonly ZkOpType[] = [
  'create', 'delete', 'setData', 'setACL', 'check', 'getData', 'exists', 'getChildren', 'sync', 'multi',
];

export type ZkReturnCode =
  | 'ok'
  | 'noNode'
  | 'nodeExists'
  | 'badVersion'
  | 'notEmpty'
  | 'noChildrenForEphemerals'
  | 'badArguments'
  | 'runtimeInconsistency'
  | 'connectionLoss'
  | 'operationTimeout'
  | 'sessionExpired';
export const ZK_RETURN_CODES: readonly ZkReturnCode[] = [
  'ok', 'noNode', 'nodeExists', 'badVersion', 'notEmpty', 'noChildrenForEphemerals', 'badArguments',
  'runtimeInconsistency', 'connectionLoss', 'operationTimeout', 'sessionExpired',
];

export type ZkResult = {
  readonly rc: ZkReturnCode;
  readonly path?: string;
  readonly data?: string;
  readonly version?: number;
  readonly exists?: boolean;
  readonly children?: readonly string[];
  readonly results?: readonly ZkResult[];
};

export type ZkOutcome = 'ok' | 'fail' | 'info';

export type ZkHistoryHeader = { readonly kind: 'header'; readonly version: 1; readonly [meta: string]: unknown };

export type ZkHistoryOp = {
  readonly kind: 'op';
  readonly id: number;
  readonly client: number;
  readonly session: number | null;
  readonly server: number | null;
  readonly op: ZkOp;
  readonly invokeUs: number;
  readonly completeUs: number | null;
  readonly outcome: ZkOutcome;
  readonly result: ZkResult | null;
  readonly zxid: number | null;
};

export type ZkHistory = { readonly header: ZkHistoryHeader; readonly ops: readonly ZkHistoryOp[] };

/** True for the op types that change the tree (and so get a zxid). */
export function isZkWrite(op: ZkOp): boolean {
  return op.type === 'create' || op.type === 'delete' || op.type === 'setData' || op.type === 'setACL' || op.type === 'multi';
}
