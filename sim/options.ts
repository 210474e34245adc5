// Every option that shapes a run. The whole object is written into the trace header, so a trace is
// enough to replay its run.

export type LatencyDistribution =
  | { readonly kind: 'constant'; readonly us: number }
  | { readonly kind: 'uniform'; readonly minUs: number; readonly maxUs: number }
  | { readonly kind: 'exponential'; readonly meanUs: number; readonly minUs: number };

/** A window of trouble on some links: loss, duplication or extra delay (clogging). */
export interface LinkFaultWindow {
  /** Sender, or '*' for any. */
  readonly from: number | '*';
  /** Receiver, or '*' for any. */
  readonly to: number | '*';
  readonly fromUs: number;
  readonly untilUs: number;
  readonly lossProbability?: number;
  readonly duplicateProbability?: number;
  readonly extraDelayUs?: number;
}

export interface NetworkOptions {
  /**
   * 'tcp' (default): faults keep TCP's promises. A lost message resets its connection (it and
   * everything still in flight behind it are gone; later sends use a new connection), and a
   * duplicated segment is discarded by TCP (traced, never delivered). 'datagram': loss and
   * duplication hit single messages inside a live connection, which Zab's FIFO assumption does not
   * allow (teaching only).
   */
  readonly channel: 'tcp' | 'datagram';
  readonly latency: LatencyDistribution;
  /** Per-link overrides keyed "from->to". */
  readonly linkLatency: Readonly<Record<string, LatencyDistribution>>;
  /** Teaching only: when false, messages inside one connection may overtake each other. */
  readonly fifo: boolean;
  /** Messages in flight per connection; one more is dropped and recorded as an overflow. */
  readonly linkQueueMax: number;
  readonly faultWindows: readonly LinkFaultWindow[];
}

export interface DiskOptions {
  /** How long one fsync takes, drawn per fsync (one runs at a time per node: sim/kernel/disks.ts). */
  readonly fsyncMinUs: number;
  readonly fsyncMaxUs: number;
  /** Whether writes that were not yet fsynced survive a crash (an OS that flushed them anyway). */
  readonly unsyncedSurviveCrash: boolean;
}

export interface KernelOptions {
  readonly seed: string;
  /** The run stops at this virtual time. */
  readonly timeMaxUs: number;
  /** ...or after this many events, whichever comes first. */
  readonly eventsMax: number;
  readonly network: NetworkOptions;
  readonly disk: DiskOptions;
}

export const DEFAULT_NETWORK: NetworkOptions = {
  channel: 'tcp',
  latency: { kind: 'exponential', meanUs: 300, minUs: 100 },
  linkLatency: {},
  fifo: true,
  linkQueueMax: 10_000,
  faultWindows: [],
};

export const DEFAULT_DISK: DiskOptions = { fsyncMinUs: 200, fsyncMaxUs: 2_000, unsyncedSurviveCrash: false };

export function defaultKernelOptions(seed: string): KernelOptions {
  return { seed, timeMaxUs: 60_000_000, eventsMax: 5_000_000, network: DEFAULT_NETWORK, disk: DEFAULT_DISK };
}
