// Everything that shapes a Zab run, as one JSON-able object. It goes into the trace header, so a
// trace replays from its first line.
import type { ZabConfig } from '../../protocol/zab/config.js';
import { defaultZabConfig } from '../../protocol/zab/config.js';
import { DEFAULT_DISK, DEFAULT_NETWORK, type DiskOptions, type LinkFaultWindow, type NetworkOptions } from '../options.js';
import type { FaultEvent } from './faults.js';
import type { ServiceSpec } from '../fuzz/service-workload.js';

export interface WorkloadOptions {
  readonly clients: number;
  /** Mean gap between two operations of one client. */
  readonly meanIntervalMs: number;
  readonly keys: number;
  /** Clients stop issuing operations at this time. */
  readonly stopAtMs: number;
  readonly requestTimeoutMs: number;
}

export interface RunOptions {
  readonly scenario: string;
  readonly seed: string;
  readonly servers: number;
  readonly observers: number;
  readonly zab: Omit<ZabConfig, 'voters' | 'observers'>;
  readonly network: NetworkOptions;
  readonly disk: DiskOptions;
  readonly workload: WorkloadOptions;
  /** Timed faults; all of them happen before `faultsUntilMs`. */
  readonly faults: readonly FaultEvent[];
  /** After this time: heal everything, restart and resume every node (the liveness phase). */
  readonly faultsUntilMs: number;
  /** The run ends here; liveness is judged at the end. */
  readonly durationMs: number;
  readonly eventsMax: number;
  /**
   * The ZooKeeper service (data tree, sessions, watches, ACLs) with ZooKeeper clients and recipe
   * hosts instead of the kv store (sim/service/fuzz-app.ts); absent: the kv store.
   */
  readonly service?: ServiceSpec;
}

export function baseRunOptions(scenario: string, seed: string, servers: number, observers: number): RunOptions {
  const { voters: _v, observers: _o, ...zab } = defaultZabConfig([1], []);
  return {
    scenario,
    seed,
    servers,
    observers,
    zab,
    network: DEFAULT_NETWORK,
    disk: DEFAULT_DISK,
    workload: { clients: 3, meanIntervalMs: 200, keys: 5, stopAtMs: 60_000, requestTimeoutMs: 8_000 },
    faults: [],
    faultsUntilMs: 0,
    durationMs: 60_000,
    eventsMax: 5_000_000,
  };
}

export function zabConfigOf(options: RunOptions): ZabConfig {
  const voters = Array.from({ length: options.servers }, (_, i) => i + 1);
  const observers = Array.from({ length: options.observers }, (_, i) => options.servers + i + 1);
  return { ...options.zab, voters, observers };
}

export function serverIds(options: RunOptions): number[] {
  return Array.from({ length: options.servers + options.observers }, (_, i) => i + 1);
}

export function clientIds(options: RunOptions): number[] {
  const first = options.servers + options.observers + 1;
  return Array.from({ length: options.workload.clients }, (_, i) => first + i);
}

export type { LinkFaultWindow };
