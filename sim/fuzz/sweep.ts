// A seed sweep across worker_threads: seeds go out in small batches, in order; results come back
// per batch. With --max-failures the sweep stops handing out batches once enough failures are in,
// and reports the lowest failing seeds among those run, so the answer does not depend on timing
// as long as every seed below the reported first failure was run (they were: batches go out in
// ascending order and the sweep waits for all in-flight batches).
import { Worker } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';
import type { Mutant } from '../../protocol/zab/config.js';
import type { ProfileName } from './case.js';
import { runSeed, type SeedOutcome } from './seed.js';
import type { WorkerBatch } from './worker.js';

export interface SweepSpec {
  readonly profile: ProfileName;
  readonly from: number;
  readonly to: number;
  readonly mutant: Mutant | null;
  readonly workers: number;
  readonly maxFailures: number | null;
  readonly batch?: number;
  readonly onProgress?: (done: number, failures: number) => void;
}

export function isCounted(o: SeedOutcome, mutant: Mutant | null): boolean {
  return o.failure !== null && (mutant === null || o.attributed);
}

export async function sweep(spec: SweepSpec): Promise<SeedOutcome[]> {
  const seeds: number[] = [];
  for (let n = spec.from; n < spec.to; n++) seeds.push(n);
  const batchSize = spec.batch ?? 4;
  const outcomes: SeedOutcome[] = [];
  let failures = 0;
  const enough = (): boolean => spec.maxFailures !== null && failures >= spec.maxFailures;
  const take = (o: SeedOutcome[]): void => {
    for (const x of o) {
      outcomes.push(x);
      if (isCounted(x, spec.mutant)) failures++;
    }
    spec.onProgress?.(outcomes.length, failures);
  };
  if (spec.workers <= 1) {
    for (let i = 0; i < seeds.length && !enough(); i += batchSize) {
      take(seeds.slice(i, i + batchSize).map((n) => runSeed(spec.profile, n, spec.mutant)));
    }
  } else {
    let next = 0;
    const url = fileURLToPath(new URL('./worker.mjs', import.meta.url));
    await Promise.all(
      Array.from({ length: spec.workers }, () => {
        const worker = new Worker(url);
        return new Promise<void>((resolve, reject) => {
          const send = (): void => {
            if (next >= seeds.length || enough()) {
              worker.postMessage(null);
              void worker.terminate().then(() => resolve());
              return;
            }
            const batch: WorkerBatch = { profile: spec.profile, mutant: spec.mutant, seeds: seeds.slice(next, next + batchSize) };
            next += batchSize;
            worker.postMessage(batch);
          };
          worker.on('message', (o: SeedOutcome[]) => {
            take(o);
            send();
          });
          worker.on('error', reject);
          send();
        });
      }),
    );
  }
  outcomes.sort((a, b) => a.n - b.n);
  if (spec.maxFailures !== null) {
    // Keep the prefix up to the max-failures-th counted failure (deterministic whatever the timing).
    let seen = 0;
    for (let i = 0; i < outcomes.length; i++) {
      if (isCounted(outcomes[i] as SeedOutcome, spec.mutant) && ++seen >= spec.maxFailures) return outcomes.slice(0, i + 1);
    }
  }
  return outcomes;
}
