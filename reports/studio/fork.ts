// A studio fork, as data: the moment it branches from and the interventions the student made there.
// The branch is the original input run again from the start (the simulator is deterministic, so up
// to the moment it is the original, event for event) with the interventions applied just after the
// moment: after every event at that virtual time, before anything later. Being data, a fork travels
// in a capsule and `zabsim replay` runs it again to the same trace hash.
import type { Kernel } from '../../sim/kernel/kernel.js';
import type { NodeId } from '../../protocol/program.js';

/** One thing the student does at the fork's moment. */
export type Intervention =
  /** A message in flight on from → to (sent at `sentUs`) is lost. */
  | { readonly kind: 'drop'; readonly from: NodeId; readonly to: NodeId; readonly sentUs: number; readonly msg: string }
  /** A message in flight is sent again. */
  | { readonly kind: 'duplicate'; readonly from: NodeId; readonly to: NodeId; readonly sentUs: number; readonly msg: string }
  | { readonly kind: 'crash' | 'pause' | 'resume' | 'restart' | 'wipe'; readonly node: NodeId }
  | { readonly kind: 'partition'; readonly groups: readonly (readonly NodeId[])[] }
  | { readonly kind: 'heal' };

export interface StudioFork {
  /** The moment (virtual µs) the branch leaves the original: interventions apply just after it. */
  readonly atUs: number;
  readonly interventions: readonly Intervention[];
}

export const INTERVENTION_KINDS = ['drop', 'duplicate', 'crash', 'pause', 'resume', 'restart', 'wipe', 'partition', 'heal'] as const;

/** One line saying what an intervention does, for the branch list and the trace. */
export function describeIntervention(i: Intervention): string {
  switch (i.kind) {
    case 'drop':
      return `drop ${i.msg} ${i.from}→${i.to}`;
    case 'duplicate':
      return `duplicate ${i.msg} ${i.from}→${i.to}`;
    case 'partition':
      return `partition ${i.groups.map((g) => `{${g.join(' ')}}`).join(' ')}`;
    case 'heal':
      return 'heal';
    case 'wipe':
      return `restart ${i.node} with a wiped disk`;
    default:
      return `${i.kind} ${i.node}`;
  }
}

/**
 * Schedules the fork's interventions on a kernel that has not run past the moment yet. The action
 * is queued now, at atUs + 1: the queue runs events in (time, insertion) order, so it runs after
 * every event at atUs and, queued before any event of atUs + 1 exists, before all of those.
 * `atMoment` runs first: the branch is the original up to there (a studio branch starts its own
 * trace there, branch-sink.ts).
 */
export function scheduleFork(kernel: Kernel, fork: StudioFork, atMoment: () => void = () => {}): void {
  kernel.at(fork.atUs + 1, () => {
    atMoment();
    for (const i of fork.interventions) apply(kernel, i);
  });
}

function apply(kernel: Kernel, i: Intervention): void {
  switch (i.kind) {
    case 'drop':
      // Zab runs over TCP, where a message is never lost alone: the connection breaks, and with it
      // everything still in flight on it, both ways (the kernel's lossy links do the same; the
      // learner or leader then sees the reset, as with Learner.readPacket's IOException).
      // A link already cut by a partition has nothing in flight, and must stay cut.
      if (kernel.isCut(i.from, i.to)) return;
      kernel.record({ k: 'note', node: i.from, text: `studio: the connection ${i.from}→${i.to} breaks; ${i.msg} (sent ${i.sentUs} µs) is lost` });
      kernel.cutLink(i.from, i.to);
      kernel.healLink(i.from, i.to);
      return;
    case 'duplicate':
      // Over TCP a duplicated segment is discarded below the application: ZooKeeper never sees
      // it. The kernel traces the same for its own duplication windows (Network.send).
      kernel.record({ k: 'duplicate', from: i.from, to: i.to, msg: i.msg, suppressed: 'tcp' });
      return;
    case 'crash':
      kernel.crash(i.node);
      return;
    case 'pause':
      kernel.pause(i.node);
      return;
    case 'resume':
      kernel.resume(i.node);
      return;
    case 'restart':
      kernel.restart(i.node);
      return;
    case 'wipe':
      kernel.crash(i.node);
      kernel.restart(i.node, { wipeDisk: true });
      return;
    case 'partition':
      kernel.partition(i.groups, 'partition');
      return;
    case 'heal':
      kernel.healAll();
      return;
  }
}

/** Checks a fork read from a capsule; returns what is wrong with it, or null. */
export function forkProblem(value: unknown): string | null {
  if (typeof value !== 'object' || value === null) return 'expected a fork object';
  const f = value as { atUs?: unknown; interventions?: unknown };
  if (typeof f.atUs !== 'number' || !Number.isInteger(f.atUs) || f.atUs < 0) return 'expected fork.atUs, a whole number of µs';
  if (!Array.isArray(f.interventions) || f.interventions.length === 0) return 'expected fork.interventions, a non-empty list';
  for (const [n, i] of (f.interventions as { kind?: unknown; node?: unknown; from?: unknown; to?: unknown; groups?: unknown }[]).entries()) {
    if (!(INTERVENTION_KINDS as readonly unknown[]).includes(i?.kind)) return `expected fork.interventions[${n}].kind, one of ${INTERVENTION_KINDS.join(', ')}`;
    if (i.kind === 'drop' || i.kind === 'duplicate') {
      if (typeof i.from !== 'number' || typeof i.to !== 'number') return `expected fork.interventions[${n}].from and .to, node ids`;
    } else if (i.kind === 'partition') {
      if (!Array.isArray(i.groups) || !i.groups.every((g) => Array.isArray(g) && g.every((x) => typeof x === 'number')))
        return `expected fork.interventions[${n}].groups, lists of node ids`;
    } else if (i.kind !== 'heal' && typeof i.node !== 'number') return `expected fork.interventions[${n}].node, a server id`;
  }
  return null;
}
