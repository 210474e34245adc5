// The environment every verb of the scenario language acts on: the kernel and its checker once
// `cluster` has built them, the clients by name, what the current command has printed so far, and
// the facts the renderer (render.ts) collects while time moves. Verbs (verbs/*.ts) read and change it;
// the driver (script.ts) runs one command at a time against it.
//
// Time only moves in `run`, client calls (which run until the operation completes unless `nowait`)
// and the waits of `session` and the recipe verbs: faults happen at the current instant, between events.
import type { NodeId } from '../../protocol/program.js';
import type { ZabConfig } from '../../protocol/zab/config.js';
import type { ZabServer } from '../../protocol/zab/state.js';
import type { Kernel, RunResult } from '../kernel/kernel.js';
import type { TraceSink } from '../trace/sink.js';
import type { ZabChecker } from '../zab/checker.js';

export const MS = 1000;
/** `run until=` and client calls give up after this much virtual time unless `max=` says otherwise. */
export const DEFAULT_MAX_MS = 30_000;
/** More events than this in one command means a livelock, not a scenario. */
export const EVENTS_PER_COMMAND = 2_000_000;

/** A protocol-triggered fault: the next `type` packet `from` → `to` is lost with its connection. */
export interface DropRule {
  readonly from: NodeId;
  readonly to: NodeId;
  readonly type: string;
}

/** A client call invoked and not yet completed: who made it, and how to print it. */
export interface OpenOp {
  readonly client: string;
  readonly text: string;
}

/** A recipe client's claim (lock acquired, leader, released, members, or lost when it died). */
export interface Claim {
  readonly atUs: number;
  readonly node: NodeId;
  readonly recipe: string;
  readonly event: string;
  readonly detail: unknown;
}

export class ScriptEnv {
  readonly errors: string[] = [];
  expectations = 0;
  kernel: Kernel | null = null;
  config: ZabConfig | null = null;
  checker: ZabChecker | null = null;
  servers: NodeId[] = [];
  readonly clients = new Map<string, NodeId>();
  readonly clientNames = new Map<NodeId, string>();
  readonly openOps = new Map<string, OpenOp>();
  /** The call a client command waits for, and whether its client has invoked it yet. */
  awaited: { readonly key: string; invoked: boolean } | null = null;
  drops: DropRule[] = [];
  /** Lines produced while time moves (or a fault runs a step), for the current command. */
  events: string[] = [];
  /** Message types whose deliveries and drops the current command prints. */
  showTypes: ReadonlySet<string> = new Set();
  /** The notes each server wrote during the last command that moved time (`notes N`). */
  notes = new Map<NodeId, string[]>();
  /** Why each server last left its role (from the structured fact on its note), until it is LOOKING. */
  readonly leftRole = new Map<NodeId, { readonly from: string; readonly reason: string }>();
  /** The last DIFF/TRUNC/SNAP each learner was sent, as `sync-modes` prints it. */
  readonly syncModes = new Map<NodeId, string>();
  /** The mode alone of the same syncs, for `expect sync`. */
  readonly syncModeNames = new Map<NodeId, string>();
  until: (() => boolean) | null = null;
  /** Set when an assertion or error stopped the cluster; later commands that move time refuse. */
  broken: string | null = null;
  readonly tee: TraceSink | null;
  /** `cluster service=zk`: the ZooKeeper state machine, ZooKeeper clients and recipes. */
  zk = false;
  seed = '';
  /** Per ZooKeeper client: its session id (0 until connected) and state. */
  readonly sessions = new Map<NodeId, { id: number; state: string }>();
  /** Per client name: the server that sent its last completion. */
  readonly lastReplyFrom = new Map<string, NodeId>();
  /** Watch events per client node, in order. */
  readonly watchEvents = new Map<NodeId, string[]>();
  /** Recipe claims, in order. */
  readonly claims: Claim[] = [];
  /** Which recipe each recipe client runs. */
  readonly recipes = new Map<NodeId, string>();
  readonly expiredSessions = new Set<number>();
  /** The verdict of the last `check liveness`, if the scenario asked. */
  liveness: { readonly ok: boolean; readonly text: string } | null = null;

  constructor(tee: TraceSink | null = null) {
    this.tee = tee;
  }

  /** Virtual time now, in ms. */
  get nowMs(): number {
    return this.kernel === null ? 0 : this.kernel.nowUs / MS;
  }

  get k(): Kernel {
    if (this.kernel === null) throw new Error('no cluster');
    return this.kernel;
  }

  server(id: NodeId): ZabServer | undefined {
    return this.k.stateOf(id) as ZabServer | undefined;
  }

  serverArg(text: string | undefined): NodeId {
    const id = Number(text);
    if (!this.servers.includes(id)) throw new Error(`no server '${text}'`);
    return id;
  }

  /** Clients and servers by name: `3`, `c1`. */
  nodeArg(text: string | undefined): NodeId {
    if (text !== undefined && this.clients.has(text)) return this.clients.get(text) as NodeId;
    return this.serverArg(text);
  }

  nodeName(id: NodeId): string {
    return this.clientNames.get(id) ?? String(id);
  }

  activeLeader(): NodeId | null {
    for (const id of this.servers) {
      const s = this.server(id);
      if (s !== undefined && s.role === 'LEADING' && s.phase === 'BROADCAST') return id;
    }
    return null;
  }

  /** Every running server is in BROADCAST under one active leader. */
  allBroadcast(): boolean {
    const leader = this.activeLeader();
    if (leader === null) return false;
    for (const id of this.servers) {
      if (!this.k.isUp(id) || this.k.isPaused(id) || id === leader) continue;
      const s = this.server(id);
      if (s === undefined || s.learner === null || s.learner.leader !== leader || s.learner.stage !== 'BROADCAST') return false;
    }
    return true;
  }

  /**
   * Runs until call `key` has been invoked and has completed. The APP_OP can queue behind events
   * left at this instant (a `run until=` stops mid-instant), so "not open" alone is not "done".
   */
  awaitCall(key: string, max: number): boolean {
    const awaited = { key, invoked: false };
    this.awaited = awaited;
    try {
      return this.advance(max, () => awaited.invoked && !this.openOps.has(key));
    } finally {
      this.awaited = null;
    }
  }

  /** Runs for at most `ms`; with a test, stops as soon as it holds. Returns whether it held. */
  advance(ms: number, test: (() => boolean) | null): boolean {
    if (this.broken !== null) throw new Error(`the cluster stopped earlier: ${this.broken}`);
    this.notes = new Map();
    const k = this.k;
    this.until = test;
    let result: RunResult;
    try {
      result = k.run({ timeMaxUs: k.nowUs + ms * MS, eventsMax: k.eventCount + EVENTS_PER_COMMAND });
    } finally {
      this.until = null;
    }
    if (result.stop === 'assertion' || result.stop === 'error') {
      this.broken = `${result.stop} on server ${result.error?.node}: ${result.error?.message}`;
      if (result.stop === 'assertion') this.checker?.recordAssertion(result.error?.node ?? 0, result.error?.message ?? 'assertion');
      this.events.push(`stopped: ${this.broken}`);
      return false;
    }
    if (result.stop === 'events') throw new Error(`more than ${EVENTS_PER_COMMAND} events in one command`);
    return result.stop === 'requested';
  }

  /** A dead process holds nothing: for `expect holders`, its lock or leadership ends when it dies. */
  clientDied(id: NodeId): void {
    const recipe = this.recipes.get(id);
    if (recipe !== undefined) this.claims.push({ atUs: this.k.nowUs, node: id, recipe, event: 'lost', detail: 'process died' });
  }

  needZk(verb: string): void {
    if (!this.zk) throw new Error(`'${verb}' needs a ZooKeeper ensemble: cluster ... service=zk`);
  }

  /** The ZooKeeper client named after a verb (`get c1 /a`), which must have been opened. */
  zkClient(name: string | undefined, verb: string): NodeId {
    if (name === undefined) throw new Error(`expected a client name after '${verb}'`);
    const id = this.clients.get(name);
    if (id === undefined) throw new Error(`no client '${name}': open it first with \`session open ${name}\``);
    return id;
  }
}
