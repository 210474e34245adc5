// Runs the general engine on all of porcupine's test data and asserts exactly the verdicts in expected.json
// (etcd with the register model, kv with the per-key model); the empty etcd_095 is an empty history, so 'ok'.
import { PORCUPINE_DATA_DIR } from '../support/paths.js';
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { checkOperations } from '../../sim/checkers/linearizability/search.js';
import { registerModel } from '../../sim/checkers/linearizability/register.js';
import { kvModel } from '../../sim/checkers/linearizability/kv.js';
import { parsePorcupineEtcd, parsePorcupineKv } from '../../sim/history/porcupine.js';

const DATA_DIR = PORCUPINE_DATA_DIR;
type Expected = { linearizable: boolean | null; ops: number; never_completed_ops: number };
const expected = (JSON.parse(readFileSync(DATA_DIR + 'expected.json', 'utf8')) as { files: Record<string, Expected> }).files;
const etcdFiles = Object.keys(expected).filter((name) => name.startsWith('jepsen/'));
const kvFiles = Object.keys(expected).filter((name) => name.startsWith('kv/'));

describe('porcupine etcd histories', () => {
  test('all 103 files are listed', () => expect(etcdFiles).toHaveLength(103));

  test.each(etcdFiles)('%s', (name) => {
    const want = expected[name]!;
    const ops = parsePorcupineEtcd(readFileSync(DATA_DIR + name, 'utf8'), name);
    expect(ops).toHaveLength(want.ops);
    expect(ops.filter((op) => op.return === Number.POSITIVE_INFINITY).length).toBeGreaterThanOrEqual(want.never_completed_ops);
    const result = checkOperations(registerModel, ops);
    // etcd_095 is empty (the cluster never started): an empty history is trivially linearizable.
    const verdict = want.linearizable === null ? 'ok' : want.linearizable ? 'ok' : 'violated';
    expect(result.verdict).toBe(verdict);
  });
});

describe('porcupine kv histories', () => {
  test.each(kvFiles)('%s', (name) => {
    const want = expected[name]!;
    const ops = parsePorcupineKv(readFileSync(DATA_DIR + name, 'utf8'), name);
    expect(ops).toHaveLength(want.ops);
    const result = checkOperations(kvModel, ops);
    expect(result.verdict).toBe(want.linearizable ? 'ok' : 'violated');
    if (result.verdict === 'violated') expect(result.witness?.unplaced.length).toBeGreaterThan(0);
  });
});

test('a step budget returns unknown instead of searching on', () => {
  const name = 'jepsen/etcd_080.log'; // linearizable, but only after ~22,000 steps of search
  const ops = parsePorcupineEtcd(readFileSync(DATA_DIR + name, 'utf8'), name);
  expect(checkOperations(registerModel, ops).verdict).toBe('ok');
  const result = checkOperations(registerModel, ops, { stepsMax: 1000 });
  expect(result.verdict).toBe('unknown');
  expect(result.steps).toBe(1000);
});
