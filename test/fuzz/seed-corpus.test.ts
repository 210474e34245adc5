// Proves the guided swarm's persistent seed corpus is sound data: distillation keeps a set of runs
// that together reach every probe and probe pair the runs reached, rarest first, smaller case on a
// tie, and orders them by how unusual each one's own run was; the file round-trips, a malformed one is named at its place, a stale one (other version,
// other probe registry, other profile) is detected; the committed standard corpus is current (its
// registry is this checkout's, and its first members still reach the probes recorded for them);
// and a guided sweep runs the members first, under the sweep's mutant, each replayable from its case.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { caseForSeed } from '../../sim/fuzz/arbitraries.js';
import { runCase, type FuzzCase } from '../../sim/fuzz/case.js';
import { PROBE_NAMES } from '../../sim/fuzz/probes/registry.js';
import { distill, readSeedCorpus, SEED_CORPUS_VERSION, seedCorpusOf, staleness, writeSeedCorpus, type DistillRun } from '../../sim/fuzz/guided/seed-corpus.js';
import { guidedSweep } from '../../sim/fuzz/guided/sweep-guided.js';
import { committedCorpusPath } from '../../sim/cli/fuzz-corpus.js';
import { InputError } from '../../sim/cli/errors.js';

const dir = mkdtempSync(join(tmpdir(), 'zabsim-seed-corpus-'));
const small = caseForSeed('quick', 1);
const big: FuzzCase = { ...small, ops: [...small.ops, ...small.ops] };
const run = (n: number, probes: string[], c: FuzzCase = small): DistillRun => ({ n, label: `seed ${n}`, case: c, probes });

function pairs(probes: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < probes.length; i++) for (let j = i + 1; j < probes.length; j++) out.push(`${probes[i]}+${probes[j]}`);
  return out;
}

describe('distill', () => {
  test('the members together reach every probe and pair the runs reached; a run adding nothing is left out', () => {
    const runs = [run(0, ['a', 'b']), run(1, ['a', 'b']), run(2, ['b', 'c']), run(3, ['a', 'c']), run(4, ['a']), run(5, ['d'])];
    const d = distill(runs);
    const seen = new Set(runs.flatMap((r) => [...r.probes, ...pairs(r.probes)]));
    const covered = new Set(d.members.flatMap((r) => [...r.probes, ...pairs(r.probes)]));
    expect(covered).toEqual(seen);
    expect(d.probes).toBe(4);
    expect(d.pairs).toBe(3);
    expect(d.members.map((m) => m.n)).not.toContain(4);
    expect(d.members.length).toBe(4); // a+b, b+c, a+c and d each need their own run
  });

  test('rarest first: the run holding what one run alone reached leads; on a tie the smaller case wins', () => {
    const runs = [run(0, ['common', 'x'], big), run(1, ['common', 'x'], big), run(2, ['common', 'x'], big), run(3, ['rare']), run(4, ['common', 'x'], small)];
    const d = distill(runs);
    // Run 3's weight is 1 (one run reached 'rare'); the others' is 3 × 1/4.
    expect(d.members.map((m) => m.n)).toEqual([3, 4]);
  });

  test('members run in order of how unusual their own run was, not of the marginal gain that picked them', () => {
    // The cover picks A first (its 15 pairs weigh as much as probes there); alone, B's four probes
    // that no other run reached make it the more unusual run. A2 reaches what A does, in a bigger case.
    const a = ['a1', 'a2', 'a3', 'a4', 'a5', 'a6'];
    const runs = [run(0, a), run(1, a, big), run(2, ['r1', 'r2', 'r3', 'r4'])];
    expect(distill(runs).members.map((m) => m.n)).toEqual([2, 0]);
  });
});

describe('corpus file', () => {
  const corpus = seedCorpusOf('quick', 0, [run(0, ['a', 'b']), run(1, ['c'])], 'zabsim fuzz --guided --distill --profile quick --seeds 2');

  test('round-trips, and is current for its profile', () => {
    const path = join(dir, 'ok.json');
    writeSeedCorpus(path, corpus);
    const back = readSeedCorpus(path);
    expect(back).toEqual(JSON.parse(JSON.stringify(corpus)));
    expect(staleness(back, 'quick')).toBeNull();
  });

  test('a stale corpus is detected: another version, another probe registry, another profile', () => {
    expect(staleness({ ...corpus, version: SEED_CORPUS_VERSION + 1 }, 'quick')).toMatch(/version/);
    expect(staleness({ ...corpus, probeRegistry: PROBE_NAMES.slice(1) }, 'quick')).toMatch(/probe registry changed.*1 probes added/);
    expect(staleness(corpus, 'standard')).toMatch(/quick profile/);
  });

  test('a malformed file is named at its place', () => {
    const path = join(dir, 'bad.json');
    const bad = JSON.parse(JSON.stringify(corpus)) as { members: { case: { mutants: string[] } }[] };
    (bad.members[0] as { case: { mutants: string[] } }).case.mutants = ['ZK-1154'];
    writeFileSync(path, JSON.stringify(bad));
    expect(() => readSeedCorpus(path)).toThrow(InputError);
    expect(() => readSeedCorpus(path)).toThrow(`${path}:$.members[0].case.mutants: expected []`);
    writeFileSync(path, '{"kind": ');
    expect(() => readSeedCorpus(path)).toThrow(new RegExp(`^${path.replace(/[.]/g, '\\.')}:1:`));
  });
});

describe('the committed standard corpus', () => {
  test('is current: distilled under this probe registry, unmutated, and its first members still reach the probes recorded for them', () => {
    const committed = readSeedCorpus(committedCorpusPath('standard'));
    // If this fails after a probe or protocol change, distil it again: the command is in README.md.
    expect(staleness(committed, 'standard')).toBeNull();
    expect(committed.members.length).toBeGreaterThan(0);
    for (const m of committed.members.slice(0, 3)) {
      expect(m.case.mutants).toEqual([]);
      expect(runCase(m.case, { probes: true }).probes).toEqual(m.probes);
    }
  }, 120_000);
});

describe('guided sweep from a seed corpus', () => {
  test('runs the members first, in order, under the sweep mutant; each run replays from its case', async () => {
    const members = [caseForSeed('quick', 7), caseForSeed('quick', 8)];
    const r = await guidedSweep({ profile: 'quick', from: 0, runs: 4, mutant: 'ZK-1154', workers: 1, maxFailures: null, seedCases: members });
    expect(r.seeded).toBe(2);
    expect(r.outcomes.map((o) => o.label)).toEqual(['seed-corpus member 0', 'seed-corpus member 1', 'seed 0', 'seed 1']);
    members.forEach((m, i) => expect(r.cases.get(i)).toEqual({ ...m, mutants: ['ZK-1154'] }));
    const again = runCase(JSON.parse(JSON.stringify(r.cases.get(1))) as FuzzCase, { probes: true });
    expect(again.probes).toEqual(r.outcomes[1]?.probes);
    expect(again.failure).toBe(r.outcomes[1]?.failure);
  }, 120_000);
});
