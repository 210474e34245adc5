// Minimal typed promise wrapper over the CommonJS package `node-zookeeper-client` (no typings).
// Every ZooKeeper call resolves (never rejects) to a normalized ZkResult carrying ZooKeeper's
// numeric error code; programming errors (bad arguments to the library) still throw.
//
// Library quirks handled here:
//  - `Transaction.check/setData/remove` turn version 0 into -1 (`version || -1`), so multi ops are
//    pushed onto `transaction.ops` directly with the exact version.
//  - `close()` sends closeSession without a callback; we wait for the socket to close, which the
//    server does right after it has applied the closeSession txn and sent its reply.
//  - Longs (zxids, times, session ids) arrive as 8-byte big-endian Buffers; they become bigint.

import { createRequire } from 'node:module';
import { ADD_WATCH_MODE, OPCODE, sendSync, sendWatchRequest, WATCHER_TYPE, type RawQueue } from './watch-calls.js';

// ---- public types ----------------------------------------------------------------------------

export type ZkResult<T> = { ok: true; value: T } | { ok: false; code: number; name: string };

export interface ZkStat {
  czxid: bigint;
  mzxid: bigint;
  pzxid: bigint;
  ctime: number;
  mtime: number;
  version: number;
  cversion: number;
  aversion: number;
  ephemeralOwner: bigint;
  dataLength: number;
  numChildren: number;
}

export interface ZkAcl {
  perms: number;
  scheme: string;
  id: string;
}

export type ZkCreateMode = 'persistent' | 'ephemeral' | 'persistent_sequential' | 'ephemeral_sequential';

export type ZkEventType = 'NodeCreated' | 'NodeDeleted' | 'NodeDataChanged' | 'NodeChildrenChanged';

export interface ZkWatchEvent {
  type: ZkEventType;
  path: string;
}

export type ZkWatcher = (event: ZkWatchEvent) => void;

export type ZkMultiOp =
  | { op: 'create'; path: string; data: Buffer; acl: readonly ZkAcl[]; mode: ZkCreateMode }
  | { op: 'delete'; path: string; version: number }
  | { op: 'setData'; path: string; data: Buffer; version: number }
  | { op: 'check'; path: string; version: number };

/** One entry of a multi reply: success payloads, or an error code per op (0 = OK, not applied). */
export type ZkMultiOpResult =
  { op: 'create'; path: string } | { op: 'delete' } | { op: 'setData'; stat: ZkStat } | { op: 'check' } | { op: 'error'; code: number; name: string };

/** A failed multi also carries the per-op results when the server sent them. */
export type ZkMultiResult = { ok: true; value: ZkMultiOpResult[] } | { ok: false; code: number; name: string; results?: ZkMultiOpResult[] };

// ---- error codes (KeeperException.Code) ------------------------------------------------------
// Written out again on purpose rather than imported from protocol/tree/errors.ts: the real-server
// side of the conformance harness must not share zabsim's tables, or a wrong number in them would
// agree with itself and never be caught.

export const ZK_CODES = {
  OK: 0,
  SYSTEMERROR: -1,
  RUNTIMEINCONSISTENCY: -2,
  DATAINCONSISTENCY: -3,
  CONNECTIONLOSS: -4,
  MARSHALLINGERROR: -5,
  UNIMPLEMENTED: -6,
  OPERATIONTIMEOUT: -7,
  BADARGUMENTS: -8,
  UNKNOWNSESSION: -12,
  NEWCONFIGNOQUORUM: -13,
  RECONFIGINPROGRESS: -14,
  APIERROR: -100,
  NONODE: -101,
  NOAUTH: -102,
  BADVERSION: -103,
  NOCHILDRENFOREPHEMERALS: -108,
  NODEEXISTS: -110,
  NOTEMPTY: -111,
  SESSIONEXPIRED: -112,
  INVALIDCALLBACK: -113,
  INVALIDACL: -114,
  AUTHFAILED: -115,
  SESSIONMOVED: -118,
  NOTREADONLY: -119,
  EPHEMERALONLOCALSESSION: -120,
  NOWATCHER: -121,
  REQUESTTIMEOUT: -122,
  RECONFIGDISABLED: -123,
  SESSIONCLOSEDREQUIRESASLAUTH: -124,
  QUOTAEXCEEDED: -125,
  THROTTLEDOP: -127,
} as const;

export function codeName(code: number): string {
  for (const [name, c] of Object.entries(ZK_CODES)) if (c === code) return name;
  return `UNKNOWN(${code})`;
}

function fail(code: number): { ok: false; code: number; name: string } {
  return { ok: false, code, name: codeName(code) };
}

// ---- the untyped library, described just enough -----------------------------------------------

type Cb<A extends unknown[]> = (error: unknown, ...args: A) => void;

interface RawStat {
  czxid: Buffer;
  mzxid: Buffer;
  pzxid: Buffer;
  ctime: Buffer;
  mtime: Buffer;
  version: number;
  cversion: number;
  aversion: number;
  ephemeralOwner: Buffer;
  dataLength: number;
  numChildren: number;
}

interface RawId {
  scheme: string;
  id: string;
}
interface RawAcl {
  permission: number;
  id: RawId;
}
interface RawEvent {
  type: number;
  name: string;
  path: string;
}

type RawWatcher = (event: RawEvent) => void;

interface RawTxnOp {
  type: number;
  path: string;
  data?: Buffer | undefined;
  acls?: RawAcl[];
  mode?: number;
  version?: number;
}
interface RawTxnResult {
  type: number;
  path?: string;
  stat?: RawStat;
  err?: number;
}
interface RawTransaction {
  ops: RawTxnOp[];
  commit(cb: Cb<[RawTxnResult[] | undefined]>): void;
}

interface RawClient {
  connect(): void;
  close(): void;
  once(event: 'connected' | 'disconnected' | 'expired' | 'authenticationFailed', fn: () => void): void;
  removeListener(event: string, fn: () => void): void;
  getSessionId(): Buffer;
  getSessionTimeout(): number;
  addAuthInfo(scheme: string, auth: Buffer): void;
  create(path: string, data: Buffer, acls: RawAcl[], mode: number, cb: Cb<[string]>): void;
  remove(path: string, version: number, cb: Cb<[]>): void;
  setData(path: string, data: Buffer, version: number, cb: Cb<[RawStat]>): void;
  getData(path: string, cb: Cb<[Buffer | null | undefined, RawStat]>): void;
  getData(path: string, watcher: RawWatcher, cb: Cb<[Buffer | null | undefined, RawStat]>): void;
  exists(path: string, cb: Cb<[RawStat | null]>): void;
  exists(path: string, watcher: RawWatcher, cb: Cb<[RawStat | null]>): void;
  getChildren(path: string, cb: Cb<[string[], RawStat]>): void;
  getChildren(path: string, watcher: RawWatcher, cb: Cb<[string[], RawStat]>): void;
  getACL(path: string, cb: Cb<[RawAcl[] | undefined, RawStat]>): void;
  setACL(path: string, acls: RawAcl[], version: number, cb: Cb<[RawStat]>): void;
  transaction(): RawTransaction;
  connectionManager: { state: number; watcherManager: RawWatcherManager } & RawQueue;
}

interface RawEmitter {
  listeners(name: string): unknown[];
}
/** The library's WatcherManager: one-shot watchers per path, and the emit it calls for each notification. */
interface RawWatcherManager {
  dataWatchers: Record<string, RawEmitter | undefined>;
  childWatchers: Record<string, RawEmitter | undefined>;
  existenceWatchers: Record<string, RawEmitter | undefined>;
  emit(event: RawEvent): void;
}

interface RawModule {
  createClient(connectString: string, options: { sessionTimeout: number; spinDelay: number; retries: number }): RawClient;
  ACL: new (perms: number, id: RawId) => RawAcl;
  Id: new (scheme: string, id: string) => RawId;
}

const require = createRequire(import.meta.url);
const zk = require('node-zookeeper-client') as RawModule;
/** The library's path check (throws an AssertionError), which its own Transaction methods run on every op. */
const validatePath = (require('node-zookeeper-client/lib/Path.js') as { validate(path: string): void }).validate;

// jute op codes used in multi (ZooDefs.OpCode).
const OP_CREATE = 1;
const OP_DELETE = 2;
const OP_SET_DATA = 5;
const OP_CHECK = 13;
const OP_ERROR = -1;

const CREATE_MODES: Record<ZkCreateMode, number> = {
  persistent: 0,
  ephemeral: 1,
  persistent_sequential: 2,
  ephemeral_sequential: 3,
};

const EVENT_TYPES: Record<number, ZkEventType> = {
  1: 'NodeCreated',
  2: 'NodeDeleted',
  3: 'NodeDataChanged',
  4: 'NodeChildrenChanged',
};

// ---- conversions -----------------------------------------------------------------------------

function long(b: Buffer): bigint {
  return b.readBigInt64BE(0);
}

export function normalizeStat(s: RawStat): ZkStat {
  return {
    czxid: long(s.czxid),
    mzxid: long(s.mzxid),
    pzxid: long(s.pzxid),
    ctime: Number(long(s.ctime)),
    mtime: Number(long(s.mtime)),
    version: s.version,
    cversion: s.cversion,
    aversion: s.aversion,
    ephemeralOwner: long(s.ephemeralOwner),
    dataLength: s.dataLength,
    numChildren: s.numChildren,
  };
}

function toRawAcls(acl: readonly ZkAcl[]): RawAcl[] {
  return acl.map((a) => new zk.ACL(a.perms, new zk.Id(a.scheme, a.id)));
}

function fromRawAcls(acl: readonly RawAcl[] | undefined): ZkAcl[] {
  return (acl ?? []).map((a) => ({ perms: a.permission, scheme: a.id.scheme, id: a.id.id }));
}

/** Library errors carry `.code` (a ZooKeeper code); anything else is a bug and is rethrown. */
function errorCode(error: unknown): number {
  if (typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'number') {
    return error.code;
  }
  throw error instanceof Error ? error : new Error(String(error));
}

function wrapWatcher(w: ZkWatcher): RawWatcher {
  // The library hands one event object to every watcher set that matched (e.g. data + child
  // watches on a deleted node); like Java's HashSet of watchers, call each function once.
  const seen = new WeakSet<RawEvent>();
  return (ev: RawEvent) => {
    if (seen.has(ev)) return;
    seen.add(ev);
    const type = EVENT_TYPES[ev.type];
    if (type === undefined) throw new Error(`unknown watch event type ${ev.type}`);
    w({ type, path: ev.path });
  };
}

// ---- the wrapper -----------------------------------------------------------------------------

export interface ConnectOptions {
  /** Requested session timeout (ms); the server clamps it to [2, 20] ticks. */
  sessionTimeout?: number;
  /** Bound on waiting for the session to be established (ms). */
  connectTimeoutMs?: number;
}

export class ZkClient {
  readonly #raw: RawClient;
  /** Raw watcher per user watcher, so re-registering the same function is deduplicated (as in Java). */
  readonly #watchers = new Map<ZkWatcher, RawWatcher>();
  #closed = false;
  /** ZKWatchManager's persistentWatches / persistentRecursiveWatches (paths), all for the one watcher below. */
  readonly #persistent = new Set<string>();
  readonly #recursive = new Set<string>();
  #persistentWatcher: ZkWatcher | undefined;

  private constructor(raw: RawClient) {
    this.#raw = raw;
    // ZKWatchManager.materialize adds the persistent watchers on the path and the recursive ones on the
    // path or an ancestor (addPersistentWatches) to the one-shot ones the library finds; a watcher
    // gets an event once however many of its registrations match.
    const wm = raw.connectionManager.watcherManager;
    const emit = wm.emit.bind(wm);
    wm.emit = (ev: RawEvent): void => {
      const type = EVENT_TYPES[ev.type];
      const oneShot = type !== undefined && this.#oneShotMatches(type, ev.path);
      emit(ev);
      if (type !== undefined && !oneShot && this.#persistentWatcher !== undefined && this.#persistentMatches(ev.path))
        this.#persistentWatcher({ type, path: ev.path });
    };
  }

  #has(table: Record<string, RawEmitter | undefined>, path: string): boolean {
    return (table[path]?.listeners('notification').length ?? 0) > 0;
  }

  #oneShotMatches(type: ZkEventType, path: string): boolean {
    const wm = this.#raw.connectionManager.watcherManager;
    if (type === 'NodeChildrenChanged') return this.#has(wm.childWatchers, path);
    if (type === 'NodeDeleted') return this.#has(wm.dataWatchers, path) || this.#has(wm.childWatchers, path);
    return this.#has(wm.dataWatchers, path) || this.#has(wm.existenceWatchers, path);
  }

  #persistentMatches(path: string): boolean {
    if (this.#persistent.has(path)) return true;
    for (let p = path; ; p = p.lastIndexOf('/') <= 0 ? '/' : p.slice(0, p.lastIndexOf('/'))) {
      if (this.#recursive.has(p)) return true;
      if (p === '/') return false;
    }
  }

  /** ZooKeeper.addWatch(path, watcher, mode); AddWatchRegistration registers on OK. */
  async addWatch(path: string, mode: 'persistent' | 'persistentRecursive', watcher: ZkWatcher): Promise<ZkResult<null>> {
    const err = await sendWatchRequest(this.#raw.connectionManager, OPCODE.addWatch, path, ADD_WATCH_MODE[mode]);
    if (err !== 0) return fail(err);
    (mode === 'persistent' ? this.#persistent : this.#recursive).add(path);
    this.#persistentWatcher = watcher;
    return { ok: true, value: null };
  }

  /**
   * ZooKeeper.removeWatches(path, watcher, type, false) (`all` false: the checkWatches opcode) or
   * removeAllWatches(path, type, false) (the removeWatches opcode); then, as
   * WatchDeregistration.unregister → ZKWatchManager.removeWatcher does with local false: NOWATCHER
   * if this client holds no watch of the type on the path, else the server's error, else remove
   * (Children: child watches; Data: data and exist; Any: those and the persistent ones) and NOWATCHER
   * if nothing was removed.
   */
  async removeWatches(path: string, type: 'Children' | 'Data' | 'Any', all: boolean): Promise<ZkResult<null>> {
    const err = await sendWatchRequest(this.#raw.connectionManager, all ? OPCODE.removeWatches : OPCODE.checkWatches, path, WATCHER_TYPE[type]);
    const wm = this.#raw.connectionManager.watcherManager;
    const persistent = this.#persistent.has(path) || this.#recursive.has(path);
    const child = this.#has(wm.childWatchers, path);
    const data = this.#has(wm.dataWatchers, path) || this.#has(wm.existenceWatchers, path);
    const contains = type === 'Children' ? child || persistent : type === 'Data' ? data || persistent : child || data || persistent;
    if (!contains) return fail(ZK_CODES.NOWATCHER);
    if (err !== 0) return fail(err);
    let removed = false;
    if (type !== 'Data' && child) {
      delete wm.childWatchers[path];
      removed = true;
    }
    if (type !== 'Children' && data) {
      delete wm.dataWatchers[path];
      delete wm.existenceWatchers[path];
      removed = true;
    }
    if (type === 'Any' && persistent) {
      this.#persistent.delete(path);
      this.#recursive.delete(path);
      removed = true;
    }
    return removed ? { ok: true, value: null } : fail(ZK_CODES.NOWATCHER);
  }

  /** ZooKeeper.sync(path): resolves when the server has caught up with the leader (watch-calls.ts). */
  async sync(path: string): Promise<ZkResult<null>> {
    const err = await sendSync(this.#raw.connectionManager, path);
    return err === 0 ? { ok: true, value: null } : fail(err);
  }

  static async connect(connectString: string, opts: ConnectOptions = {}): Promise<ZkClient> {
    const raw = zk.createClient(connectString, {
      sessionTimeout: opts.sessionTimeout ?? 10_000,
      spinDelay: 100,
      retries: 0,
    });
    const timeoutMs = opts.connectTimeoutMs ?? 15_000;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        raw.removeListener('connected', onConnected);
        raw.close();
        reject(new Error(`zk-client: no session with ${connectString} after ${timeoutMs} ms`));
      }, timeoutMs);
      const onConnected = (): void => {
        clearTimeout(timer);
        resolve();
      };
      raw.once('connected', onConnected);
      raw.connect();
    });
    return new ZkClient(raw);
  }

  /** Session id as assigned by the server. */
  get sessionId(): bigint {
    return long(this.#raw.getSessionId());
  }

  /** Negotiated session timeout (ms). */
  get sessionTimeout(): number {
    return this.#raw.getSessionTimeout();
  }

  get closed(): boolean {
    return this.#closed;
  }

  #rawWatcher(w: ZkWatcher): RawWatcher {
    let r = this.#watchers.get(w);
    if (r === undefined) {
      r = wrapWatcher(w);
      this.#watchers.set(w, r);
    }
    return r;
  }

  create(path: string, data: Buffer, acl: readonly ZkAcl[], mode: ZkCreateMode): Promise<ZkResult<string>> {
    return new Promise((resolve) => {
      this.#raw.create(path, data, toRawAcls(acl), CREATE_MODES[mode], (err, created) => {
        resolve(err ? fail(errorCode(err)) : { ok: true, value: created });
      });
    });
  }

  delete(path: string, version: number): Promise<ZkResult<null>> {
    return new Promise((resolve) => {
      this.#raw.remove(path, version, (err) => resolve(err ? fail(errorCode(err)) : { ok: true, value: null }));
    });
  }

  setData(path: string, data: Buffer, version: number): Promise<ZkResult<ZkStat>> {
    return new Promise((resolve) => {
      this.#raw.setData(path, data, version, (err, stat) => resolve(err ? fail(errorCode(err)) : { ok: true, value: normalizeStat(stat) }));
    });
  }

  getData(path: string, watcher?: ZkWatcher): Promise<ZkResult<{ data: Buffer; stat: ZkStat }>> {
    return new Promise((resolve) => {
      const cb: Cb<[Buffer | null | undefined, RawStat]> = (err, data, stat) =>
        resolve(err ? fail(errorCode(err)) : { ok: true, value: { data: data ?? Buffer.alloc(0), stat: normalizeStat(stat) } });
      if (watcher === undefined) this.#raw.getData(path, cb);
      else this.#raw.getData(path, this.#rawWatcher(watcher), cb);
    });
  }

  /** Resolves to `{ ok: true, value: null }` when the node does not exist (a watch is still set). */
  exists(path: string, watcher?: ZkWatcher): Promise<ZkResult<ZkStat | null>> {
    return new Promise((resolve) => {
      const cb: Cb<[RawStat | null]> = (err, stat) => resolve(err ? fail(errorCode(err)) : { ok: true, value: stat ? normalizeStat(stat) : null });
      if (watcher === undefined) this.#raw.exists(path, cb);
      else this.#raw.exists(path, this.#rawWatcher(watcher), cb);
    });
  }

  /** Uses GetChildren2, so the parent's stat comes back too. Children are in server order. */
  getChildren(path: string, watcher?: ZkWatcher): Promise<ZkResult<{ children: string[]; stat: ZkStat }>> {
    return new Promise((resolve) => {
      const cb: Cb<[string[], RawStat]> = (err, children, stat) =>
        resolve(err ? fail(errorCode(err)) : { ok: true, value: { children, stat: normalizeStat(stat) } });
      if (watcher === undefined) this.#raw.getChildren(path, cb);
      else this.#raw.getChildren(path, this.#rawWatcher(watcher), cb);
    });
  }

  getACL(path: string): Promise<ZkResult<{ acl: ZkAcl[]; stat: ZkStat }>> {
    return new Promise((resolve) => {
      this.#raw.getACL(path, (err, acl, stat) =>
        resolve(err ? fail(errorCode(err)) : { ok: true, value: { acl: fromRawAcls(acl), stat: normalizeStat(stat) } }),
      );
    });
  }

  setACL(path: string, acl: readonly ZkAcl[], version: number): Promise<ZkResult<ZkStat>> {
    return new Promise((resolve) => {
      this.#raw.setACL(path, toRawAcls(acl), version, (err, stat) => resolve(err ? fail(errorCode(err)) : { ok: true, value: normalizeStat(stat) }));
    });
  }

  /**
   * Fire-and-forget, as in the Java client: the auth packet is queued in order with later
   * requests. A failing scheme closes the session (AUTHFAILED); digest never fails.
   */
  addAuthInfo(scheme: string, auth: string): ZkResult<null> {
    this.#raw.addAuthInfo(scheme, Buffer.from(auth, 'utf8'));
    return { ok: true, value: null };
  }

  /** Throws (nothing sent) on an invalid path, as Transaction.create/remove/setData/check and Java's Op.validate do. */
  multi(ops: readonly ZkMultiOp[]): Promise<ZkMultiResult> {
    const txn = this.#raw.transaction();
    for (const o of ops) {
      validatePath(o.path);
      switch (o.op) {
        case 'create':
          txn.ops.push({ type: OP_CREATE, path: o.path, data: o.data, acls: toRawAcls(o.acl), mode: CREATE_MODES[o.mode] });
          break;
        case 'delete':
          txn.ops.push({ type: OP_DELETE, path: o.path, version: o.version });
          break;
        case 'setData':
          txn.ops.push({ type: OP_SET_DATA, path: o.path, data: o.data, version: o.version });
          break;
        case 'check':
          txn.ops.push({ type: OP_CHECK, path: o.path, version: o.version });
          break;
      }
    }
    return new Promise((resolve) => {
      txn.commit((err, results) => {
        const norm = results === undefined ? undefined : results.map(normalizeMultiOpResult);
        if (err) {
          const f = fail(errorCode(err));
          resolve(norm === undefined ? f : { ...f, results: norm });
        } else {
          resolve({ ok: true, value: norm ?? [] });
        }
      });
    });
  }

  /** Closes the session and resolves once the server has closed the connection. Idempotent. */
  async close(timeoutMs = 10_000): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      this.#raw.once('disconnected', () => {
        clearTimeout(timer);
        resolve();
      });
      this.#raw.close();
    });
  }
}

function normalizeMultiOpResult(r: RawTxnResult): ZkMultiOpResult {
  switch (r.type) {
    case OP_CREATE:
      return { op: 'create', path: r.path ?? '' };
    case OP_DELETE:
      return { op: 'delete' };
    case OP_SET_DATA:
      if (r.stat === undefined) throw new Error('multi setData result without stat');
      return { op: 'setData', stat: normalizeStat(r.stat) };
    case OP_CHECK:
      return { op: 'check' };
    case OP_ERROR:
      return { op: 'error', code: r.err ?? 0, name: codeName(r.err ?? 0) };
    default:
      throw new Error(`unknown multi result type ${r.type}`);
  }
}

export function connect(connectString: string, opts: ConnectOptions = {}): Promise<ZkClient> {
  return ZkClient.connect(connectString, opts);
}
