// Correlated fault shapes for two recovery situations that independent faults almost never line up,
// drawn for a share of the cases that have no crash-recovery burst (recovery.ts). Each is a short
// script of faults and writes built around a protocol window, not around any one bug:
//
// tail-rejoin: a server comes back holding an uncommitted log tail while the ensemble is choosing
//   or has just chosen a leader that lacks it. Its sync must then cut the tail off (TRUNC), or the
//   tail must win the election and be re-proposed (Leader.lead loads and snapshots whatever the
//   log holds). Script: a settled cluster; the leader is cut off and its clients' writes are logged
//   by it alone (a minority tail); it crashes and the cut heals; it restarts soon after, while the
//   others are electing; optionally the leader of that round is crashed the moment a follower
//   starts to synchronize with it (a leader change during sync), and restarted a little later;
//   clients stay quiet through that window (a new leader that has committed nothing in its epoch
//   sends TRUNC to a server ahead of it, one that has sends SNAP or DIFF), then write again so that
//   any divergence is visible to the checkers.
// lag-rejoin: a learner that fell far behind rejoins a live leader while writes keep flowing, so
//   that its sync (a SNAP or a long DIFF: LearnerHandler's packets) interleaves with live proposals
//   and commits queued behind it; shortly after it acknowledged NEWLEADER it crashes or is cut off
//   again, and comes back, so that what its sync persisted is what it restarts from. Script: a
//   settled cluster; a follower crashes and misses 8 to 24 writes (past a small committedLog and
//   log rolls); it restarts under a dense write burst from every client, the leader optionally
//   stalling for a moment as the learner starts to synchronize; once its NEWLEADER ack
//   (of a sync that brought it txns) reaches the leader, it is crashed or isolated a little later,
//   and restarted or healed after that; a few more writes follow.
// restart-rejoin: a server holding an uncommitted tail rejoins a leader that restarted from its own
//   snapshot, and restarts again soon after its sync. ZKDatabase rebuilds the committedLog at boot
//   only from the log records above the last snapshot, and Leader.lead snapshots the tree at its
//   last zxid, so a leader restarted before it committed anything in its epoch holds an empty
//   committedLog: LearnerHandler.syncFollower must then still cut the rejoining server's tail off.
//   What the rejoining server's sync persisted (a NEWLEADER snapshot; its old log files stay) is
//   what its next restart replays. Script: a settled cluster; the leader is cut off and its
//   clients' writes are logged by it alone (a minority tail); it stays cut off while the others
//   elect; then, with the clients quiet, one or two rounds of "kill the leader, restart it"
//   (a rolling restart: each round's leader boots from the snapshot it took when it began to
//   lead); the cut heals as the last round begins, so that the server with the tail joins that
//   round's election and syncs while the leader establishes its epoch; the clients write again,
//   and once its NEWLEADER ack (of a sync that brought it txns) has reached the leader, it is
//   crashed a little later and restarted.
//
// All three run on the unmutated protocol too, which must pass them. Random faults at or after the
// shape's start are dropped (they would undo what it sets up), as for the recovery burst.
import fc from 'fast-check';
import type { FaultEvent, Trigger } from '../zab/faults.js';
import type { FuzzCase, Profile, WorkloadOp } from './case.js';
import { spreadWrite, writeArb, type BurstWrite } from './recovery.js';

export const FAULT_SHAPES = ['tail-rejoin', 'lag-rejoin', 'restart-rejoin'] as const;

/** A write at a point of its window, in per mille of the window. */
interface Settle {
  readonly startMs: number;
  readonly settleMs: number;
  readonly settledWrites: readonly BurstWrite[];
}

export interface TailRejoin extends Settle {
  readonly kind: 'tail-rejoin';
  /** How long the leader is cut off before it crashes (under syncLimit, so it still leads). */
  readonly isolateMs: number;
  readonly tailWrites: readonly BurstWrite[];
  /** How long it stays down: short, so it is back while the others elect. */
  readonly downMs: number;
  /** Crash the leader of the next round once a follower starts to synchronize with it. */
  readonly cutAtSync: boolean;
  readonly keepUnsynced: boolean;
  readonly cutDownMs: number;
  /** From the restart: no client writes for this long. */
  readonly quietMs: number;
  readonly afterWrites: readonly BurstWrite[];
  readonly afterMs: number;
}

export interface LagRejoin extends Settle {
  readonly kind: 'lag-rejoin';
  readonly lagMs: number;
  readonly lagWrites: readonly BurstWrite[];
  /** The rejoin burst: from burstLeadMs before the restart, over burstMs (or the stall, if any). */
  readonly burstLeadMs: number;
  readonly burstMs: number;
  readonly burstWrites: readonly BurstWrite[];
  /**
   * The leader stalls (a GC pause) for this long once the learner starts to synchronize, so that
   * the burst's requests pile up and are proposed and committed right behind the sync's first
   * packets; 0 for no stall.
   */
  readonly stallMs: number;
  /** After its NEWLEADER ack reached the leader: crash or isolate the learner this much later. */
  readonly afterSyncMs: number;
  readonly cut: 'crash' | 'isolate';
  readonly downMs: number;
  readonly afterWrites: readonly BurstWrite[];
  readonly afterMs: number;
}

export interface RestartRejoin extends Settle {
  readonly kind: 'restart-rejoin';
  /** How long the leader is cut off while its own clients write (under syncLimit, so it still leads). */
  readonly isolateMs: number;
  readonly tailWrites: readonly BurstWrite[];
  /**
   * From the cut: time for the others to give up on the cut-off leader (a follower's read timeout,
   * syncLimit: 2.5 s in the fuzz config), elect, and settle; the cut-off leader has stepped down by then.
   */
  readonly electMs: number;
  /**
   * Each round kills the leader's process and restarts it downMs later, then waits roundMs for the
   * next election. A process kill, as a rolling restart does: the OS keeps its unsynced writes,
   * such as the snapshot Leader.lead takes without an fsync (a power loss would lose it, and
   * skipDirtyLeadSnapshot then keeps the restarted leader from taking another).
   */
  readonly rounds: readonly { readonly downMs: number; readonly roundMs: number }[];
  /**
   * After the NEWLEADER ack of a learner whose sync brought it txns (a SNAP) reached the leader:
   * crash it this much later, and restart it downMs after that. A learner cut back by TRUNC, or
   * already in step, is left alone.
   */
  readonly afterSyncMs: number;
  readonly downMs: number;
  readonly afterWrites: readonly BurstWrite[];
  readonly afterMs: number;
}

export type FaultShape = TailRejoin | LagRejoin | RestartRejoin;

const writes = (profile: Profile, min: number, max: number): fc.Arbitrary<BurstWrite[]> => fc.array(writeArb(profile), { minLength: min, maxLength: max });

/** Room the scripts need before the fault phase ends (their longest timelines, with slack). */
const TAIL_SPAN_MS = 9_000;
const LAG_SPAN_MS = 8_000;
/** Its faults take up to 8.7 s; the rejoin, the post-sync restart and the writes may spill into the liveness phase. */
const RESTART_SPAN_MS = 9_500;
/**
 * From the last round's restart: about when the new leader, elected with the rejoining server,
 * has decided that server's sync. Writes sent later are committed only once the leader is active.
 */
const REJOIN_MS = 300;

function settleArb(profile: Profile, spanMs: number): fc.Arbitrary<Settle> {
  return fc.record({
    startMs: fc.integer({ min: 500, max: Math.max(500, profile.faultsUntilMs - spanMs) }),
    settleMs: fc.integer({ min: 600, max: 1_200 }),
    settledWrites: writes(profile, 1, 3),
  });
}

function tailArb(profile: Profile): fc.Arbitrary<TailRejoin> {
  return fc
    .record({
      settle: settleArb(profile, TAIL_SPAN_MS),
      // The leader's syncLimit (2.5 s in the fuzz config) is not reached: it still leads when it crashes.
      isolateMs: fc.integer({ min: 150, max: 900 }),
      tailWrites: writes(profile, 3, 10),
      downMs: fc.integer({ min: 30, max: 600 }),
      cutAtSync: fc.constantFrom(true, true, true, false),
      keepUnsynced: fc.boolean(),
      cutDownMs: fc.integer({ min: 600, max: 2_500 }),
      quietMs: fc.integer({ min: 1_500, max: 4_000 }),
      afterWrites: writes(profile, 2, 6),
      afterMs: fc.integer({ min: 1_000, max: 3_000 }),
    })
    .map(({ settle, ...t }): TailRejoin => ({ kind: 'tail-rejoin', ...settle, ...t }));
}

/**
 * The lag: long enough that the sync cannot be a DIFF from the leader's memory or its newest log
 * file (syncFollower then sends a SNAP), when the case's committedLog and log rolls are short
 * enough for a short run to pass them (commitLogCount 5 or 50, snapCount 10 or 40: 8 to 24 txns
 * past the larger); 8 to 24 txns otherwise (a long DIFF).
 */
function lagArb(profile: Profile, c: FuzzCase): fc.Arbitrary<LagRejoin> {
  const roll = (c.snapCount ?? 100_000) <= 40 ? (c.snapCount ?? 0) : 0;
  const past = c.commitLogCount <= 50 ? Math.max(c.commitLogCount, roll) : 0;
  return fc
    .record({
      settle: settleArb(profile, LAG_SPAN_MS),
      lagMs: fc.integer({ min: 600, max: 2_000 }),
      lagWrites: writes(profile, past + 8, past + 24),
      // Dense, and from the restart on, so that writes are committed while the sync is under way.
      burstLeadMs: fc.integer({ min: 0, max: 20 }),
      burstMs: fc.integer({ min: 20, max: 200 }),
      burstWrites: writes(profile, 8, 24),
      stallMs: fc.oneof(fc.constant(0), fc.integer({ min: 5, max: 150 })),
      // Shortly after the sync, before later writes have rewritten what it persisted.
      afterSyncMs: fc.integer({ min: 0, max: 400 }),
      cut: fc.constantFrom('crash' as const, 'crash' as const, 'crash' as const, 'isolate' as const),
      downMs: fc.integer({ min: 100, max: 1_200 }),
      afterWrites: writes(profile, 2, 6),
      afterMs: fc.integer({ min: 1_000, max: 3_000 }),
    })
    .map(({ settle, ...l }): LagRejoin => ({ kind: 'lag-rejoin', ...settle, ...l }));
}

function restartArb(profile: Profile): fc.Arbitrary<RestartRejoin> {
  return fc
    .record({
      settle: settleArb(profile, RESTART_SPAN_MS),
      isolateMs: fc.integer({ min: 150, max: 900 }),
      tailWrites: writes(profile, 3, 10),
      electMs: fc.integer({ min: 3_300, max: 4_300 }),
      rounds: fc.array(fc.record({ downMs: fc.integer({ min: 30, max: 300 }), roundMs: fc.integer({ min: 700, max: 1_300 }) }), {
        minLength: 1,
        maxLength: 2,
      }),
      // Mostly after a few of the writes below: a restart then finds the leader's last zxid its own.
      afterSyncMs: fc.integer({ min: 0, max: 1_500 }),
      downMs: fc.integer({ min: 100, max: 1_000 }),
      afterWrites: writes(profile, 2, 6),
      afterMs: fc.integer({ min: 500, max: 2_500 }),
    })
    .map(({ settle, ...r }): RestartRejoin => ({ kind: 'restart-rejoin', ...settle, ...r }));
}

/**
 * No shape for most cases; for the profile's shapePercent of the cases without a recovery burst,
 * tail-rejoin or lag-rejoin, evenly, and for the next restartShapePercent, restart-rejoin (taken
 * from the rolls that drew no shape before it existed, so every other case keeps its draw). The
 * roll is unbiased, as recoveryArb's.
 */
export function shapeArb(profile: Profile, c: FuzzCase, hasBurst: boolean): fc.Arbitrary<FaultShape | null> {
  if (profile.shapePercent + profile.restartShapePercent <= 0 || hasBurst) return fc.constant(null);
  return fc
    .noBias(fc.integer({ min: 0, max: 99 }))
    .chain((roll): fc.Arbitrary<FaultShape | null> =>
      roll >= profile.shapePercent + profile.restartShapePercent
        ? fc.constant(null)
        : roll >= profile.shapePercent
          ? restartArb(profile)
          : roll < profile.shapePercent / 2
            ? tailArb(profile)
            : lagArb(profile, c),
    );
}

export interface ShapePlan {
  /** The shape's start: random faults at or after it are dropped. */
  readonly fromMs: number;
  readonly faults: readonly FaultEvent[];
  readonly ops: readonly WorkloadOp[];
  /** Random client writes in [from, to) are dropped: the shape wants the clients quiet there. */
  readonly quiet: readonly [number, number] | null;
}

/** A shape's writes carry its mark in their values ("t12", "l7"), so a trace shows where they come from. */
export const SHAPE_MARK: Readonly<Record<FaultShape['kind'], string>> = { 'tail-rejoin': 't', 'lag-rejoin': 'l', 'restart-rejoin': 'r' };

function writeOp(kind: FaultShape['kind'], from: number, span: number, w: BurstWrite): WorkloadOp {
  return spreadWrite(from, span, w, `${SHAPE_MARK[kind]}${w.value}`);
}

/** Heal, resume, restart what is down; writes in the second half of the settling time. */
function settlePlan(s: Settle & { readonly kind: FaultShape['kind'] }, faults: FaultEvent[], ops: WorkloadOp[]): number {
  const t = s.startMs;
  faults.push({ atMs: t, type: 'heal' }, { atMs: t, type: 'resume', target: 'all-paused' }, { atMs: t, type: 'restart', target: 'all-down' });
  const half = Math.floor(s.settleMs / 2);
  for (const w of s.settledWrites) ops.push(writeOp(s.kind, t + half, half, w));
  return t + s.settleMs;
}

export function tailPlan(s: TailRejoin): ShapePlan {
  const faults: FaultEvent[] = [];
  const ops: WorkloadOp[] = [];
  let t = settlePlan(s, faults, ops);
  faults.push({ atMs: t, type: 'partition', mode: 'isolate', target: 'leader' });
  // Only the cut-off leader's own clients reach it: it logs their writes alone.
  for (const w of s.tailWrites) ops.push(writeOp(s.kind, t + 5, Math.max(1, s.isolateMs - 30), w));
  t += s.isolateMs;
  // Healed first, so that the crash resets its peers' connections: they start electing at once.
  faults.push({ atMs: t, type: 'heal' }, { atMs: t, type: 'crash', target: 'leader' });
  const quietFrom = t;
  t += s.downMs;
  faults.push({ atMs: t, type: 'restart', target: 'all-down' });
  if (s.cutAtSync) {
    const sync: Trigger = { on: 'sync-start' };
    faults.push(
      { atMs: t, when: sync, type: 'crash', target: 'leader', ...(s.keepUnsynced ? { keepUnsynced: true } : {}) },
      { atMs: t, when: { ...sync, delayMs: s.cutDownMs }, type: 'restart', target: 'all-down' },
    );
  }
  const quietTo = t + s.quietMs;
  for (const w of s.afterWrites) ops.push(writeOp(s.kind, quietTo, s.afterMs, w));
  return { fromMs: s.startMs, faults, ops: ops.sort((a, b) => a.atMs - b.atMs), quiet: [quietFrom, quietTo] };
}

export function lagPlan(s: LagRejoin): ShapePlan {
  const faults: FaultEvent[] = [];
  const ops: WorkloadOp[] = [];
  let t = settlePlan(s, faults, ops);
  faults.push({ atMs: t, type: 'crash', target: 'follower' });
  for (const w of s.lagWrites) ops.push(writeOp(s.kind, t + 20, Math.max(1, s.lagMs - 40), w));
  t += s.lagMs;
  faults.push({ atMs: t, type: 'restart', target: 'all-down' });
  // With a stall, the burst lasts as long as the stall: its requests pile up at the leader and are
  // proposed right behind the sync's first packets.
  const burstMs = s.stallMs > 0 ? s.stallMs : s.burstMs;
  for (const w of s.burstWrites) ops.push(writeOp(s.kind, t - s.burstLeadMs, burstMs + s.burstLeadMs, w));
  if (s.stallMs > 0) {
    faults.push(
      { atMs: t, when: { on: 'sync-start' }, type: 'pause', target: 'leader' },
      { atMs: t, when: { on: 'sync-start', delayMs: s.stallMs }, type: 'resume', target: 'all-paused' },
    );
  }
  // A NEWLEADER ack from a learner whose sync brought it txns: the one that lagged.
  const acked = (delayMs: number): Trigger => ({ on: 'newleader-acked', catchUp: true, ...(delayMs === 0 ? {} : { delayMs }) });
  if (s.cut === 'crash') {
    faults.push(
      { atMs: t, when: acked(s.afterSyncMs), type: 'crash', target: 'trigger' },
      { atMs: t, when: acked(s.afterSyncMs + s.downMs), type: 'restart', target: 'trigger' },
    );
  } else {
    faults.push(
      { atMs: t, when: acked(s.afterSyncMs), type: 'partition', mode: 'isolate', target: 'trigger' },
      { atMs: t, when: acked(s.afterSyncMs + s.downMs), type: 'heal' },
    );
  }
  // Then the clients pause until the learner is back, so that it comes back to what its sync
  // persisted rather than to a state later writes have already rewritten; then they write again.
  const quietFrom = t + burstMs;
  const quietTo = quietFrom + s.afterSyncMs + s.downMs + 300;
  for (const w of s.afterWrites) ops.push(writeOp(s.kind, quietTo, s.afterMs, w));
  return { fromMs: s.startMs, faults, ops: ops.sort((a, b) => a.atMs - b.atMs), quiet: [quietFrom, quietTo] };
}

export function restartPlan(s: RestartRejoin): ShapePlan {
  const faults: FaultEvent[] = [];
  const ops: WorkloadOp[] = [];
  let t = settlePlan(s, faults, ops);
  // The leader stays cut off (not crashed): its tail stays in its log and on its disk.
  faults.push({ atMs: t, type: 'partition', mode: 'isolate', target: 'leader' });
  for (const w of s.tailWrites) ops.push(writeOp(s.kind, t + 5, Math.max(1, s.isolateMs - 30), w));
  const quietFrom = t + s.isolateMs;
  t += s.electMs;
  // The server with the tail is up and cut off, so "all-down" brings back only the crashed leader.
  // The cut heals as the last round begins: the server with the tail takes part in the election
  // that follows and syncs while the new leader is still establishing its epoch, when its
  // lastProcessedZxid is still its last txn (once active, it is the epoch's <e, 0>).
  let healAt = t;
  for (const r of s.rounds) {
    healAt = t;
    faults.push({ atMs: t, type: 'crash', target: 'leader', keepUnsynced: true }, { atMs: t + r.downMs, type: 'restart', target: 'all-down' });
    t += r.downMs + r.roundMs;
  }
  faults.push({ atMs: healAt, type: 'heal' });
  t = healAt;
  const acked = (delayMs: number): Trigger => ({ on: 'newleader-acked', catchUp: true, ...(delayMs === 0 ? {} : { delayMs }) });
  faults.push(
    { atMs: t, when: acked(s.afterSyncMs), type: 'crash', target: 'trigger' },
    { atMs: t, when: acked(s.afterSyncMs + s.downMs), type: 'restart', target: 'trigger' },
  );
  const last = s.rounds[s.rounds.length - 1];
  const quietTo = t + (last?.downMs ?? 0) + REJOIN_MS;
  for (const w of s.afterWrites) ops.push(writeOp(s.kind, quietTo, s.afterMs, w));
  return { fromMs: s.startMs, faults, ops: ops.sort((a, b) => a.atMs - b.atMs), quiet: [quietFrom, quietTo] };
}

export function shapePlan(s: FaultShape): ShapePlan {
  return s.kind === 'tail-rejoin' ? tailPlan(s) : s.kind === 'lag-rejoin' ? lagPlan(s) : restartPlan(s);
}

/** The case with the shape merged in: random timed faults before it, its faults; its writes, less the random ones in its quiet window. */
export function withShape(c: FuzzCase, shape: FaultShape | null): FuzzCase {
  if (shape === null) return c;
  const plan = shapePlan(shape);
  const before = c.faults.filter((f) => f.when === undefined && f.atMs < plan.fromMs);
  const quiet = plan.quiet;
  const kept = quiet === null ? c.ops : c.ops.filter((o) => o.atMs < quiet[0] || o.atMs >= quiet[1]);
  return {
    ...c,
    faults: [...before, ...plan.faults].sort((a, b) => a.atMs - b.atMs),
    ops: [...kept, ...plan.ops].sort((a, b) => a.atMs - b.atMs),
  };
}
