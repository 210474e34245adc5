// applyTxn follows DataTree.processTxn: the full Stat of each znode (including 3.8's client-side
// cversion = 2 × creations − numChildren), the watch triggers in DataTree's firing order, sessions
// and their ephemerals, and the leader's outstanding change records that prep validates against.
import { describe, expect, test } from 'vitest';
import {
  applyTxn,
  createDataTree,
  emptyOutstanding,
  ephemeralsOf,
  exists,
  getACL,
  getData,
  getNode,
  mapGet,
  OPEN_ACL_UNSAFE,
  outstandingRecords,
  PERMS,
  prep,
  READ_ACL_UNSAFE,
  retireOutstanding,
  statOf,
  type Acl,
  type Stat,
  type WriteRequest,
} from '../../protocol/tree/index.js';
import { mapSet } from '../../protocol/tree/hamt.js';
import { ALICE, BOB, Harness, zxid } from './helpers.js';

/** Watch triggers without the ACL they carry (checked in test/service). */
const withoutAcl = ({ acl: _acl, ...trigger }: WatchTrigger): Omit<WatchTrigger, 'acl'> => trigger;
import type { WatchTrigger } from '../../protocol/tree/index.js';

const statAt = (h: Harness, path: string): Stat => {
  const read = exists(h.tree, path, []);
  if (!read.ok) throw new Error(`${path}: ${read.err}`);
  return read.value;
};

describe('the fresh tree', () => {
  test('/, /zookeeper, /zookeeper/quota, /zookeeper/config as ZooKeeper builds them', () => {
    const tree = createDataTree();
    const h = new Harness(tree);
    expect(statAt(h, '/')).toEqual({
      czxid: 0,
      mzxid: 0,
      ctime: 0,
      mtime: 0,
      version: 0,
      cversion: -1,
      aversion: 0,
      ephemeralOwner: 0,
      dataLength: 0,
      numChildren: 1,
      pzxid: 0,
    });
    expect(statAt(h, '/zookeeper')).toMatchObject({ cversion: -2, numChildren: 2 });
    expect(statAt(h, '/zookeeper/config')).toMatchObject({ aversion: -1, version: 0 });
    const acl = getACL(tree, '/zookeeper/config', []);
    expect(acl.ok && acl.value.acl).toEqual(READ_ACL_UNSAFE);
    expect(getACL(tree, '/', []).ok && getNode(tree, '')?.acl).toEqual(OPEN_ACL_UNSAFE);
    const withConfig = createDataTree({ config: { data: 'server.1=a:2888:3888', mzxid: zxid(0), mtimeMs: 5 } });
    const config = getData(withConfig, '/zookeeper/config', []);
    expect(config.ok && config.value.data).toBe('server.1=a:2888:3888');
    expect(config.ok && config.value.stat).toMatchObject({ version: -1, mtime: 5, dataLength: 20 });
  });
});

describe('stat bookkeeping', () => {
  test('create, setData, setACL, delete', () => {
    const h = new Harness();
    const made = h.create('/n', 'héllo', 'EPHEMERAL');
    const z1 = made.txn.zxid;
    expect(made.result).toEqual({
      type: 'create',
      path: '/n',
      stat: {
        czxid: z1,
        mzxid: z1,
        pzxid: z1,
        ctime: 1000,
        mtime: 1000,
        version: 0,
        cversion: 0,
        aversion: 0,
        ephemeralOwner: ALICE.sessionId,
        dataLength: 6,
        numChildren: 0,
      },
    });
    expect(statAt(h, '/')).toMatchObject({ pzxid: z1, cversion: 2 * 1 - 2, numChildren: 2, mzxid: 0 });

    const set = h.run({ type: 'setData', path: '/n', data: null, version: 0 });
    expect(set.result.type === 'setData' && set.result.stat).toMatchObject({ version: 1, mzxid: set.txn.zxid, mtime: 2000, czxid: z1, dataLength: 0 });
    expect(getData(h.tree, '/n', []).ok && mapGet(h.tree.nodes, '/n')?.data).toBeNull();

    const acl: Acl[] = [{ perms: PERMS.READ | PERMS.ADMIN | PERMS.WRITE, id: { scheme: 'world', id: 'anyone' } }];
    const setAcl = h.run({ type: 'setACL', path: '/n', acl, version: 0 });
    expect(setAcl.result.type === 'setACL' && setAcl.result.stat).toMatchObject({ aversion: 1, version: 1, mzxid: set.txn.zxid });
    expect(setAcl.watchEvents).toEqual([]);

    const del = h.run({ type: 'delete', path: '/n', version: 1 });
    expect(del.result).toEqual({ type: 'delete', path: '/n' });
    // A delete moves the parent's pzxid; its persisted cversion stays, so the client's value grows by one.
    expect(statAt(h, '/')).toMatchObject({ pzxid: del.txn.zxid, cversion: 2 * 1 - 1, numChildren: 1 });
    expect(getNode(h.tree, '/')?.cversion).toBe(1);
  });

  test('version counters wrap as Java ints (3.8 has no ZOOKEEPER-4743 special case)', () => {
    const h = new Harness();
    h.create('/v');
    const node = mapGet(h.tree.nodes, '/v');
    if (node === undefined) throw new Error('fixture');
    h.tree = { ...h.tree, nodes: mapSet(h.tree.nodes, '/v', { ...node, version: 2147483647 }) };
    const set = h.run({ type: 'setData', path: '/v', data: 'x', version: 2147483647 });
    expect(set.txn.body).toEqual({ type: 'setData', path: '/v', data: 'x', version: -2147483648 });
    expect(statAt(h, '/v').version).toBe(-2147483648);
  });
});

describe('watch triggers, in DataTree order', () => {
  test('create, setData, delete', () => {
    const h = new Harness();
    expect(h.create('/w').watchEvents.map(withoutAcl)).toEqual([
      { type: 'NodeCreated', path: '/w', watches: 'data' },
      { type: 'NodeChildrenChanged', path: '/', watches: 'child' },
    ]);
    expect(h.create('/w/x').watchEvents.map(withoutAcl)).toEqual([
      { type: 'NodeCreated', path: '/w/x', watches: 'data' },
      { type: 'NodeChildrenChanged', path: '/w', watches: 'child' },
    ]);
    expect(h.run({ type: 'setData', path: '/w/x', data: '1', version: -1 }).watchEvents.map(withoutAcl)).toEqual([
      { type: 'NodeDataChanged', path: '/w/x', watches: 'data' },
    ]);
    expect(h.run({ type: 'check', path: '/w/x', version: -1 }).watchEvents).toEqual([]);
    expect(h.run({ type: 'delete', path: '/w/x', version: -1 }).watchEvents.map(withoutAcl)).toEqual([
      { type: 'NodeDeleted', path: '/w/x', watches: 'data' },
      { type: 'NodeDeleted', path: '/w/x', watches: 'child' },
      { type: 'NodeChildrenChanged', path: '/w', watches: 'child' },
    ]);
  });
});

describe('sessions', () => {
  test('createSession records the timeout; closeSession deletes the ephemerals in the txn order', () => {
    const h = new Harness();
    expect(h.run({ type: 'createSession', timeoutMs: 30000 }).result).toEqual({ type: 'createSession' });
    expect(mapGet(h.tree.sessions, String(ALICE.sessionId))).toBe(30000);
    h.create('/e');
    for (const name of ['e1', 'e2', 'e3']) h.create(`/e/${name}`, '', 'EPHEMERAL');
    h.create('/e/other', '', 'EPHEMERAL', OPEN_ACL_UNSAFE, BOB);
    const expected = ephemeralsOf(h.tree, ALICE.sessionId);
    expect([...expected].sort()).toEqual(['/e/e1', '/e/e2', '/e/e3']);

    const closed = h.run({ type: 'closeSession' });
    expect(closed.txn.body).toEqual({ type: 'closeSession', paths: expected });
    expect(closed.result).toEqual({ type: 'closeSession' });
    expect(closed.watchEvents.filter((e) => e.type === 'NodeDeleted' && e.watches === 'data').map((e) => e.path)).toEqual(expected);
    expect(closed.watchEvents).toHaveLength(9);
    expect(mapGet(h.tree.sessions, String(ALICE.sessionId))).toBeUndefined();
    expect(mapGet(h.tree.ephemerals, String(ALICE.sessionId))).toBeUndefined();
    expect(ephemeralsOf(h.tree, BOB.sessionId)).toEqual(['/e/other']);
    expect(statAt(h, '/e')).toMatchObject({ numChildren: 1, pzxid: closed.txn.zxid });
  });

  test('a closeSession path that is already gone still moves its parent pzxid, and is skipped', () => {
    const h = new Harness();
    h.create('/p');
    const { tree, result, watchEvents } = applyTxn(h.tree, { zxid: zxid(50), timeMs: 1, sessionId: 7, body: { type: 'closeSession', paths: ['/p/gone'] } });
    expect(result).toEqual({ type: 'closeSession' });
    expect(watchEvents).toEqual([]);
    expect(getNode(tree, '/p')?.pzxid).toBe(zxid(50));
  });

  test('a create txn that meets an existing node fails NODEEXISTS but raises the parent cversion (replay)', () => {
    const h = new Harness();
    h.create('/p');
    h.create('/p/c');
    const body = { type: 'create', path: '/p/c', data: '', acl: OPEN_ACL_UNSAFE, ephemeral: false, parentCversion: 9 } as const;
    const { tree, result } = applyTxn(h.tree, { zxid: zxid(60), timeMs: 1, sessionId: 7, body });
    expect(result).toEqual({ type: 'error', err: 'NODEEXISTS' });
    expect(getNode(tree, '/p')).toMatchObject({ cversion: 9, pzxid: zxid(60) });
  });
});

describe('outstanding changes (the leader pipeline)', () => {
  test('prep sees its own earlier, uncommitted txns', () => {
    const h = new Harness();
    let outstanding = emptyOutstanding();
    const requests: WriteRequest[] = [
      { type: 'create', path: '/q', data: '', acl: OPEN_ACL_UNSAFE, mode: 'PERSISTENT' },
      { type: 'create', path: '/q/j-', data: '', acl: OPEN_ACL_UNSAFE, mode: 'EPHEMERAL_SEQUENTIAL' },
      { type: 'create', path: '/q/j-', data: '', acl: OPEN_ACL_UNSAFE, mode: 'EPHEMERAL_SEQUENTIAL' },
      { type: 'delete', path: '/q', version: -1 },
    ];
    const txns = requests.map((request) => {
      const prepared = prep(h.tree, request, h.ctx(ALICE), outstanding);
      outstanding = prepared.outstanding;
      return prepared.txn;
    });
    expect(txns.map((t) => (t.body.type === 'create' ? t.body.path : t.body.type === 'error' ? t.body.err : t.body.type))).toEqual([
      '/q',
      '/q/j-0000000000',
      '/q/j-0000000001',
      'NOTEMPTY',
    ]);
    // closeSession collects the pending ephemeral creates too.
    const close = prep(h.tree, { type: 'closeSession' }, h.ctx(ALICE), outstanding);
    expect(close.txn.body.type === 'closeSession' && [...close.txn.body.paths].sort()).toEqual(['/q/j-0000000000', '/q/j-0000000001']);
    // Committing in order retires the records; at the end none are left.
    for (const txn of txns) {
      h.tree = applyTxn(h.tree, txn).tree;
      outstanding = retireOutstanding(outstanding, txn.zxid);
    }
    expect(outstandingRecords(outstanding)).toEqual([]);
    expect(outstandingRecords(close.outstanding).length).toBeGreaterThan(0);
  });

  test('a pending delete hides the node; a failed multi leaves the records as they were', () => {
    const h = new Harness();
    h.create('/x');
    const del = prep(h.tree, { type: 'delete', path: '/x', version: -1 }, h.ctx(ALICE));
    const set = prep(h.tree, { type: 'setData', path: '/x', data: '', version: -1 }, h.ctx(ALICE), del.outstanding);
    expect(set.txn.body).toEqual({ type: 'error', err: 'NONODE' });
    const multi = prep(
      h.tree,
      {
        type: 'multi',
        ops: [
          { type: 'create', path: '/y', data: '', acl: OPEN_ACL_UNSAFE, mode: 'PERSISTENT' },
          { type: 'check', path: '/x', version: -1 },
        ],
      },
      h.ctx(ALICE),
      del.outstanding,
    );
    expect(multi.outstanding).toBe(del.outstanding);
  });

  test('3.8 keeps the old ACL in a pending setACL record', () => {
    const h = new Harness();
    h.create('/acl', '', 'PERSISTENT', OPEN_ACL_UNSAFE);
    const onlyAlice: Acl[] = [{ perms: PERMS.ALL, id: { scheme: 'ip', id: '10.0.0.1' } }];
    const setAcl = prep(h.tree, { type: 'setACL', path: '/acl', acl: onlyAlice, version: -1 }, h.ctx(ALICE));
    const bobWrite: WriteRequest = { type: 'setData', path: '/acl', data: 'bob', version: -1 };
    const early = prep(h.tree, bobWrite, h.ctx(BOB), setAcl.outstanding);
    expect(early.txn.body.type).toBe('setData'); // checked against the old, open ACL
    h.tree = applyTxn(h.tree, setAcl.txn).tree;
    const retired = retireOutstanding(early.outstanding, setAcl.txn.zxid);
    // The setData record (a copy of the setACL one) still carries the old ACL until it commits too.
    expect(prep(h.tree, bobWrite, h.ctx(BOB), retired).txn.body.type).toBe('setData');
    h.tree = applyTxn(h.tree, early.txn).tree;
    const late = prep(h.tree, bobWrite, h.ctx(BOB), retireOutstanding(retired, early.txn.zxid));
    expect(late.txn.body).toEqual({ type: 'error', err: 'NOAUTH' });
  });
});

test('statOf agrees with exists', () => {
  const h = new Harness();
  h.create('/s', 'abc');
  const node = getNode(h.tree, '/s');
  expect(node && statOf(node)).toEqual(statAt(h, '/s'));
});
