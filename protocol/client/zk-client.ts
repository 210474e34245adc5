// The ZooKeeper client library as a reducer (ClientCnxn + ZooKeeper + ZKWatchManager): one session,
// spread over a server list in the order given at boot. States CONNECTING / CONNECTED / CLOSED /
// EXPIRED / AUTH_FAILED (a lost connection is the DISCONNECTED event, then CONNECTING again). Requests
// carry an increasing xid and complete in FIFO order; the client pings when idle, gives up on a silent
// server after 2/3 of the session timeout, fails every pending request with CONNECTIONLOSS on a lost
// connection (a reset, a close, the read timeout, or a message on a connection number other than the
// one it primed) and reconnects elsewhere with its session id and lastZxidSeen, re-sending its watches
// (setWatches) and auth info. Commands arrive from ENV as APP_OP { op: ZkCommand } (node-zookeeper-
// client's API); completions, watch events and session states are observations.
import type { Event, NodeId, NodeProgram, Transition } from '../program.js';
import { ENV } from '../program.js';
import { assert } from '../assert.js';
import type { Zxid } from '../zxid.js';
import { applyPatch, type Mutable } from '../patch.js';
import { Fx, type ZabObservation } from '../zab/effects.js';
import type { ZabMessage } from '../zab/messages.js';
import {
  isSequentialMode,
  isTtlMode,
  TTL_MAX_MS,
  type Acl,
  type CreateMode,
  type ErrorCode,
  type WatchEventType,
  type WriteOp,
  type ZnodeData,
} from '../tree/index.js';
import { isValidClientPath } from '../tree/path.js';
import { XID, type ZkReply, type ZkRequest, type ZkResponse, type ZkWatchedEvent } from '../service/types.js';
import type { AddWatchMode, WatcherType } from '../service/watch-request-types.js';
import { deregister, hasWatches, materialize, registerAddWatch, setWatchesPackets } from './zk-watches.js';
import { replyShapeError, whoAmIError } from './reply-shape.js';
import { isQueryCommand, isWriteMulti, queryPathsValid, queryRequestOf, type ZkQueryCommand } from './query-commands.js';

/** The application's calls (node-zookeeper-client names). */
export type ZkCommand =
  /** The multi op itself: `stat: true` is OpCode.create2 (the reply carries the Stat), `ttl` goes with a TTL mode. */
  | Extract<WriteOp, { readonly type: 'create' }>
  | { readonly type: 'remove'; readonly path: string; readonly version: number }
  | { readonly type: 'setData'; readonly path: string; readonly data: ZnodeData; readonly version: number }
  | { readonly type: 'getData'; readonly path: string; readonly watch: boolean }
  | { readonly type: 'exists'; readonly path: string; readonly watch: boolean }
  | { readonly type: 'getChildren'; readonly path: string; readonly watch: boolean }
  | { readonly type: 'getACL'; readonly path: string }
  | { readonly type: 'setACL'; readonly path: string; readonly acl: readonly Acl[]; readonly version: number }
  | { readonly type: 'addAuthInfo'; readonly scheme: string; readonly auth: string }
  | { readonly type: 'transaction'; readonly ops: readonly WriteOp[] }
  | ZkQueryCommand
  | { readonly type: 'sync'; readonly path: string }
  | { readonly type: 'close' }
  /** ZooKeeper.addWatch(path, mode): a persistent or persistent-recursive watch (node-zookeeper-client has none). */
  | { readonly type: 'addWatch'; readonly path: string; readonly mode: AddWatchMode }
  /** ZooKeeper.removeWatches(path, watcher, type, local): the checkWatches opcode; the server keeps its side. */
  | { readonly type: 'removeWatches'; readonly path: string; readonly watcherType: WatcherType; readonly local: boolean }
  /** ZooKeeper.removeAllWatches(path, type, local): the removeWatches opcode; the server drops its side too. */
  | { readonly type: 'removeAllWatches'; readonly path: string; readonly watcherType: WatcherType; readonly local: boolean };

export type ZkClientState = 'CONNECTING' | 'CONNECTED' | 'CLOSED' | 'EXPIRED' | 'AUTH_FAILED';

/** What a completion reports: the reply's error code and response (null when there is none). */
export interface ZkCompletion {
  readonly err: ErrorCode;
  readonly response: ZkResponse | null;
}

interface Outstanding {
  readonly xid: number;
  readonly command: ZkCommand;
  readonly request: ZkRequest;
  /** Whether it went out on the current connection (else it waits for the connection). */
  readonly sent: boolean;
  /** How many auth entries the handle held when the call was made (each goes out before it: reply-shape.ts). */
  readonly authCount: number;
}

/** The request as it goes out on the current connection (a literal copy: see patchZkClient). */
function markSent(p: Outstanding): Outstanding {
  return { xid: p.xid, command: p.command, request: p.request, sent: true, authCount: p.authCount };
}

export interface ZkClientConfig {
  /** The server list in the order this client tries it (the shuffled connect string). */
  readonly servers: readonly NodeId[];
  readonly sessionTimeoutMs: number;
  readonly pendingMax: number;
  /** Upper bound of the random pause before a reconnect attempt (ClientCnxn sleeps up to 1 s). */
  readonly reconnectDelayMaxMs: number;
}

export interface ZkClient {
  readonly id: NodeId;
  readonly config: ZkClientConfig;
  readonly state: ZkClientState;
  readonly serverIndex: number;
  /** Whether a ConnectRequest is out and unanswered. */
  readonly handshaking: boolean;
  /**
   * The network's number of the connection the ConnectResponse came on (0 before one did). A message
   * from our server on any other number came over a new TCP connection: the one we primed is gone.
   */
  readonly conn: number;
  readonly sessionId: number;
  readonly timeoutMs: number;
  readonly xid: number;
  readonly lastZxidSeen: Zxid;
  readonly pending: readonly Outstanding[];
  readonly authInfo: readonly { readonly scheme: string; readonly auth: string }[];
  readonly dataWatches: readonly string[];
  readonly existWatches: readonly string[];
  readonly childWatches: readonly string[];
  readonly persistentWatches: readonly string[];
  readonly persistentRecursiveWatches: readonly string[];
  /** Heard from the server / sent something since the last heartbeat. */
  readonly heard: boolean;
  readonly sent: boolean;
  readonly silentBeats: number;
}

const MS = 1000;

export function defaultZkClientConfig(servers: readonly NodeId[], sessionTimeoutMs = 4000): ZkClientConfig {
  return { servers, sessionTimeoutMs, pendingMax: 1000, reconnectDelayMaxMs: 200 };
}

export function bootZkClient(id: NodeId, config: ZkClientConfig): ZkClient {
  return {
    id,
    config,
    state: 'CONNECTING',
    serverIndex: 0,
    handshaking: false,
    conn: 0,
    sessionId: 0,
    timeoutMs: config.sessionTimeoutMs,
    xid: 0,
    lastZxidSeen: 0,
    pending: [],
    authInfo: [],
    dataWatches: [],
    existWatches: [],
    childWatches: [],
    persistentWatches: [],
    persistentRecursiveWatches: [],
    heard: false,
    sent: false,
    silentBeats: 0,
  };
}

type ZkClientPatch = Partial<Omit<ZkClient, 'id' | 'config'>>;

/**
 * Copies a client with some fields replaced (protocol/patch.ts), in bootZkClient's key order. A
 * field the patch leaves undefined keeps its value (no ZkClient field is ever undefined).
 */
export function patchZkClient(c: ZkClient, p: ZkClientPatch): ZkClient {
  const next: Mutable<ZkClient> = {
    id: c.id,
    config: c.config,
    state: c.state,
    serverIndex: c.serverIndex,
    handshaking: c.handshaking,
    conn: c.conn,
    sessionId: c.sessionId,
    timeoutMs: c.timeoutMs,
    xid: c.xid,
    lastZxidSeen: c.lastZxidSeen,
    pending: c.pending,
    authInfo: c.authInfo,
    dataWatches: c.dataWatches,
    existWatches: c.existWatches,
    childWatches: c.childWatches,
    persistentWatches: c.persistentWatches,
    persistentRecursiveWatches: c.persistentRecursiveWatches,
    heard: c.heard,
    sent: c.sent,
    silentBeats: c.silentBeats,
  };
  return applyPatch<ZkClient>(next, p);
}

export type ZkClientTransition = Transition<ZkClient, ZabMessage, never, ZabObservation>;

export function zkClientProgram(configFor: (id: NodeId) => ZkClientConfig): NodeProgram<ZkClient, ZabMessage, never, null, ZabObservation> {
  return {
    kind: 'zk-client',
    emptyDisk: () => null,
    applyWrite: (disk) => disk,
    boot: (id) => bootZkClient(id, configFor(id)),
    step: stepZkClient,
    describe: (m) => m.type,
    describeWrite: () => '',
  };
}

export function stepZkClient(c: ZkClient, event: Event<ZabMessage>): ZkClientTransition {
  const fx = new Fx();
  const next = dispatchZkClient(c, event, fx);
  return [next, fx.list as ZkClientTransition[1]];
}

export function server(c: ZkClient): NodeId {
  return c.config.servers[c.serverIndex % c.config.servers.length] as NodeId;
}

function alive(c: ZkClient): boolean {
  return c.state === 'CONNECTING' || c.state === 'CONNECTED';
}

export function dispatchZkClient(c: ZkClient, event: Event<ZabMessage>, fx: Fx): ZkClient {
  switch (event.type) {
    case 'start':
      return startConnect(c, fx);
    case 'deliver': {
      const msg = event.msg;
      if (event.from === ENV) return msg.type === 'APP_OP' ? invoke(c, msg.op as ZkCommand, fx) : c;
      if (event.from !== server(c) || !alive(c)) return c; // a server we already left
      // ClientCnxn.SendThread reads only the socket it primed: once that connection breaks, the
      // read fails (an IOException, "connection loss") and it reconnects, sending ConnectRequest,
      // auth and setWatches again. A message on another connection number means the link broke and
      // came back; whatever was lost on the old connection is lost, so the session must re-prime.
      if (c.state === 'CONNECTED' && event.conn !== c.conn)
        return disconnect(c, `${msg.type} from server ${server(c)} came on connection ${event.conn}, not ${c.conn}: the connection broke`, fx);
      switch (msg.type) {
        case 'CONNECT_RESPONSE':
          return onConnectResponse(c, msg.sessionId, msg.timeoutMs, event.conn, fx);
        case 'ZK_REPLY':
          return onReply(patchZkClient(c, { heard: true }), msg.reply, fx);
        case 'WATCHER_EVENT':
          return onWatcherEvent(patchZkClient(c, { heard: true }), msg.event, fx);
        case 'CLIENT_CLOSE':
          return disconnect(c, `server closed the connection: ${msg.reason}`, fx);
        default:
          return c;
      }
    }
    case 'timeout':
      return onTimer(c, event.timer, fx);
    case 'peerReset':
      return event.peer === server(c) && alive(c) ? disconnect(c, 'connection reset', fx) : c;
    case 'fsynced':
    case 'drawn':
      return c;
  }
}

// ------------------------------------------------------------------ connection

function startConnect(c: ZkClient, fx: Fx): ZkClient {
  if (!alive(c)) return c;
  const to = server(c);
  fx.send(to, { type: 'CONNECT_REQUEST', sessionId: c.sessionId, timeoutMs: c.timeoutMs, lastZxidSeen: c.lastZxidSeen });
  // ClientCnxn: connectTimeout = sessionTimeout / #servers.
  const connectUs = (c.timeoutMs * MS) / c.config.servers.length;
  fx.timer('connect', connectUs, connectUs);
  fx.cancel('beat');
  return patchZkClient(c, { state: 'CONNECTING', handshaking: true, heard: false, sent: false, silentBeats: 0 });
}

function observeSession(c: ZkClient, state: string, fx: Fx): void {
  fx.observe({ kind: 'session', client: c.id, session: c.sessionId, server: server(c), state });
}

function onConnectResponse(c: ZkClient, sessionId: number, timeoutMs: number, conn: number, fx: Fx): ZkClient {
  if (!c.handshaking) return c;
  fx.cancel('connect');
  if (timeoutMs <= 0) {
    const expired: ZkClient = patchZkClient(c, { handshaking: false, state: 'EXPIRED' });
    observeSession(expired, 'EXPIRED', fx);
    fx.note(`client ${c.id}: session 0x${c.sessionId.toString(16)} expired`);
    return failAll(expired, 'SESSIONEXPIRED', 'fail', fx);
  }
  const reconnect = c.sessionId !== 0;
  const connected: ZkClient = patchZkClient(c, { handshaking: false, conn, state: 'CONNECTED', sessionId, timeoutMs, heard: true, sent: true, silentBeats: 0 });
  observeSession(connected, 'CONNECTED', fx);
  const to = server(connected);
  // SendThread.primeConnection pushes each packet to the front of the outgoing queue: setWatches,
  // then every auth packet, then the ConnectRequest. So the wire order is ConnectRequest, the auth
  // packets last-added first, setWatches, then what was queued while connecting.
  for (let i = c.authInfo.length - 1; i >= 0; i--) {
    const a = c.authInfo[i] as { scheme: string; auth: string };
    fx.send(to, { type: 'ZK_REQUEST', xid: XID.AUTH, request: { type: 'auth', scheme: a.scheme, auth: a.auth } });
  }
  if (reconnect && hasWatches(c)) {
    for (const request of setWatchesPackets(c, c.lastZxidSeen)) fx.send(to, { type: 'ZK_REQUEST', xid: XID.SET_WATCHES, request });
  }
  const pending = connected.pending.map((p) => {
    if (p.sent) return p;
    fx.send(to, { type: 'ZK_REQUEST', xid: p.xid, request: p.request });
    return markSent(p);
  });
  const next = patchZkClient(connected, { pending });
  armBeat(next, fx);
  return next;
}

/** readTimeout = 2/3 of the session timeout, checked in two beats of a third; pings go out on idle beats. */
function armBeat(c: ZkClient, fx: Fx): void {
  const beatUs = (c.timeoutMs * MS) / 3;
  fx.timer('beat', beatUs, beatUs);
}

function onTimer(c: ZkClient, timer: string, fx: Fx): ZkClient {
  if (!alive(c)) return c;
  switch (timer) {
    case 'connect':
      return c.handshaking ? disconnect(c, `no ConnectResponse from server ${server(c)} within the connect timeout`, fx) : c;
    case 'reconnect':
      return c.state === 'CONNECTING' && !c.handshaking ? startConnect(c, fx) : c;
    case 'beat': {
      if (c.state !== 'CONNECTED') return c;
      const silentBeats = c.heard ? 0 : c.silentBeats + 1;
      if (silentBeats >= 2) return disconnect(c, `nothing from server ${server(c)} for ${Math.round((2 * c.timeoutMs) / 3)} ms (read timeout)`, fx);
      armBeat(c, fx);
      if (!c.sent) fx.send(server(c), { type: 'ZK_REQUEST', xid: XID.PING, request: { type: 'ping' } });
      return patchZkClient(c, { heard: false, sent: false, silentBeats });
    }
    default:
      return c;
  }
}

/** The connection is gone: everything pending fails (CONNECTIONLOSS: unknown if sent), try the next server. */
function disconnect(c: ZkClient, reason: string, fx: Fx): ZkClient {
  const from = server(c);
  fx.note(`client ${c.id}: ${reason}; moving from server ${from} to the next`);
  fx.send(from, { type: 'CLIENT_CLOSE', reason: 'client moved' });
  fx.cancel('connect');
  fx.cancel('beat');
  if (c.state === 'CONNECTED') observeSession(c, 'DISCONNECTED', fx);
  let next: ZkClient = failAll(patchZkClient(c, { state: 'CONNECTING', handshaking: false }), 'CONNECTIONLOSS', 'info', fx);
  next = patchZkClient(next, { serverIndex: (c.serverIndex + 1) % c.config.servers.length });
  fx.timer('reconnect', 0, c.config.reconnectDelayMaxMs * MS);
  return next;
}

function failAll(c: ZkClient, err: ErrorCode, outcome: 'info' | 'fail', fx: Fx): ZkClient {
  let next = c;
  for (const p of c.pending) {
    if (p.command.type === 'removeWatches' || p.command.type === 'removeAllWatches') {
      next = finishDeregistration(next, p, p.command, err, null, fx);
      continue;
    }
    // A request that never left cannot have taken effect.
    complete(c, p, p.sent ? outcome : 'fail', { err, response: null }, null, fx);
  }
  return c.pending.length === 0 ? c : patchZkClient(next, { pending: [] });
}

// ------------------------------------------------------------------ requests

function isWriteCommand(cmd: ZkCommand): boolean {
  return (
    cmd.type === 'create' ||
    cmd.type === 'remove' ||
    cmd.type === 'setData' ||
    cmd.type === 'setACL' ||
    cmd.type === 'transaction' ||
    cmd.type === 'close' ||
    (cmd.type === 'multi' && isWriteMulti(cmd))
  );
}

function requestOf(cmd: ZkCommand): ZkRequest | null {
  if (isQueryCommand(cmd)) return queryRequestOf(cmd);
  switch (cmd.type) {
    case 'create': {
      const base = { type: 'create', path: cmd.path, data: cmd.data, acl: cmd.acl, mode: cmd.mode } as const;
      if (cmd.ttl !== undefined) return { ...base, stat: true, ttl: cmd.ttl }; // createTTL answers Create2Response
      return cmd.stat === true ? { ...base, stat: true } : base;
    }
    case 'remove':
      return { type: 'delete', path: cmd.path, version: cmd.version };
    case 'setData':
      return { type: 'setData', path: cmd.path, data: cmd.data, version: cmd.version };
    case 'getData':
    case 'exists':
    case 'getChildren':
      return { type: cmd.type, path: cmd.path, watch: cmd.watch };
    case 'getACL':
      return { type: 'getACL', path: cmd.path };
    case 'setACL':
      return { type: 'setACL', path: cmd.path, acl: cmd.acl, version: cmd.version };
    case 'transaction':
      return { type: 'multi', ops: cmd.ops };
    case 'sync':
      return { type: 'sync', path: cmd.path };
    case 'close':
      return { type: 'closeSession' };
    case 'addAuthInfo':
      return null;
    case 'addWatch':
      return { type: 'addWatch', path: cmd.path, mode: cmd.mode };
    case 'removeWatches':
      return { type: 'checkWatches', path: cmd.path, watcherType: cmd.watcherType };
    case 'removeAllWatches':
      return { type: 'removeWatches', path: cmd.path, watcherType: cmd.watcherType };
  }
}

function complete(c: ZkClient, p: Outstanding, outcome: 'ok' | 'fail' | 'info', result: ZkCompletion, zxid: Zxid | null, fx: Fx, readZxid?: Zxid): void {
  const write = isWriteCommand(p.command);
  // The reply header's zxid is recorded for the client-level checkers (sequential reads, lastZxidSeen).
  if (readZxid === undefined) fx.observe({ kind: 'complete', client: c.id, xid: p.xid, outcome, result, zxid, server: server(c), session: c.sessionId, write });
  else fx.observe({ kind: 'complete', client: c.id, xid: p.xid, outcome, result, zxid, server: server(c), session: c.sessionId, write, readZxid });
}

/** Whether a path of op is one the client library refuses before sending (Op.validate → PathUtils.validatePath). */
export function opPathValid(op: WriteOp): boolean {
  if (op.type !== 'create') return isValidClientPath(op.path, false);
  return isValidClientPath(op.path, isSequentialMode(op.mode)) && ttlValid(op.mode, op.ttl);
}

/**
 * EphemeralType.validateTTL, which ZooKeeper.create calls before sending: a TTL mode needs a TTL in
 * (0, TTL_MAX_MS]; any other mode must not carry one (Java: ttl >= 0 is refused, -1 means none).
 */
function ttlValid(mode: CreateMode, ttl: number | undefined): boolean {
  if (isTtlMode(mode)) return ttl !== undefined && Number.isInteger(ttl) && ttl > 0 && ttl <= TTL_MAX_MS;
  return ttl === undefined || ttl < 0;
}

/**
 * ZooKeeper's API methods call PathUtils.validatePath before anything is queued (create with the
 * sequential flag, multi through each Op.validate), and throw IllegalArgumentException; so does
 * node-zookeeper-client. Such a call never reaches a server.
 */
function pathsValid(cmd: ZkCommand): boolean {
  if (isQueryCommand(cmd)) return queryPathsValid(cmd, opPathValid);
  switch (cmd.type) {
    case 'create':
    case 'remove':
    case 'setData':
      return opPathValid(cmd.type === 'remove' ? { type: 'delete', path: cmd.path, version: cmd.version } : cmd);
    case 'getData':
    case 'exists':
    case 'getChildren':
    case 'getACL':
    case 'setACL':
    case 'sync':
    case 'addWatch':
    case 'removeWatches':
    case 'removeAllWatches':
      return isValidClientPath(cmd.path, false);
    case 'transaction':
      return cmd.ops.every(opPathValid);
    case 'close':
    case 'addAuthInfo':
      return true;
  }
}

export function invoke(c: ZkClient, command: ZkCommand, fx: Fx): ZkClient {
  const xid = c.xid + 1;
  const to = server(c);
  let next: ZkClient = patchZkClient(c, { xid });
  fx.observe({ kind: 'invoke', client: c.id, xid, op: command, server: to, session: c.sessionId });
  const request = requestOf(command);
  const p: Outstanding = { xid, command, request: request ?? { type: 'ping' }, sent: false, authCount: c.authInfo.length };
  if (!pathsValid(command)) {
    // The simulator has no exception to throw: the call fails at once with BADARGUMENTS, never sent.
    complete(next, p, 'fail', { err: 'BADARGUMENTS', response: null }, null, fx);
    return next;
  }
  if (!alive(c)) {
    const err: ErrorCode = c.state === 'EXPIRED' ? 'SESSIONEXPIRED' : c.state === 'AUTH_FAILED' ? 'AUTHFAILED' : 'CONNECTIONLOSS';
    // ClientCnxn.queuePacket on a dead connection: conLossPacket → finishPacket, so a local removal still happens.
    if (command.type === 'removeWatches' || command.type === 'removeAllWatches') return finishDeregistration(next, p, command, err, null, fx);
    complete(next, p, 'fail', { err, response: null }, null, fx);
    return next;
  }
  if (request === null) {
    // addAuthInfo: remembered for reconnects, sent now if connected (its reply has xid -4).
    if (command.type !== 'addAuthInfo') return next;
    const authInfo = [...c.authInfo, { scheme: command.scheme, auth: command.auth }];
    if (c.state === 'CONNECTED') fx.send(to, { type: 'ZK_REQUEST', xid: XID.AUTH, request: { type: 'auth', scheme: command.scheme, auth: command.auth } });
    complete(next, p, 'ok', { err: 'OK', response: null }, null, fx);
    return patchZkClient(next, { authInfo, sent: true });
  }
  if (c.pending.length >= c.config.pendingMax) {
    complete(next, p, 'fail', { err: 'CONNECTIONLOSS', response: null }, null, fx);
    return next;
  }
  if (c.state === 'CONNECTED') {
    fx.send(to, { type: 'ZK_REQUEST', xid, request });
    return patchZkClient(next, { sent: true, pending: [...c.pending, markSent(p)] });
  }
  return patchZkClient(next, { pending: [...c.pending, p] });
}

function onReply(c: ZkClient, reply: ZkReply, fx: Fx): ZkClient {
  // ClientCnxn.SendThread.readResponse returns on PING_XID and AUTHPACKET_XID before it touches
  // lastZxid; every reply that pops the pending queue (setWatches included: ClientCnxnSocketNIO.doIO
  // queues every packet but ping and auth) sets it when the header zxid is > 0. Java assigns rather
  // than takes the max; one server's replies never go down (DataTree.lastProcessedZxid only rises) and
  // a reconnect is refused by a server behind lastZxid, so the two agree.
  if (reply.xid === XID.PING) return c;
  const lastZxidSeen = reply.zxid > c.lastZxidSeen ? reply.zxid : c.lastZxidSeen;
  if (reply.xid === XID.SET_WATCHES) return patchZkClient(c, { lastZxidSeen });
  if (reply.xid === XID.AUTH) {
    if (reply.err !== 'AUTHFAILED') return c;
    const failed: ZkClient = patchZkClient(c, { state: 'AUTH_FAILED' });
    observeSession(failed, 'AUTH_FAILED', fx);
    fx.cancel('beat');
    return failAll(failed, 'AUTHFAILED', 'info', fx);
  }
  const head = c.pending[0];
  if (head === undefined || head.xid !== reply.xid) return disconnect(c, `xid out of order: got ${reply.xid}, expected ${head?.xid}`, fx);
  const shapeError = replyShapeError(head.request, reply) ?? whoAmIError(reply, c.authInfo, head.authCount, c.id);
  assert(shapeError === null, `client ${c.id}: ${shapeError}`);
  let next: ZkClient = patchZkClient(c, { lastZxidSeen, pending: c.pending.slice(1) });
  if (head.command.type === 'removeWatches' || head.command.type === 'removeAllWatches')
    return finishDeregistration(next, head, head.command, reply.err, reply.zxid, fx);
  const write = isWriteCommand(head.command);
  complete(next, head, 'ok', { err: apiError(reply), response: reply.response }, write ? reply.zxid : null, fx, reply.zxid);
  next = registerWatch(next, head.command, reply.err);
  if (head.command.type === 'close' && reply.err === 'OK') {
    next = patchZkClient(next, { state: 'CLOSED' });
    observeSession(next, 'CLOSED', fx);
    fx.cancel('beat');
    return failAll(next, 'SESSIONEXPIRED', 'fail', fx);
  }
  return next;
}

/**
 * The error the API call reports. ZooKeeper.multiInternal: a header error first, else the first
 * ErrorResult whose code is not OK (the server sends a failed multi with header err 0).
 */
function apiError(reply: ZkReply): ErrorCode {
  if (reply.err !== 'OK' || reply.response === null || reply.response.type !== 'multi') return reply.err;
  for (const r of reply.response.results) if (r.type === 'error' && r.err !== 'OK') return r.err;
  return 'OK';
}

function addPath(list: readonly string[], path: string): readonly string[] {
  return list.includes(path) ? list : [...list, path];
}

/**
 * ClientCnxn.finishPacket for removeWatches/removeAllWatches: WatchDeregistration.unregister(rc)
 * decides the call's error code and what leaves the registry (zk-watches.ts `deregister`). A call
 * the client answered itself (NOWATCHER, or a local removal) is 'ok': its result is definite.
 */
function finishDeregistration(
  c: ZkClient,
  p: Outstanding,
  cmd: Extract<ZkCommand, { type: 'removeWatches' | 'removeAllWatches' }>,
  rc: ErrorCode,
  replyZxid: Zxid | null,
  fx: Fx,
): ZkClient {
  const r = deregister(c, cmd.path, cmd.watcherType, cmd.local, rc);
  const outcome = replyZxid !== null || r.err === 'OK' || r.err === 'NOWATCHER' ? 'ok' : p.sent && r.err === 'CONNECTIONLOSS' ? 'info' : 'fail';
  complete(c, p, outcome, { err: r.err, response: null }, null, fx, replyZxid ?? undefined);
  return r.registry === c ? c : patchZkClient(c, r.registry);
}

/** ZKWatchManager: a read that succeeded registers its watcher (exists on NONODE: an exist watch); addWatch its persistent one. */
function registerWatch(c: ZkClient, cmd: ZkCommand, err: ErrorCode): ZkClient {
  if (cmd.type === 'addWatch') return patchZkClient(c, registerAddWatch(c, cmd.path, cmd.mode, err));
  if (cmd.type !== 'getData' && cmd.type !== 'exists' && cmd.type !== 'getChildren') return c;
  if (!cmd.watch) return c;
  if (cmd.type === 'exists' && err === 'NONODE') return patchZkClient(c, { existWatches: addPath(c.existWatches, cmd.path) });
  if (err !== 'OK') return c;
  if (cmd.type === 'getChildren') return patchZkClient(c, { childWatches: addPath(c.childWatches, cmd.path) });
  return patchZkClient(c, { dataWatches: addPath(c.dataWatches, cmd.path) });
}

/** ZKWatchManager.materialize: which client-side watches an event consumes; the application sees it only if one matched. */
function onWatcherEvent(c: ZkClient, event: ZkWatchedEvent, fx: Fx): ZkClient {
  const type: WatchEventType = event.type;
  // A notification never moves lastZxidSeen: 3.8's server sends it with header zxid -1
  // (NIOServerCnxn.process(WatchedEvent)) and ClientCnxn.SendThread.readResponse returns on
  // NOTIFICATION_XID before it sets lastZxid. So a client that saw an event can still reconnect to a
  // server that has not applied that change and read the old data. `event.zxid` is the simulator's
  // record of the triggering txn (-1 for an event setWatches fired: no txn), kept for the checkers only.
  const m = materialize(c, type, event.path);
  const next = m.registry === c ? c : patchZkClient(c, m.registry);
  // EventThread delivers an event only to the watchers materialize found: after removeWatches (the
  // checkWatches opcode leaves the server's watch in place) the event reaches no one.
  if (m.delivered) fx.observe({ kind: 'watch', client: c.id, session: c.sessionId, server: server(c), type, path: event.path, zxid: event.zxid });
  return next;
}
