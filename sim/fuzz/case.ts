// One fuzz case, as data: the swarm draw (cluster size, fault mix), the fault plan (timed and
// protocol-triggered faults), the workload (an explicit operation list), and the liveness core.
// Two phases (TigerBeetle's VOPR): faults until `faultsUntilMs`; then the liveness phase heals a
// "core" (a quorum of voters and every observer: links, crashes, pauses, skew), leaves the other
// voters isolated, sends probe writes, and requires a leader among the core, every core server
// (observers included) following it with the same committed history, and progress. A server left
// isolated at the end is not judged: it cannot catch up.
//
// "Unmutated protocol" here means current ZooKeeper master plus the stale-ACK fix
// (ZabConfig.dropStaleAcksOnResync: true): master itself can commit on a stale ACK, a finding
// recorded in scenarios/findings/, so sweeps test master + that fix.
import type { NodeId } from '../../protocol/program.js';
import type { Mutant, SyncPersistence } from '../../protocol/zab/config.js';
import type { KvOp } from '../../protocol/kv/state-machine.js';
import type { ZabObservation } from '../../protocol/zab/effects.js';
import type { ZabServer } from '../../protocol/zab/state.js';
import type { Kernel } from '../kernel/kernel.js';
import { forkRng } from '../rng.js';
import { NullSink, type TraceSink } from '../trace/sink.js';
import { applyFaultIn, type FaultEvent, type Trigger } from '../zab/faults.js';
import { baseRunOptions, clientIds, zabConfigOf, type RunOptions } from '../zab/options.js';
import { runZab, type RunHooks, type RunReport, type Verdict } from '../zab/run.js';
import { firstFailure, unknownCheckers } from '../zab/verdicts.js';
import { explainElection } from './explain.js';
import { judgeRecovery } from '../checkers/recovery.js';
import { Tape, tapedRng, type TapeData } from './tape.js';
import { TriggerWatch, type ArmedFault } from './triggers.js';
import { SessionExpiryWatch } from './session-expiry.js';
import { ProbeWatch } from './probes/watch.js';
import { KV_RUN_PROBES, PROBES } from './probes/registry.js';
import type { ServiceApp } from '../service/fuzz-app.js';
import type { ServiceOp, ServiceSpec } from './service-workload.js';
import { addProbeClient, isProbeCall, probeOp, scheduleService } from './service-run.js';

export type ProfileName = 'quick' | 'standard' | 'deep';

/** The leader's ContainerManager settings a case with containers draws (containers.ts); kept here so containers.ts can import the case types without a cycle. */
export interface ContainerSettings {
  readonly checkIntervalMs: number;
  readonly maxPerMinute: number;
  readonly maxNeverUsedIntervalMs: number;
}

export interface Profile {
  readonly name: ProfileName;
  readonly serverChoices: readonly number[];
  readonly faultsUntilMs: number;
  readonly livenessMs: number;
  readonly maxFaults: number;
  readonly maxOps: number;
  /**
   * fast-check's size for the operation list: 'small' (its default) draws about ten operations
   * whatever maxOps says; 'max' draws lengths over the whole range. quick keeps 'small': its cases
   * serve fast tests and fast-check's own shrinking, which a long list slows.
   */
  readonly opsSize: 'small' | 'max';
  readonly clients: number;
  /** Share of cases, in percent, that end their fault phase with a crash-recovery burst (recovery.ts). */
  readonly recoveryPercent: number;
  /** Share of cases, in percent, whose clients burst writes just before each timed fault (pressure.ts). */
  readonly pressurePercent: number;
  /** Share of the cases without a recovery burst, in percent, that end with a fault shape (shapes.ts). */
  readonly shapePercent: number;
  /** Share of the cases without a recovery burst, in percent, that end with the restart-rejoin shape (besides shapePercent). */
  readonly restartShapePercent: number;
  /** Share of cases, in percent, that run the ZooKeeper service workload (service-workload.ts) instead of the kv one. */
  readonly servicePercent: number;
  /** The most service operations (calls, recipe commands, cuts) a service case draws, besides its kv operations. */
  readonly serviceMaxOps: number;
  /** Share of cases, in percent, in which one server's disk stalls for a while (disk-stall.ts). */
  readonly diskStallPercent: number;
  /** Share of cases, in percent, whose first epoch starts near the zxid counter's end (long-lived.ts). */
  readonly longLivedPercent: number;
  /** Share of the service cases, in percent, in which one client bursts past the outstanding limit (client-burst.ts). */
  readonly burstPercent: number;
  /** Share of cases, in percent, in which a few leaders in a row die soon after they begin to lead (leader-churn.ts). */
  readonly churnPercent: number;
  /** Share of the service cases, in percent, whose clients also use 3.6's read calls (read-api.ts). */
  readonly readApiPercent: number;
  /** Share of the service cases, in percent, with container and TTL nodes and a short container check (containers.ts). */
  readonly containerPercent: number;
  /** Share of the service cases, in percent, with a protected node that other clients watch (acl-tenants.ts). */
  readonly aclTenantPercent: number;
  /** Share of the cases without a recovery burst or fault shape, in percent, whose clients fall quiet for a few seconds, half of them with a rolling restart (quiet.ts). */
  readonly quietPercent: number;
  /** Share of the cases without a recovery burst or fault shape, in percent, in which one learner starts late or leaves and returns after broadcast began (late-learner.ts). */
  readonly lateLearnerPercent: number;
}

// livenessMs must cover ZooKeeper's own recovery, not only one clean election. Seen in 20,000
// standard seeds: an election may pick a stale leader outside the core (a vote heard before the
// isolation) and wait out a read timeout before the next round; a LOOKING server holding the best
// vote stays silent while same-round resends from worse voters keep waking its poll (FLE answers
// only older rounds), until jitter lets its own timeout fire; a lone live client wanders through
// servers that do not serve. Each is ZooKeeper's own behaviour; together they took up to 29 s after
// the heal. 60 s bounds them with room; probe writes run every 5% from 30% to 95% of it.
/** When, as a share of the liveness phase, each live client writes a probe. */
const PROBE_FRACTIONS = [0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95];

export const PROFILES: Readonly<Record<ProfileName, Profile>> = {
  // quick: no burst, its 6 s fault phase is too short for a burst's chain of crashes and elections.
  quick: {
    name: 'quick',
    serverChoices: [3],
    faultsUntilMs: 6_000,
    livenessMs: 60_000,
    maxFaults: 8,
    maxOps: 30,
    opsSize: 'small',
    clients: 2,
    recoveryPercent: 0,
    pressurePercent: 0,
    shapePercent: 0,
    restartShapePercent: 0,
    servicePercent: 50,
    serviceMaxOps: 20,
    diskStallPercent: 0,
    longLivedPercent: 0,
    burstPercent: 0,
    churnPercent: 0,
    readApiPercent: 0,
    containerPercent: 0,
    aclTenantPercent: 0,
    quietPercent: 0,
    lateLearnerPercent: 0,
  },
  // Even ensembles (2, 4, 6 voters: a quorum is more than half, so a 2-2 split has none) in three
  // cases of seven, and observers (arbitraries.ts) in half, as in the property sweeps. A 12 s fault
  // phase (9 s before) and up to 100 operations, drawn over the whole range (before, fast-check's
  // default size drew about ten whatever the maximum), plus write bursts at faults in half the
  // cases: what fits the speed budget (fuzzSeedsPerCoreHour >= 300,000; the sweeps' 40 s and
  // ~1,600 writes would cost several times more per seed).
  standard: {
    name: 'standard',
    serverChoices: [2, 3, 3, 4, 5, 5, 6],
    faultsUntilMs: 12_000,
    livenessMs: 60_000,
    maxFaults: 12,
    maxOps: 100,
    opsSize: 'max',
    clients: 3,
    recoveryPercent: 20,
    pressurePercent: 50,
    shapePercent: 30,
    restartShapePercent: 15,
    servicePercent: 50,
    serviceMaxOps: 20,
    diskStallPercent: 20,
    longLivedPercent: 12,
    burstPercent: 20,
    // A quarter (a tenth until session 13): servers that logged proposals no quorum acked, in an epoch that
    // committed nothing, coming back to leaders that have not committed yet (sim/README.md layers 4 and 10).
    churnPercent: 25,
    readApiPercent: 30,
    containerPercent: 15,
    aclTenantPercent: 25,
    quietPercent: 40,
    lateLearnerPercent: 40,
  },
  // deep: the property sweeps' 40 s fault phase.
  deep: {
    name: 'deep',
    serverChoices: [2, 3, 4, 5, 5, 6, 7],
    faultsUntilMs: 40_000,
    livenessMs: 60_000,
    maxFaults: 30,
    maxOps: 400,
    opsSize: 'max',
    clients: 4,
    recoveryPercent: 20,
    pressurePercent: 50,
    shapePercent: 30,
    restartShapePercent: 15,
    servicePercent: 50,
    serviceMaxOps: 120,
    diskStallPercent: 20,
    longLivedPercent: 12,
    burstPercent: 20,
    churnPercent: 10,
    readApiPercent: 30,
    containerPercent: 15,
    aclTenantPercent: 25,
    quietPercent: 40,
    lateLearnerPercent: 40,
  },
};

export interface WorkloadOp {
  readonly atMs: number;
  /** Client index, from 0. */
  readonly client: number;
  /** A kv operation (in a service case, a call on /k0 .. /k3: service-workload.ts kvAsCommand), or a service operation. */
  readonly op: KvOp | ServiceOp;
}

/** Which workload a case runs: the kv store, or the ZooKeeper service (sessions, watches, ACLs, recipes). */
export function workloadOf(c: FuzzCase): 'kv' | 'service' {
  return c.service === undefined ? 'kv' : 'service';
}

export interface FuzzCase {
  /** Drives the kernel's streams (latencies, timers, fsyncs) and fault-target picks. */
  readonly seed: string;
  readonly profile: ProfileName;
  readonly servers: number;
  readonly observers: number;
  readonly clients: number;
  readonly mutants: readonly Mutant[];
  readonly syncPersistence: SyncPersistence;
  readonly commitLogCount: number;
  /** zoo.cfg snapCount; absent (capsules older than snapCount snapshots) is ZooKeeper's 100,000. */
  readonly snapCount?: number;
  /** The first epoch's starting zxid counter (a long-lived ensemble, long-lived.ts); absent: 0. */
  readonly counterStart?: number;
  /** zookeeper.globalOutstandingLimit, scaled down in a bursty case (client-burst.ts); absent: 1000. */
  readonly globalOutstandingLimit?: number;
  /** The leader's ContainerManager settings and TTL nodes on, in a case with containers (containers.ts); absent: ZooKeeper's defaults, TTLs off. */
  readonly containers?: ContainerSettings;
  readonly faults: readonly FaultEvent[];
  readonly ops: readonly WorkloadOp[];
  /** The service workload's shape (roles, session timeout); absent: the kv workload. */
  readonly service?: ServiceSpec;
  /**
   * Server ids healed in the liveness phase and judged by it: a quorum of voters, and the observers
   * (capsules from before observers were judged list voters only; their observers stay isolated).
   */
  readonly core: readonly number[];
  readonly faultsUntilMs: number;
  readonly durationMs: number;
}

export interface CaseResult {
  readonly report: RunReport;
  /** The first violated checker (safety first, else "liveness"), or null. */
  readonly failure: string | null;
  /** Checkers that answered `unknown` (not failures, but reported). */
  readonly unknown: readonly string[];
  /** Fault index → servers it resolved to (role-named targets, resolved at fire time). */
  readonly resolved: Readonly<Record<string, readonly number[]>>;
  readonly tape: TapeData | null;
  readonly tapeStats: { readonly hits: number; readonly misses: number } | null;
  /** The coverage probes the run reached (probes/registry.ts order), when asked for. */
  readonly probes: readonly string[] | null;
}

export interface RunCaseOptions {
  readonly sink?: TraceSink;
  /** Record decisions (and replay those already on it) by meaning. */
  readonly tape?: TapeData | 'record';
  /** Test-only: extra draws from kernel streams before the run, to show replay by meaning. */
  readonly perturb?: readonly ('network' | 'timers' | 'disk')[];
  /** Test-only: servers paused again just after the heal, to show the judge catches one that never catches up. */
  readonly stallAfterHeal?: readonly NodeId[];
  /** Watch the coverage probes (probes/); the run and its trace are the same either way. */
  readonly probes?: boolean;
  /** Test-only: wraps the servers' program, to plant a service-layer mistake (see runZab's hooks). */
  readonly wrapServer?: RunHooks['wrapServer'];
  /** Receives the run's client history at the end (tools that time or compare the client checkers). */
  readonly history?: RunHooks['history'];
}

const MS = 1000;

export function runOptionsOf(c: FuzzCase): RunOptions {
  const base = baseRunOptions(`fuzz-${c.profile}`, c.seed, c.servers, c.observers);
  return {
    ...base,
    zab: {
      ...base.zab,
      tickTimeMs: 500,
      initLimit: 10,
      syncLimit: 5,
      maxNotificationIntervalMs: 2_000,
      commitLogCount: c.commitLogCount,
      snapCount: c.snapCount ?? 100_000,
      syncPersistence: c.syncPersistence,
      mutants: c.mutants,
      dropStaleAcksOnResync: true,
      skipDirtyLeadSnapshot: true,
      ...(c.counterStart === undefined ? {} : { counterStart: c.counterStart, counterStartFirstEpochOnly: true }),
      ...(c.globalOutstandingLimit === undefined ? {} : { globalOutstandingLimit: c.globalOutstandingLimit }),
      ...(c.containers === undefined
        ? {}
        : {
            extendedTypesEnabled: true,
            containerCheckIntervalMs: c.containers.checkIntervalMs,
            containerMaxPerMinute: c.containers.maxPerMinute,
            containerMaxNeverUsedIntervalMs: c.containers.maxNeverUsedIntervalMs,
          }),
    },
    disk: { ...base.disk, unsyncedSurviveCrash: false },
    workload: { clients: c.clients, meanIntervalMs: 100, keys: 4, stopAtMs: c.durationMs, requestTimeoutMs: 3_000 },
    ...(c.service === undefined ? {} : { service: c.service }),
    // Faults are scheduled by runCase (timed and triggered); RunOptions keeps none so that run.ts
    // does not heal everything at the end: the liveness phase heals the core only.
    faults: [],
    faultsUntilMs: 0,
    durationMs: c.durationMs,
    eventsMax: 2_000_000,
  };
}

/** Runs one case. Deterministic: the same case (and tape) gives the same trace. */
export function runCase(c: FuzzCase, opts: RunCaseOptions = {}): CaseResult {
  const options = runOptionsOf(c);
  const tape = opts.tape === undefined ? null : new Tape(opts.tape === 'record' ? {} : opts.tape);
  const resolved: Record<string, number[]> = {};
  const voters = Array.from({ length: c.servers }, (_, i) => i + 1);
  const probes: string[] = [];
  const probeOk: { n: number } = { n: 0 };
  let livenessStartUs = Infinity;
  const killed = new Set<NodeId>();
  /** Crashed servers in crash order (a Map keeps insertion order), for restart "longest-down". */
  const down = new Map<NodeId, number>();
  /** For the liveness explanation: a core leader's last activation, the last probe write. */
  let lastActivationUs: number | null = null;
  let lastProbeUs: number | null = null;
  // Every epoch a leader fixed (getEpochToPropose): the recovery judge's evidence that a learner's
  // acceptedEpoch ahead of the final leader came from a LEADERINFO (ACCEPTED_EPOCH_AHEAD).
  const proposedEpochs = new Set<number>();
  let probeWatch: ProbeWatch | null = null;
  const expiryWatch = new SessionExpiryWatch();

  let serviceApp: ServiceApp | null = null;
  const setup = (kernel: Kernel, servers: readonly NodeId[], app: ServiceApp | null): void => {
    serviceApp = app;
    if (tape !== null) kernel.setTape(tape);
    if (opts.probes === true) {
      probeWatch = new ProbeWatch(kernel, c.servers, c.observers, c.service === undefined ? KV_RUN_PROBES : PROBES);
      kernel.addObserver(probeWatch);
    }
    for (const s of opts.perturb ?? []) kernel.perturbStream(s);
    const clients = clientIds(options);
    const faultRng = forkRng(c.seed, 'faults');
    const fire = (index: number, subject: NodeId | null): void => {
      if (kernel.nowUs >= c.faultsUntilMs * MS) return; // an armed trigger that matched too late
      const f = c.faults[index] as FaultEvent;
      const rng = tape === null ? faultRng : tapedRng(faultRng, tape, `fault ${index}`);
      const who = applyFaultIn({ kernel, servers, voters, clients, rng, subject, downOrder: () => [...down.keys()] }, f);
      if (f.type === 'kill-client')
        for (const k of who) {
          killed.add(k);
          expiryWatch.killed(k, kernel.nowUs);
        }
      resolved[String(index)] = who;
      probeWatch?.fault(f, who);
    };
    const armed: ArmedFault[] = [];
    c.faults.forEach((f, index) => {
      if (f.atMs >= c.faultsUntilMs) return;
      if (f.when === undefined) kernel.at(f.atMs * MS, () => fire(index, null));
      else armed.push({ index, fault: f as FaultEvent & { when: Trigger } });
    });
    if (armed.length > 0) kernel.addObserver(new TriggerWatch(kernel, servers, armed, (i, subject) => fire(i, subject)));
    kernel.addObserver({
      crashed(node, _disk, nowUs) {
        down.set(node, nowUs);
      },
      restarted(node) {
        down.delete(node);
      },
      noted(_node, fact) {
        const f = fact as ZabObservation;
        if (f.kind === 'epochProposed') proposedEpochs.add(f.epoch);
      },
      observe(node, what) {
        const o = what as ZabObservation;
        // No key is built before the liveness phase's first probe write (every other completion).
        if (o.kind === 'complete' && o.outcome === 'ok' && probes.length > 0 && probes.includes(`${o.client}:${o.xid}`)) probeOk.n++;
        if (
          o.kind === 'invoke' &&
          kernel.nowUs >= livenessStartUs &&
          (c.service === undefined ? (o.op as KvOp).type === 'set' && String((o.op as { value?: unknown }).value).startsWith('probe') : isProbeCall(o.op))
        ) {
          probes.push(`${o.client}:${o.xid}`);
          lastProbeUs = kernel.nowUs;
        }
        if (o.kind === 'activated' && c.core.includes(node)) lastActivationUs = kernel.nowUs;
        if (o.kind === 'session') expiryWatch.session(o.client, o.session, o.state);
      },
    });
    kernel.at(c.faultsUntilMs * MS, () => {
      livenessStartUs = kernel.nowUs;
      kernel.record({ k: 'phase', phase: 'liveness', core: c.core, note: 'faults stop: heal the core, isolate the rest, require progress' });
      kernel.healAll();
      const outside = servers.filter((id) => !c.core.includes(id));
      for (const id of c.core) {
        kernel.resume(id);
        kernel.restart(id);
        kernel.setTimerSkew(id, 1);
      }
      if (outside.length > 0) kernel.partition([c.core.slice(), outside], 'liveness-isolate');
      for (const id of opts.stallAfterHeal ?? []) kernel.pause(id);
      // Probe writes: each live client writes a few times; at least one must commit. A service case
      // adds a fresh session, since its workload may have expired or killed every session it had.
      const livMs = c.durationMs - c.faultsUntilMs;
      const probing = app === null ? clients : [...clients, addProbeClient(kernel, app, c)];
      probing.forEach((client, i) => {
        if (killed.has(client)) return;
        for (const frac of PROBE_FRACTIONS) {
          const value = `probe.${client}.${frac}`;
          const op = c.service === undefined ? { type: 'set', key: 'k0', value } : probeOp(c.service, i, value);
          kernel.at(kernel.nowUs + Math.round(livMs * frac * MS) + i * 50 * MS, () => kernel.inject(client, { type: 'APP_OP', op }));
        }
      });
    });
  };

  const workload = (kernel: Kernel, clients: readonly NodeId[]): void => {
    if (c.service !== undefined) return scheduleService(kernel, c, c.service, clients);
    for (const w of c.ops) {
      const client = clients[w.client % clients.length] as NodeId;
      if (w.atMs >= c.durationMs) continue;
      kernel.at(w.atMs * MS, () => kernel.inject(client, { type: 'APP_OP', op: w.op }));
    }
  };

  const liveness = (kernel: Kernel, servers: readonly NodeId[], openOps: ReadonlyMap<string, number>): { verdict: Verdict; reason: string } => {
    const core = servers.filter((id) => c.core.includes(id));
    const states = core.map((id) => ({ id, s: kernel.stateOf(id) as ZabServer | undefined }));
    const why = (): string => {
      const text = explainElection({ core: c.core, states, lastActivationUs, livenessStartUs, lastProbeUs });
      return text === '' ? '' : `; ${text}`;
    };
    const recovery = judgeRecovery(core, (id) => kernel.stateOf(id) as ZabServer | undefined, { voters: zabConfigOf(options).voters, proposedEpochs });
    if (!recovery.ok) return { verdict: 'violated', reason: `${recovery.cls}: ${recovery.reason}${recovery.cls === 'no-leader' ? why() : ''}` };
    if (probes.length > 0 && probeOk.n === 0)
      return { verdict: 'violated', reason: `no-progress: none of ${probes.length} probe writes committed in the liveness phase${why()}` };
    const leader = states.find((x) => x.s?.role === 'LEADING' && x.s.phase === 'BROADCAST')?.s;
    if (c.service !== undefined && leader !== undefined) {
      const expiry = expiryWatch.judge({ nowUs: kernel.nowUs, livenessStartUs, lastActivationUs, tickTimeMs: options.zab.tickTimeMs, leader });
      if (expiry !== null) return { verdict: 'violated', reason: expiry };
      const containers = serviceApp?.containerLiveness(leader, kernel.nowUs, Math.max(livenessStartUs, lastActivationUs ?? 0)) ?? null;
      if (containers !== null) return { verdict: 'violated', reason: containers };
    }
    const deadlineUs = kernel.nowUs - options.workload.requestTimeoutMs * MS * 2;
    for (const [op, invokedUs] of openOps) {
      const client = Number(op.split(':')[0]);
      if (killed.has(client)) continue;
      if (invokedUs < deadlineUs && invokedUs >= livenessStartUs)
        return { verdict: 'violated', reason: `stuck-client: operation ${op} open since ${Math.round(invokedUs / MS)} ms` };
    }
    return { verdict: 'ok', reason: `${recovery.reason}; ${probeOk.n} probe writes ok` };
  };

  const hooks: RunHooks = {
    setup,
    workload,
    liveness,
    ...(opts.wrapServer === undefined ? {} : { wrapServer: opts.wrapServer }),
    ...(opts.history === undefined ? {} : { history: opts.history }),
  };
  const report = runZab(options, opts.sink ?? new NullSink(), hooks);
  return {
    report,
    failure: failureOf(report),
    unknown: unknownCheckers(report),
    resolved,
    tape: tape === null ? null : tape.toJSON(),
    tapeStats: tape === null ? null : { hits: tape.hits, misses: tape.misses },
    probes: probeWatch === null ? null : (probeWatch as ProbeWatch).hits(),
  };
}

/** The first failed checker (verdicts.ts firstFailure: Zab, then client checkers, then liveness), or null. */
export function failureOf(report: RunReport): string | null {
  return firstFailure(report);
}

/** The liveness class ("no-leader", "stuck-sync", ...) of a liveness failure. */
export function livenessClass(report: RunReport): string | null {
  if (report.verdicts['liveness'] !== 'violated') return null;
  const m = /^([a-z-]+):/.exec(report.liveness.reason);
  return m?.[1] ?? 'other';
}
