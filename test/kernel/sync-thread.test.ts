// Proves the kernel's disk runs fsyncs as ZooKeeper's SyncThread does (SyncRequestProcessor.run):
// one at a time, a request made during an fsync waits for the next one, requests made before that
// one starts share it (group commit), and completions come in request order, each making durable
// every write made before its request.
import { describe, expect, test } from 'vitest';
import { test as propTest, fc } from '@fast-check/vitest';
import type { Effect, Event, NodeProgram, Transition } from '../../protocol/program.js';
import { Kernel } from '../../sim/kernel/kernel.js';
import { defaultKernelOptions } from '../../sim/options.js';
import { NullSink } from '../../sim/trace/sink.js';

type Write = { readonly token: number };
type Obs = { readonly token: number; readonly durable: number };

/** Each injected message appends one write and asks for an fsync; each completion is observed. */
function writerProgram(): NodeProgram<{ readonly token: number }, 'WRITE', Write, { readonly count: number }, { readonly token: number }> {
  return {
    kind: 'writer',
    emptyDisk: () => ({ count: 0 }),
    applyWrite: (disk) => ({ count: disk.count + 1 }),
    boot: () => ({ token: 0 }),
    describe: () => 'WRITE',
    describeWrite: (w) => `write ${w.token}`,
    step(state, event: Event<'WRITE'>): Transition<{ readonly token: number }, 'WRITE', Write, { readonly token: number }> {
      const effects: Effect<'WRITE', Write, { readonly token: number }>[] = [];
      if (event.type === 'deliver') {
        const token = state.token + 1;
        effects.push({ type: 'persist', write: { token } }, { type: 'fsync', token });
        return [{ token }, effects];
      }
      if (event.type === 'fsynced') effects.push({ type: 'observe', what: { token: event.token } });
      return [state, effects];
    },
  };
}

/** Injects a write at each time; returns each fsync completion with its time and the durable count then. */
function run(requestsUs: readonly number[], fsyncMinUs: number, fsyncMaxUs: number, seed = 's'): { token: number; t: number; durable: number }[] {
  const kernel = new Kernel(
    { ...defaultKernelOptions(seed), timeMaxUs: 10_000_000, disk: { fsyncMinUs, fsyncMaxUs, unsyncedSurviveCrash: false } },
    new NullSink(),
  );
  kernel.addNode(1, writerProgram());
  const done: { token: number; t: number; durable: number }[] = [];
  kernel.addObserver({ observe: (_node, what, t) => done.push({ token: (what as Obs).token, t, durable: (kernel.diskOf(1) as { count: number }).count }) });
  for (const t of requestsUs) kernel.at(t, () => kernel.inject(1, 'WRITE'));
  kernel.startAll();
  kernel.run();
  return done;
}

describe('the SyncThread', () => {
  test('one fsync at a time; requests during one wait for the next, which they share', () => {
    // 1 ms per fsync. Request 1 starts an fsync at 0; 2 and 3 come while it runs and share the
    // next (1000..2000); 4 comes while that runs (2000..3000); 5 finds the disk idle.
    const done = run([1, 100, 500, 1_500, 3_500], 1_000, 1_000);
    expect(done.map((d) => [d.token, d.t])).toEqual([
      [1, 1_001],
      [2, 2_001],
      [3, 2_001],
      [4, 3_001],
      [5, 4_500],
    ]);
    // Each completion makes durable every write made before its request.
    for (const d of done) expect(d.durable).toBeGreaterThanOrEqual(d.token);
  });

  propTest.prop([
    fc.array(fc.integer({ min: 0, max: 20_000 }), { minLength: 1, maxLength: 60 }),
    fc.integer({ min: 1, max: 3_000 }),
    fc.integer({ min: 0, max: 3_000 }),
    fc.string({ maxLength: 4 }),
  ])('completions come in request order, never before the request plus one fsync', (times, min, extra, seed) => {
    const requests = [...times].sort((a, b) => a - b);
    const done = run(requests, min, min + extra, seed);
    expect(done.map((d) => d.token)).toEqual(requests.map((_, i) => i + 1));
    for (let i = 0; i < done.length; i++) {
      const d = done[i]!;
      expect(d.t).toBeGreaterThanOrEqual(requests[i]! + min);
      if (i > 0) expect(d.t).toBeGreaterThanOrEqual(done[i - 1]!.t);
      expect(d.durable).toBeGreaterThanOrEqual(d.token);
    }
  });
});
