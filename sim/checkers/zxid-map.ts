// A map keyed by zxid, for the checkers' per-txn tables. A zxid (epoch * 2^32 + counter) is beyond
// V8's small-integer range, so a Map<number, T> hashes a heap number on every lookup; here each
// epoch has an array indexed by its counter (counters of one epoch are dense from 0), found through
// the epoch used last (one subtraction away). Other keys (negative, fractional, or with a counter too
// large for a dense array, as a history file may hold) go to a plain Map. No iteration: the
// checkers only look keys up.

const EPOCH = 4_294_967_296;
/** Counters above this go to the plain Map rather than make a sparse array. */
const COUNTER_MAX = 1 << 24;

export class ZxidMap<T> {
  private readonly epochs = new Map<number, (T | undefined)[]>();
  private readonly other = new Map<number, T>();
  /**
   * The epoch used last: its first zxid (NaN when there is none) and its slots. A key of that epoch
   * is found by one subtraction: the base b is a multiple of 2^32 at most 2^53 - 2^32 (keys above
   * 2^53 - 1 never get slots), so for a counter c in [0, COUNTER_MAX], key - b is c exactly when
   * key = b + c, and is not such an integer for any other key.
   */
  private lastBase = Number.NaN;
  private lastSlots: (T | undefined)[] = [];

  /** The key's counter when it lies in the epoch used last, else -1. */
  private inLast(zxid: number): number {
    const counter = zxid - this.lastBase;
    return counter >= 0 && counter <= COUNTER_MAX && (counter | 0) === counter ? counter : -1;
  }

  /** The slot array of a zxid's epoch (made when `create`); null when there is none. */
  private slotsOf(zxid: number, counter: number, create: boolean): (T | undefined)[] | null {
    const epoch = (zxid - counter) / EPOCH;
    let slots = this.epochs.get(epoch);
    if (slots === undefined) {
      if (!create) return null;
      slots = [];
      this.epochs.set(epoch, slots);
    }
    this.lastBase = epoch * EPOCH;
    this.lastSlots = slots;
    return slots;
  }

  /**
   * The counter when the key is an (epoch, small counter) pair, else -1 (the key lives in `other`).
   * For an integer 0 <= zxid <= 2^53 - 1, `zxid >>> 0` is zxid mod 2^32 exactly (ToUint32), without
   * the floating-point remainder `%` costs (a call into the runtime).
   */
  private static counterOf(zxid: number): number {
    if (!(zxid >= 0 && zxid <= Number.MAX_SAFE_INTEGER && Math.floor(zxid) === zxid)) return -1;
    const counter = zxid >>> 0;
    return counter <= COUNTER_MAX ? counter : -1;
  }

  get(zxid: number): T | undefined {
    const last = this.inLast(zxid);
    if (last >= 0) return this.lastSlots[last];
    const counter = ZxidMap.counterOf(zxid);
    if (counter < 0) return this.other.get(zxid);
    const slots = this.slotsOf(zxid, counter, false);
    return slots === null ? undefined : slots[counter];
  }

  has(zxid: number): boolean {
    return this.get(zxid) !== undefined;
  }

  /** `value` must not be undefined (undefined marks an absent key). */
  set(zxid: number, value: T): void {
    const last = this.inLast(zxid);
    if (last >= 0) {
      this.lastSlots[last] = value;
      return;
    }
    const counter = ZxidMap.counterOf(zxid);
    if (counter < 0) this.other.set(zxid, value);
    else this.slotsOf(zxid, counter, true)![counter] = value;
  }

  delete(zxid: number): void {
    const last = this.inLast(zxid);
    if (last >= 0) {
      if (last < this.lastSlots.length) this.lastSlots[last] = undefined;
      return;
    }
    const counter = ZxidMap.counterOf(zxid);
    if (counter < 0) {
      this.other.delete(zxid);
      return;
    }
    const slots = this.slotsOf(zxid, counter, false);
    if (slots !== null && counter < slots.length) slots[counter] = undefined;
  }
}
