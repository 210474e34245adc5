// Proves, one small NDJSON history per shape the reference sweep found, that `zabsim check --model zk`
// and the reference checker give the same verdict on writes: impossible write results and real-time
// orders are flagged by linearizable-writes, and their possible neighbours pass both.
import { describe, expect, test } from 'vitest';
import { checkZkHistory } from '../../sim/cli/check.js';
import { parseNdjsonHistory } from '../../sim/history/ndjson.js';
import type { ZkHistory } from '../../sim/history/types.js';
import { referenceCheck } from '../reference/reference.js';
import { ndjsonOp } from './history-builders.js';

const HEADER = '{"kind":"header","version":1,"model":"zk"}';

function history(lines: readonly string[]): ZkHistory {
  return parseNdjsonHistory([HEADER, ...lines].join('\n') + '\n', 'differential-writes.ndjson');
}

/** zabsim's linearizable-writes verdict and overall verdict, and the reference's `possible`. */
function judged(lines: readonly string[]): { writes: string | undefined; zabsim: string; possible: boolean | 'too-large' } {
  const h = history(lines);
  const z = checkZkHistory(h);
  return { writes: z.results.find((r) => r.name === 'linearizable-writes')?.verdict, zabsim: z.verdict, possible: referenceCheck(h).possible };
}

function expectImpossibleWrites(lines: readonly string[]): void {
  expect(judged(lines)).toEqual({ writes: 'violated', zabsim: 'violated', possible: false });
}

function expectPossible(lines: readonly string[]): void {
  expect(judged(lines)).toEqual({ writes: 'ok', zabsim: 'ok', possible: true });
}

const Z = (counter: number): number => 2 ** 32 + counter; // zxid 1:counter

describe('write-result: an ok kvCas reports the version it makes', () => {
  const kvSetInfo = `{"kind":"op","id":1,"client":2,"session":null,"server":3,"op":{"type":"kvSet","path":"/k0","data":"v1"},"invokeUs":1793,"completeUs":null,"outcome":"info","result":null,"zxid":null}`;
  const cas = (version: number) =>
    `{"kind":"op","id":6,"client":2,"session":null,"server":3,"op":{"type":"kvCas","path":"/k0","data":"v6","version":0},"invokeUs":6013,"completeUs":7779,"outcome":"ok","result":{"rc":"ok","version":${version}},"zxid":${Z(5)}}`;
  test('a kvCas at version 0 that reports version 0 is flagged; version 1 passes', () => {
    expectImpossibleWrites([kvSetInfo, cas(0)]);
    expectPossible([kvSetInfo, cas(1)]);
  });
});

/** One NDJSON op line; `zxid` and `completeUs` null for a write whose reply was lost. */
function op(id: number, session: number, o: object, invokeUs: number, completeUs: number | null, result: object | null, zxid: number | null): string {
  const outcome = completeUs === null ? 'info' : 'ok';
  return JSON.stringify({ kind: 'op', id, client: session - 1000, session, server: 1, op: o, invokeUs, completeUs, outcome, result, zxid });
}
const create = (path: string) => ({ type: 'create', path, data: 'v', mode: 'persistent' });
const setData = (path: string, version = -1) => ({ type: 'setData', path, data: 'w', version });
const ended = (session: number, atUs: number, zxid: number) =>
  JSON.stringify({ kind: 'session', client: null, session, server: null, state: 'ENDED', atUs, zxid });

describe('write-result: a write without a zxid takes a free zxid of its own', () => {
  test('a lost setData that must fall between 1:1 and 1:2 is flagged; with 1:3 for the later write it passes', () => {
    const lines = (later: number) => [
      op(1, 1001, create('/a'), 100, 200, { rc: 'ok', path: '/a' }, Z(1)),
      op(2, 1002, setData('/a'), 150, null, null, null),
      op(3, 1003, setData('/a'), 300, 400, { rc: 'ok', version: 2 }, Z(later)),
    ];
    expectImpossibleWrites(lines(2));
    expectPossible(lines(3));
  });

  test('two partitions cannot both take the one free zxid between 1:1 and 1:4; with 1:5 they can', () => {
    const lines = (last: number) => [
      op(1, 1001, create('/a'), 0, 10, { rc: 'ok', path: '/a' }, Z(1)),
      op(2, 1002, setData('/a'), 20, null, null, null),
      op(3, 1003, create('/b'), 20, null, null, null),
      op(4, 1001, setData('/a'), 40, 50, { rc: 'ok', version: 2 }, Z(3)),
      op(5, 1004, setData('/b'), 40, 50, { rc: 'ok', version: 1 }, Z(last)),
    ];
    expectImpossibleWrites(lines(4));
    expectPossible(lines(5));
  });

  test('a replied setData without a zxid needs one too: two of them between an ENDED at 1:6 and a write at 1:8 are one too many', () => {
    // The session end at 1:6 committed by 8122us (its ENDED record), before both setData were invoked.
    const lines = (last: number) => [
      op(3, 1002, create('/a'), 3545, 5292, { rc: 'ok', path: '/a' }, null),
      op(9, 1003, setData('/a', 0), 9982, null, null, null),
      op(10, 1003, setData('/a'), 10865, 11827, { rc: 'ok', version: 2 }, null),
      op(12, 1003, setData('/a', 3), 12993, 13067, { rc: 'badVersion' }, Z(last)),
      ended(1001, 8122, Z(6)),
    ];
    expectImpossibleWrites(lines(8));
    expectPossible(lines(9));
  });
});

describe("write-real-time: a session's ok close without a zxid is its ENDED record's txn", () => {
  test('a close invoked after another write at 1:4 completed cannot be the end at 1:3; one invoked before can', () => {
    const lines = (closeInvokeUs: number) => [
      op(5, 1004, { type: 'closeSession' }, closeInvokeUs, 9640, { rc: 'ok' }, null),
      op(6, 1001, create('/x'), 8000, 8289, { rc: 'ok', path: '/x' }, Z(4)),
      ended(1004, 9500, Z(3)),
    ];
    expectImpossibleWrites(lines(8652));
    expectPossible(lines(7000));
  });
});

describe('session order: a lost write of a session takes effect after the ops its session issued before it', () => {
  test('a delete answered ok before the lost create of its session was sent is flagged by both; issued the other way round it passes', () => {
    const lines = (createInvokeUs: number) => [
      op(1, 1003, create('/a'), createInvokeUs, null, null, null),
      op(3, 1003, { type: 'delete', path: '/a', version: -1 }, 1534, 2869, { rc: 'ok' }, Z(2)),
    ];
    expectImpossibleWrites(lines(1826));
    expectPossible(lines(1000));
  });
});

describe("write-result: a session's writes take effect before its end", () => {
  test('a setData of a session whose end is at 1:5 cannot take the version after the write at 1:4; with the end at 1:6 it can', () => {
    const lines = (endZxid: number) => [
      op(0, 1003, create('/a'), 818, null, null, null),
      op(3, 1001, setData('/a'), 3471, 6588, { rc: 'ok', version: 2 }, null),
      op(5, 1003, setData('/a'), 5820, 6330, { rc: 'ok', version: 1 }, Z(4)),
      ended(1001, 7032, Z(endZxid)),
    ];
    expectImpossibleWrites(lines(5));
    expectPossible(lines(6));
  });
});

describe("session order: a session's replied writes without a zxid take effect in issue order", () => {
  test('a setData issued before the create of its node in one session is flagged; issued after it, it passes', () => {
    const lines = (setInvokeUs: number, setCompleteUs: number) => [
      op(8, 1002, { ...create('/b'), mode: 'ephemeral' }, 8362, 9813, { rc: 'ok', path: '/b' }, null),
      op(9, 1002, setData('/b'), setInvokeUs, setCompleteUs, { rc: 'ok', version: 1 }, null),
    ];
    expectImpossibleWrites(lines(8095, 8434));
    expectPossible(lines(9900, 9950));
  });
});

describe('write-real-time: a write with a zxid lies above every state shown before it', () => {
  const read = (id: number, session: number, invokeUs: number, completeUs: number, readZxid: number) =>
    JSON.stringify({
      kind: 'op',
      id,
      client: session - 1000,
      session,
      server: 1,
      op: { type: 'getData', path: '/b' },
      invokeUs,
      completeUs,
      outcome: 'ok',
      result: { rc: 'noNode' },
      zxid: null,
      readZxid,
    });
  test('a read its session issued first shows 1:4, so a create issued after it cannot have 1:4; with 1:3 shown it can', () => {
    const lines = (shown: number) => [
      read(5, 1003, 6926, 7182, Z(shown)),
      op(4, 1003, { type: 'create', path: '/a/c', data: 'v', mode: 'persistent' }, 6968, 7773, { rc: 'noNode' }, Z(4)),
    ];
    expectImpossibleWrites(lines(4));
    expectPossible(lines(3));
  });
  test("a close invoked after another session's read showed 1:6 cannot be the end at 1:6; at 1:7 it can", () => {
    const lines = (end: number) => [
      read(7, 1003, 8185, 9382, Z(6)),
      op(11, 1004, { type: 'closeSession' }, 13688, 14512, { rc: 'ok' }, null),
      ended(1004, 14258, Z(end)),
    ];
    expectImpossibleWrites(lines(6));
    expectPossible(lines(7));
  });
});

describe('write-result: writes without a zxid in one gap take increasing zxids in the order they take effect', () => {
  test('a lost setData then a replied one, both between 1:2 and 1:4 where only 1:3 is free, are flagged; with 1:5 they fit', () => {
    const lines = (last: number) => [
      op(0, 1001, { ...create('/b'), mode: 'ephemeral' }, 431, 1719, { rc: 'ok', path: '/b' }, Z(1)),
      op(4, 1001, setData('/b'), 4159, null, null, null),
      op(6, 1002, setData('/b', 0), 5737, 6870, { rc: 'ok', version: 1 }, Z(2)),
      op(10, 1002, setData('/b'), 10949, 11902, { rc: 'ok', version: 3 }, null),
      op(11, 1002, { type: 'delete', path: '/a/c', version: -1 }, 11972, 12357, { rc: 'noNode' }, Z(last)),
    ];
    expectImpossibleWrites(lines(4));
    expectPossible(lines(5));
  });
});

describe("write-result: a read's mzxid pins the zxid of the one write that can have made what it shows", () => {
  test('a sequential create at 1:4 named as if /a/c, created at 1:3 as a read shows, were not there is flagged; named after it, it passes', () => {
    const lines = (name: string) => [
      op(0, 1003, { type: 'create', path: '/a/s-', data: 'v1', mode: 'persistentSequential' }, 326, 1486, { rc: 'noNode' }, null),
      op(1, 1001, create('/a'), 1895, 3099, { rc: 'ok', path: '/a' }, null),
      op(2, 1002, { ...create('/a/c'), mode: 'ephemeral' }, 2377, 3892, { rc: 'ok', path: '/a/c' }, null),
      op(3, 1001, { type: 'create', path: '/a/s-', data: 'v4', mode: 'persistentSequential' }, 3835, 4874, { rc: 'ok', path: `/a/s-${name}` }, Z(4)),
      op(4, 1002, { type: 'exists', path: '/a/c' }, 4397, 5797, { rc: 'ok', exists: true, version: 0, mzxid: Z(3), ephemeralOwner: 1002 }, null),
    ];
    expectImpossibleWrites(lines('0000000000'));
    expectPossible(lines('0000000001'));
  });
});

describe('session order: ops without a session id keep their client’s issue order', () => {
  test('a kvCas expecting version 0 issued before the kvCas that creates the key, by the same client, is flagged; issued after it, it passes', () => {
    // Client 1's ops carry no session id (a KV run): its client number orders them, as fifo-client-order does.
    const kv = (id: number, o: object, invokeUs: number, completeUs: number, version: number) =>
      JSON.stringify({
        kind: 'op',
        id,
        client: 1,
        session: null,
        server: 2,
        op: o,
        invokeUs,
        completeUs,
        outcome: 'ok',
        result: { rc: 'ok', version },
        zxid: null,
      });
    const lines = (casInvokeUs: number) => [
      kv(3, { type: 'kvCas', path: '/k0', data: 'v2', version: -1 }, 2933, 4738, 0),
      kv(5, { type: 'kvCas', path: '/k0', data: 'v3', version: 0 }, casInvokeUs, 4900, 1),
    ];
    expectImpossibleWrites(lines(2897));
    expectPossible(lines(2950));
  });
});

describe('write-result: a read that saw a key absent at header zxid h puts every write that makes it above h', () => {
  test('the one lost set that could give /k1 version 1 must lie above 1:2, where no zxid is free before the set: flagged; without that read it takes 1:1 and passes', () => {
    const kv = (
      id: number,
      client: number,
      o: object,
      invokeUs: number,
      completeUs: number | null,
      result: object | null,
      zxid: number | null,
      readZxid?: number,
    ) => JSON.stringify({ ...ndjsonOp(client, null, o, invokeUs, completeUs, result, zxid, readZxid), id });
    const lines = (withRead: boolean) => [
      kv(1, 1, { type: 'kvSet', path: '/k1', data: 'v1' }, 1881, null, null, null),
      kv(2, 3, { type: 'kvCas', path: '/k2', data: 'v2', version: 1 }, 2551, 4962, { rc: 'badVersion' }, Z(2)),
      ...(withRead ? [kv(3, 1, { type: 'kvGet', path: '/k1' }, 3514, 4013, { rc: 'ok', exists: false }, null, Z(2))] : []),
      kv(4, 2, { type: 'kvSet', path: '/k0', data: 'v3' }, 3685, 6690, { rc: 'ok', version: 0 }, Z(3)),
      kv(5, 3, { type: 'kvSet', path: '/k0', data: 'v4' }, 5203, 6116, { rc: 'ok', version: 1 }, Z(4)),
      kv(7, 3, { type: 'kvSet', path: '/k1', data: 'v5' }, 6805, 8965, { rc: 'ok', version: 1 }, null),
      kv(8, 3, { type: 'kvCas', path: '/k0', data: 'v6', version: 1 }, 8973, 9478, { rc: 'ok', version: 2 }, Z(6)),
    ];
    expectImpossibleWrites(lines(true));
    expectPossible(lines(false));
  });
});
