// JUnit XML for CI (the schema Jenkins and GitHub's test reporters read): a run becomes one testcase per checker, a narrated scenario
// one testcase, a fuzz campaign one testcase per seed, `zabsim check` one testcase per history
// file. Times are in seconds. Several violations of one testcase merge into one <failure>, since
// some consumers keep only the first.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { escapeXml } from './escape.js';

export interface JUnitFailure {
  readonly message: string;
  readonly type: string;
  /** The failure's body: witness, replay command, artefact paths. */
  readonly body?: string;
}

export interface JUnitCase {
  readonly name: string;
  readonly classname: string;
  readonly timeSec: number;
  readonly failure?: JUnitFailure;
  /** An error (the test could not run: internal error, unknown verdict). */
  readonly error?: JUnitFailure;
  /** Not decided (a checker's "unknown" verdict): reported as <skipped>, so it neither passes nor fails CI. */
  readonly skipped?: string;
  readonly systemOut?: string;
}

export interface JUnitSuite {
  readonly name: string;
  readonly timeSec: number;
  readonly cases: readonly JUnitCase[];
  readonly properties?: Readonly<Record<string, string>>;
}

export interface Violation {
  readonly checker: string;
  readonly message: string;
  readonly atUs?: number;
  readonly node?: number;
}

function seconds(value: number): string {
  return Number.isFinite(value) && value > 0 ? (Math.round(value * 1000) / 1000).toFixed(3) : '0.000';
}

/** The XML document for one or more suites. */
export function junitXml(suites: readonly JUnitSuite[]): string {
  const a = escapeXml;
  const tests = suites.reduce((n, s) => n + s.cases.length, 0);
  const failures = suites.reduce((n, s) => n + s.cases.filter((c) => c.failure !== undefined).length, 0);
  const errors = suites.reduce((n, s) => n + s.cases.filter((c) => c.error !== undefined && c.failure === undefined).length, 0);
  const time = suites.reduce((n, s) => n + s.timeSec, 0);
  const out: string[] = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="zabsim" tests="${tests}" failures="${failures}" errors="${errors}" time="${seconds(time)}">`,
  ];
  for (const suite of suites) {
    const sf = suite.cases.filter((c) => c.failure !== undefined).length;
    const se = suite.cases.filter((c) => c.error !== undefined && c.failure === undefined).length;
    const sk = suite.cases.filter((c) => c.skipped !== undefined && c.failure === undefined && c.error === undefined).length;
    out.push(
      `  <testsuite name="${a(suite.name)}" tests="${suite.cases.length}" failures="${sf}" errors="${se}" skipped="${sk}" time="${seconds(suite.timeSec)}">`,
    );
    const props = Object.entries(suite.properties ?? {});
    if (props.length > 0) {
      out.push('    <properties>');
      for (const [name, value] of props) out.push(`      <property name="${a(name)}" value="${a(value)}"/>`);
      out.push('    </properties>');
    }
    for (const c of suite.cases) {
      const open = `    <testcase classname="${a(c.classname)}" name="${a(c.name)}" time="${seconds(c.timeSec)}"`;
      const inner: string[] = [];
      if (c.failure !== undefined) inner.push(problem('failure', c.failure));
      else if (c.error !== undefined) inner.push(problem('error', c.error));
      else if (c.skipped !== undefined) inner.push(`      <skipped message="${a(c.skipped)}"/>`);
      if (c.systemOut !== undefined) inner.push(`      <system-out>${a(c.systemOut)}</system-out>`);
      if (inner.length === 0) out.push(`${open}/>`);
      else out.push(`${open}>`, ...inner, '    </testcase>');
    }
    out.push('  </testsuite>');
  }
  out.push('</testsuites>', '');
  return out.join('\n');
}

function problem(tag: 'failure' | 'error', f: JUnitFailure): string {
  const body = f.body === undefined || f.body === '' ? '' : escapeXml(f.body);
  return `      <${tag} message="${escapeXml(f.message)}" type="${escapeXml(f.type)}">${body}</${tag}>`;
}

/** Merges violations of one testcase into one failure: the first names it, the body lists all. */
export function mergeViolations(violations: readonly Violation[], extra: readonly string[] = []): JUnitFailure | undefined {
  const first = violations[0];
  if (first === undefined) return undefined;
  const at = (v: Violation): string => (v.atUs === undefined ? '' : ` at t=${(v.atUs / 1e6).toFixed(3)}s`);
  const types = [...new Set(violations.map((v) => v.checker))];
  return {
    message: `${first.checker} violated${at(first)}: ${first.message}${violations.length > 1 ? ` (+${violations.length - 1} more)` : ''}`,
    type: types.join(','),
    body: [...violations.map((v) => `${v.checker}${at(v)}${v.node === undefined ? '' : ` node ${v.node}`}: ${v.message}`), ...extra].join('\n'),
  };
}

export interface RunResultLike {
  readonly scenario: string;
  readonly seed: string;
  readonly verdicts: Readonly<Record<string, string>>;
  readonly violations: readonly Violation[];
  readonly liveness?: string;
  readonly exitCode: number;
  readonly error?: string;
}

export interface Artefacts {
  readonly trace?: string;
  readonly html?: string;
  readonly capsule?: string;
  readonly replay?: string;
}

function artefactLines(artefacts: Artefacts): string[] {
  const lines: string[] = [];
  if (artefacts.replay !== undefined) lines.push(`replay: ${artefacts.replay}`);
  if (artefacts.trace !== undefined) lines.push(`trace: ${artefacts.trace}`);
  if (artefacts.capsule !== undefined) lines.push(`capsule: ${artefacts.capsule}`);
  if (artefacts.html !== undefined) lines.push(`report: ${artefacts.html}`);
  return lines;
}

/** `zabsim run`: one testcase per checker verdict. */
export function junitForRun(run: RunResultLike, timeSec: number, artefacts: Artefacts = {}): JUnitSuite {
  const cases: JUnitCase[] = Object.entries(run.verdicts).map(([checker, verdict]) => {
    const base = { name: checker, classname: `run.${run.scenario}.seed=${run.seed}`, timeSec: 0 };
    if (verdict === 'ok') return base;
    if (verdict === 'violated') {
      const mine = run.violations.filter((v) => v.checker === checker);
      const failure = mergeViolations(
        mine.length > 0 ? mine : [{ checker, message: checker === 'liveness' ? (run.liveness ?? 'no progress') : 'violated' }],
        artefactLines(artefacts),
      );
      return failure === undefined ? base : { ...base, failure };
    }
    return { ...base, skipped: `${checker}: verdict ${verdict}` };
  });
  if (run.error !== undefined)
    cases.push({
      name: 'internal',
      classname: `run.${run.scenario}.seed=${run.seed}`,
      timeSec: 0,
      error: { message: run.error, type: 'internal-error', body: artefactLines(artefacts).join('\n') },
    });
  return { name: `run:${run.scenario}`, timeSec, cases, properties: { seed: run.seed, exitCode: String(run.exitCode) } };
}

export interface SeedResult {
  readonly seed: string;
  readonly timeSec: number;
  readonly violations: readonly Violation[];
  readonly exitCode: number;
  readonly liveness?: string;
  readonly error?: string;
  readonly artefacts?: Artefacts;
  /** Not counted (a mutant sweep's failure that happens without the mutant too): reported as <skipped>. */
  readonly skipped?: string;
  /** A passing seed's note (checkers that answered `unknown`), as its <system-out>. */
  readonly note?: string;
  /** The seed's workload ("kv", "service"): its testcase's classname ends with it. */
  readonly workload?: string;
}

/** `zabsim fuzz`: one testcase per seed, named `seed=<seed>`. */
export function junitForFuzz(scenario: string, results: readonly SeedResult[], properties: Readonly<Record<string, string>> = {}): JUnitSuite {
  const cases = results.map((r): JUnitCase => {
    const base = { name: `seed=${r.seed}`, classname: r.workload === undefined ? `fuzz.${scenario}` : `fuzz.${scenario}.${r.workload}`, timeSec: r.timeSec };
    const extra = artefactLines(r.artefacts ?? {});
    if (r.error !== undefined) return { ...base, error: { message: r.error, type: 'internal-error', body: extra.join('\n') } };
    if (r.skipped !== undefined) return { ...base, skipped: r.skipped, ...(extra.length === 0 ? {} : { systemOut: extra.join('\n') }) };
    const failure = mergeViolations(r.violations, extra);
    if (failure !== undefined) return { ...base, failure };
    if (r.exitCode === 3) return { ...base, failure: { message: `liveness: ${r.liveness ?? 'no progress'}`, type: 'liveness', body: extra.join('\n') } };
    if (r.exitCode !== 0) return { ...base, error: { message: `exit code ${r.exitCode}`, type: 'exit-code', body: extra.join('\n') } };
    return r.note === undefined ? base : { ...base, systemOut: r.note };
  });
  return { name: `fuzz:${scenario}`, timeSec: results.reduce((n, r) => n + r.timeSec, 0), cases, properties };
}

export interface ScenarioResultLike {
  readonly scenario: string;
  readonly file: string;
  readonly expectations: number;
  readonly errors: readonly string[];
  readonly commandErrors: number;
  readonly verdicts: Readonly<Record<string, string>>;
  readonly exitCode: number;
}

/**
 * `zabsim run <narrated scenario>`: one testcase, passing exactly when the run exits 0. Failed
 * expectations are the failure; with every expectation held, a nonzero exit means the run shows a
 * violation (a bug scenario reproducing its bug), which fails too, named by its checkers. A broken
 * command is an error. The checkers' verdicts go to system-out.
 */
export function junitForScenario(r: ScenarioResultLike, timeSec: number, artefacts: Artefacts = {}): JUnitSuite {
  const base = { name: r.scenario, classname: `scenario.${r.file}`, timeSec };
  const lines = artefactLines(artefacts);
  const violated = Object.entries(r.verdicts)
    .filter(([, v]) => v === 'violated')
    .map(([k]) => k);
  const systemOut = [...Object.entries(r.verdicts).map(([k, v]) => `${k}: ${v}`), ...lines].join('\n');
  let c: JUnitCase = { ...base, systemOut };
  const failedExpectations: JUnitFailure = {
    message: `${r.errors.length} of ${r.expectations} expectations failed: ${r.errors[0] ?? ''}`,
    type: 'expectation',
    body: [...r.errors, ...lines].join('\n'),
  };
  if (r.commandErrors > 0) c = { ...c, error: { ...failedExpectations, type: 'scenario-error' } };
  else if (r.errors.length > 0) c = { ...c, failure: failedExpectations };
  else if (r.exitCode !== 0)
    c = {
      ...c,
      failure: {
        message: `every expectation held, but the run shows ${violated.join(', ') || `exit code ${r.exitCode}`} violated`,
        type: violated.join(',') || 'exit-code',
        body: lines.join('\n'),
      },
    };
  return {
    name: `scenario:${r.scenario}`,
    timeSec,
    cases: [c],
    properties: { file: r.file, expectations: String(r.expectations), exitCode: String(r.exitCode) },
  };
}

export interface CheckResultLike {
  readonly file: string;
  readonly format: string;
  readonly model: string;
  readonly verdict: 'ok' | 'violated' | 'unknown';
  readonly ms: number;
  readonly ops: number;
  readonly witness?: unknown;
}

/** `zabsim check`: one testcase per history file. */
export function junitForCheck(report: CheckResultLike): JUnitSuite {
  const witness = report.witness as { text?: unknown } | undefined;
  const text = typeof witness?.text === 'string' ? witness.text : undefined;
  const base = { name: report.file, classname: `check.${report.model}`, timeSec: report.ms / 1000 };
  let c: JUnitCase = base;
  if (report.verdict === 'violated')
    c = {
      ...base,
      failure: { message: `not linearizable (${report.ops} ops, ${report.format})`, type: 'linearizability', ...(text === undefined ? {} : { body: text }) },
    };
  if (report.verdict === 'unknown') c = { ...base, skipped: 'unknown: the checker ran out of budget' };
  return { name: `check:${report.model}`, timeSec: report.ms / 1000, cases: [c], properties: { format: report.format, ops: String(report.ops) } };
}

/** Writes suites (or a ready XML string) to a file, creating its directory. */
export function writeJUnit(path: string, suites: readonly JUnitSuite[] | string): string {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, typeof suites === 'string' ? suites : junitXml(suites));
  return path;
}
