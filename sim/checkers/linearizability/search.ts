// The general linearizability engine: Wing & Gong's backtracking search with Lowe's memoisation of
// (linearized bitset, model state), run per P-compositional partition under a deterministic step budget.
// Operations that never returned get return time +Infinity, so they may be linearized anywhere after their call.

import { ConfigurationMemo } from './memo.js';
import { mix32 } from './model.js';
import type { CheckOptions, LinearizabilityResult, LinearizabilityWitness, Model, Operation } from './model.js';

export const STEPS_MAX_DEFAULT = 200_000_000;

type PartitionOutcome =
  | { readonly verdict: 'ok'; readonly order: number[] }
  | { readonly verdict: 'violated'; readonly longestPrefix: number[] }
  | { readonly verdict: 'unknown' };

/** Checks `ops` against `model`; indices in the result refer to positions in `ops`. */
export function checkOperations<S, I, O>(
  model: Model<S, I, O>,
  ops: readonly Operation<I, O>[],
  options: CheckOptions = {},
): LinearizabilityResult {
  const budget = { steps: 0, stepsMax: options.stepsMax ?? STEPS_MAX_DEFAULT };
  const parts = splitIntoPartitions(model, ops);
  const linearizations: number[][] = [];
  let unknown = false;
  for (const part of parts) {
    const outcome = searchPartition(model, ops, part, budget);
    if (outcome.verdict === 'violated') {
      const placed = new Set(outcome.longestPrefix);
      const witness: LinearizabilityWitness = {
        partitionOps: part,
        longestPrefix: outcome.longestPrefix,
        unplaced: part.filter((index) => !placed.has(index)),
      };
      return { verdict: 'violated', steps: budget.steps, partitions: parts.length, witness };
    }
    if (outcome.verdict === 'unknown') {
      unknown = true;
      // Keep going: another partition may still prove a violation within the remaining budget.
      if (budget.steps >= budget.stepsMax) break;
      continue;
    }
    linearizations.push(outcome.order);
  }
  if (unknown) return { verdict: 'unknown', steps: budget.steps, partitions: parts.length };
  return { verdict: 'ok', steps: budget.steps, partitions: parts.length, linearizations };
}

function splitIntoPartitions<S, I, O>(model: Model<S, I, O>, ops: readonly Operation<I, O>[]): number[][] {
  if (model.partition === undefined) return [ops.map((_, index) => index)];
  const indexOf = new Map<Operation<I, O>, number>();
  ops.forEach((op, index) => indexOf.set(op, index));
  return model.partition(ops).map((part) =>
    part.map((op) => {
      const index = indexOf.get(op);
      if (index === undefined) throw new Error(`model ${model.name}: partition returned an operation not in the history`);
      return index;
    }),
  );
}

/**
 * One partition. The history is a doubly linked list over typed arrays: node 0 is the head sentinel,
 * node 2n+1 the tail, and nodes 1..2n the call and return entries in time order (calls first on
 * equal times, so intervals are closed). Lifting an op unlinks its call and return nodes.
 */
function searchPartition<S, I, O>(
  model: Model<S, I, O>,
  allOps: readonly Operation<I, O>[],
  part: readonly number[],
  budget: { steps: number; readonly stepsMax: number },
): PartitionOutcome {
  const n = part.length;
  if (n === 0) return { verdict: 'ok', order: [] };

  const inputs: I[] = new Array<I>(n);
  const outputs: O[] = new Array<O>(n);
  const times = new Float64Array(2 * n);
  for (let i = 0; i < n; i++) {
    const op = allOps[part[i]!]!;
    inputs[i] = op.input;
    outputs[i] = op.output;
    times[2 * i] = op.call;
    times[2 * i + 1] = op.return;
  }
  // Entry e: op e >> 1, a call when e is even. Sort by time, calls before returns, then by op.
  const entries = Array.from({ length: 2 * n }, (_, e) => e);
  entries.sort((a, b) => times[a]! - times[b]! || (a & 1) - (b & 1) || a - b);

  const tail = 2 * n + 1;
  const next = new Int32Array(2 * n + 2);
  const prev = new Int32Array(2 * n + 2);
  const opOf = new Int32Array(2 * n + 2);
  const returnOf = new Int32Array(2 * n + 2).fill(-1); // call node -> its return node; -1 for others
  const callNode = new Int32Array(n);
  const returnNode = new Int32Array(n);
  for (let position = 0; position < 2 * n; position++) {
    const e = entries[position]!;
    const node = position + 1;
    opOf[node] = e >> 1;
    if ((e & 1) === 0) callNode[e >> 1] = node;
    else returnNode[e >> 1] = node;
    prev[node] = node - 1;
    next[node] = node + 1;
  }
  next[0] = 1;
  prev[tail] = 2 * n;
  for (let op = 0; op < n; op++) {
    if (returnNode[op]! < callNode[op]!) throw new Error(`operation ${part[op]} returns before it is called`);
    returnOf[callNode[op]!] = returnNode[op]!;
  }

  const words = (n + 31) >>> 5;
  const bits = new Uint32Array(words);
  const zobrist = new Int32Array(n);
  for (let op = 0; op < n; op++) zobrist[op] = mix32(Math.imul(op + 1, 0x9e3779b1) ^ 0x7f4a7c15);
  const memo = new ConfigurationMemo<S>(words, model.equal, Math.max(1 << 12, Math.min(1 << 16, 256 * n)));
  const stackNode = new Int32Array(n);
  const stackState: S[] = new Array<S>(n);
  const step = model.step;
  const hash = model.hash;

  let depth = 0;
  let bestDepth = 0;
  let bestPrefix: number[] = [];
  let state = model.init();
  let zob = 0;
  let steps = budget.steps;
  const stepsMax = budget.stepsMax;
  let node = next[0]!;

  while (next[0] !== tail) {
    const ret = returnOf[node]!;
    if (ret >= 0) {
      if (steps >= stepsMax) {
        budget.steps = steps;
        return { verdict: 'unknown' };
      }
      steps++;
      const op = opOf[node]!;
      const successor = step(state, inputs[op]!, outputs[op]!);
      if (successor !== undefined) {
        const word = op >>> 5;
        const bit = 1 << (op & 31);
        bits[word]! |= bit;
        const zobNext = zob ^ zobrist[op]!;
        if (memo.addIfAbsent(bits, mix32(zobNext ^ hash(successor)), successor)) {
          stackNode[depth] = node;
          stackState[depth] = state;
          depth++;
          if (depth > bestDepth) {
            bestDepth = depth;
            bestPrefix = prefixOf(stackNode, depth, opOf, part);
          }
          state = successor;
          zob = zobNext;
          // Lift the call node and its return node out of the list.
          next[prev[node]!] = next[node]!;
          prev[next[node]!] = prev[node]!;
          next[prev[ret]!] = next[ret]!;
          prev[next[ret]!] = prev[ret]!;
          node = next[0]!;
          continue;
        }
        bits[word]! &= ~bit;
      }
      node = next[node]!;
    } else {
      // A pending op's return: something called earlier must be undone.
      if (depth === 0) {
        budget.steps = steps;
        return { verdict: 'violated', longestPrefix: bestPrefix };
      }
      depth--;
      const call = stackNode[depth]!;
      state = stackState[depth]!;
      const op = opOf[call]!;
      bits[op >>> 5]! &= ~(1 << (op & 31));
      zob ^= zobrist[op]!;
      // Unlift: splice the return node back in, then the call node.
      const back = returnOf[call]!;
      next[prev[back]!] = back;
      prev[next[back]!] = back;
      next[prev[call]!] = call;
      prev[next[call]!] = call;
      node = next[call]!;
    }
  }
  budget.steps = steps;
  return { verdict: 'ok', order: prefixOf(stackNode, depth, opOf, part) };
}

function prefixOf(stackNode: Int32Array, depth: number, opOf: Int32Array, part: readonly number[]): number[] {
  const order = new Array<number>(depth);
  for (let i = 0; i < depth; i++) order[i] = part[opOf[stackNode[i]!]!]!;
  return order;
}
