// The ZooKeeper client protocol as plain data: the requests a client sends (with ZooKeeper's xids
// for the special ones), the envelope a write travels in through Zab (the session and auth of the
// connection that asked, as ZooKeeper's Request carries them), and the responses.
import type { NodeId } from '../program.js';
import type { Zxid } from '../zxid.js';
import type { Acl, ErrorCode, Id, SessionId, Stat, WatchEventType, WriteRequest, ZnodeData } from '../tree/index.js';
import type { OpResult } from '../tree/index.js';
import type { ZkWatchRequest } from './watch-request-types.js';
import type { ZkQueryRequest, ZkQueryResponse } from './query-types.js';

/** ClientCnxn's special xids. */
export const XID = { NOTIFICATION: -1, PING: -2, AUTH: -4, SET_WATCHES: -8 } as const;

/** What a client asks of a server on an established session (OpCode names). */
export type ZkRequest =
  | WriteRequest
  | { readonly type: 'getData'; readonly path: string; readonly watch: boolean }
  | { readonly type: 'exists'; readonly path: string; readonly watch: boolean }
  | { readonly type: 'getChildren'; readonly path: string; readonly watch: boolean }
  | { readonly type: 'getACL'; readonly path: string }
  | { readonly type: 'sync'; readonly path: string }
  | { readonly type: 'ping' }
  | { readonly type: 'auth'; readonly scheme: string; readonly auth: string }
  | ZkQueryRequest
  | ZkWatchRequest;

export type ZkRequestType = ZkRequest['type'];

const WRITE_TYPES: ReadonlySet<string> = new Set([
  'create',
  'delete',
  'setData',
  'setACL',
  'check',
  'multi',
  'createSession',
  'closeSession',
  'deleteContainer',
]);

/** Requests that become txns (and so get a zxid, even when they fail). */
export function isWriteRequest(request: ZkRequest): request is WriteRequest {
  return WRITE_TYPES.has(request.type);
}

/** A write as it travels through Zab (REQUEST to the leader, then the txn's origin). */
export interface ZkEnvelope {
  readonly zk: true;
  readonly sessionId: SessionId;
  readonly authIds: readonly Id[];
  readonly request: WriteRequest;
  /** Set by the leader's session check just before prep (SessionTracker.checkSession). */
  readonly sessionError?: 'SESSIONEXPIRED' | 'SESSIONMOVED';
}

export function isZkEnvelope(op: unknown): op is ZkEnvelope {
  return typeof op === 'object' && op !== null && (op as { zk?: unknown }).zk === true;
}

/**
 * One op's result in a MultiResponse. A create's carries the Stat only for the opcodes that answer
 * with one (FinalRequestProcessor: CreateResult(path) for OpCode.create, CreateResult(path, stat)
 * for create2, createTTL and createContainer).
 */
export type ZkOpResult = Exclude<OpResult, { type: 'create' }> | { readonly type: 'create'; readonly path: string; readonly stat?: Stat };

/** The response body for a successful request (what follows ReplyHeader on the wire). */
export type ZkResponse =
  /** CreateResponse (path) for OpCode.create; Create2Response (path, stat) for create2. */
  | { readonly type: 'create'; readonly path: string; readonly stat?: Stat }
  | { readonly type: 'delete' }
  | { readonly type: 'setData'; readonly stat: Stat }
  | { readonly type: 'setACL'; readonly stat: Stat }
  | { readonly type: 'check' }
  | { readonly type: 'multi'; readonly results: readonly ZkOpResult[] }
  | { readonly type: 'getData'; readonly data: ZnodeData; readonly stat: Stat }
  | { readonly type: 'exists'; readonly stat: Stat }
  | { readonly type: 'getChildren'; readonly children: readonly string[]; readonly stat: Stat }
  | { readonly type: 'getACL'; readonly acl: readonly Acl[]; readonly stat: Stat }
  | { readonly type: 'sync'; readonly path: string }
  | { readonly type: 'closeSession' }
  | ZkQueryResponse
  | { readonly type: 'empty' };

/** ReplyHeader (xid, zxid, err) plus the response; a failed multi also carries its per-op results. */
export interface ZkReply {
  readonly xid: number;
  readonly zxid: Zxid;
  readonly err: ErrorCode;
  readonly response: ZkResponse | null;
}

export interface ZkWatchedEvent {
  readonly type: WatchEventType;
  readonly path: string;
  readonly zxid: Zxid;
}

/** A write waiting in a server's per-session queue, or a read/sync queued behind one. */
export interface ZkPending {
  readonly client: NodeId;
  readonly xid: number;
  readonly request: ZkRequest;
  /** 'write': waits for its txn; 'sync': waits for the leader's SYNC; 'read': waits for earlier ones. */
  readonly wait: 'write' | 'sync' | 'read';
  readonly reply: ZkReply | null;
  /**
   * A read on the leader whose session failed SessionTracker.checkSession on arrival
   * (PrepRequestProcessor.pRequest2Txn checks reads, pings and setWatches too): answered with this
   * code in turn, or for SESSIONMOVED the connection is closed instead (FinalRequestProcessor).
   */
  readonly sessionError?: 'SESSIONEXPIRED' | 'SESSIONMOVED';
  /**
   * A read's auth ids as they were when it was read off the connection: ZooKeeperServer.processPacket
   * builds the Request with cnxn.getAuthInfo(), a copy, and FinalRequestProcessor checks the ACL
   * against request.authInfo. An addAuth read after it (handled on arrival) does not reach it, even
   * when the read waits behind the session's earlier writes.
   */
  readonly authIds?: readonly Id[];
}

/** The pending request with its reply set (a literal copy, cheaper than a spread in V8 11). */
export function withReply(p: ZkPending, reply: ZkReply): ZkPending {
  return { client: p.client, xid: p.xid, request: p.request, wait: p.wait, reply };
}
