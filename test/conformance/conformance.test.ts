// Proves the harness drives a real ZooKeeper 3.8 ensemble and records what ZooKeeper is known to
// answer (NODEEXISTS, sequential names, BADVERSION, NOTEMPTY, multi failure results, ACLs, watches,
// zxid accounting), identically whether the sessions sit on the leader or on a follower.

import { describe, expect, it } from 'vitest';
import { useLiveEnsemble } from './live-ensemble.js';
import { ACLS, sampleSequences } from './ops.js';
import { runSequence } from './real-runner.js';
import type { Op, OpResult, OpValue, RecordedSequence, RecStat, WatchEventRec } from './types.js';
import { mask, sessionLabels } from './types.js';

const ens = useLiveEnsemble();

const open = ACLS.open;

/**
 * Hand-written smoke sequence. Comments give the relative zxid each op consumes: the root is 0,
 * and in ZooKeeper every write request consumes one zxid even when it fails (an error txn).
 */
const SMOKE: Op[] = [
  /* 0 */ { kind: 'create', s: 0, path: '/a', data: 'x', acl: open, mode: 'persistent' }, // z1
  /* 1 */ { kind: 'create', s: 0, path: '/a', data: 'x', acl: open, mode: 'persistent' }, // z2 NODEEXISTS
  /* 2 */ { kind: 'create', s: 0, path: '/a/s-', data: '', acl: open, mode: 'persistent_sequential' }, // z3
  /* 3 */ { kind: 'create', s: 1, path: '/a/s-', data: '', acl: open, mode: 'ephemeral_sequential' }, // z4
  /* 4 */ { kind: 'create', s: 0, path: '/a/b', data: '', acl: open, mode: 'persistent' }, // z5
  /* 5 */ { kind: 'create', s: 0, path: '/a/s-', data: '', acl: open, mode: 'persistent_sequential' }, // z6
  /* 6 */ { kind: 'getChildren', s: 0, path: '/a', watch: true },
  /* 7 */ { kind: 'setData', s: 0, path: '/a', data: 'y', version: 5 }, // z7 BADVERSION
  /* 8 */ { kind: 'setData', s: 0, path: '/a', data: 'y', version: 0 }, // z8
  /* 9 */ { kind: 'getData', s: 1, path: '/a', watch: true },
  /* 10 */ { kind: 'delete', s: 0, path: '/a', version: -1 }, // z9 NOTEMPTY
  /* 11 */ { kind: 'delete', s: 0, path: '/nope', version: -1 }, // z10 NONODE
  /* 12 */ { kind: 'create', s: 1, path: '/e', data: '', acl: open, mode: 'ephemeral' }, // z11
  /* 13 */ { kind: 'create', s: 0, path: '/e/x', data: '', acl: open, mode: 'persistent' }, // z12 NOCHILDRENFOREPHEMERALS
  /* 14 */ { kind: 'exists', s: 0, path: '/e', watch: true },
  /* 15 */ {
    kind: 'multi',
    s: 0,
    ops: [
      { op: 'create', path: '/m', data: '', acl: open, mode: 'persistent' },
      { op: 'delete', path: '/nope', version: -1 },
      { op: 'setData', path: '/a', data: 'q', version: -1 },
    ],
  }, // z13 NONODE, nothing applied
  /* 16 */ { kind: 'exists', s: 0, path: '/m', watch: false },
  /* 17 */ {
    kind: 'multi',
    s: 0,
    ops: [
      { op: 'create', path: '/m', data: '', acl: open, mode: 'persistent' },
      { op: 'check', path: '/a', version: 1 },
      { op: 'setData', path: '/a', data: 'z', version: 1 },
      { op: 'delete', path: '/m', version: 0 },
    ],
  }, // z14
  /* 18 */ { kind: 'close', s: 1 }, // z15 closeSession: deletes /a/s-0000000001 and /e
  /* 19 */ { kind: 'create', s: 0, path: '/c', data: 'secret', acl: ACLS.alice, mode: 'persistent' }, // z16
  /* 20 */ { kind: 'getData', s: 1, path: '/c', watch: false }, // reopens slot 1: z17 createSession
  /* 21 */ { kind: 'addAuth', s: 1, scheme: 'digest', auth: 'alice:secret' },
  /* 22 */ { kind: 'getData', s: 1, path: '/c', watch: false },
  /* 23 */ { kind: 'getACL', s: 1, path: '/c' },
  /* 24 */ { kind: 'create', s: 0, path: '/d', data: '', acl: ACLS.creatorAll, mode: 'persistent' }, // z18 INVALIDACL
  /* 25 */ { kind: 'setACL', s: 1, path: '/c', acl: ACLS.readOnly, version: 5 }, // z19 BADVERSION
  /* 26 */ { kind: 'setACL', s: 1, path: '/c', acl: ACLS.readOnly, version: 0 }, // z20
  /* 27 */ { kind: 'getChildren', s: 0, path: '/', watch: false },
  /* 28 */ { kind: 'delete', s: 1, path: '/a/b', version: 0 }, // z21
  /* 29 */ { kind: 'getData', s: 0, path: '/c', watch: false },
];

function result(seq: RecordedSequence, i: number): OpResult {
  const r = seq.results[i];
  if (r === undefined) throw new Error(`no result ${i}`);
  return r.result;
}

function value(seq: RecordedSequence, i: number): OpValue {
  const r = result(seq, i);
  if (!r.ok) throw new Error(`op ${i} failed: ${r.name}`);
  return r.value;
}

function stat(v: OpValue): RecStat {
  if (!('stat' in v) || v.stat === null) throw new Error(`no stat in ${v.kind}`);
  return v.stat;
}

function events(seq: RecordedSequence, i: number, slot: 0 | 1): WatchEventRec[] {
  return seq.results[i]?.events[slot] ?? [];
}

const byPath = (a: WatchEventRec, b: WatchEventRec): number => a.path.localeCompare(b.path) || a.type.localeCompare(b.type);

describe('real ZooKeeper 3.8 ensemble', () => {
  it('has exactly one leader and two followers', async () => {
    const modes = await ens().modes();
    expect(modes.filter((m) => m === 'leader')).toHaveLength(1);
    expect(modes.filter((m) => m === 'follower')).toHaveLength(2);
  });

  const runs: RecordedSequence[] = [];

  it('answers the smoke sequence as ZooKeeper 3.8 is known to', async () => {
    const seq = await runSequence(ens(), SMOKE, { root: '/smoke1', server: 1 });
    runs.push(seq);
    const code = (i: number): number => {
      const r = result(seq, i);
      return r.ok ? 0 : r.code;
    };

    expect(value(seq, 0)).toEqual({ kind: 'create', path: '/a' });
    expect(code(1)).toBe(-110); // NODEEXISTS
    expect(value(seq, 2)).toEqual({ kind: 'create', path: '/a/s-0000000000' });
    expect(value(seq, 3)).toEqual({ kind: 'create', path: '/a/s-0000000001' });
    // The suffix is the parent's cversion, which the plain create of /a/b also bumped.
    expect(value(seq, 5)).toEqual({ kind: 'create', path: '/a/s-0000000003' });

    const ch = value(seq, 6);
    if (ch.kind !== 'getChildren') throw new Error('expected getChildren');
    expect([...ch.children].sort()).toEqual(['b', 's-0000000000', 's-0000000001', 's-0000000003']);
    expect(stat(ch)).toMatchObject({ czxid: 1, mzxid: 1, pzxid: 6, cversion: 4, numChildren: 4, version: 0 });

    expect(code(7)).toBe(-103); // BADVERSION
    expect(stat(value(seq, 8))).toMatchObject({ version: 1, mzxid: 8, czxid: 1, dataLength: 1 });
    expect(value(seq, 9)).toMatchObject({ kind: 'getData', data: 'y' });
    expect(code(10)).toBe(-111); // NOTEMPTY
    expect(code(11)).toBe(-101); // NONODE
    expect(value(seq, 12)).toEqual({ kind: 'create', path: '/e' });
    expect(code(13)).toBe(-108); // NOCHILDRENFOREPHEMERALS
    const eph = stat(value(seq, 14));
    expect(eph.ephemeralOwner).not.toBe(0);
    expect(eph.ephemeralOwner).toBe(seq.sessions[1]?.id);
    expect(eph.czxid).toBe(11);

    // Failed multi: the first error is reported, earlier ops OK (rolled back), later ones -2.
    expect(result(seq, 15)).toEqual({
      ok: false,
      code: -101,
      name: 'NONODE',
      multi: [
        { op: 'error', code: 0 },
        { op: 'error', code: -101 },
        { op: 'error', code: -2 },
      ],
    });
    expect(value(seq, 16)).toEqual({ kind: 'exists', stat: null });

    const multi = value(seq, 17);
    if (multi.kind !== 'multi') throw new Error('expected multi');
    expect(multi.results.map((r) => r.op)).toEqual(['create', 'check', 'setData', 'delete']);
    expect(multi.results[0]).toEqual({ op: 'create', path: '/m' });
    const ms = multi.results[2];
    expect(ms?.op === 'setData' ? ms.stat : undefined).toMatchObject({ version: 2, mzxid: 14 });
    // setData on /a fired slot 1's one-shot data watch (set by op 9).
    expect(events(seq, 17, 1)).toEqual([{ type: 'NodeDataChanged', path: '/a' }]);
    expect(events(seq, 17, 0)).toEqual([]);

    // Closing slot 1 deletes its ephemerals and fires slot 0's watches (exists /e, children of /a).
    expect(value(seq, 18)).toEqual({ kind: 'close' });
    expect([...events(seq, 18, 0)].sort(byPath)).toEqual([
      { type: 'NodeChildrenChanged', path: '/a' },
      { type: 'NodeDeleted', path: '/e' },
    ]);

    expect(code(20)).toBe(-102); // NOAUTH on the fresh slot-1 session
    expect(seq.sessions.map((s) => s.slot)).toEqual([0, 1, 1]);
    expect(value(seq, 22)).toMatchObject({ kind: 'getData', data: 'secret' });
    const acl = value(seq, 23);
    expect(acl).toMatchObject({ kind: 'getACL', acl: ACLS.alice });
    expect(stat(acl)).toMatchObject({ czxid: 16, aversion: 0 });
    expect(code(24)).toBe(-114); // INVALIDACL: auth scheme without credentials
    expect(code(25)).toBe(-103);
    expect(stat(value(seq, 26))).toMatchObject({ aversion: 1, version: 0, mzxid: 16 });

    const root = value(seq, 27);
    if (root.kind !== 'getChildren') throw new Error('expected getChildren');
    expect([...root.children].sort()).toEqual(['a', 'c']);
    // Root: last child change = create /c (z16). In 3.8.0 cversion counts child creations AND
    // deletions: 4 creations (/a, /e, /m in the good multi, /c) + 2 deletions (/m in the same
    // multi, /e by closeSession) = 6. Failed creates and the rolled-back multi count nothing.
    expect(stat(root)).toMatchObject({ czxid: 0, mzxid: 0, pzxid: 16, cversion: 6, numChildren: 2 });
    expect(value(seq, 28)).toEqual({ kind: 'delete' });
    // /c is now world:READ only; the read still works for anyone.
    expect(value(seq, 29)).toMatchObject({ kind: 'getData', data: 'secret' });
  });

  it('gives the same masked results on every server (leader or follower)', async () => {
    for (const server of [2, 3]) runs.push(await runSequence(ens(), SMOKE, { root: `/smoke${server}`, server }));
    const masked = runs.map((s) => mask(s.results, { sessionLabels: sessionLabels(s) }));
    expect(masked).toHaveLength(3);
    // closeSession deletes ephemerals in hash order; compare event sets per op.
    const canon = masked.map((rs) => rs.map((r) => ({ ...r, events: [[...r.events[0]].sort(byPath), [...r.events[1]].sort(byPath)] })));
    expect(canon[1]).toEqual(canon[0]);
    expect(canon[2]).toEqual(canon[0]);
  });

  it('records generated sequences as plain, replayable JSON', async () => {
    const plans = sampleSequences(7, 3, 30);
    expect(sampleSequences(7, 3, 30)).toEqual(plans);
    const first = plans[0];
    if (first === undefined) throw new Error('no plan');
    const seq = await runSequence(ens(), first, { root: '/gen0', server: 2 });
    expect(seq.results).toHaveLength(30);
    expect(JSON.parse(JSON.stringify(seq))).toEqual(seq);
  });
});
