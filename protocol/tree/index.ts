// The data tree and request preparation of ZooKeeper 3.8: the public surface of protocol/tree.
export * from './errors.js';
export * from './acl.js';
export * from './path.js';
export { generateDigest, sha1, base64Encode, utf8Encode, utf8Length } from './digest.js';
export * from './types.js';
export {
  createDataTree,
  getNode,
  nodeCount,
  statOf,
  childrenInJavaOrder,
  ephemeralsOf,
  ephemeralSetOf,
  getData,
  exists,
  getChildren,
  getACL,
  applyTxn,
  treeInvariantViolations,
  reloadFromSnapshot,
  dataLengthOf,
  type DataTreeOptions,
} from './data-tree.js';
export {
  prep,
  emptyOutstanding,
  retireOutstanding,
  outstandingRecords,
  type ChangeRecord,
  type OutstandingChanges,
  type PersistedStat,
  type PrepOutcome,
} from './prep.js';
export { javaStringHashCode, javaHashSetOrder, type JavaHashSet } from './java-hash-set.js';
export { mapEntries, mapGet, type PersistentMap } from './hamt.js';
export { getAllChildrenNumber, getEphemerals } from './queries.js';
