// Transactions and the replicated state machine they drive. Zab treats a txn body as opaque; the
// state machine (a key-value register here, ZooKeeper's data tree in protocol/tree) gives it meaning.
import type { NodeId } from '../program.js';
import type { Zxid } from '../zxid.js';

/** Who asked for a write: the server the client is connected to answers once the txn is applied. */
export interface Origin {
  readonly server: NodeId;
  readonly client: NodeId;
  readonly xid: number;
}

export interface Txn {
  readonly zxid: Zxid;
  readonly body: unknown;
  readonly origin: Origin | null;
}

/** A pure replicated state machine. `S` must be immutable and each call O(change). */
export interface StateMachine {
  readonly name: string;
  empty(): unknown;
  isWrite(op: unknown): boolean;
  /** Builds the txn body for a write against the leader's speculative state (PrepRequestProcessor). */
  prep(state: unknown, op: unknown, ctx: { readonly zxid: Zxid; readonly nowMs: number; readonly client: NodeId }): unknown;
  apply(state: unknown, body: unknown, zxid: Zxid): { readonly state: unknown; readonly result: unknown };
  read(state: unknown, op: unknown): unknown;
  describeOp(op: unknown): string;
}
