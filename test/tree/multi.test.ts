// multi is one txn with one zxid, validated op by op against the tree plus the earlier ops' pending
// changes, and all-or-nothing: on failure the ops before the failing one report OK (0), the failing
// one its code, the ones after RUNTIMEINCONSISTENCY (-2), and nothing is applied.
import { describe, expect, test } from 'vitest';
import { getChildren, getData, OPEN_ACL_UNSAFE, type WriteOp } from '../../protocol/tree/index.js';
import { Harness } from './helpers.js';

/** Watch triggers without the ACL they carry (checked in test/service). */
const withoutAcl = ({ acl: _acl, ...trigger }: WatchTrigger): Omit<WatchTrigger, 'acl'> => trigger;
import type { WatchTrigger } from '../../protocol/tree/index.js';

const create = (path: string, mode: 'PERSISTENT' | 'PERSISTENT_SEQUENTIAL' = 'PERSISTENT'): WriteOp => ({
  type: 'create',
  path,
  data: 'd',
  acl: OPEN_ACL_UNSAFE,
  mode,
});

function fixture(): Harness {
  const h = new Harness();
  h.create('/a', 'v0');
  h.create('/a/b');
  return h;
}

describe('multi', () => {
  test('success: per-op results, one zxid, watch triggers in op order', () => {
    const h = fixture();
    const { txn, result, watchEvents } = h.run({
      type: 'multi',
      ops: [
        create('/m'),
        { type: 'setData', path: '/a', data: 'v1', version: 0 },
        { type: 'check', path: '/a', version: 1 },
        { type: 'delete', path: '/a/b', version: 0 },
      ],
    });
    expect(result.type).toBe('multi');
    if (result.type !== 'multi') return;
    expect(result.err).toBe('OK');
    expect(result.results.map((r) => r.type)).toEqual(['create', 'setData', 'check', 'delete']);
    const created = result.results[0];
    expect(created?.type === 'create' && created.stat.czxid).toBe(txn.zxid);
    const set = result.results[1];
    expect(set?.type === 'setData' && set.stat.version).toBe(1);
    expect(watchEvents.map(withoutAcl)).toEqual([
      { type: 'NodeCreated', path: '/m', watches: 'data' },
      { type: 'NodeChildrenChanged', path: '/', watches: 'child' },
      { type: 'NodeDataChanged', path: '/a', watches: 'data' },
      { type: 'NodeDeleted', path: '/a/b', watches: 'data' },
      { type: 'NodeDeleted', path: '/a/b', watches: 'child' },
      { type: 'NodeChildrenChanged', path: '/a', watches: 'child' },
    ]);
    expect(getData(h.tree, '/a', []).ok && h.tree.lastProcessedZxid).toBe(txn.zxid);
  });

  test('failure: OK before, the code at the failing op, RUNTIMEINCONSISTENCY after; nothing applied', () => {
    const h = fixture();
    const before = h.tree;
    const { txn, result, watchEvents, tree } = h.run({
      type: 'multi',
      ops: [create('/m'), { type: 'setData', path: '/a', data: 'v1', version: 5 }, create('/n'), { type: 'delete', path: '/a/b', version: -1 }],
    });
    expect(txn.body).toEqual({
      type: 'multi',
      txns: [
        { type: 'create', path: '/m', data: 'd', acl: OPEN_ACL_UNSAFE, ephemeral: false, parentCversion: 2 },
        { type: 'error', err: 'BADVERSION' },
        { type: 'error', err: 'RUNTIMEINCONSISTENCY' },
        { type: 'error', err: 'RUNTIMEINCONSISTENCY' },
      ],
    });
    expect(result).toEqual({
      type: 'multi',
      err: 'BADVERSION',
      results: [
        { type: 'error', err: 'OK' },
        { type: 'error', err: 'BADVERSION' },
        { type: 'error', err: 'RUNTIMEINCONSISTENCY' },
        { type: 'error', err: 'RUNTIMEINCONSISTENCY' },
      ],
    });
    expect(watchEvents).toEqual([]);
    expect(tree.nodes).toBe(before.nodes);
    expect(tree.lastProcessedZxid).toBe(txn.zxid);
  });

  test('the first op failing makes all others RUNTIMEINCONSISTENCY', () => {
    const h = fixture();
    const { result } = h.run({ type: 'multi', ops: [create('/a'), create('/x'), create('/y')] });
    expect(result.type === 'multi' && result.results).toEqual([
      { type: 'error', err: 'NODEEXISTS' },
      { type: 'error', err: 'RUNTIMEINCONSISTENCY' },
      { type: 'error', err: 'RUNTIMEINCONSISTENCY' },
    ]);
  });

  test('later ops see earlier ops: create a parent then its child; empty a node then delete it', () => {
    const h = fixture();
    const { result } = h.run({
      type: 'multi',
      ops: [create('/p'), create('/p/q'), { type: 'delete', path: '/a/b', version: -1 }, { type: 'delete', path: '/a', version: -1 }],
    });
    expect(result.type === 'multi' && result.err).toBe('OK');
    const root = getChildren(h.tree, '/', []);
    expect(root.ok && root.value.children.sort()).toEqual(['p', 'zookeeper']);
  });

  test('a setData in the multi moves the version a later check sees', () => {
    const h = fixture();
    const ops: WriteOp[] = [
      { type: 'setData', path: '/a', data: 'v1', version: 0 },
      { type: 'check', path: '/a', version: 0 },
    ];
    const { result } = h.run({ type: 'multi', ops });
    expect(result.type === 'multi' && result.results).toEqual([
      { type: 'error', err: 'OK' },
      { type: 'error', err: 'BADVERSION' },
    ]);
  });

  test('deleting a node then using it fails; a sequential create twice gives two numbers', () => {
    const h = fixture();
    const bad = h.run({
      type: 'multi',
      ops: [
        { type: 'delete', path: '/a/b', version: -1 },
        { type: 'setData', path: '/a/b', data: '', version: -1 },
      ],
    });
    expect(bad.result.type === 'multi' && bad.result.err).toBe('NONODE');
    const good = h.run({ type: 'multi', ops: [create('/a/s-', 'PERSISTENT_SEQUENTIAL'), create('/a/s-', 'PERSISTENT_SEQUENTIAL')] });
    expect(good.result.type === 'multi' && good.result.results.map((r) => (r.type === 'create' ? r.path : r.type))).toEqual([
      '/a/s-0000000001',
      '/a/s-0000000002',
    ]);
  });

  test('an empty multi is an empty successful txn', () => {
    const h = fixture();
    expect(h.run({ type: 'multi', ops: [] }).result).toEqual({ type: 'multi', err: 'OK', results: [] });
  });

  test('a session error fails the first op', () => {
    const h = fixture();
    const { result } = h.run({ type: 'multi', ops: [create('/x'), create('/y')] }, { sessionId: 9, sessionError: 'SESSIONEXPIRED' });
    expect(result.type === 'multi' && result.results).toEqual([
      { type: 'error', err: 'SESSIONEXPIRED' },
      { type: 'error', err: 'RUNTIMEINCONSISTENCY' },
    ]);
  });
});
