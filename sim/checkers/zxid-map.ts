// A map keyed by zxid, for the checkers' per-txn tables. A zxid (epoch * 2^32 + counter) is beyond
// V8's small-integer range, so a Map<number, T> hashes a heap number on every lookup; here each
// epoch has an array indexed by its counter (counters of one epoch are dense from 0), found through
// a one-entry cache of the last epoch used. Other keys (negative, fractional, or with a counter too
// large for a dense array, as a history file may hold) go to a plain Map. No iteration: the
// checkers only look keys up.

const EPOCH = 4_294_967_296;
/** Counters above this go to the plain Map rather than make a sparse array. */
const COUNTER_MAX = 1 << 24;

export class ZxidMap<T> {
  private readonly epochs = new Map<number, (T | undefined)[]>();
  private readonly other = new Map<number, T>();
  private lastEpoch = -1;
  private lastSlots: (T | undefined)[] | null = null;

  /** The slot array of a zxid's epoch (made when `create`); null when there is none. */
  private slotsOf(zxid: number, counter: number, create: boolean): (T | undefined)[] | null {
    const epoch = (zxid - counter) / EPOCH;
    if (epoch === this.lastEpoch) return this.lastSlots;
    let slots = this.epochs.get(epoch);
    if (slots === undefined) {
      if (!create) return null;
      slots = [];
      this.epochs.set(epoch, slots);
    }
    this.lastEpoch = epoch;
    this.lastSlots = slots;
    return slots;
  }

  /** The counter when the key is an (epoch, small counter) pair, else -1 (the key lives in `other`). */
  private static counterOf(zxid: number): number {
    const counter = zxid % EPOCH;
    return zxid >= 0 && (counter | 0) === counter && counter <= COUNTER_MAX ? counter : -1;
  }

  get(zxid: number): T | undefined {
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
    const counter = ZxidMap.counterOf(zxid);
    if (counter < 0) this.other.set(zxid, value);
    else this.slotsOf(zxid, counter, true)![counter] = value;
  }

  delete(zxid: number): void {
    const counter = ZxidMap.counterOf(zxid);
    if (counter < 0) {
      this.other.delete(zxid);
      return;
    }
    const slots = this.slotsOf(zxid, counter, false);
    if (slots !== null && counter < slots.length) slots[counter] = undefined;
  }
}
