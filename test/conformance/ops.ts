// fast-check arbitraries for conformance op sequences (plain JSON, replayable against zabsim).
//
// The path space is small on purpose so ops collide: parents /a and /c, children /a/b, /a/x, /c/d,
// sequential prefixes /s-, /a/s-, /c/s- and the names those produce early on (/a/s-0000000000, …;
// the suffix is the parent's cversion, which counts every child creation, so small numbers recur).
// The sequence root '/' is only read, never written, so a sequence cannot lock itself out.

import { createHash } from 'node:crypto';
import fc from 'fast-check';
import type { AclEntry, CreateMode, MultiSubOp, Op, Slot } from './types.js';

export const PERMS = { READ: 1, WRITE: 2, CREATE: 4, DELETE: 8, ADMIN: 16, ALL: 31 } as const;

/** The digest id ZooKeeper derives from 'user:password' (DigestAuthenticationProvider). */
export function digestId(userPassword: string): string {
  const user = userPassword.split(':')[0] ?? '';
  return `${user}:${createHash('sha1').update(userPassword, 'utf8').digest('base64')}`;
}

export const CREDENTIALS = ['alice:secret', 'bob:secret', 'alice:wrong'] as const;

/**
 * The super user of the grown suite's ensembles: the servers get SUPER_DIGEST as
 * zookeeper.DigestAuthenticationProvider.superDigest, and a session that adds this digest auth gets
 * the `super` id, which passes every ACL check (DigestAuthenticationProvider.handleAuthentication).
 */
export const SUPER_PASSWORD = 'super:zabsim';
export const SUPER_DIGEST = digestId(SUPER_PASSWORD);

export const ACLS = {
  open: [{ perms: PERMS.ALL, scheme: 'world', id: 'anyone' }],
  readOnly: [{ perms: PERMS.READ, scheme: 'world', id: 'anyone' }],
  /** Read+create for everyone: children can be added but not removed. */
  readCreate: [{ perms: PERMS.READ | PERMS.CREATE, scheme: 'world', id: 'anyone' }],
  creatorAll: [{ perms: PERMS.ALL, scheme: 'auth', id: '' }],
  alice: [{ perms: PERMS.ALL, scheme: 'digest', id: digestId('alice:secret') }],
  aliceWorldRead: [
    { perms: PERMS.ALL, scheme: 'digest', id: digestId('alice:secret') },
    { perms: PERMS.READ, scheme: 'world', id: 'anyone' },
  ],
  bobAdminOnly: [{ perms: PERMS.ADMIN, scheme: 'digest', id: digestId('bob:secret') }],
  /** Every client of the real ensemble connects from 127.0.0.1, and every simulated one from 127.x.y.z. */
  loopback: [{ perms: PERMS.ALL, scheme: 'ip', id: '127.0.0.0/8' }],
  /** An address no client has: only the world read entry lets anyone in. */
  elsewhereWorldRead: [
    { perms: PERMS.ALL, scheme: 'ip', id: '10.1.2.3' },
    { perms: PERMS.READ, scheme: 'world', id: 'anyone' },
  ],
} satisfies Record<string, AclEntry[]>;

export const PARENTS = ['/a', '/c'] as const;
export const CHILDREN = ['/a/b', '/a/x', '/c/d'] as const;
export const SEQ_PREFIXES = ['/s-', '/a/s-', '/c/s-'] as const;
export const SEQ_NAMES = [
  '/s-0000000000',
  '/s-0000000001',
  '/a/s-0000000000',
  '/a/s-0000000001',
  '/a/s-0000000002',
  '/c/s-0000000000',
  '/c/s-0000000001',
] as const;

const slotArb: fc.Arbitrary<Slot> = fc.constantFrom<Slot>(0, 1);
const dataArb = fc.constantFrom('', 'x', 'hello', 'v2');
/** -1 (unconditional) and small versions: right about as often as wrong. */
const versionArb = fc.constantFrom(-1, -1, 0, 0, 1, 2, 5);
/** Watches are the point of most reads. */
const watchArb = fc.constantFrom(true, true, false);
const modeArb = fc.constantFrom<CreateMode>('persistent', 'ephemeral', 'persistent_sequential', 'ephemeral_sequential');
const aclArb = fc.oneof({ arbitrary: fc.constant(ACLS.open), weight: 6 }, { arbitrary: fc.constantFrom(...Object.values(ACLS)), weight: 2 });
/** Paths that ops modify (never the root). */
const nodePathArb = fc.oneof(
  { arbitrary: fc.constantFrom(...PARENTS), weight: 8 },
  { arbitrary: fc.constantFrom(...CHILDREN), weight: 4 },
  { arbitrary: fc.constantFrom(...SEQ_NAMES), weight: 1 },
);
const createPathArb = fc.oneof(
  { arbitrary: fc.constantFrom(...PARENTS), weight: 4 },
  { arbitrary: fc.constantFrom(...CHILDREN), weight: 3 },
  { arbitrary: fc.constantFrom(...SEQ_PREFIXES), weight: 2 },
);
/** Paths that reads may target: the node paths plus the root. */
const readPathArb = fc.oneof({ arbitrary: fc.constant('/'), weight: 2 }, { arbitrary: nodePathArb, weight: 6 });

/**
 * Mostly plain modes on plain paths and sequential modes on the sequential prefixes (so later ops
 * can hit the generated names), sometimes any mode on any path (e.g. '/a' sequential -> '/a0000000003').
 */
const plainModeArb = fc.constantFrom<CreateMode>('persistent', 'persistent', 'persistent', 'persistent', 'ephemeral');
const seqModeArb = fc.constantFrom<CreateMode>('persistent_sequential', 'ephemeral_sequential');
const createPathModeArb: fc.Arbitrary<{ path: string; mode: CreateMode }> = fc.oneof(
  { arbitrary: fc.record({ path: fc.constantFrom<string>(...PARENTS), mode: plainModeArb }), weight: 5 },
  { arbitrary: fc.record({ path: fc.constantFrom<string>(...CHILDREN), mode: plainModeArb }), weight: 4 },
  { arbitrary: fc.record({ path: fc.constantFrom<string>(...SEQ_PREFIXES), mode: seqModeArb }), weight: 3 },
  { arbitrary: fc.record({ path: createPathArb, mode: modeArb }), weight: 1 },
);

const createArb: fc.Arbitrary<Op> = fc
  .record({ s: slotArb, pm: createPathModeArb, data: dataArb, acl: aclArb })
  .map(({ s, pm, data, acl }) => ({ kind: 'create' as const, s, path: pm.path, data, acl, mode: pm.mode }));

const deleteArb: fc.Arbitrary<Op> = fc.record({
  kind: fc.constant('delete' as const),
  s: slotArb,
  path: nodePathArb,
  version: versionArb,
});

const setDataArb: fc.Arbitrary<Op> = fc.record({
  kind: fc.constant('setData' as const),
  s: slotArb,
  path: nodePathArb,
  data: dataArb,
  version: versionArb,
});

const getDataArb: fc.Arbitrary<Op> = fc.record({
  kind: fc.constant('getData' as const),
  s: slotArb,
  path: readPathArb,
  watch: watchArb,
});

const existsArb: fc.Arbitrary<Op> = fc.record({
  kind: fc.constant('exists' as const),
  s: slotArb,
  path: readPathArb,
  watch: watchArb,
});

const getChildrenArb: fc.Arbitrary<Op> = fc.record({
  kind: fc.constant('getChildren' as const),
  s: slotArb,
  path: readPathArb,
  watch: watchArb,
});

const getAclArb: fc.Arbitrary<Op> = fc.record({
  kind: fc.constant('getACL' as const),
  s: slotArb,
  path: readPathArb,
});

const setAclArb: fc.Arbitrary<Op> = fc.record({
  kind: fc.constant('setACL' as const),
  s: slotArb,
  path: nodePathArb,
  acl: fc.constantFrom(...Object.values(ACLS)),
  version: versionArb,
});

const addAuthArb: fc.Arbitrary<Op> = fc.oneof(
  {
    arbitrary: fc.record({ kind: fc.constant('addAuth' as const), s: slotArb, scheme: fc.constant('digest' as const), auth: fc.constantFrom(...CREDENTIALS) }),
    weight: 4,
  },
  // The ip provider ignores the bytes and adds the connection's own address (IPAuthenticationProvider).
  { arbitrary: fc.record({ kind: fc.constant('addAuth' as const), s: slotArb, scheme: fc.constant('ip' as const), auth: fc.constant('10.1.2.3') }), weight: 1 },
);

const superAuthArb: fc.Arbitrary<Op> = fc.record({
  kind: fc.constant('addAuth' as const),
  s: slotArb,
  scheme: fc.constant('digest' as const),
  auth: fc.constant(SUPER_PASSWORD),
});

const syncArb: fc.Arbitrary<Op> = fc.record({ kind: fc.constant('sync' as const), s: slotArb, path: readPathArb });

/**
 * Paths both clients refuse before sending (Java's PathUtils.validatePath, node-zookeeper-client's
 * Path.validate): an empty name, a relative name, a trailing slash on a non-sequential create.
 */
export const INVALID_PATHS = ['/a//b', '/a/./b', '/a/..', '/a/', '/c/d/'] as const;
const invalidPathOpArb: fc.Arbitrary<Op> = fc
  .record({ s: slotArb, path: fc.constantFrom(...INVALID_PATHS), which: fc.nat(3) })
  .map(({ s, path, which }): Op => {
    switch (which) {
      case 0:
        return { kind: 'create', s, path, data: '', acl: ACLS.open, mode: 'persistent' };
      case 1:
        return { kind: 'getData', s, path, watch: true };
      case 2:
        return { kind: 'setData', s, path, data: 'x', version: -1 };
      default:
        return {
          kind: 'multi',
          s,
          ops: [
            { op: 'check', path: '/a', version: -1 },
            { op: 'delete', path, version: -1 },
          ],
        };
    }
  });

const multiSubArb: fc.Arbitrary<MultiSubOp> = fc.oneof(
  {
    arbitrary: fc
      .record({ pm: createPathModeArb, data: dataArb })
      .map(({ pm, data }) => ({ op: 'create' as const, path: pm.path, data, acl: ACLS.open, mode: pm.mode })),
    weight: 3,
  },
  { arbitrary: fc.record({ op: fc.constant('delete' as const), path: nodePathArb, version: versionArb }), weight: 1 },
  {
    arbitrary: fc.record({ op: fc.constant('setData' as const), path: nodePathArb, data: dataArb, version: versionArb }),
    weight: 1,
  },
  { arbitrary: fc.record({ op: fc.constant('check' as const), path: nodePathArb, version: versionArb }), weight: 1 },
);

const multiArb: fc.Arbitrary<Op> = fc.record({
  kind: fc.constant('multi' as const),
  s: slotArb,
  ops: fc.array(multiSubArb, { minLength: 1, maxLength: 3 }),
});

const closeArb: fc.Arbitrary<Op> = fc.record({ kind: fc.constant('close' as const), s: slotArb });

/** One op; writes dominate so the tree actually changes. */
export const opArb: fc.Arbitrary<Op> = fc.oneof(
  { arbitrary: createArb, weight: 12 },
  { arbitrary: deleteArb, weight: 5 },
  { arbitrary: setDataArb, weight: 5 },
  { arbitrary: getDataArb, weight: 4 },
  { arbitrary: existsArb, weight: 4 },
  { arbitrary: getChildrenArb, weight: 4 },
  { arbitrary: getAclArb, weight: 2 },
  { arbitrary: setAclArb, weight: 2 },
  { arbitrary: addAuthArb, weight: 2 },
  { arbitrary: multiArb, weight: 4 },
  { arbitrary: closeArb, weight: 1 },
);

/** The ops of the grown suite: the ones above plus sync, the super user's auth and ops on invalid paths. */
export const opArb2: fc.Arbitrary<Op> = fc.oneof(
  { arbitrary: opArb, weight: 48 },
  { arbitrary: superAuthArb, weight: 1 },
  { arbitrary: syncArb, weight: 2 },
  { arbitrary: invalidPathOpArb, weight: 1 },
);

/** A sequence of exactly `length` ops. */
export function opSequenceArb(length = 30): fc.Arbitrary<Op[]> {
  return fc.array(opArb, { minLength: length, maxLength: length });
}

/** Deterministic sample: the same (seed, count, length) always yields the same sequences. */
export function sampleSequences(seed: number, count: number, length = 30): Op[][] {
  return fc.sample(opSequenceArb(length), { seed, numRuns: count });
}

/** A generated sequence and how it is run (see the replay protocol in types.ts). */
export interface SequencePlan {
  ops: Op[];
  /** Slot 0 and slot 1 on different servers (a sync barrier after each op or batch). */
  spread: boolean;
}

/** Children of /a made by the fan-out prefix: more than 16, so HashSet order is past its first resize. */
export const FANOUT_NAMES = Array.from({ length: 24 }, (_, k) => `/a/f${k}`);

/**
 * A fan-out prefix: create /a, then 17-24 children in one pipelined batch (some ephemeral), then list
 * them; the rest of the sequence works on a parent with that many children.
 */
const fanoutArb: fc.Arbitrary<Op[]> = fc
  .record({ n: fc.integer({ min: 17, max: 24 }), ephemeral: fc.array(fc.boolean(), { minLength: 24, maxLength: 24 }), s: slotArb })
  .map(({ n, ephemeral, s }) => [
    { kind: 'create', s, path: '/a', data: '', acl: ACLS.open, mode: 'persistent' },
    ...FANOUT_NAMES.slice(0, n).map((path, k): Op => ({
      kind: 'create',
      s,
      path,
      data: '',
      acl: ACLS.open,
      mode: ephemeral[k] === true ? 'ephemeral' : 'persistent',
      pipe: true,
    })),
    { kind: 'getChildren', s, path: '/a', watch: true, pipe: true },
  ]);

/**
 * 2-5 ops of one slot sent back to back (never a close: the ops after it would need a new session). A
 * setACL ends its batch: PrepRequestProcessor's setACL case adds a ChangeRecord duplicated from the
 * node's old one with only the aversion changed, so the old ACL stays in outstandingChanges until the
 * txn is applied; an ACL check of a request prepared in between sees the old ACL, one prepared after
 * sees the new. With the request already in flight that depends on timing (seed 391624, sequence 150:
 * a delete under a node whose ACL the batch had just narrowed got NOAUTH once and NONODE twice in
 * three replays on real 3.8.0). One op at a time, the next request comes after the reply, so it sees
 * the new ACL.
 */
const batchArb: fc.Arbitrary<Op[]> = fc
  .record({
    s: slotArb,
    ops: fc.array(
      opArb2.filter((o) => o.kind !== 'close'),
      { minLength: 2, maxLength: 5 },
    ),
  })
  .map(({ s, ops }) => {
    const acl = ops.findIndex((o) => o.kind === 'setACL');
    return (acl < 0 ? ops : ops.slice(0, acl + 1)).map((o, k): Op => (k === 0 ? { ...o, s } : { ...o, s, pipe: true }));
  });

/**
 * One sequence of exactly `length` ops. Half are "concurrent": spread over two servers, with pipelined
 * batches among single ops; a fifth of all start with the fan-out prefix.
 */
export function sequencePlanArb(length = 40): fc.Arbitrary<SequencePlan> {
  const chunkArb = fc.oneof({ arbitrary: opArb2.map((o) => [o]), weight: 3 }, { arbitrary: batchArb, weight: 1 });
  const concurrent = fc.record({
    chunks: fc.array(chunkArb, { minLength: length, maxLength: length }),
    prefix: fc.oneof({ arbitrary: fc.constant([] as Op[]), weight: 3 }, { arbitrary: fanoutArb, weight: 2 }),
  });
  const plain = fc.record({
    ops: fc.array(opArb2, { minLength: length, maxLength: length }),
    prefix: fc.oneof({ arbitrary: fc.constant([] as Op[]), weight: 9 }, { arbitrary: fanoutArb, weight: 1 }),
  });
  return fc.oneof(
    // Cut to `length` ops: a batch cut short stays a (shorter) batch.
    concurrent.map(({ chunks, prefix }) => ({ ops: [...prefix, ...chunks.flat()].slice(0, length), spread: true })),
    plain.map(({ ops, prefix }) => ({ ops: [...prefix, ...ops].slice(0, length), spread: false })),
  );
}

/** Deterministic sample of plans: the same (seed, count, length) always yields the same plans. */
export function samplePlans(seed: number, count: number, length = 40): SequencePlan[] {
  return fc.sample(sequencePlanArb(length), { seed, numRuns: count });
}

/** True when some op of the sequence is sent before the previous one's reply. */
export function isPipelined(ops: readonly Op[]): boolean {
  return ops.some((o) => o.pipe === true);
}
