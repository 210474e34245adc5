// What a read's reply must match in the state at its read point, shared by the replay of sequential-reads.ts
// and the search of read-points.ts (kept apart from both so that neither imports the other).
import { opPath } from '../history/types.js';
import type { ZkHistoryOp, ZkOp, ZkResult } from '../history/types.js';
import { describeZxid } from './zk-writes.js';
import type { TreeLike } from './znode-tree.js';
import { contentUnknown, registerAt } from './znode-tree.js';

/** Dirty itself, or a name (prefix + 10-digit counter) an unnamed sequential create may have made. */
export function isDirty(dirty: ReadonlySet<string>, path: string): boolean {
  return dirty.has(path) || (path.length > 10 && /^\d{10}$/.test(path.slice(-10)) && dirty.has(`seq:${path.slice(0, -10)}`));
}

export function childrenOf(tree: TreeLike, path: string): string[] {
  const prefix = path === '/' ? '/' : `${path}/`;
  const out: string[] = [];
  for (const p of tree.keys()) if (p !== '/' && p.startsWith(prefix) && !p.slice(prefix.length).includes('/')) out.push(p.slice(prefix.length));
  return out.sort();
}

/**
 * The Stat's ephemeralOwner against the node's owner: 0 for a persistent node, else the session whose create
 * made it (DataTree.createNode stores the request's session id). An ephemeral made by an op of unknown
 * session (owner -1, znode-tree.ts) is not compared.
 */
function ownerMismatch(node: { readonly owner: number }, result: ZkResult): string | null {
  const owner = result.ephemeralOwner;
  if (owner === undefined || node.owner === -1 || owner === node.owner) return null;
  return node.owner === 0
    ? `ephemeralOwner ${owner}, but the node there is persistent`
    : `ephemeralOwner ${owner}, but the node there is session ${node.owner}'s`;
}

export function readMismatch(tree: TreeLike, op: ZkOp, result: ZkResult, writer: ZkHistoryOp | undefined): string | null {
  const path = opPath(op)!;
  const node = op.type === 'kvGet' ? registerAt(tree, path) : tree.get(path);
  if (result.rc === 'noNode') return node === undefined ? null : 'noNode, but the state there has the node';
  // /zookeeper/config as the server set it up: its data and version are the ensemble's, not the history's.
  if (node !== undefined && contentUnknown(node) && op.type !== 'getChildren')
    return (result.exists ?? true) ? null : 'exists=false, but the state there has it';
  switch (op.type) {
    case 'exists':
    case 'kvGet': {
      const exists = result.exists ?? true;
      if (exists !== (node !== undefined)) return `exists=${exists}, but the state there ${node === undefined ? 'has no such node' : 'has it'}`;
      if (node === undefined) return null;
      if (op.type === 'kvGet' && result.data !== undefined && result.data !== node.data) return `"${result.data}", but the state there holds "${node.data}"`;
      if (result.version !== undefined && result.version !== node.version) return `version ${result.version}, but the state there has version ${node.version}`;
      if (op.type === 'kvGet' && result.mzxid !== undefined && writer !== undefined && writer.zxid !== null && result.mzxid !== writer.zxid) {
        return `mzxid ${describeZxid(result.mzxid)}, but the last write there is ${describeZxid(writer.zxid)}`;
      }
      return op.type === 'exists' ? ownerMismatch(node, result) : null;
    }
    case 'getData':
      if (node === undefined) return 'data, but the state there has no such node';
      if (result.data !== undefined && result.data !== node.data) return `"${result.data}", but the state there holds "${node.data}"`;
      if (result.version !== undefined && result.version !== node.version) return `version ${result.version}, but the state there has version ${node.version}`;
      return ownerMismatch(node, result);
    case 'getChildren': {
      if (node === undefined) return 'children, but the state there has no such node';
      if (result.children === undefined) return null;
      const want = childrenOf(tree, path);
      const got = [...result.children].sort();
      if (want.length !== got.length || want.some((c, i) => c !== got[i])) return `children [${got.join(',')}], but the state there has [${want.join(',')}]`;
      return null;
    }
    default:
      return null;
  }
}
