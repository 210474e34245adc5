// The one recovery judge: has a core of servers recovered, now? Used by `zabsim run`'s liveness
// phase (sim/zab/run.ts, every server), the fuzzer's (sim/fuzz/case.ts, the healed core) and the
// scenario verb `check liveness` (sim/script/verbs/, the check verb), so all three name a failure alike.
//
// It knows one explained ZooKeeper gap, ACCEPTED_EPOCH_AHEAD: a learner (voter or observer) whose
// acceptedEpoch is ahead of the established leader's epoch (it accepted a newer epoch from a leader
// that never established) is refused by Learner.registerWithLeader and loops until the next
// election. Such a server is excluded when the rest of the core, with the leader, still holds a
// quorum of voters, and (when the caller gathered them) only if some leader of the run did propose
// that epoch; the ok reason then names it. protocol/zab/README.md ("Observed, not a deviation") and
// scenarios/findings/observer-epoch-ahead.txt tell the story.
import type { NodeId } from '../../protocol/program.js';
import type { ZabServer } from '../../protocol/zab/state.js';
import { formatZxid } from '../../protocol/zxid.js';

/** Why a core has not recovered. */
export const LIVENESS_CLASSES = ['down', 'no-leader', 'stuck-sync', 'diverged'] as const;
export type LivenessClass = (typeof LIVENESS_CLASSES)[number];

export type RecoveryVerdict =
  | { readonly ok: true; readonly reason: string; readonly leader: NodeId; readonly excluded: readonly NodeId[] }
  | { readonly ok: false; readonly cls: LivenessClass; readonly reason: string };

export interface RecoveryOptions {
  /** Voter ids. With them, a learner refused for its acceptedEpoch is excluded if the rest are a quorum. */
  readonly voters?: readonly NodeId[];
  /**
   * The epochs leaders of the run fixed in getEpochToPropose (the `epochProposed` note facts). With
   * them, a learner is excluded only if its acceptedEpoch is one of them: an epoch no leader
   * proposed cannot come from a LEADERINFO, so a learner holding one is a simulator defect, judged
   * stuck like any other.
   */
  readonly proposedEpochs?: ReadonlySet<number>;
}

/**
 * The one exemption: Learner.registerWithLeader throws ("Leaders epoch, e is less than accepted
 * epoch, a") for every LEADERINFO of a leader whose epoch e is below the learner's acceptedEpoch a,
 * and an established leader's epoch never changes (Leader.getEpochToPropose returns the fixed
 * `epoch` to every later LearnerHandler), so no schedule lets such a learner join this leader: it
 * joins only a later leader that reads its OBSERVERINFO/FOLLOWERINFO before fixing its epoch
 * (getEpochToPropose raises `epoch` above every connecting learner's acceptedEpoch, observers'
 * included). Exactly that: the server is not the leader, not in broadcast, and acceptedEpoch > e.
 */
export const ACCEPTED_EPOCH_AHEAD = 'accepted-epoch-ahead';

function acceptedEpochAhead(s: ZabServer, leaderId: NodeId, epoch: number, proposed: ReadonlySet<number> | undefined): boolean {
  if (s.id === leaderId || s.phase === 'BROADCAST' || s.acceptedEpoch <= epoch) return false;
  return proposed === undefined || proposed.has(s.acceptedEpoch);
}

/**
 * Recovered: every core server is up, exactly one is an active leader (LEADING in BROADCAST), and
 * every other one follows it in BROADCAST with the same number of committed txns. Committed
 * histories are compared by length: after activation or a SNAP, lastProcessedZxid may be the epoch
 * marker <e,0> on one server and the last txn's zxid on another. `state` is undefined for a server
 * that is down.
 */
export function judgeRecovery(core: readonly NodeId[], state: (id: NodeId) => ZabServer | undefined, options: RecoveryOptions = {}): RecoveryVerdict {
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
  const epoch = leader.s.currentEpoch;
  const voters = options.voters;
  let excluded: NodeId[] = [];
  if (voters !== undefined) {
    excluded = states.filter(({ s }) => acceptedEpochAhead(s, leader.id, epoch, options.proposedEpochs)).map((x) => x.id);
    const rest = core.filter((id) => !excluded.includes(id) && voters.includes(id));
    if (excluded.length > 0 && rest.length <= Math.floor(voters.length / 2)) {
      return {
        ok: false,
        cls: 'stuck-sync',
        reason: `${excluded.join(',')} cannot rejoin (${ACCEPTED_EPOCH_AHEAD}: acceptedEpoch ahead of epoch ${epoch}) and the rest are not a quorum`,
      };
    }
  }
  for (const { id, s } of states) {
    if (id === leader.id || excluded.includes(id)) continue;
    if (s.phase !== 'BROADCAST' || s.learner?.leader !== leader.id)
      return { ok: false, cls: 'stuck-sync', reason: `${id} is ${s.role}/${s.phase}, not in broadcast under leader ${leader.id}` };
    if (s.committed !== leader.s.committed) {
      return {
        ok: false,
        cls: 'diverged',
        reason: `${id} has ${s.committed} txns committed (at ${formatZxid(s.lastProcessedZxid)}), leader ${leader.id} has ${leader.s.committed}`,
      };
    }
  }
  const gap =
    excluded.length === 0
      ? ''
      : `; server(s) ${excluded.map((id) => `${id} (acceptedEpoch ${(state(id) as ZabServer).acceptedEpoch})`).join(', ')} cannot rejoin until the next election (${ACCEPTED_EPOCH_AHEAD}): ZooKeeper refuses a leader epoch below a learner's acceptedEpoch`;
  const holders = excluded.length === 0 ? set : `{${core.filter((id) => !excluded.includes(id)).join(',')}}`;
  return {
    ok: true,
    leader: leader.id,
    excluded,
    reason: `leader ${leader.id} in epoch ${epoch}; ${holders} hold the same ${leader.s.committed} committed txns${gap}`,
  };
}
