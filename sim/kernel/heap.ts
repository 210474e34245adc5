// The event queue: a binary min-heap ordered by (time, insertion sequence). The sequence number
// makes ties break in insertion order, so two events at the same virtual microsecond always run in
// the same order. Reordering is only ever an explicit decision (a different delay), never an
// accident of iteration order.
//
// The keys live in two typed arrays beside the events rather than only on the event objects: a
// sift compares keys at every level, and reading them from pooled event objects scattered over
// the heap was a cache miss per comparison (the child comparison alone was 2% of a broadcast run).

import { grownTo } from '../typed-array.js';

export interface Scheduled {
  t: number;
  seq: number;
}

export class EventHeap<E extends Scheduled> {
  private items: (E | undefined)[] = [];
  private times = new Float64Array(256);
  private seqs = new Float64Array(256);
  private count = 0;
  private nextSeq = 0;

  get size(): number {
    return this.count;
  }

  /** Stamps the event with the next sequence number and inserts it. */
  push(event: E): void {
    const seq = this.nextSeq++;
    event.seq = seq;
    if (this.count === this.times.length) this.grow();
    const times = this.times;
    const seqs = this.seqs;
    const items = this.items;
    const t = event.t;
    let i = this.count++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const pt = times[parent] as number;
      if (pt < t || (pt === t && (seqs[parent] as number) < seq)) break;
      times[i] = pt;
      seqs[i] = seqs[parent] as number;
      items[i] = items[parent];
      i = parent;
    }
    times[i] = t;
    seqs[i] = seq;
    items[i] = event;
  }

  peek(): E | undefined {
    return this.count === 0 ? undefined : this.items[0];
  }

  pop(): E | undefined {
    const n = this.count;
    if (n === 0) return undefined;
    const items = this.items;
    const times = this.times;
    const seqs = this.seqs;
    const top = items[0];
    const m = n - 1;
    this.count = m;
    const last = items[m];
    const lt = times[m] as number;
    const ls = seqs[m] as number;
    items[m] = undefined; // no reference kept to a popped event
    if (m === 0) return top;
    let i = 0;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= m) break;
      let ct = times[c] as number;
      let cs = seqs[c] as number;
      const r = c + 1;
      if (r < m) {
        const rt = times[r] as number;
        if (rt < ct || (rt === ct && (seqs[r] as number) < cs)) {
          c = r;
          ct = rt;
          cs = seqs[r] as number;
        }
      }
      if (lt < ct || (lt === ct && ls < cs)) break;
      times[i] = ct;
      seqs[i] = cs;
      items[i] = items[c];
      i = c;
    }
    times[i] = lt;
    seqs[i] = ls;
    items[i] = last;
    return top;
  }

  private grow(): void {
    this.times = grownTo(this.times, this.times.length * 2);
    this.seqs = grownTo(this.seqs, this.seqs.length * 2);
  }
}
