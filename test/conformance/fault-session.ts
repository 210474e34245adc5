// One recorded ZooKeeper session for the fault recorder: node-zookeeper-client underneath, with the
// facts the typed wrapper (zk-client.ts) hides and a history needs: the reply header of every request
// (its zxid: the txn's own zxid for a write, the serving server's last applied zxid for a read;
// FinalRequestProcessor.processRequest reads getDataTreeLastProcessedZxid after applying the request),
// the arrival order of replies and watch events (taken where the bytes are parsed, before the library's
// async callback chain), the server the socket is connected to, and the session's state changes.
//
// The library's ConnectionManager.queue(request, callback) is wrapped per session: the callback sees the
// jute Response with its ReplyHeader, or an error and no response when the request never got a reply
// (connection loss, expiry: the request may or may not have taken effect). Watch notifications carry
// zxid -1 in ZooKeeper 3.8 (NIOServerCnxn.process / NettyServerCnxn.process build the notification's
// ReplyHeader with -1L), so the recorder writes -1 for them: the real header value, which names no txn.
//
// Reconnection is made to send what the Java client sends (`primeReconnectLikeJava` below): one auth
// per credential and one setWatches per connection, ahead of the requests queued while disconnected;
// each new socket starts reading at a frame boundary; and request xids start at 1.

import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

type Cb = (error: unknown, response?: { header?: { zxid?: Buffer; err?: number } }) => void;
type RawRequest = { header: { type: number } | null };
type RawStat = { mzxid: Buffer; version: number; ephemeralOwner: Buffer };
type RawEvent = { type: number; name: string; path: string };
type RawWatcher = (event: RawEvent) => void;
type RawTxnOp = { type: number; path: string; data?: Buffer; acls?: unknown[]; mode?: number; version?: number };
type RawTxnResult = { type: number; path?: string; stat?: RawStat; err?: number };
type RawPacket = { request: { header: { type: number } | null; payload: unknown } };
interface RawConnectionManager {
  state: number;
  packetQueue: { queue: RawPacket[] };
  pendingBuffer: Buffer | null;
  xid: number;
  onSocketConnected(): void;
  socket?: { remotePort?: number; destroyed?: boolean; destroy(): void };
  queue(request: RawRequest, callback?: Cb): void;
  onSocketData(buffer: Buffer): void;
  setState(state: number): void;
  on(event: 'state', fn: (state: number) => void): void;
}
interface RawClient {
  connect(): void;
  close(): void;
  getSessionId(): Buffer;
  connectionManager: RawConnectionManager;
  create(path: string, data: Buffer, acls: unknown[], mode: number, cb: (e: unknown, path?: string) => void): void;
  remove(path: string, version: number, cb: (e: unknown) => void): void;
  setData(path: string, data: Buffer, version: number, cb: (e: unknown, stat?: RawStat) => void): void;
  getData(path: string, watcher: RawWatcher | undefined, cb: (e: unknown, data?: Buffer, stat?: RawStat) => void): void;
  exists(path: string, watcher: RawWatcher | undefined, cb: (e: unknown, stat?: RawStat | null) => void): void;
  getChildren(path: string, watcher: RawWatcher | undefined, cb: (e: unknown, children?: string[], stat?: RawStat) => void): void;
  transaction(): { ops: RawTxnOp[]; commit(cb: (e: unknown, results?: RawTxnResult[]) => void): void };
}
interface RawModule {
  createClient(connectString: string, options: { sessionTimeout: number; spinDelay: number; retries: number }): RawClient;
  ACL: new (perms: number, id: unknown) => unknown;
  Id: new (scheme: string, id: string) => unknown;
}

const zk = require('node-zookeeper-client') as RawModule;
const jute = require('node-zookeeper-client/lib/jute') as {
  OP_CODES: Record<string, number>;
  protocol: { RequestHeader: new () => { type: number }; SetWatches: new () => unknown; AuthPacket: new () => unknown };
  Request: new (header: unknown, payload: unknown) => RawRequest;
};
/** ConnectionManager.STATES of node-zookeeper-client 1.1.3. */
export const CM_STATES = {
  DISCONNECTED: 0,
  CONNECTING: 1,
  CONNECTED: 2,
  CONNECTED_READ_ONLY: 3,
  CLOSING: -1,
  CLOSED: -2,
  SESSION_EXPIRED: -3,
  AUTH_FAILED: -4,
};
const OPEN_ACL = [new zk.ACL(31, new zk.Id('world', 'anyone'))];
const EVENT_TYPES: Record<number, 'NodeCreated' | 'NodeDeleted' | 'NodeDataChanged' | 'NodeChildrenChanged'> = {
  1: 'NodeCreated',
  2: 'NodeDeleted',
  3: 'NodeDataChanged',
  4: 'NodeChildrenChanged',
};

/** What came back for one request: filled in when the reply's bytes are parsed. */
export type Reply = {
  /** Library error code, 0 for success; null when no reply arrived (see `noReply`). */
  err: number | null;
  zxid: number | null;
  atUs: number | null;
  seq: number | null;
  /** Port of the server whose socket carried the reply. */
  port: number | null;
};

export type SessionHooks = {
  nowUs(): number;
  nextSeq(): number;
  onState(state: number, atUs: number, seq: number, port: number | null): void;
  onWatch(type: 'NodeCreated' | 'NodeDeleted' | 'NodeDataChanged' | 'NodeChildrenChanged', path: string, atUs: number, seq: number, port: number | null): void;
};

function long(b: Buffer): bigint {
  return b.readBigInt64BE(0);
}

export function statFacts(s: RawStat): { version: number; mzxid: number; owner: bigint } {
  return { version: s.version, mzxid: Number(long(s.mzxid)), owner: long(s.ephemeralOwner) };
}

/** Whether a queued packet is one the library adds as a socket connects: an auth or a setWatches. */
function isPrimePacket(p: RawPacket): boolean {
  return p.request.payload instanceof jute.protocol.SetWatches || p.request.payload instanceof jute.protocol.AuthPacket;
}

/**
 * Makes node-zookeeper-client 1.1.3 prime a connection as ZooKeeper's Java client does. The library's
 * ConnectionManager.onSocketConnected runs at every TCP connect, also for attempts the server then
 * refuses (a server with no quorum closes the socket after accepting it), and appends an auth per
 * credential and a setWatches (with its last zxid then and the watch paths then) to the packet queue,
 * behind the requests queued while disconnected; a failed attempt fails only the requests already sent,
 * so the queued ones and every earlier attempt's setWatches survive and go out together on the
 * connection that succeeds. Seen live (fault seed 313539): two setWatches on one connection, the second
 * behind a queued getData(watch), so DataTree.setWatches fired NodeDataChanged again for a change that
 * getData had already shown, and the client handed it to the watch getData had just set.
 *
 * The Java client never sends that: ClientCnxn.SendThread.primeConnection pushes the auth packets and
 * the setWatches (built from ZKWatchManager's watches and lastZxid at that moment) to the front of the
 * outgoing queue, auth first, and SendThread.cleanup fails every queued packet when an attempt fails,
 * so each connection carries one setWatches, ahead of every request. Here the stale auth and setWatches
 * packets are dropped as a socket connects, and the new ones are moved to the front in the Java order.
 * The queued requests themselves survive a failed attempt (the Java client would fail them): to the
 * server that is the same as requests issued while the successful attempt was connecting, and the
 * client's last zxid (the setWatches' relative zxid) cannot change while no connection is up.
 */
export function primeReconnectLikeJava(cm: RawConnectionManager): void {
  const onSocketConnected = cm.onSocketConnected.bind(cm);
  cm.onSocketConnected = (): void => {
    // A new socket starts with no bytes of an old one's frames (ClientCnxnSocketNIO.connect resets its
    // incoming buffer). The library keeps `pendingBuffer` across sockets, so a frame the old socket left
    // half read, or unparsed after a reply it threw on (see the constructor), was read as the start of the
    // new connection's ConnectResponse: a RangeError thrown out of its socket handler (fault seed 771344).
    cm.pendingBuffer = null;
    const kept = cm.packetQueue.queue.filter((p) => !isPrimePacket(p));
    cm.packetQueue.queue = [...kept];
    onSocketConnected(); // appends auth, then setWatches (the queue holds them until the connect reply)
    const added = cm.packetQueue.queue.slice(kept.length);
    cm.packetQueue.queue = [...added.filter(isPrimePacket), ...kept, ...added.filter((p) => !isPrimePacket(p))];
  };
}

export class RecordedSession {
  readonly raw: RawClient;
  readonly hooks: SessionHooks;
  /** The reply slot of the request being issued right now (the library queues synchronously). */
  #slot: Reply | null = null;
  readonly #watcher: RawWatcher;

  constructor(connectString: string, sessionTimeoutMs: number, hooks: SessionHooks) {
    this.hooks = hooks;
    this.raw = zk.createClient(connectString, { sessionTimeout: sessionTimeoutMs, spinDelay: 100, retries: 0 });
    const cm = this.raw.connectionManager;
    primeReconnectLikeJava(cm);
    // Request xids start at 1, as the Java client's do (ClientCnxn's xid field starts at 1 and wraps back to
    // 1). The library starts at 0, the cxid of the closeSession a leader issues when it expires a session
    // (ZooKeeperServer.close); a follower's CommitProcessor hands a committed txn to the session's pending
    // write with the same cxid, so a session whose first request, a write, waited on a paused follower
    // while its session expired got that write answered "ok" with the expiry's zxid, though the write never
    // ran (fault seed 240127, pause-follower: a delete "ok" at the closeSession's zxid).
    cm.xid = 1;
    const queue = cm.queue.bind(cm);
    cm.queue = (request: RawRequest, callback?: Cb): void => {
      const slot = this.#slot;
      this.#slot = null;
      if (slot === null) return queue(request, callback);
      queue(request, (error, response) => {
        const header = response?.header;
        if (header !== undefined) {
          slot.err = header.err ?? 0;
          slot.zxid = header.zxid === undefined ? null : Number(long(header.zxid));
          slot.atUs = hooks.nowUs();
          slot.seq = hooks.nextSeq();
          slot.port = this.port();
        }
        callback?.(error, response);
      });
    };
    // A reply the library cannot parse (once in 30 live fault runs: "Unknown code" for a reply header's
    // error field, during a kill-leader run) throws out of its socket handler, uncaught. It is handled as
    // the library handles other confusion there (an unexpected xid): the socket is dropped, so the client
    // reconnects and fails its pending requests with CONNECTIONLOSS; the request the reply was matched
    // with never gets one, so it stays "info" (unknown outcome). Nothing is made up.
    const onSocketData = cm.onSocketData.bind(cm);
    cm.onSocketData = (buffer: Buffer): void => {
      try {
        onSocketData(buffer);
      } catch (e) {
        if (!(e instanceof Error && e.message.startsWith('Unknown code'))) throw e;
        cm.socket?.destroy();
      }
    };
    cm.on('state', (state) => hooks.onState(state, hooks.nowUs(), hooks.nextSeq(), this.port()));
    // One watcher object per session, as a Java client with one default watcher: the library hands the
    // same event to every watcher list that matched (data and child watches on a deleted node), and the
    // Java client delivers it once per watcher object (ZKWatchManager.materialize returns a set).
    const seen = new WeakSet<RawEvent>();
    this.#watcher = (ev: RawEvent) => {
      if (seen.has(ev)) return;
      seen.add(ev);
      const type = EVENT_TYPES[ev.type];
      if (type === undefined) throw new Error(`unknown watch event type ${ev.type}`);
      hooks.onWatch(type, ev.path, hooks.nowUs(), hooks.nextSeq(), this.port());
    };
  }

  /** Port of the server the socket is connected to, or null when not connected. */
  port(): number | null {
    const cm = this.raw.connectionManager;
    if (cm.state !== CM_STATES.CONNECTED && cm.state !== CM_STATES.CLOSING) return null;
    return cm.socket?.remotePort ?? null;
  }

  get state(): number {
    return this.raw.connectionManager.state;
  }

  sessionIdHex(): string {
    return `0x${long(this.raw.getSessionId()).toString(16)}`;
  }

  #issue<T>(start: (slot: Reply, done: (value: T) => void) => void): { slot: Reply; done: Promise<T> } {
    const slot: Reply = { err: null, zxid: null, atUs: null, seq: null, port: null };
    const done = new Promise<T>((resolve) => {
      this.#slot = slot;
      try {
        start(slot, resolve);
      } finally {
        this.#slot = null;
      }
    });
    return { slot, done };
  }

  create(path: string, data: string, mode: number) {
    return this.#issue<string | null>((_s, done) => this.raw.create(path, Buffer.from(data), OPEN_ACL, mode, (e, p) => done(e ? null : (p ?? null))));
  }
  remove(path: string, version: number) {
    return this.#issue<null>((_s, done) => this.raw.remove(path, version, () => done(null)));
  }
  setData(path: string, data: string, version: number) {
    return this.#issue<RawStat | null>((_s, done) => this.raw.setData(path, Buffer.from(data), version, (e, st) => done(e ? null : (st ?? null))));
  }
  getData(path: string, watch: boolean) {
    return this.#issue<{ data: string; stat: RawStat } | null>((_s, done) =>
      this.raw.getData(path, watch ? this.#watcher : undefined, (e, d, st) =>
        done(e || st === undefined ? null : { data: (d ?? Buffer.alloc(0)).toString(), stat: st }),
      ),
    );
  }
  exists(path: string, watch: boolean) {
    return this.#issue<RawStat | null>((_s, done) => this.raw.exists(path, watch ? this.#watcher : undefined, (e, st) => done(e ? null : (st ?? null))));
  }
  getChildren(path: string, watch: boolean) {
    return this.#issue<string[] | null>((_s, done) => this.raw.getChildren(path, watch ? this.#watcher : undefined, (e, ch) => done(e ? null : (ch ?? []))));
  }
  /**
   * node-zookeeper-client has no sync(). It is sent as a raw request: a RequestHeader written with
   * OpCode.sync (9) and a SyncRequest{path}. The header object reports type DELETE (2) to the library,
   * whose reply parser destroys the socket on an op code it does not know; for DELETE it reads no
   * payload, and the SyncResponse's bytes after the header are dropped with the rest of the frame.
   */
  sync(path: string) {
    return this.#issue<null>((_s, done) => {
      const header = {
        xid: 0,
        type: 2,
        byteLength: (): number => 8,
        serialize(buffer: Buffer, offset: number): number {
          buffer.writeInt32BE(this.xid, offset);
          buffer.writeInt32BE(9, offset + 4);
          return 8;
        },
      };
      const payload = {
        setChrootPath(): void {},
        byteLength: (): number => 4 + Buffer.byteLength(path),
        serialize(buffer: Buffer, offset: number): number {
          const n = buffer.write(path, offset + 4);
          buffer.writeInt32BE(n, offset);
          return 4 + n;
        },
      };
      this.raw.connectionManager.queue(new jute.Request(header, payload), () => done(null));
    });
  }
  multi(ops: RawTxnOp[]) {
    return this.#issue<RawTxnResult[] | null>((_s, done) => {
      const txn = this.raw.transaction();
      for (const o of ops) txn.ops.push(o.type === 1 ? { ...o, acls: OPEN_ACL } : o);
      txn.commit((_e, results) => done(results ?? null));
    });
  }
  /** closeSession with a callback (Client.close() queues it without one), so its reply is seen. */
  closeSession() {
    return this.#issue<null>((_s, done) => {
      const cm = this.raw.connectionManager;
      cm.setState(CM_STATES.CLOSING);
      const header = new jute.protocol.RequestHeader();
      header.type = jute.OP_CODES['CLOSE_SESSION']!;
      cm.queue(new jute.Request(header, null), () => done(null));
    });
  }
}
