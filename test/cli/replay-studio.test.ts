// Proves `zabsim replay` on a studio capsule (a branch exported from the studio): a branch of a
// narrated scenario and one of a built-in run replay to the trace hash the studio recorded, with the
// branch's own exit code; a capsule whose hash no longer matches exits 4; a malformed fork gets one
// line naming the file and the field, and exit 2.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';
import { runStudioInput, studioModel } from '../../reports/studio/engine.js';
import { StudioSession } from '../../reports/studio/session.js';
import { studioInput } from '../../sim/cli/studio.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = join(ROOT, 'sim', 'cli', 'zabsim.mjs');
const dir = mkdtempSync(join(tmpdir(), 'zabsim-replay-studio-'));

function zabsim(args: readonly string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

function session(name: string, flags: { seed?: string } = {}): StudioSession {
  const input = studioInput(name, flags);
  const run = runStudioInput(input);
  return new StudioSession(input, run, studioModel(run));
}

test('a branch of a scenario and of a built-in run replay to the recorded hash, with the branch exit code', () => {
  const sb = session('split-brain');
  const cut = sb.model.narration[2]?.t ?? 0;
  const branch = sb.fork({ atUs: cut, interventions: [{ kind: 'heal' }, { kind: 'crash', node: 3 }] }, 'heal at once');
  expect(branch.run.hash).not.toBe(sb.run.hash);
  const file = join(dir, 'heal.capsule.json');
  writeFileSync(file, sb.capsule(branch));
  const r = zabsim(['replay', file, '--json']);
  const out = JSON.parse(r.stdout) as { traceHash: string; matched: boolean; exitCode: number };
  expect(out.traceHash).toBe(branch.run.hash);
  expect(out.matched).toBe(true);
  expect(r.code).toBe(branch.run.exitCode);

  const def = session('default', { seed: '7' });
  // The first moment after mid-run when a message (not a heartbeat) is in flight.
  const m = def.model.m;
  const i = m.s.findIndex((s, k) => s >= def.model.tEnd / 2 && (m.f[k] ?? 0) > 0 && !(def.model.strings[m.lb[k] ?? 0] ?? '').startsWith('PING'));
  const at = m.s[i] ?? 0;
  const msg = def.inFlightAt(at).find((x) => !x.msg.startsWith('PING'));
  if (msg === undefined) throw new Error('nothing in flight mid-run');
  const drop = def.fork({
    atUs: at,
    interventions: [
      { kind: 'drop', ...msg },
      { kind: 'wipe', node: 2 },
    ],
  });
  const file2 = join(dir, 'default.capsule.json');
  writeFileSync(file2, def.capsule(drop));
  const r2 = zabsim(['replay', file2]);
  expect(r2.stdout).toContain(`branch reproduces`);
  expect(r2.stdout).toContain(drop.run.hash);
  expect(r2.code).toBe(drop.run.exitCode);
}, 120_000);

test('a capsule whose hash does not match exits 4; a malformed fork exits 2 with one line', () => {
  const s = session('sync-diff');
  const branch = s.fork({ atUs: 1000, interventions: [{ kind: 'pause', node: 1 }] });
  const doc = JSON.parse(s.capsule(branch)) as Record<string, unknown>;
  const stale = join(dir, 'stale.capsule.json');
  writeFileSync(stale, JSON.stringify({ ...doc, traceHash: '0000000000000000' }));
  const r = zabsim(['replay', stale]);
  expect(r.code).toBe(4);
  expect(r.stdout).toContain('branch did NOT reproduce');

  const bad = join(dir, 'bad.capsule.json');
  writeFileSync(bad, JSON.stringify({ ...doc, fork: { atUs: 5, interventions: [{ kind: 'explode', node: 1 }] } }));
  const b = zabsim(['replay', bad]);
  expect(b.code).toBe(2);
  expect(b.stderr.trim().split('\n')).toHaveLength(1);
  expect(b.stderr).toContain(`${bad}:$.fork: expected fork.interventions[0].kind, one of`);
}, 120_000);
