// ZooKeeper 3.8's DataTree as a persistent value: `applyTxn` is DataTree.processTxn (plus the
// session-table update ZooKeeperServer.processTxn does), the reads are FinalRequestProcessor's
// getData/exists/getChildren/getACL with their ACL checks. Every write copies only the nodes on the
// changed paths of the persistent maps, never the tree.
import { assert, unreachable } from '../assert.js';
import type { Zxid } from '../zxid.js';
import { applyPatch, type Mutable } from '../patch.js';
import { checkAcl, OPEN_ACL_UNSAFE, PERMS, READ_ACL_UNSAFE, redactDigests, type Acl, type Id } from './acl.js';
import { utf8Length } from './digest.js';
import type { ErrorCode, FailureCode } from './errors.js';
import { emptyMap, mapEntries, mapGet, mapHas, mapRemove, mapSet } from './hamt.js';
import { emptyJavaHashSet, javaHashSetAdd, javaHashSetClone, javaHashSetOrder, javaHashSetRemove, type JavaHashSet } from './java-hash-set.js';
import { canonicalPath, childNameOf, parentPathOf } from './path.js';
import { CONTAINER_EPHEMERAL_OWNER, ephemeralTypeOf, ttlEphemeralOwner } from './types.js';
import type {
  ApplyOutcome,
  DataTree,
  MultiSubTxn,
  OpResult,
  ReadResult,
  SessionId,
  Stat,
  Txn,
  TxnBody,
  TxnResult,
  WatchTrigger,
  Znode,
  ZnodeData,
} from './types.js';

/** DataNode's `new HashSet<String>(8)`. */
const CHILDREN_INITIAL_CAPACITY = 8;
/** DataTree.ephemerals' `new HashSet<String>()`. */
const EPHEMERALS_INITIAL_CAPACITY = 16;

const EMPTY_CHILDREN: JavaHashSet = emptyJavaHashSet(CHILDREN_INITIAL_CAPACITY);

export function dataLengthOf(data: ZnodeData): number {
  return data === null ? 0 : utf8Length(data);
}

function bareNode(acl: readonly Acl[]): Znode {
  return {
    data: '',
    acl,
    czxid: 0,
    mzxid: 0,
    pzxid: 0,
    ctime: 0,
    mtime: 0,
    version: 0,
    cversion: 0,
    aversion: 0,
    ephemeralOwner: 0,
    children: EMPTY_CHILDREN,
  };
}

/**
 * Copies a znode with some fields replaced (protocol/patch.ts), in bareNode's key order. A field
 * the patch leaves undefined keeps its value (data may be set to null).
 */
function patchZnode(o: Znode, p: Partial<Znode>): Znode {
  const next: Mutable<Znode> = {
    data: o.data,
    acl: o.acl,
    czxid: o.czxid,
    mzxid: o.mzxid,
    pzxid: o.pzxid,
    ctime: o.ctime,
    mtime: o.mtime,
    version: o.version,
    cversion: o.cversion,
    aversion: o.aversion,
    ephemeralOwner: o.ephemeralOwner,
    children: o.children,
  };
  return applyPatch(next, p);
}

/** Copies a tree with some fields replaced (protocol/patch.ts), in createDataTree's key order. */
function patchTree(o: DataTree, p: Partial<DataTree>): DataTree {
  const next: Mutable<DataTree> = {
    nodes: o.nodes,
    ephemerals: o.ephemerals,
    sessions: o.sessions,
    containers: o.containers,
    ttls: o.ttls,
    lastProcessedZxid: o.lastProcessedZxid,
  };
  return applyPatch(next, p);
}

export interface DataTreeOptions {
  /**
   * What a quorum peer writes into /zookeeper/config (ZKDatabase.initConfigInZKDatabase: the dynamic
   * config text, version -1, mzxid = the config's version). A standalone server leaves it empty.
   */
  readonly config?: { readonly data: string; readonly mzxid: Zxid; readonly mtimeMs: number };
}

/**
 * A fresh DataTree: "/", "/zookeeper", "/zookeeper/quota" (open ACL) and "/zookeeper/config"
 * (READ_ACL_UNSAFE, set with version -1 so its aversion is -1), all with zeroed stats and empty data.
 */
export function createDataTree(options: DataTreeOptions = {}): DataTree {
  const root = patchZnode(bareNode(OPEN_ACL_UNSAFE), { children: javaHashSetAdd(EMPTY_CHILDREN, 'zookeeper') });
  const proc = patchZnode(bareNode(OPEN_ACL_UNSAFE), { children: javaHashSetAdd(javaHashSetAdd(EMPTY_CHILDREN, 'quota'), 'config') });
  const quota = bareNode(OPEN_ACL_UNSAFE);
  let config = patchZnode(bareNode(READ_ACL_UNSAFE), { aversion: -1 });
  if (options.config !== undefined) {
    config = patchZnode(config, { data: options.config.data, version: -1, mzxid: options.config.mzxid, mtime: options.config.mtimeMs });
  }
  let nodes = emptyMap<Znode>();
  nodes = mapSet(nodes, '/', root);
  nodes = mapSet(nodes, '/zookeeper', proc);
  nodes = mapSet(nodes, '/zookeeper/quota', quota);
  nodes = mapSet(nodes, '/zookeeper/config', config);
  return { nodes, ephemerals: emptyMap(), sessions: emptyMap(), containers: emptyMap(), ttls: emptyMap(), lastProcessedZxid: 0 };
}

/** DataTree.getNode: "" is an alias of the root. */
export function getNode(tree: DataTree, path: string): Znode | undefined {
  return mapGet(tree.nodes, canonicalPath(path));
}

/** Number of znodes, the root counted once. */
export function nodeCount(tree: DataTree): number {
  return tree.nodes.size;
}

/** DataNode.copyStat. */
export function statOf(node: Znode): Stat {
  const numChildren = node.children.size;
  return {
    czxid: node.czxid,
    mzxid: node.mzxid,
    ctime: node.ctime,
    mtime: node.mtime,
    version: node.version,
    cversion: (Math.imul(node.cversion, 2) - numChildren) | 0,
    aversion: node.aversion,
    ephemeralOwner: node.ephemeralOwner,
    dataLength: dataLengthOf(node.data),
    numChildren,
    pzxid: node.pzxid,
  };
}

/** The order in which ZooKeeper 3.8 lists this node's children (its HashSet's iteration order). */
export function childrenInJavaOrder(node: Znode): string[] {
  return javaHashSetOrder(node.children);
}

/**
 * The paths PrepRequestProcessor puts into a CloseSessionTxn when no change is outstanding:
 * `new ArrayList<>(dataTree.getEphemerals(sessionId))`, the order of a clone of the session's set.
 */
export function ephemeralsOf(tree: DataTree, sessionId: SessionId): string[] {
  const set = mapGet(tree.ephemerals, String(sessionId));
  return set === undefined ? [] : javaHashSetOrder(javaHashSetClone(set));
}

/** The session's ephemerals as DataTree holds them (its HashSet, not a clone). */
export function ephemeralSetOf(tree: DataTree, sessionId: SessionId): JavaHashSet | undefined {
  return mapGet(tree.ephemerals, String(sessionId));
}

// ---------------------------------------------------------------------------------------------
// Reads (FinalRequestProcessor). Session checks and watch registration are the caller's.

function fail<T>(err: FailureCode): ReadResult<T> {
  return { ok: false, err };
}

export function getData(tree: DataTree, path: string, authIds: readonly Id[]): ReadResult<{ data: ZnodeData; stat: Stat }> {
  const node = getNode(tree, path);
  if (node === undefined) return fail('NONODE');
  if (!checkAcl(node.acl, PERMS.READ, authIds)) return fail('NOAUTH');
  return { ok: true, value: { data: node.data, stat: statOf(node) } };
}

/**
 * exists: a path with NUL is BADARGUMENTS; a missing node is NONODE, which the client reports as a
 * null Stat (and the server still registers the watch). `checkRead`: 3.8.4 and later check READ on
 * an existing node (ZOOKEEPER-2590, FinalRequestProcessor); 3.8.0 to 3.8.3 check no ACL (the 3.8.0
 * server measured in test/conformance: no exists NOAUTH in 200×30 recorded sequences, and exists on
 * READ-less nodes returns their Stat).
 */
export function exists(tree: DataTree, path: string, authIds: readonly Id[], checkRead = false): ReadResult<Stat> {
  if (path.includes('\0')) return fail('BADARGUMENTS');
  const node = getNode(tree, path);
  if (node === undefined) return fail('NONODE');
  if (checkRead && !checkAcl(node.acl, PERMS.READ, authIds)) return fail('NOAUTH');
  return { ok: true, value: statOf(node) };
}

/** getChildren / getChildren2: the children in Java HashSet order, with the node's Stat. */
export function getChildren(tree: DataTree, path: string, authIds: readonly Id[]): ReadResult<{ children: string[]; stat: Stat }> {
  const node = getNode(tree, path);
  if (node === undefined) return fail('NONODE');
  if (!checkAcl(node.acl, PERMS.READ, authIds)) return fail('NOAUTH');
  return { ok: true, value: { children: childrenInJavaOrder(node), stat: statOf(node) } };
}

/** getACL needs READ or ADMIN; without ADMIN the digest ids come back as "user:x". */
export function getACL(tree: DataTree, path: string, authIds: readonly Id[]): ReadResult<{ acl: readonly Acl[]; stat: Stat }> {
  const node = getNode(tree, path);
  if (node === undefined) return fail('NONODE');
  if (!checkAcl(node.acl, PERMS.READ | PERMS.ADMIN, authIds)) return fail('NOAUTH');
  const acl = checkAcl(node.acl, PERMS.ADMIN, authIds) ? node.acl : redactDigests(node.acl);
  return { ok: true, value: { acl, stat: statOf(node) } };
}

// ---------------------------------------------------------------------------------------------
// Writes (DataTree.processTxn). A working copy threads through one txn; inputs are never touched.

interface Work {
  tree: DataTree;
  readonly events: WatchTrigger[];
}

type Step<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly err: FailureCode };

function putNode(work: Work, path: string, node: Znode): void {
  work.tree = patchTree(work.tree, { nodes: mapSet(work.tree.nodes, canonicalPath(path), node) });
}

function updateEphemerals(work: Work, owner: SessionId, update: (set: JavaHashSet) => JavaHashSet, create: boolean): void {
  const key = String(owner);
  const current = mapGet(work.tree.ephemerals, key);
  if (current === undefined && !create) return;
  const next = update(current ?? emptyJavaHashSet(EPHEMERALS_INITIAL_CAPACITY));
  if (next === current) return;
  work.tree = patchTree(work.tree, { ephemerals: mapSet(work.tree.ephemerals, key, next) });
}

/**
 * The indexes DataTree.createNode and deleteNode keep by EphemeralType: containers, ttls, or the
 * session's ephemerals (a persistent node is in none).
 */
function trackOwner(work: Work, path: string, owner: SessionId, add: boolean): void {
  const type = ephemeralTypeOf(owner);
  if (type === 'VOID') return;
  if (type === 'NORMAL') {
    updateEphemerals(work, owner, (set) => (add ? javaHashSetAdd(set, path) : javaHashSetRemove(set, path)), add);
    return;
  }
  const key = type === 'CONTAINER' ? 'containers' : 'ttls';
  const index = work.tree[key];
  const next = add ? mapSet(index, path, 1 as const) : mapRemove(index, path);
  if (next !== index) work.tree = patchTree(work.tree, key === 'containers' ? { containers: next } : { ttls: next });
}

/** DataTree.createNode. `parentCversion` -1 means "one more than now" (used when replaying old logs). */
function createNode(
  work: Work,
  path: string,
  data: ZnodeData,
  acl: readonly Acl[],
  ephemeralOwner: SessionId,
  parentCversion: number,
  zxid: Zxid,
  timeMs: number,
): Step<Stat> {
  const parentPath = parentPathOf(path);
  if (!(parentPath !== undefined)) assert(false, `create txn without '/': ${path}`);
  const parent = getNode(work.tree, parentPath);
  if (parent === undefined) return { ok: false, err: 'NONODE' };
  // ZooKeeper also repoints the existing node's ACL here; only replay of inconsistent logs sees it.
  if (getNode(work.tree, path) !== undefined) return { ok: false, err: 'NODEEXISTS' };
  const newCversion = parentCversion === -1 ? (parent.cversion + 1) | 0 : parentCversion;
  // Only ever raise cversion (and then pzxid): replaying a fuzzy snapshot must not lower them. A
  // cversion that wrapped past 2^31-1 is "lower", so the parent keeps cversion 2147483647.
  const raise = newCversion > parent.cversion;
  const nextParent = patchZnode(parent, {
    children: javaHashSetAdd(parent.children, childNameOf(path)),
    cversion: raise ? newCversion : parent.cversion,
    pzxid: raise ? zxid : parent.pzxid,
  });
  const child: Znode = {
    data,
    acl,
    czxid: zxid,
    mzxid: zxid,
    pzxid: zxid,
    ctime: timeMs,
    mtime: timeMs,
    version: 0,
    cversion: 0,
    aversion: 0,
    ephemeralOwner,
    children: EMPTY_CHILDREN,
  };
  putNode(work, parentPath, nextParent);
  putNode(work, path, child);
  trackOwner(work, path, ephemeralOwner, true);
  work.events.push({ type: 'NodeCreated', path, watches: 'data', acl });
  work.events.push({ type: 'NodeChildrenChanged', path: canonicalPath(parentPath), watches: 'child', acl: parent.acl });
  return { ok: true, value: statOf(child) };
}

/**
 * DataTree.deleteNode. The parent is updated (child removed, pzxid raised) before the node is looked
 * up, so a delete of an already missing child still moves the parent's pzxid, then fails NONODE.
 */
function deleteNode(work: Work, path: string, zxid: Zxid): Step<null> {
  const parentPath = parentPathOf(path);
  if (!(parentPath !== undefined)) assert(false, `delete txn without '/': ${path}`);
  const parent = getNode(work.tree, parentPath);
  if (parent === undefined) return { ok: false, err: 'NONODE' };
  const children = javaHashSetRemove(parent.children, childNameOf(path));
  if (children !== parent.children || zxid > parent.pzxid) {
    putNode(work, parentPath, patchZnode(parent, { children, pzxid: zxid > parent.pzxid ? zxid : parent.pzxid }));
  }
  const node = getNode(work.tree, path);
  if (node === undefined) return { ok: false, err: 'NONODE' };
  work.tree = patchTree(work.tree, { nodes: mapRemove(work.tree.nodes, canonicalPath(path)) });
  trackOwner(work, path, node.ephemeralOwner, false);
  work.events.push({ type: 'NodeDeleted', path, watches: 'data', acl: node.acl });
  work.events.push({ type: 'NodeDeleted', path, watches: 'child', acl: node.acl });
  work.events.push({ type: 'NodeChildrenChanged', path: canonicalPath(parentPath), watches: 'child', acl: parent.acl });
  return { ok: true, value: null };
}

function setData(work: Work, path: string, data: ZnodeData, version: number, zxid: Zxid, timeMs: number): Step<Stat> {
  const node = getNode(work.tree, path);
  if (node === undefined) return { ok: false, err: 'NONODE' };
  const next = patchZnode(node, { data, mtime: timeMs, mzxid: zxid, version });
  putNode(work, path, next);
  work.events.push({ type: 'NodeDataChanged', path, watches: 'data', acl: node.acl });
  return { ok: true, value: statOf(next) };
}

function setAcl(work: Work, path: string, acl: readonly Acl[], version: number): Step<Stat> {
  const node = getNode(work.tree, path);
  if (node === undefined) return { ok: false, err: 'NONODE' };
  const next = patchZnode(node, { acl, aversion: version });
  putNode(work, path, next);
  return { ok: true, value: statOf(next) };
}

/** DataTree.setCversionPzxid, which processTxn calls when a create txn fails NODEEXISTS. */
function setCversionPzxid(work: Work, path: string, newCversion: number, zxid: Zxid): ErrorCode {
  const trimmed = path.endsWith('/') ? path.slice(0, -1) : path;
  const node = getNode(work.tree, trimmed);
  if (node === undefined) return 'NONODE';
  const cversion = newCversion === -1 ? (node.cversion + 1) | 0 : newCversion;
  if (cversion > node.cversion) putNode(work, trimmed, patchZnode(node, { cversion, pzxid: zxid }));
  return 'OK';
}

function opResultOf<T>(step: Step<T>, success: (value: T) => OpResult): OpResult {
  return step.ok ? success(step.value) : { type: 'error', err: step.err };
}

function applyBody(work: Work, body: TxnBody, txn: Txn): TxnResult {
  const { zxid, timeMs } = txn;
  switch (body.type) {
    case 'create': {
      const owner =
        body.container === true ? CONTAINER_EPHEMERAL_OWNER : body.ttl !== undefined ? ttlEphemeralOwner(body.ttl) : body.ephemeral ? txn.sessionId : 0;
      const step = createNode(work, body.path, body.data, body.acl, owner, body.parentCversion, zxid, timeMs);
      if (!step.ok && step.err === 'NODEEXISTS') {
        const parentPath = parentPathOf(body.path) ?? '';
        const err = setCversionPzxid(work, parentPath, body.parentCversion, zxid);
        if (err !== 'OK') return { type: 'error', err };
      }
      return opResultOf(step, (stat) => ({ type: 'create', path: body.path, stat }));
    }
    case 'delete':
      return opResultOf(deleteNode(work, body.path, zxid), () => ({ type: 'delete', path: body.path }));
    case 'setData':
      return opResultOf(setData(work, body.path, body.data, body.version, zxid, timeMs), (stat) => ({
        type: 'setData',
        path: body.path,
        stat,
      }));
    case 'setACL':
      return opResultOf(setAcl(work, body.path, body.acl, body.version), (stat) => ({ type: 'setACL', path: body.path, stat }));
    case 'check':
      return { type: 'check', path: body.path };
    case 'error':
      return { type: 'error', err: body.err };
    case 'multi':
      return applyMulti(work, body.txns, txn);
    case 'createSession':
      work.tree = patchTree(work.tree, { sessions: mapSet(work.tree.sessions, String(txn.sessionId), body.timeoutMs) });
      return { type: 'createSession' };
    case 'closeSession':
      killSession(work, txn.sessionId, body.paths, zxid);
      work.tree = patchTree(work.tree, { sessions: mapRemove(work.tree.sessions, String(txn.sessionId)) });
      return { type: 'closeSession' };
    default:
      return unreachable(body);
  }
}

/**
 * A multi whose txns contain an error record is applied as all errors: ops before the first error
 * report OK, ops after it RUNTIMEINCONSISTENCY, and nothing changes. Otherwise the sub-txns apply in
 * order under the multi's zxid; err is the first failing sub-result's code.
 */
function applyMulti(work: Work, txns: readonly MultiSubTxn[], txn: Txn): TxnResult {
  const failed = txns.some((sub) => sub.type === 'error');
  let postFailed = false;
  let err: ErrorCode = 'OK';
  const results: OpResult[] = [];
  for (const sub of txns) {
    let body: MultiSubTxn = sub;
    if (sub.type === 'error') postFailed = true;
    else if (failed) body = { type: 'error', err: postFailed ? 'RUNTIMEINCONSISTENCY' : 'OK' };
    const result = applyBody(work, body, txn);
    assert(result.type !== 'multi' && result.type !== 'createSession' && result.type !== 'closeSession', 'bad multi sub-result');
    results.push(result);
    if (result.type === 'error' && result.err !== 'OK' && err === 'OK') err = result.err;
  }
  return { type: 'multi', err, results };
}

/**
 * DataTree.killSession: delete the txn's paths in order (a missing one is skipped), then whatever
 * else the session's ephemerals set still held, in that set's order.
 */
function killSession(work: Work, sessionId: SessionId, paths: readonly string[], zxid: Zxid): void {
  const key = String(sessionId);
  let local = mapGet(work.tree.ephemerals, key);
  work.tree = patchTree(work.tree, { ephemerals: mapRemove(work.tree.ephemerals, key) });
  for (const path of paths) deleteNode(work, path, zxid);
  if (local === undefined) return;
  for (const path of paths) local = javaHashSetRemove(local, path);
  for (const path of javaHashSetOrder(local)) deleteNode(work, path, zxid);
}

/** DataTree.processTxn: the next tree, the result the client gets, and the watch triggers in order. */
export function applyTxn(tree: DataTree, txn: Txn): ApplyOutcome {
  const work: Work = { tree, events: [] };
  const result = applyBody(work, txn.body, txn);
  if (txn.zxid > work.tree.lastProcessedZxid) work.tree = patchTree(work.tree, { lastProcessedZxid: txn.zxid });
  return { tree: work.tree, result, watchEvents: work.events };
}

// ---------------------------------------------------------------------------------------------
// Snapshots.

/**
 * The tree a server holds after this tree is written to a snapshot and loaded back (a restart, or a
 * learner's SNAP sync): DataTree.serializeNode walks the tree depth-first from the root, children in
 * HashSet order, and deserialize re-adds every child to a fresh `HashSet<>(8)` and every ephemeral to
 * a fresh per-session `HashSet<>()` in that order. Tables shrink to fit, so getChildren's order can
 * differ from the original server's afterwards, as it does in ZooKeeper. Stats, data, ACLs, sessions
 * and lastProcessedZxid are kept. O(n), like the real thing.
 */
export function reloadFromSnapshot(tree: DataTree): DataTree {
  let nodes = emptyMap<Znode>();
  let ephemerals = emptyMap<JavaHashSet>();
  let containers = emptyMap<1>();
  let ttls = emptyMap<1>();
  const root = getNode(tree, '/');
  assert(root !== undefined, 'tree without a root');
  nodes = mapSet(nodes, '/', patchZnode(root, { children: EMPTY_CHILDREN }));
  // Explicit stack of [path ("" for the root), the old node], visited in serializeNode's order.
  const stack: [string, Znode][] = [['', root]];
  while (stack.length > 0) {
    const entry = stack.pop();
    if (entry === undefined) break;
    const [path, node] = entry;
    const children = childrenInJavaOrder(node);
    for (let i = children.length - 1; i >= 0; i--) {
      const childPath = `${path}/${children[i] ?? ''}`;
      const child = mapGet(tree.nodes, childPath);
      if (!(child !== undefined)) assert(false, `snapshot: ${childPath} listed but missing`);
      stack.push([childPath, child]);
    }
    if (path === '') continue;
    const parentPath = canonicalPath(parentPathOf(path) ?? '');
    const parent = mapGet(nodes, parentPath);
    if (!(parent !== undefined)) assert(false, `snapshot: parent of ${path} not loaded first`);
    nodes = mapSet(nodes, parentPath, patchZnode(parent, { children: javaHashSetAdd(parent.children, childNameOf(path)) }));
    nodes = mapSet(nodes, path, patchZnode(node, { children: EMPTY_CHILDREN }));
    const type = ephemeralTypeOf(node.ephemeralOwner);
    if (type === 'CONTAINER') containers = mapSet(containers, path, 1);
    else if (type === 'TTL') ttls = mapSet(ttls, path, 1);
    else if (type === 'NORMAL') {
      const key = String(node.ephemeralOwner);
      const set = mapGet(ephemerals, key) ?? emptyJavaHashSet(EPHEMERALS_INITIAL_CAPACITY);
      ephemerals = mapSet(ephemerals, key, javaHashSetAdd(set, path));
    }
  }
  return { nodes, ephemerals, sessions: tree.sessions, containers, ttls, lastProcessedZxid: tree.lastProcessedZxid };
}

// ---------------------------------------------------------------------------------------------
// Invariants, O(n): for tests and for checkers, never per write.

/** Facts every tree reachable through applyTxn satisfies; returns the violations (empty when fine). */
export function treeInvariantViolations(tree: DataTree): string[] {
  const violations: string[] = [];
  const entries = mapEntries(tree.nodes);
  const childCount = new Map<string, number>();
  const ephemeralPaths = new Map<string, Set<string>>();
  for (const [path, node] of entries) {
    if (path === '/') continue;
    const parentPath = canonicalPath(parentPathOf(path) ?? '');
    const parent = mapGet(tree.nodes, parentPath);
    if (parent === undefined) violations.push(`${path}: parent ${parentPath} missing`);
    else if (mapGet(parent.children.members, childNameOf(path)) === undefined) violations.push(`${path}: not listed by ${parentPath}`);
    if (parent !== undefined && ephemeralTypeOf(parent.ephemeralOwner) === 'NORMAL') violations.push(`${path}: child of ephemeral ${parentPath}`);
    childCount.set(parentPath, (childCount.get(parentPath) ?? 0) + 1);
    const type = ephemeralTypeOf(node.ephemeralOwner);
    if ((type === 'CONTAINER') !== mapHas(tree.containers, path)) violations.push(`${path}: containers index disagrees with its owner`);
    if ((type === 'TTL') !== mapHas(tree.ttls, path)) violations.push(`${path}: ttls index disagrees with its owner`);
    if (type === 'NORMAL') {
      const key = String(node.ephemeralOwner);
      const set = ephemeralPaths.get(key) ?? new Set<string>();
      set.add(path);
      ephemeralPaths.set(key, set);
    }
    if (node.czxid > node.mzxid) violations.push(`${path}: czxid ${node.czxid} > mzxid ${node.mzxid}`);
    if (node.czxid > node.pzxid) violations.push(`${path}: czxid ${node.czxid} > pzxid ${node.pzxid}`);
    if (node.mzxid > tree.lastProcessedZxid) violations.push(`${path}: mzxid beyond lastProcessedZxid`);
    if (node.pzxid > tree.lastProcessedZxid) violations.push(`${path}: pzxid beyond lastProcessedZxid`);
  }
  for (const [path, node] of entries) {
    const expected = childCount.get(path) ?? 0;
    if (node.children.size !== expected) violations.push(`${path}: numChildren ${node.children.size} but ${expected} children`);
    if (node.children.members.size !== node.children.size) violations.push(`${path}: children size mismatch`);
  }
  for (const [key, set] of mapEntries(tree.ephemerals)) {
    const expected = ephemeralPaths.get(key) ?? new Set<string>();
    const listed = javaHashSetOrder(set);
    if (listed.length !== expected.size || listed.some((path) => !expected.has(path))) {
      violations.push(`ephemerals of session ${key} disagree with the nodes' owners`);
    }
    ephemeralPaths.delete(key);
  }
  for (const key of ephemeralPaths.keys()) violations.push(`session ${key} owns nodes but has no ephemerals entry`);
  for (const [path] of [...mapEntries(tree.containers), ...mapEntries(tree.ttls)]) {
    if (mapGet(tree.nodes, path) === undefined) violations.push(`${path}: indexed as a container or TTL node but missing`);
  }
  return violations;
}
