// A persistent (immutable, structurally shared) map from strings to values: a hash array mapped
// trie with 32-way branching. `set` and `remove` copy only the O(log32 n) nodes on the key's path,
// so a tree of 100k znodes is never copied per write. Iteration order is the trie's hash order:
// deterministic, but meaningless; callers that need an order (ZooKeeper's children order) build it.

type Leaf<V> = { readonly kind: 'leaf'; readonly hash: number; readonly key: string; readonly value: V };
type Branch<V> = { readonly kind: 'branch'; readonly bitmap: number; readonly slots: readonly Slot<V>[] };
/** Keys whose 32-bit hashes are all equal. */
type Collision<V> = { readonly kind: 'collision'; readonly hash: number; readonly leaves: readonly Leaf<V>[] };
type Slot<V> = Leaf<V> | Branch<V> | Collision<V>;

export interface PersistentMap<V> {
  readonly size: number;
  readonly root: Slot<V> | null;
}

const BITS = 5;
const MASK = 31;

const EMPTY: PersistentMap<never> = Object.freeze({ size: 0, root: null });

export function emptyMap<V>(): PersistentMap<V> {
  return EMPTY;
}

/** Java's String.hashCode over UTF-16 code units, then murmur3's finaliser for a better spread. */
function hashKey(key: string): number {
  let h = 0;
  for (let i = 0; i < key.length; i++) h = (Math.imul(h, 31) + key.charCodeAt(i)) | 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

function popcount(x: number): number {
  x = x - ((x >>> 1) & 0x55555555);
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  x = (x + (x >>> 4)) & 0x0f0f0f0f;
  return Math.imul(x, 0x01010101) >>> 24;
}

function fragment(hash: number, shift: number): number {
  return (hash >>> shift) & MASK;
}

export function mapGet<V>(map: PersistentMap<V>, key: string): V | undefined {
  const hash = hashKey(key);
  let slot = map.root;
  let shift = 0;
  while (slot !== null) {
    switch (slot.kind) {
      case 'leaf':
        return slot.key === key ? slot.value : undefined;
      case 'collision': {
        if (slot.hash !== hash) return undefined;
        for (const leaf of slot.leaves) if (leaf.key === key) return leaf.value;
        return undefined;
      }
      case 'branch': {
        const bit = 1 << fragment(hash, shift);
        if ((slot.bitmap & bit) === 0) return undefined;
        slot = slot.slots[popcount(slot.bitmap & (bit - 1))] ?? null;
        shift += BITS;
        break;
      }
    }
  }
  return undefined;
}

export function mapHas<V>(map: PersistentMap<V>, key: string): boolean {
  return mapGet(map, key) !== undefined;
}

/** Two slots with different hashes, merged under a branch at `shift`. */
function mergeSlots<V>(a: Leaf<V> | Collision<V>, b: Leaf<V> | Collision<V>, shift: number): Branch<V> {
  const fa = fragment(a.hash, shift);
  const fb = fragment(b.hash, shift);
  if (fa === fb) {
    return { kind: 'branch', bitmap: 1 << fa, slots: [mergeSlots(a, b, shift + BITS)] };
  }
  return { kind: 'branch', bitmap: (1 << fa) | (1 << fb), slots: fa < fb ? [a, b] : [b, a] };
}

function withSlot<V>(slots: readonly Slot<V>[], index: number, slot: Slot<V>): Slot<V>[] {
  const copy = slots.slice();
  copy[index] = slot;
  return copy;
}

/** Set by setIn when the key was added rather than replaced (Immutable.js's didChangeSize box). */
interface Added {
  value: boolean;
}

/**
 * Returns the new slot (the same one when nothing changed), and marks `added` when the key was
 * new. One box per mapSet rather than a [slot, added] pair per trie level: this runs on every
 * write a state machine applies.
 */
function setIn<V>(slot: Slot<V>, shift: number, leaf: Leaf<V>, added: Added): Slot<V> {
  switch (slot.kind) {
    case 'leaf': {
      if (slot.key === leaf.key) return slot.value === leaf.value ? slot : leaf;
      added.value = true;
      if (slot.hash === leaf.hash) return { kind: 'collision', hash: leaf.hash, leaves: [slot, leaf] };
      return mergeSlots(slot, leaf, shift);
    }
    case 'collision': {
      if (slot.hash !== leaf.hash) {
        added.value = true;
        return mergeSlots(slot, leaf, shift);
      }
      const index = slot.leaves.findIndex((l) => l.key === leaf.key);
      if (index < 0) {
        added.value = true;
        return { kind: 'collision', hash: slot.hash, leaves: [...slot.leaves, leaf] };
      }
      const old = slot.leaves[index];
      if (old !== undefined && old.value === leaf.value) return slot;
      const leaves = slot.leaves.slice();
      leaves[index] = leaf;
      return { kind: 'collision', hash: slot.hash, leaves };
    }
    case 'branch': {
      const bit = 1 << fragment(leaf.hash, shift);
      const index = popcount(slot.bitmap & (bit - 1));
      if ((slot.bitmap & bit) === 0) {
        const slots = slot.slots.slice();
        slots.splice(index, 0, leaf);
        added.value = true;
        return { kind: 'branch', bitmap: slot.bitmap | bit, slots };
      }
      const child = slot.slots[index];
      if (child === undefined) throw new Error('hamt: bitmap and slots disagree');
      const next = setIn(child, shift + BITS, leaf, added);
      if (next === child) return slot;
      return { kind: 'branch', bitmap: slot.bitmap, slots: withSlot(slot.slots, index, next) };
    }
  }
}

export function mapSet<V>(map: PersistentMap<V>, key: string, value: V): PersistentMap<V> {
  const leaf: Leaf<V> = { kind: 'leaf', hash: hashKey(key), key, value };
  if (map.root === null) return { size: 1, root: leaf };
  const added: Added = { value: false };
  const root = setIn(map.root, 0, leaf, added);
  if (root === map.root) return map;
  return { size: added.value ? map.size + 1 : map.size, root };
}

/** Returns the new slot (null when emptied), or the same slot when the key was absent. */
function removeIn<V>(slot: Slot<V>, shift: number, hash: number, key: string): Slot<V> | null {
  switch (slot.kind) {
    case 'leaf':
      return slot.key === key ? null : slot;
    case 'collision': {
      if (slot.hash !== hash) return slot;
      const leaves = slot.leaves.filter((l) => l.key !== key);
      if (leaves.length === slot.leaves.length) return slot;
      const only = leaves[0];
      if (leaves.length === 1 && only !== undefined) return only;
      return { kind: 'collision', hash, leaves };
    }
    case 'branch': {
      const bit = 1 << fragment(hash, shift);
      if ((slot.bitmap & bit) === 0) return slot;
      const index = popcount(slot.bitmap & (bit - 1));
      const child = slot.slots[index];
      if (child === undefined) throw new Error('hamt: bitmap and slots disagree');
      const next = removeIn(child, shift + BITS, hash, key);
      if (next === child) return slot;
      if (next === null) {
        if (slot.slots.length === 1) return null;
        const slots = slot.slots.slice();
        slots.splice(index, 1);
        const remaining = slots[0];
        // Keep the trie canonical: a branch holding one leaf collapses into that leaf.
        if (slots.length === 1 && remaining !== undefined && remaining.kind !== 'branch') return remaining;
        return { kind: 'branch', bitmap: slot.bitmap & ~bit, slots };
      }
      if (slot.slots.length === 1 && next.kind !== 'branch') return next;
      return { kind: 'branch', bitmap: slot.bitmap, slots: withSlot(slot.slots, index, next) };
    }
  }
}

export function mapRemove<V>(map: PersistentMap<V>, key: string): PersistentMap<V> {
  if (map.root === null) return map;
  const root = removeIn(map.root, 0, hashKey(key), key);
  if (root === map.root) return map;
  return root === null ? emptyMap<V>() : { size: map.size - 1, root };
}

/** All entries, in hash order. O(n): for invariant checks, snapshots and tests, never per write. */
export function mapEntries<V>(map: PersistentMap<V>): [string, V][] {
  const out: [string, V][] = [];
  const visit = (slot: Slot<V>): void => {
    switch (slot.kind) {
      case 'leaf':
        out.push([slot.key, slot.value]);
        return;
      case 'collision':
        for (const leaf of slot.leaves) out.push([leaf.key, leaf.value]);
        return;
      case 'branch':
        for (const child of slot.slots) visit(child);
        return;
    }
  };
  if (map.root !== null) visit(map.root);
  return out;
}

/**
 * Compares two maps by walking their tries side by side, skipping every subtree they share (two maps
 * forked from one another share all but the paths their writes copied): O(the differing paths), not
 * O(n). Returns true when the tries have the same shape and equal values (then the same entries: a
 * trie's entries are those of its leaves), false when one key holds values `same` calls different in
 * the two (then the maps differ), and null when the shapes differ at some place (say, collision leaves
 * in another order): the caller then compares entry by entry.
 */
export function mapSameByShape<V>(a: PersistentMap<V>, b: PersistentMap<V>, same: (x: V, y: V) => boolean): boolean | null {
  if (a === b || a.root === b.root) return true;
  if (a.size !== b.size) return false;
  if (a.root === null || b.root === null) return null;
  let undecided = false;
  const leavesSame = (x: Leaf<V>, y: Leaf<V>): boolean => {
    if (x === y) return true;
    if (x.key !== y.key) {
      undecided = true;
      return true;
    }
    return x.value === y.value || same(x.value, y.value);
  };
  const walk = (x: Slot<V>, y: Slot<V>): boolean => {
    if (x === y) return true;
    if (x.kind === 'leaf' && y.kind === 'leaf') return leavesSame(x, y);
    if (x.kind === 'branch' && y.kind === 'branch' && x.bitmap === y.bitmap) {
      for (let i = 0; i < x.slots.length; i++) if (!walk(x.slots[i] as Slot<V>, y.slots[i] as Slot<V>)) return false;
      return true;
    }
    if (x.kind === 'collision' && y.kind === 'collision' && x.leaves.length === y.leaves.length) {
      for (let i = 0; i < x.leaves.length; i++) if (!leavesSame(x.leaves[i] as Leaf<V>, y.leaves[i] as Leaf<V>)) return false;
      return true;
    }
    undecided = true;
    return true;
  };
  if (!walk(a.root, b.root)) return false;
  return undecided ? null : true;
}
