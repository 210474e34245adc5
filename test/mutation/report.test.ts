// Proves the pieces of `npm run mutation` that do not need Stryker to run: the argument parser's
// one-line errors, the score (timeouts detected, non-compiling mutants left out, classified
// equivalents left out of the second score), the survivor keys and the report's source lines, and
// that the instrumenter enumerates mutants with 0-based lines matching the source, and that the
// drawn-only ignorer keeps a drawn mutant while dropping the mutants nested inside its span.
import { expect, test } from 'vitest';
import { parseMutationArgs } from './args.js';
import { parseClassified } from './classified.js';
import { classificationKeys, mutantKey, renderReport, summarize, type ResultLike } from './report.js';
import { enumerateMutants } from './enumerate.js';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Instrumenter } from '@stryker-mutator/instrumenter';
// @ts-expect-error: a plain .mjs plugin for Stryker, without type declarations
import { NOT_DRAWN, strykerPlugins } from './drawn-only-ignorer.mjs';

const at = (line: number, column: number) => ({ start: { line, column }, end: { line, column: column + 1 } });
const result = (status: string, line: number, replacement = 'true'): ResultLike => ({
  fileName: 'protocol/x.ts',
  mutatorName: 'ConditionalExpression',
  replacement,
  status,
  location: at(line, 2),
});

test('arguments: defaults, values, and one-line errors naming the option', () => {
  const d = parseMutationArgs([]);
  expect(d).toMatchObject({ sample: 0, seeds: 2000, profile: 'standard', concurrency: 2 });
  expect(parseMutationArgs(['--sample', '300', '--seeds', '50', '--files', 'protocol/zab/*.ts'])).toMatchObject({
    sample: 300,
    seeds: 50,
    files: ['protocol/zab/*.ts'],
  });
  expect(parseMutationArgs(['--seeds', '0'])).toBe('--seeds 0: expected an integer ≥ 1');
  expect(parseMutationArgs(['--profile', 'huge'])).toBe('--profile huge: expected standard or deep');
  expect(parseMutationArgs(['--sample'])).toBe('--sample: expected a value after it');
  expect(parseMutationArgs(['--bogus', '1'])).toMatch(/^--bogus: unknown option/);
  expect(parseMutationArgs(['--timeout-factor', '10'])).toMatchObject({ timeoutFactor: 10 });
  expect(parseMutationArgs(['--timeout-factor', '0'])).toBe('--timeout-factor 0: expected an integer ≥ 1');
  expect(parseMutationArgs([])).toMatchObject({ shard: { k: 1, n: 1 } });
  expect(parseMutationArgs(['--shard', '2/6'])).toMatchObject({ shard: { k: 2, n: 6 } });
  expect(parseMutationArgs(['--shard', '7/6'])).toBe('--shard 7/6: expected K/N with 1 ≤ K ≤ N (the K-th of N parts of the sample)');
  expect(parseMutationArgs(['--shard', '0/6'])).toMatch(/^--shard 0\/6: expected K\/N/);
});

test('cpu budget: the clean sweep records its CPU seconds; a mutant sweep past factor x that + slack is stopped with the marker', () => {
  const dir = mkdtempSync(join(tmpdir(), 'zabsim-cpu-budget-'));
  const script = join(import.meta.dirname, 'cpu-budget.sh');
  const busy = (seconds: number) => ['node', '-e', `const t = process.cpuUsage(); while ((process.cpuUsage(t).user) < ${seconds * 1e6});`];
  const clean = spawnSync('sh', [script, dir, '2', '1', ...busy(2.2)], { encoding: 'utf8', env: { ...process.env, __STRYKER_ACTIVE_MUTANT__: '' } });
  expect(clean.status).toBe(0);
  // 2.2 s of user CPU, some system time (startup, GC threads), plus one second, rounded down: a
  // `times` read in a subshell would give 1 (no children there).
  const seconds = Number(readFileSync(join(dir, 'clean-cpu-seconds'), 'utf8'));
  expect(seconds).toBeGreaterThanOrEqual(3);
  expect(seconds).toBeLessThan(20);
  writeFileSync(join(dir, 'clean-cpu-seconds'), '0\n');
  const within = spawnSync('sh', [script, dir, '2', '2', ...busy(0.2)], { encoding: 'utf8', env: { ...process.env, __STRYKER_ACTIVE_MUTANT__: '7' } });
  expect([within.status, within.stderr]).toEqual([0, '']);
  const endless = spawnSync('sh', [script, dir, '2', '1', 'node', '-e', 'for (;;);'], {
    encoding: 'utf8',
    env: { ...process.env, __STRYKER_ACTIVE_MUTANT__: '7' },
  });
  expect(endless.status).toBe(152);
  expect(endless.stderr).toContain('zabsim-mutation: cpu budget spent (1 s)');
});

test('score: killed and timed-out mutants are detected, non-compiling ones do not count, classified equivalents leave the second denominator', () => {
  const results = [result('Killed', 0), result('Timeout', 1), result('Survived', 2), result('Survived', 3, 'false'), result('CompileError', 4)];
  expect(mutantKey(results[3] as ResultLike)).toBe('protocol/x.ts:4:2:ConditionalExpression:false');
  const text = 'line one\nif (a) b();\nline three\n  return x;\n';
  const key = classificationKeys([results[3] as ResultLike], () => text)[0]!;
  expect(key).toBe('protocol/x.ts ConditionalExpression: r → false #2');
  const s = summarize(results, { [key]: { class: 'equivalent', why: 'both branches return the same value' } }, () => text, {
    drawn: 5,
    total: 9,
    extra: 0,
    command: 'c',
    files: ['protocol/x.ts'],
    sampleSeed: '1',
  });
  expect([s.killed, s.timeout, s.survived, s.notCompiling, s.judged, s.equivalent]).toEqual([1, 1, 2, 1, 4, 1]);
  expect(s.score).toBeCloseTo(0.5);
  expect(s.scoreNonEquivalent).toBeCloseTo(2 / 3);
  const md = renderReport(s, () => text);
  expect(md).toContain('`protocol/x.ts:3` ConditionalExpression → `true` — UNCLASSIFIED');
  expect(md).toContain('  `line three`'); // the survivor's own source line, 1-based line 3
  expect(md).toContain('equivalent: both branches return the same value');
  expect(md).toContain(`classification key: \`${key}\``);
});

test('classification keys name the code, not its line: an edit above keeps them, identical code gets #2', () => {
  const at = (line: number, column: number, end: number) => ({
    fileName: 'protocol/z.ts',
    mutatorName: 'EqualityOperator',
    replacement: 'a <= b',
    location: { start: { line, column }, end: { line, column: end } },
  });
  const before = 'if (a < b) f();\nif (a < b) g();\n';
  const after = '// a new comment\n' + before;
  const k1 = classificationKeys([at(0, 4, 9), at(1, 4, 9)], () => before);
  const k2 = classificationKeys([at(2, 4, 9), at(1, 4, 9)], () => after);
  expect(k1).toEqual(['protocol/z.ts EqualityOperator: a < b → a <= b', 'protocol/z.ts EqualityOperator: a < b → a <= b #2']);
  expect(k2).toEqual([k1[1], k1[0]]); // the given order is kept; #n follows the text's place in the file
});

test('classified files: one object per file, keys given once, each { class, why }', () => {
  const into = {};
  parseClassified('a.json', '{"k": {"class": "gap", "why": "no workload reaches it"}}', into);
  expect(into).toEqual({ k: { class: 'gap', why: 'no workload reaches it' } });
  expect(() => parseClassified('b.json', '{"k": {"class": "gap", "why": "again"}}', into)).toThrow('b.json: k: expected each key once');
  expect(() => parseClassified('c.json', '{"j": {"class": "maybe", "why": "x"}}', {})).toThrow('c.json: j: expected { "class"');
  expect(() => parseClassified('d.json', '[1]', {})).toThrow('d.json: expected an object');
  expect(() => parseClassified('e.json', '{', {})).toThrow('e.json: expected JSON');
});

test('the instrumenter places mutants at 0-based lines of the source it was given', async () => {
  const content = 'export function f(a: number): number {\n  if (a > 1) return 2;\n  return 3;\n}\n';
  const mutants = await enumerateMutants([{ name: 'protocol/y.ts', content }]);
  const flip = mutants.find((m) => m.mutatorName === 'EqualityOperator' && m.replacement === 'a >= 1');
  expect(flip).toBeDefined();
  expect(flip?.location.start).toEqual({ line: 1, column: 6 });
});

test('drawn-only ignorer: a drawn block keeps its own mutant, the mutants nested in it are not placed, a drawn nested one is', async () => {
  const content = 'export function f(a: number): number {\n  if (a > 1) {\n    return a + 2;\n  }\n  return 3;\n}\n';
  const all = await enumerateMutants([{ name: 'protocol/y.ts', content }]);
  const block = all.find((m) => m.mutatorName === 'BlockStatement' && m.location.start.line === 1);
  const plus = all.find((m) => m.mutatorName === 'ArithmeticOperator');
  expect(block).toBeDefined();
  expect(plus).toBeDefined();
  const placed = async (drawn: typeof all) => {
    const dir = mkdtempSync(join(tmpdir(), 'zabsim-mut-'));
    const file = join(dir, 'drawn.json');
    const spans = drawn.map((m) => ({
      start: { line: m.location.start.line + 1, column: m.location.start.column },
      end: { line: m.location.end.line + 1, column: m.location.end.column },
    }));
    writeFileSync(file, JSON.stringify(spans));
    process.env.ZABSIM_MUTATION_DRAWN = file;
    const ignorer = (strykerPlugins as { name: string; value: unknown }[]).find((p) => p.name === 'zabsim-drawn-only')!.value;
    const quiet = {
      isTraceEnabled: () => false,
      isDebugEnabled: () => false,
      debug: () => undefined,
      trace: () => undefined,
      info: () => undefined,
      warn: () => undefined,
      error: () => undefined,
    };
    const ranges = drawn.map((m) => ({ start: m.location.start, end: m.location.end }));
    const result = await new Instrumenter(quiet as never).instrument([{ name: 'protocol/y.ts', content, mutate: ranges }], {
      plugins: null,
      excludedMutations: [],
      ignorers: [ignorer],
      noHeader: true,
    } as never);
    delete process.env.ZABSIM_MUTATION_DRAWN;
    return result.mutants.filter((m) => m.status === undefined).map((m) => `${m.mutatorName}@${m.location.start.line}:${m.location.start.column}`);
  };
  // The block alone: its own mutant, none of the comparison's or the addition's inside it.
  const onlyBlock = await placed([block!]);
  expect(onlyBlock).toContain(`BlockStatement@${block!.location.start.line}:${block!.location.start.column}`);
  expect(onlyBlock.some((k) => k.startsWith('ArithmeticOperator'))).toBe(false);
  // The block and the addition inside it: both placed.
  const both = await placed([block!, plus!]);
  expect(both).toContain(`ArithmeticOperator@${plus!.location.start.line}:${plus!.location.start.column}`);
  expect(both).toContain(`BlockStatement@${block!.location.start.line}:${block!.location.start.column}`);
});

test('drawn-only checker: the drawn mutants pass by exact name, the other mutators on the same node are refused', async () => {
  const content = 'export function f(a: number): number {\n  if (a > 1) return 2;\n  return 3;\n}\n';
  const all = await enumerateMutants([{ name: 'protocol/y.ts', content }]);
  const drawn = all.filter((m) => m.mutatorName === 'EqualityOperator' && m.replacement === 'a >= 1');
  const sameNode = all.filter((m) => m.location.start.line === 1 && m.location.start.column === 6 && !drawn.includes(m));
  expect([drawn.length, sameNode.length > 0]).toEqual([1, true]);
  const dir = mkdtempSync(join(tmpdir(), 'zabsim-mut-'));
  const file = join(dir, 'keys.json');
  writeFileSync(file, JSON.stringify(drawn.map((m) => [m.fileName, mutantKey(m).slice(m.fileName.length + 1)])));
  process.env.ZABSIM_MUTATION_DRAWN_KEYS = file;
  const Checker = (
    strykerPlugins as { name: string; injectableClass: new () => { check(m: unknown[]): Promise<Record<string, { status: string; reason?: string }>> } }[]
  ).find((p) => p.name === 'zabsim-drawn-only-checker')!.injectableClass;
  // Stryker hands the checker absolute file names.
  const asStryker = [...drawn, ...sameNode].map((m, i) => ({ ...m, id: String(i), fileName: `/sandbox/x/${m.fileName}` }));
  const verdicts = await new Checker().check(asStryker);
  delete process.env.ZABSIM_MUTATION_DRAWN_KEYS;
  expect(verdicts['0']).toEqual({ status: 'passed' });
  for (let i = 1; i < asStryker.length; i++) expect(verdicts[String(i)]).toEqual({ status: 'compileError', reason: NOT_DRAWN });
});
