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

export const REPLAY_USAGE = 'usage: zabsim replay <trace.ndjson> [--json]';

export function replayCommand(argv: string[]): number {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, strict: true, options: { json: { type: 'boolean', default: false }, help: { type: 'boolean', default: false } } });
  if (values.help) {
    process.stdout.write(`${REPLAY_USAGE}\n`);
    return EXIT.ok;
  }
  if (positionals.length !== 1) throw new UsageError(`expected one trace file\n${REPLAY_USAGE}`);
  const path = positionals[0] as string;
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
