// The Zab scenario language: a deterministic simulated ensemble driven one command at a time, each
// command printing compact facts (one per line, ZooKeeper names). Scenario files live in
// scenarios/zab/*.txt in the datadriven format (datadriven.ts); the syntax of every verb is in the
// comment above its handler and in scenarios/zab/README.md.
//
// Time only moves in `run`, `write`/`read` (which run until the operation completes unless `nowait`)
// and nothing else: faults happen at the current instant, between events.
import type { Effect, NodeId, NodeProgram } from '../../protocol/program.js';
import { basicClientProgram, type BasicClient } from '../../protocol/client/basic-client.js';
import { defaultZabConfig, type Mutant, type SyncPersistence, type ZabConfig } from '../../protocol/zab/config.js';
import type { ZabDisk, ZabWrite } from '../../protocol/zab/disk.js';
import type { ZabObservation } from '../../protocol/zab/effects.js';
import { historyBase, historyCount, lastLoggedZxid, txnAt } from '../../protocol/zab/history.js';
import { kvStateMachine, type KvBody, type KvOp } from '../../protocol/zab/kv-sm.js';
import { describeMessage, type ZabMessage } from '../../protocol/zab/messages.js';
import { zabServerProgram } from '../../protocol/zab/server.js';
import type { ZabServer } from '../../protocol/zab/state.js';
import type { Txn } from '../../protocol/zab/txn.js';
import { pvecGet } from '../../protocol/pvec.js';
import { formatZxid, type Zxid } from '../../protocol/zxid.js';
import { Kernel, type RunResult } from '../kernel/kernel.js';
import { DEFAULT_DISK, DEFAULT_NETWORK, type KernelOptions } from '../options.js';
import type { TraceSink } from '../trace/sink.js';
import { RollingHash } from '../trace/hash.js';
import { ZAB_CHECKERS, ZabChecker } from '../zab/checker.js';
import { parseCommand, parseDatadriven, renderDatadriven, type Command, type Stanza } from './datadriven.js';

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
  lines = 0;
  private readonly rolling = new RollingHash();
  private readonly onRecord: (record: Record<string, unknown>) => void;
  constructor(onRecord: (record: Record<string, unknown>) => void) {
    this.onRecord = onRecord;
  }
  line(record: object): void {
    this.lines++;
    this.rolling.update(JSON.stringify(record));
    this.onRecord(record as Record<string, unknown>);
  }
  text(line: string): void {
    this.lines++;
    this.rolling.update(line);
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
  /** Failed expectations (`check expect=`) and command errors, with line numbers. */
  readonly errors: readonly string[];
  /** How many `check expect=` commands ran. */
  readonly expectations: number;
}

export function runZabScript(input: string): ScriptResult {
  const pieces = parseDatadriven(input);
  const outputs = new Map<Stanza, readonly string[]>();
  const script = new ZabScript();
  for (const piece of pieces) {
    if (piece.kind !== 'stanza') continue;
    let lines: string[];
    try {
      lines = script.exec(parseCommand(piece.stanza.command));
    } catch (error) {
      const message = (error as Error).message;
      script.errors.push(`line ${piece.stanza.line}: ${piece.stanza.command}: ${message}`);
      lines = [`error: ${message}`];
    }
    outputs.set(piece.stanza, lines.length === 0 ? ['ok'] : lines);
  }
  return { text: renderDatadriven(pieces, outputs), errors: script.errors, expectations: script.expectations };
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
    const kernelOptions: KernelOptions = { seed, timeMaxUs: 0, eventsMax: 0, network: DEFAULT_NETWORK, disk: DEFAULT_DISK };
    const kernel = new Kernel(kernelOptions, new ScenarioSink((r) => this.onTrace(r)));
    this.kernel = kernel;
    this.config = config;
    this.servers = [...voters, ...observers];
    const base = zabServerProgram(config, kvStateMachine);
    const program: ServerProgram = { ...base, step: (s, e) => this.filterDrops(base.step(s, e)) };
    for (const id of this.servers) kernel.addNode(id, program);
    this.checker = new ZabChecker(config, (id) => kernel.stateOf(id) as ZabServer | undefined, (id) => kernel.diskOf(id) as ZabDisk);
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
    return [`servers ${roles.join(', ')}`];
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
   */
  run(cmd: Command): string[] {
    this.showTypes = new Set(listArg(cmd, 'msgs'));
    const ms = cmd.args.get('ms');
    const cond = cmd.args.get('until');
    if ((ms === undefined) === (cond === undefined)) throw new Error('run needs exactly one of ms= or until=');
    if (ms !== undefined) {
      this.advance(Number(ms), null);
      return [];
    }
    const test = this.condition(cond as string);
    if (test()) return [`already ${cond}`];
    const reached = this.advance(intArg(cmd, 'max', DEFAULT_MAX_MS), test);
    return [reached ? `reached ${cond}` : `not reached: ${cond} (after ${intArg(cmd, 'max', DEFAULT_MAX_MS)} ms)`];
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
    this.showTypes = new Set(listArg(cmd, 'msgs'));
    const name = cmd.args.get('client');
    if (name === undefined) throw new Error('needs client=');
    const id = this.clientNode(name, cmd.args.get('via'));
    const key = `${id}:${(this.k.stateOf(id) as BasicClient).xid + 1}`;
    this.k.inject(id, { type: 'APP_OP', op });
    if (cmd.words.includes('nowait')) return [`${name} sent ${kvStateMachine.describeOp(op)}`];
    const max = intArg(cmd, 'max', DEFAULT_MAX_MS);
    const done = this.advance(max, () => !this.openOps.has(key));
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

  // ---------------------------------------------------------------- faults

  /** `partition {1} {2 3}`: cuts every link between the groups, both ways (in-flight messages are lost). */
  partition(cmd: Command): string[] {
    if (cmd.groups.length < 2) throw new Error('partition needs at least two {groups}');
    const groups = cmd.groups.map((g) => g.map((x) => this.serverArg(x)));
    this.k.partition(groups);
    return [`cut ${groups.map((g) => `{${g.join(' ')}}`).join(' | ')}`];
  }

  /** `heal`: every link works again (new connections open on the next send). */
  heal(): string[] {
    this.k.healAll();
    return ['healed'];
  }

  /** `crash N`: the process dies; unsynced writes are lost; peers see their connections reset. */
  crash(cmd: Command): string[] {
    const id = this.serverArg(cmd.words[0]);
    this.k.crash(id);
    const d = this.k.diskOf(id) as ZabDisk;
    return [`${id} crashed: disk ${describeDisk(d)}`];
  }

  /** `restart N [wipe]` (or `start N` for a server never started): boots from disk (an empty one with `wipe`). */
  restart(cmd: Command): string[] {
    const id = this.serverArg(cmd.words[0]);
    if (this.k.isUp(id)) throw new Error(`server ${id} is up`);
    this.notes = new Map();
    this.k.restart(id, { wipeDisk: cmd.words.includes('wipe') });
    return (this.notes.get(id) ?? []).filter((n) => n.startsWith('boot:')).map((n) => `${id} ${n}`);
  }

  /** `pause N` / `resume N`: a stopped process (GC pause); events for it wait until it resumes. */
  pause(cmd: Command, paused: boolean): string[] {
    const id = this.serverArg(cmd.words[0]);
    if (paused) this.k.pause(id);
    else this.k.resume(id);
    return [`${id} ${paused ? 'paused' : 'resumed'}`];
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

  // ---------------------------------------------------------------- what happens while time moves

  private onTrace(r: Record<string, unknown>): void {
    if (r['k'] === 'note') {
      const node = r['node'] as NodeId;
      const text = r['text'] as string;
      this.lastNote.set(node, text);
      const list = this.notes.get(node);
      if (list === undefined) this.notes.set(node, [text]);
      else list.push(text);
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
        this.openOps.set(`${o.client}:${o.xid}`, { client: this.nodeName(o.client), text: kvStateMachine.describeOp(o.op) });
        return;
      case 'complete': {
        const key = `${o.client}:${o.xid}`;
        const op = this.openOps.get(key);
        this.openOps.delete(key);
        this.events.push(`${this.nodeName(o.client)} ${op?.text ?? `xid ${o.xid}`}: ${describeOutcome(o.outcome, o.result, o.zxid)} (server ${o.server})`);
        return;
      }
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
};

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
