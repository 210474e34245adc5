// Zab throughput: steady writes on 5 servers without faults (broadcast, in broadcast.ts, a harness
// that also runs in older trees), and how much faster than real time the default run goes
// (simulated ms per wall ms). Checkers stay on: this is the speed a user gets.
import { builtinScenario } from '../catalogue/builtin.js';
import { HashSink } from '../trace/sink.js';
import { runZab } from '../zab/run.js';

export { broadcastEventsPerSec } from './broadcast.js';

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
