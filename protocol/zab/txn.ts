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
  /**
   * Optional, for the simulator's checker: whether two states are equal (replicas that applied the
   * same committed prefix must be), and where the first differs from the second. O(state).
   */
  sameState?(a: unknown, b: unknown): boolean;
  describeDifference?(expected: unknown, actual: unknown): string;
  /**
   * Optional: a leader-side prep state other than "the committed state with every outstanding
   * proposal applied" (ZooKeeper's tree + outstandingChanges). Without these the leader speculates
   * with `apply`. `prepNext` builds the body and the next prep state; `prepRetire` runs after the
   * txn `zxid` was committed and applied, giving the new committed state.
   */
  prepInit?(state: unknown): unknown;
  prepNext?(prepState: unknown, op: unknown, ctx: PrepCtx): { readonly body: unknown; readonly prepState: unknown };
  prepRetire?(prepState: unknown, state: unknown, zxid: Zxid): unknown;
}

export type PrepCtx = { readonly zxid: Zxid; readonly nowMs: number; readonly client: NodeId };

export function smPrepInit(sm: StateMachine, state: unknown): unknown {
  return sm.prepInit === undefined ? state : sm.prepInit(state);
}

export function smPrepNext(sm: StateMachine, prepState: unknown, op: unknown, ctx: PrepCtx): { readonly body: unknown; readonly prepState: unknown } {
  if (sm.prepNext !== undefined) return sm.prepNext(prepState, op, ctx);
  const body = sm.prep(prepState, op, ctx);
  return { body, prepState: sm.apply(prepState, body, ctx.zxid).state };
}

export function smPrepRetire(sm: StateMachine, prepState: unknown, state: unknown, zxid: Zxid): unknown {
  return sm.prepRetire === undefined ? prepState : sm.prepRetire(prepState, state, zxid);
}
