// Proves, one small history per shape the reference sweep found after round 1, that the client checkers flag
// what no ZooKeeper execution produces (a reply to a session after its own close, an error reply at or after
// the session's end, a sync whose header zxid covers a later write) and still pass the possible neighbours.
import { describe, expect, test } from 'vitest';
import { checkClientHistory, checkSequentialReads, checkSessionEphemerals } from '../../sim/checkers/client.js';
import type { ZkHistory, ZkHistoryEvent, ZkHistoryOp, ZkOp, ZkResult } from '../../sim/history/types.js';

let nextId = 0;
function op(o: ZkOp, invokeUs: number, completeUs: number | null, result: ZkResult | null, zxid: number | null, extra: Partial<ZkHistoryOp> = {}): ZkHistoryOp {
  return {
    kind: 'op',
    id: nextId++,
    client: 1,
    session: 101,
    server: 1,
    op: o,
    invokeUs,
    completeUs,
    outcome: completeUs === null ? 'info' : 'ok',
    result,
    zxid,
    ...extra,
  };
}
function hist(ops: ZkHistoryOp[], events: ZkHistoryEvent[] = []): ZkHistory {
  return { header: { kind: 'header', version: 1 }, ops, events };
}
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
