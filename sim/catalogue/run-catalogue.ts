// `zabsim run <catalogue-name> [--step] [--trace F] [--report F.html] [--json]` and `zabsim scenarios`:
// runs a narrated scenario from scenarios/<topic>/<name>.txt, printing each step as a timeline (its
// narration, the command, what happened, at what virtual time), then the expectations and the
// checkers' verdicts. The exit code is the CLI's: 2 a malformed file; 1 an expectation failed, or the
// run shows a safety violation (a bug scenario that reproduces one, as it expects, exits 1 too);
// 3 its `check liveness` found the ensemble not recovered; else 0. The trace is always left behind.
// With --step the run pauses after each narrated step: on a terminal it waits for Enter (q quits);
// without one it prints that it would pause and goes on (never hangs in CI or a pipe).
import { mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { ChalkInstance } from 'chalk';
import { makeChalk } from '../cli/color.js';
import { EXIT, UsageError } from '../cli/errors.js';
import { FileSink } from '../trace/sink.js';
import { runZabScript, scenarioExitCode, type ScriptResult, type StepResult } from '../script/script.js';
import { ScenarioFormatError } from '../script/datadriven.js';
import { BUILTIN_SCENARIOS } from './builtin.js';
import { findCatalogueScenario, loadCatalogue, parseScenario, type CatalogueEntry } from './catalogue.js';
import { writeHtmlReport } from '../../reports/html.js';
import { stdinIsTerminal, TerminalPrompt, type StepAnswer } from '../cli/step-prompt.js';

export interface CatalogueRunOptions {
  readonly step: boolean;
  readonly json: boolean;
  readonly trace?: string | undefined;
  readonly report?: string | undefined;
  /** Defaults to process.stdout.write. */
  readonly write?: (text: string) => void;
  /** Whether stdin is a terminal (--step waits only then). Defaults to isatty(0). */
  readonly interactive?: boolean;
  /** Called once the run is over, before anything is printed (`zabsim run --junit` writes its XML). */
  readonly onResult?: (result: ScriptResult, exitCode: number, tracePath: string) => void;
}

export function catalogueEntry(name: string): CatalogueEntry | undefined {
  try {
    return findCatalogueScenario(name);
  } catch (error) {
    if (error instanceof ScenarioFormatError) throw new UsageError(error.message);
    throw error;
  }
}

/** Runs one catalogue scenario; returns the exit code. */
export function runCatalogueScenario(entry: CatalogueEntry, options: CatalogueRunOptions): number {
  const write = options.write ?? ((t: string) => void process.stdout.write(t));
  const out = (line: string): void => write(`${line}\n`);
  const c = makeChalk();
  const text = readFileSync(entry.path, 'utf8');
  try {
    parseScenario(text, entry.file);
  } catch (error) {
    if (error instanceof ScenarioFormatError) throw new UsageError(error.message);
    throw error;
  }
  const tracePath = options.trace ?? join('reports', 'out', 'runs', `${entry.name}.trace.ndjson`);
  mkdirSync(dirname(tracePath), { recursive: true });
  const sink = new FileSink(tracePath);
  const interactive = options.interactive ?? stdinIsTerminal();
  const prompt = new TerminalPrompt();
  if (!options.json) {
    out(c.bold(`zabsim run ${entry.name}`) + c.dim(`  (${entry.file})`));
    out(entry.description);
    if (entry.tags.length > 0) out(c.dim(`tags: ${entry.tags.join(', ')}${entry.see === '' ? '' : `   see: ${entry.see}`}`));
    out('');
  }
  let stepNo = 0;
  let result: ScriptResult;
  try {
    result = runZabScript(text, {
      file: entry.file,
      trace: sink,
      beforeStep: (_line, narration) => {
        if (options.json || narration.length === 0) return;
        out('');
        for (const n of narration) out(c.cyan(`  ${n}`));
      },
      onStep: (s) => {
        stepNo++;
        if (options.json) return;
        printStep(s, c, out);
        if (options.step && s.narration.length > 0 && pause(stepNo, interactive, prompt, c, out) === 'quit') throw new QuitAtStep(stepNo);
      },
    });
  } catch (error) {
    if (!(error instanceof QuitAtStep)) throw error;
    // The reader quit: the run stops here, unjudged. The trace so far stays behind, ending with a
    // footer that says where it stopped.
    sink.close({ kind: 'end', quitAtStep: error.step });
    out('');
    out(c.dim(`quit at step ${error.step}: the run stopped before its checks  trace ${tracePath}`));
    return EXIT.ok;
  } finally {
    prompt.close();
  }
  sink.close({ kind: 'end', errors: result.errors.length });
  const exitCode = scenarioExitCode(result);
  options.onResult?.(result, exitCode, tracePath);
  if (options.report !== undefined)
    // Each step's narration is in the trace at its moment; the report draws it there.
    writeHtmlReport(tracePath, options.report, { title: entry.name, description: entry.description });
  if (options.json) {
    write(
      `${JSON.stringify({ scenario: entry.name, file: entry.file, description: entry.description, expectations: result.expectations, errors: result.errors, verdicts: result.verdicts, steps: result.steps.length, simulatedMs: result.steps.at(-1)?.atMs ?? 0, trace: tracePath, exitCode })}\n`,
    );
    return exitCode;
  }
  out('');
  out(c.bold('expectations'));
  out(`  ${result.expectations - (result.errors.length - result.commandErrors)} of ${result.expectations} held`);
  for (const e of result.errors) out(`  ${c.red(e)}`);
  out(c.bold('verdicts'));
  for (const [name, v] of Object.entries(result.verdicts)) out(`  ${name.padEnd(26)} ${v === 'ok' ? c.green('ok') : c.red.bold('VIOLATED')}`);
  out('');
  if (result.errors.length === 0 && exitCode !== EXIT.ok)
    out(
      c.dim(
        `every expectation held; exit ${exitCode} because the run shows the ${exitCode === EXIT.liveness ? 'liveness failure' : 'safety violation'} the scenario expects`,
      ),
    );
  out(c.dim(`trace ${tracePath}  exit ${exitCode}`));
  if (options.report !== undefined) out(c.dim(`report ${options.report}`));
  return exitCode;
}

function printStep(s: StepResult, c: ChalkInstance, out: (line: string) => void): void {
  const at = c.dim(`${(s.atMs / 1000).toFixed(3).padStart(8)}s`);
  out(`${at}  ${c.bold(`> ${s.command}`)}`);
  for (const line of s.output) {
    const styled = /EXPECTATION FAILED|violated|^error:/.test(line)
      ? c.red.bold(line)
      : /^ok: /.test(line)
        ? c.green(line)
        : /LEADING|active:|elected/.test(line)
          ? c.yellow(line)
          : /crash|cut |lost|dropped|LOOKING|expired|killed/.test(line)
            ? c.red(line)
            : line;
    out(`           ${styled}`);
  }
}

/** Thrown out of the step callback when the reader types q: unwinds the synchronous run. */
class QuitAtStep extends Error {
  readonly step: number;
  constructor(step: number) {
    super(`quit at step ${step}`);
    this.step = step;
  }
}

function pause(step: number, interactive: boolean, prompt: TerminalPrompt, c: ChalkInstance, out: (line: string) => void): StepAnswer {
  if (!interactive) {
    out(c.dim(`  -- step ${step}: not a terminal, continuing --`));
    return 'continue';
  }
  process.stdout.write(c.dim(`  -- step ${step}: press Enter to continue, q to quit --`));
  return prompt.waitForLine();
}

/** `zabsim scenarios [--json]`: the catalogue (by topic) and the built-in runs. */
export function listScenarios(argv: readonly string[], write: (text: string) => void = (t) => void process.stdout.write(t)): number {
  let entries: CatalogueEntry[];
  try {
    entries = loadCatalogue();
  } catch (error) {
    if (error instanceof ScenarioFormatError) throw new UsageError(error.message);
    throw error;
  }
  if (argv.includes('--json')) {
    const list = [
      ...entries.map((e) => ({ name: e.name, topic: e.topic, description: e.description, tags: e.tags, file: e.file })),
      ...BUILTIN_SCENARIOS.map((s) => ({ name: s.name, topic: 'builtin', description: s.description, tags: [] as string[], file: null })),
    ];
    write(`${JSON.stringify(list)}\n`);
    return EXIT.ok;
  }
  const width = Math.max(...entries.map((e) => e.name.length), 10);
  let topic = '';
  for (const e of entries) {
    if (e.topic !== topic) {
      topic = e.topic;
      write(`${topic === entries[0]?.topic ? '' : '\n'}${topic}\n`);
    }
    write(`  ${e.name.padEnd(width)}  ${e.description}\n`);
  }
  write('\nbuiltin (fault plans and workloads, not narrated)\n');
  for (const s of BUILTIN_SCENARIOS) write(`  ${s.name.padEnd(width)}  ${s.description}\n`);
  write(`\n${entries.length} narrated scenarios: zabsim run <name> [--step]\n`);
  return EXIT.ok;
}
