// Proves that zabsim and the reference checker agree on round 11's shapes (sweep seeds 2400000, 2500000 and open cases of
// 2200000, 2300000): writers a read's Stat or an exact event names (owner, self-contradicting multis), lost writes proved
// or pinned as changes after a watch, session ends and re-creates in time, watches re-sent by setWatches, sequential
// names, and an event's txn committed by its arrival; each impossible history has a possible twin.
import { describe, expect, it } from 'vitest';
import { both, event, op } from './differential-records.js';
import { Z } from './history-builders.js';

describe("a Stat's ephemeralOwner 0 rules out an ephemeral create as the write its mzxid names (case 1793464098)", () => {
  // Session 1002 creates the ephemeral /b; session 1003 sees /b missing at 1:7, creates /b (persistent) and reads it
  // with mzxid m and ephemeralOwner 0. The node it reads is a persistent one, so its creator is 1003's create, the
  // only persistent create of /b: at m. That create was sent after a reply at 1:7, so m = 1:6 is impossible.
  const records = (m: number) => [
    op(1, 1002, { type: 'create', path: '/b', data: 'v1', mode: 'ephemeral' }, 1980, 2563, { rc: 'ok', path: '/b' }, null),
    op(10, 1003, { type: 'exists', path: '/b' }, 11860, 12880, { rc: 'ok', exists: false }, null, { readZxid: Z(7) }),
    op(11, 1003, { type: 'create', path: '/b', data: 'v5', mode: 'persistent' }, 12941, 13206, { rc: 'ok', path: '/b' }, null),
    op(12, 1003, { type: 'exists', path: '/b' }, 13970, 14148, { rc: 'ok', exists: true, version: 0, mzxid: m, ephemeralOwner: 0 }, null),
  ];

  it('mzxid 1:6, below the reply before the create was sent: impossible', () => {
    expect(both(records(Z(6)))).toEqual({ zabsim: 'violated', possible: false });
  });

  it('mzxid 1:8: possible', () => {
    expect(both(records(Z(8)))).toEqual({ zabsim: 'ok', possible: true });
  });
});

describe('a multi whose own sub-ops contradict each other is not a candidate for the txn an event names (case 21476547)', () => {
  // Session 1002 sets an exists watch on the missing /a and creates /a; its NodeCreated names 1:4. The only other op
  // that creates /a is a lost multi that creates /a/c before /a: it fails whatever the tree (no /a: noNode; /a:
  // nodeExists), so the create is the txn at 1:4, and a read at 1:4 cannot miss /a.
  const records = (readZxid: number) => [
    op(1, 1002, { type: 'exists', path: '/a', watch: true }, 1161, 3139, { rc: 'ok', exists: false }, null),
    op(
      2,
      1001,
      {
        type: 'multi',
        ops: [
          { type: 'create', path: '/a/c', data: 'v3', mode: 'persistent' },
          { type: 'create', path: '/a/s-', data: 'v4', mode: 'ephemeralSequential' },
          { type: 'create', path: '/a', data: 'v5', mode: 'persistent' },
        ],
      },
      2323,
      null,
      null,
      null,
    ),
    op(4, 1002, { type: 'create', path: '/a', data: 'v7', mode: 'persistent' }, 3307, 5656, { rc: 'ok', path: '/a' }, null),
    op(6, 1003, { type: 'exists', path: '/a' }, 6247, 7691, { rc: 'ok', exists: false }, null, { readZxid }),
    event(1002, 'NodeCreated', '/a', 5272, Z(4)),
  ];

  it('a read at 1:4 without /a: impossible', () => {
    expect(both(records(Z(4)))).toEqual({ zabsim: 'violated', possible: false });
  });

  it('a read at 1:3 without /a: possible', () => {
    expect(both(records(Z(3)))).toEqual({ zabsim: 'ok', possible: true });
  });
});

describe('nor for the txn a NodeDeleted names (event-pins.ts, the same rule)', () => {
  // Session 1002 watches /a and deletes it (reply lost); NodeDeleted names 1:4. A lost multi that deletes /a twice
  // fails whatever the tree, so the delete is the txn at 1:4, and a read at 1:4 cannot show /a.
  const records = (readZxid: number) => [
    op(0, 1001, { type: 'create', path: '/a', data: 'v1', mode: 'persistent' }, 0, 10, { rc: 'ok', path: '/a' }, Z(1)),
    op(1, 1002, { type: 'getData', path: '/a', watch: true }, 20, 30, { rc: 'ok', data: 'v1', version: 0 }, null),
    op(2, 1002, { type: 'delete', path: '/a', version: -1 }, 40, null, null, null),
    op(3, 1003, { type: 'multi', ops: [{ type: 'delete', path: '/a', version: -1 }, { type: 'delete', path: '/a', version: -1 }] }, 45, null, null, null),
    event(1002, 'NodeDeleted', '/a', 60, Z(4)),
    op(4, 1004, { type: 'exists', path: '/a' }, 70, 80, { rc: 'ok', exists: true, version: 0 }, null, { readZxid }),
  ];

  it('a read at 1:4 showing /a: impossible', () => {
    expect(both(records(Z(4)))).toEqual({ zabsim: 'violated', possible: false });
  });

  it('a read at 1:3 showing /a: possible', () => {
    expect(both(records(Z(3)))).toEqual({ zabsim: 'ok', possible: true });
  });
});

describe("a lost write a later listing proves, sent after the watch-setting read returned, is a change after that read (case 1074247894)", () => {
  // Session 1002 lists / with a watch, then creates the ephemeral /b (reply lost). Session 1003 lists /b at 1:3, and
  // no other op creates /b: the create took effect at or below 1:3, and after the listing's state (it was sent after
  // that reply). So it fired the child watch, and 1002's create of /a/c at 1:4 reflects it: the event comes first.
  const records = (events: object[]) => [
    op(0, 1001, { type: 'create', path: '/a', data: 'v1', mode: 'persistent' }, 883, 5297, { rc: 'ok', path: '/a' }, null),
    op(1, 1002, { type: 'getChildren', path: '/', watch: true }, 1276, 2815, { rc: 'ok', children: ['a', 'zookeeper'] }, null),
    op(2, 1002, { type: 'create', path: '/b', data: 'v2', mode: 'ephemeral' }, 2854, null, null, null),
    op(4, 1003, { type: 'getChildren', path: '/' }, 4185, 5830, { rc: 'ok', children: ['a', 'b', 'zookeeper'] }, null, { readZxid: Z(3) }),
    op(5, 1002, { type: 'create', path: '/a/c', data: 'v4', mode: 'ephemeral' }, 5151, 6620, { rc: 'ok', path: '/a/c' }, Z(4)),
    op(6, 1003, { type: 'delete', path: '/b', version: 0 }, 6257, 7531, { rc: 'ok' }, null),
    ...events,
  ];

  it('no NodeChildrenChanged / before the reply at 1:4: impossible', () => {
    expect(both(records([]))).toEqual({ zabsim: 'violated', possible: false });
  });

  it('NodeChildrenChanged / before it: possible', () => {
    expect(both(records([event(1002, 'NodeChildrenChanged', '/', 6000)]))).toEqual({ zabsim: 'ok', possible: true });
  });
});

describe("a lost create of a session known ended before a delete was sent cannot re-create the node after it (case 3934443029)", () => {
  // Session 1001 sends two creates of /a (replies lost) and ends at 1:2 (ENDED at 4220). Session 1002 deletes /a
  // after that; session 1003 then reads /a (v2) with a watch. Neither create can take effect after 1001's end, so
  // the delete came after the read's state: it fired the watch, and 1003's multi, sent after the delete completed,
  // owes NodeDeleted first. Without the ENDED record a create may have re-made /a after the delete: possible.
  const ended = { kind: 'session', client: null, session: 1001, server: null, state: 'ENDED', atUs: 4220, zxid: Z(2) };
  const records = (extra: object[]) => [
    op(0, 1001, { type: 'create', path: '/a', data: 'v1', mode: 'persistent' }, 126, null, null, null),
    op(1, 1001, { type: 'create', path: '/a', data: 'v2', mode: 'persistent' }, 1829, null, null, null),
    op(3, 1002, { type: 'delete', path: '/a', version: -1 }, 4979, 5318, { rc: 'ok' }, null),
    op(6, 1003, { type: 'getData', path: '/a', watch: true }, 7754, 8252, { rc: 'ok', data: 'v2', version: 0 }, null),
    op(7, 1003, { type: 'create', path: '/b', data: 'v3', mode: 'persistent' }, 8592, null, null, null),
    op(
      8,
      1003,
      {
        type: 'multi',
        ops: [
          { type: 'setData', path: '/b', data: 'v4', version: 0 },
          { type: 'check', path: '/b', version: 0 },
          { type: 'setData', path: '/a/c', data: 'v5', version: -1 },
        ],
      },
      9763,
      10949,
      { rc: 'badVersion', results: [{ rc: 'ok' }, { rc: 'badVersion' }, { rc: 'runtimeInconsistency' }] },
      null,
    ),
    ...extra,
  ];

  it('with the ENDED record and no NodeDeleted: impossible', () => {
    expect(both(records([ended]))).toEqual({ zabsim: 'violated', possible: false });
  });

  it('with NodeDeleted before the multi reply: possible', () => {
    expect(both(records([ended, event(1003, 'NodeDeleted', '/a', 9000)]))).toEqual({ zabsim: 'ok', possible: true });
  });

  it('without the ENDED record: possible', () => {
    expect(both(records([]))).toEqual({ zabsim: 'ok', possible: true });
  });
});

describe('a data watch held from an older connection owes its event before a reply there showing another version (case 2664880582)', () => {
  // Session 1001 reads /b (version 0) with a watch, reconnects (CONNECTED at 6511), sends a setData of /b (reply lost)
  // and reads /b at version 1 (the case's read also gave mzxid 1:4, which now pins the setData; without it only
  // the versions tell). The client re-sent the watch with setWatches first; the server fired it at once
  // (the change was older than the client's lastZxid) or registered it, and the setData fired it: before the read.
  const records = (extra: object[]) => [
    op(0, 1001, { type: 'create', path: '/b', data: 'v1', mode: 'persistent' }, 309, 1186, { rc: 'ok', path: '/b' }, Z(1)),
    op(2, 1001, { type: 'getData', path: '/b', watch: true }, 2464, 3371, { rc: 'ok', data: 'v1', version: 0, mzxid: Z(1), ephemeralOwner: 0 }, null),
    op(4, 1001, { type: 'create', path: '/a', data: 'v3', mode: 'persistent' }, 4914, 5246, { rc: 'ok', path: '/a' }, null),
    { kind: 'session', client: 1, session: 1001, server: 1, state: 'CONNECTED', atUs: 6511 },
    op(8, 1001, { type: 'setData', path: '/b', data: 'v5', version: 0 }, 8753, null, null, null),
    op(11, 1001, { type: 'getData', path: '/b' }, 11925, 12609, { rc: 'ok', data: 'v5', version: 1 }, null),
    ...extra,
  ];

  it('no NodeDataChanged before the read at version 1: impossible', () => {
    expect(both(records([]))).toEqual({ zabsim: 'violated', possible: false });
  });

  it('NodeDataChanged on the new connection before it: possible', () => {
    expect(both(records([event(1001, 'NodeDataChanged', '/b', 10000)]))).toEqual({ zabsim: 'ok', possible: true });
  });
});

describe('and a child watch, before a listing there with other children (the same rule)', () => {
  // Session 1001 lists /a (no children) with a watch, reconnects, and lists /a again with /a/c, which 1002 made.
  const records = (extra: object[]) => [
    op(0, 1001, { type: 'create', path: '/a', data: 'v1', mode: 'persistent' }, 0, 10, { rc: 'ok', path: '/a' }, Z(1)),
    op(1, 1001, { type: 'getChildren', path: '/a', watch: true }, 20, 30, { rc: 'ok', children: [] }, null),
    { kind: 'session', client: 1, session: 1001, server: 1, state: 'CONNECTED', atUs: 40 },
    op(2, 1002, { type: 'create', path: '/a/c', data: 'v2', mode: 'persistent' }, 35, 60, { rc: 'ok', path: '/a/c' }, null),
    op(3, 1001, { type: 'getChildren', path: '/a' }, 70, 80, { rc: 'ok', children: ['c'] }, null),
    ...extra,
  ];

  it('no NodeChildrenChanged before the second listing: impossible', () => {
    expect(both(records([]))).toEqual({ zabsim: 'violated', possible: false });
  });

  it('NodeChildrenChanged on the new connection before it: possible', () => {
    expect(both(records([event(1001, 'NodeChildrenChanged', '/a', 65)]))).toEqual({ zabsim: 'ok', possible: true });
  });
});

describe('a delete sent after a listing returned is in no state it read (case 971751675; round 10 tried this in d203fff)', () => {
  // Session 1002 lists / (no /a) with a watch while session 1003 creates /a, and closes after that create completed. The
  // one delete of /a is lost: sent after the listing returned, it cannot have removed /a from the listing's state, so
  // the create came after that state, fired the watch, and its NodeChildrenChanged / comes before the close's reply.
  const records = (deleteSentUs: number) => [
    op(0, 1002, { type: 'getChildren', path: '/', watch: true }, 0, 30, { rc: 'ok', children: ['zookeeper'] }, null),
    op(1, 1003, { type: 'create', path: '/a', data: 'v1', mode: 'persistent' }, 10, 20, { rc: 'ok', path: '/a' }, null),
    op(2, 1002, { type: 'closeSession' }, 40, 50, { rc: 'ok' }, Z(4)),
    op(3, 1001, { type: 'delete', path: '/a', version: -1 }, deleteSentUs, null, null, null),
  ];

  it('the delete sent after the listing returned: impossible', () => {
    expect(both(records(60))).toEqual({ zabsim: 'violated', possible: false });
  });

  it('the delete sent while the listing was in flight (it may precede its state): possible', () => {
    expect(both(records(25))).toEqual({ zabsim: 'ok', possible: true });
  });
});

describe("a session end deletes its ephemeral that a listing showed, though another session re-creates the node later (case 1336141517, seed 2300000)", () => {
  // Session 1002 makes the ephemeral /b and ends at 1:2 (ENDED at 4278). Session 1001 lists / (with /b) with a watch and
  // closes after that record; session 1004 creates /b (persistent) later. With no delete op of /b, 1002's /b lives until
  // its end; the listing's /b is 1002's when every create of /b sent before the listing's reply is 1002's. Then the end
  // deleted it after the listing's state and before 1001's close, whose reply owes NodeChildrenChanged /.
  const records = (otherCreateSentUs: number) => [
    op(0, 1002, { type: 'create', path: '/b', data: 'v1', mode: 'ephemeral' }, 889, 1471, { rc: 'ok', path: '/b' }, null),
    op(3, 1001, { type: 'getChildren', path: '/', watch: true }, 2895, 4402, { rc: 'ok', children: ['b', 'zookeeper'] }, null),
    op(4, 1001, { type: 'closeSession' }, 4566, 6843, { rc: 'ok' }, null),
    op(7, 1004, { type: 'create', path: '/b', data: 'v6', mode: 'persistent' }, otherCreateSentUs, 9284, { rc: 'ok', path: '/b' }, null),
    { kind: 'session', client: null, session: 1002, server: null, state: 'ENDED', atUs: 4278, zxid: Z(2) },
  ];

  it("the other create sent after the listing returned: impossible", () => {
    expect(both(records(8318))).toEqual({ zabsim: 'violated', possible: false });
  });

  it('the other create sent before the listing returned (the listing may show its /b): possible', () => {
    expect(both(records(3000))).toEqual({ zabsim: 'ok', possible: true });
  });
});

describe("a pinned lost write is a change at its zxid, and a read's mzxid floors its session's later writes (case 3497116353, seed 2200000)", () => {
  // Session 1001 creates /a, sets an exists watch that shows mzxid 1:3, sends a setData of /a (reply lost) and creates
  // /b. A later read shows /a's data from that setData at 1:4: it took effect there, after the watch's state, and fired
  // it. The create of /b was sent after a reply at 1:3 or above, and 1:4 is the setData's: its reply reflects 1:4.
  const records = (extra: object[]) => [
    op(2, 1001, { type: 'create', path: '/a', data: 'v5', mode: 'persistent' }, 2244, 3253, { rc: 'ok', path: '/a' }, null),
    op(3, 1001, { type: 'exists', path: '/a', watch: true }, 3390, 4960, { rc: 'ok', exists: true, version: 0, mzxid: Z(3), ephemeralOwner: 0 }, null),
    op(4, 1001, { type: 'setData', path: '/a', data: 'v6', version: -1 }, 4991, null, null, null),
    op(5, 1001, { type: 'create', path: '/b', data: 'v7', mode: 'persistent' }, 5994, 6559, { rc: 'ok', path: '/b' }, null),
    op(9, 1002, { type: 'getData', path: '/a', watch: true }, 10777, 11503, { rc: 'ok', data: 'v6', version: 1, mzxid: Z(4), ephemeralOwner: 0 }, null),
    ...extra,
  ];

  it('no NodeDataChanged before the create of /b: impossible', () => {
    expect(both(records([]))).toEqual({ zabsim: 'violated', possible: false });
  });

  it('NodeDataChanged before it: possible', () => {
    expect(both(records([event(1001, 'NodeDataChanged', '/a', 6000)]))).toEqual({ zabsim: 'ok', possible: true });
  });
});

describe('a lost close of a session whose end is recorded is not a second end (case 1706033870, seed 2200000)', () => {
  // Session 1003 makes the ephemeral /b at 1:2, sends a close (reply lost) and is recorded ENDED at 1:5. Session 1002
  // watches /b and gets NodeDeleted at 1:4 on its own connection: exactly the txn that deleted /b. A session ends
  // once: the lost close is the end at 1:5 (or a later close, which deletes nothing), so nothing deletes /b at 1:4.
  const records = (eventZxid: number) => [
    op(1, 1003, { type: 'create', path: '/b', data: 'v4', mode: 'ephemeral' }, 1763, 2394, { rc: 'ok', path: '/b' }, Z(2)),
    op(2, 1002, { type: 'getData', path: '/b', watch: true }, 2955, 6227, { rc: 'ok', data: 'v4', version: 0, mzxid: Z(2), ephemeralOwner: 1003 }, null),
    op(5, 1003, { type: 'closeSession' }, 4974, null, null, null),
    { kind: 'session', client: null, session: 1003, server: null, state: 'ENDED', atUs: 8185, zxid: Z(5) },
    event(1002, 'NodeDeleted', '/b', 9389, eventZxid),
  ];

  it('NodeDeleted at 1:4: impossible', () => {
    expect(both(records(Z(4)))).toEqual({ zabsim: 'violated', possible: false });
  });

  it('NodeDeleted at 1:5, the recorded end: possible', () => {
    expect(both(records(Z(5)))).toEqual({ zabsim: 'ok', possible: true });
  });
});

describe('a re-create after a setData needs another create before it (case 1035736547, seed 2200000)', () => {
  // /a is created (no zxid) and set to version 1 at 1:2; session 1001's exists watch shows version 0. That state is
  // before the setData unless /a was re-created after it; the only create sent early enough is the one the setData
  // needed (it must precede 1:2), so the setData came after the watch's state and fired it: 1001's delete at 1:3 owes
  // NodeDataChanged first.
  const records = [
    op(0, 1001, { type: 'create', path: '/a', data: 'v1', mode: 'persistent' }, 216, 1822, { rc: 'ok', path: '/a' }, null),
    op(1, 1002, { type: 'setData', path: '/a', data: 'v2', version: -1 }, 1719, 3466, { rc: 'ok', version: 1 }, Z(2)),
    op(2, 1001, { type: 'exists', path: '/a', watch: true }, 2459, 3147, { rc: 'ok', exists: true, version: 0 }, null),
    op(3, 1001, { type: 'delete', path: '/a', version: 2 }, 3487, 4895, { rc: 'badVersion' }, Z(3)),
    op(6, 1003, { type: 'delete', path: '/a', version: -1 }, 5689, 6365, { rc: 'ok' }, Z(4)),
    op(4, 1002, { type: 'create', path: '/a', data: 'v3', mode: 'persistent' }, 4093, 8258, { rc: 'ok', path: '/a' }, Z(5)),
  ];

  it('the other create sent after the exists returned: impossible', () => {
    expect(both(records)).toEqual({ zabsim: 'violated', possible: false });
  });

  it('NodeDataChanged before the delete reply: possible', () => {
    expect(both([...records, event(1001, 'NodeDataChanged', '/a', 3470)])).toEqual({ zabsim: 'ok', possible: true });
  });
});

describe('a sequential name a certain create got is no other create\'s under a parent with one life (case 1677347434, seed 2500000)', () => {
  // /a is made once and never deleted. Session 1001's persistent sequential create gets /a/s-0000000000; session 1002's
  // lost ephemeral sequential create of /a/s- cannot have made that same name (cversion only grows in /a's one life), so
  // nothing deletes /a/s-0000000000. Session 1003's listing of /a lacks it: the create came after the listing and fired
  // the child watch, and 1003's setData, sent after the create completed, owes NodeChildrenChanged first.
  const records = (extra: object[]) => [
    op(0, 1002, { type: 'create', path: '/a/s-', data: 'v1', mode: 'ephemeralSequential' }, 697, null, null, null),
    op(2, 1001, { type: 'create', path: '/a', data: 'v3', mode: 'persistent' }, 2839, null, null, null),
    op(7, 1001, { type: 'create', path: '/a/s-', data: 'v6', mode: 'persistentSequential' }, 4559, 8485, { rc: 'ok', path: '/a/s-0000000000' }, null),
    op(8, 1003, { type: 'getChildren', path: '/a', watch: true }, 7779, 8991, { rc: 'ok', children: [] }, null),
    op(9, 1003, { type: 'setData', path: '/a', data: 'v5', version: 3 }, 9311, 10800, { rc: 'badVersion' }, Z(6)),
    ...extra,
  ];

  it('no NodeChildrenChanged /a before the setData reply: impossible', () => {
    expect(both(records([]))).toEqual({ zabsim: 'violated', possible: false });
  });

  it('NodeChildrenChanged /a before it: possible', () => {
    expect(both(records([event(1003, 'NodeChildrenChanged', '/a', 9500)]))).toEqual({ zabsim: 'ok', possible: true });
  });
});

describe("an exact event's txn was committed when it arrived: a write sent later has a higher recorded zxid (case 805194012, seed 2500000)", () => {
  // Session 1001 watches /b and sets it at 1:5; its NodeDataChanged names 1:5 and arrives at 12640, on the watch's own
  // connection: the server applied 1:5 by then. Session 1002's create of /b, sent at 12845, cannot have zxid 1:4.
  const records = (createSentUs: number) => [
    op(4, 1002, { type: 'create', path: '/b', data: 'v1', mode: 'persistent' }, 4803, 5453, { rc: 'ok', path: '/b' }, Z(1)),
    op(9, 1001, { type: 'getData', path: '/b', watch: true }, 8913, 9756, { rc: 'ok', data: 'v1', version: 0 }, null),
    op(10, 1001, { type: 'setData', path: '/b', data: 'v6', version: 0 }, 10629, 12963, { rc: 'ok', version: 1 }, Z(5)),
    op(11, 1002, { type: 'create', path: '/b', data: 'v5', mode: 'persistent' }, createSentUs, 13067, { rc: 'nodeExists' }, Z(4)),
    event(1001, 'NodeDataChanged', '/b', 12640, Z(5)),
  ];

  it('the create sent after the event arrived: impossible', () => {
    expect(both(records(12845))).toEqual({ zabsim: 'violated', possible: false });
  });

  it('the create sent before: possible', () => {
    expect(both(records(12500))).toEqual({ zabsim: 'ok', possible: true });
  });
});
