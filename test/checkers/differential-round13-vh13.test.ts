// Proves that zabsim and the reference checker agree on round 13's valid generated histories (vh13): a session's end
// changes no ephemeral whose one life a certain delete already ended, nor one its own delete removed after its last
// create whatever its sequential creates under other prefixes (so it owes no watch an event), and two events
// of one txn's deletes reach a persistent watch in either order, even when one of them may be filtered by ACL; each
// possible history has an impossible twin that both checkers flag.
import { describe, expect, it } from 'vitest';
import { both, event, op, type Rec } from './differential-records.js';
import { Z } from './history-builders.js';

const ended = (session: number, atUs: number, zxid: number): Rec => ({ kind: 'session', client: null, session, server: null, state: 'ENDED', atUs, zxid });

describe("a session's end does not change an ephemeral a certain delete of its one life removed (valid seed 1200023600)", () => {
  // Session 1001 creates the ephemeral /b (1:1), deletes it (1:2) and sends an unnamed ephemeral sequential create
  // (reply lost: until round 13 it kept write-effects.ts goneBefore from proving /b gone); its end is at 1:3. Session 1002 sets an
  // exists watch on the missing /b at 1:2, then a multi at 1:4 sent after the end: no event is owed, as the end
  // found no /b (DataTree.killSession deletes the session's ephemerals that are there; nothing made /b again).
  const gone = [
    op(0, 1001, { type: 'create', path: '/b', data: 'v1', mode: 'ephemeral' }, 574, 1425, { rc: 'ok', path: '/b' }, Z(1)),
    op(3, 1001, { type: 'delete', path: '/b', version: 0 }, 3355, 4376, { rc: 'ok' }, Z(2)),
    op(4, 1001, { type: 'create', path: '/a/s-', data: 'v2', mode: 'ephemeralSequential' }, 4948, null, null, null),
    op(6, 1002, { type: 'exists', path: '/b', watch: true }, 6786, 7911, { rc: 'ok', exists: false }, null, { readZxid: Z(2) }),
    op(7, 1002, { type: 'create', path: '/c', data: 'v3', mode: 'persistent' }, 7966, 8933, { rc: 'ok', path: '/c' }, Z(4)),
    ended(1001, 6142, Z(3)),
  ];

  it('the end after the delete, no event: possible', () => {
    expect(both(gone)).toEqual({ zabsim: 'ok', possible: true });
  });

  // The same with the delete pipelined behind the create (sent before its reply): goneBefore proves nothing then (it
  // asks for a delete sent after every create of the node completed); endCannotDelete does (/b's one create made its
  // one life, and the certain delete ended it: CommitProcessor keeps the session's order, create first).
  it('the delete sent before the create returned, the end after both, no event: possible', () => {
    const pipelined = gone.map((r) => (r.id === 3 ? { ...r, invokeUs: 1000 } : r));
    expect(both(pipelined)).toEqual({ zabsim: 'ok', possible: true });
  });

  // The twin: 1001 makes /b again (1:3) and session 1002's watch sees that second life at 1:3; the end (1:4) deletes
  // it, so the multi at 1:5, sent after the end, comes after its NodeDeleted, which never came.
  const relived = [
    op(0, 1001, { type: 'create', path: '/b', data: 'v1', mode: 'ephemeral' }, 574, 1425, { rc: 'ok', path: '/b' }, Z(1)),
    op(3, 1001, { type: 'delete', path: '/b', version: 0 }, 3355, 4376, { rc: 'ok' }, Z(2)),
    op(4, 1001, { type: 'create', path: '/a/s-', data: 'v2', mode: 'ephemeralSequential' }, 4948, null, null, null),
    op(5, 1001, { type: 'create', path: '/b', data: 'v4', mode: 'ephemeral' }, 5000, 5500, { rc: 'ok', path: '/b' }, Z(3)),
    op(6, 1002, { type: 'exists', path: '/b', watch: true }, 6786, 7911, { rc: 'ok', exists: true, version: 0 }, null, { readZxid: Z(3) }),
    op(7, 1002, { type: 'create', path: '/c', data: 'v3', mode: 'persistent' }, 7966, 8933, { rc: 'ok', path: '/c' }, Z(5)),
    ended(1001, 6142, Z(4)),
  ];

  it('a second life of /b that the end deletes, no event: impossible', () => {
    expect(both(relived)).toEqual({ zabsim: 'violated', possible: false });
  });
});

describe("a session's own delete after its last create removed its ephemeral, whatever its sequential creates under another prefix", () => {
  // The same rule where /b has two lives (no single create: endCannotDelete does not apply), both made and deleted by
  // session 1001, whose lost create /a/s- cannot make /b (write-effects.ts goneBefore, PrepRequestProcessor names a
  // sequential node by its prefix and ten digits): the end at 1:5 finds no /b, so the watch set at 1:4 owes nothing.
  const records = (secondDelete: boolean) => [
    op(0, 1001, { type: 'create', path: '/b', data: 'v1', mode: 'ephemeral' }, 574, 1425, { rc: 'ok', path: '/b' }, Z(1)),
    op(1, 1001, { type: 'delete', path: '/b', version: 0 }, 1500, 1800, { rc: 'ok' }, Z(2)),
    op(2, 1001, { type: 'create', path: '/b', data: 'v2', mode: 'ephemeral' }, 2000, 2500, { rc: 'ok', path: '/b' }, Z(3)),
    ...(secondDelete ? [op(3, 1001, { type: 'delete', path: '/b', version: 0 }, 3355, 4376, { rc: 'ok' }, Z(4))] : []),
    op(4, 1001, { type: 'create', path: '/a/s-', data: 'v3', mode: 'ephemeralSequential' }, 4948, null, null, null),
    op(
      6,
      1002,
      { type: 'exists', path: '/b', watch: true },
      6786,
      7911,
      secondDelete ? { rc: 'ok', exists: false } : { rc: 'ok', exists: true, version: 0 },
      null,
      {
        readZxid: secondDelete ? Z(4) : Z(3),
      },
    ),
    op(7, 1002, { type: 'create', path: '/c', data: 'v4', mode: 'persistent' }, 7966, 8933, { rc: 'ok', path: '/c' }, Z(6)),
    ended(1001, 6142, Z(5)),
  ];

  it('deleted again before the end, no event: possible', () => {
    expect(both(records(true))).toEqual({ zabsim: 'ok', possible: true });
  });

  it('the second life left to the end, which deletes it after the watch saw it, no event: impossible', () => {
    expect(both(records(false))).toEqual({ zabsim: 'violated', possible: false });
  });
});

describe("one txn's deliveries on a connection are unordered, an ACL-filtered one too (valid seed 1200037634)", () => {
  // Session 1001's failed create names /a/c with an ACL that may deny READ, so a delivery for /a/c may be filtered
  // (NIOServerCnxn.process checks READ per event). Session 1003 makes /a and /a/s-0000000000 (reply lost) and the
  // ephemeral /a/c (1:4); its end, unseen, deletes both. Session 1004's recursive watch on /a gets NodeDeleted
  // of both. DataTree.killSession deletes in the order of a HashSet of paths (PrepRequestProcessor builds the
  // CloseSessionTxn's list from DataTree.getEphemerals' clone): neither creation nor name order, so either event
  // may come first. Until round 13 the reference dropped the optional /a/c delivery when the /a/s- event passed it.
  const records = (first: number, second: number, deleted: boolean) => [
    op(
      5,
      1001,
      {
        type: 'create',
        path: '/a/c',
        data: 'v1',
        mode: 'ephemeral',
        restrictedRead: true,
        acl: [{ perms: 31, scheme: 'digest', id: 'u1:iMa4jTJUXtsOZxv2bTb8Lfyby5M=' }],
      },
      5701,
      6470,
      { rc: 'noNode' },
      null,
    ),
    op(
      6,
      1003,
      {
        type: 'multi',
        ops: [
          { type: 'create', path: '/a', data: 'v3', mode: 'persistent' },
          { type: 'create', path: '/a/s-', data: 'v5', mode: 'ephemeralSequential' },
        ],
      },
      7990,
      null,
      null,
      null,
    ),
    op(7, 1003, { type: 'create', path: '/a/c', data: 'v6', mode: 'ephemeral' }, 8765, 9182, { rc: 'ok', path: '/a/c' }, Z(4)),
    op(8, 1004, { type: 'addWatch', path: '/a', mode: 'persistentRecursive' }, 10955, 11572, { rc: 'ok' }, null),
    ...(deleted ? [op(9, 1003, { type: 'delete', path: '/a/c', version: -1 }, 11600, 11800, { rc: 'ok' }, Z(5))] : []),
    event(1004, 'NodeDeleted', '/a/s-0000000000', 12157, first),
    event(1004, 'NodeDeleted', '/a/c', 12168, second),
  ];

  it('the sequential node first, then the filtered /a/c, both at the end (1:5): possible', () => {
    expect(both(records(Z(5), Z(5), false))).toEqual({ zabsim: 'ok', possible: true });
    expect(both(records(-1, -1, false))).toEqual({ zabsim: 'ok', possible: true });
  });

  // The twin: 1003 deletes /a/c (1:5) after the watch was added, before its end, which then has only /a/s- left
  // to delete. The delete's delivery, if it comes, comes before the end's on the one FIFO connection, never after.
  it("/a/c deleted by an earlier txn, its event after the end's: impossible", () => {
    expect(both(records(Z(6), Z(5), true))).toEqual({ zabsim: 'violated', possible: false });
  });
});
