// Write pressure at faults: for a share of cases, every client sends a short burst of writes just
// before each timed fault, so that proposals are outstanding (proposed, not yet committed) when the
// fault lands. A leader that crashes, pauses or is cut off with proposals in flight is what the
// sync-window bugs need (a learner that logged a txn its new leader lacks, a commit racing an epoch
// change); the swarm's sparse operations almost never line one up, because a proposal is
// outstanding for only a few milliseconds. Nothing here knows about mutants or faults' targets.
import fc from 'fast-check';
import type { FuzzCase, Profile, WorkloadOp } from './case.js';

export interface Pressure {
  /** Writes per client per fault. */
  readonly writes: number;
  /** Gap between a client's writes, in ms. */
  readonly gapMs: number;
  /** How far before the fault the last write of a burst goes, in ms (0: at the fault). */
  readonly leadMs: number;
}

const NONE: Pressure = { writes: 0, gapMs: 0, leadMs: 0 };

/** No pressure for most cases; for the profile's pressurePercent of them, a burst shape (unbiased roll, as recoveryArb's). */
export function pressureArb(profile: Profile): fc.Arbitrary<Pressure> {
  if (profile.pressurePercent <= 0) return fc.constant(NONE);
  return fc
    .noBias(fc.integer({ min: 0, max: 99 }))
    .chain((roll) =>
      roll >= profile.pressurePercent
        ? fc.constant(NONE)
        : fc.record({ writes: fc.integer({ min: 2, max: 6 }), gapMs: fc.integer({ min: 1, max: 8 }), leadMs: fc.integer({ min: 0, max: 6 }) }),
    );
}

/** The case with a burst of writes from every client ending leadMs before each timed fault of the fault phase. */
export function withPressure(c: FuzzCase, p: Pressure): FuzzCase {
  if (p.writes === 0) return c;
  const ops: WorkloadOp[] = [];
  c.faults.forEach((f, i) => {
    // Faults at the same moment (a burst's heal, resume and restart) each add a burst: more writes in flight.
    if (f.when !== undefined || f.atMs >= c.faultsUntilMs) return;
    for (let client = 0; client < c.clients; client++) {
      for (let k = 0; k < p.writes; k++) {
        // Clients interleave (each a millisecond after the previous), so the leader proposes from several sessions at once.
        const atMs = f.atMs - p.leadMs - (p.writes - 1 - k) * p.gapMs - client;
        if (atMs > 0) ops.push({ atMs, client, op: { type: 'set', key: `k${(i + client + k) % 4}`, value: `p${i}.${client}.${k}` } });
      }
    }
  });
  return { ...c, ops: [...c.ops, ...ops].sort((a, b) => a.atMs - b.atMs) };
}
