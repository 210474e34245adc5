// The event queue: a binary min-heap ordered by (time, insertion sequence). The sequence number
// makes ties break in insertion order, so two events at the same virtual microsecond always run in
// the same order. Reordering is only ever an explicit decision (a different delay), never an
// accident of iteration order.

export interface Scheduled {
  t: number;
  seq: number;
}

export class EventHeap<E extends Scheduled> {
  private items: E[] = [];
  private nextSeq = 0;

  get size(): number {
    return this.items.length;
  }

  /** Stamps the event with the next sequence number and inserts it. */
  push(event: E): void {
    event.seq = this.nextSeq++;
    const items = this.items;
    let i = items.length;
    items.push(event);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = items[parent] as E;
      if (p.t < event.t || (p.t === event.t && p.seq < event.seq)) break;
      items[i] = p;
      i = parent;
    }
    items[i] = event;
  }

  peek(): E | undefined {
    return this.items[0];
  }

  pop(): E | undefined {
    const items = this.items;
    const top = items[0];
    if (top === undefined) return undefined;
    const last = items.pop() as E;
    const n = items.length;
    if (n === 0) return top;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      let c = l;
      let child = items[l] as E;
      if (r < n) {
        const right = items[r] as E;
        if (right.t < child.t || (right.t === child.t && right.seq < child.seq)) {
          c = r;
          child = right;
        }
      }
      if (last.t < child.t || (last.t === child.t && last.seq < child.seq)) break;
      items[i] = child;
      i = c;
    }
    items[i] = last;
    return top;
  }
}
