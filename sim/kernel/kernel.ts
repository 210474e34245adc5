// The simulation kernel: it drives pure reducers (protocol/program.ts) through a seeded virtual
// world and executes their effects in order. It owns the node lifecycle (boot, crash, restart,
// pause, disk wipe) and the run loop; the event queue and clock (queue.ts), the network of TCP-like
// connections (network.ts) and the disks with explicit fsync (disks.ts) are their own modules.
import type { Effect, Event, Micros, NodeId } from '../../protocol/program.js';
import { AssertionError } from '../../protocol/assert.js';
import type { KernelOptions, LinkFaultWindow } from '../options.js';
import { forkRng, type Rng } from '../rng.js';
import type { TraceSink } from '../trace/sink.js';
import { NullSink } from '../trace/sink.js';
import type { DecisionTape } from './decision-tape.js';
import { Disks, NodeDisk } from './disks.js';
import { Network } from './network.js';
import type { AnyProgram, NodeRuntime } from './node.js';
import { ACTION, DELIVER, DRAWN, EventQueue, FSYNC, RESET, TIMER, type QueuedEvent } from './queue.js';

export type { DecisionTape } from './decision-tape.js';

/**
 * A process that exits (an `exit` effect, ZooKeeper's requestSystemExit) is started again from its
 * disk by a supervisor after a delay drawn uniformly from this range on the timer stream and
 * traced (systemd's Restart=on-failure waits RestartSec, 100 ms by default, then the JVM and
 * ZooKeeper take seconds to start; the range covers both).
 */
export const SUPERVISOR_RESTART_MIN_US = 1_000_000;
export const SUPERVISOR_RESTART_MAX_US = 5_000_000;

/**
 * A node's timer that fired or was cancelled keeps its key with this generation (never handed out:
 * generations start at 1) rather than being deleted: a node sets and clears the same dozen names
 * thousands of times a run, and V8's Map rebuilds its table as deleted entries pile up (0.8% of a
 * fuzz seed's allocation was that rebuilding). No queued timer carries it, so none fires on it.
 */
const TIMER_UNSET = 0;

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

export class Kernel {
  readonly options: KernelOptions;
  eventCount = 0;
  private readonly queue = new EventQueue();
  private readonly nodes = new Map<NodeId, NodeRuntime>();
  /** The same nodes by id, for the hot path. */
  private readonly nodeById: (NodeRuntime | undefined)[] = [];
  private readonly network: Network;
  private readonly disks: Disks;
  private readonly timerRng: Rng;
  /** The values reducers ask for with draw effects (ZooKeeper's snapshot roll). */
  private readonly drawRng: Rng;
  private readonly trace: TraceSink;
  private readonly observers: KernelObserver[] = [];
  private readonly persistObservers: KernelObserver[] = [];
  /** Observers per hook, so a step calls only the hooks that exist (the hot path runs per event). */
  private readonly deliverObservers: KernelObserver[] = [];
  private readonly stepObservers: KernelObserver[] = [];
  private readonly observeObservers: KernelObserver[] = [];
  private readonly noteObservers: KernelObserver[] = [];
  private tape: DecisionTape | null = null;
  private stopRequested: string | null = null;
  /** The last timer generation handed out (generations are unique across nodes and timers). */
  private nextTimerGen = 0;

  constructor(options: KernelOptions, trace: TraceSink = new NullSink()) {
    this.options = options;
    this.trace = trace;
    this.network = new Network(options.network, forkRng(options.seed, 'network'), this.queue, trace, this.nodeById);
    this.timerRng = forkRng(options.seed, 'timers');
    this.drawRng = forkRng(options.seed, 'draws');
    this.disks = new Disks(options.disk, forkRng(options.seed, 'disk'));
  }

  /** Virtual time now. */
  get nowUs(): Micros {
    return this.queue.nowUs;
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
      disk: new NodeDisk(disk ?? program.emptyDisk()),
      timers: new Map(),
      timerSkew: 1,
    };
    this.nodes.set(id, runtime);
    this.nodeById[id] = runtime;
  }

  addObserver(observer: KernelObserver): void {
    this.observers.push(observer);
    if (observer.sent !== undefined) this.network.sentHooks.push(observer.sent.bind(observer));
    if (observer.persisted !== undefined) this.persistObservers.push(observer);
    if (observer.delivered !== undefined) this.deliverObservers.push(observer);
    if (observer.stepped !== undefined) this.stepObservers.push(observer);
    if (observer.observe !== undefined) this.observeObservers.push(observer);
    if (observer.noted !== undefined) this.noteObservers.push(observer);
  }

  /** Replay by meaning: take random decisions from (and record them on) a keyed tape. */
  setTape(tape: DecisionTape | null): void {
    this.tape = tape;
    this.network.tape = tape;
    this.disks.tape = tape;
  }

  /** Test-only: one extra draw from a stream, to show that replay by meaning survives it. */
  perturbStream(stream: 'network' | 'timers' | 'disk'): void {
    if (stream === 'network') this.network.perturb();
    else if (stream === 'timers') this.timerRng.next();
    else this.disks.perturb();
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

  /** The node's durable disk image (without writes still in the OS buffer). */
  diskOf(id: NodeId): unknown {
    return this.node(id).disk.image;
  }

  // ---------------------------------------------------------------- faults

  /** Cuts the one-way link from → to. Its connection breaks; in-flight messages are lost. */
  cutLink(from: NodeId, to: NodeId): void {
    this.network.cutLink(from, to);
  }

  healLink(from: NodeId, to: NodeId): void {
    this.network.healLink(from, to);
  }

  /** Cuts every link between different groups, both ways. Nodes not named stay connected to all. */
  partition(groups: readonly (readonly NodeId[])[], reason = 'partition'): void {
    this.record({ k: 'fault', fault: reason, groups });
    for (let g = 0; g < groups.length; g++) {
      for (let h = 0; h < groups.length; h++) {
        if (g === h) continue;
        for (const a of groups[g] ?? []) for (const b of groups[h] ?? []) this.network.cutLink(a, b);
      }
    }
  }

  healAll(): void {
    this.record({ k: 'fault', fault: 'heal' });
    this.network.healAll();
  }

  /** Adds a window of loss, duplication or delay (a fault that fires at run time). */
  addFaultWindow(window: LinkFaultWindow): void {
    this.record({ k: 'fault', fault: 'window', ...window });
    this.network.addFaultWindow(window);
  }

  isCut(from: NodeId, to: NodeId): boolean {
    return this.network.isCut(from, to);
  }

  /**
   * Crashes a node; unsynced writes are lost unless `keepUnsynced` (or the disk option) says
   * otherwise. `exit` adds the process's exit code and its supervisor's restart time to the record.
   */
  crash(id: NodeId, options: { keepUnsynced?: boolean; exit?: { code: number; restartAtUs: Micros } } = {}): void {
    const node = this.node(id);
    if (!node.up) return;
    const keep = options.keepUnsynced ?? this.options.disk.unsyncedSurviveCrash;
    const lostWrites = keep ? 0 : node.disk.pendingCount;
    const exit = options.exit;
    this.record(
      exit === undefined
        ? { k: 'fault', fault: 'crash', node: id, lostWrites }
        : { k: 'fault', fault: 'crash', node: id, lostWrites, exit: exit.code, restartAt: exit.restartAtUs },
    );
    node.disk.crash(node.program, keep);
    node.up = false;
    node.paused = false;
    node.deferred = [];
    node.state = undefined;
    node.incarnation++;
    node.timers.clear();
    this.network.crashed(id, this.nodes.values());
    for (const o of this.observers) o.crashed?.(id, node.disk.image, this.queue.nowUs);
  }

  restart(id: NodeId, options: { wipeDisk?: boolean } = {}): void {
    const node = this.node(id);
    if (node.up) return;
    if (options.wipeDisk === true) node.disk.image = node.program.emptyDisk();
    this.record({ k: 'fault', fault: options.wipeDisk === true ? 'restart-wiped' : 'restart', node: id });
    for (const o of this.observers) o.restarted?.(id, this.queue.nowUs);
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
    for (const event of deferred) this.queue.requeue(event);
  }

  /**
   * A disk stall (a slow-disk fault): until `untilUs`, every fsync `id` starts takes `extraUs` more
   * (disks.ts). The stall outlives a crash: it is the device, not the process.
   */
  stallDisk(id: NodeId, untilUs: Micros, extraUs: Micros): void {
    this.node(id);
    this.disks.stall(id, untilUs, extraUs);
    this.record({ k: 'fault', fault: 'slow-disk', node: id, untilUs, extraUs });
  }

  setTimerSkew(id: NodeId, factor: number): void {
    if (!(factor > 0)) throw new Error(`timer skew must be > 0, got ${factor}`);
    this.node(id).timerSkew = factor;
    this.record({ k: 'fault', fault: 'skew', node: id, factor });
  }

  /** Runs `action` at virtual time `atUs` (faults, workload, scenario steps). */
  at(atUs: Micros, action: () => void): void {
    this.queue.action(Math.max(atUs, this.queue.nowUs), action);
  }

  /** Hands a node an event from the outside world, now, as a step of its own. */
  inject(to: NodeId, msg: unknown): void {
    this.queue.deliver(to, this.queue.nowUs, 0, 0, msg, 0);
  }

  requestStop(reason: string): void {
    this.stopRequested = reason;
  }

  /** Writes a record into the trace (scenario narration, checker verdicts). */
  record(record: Record<string, unknown>): void {
    if (this.trace.enabled) this.trace.line({ t: this.queue.nowUs, ...record });
  }

  // ---------------------------------------------------------------- run loop

  run(until: { timeMaxUs?: Micros; eventsMax?: number } = {}): RunResult {
    const timeMaxUs = until.timeMaxUs ?? this.options.timeMaxUs;
    const eventsMax = until.eventsMax ?? this.options.eventsMax;
    const queue = this.queue;
    this.stopRequested = null;
    try {
      for (;;) {
        if (this.eventCount >= eventsMax) return this.result('events');
        const next = queue.peek();
        if (next === undefined) return this.result('idle');
        if (next.t > timeMaxUs) {
          queue.nowUs = timeMaxUs;
          return this.result('time');
        }
        queue.pop();
        this.eventCount++;
        this.dispatch(next);
        queue.recycle(next);
        if (this.stopRequested !== null) return this.result('requested');
      }
    } catch (error) {
      const failure = error as Error & { node?: NodeId };
      const node = failure.node ?? 0;
      const stop: RunStop = error instanceof AssertionError ? 'assertion' : 'error';
      this.record({ k: stop, node, message: failure.message });
      const stack = failure.stack;
      return { stop, events: this.eventCount, nowUs: this.queue.nowUs, error: { node, message: failure.message, ...(stack === undefined ? {} : { stack }) } };
    }
  }

  private result(stop: RunStop): RunResult {
    return { stop, events: this.eventCount, nowUs: this.queue.nowUs };
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
    if (!node.up || event.incarnation !== node.incarnation) return; // from an earlier life
    if (node.paused) {
      event.held = true;
      node.deferred.push(event);
      return;
    }
    switch (event.kind) {
      case TIMER: {
        if (node.timers.get(event.timer) !== event.timerGen) return; // reset or cancelled since
        node.timers.set(event.timer, TIMER_UNSET);
        if (this.trace.enabled) this.trace.text(`{"t":${this.queue.nowUs},"k":"timer","node":${node.id},"timer":${JSON.stringify(event.timer)}}`);
        this.step(node, { type: 'timeout', timer: event.timer, now: this.queue.nowUs });
        return;
      }
      case FSYNC: {
        const flushed = node.disk.flush(node.program, event.writeMark);
        if (this.trace.enabled) this.trace.text(`{"t":${this.queue.nowUs},"k":"fsync","node":${node.id},"token":${event.fsyncToken},"writes":${flushed}}`);
        this.step(node, { type: 'fsynced', token: event.fsyncToken });
        return;
      }
      case RESET: {
        this.step(node, { type: 'peerReset', peer: event.from });
        return;
      }
      case DRAWN: {
        this.step(node, { type: 'drawn', key: event.drawKey, value: event.drawValue });
        return;
      }
      default:
        throw new Error(`unknown queued event kind ${event.kind}`);
    }
  }

  private onDeliver(node: NodeRuntime, event: QueuedEvent): void {
    const from = event.from;
    if (from !== 0) {
      if (!this.network.arrives(from, node, event.conn, event.msg, event.sentUs)) return;
    } else if (!node.up) {
      return;
    }
    if (node.paused) {
      event.held = true;
      node.deferred.push(event);
      return;
    }
    const nowUs = this.queue.nowUs;
    if (this.trace.enabled) {
      this.trace.text(
        `{"t":${nowUs},"k":"deliver","from":${from},"to":${node.id},"conn":${event.conn},"sent":${event.sentUs},"msg":${JSON.stringify(node.program.describe(event.msg))}}`,
      );
    }
    for (const o of this.deliverObservers) o.delivered!(from, node.id, event.msg, nowUs);
    this.step(node, { type: 'deliver', from, conn: event.conn, msg: event.msg });
  }

  private boot(node: NodeRuntime): void {
    node.up = true;
    node.paused = false;
    node.timers.clear();
    if (node.program.restoredImage !== undefined) node.disk.image = node.program.restoredImage(node.disk.image);
    node.state = node.program.boot(node.id, node.disk.image);
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
    // Indexed, not destructured: array destructuring goes through the iterator protocol unless V8
    // proves the array is a plain one, and this runs once per event.
    const next = transition[0];
    const effects = transition[1];
    node.state = next;
    const exitCode = effects.length > 0 ? this.execute(node, effects) : null;
    for (const o of this.stepObservers) o.stepped!(node.id, next, this.queue.nowUs);
    if (exitCode !== null) this.exitProcess(node, exitCode);
  }

  /**
   * The node's process exited: it stops as a crash stops it (ZooKeeper's txn log appends sit in a
   * buffered stream until FileTxnLog.commit, so an exit loses what a crash loses), and its
   * supervisor boots it from disk after a delay. A fault that restarts or crashes it meanwhile
   * (a new incarnation) cancels the supervisor's restart.
   */
  private exitProcess(node: NodeRuntime, code: number): void {
    const draw = (): number => this.timerRng.intInclusive(SUPERVISOR_RESTART_MIN_US, SUPERVISOR_RESTART_MAX_US);
    const delayUs = this.tape === null ? draw() : this.tape.decide(`${node.id} restart`, draw);
    const restartAtUs = this.queue.nowUs + delayUs;
    this.crash(node.id, { exit: { code, restartAtUs } });
    const incarnation = node.incarnation;
    this.queue.action(restartAtUs, () => {
      if (!node.up && node.incarnation === incarnation) this.restart(node.id);
    });
  }

  /** Runs a step's effects in order; returns the exit code if the step exits the process (its later effects are dropped), else null. */
  private execute(node: NodeRuntime, effects: readonly Effect<unknown, unknown, unknown>[]): number | null {
    const tracing = this.trace.enabled;
    const nowUs = this.queue.nowUs;
    for (const effect of effects) {
      switch (effect.type) {
        case 'send':
          this.network.send(node, effect.to, effect.msg, effect.conn);
          break;
        case 'reconnect':
          this.network.reconnect(node.id, effect.to);
          break;
        case 'reply':
          if (tracing) this.trace.line({ t: nowUs, k: 'reply', node: node.id, client: effect.client, msg: node.program.describe(effect.msg) });
          this.network.send(node, effect.client, effect.msg);
          break;
        case 'persist':
          node.disk.buffer(effect.write);
          if (tracing) this.trace.text(`{"t":${nowUs},"k":"persist","node":${node.id},"write":${JSON.stringify(node.program.describeWrite(effect.write))}}`);
          if (this.persistObservers.length > 0) for (const o of this.persistObservers) o.persisted?.(node.id, effect.write, false, nowUs);
          break;
        case 'persistSync':
          node.disk.image = node.program.applyWrite(node.disk.image, effect.write);
          if (tracing) this.trace.line({ t: nowUs, k: 'persist', node: node.id, write: node.program.describeWrite(effect.write), sync: true });
          if (this.persistObservers.length > 0) for (const o of this.persistObservers) o.persisted?.(node.id, effect.write, true, nowUs);
          break;
        case 'fsync': {
          // The SyncThread plans when this fsync completes (disks.ts); it makes durable every write buffered so far.
          const atUs = this.disks.fsyncDoneAt(node.disk, node.id, nowUs);
          this.queue.fsync(node.id, atUs, effect.token, node.disk.writeMark, node.incarnation);
          break;
        }
        case 'setTimer': {
          const current = node.timers.get(effect.timer);
          const gen = (current === undefined || current === TIMER_UNSET ? this.nextTimerGen : current) + 1;
          this.nextTimerGen = gen;
          node.timers.set(effect.timer, gen);
          const picked =
            this.tape === null
              ? this.timerRng.intInclusive(effect.minUs, effect.maxUs)
              : this.tape.decide(`${node.id} timer ${effect.timer}`, () => this.timerRng.intInclusive(effect.minUs, effect.maxUs));
          const durationUs = Math.round(picked * node.timerSkew);
          const atUs = nowUs + durationUs;
          if (tracing) this.trace.text(`{"t":${nowUs},"k":"setTimer","node":${node.id},"timer":${JSON.stringify(effect.timer)},"at":${atUs}}`);
          this.queue.timer(node.id, atUs, effect.timer, gen, node.incarnation);
          break;
        }
        case 'cancelTimer':
          node.timers.set(effect.timer, TIMER_UNSET);
          break;
        case 'draw': {
          const max = effect.max - 1;
          const value =
            this.tape === null ? this.drawRng.intInclusive(0, max) : this.tape.decide(`${node.id} draw ${effect.key}`, () => this.drawRng.intInclusive(0, max));
          if (tracing) this.trace.text(`{"t":${nowUs},"k":"draw","node":${node.id},"key":${JSON.stringify(effect.key)},"value":${value}}`);
          this.queue.drawn(node.id, nowUs, effect.key, value, node.incarnation);
          break;
        }
        case 'observe':
          // Built by hand like deliveries (the same bytes JSON.stringify gives the whole record): a
          // run observes a few times per txn, and the wrapper object and its stringify showed up.
          if (tracing) this.trace.text(`{"t":${nowUs},"k":"observe","node":${node.id},"what":${JSON.stringify(effect.what)}}`);
          this.notifyObserve(node.id, effect.what);
          break;
        case 'note':
          if (tracing) this.trace.line({ t: nowUs, k: 'note', node: node.id, text: effect.text });
          if (effect.fact !== undefined && this.noteObservers.length > 0) for (const o of this.noteObservers) o.noted!(node.id, effect.fact, nowUs);
          break;
        case 'exit':
          return effect.code;
        default: {
          const never: never = effect;
          throw new Error(`unknown effect ${JSON.stringify(never)}`);
        }
      }
    }
    return null;
  }

  /**
   * Every observation goes to every observing checker. One loop would make its call site see
   * each checker's class in turn (megamorphic, a dictionary lookup per call); a call site per
   * position stays monomorphic, since runs attach their checkers in a fixed order.
   */
  private notifyObserve(node: NodeId, what: unknown): void {
    const list = this.observeObservers;
    const n = list.length;
    if (n === 0) return;
    const now = this.queue.nowUs;
    list[0]!.observe!(node, what, now);
    if (n === 1) return;
    list[1]!.observe!(node, what, now);
    if (n === 2) return;
    list[2]!.observe!(node, what, now);
    if (n === 3) return;
    list[3]!.observe!(node, what, now);
    for (let i = 4; i < n; i++) list[i]!.observe!(node, what, now);
  }

  private node(id: NodeId): NodeRuntime {
    // The array, not the Map: checkers look states and disks up several times per txn.
    const node = this.nodeById[id];
    if (node === undefined) throw new Error(`no node ${id}`);
    return node;
  }
}
