// One fuzz seed, as run by a worker or in-process: the case of seed n, its verdict, and for a
// mutant sweep whether the failure is the mutant's (the same case without the mutant passes).
import type { Mutant } from '../../protocol/zab/config.js';
import { caseForSeed } from './arbitraries.js';
import { livenessClass, runCase, type FuzzCase, type ProfileName } from './case.js';
import { detailOf } from './capsule.js';

export interface SeedOutcome {
  readonly n: number;
  /** The first failed checker, or null. */
  readonly failure: string | null;
  readonly livenessClass: string | null;
  readonly detail: string;
  /** Checkers that answered `unknown` on this seed (not a failure, but counted and named). */
  readonly unknown: readonly string[];
  readonly events: number;
  /** Mutant sweeps: the unmutated case passes, so the failure is the mutant's doing. */
  readonly attributed: boolean;
  /** The coverage probes this seed's run reached (probes/registry.ts); absent counts as none. */
  readonly probes?: readonly string[];
  /** Guided sweeps: what the run was ("seed 42", or a child's lineage); absent for a plain seed. */
  readonly label?: string;
}

export function runSeed(profile: ProfileName, n: number, mutant: Mutant | null): SeedOutcome {
  return runCaseOutcome(n, caseForSeed(profile, n, mutant === null ? [] : [mutant]), mutant);
}

/** One case's outcome (a seed's, or a guided child's: `n` is then its run number). */
export function runCaseOutcome(n: number, c: FuzzCase, mutant: Mutant | null): SeedOutcome {
  const r = runCase(c, { probes: true });
  let attributed = r.failure !== null;
  let events = r.report.events;
  if (r.failure !== null && mutant !== null) {
    const base = runCase({ ...c, mutants: [] });
    events += base.report.events;
    attributed = base.failure === null;
  }
  return {
    n,
    failure: r.failure,
    livenessClass: livenessClass(r.report),
    detail: r.failure === null ? '' : detailOf(r),
    unknown: r.unknown,
    events,
    attributed,
    probes: r.probes ?? [],
  };
}
