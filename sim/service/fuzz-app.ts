// The ZooKeeper service as the application of a Zab run (sim/zab/run.ts with `options.service`): the
// servers run the data tree and the session layer (protocol/node/zookeeper-node.ts), the clients are
// ZooKeeper clients or recipe hosts (one role each), the history is the zk history of their calls,
// and the recipes' claims are judged by each recipe's own safety property at the end. The fuzzer's
// service workload (sim/fuzz/service-workload.ts) runs through here.
import type { NodeId, NodeProgram } from '../../protocol/program.js';
import type { ZabConfig } from '../../protocol/zab/config.js';
import type { ZabObservation } from '../../protocol/zab/effects.js';
import type { ZabServer } from '../../protocol/zab/state.js';
import { txnAt } from '../../protocol/zab/history.js';
import type { Txn as TreeTxn } from '../../protocol/tree/types.js';
import { getNode, type DataTree } from '../../protocol/tree/index.js';
import { zookeeperServerProgram } from '../../protocol/node/zookeeper-node.js';
import { defaultZkClientConfig, zkClientProgram, type ZkClientConfig } from '../../protocol/client/zk-client.js';
import { recipeProgram, type Recipe } from '../../protocol/client/recipes/host.js';
import { lockRecipe } from '../../protocol/client/recipes/lock.js';
import { queueRecipe } from '../../protocol/client/recipes/queue.js';
import { configRecipe } from '../../protocol/client/recipes/config.js';
import { selectorRecipe } from '../../protocol/client/recipes/selector.js';
import { rwLockRecipe } from '../../protocol/client/recipes/rwlock.js';
import { counterRecipe, valueOf } from '../../protocol/client/recipes/counter.js';
import { doubleBarrierRecipe } from '../../protocol/client/recipes/double-barrier.js';
import { treeCacheRecipe, viewOf, type TreeCacheState } from '../../protocol/client/recipes/tree-cache.js';
import type { RecipeHost } from '../../protocol/client/recipes/host.js';
import type { Kernel } from '../kernel/kernel.js';
import { forkRng } from '../rng.js';
import { HistoryRecorder } from '../history/recorder.js';
import type { ZkHistory } from '../history/types.js';
import { aclMeta, zkHistoryAdapterFor } from './history.js';
import type { Observed } from './observed.js';
import { checkConfigMonotonic, checkLockExclusion, checkQueue } from './recipe-checks.js';
import { checkCounter, checkDoubleBarrier, checkReadWriteExclusion, lastIncrementZxid, subtreeOf, treeViewDifference } from './recipe-checks-curator.js';
import { RECIPE_DIRS, type ServiceRole, type ServiceSpec } from '../fuzz/service-roles.js';
import { ContainerJudge } from './container-checks.js';
import { CONTAINER_CHECK_INTERVAL_MS, CONTAINER_MAX_PER_MINUTE } from '../../protocol/service/container-manager.js';

type AnyProgram = NodeProgram<unknown, unknown, unknown, unknown, unknown>;

/**
 * The recipe checkers and the leader's container and TTL deletes (container-checks.ts), in the order
 * a first failure is named (after the client checkers).
 */
export const RECIPE_CHECKERS = [
  'recipe-lock',
  'recipe-election',
  'recipe-queue',
  'recipe-config',
  'recipe-selector',
  'recipe-rwlock',
  'recipe-counter',
  'recipe-dbarrier',
  'recipe-treecache',
  'container-deletes',
] as const;

export interface RecipeCheckResult {
  readonly name: string;
  readonly verdict: 'ok' | 'violated';
  readonly reason: string;
}

export class ServiceApp {
  readonly serverProgram: AnyProgram;
  readonly recorder: HistoryRecorder;
  private readonly spec: ServiceSpec;
  private readonly clientConfigs = new Map<NodeId, ZkClientConfig>();
  private readonly programs = new Map<ServiceRole, AnyProgram>();
  private readonly claims: Observed[] = [];
  private readonly endedSessions = new Set<number>();
  /** First commit time, on any server, of a delete of a recipe node, and of each closeSession. */
  private readonly deletedAt = new Map<string, number>();
  private readonly closedAt = new Map<number, number>();
  /** Lock nodes some client claimed, with their creation zxid (null when no tree held it at the claim). */
  private readonly lockNodes = new Map<string, number | null>();
  private readonly servers: readonly NodeId[];
  /** The run's kernel (seen at the first observation): the end-of-run checks read servers and hosts. */
  private kernel: Kernel | null = null;
  /** Each tree cache's last rebuild (its start, and every reconnect), and the last commit under /tree. */
  private readonly lastRebuildUs = new Map<NodeId, number>();
  private lastTreeChangeUs = 0;
  private readonly roleById = new Map<NodeId, ServiceRole>();
  /** The leader's deletes of container and TTL nodes, judged from the committed txns. */
  private readonly containers: ContainerJudge;

  constructor(config: ZabConfig, spec: ServiceSpec, seed: string, servers: readonly NodeId[], meta: Record<string, unknown>) {
    this.spec = spec;
    this.servers = servers;
    this.serverProgram = zookeeperServerProgram(config) as AnyProgram;
    this.containers = new ContainerJudge({
      checkIntervalMs: config.containerCheckIntervalMs ?? CONTAINER_CHECK_INTERVAL_MS,
      maxPerMinute: config.containerMaxPerMinute ?? CONTAINER_MAX_PER_MINUTE,
      maxNeverUsedIntervalMs: config.containerMaxNeverUsedIntervalMs ?? 0,
    });
    // A TTL create is in the history only where the servers take it (extendedTypesEnabled, containers.ts).
    this.recorder = new HistoryRecorder(zkHistoryAdapterFor(config.extendedTypesEnabled === true), { ...meta, ...aclMeta(config) });
    // Each client's connect string order comes from the clients stream (ZooKeeper shuffles it), as in ServiceHarness.
    const rng = forkRng(seed, 'clients');
    this.orderFor = (): NodeId[] => {
      const order = [...servers];
      for (let i = order.length - 1; i > 0; i--) {
        const j = rng.intInclusive(0, i);
        [order[i], order[j]] = [order[j] as NodeId, order[i] as NodeId];
      }
      return order;
    };
  }

  private readonly orderFor: () => NodeId[];

  /** The role of client `index` (a client beyond the roles, such as the liveness probe, is plain). */
  roleOf(index: number): ServiceRole {
    return this.spec.roles[index] ?? 'plain';
  }

  /** The program of client node `id`, the `index`-th client. Its server order is drawn now, in client order. */
  clientProgram(id: NodeId, index: number): AnyProgram {
    this.clientConfigs.set(id, defaultZkClientConfig(this.orderFor(), this.spec.sessionTimeoutMs));
    const role = this.roleOf(index);
    this.roleById.set(id, role);
    let program = this.programs.get(role);
    if (program === undefined) {
      const configFor = (node: NodeId): ZkClientConfig => this.clientConfigs.get(node) as ZkClientConfig;
      const members = this.spec.roles.filter((r) => r === 'dbarrier').length;
      program = (role === 'plain' ? zkClientProgram(configFor) : recipeProgram(recipeOf(role, members), configFor)) as AnyProgram;
      this.programs.set(role, program);
    }
    return program;
  }

  /** Reads the observations the service judges: calls, watches and sessions (history), commits (session ends, deletes), claims. */
  observe(kernel: Kernel, node: NodeId, o: ZabObservation, nowUs: number): void {
    this.kernel ??= kernel;
    switch (o.kind) {
      case 'session':
      case 'invoke':
      case 'complete':
      case 'watch':
        this.recorder.observe(node, o, nowUs);
        return;
      case 'recipe':
        if (o.event === 'acquired' || o.event === 'leader') this.noteRemovedLockNodes(kernel, String(o.detail), nowUs);
        if (o.event === 'rebuild') this.lastRebuildUs.set(node, nowUs);
        this.claims.push({ atUs: nowUs, node, what: o });
        return;
      case 'commit':
        this.noteCommit(kernel, node, o, nowUs);
        return;
      default:
        return;
    }
  }

  private noteCommit(kernel: Kernel, node: NodeId, o: Extract<ZabObservation, { kind: 'commit' }>, nowUs: number): void {
    const s = kernel.stateOf(node) as ZabServer | undefined;
    if (s !== undefined) this.containers.commit(s, o.index, nowUs);
    const txn = s === undefined ? undefined : (txnAt(s, o.index)?.body as TreeTxn | undefined);
    const body = txn?.body;
    if (txn === undefined || body === undefined) return;
    if (touchesTree(body)) this.lastTreeChangeUs = nowUs;
    if (body.type === 'closeSession') {
      if (!this.closedAt.has(txn.sessionId)) this.closedAt.set(txn.sessionId, nowUs);
      // The history's "ENDED" record, once, from the first server that commits it (as ServiceHarness).
      if (!this.endedSessions.has(txn.sessionId)) {
        this.endedSessions.add(txn.sessionId);
        this.recorder.sessionEnded(txn.sessionId, o.zxid, nowUs);
      }
    } else if (body.type === 'delete' && isRecipeNode(body.path) && !this.deletedAt.has(body.path)) this.deletedAt.set(body.path, nowUs);
  }

  /**
   * At each acquisition, which lock nodes claimed so far some server has already removed: its tree
   * has processed past the node's creation and no longer holds it. A delete or a session close can
   * reach a server without a commit observation of its own (in a SNAP, or in the batch a new leader
   * commits when it activates), so the commit observations alone would miss it. A server's tree
   * holds committed txns only, so this never marks a node removed before it was.
   */
  private noteRemovedLockNodes(kernel: Kernel, acquired: string, nowUs: number): void {
    const trees = this.servers.map((id) => (kernel.stateOf(id) as ZabServer | undefined)?.state as DataTree | undefined);
    if (!this.lockNodes.has(acquired)) {
      let czxid: number | null = null;
      for (const t of trees) czxid ??= t === undefined ? null : (getNode(t, acquired)?.czxid ?? null);
      this.lockNodes.set(acquired, czxid);
    }
    for (const [path, czxid] of this.lockNodes) {
      if (path === acquired || this.deletedAt.has(path)) continue;
      if (trees.some((t) => t !== undefined && (czxid === null || t.lastProcessedZxid >= czxid) && getNode(t, path) === undefined))
        this.deletedAt.set(path, nowUs);
    }
  }

  history(): ZkHistory {
    return this.recorder.history();
  }

  /** Each recipe present in the case, judged by its own safety property. */
  recipeChecks(): RecipeCheckResult[] {
    const present = new Set(this.spec.roles);
    const out: RecipeCheckResult[] = [];
    const gone = (path: string, session: number, atUs: number): boolean =>
      (this.deletedAt.get(path) ?? Infinity) <= atUs || (this.closedAt.get(session) ?? Infinity) <= atUs;
    for (const recipe of ['lock', 'election'] as const) {
      if (!present.has(recipe)) continue;
      const r = checkLockExclusion(this.claims, recipe, gone);
      out.push(verdictOf(`recipe-${recipe}`, r.violations, `${r.acquisitions} acquisitions`));
    }
    if (present.has('queue')) {
      const r = checkQueue(this.claims);
      out.push(verdictOf('recipe-queue', r.violations, `${r.taken} items taken`));
    }
    if (present.has('config')) {
      const r = checkConfigMonotonic(this.claims);
      out.push(verdictOf('recipe-config', r.violations, `${r.reads} reads`));
    }
    if (present.has('selector')) {
      const r = checkLockExclusion(this.claims, 'selector', gone);
      out.push(verdictOf('recipe-selector', r.violations, `${r.acquisitions} leaderships`));
    }
    if (present.has('rwlock')) {
      const r = checkReadWriteExclusion(this.claims, gone);
      out.push(verdictOf('recipe-rwlock', r.violations, `${r.acquisitions} acquisitions`));
    }
    if (present.has('counter')) {
      const r = checkCounter(this.claims, this.finalCounter());
      out.push(verdictOf('recipe-counter', r.violations, `${r.increments} increments`));
    }
    if (present.has('dbarrier')) {
      const r = checkDoubleBarrier(this.claims, this.spec.roles.filter((x) => x === 'dbarrier').length);
      out.push(verdictOf('recipe-dbarrier', r.violations, `${r.passed} entered, ${r.left} left`));
    }
    if (present.has('treecache')) out.push(this.treeCacheCheck());
    if (this.containers.active) out.push({ name: 'container-deletes', ...this.containers.safety() });
    return out;
  }

  /** The liveness of the leader's container and TTL deletes at the end (container-checks.ts): null, or why not. */
  containerLiveness(leader: ZabServer, nowUs: number, recoveredUs: number): string | null {
    return this.containers.liveness(leader, nowUs, recoveredUs);
  }

  /** An established leader's tree (it holds every committed txn), or undefined when there is none. */
  private leaderTree(): DataTree | undefined {
    const k = this.kernel;
    if (k === null) return undefined;
    for (const id of this.servers) {
      const s = k.stateOf(id) as ZabServer | undefined;
      if (s !== undefined && k.isUp(id) && s.role === 'LEADING' && s.phase === 'BROADCAST') return s.state as DataTree;
    }
    return undefined;
  }

  /** The counter's final value, from a leader's tree that has applied every accepted increment (else null). */
  private finalCounter(): number | null {
    const tree = this.leaderTree();
    if (tree === undefined || tree.lastProcessedZxid < lastIncrementZxid(this.claims)) return null;
    return valueOf(getNode(tree, RECIPE_DIRS.counter)?.data);
  }

  /**
   * Each tree cache whose subtree has been quiet and whose last rebuild (at its start and at every
   * reconnect) came at least TREE_QUIET_TIMEOUTS session timeouts (plus a second) before the end,
   * connected now with nothing outstanding, must hold exactly the tree of the server it is connected
   * to. Within that time a lost event or reply breaks the connection (the read timeout is 2/3 of the
   * session timeout), and the reconnect would show as a later rebuild; a server that resynced has
   * dropped its clients. Caches not that quiet are not judged.
   */
  private treeCacheCheck(): RecipeCheckResult {
    const k = this.kernel;
    if (k === null) return { name: 'recipe-treecache', verdict: 'ok', reason: 'no run' };
    const quietUs = (TREE_QUIET_TIMEOUTS * this.spec.sessionTimeoutMs + 1000) * 1000;
    let hosts = 0;
    let judged = 0;
    for (const [id, config] of this.clientConfigs) {
      const host = k.stateOf(id) as RecipeHost<TreeCacheState> | undefined;
      if (this.roleById.get(id) !== 'treecache' || host === undefined) continue;
      hosts++;
      const c = host.client;
      const server = config.servers[c.serverIndex % config.servers.length] as NodeId;
      const since = Math.max(this.lastTreeChangeUs, this.lastRebuildUs.get(id) ?? Infinity);
      if (!k.isUp(id) || k.isPaused(id) || c.state !== 'CONNECTED' || host.tags.length > 0 || c.pending.length > 0) continue;
      if (!k.isUp(server) || k.isPaused(server) || k.nowUs - since < quietUs || !host.recipe.started) continue;
      const tree = (k.stateOf(server) as ZabServer | undefined)?.state as DataTree | undefined;
      if (tree === undefined) continue;
      judged++;
      const diff = treeViewDifference(viewOf(host.recipe), subtreeOf(tree, RECIPE_DIRS.treecache));
      if (diff !== null) return { name: 'recipe-treecache', verdict: 'violated', reason: `client ${id} on server ${server}: ${diff}` };
    }
    return { name: 'recipe-treecache', verdict: 'ok', reason: `${judged} of ${hosts} caches judged quiet and equal to the tree` };
  }
}

function verdictOf(name: string, violations: readonly { message: string }[], ok: string): RecipeCheckResult {
  const first = violations[0];
  return first === undefined ? { name, verdict: 'ok', reason: ok } : { name, verdict: 'violated', reason: first.message };
}

/** Session timeouts a tree cache must have been connected, with its subtree quiet, to be judged. */
const TREE_QUIET_TIMEOUTS = 2;

function isRecipeNode(path: string): boolean {
  return (
    path.startsWith(`${RECIPE_DIRS.lock}/`) ||
    path.startsWith(`${RECIPE_DIRS.election}/`) ||
    path.startsWith(`${RECIPE_DIRS.selector}/`) ||
    path.startsWith(`${RECIPE_DIRS.rwlock}/`)
  );
}

function underTree(path: string): boolean {
  return path === RECIPE_DIRS.treecache || path.startsWith(`${RECIPE_DIRS.treecache}/`);
}

/** Whether a txn changes the tree cache's subtree (its hosts write there with plain creates, setData and deletes). */
function touchesTree(body: TreeTxn['body']): boolean {
  if (body.type === 'multi') return body.txns.some((t) => 'path' in t && underTree(t.path));
  return 'path' in body && underTree(body.path);
}

function recipeOf(role: Exclude<ServiceRole, 'plain'>, members: number): Recipe<unknown> {
  switch (role) {
    case 'lock':
      return lockRecipe(RECIPE_DIRS.lock) as Recipe<unknown>;
    case 'election':
      return lockRecipe(RECIPE_DIRS.election, true) as Recipe<unknown>;
    case 'queue':
      return queueRecipe(RECIPE_DIRS.queue) as Recipe<unknown>;
    case 'config':
      return configRecipe(RECIPE_DIRS.config) as Recipe<unknown>;
    case 'selector':
      return selectorRecipe(RECIPE_DIRS.selector) as Recipe<unknown>;
    case 'rwlock':
      return rwLockRecipe(RECIPE_DIRS.rwlock) as Recipe<unknown>;
    case 'counter':
      return counterRecipe(RECIPE_DIRS.counter) as Recipe<unknown>;
    case 'dbarrier':
      return doubleBarrierRecipe(RECIPE_DIRS.dbarrier, members) as Recipe<unknown>;
    case 'treecache':
      return treeCacheRecipe(RECIPE_DIRS.treecache) as Recipe<unknown>;
  }
}
