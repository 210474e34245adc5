// What `zabsim fuzz` leaves for people and CI besides capsules: an HTML report next to each of the
// first failing capsules (its trace drawn, the violation marked, the capsule's steps as the repro),
// and JUnit XML with one testcase per seed, so a dashboard counts seeds and lists each failure with
// its checker, detail, capsule and replay command.
import type { Mutant } from '../../protocol/zab/config.js';
import { writeHtmlReport } from '../../reports/html.js';
import { junitForFuzz, type JUnitSuite, type SeedResult } from '../../reports/junit.js';
import { readCapsule } from '../fuzz/capsule.js';
import type { ProfileName } from '../fuzz/case.js';
import type { SeedOutcome } from '../fuzz/seed.js';
import { isCounted } from '../fuzz/sweep.js';
import { countProbes, PROBES } from '../fuzz/probes/registry.js';
import type { ProbeLevel } from '../fuzz/probes/types.js';

/** Above this many passing seeds, they become one testcase (a 100,000-seed sweep stays a small file). */
export const PASSING_CASES_MAX = 10_000;

/** A written capsule of seed `n`, with its HTML report when one was written. */
export interface SeedArtefacts {
  readonly capsule: string;
  readonly html?: string;
}

/** The HTML report of a fuzz capsule, drawn from the trace it names: `dir/seed-7.capsule.json` → `dir/seed-7.html`. */
export function writeCapsuleReport(capsule: string): string | null {
  const trace = readCapsule(capsule).trace;
  if (trace === null) return null;
  return writeHtmlReport(trace, capsule.replace(/\.capsule\.json$/, '') + '.html', { capsule });
}

/** How many undecided seeds a summary names (per checker in --json): enough to rerun, bounded for a long sweep. */
export const UNKNOWN_SEEDS_LISTED = 20;

/** A plain seed by its number; a guided run by its run number and what it was (a seed, or whose child). */
function seedName(o: SeedOutcome): string {
  return o.label === undefined ? String(o.n) : `${o.n} (${o.label})`;
}

/** With --require-probes, one testcase per required probe: it fails when no seed reached the probe. */
function probeCases(name: string, probes: Readonly<Record<string, number>>, level: ProbeLevel | 'all' | null): JUnitSuite['cases'] {
  if (level === null) return [];
  return PROBES.filter((p) => level === 'all' || p.level === level).map((p) => {
    const hits = probes[p.name] ?? 0;
    const base = { name: `probe=${p.name}`, classname: `fuzz.${name}.probes`, timeSec: 0 };
    return hits > 0
      ? { ...base, systemOut: `reached on ${hits} seeds: ${p.what}` }
      : { ...base, failure: { message: `coverage probe ${p.name} never fired`, type: 'coverage', body: p.what } };
  });
}

/** For the collapsed passing testcase: how many of those seeds had a checker answer `unknown`, by checker. */
function unknownNote(passing: readonly SeedOutcome[]): string {
  const by = new Map<string, number>();
  for (const o of passing) for (const name of o.unknown) by.set(name, (by.get(name) ?? 0) + 1);
  const undecided = passing.filter((o) => o.unknown.length > 0);
  if (undecided.length === 0) return '';
  const listed = undecided.slice(0, UNKNOWN_SEEDS_LISTED).map((o) => o.n);
  const more = undecided.length > listed.length ? ', ...' : '';
  return `; on ${undecided.length} of them a checker answered unknown (${[...by].map(([k, v]) => `${k} ${v}`).join(', ')}): seeds ${listed.join(', ')}${more}`;
}

function replayOf(profile: ProfileName, mutant: Mutant | null, n: number, capsule: string | undefined): string {
  if (capsule !== undefined) return `npx zabsim replay ${capsule}`;
  return `npx zabsim fuzz --profile ${profile} --start ${n} --seeds 1${mutant === null ? '' : ` --mutant ${mutant}`}`;
}

/**
 * The sweep as one JUnit suite. Seeds carry no wall time of their own (outcomes are deterministic
 * data), so each seed's time is its share of the sweep's wall time by simulated events.
 */
export function fuzzSuite(
  profile: ProfileName,
  mutant: Mutant | null,
  range: readonly [number, number],
  outcomes: readonly SeedOutcome[],
  artefacts: ReadonlyMap<number, SeedArtefacts>,
  wallMs: number,
  requiredProbes: ProbeLevel | 'all' | null = null,
): JUnitSuite {
  const events = outcomes.reduce((n, o) => n + o.events, 0);
  const share = (o: SeedOutcome): number => (events === 0 ? 0 : (wallMs / 1000) * (o.events / events));
  const passing = outcomes.filter((o) => o.failure === null);
  const collapse = passing.length > PASSING_CASES_MAX;
  const results: SeedResult[] = [];
  const undecided = (o: SeedOutcome): string => `unknown (the checker could not decide): ${o.unknown.join(', ')}`;
  for (const o of outcomes) {
    if (o.failure === null) {
      if (!collapse)
        results.push({ seed: seedName(o), timeSec: share(o), violations: [], exitCode: 0, ...(o.unknown.length === 0 ? {} : { note: undecided(o) }) });
      continue;
    }
    const a = artefacts.get(o.n);
    const files = {
      replay: replayOf(profile, mutant, o.n, a?.capsule),
      ...(a === undefined ? {} : { capsule: a.capsule }),
      ...(a?.html === undefined ? {} : { html: a.html }),
    };
    const base = { seed: seedName(o), timeSec: share(o), artefacts: files };
    if (!isCounted(o, mutant)) {
      results.push({ ...base, violations: [], exitCode: 0, skipped: `fails without the mutant too, so not the mutant's doing: ${o.detail}` });
    } else if (o.failure === 'internal-error') {
      results.push({ ...base, violations: [], exitCode: 4, error: o.detail });
    } else {
      // detail is "<checker>: <message>"; the checker is the testcase's failure type.
      const message = o.detail.startsWith(`${o.failure}: `) ? o.detail.slice(o.failure.length + 2) : o.detail;
      results.push({ ...base, violations: [{ checker: o.failure, message }], exitCode: o.failure === 'liveness' ? 3 : 1 });
    }
  }
  const name = `${profile}${mutant === null ? '' : `-${mutant}`}`;
  const probes = countProbes(outcomes.map((o) => o.probes ?? []));
  // Every probe's count as a property (probe.NAME = seeds that reached it), so dashboards can chart coverage.
  const probeProps = Object.fromEntries(Object.entries(probes).map(([k, v]) => [`probe.${k}`, String(v)]));
  const made = junitForFuzz(name, results, { profile, mutant: mutant ?? 'none', seedRange: `${range[0]}..${range[1] - 1}`, ...probeProps });
  const suite = { ...made, cases: [...made.cases, ...probeCases(name, probes, requiredProbes)] };
  if (!collapse) return { ...suite, timeSec: wallMs / 1000 };
  const first = passing[0]?.n ?? range[0];
  const last = passing.at(-1)?.n ?? range[1] - 1;
  const summary = {
    name: `seeds=${first}..${last} passing`,
    classname: `fuzz.${name}`,
    timeSec: passing.reduce((t, o) => t + share(o), 0),
    systemOut: `${passing.length} seeds passed every checker (one testcase for all, above ${PASSING_CASES_MAX})${unknownNote(passing)}`,
  };
  return { ...suite, timeSec: wallMs / 1000, cases: [...suite.cases, summary] };
}
