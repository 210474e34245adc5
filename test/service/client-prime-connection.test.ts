// Proves the simulated client re-primes a connection in ClientCnxn.SendThread.primeConnection's order:
// every packet is pushed to the front of the outgoing queue (setWatches, then each auth packet, then
// the ConnectRequest), so on the wire the auth packets (last added first) precede setWatches.
import { expect, test } from 'vitest';
import { ENV, type Event } from '../../protocol/program.js';
import type { ZabMessage } from '../../protocol/zab/messages.js';
import { bootZkClient, defaultZkClientConfig, stepZkClient, type ZkClient } from '../../protocol/client/zk-client.js';

function deliver(from: number, msg: unknown): Event<ZabMessage> {
  return { type: 'deliver', from, conn: 1, msg } as Event<ZabMessage>;
}

test('after a reconnect: auth packets (last added first), then setWatches, then queued requests', () => {
  let c: ZkClient = bootZkClient(100, defaultZkClientConfig([1, 2]));
  [c] = stepZkClient(c, { type: 'start' } as Event<ZabMessage>);
  [c] = stepZkClient(c, deliver(1, { type: 'CONNECT_RESPONSE', sessionId: 0x10, timeoutMs: 4000 }));
  [c] = stepZkClient(c, deliver(ENV, { type: 'APP_OP', op: { type: 'addAuthInfo', scheme: 'digest', auth: 'a:1' } }));
  [c] = stepZkClient(c, deliver(ENV, { type: 'APP_OP', op: { type: 'addAuthInfo', scheme: 'digest', auth: 'b:2' } }));
  [c] = stepZkClient(c, deliver(ENV, { type: 'APP_OP', op: { type: 'getData', path: '/w', watch: true } }));
  const xid = (c.pending[0] as { xid: number }).xid;
  [c] = stepZkClient(c, deliver(1, { type: 'ZK_REPLY', reply: { xid, zxid: 3, err: 'OK', response: null } }));
  expect(c.dataWatches).toEqual(['/w']);
  [c] = stepZkClient(c, { type: 'peerReset', peer: 1 } as Event<ZabMessage>);
  [c] = stepZkClient(c, deliver(ENV, { type: 'APP_OP', op: { type: 'exists', path: '/x', watch: false } }));
  [c] = stepZkClient(c, { type: 'timeout', timer: 'reconnect' } as Event<ZabMessage>);
  const [, effects] = stepZkClient(c, deliver(2, { type: 'CONNECT_RESPONSE', sessionId: 0x10, timeoutMs: 4000 }));
  const wire = effects.flatMap((e) => {
    if (e.type !== 'send' || e.msg.type !== 'ZK_REQUEST') return [];
    const r = e.msg.request as { type: string; auth?: string };
    return [r.type === 'auth' ? `auth ${r.auth}` : r.type];
  });
  expect(wire).toEqual(['auth b:2', 'auth a:1', 'setWatches', 'exists']);
});
