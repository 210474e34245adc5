// The Zab scenario language: a deterministic simulated ensemble driven one command at a time, each
// command printing compact facts (one per line, ZooKeeper names). Scenario files live in
// scenarios/<topic>/*.txt in the datadriven format (datadriven.ts); the syntax of every verb is in the
// comment above its handler and in scenarios/README.md.
//
// Time only moves in `run`, `write`/`read` (which run until the operation completes unless `nowait`)
// and nothing else: faults happen at the current instant, between events.
import type { Effect, NodeId, NodeProgram } from '../../protocol/program.js';
import { basicClientProgram, type BasicClient } from '../../protocol/client/basic-client.js';
import { defaultZabConfig, type Mutant, type SyncPersistence, type ZabConfig } from '../../protocol/zab/config.js';
import type { ZabDisk, ZabWrite } from '../../protocol/zab/disk.js';
import type { ZabObservation } from '../../protocol/zab/effects.js';
import { historyBase, historyCount, lastLoggedZxid, txnAt } from '../../protocol/zab/history.js';
import { kvStateMachine, type KvBody, type KvOp, type KvState } from '../../protocol/kv/state-machine.js';
import { mapGet } from '../../protocol/tree/hamt.js';
import type { ZabMessage } from '../../protocol/zab/messages.js';
import { describeNodeMessage as describeMessage } from '../../protocol/node/describe.js';
import { kvServerProgram } from '../../protocol/node/kv-node.js';
import { zookeeperServerProgram } from '../../protocol/node/zookeeper-node.js';
import type { ZabServer } from '../../protocol/zab/state.js';
import type { Txn } from '../../protocol/zab/txn.js';
import { pvecGet } from '../../protocol/pvec.js';
import { formatZxid, type Zxid } from '../../protocol/zxid.js';
import { Kernel, type RunResult } from '../kernel/kernel.js';
import { DEFAULT_DISK, DEFAULT_NETWORK, type KernelOptions } from '../options.js';
import type { TraceSink } from '../trace/sink.js';
import { lineHasher } from '../trace/hash.js';
import { ZAB_CHECKERS, ZabChecker } from '../zab/checker.js';
import { narrationOf, parseCommand, parseDatadriven, renderDatadriven, type Command, type Stanza } from './datadriven.js';
import { defaultZkClientConfig, zkClientProgram, type ZkClientConfig, type ZkCommand } from '../../protocol/client/zk-client.js';
import { recipeProgram, type Recipe } from '../../protocol/client/recipes/host.js';
import { lockRecipe } from '../../protocol/client/recipes/lock.js';
import { groupRecipe } from '../../protocol/client/recipes/group.js';
import { ephemeralsOf, getNode, type DataTree } from '../../protocol/tree/index.js';
import { TriggerWatch } from '../fuzz/triggers.js';
import { AssertionError } from '../../protocol/assert.js';
import { EXIT } from '../cli/errors.js';
import { applyFaultIn, describeAction, describeTrigger, type FaultAction, type FaultEvent, type Target, type Trigger } from '../zab/faults.js';
import { forkRng } from '../rng.js';
import { TRACE_VERSION } from '../trace/sink.js';
import { judgeRecovery, LIVENESS_CLASSES } from '../checkers/recovery.js';
import { describeClaim, describeZkCommand, describeZkCompletion, zkCallOf, ZK_CALL_SYNTAX } from './zk-words.js';

const MS = 1000;
/** `run until=` and `write` give up after this much virtual time unless `max=` says otherwise. */
const DEFAULT_MAX_MS = 30_000;
const EVENTS_PER_COMMAND = 2_000_000;

type ServerProgram = NodeProgram<ZabServer, ZabMessage, ZabWrite, ZabDisk, ZabObservation>;
type ZabEffect = Effect<ZabMessage, ZabWrite, ZabObservation>;

/** A protocol-triggered fault: the next `type` packet `from` → `to` is lost with its connection. */
interface DropRule {
  readonly from: NodeId;
  readonly to: NodeId;
  readonly type: string;
}

interface OpenOp {
  readonly client: string;
  readonly text: string;
}

/** Captures what scenarios print: notes per node, and dropped messages. */
class ScenarioSink implements TraceSink {
  readonly enabled = true;
  readonly version = TRACE_VERSION;
  lines = 0;
  private readonly rolling = lineHasher(TRACE_VERSION);
  private readonly onRecord: (record: Record<string, unknown>) => void;
  /** Another sink (a trace file) that sees every record too. */
  private readonly tee: TraceSink | null;
  constructor(onRecord: (record: Record<string, unknown>) => void, tee: TraceSink | null = null) {
    this.onRecord = onRecord;
    this.tee = tee;
  }
  line(record: object): void {
    this.lines++;
    this.rolling.update(JSON.stringify(record));
    this.tee?.line(record);
    this.onRecord(record as Record<string, unknown>);
  }
  text(line: string): void {
    this.lines++;
    this.rolling.update(line);
    this.tee?.text(line);
    this.onRecord(JSON.parse(line) as Record<string, unknown>);
  }
  hash(): string {
    return this.rolling.hex();
  }
  close(): string {
    return this.hash();
  }
}

/** The result of interpreting a whole scenario file. */
export interface ScriptResult {
  /** The file with every output replaced by what the commands printed now. */
  readonly text: string;
  /** Failed expectations (`check expect=`, `expect ...`) and command errors, with line numbers. */
  readonly errors: readonly string[];
  /** How many expectations (`check expect=` and `expect` facts) ran. */
  readonly expectations: number;
  /** Every stanza as run: its narration, command, output and the virtual time after it. */
  readonly steps: readonly StepResult[];
  /** The checkers' final verdicts (empty when no cluster was created), and `liveness` if checked. */
  readonly verdicts: Readonly<Record<string, 'ok' | 'violated'>>;
  /** How many commands failed to run (bad arguments, unknown names): the scenario itself is wrong. */
  readonly commandErrors: number;
}

export interface StepResult {
  readonly line: number;
  /** The `#` comment lines just above the command, without the `# `: the step's narration. */
  readonly narration: readonly string[];
  readonly command: string;
  readonly output: readonly string[];
  /** Virtual time when the command finished, in ms. */
  readonly atMs: number;
  readonly failed: boolean;
}

export interface ScriptOptions {
  /** Where error messages say the scenario came from (`scenarios/faults/split-brain.txt`). */
  readonly file?: string;
  /** A sink (trace file) that receives every kernel record, narration and the final verdicts. */
  readonly trace?: TraceSink;
  /** Called after each stanza (the CLI streams the timeline, and pauses with --step). */
  readonly onStep?: (step: StepResult) => void;
  /** Called before each stanza with its narration (the CLI prints it before time moves). */
  readonly beforeStep?: (line: number, narration: readonly string[], command: string) => void;
}

export function runZabScript(input: string, options: ScriptOptions = {}): ScriptResult {
  const pieces = parseDatadriven(input, options.file);
  const narration = narrationOf(pieces);
  const outputs = new Map<Stanza, readonly string[]>();
  const script = new ZabScript(options.trace ?? null);
  const steps: StepResult[] = [];
  const where = options.file === undefined ? 'line' : `${options.file}:`;
  let commandErrors = 0;
  for (const piece of pieces) {
    if (piece.kind !== 'stanza') continue;
    const told = narration.get(piece.stanza) ?? [];
    options.beforeStep?.(piece.stanza.line, told, piece.stanza.command);
    if (told.length > 0) script.narrate(steps.length + 1, told.join(' '));
    const errorsBefore = script.errors.length;
    let lines: string[];
    try {
      lines = script.exec(parseCommand(piece.stanza.command));
    } catch (error) {
      const message = (error as Error).message;
      commandErrors++;
      script.errors.push(`${where}${options.file === undefined ? ' ' : ''}${piece.stanza.line}: ${piece.stanza.command}: ${message}`);
      lines = [`error: ${message}`];
    }
    // Expectation failures found inside a handler get the line too.
    for (let i = errorsBefore; i < script.errors.length; i++) {
      const e = script.errors[i] as string;
      if (!/^(line |\S+:)\d+/.test(e) && !e.startsWith(where)) script.errors[i] = `${where}${options.file === undefined ? ' ' : ''}${piece.stanza.line}: ${e}`;
    }
    const output = lines.length === 0 ? ['ok'] : lines;
    outputs.set(piece.stanza, output);
    const step: StepResult = {
      line: piece.stanza.line,
      narration: told,
      command: piece.stanza.command,
      output,
      atMs: script.nowMs,
      failed: script.errors.length > errorsBefore,
    };
    steps.push(step);
    options.onStep?.(step);
  }
  const verdicts = script.finish(commandErrors);
  return { text: renderDatadriven(pieces, outputs), errors: script.errors, expectations: script.expectations, steps, verdicts, commandErrors };
}

/**
 * The exit code of a scenario run, as for any zabsim run: 2 a command that cannot run; 1 a failed
 * expectation, or a safety checker violated (a bug scenario that reproduces its violation, as it
 * expects, exits 1 too); 3 the last `check liveness` found the ensemble not recovered; else 0.
 */
export function scenarioExitCode(result: Pick<ScriptResult, 'errors' | 'commandErrors' | 'verdicts'>): number {
  if (result.commandErrors > 0) return EXIT.usage;
  if (result.errors.length > 0) return EXIT.safety;
  if (Object.entries(result.verdicts).some(([name, v]) => name !== 'liveness' && v === 'violated')) return EXIT.safety;
  return result.verdicts['liveness'] === 'violated' ? EXIT.liveness : EXIT.ok;
}

export class ZabScript {
  readonly errors: string[] = [];
  expectations = 0;
  private kernel: Kernel | null = null;
  private config: ZabConfig | null = null;
  private checker: ZabChecker | null = null;
  private servers: NodeId[] = [];
  private readonly clients = new Map<string, NodeId>();
  private readonly clientNames = new Map<NodeId, string>();
  private readonly openOps = new Map<string, OpenOp>();
  /** The call a client command waits for, and whether its client has invoked it yet. */
  private awaited: { readonly key: string; invoked: boolean } | null = null;
  private drops: DropRule[] = [];
  /** Lines produced while time moves (or a fault runs a step), for the current command. */
  private events: string[] = [];
  /** Message types whose deliveries and drops the current command prints. */
  private showTypes: ReadonlySet<string> = new Set();
  private notes = new Map<NodeId, string[]>();
  private lastNote = new Map<NodeId, string>();
  private readonly syncModes = new Map<NodeId, string>();
  private until: (() => boolean) | null = null;
  private broken: string | null = null;
  private readonly tee: TraceSink | null;
  /** `cluster service=zk`: the ZooKeeper state machine, ZooKeeper clients and recipes. */
  private zk = false;
  private seed = '';
  /** Per ZooKeeper client: its session id (0 until connected) and state. */
  private readonly sessions = new Map<NodeId, { id: number; state: string }>();
  /** Per client name: the server that sent its last completion. */
  private readonly lastReplyFrom = new Map<string, NodeId>();
  /** Watch events and recipe claims per client node, in order. */
  private readonly watchEvents = new Map<NodeId, string[]>();
  private readonly claims: { atUs: number; node: NodeId; recipe: string; event: string; detail: unknown }[] = [];
  /** Which recipe each recipe client runs. */
  private readonly recipes = new Map<NodeId, string>();
  private readonly expiredSessions = new Set<number>();
  /** The verdict of the last `check liveness`, if the scenario asked. */
  private liveness: { readonly ok: boolean; readonly text: string } | null = null;

  constructor(tee: TraceSink | null = null) {
    this.tee = tee;
  }

  /** Virtual time now, in ms. */
  get nowMs(): number {
    return this.kernel === null ? 0 : this.kernel.nowUs / MS;
  }

  /** Records a step's narration in the trace (reports show it in their story). */
  narrate(step: number, text: string): void {
    if (this.kernel !== null) this.kernel.record({ k: 'phase', phase: `step ${step}`, note: text });
    else this.tee?.line({ k: 'phase', t: 0, phase: `step ${step}`, note: text });
  }

  /** Ends the run: returns the checkers' verdicts and writes them, with the exit code, into the trace. */
  finish(commandErrors = 0): Record<string, 'ok' | 'violated'> {
    if (this.checker === null || this.kernel === null) return {};
    const verdicts = { ...(this.checker.verdicts() as Record<string, 'ok' | 'violated'>) };
    if (this.liveness !== null) verdicts['liveness'] = this.liveness.ok ? 'ok' : 'violated';
    const exitCode = scenarioExitCode({ errors: this.errors, commandErrors, verdicts });
    this.kernel.record({ k: 'verdicts', verdicts, ...(this.liveness === null ? {} : { liveness: this.liveness.text }), exitCode });
    return verdicts;
  }

  exec(cmd: Command): string[] {
    this.events = [];
    this.showTypes = new Set();
    const handler = HANDLERS[cmd.verb];
    if (handler === undefined) throw new Error(`unknown command '${cmd.verb}' (known: ${Object.keys(HANDLERS).join(', ')})`);
    if (cmd.verb !== 'cluster' && this.kernel === null) throw new Error('no cluster yet: start with `cluster`');
    const out = handler(this, cmd);
    return [...this.events, ...out];
  }

  // ---------------------------------------------------------------- cluster

  /**
   * `cluster voters=3 [observers=0] seed=S [tickTimeMs=2000] [initLimit=10] [syncLimit=5]
   *  [commitLogCount=500] [counterStart=0] [syncPersistence=...] [mutant=ZK-1154,...] [down=1,2]`
   * Servers 1..voters vote; the next `observers` ids observe. Servers in `down` are not started
   * (bring them up later with `start`).
   */
  cluster(cmd: Command): string[] {
    if (this.kernel !== null) throw new Error('cluster already created');
    const voters = range(1, intArg(cmd, 'voters', 3));
    const observers = range(voters.length + 1, intArg(cmd, 'observers', 0));
    const seed = cmd.args.get('seed');
    if (seed === undefined) throw new Error('cluster needs seed=');
    const mutants = listArg(cmd, 'mutant') as Mutant[];
    const config: ZabConfig = {
      ...defaultZabConfig(voters, observers),
      tickTimeMs: intArg(cmd, 'tickTimeMs', 2000),
      initLimit: intArg(cmd, 'initLimit', 10),
      syncLimit: intArg(cmd, 'syncLimit', 5),
      commitLogCount: intArg(cmd, 'commitLogCount', 500),
      counterStart: intArg(cmd, 'counterStart', 0),
      syncPersistence: (cmd.args.get('syncPersistence') ?? 'committedOnlyThenEpochThenAck') as SyncPersistence,
      mutants,
    };
    const service = cmd.args.get('service') ?? 'kv';
    if (service !== 'kv' && service !== 'zk')
      throw new Error(`service=${service}: expected kv (a key-value store, write/read) or zk (ZooKeeper: sessions, znodes, recipes)`);
    this.zk = service === 'zk';
    this.seed = seed;
    const kernelOptions: KernelOptions = { seed, timeMaxUs: 0, eventsMax: 0, network: DEFAULT_NETWORK, disk: DEFAULT_DISK };
    this.tee?.line({
      kind: 'header',
      version: TRACE_VERSION,
      seed,
      options: { scenario: 'script', seed, servers: voters.length, observers: observers.length, workload: { clients: 0 }, zab: config, service },
    });
    const kernel = new Kernel(kernelOptions, new ScenarioSink((r) => this.onTrace(r), this.tee));
    this.kernel = kernel;
    this.config = config;
    this.servers = [...voters, ...observers];
    const base = this.zk ? zookeeperServerProgram(config) : kvServerProgram(config);
    const program: ServerProgram = { ...base, step: (s, e) => this.filterDrops(base.step(s, e)) };
    for (const id of this.servers) kernel.addNode(id, program);
    this.checker = new ZabChecker(
      config,
      (id) => kernel.stateOf(id) as ZabServer | undefined,
      (id) => kernel.diskOf(id) as ZabDisk,
    );
    kernel.addObserver(this.checker);
    kernel.addObserver({
      observe: (node, what) => this.onObserve(node, what as ZabObservation),
      delivered: (from, to, msg) => this.onDelivered(from, to, msg as ZabMessage),
      stepped: () => {
        if (this.until !== null && this.until()) kernel.requestStop('until');
      },
    });
    const down = new Set(listArg(cmd, 'down').map(Number));
    for (const id of this.servers) if (!down.has(id)) kernel.restart(id);
    const roles = this.servers.map((id) => `${id}${observers.includes(id) ? ' observer' : ' voter'}${down.has(id) ? ' (not started)' : ''}`);
    return [`servers ${roles.join(', ')}${this.zk ? ' (ZooKeeper service)' : ''}`];
  }

  private get k(): Kernel {
    if (this.kernel === null) throw new Error('no cluster');
    return this.kernel;
  }

  private server(id: NodeId): ZabServer | undefined {
    return this.k.stateOf(id) as ZabServer | undefined;
  }

  serverArg(text: string | undefined): NodeId {
    const id = Number(text);
    if (!this.servers.includes(id)) throw new Error(`no server '${text}'`);
    return id;
  }

  // ---------------------------------------------------------------- time

  /**
   * `run ms=N [msgs=TYPE,...]` advances virtual time by N ms.
   * `run until=COND [max=MS] [msgs=TYPE,...]` runs until COND holds (checked after every step).
   * COND: leader-active · all-broadcast · leader=N · broadcast=N · looking=N · done (no client
   * operation open). Prints what happened (see README), then `reached COND` or `not reached`.
   * `head=N` prints only the first N facts and how many more there were (a long loop, told once).
   */
  run(cmd: Command): string[] {
    this.showTypes = new Set(listArg(cmd, 'msgs'));
    const ms = cmd.args.get('ms');
    const cond = cmd.args.get('until');
    if ((ms === undefined) === (cond === undefined)) throw new Error('run needs exactly one of ms= or until=');
    const head = cmd.args.has('head') ? intArg(cmd, 'head', 0) : null;
    if (ms !== undefined) {
      this.advance(Number(ms), null);
      this.clip(head);
      return [];
    }
    const test = this.condition(cond as string);
    if (test()) return [`already ${cond}`];
    const reached = this.advance(intArg(cmd, 'max', DEFAULT_MAX_MS), test);
    this.clip(head);
    return [reached ? `reached ${cond}` : `not reached: ${cond} (after ${intArg(cmd, 'max', DEFAULT_MAX_MS)} ms)`];
  }

  /** Keeps the first `head` facts of this command and counts the rest (a stop is always shown). */
  private clip(head: number | null): void {
    if (head === null || this.events.length <= head) return;
    const last = this.events[this.events.length - 1] as string;
    const stop = last.startsWith('stopped: ') ? [last] : [];
    const more = this.events.length - head - stop.length;
    if (more <= 0) return;
    this.events = [...this.events.slice(0, head), `... ${more} more line${more === 1 ? '' : 's'}`, ...stop];
  }

  private condition(cond: string): () => boolean {
    const [name, arg] = cond.split('=');
    switch (name) {
      case 'leader-active':
        return () => this.activeLeader() !== null;
      case 'all-broadcast':
        return () => this.allBroadcast();
      case 'leader': {
        const id = this.serverArg(arg);
        return () => this.activeLeader() === id;
      }
      case 'broadcast': {
        const id = this.serverArg(arg);
        return () => this.server(id)?.phase === 'BROADCAST';
      }
      case 'looking': {
        const id = this.serverArg(arg);
        return () => this.server(id)?.role === 'LOOKING';
      }
      case 'done':
        return () => this.openOps.size === 0;
      default:
        throw new Error(`unknown condition '${cond}'`);
    }
  }

  private activeLeader(): NodeId | null {
    for (const id of this.servers) {
      const s = this.server(id);
      if (s !== undefined && s.role === 'LEADING' && s.phase === 'BROADCAST') return id;
    }
    return null;
  }

  /** Every running server is in BROADCAST under one active leader. */
  private allBroadcast(): boolean {
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
  private awaitCall(key: string, max: number): boolean {
    const awaited = { key, invoked: false };
    this.awaited = awaited;
    try {
      return this.advance(max, () => awaited.invoked && !this.openOps.has(key));
    } finally {
      this.awaited = null;
    }
  }

  /** Runs for at most `ms`; with a test, stops as soon as it holds. Returns whether it held. */
  private advance(ms: number, test: (() => boolean) | null): boolean {
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

  // ---------------------------------------------------------------- clients

  /**
   * `write client=C key=K value=V [via=S] [nowait] [max=MS] [msgs=TYPE,...]`: client C sets K=V.
   * `read client=C key=K [via=S] [nowait] [max=MS] [msgs=...]`: client C reads K.
   * A client is created on first use, connected to `via` (default: the active leader, else server
   * 1); `via` on a later use must name the server it is connected to. Without `nowait` the command
   * runs until the operation completes (ok, an error, or CONNECTIONLOSS).
   */
  clientOp(cmd: Command, op: KvOp): string[] {
    if (this.zk) throw new Error(`'${cmd.verb}' drives the key-value service; in a service=zk cluster use ${Object.keys(ZK_CALL_SYNTAX).join(', ')}`);
    this.showTypes = new Set(listArg(cmd, 'msgs'));
    const name = cmd.args.get('client');
    if (name === undefined) throw new Error('needs client=');
    const id = this.clientNode(name, cmd.args.get('via'));
    const key = `${id}:${(this.k.stateOf(id) as BasicClient).xid + 1}`;
    this.k.inject(id, { type: 'APP_OP', op });
    if (cmd.words.includes('nowait')) return [`${name} sent ${kvStateMachine.describeOp(op)}`];
    const max = intArg(cmd, 'max', DEFAULT_MAX_MS);
    const done = this.awaitCall(key, max);
    return done ? [] : [`${name}: no reply after ${max} ms`];
  }

  private clientNode(name: string, via: string | undefined): NodeId {
    const existing = this.clients.get(name);
    if (existing !== undefined) {
      const c = this.k.stateOf(existing) as BasicClient;
      const current = c.servers[c.serverIndex % c.servers.length] as NodeId;
      if (via !== undefined && this.serverArg(via) !== current) throw new Error(`client ${name} is connected to ${current}, not ${via}`);
      return existing;
    }
    const server = via !== undefined ? this.serverArg(via) : (this.activeLeader() ?? (this.servers[0] as NodeId));
    const id = this.servers.length + this.clients.size + 1;
    const base = basicClientProgram(this.servers, 8_000);
    const index = this.servers.indexOf(server);
    this.k.addNode(id, { ...base, boot: (node, disk) => ({ ...base.boot(node, disk), serverIndex: index }) });
    this.clients.set(name, id);
    this.clientNames.set(id, name);
    this.k.restart(id);
    return id;
  }

  private nodeName(id: NodeId): string {
    return this.clientNames.get(id) ?? String(id);
  }

  // ---------------------------------------------------------------- ZooKeeper clients (service=zk)

  private needZk(verb: string): void {
    if (!this.zk) throw new Error(`'${verb}' needs a ZooKeeper ensemble: cluster ... service=zk`);
  }

  private zkClient(name: string | undefined, verb: string): NodeId {
    if (name === undefined) throw new Error(`expected a client name after '${verb}'`);
    const id = this.clients.get(name);
    if (id === undefined) throw new Error(`no client '${name}': open it first with \`session open ${name}\``);
    return id;
  }

  /**
   * `session open C [via=S] [timeout=MS] [recipe=lock|election|group dir=/path] [nowait]`: a new
   * ZooKeeper client C (connect string: `via` first, then the other servers in order; default
   * session timeout 4000 ms), run until its session is CONNECTED.
   * `session close C`: closeSession, waits for the reply (its ephemerals go at once).
   * `session expire C`: C's process dies without closing; runs until the leader expires the
   * session (after its timeout), which deletes C's ephemerals and fires their watches.
   */
  session(cmd: Command): string[] {
    this.needZk('session');
    const [sub, name] = cmd.words;
    if (sub === 'open') {
      if (name === undefined) throw new Error('expected: session open CLIENT [via=S] [timeout=MS] [recipe=lock|election|group dir=/path]');
      if (this.clients.has(name)) throw new Error(`client ${name} exists already`);
      const via = cmd.args.get('via') !== undefined ? this.serverArg(cmd.args.get('via')) : (this.activeLeader() ?? (this.servers[0] as NodeId));
      const order = [via, ...this.servers.filter((s) => s !== via)];
      const config: ZkClientConfig = defaultZkClientConfig(order, intArg(cmd, 'timeout', 4000));
      const recipeName = cmd.args.get('recipe');
      const id = this.servers.length + this.clients.size + 1;
      if (recipeName === undefined)
        this.k.addNode(
          id,
          zkClientProgram(() => config),
        );
      else {
        const dir = cmd.args.get('dir');
        if (dir === undefined || !dir.startsWith('/')) throw new Error('a recipe client needs dir=/path (the lock, election or group directory)');
        const recipe: Recipe<unknown> | undefined =
          recipeName === 'lock'
            ? (lockRecipe(dir) as Recipe<unknown>)
            : recipeName === 'election'
              ? (lockRecipe(dir, true) as Recipe<unknown>)
              : recipeName === 'group'
                ? (groupRecipe(dir) as Recipe<unknown>)
                : undefined;
        if (recipe === undefined) throw new Error(`recipe=${recipeName}: expected lock, election or group`);
        this.k.addNode(id, recipeProgram(recipe, () => config) as never);
        this.recipes.set(id, recipeName);
      }
      this.clients.set(name, id);
      this.clientNames.set(id, name);
      this.sessions.set(id, { id: 0, state: 'CONNECTING' });
      this.k.restart(id);
      if (cmd.words.includes('nowait')) return [`${name} connecting to ${via}`];
      const max = intArg(cmd, 'max', DEFAULT_MAX_MS);
      const ok = this.advance(max, () => this.sessions.get(id)?.state === 'CONNECTED');
      return ok ? [] : [`${name}: not connected after ${max} ms`];
    }
    const id = this.zkClient(name, `session ${sub ?? ''}`);
    if (sub === 'close') return this.zkCall(cmd, id, name as string, { type: 'close' });
    if (sub === 'expire') {
      const session = this.sessions.get(id)?.id ?? 0;
      this.k.crash(id);
      this.clientDied(id);
      const max = intArg(cmd, 'max', DEFAULT_MAX_MS);
      this.events.push(`${name} process killed (session 0x${session.toString(16)} left open)`);
      // Expired, and the closeSession txn applied wherever the leader's followers are in broadcast.
      const gone = (): boolean =>
        this.expiredSessions.has(session) &&
        this.servers.every(
          (s) => !this.k.isUp(s) || this.server(s)?.phase !== 'BROADCAST' || ephemeralsOf(this.server(s)?.state as DataTree, session).length === 0,
        );
      const ok = this.advance(max, gone);
      return ok ? [] : [`${name}: session not expired after ${max} ms`];
    }
    throw new Error(`'session ${sub ?? ''}': expected session open|close|expire CLIENT`);
  }

  /** `create|delete|set|get|exists|children|sync CLIENT PATH ...` (see zk-words.ts): one call, run until it completes unless `nowait`. */
  zkOp(cmd: Command): string[] {
    this.needZk(cmd.verb);
    const { client, command } = zkCallOf(cmd);
    return this.zkCall(cmd, this.zkClient(client, cmd.verb), client, command);
  }

  private zkCall(cmd: Command, id: NodeId, name: string, command: ZkCommand): string[] {
    this.showTypes = new Set(listArg(cmd, 'msgs'));
    const state = this.k.stateOf(id) as { xid?: number; client?: { xid: number } } | undefined;
    if (state === undefined) throw new Error(`client ${name} is down`);
    const key = `${id}:${(state.client?.xid ?? state.xid ?? 0) + 1}`;
    this.k.inject(id, { type: 'APP_OP', op: this.recipes.has(id) ? { type: 'zk', command } : command });
    if (cmd.words.includes('nowait')) return [`${name} sent ${describeZkCommand(command)}`];
    const max = intArg(cmd, 'max', DEFAULT_MAX_MS);
    const done = this.awaitCall(key, max);
    return done ? [] : [`${name}: no reply after ${max} ms`];
  }

  /**
   * `lock C acquire|release`, `elect C` (election recipe: volunteer), `group C join|watch`: hands
   * a recipe client its command, then runs until that client claims something (acquired, leader,
   * released, members) or `max` ms pass (default 2000: a waiter only waits).
   */
  recipeOp(cmd: Command): string[] {
    this.needZk(cmd.verb);
    const [name, action] = cmd.words;
    const id = this.zkClient(name, cmd.verb);
    const recipe = this.recipes.get(id);
    const want = cmd.verb === 'elect' ? 'election' : cmd.verb;
    if (recipe !== want)
      throw new Error(
        `client ${name} runs ${recipe === undefined ? 'no recipe' : `the ${recipe} recipe`}; open it with session open ${name} recipe=${want} dir=/path`,
      );
    let op: { type: string };
    if (cmd.verb === 'lock' && (action === 'acquire' || action === 'release')) op = { type: action === 'acquire' ? 'lock' : 'unlock' };
    else if (cmd.verb === 'elect' && action === undefined) op = { type: 'lock' };
    else if (cmd.verb === 'group' && (action === 'join' || action === 'watch')) op = { type: action };
    else
      throw new Error(`expected: ${cmd.verb === 'lock' ? 'lock CLIENT acquire|release' : cmd.verb === 'elect' ? 'elect CLIENT' : 'group CLIENT join|watch'}`);
    const before = this.claims.length;
    this.k.inject(id, { type: 'APP_OP', op });
    const max = intArg(cmd, 'max', 2000);
    this.advance(max, () => this.claims.slice(before).some((c) => c.node === id));
    return [];
  }

  /** A dead process holds nothing: for `expect holders`, its lock or leadership ends when it dies. */
  private clientDied(id: NodeId): void {
    const recipe = this.recipes.get(id);
    if (recipe !== undefined) this.claims.push({ atUs: this.k.nowUs, node: id, recipe, event: 'lost', detail: 'process died' });
  }

  /** `skew N factor=F`: server N's timers take F times as long (a slow clock; F < 1: a fast one). */
  skew(cmd: Command): string[] {
    const id = this.serverArg(cmd.words[0]);
    const factor = Number(cmd.args.get('factor'));
    if (!(factor > 0)) throw new Error('expected: skew N factor=F (F > 0)');
    this.k.setTimerSkew(id, factor);
    return [`${id} timers x${factor}`];
  }

  /** Clients and servers by name: `3`, `c1`. */
  nodeArg(text: string | undefined): NodeId {
    if (text !== undefined && this.clients.has(text)) return this.clients.get(text) as NodeId;
    return this.serverArg(text);
  }

  // ---------------------------------------------------------------- protocol-triggered faults and slow links

  /**
   * `when TRIGGER ACTION TARGET`: arms a fault that fires at the first matching protocol event.
   * TRIGGER: `nth-proposal=N [server=S]` · `acked=N` (a proposal acked by exactly N followers) ·
   * `sync-start` · `newleader-acked` · `epoch-written` · `proposal-logged` (a follower in BROADCAST
   * logged a txn, before its fsync). ACTION: crash · pause · isolate.
   * TARGET: leader · follower · trigger (the server the event matched) · a server number.
   */
  when(cmd: Command): string[] {
    let trigger: Trigger;
    const words = [...cmd.words];
    if (cmd.args.has('nth-proposal')) {
      const server = cmd.args.get('server');
      trigger = { on: 'nth-proposal', n: intArg(cmd, 'nth-proposal', 1), server: server === undefined ? 'leader' : this.serverArg(server) };
    } else if (cmd.args.has('acked')) trigger = { on: 'acked', count: intArg(cmd, 'acked', 1) };
    else {
      const on = words.shift();
      if (on !== 'sync-start' && on !== 'newleader-acked' && on !== 'epoch-written' && on !== 'proposal-logged') {
        throw new Error('expected a trigger: nth-proposal=N, acked=N, sync-start, newleader-acked, epoch-written or proposal-logged');
      }
      trigger = { on };
    }
    const [action, targetWord] = words;
    const target: Target = targetWord === 'leader' || targetWord === 'follower' || targetWord === 'trigger' ? targetWord : this.serverArg(targetWord);
    let fault: FaultAction;
    if (action === 'crash') fault = { type: 'crash', target };
    else if (action === 'pause') fault = { type: 'pause', target };
    else if (action === 'isolate') fault = { type: 'partition', mode: 'isolate', target };
    else throw new Error(`expected an action after the trigger: crash, pause or isolate (got '${action ?? ''}')`);
    const event = { atMs: 0, when: trigger, ...fault } as FaultEvent & { when: Trigger };
    const k = this.k;
    const rng = forkRng(this.seed, 'faults');
    const config = this.config as ZabConfig;
    const watch = new TriggerWatch(k, this.servers, [{ index: 0, fault: event }], (_i, subject) => {
      const who = applyFaultIn({ kernel: k, servers: this.servers, voters: config.voters, clients: [...this.clients.values()], rng, subject }, fault);
      this.events.push(`fired ${describeTrigger(trigger)}: ${fault.type === 'partition' ? 'isolate' : fault.type} ${who.join(' ')}`);
    });
    k.addObserver(watch);
    return [`armed: ${describeAction(fault)} ${describeTrigger(trigger)}`];
  }

  /** `slow from=A to=B ms=D [for=MS]`: every packet A → B takes D ms longer (FIFO kept), for MS ms (default 60000). */
  slow(cmd: Command): string[] {
    const from = this.nodeArg(cmd.args.get('from'));
    const to = this.nodeArg(cmd.args.get('to'));
    const ms = intArg(cmd, 'ms', 0);
    if (ms === 0) throw new Error('expected ms=D, the extra delay in ms');
    const span = intArg(cmd, 'for', 60_000);
    this.k.addFaultWindow({ from, to, fromUs: this.k.nowUs, untilUs: this.k.nowUs + span * MS, extraDelayUs: ms * MS });
    return [`slow ${cmd.args.get('from')}->${cmd.args.get('to')}: +${ms} ms for ${span} ms`];
  }

  // ---------------------------------------------------------------- facts

  /**
   * `expect FACT ...`: asserts one fact about the run now; a false fact fails the scenario.
   *   expect leader N                       N is the active leader
   *   expect role N LEADING|FOLLOWING|OBSERVING|LOOKING|down
   *   expect sync N DIFF|TRUNC|SNAP         the last sync learner N was sent used that mode
   *   expect value KEY VALUE|none [on=all|1,2]   (kv) every named running server has applied KEY=VALUE
   *   expect znode PATH exists|absent [on=all|1,2]   (zk) on every named running server
   *   expect data PATH DATA|none [on=all|1,2]   (zk) the znode holds DATA on every named server
   *   expect reply C server=N               client C's last reply came from server N
   *   expect session C STATE                CONNECTED, EXPIRED, CLOSED, CONNECTING
   *   expect holders RECIPE max=N           at most / exactly N clients held the lock (or led) at once
   *   expect watched C N                    client C received N watch events so far
   *   expect members C m5,m6                the last membership client C saw
   *   expect committed N count=K            server N has K committed txns
   */
  expect(cmd: Command): string[] {
    this.expectations++;
    const [fact, a, b] = cmd.words;
    const check = (ok: boolean, text: string, got: string): string[] => {
      if (ok) return [`ok: ${text}`];
      this.errors.push(`expected ${text}, but ${got}`);
      return [`EXPECTATION FAILED: expected ${text}, but ${got}`];
    };
    const on = (): NodeId[] => {
      const list = cmd.args.get('on') ?? 'all';
      const ids = list === 'all' ? this.servers : list.split(',').map((x) => this.serverArg(x));
      return ids.filter((id) => this.k.isUp(id));
    };
    switch (fact) {
      case 'leader': {
        const want = this.serverArg(a);
        const got = this.activeLeader();
        return check(got === want, `server ${want} is the active leader`, got === null ? 'there is none' : `it is ${got}`);
      }
      case 'role': {
        const id = this.serverArg(a);
        const got = this.k.isUp(id) ? (this.server(id)?.role ?? 'down') : 'down';
        return check(got === b, `server ${id} is ${b ?? '?'}`, `it is ${got}`);
      }
      case 'sync': {
        const id = this.serverArg(a);
        const got = this.syncModes.get(id)?.split(' ')[0] ?? 'none';
        return check(got === b, `server ${id} took ${b ?? '?'}`, `its last sync was ${got}`);
      }
      case 'value': {
        const key = a;
        const value = b;
        if (key === undefined || value === undefined) throw new Error('expected: expect value KEY VALUE|none [on=all|1,2]');
        if (this.zk) throw new Error("'expect value' is for the key-value service; use 'expect data PATH=D' in a service=zk cluster");
        const wrong = on().filter((id) => String(mapGet(this.server(id)?.state as KvState, key)?.value ?? 'none') !== value);
        return check(
          wrong.length === 0,
          value === 'none' ? `no ${key} on ${describeOn(cmd)}` : `${key}=${value} on ${describeOn(cmd)}`,
          `not on ${wrong.join(', ')}`,
        );
      }
      case 'znode': {
        this.needZk('expect znode');
        if (a === undefined || (b !== 'exists' && b !== 'absent')) throw new Error('expected: expect znode PATH exists|absent [on=all|1,2]');
        const wrong = on().filter((id) => (getNode(this.server(id)?.state as DataTree, a) !== undefined) !== (b === 'exists'));
        return check(wrong.length === 0, `${a} ${b === 'exists' ? 'exists' : 'is absent'} on ${describeOn(cmd)}`, `not on ${wrong.join(', ')}`);
      }
      case 'data': {
        this.needZk('expect data');
        if (a === undefined || b === undefined) throw new Error('expected: expect data PATH DATA|none [on=all|1,2]');
        const path = a;
        const data = b;
        const wrong = on().filter((id) => String(getNode(this.server(id)?.state as DataTree, path)?.data ?? 'none') !== data);
        return check(wrong.length === 0, `${path} holds ${data} on ${describeOn(cmd)}`, `not on ${wrong.join(', ')}`);
      }
      case 'reply': {
        if (a === undefined) throw new Error('expected: expect reply CLIENT server=N');
        const want = this.serverArg(cmd.args.get('server'));
        const got = this.lastReplyFrom.get(a);
        return check(got === want, `${a}'s reply came from server ${want}`, got === undefined ? 'it has no reply' : `it came from ${got}`);
      }
      case 'session': {
        const id = this.zkClient(a, 'expect session');
        const got = this.sessions.get(id)?.state ?? 'unknown';
        return check(got === b, `${a}'s session is ${b ?? '?'}`, `it is ${got}`);
      }
      case 'holders': {
        if (a === undefined) throw new Error('expected: expect holders lock|election max=N');
        const want = intArg(cmd, 'max', 1);
        const got = maxHolders(this.claims.filter((c) => c.recipe === a));
        return check(got === want, `at most ${want} ${a} holder${want === 1 ? '' : 's'} at once, and ${want} reached`, `the most at once was ${got}`);
      }
      case 'watched': {
        const id = this.zkClient(a, 'expect watched');
        const want = Number(b);
        const got = this.watchEvents.get(id) ?? [];
        return check(
          got.length === want,
          `${a} received ${want} watch event${want === 1 ? '' : 's'}`,
          `it received ${got.length}${got.length > 0 ? ` (${got.join('; ')})` : ''}`,
        );
      }
      case 'members': {
        const id = this.zkClient(a, 'expect members');
        const last = [...this.claims].reverse().find((c) => c.node === id && c.event === 'members');
        const got = last === undefined ? 'none' : (last.detail as string[]).join(',');
        const want = b ?? '';
        return check(got === want, `${a} last saw members ${want === '' ? '(none)' : want}`, `it saw ${got === '' ? '(none)' : got}`);
      }
      case 'committed': {
        const id = this.serverArg(a);
        const want = intArg(cmd, 'count', 0);
        const got = this.server(id)?.committed ?? -1;
        return check(got === want, `server ${id} has ${want} committed txns`, `it has ${got}`);
      }
      default:
        throw new Error(
          `unknown fact '${fact ?? ''}': expected leader, role, sync, value, znode, data, reply, session, holders, watched, members or committed`,
        );
    }
  }

  // ---------------------------------------------------------------- faults

  /** `partition {1} {2 3}`: cuts every link between the groups, both ways (in-flight messages are lost). */
  partition(cmd: Command): string[] {
    if (cmd.groups.length < 2) throw new Error('partition needs at least two {groups}');
    const groups = cmd.groups.map((g) => g.map((x) => this.nodeArg(x)));
    this.k.partition(groups);
    return [`cut ${cmd.groups.map((g) => `{${g.join(' ')}}`).join(' | ')}`];
  }

  /** `heal`: every link works again (new connections open on the next send). */
  heal(): string[] {
    this.k.healAll();
    return ['healed'];
  }

  /** `crash N`: the process dies; unsynced writes are lost; peers see their connections reset. */
  crash(cmd: Command): string[] {
    const name = cmd.words[0];
    if (name !== undefined && this.clients.has(name)) {
      this.k.crash(this.nodeArg(name));
      this.clientDied(this.nodeArg(name));
      return [`${name} crashed (client process)`];
    }
    const id = this.serverArg(name);
    this.k.crash(id);
    const d = this.k.diskOf(id) as ZabDisk;
    return [`${id} crashed: disk ${describeDisk(d)}`];
  }

  /**
   * `restart N [wipe]` (or `start N` for a server never started): boots from disk (an empty one with
   * `wipe`). A disk that fails the server's own checks (acceptedEpoch < currentEpoch) stops the run.
   */
  restart(cmd: Command): string[] {
    const id = this.serverArg(cmd.words[0]);
    if (this.k.isUp(id)) throw new Error(`server ${id} is up`);
    this.notes = new Map();
    try {
      this.k.restart(id, { wipeDisk: cmd.words.includes('wipe') });
    } catch (error) {
      // A disk the server refuses to load stops the run, as an assertion inside `run` does.
      if (!(error instanceof AssertionError)) throw error;
      this.broken = `assertion on server ${id}: ${error.message}`;
      this.k.record({ k: 'assertion', node: id, message: error.message });
      this.checker?.recordAssertion(id, error.message);
      return [`${id} refused to boot: ${error.message}`, `stopped: ${this.broken}`];
    }
    return (this.notes.get(id) ?? []).filter((n) => n.startsWith('boot:')).map((n) => `${id} ${n}`);
  }

  /** `pause N` / `resume N`: a stopped process (GC pause); events for it wait until it resumes. */
  pause(cmd: Command, paused: boolean): string[] {
    const id = this.nodeArg(cmd.words[0]);
    if (paused) this.k.pause(id);
    else this.k.resume(id);
    return [`${this.nodeName(id)} ${paused ? 'paused' : 'resumed'}`];
  }

  /**
   * `drop-next from=A to=B type=PROPOSAL`: the next packet of that type A sends to B is lost, and
   * with it the TCP connection (TCP cannot lose one packet and deliver the next): later sends from A
   * to B in the same step are lost too, and both ends see a new connection afterwards.
   */
  dropNext(cmd: Command): string[] {
    const from = this.serverArg(cmd.args.get('from'));
    const to = this.serverArg(cmd.args.get('to'));
    const type = cmd.args.get('type');
    if (type === undefined) throw new Error('needs type=');
    this.drops.push({ from, to, type });
    return [`armed: drop the next ${type} ${from}->${to}`];
  }

  private filterDrops(transition: readonly [ZabServer, readonly ZabEffect[]]): readonly [ZabServer, readonly ZabEffect[]] {
    if (this.drops.length === 0) return transition;
    const [next, effects] = transition;
    const from = next.id;
    let out: ZabEffect[] | null = null;
    const cut = new Set<NodeId>();
    effects.forEach((e, i) => {
      if (e.type !== 'send') {
        out?.push(e);
        return;
      }
      if (cut.has(e.to)) return; // the connection is gone
      const rule = this.drops.findIndex((r) => r.from === from && r.to === e.to && r.type === e.msg.type);
      if (rule < 0) {
        out?.push(e);
        return;
      }
      this.drops.splice(rule, 1);
      out ??= effects.slice(0, i) as ZabEffect[];
      cut.add(e.to);
      this.k.cutLink(from, e.to);
      this.k.healLink(from, e.to);
      this.k.healLink(e.to, from);
      this.k.record({ k: 'fault', fault: 'drop-next', from, to: e.to, msg: describeMessage(e.msg) });
      this.events.push(`dropped ${from}->${e.to} ${describeMessage(e.msg)}: connection reset`);
    });
    return out === null ? transition : [next, out];
  }

  // ---------------------------------------------------------------- inspection

  /** `state`: one line per server: role, leader, phase, epochs, last logged zxid, committed txns. */
  state(): string[] {
    return this.servers.map((id) => {
      if (!this.k.isUp(id)) return `${id} down: disk ${describeDisk(this.k.diskOf(id) as ZabDisk)}`;
      const s = this.server(id) as ZabServer;
      const leader = s.learner !== null ? ` leader=${s.learner.leader}` : '';
      const outstanding = s.leader !== null && s.phase === 'BROADCAST' ? ` outstanding=${s.leader.outstanding.length}` : '';
      const paused = this.k.isPaused(id) ? ' (paused)' : '';
      return `${id} ${s.role}${leader} ${s.phase} accepted=${s.acceptedEpoch} current=${s.currentEpoch} last=${formatZxid(lastLoggedZxid(s))} committed=${s.committed}${outstanding}${paused}`;
    });
  }

  /** `history N`: server N's snapshot and log, one txn per line; `pending` = not known committed here. */
  history(cmd: Command): string[] {
    const id = this.serverArg(cmd.words[0]);
    const lines: string[] = [];
    if (!this.k.isUp(id)) {
      const d = this.k.diskOf(id) as ZabDisk;
      lines.push(`${id} down; on disk:`);
      if (d.snapshot !== null) lines.push(`snapshot ${formatZxid(d.snapshot.zxid)} (${d.snapshot.count} txns)`);
      for (let i = 0; i < d.log.size; i++) lines.push(describeTxn(pvecGet(d.log, i)));
      if (lines.length === 1) lines.push('(empty)');
      return lines;
    }
    const s = this.server(id) as ZabServer;
    if (s.snapshot !== null) lines.push(`snapshot ${formatZxid(s.snapshot.zxid)} (${s.snapshot.count} txns)`);
    for (let i = historyBase(s); i < historyCount(s); i++) {
      const txn = txnAt(s, i) as Txn;
      lines.push(`${describeTxn(txn)}${i >= s.committed ? ' pending' : ''}`);
    }
    if (lines.length === 0) lines.push('(empty)');
    return lines;
  }

  /** `sync-modes`: the last DIFF/TRUNC/SNAP each learner was sent, and by whom. */
  syncModesOut(): string[] {
    const ids = [...this.syncModes.keys()].sort((a, b) => a - b);
    if (ids.length === 0) return ['(no sync yet)'];
    return ids.map((id) => `${id} ${this.syncModes.get(id)}`);
  }

  /** `notes N`: the notes server N wrote during the last command that moved time. */
  notesOut(cmd: Command): string[] {
    const id = this.serverArg(cmd.words[0]);
    const notes = this.notes.get(id) ?? [];
    return notes.length === 0 ? ['(no notes)'] : notes;
  }

  /**
   * `check [expect=ok | expect=checker,checker]`: the invariant checkers' verdicts so far, violated
   * ones first with their first message. With `expect`, exactly the named checkers (none for `ok`)
   * must be violated, or the scenario fails.
   */
  check(cmd: Command): string[] {
    if (cmd.words[0] === 'liveness') return this.checkLiveness(cmd);
    const checker = this.checker as ZabChecker;
    const verdicts = checker.verdicts();
    const violated = ZAB_CHECKERS.filter((c) => verdicts[c] === 'violated');
    const ok = ZAB_CHECKERS.filter((c) => verdicts[c] !== 'violated');
    const lines: string[] = [];
    for (const c of violated) {
      const v = checker.violations.find((x) => x.checker === c);
      lines.push(`${c}: violated: ${v?.message ?? ''}`);
    }
    lines.push(ok.length === ZAB_CHECKERS.length ? `ok: all ${ok.length} checkers` : `ok: ${ok.join(' ')}`);
    const expect = cmd.args.get('expect');
    if (expect !== undefined) {
      this.expectations++;
      const want = expect === 'ok' ? [] : expect.split(',').sort();
      for (const w of want) if (!(ZAB_CHECKERS as readonly string[]).includes(w)) throw new Error(`unknown checker '${w}'`);
      const got = [...violated].sort();
      if (want.join(',') !== got.join(',')) {
        this.errors.push(`check expected violated {${want.join(',')}} but got {${got.join(',')}}`);
        lines.push(`EXPECTATION FAILED: expected violated {${want.join(',')}}`);
      }
    }
    return lines;
  }

  /**
   * `check liveness [expect=ok|CLASS] [core=1,2,3]`: has the ensemble recovered, now? The core
   * (default: every running server) must have one active leader that all the others follow in
   * BROADCAST with the same committed count (sim/checkers/recovery.ts). Otherwise the verdict names the class:
   * down, no-leader, stuck-sync or diverged. With `expect`, that class (or ok) must be the verdict.
   * The last liveness check is the run's `liveness` verdict (`zabsim run` exits 3 when violated).
   */
  private checkLiveness(cmd: Command): string[] {
    const expect = cmd.args.get('expect');
    if (expect !== undefined && expect !== 'ok' && !(LIVENESS_CLASSES as readonly string[]).includes(expect)) {
      throw new Error(`unknown liveness class '${expect}': expected ok or one of ${LIVENESS_CLASSES.join(', ')}`);
    }
    const core = cmd.args.has('core') ? listArg(cmd, 'core').map((x) => this.serverArg(x)) : this.servers.filter((id) => this.k.isUp(id));
    const verdict = judgeRecovery(core, (id) => (this.k.isUp(id) ? this.server(id) : undefined));
    const text = verdict.ok ? `ok: ${verdict.reason}` : `${verdict.cls}: ${verdict.reason}`;
    this.liveness = { ok: verdict.ok, text };
    const lines = [verdict.ok ? `liveness: ${text}` : `liveness: violated: ${text}`];
    if (expect !== undefined) {
      this.expectations++;
      const got = verdict.ok ? 'ok' : verdict.cls;
      if (got !== expect) {
        this.errors.push(`liveness expected ${expect} but got ${got}`);
        lines.push(`EXPECTATION FAILED: expected liveness ${expect}`);
      }
    }
    return lines;
  }

  // ---------------------------------------------------------------- what happens while time moves

  private onTrace(r: Record<string, unknown>): void {
    if (r['k'] === 'note') {
      const node = r['node'] as NodeId;
      const text = r['text'] as string;
      this.lastNote.set(node, text);
      const list = this.notes.get(node);
      if (list === undefined) this.notes.set(node, [text]);
      else list.push(text);
      const expired = /^session 0x([0-9a-f]+) expired$/.exec(text);
      if (expired !== null) {
        this.expiredSessions.add(parseInt(expired[1] as string, 16));
        const owner = [...this.sessions].find(([, v]) => v.id === parseInt(expired[1] as string, 16))?.[0];
        this.events.push(`${node} ${text}${owner === undefined ? '' : ` (${this.nodeName(owner)})`}`);
      }
    } else if (r['k'] === 'drop' && this.showTypes.size > 0) {
      const msg = r['msg'] as string;
      if (this.showTypes.has(msg.split(' ')[0] as string)) {
        this.events.push(`lost ${this.nodeName(r['from'] as NodeId)}->${this.nodeName(r['to'] as NodeId)} ${this.clientText(msg)} (${r['reason'] as string})`);
      }
    }
  }

  private clientText(text: string): string {
    return text.replace(/client=(\d+)/, (_m, id: string) => `client=${this.nodeName(Number(id))}`);
  }

  private onDelivered(from: NodeId, to: NodeId, msg: ZabMessage): void {
    if (this.showTypes.size === 0 || !this.showTypes.has(msg.type) || from === 0) return;
    this.events.push(`${this.nodeName(from)}->${this.nodeName(to)} ${this.clientText(describeMessage(msg))}`);
  }

  private onObserve(node: NodeId, o: ZabObservation): void {
    switch (o.kind) {
      case 'role': {
        if (o.role === 'LOOKING') {
          const why = this.lastNote.get(node) ?? '';
          const m = /^(\w+) -> LOOKING: (.*)$/.exec(why);
          this.events.push(m === null ? `${node} LOOKING` : `${node} ${m[1]} -> LOOKING: ${m[2]}`);
        } else if (o.phase === 'DISCOVERY') {
          this.events.push(o.role === 'LEADING' ? `${node} LEADING (elected)` : `${node} ${o.role} leader=${o.leader}`);
        } else if (o.phase === 'BROADCAST' && o.role !== 'LEADING') {
          const s = this.server(node);
          this.events.push(`${node} UPTODATE: ${o.role} leader=${o.leader} epoch=${o.epoch} committed=${s?.committed ?? '?'}`);
        }
        return;
      }
      case 'established':
        this.events.push(`${node} established epoch=${o.epoch}`);
        return;
      case 'activated':
        this.events.push(`${node} active: epoch=${o.epoch} history=${o.count} last=${formatZxid(o.lastZxid)}`);
        return;
      case 'sync': {
        const text = `${o.mode} ${formatZxid(o.zxid)} from ${node} (peer at ${formatZxid(o.peerLastZxid)})`;
        this.syncModes.set(o.learner, text);
        this.events.push(`${node} sync ${o.learner}: ${o.mode} ${formatZxid(o.zxid)} (peer at ${formatZxid(o.peerLastZxid)})`);
        return;
      }
      case 'truncate':
        this.events.push(`${node} truncated to ${formatZxid(o.zxid)} (${o.count} txns)`);
        return;
      case 'anomaly':
        this.events.push(`${node} anomaly ${o.flag}: ${o.detail}`);
        return;
      case 'invoke':
        if (this.awaited?.key === `${o.client}:${o.xid}`) this.awaited.invoked = true;
        this.openOps.set(`${o.client}:${o.xid}`, {
          client: this.nodeName(o.client),
          text: this.zk ? describeZkCommand(o.op) : kvStateMachine.describeOp(o.op),
        });
        return;
      case 'complete': {
        const key = `${o.client}:${o.xid}`;
        const op = this.openOps.get(key);
        this.openOps.delete(key);
        const outcome = this.zk ? describeZkCompletion(o.outcome, o.result, o.zxid) : describeOutcome(o.outcome, o.result, o.zxid);
        // A call that never reached a server says so (the client was not connected).
        const from = o.outcome === 'fail' && this.zk ? '' : ` (server ${o.server})`;
        if (o.outcome === 'ok') this.lastReplyFrom.set(this.nodeName(o.client), o.server);
        this.events.push(`${this.nodeName(o.client)} ${op?.text ?? `xid ${o.xid}`}: ${outcome}${from}`);
        return;
      }
      case 'session': {
        const entry = this.sessions.get(node);
        if (entry !== undefined) {
          entry.state = o.state;
          if (o.session !== 0) entry.id = o.session;
        }
        this.events.push(
          `${this.nodeName(node)} session 0x${o.session.toString(16)} ${o.state}${o.state === 'CONNECTED' || o.state === 'DISCONNECTED' ? ` (server ${o.server})` : ''}`,
        );
        return;
      }
      case 'watch': {
        const text = `${o.type} ${o.path}`;
        const list = this.watchEvents.get(node);
        if (list === undefined) this.watchEvents.set(node, [text]);
        else list.push(text);
        this.events.push(`${this.nodeName(node)} watch ${text} zxid=${formatZxid(o.zxid)} (server ${o.server})`);
        return;
      }
      case 'recipe':
        this.claims.push({ atUs: this.k.nowUs, node, recipe: o.recipe, event: o.event, detail: o.detail });
        this.events.push(`${this.nodeName(node)} ${o.recipe} ${describeClaim(o.event, o.detail)}`);
        return;
      default:
        return;
    }
  }
}

type Handler = (script: ZabScript, cmd: Command) => string[];

/** One handler per verb; the syntax of each is documented on the method it calls. */
const HANDLERS: Readonly<Record<string, Handler>> = {
  cluster: (s, c) => s.cluster(c),
  run: (s, c) => s.run(c),
  write: (s, c) => s.clientOp(c, { type: 'set', key: required(c, 'key'), value: required(c, 'value') }),
  read: (s, c) => s.clientOp(c, { type: 'get', key: required(c, 'key') }),
  partition: (s, c) => s.partition(c),
  heal: (s) => s.heal(),
  crash: (s, c) => s.crash(c),
  restart: (s, c) => s.restart(c),
  start: (s, c) => s.restart(c),
  pause: (s, c) => s.pause(c, true),
  resume: (s, c) => s.pause(c, false),
  'drop-next': (s, c) => s.dropNext(c),
  state: (s) => s.state(),
  history: (s, c) => s.history(c),
  'sync-modes': (s) => s.syncModesOut(),
  notes: (s, c) => s.notesOut(c),
  check: (s, c) => s.check(c),
  expect: (s, c) => s.expect(c),
  when: (s, c) => s.when(c),
  slow: (s, c) => s.slow(c),
  skew: (s, c) => s.skew(c),
  session: (s, c) => s.session(c),
  create: (s, c) => s.zkOp(c),
  delete: (s, c) => s.zkOp(c),
  set: (s, c) => s.zkOp(c),
  get: (s, c) => s.zkOp(c),
  exists: (s, c) => s.zkOp(c),
  children: (s, c) => s.zkOp(c),
  sync: (s, c) => s.zkOp(c),
  lock: (s, c) => s.recipeOp(c),
  elect: (s, c) => s.recipeOp(c),
  group: (s, c) => s.recipeOp(c),
};

/** Every verb the interpreter knows (the catalogue checks files against it before running them). */
export const SCRIPT_VERBS: readonly string[] = Object.keys(HANDLERS);

function describeOn(cmd: Command): string {
  const on = cmd.args.get('on') ?? 'all';
  return on === 'all' ? 'every running server' : `servers ${on.split(',').join(', ')}`;
}

/** The most clients that held (or led) at once, from the recipe claims in order. */
function maxHolders(claims: readonly { node: NodeId; event: string }[]): number {
  const holders = new Set<NodeId>();
  let most = 0;
  for (const c of claims) {
    if (c.event === 'acquired' || c.event === 'leader') holders.add(c.node);
    else if (c.event === 'released' || c.event === 'lost') holders.delete(c.node);
    most = Math.max(most, holders.size);
  }
  return most;
}

function required(cmd: Command, key: string): string {
  const v = cmd.args.get(key);
  if (v === undefined) throw new Error(`needs ${key}=`);
  return v;
}

function intArg(cmd: Command, key: string, fallback: number): number {
  const v = cmd.args.get(key);
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${key}=${v} is not a non-negative integer`);
  return n;
}

function listArg(cmd: Command, key: string): string[] {
  const v = cmd.args.get(key);
  return v === undefined || v === '' ? [] : v.split(',');
}

function range(first: number, count: number): number[] {
  return Array.from({ length: count }, (_, i) => first + i);
}

function describeDisk(d: ZabDisk): string {
  const last: Zxid = lastLoggedZxid(d);
  const count = (d.snapshot === null ? 0 : d.snapshot.count) + d.log.size;
  return `accepted=${d.acceptedEpoch} current=${d.currentEpoch} last=${formatZxid(last)} txns=${count}`;
}

function describeTxn(txn: Txn): string {
  const zk = txn.body as { body?: { type: string; path?: string; err?: string }; sessionId?: number };
  if (zk.body !== undefined) {
    // A ZooKeeper txn: its op, path (or error) and session.
    const inner = zk.body;
    const what = inner.path !== undefined ? ` ${inner.path}` : inner.err !== undefined ? ` ${inner.err}` : '';
    return `${formatZxid(txn.zxid)} ${inner.type}${what} session=0x${(zk.sessionId ?? 0).toString(16)}`;
  }
  const b = txn.body as KvBody;
  return b.type === 'set' ? `${formatZxid(txn.zxid)} set ${b.key}=${b.value}` : `${formatZxid(txn.zxid)} error ${b.error} ${b.key}`;
}

function describeOutcome(outcome: string, result: unknown, zxid: Zxid | null): string {
  const r = result as Record<string, unknown> | null;
  if (outcome === 'info') return `${String(r?.['error'] ?? 'unknown')} (outcome unknown)`;
  if (outcome === 'fail') return `failed ${String(r?.['error'] ?? '')}`;
  const at = zxid === null ? '' : ` zxid=${formatZxid(zxid)}`;
  if (r === null) return `ok (no such key)${at}`;
  if ('value' in r) return `ok value=${String(r['value'])} version=${String(r['version'])}${at}`;
  return `ok version=${String(r['version'])}${at}`;
}
