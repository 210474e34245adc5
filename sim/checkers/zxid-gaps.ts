// The zxids a write without a recorded zxid can take. Every txn has its own zxid (an error txn too:
// PrepRequestProcessor.pRequest gives the request a zxid before it can fail, and a failed request is
// logged as OpCode.error at that zxid), zxids grow along the commit order, and counter 0 of an epoch is
// never a txn's (Leader.lead proposes NEWLEADER at it), nor is any zxid of epoch 0 (the first leader's
// epoch is 1: epoch-zero.ts). So the writes that took effect between two
// recorded zxids a < b need as many distinct free zxids in (a, b): neither recorded nor a counter 0.
// The search of linearizable-writes (zk-writes.ts) places writes without a zxid between the ranked
// writes of one partition; without this count, it accepted a write squeezed between 1:1 and 1:2.
import { countBelow } from './sort.js';

const EPOCH = 2 ** 32;

/**
 * The free zxids of a history: those no recorded write holds and whose counter is not 0. `take` sets
 * some aside (a partition's writes without a zxid given zxids of their own: kvRegisterExplained), which
 * nextFree, fitsInOrder and fits then skip, so that the next partitions place theirs around them.
 */
export class FreeZxids {
  /** The recorded zxids, ascending and distinct. */
  readonly known: readonly number[];
  private readonly taken = new Set<number>();
  /** runEnd[i]: the index of the last known zxid of the run of consecutive ones that holds known[i]. */
  private readonly runEnd: Int32Array;

  /** `known`: the recorded zxids, ascending and distinct. */
  constructor(known: readonly number[]) {
    this.known = known;
    this.runEnd = new Int32Array(known.length);
    for (let i = known.length - 1; i >= 0; i--) this.runEnd[i] = i + 1 < known.length && known[i + 1] === known[i]! + 1 ? this.runEnd[i + 1]! : i;
  }

  /** Sets a free zxid aside: a write has it. */
  take(z: number): void {
    this.taken.add(z);
  }

  /** The smallest free zxid above x, not taken. */
  nextFree(x: number): number {
    let y = this.nextUnrecorded(x);
    while (this.taken.has(y)) y = this.nextUnrecorded(y);
    return y;
  }

  /** The smallest free zxid above x (taken or not). */
  private nextUnrecorded(x: number): number {
    let y = Math.max(x + 1, EPOCH + 1); // no zxid of epoch 0 is ever issued (epoch-zero.ts)
    for (;;) {
      if (y % EPOCH === 0) y++;
      const i = countBelow(this.known, y);
      if (i >= this.known.length || this.known[i] !== y) return y;
      y = this.known[this.runEnd[i]!]! + 1;
    }
  }

  /** How many free zxids lie strictly between a and b (Infinity when b is). */
  countFree(a0: number, b: number): number {
    if (b === Number.POSITIVE_INFINITY) return b;
    const a = Math.max(a0, EPOCH); // no zxid of epoch 0 is ever issued (epoch-zero.ts)
    if (b - a <= 1) return 0;
    const all = b - a - 1 - (Math.floor((b - 1) / EPOCH) - Math.floor(a / EPOCH)); // integers in (a, b), less counter 0s
    return Math.max(0, all - (countBelow(this.known, b) - countBelow(this.known, a + 1)));
  }

  /**
   * Whether writes placed one after another in the order of `pairs` (flat (lo, hi) windows) can take
   * increasing free zxids, each inside its window: zxids grow along the commit order. Exact: giving each
   * the smallest free zxid above its window's lower end and the previous one's leaves the most room.
   */
  fitsInOrder(pairs: readonly number[]): boolean {
    return this.inOrder(pairs, false);
  }

  /** fitsInOrder, and when they fit, takes the zxids it gave them (see take). */
  takeInOrder(pairs: readonly number[]): boolean {
    return this.inOrder(pairs, true);
  }

  /** How many zxids `take` set aside so far: a greedy placement computed before a later take is stale. */
  get takenCount(): number {
    return this.taken.size;
  }

  /**
   * The zxid the greedy placement of fitsInOrder gives the last write of `pairs`, 0 for none, or null
   * when they do not fit. With it, one more write (lo, hi) fits after them exactly when
   * `nextInOrder(last, lo, hi)` is not null: the greedy gives each write a zxid from the previous one's
   * alone, so fitsInOrder([...pairs, lo, hi]) is that one step more.
   */
  lastInOrder(pairs: readonly number[]): number | null {
    let last = 0;
    for (let k = 0; k < pairs.length; k += 2) {
      last = this.nextFree(Math.max(last, pairs[k]!));
      if (last >= pairs[k + 1]!) return null;
    }
    return last;
  }

  /** The zxid the greedy gives a write (lo, hi) placed after one that got `last`, or null when none fits. */
  nextInOrder(last: number, lo: number, hi: number): number | null {
    const z = this.nextFree(Math.max(last, lo));
    return z < hi ? z : null;
  }

  private inOrder(pairs: readonly number[], take: boolean): boolean {
    let last = 0;
    const given: number[] = [];
    for (let k = 0; k < pairs.length; k += 2) {
      last = this.nextFree(Math.max(last, pairs[k]!));
      if (last >= pairs[k + 1]!) return false;
      given.push(last);
    }
    if (take) for (const z of given) this.taken.add(z);
    return true;
  }

  /**
   * Whether the open intervals (lo, hi), given as flat pairs, can take distinct free zxids, one each.
   * Exact: taking the intervals by their upper end and giving each the smallest free zxid above its
   * lower end not given yet is the classic greedy matching of intervals to points, which finds an
   * assignment whenever one exists.
   */
  fits(pairs: readonly number[]): boolean {
    const order: number[] = [];
    for (let k = 0; k < pairs.length; k += 2) order.push(k);
    order.sort((x, y) => pairs[x + 1]! - pairs[y + 1]! || pairs[x]! - pairs[y]!);
    const given = new Set<number>();
    for (const k of order) {
      let y = this.nextFree(pairs[k]!);
      while (given.has(y)) y = this.nextFree(y);
      if (y >= pairs[k + 1]!) return false;
      given.add(y);
    }
    return true;
  }
}

/**
 * What the partition search needs to count zxids: the zxids of the partition's ranked writes, ascending
 * (the gap at rank r is (ranked[r - 1], ranked[r]), from 0 and to +Infinity at the ends), and the free
 * zxids of the whole history (other partitions' recorded writes take theirs).
 */
export type GapContext = { readonly ranked: readonly number[]; readonly free: FreeZxids };

/** The part of window (lo, hi) that lies in the gap at `rank`, as a pair. */
export function clipToGap(gaps: GapContext, rank: number, lo: number, hi: number): [number, number] {
  const below = rank === 0 ? 0 : gaps.ranked[rank - 1]!;
  const above = rank < gaps.ranked.length ? gaps.ranked[rank]! : Number.POSITIVE_INFINITY;
  return [Math.max(lo, below), Math.min(hi, above)];
}

/**
 * Whether the zxid count can bind a partition's writes without a zxid (`windows`: each one's zxid window
 * and rank range): some gap one of them may use holds fewer free zxids than `n`, the number of writes
 * without a zxid in the whole history. When none does, wherever each of them is placed its window there
 * holds n free zxids, at most n - 1 of which the others take: there is always one left for it, whatever
 * the other partitions chose. So the search needs no count, and the shortcuts that ignore zxids
 * (kvRegisterExplained, decideRegister) are exact.
 */
export function zxidsMayRunShort(gaps: GapContext, windows: readonly { lo: number; hi: number; minRank: number; maxRank: number }[], n: number): boolean {
  if (windows.length === 0) return false;
  const capOf = new Map<number, number>();
  const cap = (r: number): number => {
    let c = capOf.get(r);
    if (c === undefined) {
      const [a, b] = clipToGap(gaps, r, 0, Number.POSITIVE_INFINITY);
      capOf.set(r, (c = gaps.free.countFree(a, b)));
    }
    return c;
  };
  for (const w of windows) {
    for (let r = Math.max(0, w.minRank); r <= Math.min(w.maxRank, gaps.ranked.length); r++) {
      const whole = cap(r);
      if (whole < n) return true;
      if (r === w.minRank || r === w.maxRank) {
        const [a, b] = clipToGap(gaps, r, w.lo, w.hi);
        if (gaps.free.countFree(a, b) < n) return true;
      }
    }
  }
  return false;
}
