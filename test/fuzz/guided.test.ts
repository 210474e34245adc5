// Proves the guided swarm's parts keep runs replayable and deterministic: a child is plain data bred
// without touching its parent, the same stream breeds the same child, every operator keeps a plan
// inside the fault phase and in time order, the local operators keep the parent's plan and perturb
// only around it, a child re-runs to the same outcome from its case alone, the corpus keeps runs with
// rare probes or new probe pairs and drops repeats, and its power schedule breeds the rarest entries
// most, less so the more children they had.
import { describe, expect, test } from 'vitest';
import { createRng } from '../../sim/rng.js';
import { caseForSeed } from '../../sim/fuzz/arbitraries.js';
import { runCase, type FuzzCase } from '../../sim/fuzz/case.js';
import { Corpus, RARE_HITS } from '../../sim/fuzz/guided/corpus.js';
import { breed, LOCAL, MUTATIONS, mutateOnce } from '../../sim/fuzz/guided/mutate.js';
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

  test('the local operators keep the plan: reseed changes nothing but the seed, jitter moves each fault at most 250 ms, press-writes adds 3 to 8 writes just before one fault', () => {
    expect(parent.faults.length).toBeGreaterThan(0);
    for (let i = 0; i < 20; i++) {
      const rng = (op: string) => createRng(`local-${op}-${i}`);
      expect(mutateOnce(parent, 'reseed', rng('reseed'), donor)).toEqual(parent);
      const jittered = mutateOnce(parent, 'jitter', rng('jitter'), donor);
      expect(jittered.ops).toEqual(parent.ops);
      expect(jittered.faults.length).toBe(parent.faults.length);
      const moved = (f: { atMs: number }) => ({ ...f, atMs: 0 });
      expect(
        jittered.faults
          .map(moved)
          .map((f) => JSON.stringify(f))
          .sort(),
      ).toEqual(
        parent.faults
          .map(moved)
          .map((f) => JSON.stringify(f))
          .sort(),
      );
      const pressed = mutateOnce(parent, 'press-writes', rng('press'), donor);
      expect(pressed.faults).toEqual(parent.faults);
      const added = pressed.ops.filter((o) => o.op.type === 'set' && /^p\d+$/.test(String(o.op.value)));
      expect(added.length).toBeGreaterThanOrEqual(3);
      expect(added.length).toBeLessThanOrEqual(8);
      expect(pressed.ops.length).toBe(parent.ops.length + added.length);
      // All before one and the same fault, within 400 ms of it.
      const hit = parent.faults.some((f) => added.every((o) => o.atMs < f.atMs && o.atMs >= f.atMs - 400));
      expect(hit).toBe(true);
    }
    expect(LOCAL).toEqual(['reseed', 'jitter', 'press-writes']);
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

describe('power schedule', () => {
  const c = caseForSeed('quick', 1);
  test('the entry holding the rarest probe breeds most, and less once it has bred often', () => {
    const corpus = new Corpus();
    corpus.offer(0, c, ['rare', 'common']);
    for (let i = 1; i < 20; i++) corpus.offer(i, c, ['common', `x${i}`]);
    const rng = createRng('power');
    const count = (n: number, breeds: boolean): number => {
      let hits = 0;
      for (let i = 0; i < n; i++) if (corpus.pick(rng, breeds).run === 0) hits++;
      return hits;
    };
    // Twenty entries: run 0 holds 'rare' (1 run) and each other one holds its own x (1 run) too,
    // so the first picks spread; only counting picks tells them apart.
    const before = count(200, false);
    const entry0 = corpus.entries.find((e) => e.run === 0);
    expect(entry0?.picks).toBe(0);
    // A probe that more runs reach gives less energy: 'rare' stays at 1 run, the x probes are bumped.
    for (let i = 1; i < 20; i++) corpus.offer(100 + i, c, [`x${i}`]);
    const rarer = count(200, false);
    expect(rarer).toBeGreaterThan(before);
    // Breeding it many times lowers its share.
    for (let i = 0; i < 50; i++) if (entry0 !== undefined) entry0.picks++;
    expect(count(200, false)).toBeLessThan(rarer);
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
