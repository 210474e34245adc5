// Linearizability benchmarks: the general engine on porcupine's etcd and kv test data (warmed up, median of
// five timed runs per file), and the zk-writes fast path on a generated history of 1,000,000 writes (median of three).
// Wall-clock time is only measured here, for reporting; it never decides a verdict. The machine is shared,
// so the same runs also report process CPU time (`...CpuMs`), which other processes disturb less.

import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { checkOperations } from '../checkers/linearizability/search.js';
import { registerModel } from '../checkers/linearizability/register.js';
import { kvModel } from '../checkers/linearizability/kv.js';
import type { Model, Operation } from '../checkers/linearizability/model.js';
import { checkZkWrites } from '../checkers/zk-writes.js';
import { parsePorcupineEtcd, parsePorcupineKv } from '../history/porcupine.js';
import type { ZkHistoryOp, ZkOp, ZkResult } from '../history/types.js';

const DATA_DIR = fileURLToPath(new URL('../../../shared/porcupine-test-data/', import.meta.url));
const KV_FILES = ['c01-ok', 'c01-bad', 'c10-ok', 'c10-bad', 'c50-ok', 'c50-bad'] as const;
const RUNS = 5;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

type Timing = { wallMs: number; cpuMs: number };

function cpuMsSince(start: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
}

function timeCheck<S, I, O>(model: Model<S, I, O>, ops: readonly Operation<I, O>[]): Timing {
  const cpu = process.cpuUsage();
  const started = performance.now();
  checkOperations(model, ops);
  return { wallMs: performance.now() - started, cpuMs: cpuMsSince(cpu) };
}

/** Sum over the 102 non-empty etcd logs of each file's median check time (wall and CPU), after one warm-up pass. */
function benchEtcd(dataDir: string): Timing {
  const histories: Operation<unknown, unknown>[][] = [];
  for (let i = 0; i <= 102; i++) {
    const name = `jepsen/etcd_${String(i).padStart(3, '0')}.log`;
    const ops = parsePorcupineEtcd(readFileSync(dataDir + name, 'utf8'), name);
    if (ops.length > 0) histories.push(ops as Operation<unknown, unknown>[]);
  }
  const model = registerModel as unknown as Model<unknown, unknown, unknown>;
  for (const ops of histories) checkOperations(model, ops);
  const times: Timing[][] = histories.map(() => []);
  for (let run = 0; run < RUNS; run++) histories.forEach((ops, i) => times[i]!.push(timeCheck(model, ops)));
  return {
    wallMs: times.reduce((sum, t) => sum + median(t.map((x) => x.wallMs)), 0),
    cpuMs: times.reduce((sum, t) => sum + median(t.map((x) => x.cpuMs)), 0),
  };
}

function benchKv(dataDir: string): { wall: Record<string, number>; cpu: Record<string, number> } {
  const wall: Record<string, number> = {};
  const cpu: Record<string, number> = {};
  for (const name of KV_FILES) {
    const file = `kv/${name}.txt`;
    const ops = parsePorcupineKv(readFileSync(dataDir + file, 'utf8'), file);
    checkOperations(kvModel, ops);
    const times: Timing[] = [];
    for (let run = 0; run < RUNS; run++) times.push(timeCheck(kvModel, ops));
    wall[name] = median(times.map((t) => t.wallMs));
    cpu[name] = median(times.map((t) => t.cpuMs));
  }
  return { wall, cpu };
}

/** A 32-bit linear congruential generator (Numerical Recipes constants): deterministic, seedable. */
function lcg(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state;
  };
}

/**
 * A linearizable history of `count` writes: `clients` clients issue create/setData/delete on `paths`
 * znodes, committed in zxid order with overlapping client intervals. Versions and results follow the tree.
 */
export function generateZkWriteHistory(count: number, seed = 1, clients = 64, paths = 4096): ZkHistoryOp[] {
  const next = lcg(seed);
  const versions = new Int32Array(paths).fill(-1); // -1 = absent
  const names = Array.from({ length: paths }, (_, i) => `/bench/n${i}`);
  const ops: ZkHistoryOp[] = new Array<ZkHistoryOp>(count + 1);
  ops[0] = {
    kind: 'op',
    id: 0,
    client: 0,
    session: 1,
    server: 1,
    op: { type: 'create', path: '/bench', data: '', mode: 'persistent' },
    invokeUs: 0,
    completeUs: 5,
    outcome: 'ok',
    result: { rc: 'ok', path: '/bench' },
    zxid: 4294967296 + 1,
  };
  let timeUs = 10;
  for (let i = 1; i <= count; i++) {
    const p = next() % paths;
    const path = names[p]!;
    const version = versions[p]!;
    const roll = next() % 10;
    let op: ZkOp;
    let result: ZkResult;
    if (version < 0) {
      op = { type: 'create', path, data: 'd', mode: 'persistent' };
      result = { rc: 'ok', path };
      versions[p] = 0;
    } else if (roll < 7) {
      const stale = roll === 0;
      op = { type: 'setData', path, data: `v${i}`, version: stale ? version + 5 : version };
      if (stale) result = { rc: 'badVersion' };
      else {
        result = { rc: 'ok', version: version + 1 };
        versions[p] = version + 1;
      }
    } else if (roll < 9) {
      op = { type: 'delete', path, version: -1 };
      result = { rc: 'ok' };
      versions[p] = -1;
    } else {
      op = { type: 'create', path, data: 'd', mode: 'persistent' };
      result = { rc: 'nodeExists' };
    }
    // Each op is invoked a little before it commits and completes a little after, so neighbours overlap.
    const invokeUs = timeUs - (next() % 20);
    const completeUs = timeUs + 1 + (next() % 20);
    ops[i] = {
      kind: 'op',
      id: i,
      client: next() % clients,
      session: null,
      server: null,
      op,
      invokeUs,
      completeUs,
      outcome: 'ok',
      result,
      zxid: 4294967296 + 1 + i,
    };
    timeUs += 25;
  }
  return ops;
}

export type LinearizabilityBench = {
  readonly linPorcupineEtcdTotalMs: number;
  readonly linPorcupineEtcdTotalCpuMs: number;
  readonly linPorcupineKv: Record<string, number>;
  readonly linPorcupineKvCpuMs: Record<string, number>;
  readonly zkWriteCheckOpsPerSec: number;
};

export function benchLinearizability(): LinearizabilityBench {
  const etcd = benchEtcd(DATA_DIR);
  const kv = benchKv(DATA_DIR);
  const history = generateZkWriteHistory(1_000_000);
  checkZkWrites(history.slice(0, 50_000)); // warm-up
  const rates: number[] = [];
  for (let run = 0; run < 3; run++) {
    const result = checkZkWrites(history);
    if (result.verdict !== 'ok') throw new Error(`zk-writes bench history should pass, got ${result.verdict}: ${result.witness?.text ?? ''}`);
    rates.push(result.checkedOps / (result.ms / 1000));
  }
  const zkWriteCheckOpsPerSec = Math.round(median(rates)); // of three runs: one run can meet a major GC
  return {
    linPorcupineEtcdTotalMs: etcd.wallMs,
    linPorcupineEtcdTotalCpuMs: etcd.cpuMs,
    linPorcupineKv: kv.wall,
    linPorcupineKvCpuMs: kv.cpu,
    zkWriteCheckOpsPerSec,
  };
}
