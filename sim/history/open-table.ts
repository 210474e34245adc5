// Operations still open, keyed by (client, xid), with a number per key (an op id, an invocation
// time). It answers as a Map keyed by the pair would: `entries()` lists the keys in the order they
// were opened, and a key opened again while open keeps its place and takes the new value. Each
// client's keys sit in a short list rather than a hash table: a client's xids grow and its
// operations complete in order, so a new key goes at the end and the key taken is almost always the
// first. No allocation per operation.

/** SameValueZero, as a Map compares keys. */
function sameKey(a: number, b: number): boolean {
  return a === b || (a !== a && b !== b);
}

class Lane {
  readonly xids: number[] = [];
  readonly values: number[] = [];
  /** When each key was opened (a counter over the table), for `entries()`. */
  readonly seqs: number[] = [];
  /** Entries before `head` are gone. */
  head = 0;
  /** Whether the xids from `head` on ascend, so that a larger xid cannot be among them. */
  ascending = true;
}

/** Clients with an id in [0, LANES_MAX) find their lane by index; others through a Map. */
const LANES_MAX = 1 << 16;

export class OpenTable {
  private readonly lanes: (Lane | undefined)[] = [];
  private readonly otherLanes = new Map<number, Lane>();
  private seq = 0;
  size = 0;

  private laneOf(client: number, create: boolean): Lane | undefined {
    const small = client >= 0 && client < LANES_MAX && Math.floor(client) === client;
    let lane = small ? this.lanes[client] : this.otherLanes.get(client);
    if (lane === undefined && create) {
      lane = new Lane();
      if (small) this.lanes[client] = lane;
      else this.otherLanes.set(client, lane);
    }
    return lane;
  }

  /**
   * Opens (client, xid) with `value`; if it is open already, it keeps its place and takes `value`.
   * Returns the value it replaced, or undefined.
   */
  set(client: number, xid: number, value: number): number | undefined {
    const lane = this.laneOf(client, true)!;
    const { xids } = lane;
    const n = xids.length;
    const above = n === lane.head || xid > xids[n - 1]!;
    if (!(lane.ascending && above)) {
      for (let i = lane.head; i < n; i++) {
        if (sameKey(xids[i]!, xid)) {
          const before = lane.values[i];
          lane.values[i] = value;
          return before;
        }
      }
      if (!above) lane.ascending = false;
    }
    xids.push(xid);
    lane.values.push(value);
    lane.seqs.push(this.seq++);
    this.size++;
    return undefined;
  }

  /** Removes (client, xid) and returns its value, or undefined when it is not open. */
  take(client: number, xid: number): number | undefined {
    const lane = this.laneOf(client, false);
    if (lane === undefined) return undefined;
    const { xids, values, seqs } = lane;
    const n = xids.length;
    for (let i = lane.head; i < n; i++) {
      if (!sameKey(xids[i]!, xid)) continue;
      const value = values[i]!;
      this.size--;
      if (i === lane.head) {
        lane.head++;
        if (lane.head === n) {
          xids.length = 0;
          values.length = 0;
          seqs.length = 0;
          lane.head = 0;
          lane.ascending = true;
        } else if (lane.head >= 64 && lane.head * 2 >= n) {
          xids.splice(0, lane.head);
          values.splice(0, lane.head);
          seqs.splice(0, lane.head);
          lane.head = 0;
        }
      } else {
        xids.splice(i, 1);
        values.splice(i, 1);
        seqs.splice(i, 1);
      }
      return value;
    }
    return undefined;
  }

  /** Every open key with its value, in the order the keys were opened. */
  entries(): { readonly client: number; readonly xid: number; readonly value: number }[] {
    const out: { client: number; xid: number; value: number; seq: number }[] = [];
    const collect = (client: number, lane: Lane): void => {
      for (let i = lane.head; i < lane.xids.length; i++) out.push({ client, xid: lane.xids[i]!, value: lane.values[i]!, seq: lane.seqs[i]! });
    };
    this.lanes.forEach((lane, client) => {
      if (lane !== undefined) collect(client, lane);
    });
    for (const [client, lane] of this.otherLanes) collect(client, lane);
    out.sort((a, b) => a.seq - b.seq);
    return out.map(({ client, xid, value }) => ({ client, xid, value }));
  }
}
