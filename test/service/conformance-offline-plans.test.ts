// Proves that zabsim answers like the recorded ZooKeeper 3.8.0 ensemble on the grown suite's sequences
// (test/conformance/recordings/plans-seed2-100x40.json, `record.ts --plans`): pipelined batches of
// requests in flight, the two sessions on different servers (a sync barrier), more than 16 children
// under one parent, sync, ip ACLs, the super user and invalid paths; masked results identical, op by op.
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { runSequenceSim } from '../conformance/sim-runner.js';
import { mask, sessionLabels, type RecordingFile } from '../conformance/types.js';

const recording = JSON.parse(readFileSync(new URL('../conformance/recordings/plans-seed2-100x40.json', import.meta.url), 'utf8')) as RecordingFile;

describe('zabsim answers like the recorded ensemble with requests in flight and sessions spread', () => {
  test('the recording holds 100 sequences of 40 ops, a quarter or more pipelined and spread', () => {
    expect(recording.sequences).toHaveLength(100);
    for (const seq of recording.sequences) expect(seq.results).toHaveLength(40);
    const both = recording.sequences.filter((s) => s.slotRoles !== undefined && s.ops.some((o) => o.pipe === true));
    expect(both.length).toBeGreaterThanOrEqual(25);
    expect(recording.meta.superDigest).toBeDefined();
  });

  test.each(recording.sequences.map((seq) => [seq.index, seq] as const))('sequence %i', (_index, seq) => {
    const sim = runSequenceSim(seq.ops, {
      root: seq.root,
      serverMode: seq.serverMode,
      index: seq.index,
      ...(recording.meta.superDigest === undefined ? {} : { superDigest: recording.meta.superDigest }),
      ...(seq.slotRoles === undefined ? {} : { slotRoles: seq.slotRoles }),
    });
    const expected = mask(seq.results, { sessionLabels: sessionLabels(seq) });
    const actual = mask(sim.results, { sessionLabels: sessionLabels(sim) });
    expect(sim.sessions.map((s) => s.slot)).toEqual(seq.sessions.map((s) => s.slot));
    for (let i = 0; i < expected.length; i++) expect({ op: seq.ops[i], ...actual[i] }).toEqual({ op: seq.ops[i], ...expected[i] });
  });
});
