// Proves the guided swarm's parts keep runs replayable and deterministic: a child is plain data bred
// without touching its parent, the same stream breeds the same child, every operator keeps a plan
// inside the fault phase and in time order, a child re-runs to the same outcome from its case alone,
// and the corpus keeps runs with rare probes or new probe pairs and drops repeats.
import { describe, expect, test } from 'vitest';
import { createRng } from '../../sim/rng.js';
import { caseForSeed } from '../../sim/fuzz/arbitraries.js';
import { runCase, type FuzzCase } from '../../sim/fuzz/case.js';
import { Corpus, RARE_HITS } from '../../sim/fuzz/guided/corpus.js';
import { breed, MUTATIONS, mutateOnce } from '../../sim/fuzz/guided/mutate.js';
import { guidedSweep } from '../../sim/fuzz/guided/sweep-guided.js';

function deepFreeze<T>(x: T): T {
  if (typeof x === 'object' && x !== null) {
    for (const v of Object.values(x)) deepFreeze(v);
    Object.freeze(x);
  }
  return x;
}

describe('mutation operators', () => {
  const parent = deepFreeze(caseForSeed('standard', 5));
  const donor = deepFreeze(caseForSeed('standard', 6));

  test('every operator leaves its parent untouched and keeps faults in time order inside the fault phase', () => {
    const before = JSON.stringify(parent);
    for (const op of MUTATIONS) {
      for (let i = 0; i < 20; i++) {
        const child = mutateOnce(parent, op, createRng(`op-${op}-${i}`), donor);
        const times = child.faults.map((f) => f.atMs);
        expect(times).toEqual(times.slice().sort((a, b) => a - b));
        for (const t of times) {
          expect(t).toBeGreaterThanOrEqual(300);
          expect(t).toBeLessThanOrEqual(child.faultsUntilMs - 200);
        }
        expect(child.ops.length).toBeGreaterThanOrEqual(5);
      }
    }
    expect(JSON.stringify(parent)).toBe(before);
  });

  test('the same stream breeds the same child; another stream, another one', () => {
    const a = breed(parent, 'child-seed', createRng('s1'), donor);
    const b = breed(parent, 'child-seed', createRng('s1'), donor);
    expect(b).toEqual(a);
    expect(a.child.seed).toBe('child-seed');
    const others = Array.from({ length: 8 }, (_, i) => JSON.stringify(breed(parent, 'child-seed', createRng(`s${i + 2}`), donor).child));
    expect(others.some((o) => o !== JSON.stringify(a.child))).toBe(true);
  });
});

describe('corpus', () => {
  const c = caseForSeed('quick', 1);
  test('keeps a run with a probe reached fewer than RARE_HITS times before, or a new pair; drops a repeat', () => {
    const corpus = new Corpus();
    for (let i = 0; i < RARE_HITS; i++) expect(corpus.offer(i, c, ['a', 'b'])).toBe(true);
    expect(corpus.offer(10, c, ['a', 'b'])).toBe(false);
    expect(corpus.offer(11, c, ['a', 'c'])).toBe(true);
    expect(corpus.offer(12, c, ['a', 'b', 'c'])).toBe(true); // b+c is a new pair
    expect(corpus.offer(13, c, ['a', 'b', 'c'])).toBe(true); // c reached twice before: still rare
    expect(corpus.offer(14, c, ['a', 'b', 'c'])).toBe(false);
    expect(corpus.entries.map((e) => e.run)).toEqual([0, 1, 2, 11, 12, 13]);
  });
});

describe('guided sweep', () => {
  test('a child re-runs from its case alone to the same outcome and probes', async () => {
    const r = await guidedSweep({ profile: 'quick', from: 0, runs: 20, mutant: null, workers: 1, maxFailures: null });
    expect(r.outcomes).toHaveLength(20);
    const child = r.outcomes.find((o) => o.label?.startsWith('child'));
    expect(child).toBeDefined();
    const c = r.cases.get(child?.n as number) as FuzzCase;
    const again = runCase(JSON.parse(JSON.stringify(c)) as FuzzCase, { probes: true });
    expect(again.failure).toBe(child?.failure);
    expect(again.probes).toEqual(child?.probes);
    expect(again.report.events).toBe(child?.events);
  }, 120_000);
});
