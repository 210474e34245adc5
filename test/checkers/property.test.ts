// Property tests of the search: histories generated from a sequential register or kv execution with random
// overlapping intervals (some, or many, ops never return) are accepted, and after randomly perturbing one result the
// engine rejects exactly when a brute-force enumeration of all real-time-consistent orders (≤ 8 ops) does.
import { expect } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { checkOperations } from '../../sim/checkers/linearizability/search.js';
import { REGISTER_UNKNOWN, registerModel, registerOutput } from '../../sim/checkers/linearizability/register.js';
import type { RegisterInput, RegisterOutput, RegisterState } from '../../sim/checkers/linearizability/register.js';
import { KV_UNKNOWN, kvInput, kvModel, kvOutput } from '../../sim/checkers/linearizability/kv.js';
import type { KvInput, KvOutput } from '../../sim/checkers/linearizability/kv.js';
import type { Operation } from '../../sim/checkers/linearizability/model.js';
import { bruteForceLinearizable } from './brute-force.js';

type Timing = { before: number; after: number; neverReturns: boolean };
const timings = fc.array(fc.record({ before: fc.nat(25), after: fc.nat(25), neverReturns: fc.integer({ min: 0, max: 5 }).map((x) => x === 0) }), {
  minLength: 7,
  maxLength: 7,
});

/** Op i takes effect at time 10(i+1); its interval stretches `before` earlier and `after` later. */
function interval(i: number, t: Timing): { call: number; return: number } {
  const point = 10 * (i + 1);
  return { call: point - t.before, return: t.neverReturns ? Number.POSITIVE_INFINITY : point + t.after };
}

const registerCommand = fc.oneof(
  fc.constant<RegisterInput>({ f: 'read' }),
  fc.integer({ min: 0, max: 2 }).map((value): RegisterInput => ({ f: 'write', value })),
  fc.tuple(fc.integer({ min: 0, max: 2 }), fc.integer({ min: 0, max: 2 })).map(([from, to]): RegisterInput => ({ f: 'cas', from, to })),
);

function registerHistory(commands: readonly RegisterInput[], times: readonly Timing[]): Operation<RegisterInput, RegisterOutput>[] {
  let state: RegisterState = null;
  return commands.map((input, i) => {
    const t = times[i]!;
    let output: RegisterOutput;
    if (input.f === 'read') output = registerOutput(state);
    else if (input.f === 'write') {
      output = registerOutput(null);
      state = input.value;
    } else {
      output = registerOutput(null, state === input.from);
      if (state === input.from) state = input.to;
    }
    return { client: i, input, output: t.neverReturns ? REGISTER_UNKNOWN : output, ...interval(i, t) };
  });
}

function perturbRegister(ops: Operation<RegisterInput, RegisterOutput>[], which: number, value: number): Operation<RegisterInput, RegisterOutput>[] {
  const copy = [...ops];
  const op = copy[which % copy.length]!;
  let output: RegisterOutput;
  if (op.input.f === 'read') output = registerOutput(value === 3 ? null : value);
  else if (op.input.f === 'cas') output = registerOutput(null, !op.output.ok);
  else return copy;
  copy[which % copy.length] = { ...op, output };
  return copy;
}

test.prop([fc.array(registerCommand, { minLength: 1, maxLength: 7 }), timings], { numRuns: 300 })(
  'register: generated histories are linearizable',
  (commands, times) => {
    const ops = registerHistory(commands, times);
    expect(checkOperations(registerModel, ops).verdict).toBe('ok');
  },
);

test.prop([fc.array(registerCommand, { minLength: 1, maxLength: 7 }), timings, fc.nat(), fc.integer({ min: 0, max: 3 })], { numRuns: 500 })(
  'register: a perturbed result is rejected exactly when brute force rejects it',
  (commands, times, which, value) => {
    const ops = perturbRegister(registerHistory(commands, times), which, value);
    const expected = bruteForceLinearizable(registerModel, ops) ? 'ok' : 'violated';
    expect(checkOperations(registerModel, ops).verdict).toBe(expected);
  },
);

// Many ops that never return (each is "free": it may go last), to exercise the search's dominance pruning.
const freeHeavyTimings = fc.array(fc.record({ before: fc.nat(25), after: fc.nat(25), neverReturns: fc.boolean() }), { minLength: 8, maxLength: 8 });

test.prop([fc.array(registerCommand, { minLength: 1, maxLength: 8 }), freeHeavyTimings, fc.nat(), fc.integer({ min: 0, max: 3 })], { numRuns: 500 })(
  'register with many never-returned ops: accepted as generated, and perturbed exactly as brute force says',
  (commands, times, which, value) => {
    const ops = registerHistory(commands, times);
    expect(checkOperations(registerModel, ops).verdict).toBe('ok');
    const perturbed = perturbRegister(ops, which, value);
    const expected = bruteForceLinearizable(registerModel, perturbed) ? 'ok' : 'violated';
    expect(checkOperations(registerModel, perturbed).verdict).toBe(expected);
  },
);

const kvCommand = fc.tuple(fc.constantFrom<KvInput['f']>('get', 'put', 'append'), fc.constantFrom('a', 'b'), fc.constantFrom('x', 'y', 'z'));

function kvHistory(commands: readonly [KvInput['f'], string, string][], times: readonly Timing[]): Operation<KvInput, KvOutput>[] {
  const state = new Map<string, string>();
  return commands.map(([f, key, value], i) => {
    const t = times[i]!;
    const current = state.get(key) ?? '';
    const input = kvInput(f, key, f === 'get' ? '' : value);
    if (f === 'put') state.set(key, value);
    if (f === 'append') state.set(key, current + value);
    const output = f === 'get' ? kvOutput(current) : kvOutput('');
    return { client: i, input, output: t.neverReturns ? KV_UNKNOWN : output, ...interval(i, t) };
  });
}

test.prop([fc.array(kvCommand, { minLength: 1, maxLength: 7 }), timings, fc.nat(), fc.constantFrom('', 'x', 'y', 'xy', 'yx', 'zz')], { numRuns: 500 })(
  'kv: generated histories pass, and a perturbed get is rejected exactly when brute force rejects it',
  (commands, times, which, value) => {
    const ops = kvHistory(commands, times);
    expect(checkOperations(kvModel, ops).verdict).toBe('ok');
    const index = which % ops.length;
    const op = ops[index]!;
    if (op.input.f !== 'get' || op.output.unknown) return;
    const perturbed = [...ops];
    perturbed[index] = { ...op, output: kvOutput(value) };
    // Brute force on the unpartitioned history: kv ops on different keys commute, so the model applies per key.
    const expected = bruteForceLinearizable(kvMultiKeyModel, perturbed) ? 'ok' : 'violated';
    expect(checkOperations(kvModel, perturbed).verdict).toBe(expected);
  },
);

/** The kv semantics over all keys at once, with no partitioning, for the brute-force reference. */
const kvMultiKeyModel = {
  name: 'kv-all-keys',
  init: (): ReadonlyMap<string, string> => new Map(),
  step: (state: ReadonlyMap<string, string>, input: KvInput, output: KvOutput): ReadonlyMap<string, string> | undefined => {
    const current = state.get(input.key) ?? '';
    if (input.f === 'get') return output.unknown || output.value === current ? state : undefined;
    const next = new Map(state);
    next.set(input.key, input.f === 'put' ? input.value : current + input.value);
    return next;
  },
  hash: () => 0,
  equal: () => false,
};
