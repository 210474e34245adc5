// One fuzz seed, as run by a worker or in-process: the case of seed n, its verdict, and for a
// mutant sweep whether the failure is the mutant's (the same case without the mutant passes).
import type { Mutant } from '../../protocol/zab/config.js';
import { caseForSeed } from './arbitraries.js';
import { livenessClass, runCase, workloadOf, type ProfileName } from './case.js';
import { detailOf } from './capsule.js';

export interface SeedOutcome {
  readonly n: number;
  /** The case's workload: the kv store, or the ZooKeeper service. */
  readonly workload: 'kv' | 'service';
  /** The first failed checker, or null. */
  readonly failure: string | null;
  readonly livenessClass: string | null;
  readonly detail: string;
  /** Checkers that answered `unknown` on this seed (not a failure, but counted and named). */
  readonly unknown: readonly string[];
  readonly events: number;
  /** Mutant sweeps: the unmutated case passes, so the failure is the mutant's doing. */
  readonly attributed: boolean;
}

export function runSeed(profile: ProfileName, n: number, mutant: Mutant | null): SeedOutcome {
  const c = caseForSeed(profile, n, mutant === null ? [] : [mutant]);
  const r = runCase(c);
  let attributed = r.failure !== null;
  let events = r.report.events;
  if (r.failure !== null && mutant !== null) {
    const base = runCase({ ...c, mutants: [] });
    events += base.report.events;
    attributed = base.failure === null;
  }
  return {
    n,
    workload: workloadOf(c),
    failure: r.failure,
    livenessClass: livenessClass(r.report),
    detail: r.failure === null ? '' : detailOf(r),
    unknown: r.unknown,
    events,
    attributed,
  };
}
