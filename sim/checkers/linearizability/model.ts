// The contract between the linearizability search and a sequential model, plus the operation
// record the search consumes. Times are abstract numbers (µs, or an event index); only their order matters.

export type Verdict = 'ok' | 'violated' | 'unknown';

/** One client operation: called at `call`, returned at `return` (+Infinity when it never returned). */
export type Operation<I, O> = {
  readonly client: number;
  readonly input: I;
  readonly output: O;
  readonly call: number;
  readonly return: number;
};

/**
 * A sequential specification. `step` must be pure: it returns the successor state when `input`
 * producing `output` is legal in `state`, or `undefined` when it is not (so states are never
 * `undefined`). `hash` must agree with `equal`. An operation that never returned usually carries an
 * output the model accepts unconditionally (each model documents its "unknown" output).
 */
export type Model<S, I, O> = {
  readonly name: string;
  readonly init: () => S;
  readonly step: (state: S, input: I, output: O) => S | undefined;
  readonly hash: (state: S) => number;
  readonly equal: (a: S, b: S) => boolean;
  /**
   * True only when `step(s, input, output)` is defined for every state s (typically an unknown output).
   * The search then treats such an op that never returned as free: it may go last, which lets it prune.
   * Returning false is always safe; omitting it turns the pruning off.
   */
  readonly alwaysLegal?: (input: I, output: O) => boolean;
  /**
   * True only when every legal `step(s, input, output)` returns `s` itself (a read, a failed cas). Such an
   * op, once callable and legal, can go first in any completion, so the search places it without
   * branching. Returning false is always safe; omitting it turns this off.
   */
  readonly readOnly?: (input: I, output: O) => boolean;
  /** P-compositional split: the history is linearizable iff every part is. Parts keep input order. */
  readonly partition?: (ops: readonly Operation<I, O>[]) => Operation<I, O>[][];
  readonly describeOperation?: (input: I, output: O) => string;
  readonly describeState?: (state: S) => string;
};

export type LinearizabilityWitness = {
  /** Indices (into the checked operation array) of the partition that cannot be linearized. */
  readonly partitionOps: readonly number[];
  /** The longest linearizable prefix the search found in that partition, in order. */
  readonly longestPrefix: readonly number[];
  /** Ops of the partition that are not in the prefix; the first of them could not be placed. */
  readonly unplaced: readonly number[];
};

export type LinearizabilityResult = {
  readonly verdict: Verdict;
  /** Model steps taken (the unit of the budget). */
  readonly steps: number;
  readonly partitions: number;
  /** For 'ok': one linearization per partition, as indices into the checked operation array. */
  readonly linearizations?: readonly (readonly number[])[];
  readonly witness?: LinearizabilityWitness;
};

export type CheckOptions = {
  /** Step budget across all partitions; when exhausted the verdict is 'unknown'. */
  readonly stepsMax?: number;
};

/** MurmurHash3's 32-bit finaliser: a cheap, well-mixing integer hash. */
export function mix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h | 0;
}

/** Hash of a JS number that is exact for all safe integers and stable for other values. */
export function hashNumber(value: number): number {
  const low = value | 0;
  const high = (value / 4294967296) | 0;
  return mix32(low ^ Math.imul(high, 0x27d4eb2d));
}

/**
 * Hash of a string: its length and up to 24 characters from each end. Equal strings hash equally,
 * which is all the memo table needs (it compares with real equality on collision); sampling keeps
 * hashing O(1) for the long append-built values of kv histories.
 */
export function hashString(value: string): number {
  const length = value.length;
  let h = mix32(length + 0x3c6ef372);
  if (length <= 48) {
    for (let i = 0; i < length; i++) h = Math.imul(h ^ value.charCodeAt(i), 0x01000193);
    return mix32(h);
  }
  for (let i = 0; i < 24; i++) h = Math.imul(h ^ value.charCodeAt(i), 0x01000193);
  for (let i = length - 24; i < length; i++) h = Math.imul(h ^ value.charCodeAt(i), 0x01000193);
  return mix32(h);
}
