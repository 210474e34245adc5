// Proves that a studio branch which reuses the original's trace (re-running to its fork moment
// untraced, then taking the original's lines and hash state there: branch-sink.ts) is the branch
// re-run traced from the start, line for line and hash for hash, for fork points early, mid-run,
// late, at the last event and past the end, and for every kind of intervention; that `zabsim
// replay` of its exported capsule gives the same hash; and that the saved hasher states resume right.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { CHECKPOINT_LINES, OriginalSink, linesThrough } from '../../reports/studio/branch-sink.js';
import { runStudioInput, startStudioInput, studioModel, type StudioInput } from '../../reports/studio/engine.js';
import type { Intervention, StudioFork } from '../../reports/studio/fork.js';
import { StudioSession } from '../../reports/studio/session.js';
import { studioInput } from '../../sim/cli/studio.js';
import { lineHasher } from '../../sim/trace/hash.js';
import { TRACE_VERSION } from '../../sim/trace/sink.js';

const dir = mkdtempSync(join(tmpdir(), 'zabsim-reuse-'));

function shortRun(name: string, seed: string, durationMs: number): StudioInput & { kind: 'run' } {
  const input = studioInput(name, { seed });
  if (input.kind !== 'run') throw new Error(`${name} is a built-in run`);
  return { ...input, options: { ...input.options, durationMs } };
}

const timeAt = (lines: readonly string[], i: number): number => (JSON.parse(lines[i] ?? '{}') as { t: number }).t;

test('the original keeps its hasher states: resuming after any line count gives the hash of those lines', () => {
  const sink = new OriginalSink();
  const lines = Array.from({ length: 2 * CHECKPOINT_LINES + 300 }, (_, i) => `{"t":${i},"k":"note","text":"line ${i}"}`);
  for (const line of lines) sink.text(line);
  for (const n of [0, 1, CHECKPOINT_LINES - 1, CHECKPOINT_LINES, CHECKPOINT_LINES + 1, 2 * CHECKPOINT_LINES, lines.length]) {
    const fresh = lineHasher(TRACE_VERSION);
    for (const line of lines.slice(0, n)) fresh.update(line);
    expect(sink.hasherAfter(n).hex()).toBe(fresh.hex());
  }
  expect(sink.hasherAfter(lines.length).hex()).toBe(sink.hash());
  expect(() => sink.hasherAfter(lines.length + 1)).toThrow();
  // The header, then records at t = 0, 1, 2, …: through t = 10 are the header and 11 records.
  expect(linesThrough(['{"kind":"header"}', ...lines], 10)).toBe(12);
  expect(linesThrough(['{"kind":"header"}', '{"t":1}', '{"k":"no time"}', '{"t":5}'], 5)).toBe(-1);
});

test.each([
  ['default', '7', 10_000],
  ['property', '42', 12_000],
] as const)(
  'branches of %s seed %s made from the original trace are the branches re-run from the start',
  (name, seed, durationMs) => {
    const input = shortRun(name, seed, durationMs);
    const original = runStudioInput(input);
    const lines = original.lines;
    const model = studioModel(original);
    const session = new StudioSession(input, original, model);
    const lastT = timeAt(lines, lines.length - 2);
    const points = [Math.floor(lines.length * 0.05), Math.floor(lines.length * 0.35), Math.floor(lines.length * 0.7)].map((i) => timeAt(lines, i));
    const forks: StudioFork[] = [];
    const kinds: ((at: number) => Intervention[])[] = [
      () => [{ kind: 'crash', node: 1 }],
      () => [
        {
          kind: 'partition',
          groups: [
            [1, 2],
            [3, 4, 5],
          ],
        },
      ],
      (at) => {
        const msg = session.inFlightAt(at).find((m) => !m.msg.startsWith('PING'));
        return msg === undefined
          ? [{ kind: 'pause', node: 3 }]
          : [
              { kind: 'drop', ...msg },
              { kind: 'duplicate', ...msg },
            ];
      },
      () => [{ kind: 'wipe', node: 2 }, { kind: 'heal' }],
      () => [
        { kind: 'pause', node: 3 },
        { kind: 'restart', node: 4 },
      ],
    ];
    for (const at of points) for (const make of kinds) forks.push({ atUs: at, interventions: make(at) });
    forks.push({ atUs: lastT, interventions: [{ kind: 'crash', node: 2 }] });
    forks.push({ atUs: lastT + 1_000_000, interventions: [{ kind: 'crash', node: 2 }] });
    let changed = 0;
    let reusedForks = 0;
    for (const fork of forks) {
      // It does reuse: nothing is traced until the moment, then the original's lines up to it are there.
      const running = startStudioInput(input, fork, original.prefix);
      let over = false;
      while (!over && running.nowUs() <= fork.atUs) over = running.advance(1);
      if (!over) {
        reusedForks++;
        const n = linesThrough(lines, fork.atUs);
        expect(n).toBeGreaterThan(1);
        expect(running.lines.slice(0, n)).toEqual(lines.slice(0, n));
        const before = startStudioInput(input, fork, original.prefix);
        before.advance(running.events() - 2);
        expect(before.lines).toHaveLength(0);
      }
      const reused = runStudioInput(input, fork, original.prefix);
      const fromStart = runStudioInput(input, fork);
      expect(reused.lines).toEqual(fromStart.lines);
      expect(reused.hash).toBe(fromStart.hash);
      expect(reused.exitCode).toBe(fromStart.exitCode);
      expect(reused.verdicts).toEqual(fromStart.verdicts);
      expect(reused.outcome).toEqual(fromStart.outcome);
      if (reused.hash !== original.hash) changed++;
    }
    expect(reusedForks).toBeGreaterThanOrEqual(points.length * kinds.length);
    // The forks do change their runs (all but the one past the end, which changes nothing).
    expect(changed).toBeGreaterThanOrEqual(forks.length - 2);
    // A branch the session forks (from the original's trace), exported and replayed by the CLI.
    const branch = session.fork(forks[6] as StudioFork, 'partition mid-run');
    const capsule = join(dir, `${name}.capsule.json`);
    writeFileSync(capsule, session.capsule(branch));
    const r = spawnSync(process.execPath, ['sim/cli/zabsim.mjs', 'replay', capsule, '--json'], { encoding: 'utf8' });
    const out = JSON.parse(r.stdout) as { traceHash: string; matched: boolean };
    expect(out).toMatchObject({ traceHash: branch.run.hash, matched: true });
    expect(r.status).toBe(branch.run.exitCode);
  },
  300_000,
);
