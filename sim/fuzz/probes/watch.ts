// Runs every probe detector of a run as one kernel observer. Hooks are dispatched by observation
// kind and message type, so an event costs a map lookup plus the few detectors that care about it;
// nothing scans every server or the history per event. The watch only reads: adding it leaves the
// run and its trace unchanged.
import type { NodeId } from '../../../protocol/program.js';
import type { ZabObservation } from '../../../protocol/zab/effects.js';
import type { ZabMessage } from '../../../protocol/zab/messages.js';
import type { Kernel, KernelObserver } from '../../kernel/kernel.js';
import type { FaultEvent } from '../../zab/faults.js';
import { PROBES } from './registry.js';
import type { ProbeContext, ProbeDef, ProbeHooks } from './types.js';

type Handler = (a: NodeId, b: never, c?: never) => void;

function add<K>(table: Map<K, Handler[]>, key: K, fn: Handler): void {
  const list = table.get(key);
  if (list === undefined) table.set(key, [fn]);
  else list.push(fn);
}

/** Copy on write: a dispatch loop running over the old list is not disturbed. */
function drop<K>(table: Map<K, Handler[]>, key: K, fn: Handler): void {
  const list = (table.get(key) ?? []).filter((f) => f !== fn);
  if (list.length === 0) table.delete(key);
  else table.set(key, list);
}

export class ProbeWatch implements KernelObserver, ProbeContext {
  readonly kernel: Kernel;
  readonly voters: number;
  readonly observers: number;
  readonly quorum: number;
  activeLeader: NodeId | null = null;
  establishedEpoch = 0;
  readonly leading = new Set<NodeId>();
  private readonly roles = new Map<NodeId, string>();
  private readonly phases = new Map<NodeId, string>();
  /** Client → xid → the operation invoked, for opOf; kept only while a detector that reads it is unreached. */
  private readonly ops = new Map<NodeId, Map<number, unknown>>();
  /** The probes not yet reached whose detectors read opOf (ProbeHooks.readsOps). */
  private readonly opReaders = new Set<string>();
  private readonly reached = new Set<string>();
  private readonly defs: readonly ProbeDef[];
  private readonly onObserve = new Map<string, Handler[]>();
  private readonly onNoted = new Map<string, Handler[]>();
  private readonly onDelivered = new Map<string, Handler[]>();
  private readonly onSent = new Map<string, Handler[]>();
  private readonly onCrashed: ((n: NodeId) => void)[] = [];
  private readonly onRestarted: ((n: NodeId) => void)[] = [];
  private readonly onFault: ((f: FaultEvent, who: readonly NodeId[]) => void)[] = [];
  /** Per probe, how to take its keyed handlers out once it is reached (a reached probe has nothing left to watch). */
  private readonly uninstall = new Map<string, (() => void)[]>();

  constructor(kernel: Kernel, voters: number, observers: number, defs: readonly ProbeDef[] = PROBES) {
    this.kernel = kernel;
    this.voters = voters;
    this.observers = observers;
    this.quorum = Math.floor(voters / 2) + 1;
    this.defs = defs;
    for (const d of defs) this.install(d.name, d.detector(this));
  }

  private install(name: string, h: ProbeHooks): void {
    const undo: (() => void)[] = [];
    const keyed = (table: Map<string, Handler[]>, hooks: object | undefined): void => {
      for (const [k, fn] of Object.entries(hooks ?? {})) {
        add(table, k, fn as Handler);
        undo.push(() => drop(table, k, fn as Handler));
      }
    };
    keyed(this.onObserve, h.observe);
    keyed(this.onNoted, h.noted);
    keyed(this.onDelivered, h.delivered);
    keyed(this.onSent, h.sent);
    this.uninstall.set(name, undo);
    if (h.readsOps === true) this.opReaders.add(name);
    if (h.crashed !== undefined) this.onCrashed.push(h.crashed);
    if (h.restarted !== undefined) this.onRestarted.push(h.restarted);
    if (h.fault !== undefined) this.onFault.push(h.fault);
  }

  isObserver(id: NodeId): boolean {
    return id > this.voters && id <= this.voters + this.observers;
  }

  roleOf(id: NodeId): string {
    return this.roles.get(id) ?? 'LOOKING';
  }

  phaseOf(id: NodeId): string {
    return this.phases.get(id) ?? 'ELECTION';
  }

  opOf(client: NodeId, xid: number): unknown {
    return this.ops.get(client)?.get(xid);
  }

  hit(name: string): void {
    if (this.reached.has(name)) return;
    this.reached.add(name);
    // Most probes are reached early in a run; their per-event handlers stop costing anything then.
    for (const undo of this.uninstall.get(name) ?? []) undo();
    // Once no unreached detector reads the operations, the table is no longer kept.
    if (this.opReaders.delete(name) && this.opReaders.size === 0) this.ops.clear();
  }

  /** The probes this run reached, in registry order. */
  hits(): string[] {
    return this.defs.filter((d) => this.reached.has(d.name)).map((d) => d.name);
  }

  observe(node: NodeId, what: unknown): void {
    const o = what as ZabObservation;
    switch (o.kind) {
      case 'role':
        this.roles.set(node, o.role);
        this.phases.set(node, o.phase);
        if (o.role === 'LEADING') this.leading.add(node);
        else {
          this.leading.delete(node);
          if (this.activeLeader === node) this.activeLeader = null;
        }
        break;
      case 'established':
        if (o.epoch > this.establishedEpoch) this.establishedEpoch = o.epoch;
        break;
      case 'activated':
        this.activeLeader = node;
        break;
      case 'invoke':
        if (this.opReaders.size > 0) {
          let byXid = this.ops.get(o.client);
          if (byXid === undefined) this.ops.set(o.client, (byXid = new Map()));
          byXid.set(o.xid, o.op);
        }
        break;
    }
    const list = this.onObserve.get(o.kind);
    if (list !== undefined) for (const fn of list) fn(node, o as never);
    if (o.kind === 'complete') this.ops.get(o.client)?.delete(o.xid);
  }

  noted(node: NodeId, fact: unknown): void {
    const f = fact as ZabObservation;
    const list = this.onNoted.get(f.kind);
    if (list !== undefined) for (const fn of list) fn(node, f as never);
  }

  delivered(from: NodeId, to: NodeId, msg: unknown): void {
    const list = this.onDelivered.get((msg as ZabMessage).type);
    if (list !== undefined) for (const fn of list) (fn as unknown as (a: NodeId, b: NodeId, m: ZabMessage) => void)(from, to, msg as ZabMessage);
  }

  sent(from: NodeId, to: NodeId, msg: unknown): void {
    const list = this.onSent.get((msg as ZabMessage).type);
    if (list !== undefined) for (const fn of list) (fn as unknown as (a: NodeId, b: NodeId, m: ZabMessage) => void)(from, to, msg as ZabMessage);
  }

  crashed(node: NodeId): void {
    for (const fn of this.onCrashed) fn(node);
    this.roles.delete(node);
    this.phases.delete(node);
    this.leading.delete(node);
    if (this.activeLeader === node) this.activeLeader = null;
  }

  restarted(node: NodeId): void {
    for (const fn of this.onRestarted) fn(node);
  }

  /** The fuzzer applied fault `f`, resolved to `who` (sim/zab/faults.ts applyFaultIn). */
  fault(f: FaultEvent, who: readonly NodeId[]): void {
    for (const fn of this.onFault) fn(f, who);
  }
}
