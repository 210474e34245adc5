// The client calls for ZooKeeper 3.6's reads and for ZooKeeper.multi with read ops: how each becomes
// a request and which the client library refuses before sending.
import { isValidClientPath } from '../tree/path.js';
import type { WriteOp } from '../tree/index.js';
import type { ReadOp } from '../service/query-types.js';
import type { ZkRequest } from '../service/types.js';

export type ZkQueryCommand =
  | { readonly type: 'getAllChildrenNumber'; readonly path: string }
  /** ZooKeeper.getEphemerals(prefixPath); `path` is the prefix ("/" for all). */
  | { readonly type: 'getEphemerals'; readonly path: string }
  | { readonly type: 'whoAmI' }
  /**
   * ZooKeeper.multi(ops): all writes go as OpCode.multi (a transaction), all reads (Op.getData,
   * Op.getChildren) as OpCode.multiRead. A mix never leaves the client: MultiOperationRecord.add
   * throws IllegalArgumentException ("Mixing read and write operations (transactions) is not
   * allowed in a multi request."); here the call fails at once with BADARGUMENTS.
   */
  | { readonly type: 'multi'; readonly ops: readonly (WriteOp | ReadOp)[] };

export function isQueryCommand(cmd: { readonly type: string }): cmd is ZkQueryCommand {
  return cmd.type === 'getAllChildrenNumber' || cmd.type === 'getEphemerals' || cmd.type === 'whoAmI' || cmd.type === 'multi';
}

function isReadOp(op: WriteOp | ReadOp): op is ReadOp {
  return op.type === 'getData' || op.type === 'getChildren';
}

/**
 * Whether a multi's ops are all writes. An empty one goes out as a transaction, like `transaction`;
 * ZooKeeper.multi answers an empty list without sending anything (see protocol/README.md).
 */
export function isWriteMulti(cmd: Extract<ZkQueryCommand, { type: 'multi' }>): boolean {
  return !cmd.ops.some(isReadOp);
}

function isMixedMulti(cmd: Extract<ZkQueryCommand, { type: 'multi' }>): boolean {
  return cmd.ops.some(isReadOp) && !cmd.ops.every(isReadOp);
}

export function queryRequestOf(cmd: ZkQueryCommand): ZkRequest {
  switch (cmd.type) {
    case 'getAllChildrenNumber':
      return { type: 'getAllChildrenNumber', path: cmd.path };
    case 'getEphemerals':
      return { type: 'getEphemerals', path: cmd.path };
    case 'whoAmI':
      return { type: 'whoAmI' };
    case 'multi':
      if (isWriteMulti(cmd)) return { type: 'multi', ops: cmd.ops as readonly WriteOp[] };
      return { type: 'multiRead', ops: (cmd.ops as readonly ReadOp[]).map((op) => ({ type: op.type, path: op.path })) };
  }
}

/**
 * What ZooKeeper's API checks before queueing: PathUtils.validatePath on getAllChildrenNumber's path
 * and getEphemerals' prefix, Op.validate on each op of a multi, and no mix of reads and writes.
 */
export function queryPathsValid(cmd: ZkQueryCommand, writeOpValid: (op: WriteOp) => boolean): boolean {
  switch (cmd.type) {
    case 'getAllChildrenNumber':
    case 'getEphemerals':
      return isValidClientPath(cmd.path, false);
    case 'whoAmI':
      return true;
    case 'multi':
      if (isMixedMulti(cmd)) return false;
      return cmd.ops.every((op) => (isReadOp(op) ? isValidClientPath(op.path, false) : writeOpValid(op)));
  }
}
