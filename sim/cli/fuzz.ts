// `zabsim fuzz [--seeds N] [--start S] [--profile quick|standard|deep] [--workers K] [--shard i/n]
//   [--mutant NAME] [--max-failures K] [--capsules K] [--keep] [--reports K] [--out DIR] [--junit F.xml]
//   [--json] [--list-mutants]`
// `zabsim fuzz --merge a.json b.json ...`
// Runs fuzz seeds (swarm cases: cluster size and fault mix drawn per seed, a fault phase, then a
// liveness phase over a healed quorum core) across worker threads. Each failing seed leaves a
// capsule under reports/out/fuzz/, and the first few an HTML report next to it (--keep: every seed,
// passing ones too, so a run that reached a rare probe can be replayed and read). Exit code: 0 no
// failure, 1 a safety failure, 3 liveness only.
// "Unmutated" means ZooKeeper master + the stale-ACK fix (dropStaleAcksOnResync).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { Mutant } from '../../protocol/zab/config.js';
import { caseForSeed } from '../fuzz/arbitraries.js';
import { PROFILES, type ProfileName } from '../fuzz/case.js';
import { PROTOCOL_NOTE, writeCapsule } from '../fuzz/capsule.js';
import type { SeedOutcome } from '../fuzz/seed.js';
import { isCounted, sweep } from '../fuzz/sweep.js';
import { guidedSweep } from '../fuzz/guided/sweep-guided.js';
import { compareCommand } from './fuzz-compare.js';
import { chooseCorpus, distillCommand, distillHintOf } from './fuzz-corpus.js';
import { writeJUnit } from '../../reports/junit.js';
import { writeCoverageHtml } from '../../reports/probes-html.js';
import { EXIT, InputError, UsageError } from './errors.js';
import { fuzzSuite, UNKNOWN_SEEDS_LISTED, writeCapsuleReport, type SeedArtefacts } from './fuzz-artefacts.js';
import { JsonSyntaxError, parseJson } from './json.js';
import { countProbes, PROBES } from '../fuzz/probes/registry.js';
import type { ProbeLevel } from '../fuzz/probes/types.js';

export const FUZZ_USAGE =
  'usage: zabsim fuzz [--seeds N] [--start S] [--profile quick|standard|deep] [--workers K] [--shard i/n] [--mutant NAME] [--max-failures K] [--capsules K] [--keep] [--reports K] [--out DIR] [--junit FILE.xml] [--json] [--require-probes zab|aimed|service|all] [--coverage FILE.html] [--guided [--corpus FILE|none]] [--guided --distill --out FILE] [--compare --mutant NAME|all] [--list-mutants] [--list-probes] | zabsim fuzz --merge FILE...';

export const MUTANTS: readonly Mutant[] = [
  'commit-without-quorum',
  'count-observer-acks',
  'no-persist-accepted-epoch',
  'vote-zxid-before-epoch',
  'follower-applies-locally',
  'leader-never-steps-down',
  'ZK-1154',
  'ZK-2845',
  'ZK-3911',
  'ZK-4394',
  'ZK-4643',
  'ZK-4646',
  'ZK-4685',
  'ZK-4712',
  'ZK-3023',
  'ZK-3642',
  'ZK-4785',
  'ZK-1549',
  'ZK-2355',
  'ZK-4925',
  'ZK-3104',
  'ZK-2832',
];

export interface FuzzSummary {
  readonly protocol: string;
  readonly profile: ProfileName;
  readonly mutant: string | null;
  readonly seedRange: readonly [number, number];
  readonly seeds: number;
  readonly failures: number;
  readonly firstFailingSeed: number | null;
  readonly seedsToFirstFailure: number | null;
  /** Checker → failing seeds (first failure of each seed). */
  readonly violations: Readonly<Record<string, number>>;
  readonly livenessClasses: Readonly<Record<string, number>>;
  /** Mutant sweeps: failures that also happen without the mutant (not counted as finding it). */
  readonly unattributed: number;
  /** Checker → seeds on which it answered `unknown` (could not decide; not a failure, but not a pass either). */
  readonly unknown: Readonly<Record<string, number>>;
  /** Seeds on which at least one checker answered `unknown`. */
  readonly unknownSeeds: number;
  /**
   * Checker → the lowest seeds on which it answered `unknown`, at most UNKNOWN_SEEDS_LISTED of them
   * (the count above says how many there were), so that an undecided seed can be rerun by number.
   */
  readonly unknownSeedList: Readonly<Record<string, readonly number[]>>;
  /** Seeds by workload (kv store, ZooKeeper service), and each workload's failures by checker. */
  readonly workloads: Readonly<Record<string, { readonly seeds: number; readonly failures: number; readonly violations: Readonly<Record<string, number>> }>>;
  readonly capsules: readonly string[];
  /** HTML reports of the first failing capsules (--reports K of them). */
  readonly reports: readonly string[];
  /** The JUnit XML file, when --junit was given. */
  readonly junit: string | null;
  readonly wallMs: number;
  readonly events: number;
  /** Guided sweeps (--guided): runs are numbered 0..N-1; how many were uniform seeds (from firstSeed on) and children, and the corpus size at the end. */
  readonly guided?: {
    readonly uniformSeeds: number;
    readonly children: number;
    readonly corpus: number;
    readonly firstSeed: number;
    /** The persistent seed corpus the sweep started from (null: an empty corpus), and how many of the runs were its members (the first ones). */
    readonly seedCorpus: string | null;
    readonly seedCorpusRuns: number;
  };
  /** Coverage probe → seeds whose run reached it; every declared probe is listed (probes/registry.ts). */
  readonly probes: Readonly<Record<string, number>>;
  /** Probe → the lowest seeds (runs, for --guided) that reached it, at most UNKNOWN_SEEDS_LISTED: runs to replay to see it happen. */
  readonly probeSeeds?: Readonly<Record<string, readonly number[]>>;
}

/** Adds seeds to a checker's list, keeping the lowest UNKNOWN_SEEDS_LISTED, ascending. */
function listSeeds(into: Record<string, number[]>, checker: string, seeds: readonly number[]): void {
  const have = into[checker];
  // Already full with lower seeds: nothing to add (the common case for a probe most seeds reach).
  if (have !== undefined && have.length >= UNKNOWN_SEEDS_LISTED && seeds.every((x) => x > have[have.length - 1]!)) return;
  const merged = [...(into[checker] ?? []), ...seeds].sort((a, b) => a - b);
  into[checker] = [...new Set(merged)].slice(0, UNKNOWN_SEEDS_LISTED);
}

function int(value: string | undefined, flag: string, min: number, max: number, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) throw new UsageError(`--${flag} expects an integer in ${min}..${max}, got "${value}"`);
  return n;
}

export function summarize(
  profile: ProfileName,
  mutant: Mutant | null,
  range: readonly [number, number],
  outcomes: readonly SeedOutcome[],
  capsules: readonly string[],
  wallMs: number,
  reports: readonly string[] = [],
  junit: string | null = null,
): FuzzSummary {
  const violations: Record<string, number> = {};
  const classes: Record<string, number> = {};
  const unknown: Record<string, number> = {};
  const unknownSeedList: Record<string, number[]> = {};
  const probeSeeds: Record<string, number[]> = {};
  let unknownSeeds = 0;
  let failures = 0;
  let unattributed = 0;
  let first: number | null = null;
  let events = 0;
  const workloads: Record<string, { seeds: number; failures: number; violations: Record<string, number> }> = {};
  for (const o of outcomes) {
    events += o.events;
    const w = (workloads[o.workload ?? 'kv'] ??= { seeds: 0, failures: 0, violations: {} });
    w.seeds++;
    if (o.failure !== null && isCounted(o, mutant)) {
      w.failures++;
      w.violations[o.failure] = (w.violations[o.failure] ?? 0) + 1;
    }
    for (const name of o.probes ?? []) listSeeds(probeSeeds, name, [o.n]);
    if (o.unknown.length > 0) unknownSeeds++;
    for (const name of o.unknown) {
      unknown[name] = (unknown[name] ?? 0) + 1;
      listSeeds(unknownSeedList, name, [o.n]);
    }
    if (o.failure === null) continue;
    if (!isCounted(o, mutant)) {
      unattributed++;
      continue;
    }
    failures++;
    violations[o.failure] = (violations[o.failure] ?? 0) + 1;
    if (o.livenessClass !== null) classes[o.livenessClass] = (classes[o.livenessClass] ?? 0) + 1;
    if (first === null || o.n < first) first = o.n;
  }
  return {
    protocol: PROTOCOL_NOTE,
    profile,
    mutant,
    seedRange: range,
    seeds: outcomes.length,
    failures,
    firstFailingSeed: first,
    seedsToFirstFailure: first === null ? null : first - range[0] + 1,
    violations,
    livenessClasses: classes,
    unattributed,
    unknown,
    unknownSeeds,
    unknownSeedList,
    workloads,
    capsules,
    reports,
    junit,
    wallMs: Math.round(wallMs),
    events,
    probes: countProbes(outcomes.map((o) => o.probes ?? [])),
    probeSeeds,
  };
}

/** The declared probes of `level` (or every probe, for "all") that no seed reached. */
export function missingProbes(probes: Readonly<Record<string, number>>, level: ProbeLevel | 'all'): string[] {
  return PROBES.filter((p) => (level === 'all' || p.level === level) && (probes[p.name] ?? 0) === 0).map((p) => p.name);
}

function requiredLevel(value: string | undefined): ProbeLevel | 'all' | null {
  if (value === undefined) return null;
  if (value === 'zab' || value === 'aimed' || value === 'service' || value === 'all') return value;
  throw new UsageError(`--require-probes expects zab, aimed, service or all, got "${value}"`);
}

/** With --require-probes: a sweep that left a declared probe unreached fails (exit 1) and says which. */
function requireProbes(probes: Readonly<Record<string, number>>, level: ProbeLevel | 'all' | null, code: number): number {
  if (level === null) return code;
  const missing = missingProbes(probes, level);
  if (missing.length === 0) return code;
  process.stderr.write(`zabsim fuzz: ${missing.length} required coverage probe(s) never fired: ${missing.join(', ')}\n`);
  return code === EXIT.ok ? EXIT.safety : code;
}

export async function fuzzCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      seeds: { type: 'string' },
      start: { type: 'string' },
      profile: { type: 'string' },
      workers: { type: 'string' },
      shard: { type: 'string' },
      mutant: { type: 'string' },
      'max-failures': { type: 'string' },
      keep: { type: 'boolean', default: false },
      out: { type: 'string' },
      capsules: { type: 'string' },
      reports: { type: 'string' },
      junit: { type: 'string' },
      json: { type: 'boolean', default: false },
      'list-mutants': { type: 'boolean', default: false },
      'list-probes': { type: 'boolean', default: false },
      'require-probes': { type: 'string' },
      guided: { type: 'boolean', default: false },
      compare: { type: 'boolean', default: false },
      corpus: { type: 'string' },
      distill: { type: 'boolean', default: false },
      coverage: { type: 'string' },
      merge: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(`${FUZZ_USAGE}\n`);
    return EXIT.ok;
  }
  if (values['list-mutants']) {
    if (values.json) process.stdout.write(`${JSON.stringify(MUTANTS)}\n`);
    else for (const m of MUTANTS) process.stdout.write(`${m}\n`);
    return EXIT.ok;
  }
  if (values['list-probes']) {
    if (values.json) process.stdout.write(`${JSON.stringify(PROBES.map((p) => ({ name: p.name, level: p.level, what: p.what })))}\n`);
    else for (const p of PROBES) process.stdout.write(`${p.name.padEnd(40)} ${p.level.padEnd(8)} ${p.what}\n`);
    return EXIT.ok;
  }
  const required = requiredLevel(values['require-probes']);
  if (values.merge) {
    // Merging sees only summaries, not seeds: CI tools combine the shards' own --junit files instead.
    if (values.junit !== undefined) throw new UsageError('--junit applies to a sweep, not to --merge (give each shard its own --junit FILE)');
    return mergeCommand(positionals, values.json, required);
  }
  if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"\n${FUZZ_USAGE}`);
  const profile = (values.profile ?? 'standard') as ProfileName;
  if (!(profile in PROFILES)) throw new UsageError(`--profile expects quick, standard or deep, got "${values.profile}"`);
  const mutant = values.mutant === undefined || values.mutant === 'all' ? null : (values.mutant as Mutant);
  if (mutant !== null && !MUTANTS.includes(mutant)) throw new UsageError(`--mutant expects one of ${MUTANTS.join(', ')}, got "${values.mutant}"`);
  const seeds = int(values.seeds, 'seeds', 1, 100_000_000, 100);
  const start = int(values.start, 'start', 0, 1_000_000_000, 0);
  const workers = int(values.workers, 'workers', 1, 256, 1);
  const maxFailures = values['max-failures'] === undefined ? null : int(values['max-failures'], 'max-failures', 1, 1_000_000, 1);
  const maxCapsules = int(values.capsules, 'capsules', 0, 10_000, 20);
  // Each report draws a whole run (about 100 KB and 50 ms for a quick case), so only the first few.
  const maxReports = int(values.reports, 'reports', 0, 10_000, 5);
  let from = start;
  let to = start + seeds;
  if (values.shard !== undefined) {
    const m = /^(\d+)\/(\d+)$/.exec(values.shard);
    const i = Number(m?.[1]);
    const n = Number(m?.[2]);
    if (m === null || n < 1 || i < 1 || i > n) throw new UsageError(`--shard expects i/n with 1 <= i <= n, got "${values.shard}"`);
    // Contiguous, deterministic ranges: shard i gets [start + floor((i-1)·N/n), start + floor(i·N/n)).
    from = start + Math.floor(((i - 1) * seeds) / n);
    to = start + Math.floor((i * seeds) / n);
  }
  const tty = process.stdout.isTTY === true && !values.json;
  const wallStart = performance.now();
  const total = to - from;
  const progress = (done: number, failures: number): void => {
    if (!tty) return;
    const elapsed = (performance.now() - wallStart) / 1000;
    const rate = done / Math.max(elapsed, 1e-3);
    const eta = rate > 0 ? (total - done) / rate : 0;
    const width = 30;
    const filled = Math.round((done / Math.max(total, 1)) * width);
    process.stdout.write(
      `\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} seeds, ${failures} failures, ${rate.toFixed(1)} seeds/s, ETA ${Math.round(eta)}s   `,
    );
  };
  if (values.distill) {
    if (!values.guided || values.mutant !== undefined || values.corpus !== undefined || values.shard !== undefined || values.compare)
      throw new UsageError('--distill goes with --guided, on the unmutated protocol from an empty corpus: no --mutant, --corpus, --shard or --compare');
    return distillCommand({ profile, from, runs: to - from, workers, out: values.out, json: values.json });
  }
  if (values.corpus !== undefined && !values.guided && !values.compare) throw new UsageError('--corpus applies to --guided and --compare');
  const corpus = values.guided || values.compare ? chooseCorpus(values.corpus, profile, distillHintOf(profile)) : null;
  if (values.compare) {
    if (values.shard !== undefined || values.junit !== undefined)
      throw new UsageError('--compare measures seeds to first failure; it takes no --shard or --junit');
    return compareCommand({ profile, from, runs: to - from, mutant: values.mutant ?? null, workers, json: values.json, zoo: MUTANTS, corpus });
  }
  if (values.mutant === 'all') throw new UsageError('--mutant all applies to --compare only');
  const guided = values.guided
    ? await guidedSweep({ profile, from, runs: to - from, mutant, workers, maxFailures, seedCases: corpus?.cases ?? [], onProgress: progress })
    : null;
  const outcomes = guided !== null ? guided.outcomes : await sweep({ profile, from, to, mutant, workers, maxFailures, onProgress: progress });
  // A guided sweep numbers its runs 0..N-1 (uniform seeds and children interleaved); each run's case is kept.
  const range: readonly [number, number] = guided === null ? [from, to] : [0, to - from];
  if (tty) process.stdout.write('\n');
  const outDir = values.out ?? join('reports', 'out', 'fuzz', `${profile}${mutant === null ? '' : `-${mutant}`}`);
  const capsules: string[] = [];
  const reports: string[] = [];
  const artefacts = new Map<number, SeedArtefacts>();
  for (const o of outcomes) {
    if (capsules.length >= maxCapsules) break;
    if (!values.keep && !isCounted(o, mutant)) continue;
    const c = guided?.cases.get(o.n) ?? caseForSeed(profile, o.n, mutant === null ? [] : [mutant]);
    const fuzzSeed = guided === null ? o.n : (guided.seeds.get(o.n) ?? null);
    const capsule = writeCapsule(c, fuzzSeed, outDir, guided === null ? `seed-${o.n}` : `run-${o.n}`).path;
    capsules.push(capsule);
    const html = reports.length < maxReports ? writeCapsuleReport(capsule) : null;
    if (html !== null) reports.push(html);
    artefacts.set(o.n, html === null ? { capsule } : { capsule, html });
  }
  const wallMs = performance.now() - wallStart;
  if (values.junit !== undefined) writeJUnit(values.junit, [fuzzSuite(profile, mutant, range, outcomes, artefacts, wallMs, required)]);
  const made = summarize(profile, mutant, range, outcomes, capsules, wallMs, reports, values.junit ?? null);
  const summary: FuzzSummary =
    guided === null
      ? made
      : {
          ...made,
          guided: {
            uniformSeeds: guided.seeds.size,
            children: guided.children,
            corpus: guided.corpus,
            firstSeed: from,
            seedCorpus: corpus?.file ?? null,
            seedCorpusRuns: guided.seeded,
          },
        };
  if (values.coverage !== undefined)
    writeCoverageHtml(values.coverage, `zabsim fuzz ${profile}${mutant === null ? '' : ` --mutant ${mutant}`}: coverage probes`, summary.seeds, summary.probes);
  if (values.json) process.stdout.write(`${JSON.stringify(summary)}\n`);
  else printSummary(summary, outcomes, mutant);
  return requireProbes(summary.probes, required, exitOf(summary));
}

function exitOf(s: FuzzSummary): number {
  if (s.failures === 0) return EXIT.ok;
  if ((s.violations['internal-error'] ?? 0) > 0) return EXIT.internal;
  const safety = Object.keys(s.violations).some((k) => k !== 'liveness');
  return safety ? EXIT.safety : EXIT.liveness;
}

function printSummary(s: FuzzSummary, outcomes: readonly SeedOutcome[], mutant: Mutant | null): void {
  for (const line of summaryLines(s, outcomes, mutant)) process.stdout.write(`${line}\n`);
}

/** The text summary, line by line. */
export function summaryLines(s: FuzzSummary, outcomes: readonly SeedOutcome[], mutant: Mutant | null): string[] {
  const lines: string[] = [];
  const out = (line: string): void => {
    lines.push(line);
  };
  out(
    `zabsim fuzz ${s.profile}${s.mutant === null ? '' : ` --mutant ${s.mutant}`}: seeds ${s.seedRange[0]}..${s.seedRange[1] - 1} (${s.seeds} run), protocol: ${s.protocol}`,
  );
  if (s.guided !== undefined)
    out(
      `  guided: ${s.seeds} runs numbered 0..${s.seeds - 1}: ${s.guided.seedCorpusRuns > 0 ? `${s.guided.seedCorpusRuns} seed-corpus members (${s.guided.seedCorpus}), ` : ''}${s.guided.uniformSeeds} uniform seeds from ${s.guided.firstSeed}, ${s.guided.children} children of a corpus of ${s.guided.corpus}`,
    );
  out(
    `  failures ${s.failures}${s.unattributed > 0 ? ` (+${s.unattributed} that fail without the mutant too)` : ''}; first failing seed ${s.firstFailingSeed ?? '-'}`,
  );
  for (const [k, v] of Object.entries(s.violations)) out(`  ${k.padEnd(26)} ${v}`);
  for (const [k, v] of Object.entries(s.livenessClasses)) out(`  liveness/${k.padEnd(17)} ${v}`);
  // An undecided checker is no pass: name it on every summary, even one without failures.
  if (s.unknownSeeds > 0) out(`  unknown verdicts on ${s.unknownSeeds} seeds (not failures; the checker could not decide):`);
  for (const [k, v] of Object.entries(s.unknown)) {
    const listed = s.unknownSeedList?.[k] ?? [];
    const more = v > listed.length ? `, ... (${v - listed.length} more)` : '';
    out(`  unknown/${k.padEnd(18)} ${v}${listed.length > 0 ? `  seeds ${listed.join(', ')}${more}` : ''}`);
  }
  const byWorkload = Object.entries(s.workloads ?? {});
  if (byWorkload.length > 0) out(`  workloads: ${byWorkload.map(([k, w]) => `${k} ${w.seeds} seeds, ${w.failures} failures`).join('; ')}`);
  for (const o of outcomes.filter((x) => isCounted(x, mutant)).slice(0, 5)) out(`  seed ${o.n} (${o.workload}): ${o.detail.slice(0, 160)}`);
  for (const c of s.capsules.slice(0, 5)) out(`  capsule ${c}  (zabsim replay ${c}; zabsim shrink ${c})`);
  for (const r of s.reports.slice(0, 5)) out(`  report  ${r}`);
  if (s.junit !== null) out(`  junit   ${s.junit}`);
  printProbes(s.probes, out, s.probeSeeds ?? {});
  out(`  ${s.events} events in ${s.wallMs} ms wall`);
  return lines;
}

/** Coverage: how many declared probes each level reached, the rarest reached, and the ones never reached. */
function printProbes(probes: Readonly<Record<string, number>>, out: (line: string) => void, seeds: Readonly<Record<string, readonly number[]>>): void {
  for (const level of ['zab', 'aimed', 'service'] as const) {
    const defs = PROBES.filter((p) => p.level === level);
    const reached = defs.filter((p) => (probes[p.name] ?? 0) > 0);
    out(`  probes (${level}) reached ${reached.length} of ${defs.length}`);
    const rare = reached
      .slice()
      .sort((a, b) => (probes[a.name] ?? 0) - (probes[b.name] ?? 0))
      .slice(0, 5);
    if (rare.length > 0)
      out(`    rarest: ${rare.map((p) => `${p.name} ${probes[p.name]}${seeds[p.name]?.[0] !== undefined ? ` (seed ${seeds[p.name]![0]})` : ''}`).join(', ')}`);
    const never = defs.filter((p) => (probes[p.name] ?? 0) === 0).map((p) => p.name);
    if (never.length > 0) out(`    never:  ${never.join(', ')}`);
  }
}

function mergeCommand(files: readonly string[], json: boolean, required: ProbeLevel | 'all' | null): number {
  if (files.length === 0) throw new UsageError(`--merge expects one or more fuzz --json output files\n${FUZZ_USAGE}`);
  const parts: FuzzSummary[] = files.map((file) => {
    let doc: unknown;
    try {
      doc = parseJson(readFileSync(file, 'utf8').trim().split('\n').pop() ?? '');
    } catch (error) {
      if (error instanceof JsonSyntaxError) throw new InputError(file, `${error.line}:${error.column}`, error.message);
      throw new InputError(file, '1', 'expected a readable fuzz --json output file');
    }
    const o = doc as Partial<FuzzSummary> | null;
    if (
      typeof o !== 'object' ||
      o === null ||
      typeof o.seeds !== 'number' ||
      typeof o.failures !== 'number' ||
      typeof o.violations !== 'object' ||
      !Array.isArray(o.seedRange)
    ) {
      throw new InputError(file, '$', 'expected a zabsim fuzz --json summary (seeds, failures, violations, seedRange)');
    }
    return o as FuzzSummary;
  });
  const add = (into: Record<string, number>, from: Readonly<Record<string, number>> | undefined): void => {
    for (const [k, v] of Object.entries(from ?? {})) into[k] = (into[k] ?? 0) + v;
  };
  const violations: Record<string, number> = {};
  const classes: Record<string, number> = {};
  const unknown: Record<string, number> = {};
  const unknownSeedList: Record<string, number[]> = {};
  const probes: Record<string, number> = countProbes([]);
  const probeSeeds: Record<string, number[]> = {};
  const workloads: Record<string, { seeds: number; failures: number; violations: Record<string, number> }> = {};
  for (const p of parts) {
    add(violations, p.violations);
    add(classes, p.livenessClasses);
    add(unknown, p.unknown);
    // Summaries written before seeds were listed have none: the counts still add up.
    for (const [k, seeds] of Object.entries(p.unknownSeedList ?? {})) listSeeds(unknownSeedList, k, seeds);
    add(probes, p.probes);
    for (const [k, seeds] of Object.entries(p.probeSeeds ?? {})) listSeeds(probeSeeds, k, seeds);
    for (const [k, w] of Object.entries(p.workloads ?? {})) {
      const into = (workloads[k] ??= { seeds: 0, failures: 0, violations: {} });
      into.seeds += w.seeds;
      into.failures += w.failures;
      add(into.violations, w.violations);
    }
  }
  const firsts = parts.map((p) => p.firstFailingSeed).filter((x): x is number => x !== null);
  const lo = Math.min(...parts.map((p) => p.seedRange[0]));
  const hi = Math.max(...parts.map((p) => p.seedRange[1]));
  const first = firsts.length === 0 ? null : Math.min(...firsts);
  const merged: FuzzSummary = {
    protocol: parts[0]?.protocol ?? PROTOCOL_NOTE,
    profile: parts[0]?.profile ?? 'standard',
    mutant: parts[0]?.mutant ?? null,
    seedRange: [lo, hi],
    seeds: parts.reduce((n, p) => n + p.seeds, 0),
    failures: parts.reduce((n, p) => n + p.failures, 0),
    firstFailingSeed: first,
    seedsToFirstFailure: first === null ? null : first - lo + 1,
    violations,
    livenessClasses: classes,
    unattributed: parts.reduce((n, p) => n + (p.unattributed ?? 0), 0),
    unknown,
    unknownSeeds: parts.reduce((n, p) => n + (p.unknownSeeds ?? 0), 0),
    unknownSeedList,
    workloads,
    capsules: parts.flatMap((p) => p.capsules ?? []),
    reports: parts.flatMap((p) => p.reports ?? []),
    junit: null,
    wallMs: parts.reduce((n, p) => n + (p.wallMs ?? 0), 0),
    events: parts.reduce((n, p) => n + (p.events ?? 0), 0),
    probes,
    probeSeeds,
  };
  if (json) process.stdout.write(`${JSON.stringify(merged)}\n`);
  else printSummary(merged, [], null);
  return requireProbes(merged.probes, required, exitOf(merged));
}
