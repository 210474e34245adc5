// The watch an event is judged against (watch-order.ts, watch-changes.ts, watch-gone-children.ts): its own
// file, so the helpers that read it need not import watch-changes.ts (which imports them).
import type { ZkHistoryOp } from '../history/types.js';

export type WatchClass = 'data' | 'exist' | 'child';

/** The watch an event is matched to, as far as explaining it goes. */
export type WatchSet = {
  /** The read that set it. */
  readonly by: ZkHistoryOp;
  /** A zxid at or below that read's state (0 when unknown): the change must come after it. */
  readonly after: number;
  /**
   * A server that held the watch fired it as it applied the change, so the event is exactly that change's
   * (type, and zxid when known): on the connection the watch was set on, or after a reconnect when the
   * event's zxid rules out DataTree.setWatches. Otherwise the event may be one setWatches sent for the
   * state it found on reconnection (any event of the class, a zxid at or above the change).
   */
  readonly exact: boolean;
  /** The watch's class. */
  readonly cls: WatchClass;
  /**
   * When the event arrived on the connection the watch was set on: the sessions of certain writes that fire
   * the watch and came after it was set, each with the earliest such write's invocation (OwedChanges.bySession).
   */
  readonly owedBySession?: ReadonlyMap<number, number> | undefined;
  /** With owedBySession: the writes among those that set or delete the watched node itself (OwedChanges.onNode). */
  readonly owedOnNode?: readonly ZkHistoryOp[] | undefined;
  /**
   * When not exact: when the event's connection came up (CONNECTED). A write of the watch's session sent after that
   * is behind that connection's setWatches (ClientCnxn.primeConnection sends it first; CommitProcessor keeps a
   * session's order), in no state setWatches found: it can only fire the watch setWatches registered, exactly.
   */
  readonly upAtUs?: number | undefined;
};
