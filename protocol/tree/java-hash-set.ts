// An emulation of the iteration order of a java.util.HashSet<String> (JDK 8–21 HashMap), kept
// persistent and O(log n) per add/remove. ZooKeeper returns a znode's children (DataNode.children,
// `new HashSet<String>(8)`) and a session's ephemerals (`new HashSet<String>()`) in this order.
//
// HashMap's order is: bucket index ascending, and within a bucket the order in which the entries
// were linked. A new key is appended to its bucket's tail; a resize splits every bucket into a low
// and a high half, each keeping the old relative order; a removal unlinks. Within a bucket, then,
// the order is insertion order (a removed and re-added key counts as new). So the set stores each
// member's insertion sequence number and the table capacity, and the order is computed on reads:
// sort by (bucket under the current capacity, sequence number).
//
// The capacity grows, and never shrinks, exactly as HashMap's does: the table is allocated at the
// first add with `firstCapacity` slots; after an add that makes size > 0.75 × capacity it doubles;
// and adding a 9th entry to one bucket while capacity < 64 doubles it too (treeifyBin resizes
// instead of treeifying small tables).
//
// Not modelled: a bucket that reaches 9 entries when the capacity is already >= 64 becomes a red-black
// tree bin, whose iteration order differs. With load factor 0.75 and String hashes this needs
// deliberately colliding names; `javaHashSetMayHaveTreeBin` flags the sets where it could have happened.
import { assert } from '../assert.js';
import { emptyMap, mapEntries, mapGet, mapRemove, mapSet, type PersistentMap } from './hamt.js';

export interface JavaHashSet {
  readonly size: number;
  /** Table length; 0 until the first add (HashMap allocates its table lazily). A power of two. */
  readonly capacity: number;
  /** The table length HashMap allocates on the first add: 8 for `new HashSet<>(8)`, 16 by default. */
  readonly firstCapacity: number;
  readonly nextSequence: number;
  /** member → insertion sequence number */
  readonly members: PersistentMap<number>;
}

const TREEIFY_THRESHOLD = 8;
const MIN_TREEIFY_CAPACITY = 64;

/** `new HashSet<String>(initialCapacity)`; pass 16 for `new HashSet<String>()`. */
export function emptyJavaHashSet(initialCapacity: number): JavaHashSet {
  if (!(Number.isInteger(initialCapacity) && initialCapacity >= 1)) assert(false, `bad initial capacity ${initialCapacity}`);
  return { size: 0, capacity: 0, firstCapacity: tableSizeFor(initialCapacity), nextSequence: 0, members: emptyMap() };
}

/** Java's String.hashCode: s[0]*31^(n-1) + ... + s[n-1] over UTF-16 code units, in 32-bit int. */
export function javaStringHashCode(text: string): number {
  let h = 0;
  for (let i = 0; i < text.length; i++) h = (Math.imul(h, 31) + text.charCodeAt(i)) | 0;
  return h;
}

/** HashMap.hash: the high half folded into the low half. */
export function javaSpreadHash(text: string): number {
  const h = javaStringHashCode(text);
  return h ^ (h >>> 16);
}

function bucketOf(text: string, capacity: number): number {
  return javaSpreadHash(text) & (capacity - 1);
}

/** HashMap.tableSizeFor: the smallest power of two >= cap (1 for cap <= 1). */
export function tableSizeFor(cap: number): number {
  let n = 1;
  while (n < cap) n *= 2;
  return n;
}

function thresholdOf(capacity: number): number {
  return Math.floor(capacity * 0.75);
}

export function javaHashSetHas(set: JavaHashSet, member: string): boolean {
  return mapGet(set.members, member) !== undefined;
}

/** HashSet.add. Returns the same set when the member is already present. */
export function javaHashSetAdd(set: JavaHashSet, member: string): JavaHashSet {
  if (javaHashSetHas(set, member)) return set;
  let capacity = set.capacity === 0 ? set.firstCapacity : set.capacity;
  if (capacity < MIN_TREEIFY_CAPACITY && set.size >= TREEIFY_THRESHOLD) {
    // putVal calls treeifyBin when the bucket already holds 8 entries; a table shorter than 64
    // resizes instead. capacity < 64 bounds size by 24 here, so this scan costs O(1).
    const bucket = bucketOf(member, capacity);
    let inBucket = 0;
    for (const [other] of mapEntries(set.members)) if (bucketOf(other, capacity) === bucket) inBucket++;
    if (inBucket >= TREEIFY_THRESHOLD) capacity *= 2;
  }
  const size = set.size + 1;
  if (size > thresholdOf(capacity)) capacity *= 2;
  return {
    size,
    capacity,
    firstCapacity: set.firstCapacity,
    nextSequence: set.nextSequence + 1,
    members: mapSet(set.members, member, set.nextSequence),
  };
}

/** HashSet.remove. The table never shrinks. Returns the same set when the member is absent. */
export function javaHashSetRemove(set: JavaHashSet, member: string): JavaHashSet {
  const members = mapRemove(set.members, member);
  if (members === set.members) return set;
  return { size: set.size - 1, capacity: set.capacity, firstCapacity: set.firstCapacity, nextSequence: set.nextSequence, members };
}

/** The order in which Java iterates the set. O(k log k), for reads. */
export function javaHashSetOrder(set: JavaHashSet): string[] {
  const capacity = set.capacity;
  const rows = mapEntries(set.members).map(([member, sequence]) => ({
    member,
    sequence,
    bucket: capacity === 0 ? 0 : bucketOf(member, capacity),
  }));
  rows.sort((a, b) => a.bucket - b.bucket || a.sequence - b.sequence);
  return rows.map((row) => row.member);
}

/**
 * The set that `HashSet.clone()` returns (`HashMap.clone` → `putMapEntries`): a table presized to
 * tableSizeFor((int)((float)size / 0.75f + 1.0f)), refilled in the original's iteration order.
 */
export function javaHashSetClone(set: JavaHashSet): JavaHashSet {
  if (set.size === 0) return emptyJavaHashSet(16);
  const ft = Math.fround(Math.fround(Math.fround(set.size) / 0.75) + 1);
  let clone = emptyJavaHashSet(Math.trunc(ft));
  for (const member of javaHashSetOrder(set)) clone = javaHashSetAdd(clone, member);
  return clone;
}

/**
 * A diagnostic, O(n): true when some bucket holds more than 8 entries in a table of >= 64, the only
 * state in which Java may have turned that bucket into a tree bin (and iterate it differently). It
 * may also be a crowded list that a treeifyBin resize just produced; false means the order is exact.
 */
export function javaHashSetMayHaveTreeBin(set: JavaHashSet): boolean {
  if (set.capacity < MIN_TREEIFY_CAPACITY) return false;
  const counts = new Map<number, number>();
  for (const [member] of mapEntries(set.members)) {
    const bucket = bucketOf(member, set.capacity);
    const count = (counts.get(bucket) ?? 0) + 1;
    if (count > TREEIFY_THRESHOLD) return true;
    counts.set(bucket, count);
  }
  return false;
}
