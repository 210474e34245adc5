// Proves, one small NDJSON history per shape, that sequential-reads counts zxids inside the read search
// (each write without a zxid takes a free zxid of its own, in the order the search places it), agreeing
// with the reference checker on the impossible history and on its possible neighbour.
import { describe, expect, test } from 'vitest';
import { checkZkHistory } from '../../sim/cli/check.js';
import { checkSequentialReads } from '../../sim/checkers/client.js';
import { parseNdjsonHistory } from '../../sim/history/ndjson.js';
import { referenceCheck } from '../reference/reference.js';
import { ndjsonHistory, ndjsonOp } from './history-builders.js';

const Z = 4294967296; // epoch 1, counter 0: zxid 1:n is Z + n

const history = (records: readonly object[]): string => ndjsonHistory(records);

/** An op of `session` by its own client (session - 1000). */
const op = (session: number, o: object, invokeUs: number, completeUs: number | null, result: object | null, zxid: number | null, readZxid?: number): object =>
  ndjsonOp(session - 1000, session, o, invokeUs, completeUs, result, zxid, readZxid);

/** sequential-reads' verdict, zabsim's overall verdict and the reference's answer for one history. */
function judged(text: string): { reads: string; zabsim: string; possible: boolean | 'too-large' } {
  const h = parseNdjsonHistory(text, 'test.ndjson');
  return { reads: checkSequentialReads(h).verdict, zabsim: checkZkHistory(h).verdict, possible: referenceCheck(h).possible };
}
const IMPOSSIBLE = { reads: 'violated', zabsim: 'violated', possible: false };
const POSSIBLE = { reads: 'ok', zabsim: 'ok', possible: true };

const create = (path: string, data = 'v0') => ({ type: 'create', path, data, mode: 'persistent' });
const setData = (path: string, data: string) => ({ type: 'setData', path, data, version: -1 });
const getData = (path: string) => ({ type: 'getData', path });

describe('a read header zxid pins how many writes without a zxid lie below it', () => {
  // /a created at 1:1; two setData of /a without a zxid, one after the other (real time); a read of /a
  // at header 1:4 sees the second. Between 1:1 and the read there are 1:2 and 1:3 for them, unless
  // another path's write (concurrent with them all) holds one of them.
  const records = (taken: boolean): object[] => [
    op(1001, create('/a'), 0, 10, { rc: 'ok', path: '/a' }, Z + 1),
    op(1002, setData('/a', 'v1'), 20, 30, { rc: 'ok', version: 1 }, null),
    op(1003, setData('/a', 'v2'), 40, 50, { rc: 'ok', version: 2 }, null),
    op(1004, create('/b'), 0, 210, { rc: 'ok', path: '/b' }, taken ? Z + 2 : Z + 4),
    op(1005, getData('/a'), 60, 70, { rc: 'ok', data: 'v2', version: 2 }, null, Z + 3),
  ];
  test('with 1:2 held by a create of /b, the two setData cannot both lie at or below 1:3: flagged', () => {
    expect(judged(history(records(true)))).toEqual(IMPOSSIBLE);
  });
  test('with 1:2 and 1:3 free, the read at 1:3 passes', () => {
    expect(judged(history(records(false)))).toEqual(POSSIBLE);
  });
});

describe('the writes the search places in one gap take increasing zxids in the order placed', () => {
  // The sweep's case: a session's create of /a (no zxid) is issued before its read at header 1:2, so it lies
  // at or below 1:2; a failed create under /a (an error txn, no zxid) completed before it was invoked and
  // after the close at 1:1 completed, so it lies above 1:1 and below the create. Only 1:2 is between.
  const records = (header: number): object[] => [
    op(1001, getData('/a'), 0, 10, { rc: 'noNode' }, null, Z),
    op(1001, { type: 'closeSession' }, 20, 30, { rc: 'ok' }, Z + 1),
    op(1003, { type: 'create', path: '/a/s-', data: 'v1', mode: 'persistentSequential' }, 40, 50, { rc: 'noNode' }, null),
    op(1004, create('/a', 'v2'), 60, 70, { rc: 'ok', path: '/a' }, null),
    op(1004, getData('/b'), 80, 90, { rc: 'noNode' }, null, Z + header),
    op(1002, create('/b', 'v3'), 100, 110, { rc: 'ok', path: '/b' }, Z + 4),
  ];
  test('the session reads at 1:2: no zxid is left for the create before it, after the failed create; flagged', () => {
    expect(judged(history(records(2)))).toEqual(IMPOSSIBLE);
  });
  test('the session reads at 1:3: 1:2 and 1:3 hold both, passes', () => {
    expect(judged(history(records(3)))).toEqual(POSSIBLE);
  });
});

describe('session order: a write whose reply was lost takes effect after the ops its session issued before it', () => {
  // Session 1001 asks whether /a exists (no header zxid), then creates /a and loses the reply. Nothing
  // else creates /a, so the read can see /a only if it was issued after the create.
  const records = (readInvokeUs: number): object[] => [
    op(1001, create('/a'), 10, null, null, null),
    op(1001, { type: 'exists', path: '/a' }, readInvokeUs, 40, { rc: 'ok', exists: true, version: 0 }, null),
  ];
  test('the exists issued before the create sees /a: flagged', () => {
    expect(judged(history(records(0)))).toEqual(IMPOSSIBLE);
  });
  test('the exists issued after the create sees /a: passes', () => {
    expect(judged(history(records(20)))).toEqual(POSSIBLE);
  });
});

describe("a session's writes take effect below its recorded end", () => {
  // Session 1001 creates /a (a reply, no zxid) after /x was created at 1:1; the session ends at the zxid
  // of its ENDED record; another session reads /a. The create lies between 1:1 and the end.
  const records = (end: number): object[] => [
    op(1002, create('/x'), 0, 5, { rc: 'ok', path: '/x' }, Z + 1),
    op(1001, create('/a'), 10, 20, { rc: 'ok', path: '/a' }, null),
    { kind: 'session', client: null, session: 1001, server: null, state: 'ENDED', atUs: 30, zxid: Z + end },
    op(1003, getData('/a'), 40, 50, { rc: 'ok', data: 'v0', version: 0 }, null),
  ];
  test('the session ends at 1:2: no zxid is left for its create, flagged', () => {
    expect(judged(history(records(2)))).toEqual(IMPOSSIBLE);
  });
  test('the session ends at 1:3: the create takes 1:2, passes', () => {
    expect(judged(history(records(3)))).toEqual(POSSIBLE);
  });
});

describe('a close whose reply was lost ends the session after every ok reply of it', () => {
  // Session 1002 creates the ephemeral /a (a reply, no zxid), sends closeSession and loses the reply, then
  // reads /a at header 1:1 and finds no node. Its create lies at or below 1:1 (it was issued first), and
  // the close, which would delete /a, cannot lie before a reply of its own session.
  const records = (reader: number): object[] => [
    op(1002, { type: 'create', path: '/a', data: 'v0', mode: 'ephemeral' }, 0, 10, { rc: 'ok', path: '/a' }, null),
    op(1002, { type: 'closeSession' }, 20, null, null, null),
    op(reader, getData('/a'), 30, 40, { rc: 'noNode' }, null, Z + 2),
  ];
  test('its own session reads /a as gone: flagged', () => {
    expect(judged(history(records(1002)))).toEqual(IMPOSSIBLE);
  });
  test('another session reads /a as gone: passes', () => {
    expect(judged(history(records(1003)))).toEqual(POSSIBLE);
  });
});

describe("a read's mzxid pins the one write that can have left its version, a multi's version counted too", () => {
  // Session 1001 creates /b and sets it to version 1 (replies, no zxids), then a read at header 1:1, then
  // an exists of /b at 1:2 with version 1 and mzxid 1:2. An open multi of another session creates /b (at
  // version 0, so not the write at 1:2): the setData is, and it was issued before the read at 1:1.
  const records = (reader: number): object[] => [
    op(1003, { type: 'multi', ops: [create('/b', 'v9')] }, 0, null, null, null),
    op(1001, create('/b'), 10, 20, { rc: 'ok', path: '/b' }, null),
    op(1001, setData('/b', 'v1'), 30, 40, { rc: 'ok', version: 1 }, null),
    op(reader, getData('/x'), 50, 60, { rc: 'noNode' }, null, Z + 1),
    op(1001, { type: 'exists', path: '/b' }, 70, 80, { rc: 'ok', exists: true, version: 1, mzxid: Z + 2 }, null, Z + 2),
  ];
  test('the read at 1:1 is of the same session, issued after the setData: flagged', () => {
    expect(judged(history(records(1001)))).toEqual(IMPOSSIBLE);
  });
  test('the read at 1:1 is of another session: passes', () => {
    expect(judged(history(records(1002)))).toEqual(POSSIBLE);
  });
});

describe('no false alarm: an ok close without a zxid is its session end recorded at a zxid, not a second txn', () => {
  // Session 1001 creates the ephemeral /e at 1:1, reads it (no header zxid), closes (a reply, no zxid; its
  // ENDED record says 1:2); another session writes at 1:3 after the close returned. The close is the txn
  // at 1:2: it needs no zxid of its own between 1:1 and 1:3.
  const records = [
    op(1001, { type: 'create', path: '/e', data: 'v0', mode: 'ephemeral' }, 0, 10, { rc: 'ok', path: '/e' }, Z + 1),
    op(1001, getData('/e'), 20, 30, { rc: 'ok', data: 'v0', version: 0 }, null),
    op(1001, { type: 'closeSession' }, 40, 50, { rc: 'ok' }, null),
    { kind: 'session', client: null, session: 1001, server: null, state: 'ENDED', atUs: 45, zxid: Z + 2 },
    op(1002, create('/a'), 60, 70, { rc: 'ok', path: '/a' }, Z + 3),
  ];
  test('the close at its ENDED zxid 1:2 passes', () => {
    expect(judged(history(records))).toEqual(POSSIBLE);
  });
});
