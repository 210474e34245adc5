// The scenario language's liveness verdict (`check liveness`): has the ensemble recovered, now? A
// scenario runs its faults, heals, lets time pass, then asks. The classes are the fuzzer's
// (sim/fuzz/case.ts), so a narrated scenario and a mutant's capsule name a liveness failure alike.
import type { NodeId } from '../../protocol/program.js';
import type { ZabServer } from '../../protocol/zab/state.js';

/** `down`, `no-leader`, `stuck-sync`, `diverged`: why the core has not recovered. */
export const LIVENESS_CLASSES = ['down', 'no-leader', 'stuck-sync', 'diverged'] as const;
export type LivenessClass = (typeof LIVENESS_CLASSES)[number];

export type ProgressVerdict = { readonly ok: true; readonly reason: string } | { readonly ok: false; readonly cls: LivenessClass; readonly reason: string };

/**
 * The core has recovered when all its servers are up, exactly one of them is an active leader
 * (LEADING in BROADCAST), every other one follows it in BROADCAST, and all hold the same number of
 * committed txns. `state` is undefined for a server that is down.
 */
export function judgeProgress(core: readonly NodeId[], state: (id: NodeId) => ZabServer | undefined): ProgressVerdict {
  const set = `{${core.join(',')}}`;
  const down = core.filter((id) => state(id) === undefined);
  if (down.length > 0) return { ok: false, cls: 'down', reason: `core servers down: ${down.join(',')}` };
  const states = core.map((id) => ({ id, s: state(id) as ZabServer }));
  const leaders = states.filter((x) => x.s.role === 'LEADING' && x.s.phase === 'BROADCAST');
  if (leaders.length !== 1) {
    const roles = states.map((x) => `${x.id}:${x.s.role}/${x.s.phase}`).join(' ');
    return { ok: false, cls: 'no-leader', reason: `${leaders.length} active leaders in ${set} (${roles})` };
  }
  const leader = leaders[0] as { id: NodeId; s: ZabServer };
  for (const { id, s } of states) {
    if (id === leader.id) continue;
    if (s.phase !== 'BROADCAST' || s.learner?.leader !== leader.id) return { ok: false, cls: 'stuck-sync', reason: `${id} is ${s.role}/${s.phase}, not in broadcast under leader ${leader.id}` };
    if (s.committed !== leader.s.committed) return { ok: false, cls: 'diverged', reason: `${id} has ${s.committed} txns committed, leader ${leader.id} has ${leader.s.committed}` };
  }
  return { ok: true, reason: `leader ${leader.id} in epoch ${leader.s.currentEpoch}; ${set} hold the same ${leader.s.committed} committed txns` };
}
