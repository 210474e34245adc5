// Where a session's persistent watches are not held to their events (watch-persistent.ts, watch-order.ts): 3.8's
// WatcherModeManager keeps one mode per (path, connection), the last set, so a getData, exists or getChildren watch
// on the same path turns a persistent watch into a one-shot one there, and addWatch in the other mode changes its
// mode (3.8's server/watch/WatcherModeManager.java, used by WatchManager.addWatch; master keeps several modes per
// watcher in WatchStats instead, which this leaves unjudged all the same: weaker, never stricter).
import type { ZkHistoryOp } from '../history/types.js';

/** Per session: the paths where its persistent watches are not held to their events (see the file's head). */
export function mixedPaths(ops: readonly ZkHistoryOp[]): Map<number, Set<string>> {
  const modes = new Map<string, string>();
  const out = new Map<number, Set<string>>();
  const add = (s: number, p: string): void => {
    const set = out.get(s) ?? new Set<string>();
    out.set(s, set.add(p));
  };
  for (const o of ops) {
    const op = o.op;
    if (o.session === null) continue;
    if ((op.type === 'getData' || op.type === 'exists' || op.type === 'getChildren') && op.watch === true) add(o.session, op.path);
    if (op.type === 'addWatch') {
      const k = `${o.session} ${op.path}`;
      const had = modes.get(k);
      if (had !== undefined && had !== op.mode) add(o.session, op.path);
      modes.set(k, op.mode);
    }
  }
  return out;
}
