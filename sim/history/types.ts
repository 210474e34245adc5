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
//   (zabsim's numeric zxid, epoch * 2^32 + counter); null for reads and when unknown. ZooKeeper's first
//   epoch is 1, so a zxid of epoch 0 is well formed but impossible: the checkers report it as a violation
//   (sim/checkers/epoch-zero.ts); 0 in a reply header or an mzxid means no txn yet.
// * `op` is one of the ZkOp shapes below. `version` -1 means "any version", as in ZooKeeper. `multi`
//   has no `path` of its own: its sub-ops carry theirs.
//
// Optional fields and records added later (a reader of version 1 files accepts both old and new files):
// * on "op" lines: `"readZxid"`: the zxid in the reply header, i.e. the last zxid the serving server had
//   applied when it answered: the state a read saw (and, for any op, a zxid the session has now seen);
//   `"completeSeq"`: the position of the reply in the run's observation order (ties in `completeUs`).
//   getData/exists/getChildren may carry `"watch":true` (the read set a watch). `result` may carry
//   `"mzxid"` (the Stat's mzxid) and `"ephemeralOwner"` (the owning session, 0 for persistent nodes).
//   An ok create sent as create2 may carry `"stat":{czxid, mzxid, pzxid, version, cversion, aversion,
//   numChildren, dataLength, ephemeralOwner}`, the Stat of its reply.
// * op types `closeSession` (a client's close(): a write deleting the session's ephemerals) and the KV
//   register ops of zabsim's Zab-level runs, on one register per path: `kvSet` (creates or overwrites
//   it), `kvCas` (writes only if the register's version equals `version`, -1 meaning "absent"; a
//   mismatch still commits, as a badVersion txn) and `kvGet`.
// * create and setACL ops may carry `"restrictedRead":true`: the ACL they set does not grant READ to
//   world:anyone. ZooKeeper (ServerCnxn.process) then filters watch events on that node for sessions
//   without READ: the watch is consumed and nothing arrives, which the watch checker must allow.
//   They may also carry `"acl":[{"perms":n,"scheme":s,"id":i}]`, the ACL as the client sent it (before
//   PrepRequestProcessor.fixupACL expands `auth` entries to the caller's digest ids).
// * `{"kind":"auth","client":c,"session":s|null,"scheme":"digest","auth":"user:password","invokeUs":t}`:
//   the client called addAuthInfo (ZooKeeper re-sends it on every later connection of the handle).
//   A header naming `"serverRelease"` (the ZooKeeper release the servers answer as, "3.8.0-deb12u2",
//   "3.8.0" or "3.8.4") promises that every addAuthInfo of the run is recorded; `"superDigest"` is the
//   servers' DigestAuthenticationProvider.superDigest, null for none (absent: unknown). The
//   watch-acl rule of watch-order (sim/checkers/watch-acl.ts) reads the three.
// * op types `addWatch` {path, mode: "persistent"|"persistentRecursive"} and `removeWatches` {path,
//   watcherType: "children"|"data"|"any", local, all} (ZooKeeper 3.8's watch calls; `all` marks
//   removeAllWatches), and the rc `noWatcher`. A persistent watch's events are `watch` records like any
//   other; it is not used up by them.
// * `{"kind":"watch","client":c,"session":s,"server":k,"type":"NodeDataChanged",...,"path":p,"zxid":z,
//   "atUs":t,"seq"?:n}`: a watch event the client received. `zxid` > 0 is the zxid of the txn whose
//   apply fired the event; -1 (or 0) names no txn: ZooKeeper 3.8 sends -1 in every notification, and
//   zabsim records -1 for the events DataTree.setWatches fires on a reconnect (it fires on what the tree
//   holds, not on a txn). Histories zabsim recorded before that carry, for such an event, the server's
//   last zxid when setWatches ran: a state holding the change, which the checkers still accept there.
// * `{"kind":"session","client":c|null,"session":s,"server":k|null,"state":st,"atUs":t,"seq"?:n,
//   "zxid"?:z}`: a session state change the client saw (CONNECTED, DISCONNECTED, EXPIRED, CLOSED,
//   AUTH_FAILED), or "ENDED": the session's closeSession txn (zxid z) committed (seen at the servers).
// * create modes `container`, `persistentWithTtl` and `persistentSequentialWithTtl` (ZooKeeper's
//   CONTAINER and TTL modes): nodes the leader's ContainerManager may delete with no client's request.
// * `{"kind":"unjudged",...}`: an answered getAllChildrenNumber, getEphemerals or multiRead (see
//   ZkHistoryUnjudged below), kept apart from the ops the checkers judge.

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

export type ZkCreateMode =
  'persistent' | 'ephemeral' | 'persistentSequential' | 'ephemeralSequential' | 'container' | 'persistentWithTtl' | 'persistentSequentialWithTtl';
export const ZK_CREATE_MODES: readonly ZkCreateMode[] = [
  'persistent',
  'ephemeral',
  'persistentSequential',
  'ephemeralSequential',
  'container',
  'persistentWithTtl',
  'persistentSequentialWithTtl',
];

/** Create modes whose nodes the leader may delete without any client asking (ContainerManager). */
export function isServerDeletedMode(mode: ZkCreateMode): boolean {
  return mode === 'container' || mode === 'persistentWithTtl' || mode === 'persistentSequentialWithTtl';
}

/** An ACL entry as the client sent it (ZooKeeper's ACL: perms bits READ 1, WRITE 2, CREATE 4, DELETE 8, ADMIN 16; Id scheme and id). */
export type ZkAclEntry = { readonly perms: number; readonly scheme: string; readonly id: string };

export type ZkOp =
  | {
      readonly type: 'create';
      readonly path: string;
      readonly data: string;
      readonly mode: ZkCreateMode;
      readonly restrictedRead?: boolean;
      readonly acl?: readonly ZkAclEntry[];
    }
  | { readonly type: 'delete'; readonly path: string; readonly version: number }
  | { readonly type: 'setData'; readonly path: string; readonly data: string; readonly version: number }
  | { readonly type: 'setACL'; readonly path: string; readonly version: number; readonly restrictedRead?: boolean; readonly acl?: readonly ZkAclEntry[] }
  | { readonly type: 'check'; readonly path: string; readonly version: number }
  | { readonly type: 'getData'; readonly path: string; readonly watch?: boolean }
  | { readonly type: 'exists'; readonly path: string; readonly watch?: boolean }
  | { readonly type: 'getChildren'; readonly path: string; readonly watch?: boolean }
  | { readonly type: 'sync'; readonly path: string }
  | { readonly type: 'multi'; readonly ops: readonly ZkOp[] }
  | { readonly type: 'closeSession' }
  | { readonly type: 'kvSet'; readonly path: string; readonly data: string }
  | { readonly type: 'kvCas'; readonly path: string; readonly data: string; readonly version: number }
  | { readonly type: 'kvGet'; readonly path: string }
  | ZkWatchOp;

/**
 * ZooKeeper 3.8's watch calls: addWatch (a persistent or persistent-recursive watch), removeWatches
 * (`all` false: the checkWatches opcode, the server keeps its watch) and removeAllWatches (`all`
 * true). They change no data; `local` removes the client's watches even when the server fails.
 */
export type ZkWatchOp =
  | { readonly type: 'addWatch'; readonly path: string; readonly mode: ZkAddWatchMode }
  | { readonly type: 'removeWatches'; readonly path: string; readonly watcherType: ZkWatcherType; readonly local: boolean; readonly all: boolean };
export type ZkAddWatchMode = 'persistent' | 'persistentRecursive';
export const ZK_ADD_WATCH_MODES: readonly ZkAddWatchMode[] = ['persistent', 'persistentRecursive'];
export type ZkWatcherType = 'children' | 'data' | 'any';
export const ZK_WATCHER_TYPES: readonly ZkWatcherType[] = ['children', 'data', 'any'];

/** Whether the op is one of the watch calls, which the watch checkers cannot judge yet. */
export function isZkWatchOp(op: ZkOp): op is ZkWatchOp {
  return op.type === 'addWatch' || op.type === 'removeWatches';
}

export type ZkOpType = ZkOp['type'];
export const ZK_OP_TYPES: readonly ZkOpType[] = [
  'create',
  'delete',
  'setData',
  'setACL',
  'check',
  'getData',
  'exists',
  'getChildren',
  'sync',
  'multi',
  'closeSession',
  'kvSet',
  'kvCas',
  'kvGet',
  'addWatch',
  'removeWatches',
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
  | 'sessionExpired'
  | 'noWatcher';
export const ZK_RETURN_CODES: readonly ZkReturnCode[] = [
  'ok',
  'noNode',
  'nodeExists',
  'badVersion',
  'notEmpty',
  'noChildrenForEphemerals',
  'badArguments',
  'runtimeInconsistency',
  'connectionLoss',
  'operationTimeout',
  'sessionExpired',
  'noWatcher',
];

export type ZkResult = {
  readonly rc: ZkReturnCode;
  readonly path?: string;
  readonly data?: string;
  readonly version?: number;
  readonly exists?: boolean;
  readonly children?: readonly string[];
  readonly results?: readonly ZkResult[];
  readonly mzxid?: number;
  readonly ephemeralOwner?: number;
  /** getAllChildrenNumber's answer (an unjudged read's result only). */
  readonly number?: number;
  /** create2's Stat (Create2Response), on an ok create sent with `stat`: the new node as created. */
  readonly stat?: ZkCreateStat;
};

/** The Stat fields a create2 reply carries that the checkers judge (sim/checkers/create-stats.ts). */
export type ZkCreateStat = {
  readonly czxid: number;
  readonly mzxid: number;
  readonly pzxid: number;
  readonly version: number;
  readonly cversion: number;
  readonly aversion: number;
  readonly numChildren: number;
  readonly dataLength: number;
  readonly ephemeralOwner: number;
};
export const ZK_CREATE_STAT_FIELDS: readonly (keyof ZkCreateStat)[] = [
  'czxid',
  'mzxid',
  'pzxid',
  'version',
  'cversion',
  'aversion',
  'numChildren',
  'dataLength',
  'ephemeralOwner',
];

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
  readonly readZxid?: number | null;
  readonly completeSeq?: number;
};

export type ZkSessionState = 'CONNECTED' | 'DISCONNECTED' | 'EXPIRED' | 'CLOSED' | 'AUTH_FAILED' | 'ENDED';
export const ZK_SESSION_STATES: readonly ZkSessionState[] = ['CONNECTED', 'DISCONNECTED', 'EXPIRED', 'CLOSED', 'AUTH_FAILED', 'ENDED'];
export type ZkWatchType = 'NodeCreated' | 'NodeDeleted' | 'NodeDataChanged' | 'NodeChildrenChanged';
export const ZK_WATCH_TYPES: readonly ZkWatchType[] = ['NodeCreated', 'NodeDeleted', 'NodeDataChanged', 'NodeChildrenChanged'];

export type ZkHistoryWatch = {
  readonly kind: 'watch';
  readonly client: number;
  readonly session: number;
  readonly server: number | null;
  readonly type: ZkWatchType;
  readonly path: string;
  readonly zxid: number;
  readonly atUs: number;
  readonly seq?: number;
};

export type ZkHistorySession = {
  readonly kind: 'session';
  readonly client: number | null;
  readonly session: number;
  readonly server: number | null;
  readonly state: ZkSessionState;
  readonly atUs: number;
  readonly seq?: number;
  readonly zxid?: number;
};

export type ZkHistoryEvent = ZkHistoryWatch | ZkHistorySession;

/**
 * ZooKeeper 3.6's reads of more than one znode: getAllChildrenNumber, getEphemerals (`path` is its
 * prefix) and multiRead (getData / getChildren sub-ops, no watch).
 */
export type ZkUnjudgedRead =
  | { readonly type: 'getAllChildrenNumber'; readonly path: string }
  | { readonly type: 'getEphemerals'; readonly path: string }
  | { readonly type: 'multiRead'; readonly ops: readonly { readonly type: 'getData' | 'getChildren'; readonly path: string }[] };

export const ZK_UNJUDGED_READS: readonly ZkUnjudgedRead['type'][] = ['getAllChildrenNumber', 'getEphemerals', 'multiRead'];

/**
 * `{"kind":"unjudged","client":c,"session":s,"server":k,"op":{...},"invokeUs":t,"completeUs":t,
 * "result":{...},"readZxid":z}`: a read of that kind that a server answered. The client checkers cannot
 * judge these yet, so they are kept apart from `ops`, and every checker that judges reads answers
 * unknown instead of ok while a history holds one (sim/checkers/unjudged-reads.ts). `result` uses
 * ZkResult: `number` for getAllChildrenNumber, `children` (sorted paths) for getEphemerals, `results`
 * for multiRead.
 */
export type ZkHistoryUnjudged = {
  readonly kind: 'unjudged';
  readonly client: number;
  readonly session: number | null;
  readonly server: number | null;
  readonly op: ZkUnjudgedRead;
  readonly invokeUs: number;
  readonly completeUs: number;
  readonly result: ZkResult;
  readonly readZxid: number | null;
};

/** A client's addAuthInfo call (`{"kind":"auth",...}`, see the file's head). */
export type ZkHistoryAuth = {
  readonly kind: 'auth';
  readonly client: number;
  readonly session: number | null;
  readonly scheme: string;
  readonly auth: string;
  readonly invokeUs: number;
};

export type ZkHistory = {
  readonly header: ZkHistoryHeader;
  readonly ops: readonly ZkHistoryOp[];
  readonly events?: readonly ZkHistoryEvent[];
  readonly unjudged?: readonly ZkHistoryUnjudged[];
  readonly auths?: readonly ZkHistoryAuth[];
};

/** True for the op types that change the tree (and so get a zxid). */
export function isZkWrite(op: ZkOp): boolean {
  return (
    op.type === 'create' ||
    op.type === 'delete' ||
    op.type === 'setData' ||
    op.type === 'setACL' ||
    op.type === 'multi' ||
    op.type === 'closeSession' ||
    op.type === 'kvSet' ||
    op.type === 'kvCas'
  );
}

/** True for the reads (they see one server's state at the reply header's zxid). */
export function isZkRead(op: ZkOp): boolean {
  return op.type === 'getData' || op.type === 'exists' || op.type === 'getChildren' || op.type === 'kvGet';
}

/** The op's own path, or null for multi and closeSession. */
export function opPath(op: ZkOp): string | null {
  return op.type === 'multi' || op.type === 'closeSession' ? null : op.path;
}
