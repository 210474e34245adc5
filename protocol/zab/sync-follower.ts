// LearnerHandler.syncFollower as a pure decision: from the peer's last zxid and the leader's
// windows, which sync the leader sends (DIFF, TRUNC or SNAP), the zxid in that packet, which
// committed txns follow it as PROPOSAL+COMMIT pairs, and from where the live proposals are
// forwarded (startForwarding). leader.ts (sendSync) sends what this decides; the table in
// test/zab/testdata/sync-follower.txt pins each branch.
import { counterOf, epochOf, type Zxid } from '../zxid.js';

export type SyncPacketMode = 'DIFF' | 'TRUNC' | 'SNAP';

/** What the leader knows when a learner's ACKEPOCH arrives. Indexes count txns from the start of history. */
export interface SyncInput {
  /** The learner's last zxid (ACKEPOCH's lastZxid: LearnerHandler's peerLastZxid). */
  readonly peerLastZxid: Zxid;
  /** The leader's lastProcessedZxid. */
  readonly lastProcessedZxid: Zxid;
  /** The first history index the leader holds in memory (after its snapshot). */
  readonly base: number;
  /** The committedLog window: history indexes [windowStart, committedEnd). */
  readonly windowStart: number;
  readonly committedEnd: number;
  /** The zxid of the txn at a history index in [base, committedEnd). */
  readonly zxidAt: (index: number) => Zxid;
  /** The ZK-1154 mutant: a peer holding a txn the leader lacks still gets a plain DIFF (pre-2011). */
  readonly diffWithoutTrunc: boolean;
}

export interface SyncDecision {
  readonly mode: SyncPacketMode;
  /** The zxid the DIFF/TRUNC/SNAP packet carries. */
  readonly packetZxid: Zxid;
  /** History index of the first committed txn to send as PROPOSAL+COMMIT; -1 for none. */
  readonly sendFrom: number;
  /** Live outstanding proposals above this zxid are forwarded before NEWLEADER. */
  readonly forwardFrom: Zxid;
  /** The committedLog's bounds (minCommittedLog, maxCommittedLog), for the trace. */
  readonly minCommitted: Zxid;
  readonly maxCommitted: Zxid;
}

/** LearnerHandler.syncFollower's choice, in ZooKeeper's order of cases. O(position of the peer in the window). */
export function syncFollower(input: SyncInput): SyncDecision {
  const { peerLastZxid: peer, lastProcessedZxid, base, windowStart, committedEnd, zxidAt } = input;
  const hasWindow = committedEnd > windowStart;
  const minCommitted = hasWindow ? zxidAt(windowStart) : lastProcessedZxid;
  const maxCommitted = hasWindow ? zxidAt(committedEnd - 1) : lastProcessedZxid;
  // A peer at <e, 0> has seen only the NEWLEADER of epoch e: it holds no txn of that epoch.
  const peerNewEpoch = counterOf(peer) === 0;
  const decided = (mode: SyncPacketMode, packetZxid: Zxid, sendFrom: number, forwardFrom: Zxid): SyncDecision => ({
    mode,
    packetZxid,
    sendFrom,
    forwardFrom,
    minCommitted,
    maxCommitted,
  });
  // Already in sync: an empty DIFF.
  if (peer === lastProcessedZxid) return decided('DIFF', peer, -1, peer);
  // The peer is ahead of everything committed here: cut it back to our last committed zxid.
  if (peer > maxCommitted && !peerNewEpoch) return decided('TRUNC', maxCommitted, -1, maxCommitted);
  if (minCommitted <= peer && peer <= maxCommitted) {
    // queueCommittedProposals: find the first committed proposal at or after the peer's last zxid.
    let i = windowStart;
    let prev: Zxid = i > base ? zxidAt(i - 1) : minCommitted;
    while (i < committedEnd && zxidAt(i) < peer) {
      prev = zxidAt(i);
      i++;
    }
    const at = zxidAt(i);
    if (at === peer) return decided('DIFF', maxCommitted, i + 1, maxCommitted);
    if (peerNewEpoch) return decided('DIFF', maxCommitted, i, maxCommitted);
    if (input.diffWithoutTrunc) return decided('DIFF', maxCommitted, i, maxCommitted);
    // The peer holds a txn we lack. Another epoch's: only a snapshot is safe; ours: TRUNC to the txn before it.
    if (epochOf(at) !== epochOf(peer)) return decided('SNAP', lastProcessedZxid, -1, lastProcessedZxid);
    return decided('TRUNC', prev, i, maxCommitted);
  }
  // Below the committedLog (or no window at all): the whole state.
  return decided('SNAP', lastProcessedZxid, -1, lastProcessedZxid);
}
