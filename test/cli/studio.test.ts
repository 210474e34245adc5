// Proves `zabsim studio`'s command line: it writes one self-contained HTML page (its scripts inline,
// no src or href to load) for a narrated scenario, a built-in run or a run trace, and bad input gets
// one line and exit 2.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = join(ROOT, 'sim', 'cli', 'zabsim.mjs');
const dir = mkdtempSync(join(tmpdir(), 'zabsim-studio-cli-'));

function zabsim(args: readonly string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

function selfContained(html: string): void {
  expect(html).toMatch(/^<!doctype html>/);
  expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+href=|<img[^>]+src="?http|url\(http/i);
  expect(html).toContain("default-src 'none'");
  expect(html).toContain('id="zabsim-input"');
}

test('a narrated scenario, a built-in run and a run trace each give one page', () => {
  const sb = join(dir, 'sb.html');
  const r = zabsim(['studio', 'split-brain', '--out', sb]);
  expect(r.code, r.stderr).toBe(0);
  expect(r.stdout).toContain(sb);
  const page = readFileSync(sb, 'utf8');
  selfContained(page);
  expect(page).toContain('<title>split-brain: zabsim studio</title>');
  // The same input gives the same bytes.
  expect(zabsim(['studio', 'split-brain', '--out', join(dir, 'sb2.html')]).code).toBe(0);
  expect(readFileSync(join(dir, 'sb2.html'), 'utf8')).toBe(page);

  const def = join(dir, 'default.html');
  expect(zabsim(['studio', 'default', '--seed', '3', '--out', def]).code).toBe(0);
  selfContained(readFileSync(def, 'utf8'));

  const trace = join(dir, 'default.trace.ndjson');
  expect(zabsim(['run', 'default', '--seed', '3', '--trace', trace, '--json']).code).toBe(0);
  const fromTrace = join(dir, 'from-trace.html');
  expect(zabsim(['studio', trace, '--out', fromTrace]).code).toBe(0);
  const input = (html: string): unknown => JSON.parse(/<script type="application\/json" id="zabsim-input">(.*?)<\/script>/s.exec(html)?.[1] ?? 'null');
  expect((input(readFileSync(fromTrace, 'utf8')) as { options: unknown }).options).toEqual((input(readFileSync(def, 'utf8')) as { options: unknown }).options);
}, 120_000);

test('bad input: one line, exit 2', () => {
  const fuzz = join(dir, 'f.capsule.json');
  writeFileSync(fuzz, JSON.stringify({ kind: 'zabsim-fuzz-capsule' }));
  for (const args of [
    ['studio', 'no-such-scenario'],
    ['studio', fuzz],
    ['studio', 'split-brain', '--seed', '3'],
    ['studio', 'a', 'b'],
  ]) {
    const r = zabsim(args);
    expect(r.code, args.join(' ')).toBe(2);
    expect(r.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
  }
  expect(zabsim(['studio', fuzz]).stderr).toMatch(/f\.capsule\.json:\$\.kind: expected a run capsule/);
}, 120_000);

test('npm start: the split-brain timeline, and its studio page with how to open it', () => {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
  expect(pkg.scripts['start']).toContain('run split-brain');
  expect(pkg.scripts['start']).toContain('--studio reports/out/studio/split-brain.html');
  const out = join(dir, 'start-studio.html');
  const r = zabsim(['run', 'split-brain', '--trace', join(dir, 'start.ndjson'), '--studio', out]);
  expect(r.code, r.stderr).toBe(0);
  expect(r.stdout).toContain('> heal');
  expect(r.stdout).toContain(`studio ${out}  open it in a browser: file://${out}`);
  selfContained(readFileSync(out, 'utf8'));
}, 120_000);
