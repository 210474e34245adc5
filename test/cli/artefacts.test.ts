// Proves the command line leaves CI and people the artefacts it promises: `fuzz --junit` writes JUnit
// XML that parses and holds each failing seed with its checker, detail and capsule; fuzz writes an
// HTML report with the violation and the capsule's steps next to the first failing capsules;
// `replay` writes one for a failing capsule (by default under reports/out/replay/, or at --report);
// `shrink` writes one for the shrunk capsule; `run` and `check` take --junit too, narrated scenarios
// included; and a sweep's passing seeds collapse into one testcase above PASSING_CASES_MAX.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { escapeHtml } from '../../reports/escape.js';
import { junitXml } from '../../reports/junit.js';
import { fuzzSuite, PASSING_CASES_MAX } from '../../sim/cli/fuzz-artefacts.js';
import type { SeedOutcome } from '../../sim/fuzz/seed.js';
import { findAll, parseXml, type XmlElement } from '../reports/xml.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = join(ROOT, 'sim', 'cli', 'zabsim.mjs');
const dir = mkdtempSync(join(tmpdir(), 'zabsim-artefacts-'));

function zabsim(args: readonly string[], cwd = ROOT): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

function junit(path: string): XmlElement {
  return parseXml(readFileSync(path, 'utf8'));
}

/** The violations embedded in a report's data, as the viewer marks them. */
function reportViolations(html: string): { checker: string }[] {
  const data = /<script type="application\/json" id="zabsim-data">([\s\S]*?)<\/script>/.exec(html)?.[1] ?? '{}';
  return (JSON.parse(data) as { violations?: { checker: string }[] }).violations ?? [];
}

// One tiny sweep shared by the fuzz, replay and shrink tests: commit-without-quorum fails seed 0.
const fuzzOut = join(dir, 'fuzz');
let sweep: { code: number; summary: { capsules: string[]; reports: string[]; junit: string | null; failures: number } } | null = null;
function fuzzOnce(): NonNullable<typeof sweep> {
  if (sweep === null) {
    const r = zabsim([
      'fuzz',
      '--profile',
      'quick',
      '--mutant',
      'commit-without-quorum',
      '--seeds',
      '1',
      '--out',
      fuzzOut,
      '--junit',
      join(dir, 'fuzz.xml'),
      '--json',
    ]);
    expect(r.stderr).toBe('');
    sweep = { code: r.code, summary: JSON.parse(r.stdout) as NonNullable<typeof sweep>['summary'] };
  }
  return sweep;
}

describe('zabsim fuzz artefacts', () => {
  test('--junit: the XML parses and holds the failing seed with its checker, detail, capsule and report', () => {
    const { code, summary } = fuzzOnce();
    expect(code).toBe(1);
    expect(summary.failures).toBe(1);
    expect(summary.junit).toBe(join(dir, 'fuzz.xml'));
    const root = junit(join(dir, 'fuzz.xml'));
    expect(root.attrs).toMatchObject({ tests: '1', failures: '1', errors: '0' });
    const cases = findAll(root, 'testcase');
    expect(cases.map((c) => c.attrs['name'])).toEqual(['seed=0']);
    const failure = findAll(cases[0] as XmlElement, 'failure')[0];
    expect(failure?.attrs['type']).toBe('quorum-commit');
    expect(failure?.attrs['message']).toMatch(/^quorum-commit violated: \d+:\d+ committed, but only/);
    expect(failure?.text).toContain(`capsule: ${summary.capsules[0]}`);
    expect(failure?.text).toContain(`replay: npx zabsim replay ${summary.capsules[0]}`);
    expect(failure?.text).toContain(`report: ${summary.reports[0]}`);
  }, 60_000);

  test('an HTML report next to the failing capsule: the violation, the capsule steps as the repro', () => {
    const { summary } = fuzzOnce();
    expect(summary.reports).toEqual([join(fuzzOut, 'seed-0.html')]);
    const html = readFileSync(summary.reports[0] as string, 'utf8');
    expect(html).toContain('<body class="failed">');
    expect(html).toContain('<ol class="violations">');
    expect(reportViolations(html).map((v) => v.checker)).toContain('quorum-commit');
    const capsule = JSON.parse(readFileSync(summary.capsules[0] as string, 'utf8')) as { steps: string[] };
    expect(capsule.steps.length).toBeGreaterThan(0);
    expect(html).toContain('<ol class="repro-steps">');
    for (const step of capsule.steps) expect(html).toContain(escapeHtml(step));
    expect(html).toContain(`npx zabsim replay ${summary.capsules[0]}`);
  }, 60_000);

  test('--reports 0 writes capsules but no report; --junit with --merge is a usage error', () => {
    const r = zabsim([
      'fuzz',
      '--profile',
      'quick',
      '--mutant',
      'commit-without-quorum',
      '--seeds',
      '1',
      '--out',
      join(dir, 'fuzz0'),
      '--reports',
      '0',
      '--json',
    ]);
    const s = JSON.parse(r.stdout) as { capsules: string[]; reports: string[] };
    expect(s.capsules).toHaveLength(1);
    expect(s.reports).toEqual([]);
    expect(existsSync(join(dir, 'fuzz0', 'seed-0.html'))).toBe(false);
    const m = zabsim(['fuzz', '--merge', join(dir, 'x.json'), '--junit', join(dir, 'm.xml')]);
    expect(m.code).toBe(2);
    expect(m.stderr.trim().split('\n')).toHaveLength(1);
  }, 60_000);
});

describe('replay and shrink reports', () => {
  test('replaying a failing capsule writes a report under reports/out/replay/ by default, or at --report', () => {
    const capsule = fuzzOnce().summary.capsules[0] as string;
    const cwd = mkdtempSync(join(tmpdir(), 'zabsim-replay-cwd-'));
    const byDefault = zabsim(['replay', capsule, '--json'], cwd);
    expect(byDefault.code).toBe(1);
    const out = JSON.parse(byDefault.stdout) as { reproduced: boolean; report: string };
    expect(out.reproduced).toBe(true);
    expect(out.report).toBe(join('reports', 'out', 'replay', 'seed-0.html'));
    expect(reportViolations(readFileSync(join(cwd, out.report), 'utf8')).map((v) => v.checker)).toContain('quorum-commit');
    const chosen = join(dir, 'chosen', 'replayed.html');
    const r = zabsim(['replay', capsule, '--report', chosen]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`report ${chosen}`);
    expect(readFileSync(chosen, 'utf8')).toContain('<ol class="repro-steps">');
    const none = JSON.parse(zabsim(['replay', capsule, '--no-report', '--json'], cwd).stdout) as { report: string | null };
    expect(none.report).toBeNull();
  }, 60_000);

  test('shrink writes a report of the shrunk capsule with the shrunk steps', () => {
    const capsule = fuzzOnce().summary.capsules[0] as string;
    const r = zabsim(['shrink', capsule, '--out', join(dir, 'shrunk'), '--json']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { capsule: string; report: string; steps: string[] };
    expect(out.report).toBe(join(dir, 'shrunk', 'seed-0.shrunk.html'));
    const html = readFileSync(out.report, 'utf8');
    expect(html).toMatch(/Shrunk from \d+ to \d+ steps in \d+ runs; still fails quorum-commit\./);
    expect(html).toContain(`npx zabsim replay ${out.capsule}`);
    expect(reportViolations(html).length).toBeGreaterThan(0);
  }, 60_000);

  test('a failing run writes JUnit per checker and a capsule that replay takes (through its trace)', () => {
    const scenario = join(dir, 'cwq.json');
    writeFileSync(scenario, JSON.stringify({ name: 'cwq', servers: 3, durationMs: 4000, faultsUntilMs: 2000, zab: { mutants: ['commit-without-quorum'] } }));
    const trace = join(dir, 'cwq.trace.ndjson');
    const r = zabsim(['run', scenario, '--seed', '1', '--trace', trace, '--junit', join(dir, 'run.xml'), '--json']);
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout) as { capsule: string; junit: string };
    expect(out.capsule).toBe(join(dir, 'cwq.capsule.json'));
    const root = junit(join(dir, 'run.xml'));
    expect(findAll(root, 'failure').map((f) => f.attrs['type'])).toEqual(['quorum-commit']);
    expect(findAll(root, 'testcase').length).toBeGreaterThan(5);
    const replay = zabsim(['replay', out.capsule, '--report', join(dir, 'run-replay.html'), '--json']);
    expect(replay.code).toBe(1);
    expect((JSON.parse(replay.stdout) as { matched: boolean }).matched).toBe(true);
    expect(readFileSync(join(dir, 'run-replay.html'), 'utf8')).toContain(`<code class="cmd">npx zabsim run ${scenario} --seed 1</code>`);
  }, 60_000);
});

describe('--junit on run (narrated) and check', () => {
  test('a narrated scenario gives one testcase that passes with its expectations', () => {
    const r = zabsim(['run', 'split-brain', '--trace', join(dir, 'sb.ndjson'), '--junit', join(dir, 'sb.xml')]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`junit ${join(dir, 'sb.xml')}`);
    const root = junit(join(dir, 'sb.xml'));
    expect(root.attrs).toMatchObject({ tests: '1', failures: '0', errors: '0' });
    expect(findAll(root, 'testcase')[0]?.attrs['name']).toBe('split-brain');
    expect(findAll(root, 'system-out')[0]?.text).toContain('quorum-commit: ok');
    const seeded = zabsim(['run', 'split-brain', '--seed', '3']);
    expect(seeded.code).toBe(2);
    expect(seeded.stderr).toContain('--seed does not apply');
  }, 60_000);

  test('check --junit: a history that is not linearizable is one failing testcase with its witness', () => {
    const EPOCH1 = 2 ** 32; // zxids of epoch 1: ZooKeeper never issues epoch 0
    const op = (id: number, zxid: number, invokeUs: number, completeUs: number, path: string): string =>
      JSON.stringify({
        kind: 'op',
        id,
        client: 1,
        session: 1,
        server: 1,
        op: { type: 'create', path, data: 'x', mode: 'persistent' },
        invokeUs,
        completeUs,
        outcome: 'ok',
        result: { rc: 'ok', path },
        zxid,
      });
    writeFileSync(join(dir, 'bad.ndjson'), `{"kind":"header","version":1,"seed":"t"}\n${op(1, EPOCH1 + 6, 0, 3, '/a')}\n${op(2, EPOCH1 + 5, 4, 8, '/b')}\n`);
    const r = zabsim(['check', join(dir, 'bad.ndjson'), '--junit', join(dir, 'check.xml')]);
    expect(r.code).toBe(1);
    const failure = findAll(junit(join(dir, 'check.xml')), 'failure')[0];
    expect(failure?.attrs['type']).toBe('linearizability');
    expect(failure?.text).toContain('real-time');
  }, 60_000);
});

describe('fuzz JUnit for long sweeps', () => {
  const outcome = (n: number, failure: string | null, attributed = true, unknown: readonly string[] = []): SeedOutcome => ({
    n,
    workload: 'kv',
    failure,
    livenessClass: null,
    detail: failure === null ? '' : `${failure}: broke at ${n}`,
    unknown,
    events: 10,
    attributed,
  });

  test(`above ${PASSING_CASES_MAX} passing seeds they become one testcase; failures and skips stay one each`, () => {
    const outcomes = Array.from({ length: PASSING_CASES_MAX + 4 }, (_, n) =>
      outcome(n, n === 5 ? 'integrity' : n === 6 ? 'liveness' : n === 7 ? 'integrity' : null, n !== 7),
    );
    const root = parseXml(junitXml([fuzzSuite('quick', 'ZK-1154', [0, outcomes.length], outcomes, new Map([[5, { capsule: 'c5.json' }]]), 1000)]));
    const names = findAll(root, 'testcase').map((c) => c.attrs['name']);
    expect(names).toEqual(['seed=5', 'seed=6', 'seed=7', `seeds=0..${outcomes.length - 1} passing`]);
    expect(root.attrs).toMatchObject({ tests: '4', failures: '2' });
    expect(findAll(root, 'skipped')[0]?.attrs['message']).toContain('fails without the mutant too');
    expect(findAll(root, 'failure').map((f) => f.attrs['type'])).toEqual(['integrity', 'liveness']);
    expect(findAll(root, 'failure')[1]?.text).toContain('replay: npx zabsim fuzz --profile quick --start 6 --seeds 1 --mutant ZK-1154');
    expect(findAll(root, 'system-out').at(-1)?.text).toContain(`${PASSING_CASES_MAX + 1} seeds passed`);
  });

  test('a checker that answered unknown is named: on its passing seed, and counted in the collapsed testcase', () => {
    const few = parseXml(junitXml([fuzzSuite('standard', null, [0, 2], [outcome(0, null, true, ['linearizable-writes']), outcome(1, null)], new Map(), 10)]));
    const outs = findAll(few, 'system-out');
    expect(outs).toHaveLength(1);
    expect(outs[0]?.text).toContain('unknown (the checker could not decide): linearizable-writes');
    const many = Array.from({ length: PASSING_CASES_MAX + 2 }, (_, n) => outcome(n, null, true, n < 3 ? ['sequential-reads'] : []));
    const root = parseXml(junitXml([fuzzSuite('standard', null, [0, many.length], many, new Map(), 10)]));
    expect(findAll(root, 'system-out').at(-1)?.text).toContain('on 3 of them a checker answered unknown (sequential-reads 3): seeds 0, 1, 2');
  });

  test("fuzz --merge adds the shards' unknown counts and keeps the lowest undecided seeds of each checker", () => {
    const shard = (from: number, seeds: number[]): string => {
      const file = join(dir, `shard-${from}.json`);
      const summary = {
        protocol: 'p',
        profile: 'standard',
        mutant: null,
        seedRange: [from, from + 100],
        seeds: 100,
        failures: 0,
        firstFailingSeed: null,
        violations: {},
        livenessClasses: {},
        unattributed: 0,
        unknown: { 'linearizable-writes': seeds.length },
        unknownSeeds: seeds.length,
        unknownSeedList: { 'linearizable-writes': seeds },
        capsules: [],
        reports: [],
        junit: null,
        wallMs: 1,
        events: 1,
      };
      writeFileSync(file, `${JSON.stringify(summary)}\n`);
      return file;
    };
    const r = zabsim(['fuzz', '--merge', shard(100, [150, 170]), shard(0, [3]), '--json']);
    expect(r.code).toBe(0);
    const merged = JSON.parse(r.stdout) as { unknown: Record<string, number>; unknownSeedList: Record<string, number[]> };
    expect(merged.unknown).toEqual({ 'linearizable-writes': 3 });
    expect(merged.unknownSeedList).toEqual({ 'linearizable-writes': [3, 150, 170] });
  }, 60_000);

  test('below the bound every seed is its own testcase, times summing to the wall time', () => {
    const root = parseXml(junitXml([fuzzSuite('standard', null, [10, 13], [outcome(10, null), outcome(11, null), outcome(12, 'integrity')], new Map(), 3000)]));
    const cases = findAll(root, 'testcase');
    expect(cases.map((c) => c.attrs['name'])).toEqual(['seed=10', 'seed=11', 'seed=12']);
    expect(cases.map((c) => c.attrs['time'])).toEqual(['1.000', '1.000', '1.000']);
    expect(findAll(root, 'testsuite')[0]?.attrs['time']).toBe('3.000');
  });
});
