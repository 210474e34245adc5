// Proves the simulated ZooKeeper client moves lastZxidSeen exactly where the Java client does
// (ClientCnxn.SendThread.readResponse): a reply popped from the pending queue (setWatches included)
// raises it, a PING reply and a watch notification never do, so the zxid a reconnect sends
// (ConnectRequest.lastZxidSeen) is the last reply's, not the last event's.
import { describe, expect, test } from 'vitest';
import { ENV, type Event } from '../../protocol/program.js';
import type { ZabMessage } from '../../protocol/zab/messages.js';
import { bootZkClient, defaultZkClientConfig, stepZkClient, type ZkClient } from '../../protocol/client/zk-client.js';
import { XID } from '../../protocol/service/types.js';

const SERVERS = [1, 2, 3];

function from(server: number, msg: ZabMessage): Event<ZabMessage> {
  return { type: 'deliver', from: server, conn: 1, msg } as Event<ZabMessage>;
}

/** A client connected to server 1 with session 0x10. */
function connected(): ZkClient {
  let c = bootZkClient(100, defaultZkClientConfig(SERVERS));
  [c] = stepZkClient(c, { type: 'start' } as Event<ZabMessage>);
  [c] = stepZkClient(c, from(1, { type: 'CONNECT_RESPONSE', sessionId: 0x10, timeoutMs: 4000 }));
  expect(c.state).toBe('CONNECTED');
  return c;
}

function invoke(c: ZkClient, op: unknown): ZkClient {
  return stepZkClient(c, { type: 'deliver', from: ENV, conn: 0, msg: { type: 'APP_OP', op } } as unknown as Event<ZabMessage>)[0];
}

describe('lastZxidSeen follows ClientCnxn.SendThread.readResponse', () => {
  test('a reply to a request raises it to the header zxid', () => {
    let c = invoke(connected(), { type: 'getData', path: '/a', watch: true });
    expect(c.pending.length).toBe(1);
    [c] = stepZkClient(c, from(1, { type: 'ZK_REPLY', reply: { xid: 1, zxid: 7, err: 'OK', response: null } }));
    expect(c.lastZxidSeen).toBe(7);
  });

  test('a PING reply does not move it (readResponse returns on PING_XID before lastZxid is set)', () => {
    let c = connected();
    [c] = stepZkClient(c, from(1, { type: 'ZK_REPLY', reply: { xid: XID.PING, zxid: 12, err: 'OK', response: null } }));
    expect(c.lastZxidSeen).toBe(0);
  });

  test('a watch notification does not move it (NOTIFICATION_XID returns first; 3.8 servers send zxid -1)', () => {
    let c = invoke(connected(), { type: 'getData', path: '/a', watch: true });
    [c] = stepZkClient(c, from(1, { type: 'ZK_REPLY', reply: { xid: 1, zxid: 7, err: 'OK', response: null } }));
    expect(c.dataWatches).toEqual(['/a']);
    const [after, effects] = stepZkClient(c, from(1, { type: 'WATCHER_EVENT', event: { type: 'NodeDataChanged', path: '/a', zxid: 9 } }));
    expect(after.lastZxidSeen).toBe(7);
    expect(after.dataWatches).toEqual([]);
    // The event is still recorded for the checkers, with the txn the simulator knows triggered it.
    expect(effects.some((e) => e.type === 'observe' && (e as { what: { kind: string; zxid?: number } }).what.kind === 'watch')).toBe(true);
  });

  test('after an event the reconnect carries the last reply zxid, so a server that has not applied the change accepts it', () => {
    let c = invoke(connected(), { type: 'getData', path: '/a', watch: true });
    [c] = stepZkClient(c, from(1, { type: 'ZK_REPLY', reply: { xid: 1, zxid: 7, err: 'OK', response: null } }));
    [c] = stepZkClient(c, from(1, { type: 'WATCHER_EVENT', event: { type: 'NodeDataChanged', path: '/a', zxid: 9 } }));
    const [moved, effects] = stepZkClient(c, { type: 'peerReset', peer: 1 } as Event<ZabMessage>);
    const [, connect] = stepZkClient(moved, { type: 'timeout', timer: 'reconnect' } as Event<ZabMessage>);
    const requests = [...effects, ...connect].flatMap((e) => (e.type === 'send' && e.msg.type === 'CONNECT_REQUEST' ? [e.msg] : []));
    expect(requests.length).toBeGreaterThan(0);
    for (const r of requests) expect(r.lastZxidSeen).toBe(7);
  });

  test('the setWatches reply raises it (the packet goes through the pending queue)', () => {
    let c = connected();
    [c] = stepZkClient(c, from(1, { type: 'ZK_REPLY', reply: { xid: XID.SET_WATCHES, zxid: 5, err: 'OK', response: null } }));
    expect(c.lastZxidSeen).toBe(5);
  });
});
