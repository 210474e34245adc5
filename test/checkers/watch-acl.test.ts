// Proves watch-order's watch-acl rule (sim/checkers/watch-acl.ts): on a release that filters watch events by
// READ, an event on a node whose ACL at the firing txn grants READ to no id the session can hold is a
// violation, and every history where some execution lets the event through (an auth in time, an ACL change
// of unknown outcome, a multi that changes the ACL around the event, an ip entry, a possible super user,
// plain 3.8.0, an unfiltered setWatches event) is not flagged.
import { describe, expect, test } from 'vitest';
import { checkClientHistory } from '../../sim/checkers/client.js';
import { formatNdjsonHistory, parseNdjsonHistory } from '../../sim/history/ndjson.js';
import type { ZkAclEntry, ZkHistory, ZkHistoryAuth, ZkHistoryEvent, ZkHistoryOp, ZkOp } from '../../sim/history/types.js';
import { generateDigest } from '../../protocol/tree/index.js';
import { clientOp, Z } from './history-builders.js';
import { watchAclBroken } from '../reference/watch-acl.js';

const U1 = generateDigest('u1:pw');
const DIGEST_ALL: ZkAclEntry[] = [{ perms: 31, scheme: 'digest', id: U1 }];
const OPEN: ZkAclEntry[] = [{ perms: 31, scheme: 'world', id: 'anyone' }];
const CREATOR_ALL: ZkAclEntry[] = [{ perms: 31, scheme: 'auth', id: '' }];

function auth(client: number, invokeUs: number, secret = 'u1:pw'): ZkHistoryAuth {
  return { kind: 'auth', client, session: 100 + client, scheme: 'digest', auth: secret, invokeUs };
}
function event(type: 'NodeDataChanged' | 'NodeCreated' | 'NodeDeleted' | 'NodeChildrenChanged', path: string, zxid: number, atUs = 100): ZkHistoryEvent {
  return { kind: 'watch', client: 1, session: 101, server: 1, type, path, zxid, atUs };
}

type Setup = {
  readonly ops: ZkHistoryOp[];
  readonly events: ZkHistoryEvent[];
  readonly auths?: ZkHistoryAuth[];
  readonly header?: Record<string, unknown>;
};

function history(s: Setup): ZkHistory {
  const header = { kind: 'header' as const, version: 1 as const, serverRelease: '3.8.0-deb12u2', superDigest: null, ...s.header };
  return { header, ops: s.ops, events: s.events, auths: s.auths ?? [] };
}

/** watch-order's verdict, whether the ACL rule gave it, and (checked here) that the reference's own rule agrees. */
function watchOrder(h: ZkHistory): { verdict: string; acl: boolean } {
  const r = checkClientHistory(h).results.find((x) => x.name === 'watch-order')!;
  const acl = r.witness?.reason.includes('grants READ to none') ?? false;
  expect(watchAclBroken(h) !== null, 'the reference (test/reference/watch-acl.ts) judges alike').toBe(acl);
  return { verdict: r.verdict, acl };
}

const create = (path: string, acl: ZkAclEntry[], mode: 'persistent' | 'ephemeral' = 'persistent'): ZkOp => ({ type: 'create', path, data: 'v', mode, acl });

/** Client 2 (authenticated as u1) makes /a readable by u1 only; client 1 watches it with exists; client 2 changes it. */
function dataChange(extra: Partial<Setup> = {}): Setup {
  return {
    ops: [
      clientOp(2, create('/a', DIGEST_ALL), 10, 20, { rc: 'ok', path: '/a' }, Z(1)),
      clientOp(1, { type: 'exists', path: '/a', watch: true }, 30, 40, { rc: 'ok', exists: true, version: 0, mzxid: Z(1) }, null, { readZxid: Z(1) }),
      clientOp(2, { type: 'setData', path: '/a', data: 'w', version: -1 }, 50, 60, { rc: 'ok', version: 1 }, Z(2)),
      ...(extra.ops ?? []),
    ],
    events: [event('NodeDataChanged', '/a', Z(2)), ...(extra.events ?? [])],
    auths: [auth(2, 5), ...(extra.auths ?? [])],
    ...(extra.header === undefined ? {} : { header: extra.header }),
  };
}

describe('an event on a node the session may not read', () => {
  test('no auth at all: violated, naming the ACL rule', () => {
    expect(watchOrder(history(dataChange()))).toEqual({ verdict: 'violated', acl: true });
  });

  test('the right digest added before the event: ok', () => {
    expect(watchOrder(history(dataChange({ auths: [auth(1, 25)] }))).verdict).toBe('ok');
  });

  test('the right digest added only after the event arrived: violated', () => {
    expect(watchOrder(history(dataChange({ auths: [auth(1, 150)] })))).toEqual({ verdict: 'violated', acl: true });
  });

  test('a wrong password: violated when the header says there is no super user, not judged when it does not say', () => {
    expect(watchOrder(history(dataChange({ auths: [auth(1, 25, 'u1:wrong')] })))).toEqual({ verdict: 'violated', acl: true });
    const unknownSuper = history(dataChange({ auths: [auth(1, 25, 'u1:wrong')] }));
    const { superDigest: _dropped, ...header } = unknownSuper.header;
    expect(watchOrder({ ...unknownSuper, header: header as ZkHistory['header'] }).verdict).toBe('ok');
  });

  test('the super digest: ok', () => {
    const superDigest = generateDigest('super:secret');
    expect(watchOrder(history(dataChange({ auths: [auth(1, 25, 'super:secret')], header: { superDigest } }))).verdict).toBe('ok');
  });

  test('plain 3.8.0 (no filter), or a header that names no release: ok', () => {
    expect(watchOrder(history(dataChange({ header: { serverRelease: '3.8.0' } }))).verdict).toBe('ok');
    const h = history(dataChange());
    const { serverRelease: _dropped, ...header } = h.header;
    expect(watchOrder({ ...h, header: header as ZkHistory['header'] }).verdict).toBe('ok');
  });

  test('an ip entry with READ may match the connection: ok', () => {
    const ipRead: ZkAclEntry[] = [...DIGEST_ALL, { perms: 1, scheme: 'ip', id: '10.0.0.0/8' }];
    const s = dataChange();
    const ops = [clientOp(2, create('/a', ipRead), 10, 20, { rc: 'ok', path: '/a' }, Z(1)), ...s.ops.slice(1)];
    expect(watchOrder(history({ ...s, ops })).verdict).toBe('ok');
  });

  test('a setACL to world:anyone of unknown outcome, sent before the event: ok; sent after it: violated', () => {
    const setAcl = (invokeUs: number): ZkHistoryOp => clientOp(2, { type: 'setACL', path: '/a', version: -1, acl: OPEN }, invokeUs, null, null, null, { outcome: 'info' });
    expect(watchOrder(history(dataChange({ ops: [setAcl(45)] }))).verdict).toBe('ok');
    expect(watchOrder(history(dataChange({ ops: [setAcl(120)] })))).toEqual({ verdict: 'violated', acl: true });
  });

  test('a setACL whose ACL the history does not give: not judged', () => {
    const setAcl = clientOp(2, { type: 'setACL', path: '/a', version: -1, restrictedRead: true }, 45, null, null, null, { outcome: 'info' });
    expect(watchOrder(history(dataChange({ ops: [setAcl] }))).verdict).toBe('ok');
  });

  test("a multi that changes the data, then the ACL: the event fired under the old, open ACL, so it is possible", () => {
    const ops = [
      clientOp(2, create('/a', OPEN), 10, 20, { rc: 'ok', path: '/a' }, Z(1)),
      clientOp(1, { type: 'exists', path: '/a', watch: true }, 30, 40, { rc: 'ok', exists: true, version: 0, mzxid: Z(1) }, null, { readZxid: Z(1) }),
      clientOp(
        2,
        { type: 'multi', ops: [{ type: 'setData', path: '/a', data: 'w', version: -1 }, { type: 'setACL', path: '/a', version: -1, acl: DIGEST_ALL }] },
        50,
        60,
        { rc: 'ok', results: [{ rc: 'ok', version: 1 }, { rc: 'ok' }] },
        Z(2),
      ),
    ];
    expect(watchOrder(history({ ops, events: [event('NodeDataChanged', '/a', Z(2))], auths: [auth(2, 5)] })).verdict).toBe('ok');
  });

  test('NodeCreated of a node re-created without READ after an open incarnation: violated (the created node\'s ACL)', () => {
    const ops = [
      clientOp(2, create('/a', OPEN), 10, 20, { rc: 'ok', path: '/a' }, Z(1)),
      clientOp(2, { type: 'delete', path: '/a', version: -1 }, 22, 24, { rc: 'ok' }, Z(2)),
      clientOp(1, { type: 'exists', path: '/a', watch: true }, 30, 40, { rc: 'ok', exists: false }, null, { readZxid: Z(2) }),
      clientOp(2, create('/a', DIGEST_ALL), 50, 60, { rc: 'ok', path: '/a' }, Z(3)),
    ];
    expect(watchOrder(history({ ops, events: [event('NodeCreated', '/a', Z(3))], auths: [auth(2, 5)] }))).toEqual({ verdict: 'violated', acl: true });
  });

  test('NodeDeleted is judged by the deleted node\'s ACL: violated', () => {
    const ops = [
      clientOp(2, create('/a', DIGEST_ALL), 10, 20, { rc: 'ok', path: '/a' }, Z(1)),
      clientOp(1, { type: 'exists', path: '/a', watch: true }, 30, 40, { rc: 'ok', exists: true, version: 0, mzxid: Z(1) }, null, { readZxid: Z(1) }),
      clientOp(2, { type: 'delete', path: '/a', version: -1 }, 50, 60, { rc: 'ok' }, Z(2)),
    ];
    expect(watchOrder(history({ ops, events: [event('NodeDeleted', '/a', Z(2))], auths: [auth(2, 5)] }))).toEqual({ verdict: 'violated', acl: true });
  });

  test("NodeChildrenChanged is judged by the parent's ACL: a restricted child under an open parent is ok", () => {
    const ops = [
      clientOp(2, create('/p', OPEN), 10, 20, { rc: 'ok', path: '/p' }, Z(1)),
      clientOp(1, { type: 'getChildren', path: '/p', watch: true }, 30, 40, { rc: 'ok', children: [] }, null, { readZxid: Z(1) }),
      clientOp(2, create('/p/c', DIGEST_ALL), 50, 60, { rc: 'ok', path: '/p/c' }, Z(2)),
    ];
    expect(watchOrder(history({ ops, events: [event('NodeChildrenChanged', '/p', Z(2))], auths: [auth(2, 5)] })).verdict).toBe('ok');
  });

  test('an auth ACL (CREATOR_ALL) holds the creator\'s digest: ok for a session with the same credentials, violated for one without', () => {
    const s = dataChange();
    const ops = [clientOp(2, create('/a', CREATOR_ALL), 10, 20, { rc: 'ok', path: '/a' }, Z(1)), ...s.ops.slice(1)];
    expect(watchOrder(history({ ...s, ops, auths: [auth(2, 5), auth(1, 25)] })).verdict).toBe('ok');
    expect(watchOrder(history({ ...s, ops, auths: [auth(2, 5), auth(1, 25, 'u2:pw')] }))).toEqual({ verdict: 'violated', acl: true });
  });

  test('a setWatches event (zxid -1) is not filtered by ZooKeeper: ok', () => {
    const s = dataChange();
    expect(watchOrder(history({ ...s, events: [event('NodeDataChanged', '/a', -1)] })).verdict).toBe('ok');
  });

  test('the NDJSON format keeps the ACLs and auth records', () => {
    const h = history(dataChange({ auths: [auth(1, 25)] }));
    const back = parseNdjsonHistory(formatNdjsonHistory(h), 'h.ndjson');
    expect(back.auths).toEqual(h.auths);
    expect(back.ops[0]!.op).toEqual(h.ops[0]!.op);
    expect(back.header['serverRelease']).toBe('3.8.0-deb12u2');
  });
});
