// A fuzz worker: receives seed batches, answers one outcome per seed.
import { parentPort } from 'node:worker_threads';
import type { Mutant } from '../../protocol/zab/config.js';
import type { ProfileName } from './case.js';
import { runCaseOutcome, runSeed } from './seed.js';
import type { FuzzCase } from './case.js';

export interface WorkerBatch {
  readonly profile: ProfileName;
  readonly mutant: Mutant | null;
  readonly seeds: readonly number[];
  /** Guided sweeps: explicit cases (mutated children), each with its run number. */
  readonly cases?: readonly { readonly n: number; readonly case: FuzzCase }[];
}

parentPort?.on('message', (batch: WorkerBatch | null) => {
  if (batch === null) {
    parentPort?.close();
    return;
  }
  const outcomes = batch.seeds.map((n) => runSeed(batch.profile, n, batch.mutant));
  for (const j of batch.cases ?? []) outcomes.push(runCaseOutcome(j.n, j.case, batch.mutant));
  parentPort?.postMessage(outcomes);
});
