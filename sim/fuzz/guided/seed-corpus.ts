// The persistent seed corpus of the guided swarm: a few cases, distilled from a guided sweep of the
// unmutated protocol, that together reach every probe and every probe pair the sweep reached. A
// coverage-guided fuzzer keeps its corpus between campaigns (libFuzzer's -merge, AFL's cmin, a CI
// job restoring yesterday's corpus) so that a new campaign starts where the last one got to instead
// of from nothing. What is kept is cases (plain data), not seed numbers, so a change to how seeds
// map to cases does not change the corpus; the file is versioned and names the probe registry it
// was distilled under, so a corpus from before a probe change is reported as stale, never used.
//
// Nothing here knows about mutants or failures: distillation sees the unmutated protocol's probe
// coverage alone.
import { writeFileSync } from 'node:fs';
import { readJsonObjectFile } from '../../cli/json-file.js';
import { PROFILES, type FuzzCase, type ProfileName } from '../case.js';
import { PROBE_NAMES } from '../probes/registry.js';

export const SEED_CORPUS_KIND = 'zabsim-seed-corpus';
/** Bumped whenever the file's shape or the meaning of a member changes. */
export const SEED_CORPUS_VERSION = 1;

export interface SeedMember {
  /** Its run number in the distilling sweep, and what that run was (a seed, or whose child). */
  readonly run: number;
  readonly label: string;
  /** The probes it reached on the unmutated protocol when distilled (registry order). */
  readonly probes: readonly string[];
  readonly case: FuzzCase;
}

export interface SeedCorpus {
  readonly kind: typeof SEED_CORPUS_KIND;
  readonly version: number;
  readonly profile: ProfileName;
  /** The probe registry it was distilled under (probes/registry.ts PROBE_NAMES). */
  readonly probeRegistry: readonly string[];
  /** How it was made: the guided sweep's first seed and runs, and the command to make it again. */
  readonly distilledFrom: { readonly from: number; readonly runs: number; readonly command: string };
  /** How many probes and probe pairs the distilling sweep reached (all of them are covered by the members). */
  readonly covers: { readonly probes: number; readonly pairs: number };
  /** In the order a guided sweep runs them: the member whose run was most unusual first (distill). */
  readonly members: readonly SeedMember[];
}

export interface DistillRun {
  readonly n: number;
  readonly label: string;
  readonly case: FuzzCase;
  readonly probes: readonly string[];
}

function elementsOf(probes: readonly string[]): string[] {
  const out = probes.slice();
  for (let i = 0; i < probes.length; i++) for (let j = i + 1; j < probes.length; j++) out.push(`${probes[i]}+${probes[j]}`);
  return out;
}

/** A case's size, for ties: fewer faults and operations make a cheaper, plainer member. */
function sizeOf(c: FuzzCase): number {
  return c.faults.length + c.ops.length;
}

/**
 * Greedy weighted set cover over the probes and probe pairs the runs reached: each step keeps the
 * run whose still-uncovered elements weigh most, an element weighing 1 / (runs that reached it), so
 * that what few runs reach decides first; ties go to the smaller case, then the earlier run. Stops
 * when every element is covered. Greedy is within a factor ln(elements) of the smallest cover,
 * which is what corpus minimisers settle for (finding the smallest is NP-hard). The members are
 * then ordered by how unusual each one's run was (below).
 */
export function distill(runs: readonly DistillRun[]): { members: DistillRun[]; probes: number; pairs: number } {
  const counts = new Map<string, number>();
  const elements = runs.map((r) => elementsOf(r.probes));
  for (const es of elements) for (const e of es) counts.set(e, (counts.get(e) ?? 0) + 1);
  const uncovered = new Set(counts.keys());
  const members: DistillRun[] = [];
  const taken = new Set<number>();
  while (uncovered.size > 0) {
    let best = -1;
    let bestGain = 0;
    runs.forEach((r, i) => {
      if (taken.has(i)) return;
      let gain = 0;
      for (const e of elements[i] as string[]) if (uncovered.has(e)) gain += 1 / (counts.get(e) as number);
      if (gain <= 0) return;
      const better = gain > bestGain + 1e-12 || (Math.abs(gain - bestGain) <= 1e-12 && best >= 0 && sizeOf(r.case) < sizeOf((runs[best] as DistillRun).case));
      if (best < 0 || better) {
        best = i;
        bestGain = gain;
      }
    });
    if (best < 0) break;
    taken.add(best);
    members.push(runs[best] as DistillRun);
    for (const e of elements[best] as string[]) uncovered.delete(e);
  }
  const pairs = [...counts.keys()].filter((e) => e.includes('+')).length;
  // The order a sweep runs them in: the most unusual run first, scored over the whole distilling
  // sweep as corpus.ts weighs a run (1 / runs for each probe it reached, a tenth of that for each
  // pair, so that a case is not ranked by the square of its probe count). The cover's own order
  // ranks marginal gain, how much a member adds to those picked before it, not how unusual its own
  // run is; a sweep starting from the corpus should first run the cases that reached the most
  // situations few runs reach. Stable: equal scores keep the cover's order.
  const scoreOf = (r: DistillRun): number => elementsOf(r.probes).reduce((a, e) => a + (e.includes('+') ? 0.1 : 1) / (counts.get(e) as number), 0);
  const scored = members.map((r) => ({ r, score: scoreOf(r) }));
  scored.sort((a, b) => b.score - a.score);
  members.splice(0, members.length, ...scored.map((x) => x.r));
  return { members, probes: counts.size - pairs, pairs };
}

export function seedCorpusOf(profile: ProfileName, from: number, runs: readonly DistillRun[], command: string): SeedCorpus {
  const d = distill(runs);
  return {
    kind: SEED_CORPUS_KIND,
    version: SEED_CORPUS_VERSION,
    profile,
    probeRegistry: PROBE_NAMES.slice(),
    distilledFrom: { from, runs: runs.length, command },
    covers: { probes: d.probes, pairs: d.pairs },
    members: d.members.map((r) => ({ run: r.n, label: r.label, probes: r.probes.slice(), case: r.case })),
  };
}

export function writeSeedCorpus(path: string, corpus: SeedCorpus): void {
  // One member a line: a diff of a re-distilled corpus shows which members changed.
  const head = { ...corpus, members: undefined };
  const lines = corpus.members.map((m) => `    ${JSON.stringify(m)}`);
  const headText = JSON.stringify(head, null, 2).replace(/\n}$/, '');
  writeFileSync(path, `${headText},\n  "members": [\n${lines.join(',\n')}\n  ]\n}\n`);
}

/** Why a well-formed corpus no longer fits this checkout (null: it fits). */
export function staleness(corpus: SeedCorpus, profile: ProfileName): string | null {
  if (corpus.version !== SEED_CORPUS_VERSION) return `it is version ${corpus.version}, this zabsim reads version ${SEED_CORPUS_VERSION}`;
  if (corpus.profile !== profile) return `it was distilled for the ${corpus.profile} profile, not ${profile}`;
  const now = PROBE_NAMES.join(',');
  if (corpus.probeRegistry.join(',') !== now) {
    const added = PROBE_NAMES.filter((p) => !corpus.probeRegistry.includes(p));
    const gone = corpus.probeRegistry.filter((p) => !PROBE_NAMES.includes(p));
    return `the probe registry changed since it was distilled (${added.length} probes added${added.length > 0 ? `: ${added.slice(0, 3).join(', ')}` : ''}; ${gone.length} gone${gone.length > 0 ? `: ${gone.slice(0, 3).join(', ')}` : ''}; or reordered)`;
  }
  return null;
}

/** Reads and checks a corpus file's shape; malformed input throws InputError (FILE:WHERE: expected ...). Staleness is for the caller (staleness()). */
export function readSeedCorpus(path: string): SeedCorpus {
  const { o, need } = readJsonObjectFile(path, 'expected a readable seed corpus file (zabsim fuzz --guided --distill writes one)');
  need(o['kind'] === SEED_CORPUS_KIND, '$.kind', `expected "${SEED_CORPUS_KIND}"`);
  need(Number.isInteger(o['version']), '$.version', 'expected an integer version');
  need(typeof o['profile'] === 'string' && o['profile'] in PROFILES, '$.profile', 'expected quick, standard or deep');
  need(
    Array.isArray(o['probeRegistry']) && (o['probeRegistry'] as unknown[]).every((p) => typeof p === 'string'),
    '$.probeRegistry',
    'expected an array of probe names',
  );
  const from = o['distilledFrom'] as Record<string, unknown> | undefined;
  need(
    typeof from === 'object' && from !== null && Number.isInteger(from['from']) && Number.isInteger(from['runs']),
    '$.distilledFrom',
    'expected {from, runs, command}',
  );
  const covers = o['covers'] as Record<string, unknown> | undefined;
  need(
    typeof covers === 'object' && covers !== null && Number.isInteger(covers['probes']) && Number.isInteger(covers['pairs']),
    '$.covers',
    'expected {probes, pairs}',
  );
  need(Array.isArray(o['members']), '$.members', 'expected an array of members');
  (o['members'] as unknown[]).forEach((m, i) => {
    const at = `$.members[${i}]`;
    need(typeof m === 'object' && m !== null, at, 'expected {run, label, probes, case}');
    const mm = m as Record<string, unknown>;
    need(Number.isInteger(mm['run']) && typeof mm['label'] === 'string', at, 'expected an integer run and a string label');
    need(Array.isArray(mm['probes']) && (mm['probes'] as unknown[]).every((p) => typeof p === 'string'), `${at}.probes`, 'expected an array of probe names');
    const c = mm['case'] as Record<string, unknown> | undefined;
    need(typeof c === 'object' && c !== null, `${at}.case`, 'expected a fuzz case object');
    const cc = c as Record<string, unknown>;
    need(cc['profile'] === o['profile'], `${at}.case.profile`, `expected the corpus's profile, ${String(o['profile'])}`);
    need(typeof cc['seed'] === 'string', `${at}.case.seed`, 'expected a string');
    for (const k of ['servers', 'observers', 'clients', 'commitLogCount', 'faultsUntilMs', 'durationMs'])
      need(Number.isInteger(cc[k]) && (cc[k] as number) >= 0, `${at}.case.${k}`, 'expected a non-negative integer');
    need(
      Array.isArray(cc['mutants']) && (cc['mutants'] as unknown[]).length === 0,
      `${at}.case.mutants`,
      'expected [] (a corpus is distilled on the unmutated protocol)',
    );
    for (const k of ['faults', 'ops', 'core']) need(Array.isArray(cc[k]), `${at}.case.${k}`, 'expected an array');
  });
  return o as unknown as SeedCorpus;
}
