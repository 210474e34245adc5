// One Zab run: servers and clients on the kernel, a client workload, a fault phase, then a liveness
// phase (heal, restart and resume everything) after which a leader must be established and every
// server's committed history must converge. Checkers watch the whole run.
import type { NodeId } from '../../protocol/program.js';
import { ENV } from '../../protocol/program.js';
import { basicClientProgram } from '../../protocol/client/basic-client.js';
import { kvStateMachine, type KvOp } from '../../protocol/kv/state-machine.js';
import type { ZabObservation } from '../../protocol/zab/effects.js';
import type { ZabDisk } from '../../protocol/zab/disk.js';
import type { ZabServer } from '../../protocol/zab/state.js';
import { kvServerProgram } from '../../protocol/node/kv-node.js';
import { Kernel, type RunResult } from '../kernel/kernel.js';
import type { KernelOptions } from '../options.js';
import { forkRng } from '../rng.js';
import { HashSink, type TraceSink } from '../trace/sink.js';
import { ZabChecker, ZAB_CHECKERS, type Violation } from './checker.js';
import { CLIENT_CHECKERS, checkClientHistory, type ClientCheckResult } from '../checkers/client.js';
import { LivenessMonitor, checkClientLiveness } from '../checkers/liveness.js';
import { checkKvColumns, clientLivenessHolds } from '../checkers/kv-fast.js';
import { KvHistoryRecorder } from '../history/kv-recorder.js';
import { OpenTable } from '../history/open-table.js';
import type { ZkHistory } from '../history/types.js';
import { applyFault } from './faults.js';
import { judgeRecovery } from '../checkers/recovery.js';
import { clientIds, serverIds, zabConfigOf, type RunOptions } from './options.js';
import { ServiceApp, RECIPE_CHECKERS, type RecipeCheckResult } from '../service/fuzz-app.js';
import type { NodeProgram } from '../../protocol/program.js';

export type Verdict = 'ok' | 'violated' | 'unknown';

export interface RunReport {
  readonly scenario: string;
  readonly seed: string;
  readonly events: number;
  readonly simulatedMs: number;
  readonly traceHash: string;
  readonly verdicts: Record<string, Verdict>;
  readonly violations: readonly Violation[];
  readonly liveness: { readonly verdict: Verdict; readonly reason: string };
  readonly exitCode: number;
  readonly stop: RunResult['stop'];
  readonly error?: string;
  readonly stats: { readonly committed: number; readonly opsInvoked: number; readonly opsOk: number; readonly opsInfo: number; readonly leaderChanges: number };
  /** The client-level checkers (sim/checkers/client.ts, liveness.ts) with their witnesses and notes. */
  readonly clientChecks: readonly ClientCheckResult[];
  /** A service run's recipe checks (sim/service/fuzz-app.ts); empty for the kv store. */
  readonly recipeChecks: readonly RecipeCheckResult[];
}

type AnyProgram = NodeProgram<unknown, unknown, unknown, unknown, unknown>;

const MS = 1000;
/**
 * The client checkers' search budget on a service run's history (each search; 20 M by default). A
 * service history has many writes of unknown outcome (CONNECTIONLOSS at moves, cuts and expiries)
 * and one run in a few hundred took minutes at the default; past this budget a checker answers
 * `unknown`, which the fuzzer counts and names, never a verdict.
 */
const SERVICE_SEARCH_STEPS = 20_000;

export interface RunHooks {
  /** Called once the kernel exists, before it runs (scenarios add scripted steps here). */
  readonly setup?: (kernel: Kernel, servers: readonly NodeId[], app: ServiceApp | null) => void;
  /** Replaces the random workload (the fuzzer schedules an explicit operation list). */
  readonly workload?: (kernel: Kernel, clients: readonly NodeId[]) => void;
  /** Replaces the liveness judgement (the fuzzer judges a healed quorum core, not every server). */
  readonly liveness?: (kernel: Kernel, servers: readonly NodeId[], openOps: ReadonlyMap<string, number>) => { verdict: Verdict; reason: string };
  /** Receives the run's client history (NDJSON records, sim/history/types.ts) at the end. */
  readonly history?: (history: ZkHistory) => void;
  /** Test-only: wraps the servers' program (tests plant service-layer mistakes with it). */
  readonly wrapServer?: (program: AnyProgram) => AnyProgram;
}

/**
 * A run that advances in slices: the studio page paints the start of a long run before the rest is
 * simulated. Slicing never changes what a run does: the kernel's loop stops at an event count and
 * goes on from the very next event (Kernel.run), so the trace is byte for byte the one-call run's.
 */
export interface ZabRun {
  readonly kernel: Kernel;
  /** Runs at most `events` more kernel events (all that remain by default); true once the run is over. */
  advance(events?: number): boolean;
  /** Judges the finished run (advancing it to its end first, if needed) and closes the trace. */
  finish(): RunReport;
}

export function runZab(options: RunOptions, trace: TraceSink = new HashSink(), hooks: RunHooks = {}): RunReport {
  return startZab(options, trace, hooks).finish();
}

/** Sets a run up (nodes, checkers, workload, faults) without running any event. */
export function startZab(options: RunOptions, trace: TraceSink = new HashSink(), hooks: RunHooks = {}): ZabRun {
  const config = zabConfigOf(options);
  const servers = serverIds(options);
  const clients = clientIds(options);
  const kernelOptions: KernelOptions = {
    seed: options.seed,
    timeMaxUs: options.durationMs * MS,
    eventsMax: options.eventsMax,
    network: options.network,
    disk: options.disk,
  };
  trace.line({ kind: 'header', version: trace.version, seed: options.seed, options });
  const kernel = new Kernel(kernelOptions, trace);
  const meta = { scenario: options.scenario, seed: options.seed, model: options.service === undefined ? 'kv' : 'zk' };
  // The ZooKeeper service instead of the kv store: its servers, clients and recipe hosts, and its history.
  const app = options.service === undefined ? null : new ServiceApp(config, options.service, options.seed, servers, meta);
  const serverProgram = app === null ? (kvServerProgram(config) as AnyProgram) : app.serverProgram;
  const program = hooks.wrapServer === undefined ? serverProgram : hooks.wrapServer(serverProgram);
  for (const id of servers) kernel.addNode(id, program);
  const clientProgram = basicClientProgram(servers, options.workload.requestTimeoutMs);
  clients.forEach((id, i) => kernel.addNode(id, app === null ? clientProgram : app.clientProgram(id, i)));

  const checker = new ZabChecker(
    config,
    (id) => kernel.stateOf(id) as ZabServer | undefined,
    (id) => kernel.diskOf(id) as ZabDisk,
  );
  kernel.addObserver(checker);
  const recorder = app?.recorder ?? new KvHistoryRecorder(meta, hooks.workload === undefined ? expectedOps(options) : undefined);
  const monitor = new LivenessMonitor();
  const stats = { committed: 0, opsInvoked: 0, opsOk: 0, opsInfo: 0, leaderChanges: 0 };
  // Open operations by (client, xid as uint32): a string key per operation showed in profiles, and
  // so did hashing a numeric key client * 2^32 + xid. The "client:xid" map the liveness judges read
  // is built once, at the end, in the order a Map would list them.
  const open = new OpenTable();
  // The recorder, the liveness monitor and the run's own counts share one observer, which hands each
  // observation only to those that read its kind: every observer the kernel calls sees all of them
  // (a run observes some ten times per txn), most of which only the ZabChecker reads.
  kernel.addObserver({
    observe(node, what, nowUs) {
      const o = what as ZabObservation;
      switch (o.kind) {
        case 'invoke':
          recorder.observe(node, o, nowUs);
          stats.opsInvoked++;
          open.set(o.client, o.xid >>> 0, nowUs);
          return;
        case 'complete':
          recorder.observe(node, o, nowUs);
          open.take(o.client, o.xid >>> 0);
          if (o.outcome === 'ok') stats.opsOk++;
          if (o.outcome === 'info') stats.opsInfo++;
          return;
        case 'role':
          monitor.observe(node, o, nowUs);
          return;
        case 'activated':
          monitor.observe(node, o, nowUs);
          stats.leaderChanges++;
          return;
        case 'watch':
        case 'session':
          recorder.observe(node, o, nowUs);
          return;
        case 'commit':
        case 'recipe':
          app?.observe(kernel, node, o, nowUs);
          return;
        default:
          return;
      }
    },
    crashed(node, disk, nowUs) {
      monitor.crashed(node, disk, nowUs);
    },
  });

  if (hooks.workload !== undefined) hooks.workload(kernel, clients);
  else scheduleWorkload(kernel, options, clients);
  const faultRng = forkRng(options.seed, 'faults');
  for (const f of options.faults) kernel.at(f.atMs * MS, () => applyFault(kernel, servers, f, faultRng));
  if (options.faultsUntilMs > 0) {
    kernel.at(options.faultsUntilMs * MS, () => {
      kernel.record({ k: 'phase', phase: 'liveness', note: 'faults stop: heal, restart and resume every node' });
      kernel.healAll();
      for (const id of servers) {
        kernel.resume(id);
        kernel.restart(id);
        kernel.setTimerSkew(id, 1);
      }
    });
  }
  hooks.setup?.(kernel, servers, app);
  kernel.startAll();
  let result: RunResult | null = null;
  let report: RunReport | null = null;
  const advance = (events = Number.POSITIVE_INFINITY): boolean => {
    if (result !== null) return true;
    const limit = Math.min(options.eventsMax, kernel.eventCount + events);
    const r = kernel.run({ eventsMax: limit });
    // A slice's own limit is no end of the run; the options' event limit is.
    if (r.stop !== 'events' || kernel.eventCount >= options.eventsMax) result = r;
    return result !== null;
  };
  const finish = (): RunReport => {
    while (!advance());
    report ??= judge(result as RunResult);
    return report;
  };
  return { kernel, advance, finish };

  function judge(result: RunResult): RunReport {
    if (result.stop === 'assertion') checker.recordAssertion(result.error?.node ?? 0, result.error?.message ?? 'assertion');

    const verdicts: Record<string, Verdict> = { ...checker.verdicts() };
    // The client checkers judge the recorder's columns when it can keep them (kv-fast.ts); the history
    // records are built only when something needs them: a hook, or a verdict the fast path leaves to
    // checkClientHistory (a violation, with its witness).
    const columns = recorder instanceof KvHistoryRecorder ? recorder.columns() : null;
    let recorded: ZkHistory | null = null;
    const history = (): ZkHistory => (recorded ??= recorder.history());
    if (hooks.history !== undefined) hooks.history(history());
    const clientChecks: ClientCheckResult[] =
      result.stop === 'error'
        ? []
        : ((columns === null ? null : checkKvColumns(columns)) ?? [
            ...checkClientHistory(history(), app === null ? {} : { stepsMax: SERVICE_SEARCH_STEPS }).results,
          ]);
    for (const r of clientChecks) verdicts[r.name] = r.verdict;
    const recipeChecks = app === null || result.stop === 'error' ? [] : app.recipeChecks();
    for (const r of recipeChecks) verdicts[r.name] = r.verdict;
    const openOps = new Map<string, number>();
    for (const { client, xid, value: invokedUs } of open.entries()) openOps.set(`${client}:${xid | 0}`, invokedUs);
    let liveness = hooks.liveness !== undefined ? hooks.liveness(kernel, servers, openOps) : judgeLiveness(kernel, options, servers, openOps);
    if (hooks.liveness === undefined && options.faultsUntilMs > 0 && result.stop !== 'error') {
      const view = {
        voters: config.voters,
        isUp: (id: NodeId) => kernel.isUp(id),
        isPaused: (id: NodeId) => kernel.isPaused(id),
        isCut: (a: NodeId, b: NodeId) => kernel.isCut(a, b),
      };
      const faultsStopUs = options.faultsUntilMs * MS;
      const livenessOptions = { faultsStopUs, recoveryUs: 15_000 * MS, boundUs: options.workload.requestTimeoutMs * MS * 2, endUs: kernel.nowUs };
      const clientLiveness: ClientCheckResult =
        columns !== null && clientLivenessHolds(columns, livenessOptions)
          ? { name: 'liveness', verdict: 'ok' }
          : checkClientLiveness(history(), livenessOptions, () => monitor.explain(view, kernel.nowUs, faultsStopUs));
      clientChecks.push(clientLiveness);
      if (liveness.verdict === 'violated' && !liveness.reason.includes('cause:')) {
        const why = monitor.explain(view, kernel.nowUs, faultsStopUs);
        liveness = { verdict: 'violated', reason: `${liveness.reason}; cause: ${why.cause}: ${why.evidence}` };
      } else if (liveness.verdict !== 'violated' && clientLiveness.verdict === 'violated') {
        liveness = { verdict: 'violated', reason: clientLiveness.witness?.reason ?? 'a client operation did not complete in time' };
      }
    }
    verdicts['liveness'] = liveness.verdict;
    stats.committed = checker.committedLength;
    const safetyViolated =
      ZAB_CHECKERS.some((c) => verdicts[c] === 'violated') ||
      CLIENT_CHECKERS.some((c) => verdicts[c] === 'violated') ||
      RECIPE_CHECKERS.some((c) => verdicts[c] === 'violated');
    const exitCode = result.stop === 'error' ? 4 : safetyViolated ? 1 : liveness.verdict === 'violated' ? 3 : 0;
    for (const v of checker.violations.slice(0, 20)) kernel.record({ k: 'violation', checker: v.checker, node: v.node, message: v.message, at: v.atUs });
    for (const r of clientChecks)
      if (r.verdict === 'violated' && r.witness !== undefined)
        kernel.record({ k: 'violation', checker: r.name, node: 0, message: r.witness.text, at: kernel.nowUs });
    for (const r of recipeChecks)
      if (r.verdict === 'violated') kernel.record({ k: 'violation', checker: r.name, node: 0, message: r.reason, at: kernel.nowUs });
    kernel.record({ k: 'verdicts', verdicts, liveness: liveness.reason, exitCode });
    const traceHash = trace.close({ exitCode });
    return {
      scenario: options.scenario,
      seed: options.seed,
      events: result.events,
      simulatedMs: Math.round(result.nowUs / MS),
      traceHash,
      verdicts,
      violations: checker.violations,
      liveness,
      exitCode,
      stop: result.stop,
      ...(result.error === undefined ? {} : { error: result.error.message }),
      stats,
      clientChecks,
      recipeChecks,
    };
  }
}

/** About how many operations scheduleWorkload issues (room for the history's columns, so they seldom grow). */
function expectedOps(options: RunOptions): number {
  const w = options.workload;
  const spanMs = Math.min(w.stopAtMs, options.durationMs) - 500;
  const perClient = spanMs / (Math.max(0, w.meanIntervalMs) + 0.5);
  const n = w.clients * perClient * 1.1 + 1024;
  return Number.isFinite(n) ? Math.min(n, 1 << 22) : 1024;
}

/**
 * Each client issues operations at exponential gaps, from the workload stream. Each operation
 * schedules the next when it fires, so the queue holds one pending operation per client, not all.
 */
function scheduleWorkload(kernel: Kernel, options: RunOptions, clients: readonly NodeId[]): void {
  const w = options.workload;
  const rng = forkRng(options.seed, 'workload');
  const counters = new Map<NodeId, number>();
  // One string per key, made once: the operations on a key share it (no string per operation), and
  // the recorder's Map finds it by the hash V8 keeps in the string.
  const keyNames = Array.from({ length: Math.min(Math.max(0, w.keys), 4096) }, (_, i) => `k${i}`);
  const next = (client: NodeId, tMs: number): void => {
    if (tMs >= w.stopAtMs) return;
    kernel.at(Math.round(tMs * MS), () => {
      const n = (counters.get(client) ?? 0) + 1;
      counters.set(client, n);
      const k = rng.intInclusive(0, w.keys - 1);
      const key = keyNames[k] ?? `k${k}`;
      const roll = rng.next();
      const op: KvOp =
        roll < 0.45
          ? { type: 'set', key, value: `${client}.${n}` }
          : roll < 0.8
            ? { type: 'get', key }
            : { type: 'cas', key, version: rng.intInclusive(-1, 3), value: `${client}.${n}` };
      kernel.inject(client, { type: 'APP_OP', op });
      next(client, tMs + 1 + rng.exponential(w.meanIntervalMs));
    });
  };
  for (const client of clients) next(client, 500 + rng.exponential(w.meanIntervalMs));
}

/**
 * After the liveness phase: one leader in BROADCAST, every server following it in BROADCAST with
 * the same committed history, and no client operation left open for longer than its timeout.
 */
function judgeLiveness(kernel: Kernel, options: RunOptions, servers: readonly NodeId[], openOps: Map<string, number>): { verdict: Verdict; reason: string } {
  if (options.faultsUntilMs <= 0 && options.faults.length > 0) return { verdict: 'unknown', reason: 'no liveness phase in this run' };
  const recovery = judgeRecovery(servers, (id) => kernel.stateOf(id) as ZabServer | undefined, { voters: zabConfigOf(options).voters });
  if (!recovery.ok) return { verdict: 'violated', reason: `${recovery.cls}: ${recovery.reason}` };
  const deadlineUs = kernel.nowUs - options.workload.requestTimeoutMs * MS * 2;
  for (const [op, invokedUs] of openOps) {
    if (invokedUs < deadlineUs) return { verdict: 'violated', reason: `stuck-client: operation ${op} open since ${Math.round(invokedUs / MS)} ms` };
  }
  return { verdict: 'ok', reason: recovery.reason };
}

export { ENV };
