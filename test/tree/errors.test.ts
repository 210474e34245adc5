// Every error code the tree and request preparation can raise, each at the point where ZooKeeper
// 3.8 raises it, and the check order between them (first failing check wins, as in
// PrepRequestProcessor.pRequest2Txn; protocol/service/zk-sm.ts). A failed write still becomes a
// committed error txn that consumes its zxid.
import { describe, expect, test } from 'vitest';
import {
  CREATOR_ALL_ACL,
  ERROR_NUMBERS,
  errorCodeOf,
  errorNumber,
  exists,
  getACL,
  getChildren,
  getData,
  OPEN_ACL_UNSAFE,
  PERMS,
  READ_ACL_UNSAFE,
  type Acl,
  type WriteRequest,
} from '../../protocol/tree/index.js';
import { ALICE, BOB, Harness, type Caller } from './helpers.js';

const ALICE_ONLY: Acl[] = [{ perms: PERMS.ALL, id: { scheme: 'ip', id: '10.0.0.1' } }];

/** A tree with /a (open), /a/b, /eph (ALICE's ephemeral), /locked (ALICE's ip only) with a child. */
function fixture(): Harness {
  const h = new Harness();
  h.create('/a', 'x');
  h.create('/a/b');
  h.create('/eph', '', 'EPHEMERAL');
  h.create('/locked', '', 'PERSISTENT', ALICE_ONLY);
  h.create('/locked/child');
  return h;
}

function codeOf(request: WriteRequest, caller: Caller = ALICE): string {
  return fixture().code(request, caller);
}

const create = (
  path: string,
  acl: readonly Acl[] = OPEN_ACL_UNSAFE,
  mode: 'PERSISTENT' | 'EPHEMERAL' | 'PERSISTENT_SEQUENTIAL' = 'PERSISTENT',
): WriteRequest => ({
  type: 'create',
  path,
  data: '',
  acl,
  mode,
});

test('codes carry ZooKeeper numbers', () => {
  expect(ERROR_NUMBERS).toMatchObject({
    OK: 0,
    RUNTIMEINCONSISTENCY: -2,
    CONNECTIONLOSS: -4,
    BADARGUMENTS: -8,
    NONODE: -101,
    NOAUTH: -102,
    BADVERSION: -103,
    NOCHILDRENFOREPHEMERALS: -108,
    NODEEXISTS: -110,
    NOTEMPTY: -111,
    SESSIONEXPIRED: -112,
    INVALIDACL: -114,
    SESSIONMOVED: -118,
    UNKNOWNSESSION: -12,
    SYSTEMERROR: -1,
    THROTTLEDOP: -127,
  });
  expect(errorNumber('NOTEMPTY')).toBe(-111);
  expect(errorCodeOf(-118)).toBe('SESSIONMOVED');
  expect(errorCodeOf(-9)).toBeUndefined();
});

describe('create', () => {
  test.each<[string, WriteRequest, string, Caller?]>([
    ['ok', create('/a/c'), 'OK'],
    ['session expired comes first', create('no-slash', []), 'SESSIONEXPIRED', { ...ALICE, sessionError: 'SESSIONEXPIRED' }],
    ['session moved', create('/a/c'), 'SESSIONMOVED', { ...ALICE, sessionError: 'SESSIONMOVED' }],
    ['no slash at all', create('relative'), 'BADARGUMENTS'],
    ['NUL in the path', create('/a/c\0'), 'BADARGUMENTS'],
    ['bad path syntax, before ACL checks', create('rel', []), 'BADARGUMENTS'],
    ['empty ACL', create('/a/c', []), 'INVALIDACL'],
    ['ACL checked before the parent', create('/missing/c', []), 'INVALIDACL'],
    ['parent missing', create('/missing/c'), 'NONODE'],
    ['parent is checked before the full path syntax', create('/missing//c'), 'NONODE'],
    ['trailing slash once the parent exists', create('/a/'), 'BADARGUMENTS'],
    ['relative component', create('/a/..'), 'BADARGUMENTS'],
    ['no CREATE on the parent', create('/locked/c'), 'NOAUTH', BOB],
    ['NOAUTH before NODEEXISTS', create('/locked/child'), 'NOAUTH', BOB],
    ['node exists', create('/a/b'), 'NODEEXISTS'],
    ['the root exists', create('/'), 'NODEEXISTS'],
    ['an existing ephemeral', create('/eph'), 'NODEEXISTS'],
    ['child of an ephemeral', create('/eph/c'), 'NOCHILDRENFOREPHEMERALS'],
    ['/zookeeper/config is read-only', create('/zookeeper/config/x'), 'NOAUTH'],
  ])('%s → %s', (_name, request, expected, caller) => {
    expect(codeOf(request, caller)).toBe(expected);
  });
});

describe('delete', () => {
  const del = (path: string, version = -1): WriteRequest => ({ type: 'delete', path, version });
  test.each<[string, WriteRequest, string, Caller?]>([
    ['ok', del('/a/b'), 'OK'],
    ['session', del('/a/b'), 'SESSIONEXPIRED', { ...ALICE, sessionError: 'SESSIONEXPIRED' }],
    ['no slash', del('a'), 'BADARGUMENTS'],
    ['the root', del('/'), 'BADARGUMENTS'],
    ['/zookeeper', del('/zookeeper'), 'BADARGUMENTS'],
    ['/zookeeper/quota', del('/zookeeper/quota'), 'BADARGUMENTS'],
    ['parent missing', del('/missing/x'), 'NONODE'],
    ['no DELETE on the parent', del('/locked/child'), 'NOAUTH', BOB],
    ['NOAUTH before the node is looked up', del('/locked/nothing'), 'NOAUTH', BOB],
    ['node missing', del('/a/zz'), 'NONODE'],
    ['bad version', del('/a/b', 3), 'BADVERSION'],
    ['BADVERSION before NOTEMPTY', del('/a', 7), 'BADVERSION'],
    ['not empty', del('/a', 0), 'NOTEMPTY'],
  ])('%s → %s', (_name, request, expected, caller) => {
    expect(codeOf(request, caller)).toBe(expected);
  });
});

describe('setData, setACL, check', () => {
  test.each<[string, WriteRequest, string, Caller?]>([
    ['setData ok', { type: 'setData', path: '/a', data: 'y', version: 0 }, 'OK'],
    ['setData session', { type: 'setData', path: '/a', data: 'y', version: 0 }, 'SESSIONMOVED', { ...ALICE, sessionError: 'SESSIONMOVED' }],
    ['setData bad path', { type: 'setData', path: '/a/', data: 'y', version: -1 }, 'BADARGUMENTS'],
    ['setData missing', { type: 'setData', path: '/nope', data: 'y', version: -1 }, 'NONODE'],
    ['setData NOAUTH before BADVERSION', { type: 'setData', path: '/locked', data: 'y', version: 9 }, 'NOAUTH', BOB],
    ['setData bad version', { type: 'setData', path: '/a', data: 'y', version: 9 }, 'BADVERSION'],
    ['setData on /zookeeper/config', { type: 'setData', path: '/zookeeper/config', data: 'y', version: -1 }, 'NOAUTH'],
    ['setACL ok', { type: 'setACL', path: '/a', acl: READ_ACL_UNSAFE, version: 0 }, 'OK'],
    ['setACL bad path', { type: 'setACL', path: '//', acl: READ_ACL_UNSAFE, version: -1 }, 'BADARGUMENTS'],
    ['setACL INVALIDACL before NONODE', { type: 'setACL', path: '/nope', acl: [], version: -1 }, 'INVALIDACL'],
    ['setACL missing', { type: 'setACL', path: '/nope', acl: READ_ACL_UNSAFE, version: -1 }, 'NONODE'],
    ['setACL needs ADMIN', { type: 'setACL', path: '/locked', acl: READ_ACL_UNSAFE, version: -1 }, 'NOAUTH', BOB],
    ['setACL checks aversion', { type: 'setACL', path: '/a', acl: READ_ACL_UNSAFE, version: 1 }, 'BADVERSION'],
    ['check ok', { type: 'check', path: '/a', version: 0 }, 'OK'],
    ['check bad path', { type: 'check', path: 'a', version: 0 }, 'BADARGUMENTS'],
    ['check missing', { type: 'check', path: '/nope', version: 0 }, 'NONODE'],
    ['check needs READ', { type: 'check', path: '/locked', version: 0 }, 'NOAUTH', BOB],
    ['check bad version', { type: 'check', path: '/a', version: 1 }, 'BADVERSION'],
    ['auth ACL with no authenticated id', { type: 'setACL', path: '/a', acl: CREATOR_ALL_ACL, version: -1 }, 'INVALIDACL'],
    ['unknown session code passes through', { type: 'check', path: '/a', version: 0 }, 'UNKNOWNSESSION', { ...ALICE, sessionError: 'UNKNOWNSESSION' }],
  ])('%s → %s', (_name, request, expected, caller) => {
    expect(codeOf(request, caller)).toBe(expected);
  });
});

describe('reads', () => {
  const tree = fixture().tree;
  const bob = BOB.authIds ?? [];
  test('NONODE', () => {
    expect(getData(tree, '/nope', bob)).toEqual({ ok: false, err: 'NONODE' });
    expect(getChildren(tree, '/nope', bob)).toEqual({ ok: false, err: 'NONODE' });
    expect(getACL(tree, '/nope', bob)).toEqual({ ok: false, err: 'NONODE' });
    expect(exists(tree, '/nope', bob)).toEqual({ ok: false, err: 'NONODE' });
  });
  test('NOAUTH needs READ (getACL: READ or ADMIN); exists never checks ACLs on the measured 3.8.0 server', () => {
    expect(getData(tree, '/locked', bob)).toEqual({ ok: false, err: 'NOAUTH' });
    expect(getChildren(tree, '/locked', bob)).toEqual({ ok: false, err: 'NOAUTH' });
    expect(getACL(tree, '/locked', bob)).toEqual({ ok: false, err: 'NOAUTH' });
    expect(exists(tree, '/locked', bob).ok).toBe(true);
    expect(exists(tree, '/locked/none', bob)).toEqual({ ok: false, err: 'NONODE' });
    expect(getData(tree, '/locked', ALICE.authIds ?? []).ok).toBe(true);
  });
  test('exists refuses a NUL; the others just miss', () => {
    expect(exists(tree, '/a\0', bob)).toEqual({ ok: false, err: 'BADARGUMENTS' });
    expect(getData(tree, '/a\0', bob)).toEqual({ ok: false, err: 'NONODE' });
  });
  test('reads do not validate paths: "" is the root', () => {
    const read = getChildren(tree, '', bob);
    expect(read.ok && read.value.children.sort()).toEqual(['a', 'eph', 'locked', 'zookeeper']);
  });
});

test('a failed write is an error txn that consumes its zxid and changes nothing else', () => {
  const h = fixture();
  const before = h.tree;
  const { txn, result, tree, watchEvents } = h.run({ type: 'delete', path: '/a/zz', version: -1 });
  expect(txn.body).toEqual({ type: 'error', err: 'NONODE' });
  expect(result).toEqual({ type: 'error', err: 'NONODE' });
  expect(watchEvents).toEqual([]);
  expect(tree.lastProcessedZxid).toBe(txn.zxid);
  expect(tree.nodes).toBe(before.nodes);
});
