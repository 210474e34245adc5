// A persistent vector: a 32-way trie with a tail, after Clojure's PersistentVector. Appending and
// reading cost O(log32 n); old versions stay valid and unchanged, and share all but one path with
// the new one. Transaction logs live in these, so a step never copies a growing log.
import { assert } from './assert.js';

const BITS = 5;
const WIDTH = 1 << BITS;
const MASK = WIDTH - 1;

type Trie = readonly unknown[];

export interface PVec<T> {
  readonly size: number;
  /** Bits to shift at the root level. */
  readonly shift: number;
  readonly root: Trie;
  readonly tail: readonly T[];
}

const EMPTY: PVec<never> = Object.freeze({ size: 0, shift: BITS, root: Object.freeze([]) as Trie, tail: Object.freeze([]) as readonly never[] });

export function pvecEmpty<T>(): PVec<T> {
  return EMPTY;
}

function tailOffset(v: PVec<unknown>): number {
  return v.size < WIDTH ? 0 : ((v.size - 1) >>> BITS) << BITS;
}

export function pvecGet<T>(v: PVec<T>, index: number): T {
  if (index < 0 || index >= v.size) assert(false, `pvec index ${index} out of range 0..${v.size - 1}`);
  if (index >= tailOffset(v)) return v.tail[index & MASK] as T;
  let node: Trie = v.root;
  for (let level = v.shift; level > 0; level -= BITS) node = node[(index >>> level) & MASK] as Trie;
  return node[index & MASK] as T;
}

export function pvecLast<T>(v: PVec<T>): T | undefined {
  return v.size === 0 ? undefined : (v.tail[v.tail.length - 1] as T);
}

export function pvecPush<T>(v: PVec<T>, item: T): PVec<T> {
  if (v.size - tailOffset(v) < WIDTH) {
    // A spread builds the new tail at its exact size; slice() then push() allocated twice (the
    // push regrows the copy's backing store).
    return { size: v.size + 1, shift: v.shift, root: v.root, tail: [...v.tail, item] };
  }
  // The tail is full: push it into the trie as a leaf.
  const leaf: Trie = v.tail;
  let root: Trie;
  let shift = v.shift;
  if (v.size >>> BITS > 1 << v.shift) {
    root = [v.root, newPath(v.shift, leaf)];
    shift += BITS;
  } else {
    root = pushLeaf(v.size, v.shift, v.root, leaf);
  }
  return { size: v.size + 1, shift, root, tail: [item] };
}

function pushLeaf(size: number, level: number, parent: Trie, leaf: Trie): Trie {
  const index = ((size - 1) >>> level) & MASK;
  const copy = parent.slice();
  if (level === BITS) {
    copy[index] = leaf;
  } else {
    const child = parent[index] as Trie | undefined;
    copy[index] = child === undefined ? newPath(level - BITS, leaf) : pushLeaf(size, level - BITS, child, leaf);
  }
  return copy;
}

function newPath(level: number, leaf: Trie): Trie {
  return level === 0 ? leaf : [newPath(level - BITS, leaf)];
}

/** The vector with `item` at `index` (which must exist): the one path to it is copied, O(log32 n). */
export function pvecSet<T>(v: PVec<T>, index: number, item: T): PVec<T> {
  if (!(index >= 0 && index < v.size)) assert(false, `pvec set ${index} out of range 0..${v.size - 1}`);
  const offset = tailOffset(v);
  if (index >= offset) {
    const tail = v.tail.slice();
    tail[index & MASK] = item;
    return { size: v.size, shift: v.shift, root: v.root, tail };
  }
  return { size: v.size, shift: v.shift, root: setIn(v.root, v.shift, index, item), tail: v.tail };
}

function setIn(node: Trie, level: number, index: number, item: unknown): Trie {
  const copy = node.slice();
  if (level === 0) copy[index & MASK] = item;
  else {
    const at = (index >>> level) & MASK;
    copy[at] = setIn(node[at] as Trie, level - BITS, index, item);
  }
  return copy;
}

/** The first `count` items. Shortening within the tail is O(32); deeper cuts rebuild, O(count). */
export function pvecTake<T>(v: PVec<T>, count: number): PVec<T> {
  if (!(count >= 0 && count <= v.size)) assert(false, `pvec take ${count} of ${v.size}`);
  if (count === v.size) return v;
  const offset = tailOffset(v);
  if (count > offset) return { size: count, shift: v.shift, root: v.root, tail: v.tail.slice(0, count - offset) };
  let out = pvecEmpty<T>();
  for (let i = 0; i < count; i++) out = pvecPush(out, pvecGet(v, i));
  return out;
}

export function pvecFrom<T>(items: Iterable<T>): PVec<T> {
  let out = pvecEmpty<T>();
  for (const item of items) out = pvecPush(out, item);
  return out;
}

export function pvecToArray<T>(v: PVec<T>, from = 0, to = v.size): T[] {
  const out: T[] = [];
  for (let i = from; i < to; i++) out.push(pvecGet(v, i));
  return out;
}

/** The smallest index whose item is not below `key` by `keyOf`, assuming ascending keys; size if none. */
export function pvecLowerBound<T>(v: PVec<T>, key: number, keyOf: (item: T) => number): number {
  // Most lookups are near the end (the last txns of a log): when every trie item is below the key
  // (the tail's first is), search the tail array alone, without walking the trie.
  const tail = v.tail;
  if (tail.length > 0 && keyOf(tail[0] as T) < key) {
    let lo = 0;
    let hi = tail.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (keyOf(tail[mid] as T) < key) lo = mid + 1;
      else hi = mid;
    }
    return v.size - tail.length + lo;
  }
  // Otherwise gallop back from the trie's end (a key is usually near the end: an ACK's txn, one
  // that just left the tail), then search the last window: O(log distance) trie walks, not O(log n).
  let hi = v.size - tail.length;
  let lo = 0;
  for (let step = 1; hi - step > 0; step *= 2) {
    if (keyOf(pvecGet(v, hi - step)) < key) {
      lo = hi - step + 1;
      break;
    }
    hi -= step;
  }
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (keyOf(pvecGet(v, mid)) < key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
