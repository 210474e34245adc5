// Proves that zabsim and the reference checker agree on round 12's read-zxid shapes (the shift-read-zxid cases of the
// interrupted 100k sweep, seed 2600000): a reply header zxid h is the cut of txns at or below h, so txns a read shows
// missing or not yet applied lie above it and count for free zxids there, a header-less read is below its session's
// next header, a write sent after a header is no candidate for an mzxid at or below it, and an ok close sent before
// its session's ENDED record is that txn for the read search too, and a KV register missing at h or counted by a
// write's version places its writes; each impossible history
// (the case's readZxid) has a possible twin (one lower, or one higher where that is the possible side).
import { describe, expect, it } from 'vitest';
import { checkZkHistory } from '../../sim/cli/check.js';
import { parseNdjsonHistory } from '../../sim/history/ndjson.js';
import { referenceCheck } from '../reference/reference.js';
import { both, event, op } from './differential-records.js';
import { Z } from './history-builders.js';

/** An op record with the case's own client and server (the records keep them: sessions of one client, reads elsewhere). */
const at = (client: number, server: number, ...args: Parameters<typeof op>) => ({ ...op(...args), client, server });

describe('a node missing at a header, and present at a later state, was created above it (case 1621013283)', () => {
  // /b has one creator, session 1003's lost ephemeral create. Session 1004 sees /b missing at h, then deletes it: the
  // create lies above h (were it at or below, /b would be gone for good by h). The delete and the noNode create of
  // /a/c (an error txn) are above h too, and all three below the create of /a at 1:7: three txns in (h, 1:7).
  const records = (readZxid: number) => [
    at(3, 2, 2, 1003, { type: 'create', path: '/b', data: 'v3', mode: 'ephemeral' }, 3236, null, null, null),
    at(2, 2, 3, 1004, { type: 'exists', path: '/b' }, 3889, 4976, { rc: 'ok', exists: false }, null, { readZxid }),
    at(2, 2, 5, 1004, { type: 'delete', path: '/b', version: -1 }, 6041, 7176, { rc: 'ok' }, null),
    at(1, 1, 6, 1001, { type: 'create', path: '/a/c', data: 'v4', mode: 'persistent' }, 7842, 8705, { rc: 'noNode' }, null),
    at(1, 1, 7, 1001, { type: 'create', path: '/a', data: 'v5', mode: 'persistent' }, 8854, 9550, { rc: 'ok', path: '/a' }, Z(7)),
  ];

  it('/b missing at 1:4: impossible', () => {
    expect(both(records(Z(4)))).toEqual({ zabsim: 'violated', possible: false });
  });

  it('/b missing at 1:3: possible', () => {
    expect(both(records(Z(3)))).toEqual({ zabsim: 'ok', possible: true });
  });
});

describe('a node read at version 0 at a header was set to version 1 above it (case 2916756983)', () => {
  // /b has one creator. Session 1002 reads it at version 0 at h; session 1001's setData left version 1, so it lies
  // above h (one life: the version only grows), and so do 1001's delete after it and session 1003's close (sent after
  // the read's reply). All three lie below 1:7 (sent before the noNode create at 1:7), and 1:6 is taken.
  const records = (readZxid: number) => [
    at(1, 3, 0, 1001, { type: 'create', path: '/b', data: 'v1', mode: 'ephemeral' }, 202, 1623, { rc: 'ok', path: '/b' }, null),
    at(2, 3, 1, 1002, { type: 'getData', path: '/b' }, 1609, 3269, { rc: 'ok', data: 'v1', version: 0 }, null, { readZxid }),
    at(1, 3, 2, 1001, { type: 'setData', path: '/b', data: 'v2', version: -1 }, 2239, 3760, { rc: 'ok', version: 1 }, null),
    at(1, 3, 3, 1001, { type: 'delete', path: '/b', version: -1 }, 3790, 4167, { rc: 'ok' }, null),
    at(2, 3, 4, 1002, { type: 'create', path: '/a/s-', data: 'v3', mode: 'persistentSequential' }, 3927, 8662, { rc: 'noNode' }, Z(6)),
    at(1, 3, 7, 1003, { type: 'closeSession' }, 6729, 7356, { rc: 'ok' }, null),
    at(2, 3, 10, 1002, { type: 'create', path: '/a/s-', data: 'v4', mode: 'persistentSequential' }, 10876, 11008, { rc: 'noNode' }, Z(7)),
  ];

  it('version 0 at 1:3: impossible', () => {
    expect(both(records(Z(3)))).toEqual({ zabsim: 'violated', possible: false });
  });

  it('version 0 at 1:2: possible', () => {
    expect(both(records(Z(2)))).toEqual({ zabsim: 'ok', possible: true });
  });
});

describe("a parent missing at a header, and needed by a later child's create, was created above it (case 3393584011)", () => {
  // /a has one creator, session 1001's lost multi. Session 1002 reads /a missing at h and then creates /a/c: the multi
  // lies above h, then the child's create, then 1002's close, all below session 1001's end at 1:8.
  const records = (readZxid: number) => [
    at(
      1,
      2,
      4,
      1001,
      {
        type: 'multi',
        ops: [
          { type: 'create', path: '/b', data: 'v4', mode: 'ephemeral' },
          { type: 'create', path: '/a', data: 'v5', mode: 'persistent' },
        ],
      },
      4989,
      null,
      null,
      null,
    ),
    at(2, 3, 5, 1002, { type: 'getData', path: '/a' }, 5963, 6421, { rc: 'noNode' }, null, { readZxid }),
    at(2, 3, 6, 1002, { type: 'create', path: '/a/c', data: 'v6', mode: 'persistent' }, 6965, 7415, { rc: 'ok', path: '/a/c' }, null),
    at(2, 3, 7, 1002, { type: 'closeSession' }, 7898, 8523, { rc: 'ok' }, null),
    at(1, 3, 9, 1001, { type: 'closeSession' }, 9865, 10543, { rc: 'ok' }, null),
    { kind: 'session', client: null, session: 1001, server: null, state: 'ENDED', atUs: 10278, zxid: Z(8) },
  ];

  it('/a missing at 1:5: impossible', () => {
    expect(both(records(Z(5)))).toEqual({ zabsim: 'violated', possible: false });
  });

  it('/a missing at 1:4: possible', () => {
    expect(both(records(Z(4)))).toEqual({ zabsim: 'ok', possible: true });
  });
});

describe("a listing without a header is at or below its session's next header (case 928802102)", () => {
  // Session 1001 closes after its setData at 1:2; session 1002 (same client) then creates /b, lists / with /b but no
  // header, and syncs at h. The listing's state is at or below h, so the lost create of /b is too, and above the
  // close, itself above 1:2: with h = 1:3 no zxid is left for it.
  const records = (readZxid: number) => [
    at(1, 2, 0, 1001, { type: 'create', path: '/a', data: 'v1', mode: 'persistent' }, 729, null, null, null),
    at(1, 2, 1, 1001, { type: 'setData', path: '/a', data: 'v2', version: -1 }, 1873, 2897, { rc: 'ok', version: 1 }, Z(2)),
    at(1, 2, 2, 1001, { type: 'closeSession' }, 2914, 3530, { rc: 'ok' }, null),
    at(1, 2, 3, 1002, { type: 'create', path: '/b', data: 'v3', mode: 'ephemeral' }, 3970, null, null, null),
    at(1, 2, 4, 1002, { type: 'getChildren', path: '/' }, 4471, 5836, { rc: 'ok', children: ['a', 'b', 'zookeeper'] }, null),
    at(1, 2, 5, 1002, { type: 'sync', path: '/' }, 5964, 6168, { rc: 'ok' }, null, { readZxid }),
  ];

  it('sync at 1:3: impossible', () => {
    expect(both(records(Z(3)))).toEqual({ zabsim: 'violated', possible: false });
  });

  it('sync at 1:4: possible', () => {
    expect(both(records(Z(4)))).toEqual({ zabsim: 'ok', possible: true });
  });
});

describe("a write sent after a reply at h is no candidate for an mzxid at or below h (case 2303524616)", () => {
  // /a is read with mzxid 1:2. Its creators are a lost multi (creating /a and /b) and a create sent after a reply at h.
  // With h = 1:2 the create lies above 1:2, so the multi is the txn at 1:2, but that reply shows /b made at 1:1 and
  // unchanged at 1:2: the multi's create of /b fails there, and a failed multi creates nothing.
  const records = (readZxid: number) => [
    at(1, 3, 3, 1001, { type: 'create', path: '/b', data: 'v1', mode: 'ephemeral' }, 3837, null, null, null),
    at(
      1,
      3,
      7,
      1001,
      {
        type: 'multi',
        ops: [
          { type: 'create', path: '/a', data: 'v2', mode: 'persistent' },
          { type: 'create', path: '/b', data: 'v3', mode: 'ephemeral' },
        ],
      },
      7909,
      null,
      null,
      null,
    ),
    at(1, 3, 8, 1001, { type: 'exists', path: '/b', watch: true }, 8910, 9765, { rc: 'ok', version: 0, exists: true, mzxid: Z(1), ephemeralOwner: 1001 }, null, {
      readZxid,
    }),
    at(1, 3, 9, 1001, { type: 'create', path: '/a', data: 'v4', mode: 'persistent' }, 9852, 10324, { rc: 'ok', path: '/a' }, null),
    at(1, 1, 11, 1001, { type: 'exists', path: '/a' }, 11802, 12765, { rc: 'ok', version: 0, exists: true, mzxid: Z(2), ephemeralOwner: 0 }, null),
  ];

  it('the reply before the create at 1:2: impossible', () => {
    expect(both(records(Z(2)))).toEqual({ zabsim: 'violated', possible: false });
  });

  it('the reply before the create at 1:1: possible', () => {
    expect(both(records(Z(1)))).toEqual({ zabsim: 'ok', possible: true });
  });
});

describe("an ok close sent before its session's ENDED record is that end txn, in the read search too (case 668536881)", () => {
  // Session 1003 creates /a (above 1:2), a multi whose delete of /b fails noNode, then /b. Session 1004 lists / with
  // /a and /b at h and closes; its ENDED record names 1:7, so that close is the txn at 1:7, sent after the create of
  // /b returned. With h = 1:4 the listing's /b is session 1001's ephemeral, so the multi lies above 1:4 after 1001's
  // end deleted it, and the end, the multi and the create of /b need three zxids in (1:4, 1:7).
  const records = (readZxid: number) => [
    at(1, 3, 0, 1001, { type: 'create', path: '/b', data: 'v1', mode: 'ephemeral' }, 891, null, null, null),
    at(1, 1, 3, 1001, { type: 'create', path: '/a/c', data: 'v2', mode: 'persistent' }, 3766, 4535, { rc: 'noNode' }, Z(2)),
    at(2, 1, 6, 1003, { type: 'create', path: '/a', data: 'v3', mode: 'persistent' }, 6552, 8281, { rc: 'ok', path: '/a' }, null),
    at(
      2,
      1,
      7,
      1003,
      {
        type: 'multi',
        ops: [
          { type: 'check', path: '/a', version: -1 },
          { type: 'setData', path: '/a', data: 'v4', version: -1 },
          { type: 'delete', path: '/b', version: -1 },
        ],
      },
      8970,
      9676,
      { rc: 'noNode', results: [{ rc: 'ok' }, { rc: 'ok' }, { rc: 'noNode' }] },
      null,
    ),
    at(2, 1, 9, 1003, { type: 'create', path: '/b', data: 'v5', mode: 'persistent' }, 9866, 10067, { rc: 'ok', path: '/b' }, null),
    at(1, 3, 11, 1004, { type: 'getChildren', path: '/' }, 12361, 13907, { rc: 'ok', children: ['a', 'b', 'zookeeper'] }, null, { readZxid }),
    at(1, 3, 12, 1004, { type: 'closeSession' }, 13953, 14732, { rc: 'ok' }, null),
    { kind: 'session', client: null, session: 1004, server: null, state: 'ENDED', atUs: 14155, zxid: Z(7) },
  ];

  it('the listing at 1:4: impossible', () => {
    expect(both(records(Z(4)))).toEqual({ zabsim: 'violated', possible: false });
  });

  it('the listing at 1:3: possible', () => {
    expect(both(records(Z(3)))).toEqual({ zabsim: 'ok', possible: true });
  });
});

describe('a write that found a node lies above its one create, which a read at a header showed missing (case 1207380673)', () => {
  // /a has one creator, session 1001's lost create, and 1001 saw /a missing at 1:1. Session 1002 deletes /a (so the
  // create took effect, above 1:1, and the delete above it) and closes. Session 1003 sees /a missing at h, then
  // sends a multi at 1:5 after that close's reply. With h = 1:2 the create lies above 1:2 (a later state had /a),
  // so the create, the delete and the close need three zxids in (1:2, 1:5).
  const records = (readZxid: number) => [
    at(1, 2, 4, 1001, { type: 'getChildren', path: '/a' }, 4885, 5222, { rc: 'noNode' }, null, { readZxid: Z(1) }),
    at(1, 2, 5, 1001, { type: 'create', path: '/a', data: 'v2', mode: 'persistent' }, 5454, null, null, null),
    at(2, 1, 6, 1002, { type: 'delete', path: '/a', version: 0 }, 6817, 7376, { rc: 'ok' }, null),
    at(2, 1, 7, 1002, { type: 'closeSession' }, 7496, 8451, { rc: 'ok' }, null),
    at(2, 2, 8, 1003, { type: 'getChildren', path: '/a' }, 8881, 9920, { rc: 'noNode' }, null, { readZxid }),
    at(
      2,
      2,
      9,
      1003,
      {
        type: 'multi',
        ops: [
          { type: 'create', path: '/a', data: 'v3', mode: 'persistent' },
          { type: 'create', path: '/b', data: 'v4', mode: 'ephemeral' },
          { type: 'create', path: '/a', data: 'v5', mode: 'persistent' },
        ],
      },
      9961,
      10367,
      { rc: 'nodeExists', results: [{ rc: 'ok' }, { rc: 'ok' }, { rc: 'nodeExists' }] },
      Z(5),
    ),
  ];

  it('/a missing at 1:2: impossible', () => {
    expect(both(records(Z(2)))).toEqual({ zabsim: 'violated', possible: false });
  });

  it('/a missing at 1:1 again: possible', () => {
    expect(both(records(Z(1)))).toEqual({ zabsim: 'ok', possible: true });
  });
});

describe("a header-less read of a missing node proves its one deleter took effect below its session's next header (case 2381919839)", () => {
  // Session 1001 creates /b, lists it at h, sends a delete of /b (lost), a create that fails noNode, reads /b missing
  // (no header) and fails a second create at 1:4. /b's one create came first in the session, so the lost delete, its
  // only deleter, took effect below 1:4; with h = 1:2 it and the failed create share the one zxid 1:3.
  const records = (readZxid: number) => [
    at(1, 2, 1, 1001, { type: 'create', path: '/b', data: 'v1', mode: 'persistent' }, 1603, 2343, { rc: 'ok', path: '/b' }, null),
    at(1, 2, 3, 1001, { type: 'getChildren', path: '/' }, 3463, 4926, { rc: 'ok', children: ['b', 'zookeeper'] }, null, { readZxid }),
    at(1, 2, 4, 1001, { type: 'delete', path: '/b', version: 0 }, 4992, null, null, null),
    at(1, 2, 5, 1001, { type: 'create', path: '/a/s-', data: 'v2', mode: 'ephemeralSequential' }, 5260, 6901, { rc: 'noNode' }, null),
    at(1, 2, 6, 1001, { type: 'getData', path: '/b' }, 6963, 7352, { rc: 'noNode' }, null),
    at(1, 2, 7, 1001, { type: 'create', path: '/a/s-', data: 'v3', mode: 'ephemeralSequential' }, 7383, 8363, { rc: 'noNode' }, Z(4)),
  ];

  it('the listing at 1:2: impossible', () => {
    expect(both(records(Z(2)))).toEqual({ zabsim: 'violated', possible: false });
  });

  it('the listing at 1:1: possible', () => {
    expect(both(records(Z(1)))).toEqual({ zabsim: 'ok', possible: true });
  });
});

describe("a header-less read showing a node is below its session's next certain txn, and so is the node's one create (case 838125300)", () => {
  // Session 1002 sends an ephemeral create of /b (lost), reads /b (no header), creates /a. Session 1001 fails a create
  // at 1:1 and sees /a at h. /a's one create is at or below h, /b's create below it: with h = 1:2 no zxid is left.
  const records = (readZxid: number) => [
    at(1, 1, 0, 1001, { type: 'create', path: '/a/c', data: 'v1', mode: 'ephemeral' }, 197, 3681, { rc: 'noNode' }, Z(1)),
    at(2, 1, 1, 1002, { type: 'create', path: '/b', data: 'v2', mode: 'ephemeral' }, 1499, null, null, null),
    at(2, 1, 2, 1002, { type: 'getData', path: '/b' }, 2775, 3337, { rc: 'ok', data: 'v2', version: 0 }, null),
    at(2, 1, 3, 1002, { type: 'create', path: '/a', data: 'v3', mode: 'persistent' }, 3549, 4338, { rc: 'ok', path: '/a' }, null),
    at(1, 1, 4, 1001, { type: 'exists', path: '/a' }, 4395, 5290, { rc: 'ok', version: 0, exists: true }, null, { readZxid }),
  ];

  it('/a seen at 1:2: impossible', () => {
    expect(both(records(Z(2)))).toEqual({ zabsim: 'violated', possible: false });
  });

  it('/a seen at 1:3: possible', () => {
    expect(both(records(Z(3)))).toEqual({ zabsim: 'ok', possible: true });
  });
});

describe('a write sent after a reply at h is no candidate for an exact event naming h or less (case 2053969420)', () => {
  // Session 1002 syncs at h, then creates /b; session 1001 sets a child watch on / and creates /a after that sync's
  // reply. The NodeChildrenChanged / on the watch's own connection names h: its txn is a create under /, but both
  // creates lie above h (sent after a reply at h), so with h = 1:2 no write of the history can have fired it.
  const records = (readZxid: number) => [
    at(2, 1, 0, 1002, { type: 'sync', path: '/' }, 114, 2874, { rc: 'ok' }, null, { readZxid }),
    at(1, 3, 2, 1001, { type: 'getChildren', path: '/', watch: true }, 2912, 3766, { rc: 'ok', children: ['zookeeper'] }, null),
    at(2, 1, 3, 1002, { type: 'create', path: '/b', data: 'v4', mode: 'persistent' }, 3188, 6090, { rc: 'ok', path: '/b' }, null),
    at(1, 3, 4, 1001, { type: 'create', path: '/a', data: 'v5', mode: 'persistent' }, 4624, 5604, { rc: 'ok', path: '/a' }, null),
    { ...event(1001, 'NodeChildrenChanged', '/', 5289, Z(2), 3), client: 1 },
  ];

  it('the sync at 1:2: impossible', () => {
    expect(both(records(Z(2)))).toEqual({ zabsim: 'violated', possible: false });
  });

  it('the sync at 1:1: possible', () => {
    expect(both(records(Z(1)))).toEqual({ zabsim: 'ok', possible: true });
  });
});

describe("a register missing at a header, and a write's version that proves the register's lost writes, count zxids (case 783046975)", () => {
  // KV registers are never deleted. /k1 is missing at h; client 2's kvSet of /k1 is answered with version 2, so the
  // two lost kvSets of /k1 took effect before it, all three above h; with a badVersion kvCas (an error txn) sent after
  // the read's reply, four txns lie in (h, 1:5), where only three zxids are free when h = 1:1.
  const kv = (id: number, client: number, server: number, o: object, invokeUs: number, completeUs: number | null, result: object | null, zxid: number | null, extra = {}) => ({
    kind: 'op',
    id,
    client,
    session: null,
    server,
    op: o,
    invokeUs,
    completeUs,
    outcome: completeUs === null ? 'info' : 'ok',
    result,
    zxid,
    ...extra,
  });
  const records = (readZxid: number, sent7: number) => [
    kv(2, 2, 3, { type: 'kvGet', path: '/k1' }, 2401, 3751, { rc: 'ok', exists: false }, null, { readZxid }),
    kv(7, 3, 2, { type: 'kvSet', path: '/k1', data: 'v2' }, sent7, null, null, null),
    kv(8, 2, 3, { type: 'kvSet', path: '/k1', data: 'v3' }, 8841, null, null, null),
    kv(9, 1, 2, { type: 'kvCas', path: '/k2', data: 'v4', version: 0 }, 9987, 10939, { rc: 'badVersion' }, null),
    kv(10, 2, 3, { type: 'kvSet', path: '/k1', data: 'v5' }, 10206, 11175, { rc: 'ok', version: 2 }, null),
    kv(12, 3, 1, { type: 'kvCas', path: '/k0', data: 'v6', version: 1 }, 12232, 13064, { rc: 'badVersion' }, Z(5)),
  ];
  const judged = (readZxid: number, sent7 = 7428) => {
    const text = [{ kind: 'header', version: 1, generator: 'test', model: 'kv' }, ...records(readZxid, sent7)].map((r) => JSON.stringify(r)).join('\n');
    const h = parseNdjsonHistory(text, 'differential-kv.ndjson');
    return { zabsim: checkZkHistory(h).verdict, possible: referenceCheck(h).possible };
  };

  it('/k1 missing at 1:1: impossible', () => {
    expect(judged(Z(1))).toEqual({ zabsim: 'violated', possible: false });
  });

  it('/k1 missing at 0 (no txn yet): possible', () => {
    expect(judged(0)).toEqual({ zabsim: 'ok', possible: true });
  });

  // One lost kvSet sent before the read's reply: only the register's absence at h puts it above h.
  it('/k1 missing at 1:1, a lost kvSet sent before that reply: impossible', () => {
    expect(judged(Z(1), 3000)).toEqual({ zabsim: 'violated', possible: false });
  });

  it('/k1 missing at 0, a lost kvSet sent before that reply: possible', () => {
    expect(judged(0, 3000)).toEqual({ zabsim: 'ok', possible: true });
  });
});
