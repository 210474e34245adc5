// Proves the ip and super identities work end to end as on a ZooKeeper 3.8 server: every connection
// carries ip:<its address> (NIOServerCnxn adds it on accept), so ip ACLs grant by address and CIDR
// (IPAuthenticationProvider.matches); addAuth with the ip scheme answers OK (handleAuthentication);
// a digest auth matching the configured superDigest passes every ACL (DigestAuthenticationProvider,
// ZooKeeperServer.checkACL); an unknown scheme still fails AUTHFAILED; and the server releases differ
// where they should (exists and READ, watch events filtered by READ).
import { describe, expect, test } from 'vitest';
import type { NodeId } from '../../protocol/program.js';
import { clientAddress } from '../../protocol/service/server.js';
import { generateDigest } from '../../protocol/tree/digest.js';
import { PERMS } from '../../protocol/tree/index.js';
import { serviceOptions } from '../../sim/service/run.js';
import { exists, getData, ready, run, setData } from './helpers.js';
import type { ServerRelease } from '../../protocol/zab/config.js';

const createWith = (path: string, scheme: string, id: string, perms: number = PERMS.ALL) =>
  ({ type: 'create', path, data: 'v', acl: [{ perms, id: { scheme, id } }], mode: 'PERSISTENT' }) as const;

describe('ip identities', () => {
  test('an ip ACL lets in the client at that address, a /8 lets in every loopback client, and nobody else', () => {
    const h = ready('acl-ip', { clients: 2 });
    const [a, b] = h.clients as [NodeId, NodeId];
    expect(clientAddress(a)).not.toBe(clientAddress(b));
    expect(run(h, a, createWith('/mine', 'ip', clientAddress(a))).err).toBe('OK');
    expect(run(h, a, getData('/mine')).err).toBe('OK');
    expect(run(h, b, getData('/mine')).err).toBe('NOAUTH');
    expect(run(h, a, createWith('/loopback', 'ip', '127.0.0.0/8', PERMS.READ)).err).toBe('OK');
    expect(run(h, b, getData('/loopback')).err).toBe('OK');
    expect(run(h, a, createWith('/elsewhere', 'ip', '10.0.0.0/8')).err).toBe('OK');
    expect(run(h, a, getData('/elsewhere')).err).toBe('NOAUTH');
  });

  test('addAuth with the ip scheme answers OK and keeps the connection', () => {
    const h = ready('acl-ip-auth');
    const [a] = h.clients as [NodeId];
    expect(run(h, a, { type: 'addAuthInfo', scheme: 'ip', auth: 'anything' }).err).toBe('OK');
    h.runFor(1000);
    expect(h.connectedState(a)).toBe('CONNECTED');
    expect(run(h, a, getData('/')).err).toBe('OK');
  });

  test('an unregistered scheme fails AUTHFAILED', () => {
    const h = ready('acl-bad-scheme');
    const [a] = h.clients as [NodeId];
    run(h, a, { type: 'addAuthInfo', scheme: 'kerberos', auth: 'x' });
    expect(h.runUntil(() => h.connectedState(a) === 'AUTH_FAILED', 5000)).toBe(true);
  });
});

describe('superDigest', () => {
  test('the super user reads and writes what a digest ACL closes to everyone else; without superDigest it is an ordinary user', () => {
    const base = serviceOptions('acl-super');
    for (const superDigest of [generateDigest('super:pw'), undefined]) {
      const h = ready('acl-super', { clients: 2, zab: superDigest === undefined ? base.zab : { ...base.zab, superDigest } });
      const [a, b] = h.clients as [NodeId, NodeId];
      expect(run(h, a, { type: 'addAuthInfo', scheme: 'digest', auth: 'alice:secret' }).err).toBe('OK');
      expect(run(h, a, createWith('/alice', 'digest', generateDigest('alice:secret'))).err).toBe('OK');
      expect(run(h, b, getData('/alice')).err).toBe('NOAUTH');
      expect(run(h, b, { type: 'addAuthInfo', scheme: 'digest', auth: 'super:pw' }).err).toBe('OK');
      const expected = superDigest === undefined ? 'NOAUTH' : 'OK';
      expect(run(h, b, getData('/alice')).err).toBe(expected);
      expect(run(h, b, { type: 'setData', path: '/alice', data: 'w', version: -1 }).err).toBe(expected);
    }
  });
});

describe('server releases', () => {
  test.each([
    ['3.8.0-deb12u2', 'OK', 0],
    ['3.8.0', 'OK', 1],
    ['3.8.4', 'NOAUTH', 0],
  ] as const)('%s: exists on a node without READ answers %s; the watcher without READ gets %d events', (release, existsErr, events) => {
    const base = serviceOptions('acl-release');
    const serverRelease: ServerRelease = release;
    const h = ready('acl-release', { clients: 2, zab: { ...base.zab, serverRelease } });
    const [a, b] = h.clients as [NodeId, NodeId];
    expect(run(h, a, createWith('/guarded', 'ip', clientAddress(a))).err).toBe('OK');
    expect(run(h, b, exists('/guarded', true)).err).toBe(existsErr);
    expect(run(h, a, setData('/guarded', 'w')).err).toBe('OK');
    h.runFor(2000);
    expect(h.of('watch', b).length).toBe(events);
  });
});
