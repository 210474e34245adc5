// Slow disks: for a share of cases, one server's disk stalls for a while, as real disks do (a busy
// shared device, a RAID rebuild, a throttled cloud volume): every fsync it starts takes up to seconds
// longer. The server keeps running; only its log's durability, and so its ACKs, lag. A follower
// whose ACKs lag past syncLimit is closed by its leader (LearnerHandler's SyncLimitCheck); one
// syncing to a new leader sits in its NEWLEADER fsync. In half the stalls the server is killed during
// the stall and restarted, as an operator or a watchdog restarts a server that looks hung. Nothing here knows
// about mutants, probes or protocol phases: the stall's server and time are drawn blind.
import fc from 'fast-check';
import type { FaultEvent } from '../zab/faults.js';
import type { FuzzCase, Profile } from './case.js';

export interface DiskStallDraw {
  /** Server number (voters, then observers). */
  readonly server: number;
  readonly atMs: number;
  readonly durationMs: number;
  /** Extra time of every fsync the server starts during the stall. */
  readonly fsyncMs: number;
  /**
   * The server is killed this share of the way through the stall and the last fsync it started in
   * it (0..1), then restarted; null: left running.
   */
  readonly killAt: number | null;
  /** How long after the kill the server restarts. */
  readonly restartMs: number;
}

/** No stall for most cases; for the profile's diskStallPercent of them, one stall (unbiased roll, as pressureArb's). */
export function diskStallArb(profile: Profile, c: FuzzCase): fc.Arbitrary<DiskStallDraw | null> {
  if (profile.diskStallPercent <= 0) return fc.constant(null);
  const latestMs = Math.max(500, c.faultsUntilMs - 2_000);
  return fc.noBias(fc.integer({ min: 0, max: 99 })).chain((roll) =>
    roll >= profile.diskStallPercent
      ? fc.constant(null)
      : fc
          .record({
            server: fc.integer({ min: 1, max: c.servers + c.observers }),
            atMs: fc.integer({ min: 300, max: latestMs }),
            durationMs: fc.integer({ min: 1_000, max: 8_000 }),
            // From a hiccup to a stall longer than syncLimit (2.5 s in fuzz cases) or initLimit (5 s).
            fsyncMs: fc.constantFrom(200, 800, 2_000, 3_500, 6_000),
            killAt: fc.option(fc.integer({ min: 0, max: 100 }), { nil: null, freq: 2 }),
            restartMs: fc.integer({ min: 200, max: 3_000 }),
          })
          // The stall ends within the fault phase: the liveness phase judges a quiet ensemble.
          .map((d) => ({ ...d, durationMs: Math.min(d.durationMs, c.faultsUntilMs - 200 - d.atMs), killAt: d.killAt === null ? null : d.killAt / 100 })),
  );
}

/** The case with the stall (and its kill and restart) among its faults; faults past the fault phase are never fired. */
export function withDiskStall(c: FuzzCase, d: DiskStallDraw | null): FuzzCase {
  if (d === null) return c;
  const added: FaultEvent[] = [{ atMs: d.atMs, type: 'slow-disk', target: d.server, durationMs: d.durationMs, fsyncMs: d.fsyncMs }];
  if (d.killAt !== null) {
    const killMs = d.atMs + Math.round((d.durationMs + d.fsyncMs) * d.killAt);
    added.push({ atMs: killMs, type: 'crash', target: d.server });
    added.push({ atMs: killMs + d.restartMs, type: 'restart', target: d.server });
  }
  // A stable sort: faults at the same time keep their order (the case's own first).
  return { ...c, faults: [...c.faults, ...added].sort((a, b) => a.atMs - b.atMs) };
}
