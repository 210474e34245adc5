// zkHistoryCheckMs: the full zk checker set, what `zabsim check --model zk` runs on an NDJSON history
// (checkClientHistory), on a history of 2,000 client ops recorded from a faulty ZooKeeper-service run
// (sim/service/run.ts): a leader crash, a restart, the leader cut off and a client that hangs (its
// session expires) while four clients issue creates, setData with and without versions, deletes,
// watched reads, getChildren of the root, sequential and ephemeral creates and multis, some of which
// fail; about 350 ops get no answer. The run is deterministic (fixed seed and workload), so every
// measurement judges the same history. Only the checking is timed (median of five, after one warm-up;
// a check slower than 5 s is timed once). A checker that answers unknown is named in zkHistoryUnknown.
import { performance } from 'node:perf_hooks';
import type { NodeId } from '../../protocol/program.js';
import type { ZkCommand } from '../../protocol/client/zk-client.js';
import { OPEN_ACL_UNSAFE, type CreateMode } from '../../protocol/tree/index.js';
import { checkClientHistory } from '../checkers/client.js';
import { formatNdjsonHistory, parseNdjsonHistory } from '../history/ndjson.js';
import type { ZkHistory } from '../history/types.js';
import { ServiceHarness, serviceOptions } from '../service/run.js';

const RUNS = 5;

/** A 32-bit linear congruential generator (Numerical Recipes constants): the workload's only randomness. */
function lcg(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state >>> 8;
  };
}

const create = (path: string, mode: CreateMode = 'PERSISTENT', data = 'd'): ZkCommand => ({ type: 'create', path, data, acl: OPEN_ACL_UNSAFE, mode });

/** The i-th command of the workload, drawn from `next`. */
function command(next: () => number, client: number): ZkCommand {
  const k = `/k${next() % 12}`;
  switch (next() % 12) {
    case 0:
      return create(k);
    case 1:
      return { type: 'setData', path: k, data: `v${next() % 100}`, version: -1 };
    case 2:
      return { type: 'setData', path: k, data: `w${next() % 100}`, version: next() % 3 };
    case 3:
      return { type: 'getData', path: k, watch: next() % 2 === 0 };
    case 4:
      return { type: 'exists', path: k, watch: next() % 2 === 0 };
    case 5:
      return { type: 'getChildren', path: '/', watch: next() % 4 === 0 };
    case 6:
      return { type: 'remove', path: k, version: -1 };
    case 7:
      return create(`/e${client}`, 'EPHEMERAL');
    case 8:
      return create('/q/s-', 'PERSISTENT_SEQUENTIAL');
    case 9:
      // Fails (and reports per-op results) whenever k is absent or /k.../c exists.
      return {
        type: 'transaction',
        ops: [
          { type: 'setData', path: k, data: `m${next() % 100}`, version: -1 },
          { type: 'create', path: `${k}/c`, data: '', acl: OPEN_ACL_UNSAFE, mode: 'PERSISTENT' },
        ],
      };
    case 10:
      return { type: 'remove', path: `${k}/c`, version: -1 };
    default:
      return { type: 'getData', path: k, watch: false };
  }
}

/** The history of a faulty service run with `ops` client calls (seed fixed by the caller). */
export function recordZkServiceHistory(ops = 2_000, seed = 'zk-history-bench'): ZkHistory {
  const h = new ServiceHarness(
    serviceOptions(seed, {
      clients: 4,
      faults: [
        { atMs: 4_000, type: 'crash', target: 'leader' },
        { atMs: 7_000, type: 'restart', target: 'all-down' },
        { atMs: 10_000, type: 'partition', mode: 'isolate', target: 'leader' },
        { atMs: 13_000, type: 'heal' },
      ],
    }),
  );
  h.settle();
  const next = lcg(0x5eed);
  const clients = h.clients as NodeId[];
  // Half-way, the last client stops for good (its process hangs): its session expires at the leader,
  // which deletes its ephemeral node, and its requests still out stay unanswered.
  const stopped = clients[clients.length - 1]!;
  h.call(clients[0]!, create('/q'));
  // Every call becomes one op of the history, answered or not: `ops` of them in all.
  for (let calls = 1, i = 0; calls < ops; i++) {
    if (calls === ops >>> 1 && !h.kernel.isPaused(stopped)) h.kernel.pause(stopped);
    const c = clients[i % clients.length]!;
    if (c === stopped && calls >= ops >>> 1) continue;
    h.call(c, command(next, c));
    calls++;
    h.runFor(8);
  }
  h.runFor(10_000);
  // What `zabsim check` reads: the history as NDJSON text, parsed back.
  return parseNdjsonHistory(formatNdjsonHistory(h.history()), 'zk-history-bench.ndjson');
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

export type ZkHistoryBench = {
  readonly zkHistoryCheckMs: number;
  readonly zkHistoryOps: number;
  /** The checkers that answered unknown (budget spent) on the history: none is the goal. */
  readonly zkHistoryUnknown: readonly string[];
};

/** A check slower than this is timed once, not five times: the figure then says how far off the target it is. */
const SLOW_MS = 5_000;

export function benchZkHistory(): ZkHistoryBench {
  const history = recordZkServiceHistory();
  const times: number[] = [];
  let unknown: string[] = [];
  for (let run = 0; run <= RUNS; run++) {
    const started = performance.now();
    const report = checkClientHistory(history);
    const ms = performance.now() - started;
    // The run is of the unmutated protocol: a violation is a checker bug, and the figure would be meaningless.
    const bad = report.results.filter((r) => r.verdict === 'violated');
    if (bad.length > 0)
      throw new Error(`zk history bench: the run's history should pass, got ${bad.map((r) => `${r.name}: ${r.witness?.text ?? ''}`).join('; ')}`);
    unknown = report.results.filter((r) => r.verdict === 'unknown').map((r) => r.name);
    if (run > 0)
      times.push(ms); // run 0 warms up
    else if (ms > SLOW_MS) {
      times.push(ms);
      break;
    }
  }
  return { zkHistoryCheckMs: Math.round(median(times) * 10) / 10, zkHistoryOps: history.ops.length, zkHistoryUnknown: unknown };
}
