// `zabsim studio [scenario | capsule | trace] [--out FILE.html] [--seed N] [--servers N] [--observers N]`:
// writes one self-contained HTML page that runs the simulation itself, in the browser, and shows it
// in the space-time viewer (reports/studio/). Without an argument it takes split-brain. A narrated
// catalogue scenario carries its script; a built-in run, a scenario file, a run capsule or a run
// trace carries its run options. The page's run gives the same trace hash as `zabsim run`.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { makeChalk } from './color.js';
import { EXIT, InputError, UsageError } from './errors.js';
import { resolveScenario } from './resolve-scenario.js';
import { builtinScenario } from '../catalogue/builtin.js';
import { catalogueEntry } from '../catalogue/run-catalogue.js';
import { validateTrace } from '../trace/reader.js';
import type { RunOptions } from '../zab/options.js';
import type { StudioInput } from '../../reports/studio/engine.js';
import { writeStudio } from '../../reports/studio/page.js';

export const STUDIO_USAGE = 'usage: zabsim studio [scenario | capsule.json | trace.ndjson] [--out FILE.html] [--seed N] [--servers N] [--observers N]';

export function studioCommand(argv: string[]): number {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      out: { type: 'string' },
      seed: { type: 'string' },
      servers: { type: 'string' },
      observers: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(`${STUDIO_USAGE}\n`);
    return EXIT.ok;
  }
  if (positionals.length > 1) throw new UsageError(`expected at most one scenario, capsule or trace\n${STUDIO_USAGE}`);
  const input = studioInput(positionals[0] ?? 'split-brain', values);
  const out = values.out ?? join('reports', 'out', 'studio', `${input.name.replace(/[^A-Za-z0-9._-]+/g, '_')}.html`);
  writeStudio(input, out);
  const c = makeChalk();
  process.stdout.write(
    `${c.bold(`studio ${out}`)}  (${input.kind === 'script' ? 'narrated scenario' : 'run'} ${input.name}; open it in a browser: nothing is loaded from outside)\n`,
  );
  return EXIT.ok;
}

interface Flags {
  readonly seed?: string | undefined;
  readonly servers?: string | undefined;
  readonly observers?: string | undefined;
}

/** What the page will run: a catalogue script, or the run options of a built-in, file, capsule or trace. */
export function studioInput(arg: string, flags: Flags = {}): StudioInput {
  const runFlags = flags.seed !== undefined || flags.servers !== undefined || flags.observers !== undefined;
  if (arg.endsWith('.ndjson')) {
    if (runFlags) throw new UsageError('--seed, --servers and --observers do not apply to a trace (its header sets them)');
    return fromTrace(arg);
  }
  if (arg.endsWith('.capsule.json')) {
    if (runFlags) throw new UsageError('--seed, --servers and --observers do not apply to a capsule (its options set them)');
    return fromCapsule(arg);
  }
  const entry = builtinScenario(arg) === undefined && !arg.endsWith('.json') ? catalogueEntry(arg) : undefined;
  if (entry !== undefined) {
    if (runFlags) throw new UsageError(`--seed, --servers and --observers do not apply to the narrated scenario "${arg}" (its ${entry.file} sets them)`);
    return { kind: 'script', name: entry.name, file: entry.file, description: entry.description, text: readFileSync(entry.path, 'utf8') };
  }
  const options = resolveScenario(arg, flags.seed ?? '1', intFlag(flags.servers, 'servers'), intFlag(flags.observers, 'observers'));
  return { kind: 'run', name: `${options.scenario} seed ${options.seed}`, description: builtinScenario(arg)?.description ?? '', options };
}

function intFlag(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 9) throw new UsageError(`--${flag} expects an integer in 0..9, got "${value}"`);
  return n;
}

function fromTrace(path: string): StudioInput {
  const summary = validateTrace(path);
  const options = summary.header.options as RunOptions | undefined;
  if (options?.scenario === 'script') throw new InputError(path, '1', "expected a run trace; a narrated scenario's trace is opened by the scenario's name");
  if (typeof options?.scenario !== 'string' || typeof options.servers !== 'number')
    throw new InputError(path, '1', 'expected zabsim run options in the header');
  return { kind: 'run', name: `${options.scenario} seed ${String(options.seed)}`, description: `from ${path}`, options };
}

function fromCapsule(path: string): StudioInput {
  if (!existsSync(path)) throw new InputError(path, '1', 'expected a readable capsule file');
  let doc: { kind?: unknown; options?: RunOptions };
  try {
    doc = JSON.parse(readFileSync(path, 'utf8')) as typeof doc;
  } catch (error) {
    throw new InputError(path, '1', `expected JSON (${(error as Error).message})`);
  }
  if (doc.kind === 'zabsim-fuzz-capsule')
    throw new InputError(
      path,
      '$.kind',
      'expected a run capsule (zabsim run writes them); a fuzz capsule replays by its decision tape, which the studio does not carry yet',
    );
  if (doc.kind !== 'zabsim-capsule' || typeof doc.options?.scenario !== 'string')
    throw new InputError(path, '$.options', 'expected a zabsim run capsule with its run options');
  return { kind: 'run', name: `${doc.options.scenario} seed ${String(doc.options.seed)}`, description: `from ${path}`, options: doc.options };
}
