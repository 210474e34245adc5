// A minimal sequential znode tree: ZooKeeper's write semantics (DataTree and PrepRequestProcessor) as
// the client checkers replay them, and the comparison of a reported result with the model's.
import { isValidPath } from '../../protocol/tree/path.js';
import type { ZkOp, ZkResult, ZkReturnCode } from '../history/types.js';

export type ZNode = {
  readonly data: string;
  readonly version: number;
  readonly aversion: number;
  readonly cversion: number;
  readonly children: number;
  /** The owning session of an ephemeral node (-1 when the history does not name it), 0 if persistent. */
  readonly owner: number;
};
export type Tree = Map<string, ZNode>;
/** What applyOp and the read checks use of a tree: a Map, or the searches' persistent tree (search-tree.ts). */
export interface TreeLike {
  readonly size: number;
  get(path: string): ZNode | undefined;
  has(path: string): boolean;
  set(path: string, node: ZNode): unknown;
  delete(path: string): boolean;
  keys(): IterableIterator<string>;
  [Symbol.iterator](): IterableIterator<[string, ZNode]>;
}
export type Outcome = { readonly rc: ZkReturnCode; readonly path?: string; readonly version?: number; readonly results?: readonly Outcome[] };
export type Undo = [string, ZNode | undefined][];

/** One constructor keeps every node the same hidden class (object spread would not). */
export function makeNode(data: string, version: number, aversion: number, cversion: number, children: number, owner: number): ZNode {
  return { data, version, aversion, cversion, children, owner };
}

export const OK: Outcome = { rc: 'ok' };

// ZooKeeper's initial tree (the DataTree constructor, 3.5+): the root holds /zookeeper, which holds
// /zookeeper/quota and /zookeeper/config. They are added as children directly, not created, so every
// cversion stays 0 and a sequential create under the root still gets 0000000000.
const ROOT: ZNode = makeNode('', 0, 0, 0, 1, 0);
const ZOOKEEPER: ZNode = makeNode('', 0, 0, 0, 2, 0);
const QUOTA: ZNode = makeNode('', 0, 0, 0, 0, 0);
/**
 * /zookeeper/config before any write to it: a quorum peer writes the ensemble's dynamic config there
 * (ZKDatabase.initConfigInZKDatabase, version -1), which the history does not give, so a read of its
 * data or version is not judged (contentUnknown) while the node is this very object. Writing it needs
 * the superuser (its ACL is READ only); a history that does is modelled from version 0 and empty data.
 */
const CONFIG: ZNode = makeNode('', 0, 0, 0, 0, 0);

/** DataTree.isSpecialPath: the nodes a client can never delete. */
function isSpecialPath(path: string): boolean {
  return path === '/' || path === '/zookeeper' || path === '/zookeeper/quota' || path === '/zookeeper/config';
}

export function newTree(): Tree {
  return new Map([
    ['/', ROOT],
    ['/zookeeper', ZOOKEEPER],
    ['/zookeeper/quota', QUOTA],
    ['/zookeeper/config', CONFIG],
  ]);
}

/** Whether a read of the node's data, version or mzxid cannot be judged: /zookeeper/config as the server set it up. */
export function contentUnknown(node: ZNode): boolean {
  return node === CONFIG;
}

/**
 * The node a KV register op sees at `path`: zabsim's Zab-level register runs have one register per path
 * and no ZooKeeper tree, so ZooKeeper's own nodes, as the initial tree holds them, are absent to them.
 */
export function registerAt(tree: TreeLike, path: string): ZNode | undefined {
  const node = tree.get(path);
  return node === ROOT || node === ZOOKEEPER || node === QUOTA || node === CONFIG ? undefined : node;
}

export function parentOf(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash <= 0 ? '/' : path.slice(0, slash);
}

export function isSequential(op: ZkOp): boolean {
  return op.type === 'create' && (op.mode === 'persistentSequential' || op.mode === 'ephemeralSequential');
}

export function setNode(tree: TreeLike, undo: Undo | null, path: string, node: ZNode | undefined): void {
  if (undo !== null) undo.push([path, tree.get(path)]);
  if (node === undefined) tree.delete(path);
  else tree.set(path, node);
}

/**
 * Applies `op` (of `session`; null when unknown) to `tree` as ZooKeeper would and returns its result;
 * effects only when rc is 'ok'. Invalid paths (PathUtils.validatePath) give badArguments where
 * PrepRequestProcessor checks them: for create after the parent lookup, on the final (sequential) name;
 * for setData, setACL and check before the node lookup; delete does not validate its path. A path
 * with a node is valid (creates validate), so only missing paths are validated: the fast path stays fast.
 */
export function applyOp(tree: TreeLike, op: ZkOp, undo: Undo | null, session: number | null = null): Outcome {
  switch (op.type) {
    case 'create': {
      const parentPath = parentOf(op.path === '/' ? '/' : op.path);
      if (op.path === '/') return { rc: 'nodeExists' };
      const parent = tree.get(parentPath);
      if (parent === undefined) return { rc: 'noNode' };
      const path = isSequential(op) ? op.path + String(parent.cversion).padStart(10, '0') : op.path;
      if (tree.has(path)) return { rc: 'nodeExists' };
      if (!isValidPath(path)) return { rc: 'badArguments' };
      if (parent.owner !== 0) return { rc: 'noChildrenForEphemerals' };
      const ephemeral = op.mode === 'ephemeral' || op.mode === 'ephemeralSequential';
      setNode(tree, undo, path, makeNode(op.data, 0, 0, 0, 0, ephemeral ? (session ?? -1) : 0));
      setNode(tree, undo, parentPath, makeNode(parent.data, parent.version, parent.aversion, parent.cversion + 1, parent.children + 1, parent.owner));
      return { rc: 'ok', path };
    }
    case 'delete': {
      // PrepRequestProcessor (getParentPathAndValidate) refuses the special paths before any node lookup.
      if (isSpecialPath(op.path)) return { rc: 'badArguments' };
      const node = tree.get(op.path);
      if (node === undefined) return { rc: 'noNode' };
      if (op.version !== -1 && op.version !== node.version) return { rc: 'badVersion' };
      if (node.children > 0) return { rc: 'notEmpty' };
      const parentPath = parentOf(op.path);
      const parent = tree.get(parentPath)!;
      setNode(tree, undo, op.path, undefined);
      setNode(tree, undo, parentPath, makeNode(parent.data, parent.version, parent.aversion, parent.cversion, parent.children - 1, parent.owner));
      return OK;
    }
    case 'setData': {
      const node = tree.get(op.path);
      if (node === undefined) return { rc: isValidPath(op.path) ? 'noNode' : 'badArguments' };
      if (op.version !== -1 && op.version !== node.version) return { rc: 'badVersion' };
      setNode(tree, undo, op.path, makeNode(op.data, node.version + 1, node.aversion, node.cversion, node.children, node.owner));
      return { rc: 'ok', version: node.version + 1 };
    }
    case 'setACL': {
      const node = tree.get(op.path);
      if (node === undefined) return { rc: isValidPath(op.path) ? 'noNode' : 'badArguments' };
      if (op.version !== -1 && op.version !== node.aversion) return { rc: 'badVersion' };
      setNode(tree, undo, op.path, makeNode(node.data, node.version, node.aversion + 1, node.cversion, node.children, node.owner));
      return OK;
    }
    case 'check': {
      const node = tree.get(op.path);
      if (node === undefined) return { rc: isValidPath(op.path) ? 'noNode' : 'badArguments' };
      if (op.version !== -1 && op.version !== node.version) return { rc: 'badVersion' };
      return OK;
    }
    case 'multi': {
      const log: Undo = [];
      const results: Outcome[] = [];
      for (let k = 0; k < op.ops.length; k++) {
        const outcome = applyOp(tree, op.ops[k]!, log, session);
        results.push(outcome);
        if (outcome.rc !== 'ok') {
          for (let i = log.length - 1; i >= 0; i--) {
            const [path, node] = log[i]!;
            if (node === undefined) tree.delete(path);
            else tree.set(path, node);
          }
          return { rc: outcome.rc, results: failedMultiResults(k, outcome.rc, op.ops.length) };
        }
      }
      if (undo !== null) for (const entry of log) undo.push(entry); // a loop: a spread of a huge multi's log overflows the stack
      return { rc: 'ok', results };
    }
    case 'closeSession': {
      // Owner 0 marks a persistent node (a Stat's ephemeralOwner is 0 for one, and KV registers are made
      // with it): a session numbered 0 owns nothing to delete here (a parser fuzz case crashed on one).
      if (session === null || session === 0) return OK;
      const doomed: string[] = [];
      for (const [path, node] of tree) if (node.owner === session) doomed.push(path);
      for (const path of doomed) applyOp(tree, { type: 'delete', path, version: -1 }, undo, session);
      return OK;
    }
    case 'kvSet':
    case 'kvCas': {
      const node = registerAt(tree, op.path);
      if (op.type === 'kvCas' && op.version !== (node === undefined ? -1 : node.version)) return { rc: 'badVersion' };
      const version = node === undefined ? 0 : node.version + 1;
      setNode(tree, undo, op.path, makeNode(op.data, version, 0, 0, 0, 0));
      return { rc: 'ok', version };
    }
    case 'getData':
    case 'exists':
    case 'getChildren':
    case 'sync':
    case 'kvGet':
    case 'addWatch':
    case 'removeWatches':
      return OK;
  }
}

const RUNTIME_INCONSISTENCY: Outcome = { rc: 'runtimeInconsistency' };

/**
 * The sub-results of a multi whose op `failed` (of `count`) failed with `rc`, as ZooKeeper 3.8 reports
 * them: PrepRequestProcessor (pRequestHelper, OpCode.multi) makes the failing op an error txn with its
 * own code and every later op an error txn with RUNTIMEINCONSISTENCY; DataTree.processTxn then turns the
 * earlier ops into error results with code 0, and FinalRequestProcessor answers one ErrorResult per op.
 * The client (ZooKeeper.multiInternal) throws the first non-zero code: the multi's own rc.
 */
function failedMultiResults(failed: number, rc: Outcome['rc'], count: number): Outcome[] {
  const results: Outcome[] = [];
  for (let k = 0; k < count; k++) results.push(k < failed ? OK : k === failed ? { rc } : RUNTIME_INCONSISTENCY);
  return results;
}

/** Why the reported result disagrees with the model's, or null when it agrees. */
export function mismatch(reported: ZkResult, expected: Outcome): string | null {
  if (reported.rc !== expected.rc) return `rc ${reported.rc}, but the model gives ${expected.rc}`;
  if (expected.rc !== 'ok') {
    // A failed multi: one error result per op, each with exactly the code ZooKeeper gives it.
    if (reported.results === undefined || expected.results === undefined) return null;
    if (reported.results.length !== expected.results.length) return `${reported.results.length} multi results for ${expected.results.length} ops`;
    for (let i = 0; i < expected.results.length; i++) {
      const got = reported.results[i]!.rc;
      const want = expected.results[i]!.rc;
      if (got !== want) return `multi op ${i}: rc ${got}, but the failed multi gives ${want}`;
    }
    return null;
  }
  if (reported.path !== undefined && expected.path !== undefined && reported.path !== expected.path) {
    return `created ${reported.path}, but the model creates ${expected.path}`;
  }
  if (reported.version !== undefined && expected.version !== undefined && reported.version !== expected.version) {
    return `version ${reported.version}, but the model gives ${expected.version}`;
  }
  if (reported.results !== undefined && expected.results !== undefined) {
    if (reported.results.length !== expected.results.length) return `${reported.results.length} multi results for ${expected.results.length} ops`;
    for (let i = 0; i < expected.results.length; i++) {
      const why = mismatch(reported.results[i]!, expected.results[i]!);
      if (why !== null) return `multi op ${i}: ${why}`;
    }
  }
  return null;
}

/** Whether a path may be a name a sequential create made (ZooKeeper appends a 10-digit counter). */
export function maySequentialName(path: string): boolean {
  return /\d{10}$/.test(path);
}

/** The path a write is named by in a witness: its own, a multi's first op's, the root for a close. */
export function mainPath(op: ZkOp): string {
  if (op.type === 'closeSession') return '/';
  if (op.type !== 'multi') return op.path;
  const first = op.ops[0];
  return first !== undefined && first.type !== 'multi' && first.type !== 'closeSession' ? first.path : '/';
}
