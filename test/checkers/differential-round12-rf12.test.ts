// Proves that the reference generator records every reconnect of a history with CONNECTED records, so that the
// reference's reading of connections (one per CONNECTED or DISCONNECTED record, DEFINITIONS.md) holds on what it
// generates: a persistent watch's delivery lost with an old connection is no longer read as owed on one connection
// (generateWithAcls(885455763), which the reference rejected unperturbed), and the same history without the record,
// a session whose events switch servers on what reads as one connection, stays impossible for the reference.
import { describe, expect, it } from 'vitest';
import type { ZkHistory } from '../../sim/history/types.js';
import { judge } from '../reference/compare.js';
import { generateWithAcls } from '../reference/gen-acl.js';
import { both, event, op } from './differential-records.js';
import { Z } from './history-builders.js';

/** Sessions whose arrivals (ok replies, events, by seq) change server with no CONNECTED record of theirs between. */
function unrecordedMoves(h: ZkHistory): string[] {
  const records = h.events ?? [];
  if (!records.some((e) => e.kind === 'session' && e.state === 'CONNECTED')) return [];
  const arrivals: { seq: number; server: number | null; session: number; connected: boolean }[] = [];
  for (const o of h.ops)
    if (o.outcome === 'ok' && o.session !== null) arrivals.push({ seq: o.completeSeq!, server: o.server, session: o.session, connected: false });
  for (const e of records) {
    if (e.kind === 'watch') arrivals.push({ seq: e.seq!, server: e.server, session: e.session, connected: false });
    else if (e.kind === 'session' && e.state === 'CONNECTED') arrivals.push({ seq: e.seq!, server: e.server, session: e.session, connected: true });
  }
  arrivals.sort((a, b) => a.seq - b.seq);
  const last = new Map<number, number | null>();
  const out: string[] = [];
  for (const a of arrivals) {
    const was = last.get(a.session);
    if (!a.connected && was !== undefined && was !== a.server) out.push(`session ${a.session}: server ${was} -> ${a.server} at seq ${a.seq}`);
    last.set(a.session, a.server);
  }
  return out;
}

describe("a reconnect after a session's last op (its reply lost) is recorded (generateWithAcls(885455763))", () => {
  it('the generated history is possible, and zabsim accepts it', () => {
    const j = judge(generateWithAcls(885455763));
    expect({ zabsim: j.zabsim, possible: j.possible }).toEqual({ zabsim: 'ok', possible: true });
  });

  it('without the CONNECTED record of server 3 the reference rejects it (watch-unexplained)', () => {
    const h = generateWithAcls(885455763);
    const events = (h.events ?? []).filter((e) => !(e.kind === 'session' && e.session === 1002 && e.server === 3));
    expect(events.length).toBe((h.events ?? []).length - 1);
    const j = judge({ ...h, events });
    expect({ possible: j.possible, rule: j.rule }).toEqual({ possible: false, rule: 'watch-unexplained' });
  });

  it('in generated histories with CONNECTED records, a session changes server only across one of them', () => {
    const seeds = [885455763, 885456682, ...Array.from({ length: 400 }, (_, k) => 885455000 + k)];
    const moves = seeds.flatMap((s) => unrecordedMoves(generateWithAcls(s)).map((m) => `${s} ${m}`));
    expect(moves).toEqual([]);
  });
});

describe("a persistent watch's delivery lost with its connection (the smallest form)", () => {
  // Session 1002 adds a recursive watch on /b and creates /b at 1:1 (NodeCreated from server 2); its setData of /b
  // (reply lost) is 1:2; session 1001's setData expecting version 1 is 1:3, and 1002 gets NodeDataChanged /b at 1:3
  // from server 3. Its delivery of 1:2 was queued on the server-2 connection, lost with it; setWatches2 re-registers
  // the watch on server 3 without an event for what changed meanwhile (DataTree.setWatches).
  const records = (reconnect: boolean) => [
    { kind: 'session', client: 2, session: 1002, server: 2, state: 'CONNECTED', atUs: 100 },
    op(1, 1002, { type: 'addWatch', path: '/b', mode: 'persistentRecursive' }, 200, 300, { rc: 'ok' }, null, { server: 2 }),
    op(2, 1002, { type: 'create', path: '/b', data: 'v1', mode: 'persistent' }, 400, 1200, { rc: 'ok', path: '/b' }, Z(1), { server: 2 }),
    event(1002, 'NodeCreated', '/b', 1100, Z(1), 2),
    op(3, 1002, { type: 'setData', path: '/b', data: 'v2', version: -1 }, 1300, null, null, null, { server: 2 }),
    ...(reconnect ? [{ kind: 'session', client: 2, session: 1002, server: 3, state: 'CONNECTED', atUs: 2000 }] : []),
    op(4, 1001, { type: 'setData', path: '/b', data: 'v3', version: 1 }, 3000, 4000, { rc: 'ok', version: 2 }, Z(3)),
    event(1002, 'NodeDataChanged', '/b', 3500, Z(3), 3),
  ];

  it('with the reconnect recorded: possible, and zabsim accepts it', () => {
    expect(both(records(true))).toEqual({ zabsim: 'ok', possible: true });
  });

  it("on one recorded connection the 1:2 delivery is owed before 1:3's: the reference rejects it", () => {
    expect(both(records(false)).possible).toBe(false);
  });
});

describe('a session end deletes each of its ephemerals once (case 3482326710)', () => {
  // Session 1001's multi makes /a and the ephemeral /a/c at 1:1; session 1002 adds a recursive watch on /a/c and gets
  // NodeDeleted /a/c at 1:3. Only the unseen end of 1001 can delete /a/c, and an end deletes each node of its session's
  // ephemerals once (DataTree.killSession), so that txn fires the watch once on one connection.
  const records = (copies: number) => [
    op(
      1,
      1001,
      {
        type: 'multi',
        ops: [
          { type: 'create', path: '/a', data: 'v1', mode: 'persistent' },
          { type: 'create', path: '/a/c', data: 'v2', mode: 'ephemeral' },
        ],
      },
      1806,
      2822,
      {
        rc: 'ok',
        results: [
          { rc: 'ok', path: '/a' },
          { rc: 'ok', path: '/a/c' },
        ],
      },
      Z(1),
      { server: 2 },
    ),
    op(4, 1002, { type: 'addWatch', path: '/a/c', mode: 'persistentRecursive' }, 4317, 7936, { rc: 'ok' }, null, { server: 3 }),
    ...Array.from({ length: copies }, (_, k) => event(1002, 'NodeDeleted', '/a/c', 8171 + k, Z(3), 3)),
  ];

  it('NodeDeleted /a/c twice at 1:3 on one connection: impossible', () => {
    expect(both(records(2))).toEqual({ zabsim: 'violated', possible: false });
  });

  it('once: possible', () => {
    expect(both(records(1))).toEqual({ zabsim: 'ok', possible: true });
  });
});

describe('between two NodeDeleted of a path on one persistent watch, the NodeCreated of its re-creation is owed (case 2356920528)', () => {
  // /a is made at 1:2; session 1001 creates the ephemeral /a/c (zxid unknown); session 1004 adds a recursive watch on
  // /a/c and sends a create of the ephemeral /a/c whose reply is lost. 1004 gets NodeDeleted /a/c twice (the two
  // sessions' ends). Between them a create made /a/c again, and its NodeCreated is owed to the same watch on the same
  // connection (WatchManager.triggerWatch), before the second NodeDeleted (one FIFO socket).
  const records = (second: number, created: number | null) => [
    op(
      3,
      1001,
      {
        type: 'multi',
        ops: [
          { type: 'create', path: '/b', data: 'v5', mode: 'persistent' },
          { type: 'create', path: '/a', data: 'v6', mode: 'persistent' },
        ],
      },
      3315,
      5553,
      {
        rc: 'ok',
        results: [
          { rc: 'ok', path: '/b' },
          { rc: 'ok', path: '/a' },
        ],
      },
      Z(2),
    ),
    op(6, 1001, { type: 'create', path: '/a/c', data: 'v9', mode: 'ephemeral' }, 6845, 10125, { rc: 'ok', path: '/a/c' }, null, { server: 2 }),
    op(7, 1004, { type: 'addWatch', path: '/a/c', mode: 'persistentRecursive' }, 7978, 9502, { rc: 'ok' }, null, { server: 2 }),
    op(8, 1004, { type: 'create', path: '/a/c', data: 'v10', mode: 'ephemeral' }, 9827, null, null, null, { server: 2 }),
    event(1004, 'NodeDeleted', '/a/c', 11361, Z(6), 2),
    ...(created === null ? [] : [event(1004, 'NodeCreated', '/a/c', 11365, Z(created), 2)]),
    event(1004, 'NodeDeleted', '/a/c', 11371, Z(second), 2),
  ];

  it('NodeDeleted at 1:6 and 1:7: no zxid left for the create between, impossible', () => {
    expect(both(records(7, null))).toEqual({ zabsim: 'violated', possible: false });
  });

  it('NodeDeleted at 1:6 and 1:8 with no NodeCreated between: impossible', () => {
    expect(both(records(8, null))).toEqual({ zabsim: 'violated', possible: false });
  });

  it('NodeDeleted at 1:6 and 1:8 with NodeCreated at 1:7 between: possible', () => {
    expect(both(records(8, 7))).toEqual({ zabsim: 'ok', possible: true });
  });
});
