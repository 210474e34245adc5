// The feedback-guided swarm (`zabsim fuzz --guided`). Runs go in generations of a fixed size. The
// first runs are the members of the persistent seed corpus, if one is given (seed-corpus.ts), in its
// order and under the sweep's mutant. After them, in a generation, half the slots run the next
// uniform seeds and half run children of corpus members (mutate.ts), once the corpus holds any. After the whole generation is back, its runs are offered to
// the corpus in slot order (corpus.ts). Generation contents depend only on earlier outcomes and on
// the sweep's seed, so the sweep is the same whatever the worker count or timing.
import { Worker } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';
import type { Mutant } from '../../../protocol/zab/config.js';
import { createRng } from '../../rng.js';
import { caseForSeed } from '../arbitraries.js';
import type { FuzzCase, ProfileName } from '../case.js';
import { runCaseOutcome, type SeedOutcome } from '../seed.js';
import { isCounted } from '../sweep.js';
import type { WorkerBatch } from '../worker.js';
import { Corpus } from './corpus.js';
import { breed } from './mutate.js';

/** Runs per generation: the feedback loop's period, fixed so that the worker count does not change it. */
export const GENERATION = 16;
/** Of each generation's slots, every second one breeds from the corpus (a share of one half). */
const CHILD_EVERY = 2;

export interface GuidedSpec {
  readonly profile: ProfileName;
  /** The first uniform seed. */
  readonly from: number;
  /** Total runs, uniform and children together. */
  readonly runs: number;
  readonly mutant: Mutant | null;
  readonly workers: number;
  readonly maxFailures: number | null;
  /** The persistent seed corpus's cases (distilled on the unmutated protocol), run first; none: start from an empty corpus. */
  readonly seedCases?: readonly FuzzCase[];
  readonly onProgress?: (done: number, failures: number) => void;
}

export interface GuidedResult {
  /** One per run, in run order; `n` is the run number (0..runs-1), `label` says what ran. */
  readonly outcomes: readonly SeedOutcome[];
  /** Run number → its case (every run, so any can be written as a capsule and replayed). */
  readonly cases: ReadonlyMap<number, FuzzCase>;
  /** Run number → uniform seed, for the runs that were seeds. */
  readonly seeds: ReadonlyMap<number, number>;
  readonly children: number;
  readonly corpus: number;
  /** How many runs were seed-corpus members (the first ones). */
  readonly seeded: number;
}

interface Job {
  readonly n: number;
  readonly case: FuzzCase;
}

/** A fixed pool of fuzz workers; each job is one case. */
class Pool {
  private readonly workers: Worker[] = [];
  constructor(count: number) {
    const url = fileURLToPath(new URL('../worker.mjs', import.meta.url));
    for (let i = 0; i < count; i++) this.workers.push(new Worker(url));
  }

  async run(profile: ProfileName, mutant: Mutant | null, jobs: readonly Job[]): Promise<SeedOutcome[]> {
    const out = new Map<number, SeedOutcome>();
    let next = 0;
    await Promise.all(
      this.workers.map(
        (w) =>
          new Promise<void>((resolve, reject) => {
            const send = (): void => {
              if (next >= jobs.length) {
                w.off('message', onMessage);
                w.off('error', reject);
                resolve();
                return;
              }
              const job = jobs[next++] as Job;
              const batch: WorkerBatch = { profile, mutant, seeds: [], cases: [job] };
              w.postMessage(batch);
            };
            const onMessage = (o: SeedOutcome[]): void => {
              for (const x of o) out.set(x.n, x);
              send();
            };
            w.on('message', onMessage);
            w.on('error', reject);
            send();
          }),
      ),
    );
    return jobs.map((j) => out.get(j.n) as SeedOutcome);
  }

  async close(): Promise<void> {
    for (const w of this.workers) w.postMessage(null);
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

export async function guidedSweep(spec: GuidedSpec): Promise<GuidedResult> {
  const mutants = spec.mutant === null ? [] : [spec.mutant];
  const corpus = new Corpus();
  const outcomes: SeedOutcome[] = [];
  const cases = new Map<number, FuzzCase>();
  const seeds = new Map<number, number>();
  let nextSeed = spec.from;
  let children = 0;
  let failures = 0;
  // Members carry no mutant (distilled unmutated); a mutant sweep runs them under its mutant.
  const seedCases = (spec.seedCases ?? []).map((c) => ({ ...c, mutants: mutants.slice() }));
  let seeded = 0;
  const pool = spec.workers > 1 ? new Pool(spec.workers) : null;
  try {
    for (let gen = 0; outcomes.length < spec.runs; gen++) {
      if (spec.maxFailures !== null && failures >= spec.maxFailures) break;
      const rng = createRng(`guided/${spec.profile}/${spec.from}/${spec.mutant ?? 'none'}/${gen}`);
      const jobs: Job[] = [];
      const labels: string[] = [];
      for (let slot = 0; slot < GENERATION && outcomes.length + jobs.length < spec.runs; slot++) {
        const n = outcomes.length + jobs.length;
        if (seeded < seedCases.length) {
          jobs.push({ n, case: seedCases[seeded] as FuzzCase });
          labels.push(`seed-corpus member ${seeded}`);
          seeded++;
        } else if (corpus.entries.length > 0 && slot % CHILD_EVERY === CHILD_EVERY - 1) {
          const parent = corpus.pick(rng);
          const donor = corpus.entries.length > 1 ? corpus.pick(rng, false) : null;
          const { child, ops } = breed(parent.case, `${spec.profile}-guided-${spec.from}-${n}`, rng, donor === parent ? null : (donor?.case ?? null));
          jobs.push({ n, case: child });
          labels.push(`child of run ${parent.run} (${ops.join(', ')})`);
          children++;
        } else {
          const seed = nextSeed++;
          seeds.set(n, seed);
          jobs.push({ n, case: caseForSeed(spec.profile, seed, mutants) });
          labels.push(`seed ${seed}`);
        }
      }
      const results = pool === null ? jobs.map((j) => runCaseOutcome(j.n, j.case, spec.mutant)) : await pool.run(spec.profile, spec.mutant, jobs);
      results.forEach((o, i) => {
        const job = jobs[i] as Job;
        cases.set(job.n, job.case);
        outcomes.push({ ...o, label: labels[i] as string });
        if (isCounted(o, spec.mutant)) failures++;
        corpus.offer(job.n, job.case, o.probes ?? []);
      });
      spec.onProgress?.(outcomes.length, failures);
    }
  } finally {
    await pool?.close();
  }
  let kept = outcomes;
  if (spec.maxFailures !== null) {
    // Keep the runs up to the max-failures-th counted failure, in run order (as sweep.ts does).
    let seen = 0;
    const at = outcomes.findIndex((o) => isCounted(o, spec.mutant) && ++seen >= (spec.maxFailures as number));
    if (at >= 0) kept = outcomes.slice(0, at + 1);
  }
  return { outcomes: kept, cases, seeds, children, corpus: corpus.entries.length, seeded: Math.min(seeded, kept.length) };
}
