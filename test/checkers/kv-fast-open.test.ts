// Proves that the KV column fast path (checkKvColumns) judges reads of a register that an open write (no
// reply, no zxid) touched, below the first place such a write had to take effect, with the same answer as
// checkClientHistory, declines above it, and bounds an open write by every reply that arrived before it
// was invoked (a read's header zxid included), as checkClientHistory does.
import { describe, expect, test } from 'vitest';
import { checkKvColumns } from '../../sim/checkers/kv-fast.js';
import { checkClientHistory } from '../../sim/checkers/client.js';
import { kvColumnsOf } from '../../sim/history/kv-recorder.js';
import type { ZkHistory, ZkHistoryOp, ZkOp, ZkResult } from '../../sim/history/types.js';
import { inEpoch1 } from './history-builders.js';

let nextId = 0;
/** A KV op as the recorder makes it: no session, a completeSeq on every reply. */
function kv(
  client: number,
  op: ZkOp,
  invokeUs: number,
  completeUs: number | null,
  result: ZkResult | null,
  zxid: number | null,
  readZxid?: number,
): ZkHistoryOp {
  const base = { kind: 'op' as const, id: nextId++, client, session: null, server: 1, op, invokeUs, completeUs, result, zxid };
  if (completeUs === null) return { ...base, outcome: 'info', result: null };
  return { ...base, outcome: 'ok', ...(readZxid === undefined ? {} : { readZxid }) };
}
/** Ids 0..n-1 in file order and completeSeq in completion order, as the recorder writes them. */
function hist(ops: ZkHistoryOp[]): ZkHistory {
  const byCompletion = ops.filter((o) => o.completeUs !== null).sort((a, b) => a.completeUs! - b.completeUs!);
  const seq = new Map(byCompletion.map((o, k) => [o, k]));
  return inEpoch1({
    header: { kind: 'header', version: 1, model: 'kv' },
    ops: ops.map((o, i) => (seq.has(o) ? { ...o, id: i, completeSeq: seq.get(o)! } : { ...o, id: i })),
  }); // counters in epoch 1
}
const set = (path: string, data: string): ZkOp => ({ type: 'kvSet', path, data });
const get = (path: string): ZkOp => ({ type: 'kvGet', path });
const verdicts = (h: ZkHistory): string[] => checkClientHistory(h).results.map((r) => r.verdict);
const fast = (h: ZkHistory): string[] | null => checkKvColumns(kvColumnsOf(h)!)?.map((r) => r.verdict) ?? null;

describe('reads of a register an open write touched', () => {
  // /k written at zxids 1 and 2; an open kvSet of /k (no reply) invoked at 50; reads of /k at headers 2.
  const writes = (): ZkHistoryOp[] => [
    kv(1, set('/k', 'a'), 0, 10, { rc: 'ok', version: 0 }, 1),
    kv(1, set('/k', 'b'), 20, 30, { rc: 'ok', version: 1 }, 2),
    kv(2, set('/k', 'c'), 50, null, null, null),
  ];
  const read = (data: string, version: number, mzxid: number, at: number): ZkHistoryOp =>
    kv(3, get('/k'), at, at + 5, { rc: 'ok', exists: true, data, version, mzxid }, null, 2);
  test('are judged by the replay, with checkClientHistory answer, when no open write had to take effect', () => {
    const h = hist([...writes(), read('b', 1, 2, 40), read('b', 1, 2, 60)]);
    expect(verdicts(h).every((v) => v === 'ok')).toBe(true);
    expect(fast(h)).toEqual(verdicts(h));
  });
  test('a read that the replay does not explain is left to checkClientHistory, which flags it', () => {
    const h = hist([...writes(), read('a', 0, 1, 60)]);
    expect(fast(h)).toBeNull();
    expect(verdicts(h)).toContain('violated');
  });
  test('a read at or above the place where an open write had to take effect is left to checkClientHistory', () => {
    // The open write must precede the kvSet at zxid 4, which reports version 3: it took effect at zxid 3
    // (between 2 and 4: a write without a zxid still takes one of its own, zxid-gaps.ts).
    const later = kv(1, set('/k', 'd'), 60, 100, { rc: 'ok', version: 3 }, 4);
    const after = kv(3, get('/k'), 110, 120, { rc: 'ok', exists: true, data: 'd', version: 3, mzxid: 4 }, null, 4);
    const h = hist([...writes(), later, read('b', 1, 2, 40), after]);
    expect(fast(h)).toBeNull();
    expect(verdicts(h).every((v) => v === 'ok')).toBe(true);
    // Below it, the same reads alone are judged by the replay.
    const below = hist([...writes(), later, read('b', 1, 2, 40)]);
    expect(fast(below)).toEqual(verdicts(below));
  });
});

describe('an open write is bounded by the replies that arrived before it was invoked', () => {
  test('a read reply at header 3 before the open write began: it cannot be the write that the kvSet at zxid 3 needs', () => {
    const h = hist([
      kv(1, set('/k', 'a'), 0, 10, { rc: 'ok', version: 0 }, 1),
      kv(4, set('/x', 'x'), 0, 5, { rc: 'ok', version: 0 }, 2),
      // Invoked early, returned late: version 2 needs one more write on /k between zxids 1 and 3.
      kv(1, set('/k', 'b'), 15, 100, { rc: 'ok', version: 2 }, 3),
      kv(3, get('/x'), 20, 30, { rc: 'ok', exists: true, data: 'x', version: 0, mzxid: 2 }, null, 3),
      kv(2, set('/k', 'c'), 40, null, null, null),
    ]);
    expect(verdicts(h)).toContain('violated');
    expect(fast(h)).toBeNull();
  });
});

describe('a kvCas on a register an open write touched reports the version it leaves', () => {
  test('a kvCas at version -1 that reports version 1 is flagged by linearizable-writes, and the fast path leaves it; version 0 passes', () => {
    const at = (version: number): ZkHistory =>
      hist([kv(1, { type: 'kvCas', path: '/k', data: 'a', version: -1 }, 0, 10, { rc: 'ok', version }, 1), kv(2, set('/k', 'b'), 20, null, null, null)]);
    expect(checkClientHistory(at(1)).verdicts['linearizable-writes']).toBe('violated');
    expect(fast(at(1))).toBeNull();
    expect(verdicts(at(0)).every((v) => v === 'ok')).toBe(true);
    expect(fast(at(0))).toEqual(verdicts(at(0)));
  });
});
