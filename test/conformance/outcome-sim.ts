// Runs a fault plan (outcome-plan.ts) in zabsim: a simulated 3-server ensemble with the real one's
// settings (tick 500 ms, initLimit 20, syncLimit 10, the plan's session timeout), the clients pinned
// as the plan places them, the struck server chosen as the real runner chooses it (the leader, or the
// follower with the lowest id, when the plan starts), the same scripts at the same times in simulated
// ms, and the same recovery read. A SIGKILL is a crash whose buffered writes survive: the real
// servers run with forceSync=no, and a killed process leaves its writes in the OS page cache.
import type { NodeId } from '../../protocol/program.js';
import type { ZkCommand } from '../../protocol/client/zk-client.js';
import type { ZabObservation } from '../../protocol/zab/effects.js';
import type { ZkHistory, ZkOp } from '../../sim/history/types.js';
import { forkRng } from '../../sim/rng.js';
import { ServiceHarness, serviceOptions } from '../../sim/service/run.js';
import { applyFault, type FaultEvent } from '../../sim/zab/faults.js';
import { ephemeralOf, keyOf, placementServers, planEndMs, recoveryWaitMs, scriptOf, setupOps, type OutcomePlan } from './outcome-plan.js';
import type { OutcomeRun } from './outcome-compare.js';

const OPEN = [{ perms: 31, id: { scheme: 'world', id: 'anyone' } }];
const TICK_MS = 10;

function commandOf(op: ZkOp): ZkCommand {
  switch (op.type) {
    case 'create':
      return { type: 'create', path: op.path, data: op.data, acl: OPEN, mode: op.mode === 'ephemeral' ? 'EPHEMERAL' : 'PERSISTENT' };
    case 'setData':
      return { type: 'setData', path: op.path, data: op.data, version: op.version };
    case 'getData':
      return { type: 'getData', path: op.path, watch: false };
    default:
      throw new Error(`outcome plans send no ${op.type}`);
  }
}

export type SimOutcomeOptions = {
  readonly seed: string;
  /** For the test that proves the comparison can fail: run zabsim with another fault than the plan's. */
  readonly faultOverride?: OutcomePlan['fault'];
};

export function runPlanSim(plan: OutcomePlan, root: string, opts: SimOutcomeOptions): OutcomeRun {
  const base = serviceOptions(opts.seed, { clients: 0, sessionTimeoutMs: plan.sessionTimeoutMs });
  const h = new ServiceHarness({ ...base, zab: { ...base.zab, tickTimeMs: plan.tickMs, initLimit: 20, syncLimit: plan.syncLimit } });
  const whole = (): boolean =>
    h.activeLeader() !== undefined && h.servers.every((id) => h.kernel.isUp(id) && !h.kernel.isPaused(id) && h.server(id)?.phase === 'BROADCAST');
  if (!h.runUntil(whole, 60_000)) throw new Error('zabsim: no ensemble');
  const leader = h.activeLeader() as NodeId;
  const { target, of } = placementServers(
    leader,
    h.servers.filter((id) => id !== leader),
    plan,
  );
  const nodes = plan.clients.map((p) => h.addClient([of(p)], plan.sessionTimeoutMs));
  if (!h.settle(nodes, 30_000)) throw new Error('zabsim: clients not connected');
  const must = (client: NodeId, cmd: ZkCommand): void => {
    if (h.callAndWait(client, cmd, 30_000) === undefined) throw new Error(`zabsim: no answer to setup ${cmd.type}`);
  };
  must(nodes[0] as NodeId, { type: 'create', path: root, data: '', acl: OPEN, mode: 'PERSISTENT' });
  nodes.forEach((n, c) => setupOps(root, c).forEach((op) => must(n, commandOf(op))));

  // The plan's clock starts now.
  const t0Us = h.kernel.nowUs;
  const fault = opts.faultOverride ?? plan.fault;
  const rng = forkRng(opts.seed, 'faults');
  const at = (ms: number, f: FaultEvent): void => h.kernel.at(t0Us + ms * 1000, () => applyFault(h.kernel, h.servers, f, rng));
  if (fault.action === 'kill') {
    at(fault.atMs, { atMs: 0, type: 'crash', target, keepUnsynced: true });
    at(fault.atMs + fault.forMs, { atMs: 0, type: 'restart', target });
  } else {
    at(fault.atMs, { atMs: 0, type: 'pause', target });
    at(fault.atMs + fault.forMs, { atMs: 0, type: 'resume', target });
  }

  // Each client sends its script in order: an op at its time, or when the previous one is answered.
  const scripts = nodes.map((_, c) => scriptOf(plan, root, c));
  const next = nodes.map(() => 0);
  const waiting = nodes.map(() => false);
  const xids: (number | null)[] = nodes.map(() => null);
  const index = new Map(nodes.map((n, c) => [n, c]));
  let scanned = h.observed.length;
  const endUs = t0Us + planEndMs(plan) * 1000;
  const drainUntilUs = endUs + 30_000 * 1000;
  for (;;) {
    for (; scanned < h.observed.length; scanned++) {
      const o = h.observed[scanned]!;
      const c = index.get(o.node);
      if (c === undefined) continue;
      const what = o.what as ZabObservation;
      if (what.kind === 'invoke' && waiting[c] === true && xids[c] === null) xids[c] = what.xid;
      else if (what.kind === 'complete' && what.xid === xids[c]) {
        waiting[c] = false;
        xids[c] = null;
      }
    }
    const now = h.kernel.nowUs;
    nodes.forEach((n, c) => {
      const op = scripts[c]![next[c]!];
      if (waiting[c] === true || op === undefined || now >= endUs || t0Us + op.atMs * 1000 > now) return;
      next[c]!++;
      waiting[c] = true;
      h.call(n, commandOf(op.op));
    });
    if (now >= endUs && waiting.every((w) => !w)) break;
    if (now >= drainUntilUs) throw new Error('zabsim: requests still unanswered 30 s after the plan ended');
    h.runFor(TICK_MS);
  }

  // Recovery: every server back in the ensemble, every client connected or told its session expired.
  const settledState = (n: NodeId): boolean => h.connectedState(n) === 'CONNECTED' || h.connectedState(n) === 'EXPIRED';
  h.runUntil(() => whole() && nodes.every(settledState), 30_000);
  const settled = nodes.map(settledState);
  h.runFor(recoveryWaitMs(plan));
  const history = planHistory(h.history(), index);
  const reader = h.addClient([h.activeLeader() as NodeId], plan.sessionTimeoutMs);
  if (!h.settle([reader], 30_000)) throw new Error('zabsim: reader not connected');
  must(reader, { type: 'sync', path: root });
  const recovered: Record<string, string | null> = {};
  for (let c = 0; c < nodes.length; c++) {
    for (const path of [keyOf(root, c), ephemeralOf(root, c)]) {
      const done = h.callAndWait(reader, { type: 'getData', path, watch: false }, 30_000);
      const r = done?.result as { err: string; response: { type: string; data?: unknown } | null } | undefined;
      if (r === undefined || (r.err !== 'OK' && r.err !== 'NONODE')) throw new Error(`zabsim: recovery read of ${path}: ${r?.err ?? 'no answer'}`);
      recovered[path] = r.err === 'NONODE' ? null : String(r.response?.data ?? '');
    }
  }
  return { side: 'zabsim', history, recovered, settled };
}

/** The history of the plan's clients only, numbered as in the plan (the reader's ops are not part of it). */
function planHistory(h: ZkHistory, index: ReadonlyMap<NodeId, number>): ZkHistory {
  const ops = h.ops.filter((o) => index.has(o.client)).map((o) => ({ ...o, client: index.get(o.client)! }));
  const events = (h.events ?? [])
    .filter((e) => e.client === null || index.has(e.client))
    .map((e) => (e.client === null ? e : { ...e, client: index.get(e.client)! }));
  return { header: h.header, ops, events };
}
