// A fuzz worker: receives seed batches, answers one outcome per seed.
import { parentPort } from 'node:worker_threads';
import type { Mutant } from '../../protocol/zab/config.js';
import type { ProfileName } from './case.js';
import { runSeed } from './seed.js';

export interface WorkerBatch {
  readonly profile: ProfileName;
  readonly mutant: Mutant | null;
  readonly seeds: readonly number[];
}

parentPort?.on('message', (batch: WorkerBatch | null) => {
  if (batch === null) {
    parentPort?.close();
    return;
  }
  const outcomes = batch.seeds.map((n) => runSeed(batch.profile, n, batch.mutant));
  parentPort?.postMessage(outcomes);
});
