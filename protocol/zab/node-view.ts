// The node as the application above Zab sees it (protocol/service, protocol/kv): who it is, its
// role, whether it serves, its leader, the time it last saw, its own state slot, and the one
// client-routing path ("leader proposes, learner forwards", ZooKeeper's FollowerRequestProcessor
// and the leader's PrepRequestProcessor). Applications import this file, never leader.ts or
// learner.ts, so Zab's internals can change under them.
import type { NodeId } from '../program.js';
import type { Zxid } from '../zxid.js';
import type { Fx } from './effects.js';
import { leaderRequest } from './leader.js';
import { learnerOf } from './learner-connection.js';
import { type ZabServer } from './state.js';
import { withApp } from './state-update.js';

export type { AppTimerName, ZabApp, ZabServer } from './state.js';

/** Whether the node answers clients: the leader once active, a learner once UPTODATE (ZooKeeperServer.isRunning). */
export function serving(s: ZabServer): boolean {
  if (s.phase !== 'BROADCAST') return false;
  if (s.role === 'LEADING') return true;
  return s.learner !== null && s.learner.stage === 'BROADCAST';
}

/** The leader this node follows (itself while leading); null while LOOKING. */
export function leaderIdOf(s: ZabServer): NodeId | null {
  if (s.role === 'LEADING') return s.id;
  return s.learner === null ? null : s.learner.leader;
}

/** The node with a new application state. */
export function withAppState(s: ZabServer, appState: unknown): ZabServer {
  return withApp(s, appState);
}

/** Leader: the zxid of its newest proposal not yet committed, or null when none is outstanding (Leader.processSync's test). */
export function lastOutstandingZxid(s: ZabServer): Zxid | null {
  const l = s.leader;
  if (l === null || l.outstanding.size === 0) return null;
  return l.lastProposed;
}

/**
 * A client request that must go through the leader: the leader takes it (a write is proposed, the
 * application may keep a non-write such as ZooKeeper's sync), a learner forwards it as REQUEST.
 * The caller checked `serving`.
 */
export function routeRequest(s: ZabServer, client: NodeId, xid: number, op: unknown, fx: Fx): ZabServer {
  if (s.role === 'LEADING') return leaderRequest(s, client, xid, op, fx);
  fx.send(learnerOf(s).leader, { type: 'REQUEST', client, xid, op });
  return s;
}
