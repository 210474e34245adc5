// `npm run mutation`: a fuzz-only mutation score for protocol/. StrykerJS mutates the chosen files and
// judges every mutant by `zabsim fuzz` alone at a fixed budget (no unit test is run): a mutant is
// killed when the fuzz sweep exits non-zero (a safety or liveness failure, or an internal assertion),
// survives when the whole budget passes. Mutants that do not type-check are dropped by Stryker's
// TypeScript checker (a real implementer's code compiles), so they do not count either way.
//
//   npm run mutation -- [--files 'protocol/zab/**/*.ts,protocol/service/**/*.ts'] [--sample 300]
//                       [--sample-seed 1] [--seeds 2000] [--profile standard] [--concurrency 2]
//                       [--timeout-factor 3] [--shard K/N]
//
// A mutant's sweep runs under a CPU-time budget (cpu-budget.sh: the clean sweep's CPU seconds times
// --timeout-factor, plus 30 s), so a loaded machine slows the run without changing its verdicts.
// --shard K/N runs every N-th drawn mutant from the K-th: the parts can run at different times (a
// whole sample costs core-hours); each leaves its results in reports/out/mutation/parts/, and the
// part that completes the set on unchanged code (protocol/ and sim/ hashed) writes the whole report.
//
// --sample N draws N mutants uniformly (seeded) from every mutant Stryker's instrumenter places in
// the files, and runs each drawn mutant's span. A drawn span may enclose other mutants; the
// drawn-only ignorer (drawn-only-ignorer.mjs) keeps Stryker from placing those, and the score counts
// the drawn mutants only (the few others Stryker still runs, such as other mutators on the same
// node, are reported apart as `extra`). The report (reports/out/mutation/)
// lists the survivors with their code; test/mutation/classified/*.json record the ones a person has
// classified (equivalent, with a one-line proof, or a gap), and the report marks the rest unclassified.
import { createHash } from 'node:crypto';
import { readFileSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join, matchesGlob, relative, resolve } from 'node:path';
import seedrandom from 'seedrandom';
import { parseMutationArgs, type MutationArgs } from './args.js';
import { enumerateMutants, type PlacedMutant } from './enumerate.js';
import { loadClassified } from './classified.js';
// @ts-expect-error: a plain .mjs plugin for Stryker, without type declarations
import { NOT_DRAWN } from './drawn-only-ignorer.mjs';
import { summarize, renderReport, mutantKey, type MutationSummary, type ResultLike } from './report.js';

const ROOT = resolve(import.meta.dirname, '../..');

async function main(): Promise<number> {
  const parsed = parseMutationArgs(process.argv.slice(2));
  if (typeof parsed === 'string') {
    process.stderr.write(`mutation: ${parsed}\n`);
    return 2;
  }
  const args: MutationArgs = parsed;
  const files = sourceFiles().filter((f) => args.files.some((pattern) => matchesGlob(f, pattern)));
  if (files.length === 0) {
    process.stderr.write(`mutation: --files matched no file (${args.files.join(', ')})\n`);
    return 2;
  }
  const all = await enumerateMutants(files.map((name) => ({ name, content: readFileSync(join(ROOT, name), 'utf8') })));
  const sample = args.sample === 0 ? all : draw(all, args.sample, args.sampleSeed);
  const { k, n } = args.shard;
  const drawn = sample.filter((_, i) => i % n === k - 1);
  process.stdout.write(
    `mutation: ${all.length} mutants in ${files.length} files; running ${drawn.length}${args.sample === 0 ? '' : ` drawn with seed ${args.sampleSeed}`}${n === 1 ? '' : ` (part ${k} of ${n} of ${sample.length})`}\n`,
  );
  const command = `node --max-semi-space-size=64 sim/cli/zabsim.mjs fuzz --profile ${args.profile} --seeds ${args.seeds} --max-failures 1 --workers 1`;
  const out = join(ROOT, 'reports', 'out', 'mutation');
  mkdirSync(out, { recursive: true });
  // Parts of one sample are merged only if they judged the same code: protocol/ (mutated) and sim/ (the judge).
  const codeHash = hashSources(sourceFiles(), command);
  // The drawn spans, for the ignorer plugin (it runs inside Stryker, which reads them from this file).
  const drawnFile = join(out, 'drawn-spans.json');
  writeFileSync(
    drawnFile,
    JSON.stringify(
      drawn.map((m) => ({
        start: { line: m.location.start.line + 1, column: m.location.start.column },
        end: { line: m.location.end.line + 1, column: m.location.end.column },
      })),
    ),
  );
  process.env.ZABSIM_MUTATION_DRAWN = drawnFile;
  // The drawn mutants' names, for the checker that keeps the other mutants on a drawn node from running.
  const keysFile = join(out, 'drawn-keys.json');
  writeFileSync(keysFile, JSON.stringify(drawn.map((m) => [m.fileName, mutantKey(m).slice(m.fileName.length + 1)])));
  process.env.ZABSIM_MUTATION_DRAWN_KEYS = keysFile;
  const { Stryker } = await import('@stryker-mutator/core');
  const stryker = new Stryker({
    testRunner: 'command',
    // Every mutant's sweep runs under a CPU-time budget (cpu-budget.sh), not Stryker's wall clock.
    commandRunner: { command: `sh ${join(ROOT, 'test', 'mutation', 'cpu-budget.sh')} ${out} ${args.timeoutFactor} 30 ${command}` },
    mutate: drawn.map(spanPattern),
    ...(drawn.length === all.length ? {} : { appendPlugins: [join(ROOT, 'test', 'mutation', 'drawn-only-ignorer.mjs')], ignorers: ['zabsim-drawn-only'] }),
    // The drawn-only checker first: a mutant it refuses never reaches the TypeScript checker or a sweep.
    checkers: drawn.length === all.length ? ['typescript'] : ['zabsim-drawn-only-checker', 'typescript'],
    tsconfigFile: 'tsconfig.json',
    coverageAnalysis: 'off',
    concurrency: args.concurrency,
    // A mutant that makes the sweep spend far more CPU than the clean one (a loop that never ends) is
    // a timeout, counted as detected and listed apart from kills. cpu-budget.sh enforces it in CPU
    // seconds, which the machine's load barely changes; Stryker's own wall-clock timeout stays only
    // as a backstop for a sweep that hangs without spending CPU, far above any loaded machine's pace.
    timeoutFactor: 50,
    timeoutMS: 60_000,
    // The clean sweep (Stryker's dry run) is timed on whatever else the machine is doing; its default
    // 5-minute bound fails the whole run on a loaded machine before any mutant is tried.
    dryRunTimeoutMinutes: 60,
    reporters: ['json', 'progress'],
    jsonReporter: { fileName: join(out, 'mutation.json') },
    tempDirName: '.stryker-tmp',
    cleanTempDir: true,
    logLevel: 'warn' as never, // LogLevel.Warning (an ambient const enum)
    fileLogLevel: 'debug' as never,
  });
  // Stryker names files by absolute path and reports positions as its JSON report does (1-based lines
  // and columns); the instrumenter that drew the sample, the keys and the report use 0-based ones.
  const zeroBased = (p: { line: number; column: number }) => ({ line: p.line - 1, column: p.column - 1 });
  const ran = (await stryker.runMutationTest()).map((r) => ({
    fileName: relative(ROOT, resolve(ROOT, r.fileName)),
    mutatorName: r.mutatorName,
    replacement: r.replacement,
    // A sweep stopped by its CPU budget exits non-zero, which Stryker calls a kill: it is a timeout.
    status: r.status === 'Killed' && (r.statusReason ?? '').includes(CPU_BUDGET_MARK) ? 'Timeout' : r.status,
    location: { start: zeroBased(r.location.start), end: zeroBased(r.location.end) },
    notDrawn: r.statusReason === NOT_DRAWN,
  }));
  // Score the drawn mutants only; a drawn one Stryker did not report would make the sample a lie.
  const drawnKeys = new Set(drawn.map(mutantKey));
  const results = drawn.length === all.length ? ran : ran.filter((r) => drawnKeys.has(mutantKey(r)));
  const refused = results.filter((r) => r.notDrawn);
  if (refused.length > 0) throw new Error(`the drawn-only checker refused ${refused.length} drawn mutants (first: ${mutantKey(refused[0]!)})`);
  const reported = new Set(results.map(mutantKey));
  const missing = [...drawnKeys].filter((k) => !reported.has(k));
  if (missing.length > 0)
    throw new Error(
      `${missing.length} drawn mutants have no result from Stryker (first: ${missing[0]}; Stryker's: ${ran.map(mutantKey).slice(0, 3).join(', ')})`,
    );
  const part: Part = {
    codeHash,
    command,
    files,
    total: all.length,
    drawn: sample.length,
    sampleSeed: args.sample === 0 ? null : args.sampleSeed,
    // Run besides the drawn ones: nested mutants the ignorer could not leave out; the other mutators'
    // mutants on a drawn node are refused by the drawn-only checker and never run.
    extra: ran.filter((r) => r.status !== 'Ignored' && !r.notDrawn).length - results.length,
    results,
  };
  const partsDir = join(out, 'parts');
  mkdirSync(partsDir, { recursive: true });
  const partName = (i: number) => join(partsDir, `sample-${args.sampleSeed}-${sample.length}-${args.seeds}-${args.profile}-part-${i}-of-${n}.json`);
  writeFileSync(partName(k), `${JSON.stringify(part)}\n`);
  const parts: Part[] = [];
  const waiting: number[] = [];
  for (let i = 1; i <= n; i++) {
    let p: Part | null = null;
    try {
      p = JSON.parse(readFileSync(partName(i), 'utf8')) as Part;
    } catch {
      p = null;
    }
    if (p === null || p.codeHash !== codeHash) waiting.push(i);
    else parts.push(p);
  }
  const classified = loadClassified(join(ROOT, 'test', 'mutation', 'classified'));
  const source = (file: string) => readFileSync(join(ROOT, file), 'utf8');
  const report = (ps: readonly Part[]) =>
    summarize(
      ps.flatMap((p) => p.results),
      classified,
      source,
      { drawn: sample.length, total: all.length, extra: ps.reduce((a, p) => a + p.extra, 0), command, files, sampleSeed: part.sampleSeed },
    );
  const line = (s: MutationSummary) =>
    `${s.killed} killed, ${s.timeout} timed out, ${s.survived} survived, ${s.notCompiling} did not type-check; ` +
    `score ${(s.score * 100).toFixed(1)}% of ${s.judged} (${(s.scoreNonEquivalent * 100).toFixed(1)}% without the ${s.equivalent} classified equivalent)`;
  if (waiting.length > 0) {
    process.stdout.write(
      `mutation: part ${k} of ${n}: ${line(report([part]))}; parts still to run on this code: ${waiting.join(', ')} (${relative(ROOT, partsDir)})\n`,
    );
    return 0;
  }
  const summary = report(parts);
  writeFileSync(join(out, 'summary.json'), `${JSON.stringify(summary, null, 2)}\n`);
  writeFileSync(
    join(out, 'survivors.md'),
    renderReport(summary, (file) => readFileSync(join(ROOT, file), 'utf8')),
  );
  process.stdout.write(`mutation: ${line(summary)}; report ${relative(ROOT, join(out, 'survivors.md'))}\n`);
  return 0;
}

/** What a part of a sample leaves for the others (reports/out/mutation/parts/). */
interface Part {
  readonly codeHash: string;
  readonly command: string;
  readonly files: readonly string[];
  readonly total: number;
  readonly drawn: number;
  readonly sampleSeed: string | null;
  readonly extra: number;
  readonly results: readonly ResultLike[];
}

/** The marker line cpu-budget.sh prints when it stops a sweep. */
const CPU_BUDGET_MARK = 'zabsim-mutation: cpu budget spent';

/** One hash of the sources and the judging command: parts judged on different code are not merged. */
function hashSources(files: readonly string[], command: string): string {
  const h = createHash('sha256').update(command);
  for (const f of files) h.update(`\0${f}\0`).update(readFileSync(join(ROOT, f)));
  return h.digest('hex');
}

/** Every .ts file under protocol/ and sim/, relative to the root, sorted. */
function sourceFiles(): string[] {
  const out: string[] = [];
  for (const top of ['protocol', 'sim']) {
    for (const entry of readdirSync(join(ROOT, top), { recursive: true, encoding: 'utf8' }))
      if (entry.endsWith('.ts')) out.push(`${top}/${entry.split('\\').join('/')}`);
  }
  return out.sort();
}

/** N mutants drawn without replacement by a seeded Fisher-Yates shuffle of the whole list. */
function draw(all: readonly PlacedMutant[], n: number, seed: string): PlacedMutant[] {
  const rng = seedrandom(`mutation-sample:${seed}`);
  const pool = all.slice();
  for (let i = pool.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [pool[i], pool[j]] = [pool[j] as PlacedMutant, pool[i] as PlacedMutant];
  }
  return pool.slice(0, Math.min(n, pool.length));
}

/** Stryker's mutate range: 1-based lines, 0-based columns, the mutant's own span. */
function spanPattern(m: PlacedMutant): string {
  return `${m.fileName}:${m.location.start.line + 1}:${m.location.start.column}-${m.location.end.line + 1}:${m.location.end.column}`;
}

// Node exits 0 once nothing is left to wait on, even with main's promise unsettled (a Stryker child
// that died without a word once left it so): that is an internal error, not a result.
let settled = false;
process.on('beforeExit', () => {
  if (settled) return;
  process.stderr.write('mutation: internal error: the run stopped before Stryker reported (see stryker.log)\n');
  process.exit(4);
});
main().then(
  (code) => {
    settled = true;
    process.exit(code);
  },
  (error: unknown) => {
    process.stderr.write(`mutation: internal error: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(4);
  },
);
