// Fault plans, workloads and whole fuzz cases as fast-check arbitraries, so that a failing case
// shrinks (fast-check in test.prop; `zabsim shrink` does its own delta debugging on the same data).
// Swarm testing: each case draws its cluster size and a fault mix (every fault family is switched
// on or off per case, as in VOPR's options_swarm and FoundationDB's BUGGIFY), then a plan from the
// families that are on. A numeric seed maps to one case through fc.sample with that seed.
import fc from 'fast-check';
import type { Mutant } from '../../protocol/zab/config.js';
import type { KvOp } from '../../protocol/kv/state-machine.js';
import type { FaultAction, FaultEvent, Target, Trigger } from '../zab/faults.js';
import { PROFILES, type FuzzCase, type Profile, type ProfileName, type WorkloadOp } from './case.js';
import { recoveryArb, recoveryPlan, snapAimArb, withRecovery } from './recovery.js';
import { pressureArb, withPressure } from './pressure.js';
import { shapeArb, withShape } from './shapes.js';
import { serviceArb } from './service-workload.js';
import { diskStallArb, withDiskStall } from './disk-stall.js';
import { longLivedArb, withLongLived } from './long-lived.js';
import { clientBurstArb, withClientBurst } from './client-burst.js';
import { leaderChurnArb, withLeaderChurn } from './leader-churn.js';
import { readApiArb, withReadApi } from './read-api.js';
import { containerArb, withContainers } from './containers.js';
import { aclTenantArb, withAclTenant } from './acl-tenants.js';
import { quietArb, withQuiet } from './quiet.js';
import { lateLearnerArb, withLateLearner } from './late-learner.js';

export const FAULT_FAMILIES = ['partition', 'crash', 'pause', 'link', 'skew', 'one-way', 'trigger', 'kill-client'] as const;
export type FaultFamily = (typeof FAULT_FAMILIES)[number];

const server: fc.Arbitrary<Target> = fc.constantFrom<Target>('leader', 'follower', 'any', 'leader', 1, 2, 3);

export function triggerArb(): fc.Arbitrary<Trigger> {
  return fc.oneof(
    fc.record({ on: fc.constant('nth-proposal' as const), server: fc.constantFrom<Target>('leader', 1, 2, 3), n: fc.integer({ min: 1, max: 12 }) }),
    fc.record({ on: fc.constant('acked' as const), count: fc.integer({ min: 1, max: 2 }) }),
    fc.constant<Trigger>({ on: 'sync-start' }),
    fc.constant<Trigger>({ on: 'newleader-acked' }),
    fc.constant<Trigger>({ on: 'epoch-written' }),
  );
}

function familyArb(family: FaultFamily, clients: number): fc.Arbitrary<FaultAction> {
  switch (family) {
    case 'partition':
      return fc.oneof(
        fc.record({
          type: fc.constant('partition' as const),
          mode: fc.constantFrom('halves', 'isolate', 'bridge', 'ring' as const),
          target: fc.constantFrom<Target>('leader', 'follower', 'minority', 'any'),
        }),
        fc.constant<FaultAction>({ type: 'heal' }),
      );
    case 'crash':
      return fc.oneof(
        fc
          .record({ type: fc.constant('crash' as const), target: fc.constantFrom<Target>('leader', 'follower', 'any', 'minority'), keepUnsynced: fc.boolean() })
          .map((f) => (f.keepUnsynced ? f : { type: f.type, target: f.target })),
        fc.record({ type: fc.constant('restart' as const), target: fc.constantFrom<Target | 'all-down'>('any', 'all-down') }),
      );
    case 'pause':
      return fc.oneof(fc.record({ type: fc.constant('pause' as const), target: server }), fc.constant<FaultAction>({ type: 'resume', target: 'all-paused' }));
    case 'link':
      return fc
        .record({
          type: fc.constant('link' as const),
          from: fc.constantFrom<Target | '*'>('leader', 'any', '*'),
          to: fc.constantFrom<Target | '*'>('any', '*', 'follower'),
          durationMs: fc.integer({ min: 200, max: 3_000 }),
          kind: fc.constantFrom('loss', 'duplicate', 'delay'),
          p: fc.integer({ min: 1, max: 40 }),
        })
        .map(({ type, from, to, durationMs, kind, p }): FaultAction =>
          kind === 'loss'
            ? { type, from, to, durationMs, loss: p / 100 }
            : kind === 'duplicate'
              ? { type, from, to, durationMs, duplicate: p / 100 }
              : { type, from, to, durationMs, delayMs: p * 5 },
        );
    case 'skew':
      return fc.record({ type: fc.constant('skew' as const), target: server, factor: fc.constantFrom(0.5, 2, 3) });
    case 'one-way':
      return fc.record({
        type: fc.constant('one-way' as const),
        from: fc.constantFrom<Target>('leader', 'any'),
        to: fc.constantFrom<Target>('any', 'follower'),
      });
    case 'trigger':
      return fc.oneof(
        fc.record({ type: fc.constant('crash' as const), target: fc.constantFrom<Target>('trigger', 'trigger', 'leader') }),
        fc.record({ type: fc.constant('partition' as const), mode: fc.constant('isolate' as const), target: fc.constant<Target>('trigger') }),
        fc.record({ type: fc.constant('pause' as const), target: fc.constant<Target>('trigger') }),
      );
    case 'kill-client':
      return fc.record({ type: fc.constant('kill-client' as const), client: fc.integer({ min: 0, max: Math.max(0, clients - 1) }) });
  }
}

/** One fault of the plan: a family's action at a time, with a trigger for the 'trigger' family. */
export function faultArb(profile: Profile, families: readonly FaultFamily[]): fc.Arbitrary<FaultEvent> {
  const fams = families.length === 0 ? (['partition'] as const) : families;
  return fc
    .record({
      atMs: fc.integer({ min: 300, max: profile.faultsUntilMs - 200 }),
      family: fc.constantFrom(...fams),
      when: triggerArb(),
    })
    .chain(({ atMs, family, when }) =>
      familyArb(family, profile.clients).map((action): FaultEvent => (family === 'trigger' ? { atMs, when, ...action } : { atMs, ...action })),
    );
}

export function opArb(profile: Profile): fc.Arbitrary<WorkloadOp> {
  const key = fc.constantFrom('k0', 'k1', 'k2', 'k3');
  const op: fc.Arbitrary<KvOp> = fc.oneof(
    { weight: 5, arbitrary: fc.record({ type: fc.constant('set' as const), key, value: fc.integer({ min: 0, max: 999 }).map(String) }) },
    { weight: 3, arbitrary: fc.record({ type: fc.constant('get' as const), key }) },
    {
      weight: 2,
      arbitrary: fc.record({
        type: fc.constant('cas' as const),
        key,
        version: fc.integer({ min: -1, max: 3 }),
        value: fc.integer({ min: 0, max: 999 }).map(String),
      }),
    },
  );
  return fc.record({ atMs: fc.integer({ min: 300, max: profile.faultsUntilMs + 1_000 }), client: fc.integer({ min: 0, max: profile.clients - 1 }), op });
}

export function workloadArb(profile: Profile): fc.Arbitrary<WorkloadOp[]> {
  return fc.array(opArb(profile), { minLength: 5, maxLength: profile.maxOps, size: profile.opsSize }).map((ops) => ops.slice().sort((a, b) => a.atMs - b.atMs));
}

export function planArb(profile: Profile, families: readonly FaultFamily[]): fc.Arbitrary<FaultEvent[]> {
  return fc.array(faultArb(profile, families), { minLength: 1, maxLength: profile.maxFaults }).map((plan) => plan.slice().sort((a, b) => a.atMs - b.atMs));
}

/** The swarm draw: which fault families are on in this case (at least one). */
export function swarmArb(): fc.Arbitrary<FaultFamily[]> {
  return fc.subarray(FAULT_FAMILIES as unknown as FaultFamily[], { minLength: 1 });
}

/** A whole case: swarm draw, cluster size, plan, workload, liveness core. */
export function caseArb(profileName: ProfileName, seed: string, mutants: readonly Mutant[] = []): fc.Arbitrary<FuzzCase> {
  const profile = PROFILES[profileName];
  const drawn = fc
    .record({
      servers: fc.constantFrom(...profile.serverChoices),
      observers: fc.constantFrom(0, 0, 0, 1, 1, 2),
      families: swarmArb(),
      commitLogCount: fc.constantFrom(5, 50, 500),
      coreShift: fc.nat({ max: 6 }),
      ops: workloadArb(profile),
    })
    .chain((r) =>
      // Every case keeps the protocol-phase nemeses on (triggered faults and crashes): bugs of sync
      // and recovery need a crash at a protocol point, not at a random time. Whether a mutant is
      // planted plays no part in the draw, so a sweep that does not know of a bug (a mutation
      // run's judge) draws the cases a zoo sweep that knows it draws.
      planArb(profile, [...new Set<FaultFamily>([...r.families, 'trigger', 'crash'])]).map((faults): FuzzCase => {
        const quorum = Math.floor(r.servers / 2) + 1;
        const voterCore = Array.from({ length: quorum }, (_, i) => ((r.coreShift + i) % r.servers) + 1).sort((a, b) => a - b);
        // Observers heal with the core and are judged with it: one that never catches up is a
        // liveness failure. They do not count towards the quorum, so the voters outside stay a minority.
        const core = [...voterCore, ...Array.from({ length: r.observers }, (_, i) => r.servers + i + 1)];
        return {
          seed,
          profile: profileName,
          servers: r.servers,
          observers: r.observers,
          clients: profile.clients,
          mutants: mutants.slice(),
          syncPersistence: 'committedOnlyThenEpochThenAck',
          commitLogCount: r.commitLogCount,
          faults,
          ops: r.ops,
          core,
          faultsUntilMs: profile.faultsUntilMs,
          durationMs: profile.faultsUntilMs + profile.livenessMs,
        };
      }),
    )
    // Drawn last, so that every draw above keeps its value: a seed without a burst is the case it
    // was before the crash-recovery nemesis existed.
    .chain((c) => recoveryArb(profile).map((burst) => ({ c, burst })))
    // Drawn after everything else for the same reason. A quarter of the cases keep ZooKeeper's
    // default snapCount (no snapshot in a run this short); the others roll the log every few txns:
    // every 21 to 40 (snapCount 40), 6 to 10 (10), or every second txn (2, ZooKeeper's least:
    // ZooKeeperServer.getSnapCount raises a lower value to 2, and SyncRequestProcessor.shouldSnapshot
    // rolls once logCount > snapCount/2 + randRoll, randRoll = nextInt(snapCount/2) = 0). That last
    // one puts a snapshot beside nearly every protocol step, among them a leader's first proposals
    // of its epoch, logged before it commits anything in it (a snapshot labelled <e, 0>). Until
    // session 13 the 2 was a second 100,000: half the cases took no snapshot at all. Only the seeds
    // that draw it changed (constantFrom keeps its draw for the other values).
    .chain(({ c, burst }) => fc.constantFrom(100_000, 2, 10, 40).map((snapCount) => ({ c: { ...c, snapCount }, burst })))
    // And the SNAP aim after that (recovery.ts snapAimArb).
    .chain(({ c, burst }) => snapAimArb(profile, burst).map((b) => ({ c: withRecovery(c, recoveryPlan(b)), burst: b !== null })));
  // Write bursts just before the timed faults, for proposals in flight at leader changes. A profile
  // without them keeps no extra chain: each chain step leaves fast-check less room to shrink a plan.
  const pressed = profile.pressurePercent <= 0 ? drawn : drawn.chain(({ c, burst }) => pressureArb(profile).map((p) => ({ c: withPressure(c, p), burst })));
  // The fault shapes of shapes.ts, drawn after the bursts so that a case without one is the case it
  // was before they existed, and the bursts never land on a shape's own faults.
  const shaped =
    profile.shapePercent + profile.restartShapePercent <= 0
      ? pressed.map(({ c }) => c)
      : pressed.chain(({ c, burst }) => shapeArb(profile, c, burst).map((s) => withShape(c, s)));
  // The workload, drawn after the layers above so that a kv case is the case it was before the service workload existed.
  const worked = profile.servicePercent <= 0 ? shaped : shaped.chain((c) => workloadKindArb(profile, c));
  // Slow disks (disk-stall.ts), then long-lived ensembles (long-lived.ts), drawn after everything else for the same reason.
  const stalled = profile.diskStallPercent <= 0 ? worked : worked.chain((c) => diskStallArb(profile, c).map((d) => withDiskStall(c, d)));
  const aged = profile.longLivedPercent <= 0 ? stalled : stalled.chain((c) => longLivedArb(profile).map((start) => withLongLived(c, start)));
  // Bursty clients of service cases (client-burst.ts), then leader churn (leader-churn.ts), last for the same reason.
  const bursty = profile.burstPercent <= 0 ? aged : aged.chain((c) => clientBurstArb(profile, c).map((b) => withClientBurst(c, b)));
  const churned = profile.churnPercent <= 0 ? bursty : bursty.chain((c) => leaderChurnArb(profile, c).map((d) => withLeaderChurn(c, d)));
  // Clients of 3.6's read calls in service cases (read-api.ts), then container and TTL nodes (containers.ts), then a
  // protected node that other clients watch (acl-tenants.ts), last for the same reason.
  const reading = profile.readApiPercent <= 0 ? churned : churned.chain((c) => readApiArb(profile, c).map((d) => withReadApi(c, d)));
  const contained = profile.containerPercent <= 0 ? reading : reading.chain((c) => containerArb(profile, c).map((d) => withContainers(c, d)));
  const tenanted = profile.aclTenantPercent <= 0 ? contained : contained.chain((c) => aclTenantArb(profile, c).map((d) => withAclTenant(c, d)));
  // Quiet periods (quiet.ts), then late and returning learners (late-learner.ts), last for the same
  // reason. A lull drops the operations of the layers above that fall in it (not a client burst's
  // batch); a case with a recovery burst or a fault shape draws neither (quiet.ts buildsItsOwnQuiet).
  const quiet = profile.quietPercent <= 0 ? tenanted : tenanted.chain((c) => quietArb(profile, c).map((q) => withQuiet(c, q)));
  return profile.lateLearnerPercent <= 0 ? quiet : quiet.chain((c) => lateLearnerArb(profile, c).map((d) => withLateLearner(c, d)));
}
/**
 * For the profile's servicePercent of the cases, the ZooKeeper service workload: the kv writes
 * drawn above (base, bursts, recovery writes) stay, as setData on /k0 .. /k3, and the service draw
 * adds sessions with roles, every kind of call, recipes and client cuts (service-workload.ts). The
 * kv reads are dropped (the service draw has its own, with watches): a service seed costs about
 * three kv seeds at the same size (the zk checkers judge every path's reads and watches), and
 * fuzzSeedsPerCoreHour must hold with half the seeds on the service.
 */
function workloadKindArb(profile: Profile, c: FuzzCase): fc.Arbitrary<FuzzCase> {
  if (profile.servicePercent <= 0) return fc.constant(c);
  return fc.noBias(fc.integer({ min: 0, max: 99 })).chain((roll) =>
    roll >= profile.servicePercent
      ? fc.constant(c)
      : serviceArb({ clients: profile.clients + 1, maxOps: profile.serviceMaxOps, untilMs: profile.faultsUntilMs + 1_000 }).map((d): FuzzCase => ({
          ...c,
          clients: d.spec.roles.length,
          service: d.spec,
          ops: [...c.ops.filter((o) => o.op.type !== 'get'), ...d.ops].sort((a, b) => a.atMs - b.atMs),
        })),
  );
}

/**
 * Each profile's (and mutant list's) case arbitrary, built once: building the chain of layers cost
 * about a tenth of drawing a case from it, per seed. Arbitraries hold no state between draws, and the
 * seed label is the only thing caseArb takes that a draw does not: it is written in afterwards, at
 * the place the arbitrary gives it (the first key), so a case is the one caseArb(profile, label) draws.
 */
const CASE_ARBS = new Map<string, fc.Arbitrary<FuzzCase>>();

/** The case of fuzz seed `n` (deterministic: fast-check's generator seeded with n). */
export function caseForSeed(profileName: ProfileName, n: number, mutants: readonly Mutant[] = []): FuzzCase {
  const key = `${profileName} ${mutants.join(' ')}`;
  let arb = CASE_ARBS.get(key);
  if (arb === undefined) CASE_ARBS.set(key, (arb = caseArb(profileName, '', mutants)));
  const [c] = fc.sample(arb, { seed: n, numRuns: 1 });
  if (c === undefined) throw new Error('fast-check produced no case');
  return { ...c, seed: `${profileName}-${n}` };
}
