// The kv application's client front-end on a Zab server (the key-value store Zab's own tests and
// runs replicate): reads are answered from the local applied state; writes go through the node's
// one routing path (the leader proposes, a learner forwards REQUEST) and are answered by this server
// once it applies the committed txn. A client's replies leave in the order its requests arrived
// (CommitProcessor). This is the ZabApp the kv composition root (protocol/node/kv-node.ts) plugs in.
import type { NodeId } from '../program.js';
import type { Zxid } from '../zxid.js';
import type { Fx } from '../zab/effects.js';
import type { ZabMessage } from '../zab/messages.js';
import { routeRequest, serving, withAppState, type ZabApp, type ZabServer } from '../zab/node-view.js';
import type { Txn } from '../zab/txn.js';

export interface PendingClientOp {
  readonly client: NodeId;
  readonly xid: number;
  readonly op: unknown;
  readonly write: boolean;
  /** Writes: whether the txn was applied and its result. */
  readonly done: boolean;
  readonly result: unknown;
  readonly zxid: Zxid;
}

/** The front-end's state: the clients attached here, and their requests in arrival order (CommitProcessor's per-session queues). */
export interface KvClients {
  readonly clients: readonly NodeId[];
  readonly pending: readonly PendingClientOp[];
}

const NO_CLIENTS: KvClients = Object.freeze({ clients: [], pending: [] });

function kvOf(s: ZabServer): KvClients {
  return s.appState as KvClients;
}

function withKv(s: ZabServer, clients: readonly NodeId[], pending: readonly PendingClientOp[]): ZabServer {
  return withAppState(s, { clients, pending });
}

/** A CLIENT_REQUEST: refuse it, answer a read at once, or queue it (a write also goes to the leader). */
function onClientRequest(s: ZabServer, client: NodeId, xid: number, op: unknown, lastZxidSeen: Zxid, fx: Fx): ZabServer {
  if (!serving(s)) {
    fx.send(client, { type: 'CLIENT_CLOSE', reason: 'server not serving' });
    return dropClient(s, client);
  }
  if (lastZxidSeen > s.lastProcessedZxid) {
    // ZooKeeperServer.processConnectRequest: the client has seen a newer state than ours.
    fx.note(`refuse client ${client}: its lastZxidSeen is ahead of our ${s.lastProcessedZxid}`);
    fx.send(client, { type: 'CLIENT_CLOSE', reason: 'client zxid ahead' });
    return dropClient(s, client);
  }
  const kv = kvOf(s);
  const clients = kv.clients.includes(client) ? kv.clients : [...kv.clients, client];
  const write = s.sm.isWrite(op);
  if (kv.pending.length >= s.config.requestQueueMax) {
    fx.send(client, { type: 'CLIENT_CLOSE', reason: 'server overloaded' });
    return s;
  }
  const entry: PendingClientOp = { client, xid, op, write, done: false, result: null, zxid: 0 };
  if (!write && !kv.pending.some((p) => p.client === client)) {
    fx.send(client, { type: 'CLIENT_REPLY', xid, ok: true, result: s.sm.read(s.state, op), zxid: s.lastProcessedZxid });
    return clients === kv.clients ? s : withKv(s, clients, kv.pending);
  }
  const next = withKv(s, clients, [...kv.pending, entry]);
  // FollowerRequestProcessor: writes go to the leader; the reply comes back through us.
  return write ? routeRequest(next, client, xid, op, fx) : next;
}

/** The committed txn that a client of ours asked for was applied: answer it, then what waited on it. */
function replyToClient(s: ZabServer, txn: Txn, result: unknown, fx: Fx): ZabServer {
  const origin = txn.origin;
  if (origin === null) return s;
  const kv = kvOf(s);
  let at = -1;
  for (let i = 0; i < kv.pending.length; i++) {
    const p = kv.pending[i] as PendingClientOp;
    if (p.client === origin.client && p.xid === origin.xid && p.write) {
      at = i;
      break;
    }
  }
  if (at < 0) return s; // the client went away, or asked another server
  const pending = kv.pending.slice();
  const p = pending[at] as PendingClientOp;
  pending[at] = { client: p.client, xid: p.xid, op: p.op, write: p.write, done: true, result, zxid: txn.zxid };
  return drainClient(s, pending, origin.client, fx);
}

/** Answers the client's queue (in `pending`, the new list) front to back while its head is done (or is a read). */
function drainClient(s: ZabServer, pending: readonly PendingClientOp[], client: NodeId, fx: Fx): ZabServer {
  const keep: PendingClientOp[] = [];
  let blocked = false;
  for (const p of pending) {
    if (p.client !== client || blocked) {
      keep.push(p);
      continue;
    }
    if (p.write && !p.done) {
      blocked = true;
      keep.push(p);
      continue;
    }
    if (p.write) {
      const failed = isErrorResult(p.result);
      fx.send(client, { type: 'CLIENT_REPLY', xid: p.xid, ok: !failed, result: p.result, zxid: p.zxid });
    } else {
      fx.send(client, { type: 'CLIENT_REPLY', xid: p.xid, ok: true, result: s.sm.read(s.state, p.op), zxid: s.lastProcessedZxid });
    }
  }
  return withKv(s, kvOf(s).clients, keep);
}

function isErrorResult(result: unknown): boolean {
  return typeof result === 'object' && result !== null && 'error' in result;
}

function dropClient(s: ZabServer, client: NodeId): ZabServer {
  const kv = kvOf(s);
  if (!kv.clients.includes(client) && !kv.pending.some((p) => p.client === client)) return s;
  return withKv(
    s,
    kv.clients.filter((c) => c !== client),
    kv.pending.filter((p) => p.client !== client),
  );
}

/** The kv front-end keeps no connection table: `conn` is not read (ZooKeeper's connection checks are the service's). */
function onClientMessage(s: ZabServer, from: NodeId, _conn: number, msg: ZabMessage, fx: Fx): ZabServer {
  switch (msg.type) {
    case 'CLIENT_REQUEST':
      return onClientRequest(s, from, msg.xid, msg.op, msg.lastZxidSeen, fx);
    case 'CLIENT_CLOSE':
      // A client left this server; its queue stays until the connection resets (peerReset).
      return s;
    default:
      fx.note(`ignore ${msg.type}: servers never receive it`);
      return s;
  }
}

const NO_QUORUM_PACKETS: ReadonlySet<string> = new Set();

/** The kv front-end as Zab's application: no quorum packets, no timers, no leader-side work. */
export const kvClientsApp: ZabApp = {
  name: 'kv',
  initial: NO_CLIENTS,
  quorumPackets: NO_QUORUM_PACKETS,
  onClientMessage,
  onClientGone: dropClient,
  closeAll(s, reason, fx) {
    const kv = kvOf(s);
    for (const c of kv.clients) fx.send(c, { type: 'CLIENT_CLOSE', reason });
    if (kv.clients.length === 0 && kv.pending.length === 0) return s;
    return withKv(s, [], []);
  },
  onLeaderLeaving() {},
  afterApply(s, txn, result, fx) {
    if (txn.origin !== null && txn.origin.server === s.id) return replyToClient(s, txn, result, fx);
    return s;
  },
  beforePrep: (s, _origin, op) => ({ server: s, op }),
  leaderRequest: () => null,
  onActivate: (s) => s,
  onTimer: (s) => s,
  onLearnerPacket(s, from, msg, fx) {
    fx.note(`ignore ${msg.type} from learner ${from}: a leader never receives it`);
    fx.observe({ kind: 'anomaly', flag: 'messageIllegal', detail: `leader got ${msg.type} from ${from}` });
    return s;
  },
  onLeaderPacket(s, msg, fx) {
    fx.note(`ignore ${msg.type} in broadcast`);
    return s;
  },
  takePingPayload: (s) => ({ server: s, payload: undefined }),
  onPingPayload: (s) => s,
};
