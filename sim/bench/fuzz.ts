// Fuzz throughput: standard-profile seeds per core-hour, in one thread, as the 20,000-seed standard
// sweep spends them. A seed is a whole swarm case (fault phase, liveness phase, every checker, the
// coverage probes); mutant attribution re-runs are not included.
//
// What it measures, and why (README "Speed"): the cost of a seed is heavy-tailed (a service seed
// whose client checkers run into their search budget costs 20 to 30 times the median), so the old
// sample, seeds 0..149, was not representative: it holds the costliest of the first 2,000 seeds,
// and the first ~200 seeds of a process run before the JIT has settled. Wall-clock time on a
// shared machine also counts other processes' time. So: a 200-seed warm-up from a disjoint range,
// then a fixed, evenly spread sample of the 20,000-seed sweep (every 20th seed: 0, 20, ..., 19,980,
// half of them service cases as in the sweep), timed by this process's CPU time (user + system,
// V8's helper threads included: a core-hour is CPU time).
import { runSeed } from '../fuzz/seed.js';

/** The sample: every `stride`-th seed of the standard sweep 0..sweep-1. */
export const FUZZ_BENCH_SWEEP = 20_000;
export const FUZZ_BENCH_STRIDE = 20;
export const FUZZ_BENCH_WARMUP = 200;

export interface FuzzThroughput {
  /** Seeds per core-hour over the whole sample. */
  readonly seedsPerCoreHour: number;
  /** The same, over the sample's kv cases and its service cases alone. */
  readonly kvSeedsPerCoreHour: number;
  readonly serviceSeedsPerCoreHour: number;
  /** Wall-clock seeds per hour in this thread, for comparison with CPU time (a loaded machine shows a gap). */
  readonly wallSeedsPerHour: number;
}

function cpuUs(): number {
  const c = process.cpuUsage();
  return c.user + c.system;
}

export function fuzzThroughput(sweep = FUZZ_BENCH_SWEEP, stride = FUZZ_BENCH_STRIDE, warmup = FUZZ_BENCH_WARMUP): FuzzThroughput {
  for (let n = 0; n < warmup; n++) runSeed('standard', 1_000_000 + n, null);
  const spent = { kv: { us: 0, seeds: 0 }, service: { us: 0, seeds: 0 } };
  const wallStart = performance.now();
  for (let n = 0; n < sweep; n += stride) {
    const before = cpuUs();
    const o = runSeed('standard', n, null);
    const s = spent[o.workload];
    s.us += cpuUs() - before;
    s.seeds++;
  }
  const wallMs = performance.now() - wallStart;
  const perHour = (us: number, seeds: number): number => (us === 0 ? 0 : Math.round((3_600_000_000 * seeds) / us));
  const seeds = spent.kv.seeds + spent.service.seeds;
  return {
    seedsPerCoreHour: perHour(spent.kv.us + spent.service.us, seeds),
    kvSeedsPerCoreHour: perHour(spent.kv.us, spent.kv.seeds),
    serviceSeedsPerCoreHour: perHour(spent.service.us, spent.service.seeds),
    wallSeedsPerHour: Math.round((3_600_000 * seeds) / wallMs),
  };
}
