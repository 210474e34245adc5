// The ZooKeeper service on a Zab server: connections and sessions (ZooKeeperServer.processConnectRequest,
// REVALIDATE), the per-session request queue (CommitProcessor: a session's reads wait for its earlier
// writes), reads with watch registration (FinalRequestProcessor), watch firing at apply, sync, and the
// leader's SessionTracker (expiry in buckets, owners, SESSIONMOVED). Zab calls in through the hooks
// of protocol/service/app.ts; this file sees the node only through protocol/zab/node-view.ts and
// keeps its state in the node's application slot. Everything here is pure and returns the next server.
import type { NodeId } from '../program.js';
import { ENV } from '../program.js';
import { formatZxid, type Zxid } from '../zxid.js';
import type { Fx } from '../zab/effects.js';
import { lastOutstandingZxid, leaderIdOf, routeRequest, serving, withAppState, type ZabServer } from '../zab/node-view.js';
import type { Origin, Txn } from '../zab/txn.js';
import {
  checkAcl,
  digestAuthIds,
  ipAuthId,
  PERMS,
  type Acl,
  mapEntries,
  type DataTree,
  type SessionId,
  type TxnResult,
  type Txn as TreeTxn,
} from '../tree/index.js';
import { clientAddress } from './client-address.js';
import { sessionIdAt, sessionIdBase } from './session-id.js';

export { clientAddress };
import {
  trackerAdd,
  trackerCheck,
  trackerExpire,
  trackerFromSessions,
  trackerRemove,
  trackerSetClosing,
  trackerSetOwner,
  trackerStartClock,
  trackerTouch,
  type SessionTracker,
} from './session-tracker.js';
import { EMPTY_SERVICE, patchConnection, patchService, type ZkConnection, type ZkServiceState } from './state.js';
import { isWriteRequest, isZkEnvelope, withReply, XID, type ZkEnvelope, type ZkOpResult, type ZkPending, type ZkReply, type ZkRequest } from './types.js';
import { removeClientWatches, triggerWatches } from './watch-manager.js';
import { fail, serveRead } from './serve-read.js';
import { replyOf } from './reply.js';
import { isZkApplied, type ZkApplied } from './zk-sm.js';
import { expiryWaitUs } from './expiry-queue.js';
import { freshContainerManager, noticeContainers, startContainerManager } from './container-manager.js';
import type { ZkTouches } from './messages.js';
import { globalOutstandingLimit, shouldThrottle } from './throttle-limit.js';

const MS = 1000;

/** A forwarded sync (REQUEST whose op is this marker): sync carries no txn. */
export interface ZkSyncMarker {
  readonly zkSync: true;
}

export function isZkSyncMarker(op: unknown): op is ZkSyncMarker {
  return typeof op === 'object' && op !== null && (op as { zkSync?: unknown }).zkSync === true;
}

/** The service's state: the node's application slot. */
export function serviceOf(s: ZabServer): ZkServiceState {
  return s.appState as ZkServiceState;
}

/** Both copies are literals (patchServer, patchService): spreads cost ten times more on this path. */
function withService(s: ZabServer, patch: Partial<ZkServiceState>): ZabServer {
  return withAppState(s, patchService(serviceOf(s), patch));
}

function treeOf(s: ZabServer): DataTree {
  return s.state as DataTree;
}

/** What ZooKeeper puts in a read's ReplyHeader and compares lastZxidSeen with: the tree's last txn. */
export function dataTreeZxid(s: ZabServer): Zxid {
  return treeOf(s).lastProcessedZxid;
}

/** ZooKeeperServer.processConnectRequest: clamp to [minSessionTimeout, maxSessionTimeout] = [2, 20] ticks. */
export function negotiateTimeout(tickTimeMs: number, requestedMs: number): number {
  return Math.min(Math.max(requestedMs, 2 * tickTimeMs), 20 * tickTimeMs);
}

/**
 * The leader knows the clock only from timer events; its tick timer fires every tickTime/2, so the
 * true time of a delivery is at most half a tick after the last timer. Touches use that upper bound:
 * a session may expire up to half a tick late, never early.
 */
function nowUpperUs(s: ZabServer): number {
  return s.nowUs + (s.config.tickTimeMs * MS) / 2;
}

function connectionOf(s: ZabServer, client: NodeId): ZkConnection | undefined {
  return serviceOf(s).connections.find((c) => c.client === client);
}

function putConnection(s: ZabServer, conn: ZkConnection): ZabServer {
  const others = serviceOf(s).connections.filter((c) => c.client !== conn.client);
  return withService(s, { connections: [...others, conn] });
}

/** A client's connection is gone (closed, reset, replaced): its queue and its watches go with it. */
export function dropServiceClient(s: ZabServer, client: NodeId): ZabServer {
  const svc = serviceOf(s);
  if (!svc.connections.some((c) => c.client === client) && !svc.queue.some((p) => p.client === client)) return s;
  return withService(s, {
    connections: svc.connections.filter((c) => c.client !== client),
    queue: svc.queue.filter((p) => p.client !== client),
    watches: removeClientWatches(svc.watches, client),
    touches: svc.touches,
  });
}

function closeClient(s: ZabServer, client: NodeId, reason: string, fx: Fx): ZabServer {
  fx.send(client, { type: 'CLIENT_CLOSE', reason });
  return dropServiceClient(s, client);
}

/** Leaving a role: every connection closes; watches, queues and the tracker are gone. */
export function closeServiceConnections(s: ZabServer, reason: string, fx: Fx): ZabServer {
  const svc = serviceOf(s);
  for (const c of svc.connections) fx.send(c.client, { type: 'CLIENT_CLOSE', reason });
  if (
    svc.connections.length === 0 &&
    svc.queue.length === 0 &&
    svc.tracker === null &&
    svc.touches.length === 0 &&
    svc.pendingSyncs.length === 0 &&
    svc.containerManager === null
  )
    return s;
  return withAppState(s, patchService(EMPTY_SERVICE, { sessionIdBase: svc.sessionIdBase, sessionCounter: svc.sessionCounter }));
}

/** A write or a sync goes the node's one routing path: the leader takes it (a sync: leaderRequest in app.ts), a learner forwards it. */
function submit(s: ZabServer, client: NodeId, xid: number, op: ZkEnvelope | ZkSyncMarker, fx: Fx): ZabServer {
  return routeRequest(s, client, xid, op, fx);
}

function allocateSessionId(s: ZabServer): [ZabServer, SessionId] {
  const base = serviceOf(s).sessionIdBase ?? sessionIdBase(s.id, s.nowUs / MS);
  const counter = serviceOf(s).sessionCounter + 1;
  return [withService(s, { sessionIdBase: base, sessionCounter: counter }), sessionIdAt(base, counter)];
}

// ------------------------------------------------------------------ connections

/** A ConnectRequest: a new session (id 0) or a client reattaching its session here. */
export function onConnectRequest(
  s: ZabServer,
  client: NodeId,
  conn: number,
  msg: { readonly sessionId: number; readonly timeoutMs: number; readonly lastZxidSeen: Zxid },
  fx: Fx,
): ZabServer {
  s = dropServiceClient(s, client);
  if (!serving(s)) {
    fx.send(client, { type: 'CLIENT_CLOSE', reason: 'server not serving' });
    return s;
  }
  if (msg.lastZxidSeen > dataTreeZxid(s)) {
    fx.note(`refuse client ${client}: its lastZxidSeen ${formatZxid(msg.lastZxidSeen)} is ahead of our ${formatZxid(dataTreeZxid(s))} (CLIENT_ZXID_AHEAD)`);
    fx.send(client, { type: 'CLIENT_CLOSE', reason: 'client zxid ahead' });
    return s;
  }
  if (serviceOf(s).connections.length >= s.config.requestQueueMax) {
    fx.send(client, { type: 'CLIENT_CLOSE', reason: 'too many connections' });
    return s;
  }
  const timeoutMs = negotiateTimeout(s.config.tickTimeMs, msg.timeoutMs);
  if (msg.sessionId === 0) {
    let sessionId: SessionId;
    [s, sessionId] = allocateSessionId(s);
    s = putConnection(s, { client, conn, sessionId, timeoutMs, authIds: [ipAuthId(clientAddress(client))], stage: 'creating', held: null });
    const request = { type: 'createSession', timeoutMs } as const;
    s = withService(s, { queue: [...serviceOf(s).queue, { client, xid: 0, request, wait: 'write', reply: null }] });
    fx.note(`client ${client}: new session 0x${sessionId.toString(16)}, timeout ${timeoutMs} ms`);
    return submit(s, client, 0, { zk: true, sessionId, authIds: [], request }, fx);
  }
  s = putConnection(s, { client, conn, sessionId: msg.sessionId, timeoutMs, authIds: [ipAuthId(clientAddress(client))], stage: 'revalidating', held: null });
  if (s.role === 'LEADING') {
    const checked = revalidate(s, s.id, msg.sessionId);
    return finishRevalidate(checked.server, client, msg.sessionId, checked.valid, fx);
  }
  fx.send(leaderIdOf(s) as NodeId, { type: 'REVALIDATE', client, sessionId: msg.sessionId, timeoutMs, valid: null });
  return s;
}

/** Leader: checkIfValidGlobalSession + setOwner. */
function revalidate(s: ZabServer, owner: NodeId, sessionId: SessionId): { readonly server: ZabServer; readonly valid: boolean } {
  const tracker = serviceOf(s).tracker;
  if (tracker === null) return { server: s, valid: false };
  const touched = trackerTouch(tracker, sessionId, nowUpperUs(s));
  if (!touched.alive) return { server: s, valid: false };
  return { server: withService(s, { tracker: trackerSetOwner(touched.tracker, sessionId, owner) }), valid: true };
}

function finishRevalidate(s: ZabServer, client: NodeId, sessionId: SessionId, valid: boolean, fx: Fx): ZabServer {
  const conn = connectionOf(s, client);
  if (conn === undefined || conn.stage !== 'revalidating' || conn.sessionId !== sessionId) return s;
  if (!valid) {
    fx.note(`client ${client}: session 0x${sessionId.toString(16)} is expired`);
    fx.send(client, { type: 'CONNECT_RESPONSE', sessionId, timeoutMs: 0 });
    return dropServiceClient(s, client);
  }
  fx.send(client, { type: 'CONNECT_RESPONSE', sessionId, timeoutMs: conn.timeoutMs });
  return drainClient(putConnection(s, patchConnection(conn, { stage: 'open' })), client, fx);
}

/**
 * A request that arrived on the network's connection `netConn`. On a connection that never sent
 * a ConnectRequest it is no request at all: NIOServerCnxn.readPayload reads a new connection's
 * first packet as a ConnectRequest (readConnectRequest, until `initialized`), and a request's
 * bytes there fail to parse, so the server closes that socket. The client's old connection, which
 * the network broke, is gone with its watches and queue (NIOServerCnxn.close → removeCnxn); the
 * client finds out by the close and re-primes a new one.
 */
export function onZkRequest(s: ZabServer, client: NodeId, netConn: number, xid: number, request: ZkRequest, fx: Fx): ZabServer {
  const conn = connectionOf(s, client);
  if (conn !== undefined && conn.conn !== netConn) {
    fx.note(`client ${client}: ${request.type} on connection ${netConn}, which sent no ConnectRequest (ours is ${conn.conn}); closing it`);
    return closeClient(s, client, 'no ConnectRequest on this connection', fx);
  }
  return readOrHold(s, client, xid, request, fx);
}

/**
 * A request on an established connection (RequestHeader + record). A throttled connection is not
 * read: the request waits in the socket. Once read, a request with a positive xid may throttle
 * its connection (ServerCnxn.incrOutstandingAndCheckThrottle).
 */
function readOrHold(s: ZabServer, client: NodeId, xid: number, request: ZkRequest, fx: Fx): ZabServer {
  const conn = connectionOf(s, client);
  if (conn !== undefined && conn.held !== null) return putConnection(s, patchConnection(conn, { held: [...conn.held, { xid, request }] }));
  const next = readZkRequest(s, client, xid, request, fx);
  return xid > 0 ? throttleIfOverLimit(next, client, fx) : next;
}

function readZkRequest(s: ZabServer, client: NodeId, xid: number, request: ZkRequest, fx: Fx): ZabServer {
  const conn = connectionOf(s, client);
  if (!serving(s) || conn === undefined) return closeClient(s, client, 'no session on this connection', fx);
  if (request.type === 'auth') {
    // Handled on arrival (ZooKeeperServer.processPacket): later requests carry the new ids. The
    // registered providers are digest and ip; any other scheme fails and closes the connection.
    // IPAuthenticationProvider.handleAuthentication adds the connection's own address again (a
    // duplicate, which ServerCnxn.addAuthInfo skips) whatever the auth bytes say.
    if (request.scheme !== 'digest' && request.scheme !== 'ip') {
      fx.send(client, { type: 'ZK_REPLY', reply: { xid: XID.AUTH, zxid: 0, err: 'AUTHFAILED', response: null } });
      return closeClient(s, client, 'authentication failed', fx);
    }
    const authIds = [...conn.authIds];
    const added = request.scheme === 'ip' ? [ipAuthId(clientAddress(client))] : digestAuthIds(request.auth, s.config.superDigest);
    for (const id of added) if (!authIds.some((a) => a.scheme === id.scheme && a.id === id.id)) authIds.push(id);
    fx.send(client, { type: 'ZK_REPLY', reply: { xid: XID.AUTH, zxid: 0, err: 'OK', response: null } });
    return putConnection(s, patchConnection(conn, { authIds }));
  }
  if (request.type === 'createSession') return closeClient(s, client, 'createSession on an open session', fx);
  s = touch(s, conn);
  if (serviceOf(s).queue.length >= s.config.requestQueueMax) return closeClient(s, client, 'server overloaded', fx);
  if (isWriteRequest(request)) {
    s = withService(s, { queue: [...serviceOf(s).queue, { client, xid, request, wait: 'write', reply: null }] });
    return submit(s, client, xid, { zk: true, sessionId: conn.sessionId, authIds: conn.authIds, request }, fx);
  }
  if (request.type === 'sync' && s.role !== 'LEADING') {
    // A learner forwards the sync (FollowerRequestProcessor) and answers when the leader's SYNC
    // comes back (CommitProcessor with matchSyncs on a learner). On the leader a client's own sync
    // is a plain Request: ProposalRequestProcessor hands only a LearnerSyncRequest to
    // Leader.processSync, and the leader's CommitProcessor is built with matchSyncs false
    // (LeaderZooKeeperServer.setupRequestProcessors), so needCommit is false and the sync is served
    // like a read, behind the session's own earlier requests, without waiting for other sessions'
    // outstanding proposals. That is the `read` queue entry below.
    s = withService(s, { queue: [...serviceOf(s).queue, { client, xid, request, wait: 'sync', reply: null }] });
    return submit(s, client, xid, { zkSync: true }, fx);
  }
  const checked = leaderReadCheck(s, conn);
  s = checked.server;
  const entry: ZkPending =
    checked.error === null
      ? { client, xid, request, wait: 'read', reply: null, authIds: conn.authIds }
      : { client, xid, request, wait: 'read', reply: null, sessionError: checked.error, authIds: conn.authIds };
  s = withService(s, { queue: [...serviceOf(s).queue, entry] });
  return drainClient(s, client, fx);
}

/**
 * Only the leader runs PrepRequestProcessor, and its pRequest calls SessionTracker.checkSession for
 * every request without a txn as well (reads, sync, ping, setWatches; the owner is the leader's own
 * connection, ServerCnxn.me). A learner hands reads straight to its CommitProcessor
 * (FollowerRequestProcessor), so a learner never checks a read's session.
 */
function leaderReadCheck(s: ZabServer, conn: ZkConnection): { readonly server: ZabServer; readonly error: 'SESSIONEXPIRED' | 'SESSIONMOVED' | null } {
  const tracker = serviceOf(s).tracker;
  if (s.role !== 'LEADING' || tracker === null) return { server: s, error: null };
  return checkSessionOnLeader(s, tracker, conn.sessionId, s.id);
}

/**
 * The leader's SessionTracker.checkSession as PrepRequestProcessor calls it, for writes and reads
 * alike; LeaderSessionTracker answers an unknown global session with SessionExpiredException.
 */
function checkSessionOnLeader(
  s: ZabServer,
  tracker: SessionTracker,
  sessionId: SessionId,
  owner: NodeId,
): { readonly server: ZabServer; readonly error: 'SESSIONEXPIRED' | 'SESSIONMOVED' | null } {
  const checked = trackerCheck(tracker, sessionId, owner);
  const server = checked.tracker === tracker ? s : withService(s, { tracker: checked.tracker });
  return { server, error: checked.error === null ? null : checked.error === 'SESSIONMOVED' ? 'SESSIONMOVED' : 'SESSIONEXPIRED' };
}

/** ZooKeeperServer.touch: the leader moves the deadline; a learner remembers it for its next PING. */
function touch(s: ZabServer, conn: ZkConnection): ZabServer {
  if (conn.stage !== 'open') return s;
  if (s.role === 'LEADING') {
    const tracker = serviceOf(s).tracker;
    if (tracker === null) return s;
    const touched = trackerTouch(tracker, conn.sessionId, nowUpperUs(s));
    return touched.tracker === tracker ? s : withService(s, { tracker: touched.tracker });
  }
  if (serviceOf(s).touches.some(([id]) => id === conn.sessionId)) return s;
  return withService(s, { touches: [...serviceOf(s).touches, [conn.sessionId, conn.timeoutMs]] });
}

/** Answers the client's queue front to back while its head is answered or is a read. */
function drainClient(s: ZabServer, client: NodeId, fx: Fx): ZabServer {
  const conn = connectionOf(s, client);
  if (conn === undefined || conn.stage !== 'open') return s;
  let watches = serviceOf(s).watches;
  let closeAfter = false;
  const keep: ZkPending[] = [];
  let blocked = false;
  let replied = 0;
  for (const p of serviceOf(s).queue) {
    if (p.client !== client || blocked) {
      keep.push(p);
      continue;
    }
    if (p.wait !== 'read' && p.reply === null) {
      blocked = true;
      keep.push(p);
      continue;
    }
    if (p.reply !== null) {
      if (p.request.type === 'createSession') continue; // answered by CONNECT_RESPONSE
      fx.send(client, { type: 'ZK_REPLY', reply: p.reply });
      replied++;
      if (p.request.type === 'closeSession' && p.reply.err === 'OK') {
        closeAfter = true;
        blocked = true;
      }
      continue;
    }
    if (p.sessionError === 'SESSIONMOVED') {
      // FinalRequestProcessor: SessionMovedException is a connection-level error; it closes the
      // connection (cnxn.sendCloseSession) without a reply.
      fx.note(`client ${client}: session moved to another server; closing this connection`);
      closeAfter = true;
      blocked = true;
      continue;
    }
    if (p.sessionError !== undefined) {
      fx.send(client, { type: 'ZK_REPLY', reply: fail(p.xid, treeOf(s).lastProcessedZxid, p.sessionError) });
      continue;
    }
    // The ids the read arrived with (Request.authInfo), not ones an addAuth added since.
    const asRead = p.authIds === undefined || p.authIds === conn.authIds ? conn : patchConnection(conn, { authIds: p.authIds });
    const served = serveRead(s, watches, asRead, p.xid, p.request, fx);
    watches = served.watches;
    fx.send(client, { type: 'ZK_REPLY', reply: served.reply });
    replied++;
  }
  // Nothing answered (the head waits for its write): every entry kept, so the same server.
  if (keep.length === serviceOf(s).queue.length && watches === serviceOf(s).watches) return s;
  const next = withService(s, { queue: keep, watches });
  if (closeAfter) return closeClient(next, client, 'session closed', fx);
  return replied > 0 ? unthrottleIfUnderLimit(next, client, fx) : next;
}

/** ServerCnxn.incrOutstandingAndCheckThrottle → disableRecv: stop reading this client. */
function throttleIfOverLimit(s: ZabServer, client: NodeId, fx: Fx): ZabServer {
  const conn = connectionOf(s, client);
  if (conn === undefined || conn.held !== null || !shouldThrottle(s, serviceOf(s).queue, client)) return s;
  fx.note(`throttle client ${client}: ${serviceOf(s).queue.length} requests in process, over globalOutstandingLimit ${globalOutstandingLimit(s)}`, {
    kind: 'throttled',
    client,
  });
  return putConnection(s, patchConnection(conn, { held: [] }));
}

/** ServerCnxn.decrOutstandingAndCheckThrottle → enableRecv: read again what the client sent meanwhile. */
function unthrottleIfUnderLimit(s: ZabServer, client: NodeId, fx: Fx): ZabServer {
  const conn = connectionOf(s, client);
  if (conn === undefined || conn.held === null || shouldThrottle(s, serviceOf(s).queue, client)) return s;
  fx.note(`client ${client} no longer throttled: reading its ${conn.held.length} waiting request(s)`);
  let next = putConnection(s, patchConnection(conn, { held: null }));
  for (const h of conn.held) {
    if (connectionOf(next, client) === undefined) break; // closed meanwhile: nothing more is read
    next = readOrHold(next, client, h.xid, h.request, fx);
  }
  return next;
}

// ------------------------------------------------------------------ apply

/**
 * A committed txn was applied on this server (FinalRequestProcessor): fire its watches on every
 * connection, then the session bookkeeping, then answer the request if it came through us.
 */
export function afterZkApply(s: ZabServer, txn: Txn, applied: unknown, fx: Fx): ZabServer {
  if (!isZkApplied(applied)) return s;
  const body = txn.body as TreeTxn;
  // ServerCnxn.process(event, znodeAcl) drops an event for a connection without READ on the node
  // (ZOOKEEPER-4799: 3.8.4+, and backported to the conformance suite's Debian 3.8.0); plain 3.8.0 does not.
  const filtered = s.config.serverRelease !== '3.8.0';
  const canRead = (client: NodeId, acl: readonly Acl[]): boolean => !filtered || checkAcl(acl, PERMS.READ, connectionOf(s, client)?.authIds ?? []);
  const fired = triggerWatches(serviceOf(s).watches, (applied as ZkApplied).watchEvents, canRead);
  for (const d of fired.deliveries) fx.send(d.client, { type: 'WATCHER_EVENT', event: { type: d.trigger.type, path: d.trigger.path, zxid: txn.zxid } });
  let next = fired.table === serviceOf(s).watches ? s : withService(s, { watches: fired.table });
  const origin = txn.origin;
  const mine = origin !== null && origin.server === s.id;
  if (body.body.type === 'closeSession') {
    const tracker = serviceOf(next).tracker;
    if (tracker !== null) next = withService(next, { tracker: trackerRemove(tracker, body.sessionId) });
    for (const c of serviceOf(next).connections) {
      if (c.sessionId !== body.sessionId) continue;
      const asked =
        mine &&
        origin.client === c.client &&
        serviceOf(next).queue.some((p) => p.client === c.client && p.xid === origin.xid && p.request.type === 'closeSession');
      if (!asked) next = closeClient(next, c.client, 'session expired', fx);
    }
  }
  if (body.body.type === 'createSession' && mine) {
    const conn = connectionOf(next, origin.client);
    if (conn !== undefined && conn.stage === 'creating' && conn.sessionId === body.sessionId) {
      fx.send(origin.client, { type: 'CONNECT_RESPONSE', sessionId: conn.sessionId, timeoutMs: conn.timeoutMs });
      next = putConnection(next, patchConnection(conn, { stage: 'open' }));
      next = withService(next, {
        queue: serviceOf(next).queue.filter((p) => !(p.client === origin.client && p.xid === 0 && p.request.type === 'createSession')),
      });
      next = drainClient(next, origin.client, fx);
    }
  } else if (mine) {
    next = answerWrite(next, origin, txn.zxid, (applied as ZkApplied).result, fx);
  }
  if (next.role === 'LEADING') next = noticeContainers(releaseSyncs(next, txn.zxid, fx), fx);
  return next;
}

function answerWrite(s: ZabServer, origin: Origin, zxid: Zxid, result: TxnResult, fx: Fx): ZabServer {
  const at = serviceOf(s).queue.findIndex((p) => p.client === origin.client && p.xid === origin.xid && p.wait === 'write');
  if (at < 0) return s; // the client went away
  const reply = replyOf(origin.xid, zxid, result, (serviceOf(s).queue[at] as ZkPending).request);
  if (reply.err === 'SESSIONMOVED') {
    // FinalRequestProcessor: a request of a moved session closes this (stale) connection.
    fx.note(`client ${origin.client}: session moved to another server; closing this connection`);
    return closeClient(s, origin.client, 'session moved', fx);
  }
  const queue = serviceOf(s).queue.slice();
  queue[at] = withReply(queue[at] as ZkPending, reply);
  return drainClient(withService(s, { queue }), origin.client, fx);
}

function completeSync(s: ZabServer, client: NodeId, xid: number, fx: Fx): ZabServer {
  const at = serviceOf(s).queue.findIndex((p) => p.client === client && p.xid === xid && p.wait === 'sync');
  if (at < 0) return s;
  const queue = serviceOf(s).queue.slice();
  const p = queue[at] as ZkPending;
  const path = p.request.type === 'sync' ? p.request.path : '/';
  queue[at] = withReply(p, { xid, zxid: dataTreeZxid(s), err: 'OK', response: { type: 'sync', path } });
  return drainClient(withService(s, { queue }), client, fx);
}

// ------------------------------------------------------------------ leader

/** Leader.processSync: answer now if nothing is outstanding, else when the last proposal commits. */
export function onSyncRequest(s: ZabServer, from: NodeId, client: NodeId, xid: number, fx: Fx): ZabServer {
  const lastProposed = lastOutstandingZxid(s);
  if (lastProposed === null) {
    if (from === s.id) return completeSync(s, client, xid, fx);
    fx.send(from, { type: 'SYNC', client, xid });
    return s;
  }
  if (serviceOf(s).pendingSyncs.length >= s.config.requestQueueMax) {
    fx.note(`drop sync ${client}:${xid}: too many parked syncs`);
    return s;
  }
  return withService(s, { pendingSyncs: [...serviceOf(s).pendingSyncs, { zxid: lastProposed, server: from, client, xid }] });
}

function releaseSyncs(s: ZabServer, zxid: Zxid, fx: Fx): ZabServer {
  const due = serviceOf(s).pendingSyncs.filter((p) => p.zxid <= zxid);
  if (due.length === 0) return s;
  let next = withService(s, { pendingSyncs: serviceOf(s).pendingSyncs.filter((p) => p.zxid > zxid) });
  for (const p of due) {
    if (p.server === s.id) next = completeSync(next, p.client, p.xid, fx);
    else fx.send(p.server, { type: 'SYNC', client: p.client, xid: p.xid });
  }
  return next;
}

/**
 * PrepRequestProcessor's session work, just before a write is prepped: createSession is tracked
 * and owned, closeSession marks the session closing, anything else is checked (checkSession).
 */
export function leaderBeforePrep(s: ZabServer, origin: Origin, op: unknown): { readonly server: ZabServer; readonly op: unknown } {
  const tracker = serviceOf(s).tracker;
  if (!isZkEnvelope(op) || tracker === null) return { server: s, op };
  const r = op.request;
  if (r.type === 'createSession')
    return { server: withService(s, { tracker: trackerAdd(tracker, op.sessionId, r.timeoutMs, origin.server, nowUpperUs(s)) }), op };
  if (r.type === 'closeSession') return { server: withService(s, { tracker: trackerSetClosing(tracker, op.sessionId) }), op };
  // ContainerManager's deleteContainer has no session: pRequest2Txn checks none for it.
  if (r.type === 'deleteContainer') return { server: s, op };
  const { server, error } = checkSessionOnLeader(s, tracker, op.sessionId, origin.server);
  return { server, op: error === null ? op : { ...op, sessionError: error } };
}

/** Leader activation: a tracker over every replicated session; deadlines once the clock is read. */
export function leaderActivateSessions(s: ZabServer, fx: Fx): ZabServer {
  const entries = mapEntries(treeOf(s).sessions).map(([id, t]) => [Number(id), t] as const);
  const tracker: SessionTracker = trackerFromSessions(entries, s.config.tickTimeMs * MS);
  fx.timer('expire', 0, 0);
  return withService(s, { tracker, pendingSyncs: [], containerManager: freshContainerManager() });
}

/** The session tracker's timer: start the clock, expire every due bucket, sleep until the next. */
export function onExpireTimer(s: ZabServer, fx: Fx): ZabServer {
  const tracker0 = serviceOf(s).tracker;
  if (s.role !== 'LEADING' || s.phase !== 'BROADCAST' || tracker0 === null) return s;
  const started = trackerStartClock(tracker0, s.nowUs);
  const { tracker, expired } = trackerExpire(started, s.nowUs);
  let next = startContainerManager(tracker === tracker0 ? s : withService(s, { tracker }), fx);
  for (const id of expired) {
    fx.note(`session 0x${id.toString(16)} expired`, { kind: 'sessionExpired', session: id });
    const env: ZkEnvelope = { zk: true, sessionId: id, authIds: [], request: { type: 'closeSession' } };
    next = routeRequest(next, ENV, 0, env, fx);
    if (next.role !== 'LEADING') return next;
  }
  const queue = serviceOf(next).tracker?.queue ?? null;
  if (queue !== null) {
    const wait = expiryWaitUs(queue, s.nowUs);
    fx.timer('expire', wait, wait);
  }
  return next;
}

/** A learner's PING reply: touch every session it saw. */
export function onPingTouches(s: ZabServer, touches: ZkTouches | undefined): ZabServer {
  const tracker = serviceOf(s).tracker;
  if (touches === undefined || touches.length === 0 || tracker === null) return s;
  let t = tracker;
  for (const [id] of touches) t = trackerTouch(t, id, nowUpperUs(s)).tracker;
  return t === tracker ? s : withService(s, { tracker: t });
}

export function onRevalidateRequest(s: ZabServer, from: NodeId, client: NodeId, sessionId: SessionId, timeoutMs: number, fx: Fx): ZabServer {
  const checked = revalidate(s, from, sessionId);
  fx.send(from, { type: 'REVALIDATE', client, sessionId, timeoutMs, valid: checked.valid });
  return checked.server;
}

// ------------------------------------------------------------------ learner

/** The touches to put into this PING reply, and the server with them cleared. */
export function takeTouches(s: ZabServer): { readonly server: ZabServer; readonly touches: ZkTouches } {
  const touches = serviceOf(s).touches;
  if (touches.length === 0) return { server: s, touches };
  return { server: withService(s, { touches: [] }), touches };
}

export function onRevalidateReply(s: ZabServer, client: NodeId, sessionId: SessionId, valid: boolean, fx: Fx): ZabServer {
  return finishRevalidate(s, client, sessionId, valid, fx);
}

export function onSyncReply(s: ZabServer, client: NodeId, xid: number, fx: Fx): ZabServer {
  return completeSync(s, client, xid, fx);
}
