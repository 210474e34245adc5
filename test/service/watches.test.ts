// Watches through the whole service: registered by reads on the client's server, fired once at
// apply in DataTree order, delivered on the client's connection before any later reply (so a client
// sees the event before any data reflecting the change), re-registered after a reconnect with
// setWatches(lastZxidSeen) which fires at once what the client missed; exists on a missing node
// registers; sync then read sees a write made through another server.
import { describe, expect, test } from 'vitest';
import type { NodeId } from '../../protocol/program.js';
import type { ZabObservation } from '../../protocol/zab/effects.js';
import type { ZkCompletion } from '../../protocol/client/zk-client.js';
import { attachedTo, create, exists, getChildren, getData, ready, remove, run, setData } from './helpers.js';

function watchTypes(h: ReturnType<typeof ready>, client: NodeId): string[] {
  return h.of('watch', client).map((o) => `${o.what.type} ${o.what.path}`);
}

describe('standard watches', () => {
  test('fire once per registration, in zxid order, for data, exists and child watches', () => {
    const h = ready('watch-once');
    const [a, b] = h.clients as [NodeId, NodeId];
    run(h, a, create('/w'));
    run(h, b, { type: 'sync', path: '/' });
    expect(run(h, b, getData('/w', true)).err).toBe('OK');
    expect(run(h, b, getData('/w', true)).err).toBe('OK'); // same watcher twice: one event
    expect(run(h, b, getChildren('/w', true)).err).toBe('OK');
    expect(run(h, b, exists('/missing', true)).err).toBe('NONODE');
    run(h, a, setData('/w', '1'));
    run(h, a, setData('/w', '2')); // no watch left: no event
    run(h, a, create('/w/c'));
    run(h, a, create('/w/d')); // the child watch was used up
    run(h, a, create('/missing'));
    run(h, a, remove('/missing'));
    h.runFor(200);
    expect(watchTypes(h, b)).toEqual(['NodeDataChanged /w', 'NodeChildrenChanged /w', 'NodeCreated /missing']);
    const zxids = h.of('watch', b).map((o) => o.what.zxid);
    expect([...zxids].sort((x, y) => x - y)).toEqual(zxids);
  });

  test('a delete fires NodeDeleted once to a client holding data and child watches, then the parent change', () => {
    const h = ready('watch-delete');
    const [a, b] = h.clients as [NodeId, NodeId];
    run(h, a, create('/p'));
    run(h, a, create('/p/k'));
    run(h, b, { type: 'sync', path: '/' });
    run(h, b, getData('/p/k', true));
    run(h, b, getChildren('/p/k', true));
    run(h, b, getChildren('/p', true));
    run(h, a, remove('/p/k'));
    h.runFor(200);
    expect(watchTypes(h, b)).toEqual(['NodeDeleted /p/k', 'NodeChildrenChanged /p']);
  });

  test('the event reaches the client before any reply that shows the change', () => {
    const h = ready('watch-before-data', { clients: 3 });
    const [a, b, c] = h.clients as [NodeId, NodeId, NodeId];
    run(h, a, create('/x', 'PERSISTENT', '0'));
    for (const r of [b, c]) run(h, r, { type: 'sync', path: '/' });
    for (let round = 1; round <= 20; round++) {
      for (const r of [b, c]) h.call(r, getData('/x', true));
      h.call(a, setData('/x', String(round)));
      for (const r of [b, c]) h.call(r, getData('/x', false));
      h.runFor(30);
    }
    h.runFor(500);
    for (const r of [b, c]) {
      let eventsSeen = 0;
      let watchArmedAt = -1;
      const seq = h.observed.filter((o) => o.node === r && (o.what.kind === 'watch' || o.what.kind === 'complete')).map((o) => o.what);
      for (const w of seq as ZabObservation[]) {
        if (w.kind === 'watch') eventsSeen++;
        if (w.kind !== 'complete') continue;
        const res = w.result as ZkCompletion;
        if (res.response?.type !== 'getData') continue;
        const version = res.response.stat.version;
        // Every reply showing a version newer than the one a watch was armed at comes after its event.
        if (watchArmedAt >= 0 && version > watchArmedAt) expect(eventsSeen).toBeGreaterThan(0);
        if (watchArmedAt < 0 || eventsSeen > 0) {
          watchArmedAt = version;
          eventsSeen = 0;
        }
      }
      expect(h.of('watch', r).length).toBeGreaterThan(0);
    }
  });

  test('after a reconnect setWatches fires what the client missed and keeps the rest', () => {
    const h = ready('watch-reconnect', { clients: 2 });
    const [a, b] = h.clients as [NodeId, NodeId];
    run(h, a, create('/d'));
    run(h, a, create('/keep'));
    run(h, b, { type: 'sync', path: '/' });
    run(h, b, getData('/d', true));
    run(h, b, exists('/new', true));
    run(h, b, getData('/keep', true));
    const first = attachedTo(h, b);
    // Cut b off its server: b loses the connection; meanwhile a changes /d and creates /new.
    h.kernel.partition([[b], [first]]);
    const leader = h.activeLeader() as NodeId;
    if (attachedTo(h, a) === first || first === leader) h.kernel.partition([[b], [first]]);
    expect(h.runUntil(() => attachedTo(h, b) !== first, 20_000)).toBe(true);
    expect(h.runUntil(() => h.connectedState(b) === 'CONNECTED' || h.activeLeader() === undefined, 20_000)).toBe(true);
    const before = watchTypes(h, b).length;
    h.kernel.healAll();
    expect(h.runUntil(() => h.activeLeader() !== undefined && h.connectedState(a) === 'CONNECTED' && h.connectedState(b) === 'CONNECTED', 30_000)).toBe(true);
    expect(['OK', 'CONNECTIONLOSS']).toContain(run(h, a, setData('/d', 'changed')).err);
    expect(run(h, a, setData('/d', 'changed')).err).toBe('OK');
    expect(run(h, a, create('/new')).err).toMatch(/OK|NODEEXISTS/);
    h.runFor(300);
    const events = watchTypes(h, b).slice(before);
    expect(events).toContain('NodeDataChanged /d');
    expect(events).toContain('NodeCreated /new');
    expect(events.filter((e) => e === 'NodeDataChanged /d')).toHaveLength(1);
    // The untouched watch is still registered: changing /keep now fires it.
    run(h, a, setData('/keep', 'k'));
    h.runFor(300);
    expect(watchTypes(h, b)).toContain('NodeDataChanged /keep');
  });

  test('a client disconnected while a change happens gets the event through setWatches on its new server', () => {
    const h = ready('setwatches-missed', { clients: 2 });
    const [a, b] = h.clients as [NodeId, NodeId];
    run(h, a, create('/m'));
    run(h, b, { type: 'sync', path: '/' });
    run(h, b, getData('/m', true));
    const server = attachedTo(h, b);
    h.kernel.pause(b); // b misses everything while paused
    if (server !== h.activeLeader()) h.kernel.crash(server);
    // a may have shared b's server: retry until the write is acknowledged.
    for (let i = 0; i < 10 && run(h, a, setData('/m', 'while-away')).err !== 'OK'; i++) h.runFor(500);
    h.kernel.resume(b);
    if (server !== h.activeLeader()) {
      expect(h.runUntil(() => attachedTo(h, b) !== server && h.connectedState(b) === 'CONNECTED', 30_000)).toBe(true);
    }
    h.runFor(2000);
    expect(watchTypes(h, b)).toEqual(['NodeDataChanged /m']);
  });
});

describe('sync', () => {
  test("on the leader a sync is served like a read: not held by other sessions' outstanding proposals, held by its own session's write", () => {
    // LeaderZooKeeperServer builds its CommitProcessor with matchSyncs false, and only a learner's
    // forwarded sync (LearnerSyncRequest) goes to Leader.processSync; a follower's sync waits for the leader.
    const h = ready('leader-sync');
    const leader = h.activeLeader() as NodeId;
    const a = h.addClient([leader]);
    const b = h.addClient([leader]);
    expect(h.settle([a, b])).toBe(true);
    for (const f of h.servers) if (f !== leader) h.kernel.pause(f);
    const completions = (client: NodeId): string[] => h.of('complete', client).map((o) => `${o.what.result && (o.what.result as ZkCompletion).response?.type}`);
    h.call(a, setData('/', 'x')); // proposed; no follower can ack it
    h.runFor(300);
    expect(completions(a)).toEqual([]);
    const synced = h.callAndWait(b, { type: 'sync', path: '/' }, 300);
    expect(synced?.outcome).toBe('ok');
    expect(completions(a)).toEqual([]); // the write is still outstanding
    h.call(a, { type: 'sync', path: '/' }); // behind a's own write
    h.runFor(300);
    expect(completions(a)).toEqual([]);
    for (const f of h.servers) if (f !== leader) h.kernel.resume(f);
    expect(h.runUntil(() => completions(a).length === 2, 10_000)).toBe(true);
    expect(completions(a)).toEqual(['setData', 'sync']);
  });

  test('sync then read on a follower sees a write acknowledged through the leader', () => {
    const h = ready('sync-read', { clients: 2 });
    const [a, b] = h.clients as [NodeId, NodeId];
    for (let i = 0; i < 20; i++) {
      const w = run(h, a, setData('/', String(i)));
      expect(w.err).toBe('OK');
      expect(run(h, b, { type: 'sync', path: '/' }).err).toBe('OK');
      const r = run(h, b, getData('/'));
      expect(r.response?.type === 'getData' ? r.response.data : null).toBe(String(i));
    }
  });
});
