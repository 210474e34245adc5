// When a server stops reading a client (ZooKeeper's request throttling): the limit and the test,
// kept apart from server.ts, which acts on them (throttleIfOverLimit, unthrottleIfUnderLimit).
import type { NodeId } from '../program.js';
import type { ZabServer } from '../zab/node-view.js';
import type { ZkPending } from './types.js';

/**
 * ZooKeeperServer.getGlobalOutstandingLimit: zookeeper.globalOutstandingLimit, which a leader
 * divides among the other voters (LeaderZooKeeperServer.getGlobalOutstandingLimit).
 */
export function globalOutstandingLimit(s: ZabServer): number {
  const voters = s.config.voters.length;
  return s.role === 'LEADING' ? Math.floor(s.config.globalOutstandingLimit / (voters > 2 ? voters - 1 : 1)) : s.config.globalOutstandingLimit;
}

/**
 * ZooKeeperServer.shouldThrottle: more requests in process (received, not yet answered, `queue`) than
 * the limit, and this connection has some of its own. Scans the queue only when over the limit.
 */
export function shouldThrottle(s: ZabServer, queue: readonly ZkPending[], client: NodeId): boolean {
  return queue.length > globalOutstandingLimit(s) && queue.some((p) => p.client === client);
}
