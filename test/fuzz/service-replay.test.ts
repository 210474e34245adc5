// Proves a service-workload case is data that replays exactly: its capsule, run again by
// `zabsim replay` (through the command line, in a fresh process), gives a byte-identical trace and
// the same failure, and `zabsim shrink` keeps the workload a service workload.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';
import { caseForSeed } from '../../sim/fuzz/arbitraries.js';
import { runCase, type FuzzCase } from '../../sim/fuzz/case.js';
import { readCapsule, writeCapsule } from '../../sim/fuzz/capsule.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = join(ROOT, 'sim', 'cli', 'zabsim.mjs');

function zabsim(...args: string[]): { code: number; stdout: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status ?? -1, stdout: r.stdout };
}

/** The first service case among the quick seeds that fails with a Zab mutant planted (the capsule needs a failure to replay). */
function failingServiceCase(): FuzzCase {
  for (let n = 0; n < 40; n++) {
    const c = caseForSeed('quick', n, ['commit-without-quorum']);
    if (c.service !== undefined && runCase(c).failure !== null) return c;
  }
  throw new Error('no failing service case in quick seeds 0..39');
}

test('a service capsule replays byte-identically through zabsim replay, and shrinks to a service case', () => {
  const dir = mkdtempSync(join(tmpdir(), 'zabsim-service-replay-'));
  const c = failingServiceCase();
  const { path, result } = writeCapsule(c, null, dir, 'svc');
  const capsule = readCapsule(path);
  expect(capsule.case.service).toEqual(c.service);
  expect(capsule.steps.join('\n')).toContain('service workload:');
  const report = join(dir, 'again.html');
  const r = zabsim('replay', path, '--json', '--report', report);
  const out = JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}') as { reproduced: boolean; failure: string };
  expect(out.reproduced).toBe(true);
  expect(out.failure).toBe(result.failure);
  expect(r.code).toBe(result.report.exitCode);
  const original = readFileSync(capsule.trace as string);
  const again = readFileSync(join(dir, 'again.trace.ndjson'));
  expect(again.equals(original)).toBe(true);

  const s = zabsim('shrink', path, '--out', dir, '--budget', '20', '--no-report');
  expect(s.code).toBe(0);
  const shrunk = readCapsule(join(dir, 'svc.shrunk.capsule.json'));
  expect(shrunk.case.service?.sessionTimeoutMs).toBe(c.service?.sessionTimeoutMs);
  expect(shrunk.case.service?.roles).toEqual(c.service?.roles.slice(0, shrunk.case.clients));
  expect(shrunk.failure).toBe(result.failure);
}, 300_000);
