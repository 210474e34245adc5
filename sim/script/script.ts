// The Zab scenario language's driver: runs a scenario file (scenarios/<topic>/*.txt, in the
// datadriven format of datadriven.ts) one stanza at a time against a ScriptEnv (env.ts), each
// command by its verb (verbs/*.ts), and renders the file again with what the commands printed now.
// What a command prints while time moves is built by render.ts.
import { EXIT } from '../cli/errors.js';
import { narrationOf, parseCommand, parseDatadriven, renderDatadriven, type Command, type Stanza } from './datadriven.js';
import { ScriptEnv } from './env.js';
import type { TraceSink } from '../trace/sink.js';
import type { Kernel } from '../kernel/kernel.js';
import type { NodeId } from '../../protocol/program.js';
import { VERBS } from './verbs/index.js';

export { SCRIPT_VERBS } from './verbs/index.js';

export interface ScriptResult {
  /** The file with every output replaced by what the commands printed now. */
  readonly text: string;
  /** Failed expectations (`check expect=`, `expect ...`) and command errors, with line numbers. */
  readonly errors: readonly string[];
  /** How many expectations (`check expect=` and `expect` facts) ran. */
  readonly expectations: number;
  /** Every stanza as run: its narration, command, output and the virtual time after it. */
  readonly steps: readonly StepResult[];
  /** The checkers' final verdicts (empty when no cluster was created), and `liveness` if checked. */
  readonly verdicts: Readonly<Record<string, 'ok' | 'violated'>>;
  /** How many commands failed to run (bad arguments, unknown names): the scenario itself is wrong. */
  readonly commandErrors: number;
}

export interface StepResult {
  readonly line: number;
  /** The `#` comment lines just above the command, without the `# `: the step's narration. */
  readonly narration: readonly string[];
  readonly command: string;
  readonly output: readonly string[];
  /** Virtual time when the command finished, in ms. */
  readonly atMs: number;
  readonly failed: boolean;
}

export interface ScriptOptions {
  /** Where error messages say the scenario came from (`scenarios/faults/split-brain.txt`). */
  readonly file?: string;
  /** A sink (trace file) that receives every kernel record, narration and the final verdicts. */
  readonly trace?: TraceSink;
  /** Called after each stanza (the CLI streams the timeline, and pauses with --step). */
  readonly onStep?: (step: StepResult) => void;
  /** Called before each stanza with its narration (the CLI prints it before time moves). */
  readonly beforeStep?: (line: number, narration: readonly string[], command: string) => void;
  /**
   * Called once, right after the `cluster` command built the kernel and booted the servers, before
   * virtual time moves (the studio adds its state recorder and a fork's interventions here).
   */
  readonly onCluster?: (kernel: Kernel, servers: readonly NodeId[]) => void;
}

export function runZabScript(input: string, options: ScriptOptions = {}): ScriptResult {
  const pieces = parseDatadriven(input, options.file);
  const narration = narrationOf(pieces);
  const outputs = new Map<Stanza, readonly string[]>();
  const env = new ScriptEnv(options.trace ?? null);
  const steps: StepResult[] = [];
  const where = options.file === undefined ? 'line' : `${options.file}:`;
  let commandErrors = 0;
  let clusterSeen = false;
  for (const piece of pieces) {
    if (piece.kind !== 'stanza') continue;
    const told = narration.get(piece.stanza) ?? [];
    options.beforeStep?.(piece.stanza.line, told, piece.stanza.command);
    if (told.length > 0) narrate(env, steps.length + 1, told.join(' '));
    const errorsBefore = env.errors.length;
    let lines: string[];
    try {
      lines = exec(env, parseCommand(piece.stanza.command));
    } catch (error) {
      const message = (error as Error).message;
      commandErrors++;
      env.errors.push(`${where}${options.file === undefined ? ' ' : ''}${piece.stanza.line}: ${piece.stanza.command}: ${message}`);
      lines = [`error: ${message}`];
    }
    // Expectation failures found inside a handler get the line too.
    for (let i = errorsBefore; i < env.errors.length; i++) {
      const e = env.errors[i] as string;
      if (!/^(line |\S+:)\d+/.test(e) && !e.startsWith(where)) env.errors[i] = `${where}${options.file === undefined ? ' ' : ''}${piece.stanza.line}: ${e}`;
    }
    const output = lines.length === 0 ? ['ok'] : lines;
    outputs.set(piece.stanza, output);
    const step: StepResult = {
      line: piece.stanza.line,
      narration: told,
      command: piece.stanza.command,
      output,
      atMs: env.nowMs,
      failed: env.errors.length > errorsBefore,
    };
    steps.push(step);
    if (!clusterSeen && env.kernel !== null) {
      clusterSeen = true;
      options.onCluster?.(env.kernel, env.servers);
    }
    options.onStep?.(step);
  }
  const verdicts = finish(env, commandErrors);
  return { text: renderDatadriven(pieces, outputs), errors: env.errors, expectations: env.expectations, steps, verdicts, commandErrors };
}

/**
 * The exit code of a scenario run, as for any zabsim run: 2 a command that cannot run; 1 a failed
 * expectation, or a safety checker violated (a bug scenario that reproduces its violation, as it
 * expects, exits 1 too); 3 the last `check liveness` found the ensemble not recovered; else 0.
 */
export function scenarioExitCode(result: Pick<ScriptResult, 'errors' | 'commandErrors' | 'verdicts'>): number {
  if (result.commandErrors > 0) return EXIT.usage;
  if (result.errors.length > 0) return EXIT.safety;
  if (Object.entries(result.verdicts).some(([name, v]) => name !== 'liveness' && v === 'violated')) return EXIT.safety;
  return result.verdicts['liveness'] === 'violated' ? EXIT.liveness : EXIT.ok;
}

/** Runs one command: the lines its time produced, then what the verb printed. */
function exec(env: ScriptEnv, cmd: Command): string[] {
  env.events = [];
  env.showTypes = new Set();
  const verb = VERBS[cmd.verb];
  if (verb === undefined) throw new Error(`unknown command '${cmd.verb}' (known: ${Object.keys(VERBS).join(', ')})`);
  if (cmd.verb !== 'cluster' && env.kernel === null) throw new Error('no cluster yet: start with `cluster`');
  const out = verb(env, cmd);
  return [...env.events, ...out];
}

/** Records a step's narration in the trace (reports show it in their story). */
function narrate(env: ScriptEnv, step: number, text: string): void {
  if (env.kernel !== null) env.kernel.record({ k: 'phase', phase: `step ${step}`, note: text });
  else env.tee?.line({ k: 'phase', t: 0, phase: `step ${step}`, note: text });
}

/** Ends the run: returns the checkers' verdicts and writes them, with the exit code, into the trace. */
function finish(env: ScriptEnv, commandErrors = 0): Record<string, 'ok' | 'violated'> {
  if (env.checker === null || env.kernel === null) return {};
  const verdicts = { ...(env.checker.verdicts() as Record<string, 'ok' | 'violated'>) };
  if (env.liveness !== null) verdicts['liveness'] = env.liveness.ok ? 'ok' : 'violated';
  const exitCode = scenarioExitCode({ errors: env.errors, commandErrors, verdicts });
  env.kernel.record({ k: 'verdicts', verdicts, ...(env.liveness === null ? {} : { liveness: env.liveness.text }), exitCode });
  return verdicts;
}
