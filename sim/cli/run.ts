// `zabsim run <scenario-file-or-name> [--seed N] [--servers N] [--observers N] [--trace F] [--report F.html] [--studio F.html] [--junit F.xml] [--json] [--step]`
// Runs a scenario, prints a timeline and the verdicts (or one JSON object), and always leaves the
// trace behind: in --trace F, or under reports/out/ by default. A narrated catalogue scenario
// (scenarios/<topic>/) takes --step, --trace, --report, --junit and --json; not --seed or --servers.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { makeChalk } from './color.js';
import { EXIT, UsageError } from './errors.js';
import { TimelineSink } from './timeline.js';
import { builtinScenario } from '../catalogue/builtin.js';
import { resolveScenario } from './resolve-scenario.js';
import { FileSink } from '../trace/sink.js';
import { runZab, type RunReport } from '../zab/run.js';
import { failureDetail, firstFailure, unknownCheckers } from '../zab/verdicts.js';
import type { RunOptions } from '../zab/options.js';
import { writeHtmlReport } from '../../reports/html.js';
import { junitForRun, junitForScenario, writeJUnit } from '../../reports/junit.js';
import { catalogueEntry, runCatalogueScenario } from '../catalogue/run-catalogue.js';
import type { ScriptResult } from '../script/script.js';
import { studioInput } from './studio.js';
import { writeStudio } from '../../reports/studio/page.js';

export const RUN_USAGE =
  'usage: zabsim run <scenario-file-or-name> [--seed N] [--servers N] [--observers N] [--trace FILE] [--report FILE.html] [--studio FILE.html] [--junit FILE.xml] [--json] [--step]';

export { resolveScenario } from './resolve-scenario.js';

function intFlag(value: string | undefined, flag: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) throw new UsageError(`--${flag} expects an integer in ${min}..${max}, got "${value}"`);
  return n;
}

export function runCommand(argv: string[]): number {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      seed: { type: 'string' },
      servers: { type: 'string' },
      observers: { type: 'string' },
      trace: { type: 'string' },
      report: { type: 'string' },
      studio: { type: 'string' },
      junit: { type: 'string' },
      json: { type: 'boolean', default: false },
      step: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(`${RUN_USAGE}\n`);
    return EXIT.ok;
  }
  if (positionals.length !== 1) throw new UsageError(`expected one scenario name or file\n${RUN_USAGE}`);
  const scenario = positionals[0] as string;
  // A narrated catalogue scenario (scenarios/<topic>/<name>.txt): its own seed and cluster.
  const entry = builtinScenario(scenario) === undefined && !scenario.endsWith('.json') ? catalogueEntry(scenario) : undefined;
  if (entry !== undefined) {
    // A narrated scenario fixes its own cluster and seed: say so rather than silently ignoring them.
    for (const flag of ['seed', 'servers', 'observers'] as const) {
      if (values[flag] !== undefined)
        throw new UsageError(`--${flag} does not apply to the narrated scenario "${scenario}" (its ${entry.file} sets the cluster and seed)`);
    }
    const wallStart = performance.now();
    const junit = values.junit;
    const onResult =
      junit === undefined
        ? undefined
        : (result: ScriptResult, exitCode: number, trace: string): void => {
            const artefacts = { trace, replay: `npx zabsim run ${scenario}`, ...(values.report === undefined ? {} : { html: values.report }) };
            writeJUnit(junit, [
              junitForScenario({ scenario: entry.name, file: entry.file, exitCode, ...result }, (performance.now() - wallStart) / 1000, artefacts),
            ]);
          };
    const code = runCatalogueScenario(entry, {
      step: values.step,
      json: values.json,
      trace: values.trace,
      report: values.report,
      ...(onResult === undefined ? {} : { onResult }),
    });
    if (junit !== undefined && !values.json) process.stdout.write(`${makeChalk().dim(`junit ${junit}`)}\n`);
    if (values.studio !== undefined) writeStudioFor(scenario, {}, values.studio, values.json);
    return code;
  }
  const seed = values.seed ?? '1';
  const servers = intFlag(values.servers, 'servers', 1, 9);
  const observers = intFlag(values.observers, 'observers', 0, 9);
  const options = resolveScenario(scenario, seed, servers, observers);
  const tracePath = values.trace ?? join('reports', 'out', 'runs', `${safeName(options.scenario)}-seed-${safeName(seed)}.trace.ndjson`);
  mkdirSync(dirname(tracePath), { recursive: true });
  const file = new FileSink(tracePath);
  const c = makeChalk();
  const out = (line: string): void => {
    process.stdout.write(`${line}\n`);
  };
  if (!values.json) {
    if (values.step) out(c.dim('--step: this scenario has no narrated steps to pause at (zabsim scenarios lists the narrated ones)'));
    out(
      c.bold(`zabsim run ${options.scenario}  seed=${seed}  servers=${options.servers}  observers=${options.observers}  clients=${options.workload.clients}`),
    );
    out(
      c.dim(
        `tickTime=${options.zab.tickTimeMs}ms initLimit=${options.zab.initLimit} syncLimit=${options.zab.syncLimit} syncPersistence=${options.zab.syncPersistence}${options.zab.mutants.length > 0 ? ` mutants=${options.zab.mutants.join(',')}` : ''}`,
      ),
    );
  }
  const sink = values.json ? file : new TimelineSink(file, out, c);
  const wallStart = performance.now();
  const report = runZab(options, sink);
  const wallMs = performance.now() - wallStart;
  const command = `npx zabsim run ${scenario} --seed ${seed}${servers === undefined ? '' : ` --servers ${servers}`}${observers === undefined ? '' : ` --observers ${observers}`}`;
  const capsulePath = report.exitCode !== EXIT.ok ? writeCapsule(options, report, tracePath, command) : undefined;
  if (values.report !== undefined) {
    writeHtmlReport(tracePath, values.report, { ...(capsulePath === undefined ? {} : { capsule: capsulePath }), description: scenarioDescription(scenario) });
  }
  if (values.junit !== undefined) {
    const artefacts = {
      trace: tracePath,
      replay: command,
      ...(capsulePath === undefined ? {} : { capsule: capsulePath }),
      ...(values.report === undefined ? {} : { html: values.report }),
    };
    writeJUnit(values.junit, [junitForRun({ ...report, liveness: report.liveness.reason }, wallMs / 1000, artefacts)]);
  }
  if (values.json) {
    const files = { capsule: capsulePath ?? null, report: values.report ?? null, junit: values.junit ?? null };
    process.stdout.write(`${JSON.stringify({ ...jsonReport(report, tracePath, wallMs), ...files })}\n`);
  } else {
    printVerdicts(report, tracePath, wallMs, out);
    if (capsulePath !== undefined) out(c.dim(`capsule ${capsulePath}  (zabsim replay ${capsulePath})`));
    if (values.report !== undefined) out(c.dim(`report ${values.report}`));
    if (values.junit !== undefined) out(c.dim(`junit ${values.junit}`));
  }
  if (values.studio !== undefined) writeStudioFor(scenario, { seed, servers: values.servers, observers: values.observers }, values.studio, values.json);
  return report.exitCode;
}

export function jsonReport(report: RunReport, tracePath: string, wallMs: number): object {
  return {
    scenario: report.scenario,
    seed: report.seed,
    events: report.events,
    simulatedMs: report.simulatedMs,
    wallMs: Math.round(wallMs),
    traceHash: report.traceHash,
    verdicts: report.verdicts,
    failure: firstFailure(report),
    unknown: unknownCheckers(report),
    liveness: report.liveness.reason,
    violations: report.violations.slice(0, 10),
    stats: report.stats,
    exitCode: report.exitCode,
    trace: tracePath,
  };
}

function printVerdicts(report: RunReport, tracePath: string, wallMs: number, out: (line: string) => void): void {
  const c = makeChalk();
  out('');
  out(c.bold('verdicts'));
  for (const [name, verdict] of Object.entries(report.verdicts)) {
    const mark = verdict === 'ok' ? c.green('ok') : verdict === 'violated' ? c.red.bold('VIOLATED') : c.yellow('unknown');
    out(`  ${name.padEnd(26)} ${mark}`);
  }
  for (const v of report.violations.slice(0, 5)) out(`  ${c.red(`${v.checker} at ${(v.atUs / 1e6).toFixed(3)}s: ${v.message}`)}`);
  out(`  ${'liveness detail'.padEnd(26)} ${report.liveness.reason}`);
  const s = report.stats;
  out('');
  out(
    c.dim(
      `${report.events} events, ${(report.simulatedMs / 1000).toFixed(1)}s simulated in ${Math.round(wallMs)}ms wall; ${s.committed} txns committed, ` +
        `${s.opsInvoked} client ops (${s.opsOk} ok, ${s.opsInfo} unknown), ${s.leaderChanges} leader activations`,
    ),
  );
  out(c.dim(`trace ${tracePath}  hash ${report.traceHash}  exit ${report.exitCode}`));
  if (report.error !== undefined) out(c.red(`internal error: ${report.error}`));
}

/** A failing run leaves a capsule: everything needed to replay it, next to its trace (`zabsim replay` takes it). */
function writeCapsule(options: RunOptions, report: RunReport, tracePath: string, command: string): string {
  const capsule = tracePath.replace(/(\.trace)?\.ndjson$/, '') + '.capsule.json';
  const failure = firstFailure(report);
  writeFileSync(
    capsule,
    JSON.stringify(
      {
        kind: 'zabsim-capsule',
        version: 1,
        command,
        options,
        trace: tracePath,
        failure: failure ?? 'none',
        detail: failure === null ? 'no failure' : failureDetail(report, failure),
        unknown: unknownCheckers(report),
        verdicts: report.verdicts,
        violations: report.violations.slice(0, 10),
        exitCode: report.exitCode,
      },
      null,
      2,
    ),
  );
  return capsule;
}

/** `--studio F`: the studio page for the same input (it runs the simulation again, in the browser). */
function writeStudioFor(
  scenario: string,
  flags: { seed?: string; servers?: string | undefined; observers?: string | undefined },
  out: string,
  json: boolean,
): void {
  writeStudio(studioInput(scenario, flags), out);
  if (!json) process.stdout.write(`${makeChalk().bold(`studio ${out}`)}  open it in a browser: ${pathToFileURL(resolve(out)).href}\n`);
}

/** The narration shown in an HTML report: a built-in scenario's description, or a scenario file's. */
function scenarioDescription(name: string): string {
  const builtin = builtinScenario(name);
  if (builtin !== undefined) return builtin.description;
  try {
    const doc = JSON.parse(readFileSync(name, 'utf8')) as { description?: unknown };
    return typeof doc.description === 'string' ? doc.description : '';
  } catch {
    return '';
  }
}

function safeName(text: string): string {
  return text.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 80);
}
