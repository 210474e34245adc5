// `zabsim replay` of a studio capsule (a branch the student forked and exported in the studio page):
// runs its input with its fork again, here in Node, and compares the trace hash and line count with
// the ones the page recorded. A match exits with the branch's own exit code; a difference exits 4.
import { readFileSync } from 'node:fs';
import { makeChalk } from './color.js';
import { EXIT, InputError } from './errors.js';
import { runStudioInput, type StudioInput } from '../../reports/studio/engine.js';
import { forkProblem, type StudioFork } from '../../reports/studio/fork.js';
import { STUDIO_CAPSULE } from '../../reports/studio/session.js';

interface StudioCapsule {
  readonly kind: typeof STUDIO_CAPSULE;
  readonly name: string;
  readonly input: StudioInput;
  readonly fork: StudioFork;
  readonly traceHash: string;
  readonly lines: number;
}

/** The studio capsule in the file, or null when the file is some other kind of capsule. */
export function readStudioCapsule(path: string): StudioCapsule | null {
  let doc: Record<string, unknown>;
  try {
    doc = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  } catch {
    return null; // the other capsule readers say what is wrong with it
  }
  if (doc?.['kind'] !== STUDIO_CAPSULE) return null;
  const input = doc['input'] as Record<string, unknown> | undefined;
  if (input === undefined || (input['kind'] !== 'script' && input['kind'] !== 'run') || typeof input['name'] !== 'string')
    throw new InputError(path, '$.input', 'expected the studio input (kind script or run, with its name)');
  if (input['kind'] === 'script' && typeof input['text'] !== 'string') throw new InputError(path, '$.input.text', "expected the scenario's text");
  if (input['kind'] === 'run' && typeof input['options'] !== 'object') throw new InputError(path, '$.input.options', 'expected the run options');
  const problem = forkProblem(doc['fork']);
  if (problem !== null) throw new InputError(path, '$.fork', problem);
  if (typeof doc['traceHash'] !== 'string') throw new InputError(path, '$.traceHash', "expected the branch's trace hash");
  if (typeof doc['lines'] !== 'number') throw new InputError(path, '$.lines', "expected the branch's trace line count");
  return doc as unknown as StudioCapsule;
}

export function replayStudioCapsule(path: string, capsule: StudioCapsule, json: boolean): number {
  const run = runStudioInput(capsule.input, capsule.fork);
  const matched = run.hash === capsule.traceHash && run.lines.length === capsule.lines;
  const exitCode = matched ? run.exitCode : EXIT.internal;
  if (json) {
    process.stdout.write(
      `${JSON.stringify({ capsule: path, branch: capsule.name, expectedHash: capsule.traceHash, traceHash: run.hash, lines: run.lines.length, matched, verdicts: run.verdicts, leader: run.outcome.leader, committed: run.outcome.committed.length, exitCode })}\n`,
    );
    return exitCode;
  }
  const c = makeChalk();
  if (matched)
    process.stdout.write(
      `${c.green('branch reproduces')}: ${capsule.name} of ${capsule.input.name}, ${run.lines.length} trace lines, trace hash ${run.hash}; exit ${run.exitCode}\n`,
    );
  else
    process.stdout.write(
      `${c.red.bold('branch did NOT reproduce')}: ${capsule.name}: expected trace hash ${capsule.traceHash} (${capsule.lines} lines), got ${run.hash} (${run.lines.length} lines)\n`,
    );
  return exitCode;
}
