// Proves that the KV register greedy of linearizable-writes (kvRegisterExplained) gives lost writes free
// zxids of their own without the search: it moves one into an earlier gap when the gap where a version
// needs it is full, never past a badVersion kvCas that would then see its own version, and registers
// replayed one after another leave each other's zxids alone (in a second order when the first takes a zxid a
// later register needed); what the greedy cannot place goes to the search.
import { describe, expect, test } from 'vitest';
import { checkZkWrites } from '../../sim/checkers/zk-writes.js';
import { parseNdjsonHistory } from '../../sim/history/ndjson.js';

const Z = (counter: number): number => 2 ** 32 + counter; // zxid 1:counter

function op(id: number, path: string, o: object, invokeUs: number, completeUs: number | null, result: object | null, zxid: number | null): string {
  const outcome = completeUs === null ? 'info' : 'ok';
  return JSON.stringify({ kind: 'op', id, client: id, session: null, server: 1, op: { path, ...o }, invokeUs, completeUs, outcome, result, zxid });
}
const set = (data: string) => ({ type: 'kvSet', data });
const cas = (data: string, version: number) => ({ type: 'kvCas', data, version });

function writes(lines: readonly string[], stepsMax: number) {
  const h = parseNdjsonHistory(['{"kind":"header","version":1,"model":"kv"}', ...lines].join('\n') + '\n', 'register-zxid-count.ndjson');
  return checkZkWrites(h, { stepsMax });
}

/**
 * /a: a set at 1:1 (version 0), two lost sets invoked after it, a badVersion kvCas at 1:3 expecting
 * `casVersion`, a set at 1:5 reporting version 3. Free zxids: 1:2 and 1:4, one each side of the kvCas.
 */
const oneRegister = (casVersion: number) => [
  op(1, '/a', set('a1'), 100, 200, { rc: 'ok', version: 0 }, Z(1)),
  op(2, '/a', set('a2'), 300, null, null, null),
  op(3, '/a', set('a3'), 310, null, null, null),
  op(4, '/a', cas('a4', casVersion), 400, 500, { rc: 'badVersion' }, Z(3)),
  op(5, '/a', set('a5'), 600, 700, { rc: 'ok', version: 3 }, Z(5)),
];

describe('kvRegisterExplained with free zxids counted', () => {
  test('two lost sets needed before 1:5, with only 1:4 free after the kvCas at 1:3: one goes before it, decided with no search step', () => {
    const r = writes(oneRegister(7), 1);
    expect(r.verdict).toBe('ok');
  });

  test('the one moved before the badVersion kvCas would give it its version 1: no order explains the set at 1:5', () => {
    expect(writes(oneRegister(1), 1_000_000).verdict).toBe('violated');
    expect(writes(oneRegister(7), 1_000_000).verdict).toBe('ok');
  });

  test('two registers each need a lost set below 1:5, where 1:3 and 1:4 are free: each gets one, with no search step', () => {
    const lines = (bAt: number) => [
      op(1, '/a', set('a1'), 100, 200, { rc: 'ok', version: 0 }, Z(1)),
      op(2, '/b', set('b1'), 110, 210, { rc: 'ok', version: 0 }, Z(2)),
      op(3, '/a', set('a2'), 300, null, null, null),
      op(4, '/b', set('b2'), 310, null, null, null),
      op(5, '/a', set('a3'), 600, 700, { rc: 'ok', version: 2 }, Z(5)),
      op(6, '/b', set('b3'), 610, 710, { rc: 'ok', version: 2 }, Z(bAt)),
    ];
    // 1:3 and 1:4 free below 1:5; /a's lost set takes one, /b's the other.
    expect(writes(lines(6), 1).verdict).toBe('ok');
    // With /b's known write at 1:4, 1:3 is the one free zxid both need: the greedy gives it to /a, /b goes to the search, and the two searched together fail.
    expect(writes(lines(4), 1_000_000).verdict).toBe('violated');
  });

  test('/a placed first takes 1:3, the one free zxid for the lost set of /b, while 1:5 was free for /a too: placed again with /b first, with no search step', () => {
    const lines = (aAt: number) => [
      op(1, '/a', set('a1'), 100, 200, { rc: 'ok', version: 0 }, Z(1)),
      op(2, '/b', set('b1'), 110, 210, { rc: 'ok', version: 0 }, Z(2)),
      op(3, '/a', set('a2'), 300, null, null, null),
      op(4, '/b', set('b2'), 310, null, null, null),
      op(7, '/c', set('c1'), 320, null, null, null),
      op(5, '/b', set('b3'), 600, 700, { rc: 'ok', version: 2 }, Z(4)),
      op(6, '/a', set('a3'), 610, 710, { rc: 'ok', version: 2 }, Z(aAt)),
    ];
    // Recorded 1:1, 1:2, 1:4, 1:6: /b's lost set needs 1:3, /a's may take 1:3 or 1:5 (with the lost set of /c,
    // three writes may want free zxids: both registers' are counted).
    const first = writes(lines(6), 1);
    expect(first.verdict).toBe('ok');
    expect(first.searchedOps).toBe(7);
    // With /a's known write at 1:5 instead, 1:3 is the only free zxid below it for both: no order helps.
    expect(writes(lines(5), 1_000_000).verdict).toBe('violated');
  });
});
