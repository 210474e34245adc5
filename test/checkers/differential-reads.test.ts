// Proves, one small NDJSON history per gap the reference sweep found in the read checks, that
// `zabsim check --model zk` flags each history no ZooKeeper execution produces, agreeing with the reference
// checker, and still passes a possible neighbour of it.
import { describe, expect, test } from 'vitest';
import { checkZkHistory } from '../../sim/cli/check.js';
import { parseNdjsonHistory } from '../../sim/history/ndjson.js';
import { referenceCheck } from '../reference/reference.js';
import { ndjsonHistory, ndjsonOp } from './history-builders.js';

const Z = 4294967296; // epoch 1, counter 0: zxid 1:n is Z + n

const history = ndjsonHistory;

const op = ndjsonOp;

/** zabsim's overall verdict and the reference's answer for one history. */
function judged(text: string): { zabsim: string; possible: boolean | 'too-large' } {
  const h = parseNdjsonHistory(text, 'test.ndjson');
  return { zabsim: checkZkHistory(h).verdict, possible: referenceCheck(h).possible };
}

function expectImpossible(text: string): void {
  expect(judged(text)).toEqual({ zabsim: 'violated', possible: false });
}
function expectPossible(text: string): void {
  expect(judged(text)).toEqual({ zabsim: 'ok', possible: true });
}

describe('read-state: a register that exists has a version of 0 or more', () => {
  const set = { type: 'kvSet', path: '/k1', data: 'v1' };
  const get = { type: 'kvGet', path: '/k1' };
  test('a kvGet at a header zxid reporting an existing register at version -1 is flagged; version 0 passes', () => {
    const at = (version: number): string =>
      history(
        [op(2, null, set, 331, null, null, null), op(1, null, get, 2646, 5838, { rc: 'ok', exists: true, data: 'v1', version, mzxid: Z + 1 }, null, Z + 2)],
        'kv',
      );
    expectImpossible(at(-1));
    expectPossible(at(0));
  });
});

describe('zxid-order: a write issued after a read of its session has a zxid above the read header', () => {
  test('a setData whose zxid equals the header zxid of a getData its session issued before is flagged; a larger zxid passes', () => {
    const at = (zxid: number): string =>
      history([
        op(1, 1001, { type: 'create', path: '/a', data: 'v1', mode: 'persistent' }, 10, 20, { rc: 'ok', path: '/a' }, Z + 1),
        op(2, 1002, { type: 'getData', path: '/b' }, 30, 40, { rc: 'noNode' }, null, Z + 2),
        op(2, 1002, { type: 'setData', path: '/a', data: 'v2', version: 0 }, 35, 50, { rc: 'ok', version: 1 }, zxid),
      ]);
    expectImpossible(at(Z + 2));
    expectPossible(at(Z + 3));
  });
});

describe('zxid-order: a session end recorded at a time bounds the zxids of writes invoked after it', () => {
  test('a delete invoked after an ENDED record at zxid 1:4, then read at 1:4 by its own session, is flagged; a read at 1:5 passes', () => {
    const at = (readZxid: number): string =>
      history([
        op(1, 1001, { type: 'create', path: '/a', data: 'v1', mode: 'persistent' }, 1691, 2060, { rc: 'ok', path: '/a' }, Z + 1),
        op(1, 1003, { type: 'delete', path: '/a', version: -1 }, 6895, 7941, { rc: 'ok' }, null),
        op(1, 1003, { type: 'exists', path: '/a/c' }, 9938, 10039, { rc: 'ok', exists: false }, null, readZxid),
        { kind: 'session', client: null, session: 1002, server: null, state: 'ENDED', atUs: 6109, zxid: Z + 4 },
      ]);
    expectImpossible(at(Z + 4));
    expectPossible(at(Z + 5));
  });
});

describe("read-state: a read's mzxid pins the zxid of the one write without a zxid that can have set it", () => {
  test('a session that wrote v2 (pinned at 1:2 by a later mzxid) and then reads at header 1:0 is flagged; a read at 1:2 passes', () => {
    const at = (readZxid: number): string =>
      history(
        [
          op(1, null, { type: 'kvSet', path: '/k0', data: 'v1' }, 2534, 3062, { rc: 'ok', version: 0 }, null),
          op(1, null, { type: 'kvSet', path: '/k0', data: 'v2' }, 3554, 4719, { rc: 'ok', version: 1 }, null),
          op(1, null, { type: 'kvGet', path: '/k1' }, 5938, 6855, { rc: 'ok', exists: false }, null, readZxid),
          op(1, null, { type: 'kvGet', path: '/k0' }, 6982, 8817, { rc: 'ok', exists: true, data: 'v2', version: 1, mzxid: Z + 2 }, null),
        ],
        'kv',
      );
    expectImpossible(at(Z));
    expectPossible(at(Z + 2));
  });
  test('two reads naming different mzxids for the one write that can have set the data are flagged; the same mzxid passes', () => {
    const at = (second: number): string =>
      history([
        op(1, 1001, { type: 'create', path: '/a', data: 'v1', mode: 'persistent' }, 10, null, null, null),
        op(2, 1002, { type: 'getData', path: '/a' }, 100, 110, { rc: 'ok', data: 'v1', version: 0, mzxid: Z + 1 }, null),
        op(2, 1002, { type: 'getData', path: '/a' }, 120, 130, { rc: 'ok', data: 'v1', version: 0, mzxid: second }, null),
      ]);
    expectImpossible(at(Z + 2));
    expectPossible(at(Z + 1));
  });
});

describe('read-state: session order holds between ops that carry no zxid', () => {
  const set = { type: 'kvSet', path: '/k0', data: 'v1' };
  const get = { type: 'kvGet', path: '/k0' };
  test("a kvGet without a header after its own client's kvSet without a zxid must see it; another client's need not", () => {
    const by = (reader: number): string =>
      history([op(1, null, set, 0, 10, { rc: 'ok', version: 0 }, null), op(reader, null, get, 792, 1938, { rc: 'ok', exists: false }, null)], 'kv');
    expectImpossible(by(1));
    expectPossible(by(2));
  });
  test("a kvGet cannot see its own client's kvSet issued after it; another client's kvGet can", () => {
    const by = (reader: number): string =>
      history(
        [
          op(reader, null, get, 5680, 6799, { rc: 'ok', exists: true, data: 'v1', version: 0 }, null),
          op(3, null, set, 5791, 7032, { rc: 'ok', version: 0 }, null),
        ],
        'kv',
      );
    expectImpossible(by(3));
    expectPossible(by(1));
  });
  test('a getData of a session after its own ephemeral create sees the node: the unseen end of the session comes after it', () => {
    const by = (session: number): string =>
      history([
        op(1, 1001, { type: 'create', path: '/b', data: 'v1', mode: 'ephemeral' }, 0, 10, { rc: 'ok', path: '/b' }, Z + 1),
        op(session === 1001 ? 1 : 2, session, { type: 'getData', path: '/b' }, 832, 1607, { rc: 'noNode' }, null),
      ]);
    expectImpossible(by(1001));
    expectPossible(by(1002));
  });
});

describe("read-state: a read's version is the one the write at its mzxid left", () => {
  test('an exists without a header reporting version 1 with the mzxid of the create (version 0) is flagged; version 0 passes', () => {
    const at = (version: number): string =>
      history([
        op(1, 1001, { type: 'create', path: '/a', data: 'v1', mode: 'persistent' }, 2908, 3078, { rc: 'ok', path: '/a' }, Z + 1),
        op(2, 1002, { type: 'setData', path: '/a', data: 'v3', version: -1 }, 5546, null, null, null),
        op(3, 1004, { type: 'exists', path: '/a' }, 12801, 13666, { rc: 'ok', exists: true, version, mzxid: Z + 1, ephemeralOwner: 0 }, null),
      ]);
    expectImpossible(at(1));
    expectPossible(at(0));
  });
  test('a setData reporting version 1 is not the write at the mzxid of a read at version 0: with no other candidate, flagged', () => {
    const at = (version: number): string =>
      history([
        op(3, 1004, { type: 'create', path: '/a', data: 'v3', mode: 'persistent' }, 5642, 8090, { rc: 'ok', path: '/a' }, Z + 4),
        op(1, 1001, { type: 'setData', path: '/a', data: 'v4', version: -1 }, 6584, 7446, { rc: 'ok', version: 1 }, null),
        op(3, 1004, { type: 'exists', path: '/a' }, 8331, 9932, { rc: 'ok', exists: true, version, mzxid: Z + 5, ephemeralOwner: 0 }, null, Z + 5),
      ]);
    expectImpossible(at(0));
    expectPossible(at(1));
  });
});

describe('zxid-order: a write that got a reply needs a free zxid in its window', () => {
  const cas = (data: string, version: number): object => ({ type: 'kvCas', path: '/k0', data, version });
  test("a failed kvCas without a zxid between its session's read at 1:2 and a write at 1:4 invoked after it returned, with 1:3 taken, is flagged; 1:3 free passes", () => {
    const with13 = (taken: boolean): string =>
      history(
        [
          op(2, null, { type: 'kvGet', path: '/k0' }, 1378, 2645, { rc: 'ok', exists: false }, null, Z + 2),
          op(2, null, cas('v2', 2), 2692, 3583, { rc: 'badVersion' }, null),
          op(1, null, cas('v3', 1), 3578, 4340, { rc: 'badVersion' }, taken ? Z + 3 : Z + 5),
          op(1, null, cas('v4', 0), 5816, 6453, { rc: 'badVersion' }, Z + 6 - (taken ? 2 : 0)),
        ],
        'kv',
      );
    expectImpossible(with13(true));
    expectPossible(with13(false));
  });
  test('a zxid a read pins counts as taken: a kvCas of the session between 1:1 and its read at 1:2 has none left', () => {
    const readAt = (readZxid: number): string =>
      history(
        [
          op(1, null, { type: 'kvSet', path: '/k0', data: 'v1' }, 675, 1026, { rc: 'ok', version: 0 }, Z + 1),
          op(1, null, cas('v2', 0), 3715, null, null, null),
          op(1, null, { type: 'kvCas', path: '/k1', data: 'v3', version: -1 }, 4629, 5661, { rc: 'ok', version: 0 }, null),
          op(1, null, { type: 'kvGet', path: '/k0' }, 7572, 8430, { rc: 'ok', exists: true, data: 'v2', version: 1, mzxid: Z + 2 }, null, readZxid),
        ],
        'kv',
      );
    expectImpossible(readAt(Z + 2));
    expectPossible(readAt(Z + 3));
  });
});

describe('session order: a write whose reply was lost still follows the ops its session issued before it', () => {
  test('an exists issued before an info create cannot see it at the mzxid of its own header; one issued after can', () => {
    const existsAt = (invokeUs: number): string =>
      history([
        op(3, 1003, { type: 'create', path: '/b', data: 'v1', mode: 'persistent' }, 959, null, null, null),
        op(3, 1003, { type: 'exists', path: '/b' }, invokeUs, 2100, { rc: 'ok', exists: true, version: 0, mzxid: Z + 1, ephemeralOwner: 0 }, null, Z + 1),
      ]);
    expectImpossible(existsAt(855));
    expectPossible(existsAt(1000));
  });
});

describe('no false alarm: a sequential create whose name the reply does not give is not pinned by a mzxid', () => {
  test('a getData of /a/s-0000000000 made by an info sequential create, under an /a created without a zxid, passes; another data is flagged', () => {
    const read = (data: string): string =>
      history([
        op(3, 1003, { type: 'create', path: '/a', data: 'v1', mode: 'persistent' }, 297, 2857, { rc: 'ok', path: '/a' }, null),
        op(1, 1001, { type: 'create', path: '/a/s-', data: 'v2', mode: 'ephemeralSequential' }, 1405, null, null, null),
        op(
          2,
          1002,
          { type: 'getData', path: '/a/s-0000000000', watch: true },
          3537,
          4669,
          { rc: 'ok', data, version: 0, mzxid: Z + 2, ephemeralOwner: 1001 },
          null,
          Z + 2,
        ),
      ]);
    expectPossible(read('v2'));
    expectImpossible(read('v9'));
  });
});

describe('session order on pinned zxids: a write issued after a read of its session lies above the read header', () => {
  test('a setData without a zxid, issued while its session read at header 1:2 and pinned at 1:2 by another read, is flagged; pinned at 1:3 passes', () => {
    const pinnedAt = (m: number): string =>
      history([
        op(3, 1003, { type: 'create', path: '/a', data: 'v1', mode: 'persistent' }, 10, 20, { rc: 'ok', path: '/a' }, Z + 1),
        op(1, 1001, { type: 'getData', path: '/b' }, 100, 300, { rc: 'noNode' }, null, Z + 2),
        op(1, 1001, { type: 'setData', path: '/a', data: 'v2', version: -1 }, 200, 400, { rc: 'ok', version: 1 }, null),
        op(2, 1002, { type: 'getData', path: '/a' }, 500, 600, { rc: 'ok', data: 'v2', version: 1, mzxid: m }, null),
      ]);
    expectImpossible(pinnedAt(Z + 2));
    expectPossible(pinnedAt(Z + 3));
  });
});

describe('no false alarm: a sequential create with a zxid but no name, under a parent a write without a zxid made', () => {
  test('a getData of the name it may have made passes; one of a name under another parent is flagged', () => {
    const read = (path: string): string =>
      history([
        op(1, 1001, { type: 'create', path: '/a', data: 'v1', mode: 'persistent' }, 1938, null, null, null),
        op(1, 1002, { type: 'create', path: '/a/s-', data: 'v6', mode: 'persistentSequential' }, 6982, 7273, { rc: 'ok' }, Z + 4),
        op(1, 1002, { type: 'getData', path }, 7615, 8566, { rc: 'ok', data: 'v6', version: 0, mzxid: Z + 4, ephemeralOwner: 0 }, null, Z + 4),
      ]);
    expectPossible(read('/a/s-0000000000'));
    expectImpossible(read('/b/s-0000000000'));
  });
});

describe('round 5: a write without a zxid of an ended session, and a read bounded by a later write of its session', () => {
  test("a read showing the mzxid of the only create that could set it, above its session's recorded end, is flagged; below the end it passes (seed 2018899625)", () => {
    const at = (mzxid: number): string =>
      history([
        op(1, 1002, { type: 'create', path: '/a', data: 'v2', mode: 'persistent' }, 5652, null, null, null),
        op(1, 1003, { type: 'exists', path: '/a' }, 9966, 10026, { rc: 'ok', exists: true, version: 0, mzxid, ephemeralOwner: 0 }, null),
        { kind: 'session', client: null, session: 1002, server: null, state: 'ENDED', atUs: 7289, zxid: Z + 3 },
      ]);
    expectImpossible(at(Z + 5));
    expectPossible(at(Z + 2));
  });

  test("a read without a header zxid before its session's write at 1:3 cannot see a create that must lie above the read at 1:2: no zxid is free (seed 1201560365); with the write at 1:4 it passes", () => {
    const at = (zxid: number): string =>
      history([
        op(1, 1001, { type: 'create', path: '/a', data: 'v2', mode: 'persistent' }, 1725, null, null, null),
        op(2, 1002, { type: 'getChildren', path: '/a' }, 2612, 3436, { rc: 'noNode' }, null, Z + 2),
        op(1, 1001, { type: 'getChildren', path: '/a' }, 5637, 6664, { rc: 'ok', children: [] }, null),
        op(1, 1001, { type: 'setData', path: '/a/c', data: 'v3', version: -1 }, 6723, 7280, { rc: 'noNode' }, zxid),
      ]);
    expectImpossible(at(Z + 3));
    expectPossible(at(Z + 4));
  });
});

describe('round 5: a write sent after a read returned is not the one its mzxid names', () => {
  test('the create a read at 1:0 shows is pinned at 1:1 by a later read, the other create of it was sent too late: flagged (seed 2753142384); at 1:1 it passes', () => {
    const at = (readZxid: number): string =>
      history([
        op(1, 1001, { type: 'create', path: '/b', data: 'v1', mode: 'ephemeral' }, 262, 1641, { rc: 'ok', path: '/b' }, null),
        op(1, 1001, { type: 'getChildren', path: '/' }, 1942, 2903, { rc: 'ok', children: ['b', 'zookeeper'] }, null, readZxid),
        op(1, 1001, { type: 'exists', path: '/b' }, 4928, 5915, { rc: 'ok', exists: true, version: 0, mzxid: Z + 1, ephemeralOwner: 1001 }, null),
        op(1, 1001, { type: 'create', path: '/b', data: 'v4', mode: 'ephemeral' }, 5958, null, null, null),
      ]);
    expectImpossible(at(Z));
    expectPossible(at(Z + 1));
  });
});

describe('round 5: two reads of a node with one mzxid saw one version', () => {
  test('exists /b at version 0 and at version 1, both with mzxid 1:3, is flagged (seed 2281000181); with the second at mzxid 1:4 it passes', () => {
    const multi = {
      type: 'multi',
      ops: [
        { type: 'check', path: '/b', version: -1 },
        { type: 'delete', path: '/b', version: -1 },
        { type: 'setData', path: '/b', data: 'v2', version: -1 },
      ],
    };
    const at = (mzxid: number): string =>
      history([
        op(2, 1002, { type: 'create', path: '/b', data: 'v1', mode: 'persistent' }, 4986, 6930, { rc: 'ok', path: '/b' }, null),
        op(1, 1001, multi, 6577, null, null, null),
        op(1, 1001, { type: 'setData', path: '/b', data: 'v3', version: -1 }, 7364, null, null, null),
        op(1, 1001, { type: 'exists', path: '/b' }, 8933, 9320, { rc: 'ok', exists: true, version: 0, mzxid: Z + 3, ephemeralOwner: 0 }, null),
        op(1, 1003, { type: 'exists', path: '/b' }, 10637, 11188, { rc: 'ok', exists: true, version: 1, mzxid, ephemeralOwner: 0 }, null),
      ]);
    expectImpossible(at(Z + 3));
    expectPossible(at(Z + 4));
  });
});
