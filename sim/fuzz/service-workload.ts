// The service workload of the swarm: ZooKeeper sessions on every server (a client's connect string
// is shuffled, so sessions land on the leader, followers and observers alike), every call the
// client library offers, one-shot watches, ephemerals, digest ACLs with addAuth, multis that fail
// part-way, sync-then-read, session moves and expiries, and the recipes of protocol/client/recipes.
// A case is data: each client has a role (a plain client or a recipe host) and each operation is
// JSON, so a capsule replays and shrinks it like the kv workload.
//
// The znodes are split so that each recipe's safety property stays a ZooKeeper guarantee: the plain
// calls work under /n0 .. /n2 and on the kv registers /k0 .. /k3 (a kv operation of a service case
// becomes getData/setData there, see kvAsCommand); the recipes own /lock, /election, /queue,
// /config, /selector, /rwlock, /counter, /dbarrier and /tree, which no plain call touches (a deleted
// and re-created /config would restart its version; only the counter's CASes write /counter). Tree
// cache hosts write under /tree themselves, with plain calls, so that their caches have changes to
// follow.
import fc from 'fast-check';
import type { KvOp } from '../../protocol/kv/state-machine.js';
import type { ZkCommand } from '../../protocol/client/zk-client.js';
import { CREATOR_ALL_ACL, generateDigest, OPEN_ACL_UNSAFE, PERMS, type Acl, type CreateMode, type WriteOp } from '../../protocol/tree/index.js';
import { RECIPE_DIRS, SERVICE_ROLES, type ServiceRole, type ServiceSpec } from './service-roles.js';

export { RECIPE_DIRS, SERVICE_ROLES, type ServiceRole, type ServiceSpec };

/** A recipe's own command (recipes/host.ts hands it to the recipe, not to the client). */
export type RecipeCommand = {
  readonly type: 'lock' | 'unlock' | 'put' | 'take' | 'watch' | 'volunteer' | 'abdicate' | 'read' | 'write' | 'increment' | 'enter' | 'leave' | 'start';
};

/** One service operation: a client call, a recipe command, or a cut between the client and servers. */
export type ServiceOp =
  | { readonly type: 'zk'; readonly command: ZkCommand }
  | { readonly type: 'recipe'; readonly command: RecipeCommand }
  /**
   * The client's links to its current server ('current': the client moves to the next one) or to
   * every server ('all': longer than the session timeout, the session expires) are cut for `ms`.
   */
  | { readonly type: 'cut'; readonly scope: 'current' | 'all'; readonly ms: number };

export function isServiceOp(op: { readonly type: string }): op is ServiceOp {
  return op.type === 'zk' || op.type === 'recipe' || op.type === 'cut';
}

/** The user and password of the digest ACLs (a second, wrong password authenticates as someone else). */
export const DIGEST_USER = 'u1:pw';
const DIGEST_ID = generateDigest(DIGEST_USER);
/** Everything for the digest user only. */
export const DIGEST_ACL: readonly Acl[] = [{ perms: PERMS.ALL, id: { scheme: 'digest', id: DIGEST_ID } }];
/** Anyone reads, the digest user does everything. */
export const DIGEST_WRITE_ACL: readonly Acl[] = [
  { perms: PERMS.READ, id: { scheme: 'world', id: 'anyone' } },
  { perms: PERMS.ALL, id: { scheme: 'digest', id: DIGEST_ID } },
];

/** The znodes every service case starts with, made by one multi (the first to commit wins, the rest fail on op 0). */
export const SETUP_PATHS = [
  '/k0',
  '/k1',
  '/k2',
  '/k3',
  '/n0',
  '/n1',
  '/lock',
  '/election',
  '/queue',
  '/config',
  '/selector',
  '/rwlock',
  '/counter',
  '/dbarrier',
  '/tree',
] as const;

export function setupCommand(): ZkCommand {
  return { type: 'transaction', ops: SETUP_PATHS.map((path): WriteOp => ({ type: 'create', path, data: '', acl: OPEN_ACL_UNSAFE, mode: 'PERSISTENT' })) };
}

/** A kv operation of a service case (the base workload, write bursts, recovery writes) as a call on /k0 .. /k3. */
export function kvAsCommand(op: KvOp): ZkCommand {
  switch (op.type) {
    case 'set':
      return { type: 'setData', path: `/${op.key}`, data: op.value, version: -1 };
    case 'get':
      return { type: 'getData', path: `/${op.key}`, watch: false };
    case 'cas':
      return { type: 'setData', path: `/${op.key}`, data: op.value, version: op.version };
  }
}

const PATHS = ['/n0', '/n1', '/n2', '/n0/a', '/n0/b', '/n1/a', '/k0', '/k1'] as const;
const path = fc.constantFrom(...PATHS);
const version = fc.constantFrom(-1, -1, 0, 1, 2);
const data = fc.integer({ min: 0, max: 99 }).map(String);
const mode = fc.constantFrom<CreateMode>('PERSISTENT', 'EPHEMERAL', 'PERSISTENT_SEQUENTIAL', 'EPHEMERAL_SEQUENTIAL');
const acl = fc.constantFrom<readonly Acl[]>(OPEN_ACL_UNSAFE, OPEN_ACL_UNSAFE, OPEN_ACL_UNSAFE, DIGEST_ACL, DIGEST_WRITE_ACL, CREATOR_ALL_ACL);

/** A create: sequential ones go under /n0 or /n1 with a prefix, others at a pool path. */
const createOp: fc.Arbitrary<Extract<WriteOp, { type: 'create' }>> = fc.record({ path, data, acl, mode }).map((r) => ({
  type: 'create' as const,
  path: r.mode === 'PERSISTENT_SEQUENTIAL' || r.mode === 'EPHEMERAL_SEQUENTIAL' ? `${r.path.startsWith('/n1') ? '/n1' : '/n0'}/s-` : r.path,
  data: r.data,
  acl: r.acl,
  mode: r.mode,
}));

const writeOp: fc.Arbitrary<WriteOp> = fc.oneof(
  createOp,
  fc.record({ type: fc.constant('delete' as const), path, version }),
  fc.record({ type: fc.constant('setData' as const), path, data, version }),
  fc.record({ type: fc.constant('check' as const), path, version }),
);

/** A multi that fails in its middle op: a create, a check that cannot hold, then a write (none applies). */
const failingMulti: fc.Arbitrary<ZkCommand> = fc
  .record({ first: createOp, checked: path, last: writeOp })
  .map(({ first, checked, last }) => ({ type: 'transaction', ops: [first, { type: 'check', path: checked, version: 99 }, last] }));

const call: fc.Arbitrary<ZkCommand[]> = fc.oneof(
  { weight: 5, arbitrary: createOp.map((c): ZkCommand[] => [c]) },
  { weight: 3, arbitrary: fc.record({ path, version }).map((r): ZkCommand[] => [{ type: 'remove', ...r }]) },
  { weight: 4, arbitrary: fc.record({ path, data, version }).map((r): ZkCommand[] => [{ type: 'setData', ...r }]) },
  {
    weight: 5,
    arbitrary: fc
      .record({ type: fc.constantFrom('getData' as const, 'exists' as const, 'getChildren' as const), path, watch: fc.constantFrom(true, true, false) })
      .map((r): ZkCommand[] => [r]),
  },
  // sync, then a read on the same session: the read must see everything that completed before the sync began.
  {
    weight: 2,
    arbitrary: fc.record({ type: fc.constantFrom('getData' as const, 'getChildren' as const), path }).map((r): ZkCommand[] => [
      { type: 'sync', path: r.path },
      { type: r.type, path: r.path, watch: false },
    ]),
  },
  { weight: 3, arbitrary: fc.array(writeOp, { minLength: 1, maxLength: 4 }).map((ops): ZkCommand[] => [{ type: 'transaction', ops }]) },
  { weight: 1, arbitrary: failingMulti.map((m) => [m]) },
  {
    weight: 1,
    arbitrary: fc.record({ path, acl, version }).map((r): ZkCommand[] => [{ type: 'setACL', path: r.path, acl: r.acl, version: r.version }]),
  },
  { weight: 1, arbitrary: path.map((p): ZkCommand[] => [{ type: 'getACL', path: p }]) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(DIGEST_USER, 'u1:wrong').map((auth): ZkCommand[] => [{ type: 'addAuthInfo', scheme: 'digest', auth }]),
  },
);

const TREE_PATHS = ['/tree/a', '/tree/b', '/tree/a/x', '/tree/c'] as const;
/** A tree cache host's write under /tree (a create, setData or delete; failures such as NODEEXISTS are fine). */
const treeWrite: fc.Arbitrary<ServiceOp> = fc
  .record({ path: fc.constantFrom(...TREE_PATHS), kind: fc.constantFrom('create', 'create', 'setData', 'remove'), data })
  .map(({ path, kind, data: d }): ServiceOp => ({
    type: 'zk',
    command:
      kind === 'create'
        ? { type: 'create', path, data: d, acl: OPEN_ACL_UNSAFE, mode: 'PERSISTENT' }
        : kind === 'setData'
          ? { type: 'setData', path, data: d, version: -1 }
          : { type: 'remove', path, version: -1 },
  }));

/** A recipe host's own operations: its recipe's commands (and a tree cache host's writes under /tree). */
function recipeOps(role: Exclude<ServiceRole, 'plain'>): fc.Arbitrary<ServiceOp> {
  const asOp = (command: RecipeCommand): ServiceOp => ({ type: 'recipe', command });
  if (role === 'treecache') return fc.oneof({ weight: 1, arbitrary: fc.constant(asOp({ type: 'start' })) }, { weight: 3, arbitrary: treeWrite });
  return recipeCommands(role).map(asOp);
}

/** A recipe host's own commands (a lock's unlock is ignored unless it holds, a take with an empty queue takes nothing). */
function recipeCommands(role: Exclude<ServiceRole, 'plain' | 'treecache'>): fc.Arbitrary<RecipeCommand> {
  switch (role) {
    case 'lock':
      return fc.constantFrom<RecipeCommand>({ type: 'lock' }, { type: 'unlock' });
    case 'election':
      return fc.constant<RecipeCommand>({ type: 'lock' });
    case 'queue':
      return fc.constantFrom<RecipeCommand>({ type: 'put' }, { type: 'put' }, { type: 'take' });
    case 'config':
      return fc.constant<RecipeCommand>({ type: 'watch' });
    case 'selector':
      return fc.constantFrom<RecipeCommand>({ type: 'volunteer' }, { type: 'volunteer' }, { type: 'abdicate' });
    case 'rwlock':
      return fc.constantFrom<RecipeCommand>({ type: 'read' }, { type: 'read' }, { type: 'write' }, { type: 'unlock' }, { type: 'unlock' });
    case 'counter':
      return fc.constant<RecipeCommand>({ type: 'increment' });
    case 'dbarrier':
      return fc.constantFrom<RecipeCommand>({ type: 'enter' }, { type: 'leave' });
  }
}

const RECIPE_ROLES = SERVICE_ROLES.filter((r): r is Exclude<ServiceRole, 'plain'> => r !== 'plain');

export interface ServiceDraw {
  readonly spec: ServiceSpec;
  /** Operations by client index, each with its time; several at one time run in order. */
  readonly ops: readonly { readonly atMs: number; readonly client: number; readonly op: ServiceOp }[];
}

export interface ServiceLimits {
  readonly clients: number;
  readonly maxOps: number;
  /** Operations are drawn in [300, untilMs]. */
  readonly untilMs: number;
}

/** A service case's roles and operations (client 0 is always plain: it writes /config for the config recipe). */
export function serviceArb(limits: ServiceLimits): fc.Arbitrary<ServiceDraw> {
  const recipe = fc.constantFrom<Exclude<ServiceRole, 'plain'>>(...RECIPE_ROLES);
  return fc
    .record({
      sessionTimeoutMs: fc.constantFrom(2_000, 4_000, 6_000),
      primary: recipe,
      others: fc.array(fc.constantFrom<ServiceRole | 'primary'>('primary', 'primary', 'plain', ...RECIPE_ROLES), {
        minLength: limits.clients - 1,
        maxLength: limits.clients - 1,
      }),
    })
    .chain(({ sessionTimeoutMs, primary, others }) => {
      const roles: ServiceRole[] = ['plain', ...others.map((r) => (r === 'primary' ? primary : r))];
      const timed = fc.record({
        atMs: fc.integer({ min: 300, max: limits.untilMs }),
        client: fc.integer({ min: 0, max: limits.clients - 1 }),
        roll: fc.nat({ max: 99 }),
      });
      const one = timed.chain(({ atMs, client, roll }) => {
        const role = roles[client] ?? 'plain';
        const at = (ops: readonly ServiceOp[]): { atMs: number; client: number; op: ServiceOp }[] => ops.map((op) => ({ atMs, client, op }));
        if (roll < 6)
          return fc
            .record({ scope: fc.constantFrom<'current' | 'all'>('current', 'all'), share: fc.integer({ min: 30, max: 250 }) })
            .map(({ scope, share }) => at([{ type: 'cut', scope, ms: Math.round((sessionTimeoutMs * share) / 100) }]));
        if (role !== 'plain' && roll < 40) return recipeOps(role).map((op) => at([op]));
        return call.map((commands) => at(commands.map((command): ServiceOp => ({ type: 'zk', command }))));
      });
      return fc
        .array(one, { minLength: 3, maxLength: limits.maxOps, size: 'max' })
        .map((groups): ServiceDraw => ({ spec: { sessionTimeoutMs, roles }, ops: groups.flat().sort((a, b) => a.atMs - b.atMs) }));
    });
}

/** The message a client node takes for an operation (recipe hosts wrap plain calls as {type: 'zk'}), or null for none. */
export function appOpFor(role: ServiceRole, op: ServiceOp): unknown {
  if (op.type === 'recipe') return role === 'plain' ? null : op.command;
  if (op.type === 'zk') return role === 'plain' ? op.command : { type: 'zk', command: op.command };
  return null;
}

export function recipeDirOf(role: ServiceRole): string | null {
  return role === 'plain' ? null : RECIPE_DIRS[role];
}

/** One line for an operation of either workload (shrink's repro steps). */
export function describeOp(op: KvOp | ServiceOp): string {
  switch (op.type) {
    case 'set':
    case 'cas':
      return `${op.type} ${op.key}=${op.value}`;
    case 'get':
      return `get ${op.key}`;
    case 'zk':
      return describeCommand(op.command);
    case 'recipe':
      return `recipe ${op.command.type}`;
    case 'cut':
      return op.scope === 'all' ? `cut from every server for ${op.ms}ms` : `cut from its server for ${op.ms}ms (moves)`;
  }
}

function describeCommand(c: ZkCommand): string {
  switch (c.type) {
    case 'create':
      return `create ${c.path} ${c.mode}${c.acl === OPEN_ACL_UNSAFE || c.acl[0]?.id.scheme === 'world' ? '' : ' (ACL)'}`;
    case 'remove':
    case 'setData':
    case 'setACL':
      return `${c.type} ${c.path} version ${c.version}`;
    case 'getData':
    case 'exists':
    case 'getChildren':
      return `${c.type} ${c.path}${c.watch ? ' watch' : ''}`;
    case 'transaction':
      return `multi [${c.ops.map((o) => `${o.type} ${o.path}`).join(', ')}]`;
    case 'addAuthInfo':
      return `addAuth ${c.scheme} ${c.auth}`;
    case 'getACL':
    case 'sync':
      return `${c.type} ${c.path}`;
    case 'close':
      return 'close';
    case 'multi':
      return `multi [${c.ops.map((o) => `${o.type} ${o.path}`).join(', ')}]`;
    case 'getAllChildrenNumber':
    case 'getEphemerals':
      return `${c.type} ${c.path}`;
    case 'whoAmI':
      return 'whoAmI';
    case 'addWatch':
      return `addWatch ${c.path} ${c.mode}`;
    case 'removeWatches':
    case 'removeAllWatches':
      return `${c.type} ${c.path} ${c.watcherType}${c.local ? ' local' : ''}`;
  }
}

/** Whether an operation only reads (for the capsule's summary). */
export function isReadOp(op: KvOp | ServiceOp): boolean {
  if (op.type === 'get') return true;
  if (op.type !== 'zk') return false;
  const t = op.command.type;
  return t === 'getData' || t === 'exists' || t === 'getChildren' || t === 'getACL' || t === 'sync';
}
