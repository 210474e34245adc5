// Nodes the leader may delete with no client asking: containers and TTL nodes, which ZooKeeper's
// ContainerManager removes (a deleteContainer txn of session 0) once they are empty, or past their TTL.
// No client's history records those deletes, or when they happened. The client checkers model a tree
// in which only the clients' own writes and session ends remove nodes, so on a history that created a
// container or TTL node either verdict could be wrong: an "ok" may miss a flaw, and a "violated" may
// blame a read or watch event that the leader's delete explains. Until the checkers search such
// deletes, every verdict on such a history becomes "unknown" with the reason; a history without them
// is judged as before. Sound both ways, at the price of judging nothing there.
import type { ZkHistory, ZkOp } from '../history/types.js';
import { isServerDeletedMode } from '../history/types.js';
import type { ClientCheckerName, ClientCheckResult } from './client-common.js';

function createsServerDeleted(op: ZkOp): boolean {
  if (op.type === 'create') return isServerDeletedMode(op.mode);
  return op.type === 'multi' && op.ops.some(createsServerDeleted);
}

/** Why no checker can judge this history, or null when no op in it may have made a container or TTL node. */
export function serverDeletesReason(history: ZkHistory): string | null {
  let count = 0;
  for (const o of history.ops) if (o.outcome !== 'fail' && createsServerDeleted(o.op)) count++;
  if (count === 0) return null;
  return `the history creates container or TTL nodes (${count} op${count === 1 ? '' : 's'}), which the leader may delete unrecorded; not judged`;
}

/** Every checker's answer on such a history: unknown, with the reason. */
export function unjudgedForServerDeletes(name: ClientCheckerName, reason: string): ClientCheckResult {
  return { name, verdict: 'unknown', notes: [reason] };
}
