// Client requests on a server: reads are answered from the local applied state; writes are
// forwarded to the leader (REQUEST) and answered by this server once it applies the committed txn.
// A session's replies leave in the order its requests arrived (CommitProcessor).
import type { NodeId } from '../program.js';
import type { Zxid } from '../zxid.js';
import type { Fx } from './effects.js';
import { copyServer, patchServer, type PendingClientOp, type ZabServer } from './state.js';
import type { Txn } from './txn.js';
import { afterZkApply, closeServiceConnections, isZkServer } from '../service/server.js';

export function serving(s: ZabServer): boolean {
  if (s.phase !== 'BROADCAST') return false;
  if (s.role === 'LEADING') return true;
  return s.learner !== null && s.learner.stage === 'BROADCAST';
}

/** A CLIENT_REQUEST. The caller routes writes (leader: propose; learner: forward). */
export function acceptClientRequest(
  s: ZabServer,
  client: NodeId,
  xid: number,
  op: unknown,
  lastZxidSeen: Zxid,
  fx: Fx,
): { readonly server: ZabServer; readonly forwardWrite: boolean } {
  if (!serving(s)) {
    fx.send(client, { type: 'CLIENT_CLOSE', reason: 'server not serving' });
    return { server: dropClient(s, client), forwardWrite: false };
  }
  if (lastZxidSeen > s.lastProcessedZxid) {
    // ZooKeeperServer.processConnectRequest: the client has seen a newer state than ours.
    fx.note(`refuse client ${client}: its lastZxidSeen is ahead of our ${s.lastProcessedZxid}`);
    fx.send(client, { type: 'CLIENT_CLOSE', reason: 'client zxid ahead' });
    return { server: dropClient(s, client), forwardWrite: false };
  }
  const clients = s.clients.includes(client) ? s.clients : [...s.clients, client];
  const write = s.sm.isWrite(op);
  if (s.pending.length >= s.config.requestQueueMax) {
    fx.send(client, { type: 'CLIENT_CLOSE', reason: 'server overloaded' });
    return { server: s, forwardWrite: false };
  }
  const entry: PendingClientOp = { client, xid, op, write, done: false, result: null, zxid: 0 };
  if (!write && !s.pending.some((p) => p.client === client)) {
    fx.send(client, { type: 'CLIENT_REPLY', xid, ok: true, result: s.sm.read(s.state, op), zxid: s.lastProcessedZxid });
    return { server: clients === s.clients ? s : patchServer(s, { clients }), forwardWrite: false };
  }
  const next = copyServer(s);
  next.clients = clients;
  next.pending = [...s.pending, entry];
  return { server: next, forwardWrite: write };
}

/** The committed txn that a client of ours asked for was applied: answer it, then what waited on it. */
export function replyToClient(s: ZabServer, txn: Txn, result: unknown, fx: Fx): ZabServer {
  const origin = txn.origin;
  if (origin === null) return s;
  let at = -1;
  for (let i = 0; i < s.pending.length; i++) {
    const p = s.pending[i] as PendingClientOp;
    if (p.client === origin.client && p.xid === origin.xid && p.write) {
      at = i;
      break;
    }
  }
  if (at < 0) return s; // the client went away, or asked another server
  const pending = s.pending.slice();
  const p = pending[at] as PendingClientOp;
  pending[at] = { client: p.client, xid: p.xid, op: p.op, write: p.write, done: true, result, zxid: txn.zxid };
  return drainClient(s, pending, origin.client, fx);
}

/** Answers the client's queue (in `pending`, the server's new list) front to back while its head is done (or is a read). */
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
  const next = copyServer(s);
  next.pending = keep;
  return next;
}

function isErrorResult(result: unknown): boolean {
  return typeof result === 'object' && result !== null && 'error' in result;
}

function dropClient(s: ZabServer, client: NodeId): ZabServer {
  if (!s.clients.includes(client) && !s.pending.some((p) => p.client === client)) return s;
  return patchServer(s, { clients: s.clients.filter((c) => c !== client), pending: s.pending.filter((p) => p.client !== client) });
}

/** Leaving a role closes every client connection (Learner/Leader shutdown). */
export function closeAllClients(s: ZabServer, reason: string, fx: Fx): ZabServer {
  for (const c of s.clients) fx.send(c, { type: 'CLIENT_CLOSE', reason });
  const next = closeServiceConnections(s, reason, fx);
  if (next.clients.length === 0 && next.pending.length === 0) return next;
  return patchServer(next, { clients: [], pending: [] });
}

/** A committed txn was applied while serving: the ZooKeeper service's work, or answer a kv client. */
export function afterApply(s: ZabServer, txn: Txn, result: unknown, fx: Fx): ZabServer {
  if (isZkServer(s)) return afterZkApply(s, txn, result, fx);
  if (txn.origin !== null && txn.origin.server === s.id) return replyToClient(s, txn, result, fx);
  return s;
}
