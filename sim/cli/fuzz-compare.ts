// `zabsim fuzz --compare --mutant NAME|all [--seeds N] [--start S] [--workers K] [--corpus FILE|none] [--json]`:
// for each bug-zoo mutant, the runs to its first failure under the uniform swarm (seeds S, S+1, ...)
// and under the guided swarm (the same seeds interleaved with corpus children), side by side in one
// process, with the same budget of N runs each. With a persistent seed corpus (the committed one by
// default) the guided swarm runs twice: starting from it (its members' runs count as runs) and from
// an empty corpus. A mutant not found within N counts as N+1 in the medians (censored), and the
// table says so.
import type { Mutant } from '../../protocol/zab/config.js';
import type { FuzzCase, ProfileName } from '../fuzz/case.js';
import { guidedSweep } from '../fuzz/guided/sweep-guided.js';
import { isCounted, sweep } from '../fuzz/sweep.js';
import { EXIT, UsageError } from './errors.js';
import type { ChosenCorpus } from './fuzz-corpus.js';

export interface CompareRow {
  readonly mutant: Mutant;
  /** Runs until the first failure attributed to the mutant, or null when none within the budget. */
  readonly uniform: number | null;
  /** Guided, from the seed corpus when there is one (else from an empty corpus). */
  readonly guided: number | null;
  /** Guided from an empty corpus, when `guided` started from a seed corpus. */
  readonly guidedEmpty?: number | null;
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
  /** The seed corpus for the guided column (null or no cases: guided starts empty, and there is no third column). */
  readonly corpus: ChosenCorpus | null;
}

function median(xs: readonly number[]): number {
  const s = xs.slice().sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

async function guidedRuns(
  profile: ProfileName,
  from: number,
  runs: number,
  mutant: Mutant,
  workers: number,
  seedCases: readonly FuzzCase[],
): Promise<number | null> {
  const g = await guidedSweep({ profile, from, runs, mutant, workers, maxFailures: 1, seedCases });
  const gi = g.outcomes.findIndex((o) => isCounted(o, mutant));
  return gi < 0 ? null : gi + 1;
}

export async function compareMutant(
  profile: ProfileName,
  from: number,
  runs: number,
  mutant: Mutant,
  workers: number,
  seedCases: readonly FuzzCase[] = [],
): Promise<CompareRow> {
  const u = await sweep({ profile, from, to: from + runs, mutant, workers, maxFailures: 1 });
  const ui = u.findIndex((o) => isCounted(o, mutant));
  const uniform = ui < 0 ? null : (u[ui]?.n ?? from) - from + 1;
  const guided = await guidedRuns(profile, from, runs, mutant, workers, seedCases);
  if (seedCases.length === 0) return { mutant, uniform, guided };
  return { mutant, uniform, guided, guidedEmpty: await guidedRuns(profile, from, runs, mutant, workers, []) };
}

export async function compareCommand(spec: CompareSpec): Promise<number> {
  if (spec.mutant === null) throw new UsageError('--compare expects --mutant NAME or --mutant all');
  const mutants = spec.mutant === 'all' ? spec.zoo : [spec.mutant as Mutant];
  const rows: CompareRow[] = [];
  const started = performance.now();
  const seedCases = spec.corpus?.cases ?? [];
  const third = seedCases.length > 0;
  const shown = (x: number | null | undefined): string => String(x ?? `>${spec.runs}`);
  for (const m of mutants) {
    const row = await compareMutant(spec.profile, spec.from, spec.runs, m, spec.workers, seedCases);
    rows.push(row);
    if (!spec.json)
      process.stderr.write(
        `  ${m}: uniform ${shown(row.uniform)}, guided ${shown(row.guided)}${third ? `, guided from empty ${shown(row.guidedEmpty)}` : ''}\n`,
      );
  }
  const censored = (x: number | null | undefined): number => x ?? spec.runs + 1;
  const medianUniform = median(rows.map((r) => censored(r.uniform)));
  const medianGuided = median(rows.map((r) => censored(r.guided)));
  const medianGuidedEmpty = third ? median(rows.map((r) => censored(r.guidedEmpty))) : null;
  const result = {
    profile: spec.profile,
    firstSeed: spec.from,
    budget: spec.runs,
    seedCorpus: third ? (spec.corpus?.file ?? null) : null,
    seedCorpusMembers: seedCases.length,
    rows,
    medianUniform,
    medianGuided,
    ...(third ? { medianGuidedEmpty } : {}),
    notFound: {
      uniform: rows.filter((r) => r.uniform === null).length,
      guided: rows.filter((r) => r.guided === null).length,
      ...(third ? { guidedEmpty: rows.filter((r) => r.guidedEmpty === null).length } : {}),
    },
    wallMs: Math.round(performance.now() - started),
  };
  if (spec.json) {
    process.stdout.write(`${JSON.stringify(result)}\n`);
    return EXIT.ok;
  }
  process.stdout.write(`runs to first failure, ${spec.profile} profile, seeds from ${spec.from}, budget ${spec.runs} runs each\n`);
  if (third)
    process.stdout.write(
      `guided starts from the seed corpus ${spec.corpus?.file} (${seedCases.length} members, counted as runs); empty: from an empty corpus\n`,
    );
  process.stdout.write(`${'mutant'.padEnd(28)} ${'uniform'.padStart(8)} ${'guided'.padStart(8)}${third ? ` ${'empty'.padStart(8)}` : ''}\n`);
  for (const r of rows) {
    process.stdout.write(
      `${r.mutant.padEnd(28)} ${shown(r.uniform).padStart(8)} ${shown(r.guided).padStart(8)}${third ? ` ${shown(r.guidedEmpty).padStart(8)}` : ''}\n`,
    );
  }
  process.stdout.write(
    `${'median'.padEnd(28)} ${String(medianUniform).padStart(8)} ${String(medianGuided).padStart(8)}${third ? ` ${String(medianGuidedEmpty).padStart(8)}` : ''}  (not found counts as ${spec.runs + 1})\n`,
  );
  return EXIT.ok;
}
