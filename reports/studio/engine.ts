// The studio's engine: runs one input (a narrated scenario's script, or a run's options) with the
// simulator itself, into an in-memory trace, and builds the report model from it. The same code runs
// in Node and, bundled by page.ts with browser stand-ins for node:crypto and node:fs, in the studio
// page; the same input gives the same trace lines and the same trace hash in both.
import { runZabScript, scenarioExitCode } from '../../sim/script/script.js';
import { MemorySink } from '../../sim/trace/sink.js';
import type { RunOptions } from '../../sim/zab/options.js';
import { runZab } from '../../sim/zab/run.js';
import { modelFromRecords, type ReportModel } from '../model.js';

/** What a studio page carries: enough to run the simulation again, byte for byte. */
export type StudioInput =
  | { readonly kind: 'script'; readonly name: string; readonly file: string; readonly description: string; readonly text: string }
  | { readonly kind: 'run'; readonly name: string; readonly description: string; readonly options: RunOptions };

export interface StudioRun {
  /** The trace hash, as `zabsim run` prints it (over every line but the footer). */
  readonly hash: string;
  /** The trace lines (header and events; no footer). */
  readonly lines: readonly string[];
  readonly exitCode: number;
  readonly verdicts: Readonly<Record<string, string>>;
}

/** Runs the input as `zabsim run` would, but into memory. */
export function runStudioInput(input: StudioInput): StudioRun {
  const sink = new MemorySink();
  if (input.kind === 'script') {
    const result = runZabScript(input.text, { file: input.file, trace: sink });
    return { hash: sink.close(), lines: sink.records, exitCode: scenarioExitCode(result), verdicts: result.verdicts };
  }
  const report = runZab(input.options, sink);
  return { hash: report.traceHash, lines: sink.records, exitCode: report.exitCode, verdicts: report.verdicts };
}

/** The report model of a studio run (what the space-time viewer draws). */
export function studioModel(run: StudioRun): ReportModel {
  let header: Record<string, unknown> | null = null;
  const records: Record<string, unknown>[] = [];
  for (const line of run.lines) {
    const record = JSON.parse(line) as Record<string, unknown>;
    if (header === null && record['kind'] === 'header') header = record;
    else records.push(record);
  }
  if (header === null) throw new Error('the run wrote no trace header');
  return modelFromRecords(header, records, { kind: 'end', lines: run.lines.length, hash: run.hash });
}
