// The data tree's types: znodes and Stat, the client write requests that `prep` turns into txns
// (PrepRequestProcessor), the txns that `applyTxn` applies (DataTree.processTxn), their results, and
// the watch triggers an apply produces. Names follow ZooKeeper 3.8.
//
// Data is a string, the UTF-8 text of the znode's bytes (dataLength counts UTF-8 bytes), or null for
// a node created with null data. Byte strings that are not valid UTF-8 are not representable;
// compare with a real server through `buffer.toString('utf8')`.
//
// Session ids are JavaScript numbers: ZooKeeper's are 64-bit longs, so the simulator must hand out
// ids below 2^53 (and never 0, which means "not ephemeral"). Containers and TTL nodes carry special
// negative owners (EphemeralType): a container Long.MIN_VALUE, exact as a double; a TTL node the
// long 0xff00_0000_0000_0000 | ttl, which a double cannot hold, so zabsim stores −ttl instead
// (javaEphemeralOwner gives ZooKeeper's value back, for comparing with a real server).
import type { Zxid } from '../zxid.js';
import type { Acl, Id } from './acl.js';
import type { ErrorCode, FailureCode, SessionFailureCode } from './errors.js';
import type { PersistentMap } from './hamt.js';
import type { JavaHashSet } from './java-hash-set.js';

export type SessionId = number;
export type ZnodeData = string | null;

/** A znode as DataTree stores it (DataNode + StatPersisted). */
export interface Znode {
  readonly data: ZnodeData;
  readonly acl: readonly Acl[];
  readonly czxid: Zxid;
  readonly mzxid: Zxid;
  readonly pzxid: Zxid;
  readonly ctime: number;
  readonly mtime: number;
  readonly version: number;
  /** StatPersisted.cversion: the number of child creations. Clients see a different value (see Stat). */
  readonly cversion: number;
  readonly aversion: number;
  /** The owning session for an ephemeral node, 0 otherwise. */
  readonly ephemeralOwner: SessionId;
  readonly children: JavaHashSet;
}

/** The Stat a client sees (DataNode.copyStat). Times are virtual milliseconds. */
export interface Stat {
  readonly czxid: Zxid;
  readonly mzxid: Zxid;
  readonly ctime: number;
  readonly mtime: number;
  readonly version: number;
  /** 2 × (persisted cversion) − numChildren, as a Java int: creations plus deletions (v3 semantics). */
  readonly cversion: number;
  readonly aversion: number;
  readonly ephemeralOwner: SessionId;
  readonly dataLength: number;
  readonly numChildren: number;
  readonly pzxid: Zxid;
}

/** The replicated state (ZKDatabase): the tree, the ephemerals index, the global sessions. */
export interface DataTree {
  /** path → znode; the root is stored under "/" (lookups of "" also find it, as in ZooKeeper). */
  readonly nodes: PersistentMap<Znode>;
  /** String(sessionId) → that session's ephemeral paths (DataTree.ephemerals, a HashSet each). */
  readonly ephemerals: PersistentMap<JavaHashSet>;
  /** String(sessionId) → negotiated timeout in ms (ZKDatabase.sessionsWithTimeouts). */
  readonly sessions: PersistentMap<number>;
  /** Paths of the container nodes (DataTree.containers), each mapped to 1; ContainerManager scans them. */
  readonly containers: PersistentMap<1>;
  /** Paths of the TTL nodes (DataTree.ttls), each mapped to 1. */
  readonly ttls: PersistentMap<1>;
  readonly lastProcessedZxid: Zxid;
}

/**
 * CreateMode. CONTAINER goes as OpCode.createContainer. The TTL modes go as OpCode.createTTL; the
 * server refuses them with UNIMPLEMENTED unless extendedTypesEnabled is on (ZooKeeper's default is
 * off, as is the conformance suite's server).
 */
export type CreateMode =
  'PERSISTENT' | 'PERSISTENT_SEQUENTIAL' | 'EPHEMERAL' | 'EPHEMERAL_SEQUENTIAL' | 'CONTAINER' | 'PERSISTENT_WITH_TTL' | 'PERSISTENT_SEQUENTIAL_WITH_TTL';

/** CreateMode.isTTL. */
export function isTtlMode(mode: CreateMode): boolean {
  return mode === 'PERSISTENT_WITH_TTL' || mode === 'PERSISTENT_SEQUENTIAL_WITH_TTL';
}

/** CreateMode.isSequential. */
export function isSequentialMode(mode: CreateMode): boolean {
  return mode === 'PERSISTENT_SEQUENTIAL' || mode === 'EPHEMERAL_SEQUENTIAL' || mode === 'PERSISTENT_SEQUENTIAL_WITH_TTL';
}

/** EphemeralType.TTL.maxValue(): the TTL field of an extended ephemeralOwner, 40 bits of milliseconds. */
export const TTL_MAX_MS = 2 ** 40 - 1;

/** EphemeralType.CONTAINER_EPHEMERAL_OWNER: Long.MIN_VALUE, exactly representable as a double. */
export const CONTAINER_EPHEMERAL_OWNER = -(2 ** 63);

/** EphemeralType, as EphemeralType.get names an ephemeralOwner. */
export type EphemeralType = 'VOID' | 'NORMAL' | 'CONTAINER' | 'TTL';

/**
 * EphemeralType.get. Session ids are positive here (session-id.ts), so a negative owner other than
 * the container marker is a TTL node's −ttl (see the file comment).
 */
export function ephemeralTypeOf(owner: SessionId): EphemeralType {
  if (owner === 0) return 'VOID';
  if (owner === CONTAINER_EPHEMERAL_OWNER) return 'CONTAINER';
  return owner < 0 && owner >= -TTL_MAX_MS ? 'TTL' : 'NORMAL';
}

/** EphemeralType.TTL.toEphemeralOwner in zabsim's encoding: −ttl (the caller checked 0 < ttl ≤ TTL_MAX_MS). */
export function ttlEphemeralOwner(ttl: number): SessionId {
  return -ttl;
}

/** EphemeralType.TTL.getValue: a TTL node's TTL in ms, 0 for any other owner. */
export function ttlOfOwner(owner: SessionId): number {
  return ephemeralTypeOf(owner) === 'TTL' ? -owner : 0;
}

/** The ephemeralOwner ZooKeeper itself would report, as a signed 64-bit value. */
export function javaEphemeralOwner(owner: SessionId): bigint {
  return ephemeralTypeOf(owner) === 'TTL' ? BigInt.asIntN(64, 0xff00_0000_0000_0000n | BigInt(-owner)) : BigInt(owner);
}

/** The operations allowed inside a multi (and on their own). */
export type WriteOp =
  | {
      readonly type: 'create';
      readonly path: string;
      readonly data: ZnodeData;
      readonly acl: readonly Acl[];
      readonly mode: CreateMode;
      /**
       * Sent as OpCode.create2 (ZooKeeper.create with a Stat argument): the reply carries the new
       * node's Stat (Create2Response). Prep and apply treat both opcodes alike; inside a multi a
       * create2 is read back as a plain create (MultiOperationRecord.deserialize → Op.create).
       */
      readonly stat?: true;
      /** The TTL in ms for a TTL mode (CreateTTLRequest.ttl); absent otherwise. */
      readonly ttl?: number;
    }
  | { readonly type: 'delete'; readonly path: string; readonly version: number }
  | { readonly type: 'setData'; readonly path: string; readonly data: ZnodeData; readonly version: number }
  | { readonly type: 'check'; readonly path: string; readonly version: number };

/** A state-changing request as it reaches PrepRequestProcessor on the leader. */
export type WriteRequest =
  | WriteOp
  | { readonly type: 'setACL'; readonly path: string; readonly acl: readonly Acl[]; readonly version: number }
  /** OpCode.deleteContainer: posted by the leader's ContainerManager (session 0, no client). */
  | { readonly type: 'deleteContainer'; readonly path: string }
  | { readonly type: 'multi'; readonly ops: readonly WriteOp[] }
  | { readonly type: 'createSession'; readonly timeoutMs: number }
  | { readonly type: 'closeSession' };

export interface PrepContext {
  /** The zxid this request gets (zks.getNextZxid()); every write consumes one, failed or not. */
  readonly zxid: Zxid;
  /** The leader's clock when it prepared the request (TxnHeader.time), in virtual ms. */
  readonly timeMs: number;
  readonly sessionId: SessionId;
  /** The connection's authInfo: its ip id (see ipAuthId) and any ids added by addAuthInfo. */
  readonly authIds: readonly Id[];
  /**
   * The outcome of the caller's SessionTracker.checkSession(sessionId, owner) for this request:
   * ZooKeeper raises it before any other check of create/delete/setData/setACL/check (and of each
   * op of a multi). Omit when the session is fine. createSession/closeSession skip it.
   */
  readonly sessionError?: SessionFailureCode;
  /** zookeeper.extendedTypesEnabled (EphemeralType.extendedEphemeralTypesEnabled): TTL creates allowed. Off by default. */
  readonly extendedTypesEnabled?: boolean;
}

/** The body of a create/delete/setData/setACL/check txn (CreateTxn, DeleteTxn, ...). */
export type OpTxn =
  | {
      readonly type: 'create';
      readonly path: string;
      readonly data: ZnodeData;
      readonly acl: readonly Acl[];
      readonly ephemeral: boolean;
      /** The parent's cversion after this create (CreateTxn.parentCVersion). */
      readonly parentCversion: number;
      /** A CreateContainerTxn: the node's owner is CONTAINER_EPHEMERAL_OWNER. */
      readonly container?: true;
      /** A CreateTTLTxn's ttl in ms: the node's owner encodes it (ttlEphemeralOwner). */
      readonly ttl?: number;
    }
  | { readonly type: 'delete'; readonly path: string }
  | { readonly type: 'setData'; readonly path: string; readonly data: ZnodeData; readonly version: number }
  | { readonly type: 'setACL'; readonly path: string; readonly acl: readonly Acl[]; readonly version: number }
  | { readonly type: 'check'; readonly path: string; readonly version: number };

export type ErrorTxn = { readonly type: 'error'; readonly err: ErrorCode };

/** What a multi carries per op: the op's txn, or an error record. */
export type MultiSubTxn = Exclude<OpTxn, { type: 'setACL' }> | ErrorTxn;

export type TxnBody =
  | OpTxn
  | ErrorTxn
  | { readonly type: 'multi'; readonly txns: readonly MultiSubTxn[] }
  | { readonly type: 'createSession'; readonly timeoutMs: number }
  /** CloseSessionTxn.paths2Delete, in the order the leader listed them. */
  | { readonly type: 'closeSession'; readonly paths: readonly string[] };

/** TxnHeader + txn record. `sessionId` is the header's clientId. */
export interface Txn {
  readonly zxid: Zxid;
  readonly timeMs: number;
  readonly sessionId: SessionId;
  readonly body: TxnBody;
}

/** One op's outcome (DataTree.ProcessTxnResult → FinalRequestProcessor's OpResult). */
export type OpResult =
  | { readonly type: 'create'; readonly path: string; readonly stat: Stat }
  | { readonly type: 'delete'; readonly path: string }
  | { readonly type: 'setData'; readonly path: string; readonly stat: Stat }
  | { readonly type: 'setACL'; readonly path: string; readonly stat: Stat }
  | { readonly type: 'check'; readonly path: string }
  | { readonly type: 'error'; readonly err: ErrorCode };

export type TxnResult =
  | OpResult
  /** err: the first non-OK sub-result, or OK. Results are positional, one per op. */
  | { readonly type: 'multi'; readonly err: ErrorCode; readonly results: readonly OpResult[] }
  | { readonly type: 'createSession' }
  | { readonly type: 'closeSession' };

export type WatchEventType = 'NodeCreated' | 'NodeDeleted' | 'NodeDataChanged' | 'NodeChildrenChanged';

/**
 * A trigger for one of DataTree's two watch managers, in firing order. `watches: 'data'` is
 * dataWatches.triggerWatch (getData/exists watchers), `'child'` is childWatches.triggerWatch
 * (getChildren watchers). For a delete, ZooKeeper fires NodeDeleted on the data watchers of the path,
 * then on its child watchers except those already notified, then NodeChildrenChanged on the parent:
 * the watch manager must apply that "except" itself.
 */
export interface WatchTrigger {
  readonly type: WatchEventType;
  readonly path: string;
  readonly watches: 'data' | 'child';
  /**
   * The ACL DataTree hands WatchManager.triggerWatch (the node's; the parent's for
   * NodeChildrenChanged; the deleted node's own for NodeDeleted). The measured 3.8 server does not
   * deliver an event to a connection without READ on it (the watch is consumed silently).
   */
  readonly acl: readonly Acl[];
}

export interface ApplyOutcome {
  readonly tree: DataTree;
  readonly result: TxnResult;
  readonly watchEvents: readonly WatchTrigger[];
}

export type ReadResult<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly err: FailureCode };
