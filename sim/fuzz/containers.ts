// Container and TTL nodes: for a share of the service cases, the servers run with
// zookeeper.extendedTypesEnabled on and a ContainerManager that checks often enough to act within a
// run, and a few clients use the nodes it deletes, as applications do (from 1.5 s on: earlier, before a first leader, most calls would only time out). A client makes a container
// (CreateMode.CONTAINER, as Curator's creatingParentContainersIfNeeded makes a lock's parent), puts
// a child in it and later removes the child, leaving the container for the leader to delete; another
// makes a container it never fills; another makes a TTL node (PERSISTENT_WITH_TTL, or a sequential
// one), perhaps refreshes it with a setData or holds a child in it for a while; some watch those
// nodes, so the leader's deletes fire NodeDeleted events.
//
// The leader's settings are ZooKeeper's Java properties, drawn here and recorded in the case (and so
// in the trace's options): znode.container.checkIntervalMs 200 ms to 3 s (60 s by default, longer
// than a run), maxPerMinute 10,000 (the default) or 600 or 120 (deletes 6 ms, 100 ms or 500 ms
// apart: a check's deletes then span several of its intervals), and maxNeverUsedIntervalMs 0 (3.8's
// default: a never-used container is kept), 300,000 (master's, ZOOKEEPER-4915) or 0.5 to 8 s.
// ZooKeeper takes any positive int for the first two (Timer.scheduleAtFixedRate, getMinIntervalMs).
//
// The nodes live at paths no other draw touches (/c0, /c1, /u0, /u1, /t0, /t1, /ts-...), so their
// children and TTLs are this layer's own. A history that creates them is left unjudged by the client
// checkers (sim/checkers/server-deletes.ts); the leader's deletes are judged from the committed txns
// (sim/service/container-checks.ts). Drawn after every other layer, so a seed without it is the
// case it was before. Nothing here knows about mutants or probes.
import fc from 'fast-check';
import type { ZkCommand } from '../../protocol/client/zk-client.js';
import { OPEN_ACL_UNSAFE, type CreateMode } from '../../protocol/tree/index.js';
import type { ContainerSettings, FuzzCase, Profile, WorkloadOp } from './case.js';

/** The leader's ContainerManager settings of a case with containers (ZabConfig's container* fields). */
type ContainerUse =
  /** A container filled by one child, emptied `removeAfterMs` after the child's create. */
  | { readonly kind: 'container'; readonly slot: number; readonly childMode: CreateMode; readonly fillAfterMs: number; readonly removeAfterMs: number }
  /** A container nobody ever fills. */
  | { readonly kind: 'unused'; readonly slot: number }
  /** A TTL node, maybe refreshed (setData) and maybe holding a child for a while. */
  | {
      readonly kind: 'ttl';
      readonly slot: number;
      readonly ttlMs: number;
      readonly refreshAfterMs: number | null;
      readonly child: { readonly afterMs: number; readonly holdMs: number } | null;
    }
  | { readonly kind: 'ttl-sequential'; readonly ttlMs: number }
  /** An exists or getChildren watch on one of the layer's nodes. */
  | { readonly kind: 'watch'; readonly path: string; readonly children: boolean };

export interface ContainerDraw {
  readonly settings: ContainerSettings;
  readonly uses: readonly { readonly atMs: number; readonly client: number; readonly use: ContainerUse }[];
}

const slot = fc.integer({ min: 0, max: 1 });
const ttlMs = fc.integer({ min: 100, max: 4_000 });

const useArb: fc.Arbitrary<ContainerUse> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('container' as const),
      slot,
      childMode: fc.constantFrom<CreateMode>('PERSISTENT', 'PERSISTENT', 'EPHEMERAL'),
      fillAfterMs: fc.integer({ min: 20, max: 2_000 }),
      removeAfterMs: fc.integer({ min: 50, max: 4_000 }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('unused' as const), slot }) },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('ttl' as const),
      slot,
      ttlMs,
      refreshAfterMs: fc.option(fc.integer({ min: 20, max: 3_000 }), { nil: null }),
      child: fc.option(fc.record({ afterMs: fc.integer({ min: 20, max: 1_000 }), holdMs: fc.integer({ min: 50, max: 4_000 }) }), { nil: null }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('ttl-sequential' as const), ttlMs }) },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant('watch' as const), path: fc.constantFrom('/c0', '/c1', '/u0', '/t0', '/t1'), children: fc.boolean() }),
  },
);

const settingsArb: fc.Arbitrary<ContainerSettings> = fc.record({
  checkIntervalMs: fc.integer({ min: 200, max: 3_000 }),
  maxPerMinute: fc.constantFrom(10_000, 10_000, 600, 120),
  maxNeverUsedIntervalMs: fc.oneof(fc.constant(0), fc.constant(0), fc.constant(300_000), fc.integer({ min: 500, max: 8_000 })),
});

/** Nothing for most service cases; for the profile's containerPercent of them, settings and three to ten uses (unbiased roll). */
export function containerArb(profile: Profile, c: FuzzCase): fc.Arbitrary<ContainerDraw | null> {
  if (profile.containerPercent <= 0 || c.service === undefined) return fc.constant(null);
  return fc.noBias(fc.integer({ min: 0, max: 99 })).chain((roll) =>
    roll >= profile.containerPercent
      ? fc.constant(null)
      : fc.record({
          settings: settingsArb,
          uses: fc.array(
            fc.record({
              atMs: fc.integer({ min: 1_500, max: c.faultsUntilMs }),
              client: fc.integer({ min: 0, max: Math.max(0, c.clients - 1) }),
              use: useArb,
            }),
            { minLength: 3, maxLength: 10 },
          ),
        }),
  );
}

const create = (path: string, mode: CreateMode, ttl?: number): ZkCommand =>
  ttl === undefined ? { type: 'create', path, data: '', acl: OPEN_ACL_UNSAFE, mode } : { type: 'create', path, data: '', acl: OPEN_ACL_UNSAFE, mode, ttl };

/** A use's calls, each at its offset from the use's time. */
export function containerCalls(client: number, use: ContainerUse): { readonly afterMs: number; readonly command: ZkCommand }[] {
  switch (use.kind) {
    case 'container': {
      const parent = `/c${use.slot}`;
      const child = `${parent}/x${client}`;
      return [
        { afterMs: 0, command: create(parent, 'CONTAINER') },
        { afterMs: use.fillAfterMs, command: create(child, use.childMode) },
        { afterMs: use.fillAfterMs + use.removeAfterMs, command: { type: 'remove', path: child, version: -1 } },
      ];
    }
    case 'unused':
      return [{ afterMs: 0, command: create(`/u${use.slot}`, 'CONTAINER') }];
    case 'ttl': {
      const path = `/t${use.slot}`;
      const calls: { afterMs: number; command: ZkCommand }[] = [{ afterMs: 0, command: create(path, 'PERSISTENT_WITH_TTL', use.ttlMs) }];
      if (use.refreshAfterMs !== null) calls.push({ afterMs: use.refreshAfterMs, command: { type: 'setData', path, data: 'refresh', version: -1 } });
      if (use.child !== null) {
        const child = `${path}/y${client}`;
        calls.push({ afterMs: use.child.afterMs, command: create(child, 'PERSISTENT') });
        calls.push({ afterMs: use.child.afterMs + use.child.holdMs, command: { type: 'remove', path: child, version: -1 } });
      }
      return calls;
    }
    case 'ttl-sequential':
      return [{ afterMs: 0, command: create('/ts-', 'PERSISTENT_SEQUENTIAL_WITH_TTL', use.ttlMs) }];
    case 'watch':
      return [{ afterMs: 0, command: use.children ? { type: 'getChildren', path: use.path, watch: true } : { type: 'exists', path: use.path, watch: true } }];
  }
}

/** The case with the layer's settings and its calls among the operations (calls at one instant run in order). */
export function withContainers(c: FuzzCase, d: ContainerDraw | null): FuzzCase {
  if (d === null) return c;
  const added: WorkloadOp[] = d.uses.flatMap(({ atMs, client, use }) =>
    containerCalls(client, use).map(({ afterMs, command }) => ({ atMs: atMs + afterMs, client, op: { type: 'zk' as const, command } })),
  );
  // A stable sort: a use's calls at one instant keep their order.
  return { ...c, containers: d.settings, ops: [...c.ops, ...added].sort((x, y) => x.atMs - y.atMs) };
}
