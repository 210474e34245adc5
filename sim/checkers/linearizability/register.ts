// The `register` model: a single integer register with read, write and compare-and-set, following the
// semantics of porcupine's etcd model (initially nil; there is no delete, so it never returns to nil).

import type { Model } from './model.js';

export type RegisterInput =
  { readonly f: 'read' } | { readonly f: 'write'; readonly value: number } | { readonly f: 'cas'; readonly from: number; readonly to: number };

/**
 * `unknown: true` means the op never returned, or timed out: any result is accepted. Otherwise
 * `value` is what a read returned (null = no value yet) and `ok` whether a CAS took effect.
 */
export type RegisterOutput = { readonly unknown: boolean; readonly value: number | null; readonly ok: boolean };

/** null = the register was never written. */
export type RegisterState = number | null;

export const REGISTER_UNKNOWN: RegisterOutput = { unknown: true, value: null, ok: false };

export function registerOutput(value: number | null, ok = true): RegisterOutput {
  return { unknown: false, value, ok };
}

const NIL_HASH = 0x2545f491;

export const registerModel: Model<RegisterState, RegisterInput, RegisterOutput> = {
  name: 'register',
  init: () => null,
  step: (state, input, output) => {
    switch (input.f) {
      case 'read':
        return output.unknown || output.value === state ? state : undefined;
      case 'write':
        return input.value;
      case 'cas': {
        const matches = state === input.from;
        if (output.unknown || output.ok === matches) return matches ? input.to : state;
        return undefined;
      }
    }
  },
  // Equal numbers give equal int32 truncations; the engine mixes the combined key itself.
  hash: (state) => (state === null ? NIL_HASH : (state | 0) ^ ((state / 4294967296) | 0)),
  alwaysLegal: (_input, output) => output.unknown,
  readOnly: (input, output) => input.f === 'read' || (input.f === 'cas' && !output.unknown && !output.ok),
  equal: (a, b) => a === b,
  describeOperation: (input, output) => {
    const result = output.unknown ? '?' : undefined;
    switch (input.f) {
      case 'read':
        return `read() -> ${result ?? String(output.value ?? 'nil')}`;
      case 'write':
        return `write(${input.value})${result === undefined ? '' : ' -> ?'}`;
      case 'cas':
        return `cas(${input.from}, ${input.to}) -> ${result ?? (output.ok ? 'ok' : 'fail')}`;
    }
  },
  describeState: (state) => (state === null ? 'nil' : String(state)),
};
