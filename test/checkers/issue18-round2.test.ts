// Proves, one small history per shape the reference sweep found after round 1, that the client checkers flag
// what no ZooKeeper execution produces (a reply to a session after its own close, an error reply at or after
// the session's end, a sync whose header zxid covers a later write) and still pass the possible neighbours.
import { describe, expect, test } from 'vitest';
import { checkClientHistory, checkLinearizableWrites, checkSequentialReads, checkSessionEphemerals } from '../../sim/checkers/client.js';
import type { ZkHistory, ZkHistoryEvent, ZkHistoryOp, ZkOp, ZkResult } from '../../sim/history/types.js';
import { inEpoch1, zkHistory, zkOpRecord } from './history-builders.js';

const op = zkOpRecord;
const hist = (...args: Parameters<typeof zkHistory>): ZkHistory => inEpoch1(zkHistory(...args)); // counters in epoch 1
const close: ZkOp = { type: 'closeSession' };
const exists: ZkOp = { type: 'exists', path: '/a/c' };

describe("class 9: a reply to a session after its own close's reply arrived", () => {
  test('an exists invoked after the closeSession (no zxid) returned is flagged; one invoked before passes', () => {
    const closed = op(close, 10, 20, { rc: 'ok' }, null);
    const after = op(exists, 30, 40, { rc: 'ok', exists: false }, null);
    expect(checkSessionEphemerals(hist([after, closed])).verdict).toBe('violated');
    const before = op(exists, 5, 8, { rc: 'ok', exists: false }, null);
    expect(checkSessionEphemerals(hist([before, closed])).verdict).toBe('ok');
  });
  test('an error reply (noNode) after the close is a reply too; connection loss is not', () => {
    const closed = op(close, 10, 20, { rc: 'ok' }, 5);
    const create: ZkOp = { type: 'create', path: '/a/c', data: 'v', mode: 'ephemeral' };
    expect(checkSessionEphemerals(hist([closed, op(create, 30, 40, { rc: 'noNode' }, null)])).verdict).toBe('violated');
    expect(checkSessionEphemerals(hist([closed, op(create, 30, 40, { rc: 'connectionLoss' }, null)])).verdict).toBe('ok');
  });
});

describe("class 9: an error reply at or after the session's end", () => {
  test('a getData answered noNode at the ENDED zxid is flagged; one below passes', () => {
    const ended: ZkHistoryEvent = { kind: 'session', client: null, session: 101, server: null, state: 'ENDED', atUs: 90, zxid: 8 };
    const readAt = (readZxid: number): ZkHistoryOp => op({ type: 'getData', path: '/b' }, 50, 60, { rc: 'noNode' }, null, { readZxid });
    expect(checkSessionEphemerals(hist([readAt(8)], [ended])).verdict).toBe('violated');
    expect(checkSessionEphemerals(hist([readAt(7)], [ended])).verdict).toBe('ok');
  });
});

describe('class 3: a sync reply header bounds later writes', () => {
  test('a create invoked after a sync returned at header zxid 3 cannot have zxid 3; zxid 4 passes', () => {
    const sync = op({ type: 'sync', path: '/' }, 10, 20, { rc: 'ok' }, null, { readZxid: 3 });
    const create = (zxid: number): ZkHistoryOp => op({ type: 'create', path: '/a', data: 'v', mode: 'persistent' }, 30, 40, { rc: 'ok', path: '/a' }, zxid);
    expect(checkSequentialReads(hist([sync, create(3)])).verdict).toBe('violated');
    expect(Object.values(checkClientHistory(hist([sync, create(4)])).verdicts).every((v) => v === 'ok')).toBe(true);
  });
});

describe('dense zxids: a write without a zxid needs a free zxid between its session and real-time bounds', () => {
  const kv = (o: ZkOp, invokeUs: number, completeUs: number | null, result: ZkResult | null, zxid: number | null, readZxid?: number): ZkHistoryOp =>
    op(o, invokeUs, completeUs, result, zxid, { session: null, ...(readZxid === undefined ? {} : { readZxid }) });
  const anyViolated = (h: ZkHistory): boolean => Object.values(checkClientHistory(h).verdicts).includes('violated');
  test('a kvCas between two reads of its session at header zxid 1 has no zxid left; with the later read at 2 it passes', () => {
    const cas = kv({ type: 'kvCas', path: '/k1', data: 'v1', version: -1 }, 30, 40, { rc: 'ok', version: 0 }, null);
    const first = kv({ type: 'kvGet', path: '/k1' }, 10, 20, { rc: 'ok', exists: false }, null, 1);
    const second = (h: number): ZkHistoryOp => kv({ type: 'kvGet', path: '/k0' }, 50, 60, { rc: 'ok', exists: false }, null, h);
    const one = kv({ type: 'kvSet', path: '/k9', data: 'v0' }, 0, 5, { rc: 'ok', version: 0 }, 1);
    expect(anyViolated(hist([one, first, cas, second(1)]))).toBe(true);
    expect(anyViolated(hist([one, first, cas, second(2)]))).toBe(false);
  });
  test('a failed kvCas (an error txn) after a write at zxid 1 and before its session reads at header 1 is flagged', () => {
    const set = kv({ type: 'kvSet', path: '/k1', data: 'v1' }, 10, 20, { rc: 'ok', version: 0 }, 1);
    const cas = kv({ type: 'kvCas', path: '/k1', data: 'v2', version: 2 }, 30, 40, { rc: 'badVersion' }, null);
    const get = (h: number): ZkHistoryOp => kv({ type: 'kvGet', path: '/k1' }, 50, 60, { rc: 'ok', exists: true, data: 'v1', version: 0, mzxid: 1 }, null, h);
    expect(anyViolated(hist([set, cas, get(1)]))).toBe(true);
    expect(anyViolated(hist([set, cas, get(2)]))).toBe(false);
  });
  test('two replied kvCas between a write at zxid 1 and a read at header 2 need two zxids where one is free (per-gap capacity)', () => {
    const set = kv({ type: 'kvSet', path: '/k1', data: 'v1' }, 10, 20, { rc: 'ok', version: 0 }, 1);
    const cas = (at: number): ZkHistoryOp => kv({ type: 'kvCas', path: '/k1', data: 'v2', version: 2 }, at, at + 5, { rc: 'badVersion' }, null);
    const get = (h: number): ZkHistoryOp => kv({ type: 'kvGet', path: '/k1' }, 50, 60, { rc: 'ok', exists: true, data: 'v1', version: 0, mzxid: 1 }, null, h);
    expect(anyViolated(hist([set, cas(30), cas(40), get(2)]))).toBe(true);
    expect(anyViolated(hist([set, cas(30), cas(40), get(3)]))).toBe(false);
  });
});

describe('false alarm: a write on a name a sequential create without a reply may have made', () => {
  test('setData /a/s-0000000000 after an indeterminate sequential create under /a passes; with no such create it is flagged', () => {
    const parent = op({ type: 'create', path: '/a', data: 'v', mode: 'persistent' }, 10, 20, { rc: 'ok', path: '/a' }, null);
    const seq = op({ type: 'create', path: '/a/s-', data: 'v', mode: 'persistentSequential' }, 30, null, null, null);
    const setData = op({ type: 'setData', path: '/a/s-0000000000', data: 'w', version: 0 }, 50, 60, { rc: 'ok', version: 1 }, 4);
    expect(checkLinearizableWrites(hist([parent, seq, setData])).verdict).toBe('ok');
    expect(checkLinearizableWrites(hist([parent, setData])).verdict).toBe('violated');
  });
});

describe('class 9: an ENDED record bounds later writes by real time', () => {
  test('a create invoked after a session was seen ended at zxid 6 cannot carry zxid 5; zxid 7 passes', () => {
    const ended: ZkHistoryEvent = { kind: 'session', client: null, session: 102, server: null, state: 'ENDED', atUs: 100, zxid: 6 };
    const create = (zxid: number): ZkHistoryOp => op({ type: 'create', path: '/a', data: 'v', mode: 'persistent' }, 120, 130, { rc: 'ok', path: '/a' }, zxid);
    expect(checkSessionEphemerals(hist([create(5)], [ended])).verdict).toBe('violated');
    expect(checkSessionEphemerals(hist([create(7)], [ended])).verdict).toBe('ok');
  });
});
