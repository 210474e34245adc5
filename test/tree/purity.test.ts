// protocol/tree is pure: its sources use no clock, randomness, I/O or forbidden imports; prep and
// applyTxn never mutate their (deep-frozen) inputs over long generated workloads, the tree's counters
// stay consistent (numChildren, cversion, the ephemerals index), and a write to a 100k-node tree
// allocates only the handful of trie nodes on the changed paths.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import {
  applyTxn,
  CREATOR_ALL_ACL,
  createDataTree,
  digestAuthIds,
  emptyOutstanding,
  getChildren,
  getNode,
  ipAuthId,
  mapEntries,
  OPEN_ACL_UNSAFE,
  PERMS,
  prep,
  READ_ACL_UNSAFE,
  retireOutstanding,
  statOf,
  treeInvariantViolations,
  type Acl,
  type DataTree,
  type Id,
  type PrepContext,
  type Txn,
  type WriteOp,
  type WriteRequest,
} from '../../protocol/tree/index.js';
import { makeZxid } from '../../protocol/zxid.js';
import { deepFreeze } from './helpers.js';

const FORBIDDEN_IN_PROTOCOL: readonly RegExp[] = [
  /\bMath\.random\b/,
  /\bDate\.now\b/,
  /\bnew Date\b/,
  /\bperformance\.now\b/,
  /\bsetTimeout\b/,
  /\bsetInterval\b/,
  /\bcrypto\./,
  /\bprocess\./,
  /from '(node:|seedrandom|chalk|\.\.\/sim|\.\.\/\.\.\/sim)/,
];

describe('sources', () => {
  const dir = join(import.meta.dirname, '../../protocol/tree');
  const files = readdirSync(dir).filter((f) => f.endsWith('.ts'));
  test.each(files)('%s uses nothing forbidden', (file) => {
    const text = readFileSync(join(dir, file), 'utf8');
    for (const pattern of FORBIDDEN_IN_PROTOCOL) expect(text).not.toMatch(pattern);
  });
});

// ---- generated workloads ------------------------------------------------------------------

const SESSIONS: readonly { sessionId: number; authIds: readonly Id[] }[] = [
  { sessionId: 11, authIds: [ipAuthId('10.0.0.1'), ...digestAuthIds('alice:pw')] },
  { sessionId: 22, authIds: [ipAuthId('10.0.0.2')] },
  { sessionId: 33, authIds: [ipAuthId('10.0.0.3'), { scheme: 'super', id: '' }] },
];
const PATHS = ['/a', '/b', '/a/x', '/a/y', '/b/x', '/a/x/z', '/zookeeper/quota/q', '/', '/a/', 'bad'];
const ACLS: readonly (readonly Acl[])[] = [
  OPEN_ACL_UNSAFE,
  READ_ACL_UNSAFE,
  CREATOR_ALL_ACL,
  [{ perms: PERMS.ALL & ~PERMS.DELETE, id: { scheme: 'ip', id: '10.0.0.0/31' } }],
  [],
];
const DATA = fc.constantFrom<string | null>('', 'v', 'héllo', null);
const VERSION = fc.constantFrom(-1, 0, 1, 2);
const PATH = fc.constantFrom(...PATHS);

const opArb: fc.Arbitrary<WriteOp> = fc.oneof(
  fc.record({
    type: fc.constant('create' as const),
    path: fc.oneof(
      PATH,
      PATH.map((p) => `${p}/s-`),
    ),
    data: DATA,
    acl: fc.constantFrom(...ACLS),
    mode: fc.constantFrom('PERSISTENT' as const, 'PERSISTENT_SEQUENTIAL' as const, 'EPHEMERAL' as const, 'EPHEMERAL_SEQUENTIAL' as const),
  }),
  fc.record({ type: fc.constant('delete' as const), path: PATH, version: VERSION }),
  fc.record({ type: fc.constant('setData' as const), path: PATH, data: DATA, version: VERSION }),
  fc.record({ type: fc.constant('check' as const), path: PATH, version: VERSION }),
);
const requestArb: fc.Arbitrary<WriteRequest> = fc.oneof(
  { weight: 6, arbitrary: opArb },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('setACL' as const), path: PATH, acl: fc.constantFrom(...ACLS), version: VERSION }) },
  { weight: 2, arbitrary: fc.record({ type: fc.constant('multi' as const), ops: fc.array(opArb, { maxLength: 4 }) }) },
  { weight: 1, arbitrary: fc.constant({ type: 'closeSession' as const }) },
  { weight: 1, arbitrary: fc.constant({ type: 'createSession' as const, timeoutMs: 6000 }) },
);
const stepArb = fc.record({
  session: fc.nat({ max: SESSIONS.length - 1 }),
  request: requestArb,
  sessionError: fc.option(fc.constantFrom('SESSIONEXPIRED' as const, 'SESSIONMOVED' as const), { freq: 12 }),
  /** How many prepared txns to commit before preparing this one (a pipeline of up to 3). */
  commit: fc.nat({ max: 3 }),
});

/** Everything observable about a tree, as plain data, to compare before and after. */
function fingerprint(tree: DataTree): string {
  const nodes = mapEntries(tree.nodes)
    .map(([path, node]) => [path, node.data, node.acl, statOf(node), getChildren(tree, path, [{ scheme: 'super', id: '' }])] as const)
    .sort((a, b) => (a[0] < b[0] ? -1 : 1));
  const eph = mapEntries(tree.ephemerals)
    .map(([k, v]) => [k, v.size, v.capacity])
    .sort();
  const sessions = mapEntries(tree.sessions).sort();
  return JSON.stringify([nodes, eph, sessions, tree.lastProcessedZxid]);
}

function checkCounters(tree: DataTree): void {
  expect(treeInvariantViolations(tree)).toEqual([]);
  for (const [path, node] of mapEntries(tree.nodes)) {
    const read = getChildren(tree, path, [{ scheme: 'super', id: '' }]);
    if (!read.ok) throw new Error(`${path}: ${read.err}`);
    expect(read.value.children).toHaveLength(read.value.stat.numChildren);
    expect(new Set(read.value.children).size).toBe(read.value.children.length);
    for (const child of read.value.children) expect(getNode(tree, `${path === '/' ? '' : path}/${child}`)).toBeDefined();
    expect(read.value.stat.cversion).toBe((2 * node.cversion - read.value.stat.numChildren) | 0);
    if (node.ephemeralOwner !== 0) expect(read.value.stat.numChildren).toBe(0);
  }
}

test.prop([fc.array(stepArb, { minLength: 1, maxLength: 60 })], { numRuns: 60 })(
  'prep and applyTxn never mutate their inputs, and the counters stay consistent',
  (steps) => {
    let committed = deepFreeze(createDataTree());
    let outstanding = deepFreeze(emptyOutstanding());
    const pending: Txn[] = [];
    let counter = 0;
    const commitOne = (): void => {
      const txn = pending.shift();
      if (txn === undefined) return;
      const before = fingerprint(committed);
      const outcome = applyTxn(committed, deepFreeze(txn));
      expect(fingerprint(committed)).toBe(before);
      committed = deepFreeze(outcome.tree);
      outstanding = deepFreeze(retireOutstanding(outstanding, txn.zxid));
      expect(committed.lastProcessedZxid).toBe(txn.zxid);
      checkCounters(committed);
    };
    for (const step of steps) {
      for (let i = 0; i < step.commit; i++) commitOne();
      counter++;
      const session = SESSIONS[step.session];
      if (session === undefined) throw new Error('bad session index');
      const base = { zxid: makeZxid(1, counter), timeMs: counter * 10, sessionId: session.sessionId, authIds: session.authIds };
      const ctx: PrepContext = deepFreeze(step.sessionError === null ? base : { ...base, sessionError: step.sessionError });
      const before = fingerprint(committed);
      const prepared = prep(committed, deepFreeze(step.request), ctx, outstanding);
      expect(fingerprint(committed)).toBe(before);
      expect(prepared.txn.zxid).toBe(ctx.zxid);
      outstanding = deepFreeze(prepared.outstanding);
      pending.push(prepared.txn);
    }
    while (pending.length > 0) commitOne();
    expect(outstanding.head).toBe(outstanding.tail);
  },
);

// ---- cost per write ---------------------------------------------------------------------------

/** Objects reachable from `value` that `known` does not contain. */
function newObjects(value: unknown, known: Set<unknown>, out: Set<unknown>): void {
  if (value === null || typeof value !== 'object' || known.has(value) || out.has(value)) return;
  out.add(value);
  for (const key of Object.keys(value)) newObjects((value as Record<string, unknown>)[key], known, out);
}

function allObjects(value: unknown, out: Set<unknown>): void {
  if (value === null || typeof value !== 'object' || out.has(value)) return;
  out.add(value);
  for (const key of Object.keys(value)) allObjects((value as Record<string, unknown>)[key], out);
}

test('a write to a 100k-znode tree allocates O(log n) objects', () => {
  let tree = createDataTree();
  let counter = 0;
  const apply = (body: Txn['body']): void => {
    counter++;
    tree = applyTxn(tree, { zxid: makeZxid(1, counter), timeMs: counter, sessionId: 5, body }).tree;
  };
  for (let p = 0; p < 100; p++) {
    apply({ type: 'create', path: `/p${p}`, data: '', acl: OPEN_ACL_UNSAFE, ephemeral: false, parentCversion: -1 });
    for (let c = 0; c < 1000; c++) {
      apply({ type: 'create', path: `/p${p}/c${c}`, data: '', acl: OPEN_ACL_UNSAFE, ephemeral: false, parentCversion: -1 });
    }
  }
  expect(tree.nodes.size).toBe(4 + 100 + 100_000);
  const known = new Set<unknown>();
  allObjects(tree, known);
  const before = tree;
  const request: WriteRequest = { type: 'create', path: '/p7/new', data: 'x', acl: OPEN_ACL_UNSAFE, mode: 'PERSISTENT' };
  const ctx: PrepContext = { zxid: makeZxid(1, ++counter), timeMs: 1, sessionId: 5, authIds: [] };
  const { txn } = prep(tree, request, ctx);
  tree = applyTxn(tree, txn).tree;
  const fresh = new Set<unknown>();
  newObjects(tree, known, fresh);
  // Two znodes and their stats' neighbours, one path of trie nodes each, one children set: ~40.
  expect(fresh.size).toBeLessThan(80);
  expect(before.nodes.size).toBe(100_104);
  expect(getNode(before, '/p7/new')).toBeUndefined();
});
