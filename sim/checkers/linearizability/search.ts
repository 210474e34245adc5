// The general linearizability engine: Wing & Gong's backtracking search with Lowe's memoisation of
// (linearized bitset, model state), run per P-compositional partition under a deterministic step budget.
// Operations that never returned get return time +Infinity, so they may be linearized anywhere after their call.
// Beyond Porcupine (see searchPartition): such ops that the model accepts in any state ("free") are tried
// last and prune by dominance, and a callable read-only op that is legal is placed without branching.
// Together they cut the model steps on porcupine's 102 etcd histories from 3.3 million to about 44,000.

import { ConfigurationMemo } from './memo.js';
import { mix32 } from './model.js';
import type { CheckOptions, LinearizabilityResult, LinearizabilityWitness, Model, Operation } from './model.js';

export const STEPS_MAX_DEFAULT = 200_000_000;

type PartitionOutcome =
  | { readonly verdict: 'ok'; readonly order: number[] }
  | { readonly verdict: 'violated'; readonly longestPrefix: number[]; readonly unplaced: number[] }
  | { readonly verdict: 'unknown' };

/** Checks `ops` against `model`; indices in the result refer to positions in `ops`. */
export function checkOperations<S, I, O>(model: Model<S, I, O>, ops: readonly Operation<I, O>[], options: CheckOptions = {}): LinearizabilityResult {
  const budget = { steps: 0, stepsMax: options.stepsMax ?? STEPS_MAX_DEFAULT };
  const parts = splitIntoPartitions(model, ops);
  const linearizations: number[][] = [];
  let unknown = false;
  for (const part of parts) {
    const outcome = searchPartition(model, ops, part, budget);
    if (outcome.verdict === 'violated') {
      const witness: LinearizabilityWitness = { partitionOps: part, longestPrefix: outcome.longestPrefix, unplaced: outcome.unplaced };
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
 *
 * Free ops (never returned, legal in any state: `Model.alwaysLegal`) stay out of the list. They can
 * always go last, so the partition is done once every listed op is placed, and a free op is tried
 * only after every listed candidate failed, bounded by the first pending return (it must have been
 * called before it). Trying them last lets dominance prune: (bits + y, s) is never better than
 * (bits, s) for a free y, so a configuration whose state was already reached, and explored without
 * success, with one of its placed free ops left out is skipped.
 *
 * Read-only ops (`Model.readOnly`: every legal step returns the state itself) are tried first at each
 * configuration. One that is callable and legal can be moved to the front of any completion (it changes
 * nothing, and nothing pending had to precede it), so placing it is a forced move: if the configuration
 * after it fails, so does the one before, and the search undoes both without trying the alternatives.
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
  const isFree = new Uint8Array(n);
  const isReadOnly = new Uint8Array(n);
  const alwaysLegal = model.alwaysLegal;
  const readOnly = model.readOnly;
  for (let i = 0; i < n; i++) {
    const op = allOps[part[i]!]!;
    inputs[i] = op.input;
    outputs[i] = op.output;
    times[2 * i] = op.call;
    times[2 * i + 1] = op.return;
    if (op.return === Number.POSITIVE_INFINITY && alwaysLegal !== undefined && alwaysLegal(op.input, op.output)) isFree[i] = 1;
    if (readOnly !== undefined && readOnly(op.input, op.output)) isReadOnly[i] = 1;
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
  const freeOps: number[] = []; // free ops by call time
  let last = 0;
  for (let position = 0; position < 2 * n; position++) {
    const e = entries[position]!;
    const node = position + 1;
    const op = e >> 1;
    opOf[node] = op;
    if ((e & 1) === 0) callNode[op] = node;
    else returnNode[op] = node;
    if (isFree[op] === 1) {
      if ((e & 1) === 0) freeOps.push(op);
      continue;
    }
    next[last] = node;
    prev[node] = last;
    last = node;
  }
  next[last] = tail;
  prev[tail] = last;
  for (let op = 0; op < n; op++) {
    if (returnNode[op]! < callNode[op]!) throw new Error(`operation ${part[op]} returns before it is called`);
    returnOf[callNode[op]!] = returnNode[op]!;
  }
  const free = Int32Array.from(freeOps);
  const freeCall = Int32Array.from(freeOps, (op) => callNode[op]!);
  const freeCount = free.length;

  const words = (n + 31) >>> 5;
  const bits = new Uint32Array(words);
  const zobrist = new Int32Array(n);
  for (let op = 0; op < n; op++) zobrist[op] = mix32(Math.imul(op + 1, 0x9e3779b1) ^ 0x7f4a7c15);
  // The memo grows as it fills (membership is all it answers, so its size changes no verdict); most
  // partitions stop after a few hundred configurations, and a large first table cost more to zero than
  // the search itself on a service run's many small partitions.
  const memo = new ConfigurationMemo<S>(words, model.equal, Math.min(1 << 10, Math.max(16, 4 * n)));
  // The stack: the call node placed (a listed op), or -1 - k for free op free[k]; the state before it;
  // for a free op, the pending return that bounded the choice.
  const stackNode = new Int32Array(n);
  const stackBound = new Int32Array(n);
  const stackState: S[] = new Array<S>(n);
  const step = model.step;
  const hash = model.hash;

  /**
   * Is (bits - y, s) in the memo, for y the free op placed most recently? (Checking only that one
   * finds nearly every dominated configuration, at one memo probe.) `key` is zobrist ^ state hash.
   */
  const dominated = (key: number, s: S): boolean => {
    if (lastFree < 0) return false;
    const y = free[-1 - stackNode[lastFree]!]!;
    const w = y >>> 5;
    const b = 1 << (y & 31);
    bits[w] = bits[w]! & ~b;
    const found = memo.contains(bits, mix32(key ^ zobrist[y]!), s);
    bits[w] = bits[w]! | b;
    return found;
  };

  let depth = 0;
  let lastFree = -1; // stack depth of the most recent free op, -1 if none
  const stackLastFree = new Int32Array(n); // lastFree before each push
  const stackForced = new Uint8Array(n); // 1 when the move was a forced read-only move
  let bestDepth = 0;
  let bestPrefix: number[] = [];
  let state = model.init();
  let zob = 0;
  let steps = budget.steps;
  const stepsMax = budget.stepsMax;
  let node = next[0]!;
  // When node is a pending return: the next free op (index into free) to try before backtracking.
  let freeNext = 0;

  // Each configuration is scanned twice: first for a read-only op that is legal now (a forced move, no
  // branching), then for the other ops. After an undo the scan resumes in the second pass.
  let readPass = true;
  while (next[0] !== tail) {
    const ret = returnOf[node]!;
    let op: number;
    if (ret >= 0) {
      op = opOf[node]!;
      if ((isReadOnly[op] === 1) !== readPass) {
        node = next[node]!;
        continue;
      }
    } else if (readPass) {
      readPass = false;
      node = next[0]!;
      continue;
    } else {
      // A pending op's return: try the free ops called before it, then undo something.
      while (freeNext < freeCount && freeCall[freeNext]! < node && (bits[free[freeNext]! >>> 5]! & (1 << (free[freeNext]! & 31))) !== 0) freeNext++;
      if (freeNext < freeCount && freeCall[freeNext]! < node) op = free[freeNext]!;
      else op = -1;
    }
    // Set when this configuration is known to fail: undo the move that led here.
    let fails = op < 0;
    if (op >= 0) {
      if (steps >= stepsMax) {
        budget.steps = steps;
        return { verdict: 'unknown' };
      }
      steps++;
      const successor = step(state, inputs[op]!, outputs[op]!);
      // Identity steps need no choice. A free op that leaves the state as it is can wait: any completion
      // after it also works with it moved to the end, and that completion starts with some other op, which
      // this configuration still tries. A read-only op (Model.readOnly) that is callable and legal can go
      // first in any completion, so this configuration succeeds exactly when the one after it does: the
      // move is "forced", and when it fails, so does this configuration.
      const identity = successor === state;
      const forcedMove = ret >= 0 && isReadOnly[op] === 1;
      if (successor !== undefined && (ret >= 0 || !identity)) {
        const word = op >>> 5;
        const bit = 1 << (op & 31);
        bits[word] = bits[word]! | bit;
        const zobNext = zob ^ zobrist[op]!;
        const key = zobNext ^ hash(successor);
        if (memo.addIfAbsent(bits, mix32(key), successor) && !dominated(key, successor)) {
          if (ret >= 0) stackNode[depth] = node;
          else {
            stackNode[depth] = -1 - freeNext;
            stackBound[depth] = node;
          }
          stackState[depth] = state;
          stackLastFree[depth] = lastFree;
          stackForced[depth] = forcedMove ? 1 : 0;
          if (ret < 0) lastFree = depth;
          depth++;
          if (depth > bestDepth) {
            bestDepth = depth;
            bestPrefix = prefixOf(stackNode, depth, opOf, free, part);
          }
          state = successor;
          zob = zobNext;
          if (ret >= 0) {
            // Lift the call node and its return node out of the list.
            next[prev[node]!] = next[node]!;
            prev[next[node]!] = prev[node]!;
            next[prev[ret]!] = next[ret]!;
            prev[next[ret]!] = prev[ret]!;
          }
          node = next[0]!;
          freeNext = 0;
          readPass = true;
          continue;
        }
        bits[word] = bits[word]! & ~bit;
        // The forced successor was explored before, without success (or is dominated): so is this one.
        if (forcedMove) fails = true;
      }
      if (!fails) {
        if (ret >= 0) node = next[node]!;
        else freeNext++;
        continue;
      }
    }
    // Undo moves until one whose configuration may still have another choice.
    let forced = 1;
    while (forced === 1) {
      if (depth === 0) {
        budget.steps = steps;
        return { verdict: 'violated', longestPrefix: bestPrefix, unplaced: unplacedOf(bestPrefix, part, isFree) };
      }
      depth--;
      forced = stackForced[depth]!;
      lastFree = stackLastFree[depth]!;
      const top = stackNode[depth]!;
      state = stackState[depth]!;
      if (top < 0) {
        // A free op: next, try the next one against the same pending return.
        const k = -1 - top;
        const y = free[k]!;
        bits[y >>> 5] = bits[y >>> 5]! & ~(1 << (y & 31));
        zob ^= zobrist[y]!;
        node = stackBound[depth]!;
        freeNext = k + 1;
        continue;
      }
      const placed = opOf[top]!;
      bits[placed >>> 5] = bits[placed >>> 5]! & ~(1 << (placed & 31));
      zob ^= zobrist[placed]!;
      // Unlift: splice the return node back in, then the call node.
      const back = returnOf[top]!;
      next[prev[back]!] = back;
      prev[next[back]!] = back;
      next[prev[top]!] = top;
      prev[next[top]!] = top;
      node = next[top]!;
      freeNext = 0;
      readPass = false;
    }
  }
  budget.steps = steps;
  // Every listed op is placed; the free ops not yet placed go last, in call order.
  const order = prefixOf(stackNode, depth, opOf, free, part);
  for (let k = 0; k < freeCount; k++) {
    const y = free[k]!;
    if ((bits[y >>> 5]! & (1 << (y & 31))) === 0) order.push(part[y]!);
  }
  return { verdict: 'ok', order };
}

/** The partition's ops not in `prefix`, in history order, free ops last (any of them could still go last). */
function unplacedOf(prefix: readonly number[], part: readonly number[], isFree: Uint8Array): number[] {
  const placed = new Set(prefix);
  const listed: number[] = [];
  const free: number[] = [];
  part.forEach((index, op) => {
    if (!placed.has(index)) (isFree[op] === 1 ? free : listed).push(index);
  });
  return listed.concat(free);
}

function prefixOf(stackNode: Int32Array, depth: number, opOf: Int32Array, free: Int32Array, part: readonly number[]): number[] {
  const order = new Array<number>(depth);
  for (let i = 0; i < depth; i++) {
    const top = stackNode[i]!;
    order[i] = part[top >= 0 ? opOf[top]! : free[-1 - top]!]!;
  }
  return order;
}
