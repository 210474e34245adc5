// getAllChildrenNumber, getEphemerals and whoAmI answer as ZooKeeper 3.8's FinalRequestProcessor does
// (DataTree.getAllChildrenNumber, DataTree.getEphemerals with the prefix filter, AuthUtil.getClientInfos
// in the order of ServerCnxn's ConcurrentHashMap-backed authInfo set), and the client refuses bad paths.
import { describe, expect, test } from 'vitest';
import type { NodeId } from '../../protocol/program.js';
import { clientAddress } from '../../protocol/service/server.js';
import { clientInfos, idHashCode } from '../../protocol/service/serve-query.js';
import { digestAuthIds, ephemeralsOf, generateDigest, PERMS, type DataTree } from '../../protocol/tree/index.js';
import { serviceOptions } from '../../sim/service/run.js';
import { create, ready, run } from './helpers.js';

const secretAcl = [{ perms: PERMS.ALL, id: { scheme: 'digest', id: generateDigest('alice:secret') } }];

describe('getAllChildrenNumber (FinalRequestProcessor, DataTree.getAllChildrenNumber)', () => {
  test('counts descendants at every depth; "/" counts every node but the root, /zookeeper included', () => {
    const h = ready('q-acn');
    const [a] = h.clients as [NodeId];
    const count = (path: string): unknown => {
      const r = run(h, a, { type: 'getAllChildrenNumber', path });
      return r.err === 'OK' && r.response?.type === 'getAllChildrenNumber' ? r.response.totalNumber : r.err;
    };
    expect(count('/')).toBe(3); // /zookeeper, /zookeeper/quota, /zookeeper/config
    for (const p of ['/a', '/a/b', '/a/b/c', '/a/d', '/ab']) run(h, a, create(p));
    expect(count('/')).toBe(8);
    expect(count('/a')).toBe(3); // /a/b, /a/b/c, /a/d; not /ab (the key must start with "/a/")
    expect(count('/a/b/c')).toBe(0);
    expect(count('/zookeeper')).toBe(2);
    expect(count('/nope')).toBe('NONODE');
  });

  test('needs READ on the node (zks.checkACL ... Perms.READ)', () => {
    const h = ready('q-acn-acl', { clients: 2 });
    const [a, b] = h.clients as [NodeId, NodeId];
    run(h, a, { type: 'addAuthInfo', scheme: 'digest', auth: 'alice:secret' });
    expect(run(h, a, { type: 'create', path: '/s', data: '', acl: secretAcl, mode: 'PERSISTENT' }).err).toBe('OK');
    run(h, b, { type: 'sync', path: '/' });
    expect(run(h, b, { type: 'getAllChildrenNumber', path: '/s' }).err).toBe('NOAUTH');
    expect(run(h, a, { type: 'getAllChildrenNumber', path: '/s' }).err).toBe('OK');
  });

  test('the client refuses an invalid path before sending (ZooKeeper.getAllChildrenNumber → PathUtils.validatePath)', () => {
    const h = ready('q-acn-path');
    const [a] = h.clients as [NodeId];
    const r = run(h, a, { type: 'getAllChildrenNumber', path: '/a/' });
    expect([r.err, r.outcome]).toEqual(['BADARGUMENTS', 'fail']);
  });
});

describe('getEphemerals (FinalRequestProcessor, DataTree.getEphemerals)', () => {
  test("the session's own ephemerals in HashSet order; a prefix filters by string prefix, not by path", () => {
    const h = ready('q-eph', { clients: 2 });
    const [a, b] = h.clients as [NodeId, NodeId];
    run(h, a, create('/x'));
    for (const p of ['/e1', '/x/e2', '/ab', '/a1']) expect(run(h, a, create(p, 'EPHEMERAL')).err).toBe('OK');
    expect(run(h, b, create('/other', 'EPHEMERAL')).err).toBe('OK');
    const list = (client: NodeId, path: string): unknown => {
      const r = run(h, client, { type: 'getEphemerals', path });
      return r.response?.type === 'getEphemerals' ? r.response.ephemerals : r.err;
    };
    const all = list(a, '/') as string[];
    expect([...all].sort()).toEqual(['/a1', '/ab', '/e1', '/x/e2']);
    // The order is the session set's iteration order, as the tree holds it.
    const server = h.server(h.servers[0] as NodeId);
    const session = h.client(a)?.sessionId as number;
    expect(all).toEqual(ephemeralsOf(server?.state as DataTree, session));
    expect(list(a, '/a')).toEqual(all.filter((p) => p === '/ab' || p === '/a1'));
    expect(list(a, '/x')).toEqual(['/x/e2']);
    expect(list(a, '/zzz')).toEqual([]);
    expect(list(b, '/')).toEqual(['/other']);
  });

  test('a session without ephemerals gets an empty list; an invalid prefix never leaves the client', () => {
    const h = ready('q-eph-empty');
    const [a] = h.clients as [NodeId];
    const r = run(h, a, { type: 'getEphemerals', path: '/' });
    expect(r.response).toEqual({ type: 'getEphemerals', ephemerals: [] });
    expect(run(h, a, { type: 'getEphemerals', path: '' }).err).toBe('BADARGUMENTS');
  });
});

describe('whoAmI (FinalRequestProcessor, AuthUtil.getClientInfos)', () => {
  test('the ip id of the connection, then the digest user and super, in authInfo set order', () => {
    const base = serviceOptions('q-who');
    const h = ready('q-who', { zab: { ...base.zab, superDigest: generateDigest('alice:secret') } });
    const [a] = h.clients as [NodeId];
    const who = (): unknown => {
      const r = run(h, a, { type: 'whoAmI' });
      return r.response?.type === 'whoAmI' ? r.response.clientInfo : r.err;
    };
    expect(who()).toEqual([{ authScheme: 'ip', user: clientAddress(a) }]);
    run(h, a, { type: 'addAuthInfo', scheme: 'digest', auth: 'alice:secret' });
    const ids = [{ scheme: 'ip', id: clientAddress(a) }, ...digestAuthIds('alice:secret', generateDigest('alice:secret'))];
    expect(who()).toEqual(clientInfos(ids));
    expect([...(who() as { authScheme: string; user: string }[])].map((c) => `${c.authScheme}:${c.user}`).sort()).toEqual([
      'digest:alice',
      `ip:${clientAddress(a)}`,
      'super:',
    ]);
  });

  test('Id.hashCode and the ConcurrentHashMap order match Java (values printed by JDK 17 with Debian zookeeper-jute 3.8.0)', () => {
    expect(idHashCode({ scheme: 'ip', id: '127.0.0.1' })).toBe(1506146057);
    expect(idHashCode({ scheme: 'digest', id: 'alice:G2RfQk0Xf8m1JZ+XHhj4kd7ipts=' })).toBe(1800378382);
    expect(idHashCode({ scheme: 'super', id: '' })).toBe(-232294480);
    expect(idHashCode({ scheme: 'digest', id: 'bob:x' })).toBe(-1942219728);
    // new ArrayList<>(set) after adding in this order printed digest, super, ip ...
    const order1 = clientInfos([
      { scheme: 'ip', id: '127.0.0.2' },
      { scheme: 'digest', id: 'alice:G2RfQk0Xf8m1JZ+XHhj4kd7ipts=' },
      { scheme: 'super', id: '' },
    ]);
    expect(order1.map((c) => c.authScheme)).toEqual(['digest', 'super', 'ip']);
    // ... and super, ip, digest bob, digest alice here.
    const order2 = clientInfos([
      { scheme: 'digest', id: 'bob:x' },
      { scheme: 'ip', id: '127.0.1.5' },
      { scheme: 'digest', id: 'alice:y' },
      { scheme: 'super', id: '' },
    ]);
    expect(order2).toEqual([
      { authScheme: 'super', user: '' },
      { authScheme: 'ip', user: '127.0.1.5' },
      { authScheme: 'digest', user: 'bob' },
      { authScheme: 'digest', user: 'alice' },
    ]);
  });
});
