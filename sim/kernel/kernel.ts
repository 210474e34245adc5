// The simulation kernel: a seeded virtual clock, a virtual network of TCP-like connections, per-node
// disks with explicit fsync, and the node lifecycle (crash, restart, pause, disk wipe). It drives
// pure reducers (protocol/program.ts) and executes their effects in order.
//
// Connections. Each ordered pair (from, to) has a current connection number. While the link is up,
// a connection is FIFO: a message is never delivered before one sent earlier on it. Breaking a link
// (partition, or a crash of either end) bumps the number; messages still in flight carry the old
// number and are discarded when they arrive, so nothing from a broken connection is ever delivered.
// The next send after a heal opens a new connection, and the receiver sees its new number.
import type { Effect, Event, Micros, NodeId, NodeProgram } from '../../protocol/program.js';
import { AssertionError } from '../../protocol/assert.js';
import type { KernelOptions, LatencyDistribution, LinkFaultWindow } from '../options.js';
import { forkRng, type Rng } from '../rng.js';
import type { TraceSink } from '../trace/sink.js';
import { NullSink } from '../trace/sink.js';
import { EventHeap, type Scheduled } from './heap.js';

// The kernel drives programs of every state and message type; their type parameters are erased here.
type AnyProgram = NodeProgram<any, any, any, any, any>;

const DELIVER = 0;
const TIMER = 1;
const FSYNC = 2;
const RESET = 3;
const ACTION = 4;

/** One queue entry. A single shape for every kind keeps the hot path monomorphic. */
interface QueuedEvent extends Scheduled {
  kind: number;
  node: NodeId;
  from: NodeId;
  conn: number;
  msg: unknown;
  sentUs: number;
  name: string;
  gen: number;
  action: (() => void) | null;
  /** Kept by a paused node; must not go back to the free list. */
  held: boolean;
}

interface Link {
  conn: number;
  cut: boolean;
  lastDeliveryUs: number;
  inflight: number;
  latency: LatencyDistribution;
}

interface NodeRuntime {
  readonly id: NodeId;
  readonly program: AnyProgram;
  state: unknown;
  up: boolean;
  paused: boolean;
  /** Bumped on crash: timers and fsyncs of an earlier life are discarded. */
  incarnation: number;
  deferred: QueuedEvent[];
  disk: unknown;
  /** Buffered writes not yet fsynced; `flushedCount` writes were flushed before index 0. */
  pending: unknown[];
  flushedCount: number;
  /**
   * The SyncThread's fsyncs (ZooKeeper's SyncRequestProcessor): the start and end of the last one
   * planned. One runs at a time; ends are strictly ordered.
   */
  syncStartUs: number;
  syncEndUs: number;
  timers: Map<string, number>;
  /** Multiplies every timer duration of this node (clock skew); 1 by default. */
  timerSkew: number;
}

export type RunStop = 'time' | 'events' | 'idle' | 'requested' | 'assertion' | 'error';

export interface RunResult {
  readonly stop: RunStop;
  readonly events: number;
  readonly nowUs: Micros;
  readonly error?: { readonly node: NodeId; readonly message: string; readonly stack?: string };
}

/** Hooks for checkers and reports. All optional; each is called synchronously, in event order. */
export interface KernelObserver {
  observe?(node: NodeId, what: unknown, nowUs: Micros): void;
  delivered?(from: NodeId, to: NodeId, msg: unknown, nowUs: Micros): void;
  stepped?(node: NodeId, state: unknown, nowUs: Micros): void;
  crashed?(node: NodeId, disk: unknown, nowUs: Micros): void;
  restarted?(node: NodeId, nowUs: Micros): void;
  /** A node handed a message to the network (before loss, partition or latency is decided). */
  sent?(from: NodeId, to: NodeId, msg: unknown, nowUs: Micros): void;
  /** A node wrote to its disk: buffered (`sync` false, durable at the next fsync) or synchronously. */
  persisted?(node: NodeId, write: unknown, sync: boolean, nowUs: Micros): void;
  /** A node wrote a note that carries a structured fact (the trace keeps only the note's text). */
  noted?(node: NodeId, fact: unknown, nowUs: Micros): void;
}

/**
 * Replay by meaning (sim/fuzz/tape.ts). When set, every random draw of the kernel is looked up by
 * a key naming what it decides ("1>2 PROPOSAL 0x100000003" latency, "2 timer election", ...) and its
 * occurrence; a key not on the tape falls back to the stream (`draw`). Null in ordinary runs.
 */
export interface DecisionTape {
  decide(key: string, draw: () => number): number;
}

export class Kernel {
  readonly options: KernelOptions;
  nowUs: Micros = 0;
  eventCount = 0;
  private readonly heap = new EventHeap<QueuedEvent>();
  private readonly nodes = new Map<NodeId, NodeRuntime>();
  /** The same nodes by id, for the hot path. */
  private readonly nodeById: (NodeRuntime | undefined)[] = [];
  /** links[from][to], created on first use. */
  private readonly links: (Link | undefined)[][] = [];
  private readonly allLinks: Link[] = [];
  private readonly networkRng: Rng;
  private readonly timerRng: Rng;
  private readonly diskRng: Rng;
  private readonly trace: TraceSink;
  private readonly observers: KernelObserver[] = [];
  /** Observers with a `sent` / `persisted` hook: empty (one length check) unless a trigger is armed. */
  private readonly sendObservers: KernelObserver[] = [];
  private readonly persistObservers: KernelObserver[] = [];
  /** Observers per hook, so a step calls only the hooks that exist (the hot path runs per event). */
  private readonly deliverObservers: KernelObserver[] = [];
  private readonly stepObservers: KernelObserver[] = [];
  private readonly observeObservers: KernelObserver[] = [];
  private readonly noteObservers: KernelObserver[] = [];
  private tape: DecisionTape | null = null;
  private stopRequested: string | null = null;
  private readonly windows: LinkFaultWindow[];
  private readonly tcp: boolean;
  private readonly fifo: boolean;
  private readonly linkQueueMax: number;
  /** Spent queue entries, reused by `push`: the hot path then allocates no event objects. */
  private readonly pool: QueuedEvent[] = [];

  constructor(options: KernelOptions, trace: TraceSink = new NullSink()) {
    this.options = options;
    this.trace = trace;
    this.networkRng = forkRng(options.seed, 'network');
    this.timerRng = forkRng(options.seed, 'timers');
    this.diskRng = forkRng(options.seed, 'disk');
    this.windows = options.network.faultWindows.slice();
    this.tcp = options.network.channel !== 'datagram';
    this.fifo = options.network.fifo;
    this.linkQueueMax = options.network.linkQueueMax;
  }

  // ---------------------------------------------------------------- setup

  addNode(id: NodeId, program: AnyProgram, disk?: unknown): void {
    if (this.nodes.has(id)) throw new Error(`node ${id} added twice`);
    if (!Number.isInteger(id) || id <= 0 || id >= 4096) throw new Error(`node id must be an integer in 1..4095, got ${id}`);
    const runtime: NodeRuntime = {
      id,
      program,
      state: undefined,
      up: false,
      paused: false,
      incarnation: 0,
      deferred: [],
      disk: disk ?? program.emptyDisk(),
      pending: [],
      flushedCount: 0,
      syncStartUs: 0,
      syncEndUs: 0,
      timers: new Map(),
      timerSkew: 1,
    };
    this.nodes.set(id, runtime);
    this.nodeById[id] = runtime;
  }

  addObserver(observer: KernelObserver): void {
    this.observers.push(observer);
    if (observer.sent !== undefined) this.sendObservers.push(observer);
    if (observer.persisted !== undefined) this.persistObservers.push(observer);
    if (observer.delivered !== undefined) this.deliverObservers.push(observer);
    if (observer.stepped !== undefined) this.stepObservers.push(observer);
    if (observer.observe !== undefined) this.observeObservers.push(observer);
    if (observer.noted !== undefined) this.noteObservers.push(observer);
  }

  /** Replay by meaning: take random decisions from (and record them on) a keyed tape. */
  setTape(tape: DecisionTape | null): void {
    this.tape = tape;
  }

  /** Test-only: one extra draw from a stream, to show that replay by meaning survives it. */
  perturbStream(stream: 'network' | 'timers' | 'disk'): void {
    (stream === 'network' ? this.networkRng : stream === 'timers' ? this.timerRng : this.diskRng).next();
  }

  /** Boots every node that is not up yet, in id order. */
  startAll(): void {
    const ids = [...this.nodes.keys()].sort((a, b) => a - b);
    for (const id of ids) {
      const node = this.node(id);
      if (!node.up) this.boot(node);
    }
  }

  nodeIds(): NodeId[] {
    return [...this.nodes.keys()].sort((a, b) => a - b);
  }

  isUp(id: NodeId): boolean {
    return this.node(id).up;
  }

  isPaused(id: NodeId): boolean {
    return this.node(id).paused;
  }

  /** The node's current volatile state (undefined while crashed). For checkers and reports. */
  stateOf(id: NodeId): unknown {
    return this.node(id).state;
  }

  diskOf(id: NodeId): unknown {
    return this.node(id).disk;
  }

  // ---------------------------------------------------------------- faults

  /** Cuts the one-way link from → to. Its connection breaks; in-flight messages are lost. */
  cutLink(from: NodeId, to: NodeId): void {
    const link = this.link(from, to);
    if (link.cut) return;
    link.cut = true;
    this.breakSocket(from, to);
  }

  healLink(from: NodeId, to: NodeId): void {
    this.link(from, to).cut = false;
  }

  /** Cuts every link between different groups, both ways. Nodes not named stay connected to all. */
  partition(groups: readonly (readonly NodeId[])[], reason = 'partition'): void {
    this.record({ k: 'fault', fault: reason, groups });
    for (let g = 0; g < groups.length; g++) {
      for (let h = 0; h < groups.length; h++) {
        if (g === h) continue;
        for (const a of groups[g] ?? []) for (const b of groups[h] ?? []) this.cutLink(a, b);
      }
    }
  }

  healAll(): void {
    this.record({ k: 'fault', fault: 'heal' });
    for (const link of this.allLinks) link.cut = false;
  }

  /** Adds a window of loss, duplication or delay (a fault that fires at run time). */
  addFaultWindow(window: LinkFaultWindow): void {
    this.record({ k: 'fault', fault: 'window', ...window });
    this.windows.push(window);
  }

  isCut(from: NodeId, to: NodeId): boolean {
    return this.link(from, to).cut;
  }

  /** Crashes a node; unsynced writes are lost unless `keepUnsynced` (or the disk option) says otherwise. */
  crash(id: NodeId, options: { keepUnsynced?: boolean } = {}): void {
    const node = this.node(id);
    if (!node.up) return;
    const keep = options.keepUnsynced ?? this.options.disk.unsyncedSurviveCrash;
    this.record({ k: 'fault', fault: 'crash', node: id, lostWrites: keep ? 0 : node.pending.length });
    if (keep) this.flush(node, node.flushedCount + node.pending.length);
    node.pending = [];
    node.flushedCount = 0;
    node.syncStartUs = 0;
    node.syncEndUs = 0;
    node.up = false;
    node.paused = false;
    node.deferred = [];
    node.state = undefined;
    node.incarnation++;
    node.timers.clear();
    for (const peer of this.nodes.values()) {
      if (peer.id === id) continue;
      const out = this.links[id]?.[peer.id];
      const back = this.links[peer.id]?.[id];
      if (out !== undefined) this.breakConnection(out);
      if (back !== undefined) this.breakConnection(back);
      // The OS of the dead process resets its sockets; the peer hears it unless the link is cut.
      if (peer.up && (out === undefined || !out.cut)) {
        this.push(RESET, peer.id, this.nowUs + this.latencyOf(this.link(id, peer.id), id, peer.id, 'RESET'), id, 0, null, '', peer.incarnation);
      }
    }
    for (const o of this.observers) o.crashed?.(id, node.disk, this.nowUs);
  }

  restart(id: NodeId, options: { wipeDisk?: boolean } = {}): void {
    const node = this.node(id);
    if (node.up) return;
    if (options.wipeDisk === true) node.disk = node.program.emptyDisk();
    this.record({ k: 'fault', fault: options.wipeDisk === true ? 'restart-wiped' : 'restart', node: id });
    for (const o of this.observers) o.restarted?.(id, this.nowUs);
    this.boot(node);
  }

  pause(id: NodeId): void {
    const node = this.node(id);
    if (!node.up || node.paused) return;
    this.record({ k: 'fault', fault: 'pause', node: id });
    node.paused = true;
  }

  resume(id: NodeId): void {
    const node = this.node(id);
    if (!node.paused) return;
    this.record({ k: 'fault', fault: 'resume', node: id, deferred: node.deferred.length });
    node.paused = false;
    const deferred = node.deferred;
    node.deferred = [];
    for (const event of deferred) {
      event.t = this.nowUs;
      event.held = false;
      this.heap.push(event);
    }
  }

  setTimerSkew(id: NodeId, factor: number): void {
    if (!(factor > 0)) throw new Error(`timer skew must be > 0, got ${factor}`);
    this.node(id).timerSkew = factor;
    this.record({ k: 'fault', fault: 'skew', node: id, factor });
  }

  /** Runs `action` at virtual time `atUs` (faults, workload, scenario steps). */
  at(atUs: Micros, action: () => void): void {
    this.push(ACTION, 0, Math.max(atUs, this.nowUs), 0, 0, null, '', 0, action);
  }

  /** Hands a node an event from the outside world, now, as a step of its own. */
  inject(to: NodeId, msg: unknown): void {
    this.push(DELIVER, to, this.nowUs, 0, 0, msg, '', 0);
  }

  requestStop(reason: string): void {
    this.stopRequested = reason;
  }

  /** Writes a record into the trace (scenario narration, checker verdicts). */
  record(record: Record<string, unknown>): void {
    if (this.trace.enabled) this.trace.line({ t: this.nowUs, ...record });
  }

  // ---------------------------------------------------------------- run loop

  run(until: { timeMaxUs?: Micros; eventsMax?: number } = {}): RunResult {
    const timeMaxUs = until.timeMaxUs ?? this.options.timeMaxUs;
    const eventsMax = until.eventsMax ?? this.options.eventsMax;
    this.stopRequested = null;
    try {
      for (;;) {
        if (this.eventCount >= eventsMax) return this.result('events');
        const next = this.heap.peek();
        if (next === undefined) return this.result('idle');
        if (next.t > timeMaxUs) {
          this.nowUs = timeMaxUs;
          return this.result('time');
        }
        this.heap.pop();
        this.nowUs = next.t;
        this.eventCount++;
        this.dispatch(next);
        if (!next.held && this.pool.length < 4096) {
          next.msg = null;
          next.action = null;
          this.pool.push(next);
        }
        if (this.stopRequested !== null) return this.result('requested');
      }
    } catch (error) {
      const failure = error as Error & { node?: NodeId };
      const node = failure.node ?? 0;
      const stop: RunStop = error instanceof AssertionError ? 'assertion' : 'error';
      this.record({ k: stop, node, message: failure.message });
      const stack = failure.stack;
      return { stop, events: this.eventCount, nowUs: this.nowUs, error: { node, message: failure.message, ...(stack === undefined ? {} : { stack }) } };
    }
  }

  private result(stop: RunStop): RunResult {
    return { stop, events: this.eventCount, nowUs: this.nowUs };
  }

  private dispatch(event: QueuedEvent): void {
    if (event.kind === ACTION) {
      (event.action as () => void)();
      return;
    }
    const node = this.nodeById[event.node] as NodeRuntime;
    if (event.kind === DELIVER) {
      this.onDeliver(node, event);
      return;
    }
    if (!node.up || event.gen !== node.incarnation) return; // from an earlier life
    if (node.paused) {
      event.held = true;
      node.deferred.push(event);
      return;
    }
    switch (event.kind) {
      case TIMER: {
        if (node.timers.get(event.name) !== event.conn) return; // reset or cancelled since
        node.timers.delete(event.name);
        if (this.trace.enabled) this.trace.text(`{"t":${this.nowUs},"k":"timer","node":${node.id},"timer":${JSON.stringify(event.name)}}`);
        this.step(node, { type: 'timeout', timer: event.name, now: this.nowUs });
        return;
      }
      case FSYNC: {
        const flushed = this.flush(node, event.conn);
        if (this.trace.enabled) this.trace.text(`{"t":${this.nowUs},"k":"fsync","node":${node.id},"token":${event.from},"writes":${flushed}}`);
        this.step(node, { type: 'fsynced', token: event.from });
        return;
      }
      case RESET: {
        this.step(node, { type: 'peerReset', peer: event.from });
        return;
      }
      default:
        throw new Error(`unknown queued event kind ${event.kind}`);
    }
  }

  private onDeliver(node: NodeRuntime, event: QueuedEvent): void {
    const from = event.from;
    if (from !== 0) {
      const link = this.link(from, node.id);
      if (event.conn !== link.conn) {
        this.drop(from, node.id, event.msg, 'connection-broken', event.sentUs);
        return;
      }
      if (!node.up) {
        link.inflight--;
        this.drop(from, node.id, event.msg, 'node-down', event.sentUs);
        return;
      }
      if (node.paused) {
        event.held = true;
        node.deferred.push(event);
        return;
      }
      link.inflight--;
    } else if (!node.up) {
      return;
    } else if (node.paused) {
      event.held = true;
      node.deferred.push(event);
      return;
    }
    if (this.trace.enabled) {
      this.trace.text(
        `{"t":${this.nowUs},"k":"deliver","from":${from},"to":${node.id},"conn":${event.conn},"sent":${event.sentUs},"msg":${JSON.stringify(node.program.describe(event.msg))}}`,
      );
    }
    for (const o of this.deliverObservers) o.delivered!(from, node.id, event.msg, this.nowUs);
    this.step(node, { type: 'deliver', from, conn: event.conn, msg: event.msg });
  }

  private boot(node: NodeRuntime): void {
    node.up = true;
    node.paused = false;
    node.timers.clear();
    node.state = node.program.boot(node.id, node.disk);
    this.step(node, { type: 'start' });
  }

  private step(node: NodeRuntime, event: Event<unknown>): void {
    let transition;
    try {
      transition = node.program.step(node.state, event);
    } catch (error) {
      (error as { node?: NodeId }).node = node.id;
      throw error;
    }
    const [next, effects] = transition;
    node.state = next;
    if (effects.length > 0) this.execute(node, effects);
    for (const o of this.stepObservers) o.stepped!(node.id, next, this.nowUs);
  }

  private execute(node: NodeRuntime, effects: readonly Effect<unknown, unknown, unknown>[]): void {
    const tracing = this.trace.enabled;
    for (const effect of effects) {
      switch (effect.type) {
        case 'send':
          this.send(node, effect.to, effect.msg);
          break;
        case 'reply':
          if (tracing) this.trace.line({ t: this.nowUs, k: 'reply', node: node.id, client: effect.client, msg: node.program.describe(effect.msg) });
          this.send(node, effect.client, effect.msg);
          break;
        case 'persist':
          node.pending.push(effect.write);
          if (tracing)
            this.trace.text(`{"t":${this.nowUs},"k":"persist","node":${node.id},"write":${JSON.stringify(node.program.describeWrite(effect.write))}}`);
          if (this.persistObservers.length > 0) for (const o of this.persistObservers) o.persisted?.(node.id, effect.write, false, this.nowUs);
          break;
        case 'persistSync':
          node.disk = node.program.applyWrite(node.disk, effect.write);
          if (tracing) this.trace.line({ t: this.nowUs, k: 'persist', node: node.id, write: node.program.describeWrite(effect.write), sync: true });
          if (this.persistObservers.length > 0) for (const o of this.persistObservers) o.persisted?.(node.id, effect.write, true, this.nowUs);
          break;
        case 'fsync': {
          // The SyncThread (SyncRequestProcessor.run): one fsync at a time. A request that comes
          // while an fsync runs waits for the next one, which starts when that one ends and covers
          // every write queued by then (group commit); requests that come before it starts join
          // it. Completions, and so a learner's ACKs and the leader's self-ACKs, stay in log order.
          let atUs: number;
          if (this.nowUs >= node.syncEndUs) {
            atUs = this.nowUs + this.fsyncDuration(node);
            node.syncStartUs = this.nowUs;
            node.syncEndUs = atUs;
          } else if (this.nowUs < node.syncStartUs) {
            atUs = node.syncEndUs;
          } else {
            atUs = node.syncEndUs + this.fsyncDuration(node);
            node.syncStartUs = node.syncEndUs;
            node.syncEndUs = atUs;
          }
          // `conn` carries the absolute write mark, `from` the reducer's token.
          this.push(FSYNC, node.id, atUs, effect.token, node.flushedCount + node.pending.length, null, '', node.incarnation);
          break;
        }
        case 'setTimer': {
          const gen = (node.timers.get(effect.timer) ?? this.nextTimerGen) + 1;
          this.nextTimerGen = gen;
          node.timers.set(effect.timer, gen);
          const picked =
            this.tape === null
              ? this.timerRng.intInclusive(effect.minUs, effect.maxUs)
              : this.tape.decide(`${node.id} timer ${effect.timer}`, () => this.timerRng.intInclusive(effect.minUs, effect.maxUs));
          const durationUs = Math.round(picked * node.timerSkew);
          const atUs = this.nowUs + durationUs;
          if (tracing) this.trace.text(`{"t":${this.nowUs},"k":"setTimer","node":${node.id},"timer":${JSON.stringify(effect.timer)},"at":${atUs}}`);
          this.push(TIMER, node.id, atUs, 0, gen, null, effect.timer, node.incarnation);
          break;
        }
        case 'cancelTimer':
          node.timers.delete(effect.timer);
          break;
        case 'observe':
          // Built by hand like deliveries (the same bytes JSON.stringify gives the whole record): a
          // run observes a few times per txn, and the wrapper object and its stringify showed up.
          if (tracing) this.trace.text(`{"t":${this.nowUs},"k":"observe","node":${node.id},"what":${JSON.stringify(effect.what)}}`);
          this.notifyObserve(node.id, effect.what);
          break;
        case 'note':
          if (tracing) this.trace.line({ t: this.nowUs, k: 'note', node: node.id, text: effect.text });
          if (effect.fact !== undefined && this.noteObservers.length > 0) for (const o of this.noteObservers) o.noted!(node.id, effect.fact, this.nowUs);
          break;
        default: {
          const never: never = effect;
          throw new Error(`unknown effect ${JSON.stringify(never)}`);
        }
      }
    }
  }

  private nextTimerGen = 0;

  /**
   * Every observation goes to every observing checker. One loop would make its call site see
   * each checker's class in turn (megamorphic, a dictionary lookup per call); a call site per
   * position stays monomorphic, since runs attach their checkers in a fixed order.
   */
  private notifyObserve(node: NodeId, what: unknown): void {
    const list = this.observeObservers;
    const n = list.length;
    if (n === 0) return;
    const now = this.nowUs;
    list[0]!.observe!(node, what, now);
    if (n === 1) return;
    list[1]!.observe!(node, what, now);
    if (n === 2) return;
    list[2]!.observe!(node, what, now);
    if (n === 3) return;
    list[3]!.observe!(node, what, now);
    for (let i = 4; i < n; i++) list[i]!.observe!(node, what, now);
  }

  /** How long one fsync takes, from the disk stream. No closure unless a tape is set. */
  private fsyncDuration(node: NodeRuntime): number {
    const d = this.options.disk;
    return this.tape === null
      ? this.diskRng.intInclusive(d.fsyncMinUs, d.fsyncMaxUs)
      : this.tape.decide(`${node.id} fsync`, () => this.diskRng.intInclusive(d.fsyncMinUs, d.fsyncMaxUs));
  }

  /** Makes buffered writes durable up to the absolute write index `mark`. Returns how many. */
  private flush(node: NodeRuntime, mark: number): number {
    const count = Math.min(mark - node.flushedCount, node.pending.length);
    if (count <= 0) return 0;
    let disk = node.disk;
    for (let i = 0; i < count; i++) disk = node.program.applyWrite(disk, node.pending[i]);
    node.disk = disk;
    node.pending = count === node.pending.length ? [] : node.pending.slice(count);
    node.flushedCount += count;
    return count;
  }

  // ---------------------------------------------------------------- network

  private send(node: NodeRuntime, to: NodeId, msg: unknown): void {
    const target = this.nodeById[to];
    if (target === undefined) throw new AssertionError(`node ${node.id} sent to unknown node ${to}`);
    const link = this.link(node.id, to);
    if (this.sendObservers.length > 0) for (const o of this.sendObservers) o.sent?.(node.id, to, msg, this.nowUs);
    if (link.cut) {
      this.drop(node.id, to, msg, 'partition', this.nowUs);
      return;
    }
    if (!target.up) {
      this.drop(node.id, to, msg, 'node-down', this.nowUs);
      // The dead process's OS refuses the connection (RST), unless the link itself is down.
      if (!this.link(to, node.id).cut) this.push(RESET, node.id, this.nowUs + this.latencyOf(link, to, node.id, 'RESET'), to, 0, null, '', node.incarnation);
      return;
    }
    let extraDelayUs = 0;
    let copies = 1;
    const what = this.tape === null ? '' : `${node.id}>${to} ${node.program.describe(msg)}`;
    if (this.windows.length > 0) {
      for (const w of this.windows) {
        if (this.nowUs < w.fromUs || this.nowUs >= w.untilUs) continue;
        if (w.from !== '*' && w.from !== node.id) continue;
        if (w.to !== '*' && w.to !== to) continue;
        if (w.lossProbability !== undefined && this.chanceOf(w.lossProbability, what, 'loss')) {
          this.drop(node.id, to, msg, 'loss', this.nowUs);
          if (this.tcp) this.breakSocket(node.id, to);
          return;
        }
        if (w.duplicateProbability !== undefined && this.chanceOf(w.duplicateProbability, what, 'dup')) {
          if (this.tcp) {
            // TCP discards a duplicated segment below the application: it is traced, never delivered.
            // (Delivering it again, even over a new connection, would be a resend that neither
            // ZooKeeper's learners nor its clients ever make.)
            if (this.trace.enabled) this.trace.line({ t: this.nowUs, k: 'duplicate', from: node.id, to, msg: node.program.describe(msg), suppressed: 'tcp' });
          } else {
            copies = 2;
          }
        }
        if (w.extraDelayUs !== undefined) extraDelayUs += w.extraDelayUs;
      }
    }
    for (let c = 0; c < copies; c++) {
      if (link.inflight >= this.linkQueueMax) {
        this.drop(node.id, to, msg, 'overflow', this.nowUs);
        return;
      }
      let atUs = this.nowUs + (this.tape === null ? this.sampleLatency(link) : this.tape.decide(what, () => this.sampleLatency(link))) + extraDelayUs;
      if (this.fifo) {
        if (atUs < link.lastDeliveryUs) atUs = link.lastDeliveryUs;
        link.lastDeliveryUs = atUs;
      }
      link.inflight++;
      if (c === 1 && this.trace.enabled) this.trace.line({ t: this.nowUs, k: 'duplicate', from: node.id, to, msg: node.program.describe(msg) });
      this.push(DELIVER, to, atUs, node.id, link.conn, msg, '', 0, null, this.nowUs);
    }
  }

  private drop(from: NodeId, to: NodeId, msg: unknown, reason: string, sentUs: number): void {
    if (!this.trace.enabled) return;
    const program = (this.nodes.get(to) ?? this.nodes.get(from))?.program;
    this.trace.text(
      `{"t":${this.nowUs},"k":"drop","from":${from},"to":${to},"reason":${JSON.stringify(reason)},"sent":${sentUs},"msg":${JSON.stringify(program === undefined ? '?' : program.describe(msg))}}`,
    );
  }

  /**
   * Under TCP both directions share one socket: a fault on either kills both. With datagrams only
   * the named direction's connection number changes.
   */
  private breakSocket(from: NodeId, to: NodeId): void {
    this.breakConnection(this.link(from, to));
    if (this.tcp) this.breakConnection(this.link(to, from));
  }

  private breakConnection(link: Link): void {
    link.conn++;
    link.inflight = 0;
    link.lastDeliveryUs = 0;
  }

  private chanceOf(probability: number, what: string, kind: string): boolean {
    if (this.tape === null) return this.networkRng.chance(probability);
    return this.tape.decide(`${what} ${kind}`, () => (this.networkRng.chance(probability) ? 1 : 0)) === 1;
  }

  private latencyOf(link: Link, from: NodeId, to: NodeId, what: string): number {
    return this.tape === null ? this.sampleLatency(link) : this.tape.decide(`${from}>${to} ${what}`, () => this.sampleLatency(link));
  }

  private sampleLatency(link: Link): number {
    const d = link.latency;
    switch (d.kind) {
      case 'constant':
        return d.us;
      case 'uniform':
        return this.networkRng.intInclusive(d.minUs, d.maxUs);
      case 'exponential':
        return d.minUs + this.networkRng.exponential(d.meanUs);
      default:
        throw new Error(`unknown latency distribution ${JSON.stringify(d)}`);
    }
  }

  private link(from: NodeId, to: NodeId): Link {
    let row = this.links[from];
    if (row === undefined) {
      row = [];
      this.links[from] = row;
    }
    let link = row[to];
    if (link === undefined) {
      const latency = this.options.network.linkLatency[`${from}->${to}`] ?? this.options.network.latency;
      link = { conn: 1, cut: false, lastDeliveryUs: 0, inflight: 0, latency };
      row[to] = link;
      this.allLinks.push(link);
    }
    return link;
  }

  private node(id: NodeId): NodeRuntime {
    // The array, not the Map: checkers look states and disks up several times per txn.
    const node = this.nodeById[id];
    if (node === undefined) throw new Error(`no node ${id}`);
    return node;
  }

  private push(
    kind: number,
    node: NodeId,
    t: Micros,
    from: NodeId,
    conn: number,
    msg: unknown,
    name: string,
    gen: number,
    action: (() => void) | null = null,
    sentUs = 0,
  ): void {
    const event = this.pool.pop();
    if (event === undefined) {
      this.heap.push({ t, seq: 0, kind, node, from, conn, msg, sentUs, name, gen, action, held: false });
      return;
    }
    event.t = t;
    event.kind = kind;
    event.node = node;
    event.from = from;
    event.conn = conn;
    event.msg = msg;
    event.sentUs = sentUs;
    event.name = name;
    event.gen = gen;
    event.action = action;
    event.held = false;
    this.heap.push(event);
  }
}
