// The `kv` model: string values per key with get, put and append, partitioned by key (keys are
// independent objects, so by locality the history is linearizable iff each key's sub-history is).

import { hashString } from './model.js';
import type { Model, Operation } from './model.js';

export type KvInput = { readonly f: 'get' | 'put' | 'append'; readonly key: string; readonly value: string };

/** `value` is what a get returned; `unknown: true` accepts any result (an op that never returned). */
export type KvOutput = { readonly unknown: boolean; readonly value: string };

export const KV_UNKNOWN: KvOutput = { unknown: true, value: '' };

/** The state of one key (the model is only ever run on a single key's partition). */
export type KvState = string;

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
  init: () => '',
  step: (state, input, output) => {
    switch (input.f) {
      case 'get':
        return output.unknown || output.value === state ? state : undefined;
      case 'put':
        return input.value;
      case 'append':
        return state + input.value;
    }
  },
  hash: hashString,
  equal: (a, b) => a === b,
  partition: partitionByKey,
  describeOperation: (input, output) => {
    const result = output.unknown ? ' -> ?' : '';
    if (input.f === 'get') return `get(${JSON.stringify(input.key)}) -> ${output.unknown ? '?' : JSON.stringify(output.value)}`;
    return `${input.f}(${JSON.stringify(input.key)}, ${JSON.stringify(input.value)})${result}`;
  },
  describeState: (state) => JSON.stringify(state),
};
