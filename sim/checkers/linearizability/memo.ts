// Lowe's memo table of visited configurations (set of linearized ops, model state). Open addressing
// over typed arrays: each slot holds (hash, entry) side by side so a probe touches one cache line, and
// the bitsets live in one flat Uint32Array pool, so an insert allocates nothing unless the table grows.
// A match needs the full hash, then every bitset word, then model equality on the state.

export class ConfigurationMemo<S> {
  private readonly words: number;
  private readonly equal: (a: S, b: S) => boolean;
  private slots: Int32Array; // pairs [hash, entry + 1]; entry + 1 === 0 marks an empty slot
  private mask: number; // slot count - 1
  private bitsPool: Uint32Array;
  private states: S[] = [];
  private count = 0;
  private countMax: number;

  constructor(words: number, equal: (a: S, b: S) => boolean, capacityHint = 1024) {
    this.words = words;
    this.equal = equal;
    let capacity = 16;
    while (capacity < capacityHint * 2) capacity *= 2;
    this.slots = new Int32Array(capacity * 2);
    this.mask = capacity - 1;
    this.countMax = capacity >>> 1;
    this.bitsPool = new Uint32Array(this.countMax * words);
  }

  get size(): number {
    return this.count;
  }

  /** Records (bits, state) under `hash` and returns true, or returns false if it was already present. */
  addIfAbsent(bits: Uint32Array, hash: number, state: S): boolean {
    if (this.count >= this.countMax) this.grow();
    const found = this.probe(bits, hash, state);
    if (found >= 0) return false;
    const slot = ~found;
    const words = this.words;
    const slots = this.slots;
    const entry = this.count;
    slots[2 * slot] = hash;
    slots[2 * slot + 1] = entry + 1;
    if (words === 1) this.bitsPool[entry] = bits[0]!;
    else this.bitsPool.set(bits, entry * words);
    this.states.push(state);
    this.count = entry + 1;
    return true;
  }

  /** True when (bits, state) under `hash` is present. */
  contains(bits: Uint32Array, hash: number, state: S): boolean {
    return this.probe(bits, hash, state) >= 0;
  }

  /** Linear probing from `hash`: the slot holding (bits, state), or ~slot of the empty slot where it would go. */
  private probe(bits: Uint32Array, hash: number, state: S): number {
    const words = this.words;
    const slots = this.slots;
    const mask = this.mask;
    let slot = hash & mask;
    for (;;) {
      const stored = slots[2 * slot + 1]!;
      if (stored === 0) return ~slot;
      if (slots[2 * slot] === hash) {
        const entry = stored - 1;
        if (this.sameBits(entry, bits, words)) {
          const seen = this.states[entry]!;
          if (seen === state || this.equal(seen, state)) return slot;
        }
      }
      slot = (slot + 1) & mask;
    }
  }

  private sameBits(entry: number, bits: Uint32Array, words: number): boolean {
    const pool = this.bitsPool;
    const base = entry * words;
    for (let i = 0; i < words; i++) if (pool[base + i] !== bits[i]) return false;
    return true;
  }

  private grow(): void {
    const capacity = (this.mask + 1) * 2;
    const slots = new Int32Array(capacity * 2);
    const mask = capacity - 1;
    const old = this.slots;
    for (let i = 0; i < old.length; i += 2) {
      const stored = old[i + 1]!;
      if (stored === 0) continue;
      const hash = old[i]!;
      let slot = hash & mask;
      while (slots[2 * slot + 1] !== 0) slot = (slot + 1) & mask;
      slots[2 * slot] = hash;
      slots[2 * slot + 1] = stored;
    }
    this.countMax = capacity >>> 1;
    const pool = new Uint32Array(this.countMax * this.words);
    pool.set(this.bitsPool);
    this.slots = slots;
    this.mask = mask;
    this.bitsPool = pool;
  }
}
