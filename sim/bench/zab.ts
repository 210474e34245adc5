// Zab throughput: steady writes on 5 servers without faults (broadcast), and how much faster than
// real time the default run goes (simulated ms per wall ms). Checkers stay on: this is the speed a
// user gets.
import { builtinScenario } from '../scenarios/builtin.js';
import { HashSink, NullSink } from '../trace/sink.js';
import { baseRunOptions } from '../zab/options.js';
import { runZab } from '../zab/run.js';

export function broadcastEventsPerSec(): { eventsPerSec: number; txnsPerSec: number; events: number } {
  const base = baseRunOptions('bench-broadcast', 'bench', 5, 0);
  const options = {
    ...base,
    workload: { clients: 20, meanIntervalMs: 2, keys: 16, stopAtMs: 20_000, requestTimeoutMs: 8_000 },
    durationMs: 20_000,
    eventsMax: 50_000_000,
  };
  runZab({ ...options, durationMs: 3_000, workload: { ...options.workload, stopAtMs: 3_000 } }, new NullSink()); // warm-up
  const t0 = performance.now();
  const report = runZab(options, new NullSink());
  const ms = performance.now() - t0;
  return { eventsPerSec: Math.round((report.events / ms) * 1000), txnsPerSec: Math.round((report.stats.committed / ms) * 1000), events: report.events };
}

/**
 * Simulated ms per wall ms for the default run (100 s simulated, ~22k events). The run is short, so
 * after ten warm-up runs (in a fresh process three left the JIT short of steady state: 950-1,150
 * against 1,300-1,650 once warm) it is timed five times and the median is reported.
 */
export function simToWallRatio(): number {
  const options = builtinScenario('default')!.build('1');
  for (let i = 0; i < 10; i++) runZab(options, new HashSink()); // warm-up
  const ratios: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    const report = runZab(options, new HashSink());
    ratios.push(report.simulatedMs / (performance.now() - t0));
  }
  ratios.sort((a, b) => a - b);
  return Math.round(ratios[2]!);
}
