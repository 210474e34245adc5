// A persistent first-in first-out queue (Okasaki's banker's queue): an array read from `start` at
// the front, and a cons list of newer items, newest first, at the back. Pushing allocates one cell
// and shifting allocates nothing but the new handle; the back is reversed into a fresh front array
// only when the front runs out, so each item is copied once in its life. A follower's proposals
// waiting for COMMIT, and the acks waiting for an fsync, went through arrays copied whole on every
// push and shift: O(window) per step, and the window is tens of txns under load.
//
// Nothing is ever mutated after it is built: old handles stay valid (and deep-freezable).
// Amortised O(1) holds for the single-threaded use reducers make (each version shifted once).

interface Cell<T> {
  readonly item: T;
  readonly next: Cell<T> | null;
}

export interface Queue<T> {
  readonly size: number;
  /** Items front[start..] are the oldest, in order. Non-empty from `start` whenever size > 0. */
  readonly front: readonly T[];
  readonly start: number;
  /** Newer items, newest first. */
  readonly back: Cell<T> | null;
}

const EMPTY: Queue<never> = Object.freeze({ size: 0, front: Object.freeze([]) as readonly never[], start: 0, back: null });

export function queueEmpty<T>(): Queue<T> {
  return EMPTY;
}

/** A queue of `items` in order. The array is shared, not copied: callers hand over a fresh one. */
export function queueOf<T>(items: readonly T[]): Queue<T> {
  return items.length === 0 ? EMPTY : { size: items.length, front: items, start: 0, back: null };
}

export function queuePush<T>(q: Queue<T>, item: T): Queue<T> {
  if (q.size === 0) return { size: 1, front: [item], start: 0, back: null };
  return { size: q.size + 1, front: q.front, start: q.start, back: { item, next: q.back } };
}

/** Every item of `items` pushed in order. */
export function queuePushAll<T>(q: Queue<T>, items: readonly T[]): Queue<T> {
  let out = q;
  for (const item of items) out = queuePush(out, item);
  return out;
}

/** The oldest item, or undefined when empty. */
export function queuePeek<T>(q: Queue<T>): T | undefined {
  return q.size === 0 ? undefined : (q.front[q.start] as T);
}

/** The queue without its oldest item (the empty queue stays empty). */
export function queueShift<T>(q: Queue<T>): Queue<T> {
  if (q.size <= 1) return EMPTY;
  const start = q.start + 1;
  if (start < q.front.length) return { size: q.size - 1, front: q.front, start, back: q.back };
  return { size: q.size - 1, front: reversed(q.back, q.size - 1), start: 0, back: null };
}

/** The cons list as an array, oldest first. */
function reversed<T>(cell: Cell<T> | null, count: number): T[] {
  const out = new Array<T>(count);
  for (let i = count - 1; i >= 0; i--) {
    out[i] = (cell as Cell<T>).item;
    cell = (cell as Cell<T>).next;
  }
  return out;
}

/** The item at `index` (0 = oldest): O(1) in the front part, O(distance from the newest) behind it. */
export function queueGet<T>(q: Queue<T>, index: number): T | undefined {
  if (index < 0 || index >= q.size) return undefined;
  const inFront = q.front.length - q.start;
  if (index < inFront) return q.front[q.start + index];
  let cell = q.back;
  for (let i = q.size - 1; i > index; i--) cell = (cell as Cell<T>).next;
  return (cell as Cell<T>).item;
}

/** The items, oldest first, in a fresh array. */
export function queueToArray<T>(q: Queue<T>): T[] {
  const out = new Array<T>(q.size);
  const inFront = q.front.length - q.start;
  for (let i = 0; i < inFront; i++) out[i] = q.front[q.start + i] as T;
  let cell = q.back;
  for (let i = q.size - 1; i >= inFront; i--) {
    out[i] = (cell as Cell<T>).item;
    cell = (cell as Cell<T>).next;
  }
  return out;
}

/** Index of the first item that satisfies `test`, or -1. A loop over the front, then the back. */
export function queueFindIndex<T>(q: Queue<T>, test: (item: T) => boolean): number {
  const inFront = q.front.length - q.start;
  for (let i = 0; i < inFront; i++) if (test(q.front[q.start + i] as T)) return i;
  if (q.back === null) return -1;
  const rest = queueToArray(q);
  for (let i = inFront; i < rest.length; i++) if (test(rest[i] as T)) return i;
  return -1;
}

/** The queue without the item at `index`: the oldest costs nothing, others a copy. */
export function queueRemoveAt<T>(q: Queue<T>, index: number): Queue<T> {
  if (index === 0) return queueShift(q);
  const items = queueToArray(q);
  items.splice(index, 1);
  return queueOf(items);
}
