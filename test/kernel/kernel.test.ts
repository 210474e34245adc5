// Proves the kernel's promises: deterministic ordering, FIFO connections that break on partitions
// and crashes, durable state only through persist+fsync, pauses that defer, and the same seed giving
// the same trace hash in this process and in a worker thread.
import { Worker } from 'node:worker_threads';
import { describe, expect, test } from 'vitest';
import { test as propTest, fc } from '@fast-check/vitest';
import { EventHeap } from '../../sim/kernel/heap.js';
import { Kernel } from '../../sim/kernel/kernel.js';
import { defaultKernelOptions } from '../../sim/options.js';
import { MemorySink } from '../../sim/trace/sink.js';
import { pingProgram, type PingDisk, type PingObs } from '../support/pingpong.js';
import { runPing } from '../support/ping-run.js';

describe('event heap', () => {
  test('orders by time, then by insertion', () => {
    const heap = new EventHeap<{ t: number; seq: number; name: string }>();
    heap.push({ t: 5, seq: 0, name: 'a' });
    heap.push({ t: 1, seq: 0, name: 'b' });
    heap.push({ t: 5, seq: 0, name: 'c' });
    heap.push({ t: 1, seq: 0, name: 'd' });
    const out: string[] = [];
    for (let e = heap.pop(); e !== undefined; e = heap.pop()) out.push(e.name);
    expect(out).toEqual(['b', 'd', 'a', 'c']);
  });

  propTest.prop([fc.array(fc.integer({ min: 0, max: 50 }), { maxLength: 300 })])('pops a stable sort of what was pushed', (times) => {
    const heap = new EventHeap<{ t: number; seq: number; i: number }>();
    times.forEach((t, i) => heap.push({ t, seq: 0, i }));
    const popped: number[] = [];
    for (let e = heap.pop(); e !== undefined; e = heap.pop()) popped.push(e.i);
    const expected = times
      .map((t, i) => ({ t, i }))
      .sort((x, y) => x.t - y.t || x.i - y.i)
      .map((x) => x.i);
    expect(popped).toEqual(expected);
  });
});

function twoNodes(seed = 's', tweak: (o: ReturnType<typeof defaultKernelOptions>) => ReturnType<typeof defaultKernelOptions> = (o) => o) {
  const sink = new MemorySink();
  const kernel = new Kernel(tweak({ ...defaultKernelOptions(seed), timeMaxUs: 50_000 }), sink);
  const got: { node: number; o: PingObs; t: number }[] = [];
  kernel.addNode(1, pingProgram([1, 2]));
  kernel.addNode(2, pingProgram([1, 2]));
  kernel.addObserver({ observe: (node, what, t) => got.push({ node, o: what as PingObs, t }) });
  return { kernel, sink, got };
}

describe('kernel', () => {
  test('messages flow and every delivery is traced', () => {
    const { kernel, sink, got } = twoNodes();
    kernel.startAll();
    const result = kernel.run();
    expect(result.stop).toBe('time');
    expect(got.length).toBeGreaterThan(20);
    expect(sink.records.filter((r) => r.includes('"k":"deliver"')).length).toBe(got.length);
  });

  test('the run is bounded by the event count', () => {
    const { kernel } = twoNodes();
    kernel.startAll();
    expect(kernel.run({ eventsMax: 10 })).toMatchObject({ stop: 'events', events: 10 });
  });

  test('a partition drops messages and a heal opens a new connection', () => {
    const { kernel, got, sink } = twoNodes();
    kernel.at(10_000, () => kernel.partition([[1], [2]]));
    kernel.at(20_000, () => kernel.healAll());
    kernel.startAll();
    kernel.run();
    const during = got.filter((g) => g.t > 12_000 && g.t < 20_000);
    expect(during).toEqual([]);
    const conns = new Set(got.filter((g) => g.node === 2).map((g) => g.o.conn));
    expect(conns.size).toBe(2);
    expect(sink.records.some((r) => r.includes('"reason":"partition"'))).toBe(true);
  });

  test('in-flight messages of a broken connection are discarded, never delivered late', () => {
    const { kernel, got, sink } = twoNodes('s', (o) => ({ ...o, network: { ...o.network, latency: { kind: 'constant', us: 5_000 } } }));
    kernel.at(10_000, () => kernel.cutLink(1, 2));
    kernel.at(10_001, () => kernel.healLink(1, 2));
    kernel.startAll();
    kernel.run();
    expect(sink.records.some((r) => r.includes('"reason":"connection-broken"'))).toBe(true);
    const to2 = got.filter((g) => g.node === 2);
    for (let i = 1; i < to2.length; i++) expect(to2[i]!.o.conn).toBeGreaterThanOrEqual(to2[i - 1]!.o.conn);
  });

  test('a crash loses unsynced writes; restart boots from the durable image only', () => {
    const { kernel } = twoNodes('d', (o) => ({ ...o, disk: { fsyncMinUs: 50_000, fsyncMaxUs: 50_000, unsyncedSurviveCrash: false } }));
    kernel.at(30_000, () => kernel.crash(2));
    kernel.startAll();
    kernel.run();
    expect((kernel.diskOf(2) as PingDisk).count).toBe(0);
    expect(kernel.isUp(2)).toBe(false);
  });

  test('with unsyncedSurviveCrash the OS flushes buffered writes anyway', () => {
    const { kernel } = twoNodes('d', (o) => ({ ...o, disk: { fsyncMinUs: 50_000, fsyncMaxUs: 50_000, unsyncedSurviveCrash: true } }));
    kernel.at(30_000, () => kernel.crash(2));
    kernel.startAll();
    kernel.run();
    expect((kernel.diskOf(2) as PingDisk).count).toBeGreaterThan(0);
  });

  test('fsync makes writes durable as a step of its own', () => {
    const { kernel, sink } = twoNodes();
    kernel.startAll();
    kernel.run();
    expect((kernel.diskOf(2) as PingDisk).count).toBeGreaterThan(0);
    expect(sink.records.some((r) => r.includes('"k":"fsync"'))).toBe(true);
  });

  test('a paused node receives nothing until it resumes, then everything in order', () => {
    const { kernel, got } = twoNodes();
    kernel.at(10_000, () => kernel.pause(2));
    kernel.at(30_000, () => kernel.resume(2));
    kernel.startAll();
    kernel.run();
    const to2 = got.filter((g) => g.node === 2);
    expect(to2.filter((g) => g.t > 10_000 && g.t < 30_000)).toEqual([]);
    const burst = to2.filter((g) => g.t === 30_000).map((g) => g.o.n);
    expect(burst.length).toBeGreaterThan(3);
    expect(burst).toEqual([...burst].sort((a, b) => a - b));
  });

  test('a disk wipe on restart starts from an empty disk (follower loss)', () => {
    const { kernel } = twoNodes();
    kernel.at(30_000, () => kernel.crash(2));
    kernel.at(30_001, () => kernel.restart(2, { wipeDisk: true }));
    kernel.startAll();
    kernel.run({ timeMaxUs: 30_002 });
    expect((kernel.diskOf(2) as PingDisk).count).toBe(0);
  });

  test('the teaching option fifo=false lets messages overtake inside one connection', () => {
    const { kernel, got } = twoNodes('r', (o) => ({ ...o, network: { ...o.network, fifo: false, latency: { kind: 'uniform', minUs: 100, maxUs: 5_000 } } }));
    kernel.startAll();
    kernel.run();
    const ns = got.filter((g) => g.node === 2).map((g) => g.o.n);
    expect(ns).not.toEqual([...ns].sort((a, b) => a - b));
  });

  test('an overflowing link queue drops and records the message', () => {
    const { kernel, sink } = twoNodes('q', (o) => ({ ...o, network: { ...o.network, linkQueueMax: 2, latency: { kind: 'constant', us: 20_000 } } }));
    kernel.startAll();
    kernel.run();
    expect(sink.records.some((r) => r.includes('"reason":"overflow"'))).toBe(true);
  });

  test('timer ranges are picked by the kernel and recorded', () => {
    const { kernel, sink } = twoNodes();
    kernel.startAll();
    kernel.run({ timeMaxUs: 5_000 });
    const picks = sink.records.filter((r) => r.includes('"k":"setTimer"')).map((r) => JSON.parse(r) as { t: number; at: number });
    expect(picks.length).toBeGreaterThan(0);
    for (const p of picks) {
      expect(p.at - p.t).toBeGreaterThanOrEqual(500);
      expect(p.at - p.t).toBeLessThanOrEqual(1_000);
    }
  });
});

const SEEDS = Array.from({ length: 200 }, (_, i) => `seed-${i}`);

describe('determinism', () => {
  test('the same seed gives the same trace hash, 200 seeds', () => {
    for (const seed of SEEDS) expect(runPing(seed).hash).toBe(runPing(seed).hash);
  });

  test('different seeds give different schedules', () => {
    const hashes = new Set(SEEDS.slice(0, 50).map((s) => runPing(s).hash));
    expect(hashes.size).toBe(50);
  });

  test('a worker thread computes the same hashes as this thread', async () => {
    const seeds = SEEDS.slice(0, 200);
    const here = seeds.map((s) => runPing(s).hash);
    const worker = new Worker(new URL('../support/ping-worker.mjs', import.meta.url), { workerData: seeds });
    const there = await new Promise<string[]>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    await worker.terminate();
    expect(there).toEqual(here);
  }, 120_000);
});

describe('network under random faults, 200 seeds', () => {
  test('FIFO per connection, nothing across a partition, nothing late from a broken connection', () => {
    let delivered = 0;
    for (const seed of SEEDS) {
      const report = runPing(`net-${seed}`);
      expect(report.violations, seed).toEqual([]);
      delivered += report.delivered;
    }
    expect(delivered).toBeGreaterThan(10_000);
  });
});
