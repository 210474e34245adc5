// ZooKeeper 3.8's PrepRequestProcessor.pRequest2Txn as a pure function: it validates a write in
// ZooKeeper's exact check order against the committed tree *plus the leader's outstanding changes*
// (ZooKeeperServer.outstandingChanges: one ChangeRecord per path touched by a txn that has been
// prepared but not yet applied), and turns it into a txn. A failed write becomes an error txn: it
// still takes its zxid and is proposed and committed like any other.
//
// The leader threads `OutstandingChanges` through: `prep` returns the extended value, and after
// applying a committed txn to its tree the leader calls `retireOutstanding(changes, zxid)`, as
// ZooKeeperServer.processTxn does. A new leader starts from `emptyOutstanding()`. Followers never prep.
//
// Kept from 3.8, deliberately: a pending setACL's change record keeps the *old* ACL, so requests
// prepared before it commits are checked against the old ACL; a pending closeSession does not
// lower its parents' child counts (digest is on by default, so their pzxid moves); records are keyed
// by the path as written, so the root's pending changes under "" (as a parent) and "/" are separate.
// Container and TTL nodes are created here like persistent ones with a special ephemeralOwner; a TTL
// create is refused UNIMPLEMENTED unless PrepContext.extendedTypesEnabled is on. deleteContainer (the
// leader's ContainerManager) has its own checks (pRequest2Txn's OpCode.deleteContainer case).
// Not modelled: quotas (3.8 only enforces them when enforceQuota is set), reconfig, local sessions.
import type { Zxid } from '../zxid.js';
import { checkAcl, fixupAcl, PERMS, type Acl } from './acl.js';
import { getNode } from './data-tree.js';
import type { FailureCode } from './errors.js';
import { emptyMap, mapGet, mapRemove, mapSet, type PersistentMap } from './hamt.js';
import { emptyJavaHashSet, javaHashSetAdd, javaHashSetClone, javaHashSetOrder, javaHashSetRemove } from './java-hash-set.js';
import { formatSequence, isValidPath, parentPathOf } from './path.js';
import {
  CONTAINER_EPHEMERAL_OWNER,
  ephemeralTypeOf,
  isTtlMode,
  TTL_MAX_MS,
  ttlEphemeralOwner,
  type CreateMode,
  type DataTree,
  type MultiSubTxn,
  type OpTxn,
  type PrepContext,
  type Txn,
  type TxnBody,
  type WriteOp,
  type WriteRequest,
  type Znode,
  type ZnodeData,
} from './types.js';

/** StatPersisted: the stat fields a change record carries (cversion is the persisted count). */
export type PersistedStat = Omit<Znode, 'data' | 'acl' | 'children'>;

/** ZooKeeperServer.ChangeRecord. */
export interface ChangeRecord {
  /** The txn that made it; -1 for a record read from the tree. */
  readonly zxid: Zxid;
  readonly path: string;
  /** null: the node is being deleted. */
  readonly stat: PersistedStat | null;
  readonly childCount: number;
  readonly acl: readonly Acl[];
  readonly data: ZnodeData;
}

/** outstandingChanges (a FIFO of records) and outstandingChangesForPath (the latest per path). */
export interface OutstandingChanges {
  readonly head: number;
  readonly tail: number;
  /** String(sequence number) → record, for sequence numbers head..tail-1. */
  readonly queue: PersistentMap<ChangeRecord>;
  readonly byPath: PersistentMap<ChangeRecord>;
}

const EMPTY_OUTSTANDING: OutstandingChanges = Object.freeze({
  head: 0,
  tail: 0,
  queue: emptyMap<ChangeRecord>(),
  byPath: emptyMap<ChangeRecord>(),
});

export function emptyOutstanding(): OutstandingChanges {
  return EMPTY_OUTSTANDING;
}

/** The records in FIFO order. O(k). */
export function outstandingRecords(changes: OutstandingChanges): ChangeRecord[] {
  const out: ChangeRecord[] = [];
  for (let i = changes.head; i < changes.tail; i++) {
    const record = mapGet(changes.queue, String(i));
    if (record !== undefined) out.push(record);
  }
  return out;
}

/**
 * What ZooKeeperServer.processTxn does after applying the txn `zxid`: drop every record with
 * zxid <= it from the FIFO, and from the per-path map when it is still that path's latest.
 */
export function retireOutstanding(changes: OutstandingChanges, zxid: Zxid): OutstandingChanges {
  let { head, queue, byPath } = changes;
  while (head < changes.tail) {
    const record = mapGet(queue, String(head));
    if (record === undefined || record.zxid > zxid) break;
    queue = mapRemove(queue, String(head));
    if (mapGet(byPath, record.path) === record) byPath = mapRemove(byPath, record.path);
    head++;
  }
  if (head === changes.head) return changes;
  return head === changes.tail ? EMPTY_OUTSTANDING : { head, tail: changes.tail, queue, byPath };
}

export interface PrepOutcome {
  readonly txn: Txn;
  readonly outstanding: OutstandingChanges;
}

interface Work {
  readonly tree: DataTree;
  readonly zxid: Zxid;
  readonly timeMs: number;
  readonly ctx: PrepContext;
  outstanding: OutstandingChanges;
}

type Prepared = { readonly ok: true; readonly txn: OpTxn } | { readonly ok: false; readonly err: FailureCode };

class Refusal {
  readonly err: FailureCode;
  constructor(err: FailureCode) {
    this.err = err;
  }
}

/** Internal control flow only: each check throws a Refusal, caught at the op boundary. */
function refuse(err: FailureCode): never {
  throw new Refusal(err);
}

function addChangeRecord(work: Work, record: ChangeRecord): void {
  const o = work.outstanding;
  work.outstanding = {
    head: o.head,
    tail: o.tail + 1,
    queue: mapSet(o.queue, String(o.tail), record),
    byPath: mapSet(o.byPath, record.path, record),
  };
}

/** PrepRequestProcessor.getRecordForPath: the pending record, else the tree's node; NONODE if neither. */
function recordForPath(work: Work, path: string): ChangeRecord & { readonly stat: PersistedStat } {
  let record = mapGet(work.outstanding.byPath, path);
  if (record === undefined) {
    const node = getNode(work.tree, path);
    if (node !== undefined) {
      const { czxid, mzxid, pzxid, ctime, mtime, version, cversion, aversion, ephemeralOwner } = node;
      record = {
        zxid: -1,
        path,
        stat: { czxid, mzxid, pzxid, ctime, mtime, version, cversion, aversion, ephemeralOwner },
        childCount: node.children.size,
        acl: node.acl,
        data: node.data,
      };
    }
  }
  if (record === undefined || record.stat === null) return refuse('NONODE');
  return record as ChangeRecord & { readonly stat: PersistedStat };
}

function nodeExists(work: Work, path: string): boolean {
  const record = mapGet(work.outstanding.byPath, path);
  if (record !== undefined) return record.stat !== null;
  return getNode(work.tree, path) !== undefined;
}

/**
 * A copy of `record` for txn `zxid` with some stat fields and childCount/data replaced. Written out
 * field by field (a spread with overrides costs 250-900 ns in V8 11, a literal about 20), in the key
 * order of the records recordForPath and prepCreate build. `data` is replaced when `rest` names it,
 * even by null.
 */
function duplicate(
  record: ChangeRecord,
  zxid: Zxid,
  stat: Partial<PersistedStat>,
  rest: Partial<Pick<ChangeRecord, 'childCount' | 'data'>> = {},
): ChangeRecord {
  const o = record.stat as PersistedStat;
  return {
    zxid,
    path: record.path,
    stat: {
      czxid: stat.czxid === undefined ? o.czxid : stat.czxid,
      mzxid: stat.mzxid === undefined ? o.mzxid : stat.mzxid,
      pzxid: stat.pzxid === undefined ? o.pzxid : stat.pzxid,
      ctime: stat.ctime === undefined ? o.ctime : stat.ctime,
      mtime: stat.mtime === undefined ? o.mtime : stat.mtime,
      version: stat.version === undefined ? o.version : stat.version,
      cversion: stat.cversion === undefined ? o.cversion : stat.cversion,
      aversion: stat.aversion === undefined ? o.aversion : stat.aversion,
      ephemeralOwner: stat.ephemeralOwner === undefined ? o.ephemeralOwner : stat.ephemeralOwner,
    },
    childCount: rest.childCount === undefined ? record.childCount : rest.childCount,
    acl: record.acl,
    data: 'data' in rest ? (rest.data as ZnodeData) : record.data,
  };
}

function checkSession(work: Work): void {
  if (work.ctx.sessionError !== undefined) refuse(work.ctx.sessionError);
}

function checkPerm(work: Work, acl: readonly Acl[], perm: number): void {
  if (!checkAcl(acl, perm, work.ctx.authIds)) refuse('NOAUTH');
}

function validatePath(path: string): void {
  if (!isValidPath(path)) refuse('BADARGUMENTS');
}

/** DataTree.isSpecialPath. */
function isSpecialPath(path: string): boolean {
  return path === '/' || path === '/zookeeper' || path === '/zookeeper/quota' || path === '/zookeeper/config';
}

/** getParentPathAndValidate (delete) and, without the special-path rule, validatePathForCreate. */
function parentPathChecked(path: string, refuseSpecial: boolean): string {
  const parentPath = parentPathOf(path);
  if (parentPath === undefined || path.includes('\0') || (refuseSpecial && isSpecialPath(path))) refuse('BADARGUMENTS');
  return parentPath;
}

/** checkAndIncVersion: -1 matches anything; the new version is current + 1 as a Java int. */
function checkAndIncVersion(current: number, expected: number): number {
  if (expected !== -1 && expected !== current) refuse('BADVERSION');
  return (current + 1) | 0;
}

function fixedAcl(work: Work, acl: readonly Acl[]): readonly Acl[] {
  const fixed = fixupAcl(acl, work.ctx.authIds);
  return typeof fixed === 'string' ? refuse(fixed) : fixed;
}

/**
 * PrepRequestProcessor.validateCreateRequest's mode checks: a TTL mode while extendedTypesEnabled is
 * off is UNIMPLEMENTED; then EphemeralType.validateTTL, whose IllegalArgumentException becomes
 * BADARGUMENTS. The ttl is the CreateTTLRequest's, or -1 for the other create opcodes.
 */
function validateCreateMode(work: Work, mode: CreateMode, ttl: number): void {
  if (isTtlMode(mode) && work.ctx.extendedTypesEnabled !== true) refuse('UNIMPLEMENTED');
  if (isTtlMode(mode) ? !(Number.isInteger(ttl) && ttl > 0 && ttl <= TTL_MAX_MS) : ttl >= 0) refuse('BADARGUMENTS');
}

function prepCreate(work: Work, op: Extract<WriteOp, { type: 'create' }>): OpTxn {
  const ttl = op.ttl ?? -1; // a ttl is sent only as OpCode.createTTL
  validateCreateMode(work, op.mode, ttl);
  checkSession(work);
  const parentPath = parentPathChecked(op.path, false);
  const acl = fixedAcl(work, op.acl);
  const parent = recordForPath(work, parentPath);
  checkPerm(work, parent.acl, PERMS.CREATE);
  const sequential = op.mode === 'PERSISTENT_SEQUENTIAL' || op.mode === 'EPHEMERAL_SEQUENTIAL' || op.mode === 'PERSISTENT_SEQUENTIAL_WITH_TTL';
  const ephemeral = op.mode === 'EPHEMERAL' || op.mode === 'EPHEMERAL_SEQUENTIAL';
  const path = sequential ? op.path + formatSequence(parent.stat.cversion) : op.path;
  validatePath(path);
  if (nodeExists(work, path)) refuse('NODEEXISTS');
  // Only a session's own ephemeral refuses children: containers and TTL nodes take them.
  if (ephemeralTypeOf(parent.stat.ephemeralOwner) === 'NORMAL') refuse('NOCHILDRENFOREPHEMERALS');
  const newCversion = (parent.stat.cversion + 1) | 0;
  const { zxid, timeMs } = work;
  addChangeRecord(work, duplicate(parent, zxid, { cversion: newCversion, pzxid: zxid }, { childCount: parent.childCount + 1 }));
  const container = op.mode === 'CONTAINER';
  const owner = container ? CONTAINER_EPHEMERAL_OWNER : isTtlMode(op.mode) ? ttlEphemeralOwner(ttl) : ephemeral ? work.ctx.sessionId : 0;
  addChangeRecord(work, {
    zxid,
    path,
    stat: { czxid: zxid, mzxid: zxid, pzxid: zxid, ctime: timeMs, mtime: timeMs, version: 0, cversion: 0, aversion: 0, ephemeralOwner: owner },
    childCount: 0,
    acl,
    data: op.data,
  });
  const txn: OpTxn = { type: 'create', path, data: op.data, acl, ephemeral, parentCversion: newCversion };
  if (container) return { ...txn, container: true }; // CreateContainerTxn
  return isTtlMode(op.mode) ? { ...txn, ttl } : txn; // CreateTTLTxn
}

/**
 * pRequest2Txn's OpCode.deleteContainer: no session, ACL or version check. The node must exist and
 * have no children, and must not be a session's ephemeral (BADVERSION); any other node, even a plain
 * persistent one that took the container's place meanwhile, is deleted as a DeleteTxn.
 */
function prepDeleteContainer(work: Work, path: string): OpTxn {
  const parentPath = parentPathChecked(path, true);
  const node = recordForPath(work, path);
  if (node.childCount > 0) refuse('NOTEMPTY');
  if (ephemeralTypeOf(node.stat.ephemeralOwner) === 'NORMAL') refuse('BADVERSION');
  const parent = recordForPath(work, parentPath);
  addChangeRecord(work, duplicate(parent, work.zxid, { pzxid: work.zxid }, { childCount: parent.childCount - 1 }));
  addChangeRecord(work, { zxid: work.zxid, path, stat: null, childCount: -1, acl: [], data: null });
  return { type: 'delete', path };
}

function prepDelete(work: Work, op: Extract<WriteOp, { type: 'delete' }>): OpTxn {
  checkSession(work);
  const parentPath = parentPathChecked(op.path, true);
  const parent = recordForPath(work, parentPath);
  checkPerm(work, parent.acl, PERMS.DELETE);
  const node = recordForPath(work, op.path);
  checkAndIncVersion(node.stat.version, op.version);
  if (node.childCount > 0) refuse('NOTEMPTY');
  addChangeRecord(work, duplicate(parent, work.zxid, { pzxid: work.zxid }, { childCount: parent.childCount - 1 }));
  addChangeRecord(work, { zxid: work.zxid, path: op.path, stat: null, childCount: -1, acl: [], data: null });
  return { type: 'delete', path: op.path };
}

function prepSetData(work: Work, op: Extract<WriteOp, { type: 'setData' }>): OpTxn {
  checkSession(work);
  validatePath(op.path);
  const node = recordForPath(work, op.path);
  checkPerm(work, node.acl, PERMS.WRITE);
  const version = checkAndIncVersion(node.stat.version, op.version);
  addChangeRecord(work, duplicate(node, work.zxid, { version, mtime: work.timeMs, mzxid: work.zxid }, { data: op.data }));
  return { type: 'setData', path: op.path, data: op.data, version };
}

function prepSetAcl(work: Work, op: Extract<WriteRequest, { type: 'setACL' }>): OpTxn {
  checkSession(work);
  validatePath(op.path);
  const acl = fixedAcl(work, op.acl);
  const node = recordForPath(work, op.path);
  checkPerm(work, node.acl, PERMS.ADMIN);
  const version = checkAndIncVersion(node.stat.aversion, op.version);
  // 3.8 keeps the old ACL in the pending record (only aversion moves).
  addChangeRecord(work, duplicate(node, work.zxid, { aversion: version }));
  return { type: 'setACL', path: op.path, acl, version };
}

function prepCheck(work: Work, op: Extract<WriteOp, { type: 'check' }>): OpTxn {
  checkSession(work);
  validatePath(op.path);
  const node = recordForPath(work, op.path);
  checkPerm(work, node.acl, PERMS.READ);
  return { type: 'check', path: op.path, version: checkAndIncVersion(node.stat.version, op.version) };
}

function prepOp(work: Work, op: WriteOp | Extract<WriteRequest, { type: 'setACL' | 'deleteContainer' }>): Prepared {
  try {
    switch (op.type) {
      case 'deleteContainer':
        return { ok: true, txn: prepDeleteContainer(work, op.path) };
      case 'create':
        return { ok: true, txn: prepCreate(work, op) };
      case 'delete':
        return { ok: true, txn: prepDelete(work, op) };
      case 'setData':
        return { ok: true, txn: prepSetData(work, op) };
      case 'setACL':
        return { ok: true, txn: prepSetAcl(work, op) };
      case 'check':
        return { ok: true, txn: prepCheck(work, op) };
    }
  } catch (error) {
    if (error instanceof Refusal) return { ok: false, err: error.err };
    throw error;
  }
}

/**
 * One multi txn for all ops, validated in order against the tree plus the changes of the earlier
 * ops. At the first failure the multi's change records are rolled back; that op carries its error
 * and every later op RUNTIMEINCONSISTENCY (earlier ops keep their txns; applyTxn reports them OK).
 */
function prepMulti(work: Work, ops: readonly WriteOp[]): TxnBody {
  const before = work.outstanding;
  const txns: MultiSubTxn[] = [];
  let failed = false;
  for (const op of ops) {
    if (failed) {
      txns.push({ type: 'error', err: 'RUNTIMEINCONSISTENCY' });
      continue;
    }
    const prepared = prepOp(work, op);
    if (prepared.ok) {
      txns.push(prepared.txn as MultiSubTxn);
    } else {
      failed = true;
      txns.push({ type: 'error', err: prepared.err });
      work.outstanding = before; // rollbackPendingChanges restores exactly the pre-multi records
    }
  }
  return { type: 'multi', txns };
}

/**
 * closeSession: the session's committed ephemerals (a clone of DataTree's set), minus paths with a
 * pending delete, plus paths a pending create gives this session, in outstanding order. Each gets a
 * delete record (and, digest being on, a parent record with pzxid moved but childCount unchanged).
 */
function prepCloseSession(work: Work): TxnBody {
  const sessionId = work.ctx.sessionId;
  const committed = mapGet(work.tree.ephemerals, String(sessionId));
  let paths = committed === undefined ? emptyJavaHashSet(16) : javaHashSetClone(committed);
  for (const record of outstandingRecords(work.outstanding)) {
    if (record.stat === null) paths = javaHashSetRemove(paths, record.path);
    else if (record.stat.ephemeralOwner === sessionId) paths = javaHashSetAdd(paths, record.path);
  }
  const ordered = javaHashSetOrder(paths);
  for (const path of ordered) {
    const parentPath = parentPathChecked(path, true);
    const parent = recordForPath(work, parentPath);
    addChangeRecord(work, duplicate(parent, work.zxid, { pzxid: work.zxid }));
    addChangeRecord(work, { zxid: work.zxid, path, stat: null, childCount: 0, acl: [], data: null });
  }
  return { type: 'closeSession', paths: ordered };
}

/**
 * PrepRequestProcessor for one write request. `tree` is the leader's committed tree (the one its
 * FinalRequestProcessor applies to); `outstanding` its pending change records (none by default).
 */
export function prep(tree: DataTree, request: WriteRequest, ctx: PrepContext, outstanding: OutstandingChanges = EMPTY_OUTSTANDING): PrepOutcome {
  const work: Work = { tree, zxid: ctx.zxid, timeMs: ctx.timeMs, ctx, outstanding };
  let body: TxnBody;
  switch (request.type) {
    case 'multi':
      body = prepMulti(work, request.ops);
      break;
    case 'createSession':
      body = { type: 'createSession', timeoutMs: request.timeoutMs };
      break;
    case 'closeSession':
      try {
        body = prepCloseSession(work);
      } catch (error) {
        if (!(error instanceof Refusal)) throw error;
        // As in ZooKeeper, records added before the failure stay, and the txn becomes an error.
        body = { type: 'error', err: error.err };
      }
      break;
    default: {
      const prepared = prepOp(work, request);
      body = prepared.ok ? prepared.txn : { type: 'error', err: prepared.err };
      break;
    }
  }
  return { txn: { zxid: ctx.zxid, timeMs: ctx.timeMs, sessionId: ctx.sessionId, body }, outstanding: work.outstanding };
}
