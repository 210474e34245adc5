// A minimal client used by the Zab-level runs: it sends operations to one server at a time, keeps
// them in a FIFO pending queue, and on a closed or silent connection fails them all as
// CONNECTIONLOSS (outcome unknown) and moves to the next server. It records what it saw as
// invoke/complete observations, which is all a client-level checker needs.
import type { Event, NodeId, NodeProgram, Transition } from '../program.js';
import { ENV } from '../program.js';
import type { Zxid } from '../zxid.js';
import { applyPatch, type Mutable } from '../patch.js';
import { Fx, type ZabObservation } from '../zab/effects.js';
import type { ZabMessage } from '../zab/messages.js';

export interface BasicClient {
  readonly id: NodeId;
  readonly servers: readonly NodeId[];
  readonly serverIndex: number;
  readonly xid: number;
  readonly pending: readonly { readonly xid: number; readonly op: unknown }[];
  readonly lastZxidSeen: Zxid;
  readonly heard: boolean;
  readonly requestTimeoutUs: number;
  readonly pendingMax: number;
}

const MS = 1000;

export function basicClientProgram(servers: readonly NodeId[], requestTimeoutMs: number): NodeProgram<BasicClient, ZabMessage, never, null, ZabObservation> {
  return {
    kind: 'client',
    emptyDisk: () => null,
    applyWrite: (disk) => disk,
    // The server order is rotated by client id so clients spread over the ensemble.
    boot: (id) => ({
      id,
      servers,
      serverIndex: id % servers.length,
      xid: 0,
      pending: [],
      lastZxidSeen: 0,
      heard: false,
      requestTimeoutUs: requestTimeoutMs * MS,
      pendingMax: 1000,
    }),
    step: stepClient,
    describe: (m) => m.type,
    describeWrite: () => '',
  };
}

/** A writable copy of a client, field by field (protocol/patch.ts: a spread would cost ten times more). */
function copyClient(c: BasicClient): Mutable<BasicClient> {
  return {
    id: c.id,
    servers: c.servers,
    serverIndex: c.serverIndex,
    xid: c.xid,
    pending: c.pending,
    lastZxidSeen: c.lastZxidSeen,
    heard: c.heard,
    requestTimeoutUs: c.requestTimeoutUs,
    pendingMax: c.pendingMax,
  };
}

/** Copies a client with some fields replaced. */
function patchClient(c: BasicClient, p: Partial<Pick<BasicClient, 'serverIndex' | 'xid' | 'pending' | 'lastZxidSeen' | 'heard'>>): BasicClient {
  return applyPatch<BasicClient>(copyClient(c), p);
}

function server(c: BasicClient): NodeId {
  return c.servers[c.serverIndex % c.servers.length] as NodeId;
}

export function stepClient(c: BasicClient, event: Event<ZabMessage>): Transition<BasicClient, ZabMessage, never, ZabObservation> {
  const fx = new Fx();
  const next = dispatch(c, event, fx);
  return [next, fx.list as Transition<BasicClient, ZabMessage, never, ZabObservation>[1]];
}

function dispatch(c: BasicClient, event: Event<ZabMessage>, fx: Fx): BasicClient {
  switch (event.type) {
    case 'start':
      fx.timer('request', c.requestTimeoutUs / 2, c.requestTimeoutUs / 2);
      return c;
    case 'deliver': {
      const msg = event.msg;
      if (event.from === ENV && msg.type === 'APP_OP') return invoke(c, msg.op, fx);
      if (event.from !== server(c)) return c; // from a server we already left
      if (msg.type === 'CLIENT_REPLY') return onReply(c, msg.xid, msg.ok, msg.result, msg.zxid, msg.error, fx);
      if (msg.type === 'CLIENT_CLOSE') return disconnect(c, `server closed: ${msg.reason}`, fx);
      return c;
    }
    case 'timeout':
      if (event.timer !== 'request') return c;
      fx.timer('request', c.requestTimeoutUs / 2, c.requestTimeoutUs / 2);
      if (c.pending.length > 0 && !c.heard) return disconnect(c, 'no reply within the request timeout', fx);
      return c.heard ? patchClient(c, { heard: false }) : c;
    case 'peerReset':
      return event.peer === server(c) ? disconnect(c, 'connection reset', fx) : c;
    case 'fsynced':
    case 'drawn':
      return c;
  }
}

function invoke(c: BasicClient, op: unknown, fx: Fx): BasicClient {
  const xid = c.xid + 1;
  const to = server(c);
  fx.observe({ kind: 'invoke', client: c.id, xid, op, server: to });
  if (c.pending.length >= c.pendingMax) {
    fx.observe({ kind: 'complete', client: c.id, xid, outcome: 'fail', result: { error: 'TOO_MANY_PENDING' }, zxid: null, server: to });
    return patchClient(c, { xid });
  }
  fx.send(to, { type: 'CLIENT_REQUEST', xid, op, lastZxidSeen: c.lastZxidSeen });
  // Every operation passes here and through onReply: written directly rather than patched.
  const next = copyClient(c);
  next.xid = xid;
  next.pending = [...c.pending, { xid, op }];
  if (c.pending.length === 0) next.heard = true;
  return next;
}

function onReply(c: BasicClient, xid: number, ok: boolean, result: unknown, zxid: Zxid, error: string | undefined, fx: Fx): BasicClient {
  const head = c.pending[0];
  if (head === undefined || head.xid !== xid) return disconnect(c, `xid out of order: got ${xid}, expected ${head?.xid}`, fx);
  fx.observe({ kind: 'complete', client: c.id, xid, outcome: ok ? 'ok' : 'fail', result: error === undefined ? result : { error }, zxid, server: server(c) });
  const next = copyClient(c);
  next.pending = c.pending.slice(1);
  next.lastZxidSeen = Math.max(c.lastZxidSeen, zxid);
  next.heard = true;
  return next;
}

/** Every pending operation ends as CONNECTIONLOSS: it may or may not have taken effect. */
function disconnect(c: BasicClient, reason: string, fx: Fx): BasicClient {
  const from = server(c);
  for (const p of c.pending) {
    fx.observe({ kind: 'complete', client: c.id, xid: p.xid, outcome: 'info', result: { error: 'CONNECTIONLOSS' }, zxid: null, server: from });
  }
  fx.note(`client ${c.id}: ${reason}; moving from server ${from} to the next`);
  return patchClient(c, { pending: [], serverIndex: (c.serverIndex + 1) % c.servers.length, heard: false });
}
