// The reference checker's own model of ZooKeeper's data tree (DEFINITIONS.md §2), written from
// ZooKeeper 3.8's PrepRequestProcessor and DataTree, independent of sim/checkers. Trees are immutable
// maps (small histories only): applying a txn returns a new tree, the triggered watches and the result.
import type { ZkOp, ZkReturnCode } from '../../sim/history/types.js';

export type RefNode = {
  /** null: not judged (/zookeeper/config, whose content depends on the ensemble). */
  readonly data: string | null;
  readonly version: number;
  readonly aversion: number;
  /** Child creations so far: the counter behind sequential names (DataNode's persisted cversion). */
  readonly cversion: number;
  readonly children: readonly string[];
  /** Owning session of an ephemeral, 0 for persistent nodes, -1 when the owner is unknown. */
  readonly owner: number;
  /** The txn (search item id) that last set the data; -1 for the initial tree (mzxid 0). */
  readonly mzxidTxn: number;
  /** Stat not judged (/zookeeper/config). */
  readonly statUnknown: boolean;
};

export type RefRegister = { readonly data: string; readonly version: number; readonly mzxidTxn: number };

export type RefTree = {
  readonly nodes: ReadonlyMap<string, RefNode>;
  readonly registers: ReadonlyMap<string, RefRegister>;
  /** Paths whose ephemeral was deleted by a session end (path → session), until created again. */
  readonly endedEphemerals: ReadonlyMap<string, number>;
};

export type ModelResult = { readonly rc: ZkReturnCode; readonly path?: string; readonly version?: number; readonly results?: readonly ModelResult[] };

export type WatchKind = 'data' | 'child';
export type WatchEventType = 'NodeCreated' | 'NodeDeleted' | 'NodeDataChanged' | 'NodeChildrenChanged';
/** A change that fires the watches of `kind` on `path` with event `type` (DataTree.createNode, deleteNode, setData). */
export type Trigger = { readonly path: string; readonly kind: WatchKind; readonly type: WatchEventType };

export type Applied = { readonly tree: RefTree; readonly result: ModelResult; readonly triggers: readonly Trigger[] };

function node(data: string | null, children: readonly string[], statUnknown = false): RefNode {
  return { data, version: 0, aversion: 0, cversion: 0, children, owner: 0, mzxidTxn: -1, statUnknown };
}

/** DataTree's constructor: /, /zookeeper, /zookeeper/quota and (3.5+) /zookeeper/config. */
export function initialTree(): RefTree {
  const nodes = new Map<string, RefNode>([
    ['/', node('', ['zookeeper'])],
    ['/zookeeper', node('', ['config', 'quota'])],
    ['/zookeeper/config', node(null, [], true)],
    ['/zookeeper/quota', node('', [])],
  ]);
  return { nodes, registers: new Map(), endedEphemerals: new Map() };
}

const SPECIAL_PATHS = new Set(['/', '/zookeeper', '/zookeeper/quota', '/zookeeper/config']);

export function parentPath(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash <= 0 ? '/' : path.slice(0, slash);
}

function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/** PathUtils.validatePath: absolute, no empty, "." or ".." segment, no trailing slash, no forbidden characters. */
export function isValidPath(path: string): boolean {
  if (path.length === 0 || path[0] !== '/') return false;
  if (path === '/') return true;
  if (path.endsWith('/')) return false;
  for (const segment of path.slice(1).split('/')) {
    if (segment === '' || segment === '.' || segment === '..') return false;
  }
  for (let i = 0; i < path.length; i++) {
    const c = path.charCodeAt(i);
    if (c <= 0x1f || (c >= 0x7f && c <= 0x9f) || (c >= 0xd800 && c <= 0xf8ff) || (c >= 0xfff0 && c <= 0xffff)) return false;
  }
  return true;
}

/** A mutable working copy for one txn; `commit` makes the new immutable tree. */
class Draft {
  readonly nodes: Map<string, RefNode>;
  readonly registers: Map<string, RefRegister>;
  readonly ended: Map<string, number>;
  readonly triggers: Trigger[] = [];
  constructor(tree: RefTree) {
    this.nodes = new Map(tree.nodes);
    this.registers = new Map(tree.registers);
    this.ended = new Map(tree.endedEphemerals);
  }
  commit(): RefTree {
    return { nodes: this.nodes, registers: this.registers, endedEphemerals: this.ended };
  }
}

/** Applies one sub-op (or a plain op) to the draft; returns its result. Effects only when rc is ok. */
function applyTo(d: Draft, op: ZkOp, session: number | null, txn: number): ModelResult {
  switch (op.type) {
    case 'create': {
      // PrepRequestProcessor.pRequest2TxnCreate, in its order of checks.
      if (op.path.lastIndexOf('/') < 0 || op.path.includes('\0')) return { rc: 'badArguments' };
      const parentName = op.path.lastIndexOf('/') === 0 ? '/' : op.path.slice(0, op.path.lastIndexOf('/'));
      const parent = d.nodes.get(parentName);
      if (parent === undefined) return { rc: 'noNode' };
      const sequential = op.mode === 'persistentSequential' || op.mode === 'ephemeralSequential';
      const path = sequential ? op.path + String(parent.cversion).padStart(10, '0') : op.path;
      if (!isValidPath(path)) return { rc: 'badArguments' };
      if (d.nodes.has(path)) return { rc: 'nodeExists' };
      if (parent.owner !== 0) return { rc: 'noChildrenForEphemerals' };
      const ephemeral = op.mode === 'ephemeral' || op.mode === 'ephemeralSequential';
      d.nodes.set(path, {
        data: op.data,
        version: 0,
        aversion: 0,
        cversion: 0,
        children: [],
        owner: ephemeral ? (session ?? -1) : 0,
        mzxidTxn: txn,
        statUnknown: false,
      });
      d.nodes.set(parentName, { ...parent, cversion: parent.cversion + 1, children: [...parent.children, baseName(path)] });
      d.ended.delete(path);
      d.triggers.push({ path, kind: 'data', type: 'NodeCreated' }, { path: parentName, kind: 'child', type: 'NodeChildrenChanged' });
      return { rc: 'ok', path };
    }
    case 'delete': {
      if (op.path.lastIndexOf('/') < 0 || op.path.includes('\0') || SPECIAL_PATHS.has(op.path)) return { rc: 'badArguments' };
      const parentName = parentPath(op.path);
      const parent = d.nodes.get(parentName);
      if (parent === undefined) return { rc: 'noNode' };
      const target = d.nodes.get(op.path);
      if (target === undefined) return { rc: 'noNode' };
      if (op.version !== -1 && op.version !== target.version) return { rc: 'badVersion' };
      if (target.children.length > 0) return { rc: 'notEmpty' };
      deleteNode(d, op.path);
      return { rc: 'ok' };
    }
    case 'setData': {
      if (!isValidPath(op.path)) return { rc: 'badArguments' };
      const target = d.nodes.get(op.path);
      if (target === undefined) return { rc: 'noNode' };
      if (op.version !== -1 && op.version !== target.version) return { rc: 'badVersion' };
      d.nodes.set(op.path, { ...target, data: op.data, version: target.version + 1, mzxidTxn: txn });
      d.triggers.push({ path: op.path, kind: 'data', type: 'NodeDataChanged' });
      return { rc: 'ok', version: target.version + 1 };
    }
    case 'setACL': {
      if (!isValidPath(op.path)) return { rc: 'badArguments' };
      const target = d.nodes.get(op.path);
      if (target === undefined) return { rc: 'noNode' };
      if (op.version !== -1 && op.version !== target.aversion) return { rc: 'badVersion' };
      d.nodes.set(op.path, { ...target, aversion: target.aversion + 1 });
      return { rc: 'ok' };
    }
    case 'check': {
      if (!isValidPath(op.path)) return { rc: 'badArguments' };
      const target = d.nodes.get(op.path);
      if (target === undefined) return { rc: 'noNode' };
      if (op.version !== -1 && op.version !== target.version) return { rc: 'badVersion' };
      return { rc: 'ok' };
    }
    case 'kvSet':
    case 'kvCas': {
      const reg = d.registers.get(op.path);
      if (op.type === 'kvCas' && op.version !== (reg === undefined ? -1 : reg.version)) return { rc: 'badVersion' };
      const version = reg === undefined ? 0 : reg.version + 1;
      d.registers.set(op.path, { data: op.data, version, mzxidTxn: txn });
      return { rc: 'ok', version };
    }
    default:
      throw new Error(`not a txn op: ${op.type}`);
  }
}

/** DataTree.deleteNode: removes the node, fires NodeDeleted on it and NodeChildrenChanged on its parent. */
function deleteNode(d: Draft, path: string): void {
  const parentName = parentPath(path);
  const parent = d.nodes.get(parentName)!;
  d.nodes.delete(path);
  const name = baseName(path);
  d.nodes.set(parentName, { ...parent, children: parent.children.filter((c) => c !== name) });
  d.triggers.push(
    { path, kind: 'data', type: 'NodeDeleted' },
    { path, kind: 'child', type: 'NodeDeleted' },
    { path: parentName, kind: 'child', type: 'NodeChildrenChanged' },
  );
}

/** The ops that form a multi, as ZooKeeper accepts them (MultiOperationRecord). */
export function isMultiSubOp(op: ZkOp): boolean {
  return op.type === 'create' || op.type === 'delete' || op.type === 'setData' || op.type === 'check' || op.type === 'setACL';
}

/**
 * Applies txn `txn` (a write op of `session`, or a session end when `op` is closeSession) to `tree`.
 * A multi applies its sub-ops in order on one draft; on the first error the draft is dropped and the
 * per-op results are ok before it, its code, runtimeInconsistency after (DataTree.processTxn).
 */
export function applyTxn(tree: RefTree, op: ZkOp, session: number | null, txn: number): Applied {
  if (op.type === 'multi') {
    const d = new Draft(tree);
    const results: ModelResult[] = [];
    let failed: ZkReturnCode | null = null;
    for (const sub of op.ops) {
      if (failed !== null) results.push({ rc: 'runtimeInconsistency' });
      else {
        const r = applyTo(d, sub, session, txn);
        results.push(r);
        if (r.rc !== 'ok') failed = r.rc;
      }
    }
    if (failed !== null) return { tree, result: { rc: failed, results: results.map((r) => (r.rc === 'ok' ? { rc: 'ok' } : r)) }, triggers: [] };
    return { tree: d.commit(), result: { rc: 'ok', results }, triggers: d.triggers };
  }
  if (op.type === 'closeSession') {
    // DataTree.killSession: every ephemeral of the session is deleted.
    if (session === null) return { tree, result: { rc: 'ok' }, triggers: [] };
    const d = new Draft(tree);
    const doomed = [...tree.nodes].filter(([, n]) => n.owner === session).map(([p]) => p);
    doomed.sort();
    for (const path of doomed) {
      deleteNode(d, path);
      d.ended.set(path, session);
    }
    return { tree: d.commit(), result: { rc: 'ok' }, triggers: d.triggers };
  }
  const d = new Draft(tree);
  const result = applyTo(d, op, session, txn);
  if (result.rc !== 'ok') return { tree, result, triggers: [] };
  return { tree: d.commit(), result, triggers: d.triggers };
}

/** Every field of every node, register and ended ephemeral, sorted: equal keys, equal trees. */
export function treeKey(tree: RefTree): string {
  const parts: string[] = [];
  for (const [p, n] of tree.nodes)
    parts.push(`${p}\u0001${n.data}\u0001${n.version},${n.aversion},${n.cversion},${n.owner},${n.mzxidTxn},${[...n.children].sort().join('/')}`);
  for (const [p, r] of tree.registers) parts.push(`\u0002${p}\u0001${r.data}\u0001${r.version},${r.mzxidTxn}`);
  for (const [p, s] of tree.endedEphemerals) parts.push(`\u0003${p},${s}`);
  return parts.sort().join('\u0000');
}

/** Serialises a tree for tests and debugging (sorted, stable). */
export function treeText(tree: RefTree): string {
  const lines = [...tree.nodes].sort(([a], [b]) => (a < b ? -1 : 1)).map(([p, n]) => `${p} ${JSON.stringify(n.data)} v${n.version} c${n.cversion} o${n.owner}`);
  for (const [p, r] of [...tree.registers].sort(([a], [b]) => (a < b ? -1 : 1))) lines.push(`kv ${p} ${JSON.stringify(r.data)} v${r.version}`);
  return lines.join('\n');
}
