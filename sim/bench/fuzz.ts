// Fuzz throughput: standard-profile seeds per core-hour, one thread, after a warm-up. A seed is a
// whole swarm case (fault phase + liveness phase); mutant attribution re-runs are not included.
import { runSeed } from '../fuzz/seed.js';

export function fuzzSeedsPerCoreHour(seeds = 150, warmup = 20): number {
  for (let n = 0; n < warmup; n++) runSeed('standard', 1_000_000 + n, null);
  const start = performance.now();
  for (let n = 0; n < seeds; n++) runSeed('standard', n, null);
  const msPerSeed = (performance.now() - start) / seeds;
  return Math.round(3_600_000 / msPerSeed);
}
