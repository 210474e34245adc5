// Union-find over znode paths: the partitions of zk-writes.ts (paths whose ops' results depend on each other).
import type { PathIds } from './write-table.js';

/** Union-find over path ids (a WriteTable's, extended with the paths met here). */
export class PathUnion {
  private readonly paths: PathIds;
  private readonly parent: number[] = [];
  constructor(paths: PathIds) {
    this.paths = paths;
  }
  id(path: string): number {
    return this.known(this.paths.id(path));
  }
  /** An id the path ids gave out already. */
  known(id: number): number {
    while (this.parent.length <= id) this.parent.push(this.parent.length);
    return id;
  }
  find(id: number): number {
    let root = id;
    while (this.parent[root] !== root) root = this.parent[root]!;
    while (this.parent[id] !== root) {
      const next = this.parent[id]!;
      this.parent[id] = root;
      id = next;
    }
    return root;
  }
  union(a: number, b: number): void {
    const ra = this.find(a);
    const rb = this.find(b);
    if (ra !== rb) this.parent[Math.max(ra, rb)] = Math.min(ra, rb);
  }
}
