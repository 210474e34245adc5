// Proves that `zabsim run <name> --step` on a real (pseudo-)terminal waits at each narrated step
// until Enter is typed, advances on Enter, and stops the run when q is typed.
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = join(ROOT, 'sim', 'cli', 'zabsim.mjs');
const DRIVER = join(ROOT, 'test', 'support', 'pty-session.py');
const dir = mkdtempSync(join(tmpdir(), 'zabsim-pty-'));

interface Session {
  ok: boolean;
  failed: object | null;
  status: number | null;
  output: string;
}

function underTerminal(actions: readonly object[], args: readonly string[]): Session {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
  delete env['FORCE_COLOR'];
  const r = spawnSync('python3', [DRIVER, JSON.stringify(actions), process.execPath, BIN, ...args], { cwd: ROOT, encoding: 'utf8', env });
  if (r.status !== 0) throw new Error(`pty driver failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as Session;
}

test('--step waits at the first step until Enter, advances on Enter, and quits on q', () => {
  const trace = join(dir, 'split-brain.ndjson');
  const session = underTerminal(
    [
      { expect: 'step 1: press Enter to continue', within: 60 },
      // Without Enter nothing more happens: no second step, no verdicts, and the program still runs.
      { quiet: 'press Enter', for: 1.5 },
      { alive: true },
      { send: '\r' },
      { expect: 'press Enter to continue', within: 60 },
      { quiet: 'press Enter', for: 1 },
      { send: '\r' },
      { expect: 'press Enter to continue', within: 60 },
      { send: 'q\r' },
      { expect: 'quit at step', within: 30 },
      { exit: 30 },
    ],
    ['run', 'split-brain', '--step', '--trace', trace],
  );
  expect(session.failed, session.output).toBeNull();
  expect(session.status).toBe(0);
  // Three pauses, then the run stopped: no further step ran and nothing was judged.
  expect(session.output.match(/press Enter to continue/g)?.length).toBe(3);
  const lastPause = /-- step (\d+): press Enter/g;
  const steps = [...session.output.matchAll(lastPause)].map((m) => Number(m[1]));
  expect(session.output).toContain(`quit at step ${steps.at(-1)}`);
  expect(session.output.slice(session.output.lastIndexOf('press Enter'))).not.toMatch(/> \S/);
  expect(session.output).not.toContain('verdicts');
}, 120_000);
