// The leader's ContainerManager: every checkIntervalMs it lists the container nodes that had children
// and have none now, and the TTL nodes with no children whose mtime + ttl has passed
// (ContainerManager.getCandidates), and posts a deleteContainer request for each through the request
// pipeline, at most maxPerMinute a minute (checkContainers sleeps 60000 / maxPerMinute ms between
// posts). The delete is an ordinary txn of session 0 with no client; its outcome is not looked at.
//
// Time: ZooKeeper runs the check on a java.util.Timer at a fixed rate from the leader's startup
// (LeaderZooKeeperServer.startup → ContainerManager.start). The reducer learns the clock only from
// timer events, so the schedule is anchored when the leader's session tracker first reads the clock
// (the zero-delay 'expire' timer at activation), and the 'containers' timer is armed only while the
// tree holds a container or TTL node: runs without any keep the trace they had, and a check with
// nothing to look at (ZooKeeper's getCandidates over empty sets) changes nothing. When the first such
// node appears, a zero-delay 'containers' timer reads the clock and re-arms itself for the next
// instant of the fixed-rate schedule.
//
// A check runs on the Timer's one thread: after each post checkContainers sleeps the rest of
// getMinIntervalMs, the last post included, so the thread stays busy for candidates × that interval.
// A fixed-rate check that comes due meanwhile (more than maxPerMinute · checkIntervalMs / 60000
// candidates, 10,000 by default) runs as soon as the running one ends, and so does each further one
// missed (java.util.Timer.mainLoop: the next execution time is the scheduled one plus the period,
// whenever the task ran).
import { ENV } from '../program.js';
import type { Fx } from '../zab/effects.js';
import { routeRequest, withAppState, type ZabServer } from '../zab/node-view.js';
import { emptyJavaHashSet, javaHashSetAdd, javaHashSetOrder } from '../tree/java-hash-set.js';
import { getNode, mapEntries, ttlOfOwner, type DataTree } from '../tree/index.js';
import { patchService, type ContainerManagerState, type ZkServiceState } from './state.js';
import type { ZkEnvelope } from './types.js';

const MS = 1000;

/** LeaderZooKeeperServer.setupContainerManager's defaults (the znode.container.* properties). */
export const CONTAINER_CHECK_INTERVAL_MS = 60_000;
export const CONTAINER_MAX_PER_MINUTE = 10_000;

const FRESH: ContainerManagerState = Object.freeze({ anchorUs: null, timer: null, posts: [], busy: false, owed: 0 });

function serviceOf(s: ZabServer): ZkServiceState {
  return s.appState as ZkServiceState;
}

function withManager(s: ZabServer, containerManager: ContainerManagerState): ZabServer {
  return withAppState(s, patchService(serviceOf(s), { containerManager }));
}

function checkIntervalUs(s: ZabServer): number {
  return (s.config.containerCheckIntervalMs ?? CONTAINER_CHECK_INTERVAL_MS) * MS;
}

/** ContainerManager.getMinIntervalMs: one minute / maxPerMinute, in µs. */
function minPostIntervalUs(s: ZabServer): number {
  return Math.floor(60_000 / (s.config.containerMaxPerMinute ?? CONTAINER_MAX_PER_MINUTE)) * MS;
}

function holdsContainersOrTtls(tree: DataTree): boolean {
  return tree.containers.size > 0 || tree.ttls.size > 0;
}

/** A new leader's manager (LeaderZooKeeperServer.setupContainerManager), not yet started. */
export function freshContainerManager(): ContainerManagerState {
  return FRESH;
}

/**
 * The leader's clock is known (its first timer after activation): anchor the schedule and, if the
 * tree already holds containers or TTL nodes, arm the first check one interval after the anchor.
 */
export function startContainerManager(s: ZabServer, fx: Fx): ZabServer {
  const m = serviceOf(s).containerManager;
  if (m === null || m.anchorUs !== null) return s;
  const started: ContainerManagerState = { ...m, anchorUs: s.nowUs, timer: null };
  if (!holdsContainersOrTtls(s.state as DataTree)) return withManager(s, started);
  fx.timer('containers', checkIntervalUs(s), checkIntervalUs(s));
  return withManager(s, { ...started, timer: 'check' });
}

/** After an apply on the leader: the first container or TTL node arms a clock read for the schedule. */
export function noticeContainers(s: ZabServer, fx: Fx): ZabServer {
  const m = serviceOf(s).containerManager;
  if (m === null || m.anchorUs === null || m.timer !== null || !holdsContainersOrTtls(s.state as DataTree)) return s;
  fx.timer('containers', 0, 0);
  return withManager(s, { ...m, timer: 'clock' });
}

/**
 * ContainerManager.getCandidates on the committed tree at `nowMs`: empty containers with cversion > 0
 * (or, with maxNeverUsedIntervalMs set, unused for longer than it), and childless TTL nodes whose
 * mtime is more than their ttl ago. Ordered as ZooKeeper iterates its HashSet of candidates.
 * O(containers + TTL nodes), as ZooKeeper's scan.
 */
export function containerCandidates(tree: DataTree, nowMs: number, maxNeverUsedIntervalMs = 0): string[] {
  let candidates = emptyJavaHashSet(16);
  for (const [path] of mapEntries(tree.containers)) {
    const node = getNode(tree, path);
    if (node === undefined || node.children.size > 0) continue;
    // cversion > 0: the container has had a child; a new one is kept so it is not deleted before use.
    if (node.cversion > 0 || (maxNeverUsedIntervalMs !== 0 && nowMs - node.mtime > maxNeverUsedIntervalMs)) {
      candidates = javaHashSetAdd(candidates, path);
    }
  }
  for (const [path] of mapEntries(tree.ttls)) {
    const node = getNode(tree, path);
    if (node === undefined || node.children.size > 0) continue;
    const ttl = ttlOfOwner(node.ephemeralOwner);
    if (ttl !== 0 && nowMs - node.mtime > ttl) candidates = javaHashSetAdd(candidates, path);
  }
  return javaHashSetOrder(candidates);
}

/** ContainerManager.postDeleteRequest: a deleteContainer request of no session into the leader's pipeline. */
function postDelete(s: ZabServer, path: string, fx: Fx): ZabServer {
  fx.note(`container manager: delete candidate ${path}`);
  const env: ZkEnvelope = { zk: true, sessionId: 0, authIds: [], request: { type: 'deleteContainer', path } };
  return routeRequest(s, ENV, 0, env, fx);
}

/**
 * checkContainers begins: the candidates of the committed tree now; the first is posted at once, each
 * next one and the end of the run one getMinIntervalMs later (the 'containerDelete' timer). A check
 * with no candidate ends at once.
 */
function runCheck(s: ZabServer, m: ContainerManagerState, fx: Fx): ZabServer {
  const candidates = containerCandidates(s.state as DataTree, Math.floor(s.nowUs / MS), s.config.containerMaxNeverUsedIntervalMs ?? 0);
  // Checks owed at this instant list the same nothing: the Timer runs them all, at once.
  if (candidates.length === 0) return withManager(s, { ...m, posts: [], busy: false, owed: 0 });
  const next = postDelete(s, candidates[0] as string, fx);
  if (next.role !== 'LEADING') return next;
  fx.timer('containerDelete', minPostIntervalUs(s), minPostIntervalUs(s));
  return withManager(next, { ...m, posts: candidates.slice(1), busy: true });
}

/** The 'containers' timer: a clock read that arms the next check, or a check (checkContainers). */
export function onContainersTimer(s: ZabServer, fx: Fx): ZabServer {
  const m = serviceOf(s).containerManager;
  if (s.role !== 'LEADING' || s.phase !== 'BROADCAST' || m === null || m.anchorUs === null || m.timer === null) return s;
  const intervalUs = checkIntervalUs(s);
  if (m.timer === 'clock') {
    const untilNext = intervalUs - ((s.nowUs - m.anchorUs) % intervalUs);
    fx.timer('containers', untilNext, untilNext);
    return withManager(s, { ...m, timer: 'check' });
  }
  // Fixed rate while there is anything to look at; otherwise idle until a container or TTL node appears.
  const armed = holdsContainersOrTtls(s.state as DataTree);
  if (armed) fx.timer('containers', intervalUs, intervalUs);
  const timer = armed ? 'check' : null;
  if (m.busy) {
    fx.note(`container manager: a check comes due while the last one runs; it runs when that ends`);
    return withManager(s, { ...m, timer, owed: m.owed + 1 });
  }
  return runCheck(s, { ...m, timer }, fx);
}

/**
 * The 'containerDelete' timer: checkContainers' sleep after a post ends. The next candidate is
 * posted; after the last one the run ends, and a check that came due meanwhile runs now.
 */
export function onContainerDeleteTimer(s: ZabServer, fx: Fx): ZabServer {
  const m = serviceOf(s).containerManager;
  if (s.role !== 'LEADING' || s.phase !== 'BROADCAST' || m === null || !m.busy) return s;
  if (m.posts.length === 0) {
    if (m.owed === 0) return withManager(s, { ...m, busy: false });
    return runCheck(s, { ...m, busy: false, owed: m.owed - 1 }, fx);
  }
  const next = postDelete(s, m.posts[0] as string, fx);
  if (next.role !== 'LEADING') return next;
  fx.timer('containerDelete', minPostIntervalUs(s), minPostIntervalUs(s));
  return withManager(next, { ...m, posts: m.posts.slice(1) });
}
