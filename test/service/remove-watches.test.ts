// removeWatches and removeAllWatches as ZooKeeper 3.8 runs them: the server's reply (checkWatches
// only checks, removeWatches drops the server's watch; NOWATCHER when none: FinalRequestProcessor),
// then the client's own bookkeeping (WatchDeregistration.unregister → ZKWatchManager.removeWatcher,
// with the `local` flag), and the setWatches/setWatches2 packets a reconnect sends
// (ClientCnxn.SendThread.primeConnection, batched by SET_WATCHES_MAX_LENGTH).
import { describe, expect, test } from 'vitest';
import type { NodeId } from '../../protocol/program.js';
import type { ZkClient, ZkCommand } from '../../protocol/client/zk-client.js';
import { deregister, setWatchesPackets, type ZkWatchRegistry } from '../../protocol/client/zk-watches.js';
import { serviceOf } from '../../protocol/service/server.js';
import { hasWatch } from '../../protocol/service/watch-manager.js';
import { attachedTo, create, getChildren, getData, ready, run, setData } from './helpers.js';

type WT = 'Children' | 'Data' | 'Any';
const addWatch = (path: string, mode: 'PERSISTENT' | 'PERSISTENT_RECURSIVE' = 'PERSISTENT'): ZkCommand => ({ type: 'addWatch', path, mode });
const removeWatches = (path: string, watcherType: WT, local = false): ZkCommand => ({ type: 'removeWatches', path, watcherType, local });
const removeAll = (path: string, watcherType: WT, local = false): ZkCommand => ({ type: 'removeAllWatches', path, watcherType, local });

function events(h: ReturnType<typeof ready>, client: NodeId): string[] {
  return h.of('watch', client).map((o) => `${o.what.type} ${o.what.path}`);
}

function serverHas(h: ReturnType<typeof ready>, client: NodeId, kind: 'data' | 'child', path: string): boolean {
  return hasWatch(serviceOf(h.server(attachedTo(h, client))!).watches, kind, path, client);
}

describe('removeWatches / removeAllWatches through the service', () => {
  test('removeAllWatches(Any) (the removeWatches opcode) drops the server side too: no more events', () => {
    const h = ready('remove-all');
    const [a, b] = h.clients as [NodeId, NodeId];
    run(h, a, create('/w'));
    run(h, b, { type: 'sync', path: '/' });
    run(h, b, addWatch('/w'));
    expect(run(h, b, removeAll('/w', 'Any')).err).toBe('OK');
    expect(serverHas(h, b, 'data', '/w') || serverHas(h, b, 'child', '/w')).toBe(false);
    expect(h.client<ZkClient>(b)?.persistentWatches).toEqual([]);
    run(h, a, setData('/w', 'x'));
    h.runFor(300);
    expect(events(h, b)).toEqual([]);
  });

  test('removeWatches(Any) (the checkWatches opcode) only checks on the server: its watch stays, and the event it still sends reaches no watcher', () => {
    const h = ready('remove-check');
    const [a, b] = h.clients as [NodeId, NodeId];
    run(h, a, create('/w'));
    run(h, b, { type: 'sync', path: '/' });
    run(h, b, getData('/w', true));
    expect(run(h, b, removeWatches('/w', 'Any')).err).toBe('OK');
    expect(serverHas(h, b, 'data', '/w')).toBe(true);
    expect(h.client<ZkClient>(b)?.dataWatches).toEqual([]);
    run(h, a, setData('/w', 'x'));
    h.runFor(300);
    expect(serverHas(h, b, 'data', '/w')).toBe(false); // fired on the server, dropped by ZKWatchManager.materialize
    expect(events(h, b)).toEqual([]);
  });

  test('NOWATCHER when the client holds no watch of the type on the path, from either opcode', () => {
    const h = ready('remove-nowatcher');
    const [, b] = h.clients as [NodeId, NodeId];
    run(h, b, getChildren('/', true));
    expect(run(h, b, removeAll('/none', 'Any')).err).toBe('NOWATCHER');
    expect(run(h, b, removeWatches('/', 'Data')).err).toBe('NOWATCHER');
    expect(run(h, b, removeWatches('/', 'Children')).err).toBe('OK');
    expect(run(h, b, removeWatches('/', 'Children')).err).toBe('NOWATCHER');
  });

  test('3.8 quirk (ZKWatchManager.removeWatcher): removeAllWatches(Children) on a persistent watch drops the server child side, then fails NOWATCHER on the client', () => {
    const h = ready('remove-children-persistent');
    const [a, b] = h.clients as [NodeId, NodeId];
    run(h, a, create('/k'));
    run(h, b, { type: 'sync', path: '/' });
    run(h, b, addWatch('/k'));
    expect(run(h, b, removeAll('/k', 'Children')).err).toBe('NOWATCHER');
    expect([serverHas(h, b, 'child', '/k'), serverHas(h, b, 'data', '/k')]).toEqual([false, true]);
    expect(h.client<ZkClient>(b)?.persistentWatches).toEqual(['/k']);
    run(h, a, create('/k/child'));
    run(h, a, setData('/k', 'v'));
    h.runFor(300);
    expect(events(h, b)).toEqual(['NodeDataChanged /k']);
  });

  test('local: a removal lost to CONNECTIONLOSS still removes the watches here and succeeds; without local it fails and keeps them', () => {
    const h = ready('remove-local');
    const leader = h.activeLeader() as NodeId;
    const [f1, f2] = h.servers.filter((s) => s !== leader) as [NodeId, NodeId];
    const b = h.addClient([f1, f2]);
    expect(h.settle([b])).toBe(true);
    run(h, b, addWatch('/l1'));
    run(h, b, addWatch('/l2'));
    h.kernel.pause(f1); // the requests go out and no reply comes: the read timeout ends the connection
    h.call(b, removeAll('/l1', 'Any', true));
    h.call(b, removeAll('/l2', 'Any', false));
    expect(h.runUntil(() => h.of('complete', b).length >= 4, 30_000)).toBe(true);
    const [first, second] = h
      .of('complete', b)
      .slice(2)
      .map((o) => o.what);
    expect([first?.outcome, (first?.result as { err: string }).err]).toEqual(['ok', 'OK']);
    expect([second?.outcome, (second?.result as { err: string }).err]).toEqual(['info', 'CONNECTIONLOSS']);
    expect(h.client<ZkClient>(b)?.persistentWatches).toEqual(['/l2']);
  });
});

const empty: ZkWatchRegistry = { dataWatches: [], existWatches: [], childWatches: [], persistentWatches: [], persistentRecursiveWatches: [] };

describe('ZKWatchManager.removeWatcher (client side)', () => {
  test('Data removes data and exist watches, Children child watches, Any all five kinds', () => {
    const r: ZkWatchRegistry = {
      dataWatches: ['/p'],
      existWatches: ['/p'],
      childWatches: ['/p'],
      persistentWatches: ['/p'],
      persistentRecursiveWatches: ['/p'],
    };
    expect(deregister(r, '/p', 'Data', false, 'OK').registry).toEqual({ ...r, dataWatches: [], existWatches: [] });
    expect(deregister(r, '/p', 'Children', false, 'OK').registry).toEqual({ ...r, childWatches: [] });
    expect(deregister(r, '/p', 'Any', false, 'OK').registry).toEqual(empty);
  });

  test('a server error stands unless local; NOWATCHER comes first when the client holds nothing, whatever the server said', () => {
    const r: ZkWatchRegistry = { ...empty, dataWatches: ['/p'] };
    expect(deregister(r, '/p', 'Data', false, 'CONNECTIONLOSS')).toEqual({ registry: r, err: 'CONNECTIONLOSS' });
    expect(deregister(r, '/p', 'Data', true, 'NOWATCHER')).toEqual({ registry: empty, err: 'OK' });
    expect(deregister(empty, '/p', 'Any', false, 'OK')).toEqual({ registry: empty, err: 'NOWATCHER' });
  });
});

describe('primeConnection: setWatches and setWatches2 packets', () => {
  const reg: ZkWatchRegistry = {
    dataWatches: ['/d1', '/d2'],
    existWatches: ['/e'],
    childWatches: ['/c'],
    persistentWatches: ['/p'],
    persistentRecursiveWatches: ['/r'],
  };

  test('SetWatches when a batch holds no persistent watch, SetWatches2 otherwise; one batch under 128 kB of paths', () => {
    expect(setWatchesPackets({ ...reg, persistentWatches: [], persistentRecursiveWatches: [] }, 7).map((p) => p.type)).toEqual(['setWatches']);
    const [only, ...rest] = setWatchesPackets(reg, 7);
    expect(rest).toEqual([]);
    expect(only).toEqual({
      type: 'setWatches2',
      relativeZxid: 7,
      dataWatches: ['/d1', '/d2'],
      existWatches: ['/e'],
      childWatches: ['/c'],
      persistentWatches: ['/p'],
      persistentRecursiveWatches: ['/r'],
    });
  });

  test('batches close once they reach the limit (overshooting by one path) and go out last batch first (outgoingQueue.addFirst)', () => {
    // 5 characters: '/d1' + '/d2' (6), then '/e' + '/c' + '/p' (6), then '/r'.
    const packets = setWatchesPackets(reg, 0, 5);
    expect(packets.map((p) => p.type)).toEqual(['setWatches2', 'setWatches2', 'setWatches']);
    expect(packets[2]).toMatchObject({ dataWatches: ['/d1', '/d2'], existWatches: [] });
    expect(packets[1]).toMatchObject({ existWatches: ['/e'], childWatches: ['/c'], persistentWatches: ['/p'], persistentRecursiveWatches: [] });
    expect(packets[0]).toMatchObject({ dataWatches: [], persistentRecursiveWatches: ['/r'] });
    const long = Array.from({ length: 3000 }, (_, i) => `/${'x'.repeat(60)}/${i}`);
    expect(setWatchesPackets({ ...empty, persistentRecursiveWatches: long }, 0).length).toBe(2);
  });
});
