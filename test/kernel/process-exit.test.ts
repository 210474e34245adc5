// Proves the kernel's handling of an `exit` effect (ZooKeeper's requestSystemExit): the step's later
// effects are dropped, the node stops as a crash stops it, and a supervisor boots it from its disk
// after a delay drawn from the seeded timer stream and written into the trace; a fault that
// restarts or crashes the node meanwhile cancels that restart.
import { describe, expect, test } from 'vitest';
import type { NodeProgram } from '../../protocol/program.js';
import { Kernel, SUPERVISOR_RESTART_MAX_US, SUPERVISOR_RESTART_MIN_US } from '../../sim/kernel/kernel.js';
import { defaultKernelOptions } from '../../sim/options.js';
import { MemorySink } from '../../sim/trace/sink.js';

/** Its disk counts boots (written synchronously) and holds one buffered write per life. */
interface ExitDisk {
  readonly boots: number;
  readonly buffered: number;
}
type ExitWrite = 'boot' | 'buffered';
type ExitObs = { readonly boot: number };

/** Boots, buffers a write, and on its first timer exits with code 13 during its first life only. */
const exitingProgram: NodeProgram<ExitDisk, string, ExitWrite, ExitDisk, ExitObs> = {
  kind: 'exiting',
  emptyDisk: () => ({ boots: 0, buffered: 0 }),
  applyWrite: (d, w) => (w === 'boot' ? { ...d, boots: d.boots + 1 } : { ...d, buffered: d.buffered + 1 }),
  boot: (_id, disk) => disk,
  step: (s, event) => {
    if (event.type === 'start') {
      return [
        s,
        [
          { type: 'persistSync', write: 'boot' },
          { type: 'persist', write: 'buffered' },
          { type: 'observe', what: { boot: s.boots + 1 } },
          { type: 'setTimer', timer: 't', minUs: 1_000, maxUs: 1_000 },
        ],
      ];
    }
    if (event.type === 'timeout' && s.boots === 0) {
      return [
        s,
        [
          { type: 'note', text: 'before' },
          { type: 'exit', code: 13 },
          { type: 'note', text: 'after' },
        ],
      ];
    }
    return [s, []];
  },
  describe: (m) => m,
  describeWrite: (w) => w,
};

function run(seed: string, faults: (k: Kernel) => void = () => {}) {
  const sink = new MemorySink();
  const kernel = new Kernel({ ...defaultKernelOptions(seed), timeMaxUs: 20_000_000 }, sink);
  kernel.addNode(1, exitingProgram);
  const boots: { boot: number; t: number }[] = [];
  kernel.addObserver({ observe: (_node, what, t) => boots.push({ boot: (what as ExitObs).boot, t }) });
  faults(kernel);
  kernel.startAll();
  kernel.run();
  return { kernel, boots, records: sink.records.map((r) => JSON.parse(r) as Record<string, unknown>) };
}

describe('process exit', () => {
  test('the node stops, its later effects are dropped, and it boots again at the traced restart time', () => {
    const { kernel, boots, records } = run('exit-1');
    const crash = records.find((r) => r['k'] === 'fault' && r['fault'] === 'crash');
    expect(crash).toMatchObject({ t: 1_000, node: 1, exit: 13, lostWrites: 1 });
    const restartAt = crash?.['restartAt'] as number;
    expect(restartAt - 1_000).toBeGreaterThanOrEqual(SUPERVISOR_RESTART_MIN_US);
    expect(restartAt - 1_000).toBeLessThanOrEqual(SUPERVISOR_RESTART_MAX_US);
    expect(records.some((r) => r['k'] === 'note' && r['text'] === 'before')).toBe(true);
    expect(records.some((r) => r['k'] === 'note' && r['text'] === 'after')).toBe(false);
    expect(boots).toEqual([
      { boot: 1, t: 0 },
      { boot: 2, t: restartAt },
    ]);
    expect(records.find((r) => r['k'] === 'fault' && r['fault'] === 'restart')).toMatchObject({ t: restartAt, node: 1 });
    // An exit loses the buffered write of the first life, as a crash does; the second life's stays buffered.
    expect(kernel.diskOf(1)).toEqual({ boots: 2, buffered: 0 });
  });

  test('the restart delay comes from the seed: the same seed gives the same time, other seeds spread', () => {
    const restartOf = (seed: string): unknown => run(seed).records.find((r) => r['fault'] === 'crash')?.['restartAt'];
    expect(restartOf('exit-1')).toBe(restartOf('exit-1'));
    const times = new Set(['a', 'b', 'c', 'd', 'e', 'f'].map(restartOf));
    expect(times.size).toBeGreaterThan(1);
  });

  test("a fault that restarts the node first, then crashes it again, cancels the supervisor's restart", () => {
    const { kernel, boots } = run('exit-1', (k) => {
      k.at(2_000, () => k.restart(1));
      k.at(3_000, () => k.crash(1));
    });
    expect(boots.map((b) => b.t)).toEqual([0, 2_000]);
    expect(kernel.isUp(1)).toBe(false);
  });
});
