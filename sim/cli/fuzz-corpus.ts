// The guided swarm's persistent seed corpus on the command line. `--corpus FILE|none` picks it (the
// default is the committed one for the profile, sim/fuzz/guided/seed-corpus/PROFILE.json, when it
// exists); `zabsim fuzz --guided --distill --seeds N [--start S] --out FILE` makes one: a guided
// sweep of the unmutated protocol, from an empty corpus, distilled to a small set of cases that
// reach every probe and probe pair the sweep reached (seed-corpus.ts).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { FuzzCase, ProfileName } from '../fuzz/case.js';
import { guidedSweep } from '../fuzz/guided/sweep-guided.js';
import { readSeedCorpus, seedCorpusOf, staleness, writeSeedCorpus, type DistillRun } from '../fuzz/guided/seed-corpus.js';
import { EXIT, InputError, UsageError } from './errors.js';

/** Where a profile's committed corpus lives. */
export function committedCorpusPath(profile: ProfileName): string {
  return fileURLToPath(new URL(`../fuzz/guided/seed-corpus/${profile}.json`, import.meta.url));
}

export interface ChosenCorpus {
  /** The corpus file used, or null (none asked for, none committed, or the committed one is stale). */
  readonly file: string | null;
  readonly cases: readonly FuzzCase[];
}

/**
 * The seed cases for a guided sweep. `none`: no corpus. A file named on the command line must be
 * well-formed and current (else exit 2, naming what is stale). The committed default, when stale,
 * is reported on stderr and not used: the sweep still runs, from an empty corpus, and says so.
 */
export function chooseCorpus(option: string | undefined, profile: ProfileName, distillHint: string): ChosenCorpus {
  if (option === 'none') return { file: null, cases: [] };
  const explicit = option !== undefined;
  const file = option ?? committedCorpusPath(profile);
  if (!explicit && !existsSync(file)) return { file: null, cases: [] };
  const corpus = readSeedCorpus(file);
  const stale = staleness(corpus, profile);
  if (stale !== null) {
    if (explicit) throw new InputError(file, '$.version', `expected a seed corpus current for this zabsim, but ${stale}; distil a new one with ${distillHint}`);
    process.stderr.write(`zabsim fuzz: the committed seed corpus ${file} is stale (${stale}); running without it. Distil a new one with ${distillHint}\n`);
    return { file: null, cases: [] };
  }
  return { file, cases: corpus.members.map((m) => m.case) };
}

export function distillHintOf(profile: ProfileName): string {
  return `zabsim fuzz --guided --distill --profile ${profile} --seeds 256 --out sim/fuzz/guided/seed-corpus/${profile}.json`;
}

export interface DistillSpec {
  readonly profile: ProfileName;
  readonly from: number;
  readonly runs: number;
  readonly workers: number;
  readonly out: string | undefined;
  readonly json: boolean;
}

/** `--guided --distill`: the guided sweep (unmutated, empty corpus), then the cover, written to --out. */
export async function distillCommand(spec: DistillSpec): Promise<number> {
  if (spec.out === undefined) throw new UsageError('--distill expects --out FILE (the seed corpus to write)');
  const started = performance.now();
  const cpuStarted = process.cpuUsage();
  const g = await guidedSweep({
    profile: spec.profile,
    from: spec.from,
    runs: spec.runs,
    mutant: null,
    workers: spec.workers,
    maxFailures: null,
    seedCases: [],
  });
  // A run that fails on the unmutated protocol is a finding, not a member: under a mutant it would
  // fail without the mutant's doing, and such failures are not counted.
  const runs: DistillRun[] = g.outcomes
    .filter((o) => o.failure === null)
    .map((o) => ({ n: o.n, label: o.label ?? `run ${o.n}`, case: g.cases.get(o.n) as FuzzCase, probes: o.probes ?? [] }));
  const command = `zabsim fuzz --guided --distill --profile ${spec.profile} --seeds ${spec.runs}${spec.from === 0 ? '' : ` --start ${spec.from}`}`;
  const corpus = seedCorpusOf(spec.profile, spec.from, runs, command);
  writeSeedCorpus(spec.out, corpus);
  const cpu = process.cpuUsage(cpuStarted);
  const failed = g.outcomes.filter((o) => o.failure !== null);
  const failures = failed.length;
  const result = {
    out: spec.out,
    runs: g.outcomes.length,
    failures,
    members: corpus.members.length,
    covers: corpus.covers,
    wallMs: Math.round(performance.now() - started),
    // The main thread's CPU only: with --workers > 1 the runs' own CPU is in the workers.
    mainThreadCpuMs: Math.round((cpu.user + cpu.system) / 1000),
  };
  if (spec.json) process.stdout.write(`${JSON.stringify(result)}\n`);
  else
    process.stdout.write(
      `seed corpus ${spec.out}: ${result.members} members cover the ${result.covers.probes} probes and ${result.covers.pairs} probe pairs reached by ${result.runs} guided runs (${failures} failures) in ${(result.wallMs / 1000).toFixed(1)} s\n`,
    );
  // The corpus is distilled on the unmutated protocol: a failure there is a finding, reported as one.
  if (failures === 0) return EXIT.ok;
  return failed.some((o) => o.failure !== 'liveness') ? EXIT.safety : EXIT.liveness;
}
