// ZooKeeper 3.8's persistent and persistent-recursive watches through the whole service: addWatch
// (ZooKeeper.addWatch → FinalRequestProcessor → DataTree.addWatch) registers on the client's server,
// the events arrive on every change without being used up (WatchManager.triggerWatch), before any
// reply that reflects the change, and a reconnect registers them again with setWatches2
// (ClientCnxn.SendThread.primeConnection), losing what changed meanwhile as ZooKeeper does.
import { describe, expect, test } from 'vitest';
import type { NodeId } from '../../protocol/program.js';
import type { ZabObservation } from '../../protocol/zab/effects.js';
import type { ZkClient, ZkCommand, ZkCompletion } from '../../protocol/client/zk-client.js';
import { serviceOf } from '../../protocol/service/server.js';
import { hasWatch, watcherModeOf } from '../../protocol/service/watch-manager.js';
import { attachedTo, create, getData, ready, remove, run, setData } from './helpers.js';

const addWatch = (path: string, mode: 'PERSISTENT' | 'PERSISTENT_RECURSIVE'): ZkCommand => ({ type: 'addWatch', path, mode });

function events(h: ReturnType<typeof ready>, client: NodeId): string[] {
  return h.of('watch', client).map((o) => `${o.what.type} ${o.what.path}`);
}

describe('addWatch', () => {
  test('PERSISTENT (ZooKeeper.addWatch): every change of the path itself, its children changes, a delete and a re-create; never used up', () => {
    const h = ready('persistent-basic');
    const [a, b] = h.clients as [NodeId, NodeId];
    run(h, b, { type: 'sync', path: '/' });
    expect(run(h, b, addWatch('/p', 'PERSISTENT')).err).toBe('OK'); // no node needed
    for (const cmd of [
      create('/p'),
      setData('/p', '1'),
      setData('/p', '2'),
      create('/p/c'),
      create('/p/c/deep'),
      remove('/p/c/deep'),
      remove('/p/c'),
      remove('/p'),
      create('/p'),
    ])
      expect(run(h, a, cmd).err).toBe('OK');
    h.runFor(300);
    expect(events(h, b)).toEqual([
      'NodeCreated /p',
      'NodeDataChanged /p',
      'NodeDataChanged /p',
      'NodeChildrenChanged /p',
      'NodeChildrenChanged /p',
      'NodeDeleted /p',
      'NodeCreated /p',
    ]);
    expect(h.client<ZkClient>(b)?.persistentWatches).toEqual(['/p']);
  });

  test('PERSISTENT_RECURSIVE (WatchManager.triggerWatch): created, changed and deleted for the path and every descendant, no NodeChildrenChanged', () => {
    const h = ready('persistent-recursive');
    const [a, b] = h.clients as [NodeId, NodeId];
    run(h, b, { type: 'sync', path: '/' });
    expect(run(h, b, addWatch('/r', 'PERSISTENT_RECURSIVE')).err).toBe('OK');
    for (const cmd of [create('/r'), create('/r/x'), create('/r/x/y'), setData('/r/x/y', 'v'), remove('/r/x/y'), create('/rr'), setData('/', 'root')])
      expect(run(h, a, cmd).err).toBe('OK');
    h.runFor(300);
    expect(events(h, b)).toEqual(['NodeCreated /r', 'NodeCreated /r/x', 'NodeCreated /r/x/y', 'NodeDataChanged /r/x/y', 'NodeDeleted /r/x/y']);
  });

  test('a standard watch and a recursive one that match the same change give one event (WatchManager.triggerWatch collects a set of watchers)', () => {
    const h = ready('persistent-and-standard');
    const [a, b] = h.clients as [NodeId, NodeId];
    run(h, a, create('/s'));
    run(h, b, { type: 'sync', path: '/' });
    run(h, b, addWatch('/', 'PERSISTENT_RECURSIVE'));
    run(h, b, getData('/s', true));
    run(h, a, setData('/s', '1'));
    run(h, a, setData('/s', '2'));
    h.runFor(300);
    expect(events(h, b)).toEqual(['NodeDataChanged /s', 'NodeDataChanged /s']);
    expect(h.client<ZkClient>(b)?.dataWatches).toEqual([]); // the standard one was used up by the first
  });

  test('each event reaches the client before any reply that shows its change (FinalRequestProcessor sends both on one connection)', () => {
    const h = ready('persistent-before-reply', { clients: 3 });
    const [a, b, c] = h.clients as [NodeId, NodeId, NodeId];
    run(h, a, create('/e', 'PERSISTENT', '0'));
    for (const r of [b, c]) {
      run(h, r, { type: 'sync', path: '/' });
      run(h, r, addWatch('/e', 'PERSISTENT'));
    }
    for (let round = 1; round <= 15; round++) {
      h.call(a, setData('/e', String(round)));
      for (const r of [b, c]) h.call(r, getData('/e'));
      h.runFor(20);
    }
    h.runFor(1000);
    for (const r of [b, c]) {
      let seen = 0;
      let checked = 0;
      for (const o of h.observed.filter((x) => x.node === r).map((x) => x.what as ZabObservation)) {
        if (o.kind === 'watch') seen++;
        if (o.kind !== 'complete') continue;
        const res = o.result as ZkCompletion;
        if (res.response?.type !== 'getData') continue;
        expect(seen).toBeGreaterThanOrEqual(res.response.stat.version); // version v needs v events first
        checked++;
      }
      expect(checked).toBe(15);
      expect(seen).toBe(15);
    }
  });
});

describe('setWatches2 on reconnect', () => {
  test('a reconnect registers persistent watches again on the new server, and what changed while away is not replayed (DataTree.setWatches)', () => {
    const h = ready('persistent-reconnect');
    const leader = h.activeLeader() as NodeId;
    const [f1, f2] = h.servers.filter((s) => s !== leader) as [NodeId, NodeId];
    const a = h.addClient([leader]);
    const b = h.addClient([f1, f2]);
    expect(h.settle([a, b])).toBe(true);
    run(h, a, create('/q'));
    run(h, b, { type: 'sync', path: '/' });
    run(h, b, addWatch('/q', 'PERSISTENT'));
    run(h, b, addWatch('/t', 'PERSISTENT_RECURSIVE'));
    expect(attachedTo(h, b)).toBe(f1);
    h.kernel.pause(b);
    h.kernel.crash(f1);
    expect(run(h, a, setData('/q', 'while-away')).err).toBe('OK');
    h.kernel.resume(b);
    expect(h.runUntil(() => attachedTo(h, b) === f2 && h.connectedState(b) === 'CONNECTED', 30_000)).toBe(true);
    h.runFor(500);
    const watches = serviceOf(h.server(f2)!).watches;
    for (const kind of ['data', 'child'] as const) {
      expect(hasWatch(watches, kind, '/q', b)).toBe(true);
      expect(watcherModeOf(watches, kind, '/q', b)).toBe('PERSISTENT');
      expect(watcherModeOf(watches, kind, '/t', b)).toBe('PERSISTENT_RECURSIVE');
    }
    expect(events(h, b)).toEqual([]); // the change while away is lost
    run(h, a, setData('/q', 'after'));
    run(h, a, create('/t'));
    run(h, a, create('/t/u'));
    h.runFor(300);
    expect(events(h, b)).toEqual(['NodeDataChanged /q', 'NodeCreated /t', 'NodeCreated /t/u']);
  });
});
