// Coverage probes on the ZooKeeper service: sessions, watches, multi, sync, ACLs and throttling, as
// ZooKeeper clients observe them (protocol/client/zk-client.ts) plus the leader's own session expiry
// and throttle notes. They fire only in runs with ZooKeeper clients (a ServiceHarness run, or the
// fuzz swarm's service workload).
import type { NodeId } from '../../../protocol/program.js';
import type { ZkCommand, ZkCompletion } from '../../../protocol/client/zk-client.js';
import type { ProbeDef } from './types.js';
import type { ZabServer } from '../../../protocol/zab/state.js';
import type { Txn as TreeTxn } from '../../../protocol/tree/types.js';
import { txnAt } from '../../../protocol/zab/history.js';

function command(op: unknown): ZkCommand | null {
  return typeof op === 'object' && op !== null && typeof (op as { type?: unknown }).type === 'string' ? (op as ZkCommand) : null;
}

function errOf(result: unknown): string | null {
  return typeof result === 'object' && result !== null && typeof (result as ZkCompletion).err === 'string' ? (result as ZkCompletion).err : null;
}

const READS = new Set(['getData', 'exists', 'getChildren', 'getACL']);

function failsWith(name: string, code: string, what: string): ProbeDef {
  return { name, level: 'service', what, detector: (ctx) => ({ observe: { complete: (_n, o) => void (errOf(o.result) === code && ctx.hit(name)) } }) };
}

/**
 * A server-made delete (session 0) of a node the leader's commits made a container, or a TTL node.
 * Reads the committed txn at the active leader's commit (one log lookup per commit until reached).
 */
function serverDeleteProbe(name: string, kind: 'container' | 'ttl', what: string): ProbeDef {
  return {
    name,
    level: 'service',
    what,
    detector: (ctx) => {
      const made = new Set<string>();
      return {
        observe: {
          commit: (node, o) => {
            if (node !== ctx.activeLeader) return;
            const s = ctx.kernel.stateOf(node) as ZabServer | undefined;
            const txn = s === undefined ? undefined : (txnAt(s, o.index)?.body as TreeTxn | undefined);
            const body = txn?.body;
            if (body?.type === 'create' && (kind === 'container' ? body.container === true : body.ttl !== undefined)) made.add(body.path);
            else if (body?.type === 'delete' && txn?.sessionId === 0 && made.has(body.path)) ctx.hit(name);
          },
        },
      };
    },
  };
}

export const SERVICE_PROBES: readonly ProbeDef[] = [
  {
    name: 'session-expired-across-leader-change',
    level: 'service',
    what: "a session expired in a later epoch than the one it connected in (the new leader's SessionTracker expired it)",
    detector: (ctx) => {
      const connectedIn = new Map<number, number>();
      return {
        observe: { session: (_n, o) => void (o.state === 'CONNECTED' && !connectedIn.has(o.session) && connectedIn.set(o.session, ctx.establishedEpoch)) },
        noted: {
          sessionExpired: (_n, f) => {
            const epoch = connectedIn.get(f.session);
            if (epoch !== undefined && ctx.establishedEpoch > epoch) ctx.hit('session-expired-across-leader-change');
          },
        },
      };
    },
  },
  {
    name: 'ephemeral-deleted-at-expiry',
    level: 'service',
    what: 'a session that owned an ephemeral znode expired (its closeSession txn deletes them)',
    detector: (ctx) => {
      const owners = new Set<number>();
      return {
        observe: {
          complete: (_n, o) => {
            const c = command(ctx.opOf(o.client, o.xid));
            if (o.outcome === 'ok' && o.session !== undefined && c?.type === 'create' && c.mode.startsWith('EPHEMERAL')) owners.add(o.session);
          },
        },
        noted: { sessionExpired: (_n, f) => void (owners.has(f.session) && ctx.hit('ephemeral-deleted-at-expiry')) },
        readsOps: true,
      };
    },
  },
  {
    name: 'watch-across-reconnect',
    level: 'service',
    what: 'a watch set on one connection fired after the client reconnected (SetWatches re-registered it)',
    detector: (ctx) => {
      const connections = new Map<NodeId, number>();
      /** Client → path → the connection count its watch was set on (no string key per operation). */
      const watches = new Map<NodeId, Map<string, number>>();
      return {
        observe: {
          session: (_n, o) => void (o.state === 'CONNECTED' && connections.set(o.client, (connections.get(o.client) ?? 0) + 1)),
          complete: (_n, o) => {
            const c = command(ctx.opOf(o.client, o.xid));
            if (c === null || !('watch' in c) || !c.watch) return;
            const err = errOf(o.result);
            if (o.outcome !== 'ok' && !(c.type === 'exists' && err === 'NONODE')) return;
            let byPath = watches.get(o.client);
            if (byPath === undefined) watches.set(o.client, (byPath = new Map()));
            byPath.set(c.path, connections.get(o.client) ?? 0);
          },
          watch: (_n, o) => {
            const byPath = watches.get(o.client);
            const setOn = byPath?.get(o.path);
            if (setOn !== undefined && setOn < (connections.get(o.client) ?? 0)) ctx.hit('watch-across-reconnect');
            byPath?.delete(o.path);
          },
        },
        readsOps: true,
      };
    },
  },
  {
    name: 'watch-fired',
    level: 'service',
    what: 'a client received a watch event',
    detector: (ctx) => ({ observe: { watch: () => ctx.hit('watch-fired') } }),
  },
  {
    name: 'multi-failed-middle-op',
    level: 'service',
    what: 'a multi of three or more ops failed at an op that is neither its first nor its last (the ops before it rolled back)',
    detector: (ctx) => ({
      observe: {
        complete: (_n, o) => {
          const c = command(ctx.opOf(o.client, o.xid));
          if (c?.type !== 'transaction' || c.ops.length < 3) return;
          const response = (o.result as ZkCompletion | null)?.response;
          if (response?.type !== 'multi') return;
          const at = response.results.findIndex((r) => r.type === 'error' && r.err !== 'OK' && r.err !== 'RUNTIMEINCONSISTENCY');
          if (at > 0 && at < c.ops.length - 1) ctx.hit('multi-failed-middle-op');
        },
      },
      readsOps: true,
    }),
  },
  {
    name: 'session-moved',
    level: 'service',
    what: 'a session reconnected to a different server than it was on',
    detector: (ctx) => {
      const on = new Map<number, NodeId>();
      return {
        observe: {
          session: (_n, o) => {
            if (o.state !== 'CONNECTED') return;
            const before = on.get(o.session);
            if (before !== undefined && before !== o.server) ctx.hit('session-moved');
            on.set(o.session, o.server);
          },
        },
      };
    },
  },
  {
    name: 'sync-then-read',
    level: 'service',
    what: 'a client read right after its sync completed',
    detector: (ctx) => {
      const synced = new Set<NodeId>();
      return {
        observe: {
          complete: (_n, o) => void (o.outcome === 'ok' && command(ctx.opOf(o.client, o.xid))?.type === 'sync' && synced.add(o.client)),
          invoke: (_n, o) => {
            const c = command(o.op);
            if (c === null) return;
            if (READS.has(c.type) && synced.has(o.client)) ctx.hit('sync-then-read');
            if (c.type !== 'sync') synced.delete(o.client);
          },
        },
        readsOps: true,
      };
    },
  },
  failsWith('acl-noauth', 'NOAUTH', 'an operation refused for want of permission (NOAUTH)'),
  failsWith('connection-loss-pending', 'CONNECTIONLOSS', 'an operation in flight when its connection was lost (CONNECTIONLOSS: outcome unknown)'),
  failsWith('session-expired-reply', 'SESSIONEXPIRED', 'an operation answered SESSIONEXPIRED'),
  {
    name: 'session-expired-client',
    level: 'service',
    what: 'a client learned its session had expired',
    detector: (ctx) => ({ observe: { session: (_n, o) => void (o.state === 'EXPIRED' && ctx.hit('session-expired-client')) } }),
  },
  {
    name: 'throttled-global-outstanding',
    level: 'service',
    what: 'a server stopped reading a client: more requests in process than globalOutstandingLimit',
    detector: (ctx) => ({ noted: { throttled: () => ctx.hit('throttled-global-outstanding') } }),
  },
  serverDeleteProbe('container-deleted', 'container', "the leader's ContainerManager deleted an emptied container (a deleteContainer txn of session 0)"),
  serverDeleteProbe('ttl-expired', 'ttl', "the leader's ContainerManager deleted a TTL node past its ttl (a deleteContainer txn of session 0)"),
  {
    name: 'recipe-claim',
    level: 'service',
    what: 'a recipe made a claim (a lock acquired, a leader elected, ...)',
    detector: (ctx) => ({ observe: { recipe: () => ctx.hit('recipe-claim') } }),
  },
];
