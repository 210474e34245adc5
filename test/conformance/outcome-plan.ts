// A fault plan as data, run the same way on the real ensemble (outcome-real.ts) and in zabsim
// (outcome-sim.ts): which server is struck (the leader, or a follower, chosen when the plan starts),
// how (SIGKILL then a restart, or SIGSTOP then SIGCONT), when and for how long; which clients sit on
// which server; and each client's op script. From the plan alone (never from either side's timing)
// this file derives, per client, which error kinds every execution must show (forced) and which it
// may show (possible); outcome-compare.ts holds both histories to them.
//
// Times are ms from the plan's start: on the real ensemble, once every client's session is connected
// and its first writes are answered; in zabsim, the same moment in simulated time.
import type { ZkOp } from '../../sim/history/types.js';

/** Where a client's connect string points: the struck server, the leader, or a follower not struck. */
export type Placement = 'target' | 'leader' | 'spare';

export type OutcomePlan = {
  readonly name: string;
  readonly sessionTimeoutMs: number;
  /** The ensemble's tick and syncLimit (the real one's zoo.cfg: ensemble.ts); the rules below use them. */
  readonly tickMs: number;
  readonly syncLimit: number;
  readonly fault: { readonly action: 'kill' | 'pause'; readonly role: 'leader' | 'follower'; readonly atMs: number; readonly forMs: number };
  readonly clients: readonly Placement[];
  /** The workload goes on this long after the fault ends. */
  readonly tailMs: number;
};

/** One scripted op: sent at `atMs`, or when the client's previous op is answered, whichever is later. */
export type ScriptedOp = { readonly atMs: number; readonly op: ZkOp };

/** The client's own persistent node and ephemeral node (no other client writes them). */
export const keyOf = (root: string, client: number): string => `${root}/k${client}`;
export const ephemeralOf = (root: string, client: number): string => `${root}/e${client}`;
export const EPHEMERAL_DATA = (client: number): string => `c${client}-e`;

/** The ops each client sends once connected, before the plan's clock starts: its two nodes. */
export function setupOps(root: string, client: number): ZkOp[] {
  return [
    { type: 'create', path: keyOf(root, client), data: `c${client}-0`, mode: 'persistent' },
    { type: 'create', path: ephemeralOf(root, client), data: EPHEMERAL_DATA(client), mode: 'ephemeral' },
  ];
}

/**
 * Which server each placement means, given the leader and the followers when the plan starts: the
 * struck follower is the one with the lowest id, the spare the other (for a struck leader, the
 * lowest follower). Both runners use it, so the same roles get the same clients.
 */
export function placementServers(leader: number, followers: readonly number[], plan: OutcomePlan): { target: number; of: (p: Placement) => number } {
  const sorted = [...followers].sort((x, y) => x - y);
  const target = plan.fault.role === 'leader' ? leader : (sorted[0] as number);
  const spare = sorted.find((f) => f !== target) as number;
  return { target, of: (p) => (p === 'target' ? target : p === 'leader' ? leader : spare) };
}

export const SCRIPT_STEP_MS = 200;

/**
 * A client's script: every SCRIPT_STEP_MS until the plan ends, a setData of its own node (a unique
 * value, any version) or a read of it; the client's first op comes a little later for each client so
 * that the clients interleave. Unconditional writes to a node only its client writes, one at a time:
 * after recovery the node holds the last of them that took effect.
 */
export function scriptOf(plan: OutcomePlan, root: string, client: number): ScriptedOp[] {
  const end = planEndMs(plan);
  const ops: ScriptedOp[] = [];
  let n = 1;
  for (let t = 40 * client; t < end; t += SCRIPT_STEP_MS) {
    const path = keyOf(root, client);
    ops.push({ atMs: t, op: n % 3 === 0 ? { type: 'getData', path } : { type: 'setData', path, data: `c${client}-${n}`, version: -1 } });
    n++;
  }
  return ops;
}

export function planEndMs(plan: OutcomePlan): number {
  return plan.fault.atMs + plan.fault.forMs + plan.tailMs;
}

/** The error kinds compared: a lost connection (DISCONNECTED, or a request without a reply) and an expired session. */
export type OutcomeKind = 'CONNECTIONLOSS' | 'SESSIONEXPIRED';
export const OUTCOME_KINDS: readonly OutcomeKind[] = ['CONNECTIONLOSS', 'SESSIONEXPIRED'];

/** What the plan says about one client: kinds every execution shows, kinds some execution may show, and why. */
export type ClientExpectation = { readonly forced: ReadonlySet<OutcomeKind>; readonly possible: ReadonlySet<OutcomeKind>; readonly why: string };

/**
 * Margin added to every bound below: the real servers' threads run late on a loaded machine (a
 * scheduler delay, a GC pause). It widens only the "forced" side's preconditions, never a claim.
 */
export const MARGIN_MS = 1000;

/**
 * The longest a session lives at the leader after its client last reached a server: the timeout,
 * rounded up to the expiry queue's next tick bucket (SessionTrackerImpl / ExpiryQueue, whose interval
 * is tickTime), plus the half tick a follower may hold the client's touch before its PING reply
 * carries it to the leader (Learner.ping sends the touch table when the leader pings).
 */
export function sessionExpiryBoundMs(plan: OutcomePlan): number {
  return plan.sessionTimeoutMs + plan.tickMs + plan.tickMs / 2;
}

/**
 * How long both runners wait, once the ensemble is whole and every client is connected or told its
 * session expired, before the recovery read. A client may be told EXPIRED by a server whose tracker
 * closed the session while the quorum's leader still holds it: a paused leader, resumed, answers a
 * reconnect with "expired" (SessionTrackerImpl.touchSession fails on a closing session) although its
 * closeSession txn never commits. That client never touches the session again, so the current leader
 * expires it, and deletes its ephemerals, within the expiry bound from the moment the ensemble was
 * whole (the latest its last touch can be).
 */
export function recoveryWaitMs(plan: OutcomePlan): number {
  return sessionExpiryBoundMs(plan) + MARGIN_MS;
}

/**
 * The per-client kinds the plan forces and allows. Each rule, from ZooKeeper 3.8's behaviour:
 *
 * - A killed server's sockets close (the kernel resets them): its clients lose their connection.
 * - A follower that loses its leader leaves FOLLOWING and closes every client connection
 *   (Learner.shutdown calls QuorumPeer.closeAllConnections); so does a leader that finds no quorum
 *   synced (Leader.lead: "Not sufficient followers synced", then Leader.shutdown). A killed leader's
 *   followers see the socket close at once; a paused one's give up after syncLimit ticks (the
 *   socket timeout Learner.syncWithLeader sets), and after a resume the old leader finds them gone.
 * - A client pinned to a follower that is down or paused for longer than the expiry bound plus the
 *   margin reaches no server in that time, while the leader and the other follower keep a quorum and
 *   expire the session: on its way back it is told the session expired (and lost its connection).
 * - A struck follower leaves the other two a quorum: a client on the leader or on the other follower
 *   sees nothing, in any execution.
 * - Everything else depends on timing that the plan does not fix (how long an election or a JVM
 *   restart takes, which of a resumed leader's threads runs first): possible, not forced. A client
 *   on a paused server is a case: node-zookeeper-client has no read timeout (ConnectionManager
 *   only pings on an idle socket), so it may stay connected through a pause the Java client and
 *   zabsim's client give up on after 2/3 of the session timeout.
 */
export function expectations(plan: OutcomePlan): ClientExpectation[] {
  const { action, role, forMs } = plan.fault;
  const none = new Set<OutcomeKind>();
  const both = new Set<OutcomeKind>(OUTCOME_KINDS);
  const outlastsSession = forMs >= sessionExpiryBoundMs(plan) + MARGIN_MS;
  const followersGiveUp = action === 'kill' || forMs >= plan.syncLimit * plan.tickMs + MARGIN_MS;
  return plan.clients.map((placement) => {
    if (role === 'follower') {
      if (placement !== 'target') return { forced: none, possible: none, why: `on the ${placement}, which keeps a quorum with the other follower` };
      if (outlastsSession)
        return {
          forced: both,
          possible: both,
          why: `its only server is ${action === 'kill' ? 'down' : 'paused'} for ${forMs} ms, past the session's expiry bound`,
        };
      if (action === 'kill')
        return { forced: new Set(['CONNECTIONLOSS']), possible: both, why: 'its server is killed; the restart may take longer than the session' };
      return { forced: none, possible: both, why: 'its server is paused for less than the expiry bound' };
    }
    // The leader is struck: every client's connection may break, every session may expire after the election.
    if (followersGiveUp)
      return {
        forced: new Set(['CONNECTIONLOSS']),
        possible: both,
        why: `the leader is ${action === 'kill' ? 'killed' : 'paused past syncLimit'}: every server closes its clients`,
      };
    return { forced: none, possible: both, why: 'the leader is paused for less than syncLimit ticks' };
  });
}

/** The plans the live comparison runs (2 s sessions, as faults.test.ts; tick 500 ms, syncLimit 10, as ensemble.ts). */
export const OUTCOME_PLANS: readonly OutcomePlan[] = [
  {
    name: 'kill-follower',
    sessionTimeoutMs: 2000,
    tickMs: 500,
    syncLimit: 10,
    fault: { action: 'kill', role: 'follower', atMs: 600, forMs: 1500 },
    clients: ['target', 'leader', 'spare'],
    tailMs: 1500,
  },
  {
    name: 'kill-follower-long',
    sessionTimeoutMs: 2000,
    tickMs: 500,
    syncLimit: 10,
    fault: { action: 'kill', role: 'follower', atMs: 600, forMs: 4500 },
    clients: ['target', 'target', 'leader', 'spare'],
    tailMs: 1500,
  },
  {
    name: 'pause-follower-long',
    sessionTimeoutMs: 2000,
    tickMs: 500,
    syncLimit: 10,
    fault: { action: 'pause', role: 'follower', atMs: 600, forMs: 4500 },
    clients: ['target', 'leader', 'spare'],
    tailMs: 1500,
  },
  {
    name: 'kill-leader',
    sessionTimeoutMs: 2000,
    tickMs: 500,
    syncLimit: 10,
    fault: { action: 'kill', role: 'leader', atMs: 600, forMs: 1500 },
    clients: ['target', 'spare', 'spare'],
    tailMs: 2000,
  },
  {
    name: 'pause-leader-long',
    sessionTimeoutMs: 2000,
    tickMs: 500,
    syncLimit: 10,
    fault: { action: 'pause', role: 'leader', atMs: 600, forMs: 6500 },
    clients: ['target', 'spare'],
    tailMs: 2000,
  },
];
