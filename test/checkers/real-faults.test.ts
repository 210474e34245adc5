// Proves the client checkers judge histories recorded from a real ZooKeeper 3.8 ensemble under server
// crashes and pauses correctly: every committed recording (test/conformance/recordings/faults), with and
// without zxids, passes every checker, and every impossible corruption of it (test/conformance/corrupt.ts)
// fails at least one. Offline: no ZooKeeper is needed.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseNdjsonHistory } from '../../sim/history/ndjson.js';
import { corrupt, CORRUPTIONS } from '../conformance/corrupt.js';
import { corruptedCases, notOk, rejected, verdictsOf } from '../conformance/fault-verdicts.js';

const DIR = join(import.meta.dirname, '../conformance/recordings/faults');
const files = readdirSync(DIR)
  .filter((f) => f.endsWith('.ndjson'))
  .sort();
const recorded = files.filter((f) => f.endsWith('.zxids.ndjson'));

function load(file: string) {
  return parseNdjsonHistory(readFileSync(join(DIR, file), 'utf8'), file);
}

describe('histories recorded from a real ensemble under kills and pauses', () => {
  it('has at least 24 recordings, each in both forms', () => {
    expect(recorded.length).toBeGreaterThanOrEqual(24);
    for (const f of recorded) expect(files).toContain(f.replace('.zxids.', '.nozxids.'));
  });

  it.each(CORRUPTIONS)('corruption %s finds a place in at least 10 recordings', (name) => {
    const applies = recorded.filter((f) => corrupt(load(f), name) !== null);
    expect(applies.length).toBeGreaterThanOrEqual(10);
  });

  it.each(files)('%s passes every client checker', (file) => {
    expect(notOk(verdictsOf(load(file)))).toEqual([]);
  });

  it.each(recorded)('every corruption of %s fails a checker, with and without zxids', (file) => {
    const cases = corruptedCases(load(file));
    // Every recording is long enough for a value never written and a swapped pair of sequential names.
    expect(cases.map((c) => c.name)).toContain('value-never-written');
    const accepted = cases.filter((c) => !rejected(verdictsOf(c.history))).map((c) => `${c.name} [${c.form}]: ${c.what}`);
    expect(accepted).toEqual([]);
  });
});
