// Sorting for the post-run checkers, which order large histories by one numeric field.

/**
 * Sorts `indices` (below `n`) by `key[i]`, ties by index, and returns at once when they already are. When the keys are non-negative integers small
 * enough to share one exact double with the index, the pairs are packed and the engine sorts a
 * Float64Array numerically, with no comparator calls; otherwise a comparator sort gives the same order.
 */
export function sortByKey(indices: number[], key: Float64Array, n: number): void {
  let scale = 1;
  while (scale <= n) scale *= 2;
  let max = 0;
  let packable = true;
  // Histories are mostly recorded in order already: then there is nothing to do.
  let inOrder = true;
  let prev = -1;
  for (const i of indices) {
    const k = key[i]!;
    if (inOrder && prev >= 0 && (k < key[prev]! || (k === key[prev]! && i < prev))) inOrder = false;
    prev = i;
    if (!(k >= 0 && Number.isInteger(k))) packable = false;
    else if (k > max) max = k;
  }
  if (inOrder) return;
  if (!packable || (max + 1) * scale > 2 ** 53) {
    indices.sort((a, b) => key[a]! - key[b]! || a - b);
    return;
  }
  const packed = new Float64Array(indices.length);
  for (let j = 0; j < indices.length; j++) packed[j] = key[indices[j]!]! * scale + indices[j]!;
  packed.sort();
  for (let j = 0; j < indices.length; j++) indices[j] = packed[j]! % scale;
}

/** `items` sorted by `keyOf`, ties in their order in `items` (a stable sort); `items` is not changed. */
export function sortedBy<T>(items: readonly T[], keyOf: (item: T) => number): T[] {
  const key = new Float64Array(items.length);
  for (let i = 0; i < items.length; i++) key[i] = keyOf(items[i]!);
  const indices = Array.from({ length: items.length }, (_, i) => i);
  sortByKey(indices, key, items.length);
  return indices.map((i) => items[i]!);
}

/** How many of the ascending `values` are at most `v`: the index of the first one above it. */
export function countAtMost(values: ArrayLike<number>, v: number): number {
  let lo = 0;
  let hi = values.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (values[mid]! <= v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** How many of the ascending `values` are below `limit`. */
export function countBelow(values: readonly number[], limit: number): number {
  let lo = 0;
  let hi = values.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (values[mid]! < limit) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** How many of `times` (ascending) lie after `t`. */
export function countAfter(times: readonly number[] | undefined, t: number): number {
  return times === undefined ? 0 : times.length - countAtMost(times, t);
}
