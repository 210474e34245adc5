// SyncRequestProcessor's snapshots: after an append, once more than snapCount/2 + randRoll txns were
// logged since the last roll, roll the txn log and take a snapshot (shouldSnapshot,
// resetSnapshotStats, ZKDatabase.rollLog, ZooKeeperServer.takeSnapshot). randRoll is random in
// ZooKeeper; here the simulator draws it (a `draw` effect answered by a `drawn` event), so the
// reducer stays pure. Until the value arrives (later in the same instant) no roll is due.
import { formatZxid } from '../zxid.js';
import { recordsAbove, rollLogFiles } from './disk.js';
import type { Fx } from './effects.js';
import { historyCount, snapshotOfApplied } from './history.js';
import { type ZabServer } from './state.js';
import { patchDb, patchServer } from './state-update.js';

/** The draw key of randRoll. */
export const SNAP_ROLL = 'snapRoll';

/** ZooKeeperServer.getSnapCount: a snapCount below 2 is raised to 2. */
function snapCountOf(s: ZabServer): number {
  return Math.max(2, s.config.snapCount);
}

/** resetSnapshotStats: ask for a new randRoll (SyncRequestProcessor.run does this when it starts). */
export function resetSnapshotStats(s: ZabServer, fx: Fx): ZabServer {
  fx.draw(SNAP_ROLL, Math.floor(snapCountOf(s) / 2));
  return s.db.snapRoll === null ? s : patchServer(s, { db: patchDb(s.db, { snapRoll: null }) });
}

/** The simulator's answer to a draw effect. */
export function onDrawn(s: ZabServer, key: string, value: number): ZabServer {
  return key === SNAP_ROLL ? patchServer(s, { db: patchDb(s.db, { snapRoll: value }) }) : s;
}

/** After an append (txnsSinceRoll already counts it): roll the log and snapshot when shouldSnapshot says so. O(1). */
export function maybeSnapshot(s: ZabServer, fx: Fx): ZabServer {
  const roll = s.db.snapRoll;
  if (roll === null || s.txnsSinceRoll <= Math.floor(snapCountOf(s) / 2) + roll) return s;
  // The snapshot thread serializes the tree as applied now (taken at once here, not fuzzily), and
  // does not fsync it (takeSnapshot(false)); the log files and the committedLog stay.
  const snapshot = snapshotOfApplied(s);
  fx.persist({ kind: 'snapshot', snapshot, replacesLog: false });
  fx.note(`${s.txnsSinceRoll} txns logged since the last roll (snapCount/2 + ${roll}): log rolled, snapshot at ${formatZxid(snapshot.zxid)}`);
  const count = historyCount(s);
  const next = patchServer(s, {
    snapshot,
    txnsSinceRoll: 0,
    db: patchDb(s.db, { logFiles: rollLogFiles(s.db.logFiles, count, s.logBase), staleTail: recordsAbove(s.db.staleTail, snapshot.zxid) }),
  });
  return resetSnapshotStats(next, fx);
}
