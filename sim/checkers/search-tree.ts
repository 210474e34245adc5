// The znode tree of the write and read searches (zk-partition-model.ts, read-points.ts): a persistent map
// (protocol/tree/hamt.ts) behind the few Map methods applyOp and the read checks use. A search state's
// successor starts as a fork of its tree, which costs O(1), and each write copies only the trie nodes on
// its path; a Map had to be copied whole for every successor (a partition joined through the root holds
// 80 nodes and more). Iteration goes in the trie's hash order, which nothing here depends on (childrenOf
// sorts, a session close deletes the same nodes in any order, the hashes XOR, sameTree looks paths up).
import { emptyMap, mapEntries, mapGet, mapRemove, mapSameByShape, mapSet, type PersistentMap } from '../../protocol/tree/hamt.js';
import type { TreeLike, ZNode } from './znode-tree.js';

export class SearchTree implements TreeLike {
  private map: PersistentMap<ZNode>;
  /** The XOR of its entries' hashes (zk-partition-model.ts entryHash), once known. */
  xor: number | undefined;

  constructor(map: PersistentMap<ZNode>, xor: number | undefined) {
    this.map = map;
    this.xor = xor;
  }

  /** A tree holding `from`'s entries. */
  static of(from: Iterable<[string, ZNode]>): SearchTree {
    let map = emptyMap<ZNode>();
    for (const [path, node] of from) map = mapSet(map, path, node);
    return new SearchTree(map, undefined);
  }

  /** A tree with the same entries that later writes to either leave the other as it is. */
  fork(): SearchTree {
    return new SearchTree(this.map, this.xor);
  }

  /**
   * Compares entries by walking both tries at once past the subtrees they share (hamt.ts
   * mapSameByShape): true or false when that decides, null when the tries' shapes differ.
   */
  sameByShape(other: SearchTree, same: (x: ZNode, y: ZNode) => boolean): boolean | null {
    return mapSameByShape(this.map, other.map, same);
  }

  get size(): number {
    return this.map.size;
  }

  get(path: string): ZNode | undefined {
    return mapGet(this.map, path);
  }

  has(path: string): boolean {
    return mapGet(this.map, path) !== undefined;
  }

  set(path: string, node: ZNode): this {
    this.map = mapSet(this.map, path, node);
    this.xor = undefined;
    return this;
  }

  delete(path: string): boolean {
    const before = this.map;
    this.map = mapRemove(before, path);
    if (this.map === before) return false;
    this.xor = undefined;
    return true;
  }

  keys(): IterableIterator<string> {
    return mapEntries(this.map)
      .map((e) => e[0])
      .values();
  }

  [Symbol.iterator](): IterableIterator<[string, ZNode]> {
    return mapEntries(this.map).values();
  }
}
