// What the studio page knows and computes, without the DOM: the original run, the details of the
// state panel at any moment (each server's log tail and data, each client's pending calls, the
// messages in flight), and the branches the student forked, each compared with the original.
// The page's scripts (ui.ts) only draw what this returns; tests call it in Node as well.
import type { NodeId } from '../../protocol/program.js';
import type { ReportModel } from '../model.js';
import { runStudioInput, type StudioInput, type StudioOutcome, type StudioRun } from './engine.js';
import { describeIntervention, type StudioFork } from './fork.js';
import { dataOf, logTail } from './recorder.js';

export const STUDIO_CAPSULE = 'zabsim-studio-capsule';

export interface ServerDetail {
  readonly node: NodeId;
  readonly down: boolean;
  readonly log: readonly { zxid: string; body: string; committed: boolean }[];
  readonly data: readonly string[];
  readonly moreData: number;
}

export interface PendingCall {
  readonly client: NodeId;
  readonly xid: number;
  readonly op: string;
  readonly server: NodeId;
  readonly since: number;
}

export interface InFlight {
  readonly from: NodeId;
  readonly to: NodeId;
  readonly sentUs: number;
  readonly msg: string;
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

interface Call {
  readonly client: NodeId;
  readonly xid: number;
  readonly op: string;
  readonly server: NodeId;
  readonly t: number;
  end: number;
}

export class StudioSession {
  readonly input: StudioInput;
  readonly run: StudioRun;
  readonly model: ReportModel;
  readonly branches: Branch[] = [];
  private readonly calls: Call[] = [];

  constructor(input: StudioInput, run: StudioRun, model: ReportModel) {
    this.input = input;
    this.run = run;
    this.model = model;
    const open = new Map<string, Call>();
    for (const line of run.lines) {
      if (!line.includes('"k":"observe"')) continue;
      const r = JSON.parse(line) as { t: number; node: number; what?: Record<string, unknown> };
      const w = r.what;
      if (w?.['kind'] === 'invoke') {
        const call: Call = { client: r.node, xid: Number(w['xid']), op: describeOp(w['op']), server: Number(w['server']), t: r.t, end: Infinity };
        open.set(`${r.node}/${call.xid}`, call);
        this.calls.push(call);
      } else if (w?.['kind'] === 'complete') {
        const call = open.get(`${r.node}/${String(w['xid'])}`);
        if (call !== undefined) call.end = r.t;
      }
    }
  }

  /** Each server's log tail and data at moment t. */
  serversAt(t: number, logN = 5, dataN = 8): ServerDetail[] {
    const rec = this.run.recorder;
    if (rec === null) return [];
    return rec.servers.map((node) => {
      const s = rec.stateAt(node, t);
      if (s === null) return { node, down: true, log: [], data: [], moreData: 0 };
      const data = dataOf(s, dataN);
      return { node, down: false, log: logTail(s, logN), data: data.entries, moreData: data.more };
    });
  }

  /** Every client call invoked at or before t and not completed by then. */
  pendingAt(t: number): PendingCall[] {
    return this.calls.filter((c) => c.t <= t && c.end > t).map((c) => ({ client: c.client, xid: c.xid, op: c.op, server: c.server, since: c.t }));
  }

  /** Network messages sent at or before t and delivered (or lost) after it: what a fork can drop. */
  inFlightAt(t: number): InFlight[] {
    const m = this.model.m;
    const out: InFlight[] = [];
    for (let i = 0; i < m.s.length && (m.s[i] ?? 0) <= t; i++) {
      if ((m.r[i] ?? 0) > t && (m.f[i] ?? 0) > 0)
        out.push({ from: m.f[i] ?? 0, to: m.to[i] ?? 0, sentUs: m.s[i] ?? 0, msg: this.model.strings[m.lb[i] ?? 0] ?? '' });
    }
    return out;
  }

  /** Runs a branch of the original and lists it. */
  fork(fork: StudioFork, name?: string): Branch {
    const started = performance.now();
    const run = runStudioInput(this.input, fork);
    const ms = performance.now() - started;
    const id = this.branches.length + 1;
    const branch: Branch = { id, name: name ?? `branch ${id}`, fork, run, ms, changes: compareRuns(this.run, run) };
    this.branches.push(branch);
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

function describeOp(op: unknown): string {
  const o = op as Record<string, unknown> | null;
  if (o === null || typeof o !== 'object') return String(op);
  const type = String(o['type'] ?? '?');
  if (typeof o['key'] === 'string') return o['value'] === undefined ? `${type} ${o['key']}` : `${type} ${o['key']}=${String(o['value'])}`;
  if (typeof o['path'] === 'string') return `${type} ${o['path']}`;
  return JSON.stringify(o).slice(0, 48);
}
