// The `kv` model: string values per key with get, put and append, partitioned by key (keys are
// independent objects, so by locality the history is linearizable iff each key's sub-history is).
// States carry a polynomial hash of their string that append updates in O(1), so the search never
// rescans the long append-built values; real string equality is only used when hashes agree.

import type { Model, Operation } from './model.js';

const HASH_BASE = 0x01000193;

/** Build with `kvInput`, which precomputes the value's hash and HASH_BASE^length. */
export type KvInput = {
  readonly f: 'get' | 'put' | 'append';
  readonly key: string;
  readonly value: string;
  readonly valueHash: number;
  readonly valuePower: number;
};

/** `value` is what a get returned; `unknown: true` accepts any result (an op that never returned). Build with `kvOutput`. */
export type KvOutput = { readonly unknown: boolean; readonly value: string; readonly valueHash: number };

/** The state of one key (the model is only ever run on a single key's partition). */
export type KvState = { readonly value: string; readonly hash: number };

function polynomialHash(text: string): number {
  let h = 0;
  for (let i = 0; i < text.length; i++) h = (Math.imul(h, HASH_BASE) + text.charCodeAt(i)) | 0;
  return h;
}

function power(length: number): number {
  let p = 1;
  for (let i = 0; i < length; i++) p = Math.imul(p, HASH_BASE);
  return p;
}

export function kvInput(f: KvInput['f'], key: string, value = ''): KvInput {
  return { f, key, value, valueHash: polynomialHash(value), valuePower: power(value.length) };
}

export function kvOutput(value: string): KvOutput {
  return { unknown: false, value, valueHash: polynomialHash(value) };
}

export const KV_UNKNOWN: KvOutput = { unknown: true, value: '', valueHash: 0 };

const EMPTY: KvState = { value: '', hash: 0 };

export function partitionByKey<O>(ops: readonly Operation<KvInput, O>[]): Operation<KvInput, O>[][] {
  const byKey = new Map<string, Operation<KvInput, O>[]>();
  for (const op of ops) {
    const list = byKey.get(op.input.key);
    if (list === undefined) byKey.set(op.input.key, [op]);
    else list.push(op);
  }
  return [...byKey.values()];
}

export const kvModel: Model<KvState, KvInput, KvOutput> = {
  name: 'kv',
  init: () => EMPTY,
  step: (state, input, output) => {
    switch (input.f) {
      case 'get':
        if (output.unknown) return state;
        return output.valueHash === state.hash && output.value === state.value ? state : undefined;
      case 'put':
        return { value: input.value, hash: input.valueHash };
      case 'append':
        return { value: state.value + input.value, hash: (Math.imul(state.hash, input.valuePower) + input.valueHash) | 0 };
    }
  },
  hash: (state) => state.hash,
  alwaysLegal: (_input, output) => output.unknown,
  readOnly: (input) => input.f === 'get',
  equal: (a, b) => a.hash === b.hash && a.value === b.value,
  partition: partitionByKey,
  describeOperation: (input, output) => {
    if (input.f === 'get') return `get(${JSON.stringify(input.key)}) -> ${output.unknown ? '?' : JSON.stringify(output.value)}`;
    return `${input.f}(${JSON.stringify(input.key)}, ${JSON.stringify(input.value)})${output.unknown ? ' -> ?' : ''}`;
  },
  describeState: (state) => JSON.stringify(state.value),
};
