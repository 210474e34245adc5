// Hand-written ZooKeeper write histories for the zk-writes fast path: passing and failing zxid orders,
// wrong results, sequential names, invalid paths, multi, and indeterminate ops (with and without zxid) that go to the search.
import { describe, expect, test } from 'vitest';
import { checkZkWrites } from '../../sim/checkers/zk-writes.js';
import { parseNdjsonHistory, formatNdjsonHistory } from '../../sim/history/ndjson.js';
import type { ZkHistoryOp, ZkOp, ZkResult } from '../../sim/history/types.js';
import { generateZkWriteHistory } from '../../sim/bench/linearizability.js';
import { Z } from './history-builders.js';

let nextId = 1;
function w(
  op: ZkOp,
  invokeUs: number,
  completeUs: number | null,
  result: ZkResult | null,
  zxid: number | null,
  outcome: ZkHistoryOp['outcome'] = 'ok',
): ZkHistoryOp {
  // zxid: written as its counter in epoch 1 (no zxid of epoch 0 is ever issued).
  return {
    kind: 'op',
    id: nextId++,
    client: nextId % 3,
    session: 1,
    server: 1,
    op,
    invokeUs,
    completeUs,
    outcome,
    result,
    zxid: zxid === null ? null : Z(zxid),
  };
}
const create = (path: string, data = 'x'): ZkOp => ({ type: 'create', path, data, mode: 'persistent' });
const seq = (path: string): ZkOp => ({ type: 'create', path, data: '', mode: 'persistentSequential' });
const setData = (path: string, version: number, data = 'y'): ZkOp => ({ type: 'setData', path, data, version });
const del = (path: string, version = -1): ZkOp => ({ type: 'delete', path, version });
const ok: ZkResult = { rc: 'ok' };

describe('zxid-ordered writes', () => {
  test('a plain sequential history with overlapping calls passes', () => {
    const h = [
      w(create('/a'), 0, 10, { rc: 'ok', path: '/a' }, 1),
      w(setData('/a', 0), 5, 20, { rc: 'ok', version: 1 }, 2),
      w(setData('/a', 0), 6, 21, { rc: 'badVersion' }, 3),
      w(create('/a/b'), 15, 30, { rc: 'ok', path: '/a/b' }, 4),
      w(del('/a'), 25, 40, { rc: 'notEmpty' }, 5),
      w(del('/a/b'), 41, 50, ok, 6),
      w(del('/a', 1), 51, 60, ok, 7),
      w({ type: 'getData', path: '/a' }, 61, 62, { rc: 'noNode' }, null),
    ];
    const result = checkZkWrites(h);
    expect(result).toMatchObject({ verdict: 'ok', checkedOps: 7, searchedOps: 0 });
    expect(result.witness).toBeUndefined();
  });

  test('real time: a write that completed before another began must have the smaller zxid', () => {
    const a = w(create('/a'), 0, 10, { rc: 'ok', path: '/a' }, 2);
    const b = w(create('/b'), 11, 20, { rc: 'ok', path: '/b' }, 1);
    const result = checkZkWrites([a, b]);
    expect(result.verdict).toBe('violated');
    expect(result.witness?.ops.map((o) => o.id)).toEqual([b.id, a.id]);
    expect(result.witness?.text).toContain('real-time');
    expect(JSON.parse(JSON.stringify(result.witness?.ops))).toHaveLength(2);
  });

  test('touching intervals count as concurrent', () => {
    // Two sessions: in one, the write issued later would need the larger zxid (session order).
    const a = { ...w(create('/a'), 0, 10, { rc: 'ok', path: '/a' }, 2), session: 11 };
    const b = { ...w(create('/b'), 10, 20, { rc: 'ok', path: '/b' }, 1), session: 12 };
    expect(checkZkWrites([a, b]).verdict).toBe('ok');
  });

  test('session order: a write issued after another of its session, while that one was still open, has the larger zxid', () => {
    // Writes only: the floor check decides in one pass, or, with the session's ops out of call order in the file, by ReplyBounds.
    const history = (zxidOfB: number, bFirst: boolean): ZkHistoryOp[] => {
      const a = { ...w(create('/a'), 0, 10, { rc: 'ok', path: '/a' }, 5), session: 31 };
      const b = { ...w(create('/b'), 5, 20, { rc: 'ok', path: '/b' }, zxidOfB), session: 31 };
      const other = { ...w(create('/c'), 1, 30, { rc: 'ok', path: '/c' }, 4), session: 32 };
      return bFirst ? [b, other, a] : [a, other, b];
    };
    for (const bFirst of [false, true]) {
      const late = checkZkWrites(history(3, bFirst));
      expect(late.verdict).toBe('violated');
      expect(late.witness?.text).toContain('was issued after, in its session,');
      expect(checkZkWrites(history(6, bFirst)).verdict).toBe('ok');
    }
  });

  test('a result the tree cannot produce is a violation, with the previous write on the path', () => {
    const first = w(create('/a'), 0, 10, { rc: 'ok', path: '/a' }, 1);
    const second = w(setData('/a', 0), 11, 20, { rc: 'ok', version: 1 }, 2);
    const third = w(setData('/a', 0), 21, 30, { rc: 'ok', version: 2 }, 3); // stale version accepted
    const result = checkZkWrites([first, second, third]);
    expect(result.verdict).toBe('violated');
    expect(result.witness?.ops.map((o) => o.id)).toEqual([second.id, third.id]);
    expect(result.witness?.reason).toContain('badVersion');
  });

  test('two writes with one zxid are a violation', () => {
    const result = checkZkWrites([w(create('/a'), 0, 10, ok, 7), w(create('/b'), 0, 10, ok, 7)]);
    expect(result.verdict).toBe('violated');
    expect(result.witness?.reason).toContain('same zxid');
  });

  // The parent's persisted cversion counts child creations only (deletes move pzxid), as in ZooKeeper's
  // PrepRequestProcessor and protocol/tree/prep.ts.
  test('sequential creates are named from the parent cversion', () => {
    const good = [
      w(create('/q'), 0, 1, ok, 1),
      w(seq('/q/n-'), 2, 5, { rc: 'ok', path: '/q/n-0000000000' }, 2),
      w(seq('/q/n-'), 2, 6, { rc: 'ok', path: '/q/n-0000000001' }, 3),
      w(del('/q/n-0000000000'), 7, 8, ok, 4),
      w(seq('/q/n-'), 9, 10, { rc: 'ok', path: '/q/n-0000000002' }, 5),
    ];
    expect(checkZkWrites(good).verdict).toBe('ok');
    const bad = [...good.slice(0, 4), w(seq('/q/n-'), 9, 10, { rc: 'ok', path: '/q/n-0000000003' }, 5)];
    expect(checkZkWrites(bad).verdict).toBe('violated');
  });

  test('multi applies atomically or not at all', () => {
    const h = [
      w(
        { type: 'multi', ops: [create('/m'), create('/m/x')] },
        0,
        5,
        {
          rc: 'ok',
          results: [
            { rc: 'ok', path: '/m' },
            { rc: 'ok', path: '/m/x' },
          ],
        },
        1,
      ),
      w({ type: 'multi', ops: [setData('/m', -1), { type: 'check', path: '/m/x', version: 3 }] }, 6, 9, { rc: 'badVersion' }, 2),
      w(setData('/m', 0), 10, 12, { rc: 'ok', version: 1 }, 3), // the failed multi did not bump /m
    ];
    expect(checkZkWrites(h).verdict).toBe('ok');
  });

  // PathUtils.validatePath as PrepRequestProcessor applies it: a failed write still takes a zxid.
  test('invalid paths give badArguments: create on the final name, setData before the node lookup', () => {
    const good = [
      w(create('/a'), 0, 1, { rc: 'ok', path: '/a' }, 1),
      w(create('/a/'), 2, 3, { rc: 'badArguments' }, 2),
      w(create('/missing/'), 4, 5, { rc: 'noNode' }, 3), // the parent lookup comes first
      w(setData('/a/', -1), 6, 7, { rc: 'badArguments' }, 4),
      w(seq('/a/'), 8, 9, { rc: 'ok', path: '/a/0000000000' }, 5), // "/a/" + sequence number is valid
    ];
    expect(checkZkWrites(good).verdict).toBe('ok');
    const bad = [good[0]!, w(create('/a/'), 2, 3, { rc: 'ok', path: '/a/' }, 2)];
    const result = checkZkWrites(bad);
    expect(result.verdict).toBe('violated');
    expect(result.witness?.reason).toContain('badArguments');
  });

  test('outcome "fail" ops are ignored; an "info" op with a zxid is applied without checking its result', () => {
    const h = [
      w(create('/f'), 0, null, null, 1, 'info'),
      w(create('/never'), 1, 2, null, null, 'fail'),
      w(setData('/f', 0), 3, 4, { rc: 'ok', version: 1 }, 2),
    ];
    expect(checkZkWrites(h)).toMatchObject({ verdict: 'ok', checkedOps: 2, searchedOps: 0 });
  });
});

describe('indeterminate writes fall back to the search on their partition', () => {
  test('a timed-out create that evidently happened is placed before the write that needs it', () => {
    const h = [
      w(create('/b'), 0, 50, { rc: 'connectionLoss' }, null, 'info'),
      // zxid 3, not 2: the create needs a zxid of its own below the setData's, and /other holds 1.
      w(setData('/b', 0), 10, 20, { rc: 'ok', version: 1 }, 3),
      w(create('/other'), 0, 5, ok, 1),
    ];
    const result = checkZkWrites(h);
    expect(result).toMatchObject({ verdict: 'ok', checkedOps: 3, searchedOps: 2 });
  });

  test('a timed-out write that never took effect is fine too', () => {
    const h = [
      w(create('/e'), 0, 5, ok, 1),
      w(del('/e'), 6, null, null, null, 'info'),
      w(setData('/e', 0), 10, 20, { rc: 'ok', version: 1 }, 2),
      w(setData('/e', 1), 21, 30, { rc: 'ok', version: 2 }, 3),
    ];
    expect(checkZkWrites(h).verdict).toBe('ok');
  });

  test('an indeterminate op cannot take effect before it was invoked', () => {
    const h = [
      w(setData('/g', 0), 0, 10, { rc: 'ok', version: 1 }, 1), // needs /g, which only the later create makes
      w(create('/g'), 20, null, null, null, 'info'),
    ];
    const result = checkZkWrites(h);
    expect(result.verdict).toBe('violated');
    expect(result.witness?.reason).toContain('/g');
  });

  test('a completed write without a zxid must fit between the zxid-ordered ones', () => {
    const h = [
      w(create('/d'), 0, 10, { rc: 'ok', path: '/d' }, 1),
      w(create('/d'), 20, 30, { rc: 'ok', path: '/d' }, null), // /d already exists: must be nodeExists
      w(setData('/d', -1), 25, null, null, null, 'info'),
    ];
    const result = checkZkWrites(h);
    expect(result.verdict).toBe('violated');
    expect(result.witness?.ops.length).toBeGreaterThan(0);
    expect(result.witness?.text.split('\n').length).toBeGreaterThan(1);
  });

  test('zxid order is kept inside the searched partition', () => {
    const h = [
      w(create('/z'), 0, 100, ok, 1),
      w(setData('/z', 0), 0, 100, { rc: 'ok', version: 1 }, 3),
      w(setData('/z', 0), 0, 100, { rc: 'badVersion' }, 2), // zxid 2 before 3, so it should have succeeded
      w(del('/z/nothing'), 0, null, null, null, 'info'),
    ];
    expect(checkZkWrites(h).verdict).toBe('violated');
  });

  // Found by the brute-force property: partitions share the global zxid order, so a write without a zxid
  // is bound by writes elsewhere. #3 was invoked after #0 (zxid 3) completed, so it cannot precede #2 (zxid 1).
  test('a write without a zxid cannot take effect before a zxid that real time puts after it, even on other paths', () => {
    // One session per op: session order would settle it before the search.
    const history = (zxidOfA: number, zxidOfSeq: number): ZkHistoryOp[] =>
      [
        w(create('/a/b'), 10, 26, { rc: 'noNode' }, zxidOfA),
        w(create('/c'), 20, 29, { rc: 'ok', path: '/c' }, 2),
        w(seq('/s-'), 26, 30, { rc: 'ok', path: '/s-0000000001' }, zxidOfSeq),
        w(seq('/s-'), 29, null, null, null, 'info'),
      ].map((o, k) => ({ ...o, session: 21 + k }));
    expect(checkZkWrites(history(1, 3)).verdict).toBe('ok'); // #3 then #2 fits after #0 (zxid 1) and /c (2)
    const result = checkZkWrites(history(3, 1));
    expect(result.verdict).toBe('violated');
    expect(result.witness?.text).toContain('outside the partition');
    expect(result.witness?.ops.map((o) => o.op.type === 'create' && o.op.path)).toContain('/a/b');
  });

  test('a step budget gives unknown', () => {
    const h: ZkHistoryOp[] = [w(create('/u'), 0, 1, ok, 1)];
    for (let i = 0; i < 14; i++) h.push(w(setData('/u', -1, `v${i}`), 2, null, null, null, 'info'));
    h.push(w(setData('/u', 99), 3, 4, { rc: 'ok', version: 100 }, null));
    expect(checkZkWrites(h, { stepsMax: 50 }).verdict).toBe('unknown');
  });
});

describe('NDJSON round trip and the generated bench history', () => {
  test('format then parse gives the same ops', () => {
    const ops = generateZkWriteHistory(200, 7);
    const text = formatNdjsonHistory({ header: { kind: 'header', version: 1, seed: '7' }, ops });
    const parsed = parseNdjsonHistory(text, 'mem.ndjson');
    expect(parsed.ops).toEqual(ops);
    expect(checkZkWrites(parsed).verdict).toBe('ok');
  });

  test('the generator is deterministic and its history passes', () => {
    const a = generateZkWriteHistory(20_000, 3);
    expect(generateZkWriteHistory(20_000, 3)).toEqual(a);
    expect(checkZkWrites(a).verdict).toBe('ok');
  });
});
