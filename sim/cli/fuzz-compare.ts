// `zabsim fuzz --compare --mutant NAME|all [--seeds N] [--start S] [--workers K] [--json]`: for each
// bug-zoo mutant, the runs to its first failure under the uniform swarm (seeds S, S+1, ...) and under
// the guided swarm (the same seeds interleaved with corpus children), side by side in one process,
// with the same budget of N runs each. A mutant not found within N counts as N+1 in the medians
// (censored), and the table says so.
import type { Mutant } from '../../protocol/zab/config.js';
import type { ProfileName } from '../fuzz/case.js';
import { guidedSweep } from '../fuzz/guided/sweep-guided.js';
import { isCounted, sweep } from '../fuzz/sweep.js';
import { EXIT, UsageError } from './errors.js';

export interface CompareRow {
  readonly mutant: Mutant;
  /** Runs until the first failure attributed to the mutant, or null when none within the budget. */
  readonly uniform: number | null;
  readonly guided: number | null;
}

export interface CompareSpec {
  readonly profile: ProfileName;
  readonly from: number;
  readonly runs: number;
  readonly mutant: string | null;
  readonly workers: number;
  readonly json: boolean;
  /** The bug zoo, for --mutant all (fuzz.ts MUTANTS). */
  readonly zoo: readonly Mutant[];
}

function median(xs: readonly number[]): number {
  const s = xs.slice().sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

export async function compareMutant(profile: ProfileName, from: number, runs: number, mutant: Mutant, workers: number): Promise<CompareRow> {
  const u = await sweep({ profile, from, to: from + runs, mutant, workers, maxFailures: 1 });
  const ui = u.findIndex((o) => isCounted(o, mutant));
  const g = await guidedSweep({ profile, from, runs, mutant, workers, maxFailures: 1 });
  const gi = g.outcomes.findIndex((o) => isCounted(o, mutant));
  return { mutant, uniform: ui < 0 ? null : (u[ui]?.n ?? from) - from + 1, guided: gi < 0 ? null : gi + 1 };
}

export async function compareCommand(spec: CompareSpec): Promise<number> {
  if (spec.mutant === null) throw new UsageError('--compare expects --mutant NAME or --mutant all');
  const mutants = spec.mutant === 'all' ? spec.zoo : [spec.mutant as Mutant];
  const rows: CompareRow[] = [];
  const started = performance.now();
  for (const m of mutants) {
    const row = await compareMutant(spec.profile, spec.from, spec.runs, m, spec.workers);
    rows.push(row);
    if (!spec.json) process.stderr.write(`  ${m}: uniform ${row.uniform ?? `>${spec.runs}`}, guided ${row.guided ?? `>${spec.runs}`}\n`);
  }
  const censored = (x: number | null): number => x ?? spec.runs + 1;
  const medianUniform = median(rows.map((r) => censored(r.uniform)));
  const medianGuided = median(rows.map((r) => censored(r.guided)));
  const result = {
    profile: spec.profile,
    firstSeed: spec.from,
    budget: spec.runs,
    rows,
    medianUniform,
    medianGuided,
    notFound: { uniform: rows.filter((r) => r.uniform === null).length, guided: rows.filter((r) => r.guided === null).length },
    wallMs: Math.round(performance.now() - started),
  };
  if (spec.json) {
    process.stdout.write(`${JSON.stringify(result)}\n`);
    return EXIT.ok;
  }
  process.stdout.write(`runs to first failure, ${spec.profile} profile, seeds from ${spec.from}, budget ${spec.runs} runs each\n`);
  process.stdout.write(`${'mutant'.padEnd(28)} ${'uniform'.padStart(8)} ${'guided'.padStart(8)}\n`);
  for (const r of rows) {
    process.stdout.write(`${r.mutant.padEnd(28)} ${String(r.uniform ?? `>${spec.runs}`).padStart(8)} ${String(r.guided ?? `>${spec.runs}`).padStart(8)}\n`);
  }
  process.stdout.write(
    `${'median'.padEnd(28)} ${String(medianUniform).padStart(8)} ${String(medianGuided).padStart(8)}  (not found counts as ${spec.runs + 1})\n`,
  );
  return EXIT.ok;
}
