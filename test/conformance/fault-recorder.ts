// Records client histories (zabsim's NDJSON, sim/history/types.ts) from a real ZooKeeper 3.8 ensemble
// while servers are crashed (SIGKILL, restart) or paused (SIGSTOP past the session timeout, SIGCONT).
//
//   npx tsx test/conformance/fault-recorder.ts --seed S --count N --out DIR [--ops 300] [--duration-ms 15000]
//
// writes, for seeds S..S+N-1, DIR/s<seed>-<plan>.zxids.ndjson (as recorded) and .nozxids.ndjson (every
// zxid-like field removed; history-zxids.ts). Each history uses a fresh 3-server ensemble.
//
// Honesty rules (the checkers judge these files, so nothing is tidied up):
// * outcome "ok" only when a reply arrived; its rc is the reply's error code. "info" when no reply came
//   (connection loss, expiry, the run ended first): the request may or may not have taken effect.
//   "fail" only when the library refused the request without sending it (its session already closed,
//   closing or expired: ConnectionManager.queue answers at once).
// * zxid / readZxid are the reply header's zxid (a write's own txn; for any op the state the server had
//   applied); result.mzxid the Stat's. Times come from one monotonic clock (process.hrtime), and
//   `completeSeq` / `seq` give the order in which replies and events were parsed off the sockets.
// * Session ids are 64-bit (above 2^53): each gets a small number, in order of first connection; the
//   header's `sessionIds` maps them back, and ephemeralOwner uses the same numbers.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { formatNdjsonHistory } from '../../sim/history/ndjson.js';
import type { ZkHistory, ZkHistoryEvent, ZkHistoryOp, ZkOp, ZkResult, ZkReturnCode, ZkSessionState } from '../../sim/history/types.js';
import { forkRng, type Rng } from '../../sim/rng.js';
import { startEnsemble, type Ensemble } from './ensemble.js';
import { FAULT_PLANS, FaultRunner, planSteps, type FaultPlanName, type FaultTiming } from './fault-plan.js';
import { CM_STATES, RecordedSession, statFacts, type Reply } from './fault-session.js';
import { withoutZxids } from './history-zxids.js';
import { nextWorkloadOp, remember, WORKLOAD_ROOT, type WorkerMemory } from './fault-workload.js';

export type FaultRecordOptions = {
  readonly seed: number;
  readonly plan: FaultPlanName;
  readonly maxOps?: number;
  readonly durationMs?: number;
  readonly sessionTimeoutMs?: number;
  /** The workload's parent node (default '/w'); a fresh one per run when runs share an ensemble. */
  readonly root?: string;
  /** When the plan strikes (default: RECORDER_TIMING). */
  readonly timing?: FaultTiming;
  /** How long the workload goes on after the plan's last step (default 2500 ms). */
  readonly tailMs?: number;
};

const RC: Readonly<Record<number, ZkReturnCode>> = {
  0: 'ok',
  [-101]: 'noNode',
  [-110]: 'nodeExists',
  [-103]: 'badVersion',
  [-111]: 'notEmpty',
  [-108]: 'noChildrenForEphemerals',
  [-8]: 'badArguments',
  [-2]: 'runtimeInconsistency',
};

export type MutableOp = { -readonly [K in keyof ZkHistoryOp]: ZkHistoryOp[K] };
export type Pending = { rec: MutableOp; slot: Reply; value: unknown; settled: boolean; build: (value: unknown, rc: ZkReturnCode) => ZkResult | null };

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** The plan a seed gets when none is named: every plan in turn. */
export function planForSeed(seed: number): FaultPlanName {
  return FAULT_PLANS[seed % FAULT_PLANS.length]!;
}

/** One history being recorded: its clock, reply order, op records and session numbering (shared with outcome-real.ts). */
export class Recording {
  readonly t0 = process.hrtime.bigint();
  readonly pending: Pending[] = [];
  readonly events: ZkHistoryEvent[] = [];
  readonly sessionNo = new Map<string, number>();
  readonly portToServer: Map<number, number>;
  seq = 0;
  nextId = 0;
  issued = 0;
  readonly maxOps: number;

  constructor(ensemble: Ensemble, maxOps: number) {
    this.maxOps = maxOps;
    this.portToServer = new Map(ensemble.servers.map((s) => [s.clientPort, s.id]));
  }
  nowUs(): number {
    return Number((process.hrtime.bigint() - this.t0) / 1000n);
  }
  server(port: number | null): number | null {
    return port === null ? null : (this.portToServer.get(port) ?? null);
  }
  session(hex: string): number {
    let n = this.sessionNo.get(hex);
    if (n === undefined) {
      n = this.sessionNo.size + 1;
      this.sessionNo.set(hex, n);
    }
    return n;
  }
  owner(raw: bigint): number {
    return raw === 0n ? 0 : this.session(`0x${raw.toString(16)}`);
  }
}

/** One client: a sequence of sessions (a new one after a close or an expiry), two request lanes each. */
class Worker {
  readonly #rec: Recording;
  readonly #client: number;
  readonly #connect: string;
  readonly #timeoutMs: number;
  readonly #rng: Rng;
  readonly #memory: WorkerMemory = { versions: new Map(), created: [], counter: 0 };
  readonly #root: string;

  constructor(rec: Recording, client: number, connect: string, timeoutMs: number, rng: Rng, root: string) {
    this.#root = root;
    this.#rec = rec;
    this.#client = client;
    this.#connect = connect;
    this.#timeoutMs = timeoutMs;
    this.#rng = rng;
  }

  async run(running: () => boolean, setup: boolean, delayMs: () => number): Promise<void> {
    let first = true;
    while (running()) {
      const s = await this.#open(running);
      if (s === null) continue;
      if (first && setup) await this.#op(s.session, s.no, { type: 'create', path: this.#root, data: '', mode: 'persistent' }, running);
      first = false;
      const ended = { closing: false };
      const lane = async (laneNo: number): Promise<void> => {
        while (running() && !ended.closing && isLive(s.session.state)) {
          await sleep(delayMs());
          if (!running() || ended.closing || !isLive(s.session.state)) return;
          const ops = nextWorkloadOp(this.#rng, this.#client, this.#memory, laneNo === 0, this.#root);
          if (ops[0]!.type === 'closeSession') ended.closing = true;
          for (const op of ops) await this.#op(s.session, s.no, op, running);
        }
      };
      await Promise.all([lane(0), lane(1)]);
      if (!running()) {
        // The run is over: the handle is dropped without recording its close (nothing is recorded after).
        if (isLive(s.session.state)) s.session.raw.close();
        return;
      }
      if (!ended.closing) continue; // the session expired: a new one
      await sleep(200 + this.#rng.intInclusive(0, 300));
    }
  }

  async #open(running: () => boolean): Promise<{ session: RecordedSession; no: number } | null> {
    const rec = this.#rec;
    let no: number | null = null;
    let last: ZkSessionState | null = null;
    const session: RecordedSession = new RecordedSession(this.#connect, this.#timeoutMs, {
      nowUs: () => rec.nowUs(),
      nextSeq: () => rec.seq++,
      onState: (state, atUs, seq, port) => {
        if (state === CM_STATES.CONNECTED && no === null) no = rec.session(session.sessionIdHex());
        if (no !== null) last = recordSessionState(rec, this.#client, no, last, state, atUs, seq, port);
      },
      onWatch: (type, path, atUs, seq, port) => {
        if (no === null) return;
        rec.events.push({ kind: 'watch', client: this.#client, session: no, server: rec.server(port), type, path, zxid: -1, atUs, seq });
      },
    });
    session.raw.connect();
    const deadline = Date.now() + 8000;
    while (session.state !== CM_STATES.CONNECTED && Date.now() < deadline && running()) await sleep(20);
    if (session.state !== CM_STATES.CONNECTED || no === null) {
      // No session was made (or none is needed any more): drop the handle. Nothing was recorded for it.
      session.raw.close();
      await sleep(300);
      return null;
    }
    return { session, no };
  }

  async #op(session: RecordedSession, no: number, op: ZkOp, running: () => boolean): Promise<void> {
    const rec = this.#rec;
    if (rec.issued >= rec.maxOps) return;
    rec.issued++;
    const neverSent = !isLive(session.state) || (session.state === CM_STATES.CLOSING && op.type !== 'closeSession');
    const record: MutableOp = {
      kind: 'op',
      id: rec.nextId++,
      client: this.#client,
      session: no,
      server: neverSent ? null : rec.server(session.port()),
      op,
      invokeUs: rec.nowUs(),
      completeUs: null,
      outcome: neverSent ? 'fail' : 'info',
      result: null,
      zxid: null,
    };
    const { slot, done, build } = issue(session, op, rec);
    const p: Pending = { rec: record, slot, value: undefined, settled: false, build };
    rec.pending.push(p);
    // An op the library never answers (queued when its session expired) ends the lane's wait with the session.
    const value = await Promise.race([done, waitUntil(() => !isLive(session.state) && session.state !== CM_STATES.CLOSING, running)]);
    if (value !== TIMED_OUT) {
      p.value = value;
      p.settled = true;
      remember(this.#memory, op, value);
    }
    // The close's reply came: the session is over, and its client knows it.
    if (op.type === 'closeSession' && slot.err === 0) {
      rec.events.push({
        kind: 'session',
        client: this.#client,
        session: no,
        server: rec.server(slot.port),
        state: 'CLOSED',
        atUs: rec.nowUs(),
        seq: rec.seq++,
      });
    }
  }
}

/**
 * Records a connection-manager state change of a client's session as a history session event, once per
 * change of name (CONNECTED, DISCONNECTED, EXPIRED; other states are not recorded); returns the last name.
 */
export function recordSessionState(
  rec: Recording,
  client: number,
  no: number,
  last: ZkSessionState | null,
  state: number,
  atUs: number,
  seq: number,
  port: number | null,
): ZkSessionState | null {
  const name: ZkSessionState | null =
    state === CM_STATES.CONNECTED ? 'CONNECTED' : state === CM_STATES.DISCONNECTED ? 'DISCONNECTED' : state === CM_STATES.SESSION_EXPIRED ? 'EXPIRED' : null;
  if (name === null || name === last) return last;
  rec.events.push({ kind: 'session', client, session: no, server: rec.server(port), state: name, atUs, seq });
  return name;
}

export const TIMED_OUT = Symbol('timed out');

export async function waitUntil(cond: () => boolean, running: () => boolean): Promise<typeof TIMED_OUT> {
  for (;;) {
    await sleep(50);
    if (cond() || !running()) {
      await sleep(100); // a reply parsed just now still gets to its callback
      return TIMED_OUT;
    }
  }
}

export function isLive(state: number): boolean {
  return state === CM_STATES.CONNECTED || state === CM_STATES.DISCONNECTED || state === CM_STATES.CONNECTING || state === CM_STATES.CONNECTED_READ_ONLY;
}

/** CreateMode's flag for the modes this recorder sends (it draws no container or TTL creates). */
function createModeFlag(mode: Extract<ZkOp, { type: 'create' }>['mode']): number {
  const flags: Partial<Record<typeof mode, number>> = { persistent: 0, ephemeral: 1, persistentSequential: 2, ephemeralSequential: 3 };
  const flag = flags[mode];
  if (flag === undefined) throw new Error(`the fault recorder sends no ${mode} create`);
  return flag;
}

/** Sends `op` and says how to turn the library's answer into a history result. */
export function issue(s: RecordedSession, op: ZkOp, rec: Recording): { slot: Reply; done: Promise<unknown>; build: Pending['build'] } {
  switch (op.type) {
    case 'create': {
      const mode = createModeFlag(op.mode);
      const { slot, done } = s.create(op.path, op.data, mode);
      return { slot, done, build: (v, rc) => (rc !== 'ok' ? { rc } : typeof v === 'string' ? { rc, path: v } : null) };
    }
    case 'delete': {
      const { slot, done } = s.remove(op.path, op.version);
      return { slot, done, build: (_v, rc) => ({ rc }) };
    }
    case 'setData': {
      const { slot, done } = s.setData(op.path, op.data, op.version);
      return {
        slot,
        done,
        build: (v, rc) => {
          if (rc !== 'ok') return { rc };
          if (v === null || v === undefined) return null;
          const st = statFacts(v as Parameters<typeof statFacts>[0]);
          return { rc, version: st.version, mzxid: st.mzxid };
        },
      };
    }
    case 'getData': {
      const { slot, done } = s.getData(op.path, op.watch === true);
      return {
        slot,
        done,
        build: (v, rc) => {
          if (rc !== 'ok') return { rc };
          const r = v as { data: string; stat: Parameters<typeof statFacts>[0] } | null;
          if (r === null || r === undefined) return null;
          const st = statFacts(r.stat);
          return { rc, data: r.data, version: st.version, mzxid: st.mzxid, ephemeralOwner: rec.owner(st.owner) };
        },
      };
    }
    case 'exists': {
      const { slot, done } = s.exists(op.path, op.watch === true);
      return {
        slot,
        done,
        build: (v, rc) => {
          // The server answers NONODE for an absent node; the client reports "no Stat" (exists = false).
          if (rc === 'noNode') return { rc: 'ok', exists: false };
          if (rc !== 'ok' || v === null || v === undefined) return rc === 'ok' ? null : { rc };
          const st = statFacts(v as Parameters<typeof statFacts>[0]);
          return { rc, exists: true, version: st.version, mzxid: st.mzxid, ephemeralOwner: rec.owner(st.owner) };
        },
      };
    }
    case 'getChildren': {
      const { slot, done } = s.getChildren(op.path, op.watch === true);
      return { slot, done, build: (v, rc) => (rc !== 'ok' ? { rc } : Array.isArray(v) ? { rc, children: v as string[] } : null) };
    }
    case 'sync': {
      const { slot, done } = s.sync(op.path);
      return { slot, done, build: (_v, rc) => ({ rc }) };
    }
    case 'closeSession': {
      const { slot, done } = s.closeSession();
      return { slot, done, build: (_v, rc) => ({ rc }) };
    }
    case 'multi': {
      const raw = op.ops.map((sub) => {
        switch (sub.type) {
          case 'create':
            return {
              type: 1,
              path: sub.path,
              data: Buffer.from(sub.data),
              mode: createModeFlag(sub.mode),
            };
          case 'delete':
            return { type: 2, path: sub.path, version: sub.version };
          case 'setData':
            return { type: 5, path: sub.path, data: Buffer.from(sub.data), version: sub.version };
          case 'check':
            return { type: 13, path: sub.path, version: sub.version };
          default:
            throw new Error(`multi sub-op ${sub.type} not recorded`);
        }
      });
      const { slot, done } = s.multi(raw);
      return {
        slot,
        done,
        build: (v, rc) => (rc === 'ok' ? multiResult(v as { type: number; path?: string; stat?: { version: number }; err?: number }[] | null) : { rc }),
      };
    }
    default:
      throw new Error(`op ${op.type} not recorded`);
  }
}

/** A multi's reply: the first failing sub-op's code on top (MultiResponse carries one result per sub-op). */
function multiResult(results: readonly { type: number; path?: string; stat?: { version: number }; err?: number }[] | null): ZkResult | null {
  if (results === null || results === undefined) return null;
  const subs: ZkResult[] = [];
  let top: ZkReturnCode = 'ok';
  for (const r of results) {
    if (r.type === -1) {
      const rc = RC[r.err ?? 0];
      if (rc === undefined) return null;
      if (top === 'ok' && rc !== 'ok') top = rc;
      subs.push({ rc });
    } else if (r.type === 1) subs.push({ rc: 'ok', path: r.path ?? '' });
    else if (r.type === 5) subs.push({ rc: 'ok', version: r.stat?.version ?? -1 });
    else subs.push({ rc: 'ok' });
  }
  return { rc: top, results: subs };
}

/** The final op records: replies whose result is known become "ok"; the rest stay "info" (or "fail"). */
export function finish(rec: Recording): ZkHistoryOp[] {
  return rec.pending.map((p) => {
    const r = p.rec;
    if (r.outcome === 'fail') return { ...r, completeUs: r.completeUs ?? r.invokeUs };
    const { slot } = p;
    const rc = slot.err === null ? undefined : RC[slot.err];
    // exists on an absent node: the reply header says NONODE, the op succeeded with "no Stat".
    const known = rc !== undefined || (r.op.type === 'exists' && slot.err === -101);
    if (slot.err === null || !known || !p.settled || slot.atUs === null || slot.seq === null) return r;
    const result = p.build(p.value, rc ?? 'noNode');
    if (result === null) return r;
    const out: MutableOp = { ...r, outcome: 'ok', completeUs: slot.atUs, completeSeq: slot.seq, result, server: rec.server(slot.port) ?? r.server };
    out.readZxid = slot.zxid;
    const write = r.op.type === 'create' || r.op.type === 'delete' || r.op.type === 'setData' || r.op.type === 'multi' || r.op.type === 'closeSession';
    out.zxid = write ? slot.zxid : null;
    return out;
  });
}

/** Records one history against a running ensemble. */
export async function recordFaultHistory(ensemble: Ensemble, opts: FaultRecordOptions): Promise<ZkHistory> {
  const seed = opts.seed;
  const timeoutMs = opts.sessionTimeoutMs ?? 3000;
  const steps = planSteps(opts.plan, timeoutMs, opts.timing);
  const durationMs = Math.max(opts.durationMs ?? 15_000, FaultRunner.endMs(steps) + (opts.tailMs ?? 2500));
  const rng = forkRng(String(seed), 'workload');
  const faultRng = forkRng(String(seed), 'faults');
  const rec = new Recording(ensemble, opts.maxOps ?? 300);
  const sessions = rng.intInclusive(3, 6);
  const started = Date.now();
  let stop = false;
  const running = (): boolean => !stop && Date.now() - started < durationMs && rec.issued < rec.maxOps;
  // Aim at about maxOps ops over the run: two lanes per session, each waiting ~mean between ops.
  const meanDelay = Math.max(50, Math.round((durationMs * sessions * 2) / (opts.maxOps ?? 300)));
  const delayMs = (): number => rng.intInclusive(Math.round(meanDelay / 2), Math.round((meanDelay * 3) / 2));
  const faults = new FaultRunner(ensemble, faultRng);
  const workers: Worker[] = [];
  const connects: string[] = [];
  for (let c = 0; c < sessions; c++) {
    // Odd clients are pinned to one server: they cannot fail over, so a pause or crash there outlasts their session.
    const pinned = c % 2 === 1 ? ensemble.connectStringFor(((c + seed) % 3) + 1) : ensemble.connectString;
    connects.push(pinned);
    workers.push(new Worker(rec, c, pinned, timeoutMs, forkRng(`${seed}/${c}`, 'clients'), opts.root ?? WORKLOAD_ROOT));
  }
  try {
    const setup = workers[0]!.run(running, true, delayMs);
    await sleep(300);
    const rest = workers.slice(1).map((w) => w.run(running, false, delayMs));
    const faulting = faults.run(
      steps,
      () => Date.now() - started,
      () => stop,
    );
    await Promise.all([setup, ...rest, faulting]);
  } finally {
    stop = true;
    faults.cleanup();
  }
  const ops = finish(rec);
  const sessionIds: Record<string, string> = {};
  for (const [hex, n] of rec.sessionNo) sessionIds[String(n)] = hex;
  const header = {
    kind: 'header' as const,
    version: 1 as const,
    source: 'real ZooKeeper 3.8 ensemble on loopback (test/conformance/fault-recorder.ts)',
    // No reconnectOrder: RecordedSession sends setWatches ahead of the queued requests, in the Java client's order.
    zookeeper: await ensemble.version(),
    seed,
    plan: opts.plan,
    root: opts.root ?? WORKLOAD_ROOT,
    faults: faults.log,
    sessionTimeoutMs: timeoutMs,
    clients: connects.map((c, i) => ({ client: i, connect: c })),
    servers: ensemble.servers.map((s) => ({ id: s.id, clientPort: s.clientPort })),
    sessionIds,
    zxids: 'reply header (zxid, readZxid), Stat (mzxid); watch events carry -1 as ZooKeeper 3.8 sends it',
  };
  const events = [...rec.events].sort((a, b) => (a.seq ?? 0) - (b.seq ?? 0));
  return { header, ops, events };
}

/** Records one history on a fresh ensemble (started and always stopped here). */
export async function recordOnFreshEnsemble(opts: FaultRecordOptions): Promise<ZkHistory> {
  const ensemble = await startEnsemble();
  try {
    return await recordFaultHistory(ensemble, opts);
  } finally {
    await ensemble.stop();
  }
}

export function historyFiles(history: ZkHistory, name: string, dir: string): string[] {
  mkdirSync(dir, { recursive: true });
  const a = join(dir, `${name}.zxids.ndjson`);
  const b = join(dir, `${name}.nozxids.ndjson`);
  writeFileSync(a, formatNdjsonHistory(history));
  writeFileSync(b, formatNdjsonHistory(withoutZxids(history)));
  return [a, b];
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      seed: { type: 'string', default: '1' },
      count: { type: 'string', default: '1' },
      out: { type: 'string', default: 'test/conformance/recordings/faults' },
      ops: { type: 'string', default: '300' },
      'duration-ms': { type: 'string', default: '15000' },
      plan: { type: 'string' },
    },
  });
  const seed = Number(values.seed);
  const count = Number(values.count);
  for (let s = seed; s < seed + count; s++) {
    const plan = (values.plan as FaultPlanName | undefined) ?? planForSeed(s);
    const t = Date.now();
    const h = await recordOnFreshEnsemble({ seed: s, plan, maxOps: Number(values.ops), durationMs: Number(values['duration-ms']) });
    const files = historyFiles(h, `s${s}-${plan}`, values.out);
    const counts = { ok: 0, info: 0, fail: 0 };
    for (const o of h.ops) counts[o.outcome]++;
    process.stdout.write(
      `${files[0]}: ${h.ops.length} ops (${counts.ok} ok, ${counts.info} info, ${counts.fail} fail), ${h.events?.length ?? 0} events, ${Object.keys(h.header['sessionIds'] as object).length} sessions, ${Date.now() - t} ms\n`,
    );
  }
}

if (process.argv[1]?.endsWith('fault-recorder.ts')) {
  main().catch((e: unknown) => {
    process.stderr.write(`fault-recorder: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(1);
  });
}
