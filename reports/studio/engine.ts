// The studio's engine: runs one input (a narrated scenario's script, or a run's options), and
// optionally a fork of it, with the simulator itself, into an in-memory trace, and builds the
// report model from it. The same code runs in Node and, bundled by page.ts with browser stand-ins
// for node:crypto and node:fs, in the studio page; the same input gives the same trace lines and
// the same trace hash in both.
import type { NodeId } from '../../protocol/program.js';
import type { Kernel } from '../../sim/kernel/kernel.js';
import { runZabScript, scenarioExitCode } from '../../sim/script/script.js';
import type { RunOptions } from '../../sim/zab/options.js';
import { startZab, type ZabRun } from '../../sim/zab/run.js';
import { modelFromRecords, type ReportModel } from '../model.js';
import { BranchSink, OriginalSink, type TracePrefix } from './branch-sink.js';
import { scheduleFork, type StudioFork } from './fork.js';
import { committedHistory, finalLeader, StateRecorder } from './recorder.js';

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
  /** A scenario's failed expectations and command errors (none for a run). */
  readonly expectationsFailed: readonly string[];
  /** Each server's state over time (null if the run built no cluster). */
  readonly recorder: StateRecorder | null;
  /** How the run ended: the leader then, and the committed history as the best-informed server holds it. */
  readonly outcome: StudioOutcome;
  /** What a branch of this run reuses of its trace (branch-sink.ts); null for a run that is itself a branch. */
  readonly prefix: TracePrefix | null;
}

export interface StudioOutcome {
  readonly leader: NodeId | null;
  readonly historyFrom: NodeId | null;
  readonly committed: readonly string[];
}

/**
 * A studio run under way: the page simulates a long run in slices, painting its start before the
 * rest exists. `lines` and `recorder` grow as it advances; `finish` gives the whole run.
 */
export interface StudioRunning {
  /** The trace lines so far (header and events). */
  readonly lines: readonly string[];
  /** Kernel events run so far. */
  events(): number;
  /** Virtual time now (µs): after the last event run so far. */
  nowUs(): number;
  /** Each server's state over time so far (null before the run builds its cluster). */
  recorder(): StateRecorder | null;
  /** Runs at most `events` more kernel events; true once the run is over (a script runs whole at the start). */
  advance(events: number): boolean;
  /** Runs what is left, judges the run and gives it whole. */
  finish(): StudioRun;
}

/** Runs the input as `zabsim run` would, but into memory; with a fork, runs that branch of it. */
export function runStudioInput(input: StudioInput, fork: StudioFork | null = null, original: TracePrefix | null = null): StudioRun {
  return startStudioInput(input, fork, original).finish();
}

/**
 * Starts a studio run; a built-in run advances in slices, a scenario script runs whole at once.
 * A branch of a built-in run given the original's trace (`original`, StudioRun.prefix) re-runs to
 * its fork moment untraced and takes the original's lines up to there (branch-sink.ts): the same
 * lines and hash as re-running it traced from the start, for less.
 */
export function startStudioInput(input: StudioInput, fork: StudioFork | null = null, original: TracePrefix | null = null): StudioRunning {
  const branchSink = fork !== null && original !== null && input.kind === 'run' ? new BranchSink() : null;
  const sink = branchSink ?? new OriginalSink();
  let recorder: StateRecorder | null = null;
  const attach = (kernel: Kernel, servers: readonly NodeId[]): void => {
    recorder = new StateRecorder(kernel, servers);
    if (fork !== null) scheduleFork(kernel, fork, branchSink === null || original === null ? undefined : () => branchSink.resume(original, fork.atUs));
  };
  let ended: Omit<StudioRun, 'lines' | 'recorder' | 'outcome' | 'prefix'> | null = null;
  let zab: ZabRun | null = null;
  if (input.kind === 'script') {
    const result = runZabScript(input.text, { file: input.file, trace: sink, onCluster: attach });
    ended = { hash: sink.close(), exitCode: scenarioExitCode(result), verdicts: result.verdicts, expectationsFailed: result.errors };
  } else {
    zab = startZab(input.options, sink, { setup: (kernel, servers) => attach(kernel, servers) });
  }
  let whole: StudioRun | null = null;
  return {
    lines: sink.records,
    events: () => zab?.kernel.eventCount ?? 0,
    nowUs: () => zab?.kernel.nowUs ?? Number.MAX_SAFE_INTEGER,
    recorder: () => recorder,
    advance: (events) => zab === null || zab.advance(events),
    finish(): StudioRun {
      if (whole !== null) return whole;
      // The run ended before its fork moment, or the original's trace could not be cut there: the
      // branch runs again from the start, traced all the way.
      if (branchSink !== null && (zab?.advance() ?? true) && !branchSink.resumed) return (whole = runStudioInput(input, fork));
      if (ended === null && zab !== null) {
        const report = zab.finish();
        ended = { hash: report.traceHash, exitCode: report.exitCode, verdicts: report.verdicts, expectationsFailed: [] };
      }
      const done = ended as Omit<StudioRun, 'lines' | 'recorder' | 'outcome' | 'prefix'>;
      const rec = recorder as StateRecorder | null;
      const finals = rec === null ? new Map() : rec.finalStates();
      const history = committedHistory(finals);
      whole = {
        ...done,
        lines: sink.records,
        recorder: rec,
        outcome: { leader: finalLeader(finals), historyFrom: history.server, committed: history.txns },
        prefix: branchSink === null && sink instanceof OriginalSink ? sink : null,
      };
      return whole;
    },
  };
}

/** The report model of a studio run (what the space-time viewer draws). */
export function studioModel(run: Pick<StudioRun, 'lines' | 'hash'>): ReportModel {
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
