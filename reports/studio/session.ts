// What the studio page knows and computes, without the DOM: the original run, the details of the
// state panel at any moment (each server's log tail and data, each client's pending calls, the
// messages in flight), and the branches the student forked, each compared with the original.
// The page's scripts (ui.ts) only draw what this returns; tests call it in Node as well.
import type { NodeId } from '../../protocol/program.js';
import type { ReportModel } from '../model.js';
import { startStudioInput, type StudioInput, type StudioOutcome, type StudioRun, type StudioRunning } from './engine.js';
import { describeIntervention, type StudioFork } from './fork.js';
import { RunView } from './run-view.js';

export type { InFlight, PendingCall, ServerDetail } from './run-view.js';

export const STUDIO_CAPSULE = 'zabsim-studio-capsule';

/** A branch being simulated: its trace and state recorder grow as the page advances it. */
export interface BranchRunning {
  readonly id: number;
  name: string;
  readonly fork: StudioFork;
  readonly running: StudioRunning;
  /** When it was started (performance.now()): a whole branch's `ms` counts from here. */
  readonly started: number;
}

export interface Branch {
  readonly id: number;
  name: string;
  readonly fork: StudioFork;
  readonly run: StudioRun;
  readonly ms: number;
  readonly changes: BranchChanges;
}

/** How a branch ends differently from the original. */
export interface BranchChanges {
  readonly exitCode: readonly [number, number];
  /** Checkers whose verdict differs: [checker, original, branch]. */
  readonly verdicts: readonly (readonly [string, string, string])[];
  readonly leader: readonly [NodeId | null, NodeId | null];
  /** Where the committed histories first differ (their common prefix length), and what each has after it. */
  readonly commonPrefix: number;
  readonly onlyOriginal: readonly string[];
  readonly onlyBranch: readonly string[];
  readonly same: boolean;
}

export class StudioSession extends RunView {
  readonly input: StudioInput;
  readonly run: StudioRun;
  readonly branches: Branch[] = [];
  /** Branches still being simulated, by id (a branch is listed in `branches` once whole). */
  readonly running = new Map<number, BranchRunning>();
  private lastId = 0;

  constructor(input: StudioInput, run: StudioRun, model: ReportModel) {
    super(run.recorder, run.lines, model);
    this.input = input;
    this.run = run;
  }

  /** Runs a branch of the original whole, and lists it. */
  fork(fork: StudioFork, name?: string): Branch {
    return this.completeFork(this.startFork(fork, name));
  }

  /** Starts a branch that the page simulates in slices (BranchRunning.running.advance); nothing runs yet. */
  startFork(fork: StudioFork, name?: string): BranchRunning {
    const id = ++this.lastId;
    const branch: BranchRunning = {
      id,
      name: name ?? `branch ${id}`,
      fork,
      running: startStudioInput(this.input, fork, this.run.prefix),
      started: performance.now(),
    };
    this.running.set(id, branch);
    return branch;
  }

  /** Runs what is left of a branch, compares it with the original and lists it. */
  completeFork(b: BranchRunning): Branch {
    const run = b.running.finish();
    const branch: Branch = { id: b.id, name: b.name, fork: b.fork, run, ms: performance.now() - b.started, changes: compareRuns(this.run, run) };
    this.running.delete(b.id);
    this.branches.push(branch);
    this.branches.sort((x, y) => x.id - y.id);
    return branch;
  }

  /** The capsule of a branch: its input and fork, as data, with the trace hash a replay must give. */
  capsule(branch: Branch): string {
    const doc = {
      kind: STUDIO_CAPSULE,
      version: 1,
      name: branch.name,
      input: this.input,
      fork: branch.fork,
      interventions: branch.fork.interventions.map(describeIntervention),
      traceHash: branch.run.hash,
      lines: branch.run.lines.length,
      exitCode: branch.run.exitCode,
      verdicts: branch.run.verdicts,
    };
    return `${JSON.stringify(doc, null, 2)}\n`;
  }
}

export function compareRuns(original: StudioRun, branch: StudioRun): BranchChanges {
  const names = [...new Set([...Object.keys(original.verdicts), ...Object.keys(branch.verdicts)])].sort();
  const verdicts = names.map((n) => [n, original.verdicts[n] ?? '-', branch.verdicts[n] ?? '-'] as const).filter(([, a, b]) => a !== b);
  const a = original.outcome;
  const b = branch.outcome;
  let common = 0;
  while (common < a.committed.length && common < b.committed.length && a.committed[common] === b.committed[common]) common++;
  const changes = {
    exitCode: [original.exitCode, branch.exitCode] as const,
    verdicts,
    leader: [a.leader, b.leader] as const,
    commonPrefix: common,
    onlyOriginal: a.committed.slice(common),
    onlyBranch: b.committed.slice(common),
  };
  return { ...changes, same: sameOutcome(original, branch, a, b) };
}

function sameOutcome(original: StudioRun, branch: StudioRun, a: StudioOutcome, b: StudioOutcome): boolean {
  return (
    original.exitCode === branch.exitCode &&
    a.leader === b.leader &&
    a.committed.length === b.committed.length &&
    a.committed.every((x, i) => x === b.committed[i]) &&
    JSON.stringify(original.verdicts) === JSON.stringify(branch.verdicts)
  );
}
