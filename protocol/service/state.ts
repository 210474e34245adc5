// A server's volatile ZooKeeper-service state: client connections (ServerCnxn: session, auth ids),
// the per-session request queues (CommitProcessor order), the watch tables, and by role the
// leader's session tracker and parked syncs, or a learner's touches waiting for the next PING.
import type { NodeId } from '../program.js';
import type { Zxid } from '../zxid.js';
import { applyPatch, type Mutable } from '../patch.js';
import type { Id, SessionId } from '../tree/index.js';
import type { SessionTracker } from './session-tracker.js';
import type { ZkPending, ZkRequest } from './types.js';
import { EMPTY_WATCHES, type WatchTable } from './watch-manager.js';

export interface ZkConnection {
  readonly client: NodeId;
  /**
   * The network's number of the TCP connection the ConnectRequest came on. A request on any other
   * number came over a connection that never sent one (NIOServerCnxn reads a new connection's first
   * packet as its ConnectRequest).
   */
  readonly conn: number;
  /** 0 until the session exists (createSession committed) or was revalidated. */
  readonly sessionId: SessionId;
  readonly timeoutMs: number;
  readonly authIds: readonly Id[];
  /** 'creating': createSession in flight; 'revalidating': waiting for the leader; 'open': serving. */
  readonly stage: 'creating' | 'revalidating' | 'open';
  /**
   * null while the server reads this connection; while it is throttled (ServerCnxn.disableRecv),
   * the requests the client sent meanwhile, in order, still unread in the socket.
   */
  readonly held: readonly HeldRequest[] | null;
}

/** A request a throttled connection has not read yet. */
export interface HeldRequest {
  readonly xid: number;
  readonly request: ZkRequest;
}

export interface ParkedSync {
  /** Released once this zxid commits (Leader.pendingSyncs). */
  readonly zxid: Zxid;
  readonly server: NodeId;
  readonly client: NodeId;
  readonly xid: number;
}

/** The leader's ContainerManager (container-manager.ts). */
export interface ContainerManagerState {
  /** The leader's clock when its service started (the first 'expire' timer); null until read. */
  readonly anchorUs: number | null;
  /** What the armed 'containers' timer is for: reading the clock, a check, or nothing armed. */
  readonly timer: 'clock' | 'check' | null;
  /** Candidates of the current check still to post, one per 'containerDelete' timer. */
  readonly posts: readonly string[];
  /**
   * A check is running: posting, or in the sleep after its last post (the 'containerDelete' timer
   * is armed). ZooKeeper's Timer thread is then busy.
   */
  readonly busy: boolean;
  /** Fixed-rate checks that came due while busy: java.util.Timer runs each as soon as the running one ends. */
  readonly owed: number;
}

export interface ZkServiceState {
  /** One per attached client; bounded by the number of clients. */
  readonly connections: readonly ZkConnection[];
  /** Requests not yet answered, in arrival order; bounded by requestQueueMax. */
  readonly queue: readonly ZkPending[];
  readonly watches: WatchTable;
  /** Learner: sessions touched since the last PING reply (id, timeout ms). */
  readonly touches: readonly (readonly [SessionId, number])[];
  /** Leader (BROADCAST only): SessionTrackerImpl. */
  readonly tracker: SessionTracker | null;
  readonly pendingSyncs: readonly ParkedSync[];
  /** Session id allocation: fixed on first use after boot (see session-id.ts). */
  readonly sessionIdBase: number | null;
  readonly sessionCounter: number;
  /** Leader (BROADCAST only): its ContainerManager; null elsewhere. */
  readonly containerManager: ContainerManagerState | null;
}

/** Copies a connection with a new stage and auth ids (a literal: a spread costs ten times more in V8 11). */
export function patchConnection(o: ZkConnection, p: Partial<Pick<ZkConnection, 'stage' | 'authIds' | 'held'>>): ZkConnection {
  return {
    client: o.client,
    conn: o.conn,
    sessionId: o.sessionId,
    timeoutMs: o.timeoutMs,
    authIds: p.authIds === undefined ? o.authIds : p.authIds,
    stage: p.stage === undefined ? o.stage : p.stage,
    held: p.held === undefined ? o.held : p.held,
  };
}

/**
 * Copies the service state with some fields replaced (protocol/patch.ts), in EMPTY_SERVICE's key
 * order. A field the patch leaves undefined keeps its value; null replaces.
 */
export function patchService(o: ZkServiceState, p: Partial<ZkServiceState>): ZkServiceState {
  const next: Mutable<ZkServiceState> = {
    connections: o.connections,
    queue: o.queue,
    watches: o.watches,
    touches: o.touches,
    tracker: o.tracker,
    pendingSyncs: o.pendingSyncs,
    sessionIdBase: o.sessionIdBase,
    sessionCounter: o.sessionCounter,
    containerManager: o.containerManager,
  };
  return applyPatch(next, p);
}

export const EMPTY_SERVICE: ZkServiceState = Object.freeze({
  connections: [],
  queue: [],
  watches: EMPTY_WATCHES,
  touches: [],
  tracker: null,
  pendingSyncs: [],
  sessionIdBase: null,
  sessionCounter: 0,
  containerManager: null,
});
