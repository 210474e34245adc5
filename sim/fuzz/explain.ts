// Why a fuzz case's liveness phase ended without a serving leader or without progress, from the
// core's state at the end. The unmutated sweeps' liveness failures are slow recoveries that
// ZooKeeper's own election has; the judge names which one instead of leaving a bare "no leader":
// - poll starvation: FastLeaderElection answers a notification with its own vote only when the
//   sender's round is older, so the holder of the best vote stays silent towards a same-round peer
//   with a worse vote, and that peer's resends keep waking its poll, so its notification timeout
//   (the only other reason it sends) does not expire;
// - a stale vote: the core agreed on, or follows, a server outside the core (FLE does not check
//   that a leader is reachable; the learners give up only after their read timeout);
// - a late leader: a core leader became active only after, or shortly before, the last probe
//   writes (clients that were connected to servers outside the core are still moving on).
// The verdict stays "violated"; the reason says which of these it was.
import type { NodeId } from '../../protocol/program.js';
import type { Vote, ZabServer } from '../../protocol/zab/state.js';
import { formatZxid } from '../../protocol/zxid.js';

const MS = 1000;

/** FLE's total order on votes: epoch, then zxid, then sid. */
function beats(a: Vote, b: Vote): boolean {
  if (a.peerEpoch !== b.peerEpoch) return a.peerEpoch > b.peerEpoch;
  if (a.zxid !== b.zxid) return a.zxid > b.zxid;
  return a.leader > b.leader;
}

function voteText(v: Vote): string {
  return `${v.leader} (epoch ${v.peerEpoch}, zxid ${formatZxid(v.zxid)})`;
}

export interface ElectionView {
  readonly core: readonly NodeId[];
  readonly states: readonly { readonly id: NodeId; readonly s: ZabServer | undefined }[];
  /** When a core server last became an active leader (microseconds), or null. */
  readonly lastActivationUs: number | null;
  readonly livenessStartUs: number;
  readonly lastProbeUs: number | null;
}

/** One sentence on the core's election at the end of the run, or '' when nothing stands out. */
export function explainElection(v: ElectionView): string {
  const facts: string[] = [];
  const looking = v.states.filter((x): x is { id: NodeId; s: ZabServer } => x.s !== undefined && x.s.role === 'LOOKING');
  const byRound = new Map<number, { id: NodeId; s: ZabServer }[]>();
  for (const x of looking) byRound.set(x.s.fle.logicalclock, [...(byRound.get(x.s.fle.logicalclock) ?? []), x]);
  for (const [round, group] of byRound) {
    if (group.length < 2) continue;
    const best = group.reduce((a, b) => (beats(b.s.fle.proposed, a.s.fle.proposed) ? b : a));
    const behind = group.filter((x) => x.s.fle.proposed.leader !== best.s.fle.proposed.leader);
    if (behind.length === 0) continue;
    facts.push(
      `FLE poll starvation: in round ${round}, ${best.id} votes for ${voteText(best.s.fle.proposed)} while ${behind.map((x) => `${x.id} votes for ${x.s.fle.proposed.leader}`).join(', ')}; ` +
        'a LOOKING server answers only an older round, and same-round resends keep its notification timeout from expiring',
    );
  }
  const outside = v.states.filter(({ s }) => {
    if (s === undefined) return false;
    const leader = s.role === 'LOOKING' ? s.fle.proposed.leader : s.learner?.leader;
    return leader !== undefined && leader > 0 && !v.core.includes(leader);
  });
  if (outside.length > 0) {
    facts.push(
      `stale vote: ${outside.map(({ id, s }) => `${id} ${s?.role === 'LOOKING' ? 'votes for' : 'follows'} ${s?.role === 'LOOKING' ? s.fle.proposed.leader : s?.learner?.leader}`).join(', ')}, outside the core`,
    );
  }
  if (v.lastActivationUs === null || v.lastActivationUs < v.livenessStartUs) facts.push('no core server became an active leader in the liveness phase');
  else if (v.lastProbeUs !== null) {
    const late = v.lastActivationUs > v.lastProbeUs ? 'after' : 'before';
    facts.push(
      `late leader: the core's leader became active at ${Math.round(v.lastActivationUs / MS)} ms, ${late} the last probe write (${Math.round(v.lastProbeUs / MS)} ms)`,
    );
  }
  return facts.join('; ');
}
