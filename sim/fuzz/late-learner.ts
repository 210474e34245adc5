// Late and returning learners: for a share of cases, one server joins the ensemble after it is
// already serving, as in real deployments: a server whose host boots late or is added to a running
// ensemble (it is down from the start), or one that goes away and comes back after broadcast
// began, one to three times (a host rebooted by its operator, a flapping VM). An observer is often
// a fresh host (autoscaled read capacity, a replaced machine): it comes back with an empty disk in
// half the returns. A voter always keeps its disk: a voter that loses what it acked breaks quorum
// intersection, an operator's error ZooKeeper does not claim to survive. The server is drawn
// among the observers in two cases of three when the case has any. Nothing here knows about
// mutants, probes or roles at run time: the server, the times and the delays are drawn blind.
import fc from 'fast-check';
import type { FaultEvent } from '../zab/faults.js';
import type { FuzzCase, Profile } from './case.js';
import { buildsItsOwnQuiet } from './quiet.js';

export interface LateLearner {
  /** Server number (voters, then observers). */
  readonly server: number;
  /** Down from the start of the run until the first return. */
  readonly startsLate: boolean;
  /** Each absence: when it goes down (ignored for a late start's first), how long it stays down, whether it returns wiped. */
  readonly absences: readonly { readonly atMs: number; readonly downMs: number; readonly wiped: boolean }[];
}

/**
 * No late learner for most cases; for the profile's lateLearnerPercent of the cases without a
 * recovery burst or fault shape (quiet.ts buildsItsOwnQuiet), one (unbiased roll, as diskStallArb's).
 */
export function lateLearnerArb(profile: Profile, c: FuzzCase): fc.Arbitrary<LateLearner | null> {
  if (profile.lateLearnerPercent <= 0 || buildsItsOwnQuiet(c)) return fc.constant(null);
  const server =
    c.observers > 0
      ? fc.oneof(fc.integer({ min: c.servers + 1, max: c.servers + c.observers }), fc.integer({ min: c.servers + 1, max: c.servers + c.observers }), fc.integer({ min: 1, max: c.servers }))
      : fc.integer({ min: 1, max: c.servers });
  const absence = fc.record({
    atMs: fc.integer({ min: 300, max: c.faultsUntilMs - 500 }),
    downMs: fc.integer({ min: 300, max: 6_000 }),
    wiped: fc.boolean(),
  });
  return fc.noBias(fc.integer({ min: 0, max: 99 })).chain((roll) =>
    roll >= profile.lateLearnerPercent
      ? fc.constant(null)
      : fc
          .record({ server, startsLate: fc.boolean(), absences: fc.array(absence, { minLength: 1, maxLength: 3 }) })
          .map((d) => {
            const observer = d.server > c.servers;
            const sorted = d.absences
              .map((a) => ({ ...a, wiped: observer && a.wiped }))
              .sort((a, b) => a.atMs - b.atMs);
            // Absences do not overlap: each next one starts after the return before it.
            const absences: { atMs: number; downMs: number; wiped: boolean }[] = [];
            let freeAt = 0;
            for (const [i, a] of sorted.entries()) {
              const atMs = d.startsLate && i === 0 ? 0 : Math.max(a.atMs, freeAt);
              if (atMs >= c.faultsUntilMs - 200) break;
              absences.push({ ...a, atMs });
              freeAt = atMs + a.downMs + 200;
            }
            return { ...d, absences };
          }),
  );
}

/** The learner's faults: each absence a crash and a restart (a late start: down at 1 ms, before the first election ends). */
export function lateLearnerFaults(d: LateLearner): FaultEvent[] {
  return d.absences.flatMap((a): FaultEvent[] => {
    const downAt = Math.max(1, a.atMs);
    return [
      { atMs: downAt, type: 'crash', target: d.server },
      { atMs: downAt + a.downMs, type: 'restart', target: d.server, ...(a.wiped ? { wipeDisk: true } : {}) },
    ];
  });
}

/** The case with the learner's absences among its faults (a stable sort: the case's own first at a time). */
export function withLateLearner(c: FuzzCase, d: LateLearner | null): FuzzCase {
  if (d === null) return c;
  return { ...c, faults: [...c.faults, ...lateLearnerFaults(d)].sort((a, b) => a.atMs - b.atMs) };
}
