// Lowe's memo table of visited configurations (set of linearized ops, model state). Open addressing
// over typed arrays: the bitsets live in one flat Uint32Array pool, so an insert allocates nothing
// except when the table grows. Lookups compare the full hash, then the bitset words, then the state.

export class ConfigurationMemo<S> {
  private readonly words: number;
  private readonly equal: (a: S, b: S) => boolean;
  private slots: Int32Array; // entry index + 1, 0 = empty
  private mask: number;
  private hashes: Int32Array;
  private bitsPool: Uint32Array;
  private states: S[] = [];
  private count = 0;

  constructor(words: number, equal: (a: S, b: S) => boolean, capacityHint = 1024) {
    this.words = words;
    this.equal = equal;
    let capacity = 16;
    while (capacity < capacityHint * 2) capacity *= 2;
    this.slots = new Int32Array(capacity);
    this.mask = capacity - 1;
    this.hashes = new Int32Array(capacity >>> 1);
    this.bitsPool = new Uint32Array((capacity >>> 1) * words);
  }

  get size(): number {
    return this.count;
  }

  /** Records (bits, state) under `hash` and returns true, or returns false if it was already present. */
  addIfAbsent(bits: Uint32Array, hash: number, state: S): boolean {
    const words = this.words;
    const slots = this.slots;
    const mask = this.mask;
    let slot = hash & mask;
    for (;;) {
      const stored = slots[slot]!;
      if (stored === 0) break;
      const entry = stored - 1;
      if (this.hashes[entry] === hash && this.sameBits(entry, bits, words) && this.equal(this.states[entry]!, state)) {
        return false;
      }
      slot = (slot + 1) & mask;
    }
    const entry = this.count;
    if (entry >= this.hashes.length) {
      this.grow();
      return this.addIfAbsent(bits, hash, state);
    }
    this.hashes[entry] = hash;
    this.bitsPool.set(bits, entry * words);
    this.states.push(state);
    slots[slot] = entry + 1;
    this.count = entry + 1;
    return true;
  }

  private sameBits(entry: number, bits: Uint32Array, words: number): boolean {
    const pool = this.bitsPool;
    const base = entry * words;
    for (let i = 0; i < words; i++) if (pool[base + i] !== bits[i]) return false;
    return true;
  }

  private grow(): void {
    const capacity = this.slots.length * 2;
    const slots = new Int32Array(capacity);
    const mask = capacity - 1;
    for (let entry = 0; entry < this.count; entry++) {
      let slot = this.hashes[entry]! & mask;
      while (slots[slot] !== 0) slot = (slot + 1) & mask;
      slots[slot] = entry + 1;
    }
    const hashes = new Int32Array(capacity >>> 1);
    hashes.set(this.hashes);
    const pool = new Uint32Array((capacity >>> 1) * this.words);
    pool.set(this.bitsPool);
    this.slots = slots;
    this.mask = mask;
    this.hashes = hashes;
    this.bitsPool = pool;
  }
}
