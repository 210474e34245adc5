// Proves the seed corpus's command line: --guided --distill writes a corpus that a guided sweep then
// starts from (its members are the first runs, and the sweep is the same with one worker or two); a
// corpus file that is stale or malformed is bad input (one line naming the file and place, exit 2),
// never silently used; and the flags refuse combinations they do not apply to.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { caseForSeed } from '../../sim/fuzz/arbitraries.js';
import { seedCorpusOf, writeSeedCorpus } from '../../sim/fuzz/guided/seed-corpus.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = join(ROOT, 'sim', 'cli', 'zabsim.mjs');
const dir = mkdtempSync(join(tmpdir(), 'zabsim-corpus-cli-'));

function zabsim(args: readonly string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

interface Summary {
  seeds: number;
  probes: Record<string, number>;
  guided?: { uniformSeeds: number; children: number; corpus: number; seedCorpus: string | null; seedCorpusRuns: number };
  wallMs?: number;
  capsules?: string[];
  reports?: string[];
}

describe('--guided --distill and --corpus', () => {
  const corpusFile = join(dir, 'quick.json');

  test('distils a corpus, and a guided sweep from it runs its members first, the same with one worker or two', () => {
    const d = zabsim(['fuzz', '--profile', 'quick', '--guided', '--distill', '--seeds', '16', '--json', '--out', corpusFile]);
    expect(d.code).toBe(0);
    const made = JSON.parse(d.stdout) as { runs: number; members: number; covers: { probes: number } };
    expect(made.runs).toBe(16);
    expect(made.members).toBeGreaterThan(0);
    expect(made.members).toBeLessThanOrEqual(16);
    const file = JSON.parse(readFileSync(corpusFile, 'utf8')) as { members: { probes: string[] }[] };
    expect(new Set(file.members.flatMap((m) => m.probes)).size).toBe(made.covers.probes);
    const once = (workers: string): Summary => {
      const r = zabsim([
        'fuzz',
        '--profile',
        'quick',
        '--guided',
        '--corpus',
        corpusFile,
        '--seeds',
        '24',
        '--workers',
        workers,
        '--json',
        '--out',
        join(dir, `g${workers}`),
      ]);
      const s = JSON.parse(r.stdout) as Summary;
      delete s.wallMs;
      delete s.capsules;
      delete s.reports;
      return s;
    };
    const one = once('1');
    expect(one.guided?.seedCorpus).toBe(corpusFile);
    expect(one.guided?.seedCorpusRuns).toBe(made.members);
    expect(one.guided?.uniformSeeds).toBeLessThan(24 - made.members + 1);
    expect(once('2')).toEqual(one);
  }, 300_000);

  test('a stale or malformed corpus file is bad input: one line, exit 2', () => {
    const goodFile = join(dir, 'good.json');
    writeSeedCorpus(goodFile, seedCorpusOf('quick', 0, [{ n: 0, label: 'seed 0', case: caseForSeed('quick', 0), probes: ['p'] }], 'test'));
    const good = JSON.parse(readFileSync(goodFile, 'utf8')) as Record<string, unknown>;
    const stale = join(dir, 'stale.json');
    writeFileSync(stale, JSON.stringify({ ...good, probeRegistry: ['a-probe-long-gone'] }));
    const r = zabsim(['fuzz', '--profile', 'quick', '--guided', '--corpus', stale, '--seeds', '2']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain(`${stale}:$.version: expected a seed corpus current for this zabsim, but the probe registry changed`);
    const other = zabsim(['fuzz', '--profile', 'standard', '--guided', '--corpus', goodFile, '--seeds', '2']);
    expect(other.code).toBe(2);
    expect(other.stderr).toContain('distilled for the quick profile');
    const broken = join(dir, 'broken.json');
    writeFileSync(broken, '{"kind": "zabsim-seed-corpus", "version": 1, "profile": "quick"}');
    const b = zabsim(['fuzz', '--profile', 'quick', '--guided', '--corpus', broken, '--seeds', '2']);
    expect(b.code).toBe(2);
    expect(b.stderr.trim()).toBe(`zabsim fuzz: ${broken}:$.probeRegistry: expected an array of probe names`);
  }, 120_000);

  test('--corpus without --guided or --compare, and --distill with a mutant or without --out, are usage errors', () => {
    for (const args of [
      ['--corpus', 'none'],
      ['--guided', '--distill', '--mutant', 'ZK-1154', '--out', join(dir, 'x.json')],
      ['--guided', '--distill'],
    ]) {
      const r = zabsim(['fuzz', '--profile', 'quick', '--seeds', '2', ...args]);
      expect(r.code).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    }
  });
});
