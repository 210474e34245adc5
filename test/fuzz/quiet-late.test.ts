// Proves the quiet-period and late-learner layers: the swarm draws each for about its share of
// standard and deep cases (none in quick); a lull drops every operation in it and keeps the rest,
// its rolling restart takes servers down one at a time in number order, each back before the next
// goes down; a late learner's absences do not overlap, a late start is down before the first
// election ends, and only observers come back wiped; and cases with these layers run clean on the
// unmutated protocol.
import { describe, expect, test } from 'vitest';
import { caseForSeed } from '../../sim/fuzz/arbitraries.js';
import { runCase, type FuzzCase, type WorkloadOp } from '../../sim/fuzz/case.js';
import { rollingFaults, withQuiet, type QuietPeriod } from '../../sim/fuzz/quiet.js';
import { lateLearnerFaults, withLateLearner } from '../../sim/fuzz/late-learner.js';
import type { FaultEvent } from '../../sim/zab/faults.js';

const numbered = (f: FaultEvent): f is FaultEvent & { type: 'crash' | 'restart'; target: number } =>
  (f.type === 'crash' || f.type === 'restart') && typeof f.target === 'number';

describe('quiet periods', () => {
  const base: FuzzCase = { ...caseForSeed('standard', 0), faults: [], servers: 3, observers: 1 };
  const ops: WorkloadOp[] = [100, 1_000, 1_999, 2_000, 3_499, 3_500, 5_000].map((atMs) => ({ atMs, client: 0, op: { type: 'get', key: 'k0' } }));

  test('a lull drops the operations in [atMs, atMs + durationMs) and keeps the others', () => {
    const q: QuietPeriod = { atMs: 2_000, durationMs: 1_500, rolling: null };
    expect(withQuiet({ ...base, ops }, q).ops.map((o) => o.atMs)).toEqual([100, 1_000, 1_999, 3_500, 5_000]);
    expect(withQuiet({ ...base, ops }, null).ops).toEqual(ops);
    // A client burst's batch (client-burst.ts) is not the regular traffic: it stays.
    const batch: WorkloadOp = { atMs: 2_500, client: 1, op: { type: 'zk', command: { type: 'create', path: '/n1/burst-0', data: '0', acl: [], mode: 'PERSISTENT' } } };
    expect(withQuiet({ ...base, ops: [...ops, batch] }, q).ops).toContain(batch);
  });

  test('a rolling restart goes through the servers in number order, wrapping, each back before the next goes down', () => {
    const q: QuietPeriod = { atMs: 1_000, durationMs: 4_000, rolling: { startAt: 50, first: 3, count: 3, downMs: [300, 400, 500], gapMs: 200 } };
    expect(rollingFaults(q, 4).map((f) => [f.atMs, f.type, 'target' in f ? f.target : null])).toEqual([
      [3_000, 'crash', 3],
      [3_300, 'restart', 3],
      [3_500, 'crash', 4],
      [3_900, 'restart', 4],
      [4_100, 'crash', 1],
      [4_600, 'restart', 1],
    ]);
  });

  test('the swarm draws a lull for 40% of the standard and deep cases without a burst or shape, none in quick; half have a rolling restart', () => {
    const quick = Array.from({ length: 100 }, (_, n) => caseForSeed('quick', n));
    expect(quick.some((c) => c.faults.some(numbered) && c.faults.some((f) => numbered(f) && f.type === 'crash' && 'keepUnsynced' in f))).toBe(false);
    for (const profile of ['standard', 'deep'] as const) {
      // A rolling restart's crashes are the only numbered crashes that keep the unsynced writes.
      const rolled = Array.from({ length: 300 }, (_, n) => caseForSeed(profile, n)).filter((c) =>
        c.faults.some((f) => numbered(f) && f.type === 'crash' && 'keepUnsynced' in f && f.keepUnsynced === true),
      );
      // About 45% of cases have no recovery burst or shape; 40% of those a lull, half with a rolling restart: about 27 of 300.
      expect(rolled.length).toBeGreaterThan(12);
      expect(rolled.length).toBeLessThan(50);
      // None lies over a shape's writes (marked t, l or r).
      for (const c of rolled) expect(c.ops.some((o) => o.op.type === 'set' && /^[tlr]\d+$/.test(String((o.op as { value?: unknown }).value))), c.seed).toBe(false);
    }
  });
});

describe('late and returning learners', () => {
  const base: FuzzCase = { ...caseForSeed('standard', 0), faults: [], servers: 3, observers: 1 };

  test('a late start is down at 1 ms; each return is a restart of the same server; absences are kept apart', () => {
    const faults = lateLearnerFaults({
      server: 4,
      startsLate: true,
      absences: [
        { atMs: 0, downMs: 2_000, wiped: false },
        { atMs: 5_000, downMs: 500, wiped: true },
      ],
    });
    expect(faults).toEqual([
      { atMs: 1, type: 'crash', target: 4 },
      { atMs: 2_001, type: 'restart', target: 4 },
      { atMs: 5_000, type: 'crash', target: 4 },
      { atMs: 5_500, type: 'restart', target: 4, wipeDisk: true },
    ]);
    expect(withLateLearner(base, null)).toBe(base);
  });

  test('the swarm draws one for about a fifth of standard cases; only observers return wiped; absences never overlap', () => {
    const cases = Array.from({ length: 300 }, (_, n) => caseForSeed('standard', n));
    let wipedObservers = 0;
    for (const c of cases) {
      const wiped = c.faults.filter((f) => f.type === 'restart' && f.wipeDisk === true);
      for (const f of wiped) {
        expect(typeof (f as { target: unknown }).target).toBe('number');
        expect((f as { target: number }).target, c.seed).toBeGreaterThan(c.servers);
        wipedObservers++;
      }
    }
    expect(wipedObservers).toBeGreaterThan(3);
    const late = cases.filter((c) => c.faults.some((f) => f.atMs === 1 && numbered(f) && f.type === 'crash'));
    expect(late.length).toBeGreaterThan(10);
    expect(late.length).toBeLessThan(50);
    expect(Array.from({ length: 100 }, (_, n) => caseForSeed('quick', n)).some((c) => c.faults.some((f) => f.atMs === 1))).toBe(false);
  });
});

test('the first standard cases with a rolling restart and a wiped observer run clean on the unmutated protocol', () => {
  const cases = Array.from({ length: 300 }, (_, n) => caseForSeed('standard', n));
  const picks = [
    cases.find((c) => c.faults.some((f) => numbered(f) && f.type === 'crash' && 'keepUnsynced' in f)),
    cases.find((c) => c.faults.some((f) => f.type === 'restart' && f.wipeDisk === true)),
  ];
  for (const c of picks) {
    expect(c).toBeDefined();
    expect(runCase(c as FuzzCase).failure, (c as FuzzCase).seed).toBeNull();
  }
});

