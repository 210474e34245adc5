// Which paths' persistent watches watch-order leaves unjudged, per session (watch-persistent.ts has the why): where
// the session also set a one-shot watch, or both addWatch modes, 3.8's WatcherModeManager keeps one mode per path
// and connection (the last set), so the persistent watch there may have become one-shot or changed its mode.
import type { ZkHistoryOp } from '../history/types.js';

/** Per session: the paths where its persistent watches are not held to their events. */
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
