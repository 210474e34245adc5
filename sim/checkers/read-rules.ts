// Which of ZooKeeper's read guarantees a sequential-reads finding breaks, and what the write at a read's
// mzxid did to the read's node: the witness names the exact rule and cites only the ops that break it.
import { isZkRead, isZkWrite } from '../history/types.js';
import type { ZkHistoryOp, ZkOp, ZkResult } from '../history/types.js';
import type { Arrival } from './client-common.js';

/**
 * The rule broken when `o` (an op of the session) reflects a state older than the one `before` (the
 * reply or event that raised the session's lastZxidSeen) showed it:
 * - `o` a write: session order (a write of the session took effect below a state it had already seen);
 * - `before` a write of the session that succeeded, `o` a read: read-your-writes;
 * - otherwise (a read, a failed write's reply, a watch event before it): monotonic reads, or single
 *   system image when another server answered.
 */
export function lastZxidSeenRule(before: Arrival, o: ZkHistoryOp): string {
  if (isZkWrite(o.op)) return 'session order broken (a write of the session took effect below a state it had already seen)';
  if (before.kind !== 'op') return `monotonic reads broken (below the ${before.kind === 'watch' ? `${before.type} event` : 'event'} the session had received)`;
  if (isZkWrite(before.op) && before.result?.rc === 'ok' && (isZkRead(o.op) || o.op.type === 'sync')) return 'read-your-writes broken';
  if (before.server !== o.server)
    return `single system image broken (server ${o.server} answered below the session's lastZxidSeen, seen from server ${before.server})`;
  return 'monotonic reads broken';
}

/**
 * What the write at a read's mzxid did to the node at `path`: `wrote` with the data it set (the last
 * sub-op on that path for a multi); `not`, with why, when it certainly set nothing there (a failed write
 * is an error txn; only create, setData and the KV writes set a node's mzxid); `unknown` when the
 * history cannot tell (a sequential create or a multi whose created names are not reported).
 */
export type MzxidWriter = { readonly kind: 'wrote'; readonly data: string } | { readonly kind: 'not'; readonly why: string } | { readonly kind: 'unknown' };

const UNKNOWN: MzxidWriter = { kind: 'unknown' };

export function mzxidWriter(writer: ZkHistoryOp, path: string): MzxidWriter {
  const result = writer.result;
  if (!isZkWrite(writer.op) || result === null) return UNKNOWN;
  if (result.rc !== 'ok') return { kind: 'not', why: `it failed with ${result.rc}` };
  const found = setsNode(writer.op, result, path);
  if (found === null) return UNKNOWN;
  if (found === false) return { kind: 'not', why: describeTargets(writer.op) };
  return { kind: 'wrote', data: found };
}

/** The data `op` (succeeded, with `result`) left at `path`; false if it set nothing there; null if unknown. */
function setsNode(op: ZkOp, result: ZkResult | undefined, path: string): string | false | null {
  switch (op.type) {
    case 'setData':
    case 'kvSet':
    case 'kvCas':
      return op.path === path ? op.data : false;
    case 'create': {
      const created = result?.path ?? (op.mode === 'persistent' || op.mode === 'ephemeral' ? op.path : null);
      if (created === null) return op.path.length < path.length && path.startsWith(op.path) ? null : false;
      return created === path ? op.data : false;
    }
    case 'multi': {
      let data: string | false | null = false;
      for (let i = 0; i < op.ops.length; i++) {
        const sub = setsNode(op.ops[i]!, result?.results?.[i], path);
        if (sub === null) data = null;
        else if (sub !== false) data = sub; // a later sub-op on the path sets the final value
      }
      return data;
    }
    default:
      return false;
  }
}

function describeTargets(op: ZkOp): string {
  if (op.type === 'multi') return `its sub-ops set none of it (they touch ${[...new Set(op.ops.map((s) => ('path' in s ? s.path : s.type)))].join(', ')})`;
  if (op.type === 'closeSession') return 'it was a closeSession';
  return `it was a ${op.type} of ${op.path}`;
}
