// `zabsim replay <trace>`: re-runs a trace from its header and compares every line. A match exits
// with the replayed run's own code (so a failure reproduces as a failure); a divergence reports the
// first differing event and exits 4, because the simulator was not deterministic.
import { parseArgs } from 'node:util';
import { makeChalk } from './color.js';
import { EXIT, InputError, UsageError } from './errors.js';
import { CompareSink } from '../trace/compare.js';
import { validateTrace } from '../trace/reader.js';
import { runZab } from '../zab/run.js';
import type { RunOptions } from '../zab/options.js';
import { isCapsuleFile, readCapsule } from '../fuzz/capsule.js';
import { runCase } from '../fuzz/case.js';

export const REPLAY_USAGE = 'usage: zabsim replay <trace.ndjson | capsule.json> [--json]';

export function replayCommand(argv: string[]): number {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, strict: true, options: { json: { type: 'boolean', default: false }, help: { type: 'boolean', default: false } } });
  if (values.help) {
    process.stdout.write(`${REPLAY_USAGE}\n`);
    return EXIT.ok;
  }
  if (positionals.length !== 1) throw new UsageError(`expected one trace file\n${REPLAY_USAGE}`);
  const path = positionals[0] as string;
  if (isCapsuleFile(path)) return replayCapsule(path, values.json);
  const summary = validateTrace(path);
  const options = summary.header.options as RunOptions;
  if (typeof options.scenario !== 'string' || typeof options.servers !== 'number') throw new InputError(path, '1', 'expected zabsim run options in the header');
  const sink = new CompareSink(path);
  const report = runZab(options, sink);
  const d = sink.divergence;
  const matched = d === null && report.traceHash === summary.hash;
  if (values.json) {
    process.stdout.write(
      `${JSON.stringify({ trace: path, matched, lines: summary.lines, traceHash: report.traceHash, recordedHash: summary.hash, firstDivergence: d, verdicts: report.verdicts, exitCode: matched ? report.exitCode : EXIT.internal })}\n`,
    );
  } else {
    const c = makeChalk();
    if (matched) {
      process.stdout.write(`${c.green('replay matches')}: ${summary.lines} trace lines, hash ${report.traceHash}; run exit code ${report.exitCode}\n`);
      for (const v of report.violations.slice(0, 5)) process.stdout.write(`  ${c.red(`${v.checker}: ${v.message}`)}\n`);
    } else {
      process.stdout.write(`${c.red.bold('replay DIVERGED')} at trace line ${d?.line ?? '?'} (hash ${report.traceHash}, recorded ${summary.hash})\n`);
      if (d !== null) {
        process.stdout.write(`  recorded: ${d.expected ?? '(end of trace)'}\n`);
        process.stdout.write(`  re-run:   ${d.actual}\n`);
      }
    }
  }
  return matched ? report.exitCode : EXIT.internal;
}

/**
 * A fuzz capsule replays by meaning: its decision tape supplies every keyed random decision, so the
 * failure reproduces even if unrelated code changed the order of draws. Exit: the run's own code
 * when the same checker fails again; 4 when it does not (the capsule no longer reproduces).
 */
function replayCapsule(path: string, json: boolean): number {
  const capsule = readCapsule(path);
  const r = runCase(capsule.case, capsule.tape === null ? {} : { tape: capsule.tape });
  const reproduced = r.failure === capsule.failure;
  const exitCode = reproduced ? r.report.exitCode : EXIT.internal;
  if (json) {
    process.stdout.write(`${JSON.stringify({ capsule: path, expected: capsule.failure, failure: r.failure, reproduced, tape: r.tapeStats, violations: r.report.violations.slice(0, 5), liveness: r.report.liveness.reason, exitCode })}\n`);
  } else {
    const c = makeChalk();
    if (reproduced) process.stdout.write(`${c.green('capsule reproduces')}: ${capsule.failure} fails again (tape: ${r.tapeStats?.hits ?? 0} decisions replayed, ${r.tapeStats?.misses ?? 0} drawn); exit ${r.report.exitCode}\n`);
    else process.stdout.write(`${c.red.bold('capsule did NOT reproduce')}: expected ${capsule.failure}, got ${r.failure ?? 'no failure'}\n`);
    for (const v of r.report.violations.slice(0, 3)) process.stdout.write(`  ${c.red(`${v.checker}: ${v.message}`)}\n`);
    if (r.report.verdicts['liveness'] === 'violated') process.stdout.write(`  ${c.red(`liveness: ${r.report.liveness.reason}`)}\n`);
  }
  return exitCode;
}
