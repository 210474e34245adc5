// LearnerHandler.syncFollower as a pure decision: from the peer's last zxid and the leader's
// windows, which sync the leader sends (DIFF, TRUNC or SNAP), the zxid in that packet, which
// committed txns follow it as PROPOSAL+COMMIT pairs, and from where the live proposals are
// forwarded (startForwarding). leader.ts (sendSync) sends what this decides; the table in
// test/zab/testdata/sync-follower.txt pins each branch.
import { counterOf, epochOf, type Zxid } from '../zxid.js';
import { presentBefore, presentFrom } from './committed-log.js';
import type { CommittedLogHole } from './state.js';

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
  /**
   * The ZK-2832 mutant: an empty committedLog sends SNAP to any peer not in sync (3.4's
   * LearnerHandler.run: "proposals is empty", so "just let the state transfer happen").
   */
  readonly snapWithEmptyCommittedLog: boolean;
  /**
   * The on-disk txn log the leader may read for a peer below the committedLog (ZKDatabase.
   * getProposalsFromTxnLog), as the history index of the first record of the newest log file;
   * null when txn-log sync is off (snapshotSizeFactor < 0) or that file holds no record. Only the
   * newest file counts: the iterator's size check sums the files after the one holding the peer's
   * zxid, each preallocated to 64 MB, against snapshotSizeFactor (0.33) of the snapshot's bytes,
   * and a simulated snapshot is far smaller than that (protocol/zab/README.md).
   */
  readonly txnLogFrom: number | null;
  /** No older log file exists than the newest (FileTxnIterator then starts in it even when it begins at the peer's zxid). */
  readonly txnLogOnlyFile: boolean;
  /** Indexes in [windowStart, committedEnd) missing from the committedLog (the ZK-4925 mutant; else none). */
  readonly holes: readonly CommittedLogHole[];
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
  /** The txns sent were read from the on-disk txn log, from this history index (null: from the committedLog, or none). */
  readonly txnLogFrom: number | null;
  /** Indexes from sendFrom on that are not sent: the committedLog's holes when it is the source. */
  readonly skipped: readonly CommittedLogHole[];
}

/**
 * LearnerHandler.syncFollower's choice, in ZooKeeper's order of cases. O(position of the peer in
 * the window, or in the newest log file).
 */
export function syncFollower(input: SyncInput): SyncDecision {
  const { peerLastZxid: peer, lastProcessedZxid, base, windowStart, committedEnd, zxidAt, holes } = input;
  // The committedLog's first and last entries (a hole of the ZK-4925 mutant is not one).
  const first = presentFrom(holes, windowStart);
  const last = presentBefore(holes, committedEnd);
  const hasWindow = committedEnd > windowStart && first <= last;
  const minCommitted = hasWindow ? zxidAt(first) : lastProcessedZxid;
  const maxCommitted = hasWindow ? zxidAt(last) : lastProcessedZxid;
  let skipped: readonly CommittedLogHole[] = [];
  // A peer at <e, 0> has seen only the NEWLEADER of epoch e: it holds no txn of that epoch.
  const peerNewEpoch = counterOf(peer) === 0;
  let readFrom: number | null = null;
  const decided = (mode: SyncPacketMode, packetZxid: Zxid, sendFrom: number, forwardFrom: Zxid): SyncDecision => ({
    mode,
    packetZxid,
    sendFrom,
    forwardFrom,
    minCommitted,
    maxCommitted,
    txnLogFrom: mode === 'SNAP' ? null : readFrom,
    skipped: sendFrom < 0 ? [] : skipped,
  });
  // Already in sync: an empty DIFF.
  if (peer === lastProcessedZxid) return decided('DIFF', peer, -1, peer);
  // ZK-2832 mutant: 3.4 (before ZOOKEEPER-1413's rewrite) decided DIFF or TRUNC only when the
  // committedLog held proposals; with none, it sent SNAP at lastProcessedZxid, even to a peer whose
  // log runs past it. 3.8 takes an empty committedLog as [lastProcessedZxid, lastProcessedZxid]
  // (the lines above maxCommitted), so that peer gets TRUNC below.
  if (!hasWindow && input.snapWithEmptyCommittedLog) return decided('SNAP', lastProcessedZxid, -1, lastProcessedZxid);
  // The peer is ahead of everything committed here: cut it back to our last committed zxid.
  if (peer > maxCommitted && !peerNewEpoch) return decided('TRUNC', maxCommitted, -1, maxCommitted);
  // queueCommittedProposals from history index `from` (the committedLog's start, or the log file's).
  // Null when no txn there is at or after the peer's zxid.
  const queueFrom = (from: number, gaps: readonly CommittedLogHole[]): SyncDecision | null => {
    // Find the first committed proposal at or after the peer's last zxid.
    skipped = gaps;
    let i = presentFrom(gaps, from);
    let prev: Zxid = i > base ? zxidAt(i - 1) : minCommitted;
    while (i < committedEnd && zxidAt(i) < peer) {
      prev = zxidAt(i);
      i = presentFrom(gaps, i + 1);
    }
    if (i === committedEnd) return null;
    const at = zxidAt(i);
    if (at === peer) return decided('DIFF', maxCommitted, i + 1, maxCommitted);
    if (peerNewEpoch) return decided('DIFF', maxCommitted, i, maxCommitted);
    if (input.diffWithoutTrunc) return decided('DIFF', maxCommitted, i, maxCommitted);
    // The peer holds a txn we lack. Another epoch's: only a snapshot is safe; ours: TRUNC to the txn before it.
    if (epochOf(at) !== epochOf(peer)) return decided('SNAP', lastProcessedZxid, -1, lastProcessedZxid);
    return decided('TRUNC', prev, i, maxCommitted);
  };
  if (minCommitted <= peer && peer <= maxCommitted && hasWindow) return queueFrom(windowStart, holes) as SyncDecision;
  // Below the committedLog: the on-disk txn log, then the committedLog, if the newest log file
  // starts below the peer's zxid (FileTxnIterator starts at the last file named below it, whose
  // successors then count against the size limit; with no such file it starts at the oldest, and
  // getProposalsFromTxnLog refuses that one if it starts above the peer). The log and the committedLog
  // are one run of txns here, so the two queueCommittedProposals calls send what one scan from
  // the log's record sends; their "gap" case is a peer past every record (an empty committedLog
  // whose lastProcessedZxid is an epoch marker), which gets SNAP.
  const from = input.txnLogFrom;
  const readable = from !== null && from < committedEnd && (zxidAt(from) < peer || (zxidAt(from) === peer && input.txnLogOnlyFile));
  if (peer < minCommitted && readable) {
    readFrom = from as number;
    // The log has every record; the committedLog is read only after what the log gave.
    const fromLog = queueFrom(from as number, []);
    if (fromLog !== null) return fromLog;
  }
  // Below both: the whole state.
  return decided('SNAP', lastProcessedZxid, -1, lastProcessedZxid);
}
