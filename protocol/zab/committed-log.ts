// ZKDatabase's committedLog as the leader's sync reads it: history indexes [start, end), the last
// commitLogCount entries kept, less the holes the ZK-4925 mutant leaves (sync txns a learner
// applied without adding them to its committedLog). Unmutated runs have no hole, and every
// function here then reduces to the plain window. Holes are kept oldest first, none overlapping
// (CommittedLogHole lives in state.ts, which must not import this file).
import type { Fx } from './effects.js';
import { type CommittedLogHole, type ZabServer } from './state.js';
import { patchDb, patchServer } from './state-update.js';

/**
 * The committedLog's first index: ZKDatabase.addCommittedProposal drops the oldest entry once
 * more than commitLogCount are kept, so the window holds the last commitLogCount entries present
 * in [start, end). O(holes).
 */
export function committedLogWindowStart(start: number, end: number, count: number, holes: readonly CommittedLogHole[]): number {
  let pos = end;
  let remaining = count;
  for (let k = holes.length - 1; k >= 0; k--) {
    const h = holes[k] as CommittedLogHole;
    if (h.to > pos) continue;
    const present = pos - h.to;
    if (present >= remaining) break;
    remaining -= present;
    pos = h.from;
  }
  return Math.max(start, pos - remaining);
}

/** The hole holding history index `i`, or undefined (it is in the committedLog). O(holes). */
export function holeAt(holes: readonly CommittedLogHole[], i: number): CommittedLogHole | undefined {
  for (const h of holes) if (h.from <= i && i < h.to) return h;
  return undefined;
}

/** The first index at or after `i` that is in the committedLog (skipping holes). */
export function presentFrom(holes: readonly CommittedLogHole[], i: number): number {
  const h = holes.length === 0 ? undefined : holeAt(holes, i);
  return h === undefined ? i : h.to;
}

/** The last index below `end` that is in the committedLog (skipping holes). */
export function presentBefore(holes: readonly CommittedLogHole[], end: number): number {
  let i = end - 1;
  for (let h = holes.length === 0 ? undefined : holeAt(holes, i); h !== undefined; h = holeAt(holes, i)) i = h.from - 1;
  return i;
}

/** The holes that still matter for a committedLog starting at `start`. */
export function holesFrom(holes: readonly CommittedLogHole[], start: number): readonly CommittedLogHole[] {
  if (holes.length === 0 || (holes[0] as CommittedLogHole).to > start) return holes;
  return holes.filter((h) => h.to > start);
}

/**
 * The ZK-4925 mutant (3.9.3 only): Learner.syncWithLeader applied the txns of packetsCommitted at
 * NEWLEADER with ZooKeeperServer.processTxn(TxnHeader, Record), which, unlike
 * processTxn(Request), does not call ZKDatabase.addCommittedProposal. The committedLog keeps what
 * it held and goes on with the next broadcast commit: a hole between the two that its min and max
 * do not show. An empty committedLog simply starts after the sync txns. The fix (commit bbb3426)
 * applies them through processTxn(Request).
 */
export function leaveOutOfCommittedLog(s: ZabServer, first: number, fx: Fx): ZabServer {
  if (s.db.committedLogStart >= first) return patchServer(s, { db: patchDb(s.db, { committedLogStart: s.applied }) });
  const holes = s.db.committedLogHoles;
  const last = holes[holes.length - 1];
  const merged =
    last !== undefined && last.to === first ? [...holes.slice(0, -1), { from: last.from, to: s.applied }] : [...holes, { from: first, to: s.applied }];
  fx.note(`${s.applied - first} sync txn(s) applied without entering the committedLog (ZK-4925)`);
  return patchServer(s, { db: patchDb(s.db, { committedLogHoles: merged }) });
}
