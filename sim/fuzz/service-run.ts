// How runCase drives a service case (service-workload.ts): the setup multi, each recipe host's first
// command, the operations (a kv operation becomes a call on /k0 .. /k3), the client cuts that move or
// expire sessions, and the liveness phase's probe writes, which a fresh session makes as well (a case
// may expire or kill every workload session, and an application then opens a new one).
import type { NodeId } from '../../protocol/program.js';
import type { KvOp } from '../../protocol/kv/state-machine.js';
import { server as currentServer, type ZkClient, type ZkCommand } from '../../protocol/client/zk-client.js';
import { OPEN_ACL_UNSAFE } from '../../protocol/tree/index.js';
import type { Kernel } from '../kernel/kernel.js';
import type { ServiceApp } from '../service/fuzz-app.js';
import { appOpFor, isServiceOp, kvAsCommand, setupCommand, type ServiceOp, type ServiceRole, type ServiceSpec } from './service-workload.js';

const MS = 1000;
const PROBE_PATH = '/probe-';

/** Each role's first command, sent just after the setup. */
const FIRST_COMMAND: Readonly<Record<ServiceRole, { readonly type: string } | null>> = {
  plain: null,
  lock: { type: 'lock' },
  election: { type: 'lock' },
  queue: null,
  config: { type: 'watch' },
  selector: { type: 'volunteer' },
  rwlock: { type: 'read' },
  counter: { type: 'increment' },
  dbarrier: { type: 'enter' },
  treecache: { type: 'start' },
};

function roleOf(spec: ServiceSpec, index: number): ServiceRole {
  return spec.roles[index] ?? 'plain';
}

/** The call a probe write makes: a sequential create under the root (it never conflicts). */
export function probeOp(spec: ServiceSpec, index: number, value: string): unknown {
  const command: ZkCommand = { type: 'create', path: PROBE_PATH, data: value, acl: OPEN_ACL_UNSAFE, mode: 'PERSISTENT_SEQUENTIAL' };
  return appOpFor(roleOf(spec, index), { type: 'zk', command });
}

/** Whether an invoked call is a probe write (the liveness judge counts their completions). */
export function isProbeCall(op: unknown): boolean {
  const o = op as { type?: unknown; path?: unknown };
  return o.type === 'create' && o.path === PROBE_PATH;
}

/** The server a client node is connected to, or trying (a recipe host keeps its client in `client`). */
function serverOf(kernel: Kernel, client: NodeId): NodeId | null {
  const s = kernel.stateOf(client) as (ZkClient & { client?: ZkClient }) | undefined;
  if (s === undefined) return null;
  return currentServer(s.client ?? s);
}

/** Cuts a client from its current server or from every server, both ways, and heals those links after `ms`. */
function cut(kernel: Kernel, client: NodeId, servers: readonly NodeId[], op: Extract<ServiceOp, { type: 'cut' }>): void {
  const current = serverOf(kernel, client);
  const targets = op.scope === 'all' ? servers : current === null ? [] : [current];
  if (targets.length === 0) return;
  kernel.partition([[client], targets.slice()], op.scope === 'all' ? 'client-cut' : 'client-move');
  kernel.at(kernel.nowUs + op.ms * MS, () => {
    kernel.record({ k: 'fault', fault: 'client-heal', node: client });
    for (const s of targets) {
      kernel.healLink(client, s);
      kernel.healLink(s, client);
    }
  });
}

/** Schedules a service case's operations: setup, each recipe's start, the drawn operations. */
/** What these functions read of a fuzz case (case.ts imports this file, so it names the fields instead). */
interface CaseShape {
  readonly servers: number;
  readonly observers: number;
  readonly clients: number;
  readonly ops: ReadonlyArray<{ readonly atMs: number; readonly client: number; readonly op: KvOp | ServiceOp }>;
  readonly faultsUntilMs: number;
  readonly durationMs: number;
}

export function scheduleService(kernel: Kernel, c: CaseShape, spec: ServiceSpec, clients: readonly NodeId[]): void {
  const servers = Array.from({ length: c.servers + c.observers }, (_, i) => i + 1);
  // A shrunk case may have fewer clients than roles: operations of the clients it dropped are gone.
  const send = (index: number, op: unknown): void => {
    const client = clients[index];
    if (client !== undefined && op !== null) kernel.inject(client, { type: 'APP_OP', op });
  };
  // The setup multi, from the first, second and last client: the first to commit makes every znode.
  const setup: ServiceOp = { type: 'zk', command: setupCommand() };
  const setupBy = [...new Set([0, Math.min(1, clients.length - 1), clients.length - 1])];
  setupBy.forEach((index, k) => kernel.at((200 + k * 1_000) * MS, () => send(index, appOpFor(roleOf(spec, index), setup))));
  // Each recipe host starts: contenders join, config readers read, selectors volunteer, barrier
  // members enter, caches load, readers and counters make a first request; queues wait for their commands.
  spec.roles.forEach((role, index) => {
    const first = FIRST_COMMAND[role];
    if (first !== null) kernel.at((400 + index) * MS, () => send(index, first));
  });
  for (const w of c.ops) {
    if (w.atMs >= c.durationMs) continue;
    const role = roleOf(spec, w.client);
    if (!isServiceOp(w.op)) {
      const op = appOpFor(role, { type: 'zk', command: kvAsCommand(w.op as KvOp) });
      kernel.at(w.atMs * MS, () => send(w.client, op));
    } else if (w.op.type === 'cut') {
      // A cut is a fault: none in the liveness phase.
      if (w.atMs >= c.faultsUntilMs) continue;
      const op = w.op;
      const client = clients[w.client];
      if (client !== undefined) kernel.at(w.atMs * MS, () => cut(kernel, client, servers, op));
    } else {
      const op = appOpFor(role, w.op);
      kernel.at(w.atMs * MS, () => send(w.client, op));
    }
  }
}

/** A fresh plain session for the liveness phase's probes: a node added and booted now. Returns its id. */
export function addProbeClient(kernel: Kernel, app: ServiceApp, c: CaseShape): NodeId {
  const id = c.servers + c.observers + c.clients + 1;
  kernel.addNode(id, app.clientProgram(id, c.clients));
  kernel.restart(id);
  return id;
}
