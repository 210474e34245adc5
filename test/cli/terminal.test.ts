// Proves the terminal side of the CLI: `zabsim scenarios [--json]` lists every scenario with a
// one-line description; `run <name> --step` pauses at each narrated step and, without a terminal,
// says so and goes on instead of hanging; the timeline shows role changes and faults but no
// heartbeats; colour goes to a terminal unless NO_COLOR is set, and into a pipe only with FORCE_COLOR.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { makeChalk } from '../../sim/cli/color.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = join(ROOT, 'sim', 'cli', 'zabsim.mjs');
const dir = mkdtempSync(join(tmpdir(), 'zabsim-terminal-'));
const ESC = '\u001b[';

function zabsim(args: readonly string[], colour: Record<string, string> = {}): { code: number; stdout: string; stderr: string } {
  const env: Record<string, string | undefined> = { ...process.env, NO_COLOR: undefined, FORCE_COLOR: undefined, ...colour };
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: 'utf8', env: env as NodeJS.ProcessEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

describe('zabsim scenarios', () => {
  test('--json lists narrated and built-in scenarios, each with a one-line description', () => {
    const r = zabsim(['scenarios', '--json']);
    expect(r.code).toBe(0);
    const list = JSON.parse(r.stdout) as { name: string; topic: string; description: string }[];
    expect(list.map((s) => s.name)).toContain('split-brain');
    expect(list.some((s) => s.topic === 'builtin')).toBe(true);
    for (const s of list) expect(s.description, s.name).toMatch(/^[^\n]+$/);
    const text = zabsim(['scenarios']).stdout;
    for (const s of list) expect(text).toContain(s.name);
  });
});

describe('zabsim run in a terminal', () => {
  test('--step pauses after each narrated step; without a terminal it says so and goes on', () => {
    const r = zabsim(['run', 'split-brain', '--step', '--trace', join(dir, 'sb.ndjson')]);
    expect(r.code).toBe(0);
    const pauses = r.stdout.match(/-- step \d+: not a terminal, continuing --/g) ?? [];
    expect(pauses.length).toBeGreaterThan(3);
    expect(r.stdout.indexOf('-- step')).toBeLessThan(r.stdout.indexOf('expectations'));
  }, 60_000);

  test('the timeline: role changes and faults, no heartbeats; --step on a built-in run says it has no steps', () => {
    const trace = join(dir, 'default.ndjson');
    const r = zabsim(['run', 'default', '--seed', '7', '--trace', trace, '--step']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('no narrated steps');
    expect(r.stdout).toMatch(/s\d +LEADING BROADCAST epoch \d/);
    expect(r.stdout).toMatch(/s\d +LOOKING ELECTION/);
    expect(r.stdout).toContain('crash s');
    expect(readFileSync(trace, 'utf8')).toContain('PING');
    expect(r.stdout).not.toContain('PING');
  }, 60_000);

  test('colour only when forced: never with NO_COLOR, never into a pipe', () => {
    const args = ['run', 'split-brain', '--trace', join(dir, 'c.ndjson')];
    expect(zabsim(args, { FORCE_COLOR: '1' }).stdout).toContain(ESC);
    expect(zabsim(args).stdout).not.toContain(ESC);
    expect(zabsim(args, { NO_COLOR: '1' }).stdout).not.toContain(ESC);
  }, 60_000);
});

describe('makeChalk', () => {
  afterEach(() => vi.unstubAllEnvs());
  const tty = { isTTY: true } as NodeJS.WriteStream;
  const pipe = { isTTY: false } as NodeJS.WriteStream;

  test('a terminal gets colour unless NO_COLOR is set; a pipe only with FORCE_COLOR', () => {
    vi.stubEnv('NO_COLOR', '');
    vi.stubEnv('FORCE_COLOR', '');
    delete process.env['NO_COLOR'];
    delete process.env['FORCE_COLOR'];
    expect(makeChalk(tty).level).toBe(1);
    expect(makeChalk(pipe).level).toBe(0);
    vi.stubEnv('NO_COLOR', '1');
    expect(makeChalk(tty).level).toBe(0);
    vi.stubEnv('FORCE_COLOR', '1');
    expect(makeChalk(pipe).level).toBe(1);
  });
});
