// `zabsim replay <trace | capsule> [--report F.html] [--no-report] [--json]`: re-runs a trace from
// its header and compares every line. A match exits with the replayed run's own code (so a failure
// reproduces as a failure); a divergence reports the first differing event and exits 4, because the
// simulator was not deterministic. A failing replay writes an HTML report (by default under
// reports/out/replay/; --report F chooses the file and writes one even for a pass).
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { makeChalk } from './color.js';
import { EXIT, InputError, UsageError } from './errors.js';
import { CompareSink } from '../trace/compare.js';
import { validateTrace } from '../trace/reader.js';
import { FileSink } from '../trace/sink.js';
import { runZab } from '../zab/run.js';
import type { RunOptions } from '../zab/options.js';
import { isCapsuleFile, readCapsule } from '../fuzz/capsule.js';
import { runCase } from '../fuzz/case.js';
import { failureDetail, firstFailure, unknownCheckers } from '../zab/verdicts.js';
import { writeHtmlReport } from '../../reports/html.js';
import { readStudioCapsule, replayStudioCapsule } from './replay-studio.js';

export const REPLAY_USAGE = 'usage: zabsim replay <trace.ndjson | capsule.json> [--report FILE.html] [--no-report] [--json]';

/** Where a report goes: --report F, else (for a failure, unless --no-report) reports/out/replay/<input>.html. */
interface ReportChoice {
  readonly path: string;
  /** Given with --report: written whatever the outcome. */
  readonly always: boolean;
}

export function replayCommand(argv: string[]): number {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      json: { type: 'boolean', default: false },
      report: { type: 'string' },
      'no-report': { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(`${REPLAY_USAGE}\n`);
    return EXIT.ok;
  }
  if (positionals.length !== 1) throw new UsageError(`expected one trace file\n${REPLAY_USAGE}`);
  if (values.report !== undefined && values['no-report']) throw new UsageError('--report and --no-report contradict each other');
  const path = positionals[0] as string;
  const stem = basename(path).replace(/(\.capsule\.json|\.trace\.ndjson|\.ndjson|\.json)$/, '');
  const report: ReportChoice | null = values['no-report']
    ? null
    : values.report !== undefined
      ? { path: values.report, always: true }
      : { path: join('reports', 'out', 'replay', `${stem}.html`), always: false };
  if (isCapsuleFile(path)) {
    // A branch exported from the studio replays by running its input and fork again.
    const studio = readStudioCapsule(path);
    if (studio !== null) return replayStudioCapsule(path, studio, values.json);
    // `zabsim run` leaves run capsules (options + trace); they replay through their trace.
    const runTrace = runCapsuleTrace(path);
    if (runTrace !== null) return replayTrace(runTrace, values.json, report, path);
    return replayCapsule(path, values.json, report);
  }
  return replayTrace(path, values.json, report, undefined);
}

/** A `zabsim run` capsule's trace path, or null for any other file (a fuzz capsule). */
function runCapsuleTrace(path: string): string | null {
  let doc: { kind?: unknown; trace?: unknown };
  try {
    doc = JSON.parse(readFileSync(path, 'utf8')) as typeof doc;
  } catch {
    return null; // readCapsule reports what is wrong with it
  }
  if (doc?.kind !== 'zabsim-capsule') return null;
  if (typeof doc.trace !== 'string') throw new InputError(path, '$.trace', 'expected the path of the run trace');
  if (!existsSync(doc.trace)) throw new InputError(path, '$.trace', `expected the run trace ${doc.trace} to exist (re-run it with zabsim run)`);
  return doc.trace;
}

function replayTrace(path: string, json: boolean, choice: ReportChoice | null, capsule: string | undefined): number {
  const summary = validateTrace(path);
  const options = summary.header.options as RunOptions;
  if (typeof options.scenario !== 'string' || typeof options.servers !== 'number') throw new InputError(path, '1', 'expected zabsim run options in the header');
  const sink = new CompareSink(path, summary.header.version);
  const report = runZab(options, sink);
  const d = sink.divergence;
  const matched = d === null && report.traceHash === summary.hash;
  const exitCode = matched ? report.exitCode : EXIT.internal;
  // The report draws the recorded trace: on a match it is the replay's, on a divergence the evidence.
  const capsuleNext = capsule ?? path.replace(/\.trace\.ndjson$/, '.capsule.json');
  const html =
    choice !== null && (choice.always || exitCode !== EXIT.ok)
      ? writeHtmlReport(path, choice.path, existsSync(capsuleNext) && capsuleNext !== path ? { capsule: capsuleNext } : {})
      : null;
  if (json) {
    process.stdout.write(
      `${JSON.stringify({ trace: path, matched, lines: summary.lines, traceHash: report.traceHash, recordedHash: summary.hash, firstDivergence: d, verdicts: report.verdicts, failure: firstFailure(report), unknown: unknownCheckers(report), report: html, exitCode })}\n`,
    );
  } else {
    const c = makeChalk();
    if (matched) {
      process.stdout.write(`${c.green('replay matches')}: ${summary.lines} trace lines, hash ${report.traceHash}; run exit code ${report.exitCode}\n`);
      for (const v of report.violations.slice(0, 5)) process.stdout.write(`  ${c.red(`${v.checker}: ${v.message}`)}\n`);
      const failure = firstFailure(report);
      if (failure !== null && report.violations.length === 0) process.stdout.write(`  ${c.red(failureDetail(report, failure))}\n`);
      printUnknown(report.verdicts, c);
    } else {
      process.stdout.write(`${c.red.bold('replay DIVERGED')} at trace line ${d?.line ?? '?'} (hash ${report.traceHash}, recorded ${summary.hash})\n`);
      if (d !== null) {
        process.stdout.write(`  recorded: ${d.expected ?? '(end of trace)'}\n`);
        process.stdout.write(`  re-run:   ${d.actual}\n`);
      }
    }
    if (html !== null) process.stdout.write(`${c.dim(`report ${html}`)}\n`);
  }
  return exitCode;
}

/** Checkers that could not decide, one line: an undecided checker must not read as a pass. */
function printUnknown(verdicts: Readonly<Record<string, string>>, c: ReturnType<typeof makeChalk>): void {
  const names = Object.keys(verdicts).filter((k) => verdicts[k] === 'unknown');
  if (names.length > 0) process.stdout.write(`  ${c.yellow(`unknown (could not decide): ${names.join(', ')}`)}\n`);
}

/**
 * A fuzz capsule replays by meaning: its decision tape supplies every keyed random decision, so the
 * failure reproduces even if unrelated code changed the order of draws. Exit: the run's own code
 * when the same checker fails again; 4 when it does not (the capsule no longer reproduces). The
 * replay records its own trace next to the report, so the report draws this run, not the old one.
 */
function replayCapsule(path: string, json: boolean, choice: ReportChoice | null): number {
  const capsule = readCapsule(path);
  const tracePath = choice === null ? null : choice.path.replace(/\.html?$/, '') + '.trace.ndjson';
  if (tracePath !== null) mkdirSync(dirname(tracePath), { recursive: true });
  const sink = tracePath === null ? undefined : new FileSink(tracePath);
  const r = runCase(capsule.case, { ...(capsule.tape === null ? {} : { tape: capsule.tape }), ...(sink === undefined ? {} : { sink }) });
  // A capsule kept from a passing run (zabsim fuzz --keep) records "none": a passing replay reproduces it.
  const reproduced = r.failure === capsule.failure || (capsule.failure === 'none' && r.failure === null);
  const exitCode = reproduced ? r.report.exitCode : EXIT.internal;
  const html =
    choice !== null && tracePath !== null && (choice.always || r.failure !== null || !reproduced)
      ? writeHtmlReport(tracePath, choice.path, { capsule: path })
      : null;
  if (json) {
    process.stdout.write(
      `${JSON.stringify({ capsule: path, expected: capsule.failure, failure: r.failure, reproduced, unknown: r.unknown, tape: r.tapeStats, violations: r.report.violations.slice(0, 5), liveness: r.report.liveness.reason, trace: tracePath, report: html, exitCode })}\n`,
    );
  } else {
    const c = makeChalk();
    if (reproduced)
      process.stdout.write(
        `${c.green('capsule reproduces')}: ${r.failure === null ? 'no checker fails, as recorded' : `${capsule.failure} fails again`} (tape: ${r.tapeStats?.hits ?? 0} decisions replayed, ${r.tapeStats?.misses ?? 0} drawn); exit ${r.report.exitCode}\n`,
      );
    else process.stdout.write(`${c.red.bold('capsule did NOT reproduce')}: expected ${capsule.failure}, got ${r.failure ?? 'no failure'}\n`);
    for (const v of r.report.violations.slice(0, 3)) process.stdout.write(`  ${c.red(`${v.checker}: ${v.message}`)}\n`);
    if (r.failure !== null && r.report.violations.length === 0) process.stdout.write(`  ${c.red(failureDetail(r.report, r.failure))}\n`);
    printUnknown(r.report.verdicts, c);
    if (html !== null) process.stdout.write(`${c.dim(`report ${html}`)}\n`);
  }
  return exitCode;
}
