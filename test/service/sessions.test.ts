// Sessions end to end on a simulated 3-server ensemble: ids and timeout negotiation, expiry by the
// leader's bucketed tracker deleting ephemerals on every server (also after a leader change, which
// resets deadlines), CONNECTIONLOSS followed by a reconnect that keeps the session, the expired
// state seen on reconnect, a lagging server refusing a client that has seen more (CLIENT_ZXID_AHEAD),
// SESSIONMOVED for a request arriving through a server the session has left, and the leader's session
// check on reads (a learner does none).
import { describe, expect, test } from 'vitest';
import type { NodeId } from '../../protocol/program.js';
import { stepServer } from '../../protocol/zab/server.js';
import type { ZabServer } from '../../protocol/zab/state.js';
import { creatorOf, sessionIdAt, sessionIdBase } from '../../protocol/service/session-id.js';
import { dataTreeZxid, negotiateTimeout, serviceOf } from '../../protocol/service/server.js';
import { patchService } from '../../protocol/service/state.js';
import { trackerSetClosing, trackerSetOwner, type SessionTracker } from '../../protocol/service/session-tracker.js';
import { withAppState } from '../../protocol/zab/node-view.js';
import { getNode, type DataTree, type Txn as TreeTxn } from '../../protocol/tree/index.js';
import { attachedTo, create, exists, getData, ready, run, setData } from './helpers.js';

describe('session ids and timeouts', () => {
  test('ids carry the creating server, stay exact below 2^53 and are never 0', () => {
    const base = sessionIdBase(8191, 16_777_215.9);
    const id = sessionIdAt(base, 65_535);
    expect(Number.isSafeInteger(id)).toBe(true);
    expect(creatorOf(id)).toBe(8191);
    expect(sessionIdAt(sessionIdBase(1, 0), 1)).toBeGreaterThan(0);
    expect(() => sessionIdBase(8192, 0)).toThrow();
  });

  test('the timeout is clamped to [2, 20] ticks', () => {
    expect(negotiateTimeout(500, 10)).toBe(1000);
    expect(negotiateTimeout(500, 4000)).toBe(4000);
    expect(negotiateTimeout(500, 60_000)).toBe(10_000);
  });

  test('every session is a committed createSession txn replicated to every server', () => {
    const h = ready('sessions-created');
    h.runFor(500);
    for (const c of h.clients) {
      const id = h.client(c)?.sessionId as number;
      expect(id).toBeGreaterThan(0);
      for (const s of h.servers) expect(h.tree(s).sessions.size).toBe(h.clients.length);
    }
    expect(h.safetyViolated()).toBe(false);
  });
});

describe('expiry', () => {
  test('a silent client expires within (t - ping gap, t + 1.5 ticks]; its ephemerals vanish everywhere and watchers hear it', () => {
    const h = ready('expiry-basic', { sessionTimeoutMs: 2000 });
    const [a, b] = h.clients as [NodeId, NodeId];
    expect(run(h, a, create('/e', 'EPHEMERAL')).err).toBe('OK');
    // b may sit on a follower that has not applied the create yet: sync first (reads are local).
    expect(run(h, b, { type: 'sync', path: '/' }).err).toBe('OK');
    expect(run(h, b, exists('/e', true)).err).toBe('OK');
    const pausedAt = h.nowMs;
    h.kernel.pause(a);
    expect(h.runUntil(() => h.servers.every((s) => getNode(h.tree(s), '/e') === undefined), 10_000)).toBe(true);
    const goneAfter = h.nowMs - pausedAt;
    // The last touch was at most t/3 (one idle ping period) before the pause; the leader expires
    // in the bucket after roundUp(touch + t), and may learn the touch up to half a tick late.
    expect(goneAfter).toBeGreaterThan(2000 - 2000 / 3 - 1);
    expect(goneAfter).toBeLessThanOrEqual(2000 + 750 + 50);
    h.runFor(200);
    expect(h.of('watch', b).map((o) => [o.what.type, o.what.path])).toEqual([['NodeDeleted', '/e']]);
    // The expired client learns it when it reconnects: EXPIRED, and later calls fail SESSIONEXPIRED.
    h.kernel.resume(a);
    expect(h.runUntil(() => h.connectedState(a) === 'EXPIRED', 20_000)).toBe(true);
    expect(run(h, a, getData('/')).err).toBe('SESSIONEXPIRED');
    expect(h.safetyViolated()).toBe(false);
  });

  test('a live client keeps its session across a leader crash; the new leader resets deadlines, then expires it when it goes silent', () => {
    const h = ready('expiry-failover', { sessionTimeoutMs: 3000 });
    const [a, b] = h.clients as [NodeId, NodeId];
    expect(run(h, a, create('/e', 'EPHEMERAL')).err).toBe('OK');
    const session = h.client(a)?.sessionId;
    const oldLeader = h.activeLeader() as NodeId;
    h.kernel.crash(oldLeader);
    expect(h.runUntil(() => h.activeLeader() !== undefined && h.activeLeader() !== oldLeader, 30_000)).toBe(true);
    expect(h.runUntil(() => h.connectedState(a) === 'CONNECTED' && attachedTo(h, a) !== oldLeader, 30_000)).toBe(true);
    h.runFor(5000); // well past the session timeout: the session lives because the client pings
    expect(h.client(a)?.sessionId).toBe(session);
    expect(h.client(a)?.state).toBe('CONNECTED');
    expect(getNode(h.tree(h.activeLeader() as NodeId), '/e')).toBeDefined();
    h.kernel.pause(a);
    const up = h.servers.filter((s) => s !== oldLeader);
    expect(h.runUntil(() => up.every((s) => getNode(h.tree(s), '/e') === undefined), 15_000)).toBe(true);
    h.kernel.restart(oldLeader);
    expect(h.runUntil(() => getNode(h.tree(oldLeader), '/e') === undefined && h.server(oldLeader)?.phase === 'BROADCAST', 30_000)).toBe(true);
    expect(run(h, b, exists('/e')).err).toBe('NONODE');
    expect(h.safetyViolated()).toBe(false);
  });

  test('no session expires while there is no leader: a long outage, then every client reattaches', () => {
    const h = ready('expiry-no-leader', { sessionTimeoutMs: 2000 });
    const [a] = h.clients as [NodeId];
    expect(run(h, a, create('/e', 'EPHEMERAL')).err).toBe('OK');
    const session = h.client(a)?.sessionId;
    const [s1, s2] = h.servers as [NodeId, NodeId, NodeId];
    h.kernel.crash(s1);
    h.kernel.crash(s2);
    h.runFor(8000); // four session timeouts with no quorum
    h.kernel.restart(s1);
    h.kernel.restart(s2);
    expect(h.runUntil(() => h.activeLeader() !== undefined && h.connectedState(a) === 'CONNECTED', 30_000)).toBe(true);
    expect(h.client(a)?.sessionId).toBe(session);
    h.runFor(4000);
    expect(h.client(a)?.state).toBe('CONNECTED');
    for (const s of h.servers) expect(getNode(h.tree(s), '/e')).toBeDefined();
    expect(h.safetyViolated()).toBe(false);
  });
});

describe('connections', () => {
  test('a lost connection fails pending ops with CONNECTIONLOSS (outcome unknown); the client reattaches elsewhere with the same session', () => {
    const h = ready('connloss');
    const [a] = h.clients as [NodeId];
    const session = h.client(a)?.sessionId;
    const server = attachedTo(h, a);
    h.call(a, create('/x'));
    h.call(a, getData('/'));
    h.kernel.crash(server);
    h.runFor(1);
    expect(h.runUntil(() => h.of('complete', a).length >= 2, 10_000)).toBe(true);
    const outcomes = h.of('complete', a).map((o) => [o.what.outcome, (o.what.result as { err: string }).err]);
    for (const [outcome, err] of outcomes) {
      expect(err).toBe('CONNECTIONLOSS');
      expect(['info', 'fail']).toContain(outcome);
    }
    expect(h.runUntil(() => h.activeLeader() !== undefined && h.connectedState(a) === 'CONNECTED', 30_000)).toBe(true);
    expect(attachedTo(h, a)).not.toBe(server);
    expect(h.client(a)?.sessionId).toBe(session);
    const again = run(h, a, create('/x'));
    expect(['OK', 'NODEEXISTS']).toContain(again.err);
    expect(h.of('session', a).map((o) => o.what.state)).toEqual(['CONNECTED', 'DISCONNECTED', 'CONNECTED']);
    expect(h.safetyViolated()).toBe(false);
  });

  test('a server refuses a client whose lastZxidSeen is ahead of its tree (CLIENT_ZXID_AHEAD)', () => {
    const h = ready('zxid-ahead');
    const follower = h.servers.find((s) => s !== h.activeLeader()) as NodeId;
    const s = h.server(follower) as ZabServer;
    const ahead = dataTreeZxid(s) + 1;
    const [next, effects] = stepServer(s, {
      type: 'deliver',
      from: 99,
      conn: 1,
      msg: { type: 'CONNECT_REQUEST', sessionId: 0, timeoutMs: 4000, lastZxidSeen: ahead },
    });
    expect(effects.filter((e) => e.type === 'send')).toEqual([{ type: 'send', to: 99, msg: { type: 'CLIENT_CLOSE', reason: 'client zxid ahead' } }]);
    expect(serviceOf(next).connections.some((c) => c.client === 99)).toBe(false);
    const [, ok] = stepServer(s, {
      type: 'deliver',
      from: 99,
      conn: 1,
      msg: { type: 'CONNECT_REQUEST', sessionId: 0, timeoutMs: 4000, lastZxidSeen: ahead - 1 },
    });
    expect(ok.some((e) => e.type === 'send' && e.msg.type === 'CLIENT_CLOSE')).toBe(false);
  });

  test('a client never reads older state after moving servers (single system image)', () => {
    const h = ready('ssi', { clients: 2 });
    const [a] = h.clients as [NodeId];
    for (let i = 0; i < 5; i++) expect(run(h, a, create(`/n${i}`)).err).toBe('OK');
    const seen = h.client(a)?.lastZxidSeen as number;
    const first = attachedTo(h, a);
    h.kernel.crash(first);
    expect(h.runUntil(() => h.activeLeader() !== undefined && attachedTo(h, a) !== first && h.connectedState(a) === 'CONNECTED', 30_000)).toBe(true);
    const r = run(h, a, exists('/n4'));
    expect(r.err).toBe('OK');
    expect(dataTreeZxid(h.server(attachedTo(h, a)) as ZabServer)).toBeGreaterThanOrEqual(seen);
  });

  test('on the leader a read checks its session (PrepRequestProcessor.pRequest → checkSession); a follower does not', () => {
    const h = ready('read-session-check');
    const leader = h.activeLeader() as NodeId;
    const follower = h.servers.find((x) => x !== leader) as NodeId;
    const a = h.addClient([leader]);
    const b = h.addClient([follower]);
    expect(h.settle([a, b])).toBe(true);
    expect(run(h, a, create('/r')).err).toBe('OK');
    expect(run(h, b, getData('/r')).err).toBe('OK');
    const read = (server: NodeId, client: NodeId, patchTracker: (t: SessionTracker, id: number) => SessionTracker) => {
      const s = h.server(server) as ZabServer;
      const leaderState = h.server(leader) as ZabServer;
      const id = (serviceOf(s).connections.find((c) => c.client === client) as { sessionId: number }).sessionId;
      const tracker = serviceOf(leaderState).tracker as SessionTracker;
      // The leader's tracker is changed as expiry (closing) or a move would change it; a follower has none.
      const state = server === leader ? withAppState(s, patchService(serviceOf(s), { tracker: patchTracker(tracker, id) })) : s;
      const [, effects] = stepServer(state, {
        type: 'deliver',
        from: client,
        conn: 1,
        msg: { type: 'ZK_REQUEST', xid: 77, request: { type: 'getData', path: '/r', watch: false } },
      });
      return effects.flatMap((e) => (e.type === 'send' && e.to === client ? [e.msg] : []));
    };
    const closing = read(leader, a, (t, id) => trackerSetClosing(t, id));
    expect(closing).toEqual([expect.objectContaining({ type: 'ZK_REPLY', reply: expect.objectContaining({ xid: 77, err: 'SESSIONEXPIRED' }) })]);
    const moved = read(leader, a, (t, id) => trackerSetOwner(t, id, follower));
    expect(moved.map((m) => m.type)).toEqual(['CLIENT_CLOSE']); // SessionMovedException: the connection closes, no reply
    const unchecked = read(follower, b, (t) => t);
    expect(unchecked).toEqual([expect.objectContaining({ type: 'ZK_REPLY', reply: expect.objectContaining({ xid: 77, err: 'OK' }) })]);
  });

  test('a write of a session that moved, arriving through its old server, fails SESSIONMOVED', () => {
    const h = ready('moved');
    const [a] = h.clients as [NodeId];
    const leader = h.activeLeader() as NodeId;
    const owner = attachedTo(h, a);
    expect(run(h, a, setData('/', 'x')).err).toBe('OK'); // the leader now records the owner
    const other = h.servers.find((s) => s !== owner && s !== leader) as NodeId;
    const l = h.server(leader) as ZabServer;
    const handler = l.leader?.handlers[other];
    expect(handler).toBeDefined();
    const sessionId = h.client(a)?.sessionId as number;
    const [next, effects] = stepServer(l, {
      type: 'deliver',
      from: other,
      conn: handler?.conn as number,
      msg: { type: 'REQUEST', client: a, xid: 77, op: { zk: true, sessionId, authIds: [], request: { type: 'setData', path: '/', data: 'y', version: -1 } } },
    });
    const proposal = effects.find((e) => e.type === 'send' && e.msg.type === 'PROPOSAL');
    expect(proposal).toBeDefined();
    const body = (proposal as { msg: { txn: { body: TreeTxn } } }).msg.txn.body;
    expect(body.body).toEqual({ type: 'error', err: 'SESSIONMOVED' });
    expect(next.leader?.outstanding.size).toBe(1);
    expect(owner).not.toBe(other);
  });
});

describe('the tree every server holds', () => {
  test('all servers agree after a mixed workload with a crash', () => {
    const h = ready('agree', { clients: 3 });
    const [a, b, c] = h.clients as [NodeId, NodeId, NodeId];
    run(h, a, create('/q'));
    for (let i = 0; i < 10; i++) h.call([a, b, c][i % 3] as NodeId, create('/q/n-', 'PERSISTENT_SEQUENTIAL'));
    h.runFor(50);
    h.kernel.crash(h.activeLeader() as NodeId);
    h.runFor(20_000);
    for (const s of h.servers) h.kernel.restart(s);
    expect(h.runUntil(() => h.activeLeader() !== undefined && h.servers.every((s) => h.server(s)?.phase === 'BROADCAST'), 30_000)).toBe(true);
    h.runFor(2000);
    const trees = h.servers.map((s) => h.tree(s) as DataTree);
    const children = trees.map((t) => getNode(t, '/q')?.children.size);
    expect(new Set(children).size).toBe(1);
    expect(h.safetyViolated()).toBe(false);
  });
});
