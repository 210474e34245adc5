// Proves the CLI launcher runs the current sources: the cached bundle is rebuilt when an input
// changes (even to the same size), and each bundled module keeps its own import.meta.url; and that
// every launch runs with zabsim's young generation, started with the flag or not, exit code kept.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, test } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const RUN_TS = join(ROOT, 'sim', 'cli', 'run-ts.mjs');

function run(entry: string, ...args: string[]): { code: number; stdout: string; stderr: string } {
  const env = { ...process.env };
  delete env['ZABSIM_LOADER'];
  const r = spawnSync(process.execPath, [RUN_TS, entry, ...args], { cwd: ROOT, encoding: 'utf8', env });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

describe('sim/cli/launch.mjs', () => {
  const dir = mkdtempSync(join(tmpdir(), 'zabsim-launch-'));
  const entry = join(dir, 'entry.ts');
  const helper = join(dir, 'helper.ts');

  test('a bundled entry sees its own URL, its imports theirs, and its argv', () => {
    writeFileSync(helper, 'export const where: string = import.meta.url;\n');
    writeFileSync(
      entry,
      "import { where } from './helper.ts';\nconst self: string = import.meta.url;\nconsole.log(JSON.stringify({ self, where, argv: process.argv.slice(1) }));\n",
    );
    const r = run(entry, '--flag');
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toEqual({ self: pathToFileURL(entry).href, where: pathToFileURL(helper).href, argv: [entry, '--flag'] });
  }, 60_000);

  test('changing an imported file, even to the same size, rebuilds the bundle', () => {
    writeFileSync(helper, "export const word: string = 'AAAA';\n");
    writeFileSync(entry, "import { word } from './helper.ts';\nconsole.log(word);\n");
    expect(run(entry).stdout.trim()).toBe('AAAA');
    writeFileSync(helper, "export const word: string = 'BBBB';\n");
    // Same size; make sure the mtime differs even on a coarse clock.
    const later = new Date(Date.now() + 5_000);
    utimesSync(helper, later, later);
    expect(run(entry).stdout.trim()).toBe('BBBB');
  }, 60_000);

  test('a process started without the young-generation flag runs again with it, keeping argv and exit code', () => {
    writeFileSync(entry, 'console.log(JSON.stringify({ execArgv: process.execArgv, argv: process.argv.slice(2) }));\nprocess.exitCode = 3;\n');
    const env: NodeJS.ProcessEnv = { ...process.env, NODE_OPTIONS: '' };
    delete env['ZABSIM_LOADER'];
    const plain = spawnSync(process.execPath, [RUN_TS, entry, 'a', 'b'], { cwd: ROOT, encoding: 'utf8', env });
    expect(plain.status).toBe(3);
    expect(JSON.parse(plain.stdout)).toEqual({ execArgv: ['--max-semi-space-size=64'], argv: ['a', 'b'] });
    // Given the flag (as the npm scripts do), it runs once, with the caller's value.
    const given = spawnSync(process.execPath, ['--max-semi-space-size=32', RUN_TS, entry], { cwd: ROOT, encoding: 'utf8', env });
    expect(JSON.parse(given.stdout).execArgv).toEqual(['--max-semi-space-size=32']);
  }, 60_000);

  test('a missing entry is a usage error', () => {
    const r = spawnSync(process.execPath, [RUN_TS], { cwd: ROOT, encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/usage/);
  });
});
