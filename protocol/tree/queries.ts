// The reads ZooKeeper 3.6 added to FinalRequestProcessor that look at more than one znode:
// getAllChildrenNumber (DataTree.getAllChildrenNumber) and getEphemerals (DataTree.getEphemerals plus
// FinalRequestProcessor's prefix filter). Session checks are the caller's.
import { checkAcl, PERMS, type Id } from './acl.js';
import { ephemeralsOf, getNode, nodeCount } from './data-tree.js';
import { javaHashSetOrder } from './java-hash-set.js';
import type { DataTree, ReadResult, SessionId } from './types.js';

/**
 * getAllChildrenNumber: NONODE for a missing node, READ on the node, then the number of its
 * descendants at any depth. DataTree.getAllChildrenNumber answers "/" with nodes.size() - 2 (its map
 * holds the root twice, as "" and "/"), i.e. every node but the root, /zookeeper and its children
 * included; any other path counts the keys that start with path + "/". We walk the subtree instead of
 * scanning every key, so the cost is the answer's size, not the tree's (the root: one map size).
 */
export function getAllChildrenNumber(tree: DataTree, path: string, authIds: readonly Id[]): ReadResult<number> {
  const node = getNode(tree, path);
  if (node === undefined) return { ok: false, err: 'NONODE' };
  if (!checkAcl(node.acl, PERMS.READ, authIds)) return { ok: false, err: 'NOAUTH' };
  if (path === '/') return { ok: true, value: nodeCount(tree) - 1 };
  let count = 0;
  const stack: string[] = [path];
  while (stack.length > 0) {
    const parent = stack.pop() as string;
    const children = getNode(tree, parent)?.children;
    if (children === undefined) continue;
    for (const name of javaHashSetOrder(children)) {
      count++;
      stack.push(`${parent}/${name}`);
    }
  }
  return { ok: true, value: count };
}

/**
 * getEphemerals: the session's ephemeral paths in the iteration order of a clone of its HashSet
 * (DataTree.getEphemerals), all of them when the prefix is blank or "/", else those whose path
 * starts with the prefix as a string (FinalRequestProcessor: `p.startsWith(prefixPath)`, so "/a"
 * also matches "/ab"). No ACL is checked: a session sees its own ephemerals.
 */
export function getEphemerals(tree: DataTree, sessionId: SessionId, prefixPath: string): string[] {
  const all = ephemeralsOf(tree, sessionId);
  const prefix = prefixPath.trim();
  if (prefix === '' || prefix === '/') return all;
  return all.filter((p) => p.startsWith(prefixPath));
}
