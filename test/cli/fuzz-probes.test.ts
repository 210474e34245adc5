// Proves the fuzz command's coverage and guidance promises: a standard sweep of 800 seeds (half of them service cases) reaches
// every Zab-level probe (the CI coverage check) and lists for each probe the lowest seeds that reach it; --require-probes fails a sweep (exit 1, one line
// naming them) when a required probe never fired, on a sweep and on --merge; probe counts reach
// --json, JUnit properties and testcases, --coverage HTML and a capsule's report; and a guided
// sweep is the same with one worker or two.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { PROBES, probesOfLevel } from '../../sim/fuzz/probes/registry.js';
import { findAll, parseXml } from '../reports/xml.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = join(ROOT, 'sim', 'cli', 'zabsim.mjs');
const dir = mkdtempSync(join(tmpdir(), 'zabsim-probes-'));

function zabsim(args: readonly string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

interface Summary {
  seeds: number;
  failures: number;
  probes: Record<string, number>;
  probeSeeds?: Record<string, number[]>;
  guided?: { uniformSeeds: number; children: number; corpus: number };
  wallMs?: number;
  capsules?: string[];
  reports?: string[];
}

describe('coverage probes in CI', () => {
  test('an 800-seed standard sweep reaches every Zab-level probe', () => {
    const r = zabsim(['fuzz', '--profile', 'standard', '--seeds', '800', '--workers', '2', '--require-probes', 'zab', '--json', '--out', join(dir, 'ci')]);
    const s = JSON.parse(r.stdout) as Summary;
    const missing = probesOfLevel('zab')
      .map((p) => p.name)
      .filter((n) => (s.probes[n] ?? 0) === 0);
    expect(missing).toEqual([]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(s.failures === 0 ? 0 : r.code);
    // Each reached probe lists its lowest seeds, ascending, as many as reached it up to 20.
    for (const [name, count] of Object.entries(s.probes)) {
      const seeds = s.probeSeeds?.[name] ?? [];
      expect([name, seeds.length]).toEqual([name, Math.min(count, 20)]);
      expect(seeds).toEqual([...seeds].sort((a, b) => a - b));
    }
    // A listed seed, run alone, reaches its probe: the list says where to look.
    const rarest = Object.entries(s.probes)
      .filter(([, c]) => c > 0)
      .sort((a, b) => a[1] - b[1])[0]!;
    const seed = s.probeSeeds![rarest[0]]![0]!;
    const alone = JSON.parse(
      zabsim(['fuzz', '--profile', 'standard', '--start', String(seed), '--seeds', '1', '--workers', '1', '--keep', '--json', '--out', join(dir, 'alone')])
        .stdout,
    ) as Summary;
    expect([rarest[0], alone.probes[rarest[0]]]).toEqual([rarest[0], 1]);
    // --keep leaves the passing seed's capsule, and it replays to the same verdict.
    expect(alone.capsules).toHaveLength(1);
    const replay = zabsim(['replay', alone.capsules![0]!, '--no-report']);
    expect([replay.code, replay.stderr]).toEqual([0, '']);
  }, 300_000);
});

describe('--require-probes', () => {
  test('a sweep that misses required probes exits 1 with one line naming them, and JUnit fails those probes', () => {
    const xml = join(dir, 'req.xml');
    const r = zabsim(['fuzz', '--profile', 'quick', '--seeds', '2', '--require-probes', 'zab', '--json', '--junit', xml, '--out', join(dir, 'req')]);
    const s = JSON.parse(r.stdout) as Summary;
    expect(s.failures).toBe(0);
    const missing = probesOfLevel('zab')
      .map((p) => p.name)
      .filter((n) => s.probes[n] === 0);
    expect(missing.length).toBeGreaterThan(0);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    for (const n of missing) expect(r.stderr).toContain(n);
    const doc = parseXml(readFileSync(xml, 'utf8'));
    const props = findAll(doc, 'property').filter((p) => p.attrs['name']?.startsWith('probe.'));
    expect(props).toHaveLength(PROBES.length);
    const failedProbes = findAll(doc, 'testcase').filter((c) => c.attrs['name']?.startsWith('probe=') && findAll(c, 'failure').length > 0);
    expect(failedProbes.map((c) => c.attrs['name']?.slice('probe='.length)).sort()).toEqual(missing.slice().sort());
  }, 120_000);

  test('--merge sums probe counts: every required probe reached exits 0, one never reached exits 1', () => {
    const all = Object.fromEntries(PROBES.map((p) => [p.name, 0]));
    const base = { protocol: 'p', profile: 'standard', mutant: null, seeds: 1, failures: 0, violations: {}, livenessClasses: {}, unknown: {}, unknownSeeds: 0 };
    const zab = probesOfLevel('zab').map((p) => p.name);
    const a = {
      ...base,
      seedRange: [0, 1],
      probes: { ...all, ...Object.fromEntries(zab.slice(1).map((n) => [n, 1])) },
      probeSeeds: { [zab[1] as string]: [7, 9] },
    };
    const b = { ...base, seedRange: [1, 2], probes: { ...all, [zab[0] as string]: 2 }, probeSeeds: { [zab[1] as string]: [3] } };
    writeFileSync(join(dir, 'a.json'), JSON.stringify(a));
    writeFileSync(join(dir, 'b.json'), JSON.stringify(b));
    const both = zabsim(['fuzz', '--merge', join(dir, 'a.json'), join(dir, 'b.json'), '--require-probes', 'zab', '--json']);
    expect(both.code).toBe(0);
    expect((JSON.parse(both.stdout) as Summary).probes[zab[0] as string]).toBe(2);
    expect((JSON.parse(both.stdout) as Summary).probeSeeds?.[zab[1] as string]).toEqual([3, 7, 9]);
    const one = zabsim(['fuzz', '--merge', join(dir, 'a.json'), '--require-probes', 'zab', '--json']);
    expect(one.code).toBe(1);
    expect(one.stderr).toContain(zab[0] as string);
  });

  test('an unknown level is a usage error', () => {
    const r = zabsim(['fuzz', '--seeds', '1', '--require-probes', 'most']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });
});

describe('probe counts in reports', () => {
  test("--coverage writes a page listing every probe; a failing capsule's report lists the probes its run reached", () => {
    const cov = join(dir, 'cov.html');
    const r = zabsim([
      'fuzz',
      '--profile',
      'quick',
      '--mutant',
      'commit-without-quorum',
      '--seeds',
      '1',
      '--reports',
      '1',
      '--coverage',
      cov,
      '--json',
      '--out',
      join(dir, 'rep'),
    ]);
    const s = JSON.parse(r.stdout) as Summary;
    const page = readFileSync(cov, 'utf8');
    for (const p of PROBES) expect(page).toContain(p.name);
    expect(s.reports).toHaveLength(1);
    const html = readFileSync((s.reports as string[])[0] as string, 'utf8');
    expect(html).toContain('Coverage probes reached');
    const reached = Object.entries(s.probes).filter(([, n]) => n > 0);
    expect(reached.length).toBeGreaterThan(0);
    for (const [name] of reached) expect(html).toContain(name);
  }, 120_000);
});

describe('--guided', () => {
  test('the same guided sweep with one worker or two: same runs, same children, same probes', () => {
    const once = (workers: string): Summary => {
      const r = zabsim(['fuzz', '--profile', 'quick', '--guided', '--seeds', '40', '--workers', workers, '--json', '--out', join(dir, `g${workers}`)]);
      const s = JSON.parse(r.stdout) as Summary;
      delete s.wallMs;
      delete s.capsules;
      delete s.reports;
      return s;
    };
    const one = once('1');
    expect(one.guided?.children).toBeGreaterThan(0);
    expect(one.seeds).toBe(40);
    expect(once('2')).toEqual(one);
  }, 240_000);
});
