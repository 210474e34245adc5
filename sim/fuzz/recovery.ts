// The crash-recovery nemesis: a correlated burst of crashes and restarts aimed at a protocol point,
// drawn for a modest share of cases. The independent families of arbitraries.ts rarely line up the
// several faults that recovery bugs need (ZOOKEEPER-3911, -4643 and -4712, planted as mutants in
// protocol/zab/config.ts: a server that lags, a new election, a crash between a follower's epoch
// write or NEWLEADER ack and its log becoming durable, then a restart so that what reached its
// disk decides an election), and the faults drawn
// around them tend to undo what a burst set up. A case with a burst therefore keeps its random
// faults only before the burst (timed ones; the burst brings its own triggers), and the burst:
//   0. starts from a settled cluster: heal, resume, restart what is down;
//   1. optionally crashes a follower, with a few client writes while it is down, so that it falls
//      behind and is later synced with a DIFF;
//   2. crashes the leader, then restarts every server that is down, or only the one down the
//      longest (a new election, a sync), with a few client writes while that settles;
//   3. at a protocol point of that recovery (a follower enters SYNCHRONIZATION, writes
//      currentEpoch, has its NEWLEADER ack counted, or logs a txn; for the epoch write and the ack,
//      the learner catching up if one lagged) optionally crashes the leader, and crashes the
//      server the trigger matched, at once or a little later;
//      (snapAimArb, drawn after the whole case: half the bursts aimed at SYNCHRONIZATION with a
//      lagging follower let it lag by 8 to 20 more writes, so that its sync may be a SNAP, and aim
//      at the learner once it loaded the SNAP, before NEWLEADER);
//   4. restarts that server a little after its crash, then the one down the longest: servers come
//      back one by one, and each election is decided by what reached their disks.
// Nothing here knows about mutants: the same bursts run on the unmutated protocol, which must pass.
import fc from 'fast-check';
import type { FaultEvent, Trigger } from '../zab/faults.js';
import type { FuzzCase, Profile, WorkloadOp } from './case.js';

export const RECOVERY_AIMS = ['sync-start', 'epoch-written', 'newleader-acked', 'proposal-logged'] as const;

/** Aims a burst may take besides RECOVERY_AIMS, drawn after the whole case (snapAimArb). */
type LaterAim = 'snap-loaded';

/** A write at a point of its window, in per mille of the window. */
/** One write of a burst or a fault shape: its place (per mille) in a window, its client, key and value. */
export interface BurstWrite {
  readonly at: number;
  readonly client: number;
  readonly key: number;
  readonly value: number;
}

export interface Burst {
  readonly startMs: number;
  readonly settleMs: number;
  readonly lag: boolean;
  readonly leaderAfterMs: number;
  /** Client writes once settled (so there is a log to DIFF from), and while the follower lags. */
  readonly settledWrites: readonly BurstWrite[];
  readonly writes: readonly BurstWrite[];
  /** Client writes once the restarted servers have had time to elect, for the aimed triggers to meet. */
  readonly recoveryWrites: readonly BurstWrite[];
  readonly recoveryWritesMs: number;
  readonly downMs: number;
  /** Bring back every server that is down, or only the one down the longest (not the leader). */
  readonly restart: 'all-down' | 'longest-down';
  readonly aim: (typeof RECOVERY_AIMS)[number] | LaterAim;
  readonly crashLeader: boolean;
  /** The subject's crash: at the trigger (0) or later, once it has resynced. */
  readonly subjectCrashMs: number;
  /** The later crash time drawn for it (used or not). */
  readonly laterMs: number;
  readonly subjectDownMs: number;
  /** After the subject is back: bring back the server down the longest too. */
  readonly lastRestartMs: number;
}

export function writeArb(profile: Profile): fc.Arbitrary<BurstWrite> {
  return fc.record({
    at: fc.integer({ min: 0, max: 999 }),
    client: fc.integer({ min: 0, max: profile.clients - 1 }),
    key: fc.integer({ min: 0, max: 3 }),
    value: fc.integer({ min: 0, max: 999 }),
  });
}

function burstArb(profile: Profile): fc.Arbitrary<Burst> {
  return fc
    .record({
      startMs: fc.integer({ min: 500, max: Math.max(500, profile.faultsUntilMs - 7_500) }),
      settleMs: fc.integer({ min: 600, max: 1_200 }),
      lag: fc.constantFrom(true, true, true, false),
      leaderAfterMs: fc.integer({ min: 300, max: 2_000 }),
      settledWrites: fc.array(writeArb(profile), { minLength: 1, maxLength: 3 }),
      writes: fc.array(writeArb(profile), { minLength: 1, maxLength: 4 }),
      recoveryWrites: fc.array(writeArb(profile), { minLength: 2, maxLength: 6 }),
      recoveryWritesMs: fc.integer({ min: 1_000, max: 4_000 }),
      downMs: fc.integer({ min: 50, max: 800 }),
      restart: fc.constantFrom('all-down' as const, 'longest-down' as const),
      aim: fc.constantFrom(...RECOVERY_AIMS),
      crashLeader: fc.constantFrom(true, true, true, false),
      atTrigger: fc.constantFrom(true, true, true, false),
      laterMs: fc.integer({ min: 800, max: 3_500 }),
      subjectDownMs: fc.integer({ min: 50, max: 1_000 }),
      lastRestartMs: fc.integer({ min: 100, max: 1_000 }),
    })
    .map(({ atTrigger, laterMs, ...b }): Burst => {
      // A sync point is where a crash hurts at once; after a txn is logged, the harm (a write that
      // reaches the disk late, after the server moved on) shows only later, so mostly crash later.
      const atOnce = b.aim === 'proposal-logged' ? !atTrigger : atTrigger;
      return { ...b, subjectCrashMs: atOnce ? 0 : laterMs, laterMs };
    });
}

/** The burst as faults (timed crashes and a restart, then triggered ones armed at it) and writes. */
/** The kv set of `w`, placed in the window [from, from + span) by its per-mille position. */
export function spreadWrite(from: number, span: number, w: BurstWrite, value: string): WorkloadOp {
  return { atMs: from + Math.floor((w.at * span) / 1_000), client: w.client, op: { type: 'set', key: `k${w.key}`, value } };
}

export function burstPlan(b: Burst): RecoveryPlan {
  const faults: FaultEvent[] = [];
  const ops: WorkloadOp[] = [];
  let t = b.startMs;
  const write = (from: number, span: number, w: BurstWrite): WorkloadOp => spreadWrite(from, span, w, String(w.value));
  faults.push({ atMs: t, type: 'heal' }, { atMs: t, type: 'resume', target: 'all-paused' }, { atMs: t, type: 'restart', target: 'all-down' });
  // Writes in the second half of the settling time, once a leader is likely to serve again.
  for (const w of b.settledWrites) ops.push(write(t + Math.floor(b.settleMs / 2), Math.floor(b.settleMs / 2), w));
  t += b.settleMs;
  if (b.lag) {
    faults.push({ atMs: t, type: 'crash', target: 'follower' });
    for (const w of b.writes) ops.push(write(t, b.leaderAfterMs, w));
  }
  t += b.leaderAfterMs;
  faults.push({ atMs: t, type: 'crash', target: 'leader' });
  t += b.downMs;
  faults.push({ atMs: t, type: 'restart', target: b.restart });
  for (const w of b.recoveryWrites) ops.push(write(t + 200, b.recoveryWritesMs, w));
  // With a lagging follower, the sync triggers aim at a learner that is catching up (that one).
  const event: Trigger = b.lag && (b.aim === 'epoch-written' || b.aim === 'newleader-acked') ? { on: b.aim, catchUp: true } : { on: b.aim };
  const at = (delayMs: number): Trigger => (delayMs === 0 ? event : { ...event, delayMs });
  if (b.crashLeader) faults.push({ atMs: t, when: at(0), type: 'crash', target: 'leader' });
  faults.push({ atMs: t, when: at(b.subjectCrashMs), type: 'crash', target: 'trigger' });
  faults.push({ atMs: t, when: at(b.subjectCrashMs + b.subjectDownMs), type: 'restart', target: 'trigger' });
  faults.push({ atMs: t, when: at(b.subjectCrashMs + b.subjectDownMs + b.lastRestartMs), type: 'restart', target: 'longest-down' });
  return { fromMs: b.startMs, faults, ops: ops.sort((x, y) => x.atMs - y.atMs) };
}

export interface RecoveryPlan {
  /** The burst's start: random faults at or after it are dropped. */
  readonly fromMs: number;
  readonly faults: readonly FaultEvent[];
  readonly ops: readonly WorkloadOp[];
}

const NONE: RecoveryPlan = { fromMs: Infinity, faults: [], ops: [] };

/**
 * No burst for most cases; one for the profile's recoveryPercent of them. The roll is unbiased
 * (fast-check leans small integers toward 0, which would give far more bursts than asked for).
 */
export function recoveryArb(profile: Profile): fc.Arbitrary<Burst | null> {
  if (profile.recoveryPercent <= 0) return fc.constant(null);
  return fc.noBias(fc.integer({ min: 0, max: 99 })).chain((roll) => (roll >= profile.recoveryPercent ? fc.constant(null) : burstArb(profile)));
}

/**
 * Half the bursts aimed at a follower entering SYNCHRONIZATION with a lagging follower aim instead
 * at a learner that loaded a SNAP and has not read NEWLEADER, and the follower lags by 8 to 20 more
 * writes, beyond a small committedLog, so that its sync may be a SNAP. Drawn after the whole case,
 * so that every other seed keeps its case.
 */
export function snapAimArb(profile: Profile, burst: Burst | null): fc.Arbitrary<Burst | null> {
  if (burst === null || burst.aim !== 'sync-start' || !burst.lag) return fc.constant(burst);
  return fc
    .record({ r: fc.noBias(fc.integer({ min: 0, max: 1 })), more: fc.array(writeArb(profile), { minLength: 8, maxLength: 20 }) })
    .map(({ r, more }): Burst =>
      // As after a logged txn, the harm of a SNAP held in memory shows only once the learner moved
      // on (a crash at once just forgets it), so the subject mostly crashes later.
      r === 0 ? { ...burst, aim: 'snap-loaded', writes: [...burst.writes, ...more], subjectCrashMs: burst.subjectCrashMs === 0 ? burst.laterMs : 0 } : burst,
    );
}

/** The burst's plan, or none. */
export function recoveryPlan(burst: Burst | null): RecoveryPlan {
  return burst === null ? NONE : burstPlan(burst);
}

/** The case with the burst merged in: random timed faults before it, its faults and writes. */
export function withRecovery(c: FuzzCase, plan: RecoveryPlan): FuzzCase {
  if (plan.faults.length === 0) return c;
  const before = c.faults.filter((f) => f.when === undefined && f.atMs < plan.fromMs);
  return {
    ...c,
    faults: [...before, ...plan.faults].sort((a, b) => a.atMs - b.atMs),
    ops: [...c.ops, ...plan.ops].sort((a, b) => a.atMs - b.atMs),
  };
}
