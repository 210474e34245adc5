// A ZooKeeper-service run: a simulated ensemble of Zab servers running the ZooKeeper state machine,
// ZooKeeper clients (protocol/client/zk-client.ts, or any program built on it such as a recipe host),
// optional faults, and the Zab checkers. Tests drive it step by step (`call`, `runFor`, `runUntil`) or
// schedule a workload up front; every observation is collected with its virtual time. The clients'
// history is recorded as the run goes (sim/history), and `verdicts()` / `safetyViolated()` judge it with
// the client-level checkers (sim/checkers/client.ts) as well as the Zab checkers.
import type { NodeId, NodeProgram } from '../../protocol/program.js';
import type { ZabObservation } from '../../protocol/zab/effects.js';
import type { ZabDisk } from '../../protocol/zab/disk.js';
import type { ZabServer } from '../../protocol/zab/state.js';
import { zookeeperServerProgram } from '../../protocol/node/zookeeper-node.js';
import { defaultZkClientConfig, zkClientProgram, type ZkClient, type ZkClientConfig, type ZkCommand } from '../../protocol/client/zk-client.js';
import type { DataTree } from '../../protocol/tree/index.js';
import { Kernel } from '../kernel/kernel.js';
import { DEFAULT_DISK, DEFAULT_NETWORK, type DiskOptions, type NetworkOptions } from '../options.js';
import { forkRng } from '../rng.js';
import { NullSink, type TraceSink } from '../trace/sink.js';
import { ZabChecker, ZAB_CHECKERS, type Violation } from '../zab/checker.js';
import { applyFault, type FaultEvent } from '../zab/faults.js';
import { CLIENT_CHECKERS, checkClientHistory, type ClientCheckResult } from '../checkers/client.js';
import type { Verdict } from '../checkers/linearizability/model.js';
import { HistoryRecorder } from '../history/recorder.js';
import type { ZkHistory } from '../history/types.js';
import { txnAt } from '../../protocol/zab/history.js';
import type { Txn as TreeTxn } from '../../protocol/tree/types.js';
import { aclMeta, zkHistoryAdapterFor } from './history.js';
import type { Observed } from './observed.js';
import { baseRunOptions, zabConfigOf } from '../zab/options.js';
import type { ZabConfig } from '../../protocol/zab/config.js';

const MS = 1000;

export interface ServiceOptions {
  readonly seed: string;
  readonly servers: number;
  readonly observers: number;
  readonly clients: number;
  readonly sessionTimeoutMs: number;
  readonly zab: Omit<ZabConfig, 'voters' | 'observers'>;
  readonly network: NetworkOptions;
  readonly disk: DiskOptions;
  readonly faults: readonly FaultEvent[];
  readonly eventsMax: number;
  /** The kernel's own time bound. */
  readonly timeMaxMs: number;
}

export function serviceOptions(seed: string, patch: Partial<ServiceOptions> = {}): ServiceOptions {
  const base = baseRunOptions('service', seed, 3, 0);
  return {
    seed,
    servers: 3,
    observers: 0,
    clients: 2,
    sessionTimeoutMs: 4_000,
    zab: { ...base.zab, tickTimeMs: 500, initLimit: 10, syncLimit: 5, maxNotificationIntervalMs: 4_000 },
    network: DEFAULT_NETWORK,
    disk: DEFAULT_DISK,
    faults: [],
    eventsMax: 20_000_000,
    timeMaxMs: 10_000_000,
    ...patch,
  };
}

export type { Observed } from './observed.js';

export type ClientProgramFactory = (
  servers: readonly NodeId[],
  configFor: (id: NodeId) => ZkClientConfig,
) => NodeProgram<unknown, unknown, unknown, unknown, unknown>;

export class ServiceHarness {
  readonly options: ServiceOptions;
  readonly kernel: Kernel;
  readonly servers: readonly NodeId[];
  readonly clients: readonly NodeId[];
  readonly checker: ZabChecker;
  readonly observed: Observed[] = [];
  /** Bounded: tests look at recent observations; older ones are dropped past this count. */
  readonly observedMax = 2_000_000;
  lastError: string | null = null;
  /** The clients' history, recorded live (serviceHistory(observed) would lose what `observedMax` drops). */
  readonly recorder: HistoryRecorder;
  private readonly endedSessions = new Set<number>();
  /** Observations so far: the client checks are recomputed only when it has moved. */
  private observations = 0;
  private clientCache: { at: number; results: readonly ClientCheckResult[] } | null = null;
  private readonly clientConfigs = new Map<NodeId, ZkClientConfig>();
  private readonly clientProgram: NodeProgram<unknown, unknown, unknown, unknown, unknown>;
  private nextClientId = 0;

  constructor(options: ServiceOptions, clientProgram?: ClientProgramFactory, trace: TraceSink = new NullSink()) {
    this.options = options;
    const runOptions = { ...baseRunOptions('service', options.seed, options.servers, options.observers), zab: options.zab };
    const config = zabConfigOf(runOptions);
    this.servers = Array.from({ length: options.servers + options.observers }, (_, i) => i + 1);
    const first = this.servers.length + 1;
    this.clients = Array.from({ length: options.clients }, (_, i) => first + i);
    this.kernel = new Kernel(
      { seed: options.seed, timeMaxUs: options.timeMaxMs * MS, eventsMax: options.eventsMax, network: options.network, disk: options.disk },
      trace,
    );
    const program = zookeeperServerProgram(config);
    for (const id of this.servers) this.kernel.addNode(id, program);
    // Each client's connect string order comes from the run's clients stream (ZooKeeper shuffles it).
    const rng = forkRng(options.seed, 'clients');
    const orders = new Map<NodeId, NodeId[]>();
    for (const id of this.clients) {
      const order = [...this.servers];
      for (let i = order.length - 1; i > 0; i--) {
        const j = rng.intInclusive(0, i);
        [order[i], order[j]] = [order[j] as NodeId, order[i] as NodeId];
      }
      orders.set(id, order);
    }
    for (const id of this.clients) this.clientConfigs.set(id, defaultZkClientConfig(orders.get(id) ?? this.servers, options.sessionTimeoutMs));
    const configFor = (id: NodeId): ZkClientConfig => this.clientConfigs.get(id) ?? defaultZkClientConfig(this.servers, options.sessionTimeoutMs);
    this.clientProgram = clientProgram === undefined ? zkClientProgram(configFor) : clientProgram(this.servers, configFor);
    for (const id of this.clients) this.kernel.addNode(id, this.clientProgram);
    this.checker = new ZabChecker(
      config,
      (id) => this.kernel.stateOf(id) as ZabServer | undefined,
      (id) => this.kernel.diskOf(id) as ZabDisk,
    );
    this.kernel.addObserver(this.checker);
    this.recorder = new HistoryRecorder(zkHistoryAdapterFor(options.zab.extendedTypesEnabled === true), {
      scenario: 'service',
      seed: options.seed,
      model: 'zk',
      ...aclMeta(options.zab),
    });
    this.kernel.addObserver(this.recorder);
    this.kernel.addObserver({
      observe: (node, what, nowUs) => {
        this.observations++;
        if ((what as ZabObservation).kind === 'commit') this.noteSessionEnd(node, what as Extract<ZabObservation, { kind: 'commit' }>, nowUs);
        if (this.observed.length >= this.observedMax) this.observed.splice(0, this.observed.length >>> 1);
        this.observed.push({ atUs: nowUs, node, what: what as ZabObservation });
      },
    });
    this.kernel.addObserver({
      stepped: () => {
        if (this.condition !== null && this.condition()) this.kernel.requestStop('condition');
      },
    });
    const faultRng = forkRng(options.seed, 'faults');
    for (const f of options.faults) this.kernel.at(f.atMs * MS, () => applyFault(this.kernel, this.servers, f, faultRng));
    this.kernel.startAll();
  }

  /**
   * A committed closeSession txn (explicit close or expiry) ends its session at that zxid: the history
   * gets an "ENDED" record once, from the first server that commits it, for the session checkers.
   */
  private noteSessionEnd(node: NodeId, o: Extract<ZabObservation, { kind: 'commit' }>, nowUs: number): void {
    const s = this.kernel.stateOf(node) as ZabServer | undefined;
    const txn = s === undefined ? undefined : (txnAt(s, o.index)?.body as TreeTxn | undefined);
    if (txn?.body?.type !== 'closeSession' || this.endedSessions.has(txn.sessionId)) return;
    this.endedSessions.add(txn.sessionId);
    this.recorder.sessionEnded(txn.sessionId, o.zxid, nowUs);
  }

  /**
   * Adds a client node now and boots it (it connects at once). `servers` is its connect-string order.
   * Boots only this node: call it while every server is up, or it would also restart crashed ones.
   */
  addClient(servers: readonly NodeId[], sessionTimeoutMs = this.options.sessionTimeoutMs): NodeId {
    if (this.nextClientId === 0) this.nextClientId = this.servers.length + this.clients.length + 1;
    const id = this.nextClientId++;
    this.clientConfigs.set(id, defaultZkClientConfig(servers, sessionTimeoutMs));
    this.kernel.addNode(id, this.clientProgram);
    this.kernel.startAll();
    return id;
  }

  get nowMs(): number {
    return this.kernel.nowUs / MS;
  }

  /** Hands `client` an application command now. */
  call(client: NodeId, command: ZkCommand | unknown): void {
    this.kernel.inject(client, { type: 'APP_OP', op: command });
  }

  runFor(ms: number): void {
    this.runTo(this.kernel.nowUs + ms * MS);
  }

  private runTo(untilUs: number): void {
    const r = this.kernel.run({ timeMaxUs: untilUs });
    if (r.stop === 'assertion' || r.stop === 'error') {
      this.lastError = r.error?.message ?? r.stop;
      throw new Error(`run stopped: ${r.stop}: ${this.lastError}`);
    }
  }

  private condition: (() => boolean) | null = null;

  /** Runs until `done()` holds (checked after every step), or `maxMs` passes. Returns whether it held. */
  runUntil(done: () => boolean, maxMs = 60_000): boolean {
    const deadlineUs = this.kernel.nowUs + maxMs * MS;
    if (done()) return true;
    this.condition = done;
    try {
      const r = this.kernel.run({ timeMaxUs: deadlineUs });
      if (r.stop === 'assertion' || r.stop === 'error') {
        this.lastError = r.error?.message ?? r.stop;
        throw new Error(`run stopped: ${r.stop}: ${this.lastError}`);
      }
      return done();
    } finally {
      this.condition = null;
    }
  }

  /** Calls and runs until the completion of that call arrives. Returns it (or undefined on timeout). */
  callAndWait(client: NodeId, command: ZkCommand, maxMs = 60_000): Extract<ZabObservation, { kind: 'complete' }> | undefined {
    const before = this.observed.length;
    let xid: number | null = null;
    this.call(client, command);
    let found: Extract<ZabObservation, { kind: 'complete' }> | undefined;
    this.runUntil(() => {
      for (let i = before; i < this.observed.length; i++) {
        const o = this.observed[i] as Observed;
        if (o.node !== client) continue;
        if (xid === null && o.what.kind === 'invoke') xid = o.what.xid;
        if (xid !== null && o.what.kind === 'complete' && o.what.xid === xid) {
          found = o.what;
          return true;
        }
      }
      return false;
    }, maxMs);
    return found;
  }

  server(id: NodeId): ZabServer | undefined {
    return this.kernel.stateOf(id) as ZabServer | undefined;
  }

  client<T = ZkClient>(id: NodeId): T | undefined {
    return this.kernel.stateOf(id) as T | undefined;
  }

  tree(id: NodeId): DataTree {
    return (this.server(id) as ZabServer).state as DataTree;
  }

  activeLeader(): NodeId | undefined {
    return this.servers.find((id) => {
      const s = this.server(id);
      return s !== undefined && s.role === 'LEADING' && s.phase === 'BROADCAST' && !this.kernel.isPaused(id);
    });
  }

  /** Runs until there is an active leader and every named client is CONNECTED. */
  settle(clients: readonly NodeId[] = this.clients, maxMs = 60_000): boolean {
    return this.runUntil(() => this.activeLeader() !== undefined && clients.every((c) => this.connectedState(c) === 'CONNECTED'), maxMs);
  }

  connectedState(client: NodeId): string | undefined {
    const c = this.kernel.stateOf(client) as { state?: string; client?: { state?: string } } | undefined;
    return c?.state ?? c?.client?.state;
  }

  of<K extends ZabObservation['kind']>(kind: K, node?: NodeId): (Observed & { what: Extract<ZabObservation, { kind: K }> })[] {
    return this.observed.filter((o) => o.what.kind === kind && (node === undefined || o.node === node)) as (Observed & {
      what: Extract<ZabObservation, { kind: K }>;
    })[];
  }

  violations(): readonly Violation[] {
    return this.checker.violations;
  }

  /** The clients' history so far (ops still open are "info"). */
  history(): ZkHistory {
    return this.recorder.history();
  }

  /** The client-level checkers on the history so far, with witnesses (cached until the run moves on). */
  clientChecks(): readonly ClientCheckResult[] {
    if (this.clientCache === null || this.clientCache.at !== this.observations) {
      this.clientCache = { at: this.observations, results: checkClientHistory(this.history()).results };
    }
    return this.clientCache.results;
  }

  /** The Zab checkers' verdicts and the client checkers' (linearizable-writes, sequential-reads, ...). */
  verdicts(): Record<string, Verdict> {
    const verdicts: Record<string, Verdict> = { ...this.checker.verdicts() };
    for (const r of this.clientChecks()) verdicts[r.name] = r.verdict;
    return verdicts;
  }

  safetyViolated(): boolean {
    const v = this.verdicts();
    return ZAB_CHECKERS.some((c) => v[c] === 'violated') || CLIENT_CHECKERS.some((c) => v[c] === 'violated');
  }
}
