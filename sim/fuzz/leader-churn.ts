// Leader churn: for a share of cases, a fault that follows leadership. From a drawn time the leader
// dies, and so does each of the next one to three servers that take its place, soon after they
// begin to lead; each comes back when its supervisor restarts it. Two real causes behind it:
// - a request that kills the leader's pipeline (a "query of death": a request the leader cannot
//   serialize or apply, a bug in its request processors) that the client retries on the next
//   leader once it reconnects: each leader dies at the first PROPOSAL of its epoch, which it has
//   logged and sent, but which no follower may have logged yet;
// - a leader that cannot carry the leader's load (every learner syncing at once, snapshots
//   serialized for the ones that lag, the clients' backlog on top): each one is killed by the
//   same overload (out of memory, a watchdog) a drawn while after it begins to lead, in its
//   synchronization phase or early in its broadcast.
// Each death is a process's (the OS keeps its page cache: the log's unsynced appends survive) in
// three cases of four, a host's otherwise. The churn's faults are added to the case's own, as a slow
// disk's are. Nothing here knows about mutants, probes or what a run will reach: the time, the
// causes and the delays are drawn blind.
import fc from 'fast-check';
import type { FaultEvent, Trigger } from '../zab/faults.js';
import type { FuzzCase, Profile } from './case.js';

/** How one of the next leaders dies: at its epoch's first PROPOSAL, or a while after it starts to lead. */
export type ChurnDeath = { readonly at: 'first-proposal' } | { readonly at: 'leading'; readonly afterMs: number };

export interface LeaderChurn {
  /** The leader of that moment dies now; the next ones as they lead (each death armed `gapMs` after the one before). */
  readonly atMs: number;
  readonly next: readonly ChurnDeath[];
  /** From a death to its restart (a supervisor's delay). */
  readonly downMs: readonly number[];
  /** Before a next death is armed: the previous leader's death and the election that follows. */
  readonly gapMs: number;
  /** A process death (the OS keeps the unsynced appends), not a host's. */
  readonly keepUnsynced: boolean;
}

/** The longest churn: four deaths, each armed up to 900 ms after the one before, the last one restarted up to 3 s later. */
const CHURN_SPAN_MS = 7_000;

/** No churn for most cases; for the profile's churnPercent of them, one (unbiased roll, as diskStallArb's). */
export function leaderChurnArb(profile: Profile, c: FuzzCase): fc.Arbitrary<LeaderChurn | null> {
  if (profile.churnPercent <= 0) return fc.constant(null);
  const latestMs = Math.max(300, c.faultsUntilMs - CHURN_SPAN_MS);
  const death: fc.Arbitrary<ChurnDeath> = fc.oneof(
    fc.constant<ChurnDeath>({ at: 'first-proposal' }),
    // From the middle of its synchronization (learners' NEWLEADER acks take a few ms to a few
    // hundred) to well into broadcast.
    fc.integer({ min: 0, max: 1_500 }).map((afterMs): ChurnDeath => ({ at: 'leading', afterMs })),
  );
  return fc.noBias(fc.integer({ min: 0, max: 99 })).chain((roll) =>
    roll >= profile.churnPercent
      ? fc.constant(null)
      : fc
          .record({
            atMs: fc.integer({ min: 300, max: latestMs }),
            next: fc.array(death, { minLength: 1, maxLength: 3 }),
            downMs: fc.array(fc.integer({ min: 30, max: 3_000 }), { minLength: 4, maxLength: 4 }),
            gapMs: fc.integer({ min: 100, max: 900 }),
            keepUnsynced: fc.constantFrom(true, true, true, false),
          })
          .map((d) => ({ ...d, downMs: d.downMs.slice(0, d.next.length + 1) })),
  );
}

/** The churn's faults: the first death at a time, the next ones at protocol triggers; each death with its restart. */
export function churnFaults(d: LeaderChurn): FaultEvent[] {
  const keep = d.keepUnsynced ? { keepUnsynced: true } : {};
  const faults: FaultEvent[] = [
    { atMs: d.atMs, type: 'crash', target: 'leader', ...keep },
    // Its supervisor restarts it (and whatever else is down then: a first death has no trigger subject).
    { atMs: d.atMs + (d.downMs[0] ?? 0), type: 'restart', target: 'all-down' },
  ];
  d.next.forEach((death, i) => {
    const armedAt = d.atMs + (i + 1) * d.gapMs;
    const when: Trigger =
      death.at === 'first-proposal' ? { on: 'epoch-first-proposal' } : { on: 'leading', ...(death.afterMs > 0 ? { delayMs: death.afterMs } : {}) };
    const afterMs = death.at === 'leading' ? death.afterMs : 0;
    faults.push(
      { atMs: armedAt, when, type: 'crash', target: 'trigger', ...keep },
      { atMs: armedAt, when: { ...when, delayMs: afterMs + (d.downMs[i + 1] ?? 0) }, type: 'restart', target: 'trigger' },
    );
  });
  return faults;
}

/** The case with the churn's faults among its own (a stable sort: faults at the same time keep their order, the case's first). */
export function withLeaderChurn(c: FuzzCase, d: LeaderChurn | null): FuzzCase {
  if (d === null) return c;
  return { ...c, faults: [...c.faults, ...churnFaults(d)].sort((a, b) => a.atMs - b.atMs) };
}
