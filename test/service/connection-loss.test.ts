// Proves a client connection does not outlive a message lost on it: a server closes a request that
// arrives on a connection number it saw no ConnectRequest on, a client takes a message on a new number
// as a lost connection, and a watch event dropped by a short client cut reaches the client through
// setWatches on its next connection, with no txn named (zxid -1).
import { describe, expect, test } from 'vitest';
import { ENV, type Event, type NodeId } from '../../protocol/program.js';
import type { ZabMessage } from '../../protocol/zab/messages.js';
import type { ZabServer } from '../../protocol/zab/node-view.js';
import { bootZkClient, defaultZkClientConfig, stepZkClient, type ZkClient } from '../../protocol/client/zk-client.js';
import { zookeeperServerProgram } from '../../protocol/node/zookeeper-node.js';
import { serviceOf } from '../../protocol/service/server.js';
import { SET_WATCHES_EVENT_ZXID } from '../../protocol/service/watch-requests.js';
import { getNode } from '../../protocol/tree/index.js';
import { attachedTo, create, getData, ready, run, setData } from './helpers.js';

function deliver(from: number, conn: number, msg: unknown): Event<ZabMessage> {
  return { type: 'deliver', from, conn, msg } as Event<ZabMessage>;
}

/** A client connected to server 1 on connection 3, holding a data watch on /w and one read in flight. */
function connectedWithWatch(): ZkClient {
  let c: ZkClient = bootZkClient(100, defaultZkClientConfig([1, 2]));
  [c] = stepZkClient(c, { type: 'start' } as Event<ZabMessage>);
  [c] = stepZkClient(c, deliver(1, 3, { type: 'CONNECT_RESPONSE', sessionId: 0x10, timeoutMs: 4000 }));
  [c] = stepZkClient(c, deliver(ENV, 0, { type: 'APP_OP', op: { type: 'getData', path: '/w', watch: true } }));
  [c] = stepZkClient(c, deliver(1, 3, { type: 'ZK_REPLY', reply: { xid: c.xid, zxid: 5, err: 'OK', response: null } }));
  [c] = stepZkClient(c, deliver(ENV, 0, { type: 'APP_OP', op: { type: 'exists', path: '/x', watch: false } }));
  return c;
}

describe('client (ClientCnxn.SendThread)', () => {
  const event = { type: 'WATCHER_EVENT', event: { type: 'NodeDataChanged', path: '/w', zxid: 6 } };

  test('an event on the connection it primed is delivered; on a new connection number it is a connection loss', () => {
    const c = connectedWithWatch();
    expect(c.conn).toBe(3);
    const [same, sameFx] = stepZkClient(c, deliver(1, 3, event));
    expect(same.state).toBe('CONNECTED');
    expect(sameFx.filter((e) => e.type === 'observe' && e.what.kind === 'watch')).toHaveLength(1);

    const [lost, lostFx] = stepZkClient(c, deliver(1, 4, event));
    expect(lost.state).toBe('CONNECTING');
    expect(lost.pending).toEqual([]);
    const seen = lostFx.flatMap((e) => (e.type === 'observe' ? [e.what.kind === 'session' ? `session ${e.what.state}` : e.what.kind] : []));
    // No event from the new connection; the session disconnects and the read in flight is unknown.
    expect(seen).toEqual(['session DISCONNECTED', 'complete']);
    expect(lostFx.some((e) => e.type === 'send' && e.to === 1 && e.msg.type === 'CLIENT_CLOSE')).toBe(true);
    expect(lost.dataWatches).toEqual(['/w']);

    // The next connection (server 2) re-sends the watch with setWatches.
    const [again] = stepZkClient(lost, { type: 'timeout', timer: 'reconnect', now: 0 } as Event<ZabMessage>);
    const [, primed] = stepZkClient(again, deliver(2, 1, { type: 'CONNECT_RESPONSE', sessionId: 0x10, timeoutMs: 4000 }));
    const sent = primed.flatMap((e) => (e.type === 'send' && e.msg.type === 'ZK_REQUEST' ? [e.msg.request] : []));
    expect(sent).toEqual([expect.objectContaining({ type: 'setWatches', dataWatches: ['/w'], relativeZxid: 5 })]);
  });

  test('a reply on a new connection number is not taken as the answer: the request stays unknown (CONNECTIONLOSS)', () => {
    const c = connectedWithWatch();
    const xid = c.xid;
    const [, fx] = stepZkClient(c, deliver(1, 9, { type: 'ZK_REPLY', reply: { xid, zxid: 7, err: 'OK', response: null } }));
    const completes = fx.flatMap((e) => (e.type === 'observe' && e.what.kind === 'complete' ? [e.what] : []));
    expect(completes).toEqual([expect.objectContaining({ xid, outcome: 'info', result: { err: 'CONNECTIONLOSS', response: null } })]);
  });
});

describe('server (NIOServerCnxn: a new connection starts with a ConnectRequest)', () => {
  test('a request on the connection the ConnectRequest came on is served; on another number the server closes it', () => {
    const h = ready('conn-server');
    const client = h.clients[0] as NodeId;
    expect(run(h, client, create('/w')).err).toBe('OK');
    const at = attachedTo(h, client);
    const s = h.server(at) as ZabServer;
    const conn = serviceOf(s).connections.find((c) => c.client === client);
    expect(conn).toBeDefined();
    const program = zookeeperServerProgram(s.config);
    const request = { type: 'ZK_REQUEST', xid: 50, request: { type: 'exists', path: '/w', watch: true } };

    const [served, servedFx] = program.step(s, deliver(client, conn!.conn, request));
    expect(servedFx.some((e) => e.type === 'send' && e.to === client && e.msg.type === 'ZK_REPLY')).toBe(true);
    expect(serviceOf(served).connections.some((c) => c.client === client)).toBe(true);

    const [closed, closedFx] = program.step(s, deliver(client, conn!.conn + 1, request));
    const toClient = closedFx.flatMap((e) => (e.type === 'send' && e.to === client ? [e.msg.type] : []));
    expect(toClient).toEqual(['CLIENT_CLOSE']);
    expect(serviceOf(closed).connections.some((c) => c.client === client)).toBe(false);
    // The old connection's watches go with it (the client re-sends them with setWatches).
    expect(serviceOf(closed).watches).not.toEqual(serviceOf(served).watches);
  });
});

describe('a short client cut', () => {
  test('the event dropped on the cut arrives on the next connection through setWatches, with no txn named', () => {
    const h = ready('conn-cut');
    const [watcher, writer] = h.clients as [NodeId, NodeId];
    expect(run(h, writer, create('/w')).err).toBe('OK');
    expect(run(h, watcher, getData('/w', true)).err).toBe('OK');
    const at = attachedTo(h, watcher);
    // Cut well inside the read timeout (2/3 of 4 s): without the connection check nothing ever notices.
    h.kernel.partition([[watcher], [at]], 'client-cut');
    expect(run(h, writer, setData('/w', 'v1')).err).toBe('OK');
    expect(h.runUntil(() => getNode(h.tree(at), '/w')?.version === 1, 2_000)).toBe(true);
    h.kernel.healLink(watcher, at);
    h.kernel.healLink(at, watcher);
    const events = () => h.of('watch', watcher).map((o) => o.what);
    expect(h.runUntil(() => events().length > 0, 20_000)).toBe(true);
    expect(events()).toEqual([expect.objectContaining({ type: 'NodeDataChanged', path: '/w', zxid: SET_WATCHES_EVENT_ZXID })]);
    const states = h.of('session', watcher).map((o) => o.what.state);
    expect(states.slice(-2)).toEqual(['DISCONNECTED', 'CONNECTED']);
    expect(attachedTo(h, watcher)).not.toBe(at);
    expect(h.safetyViolated()).toBe(false);
    expect(h.verdicts()['watch-order']).toBe('ok');
  });
});
