// Quiet periods: for a share of cases, the clients send nothing for a few seconds while the faults go
// on, as real traffic has lulls (a night, the gap between two batch jobs, an application that starts
// after its ensemble). In half the lulls an operator does maintenance, as operators do when traffic
// is low: a rolling restart (an upgrade, a configuration change), servers restarted one at a time
// in server-number order from a drawn one, each coming back before the next goes down, sometimes
// through every server, so that the leader is among them (an operator does not ask who leads).
// What a lull opens: epochs in which nothing is written (a leader's lastProcessedZxid is then its
// epoch marker <e, 0>, Leader.startZkServer), servers syncing to leaders that have committed
// nothing, and leader changes with no proposal in flight. Nothing here knows about mutants, probes
// or what a run will reach: the times, the servers and the delays are drawn blind.
import fc from 'fast-check';
import type { FaultEvent } from '../zab/faults.js';
import type { FuzzCase, Profile } from './case.js';
import { SHAPE_MARK } from './shapes.js';

const SHAPE_WRITE = new RegExp(`^[${Object.values(SHAPE_MARK).join('')}]\\d+$`);

/**
 * A recovery burst (recovery.ts) or a fault shape (shapes.ts) sets its own writes, quiet spells,
 * crashes and restarts around protocol points; a lull or a returning learner laid over it would
 * undo the situation it builds, so such a case draws neither. A shape's writes carry its mark; a
 * burst opens with a heal, a resume and a restart of every down server at one instant
 * (burstPlan), which no single-fault draw makes.
 */
export function buildsItsOwnQuiet(c: FuzzCase): boolean {
  if (c.ops.some((o) => o.op.type === 'set' && SHAPE_WRITE.test(String((o.op as { value?: unknown }).value)))) return true;
  const at = new Map<number, Set<string>>();
  for (const f of c.faults) {
    if (f.when !== undefined) continue;
    const kind = f.type === 'heal' ? 'heal' : f.type === 'resume' && f.target === 'all-paused' ? 'resume' : f.type === 'restart' && f.target === 'all-down' ? 'restart' : null;
    if (kind === null) continue;
    const set = at.get(f.atMs) ?? new Set<string>();
    set.add(kind);
    at.set(f.atMs, set);
    if (set.size === 3) return true;
  }
  return false;
}

/** A client burst's pipelined creates (client-burst.ts): a batch job's, not the regular traffic a lull stills. */
function isBatchCreate(o: FuzzCase['ops'][number]): boolean {
  const op = o.op as { type: string; command?: { type?: string; path?: unknown } };
  return op.type === 'zk' && op.command?.type === 'create' && String(op.command.path).startsWith('/n1/burst-');
}

export interface QuietPeriod {
  /** The lull: no client invokes anything in [atMs, atMs + durationMs). 0: the clients start late. */
  readonly atMs: number;
  readonly durationMs: number;
  /** A rolling restart in the lull: the first server restarted, or null for none. */
  readonly rolling: {
    /** Share of the lull (0..100) before the first server goes down. */
    readonly startAt: number;
    /** Server number (voters, then observers) the operator starts from; the next ones follow in number order. */
    readonly first: number;
    /** How many servers are restarted (at most all of them). */
    readonly count: number;
    /** Each server's time down (a process restart: an upgrade's binary swap, a JVM start). */
    readonly downMs: readonly number[];
    /** After a server is back, before the next goes down (the operator checks it rejoined). */
    readonly gapMs: number;
  } | null;
}

/** No lull for most cases; for the profile's quietPercent of them, one (unbiased roll, as diskStallArb's). */
export function quietArb(profile: Profile, c: FuzzCase): fc.Arbitrary<QuietPeriod | null> {
  if (profile.quietPercent <= 0 || buildsItsOwnQuiet(c)) return fc.constant(null);
  const members = c.servers + c.observers;
  const rolling = fc.record({
    startAt: fc.integer({ min: 0, max: 60 }),
    first: fc.integer({ min: 1, max: members }),
    count: fc.integer({ min: 1, max: members }),
    downMs: fc.array(fc.integer({ min: 200, max: 2_500 }), { minLength: members, maxLength: members }),
    gapMs: fc.integer({ min: 100, max: 1_500 }),
  });
  return fc.noBias(fc.integer({ min: 0, max: 99 })).chain((roll) =>
    roll >= profile.quietPercent
      ? fc.constant(null)
      : fc
          .record({
            // In a third of the lulls the clients start late: the ensemble runs (and faults) a while first.
            atMs: fc.oneof(fc.constant(0), fc.integer({ min: 300, max: c.faultsUntilMs - 1_000 }), fc.integer({ min: 300, max: c.faultsUntilMs - 1_000 })),
            durationMs: fc.integer({ min: 1_500, max: 6_000 }),
            rolling: fc.option(rolling, { nil: null, freq: 2 }),
          })
          .map((q) => ({
            ...q,
            // The lull ends within the fault phase: the liveness phase judges an ensemble its clients use.
            durationMs: Math.min(q.durationMs, c.faultsUntilMs - q.atMs),
            rolling: q.rolling === null ? null : { ...q.rolling, downMs: q.rolling.downMs.slice(0, q.rolling.count) },
          })),
  );
}

/** The rolling restart's faults: each server down, then back, the next one `gapMs` after. */
export function rollingFaults(q: QuietPeriod, members: number): FaultEvent[] {
  const r = q.rolling;
  if (r === null) return [];
  const faults: FaultEvent[] = [];
  let t = q.atMs + Math.round((q.durationMs * r.startAt) / 100);
  r.downMs.forEach((down, i) => {
    const server = ((r.first - 1 + i) % members) + 1;
    faults.push({ atMs: t, type: 'crash', target: server, keepUnsynced: true }, { atMs: t + down, type: 'restart', target: server });
    t += down + r.gapMs;
  });
  return faults;
}

/**
 * The case with the lull: every operation its clients would invoke in it dropped (kv and service
 * calls alike, write bursts at faults included; not a client burst's batch; a service case's setup
 * multi and recipe hosts' first commands are sent by service-run.ts, not listed here), and the
 * rolling restart among its faults. A process restart
 * keeps the OS's unsynced writes, as a stop and start of the JVM does.
 */
export function withQuiet(c: FuzzCase, q: QuietPeriod | null): FuzzCase {
  if (q === null) return c;
  const endMs = q.atMs + q.durationMs;
  const ops = c.ops.filter((o) => o.atMs < q.atMs || o.atMs >= endMs || isBatchCreate(o));
  const added = rollingFaults(q, c.servers + c.observers);
  // A stable sort: faults at the same time keep their order (the case's own first).
  return { ...c, ops, faults: added.length === 0 ? c.faults : [...c.faults, ...added].sort((a, b) => a.atMs - b.atMs) };
}

