// Proves replay by meaning: a failing case recorded with its decision tape still reproduces the
// same failure, with the identical trace, after an unrelated extra draw is inserted into the
// kernel's network, timer and disk streams (a stand-in for a code change); without the tape the
// same perturbation changes the run. Also: a capsule round-trips through `zabsim replay`.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { caseForSeed } from '../../sim/fuzz/arbitraries.js';
import { runCase } from '../../sim/fuzz/case.js';
import { readCapsule, writeCapsule } from '../../sim/fuzz/capsule.js';
import { HashSink } from '../../sim/trace/sink.js';

test('a taped case survives perturbed random streams; an untaped one does not', () => {
  const c = caseForSeed('standard', 0, ['commit-without-quorum']);
  const recorded = runCase(c, { sink: new HashSink(), tape: 'record' });
  expect(recorded.failure).toBe('quorum-commit');
  expect(recorded.tape).not.toBeNull();
  const perturb = ['network', 'timers', 'disk'] as const;
  const replayed = runCase(c, { sink: new HashSink(), tape: recorded.tape ?? {}, perturb });
  expect(replayed.failure).toBe(recorded.failure);
  expect(replayed.report.traceHash).toBe(recorded.report.traceHash);
  expect(replayed.tapeStats?.misses).toBe(0);
  const untaped = runCase(c, { sink: new HashSink(), perturb });
  expect(untaped.report.traceHash).not.toBe(recorded.report.traceHash);
});

test('a capsule written to disk reads back and reproduces its failure by meaning', () => {
  const dir = mkdtempSync(join(tmpdir(), 'zabsim-capsule-'));
  const c = caseForSeed('standard', 0, ['commit-without-quorum']);
  const { path } = writeCapsule(c, 0, dir, 'seed-0');
  const capsule = readCapsule(path);
  expect(capsule.failure).toBe('quorum-commit');
  const r = runCase(capsule.case, { tape: capsule.tape ?? {}, perturb: ['network'] });
  expect(r.failure).toBe(capsule.failure);
});
