// Kernel throughput: messages through the real queue and network with a no-op reducer, against a
// bare binary-heap loop measured in the same process.
import type { NodeProgram } from '../../protocol/program.js';
import { EventHeap } from '../kernel/heap.js';
import { Kernel } from '../kernel/kernel.js';
import { defaultKernelOptions } from '../options.js';
import { NullSink } from '../trace/sink.js';

interface Relay {
  readonly id: number;
  readonly next: number;
}

/** Each delivery forwards one message to the next node: a constant population of messages in flight. */
function relayProgram(nodes: number): NodeProgram<Relay, number, never, null, never> {
  return {
    kind: 'relay',
    emptyDisk: () => null,
    applyWrite: (d) => d,
    boot: (id) => ({ id, next: (id % nodes) + 1 }),
    step(state, event) {
      if (event.type === 'start') {
        const sends = [];
        for (let i = 0; i < 64; i++) sends.push({ type: 'send' as const, to: state.next, msg: i });
        return [state, sends];
      }
      if (event.type === 'deliver') return [state, [{ type: 'send', to: state.next, msg: event.msg }]];
      return [state, []];
    },
    describe: (m) => String(m),
    describeWrite: () => '',
  };
}

export function kernelEventsPerSec(events = 2_000_000): number {
  const nodes = 5;
  const kernel = new Kernel({ ...defaultKernelOptions('bench'), timeMaxUs: Number.MAX_SAFE_INTEGER, eventsMax: events }, new NullSink());
  const program = relayProgram(nodes);
  for (let id = 1; id <= nodes; id++) kernel.addNode(id, program);
  kernel.startAll();
  const t0 = performance.now();
  const result = kernel.run();
  const ms = performance.now() - t0;
  return Math.round((result.events / ms) * 1000);
}

export function baselineHeapEventsPerSec(events = 2_000_000): number {
  const heap = new EventHeap<{ t: number; seq: number; v: number }>();
  let x = 12345;
  const rand = (): number => {
    x = (Math.imul(x, 1103515245) + 12345) | 0;
    return (x >>> 8) & 0xffff;
  };
  for (let i = 0; i < 320; i++) heap.push({ t: rand(), seq: 0, v: i });
  const t0 = performance.now();
  let done = 0;
  while (done < events) {
    const e = heap.pop() as { t: number; seq: number; v: number };
    heap.push({ t: e.t + 100 + rand(), seq: 0, v: e.v });
    done++;
  }
  const ms = performance.now() - t0;
  return Math.round((done / ms) * 1000);
}
