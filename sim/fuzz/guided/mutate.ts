// Mutations of a fuzz case for the guided swarm: the fault plan and the workload are the genome. Each
// operator is a pure function of the parent case and a seeded stream, so a child is data (it goes
// into a capsule as it is) and the same sweep seed always breeds the same children. No operator
// knows about any planted bug: they add, remove, shift or re-aim faults, change a partition, and
// grow or shrink the workload, as a fuzzer's havoc stage does; and, so that a child stays near the
// situation its parent reached, some keep the plan and perturb only around it: the same plan under
// other timings (reseed), every fault moved a little (jitter), a write burst just before a fault
// (press-writes: proposals in flight when it strikes).
import fc from 'fast-check';
import type { Rng } from '../../rng.js';
import type { FaultEvent } from '../../zab/faults.js';
import { FAULT_FAMILIES, faultArb, opArb, triggerArb } from '../arbitraries.js';
import { PROFILES, type FuzzCase, type WorkloadOp } from '../case.js';

export type MutationName =
  | 'add-fault'
  | 'remove-fault'
  | 'shift-fault'
  | 'retrigger'
  | 'repartition'
  | 'grow-workload'
  | 'shrink-workload'
  | 'splice'
  | 'reseed'
  | 'jitter'
  | 'press-writes';

/** The havoc operators: they change what the plan does. */
export const HAVOC: readonly MutationName[] = [
  'add-fault',
  'remove-fault',
  'shift-fault',
  'retrigger',
  'repartition',
  'grow-workload',
  'shrink-workload',
  'splice',
];
/** The local operators: the parent's plan stays, only its timing and the load around its faults change. */
export const LOCAL: readonly MutationName[] = ['reseed', 'jitter', 'press-writes'];
export const MUTATIONS: readonly MutationName[] = [...HAVOC, ...LOCAL];

/** The most a jitter moves one fault, either way. */
const JITTER_MS = 250;
/** A press-writes burst: its writes fall in this window before the fault. */
const PRESS_MS = 400;

/** One value of a fast-check arbitrary, seeded from the stream (so the draw is data, like the case). */
function sample<T>(arb: fc.Arbitrary<T>, rng: Rng): T {
  const [v] = fc.sample(arb, { seed: rng.intInclusive(0, 0x7fffffff), numRuns: 1 });
  if (v === undefined) throw new Error('fast-check produced no value');
  return v;
}

function byTime<T extends { readonly atMs: number }>(list: readonly T[]): T[] {
  return list.slice().sort((a, b) => a.atMs - b.atMs);
}

function clampFaultTime(c: FuzzCase, atMs: number): number {
  return Math.max(300, Math.min(c.faultsUntilMs - 200, atMs));
}

/** Applies one named mutation; `donor` is another corpus member (for splice). Returns the parent unchanged when the operator does not apply. */
export function mutateOnce(c: FuzzCase, op: MutationName, rng: Rng, donor: FuzzCase | null): FuzzCase {
  const profile = PROFILES[c.profile];
  const faults = c.faults;
  switch (op) {
    case 'add-fault': {
      if (faults.length >= profile.maxFaults * 2) return c;
      const f = sample(faultArb(profile, FAULT_FAMILIES), rng);
      return { ...c, faults: byTime([...faults, f]) };
    }
    case 'remove-fault': {
      if (faults.length <= 1) return c;
      const i = rng.intInclusive(0, faults.length - 1);
      return { ...c, faults: faults.filter((_, j) => j !== i) };
    }
    case 'shift-fault': {
      if (faults.length === 0) return c;
      const i = rng.intInclusive(0, faults.length - 1);
      const f = faults[i] as FaultEvent;
      const by = rng.intInclusive(-2_000, 2_000);
      return { ...c, faults: byTime(faults.map((g, j) => (j === i ? { ...f, atMs: clampFaultTime(c, f.atMs + by) } : g))) };
    }
    case 'retrigger': {
      const triggered = faults.map((f, i) => (f.when === undefined ? -1 : i)).filter((i) => i >= 0);
      if (triggered.length === 0) return c;
      const i = rng.pick(triggered);
      const when = sample(triggerArb(), rng);
      return { ...c, faults: faults.map((f, j) => (j === i ? { ...f, when } : f)) };
    }
    case 'repartition': {
      // Re-aim a partition (or turn some fault into one): which side, which mode.
      const part = sample(faultArb(profile, ['partition']), rng);
      if (part.type === 'heal') return c;
      const i = faults.length === 0 ? -1 : rng.intInclusive(0, faults.length - 1);
      if (i < 0) return { ...c, faults: [part] };
      const at = (faults[i] as FaultEvent).atMs;
      return { ...c, faults: byTime(faults.map((f, j) => (j === i ? { ...part, atMs: at } : f))) };
    }
    case 'grow-workload': {
      const room = profile.maxOps * 2 - c.ops.length;
      if (room <= 0) return c;
      const extra = sample(fc.array(opArb(profile), { minLength: 1, maxLength: Math.min(room, Math.max(5, c.ops.length)) }), rng);
      return { ...c, ops: byTime<WorkloadOp>([...c.ops, ...extra]) };
    }
    case 'shrink-workload': {
      if (c.ops.length <= 5) return c;
      const keep = rng.intInclusive(5, c.ops.length - 1);
      const from = rng.intInclusive(0, c.ops.length - keep);
      return { ...c, ops: c.ops.slice(from, from + keep) };
    }
    case 'reseed':
      // The kernel seed is the child's own (breed): the same plan meets other latencies and timers.
      return c;
    case 'jitter':
      return { ...c, faults: byTime(faults.map((f) => ({ ...f, atMs: clampFaultTime(c, f.atMs + rng.intInclusive(-JITTER_MS, JITTER_MS)) }))) };
    case 'press-writes': {
      if (faults.length === 0) return c;
      const at = (faults[rng.intInclusive(0, faults.length - 1)] as FaultEvent).atMs;
      const n = rng.intInclusive(3, 8);
      const burst: WorkloadOp[] = [];
      for (let i = 0; i < n; i++) {
        const atMs = Math.max(0, at - rng.intInclusive(1, PRESS_MS));
        burst.push({
          atMs,
          client: rng.intInclusive(0, c.clients - 1),
          op: { type: 'set', key: `k${rng.intInclusive(0, 3)}`, value: `p${rng.intInclusive(0, 999)}` },
        });
      }
      return { ...c, ops: byTime<WorkloadOp>([...c.ops, ...burst]) };
    }
    case 'splice': {
      // The other parent's faults in a time window replace this plan's faults in that window.
      if (donor === null || donor.faultsUntilMs !== c.faultsUntilMs) return c;
      const a = rng.intInclusive(300, c.faultsUntilMs - 200);
      const b = rng.intInclusive(a, c.faultsUntilMs - 200);
      const inside = (f: FaultEvent): boolean => f.atMs >= a && f.atMs <= b;
      return { ...c, faults: byTime([...faults.filter((f) => !inside(f)), ...donor.faults.filter(inside)]) };
    }
  }
}

/**
 * A child of `parent`: its own kernel seed (`seed`), so the same plan also meets other timings, and
 * either one local mutation (half the children: they search near the situation the parent reached)
 * or one to three havoc mutations in a row. Mutant sweeps keep the parent's mutants.
 */
export function breed(parent: FuzzCase, seed: string, rng: Rng, donor: FuzzCase | null): { child: FuzzCase; ops: MutationName[] } {
  let child: FuzzCase = { ...parent, seed };
  const ops: MutationName[] = [];
  const local = rng.intInclusive(0, 1) === 0;
  const n = local ? 1 : rng.intInclusive(1, 3);
  for (let i = 0; i < n; i++) {
    const op = rng.pick(local ? LOCAL : HAVOC);
    child = mutateOnce(child, op, rng, donor);
    ops.push(op);
  }
  return { child, ops };
}
