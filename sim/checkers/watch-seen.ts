// What a read or write shows of its path as far as a watch is concerned, and whether two reads on one
// connection show a change that fires a watch between them (watch-order.ts's lost-event rules).
import type { ZkHistoryOp } from '../history/types.js';
import { isUncertain } from './zk-writes.js';
import type { WatchClass } from './watch-set.js';

/** What a read showed of its path, as far as a watch is concerned (null: nothing comparable). */
export type Seen = { kind: 'absent' } | { kind: 'data'; data: string | undefined; version: number | undefined } | { kind: 'children'; children: string };

export function seenBy(o: ZkHistoryOp): Seen | null {
  const r = o.result;
  if (o.outcome !== 'ok' || r === null) return null;
  switch (o.op.type) {
    case 'exists':
      return r.exists === false ? { kind: 'absent' } : r.rc === 'ok' ? { kind: 'data', data: undefined, version: r.version } : null;
    case 'getData':
      return r.rc === 'noNode' ? { kind: 'absent' } : r.rc === 'ok' ? { kind: 'data', data: r.data, version: r.version } : null;
    case 'getChildren':
      return r.rc === 'noNode'
        ? { kind: 'absent' }
        : r.rc === 'ok' && r.children !== undefined
          ? { kind: 'children', children: [...r.children].sort().join('/') }
          : null;
    default:
      return null;
  }
}

/** Whether `o` shows its path missing (true) or there (false); null when it shows neither. */
export function presence(o: ZkHistoryOp): boolean | null {
  if (o.outcome !== 'ok' || o.result === null || isUncertain(o)) return null;
  const rc = o.result.rc;
  switch (o.op.type) {
    case 'getData':
    case 'exists':
    case 'getChildren': {
      const seen = seenBy(o);
      return seen === null ? null : seen.kind === 'absent';
    }
    case 'setData':
    case 'delete':
      return rc === 'noNode' ? true : rc === 'ok' || rc === 'badVersion' || rc === 'notEmpty' ? false : null;
    case 'create':
      // A sequential create's name is the result's; a persistent or ephemeral one is its path.
      return o.op.mode === 'persistent' || o.op.mode === 'ephemeral' ? (rc === 'ok' || rc === 'nodeExists' ? false : null) : null;
    default:
      return null;
  }
}

/** Whether the read `o` shows its path existing. */
export function showsNode(o: ZkHistoryOp): boolean {
  const seen = seenBy(o);
  return seen !== null && seen.kind !== 'absent';
}

/** Whether `o` shows a change since `by` (an earlier read on the same connection) that fires a `cls` watch. */
export function firedBetween(cls: WatchClass, by: ZkHistoryOp, o: ZkHistoryOp): boolean {
  const after = seenBy(o);
  const before = seenBy(by);
  if (before === null || after === null || by === o) return false;
  let fired = false;
  if (cls === 'exist') fired = before.kind === 'absent' && after.kind !== 'absent';
  else if (after.kind === 'absent') fired = before.kind !== 'absent';
  else if (cls === 'data' && before.kind === 'data' && after.kind === 'data')
    fired =
      (before.version !== undefined && after.version !== undefined && before.version !== after.version) ||
      (before.data !== undefined && after.data !== undefined && before.data !== after.data);
  else if (cls === 'child' && before.kind === 'children' && after.kind === 'children') fired = before.children !== after.children;
  return fired;
}
