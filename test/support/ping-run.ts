// Runs the test-only ping protocol under random faults drawn from the seed's fault stream, checking
// the network's promises as it goes. Shared by the kernel tests and the worker-thread determinism test.
import { Kernel } from '../../sim/kernel/kernel.js';
import { defaultKernelOptions, type KernelOptions } from '../../sim/options.js';
import { forkRng } from '../../sim/rng.js';
import { HashSink } from '../../sim/trace/sink.js';
import { pingProgram, type PingMsg, type PingObs } from './pingpong.js';

export interface PingRunReport {
  readonly hash: string;
  readonly events: number;
  readonly delivered: number;
  readonly violations: readonly string[];
}

export function runPing(seed: string, nodes = 4, timeMaxUs = 200_000): PingRunReport {
  const base = defaultKernelOptions(seed);
  const faultRng = forkRng(seed, 'faults');
  const options: KernelOptions = {
    ...base,
    timeMaxUs,
    network: {
      ...base.network,
      latency: { kind: 'exponential', meanUs: 400, minUs: 50 },
      linkQueueMax: 64,
      faultWindows: [
        { from: '*', to: '*', fromUs: 20_000, untilUs: 60_000, lossProbability: 0.2, duplicateProbability: 0.1 },
        { from: 1, to: '*', fromUs: 80_000, untilUs: 120_000, extraDelayUs: 3_000 },
      ],
    },
  };
  const sink = new HashSink();
  const kernel = new Kernel(options, sink);
  const ids = Array.from({ length: nodes }, (_, i) => i + 1);
  for (const id of ids) kernel.addNode(id, pingProgram(ids));
  const violations: string[] = [];
  // Per (from,to): the last connection number and sequence number delivered on it.
  const lastConn = new Map<string, number>();
  const lastSeq = new Map<string, number>();
  let delivered = 0;
  kernel.addObserver({
    delivered(from, to) {
      if (from !== 0 && kernel.isCut(from, to)) violations.push(`delivered ${from}->${to} across an active partition`);
    },
    observe(node, what) {
      const o = what as PingObs;
      delivered++;
      const key = `${o.from}->${node}`;
      const conn = lastConn.get(key) ?? 0;
      if (o.conn < conn) violations.push(`${key}: delivery on old connection ${o.conn} after ${conn}`);
      // Equal numbers are injected duplicates; a smaller number would be a FIFO violation.
      if (o.conn === conn && o.n < (lastSeq.get(key) ?? 0)) violations.push(`${key}: FIFO broken on connection ${conn}: ${o.n} after ${lastSeq.get(key)}`);
      lastConn.set(key, o.conn);
      lastSeq.set(key, o.n);
    },
  });
  // Random faults, all from the faults stream.
  for (let t = 10_000; t < timeMaxUs - 20_000; t += faultRng.intInclusive(5_000, 25_000)) {
    const a = faultRng.intInclusive(1, nodes);
    const b = faultRng.intInclusive(1, nodes);
    const roll = faultRng.next();
    kernel.at(t, () => {
      if (roll < 0.25) kernel.partition([[a], ids.filter((x) => x !== a)]);
      else if (roll < 0.35) {
        if (a !== b) kernel.cutLink(a, b);
      } else if (roll < 0.5) kernel.healAll();
      else if (roll < 0.65) kernel.crash(a);
      else if (roll < 0.8) kernel.restart(a, { wipeDisk: roll > 0.77 });
      else if (roll < 0.9) kernel.pause(a);
      else kernel.resume(a);
    });
  }
  kernel.at(timeMaxUs - 20_000, () => {
    kernel.healAll();
    for (const id of ids) {
      kernel.resume(id);
      kernel.restart(id);
    }
  });
  kernel.startAll();
  const result = kernel.run();
  if (result.stop === 'error' || result.stop === 'assertion') violations.push(`run failed: ${result.error?.message}`);
  return { hash: sink.hash(), events: result.events, delivered, violations };
}

export type { PingMsg };
