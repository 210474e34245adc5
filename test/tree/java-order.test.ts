// getChildren must list children in the iteration order of ZooKeeper's java.util.HashSet. The
// expected orders below were printed by JDK 17.0.15 running /tmp/javaorder/Order.java (a copy of the
// program's essential calls are in the comment at the end of this file), and compared with ours.
import { describe, expect, test } from 'vitest';
import {
  emptyJavaHashSet,
  javaHashSetAdd,
  javaHashSetClone,
  javaHashSetMayHaveTreeBin,
  javaHashSetOrder,
  javaHashSetRemove,
  javaStringHashCode,
  type JavaHashSet,
} from '../../protocol/tree/java-hash-set.js';
import { createDataTree, ephemeralsOf, getChildren, reloadFromSnapshot, treeInvariantViolations } from '../../protocol/tree/index.js';
import { ALICE, Harness } from './helpers.js';

const seq = (prefix: string, from: number, to: number): string[] => Array.from({ length: to - from }, (_, i) => prefix + String(from + i).padStart(10, '0'));

function build(initialCapacity: number, ops: readonly (readonly ['+' | '-', string])[]): JavaHashSet {
  return ops.reduce((set, [op, name]) => (op === '+' ? javaHashSetAdd(set, name) : javaHashSetRemove(set, name)), emptyJavaHashSet(initialCapacity));
}
const adds = (names: readonly string[]) => names.map((n) => ['+', n] as const);
const removes = (names: readonly string[]) => names.map((n) => ['-', n] as const);

/** Sixteen strings with one hashCode: every 4-block word over {"Aa", "BB"} ("Aa" and "BB" hash alike). */
const COLLIDING = Array.from({ length: 16 }, (_, i) => [3, 2, 1, 0].map((b) => ((i >> b) & 1 ? 'BB' : 'Aa')).join(''));

describe('Java String.hashCode', () => {
  test.each([
    ['', 0],
    ['a', 97],
    ['zookeeper', 1600681804],
    ['\u{1F600}', 1772899],
    ['lock-0000000007', -864326679],
    ['a-much-longer-name-that-overflows-int', -2016606625],
  ])('%j', (text, hash) => {
    expect(javaStringHashCode(text)).toBe(hash);
  });
});

describe('HashSet<String>(8) iteration order, as DataNode.children', () => {
  test('a few top-level names', () => {
    const set = build(8, adds(['zookeeper', 'app', 'config', 'locks', 'election', 'queue']));
    expect(javaHashSetOrder(set)).toEqual(['app', 'election', 'zookeeper', 'config', 'locks', 'queue']);
  });

  test('20 sequential children (table 8 → 16 → 32)', () => {
    const set = build(8, adds(seq('lock-', 0, 20)));
    expect(set.capacity).toBe(32);
    expect(javaHashSetOrder(set)).toEqual([
      'lock-0000000009',
      'lock-0000000008',
      'lock-0000000019',
      'lock-0000000007',
      'lock-0000000018',
      'lock-0000000006',
      'lock-0000000017',
      'lock-0000000001',
      'lock-0000000012',
      'lock-0000000000',
      'lock-0000000011',
      'lock-0000000010',
      'lock-0000000005',
      'lock-0000000016',
      'lock-0000000004',
      'lock-0000000015',
      'lock-0000000003',
      'lock-0000000014',
      'lock-0000000002',
      'lock-0000000013',
    ]);
  });

  test('removals and a re-added name (the table never shrinks)', () => {
    const set = build(8, [...adds('abcdefghij'.split('')), ...removes(['c', 'a', 'h']), ...adds(['q', 'x', 'yy', 'zzz', 'a'])]);
    expect(javaHashSetOrder(set)).toEqual(['yy', 'q', 'a', 'b', 'd', 'e', 'f', 'g', 'x', 'i', 'j', 'zzz']);
  });

  test('a crowded bucket resizes a table smaller than 64 (treeifyBin)', () => {
    const set = build(8, adds(['m1', 'm2', 'zk', ...COLLIDING.slice(0, 10), 'tail']));
    expect(set.capacity).toBe(64); // by size alone it would be 32
    expect(javaHashSetOrder(set)).toEqual([
      'AaAaAaAa',
      'AaAaAaBB',
      'AaAaBBAa',
      'AaAaBBBB',
      'AaBBAaAa',
      'AaBBAaBB',
      'AaBBBBAa',
      'AaBBBBBB',
      'BBAaAaAa',
      'BBAaAaBB',
      'm1',
      'm2',
      'tail',
      'zk',
    ]);
    // Ten entries in one bucket of a 64-slot table: the diagnostic (conservatively) raises its flag.
    expect(javaHashSetMayHaveTreeBin(set)).toBe(true);
    expect(javaHashSetMayHaveTreeBin(build(8, adds(seq('lock-', 0, 200))))).toBe(false);
  });

  test('non-ASCII names hash by UTF-16 code unit', () => {
    const set = build(8, adds(['été', '日本', '\u{1F600}', 'Z', 'café', 'ü']));
    expect(javaHashSetOrder(set)).toEqual(['\u{1F600}', 'Z', '日本', 'ü', 'été', 'café']);
  });
});

describe('HashSet<String>() and clone(), as DataTree.ephemerals and getEphemerals', () => {
  const grownThenCut = build(16, [...adds(seq('/svc/member-', 0, 13)), ...removes(seq('/svc/member-', 0, 9)), ['+', '/other/e']]);

  test('the set keeps its 32-slot table after removals', () => {
    expect(javaHashSetOrder(grownThenCut)).toEqual([
      '/svc/member-0000000009',
      '/svc/member-0000000011',
      '/svc/member-0000000010',
      '/svc/member-0000000012',
      '/other/e',
    ]);
  });

  test('its clone is re-packed into a table sized for its size', () => {
    expect(javaHashSetOrder(javaHashSetClone(grownThenCut))).toEqual([
      '/svc/member-0000000011',
      '/svc/member-0000000010',
      '/other/e',
      '/svc/member-0000000009',
      '/svc/member-0000000012',
    ]);
  });

  test('a clone can also get a larger table (12 in 16 → 32)', () => {
    const set = build(16, adds(seq('/e/', 100, 112)));
    const expected = [
      '/e/0000000108',
      '/e/0000000109',
      '/e/0000000106',
      '/e/0000000107',
      '/e/0000000100',
      '/e/0000000111',
      '/e/0000000101',
      '/e/0000000110',
      '/e/0000000104',
      '/e/0000000105',
      '/e/0000000102',
      '/e/0000000103',
    ];
    expect(javaHashSetOrder(set)).toEqual(expected);
    expect(javaHashSetClone(set).capacity).toBe(32);
    expect(javaHashSetOrder(javaHashSetClone(set))).toEqual(expected);
  });
});

describe('through the tree', () => {
  test('getChildren("/") lists the root children in HashSet order', () => {
    const h = new Harness(createDataTree());
    for (const name of ['app', 'config', 'locks', 'election', 'queue']) h.create(`/${name}`);
    const read = getChildren(h.tree, '/', []);
    expect(read.ok && read.value.children).toEqual(['app', 'election', 'zookeeper', 'config', 'locks', 'queue']);
  });

  test('sequential children come back in HashSet order, not creation order', () => {
    const h = new Harness();
    h.create('/locks');
    for (let i = 0; i < 20; i++) h.create('/locks/lock-', '', 'EPHEMERAL_SEQUENTIAL');
    const read = getChildren(h.tree, '/locks', []);
    expect(read.ok && read.value.children).toEqual(javaHashSetOrder(build(8, adds(seq('lock-', 0, 20)))));
    expect(ephemeralsOf(h.tree, ALICE.sessionId)).toEqual(javaHashSetOrder(javaHashSetClone(build(16, adds(seq('/locks/lock-', 0, 20))))));
  });
});

describe('after a snapshot reload (restart or SNAP sync)', () => {
  test('children are re-added in the old order into fresh, smaller tables', () => {
    const h = new Harness();
    h.create('/svc');
    for (const name of seq('m-', 0, 13)) h.create(`/svc/${name}`, '', 'EPHEMERAL');
    for (const name of seq('m-', 0, 9)) h.run({ type: 'delete', path: `/svc/${name}`, version: -1 });
    const before = getChildren(h.tree, '/svc', []);
    const reloaded = reloadFromSnapshot(h.tree);
    const after = getChildren(reloaded, '/svc', []);
    if (!before.ok || !after.ok) throw new Error('fixture');
    expect(before.value.children).toEqual(javaHashSetOrder(build(8, [...adds(seq('m-', 0, 13)), ...removes(seq('m-', 0, 9))])));
    expect(after.value.children).toEqual(javaHashSetOrder(build(8, adds(before.value.children))));
    expect(after.value.children).not.toEqual(before.value.children);
    expect(after.value.stat).toEqual(before.value.stat);
    expect(treeInvariantViolations(reloaded)).toEqual([]);
    expect([...ephemeralsOf(reloaded, ALICE.sessionId)].sort()).toEqual(seq('/svc/m-', 9, 13));
  });
});

/*
 * The generating program (javac Order.java && java Order), abridged to the calls that matter:
 *   HashSet<String> s = new HashSet<>(8);            // DataNode.addChild
 *   for (String n : names) s.add(n); s.remove(...);   // the ops of each case above
 *   System.out.println(s);                            // iteration order
 *   HashSet<String> e = new HashSet<>();              // DataTree.ephemerals
 *   ((HashSet<String>) e.clone())                     // DataTree.getEphemerals
 *   n.hashCode()                                      // String.hashCode
 */
