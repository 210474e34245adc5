// `liveness` at the client level: after faults stop (and a recovery allowance), every operation of a live
// session must complete with a reply within a bound. When one does not, the verdict says why, from
// evidence gathered during the run (LivenessMonitor, O(1) per event) and the kernel's state at the end:
// no quorum reachable, election churn, a leader without a quorum, sync stuck, or the session expired.
import type { NodeId } from '../../protocol/program.js';
import type { ZabObservation } from '../../protocol/zab/effects.js';
import type { KernelObserver } from '../kernel/kernel.js';
import type { ZkHistory, ZkHistoryOp } from '../history/types.js';
import type { Verdict } from './linearizability/model.js';
import { clientWitness, type ClientCheckResult } from './client.js';

export type StallCause = 'no-quorum-reachable' | 'election-churn' | 'leader-without-quorum' | 'sync-stuck' | 'session-expired' | 'unexplained';

export interface ClusterView {
  readonly voters: readonly NodeId[];
  isUp(id: NodeId): boolean;
  isPaused(id: NodeId): boolean;
  isCut(from: NodeId, to: NodeId): boolean;
}

type RoleAt = { role: string; phase: string; epoch: number; leader: NodeId | null; sinceUs: number };

/** Watches server roles and leader activations as the run goes. */
export class LivenessMonitor implements KernelObserver {
  readonly roles = new Map<NodeId, RoleAt>();
  /** Leader activations (a quorum acked NEWLEADER), with their time. */
  readonly activations: { readonly atUs: number; readonly node: NodeId; readonly epoch: number }[] = [];
  private readonly activationsMax = 10_000;

  observe(node: NodeId, what: unknown, nowUs: number): void {
    const o = what as ZabObservation;
    if (o.kind === 'role') {
      const prev = this.roles.get(node);
      if (prev === undefined || prev.role !== o.role || prev.phase !== o.phase || prev.leader !== o.leader) {
        this.roles.set(node, { role: o.role, phase: o.phase, epoch: o.epoch, leader: o.leader, sinceUs: nowUs });
      }
    } else if (o.kind === 'activated') {
      if (this.activations.length >= this.activationsMax) this.activations.splice(0, this.activations.length >>> 1);
      this.activations.push({ atUs: nowUs, node, epoch: o.epoch });
    }
  }

  crashed(node: NodeId, _disk: unknown, nowUs: number): void {
    this.roles.set(node, { role: 'DOWN', phase: 'DOWN', epoch: -1, leader: null, sinceUs: nowUs });
  }

  /** Why client operations may be stuck at `nowUs`, with the evidence. */
  explain(view: ClusterView, nowUs: number, sinceUs: number): { cause: StallCause; evidence: string } {
    const quorum = Math.floor(view.voters.length / 2) + 1;
    const live = view.voters.filter((id) => view.isUp(id) && !view.isPaused(id));
    // The largest set of live voters that can all reach each other both ways (greedy from each start).
    let best: NodeId[] = [];
    for (const start of live) {
      const group = [start];
      for (const id of live) if (id !== start && group.every((g) => !view.isCut(g, id) && !view.isCut(id, g))) group.push(id);
      if (group.length > best.length) best = group;
    }
    const roles = [...view.voters]
      .map((id) => {
        const r = this.roles.get(id);
        return `${id}:${!view.isUp(id) ? 'down' : view.isPaused(id) ? 'paused' : r === undefined ? '?' : `${r.role}/${r.phase}`}`;
      })
      .join(' ');
    if (best.length < quorum)
      return {
        cause: 'no-quorum-reachable',
        evidence: `only ${best.length} of ${view.voters.length} voters are up and connected (need ${quorum}): [${best.join(',')}]; roles ${roles}`,
      };
    const recent = this.activations.filter((a) => a.atUs >= sinceUs);
    const leaders = view.voters.filter((id) => this.roles.get(id)?.role === 'LEADING' && this.roles.get(id)?.phase === 'BROADCAST');
    if (leaders.length === 0 || recent.length >= 3) {
      return {
        cause: 'election-churn',
        evidence: `${recent.length} leader activations since ${Math.round(sinceUs / 1000)} ms, ${leaders.length} leader(s) in BROADCAST now; roles ${roles}`,
      };
    }
    const leader = leaders[0]!;
    const followers = view.voters.filter((id) => {
      const r = this.roles.get(id);
      return id !== leader && r !== undefined && r.phase === 'BROADCAST' && r.leader === leader;
    });
    if (followers.length + 1 < quorum) {
      const syncing = view.voters.filter((id) => {
        const r = this.roles.get(id);
        return r !== undefined && r.leader === leader && (r.phase === 'SYNCHRONIZATION' || r.phase === 'DISCOVERY');
      });
      if (syncing.length > 0) {
        const r = this.roles.get(syncing[0]!)!;
        return {
          cause: 'sync-stuck',
          evidence: `leader ${leader} has ${followers.length} follower(s) in BROADCAST; server ${syncing[0]} is in ${r.phase} since ${Math.round(r.sinceUs / 1000)} ms; roles ${roles}`,
        };
      }
      return {
        cause: 'leader-without-quorum',
        evidence: `leader ${leader} is in BROADCAST with only ${followers.length} follower(s) (need ${quorum - 1}); roles ${roles}`,
      };
    }
    return { cause: 'unexplained', evidence: `leader ${leader} with ${followers.length} followers in BROADCAST; roles ${roles}` };
  }
}

export type ClientLivenessOptions = {
  /** When faults stopped (virtual µs); ops are judged from `faultsStopUs + recoveryUs` on. */
  readonly faultsStopUs: number;
  readonly recoveryUs: number;
  /** An op must get a reply within this long after it was invoked (or after recovery, if later). */
  readonly boundUs: number;
  /** The end of the run: ops whose deadline is past it are not judged. */
  readonly endUs: number;
};

/**
 * Ops of live sessions invoked at or after the recovery point must complete (a reply, any rc) within the
 * bound. `explain` gives the cause when one did not.
 */
export function checkClientLiveness(
  history: ZkHistory,
  options: ClientLivenessOptions,
  explain: (atUs: number) => { cause: StallCause; evidence: string } = () => ({ cause: 'unexplained', evidence: 'no run evidence' }),
): ClientCheckResult & { readonly cause?: StallCause } {
  const fromUs = options.faultsStopUs + options.recoveryUs;
  const gone = new Map<number, number>(); // client -> when its session ended (EXPIRED/CLOSED/AUTH_FAILED)
  for (const e of history.events ?? []) {
    if (e.kind === 'session' && e.client !== null && (e.state === 'EXPIRED' || e.state === 'CLOSED' || e.state === 'AUTH_FAILED')) {
      if (!gone.has(e.client)) gone.set(e.client, e.atUs);
    }
  }
  let worst: ZkHistoryOp | null = null;
  for (const o of history.ops) {
    if (o.outcome === 'fail' || o.invokeUs < fromUs) continue;
    const deadline = o.invokeUs + options.boundUs;
    if (deadline > options.endUs) continue;
    const endedAt = gone.get(o.client);
    if (endedAt !== undefined && endedAt <= deadline) continue; // judged below as session-expired only if nothing else
    const late = o.outcome === 'info' || o.completeUs === null || o.completeUs > deadline;
    if (late && (worst === null || o.invokeUs < worst.invokeUs)) worst = o;
  }
  if (worst === null) return { name: 'liveness', verdict: 'ok' };
  const at = worst.invokeUs + options.boundUs;
  const why = explain(at);
  const what =
    worst.outcome === 'info' || worst.completeUs === null
      ? 'got no reply (connection loss or still open)'
      : `completed only after ${Math.round((worst.completeUs - worst.invokeUs) / 1000)} ms`;
  const reason = `#${worst.id} of client ${worst.client}, invoked ${Math.round((worst.invokeUs - options.faultsStopUs) / 1000)} ms after faults stopped, ${what} (bound ${Math.round(options.boundUs / 1000)} ms). Cause: ${why.cause}: ${why.evidence}`;
  const verdict: Verdict = 'violated';
  return { name: 'liveness', verdict, witness: clientWitness(reason, [worst]), cause: why.cause };
}
