// Replays every sequence of the committed real-ZooKeeper recording (200 sequences × 30 ops, 3.8.0,
// test/conformance/recordings) against a simulated 3-server ensemble through zabsim's client library,
// and requires the masked results to be identical: paths, error codes, Stat fields (zxids relative to
// the sequence root), multi results, child order, and the watch events each session received per op,
// in order. Sessions sit on the leader or on a follower, as they did on the real ensemble.
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { runSequenceSim } from '../conformance/sim-runner.js';
import { mask, sessionLabels, type RecordingFile } from '../conformance/types.js';

const recording = JSON.parse(readFileSync(new URL('../conformance/recordings/seed1-200x30.json', import.meta.url), 'utf8')) as RecordingFile;

describe('zabsim answers like the recorded ZooKeeper 3.8.0 ensemble', () => {
  test('the recording holds 200 sequences of 30 ops', () => {
    expect(recording.sequences).toHaveLength(200);
    for (const seq of recording.sequences) expect(seq.results).toHaveLength(30);
  });

  test.each(recording.sequences.map((seq) => [seq.index, seq] as const))('sequence %i', (_index, seq) => {
    const sim = runSequenceSim(seq.ops, { root: seq.root, serverMode: seq.serverMode, index: seq.index });
    const expected = mask(seq.results, { sessionLabels: sessionLabels(seq) });
    const actual = mask(sim.results, { sessionLabels: sessionLabels(sim) });
    expect(sim.sessions.map((s) => s.slot)).toEqual(seq.sessions.map((s) => s.slot));
    for (let i = 0; i < expected.length; i++) expect({ op: seq.ops[i], ...actual[i] }).toEqual({ op: seq.ops[i], ...expected[i] });
  });
});
