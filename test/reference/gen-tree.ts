// The generator's own small ZooKeeper data tree (test/reference/generate.ts runs every txn on it):
// written from ZooKeeper 3.8's PrepRequestProcessor and DataTree, sharing no code with sim/checkers
// or the reference checker, so that a bug in either of those cannot hide in the histories it makes.
// A tree is an immutable Map (one copy per txn: the histories are a dozen ops long).
import type { ZkOp, ZkResult, ZkReturnCode, ZkWatchType } from '../../sim/history/types.js';

export type Znode = {
  readonly data: string;
  /** Stat.version: setData count. */
  readonly version: number;
  /** The persisted cversion: the number of children ever created here (DataTree.createNode raises it; deleteNode does not). */
  readonly creations: number;
  readonly mzxid: number;
  /** Stat.ephemeralOwner: the owning session, 0 for persistent nodes. */
  readonly owner: number;
  /** Child names, sorted. */
  readonly children: readonly string[];
};

export type Tree = ReadonlyMap<string, Znode>;

/** One change a txn made, as the watch it triggers names it (WatchManager.triggerWatch). */
export type Change = { readonly path: string; readonly type: ZkWatchType };

const empty = (data: string, owner: number, mzxid: number): Znode => ({ data, version: 0, creations: 0, mzxid, owner, children: [] });

/** ZooKeeper's initial tree: / and /zookeeper with config and quota (DataTree's constructor, 3.5+). */
export function initialTree(): Tree {
  return new Map<string, Znode>([
    ['/', { ...empty('', 0, 0), children: ['zookeeper'] }],
    ['/zookeeper', { ...empty('', 0, 0), children: ['config', 'quota'] }],
    ['/zookeeper/config', empty('', 0, 0)],
    ['/zookeeper/quota', empty('', 0, 0)],
  ]);
}

export function parentOf(path: string): string {
  const i = path.lastIndexOf('/');
  return i <= 0 ? '/' : path.slice(0, i);
}

function nameOf(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/** String.format("%010d", n) for the sequential suffix. */
export function sequenceSuffix(n: number): string {
  return String(n).padStart(10, '0');
}

type Applied = { readonly tree: Tree; readonly result: ZkResult; readonly changes: readonly Change[] };
type Failure = { readonly rc: ZkReturnCode };

/** The rc a single write would fail with on `tree`, or null when it succeeds (PrepRequestProcessor's check order). */
function failureOf(tree: Tree, op: ZkOp): Failure | null {
  switch (op.type) {
    case 'create': {
      const parent = tree.get(parentOf(op.path));
      if (parent === undefined) return { rc: 'noNode' };
      const sequential = op.mode === 'persistentSequential' || op.mode === 'ephemeralSequential';
      const path = sequential ? op.path + sequenceSuffix(parent.creations) : op.path;
      if (tree.has(path)) return { rc: 'nodeExists' };
      if (parent.owner !== 0) return { rc: 'noChildrenForEphemerals' };
      return null;
    }
    case 'delete': {
      const node = tree.get(op.path);
      if (node === undefined) return { rc: 'noNode' };
      if (op.version !== -1 && op.version !== node.version) return { rc: 'badVersion' };
      if (node.children.length > 0) return { rc: 'notEmpty' };
      return null;
    }
    case 'setData':
    case 'check': {
      const node = tree.get(op.path);
      if (node === undefined) return { rc: 'noNode' };
      if (op.version !== -1 && op.version !== node.version) return { rc: 'badVersion' };
      return null;
    }
    default:
      throw new Error(`gen-tree: ${op.type} is not a tree write`);
  }
}

function withChild(tree: Map<string, Znode>, parentPath: string, name: string, created: boolean): void {
  const parent = tree.get(parentPath)!;
  const children = created ? [...parent.children, name].sort() : parent.children.filter((c) => c !== name);
  tree.set(parentPath, { ...parent, children, creations: created ? parent.creations + 1 : parent.creations });
}

/** Applies one successful sub-write in place; returns its result and changes. */
function applyOne(tree: Map<string, Znode>, op: ZkOp, session: number, zxid: number): { result: ZkResult; changes: Change[] } {
  switch (op.type) {
    case 'create': {
      const parentPath = parentOf(op.path);
      const sequential = op.mode === 'persistentSequential' || op.mode === 'ephemeralSequential';
      const path = sequential ? op.path + sequenceSuffix(tree.get(parentPath)!.creations) : op.path;
      const ephemeral = op.mode === 'ephemeral' || op.mode === 'ephemeralSequential';
      tree.set(path, empty(op.data, ephemeral ? session : 0, zxid));
      withChild(tree, parentPath, nameOf(path), true);
      return {
        result: { rc: 'ok', path },
        changes: [
          { path, type: 'NodeCreated' },
          { path: parentPath, type: 'NodeChildrenChanged' },
        ],
      };
    }
    case 'delete':
      deleteNode(tree, op.path);
      return {
        result: { rc: 'ok' },
        changes: [
          { path: op.path, type: 'NodeDeleted' },
          { path: parentOf(op.path), type: 'NodeChildrenChanged' },
        ],
      };
    case 'setData': {
      const node = tree.get(op.path)!;
      tree.set(op.path, { ...node, data: op.data, version: node.version + 1, mzxid: zxid });
      return { result: { rc: 'ok', version: node.version + 1 }, changes: [{ path: op.path, type: 'NodeDataChanged' }] };
    }
    case 'check':
      return { result: { rc: 'ok' }, changes: [] };
    default:
      throw new Error(`gen-tree: ${op.type} is not a tree write`);
  }
}

function deleteNode(tree: Map<string, Znode>, path: string): void {
  tree.delete(path);
  withChild(tree, parentOf(path), nameOf(path), false);
}

/**
 * Runs one write txn (create, delete, setData, multi, closeSession) at `zxid` for `session`. A failed
 * write is an error txn: it still takes its zxid and changes nothing. A failed multi reports ok for the
 * sub-ops before the failing one, its error, then runtimeInconsistency (PrepRequestProcessor, multi case).
 */
export function applyWrite(tree: Tree, op: ZkOp, session: number, zxid: number): Applied {
  const work = new Map(tree);
  if (op.type === 'closeSession') {
    // DataTree.killSession: every ephemeral the session owns goes, in one txn.
    const owned = [...work.entries()].filter(([, n]) => n.owner === session && session !== 0).map(([p]) => p);
    const changes: Change[] = [];
    for (const path of owned.sort().reverse()) {
      deleteNode(work, path);
      changes.push({ path, type: 'NodeDeleted' }, { path: parentOf(path), type: 'NodeChildrenChanged' });
    }
    return { tree: work, result: { rc: 'ok' }, changes };
  }
  if (op.type === 'multi') {
    const results: ZkResult[] = [];
    const changes: Change[] = [];
    for (let i = 0; i < op.ops.length; i++) {
      const sub = op.ops[i]!;
      const failure = failureOf(work, sub);
      if (failure !== null) {
        const failed = op.ops.map((_, j): ZkResult => ({ rc: j < i ? 'ok' : j === i ? failure.rc : 'runtimeInconsistency' }));
        return { tree, result: { rc: failure.rc, results: failed }, changes: [] };
      }
      const one = applyOne(work, sub, session, zxid);
      results.push(one.result);
      changes.push(...one.changes);
    }
    return { tree: work, result: { rc: 'ok', results }, changes };
  }
  const failure = failureOf(work, op);
  if (failure !== null) return { tree, result: { rc: failure.rc }, changes: [] };
  const one = applyOne(work, op, session, zxid);
  return { tree: work, result: one.result, changes: one.changes };
}

/** What a read returns on `tree`; `stat` adds mzxid and ephemeralOwner (a client that records the whole Stat). */
export function readTree(tree: Tree, op: ZkOp, stat: boolean): ZkResult {
  const path = (op as { path: string }).path;
  const node = tree.get(path);
  const statOf = (n: Znode) => (stat ? { version: n.version, mzxid: n.mzxid, ephemeralOwner: n.owner } : { version: n.version });
  switch (op.type) {
    case 'getData':
      return node === undefined ? { rc: 'noNode' } : { rc: 'ok', data: node.data, ...statOf(node) };
    case 'exists':
      return node === undefined ? { rc: 'ok', exists: false } : { rc: 'ok', exists: true, ...statOf(node) };
    case 'getChildren':
      return node === undefined ? { rc: 'noNode' } : { rc: 'ok', children: [...node.children] };
    default:
      throw new Error(`gen-tree: ${op.type} is not a tree read`);
  }
}

/** The KV registers of zabsim's Zab-level runs (protocol/zab/kv-sm.ts semantics: first set is version 0). */
export type KvEntry = { readonly data: string; readonly version: number; readonly mzxid: number };
export type KvState = ReadonlyMap<string, KvEntry>;

/** A kvSet or kvCas at `zxid`: a cas whose version does not match is a badVersion txn that changes nothing. */
export function applyKv(state: KvState, op: ZkOp, zxid: number): { state: KvState; result: ZkResult } {
  if (op.type !== 'kvSet' && op.type !== 'kvCas') throw new Error(`gen-tree: ${op.type} is not a kv write`);
  const current = state.get(op.path);
  if (op.type === 'kvCas' && (current?.version ?? -1) !== op.version) return { state, result: { rc: 'badVersion' } };
  const version = (current?.version ?? -1) + 1;
  const next = new Map(state);
  next.set(op.path, { data: op.data, version, mzxid: zxid });
  return { state: next, result: { rc: 'ok', version } };
}

export function readKv(state: KvState, path: string): ZkResult {
  const e = state.get(path);
  return e === undefined ? { rc: 'ok', exists: false } : { rc: 'ok', exists: true, data: e.data, version: e.version, mzxid: e.mzxid };
}
