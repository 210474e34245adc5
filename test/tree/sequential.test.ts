// Sequential names come from the parent's persisted cversion (%010d, a signed 32-bit int), which
// counts every child creation and is never lowered by deletes; clients see cversion as
// 2 × persisted − numChildren. Includes the 3.8 behaviour when the counter wraps.
import { describe, expect, test } from 'vitest';
import { formatSequence, getChildren, getNode, mapGet, OPEN_ACL_UNSAFE, statOf } from '../../protocol/tree/index.js';
import { mapSet } from '../../protocol/tree/hamt.js';
import { Harness } from './helpers.js';

const createdPath = (h: Harness, path: string, mode: 'PERSISTENT_SEQUENTIAL' | 'EPHEMERAL_SEQUENTIAL' = 'PERSISTENT_SEQUENTIAL'): string => {
  const { result } = h.create(path, '', mode);
  return result.type === 'create' ? result.path : `error ${result.type === 'error' ? result.err : result.type}`;
};

describe('sequential numbering', () => {
  test('the first sequential child of the fresh root is 0000000000', () => {
    const h = new Harness();
    expect(createdPath(h, '/s')).toBe('/s0000000000');
    expect(createdPath(h, '/s')).toBe('/s0000000001');
  });

  test('numbers count all child creations, survive deletes, and skip failed creates', () => {
    const h = new Harness();
    h.create('/p');
    h.create('/p/plain');
    expect(createdPath(h, '/p/s-')).toBe('/p/s-0000000001');
    h.run({ type: 'delete', path: '/p/plain', version: -1 });
    h.run({ type: 'delete', path: '/p/s-0000000001', version: -1 });
    expect(createdPath(h, '/p/s-')).toBe('/p/s-0000000002');
    expect(h.code({ type: 'create', path: '/p/plain/x', data: '', acl: OPEN_ACL_UNSAFE, mode: 'PERSISTENT_SEQUENTIAL' })).toBe('NONODE');
    expect(h.code({ type: 'create', path: '/p/x', data: '', acl: [], mode: 'PERSISTENT_SEQUENTIAL' })).toBe('INVALIDACL');
    expect(createdPath(h, '/p/', 'EPHEMERAL_SEQUENTIAL')).toBe('/p/0000000003');
    const stat = getChildren(h.tree, '/p', []);
    expect(stat.ok && stat.value.stat).toMatchObject({ numChildren: 2, cversion: 2 * 4 - 2 });
    const node = getNode(h.tree, '/p');
    expect(node?.cversion).toBe(4);
  });

  test('%010d of a Java int', () => {
    expect(formatSequence(0)).toBe('0000000000');
    expect(formatSequence(42)).toBe('0000000042');
    expect(formatSequence(2147483647)).toBe('2147483647');
    expect(formatSequence(-5)).toBe('-000000005');
    expect(formatSequence(-2147483648)).toBe('-2147483648');
  });

  test('at cversion 2^31-1 the counter wraps in prep, but DataTree refuses to lower cversion', () => {
    const h = new Harness();
    h.create('/w');
    const parent = mapGet(h.tree.nodes, '/w');
    if (parent === undefined) throw new Error('fixture');
    h.tree = { ...h.tree, nodes: mapSet(h.tree.nodes, '/w', { ...parent, cversion: 2147483647 }) };
    const first = h.create('/w/n-', '', 'PERSISTENT_SEQUENTIAL');
    expect(first.txn.body).toMatchObject({ path: '/w/n-2147483647', parentCversion: -2147483648 });
    const after = getNode(h.tree, '/w');
    expect(after?.cversion).toBe(2147483647); // not raised, so pzxid did not move either
    expect(after?.pzxid).toBe(parent.pzxid);
    expect(after === undefined ? undefined : statOf(after).cversion).toBe((2 * 2147483647 - 1) | 0);
    // The next sequential create computes the same name again.
    expect(h.create('/w/n-', '', 'PERSISTENT_SEQUENTIAL').result).toEqual({ type: 'error', err: 'NODEEXISTS' });
  });
});
