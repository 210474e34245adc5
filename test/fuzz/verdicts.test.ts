// Proves every checker's verdict decides a fuzz case: a client checker's violation is the case's
// failure (ahead of liveness, behind a Zab violation), its witness is the detail, an `unknown` is
// named but is not a failure, and the fuzz summary counts unknowns by checker.
import { expect, test } from 'vitest';
import { caseForSeed } from '../../sim/fuzz/arbitraries.js';
import { failureOf, runCase } from '../../sim/fuzz/case.js';
import { detailOf } from '../../sim/fuzz/capsule.js';
import { summarize, summaryLines } from '../../sim/cli/fuzz.js';
import { UNKNOWN_SEEDS_LISTED } from '../../sim/cli/fuzz-artefacts.js';
import type { RunReport } from '../../sim/zab/run.js';
import { failureDetail, unknownCheckers, VERDICT_ORDER } from '../../sim/zab/verdicts.js';
import { CLIENT_CHECKERS } from '../../sim/checkers/client-common.js';

// A real passing run, whose verdicts the tests below change one at a time.
const passing = runCase(caseForSeed('standard', 3));

function withVerdicts(report: RunReport, verdicts: Record<string, 'ok' | 'violated' | 'unknown'>, reason?: string): RunReport {
  const clientChecks = report.clientChecks.map((r) =>
    verdicts[r.name] === 'violated' && reason !== undefined
      ? { ...r, verdict: 'violated' as const, witness: { reason, ops: [], events: [], text: reason } }
      : verdicts[r.name] !== undefined
        ? { ...r, verdict: verdicts[r.name] as 'ok' | 'violated' | 'unknown' }
        : r,
  );
  return { ...report, verdicts: { ...report.verdicts, ...verdicts }, clientChecks };
}

test('the run the tests start from passes, and every client checker gave a verdict', () => {
  expect(passing.failure).toBeNull();
  expect(passing.unknown).toEqual([]);
  for (const name of CLIENT_CHECKERS) expect(passing.report.verdicts[name], name).toBe('ok');
  expect(VERDICT_ORDER).toEqual(expect.arrayContaining([...CLIENT_CHECKERS, 'liveness']));
});

test.each(CLIENT_CHECKERS)('a %s violation is the case failure, with its witness as the detail', (name) => {
  const report = withVerdicts(passing.report, { [name]: 'violated' }, 'a stale read at 0x100000003');
  expect(failureOf(report)).toBe(name);
  expect(failureDetail(report, name)).toBe(`${name}: a stale read at 0x100000003`);
  expect(detailOf({ ...passing, report, failure: name })).toContain('stale read');
});

test('a client violation outranks liveness; an earlier Zab violation outranks it', () => {
  const both = withVerdicts(passing.report, { 'fifo-client-order': 'violated', liveness: 'violated' });
  expect(failureOf(both)).toBe('fifo-client-order');
  const zab = { ...both, violations: [{ checker: 'integrity' as const, node: 1, message: 'two bodies', atUs: 5 }] };
  expect(failureOf(zab as RunReport)).toBe('integrity');
});

test('an unknown verdict is named, is not a failure, and a sweep counts it by checker', () => {
  const report = withVerdicts(passing.report, { 'linearizable-writes': 'unknown', 'watch-order': 'unknown' });
  expect(failureOf(report)).toBeNull();
  expect(unknownCheckers(report)).toEqual(['linearizable-writes', 'watch-order']);
  const outcome = (n: number, unknown: string[]) => ({ n, failure: null, livenessClass: null, detail: '', unknown, events: 1, attributed: false });
  const s = summarize(
    'standard',
    null,
    [0, 3],
    [outcome(0, ['linearizable-writes']), outcome(1, []), outcome(2, ['linearizable-writes', 'sequential-reads'])],
    [],
    1,
  );
  expect(s.failures).toBe(0);
  expect(s.unknownSeeds).toBe(2);
  expect(s.unknown).toEqual({ 'linearizable-writes': 2, 'sequential-reads': 1 });
  expect(s.unknownSeedList).toEqual({ 'linearizable-writes': [0, 2], 'sequential-reads': [2] });
  const text = summaryLines(s, [], null).join('\n');
  expect(text).toContain('unknown/linearizable-writes 2  seeds 0, 2');
  expect(text).toContain('unknown/sequential-reads   1  seeds 2');
});

test('a long sweep names only the lowest undecided seeds per checker, and says how many more there were', () => {
  const many = Array.from({ length: UNKNOWN_SEEDS_LISTED + 5 }, (_, i) => ({
    n: 100 + i,
    failure: null,
    livenessClass: null,
    detail: '',
    unknown: ['linearizable-writes'],
    events: 1,
    attributed: false,
  }));
  const s = summarize('standard', null, [100, 100 + many.length], many.slice().reverse(), [], 1);
  expect(s.unknown['linearizable-writes']).toBe(UNKNOWN_SEEDS_LISTED + 5);
  expect(s.unknownSeedList['linearizable-writes']).toEqual(Array.from({ length: UNKNOWN_SEEDS_LISTED }, (_, i) => 100 + i));
  expect(summaryLines(s, [], null).join('\n')).toContain(`, ${100 + UNKNOWN_SEEDS_LISTED - 1}, ... (5 more)`);
});
