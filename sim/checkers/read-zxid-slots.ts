// Zxid density inside the read search (read-points.ts).
//
// Every txn has a zxid of its own: a write answered with an error rc too (PrepRequestProcessor.pRequest
// gives the request the next zxid before it can fail, and a failed request is logged as OpCode.error at
// that zxid). Zxids grow along the commit order, and counter 0 of an epoch is never a txn's (Leader.lead
// proposes NEWLEADER at it). So the writes without a recorded zxid that the search places between two
// ranked items of a partition (writes with a zxid, read points) need as many distinct free zxids there:
// zxids that no recorded write holds, that are no counter 0, and that lie inside each write's own zxid
// window. A read's header zxid h thereby pins how many writes it saw: with 1:1 and 1:4 recorded and a read
// at 1:2, at most one write without a zxid lies between 1:1 and the read.
//
// The search's order is the zxid order, so the writes without a zxid it places in one gap take increasing
// free zxids in the order placed. It gives each the smallest free zxid of its window above the one before
// it in the gap (greedy: the smallest choice at every step leaves the most room for what follows, so it
// finds an assignment whenever one exists) and keeps that zxid in its state; a write whose window has none
// left cannot take effect there. Gaps are disjoint ranges of zxids, so each gap alone is exact within a
// partition; the zxid windows that bound a write from outside it (zxidWindows) are kept the same way.
// Other partitions' writes without a zxid compete for the same free zxids; that is not counted (the
// check is then weaker than ZooKeeper, never stricter).
import type { FreeZxids } from './zxid-gaps.js';

/**
 * The gaps of one partition: gap r lies between ranked item r - 1 and ranked item r (0 and +Infinity at
 * the ends). A write of zxid z bounds its gaps at z on both sides; a read point of header h takes the
 * zxids at or below h before it (upper end h + 1, open) and those above h after it (lower end h, open).
 */
export class PartitionGaps {
  /** below[r], above[r]: the open zxid range of gap r. */
  private readonly below: number[];
  private readonly above: number[];

  readonly free: FreeZxids;

  constructor(free: FreeZxids, ranked: readonly { readonly zxid: number; readonly point: boolean }[]) {
    this.free = free;
    this.below = [0];
    this.above = [];
    for (const x of ranked) {
      this.above.push(x.point ? x.zxid + 1 : x.zxid);
      this.below.push(x.zxid);
    }
    this.above.push(Number.POSITIVE_INFINITY);
  }

  /** Window (lo, hi) clipped to gap r, as [lo, hi]. */
  clip(r: number, lo: number, hi: number): [number, number] {
    return [Math.max(lo, this.below[r]!), Math.min(hi, this.above[r]!)];
  }

  /**
   * The zxid a write of window (lo, hi) takes in gap r after one that took `last` there (0: the first in the
   * gap): the smallest free one above both, or null when none is left below its upper end.
   */
  take(r: number, last: number, lo: number, hi: number): number | null {
    const z = this.free.nextFree(Math.max(last, lo, this.below[r]!));
    return z < Math.min(hi, this.above[r]!) ? z : null;
  }

  /**
   * Whether the count can bind any of `windows` (each a zxid window with the ranks where it may go). It
   * cannot when, in every gap r, the free zxids above the largest lower end L and below the smallest upper
   * end H of the windows clipped to r number at least n, the count of windows. Proof: the i-th write placed
   * in the gap takes a zxid at or below the i-th free zxid f_i above L (by induction: the first takes the
   * smallest free zxid above its lower end, which is at most L; the i-th the smallest free above the
   * (i-1)-th's zxid and its own lower end, both at most f_(i-1) and L), and f_n is below H, so below its
   * upper end. Then the search needs no count, and the shortcuts that count no zxids (decideRegister) are
   * exact.
   */
  mayRunShort(windows: readonly { readonly lo: number; readonly hi: number; readonly minRank: number; readonly maxRank: number }[]): boolean {
    const n = windows.length;
    if (n === 0) return false;
    const gaps = this.above.length;
    const maxLo = new Float64Array(gaps);
    const minHi = new Float64Array(gaps).fill(Number.POSITIVE_INFINITY);
    const opened = new Int32Array(gaps + 1); // how many windows start minus end at each gap: which gaps are used
    for (const w of windows) {
      const first = Math.max(0, w.minRank);
      const last = Math.min(w.maxRank, gaps - 1);
      if (first > last) continue;
      // The window's lower end lies in its first gap, its upper end in its last (zxidWindows' ranks).
      maxLo[first] = Math.max(maxLo[first]!, w.lo);
      minHi[last] = Math.min(minHi[last]!, w.hi);
      opened[first]!++;
      opened[last + 1]!--;
    }
    for (let r = 0, open = 0; r < gaps; r++) {
      open += opened[r]!;
      if (open === 0) continue;
      const [a, b] = this.clip(r, maxLo[r]!, minHi[r]!);
      if (this.free.countFree(a, b) < n) return true;
    }
    return false;
  }
}
