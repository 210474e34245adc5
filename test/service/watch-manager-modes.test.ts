// The server's WatchManager with ZooKeeper 3.8's watcher modes, unit by unit: which connections a
// trigger notifies (WatchManager.triggerWatch), which watches it uses up, containsWatcher's
// leaf-only answer, removeWatcher, and DataTree.addWatch/setWatches/removeWatch through
// serveWatchRequest.
import { describe, expect, test } from 'vitest';
import type { NodeId } from '../../protocol/program.js';
import type { WatchTrigger } from '../../protocol/tree/index.js';
import { Fx } from '../../protocol/zab/effects.js';
import {
  addWatch,
  containsWatcher,
  EMPTY_WATCHES,
  hasWatch,
  removeClientWatches,
  triggerWatches,
  type WatchTable,
} from '../../protocol/service/watch-manager.js';
import { serveWatchRequest } from '../../protocol/service/watch-requests.js';
import type { ZkConnection } from '../../protocol/service/state.js';
import { createDataTree } from '../../protocol/tree/index.js';

const A = 101 as NodeId;
const B = 102 as NodeId;

const trig = (type: WatchTrigger['type'], path: string, watches: 'data' | 'child'): WatchTrigger => ({ type, path, watches, acl: [] });
/** DataTree.createNode's two triggers, deleteNode's three, setData's one. */
const created = (path: string, parent: string): WatchTrigger[] => [trig('NodeCreated', path, 'data'), trig('NodeChildrenChanged', parent, 'child')];
const deleted = (path: string, parent: string): WatchTrigger[] => [
  trig('NodeDeleted', path, 'data'),
  trig('NodeDeleted', path, 'child'),
  trig('NodeChildrenChanged', parent, 'child'),
];
const changed = (path: string): WatchTrigger[] => [trig('NodeDataChanged', path, 'data')];

function fire(w: WatchTable, triggers: WatchTrigger[]): { table: WatchTable; events: string[] } {
  const r = triggerWatches(w, triggers);
  return { table: r.table, events: r.deliveries.map((d) => `${d.client} ${d.trigger.type} ${d.trigger.path}`) };
}

/** DataTree.addWatch: both tables. */
const persistent = (w: WatchTable, path: string, client: NodeId, mode: 'PERSISTENT' | 'PERSISTENT_RECURSIVE'): WatchTable =>
  addWatch(addWatch(w, 'data', path, client, mode), 'child', path, client, mode);

describe('WatchManager.triggerWatch with WatcherMode', () => {
  test('a PERSISTENT watch fires for its own path on every change and is never used up, not even by NodeDeleted', () => {
    let w = persistent(EMPTY_WATCHES, '/a', A, 'PERSISTENT');
    const events: string[] = [];
    for (const t of [
      created('/a', '/'),
      changed('/a'),
      changed('/a'),
      created('/a/b', '/a'),
      created('/a/b/c', '/a/b'),
      deleted('/a/b/c', '/a/b'),
      deleted('/a/b', '/a'),
      deleted('/a', '/'),
      created('/a', '/'),
    ]) {
      const r = fire(w, t);
      w = r.table;
      events.push(...r.events);
    }
    expect(events).toEqual([
      '101 NodeCreated /a',
      '101 NodeDataChanged /a',
      '101 NodeDataChanged /a',
      '101 NodeChildrenChanged /a',
      '101 NodeChildrenChanged /a',
      '101 NodeDeleted /a', // once: the child table's NodeDeleted is suppressed for a connection the data table notified
      '101 NodeCreated /a',
    ]);
    expect(hasWatch(w, 'data', '/a', A) && hasWatch(w, 'child', '/a', A)).toBe(true);
  });

  test('a PERSISTENT_RECURSIVE watch fires NodeCreated, NodeDataChanged and NodeDeleted for the path and every descendant, never NodeChildrenChanged', () => {
    let w = persistent(EMPTY_WATCHES, '/a', A, 'PERSISTENT_RECURSIVE');
    const events: string[] = [];
    for (const t of [
      created('/a', '/'),
      created('/a/b', '/a'),
      created('/a/b/c', '/a/b'),
      changed('/a/b/c'),
      deleted('/a/b/c', '/a/b'),
      created('/ab', '/'),
      changed('/'),
    ]) {
      const r = fire(w, t);
      w = r.table;
      events.push(...r.events);
    }
    expect(events).toEqual(['101 NodeCreated /a', '101 NodeCreated /a/b', '101 NodeCreated /a/b/c', '101 NodeDataChanged /a/b/c', '101 NodeDeleted /a/b/c']);
    expect(w.recursiveData).toBe(1);
    expect(w.recursiveChild).toBe(1);
  });

  test('one event per connection and trigger however many of its watches match; the standard ones among them are used up', () => {
    let w = persistent(EMPTY_WATCHES, '/', A, 'PERSISTENT_RECURSIVE');
    w = addWatch(w, 'data', '/a/b', A);
    w = addWatch(w, 'data', '/a/b', B);
    const r = fire(w, changed('/a/b'));
    expect(r.events.sort()).toEqual(['101 NodeDataChanged /a/b', '102 NodeDataChanged /a/b']);
    expect(hasWatch(r.table, 'data', '/a/b', A)).toBe(false);
    expect(hasWatch(r.table, 'data', '/a/b', B)).toBe(false);
    expect(fire(r.table, changed('/a/b')).events).toEqual(['101 NodeDataChanged /a/b']);
  });

  test('a standard watch on an ancestor is not a recursive one: it ignores descendants', () => {
    const w = addWatch(persistent(EMPTY_WATCHES, '/x', B, 'PERSISTENT_RECURSIVE'), 'data', '/a', A);
    expect(fire(w, changed('/a/b')).events).toEqual([]);
  });

  test('3.8 keeps one mode per connection and path (WatcherModeManager.setWatcherMode): a later standard watch makes a persistent one one-shot', () => {
    let w = persistent(EMPTY_WATCHES, '/a', A, 'PERSISTENT');
    w = addWatch(w, 'data', '/a', A); // getData(watch) on the same path
    let r = fire(w, changed('/a'));
    expect(r.events).toEqual(['101 NodeDataChanged /a']);
    r = fire(r.table, changed('/a'));
    expect(r.events).toEqual([]); // the data side is gone; the child side is still persistent
    expect(fire(r.table, created('/a/k', '/a')).events).toEqual(['101 NodeChildrenChanged /a']);
  });

  test('a closed connection drops its persistent and recursive watches and the recursive count', () => {
    const w = removeClientWatches(persistent(persistent(EMPTY_WATCHES, '/a', A, 'PERSISTENT_RECURSIVE'), '/b', A, 'PERSISTENT'), A);
    expect(w.recursiveData + w.recursiveChild).toBe(0);
    expect(w.modes.size).toBe(0);
    expect(fire(w, changed('/a/x')).events).toEqual([]);
  });

  test('containsWatcher answers for the exact path only, and for any connection there (3.8: "at the leaf node, all watcher types match")', () => {
    const w = persistent(EMPTY_WATCHES, '/a', A, 'PERSISTENT_RECURSIVE');
    expect(containsWatcher(w, 'data', '/a', A)).toBe(true);
    expect(containsWatcher(w, 'data', '/a', B)).toBe(true);
    expect(containsWatcher(w, 'data', '/a/b', A)).toBe(false);
  });
});

describe('FinalRequestProcessor: addWatch, checkWatches, removeWatches, setWatches2', () => {
  const conn = (client: NodeId): ZkConnection => ({ client, conn: 1, sessionId: 1, timeoutMs: 4000, authIds: [], stage: 'open', held: null });
  const tree = createDataTree();

  test('addWatch (DataTree.addWatch) registers in both tables on an absent path and answers OK', () => {
    const r = serveWatchRequest(tree, EMPTY_WATCHES, conn(A), { type: 'addWatch', path: '/none', mode: 'PERSISTENT' }, new Fx());
    expect(r.err).toBe('OK');
    expect(hasWatch(r.watches, 'data', '/none', A) && hasWatch(r.watches, 'child', '/none', A)).toBe(true);
  });

  test('removeWatches (DataTree.removeWatch) by type: Children leaves the data side, then Data removes it, then NOWATCHER', () => {
    let w = persistent(EMPTY_WATCHES, '/a', A, 'PERSISTENT');
    let r = serveWatchRequest(tree, w, conn(A), { type: 'removeWatches', path: '/a', watcherType: 'Children' }, new Fx());
    expect(r.err).toBe('OK');
    w = r.watches;
    expect([hasWatch(w, 'child', '/a', A), hasWatch(w, 'data', '/a', A)]).toEqual([false, true]);
    r = serveWatchRequest(tree, w, conn(A), { type: 'removeWatches', path: '/a', watcherType: 'Data' }, new Fx());
    expect(r.err).toBe('OK');
    r = serveWatchRequest(tree, r.watches, conn(A), { type: 'removeWatches', path: '/a', watcherType: 'Any' }, new Fx());
    expect(r.err).toBe('NOWATCHER');
  });

  test('checkWatches (DataTree.containsWatcher) only checks: OK while a watch is there, which it keeps; NOWATCHER when none', () => {
    const w = addWatch(EMPTY_WATCHES, 'child', '/a', A);
    const ok = serveWatchRequest(tree, w, conn(A), { type: 'checkWatches', path: '/a', watcherType: 'Children' }, new Fx());
    expect(ok.err).toBe('OK');
    expect(ok.watches).toBe(w);
    expect(serveWatchRequest(tree, w, conn(A), { type: 'checkWatches', path: '/a', watcherType: 'Data' }, new Fx()).err).toBe('NOWATCHER');
  });

  test('setWatches2 (DataTree.setWatches) registers persistent and recursive watches again without firing anything', () => {
    const fx = new Fx();
    const r = serveWatchRequest(
      tree,
      EMPTY_WATCHES,
      conn(A),
      {
        type: 'setWatches2',
        relativeZxid: 0,
        dataWatches: [],
        existWatches: [],
        childWatches: [],
        persistentWatches: ['/p'],
        persistentRecursiveWatches: ['/r'],
      },
      fx,
    );
    expect(fx.list).toEqual([]);
    expect(fire(r.watches, changed('/p')).events).toEqual(['101 NodeDataChanged /p']);
    expect(fire(r.watches, changed('/r/deep')).events).toEqual(['101 NodeDataChanged /r/deep']);
  });
});
