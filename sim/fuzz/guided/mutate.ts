// Mutations of a fuzz case for the guided swarm: the fault plan and the workload are the genome. Each
// operator is a pure function of the parent case and a seeded stream, so a child is data (it goes
// into a capsule as it is) and the same sweep seed always breeds the same children. No operator
// knows about any planted bug: they add, remove, shift or re-aim faults, change a partition, and
// grow or shrink the workload, as a fuzzer's havoc stage does.
import fc from 'fast-check';
import type { Rng } from '../../rng.js';
import type { FaultEvent } from '../../zab/faults.js';
import { FAULT_FAMILIES, faultArb, opArb, triggerArb } from '../arbitraries.js';
import { PROFILES, type FuzzCase, type WorkloadOp } from '../case.js';

export type MutationName = 'add-fault' | 'remove-fault' | 'shift-fault' | 'retrigger' | 'repartition' | 'grow-workload' | 'shrink-workload' | 'splice';

export const MUTATIONS: readonly MutationName[] = [
  'add-fault',
  'remove-fault',
  'shift-fault',
  'retrigger',
  'repartition',
  'grow-workload',
  'shrink-workload',
  'splice',
];

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
 * A child of `parent`: one to three mutations in a row, and its own kernel seed (`seed`), so the
 * same plan also meets other timings. Mutant sweeps keep the parent's mutants.
 */
export function breed(parent: FuzzCase, seed: string, rng: Rng, donor: FuzzCase | null): { child: FuzzCase; ops: MutationName[] } {
  let child: FuzzCase = { ...parent, seed };
  const ops: MutationName[] = [];
  const n = rng.intInclusive(1, 3);
  for (let i = 0; i < n; i++) {
    const op = rng.pick(MUTATIONS);
    child = mutateOnce(child, op, rng, donor);
    ops.push(op);
  }
  return { child, ops };
}
