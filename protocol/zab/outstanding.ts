// The leader's outstanding proposals (Leader.outstandingProposals): proposed, not yet committed,
// oldest first, each with the servers that acked it. A proposal joins at the back, an ACK changes
// one entry, a commit takes the front. With no cap on how many are out (ZooKeeper throttles at
// globalOutstandingLimit, upstream), an array copied on each of those steps cost O(outstanding) per
// step; here each costs O(log32 n) or amortised O(1).
//
// A persistent vector (protocol/pvec.ts) read from `start`: committing moves `start`, and the
// committed prefix is dropped by rebuilding once it is at least as long as the live part, so each
// item is copied a bounded number of times in its life.
import type { NodeId } from '../program.js';
import { pvecEmpty, pvecFrom, pvecGet, pvecPush, pvecSet, type PVec } from '../pvec.js';
import { counterOf, epochOf, type Zxid } from '../zxid.js';
import type { Txn } from './txn.js';

export interface Outstanding {
  readonly txn: Txn;
  readonly acks: readonly NodeId[];
}

export interface OutstandingProposals {
  readonly items: PVec<Outstanding>;
  /** items[start..] are outstanding; those before were committed. */
  readonly start: number;
  readonly size: number;
}

const EMPTY: OutstandingProposals = Object.freeze({ items: pvecEmpty<Outstanding>(), start: 0, size: 0 });

export function noOutstanding(): OutstandingProposals {
  return EMPTY;
}

/** The proposal `index` places from the oldest, or undefined. */
export function outstandingAt(o: OutstandingProposals, index: number): Outstanding | undefined {
  return index >= 0 && index < o.size ? pvecGet(o.items, o.start + index) : undefined;
}

export function oldestOutstanding(o: OutstandingProposals): Outstanding | undefined {
  return outstandingAt(o, 0);
}

/** Leader.propose: a new proposal, nobody's ACK yet. */
export function addOutstanding(o: OutstandingProposals, txn: Txn): OutstandingProposals {
  return { items: pvecPush(o.items, { txn, acks: [] }), start: o.start, size: o.size + 1 };
}

/** The same proposals with the one at `index` replaced. */
export function replaceOutstanding(o: OutstandingProposals, index: number, item: Outstanding): OutstandingProposals {
  return { items: pvecSet(o.items, o.start + index, item), start: o.start, size: o.size };
}

/** Leader.commit: the oldest proposal leaves. */
export function dropOldestOutstanding(o: OutstandingProposals): OutstandingProposals {
  if (o.size <= 1) return EMPTY;
  const start = o.start + 1;
  // Rebuild once the committed prefix is as long as the live part: O(live) every O(live) commits.
  if (start >= 32 && start >= o.size - 1) return outstandingOf(outstandingToArray(o).slice(1));
  return { items: o.items, start, size: o.size - 1 };
}

/**
 * Where the proposal with `zxid` sits, or -1. One leader proposes zxids with consecutive counters
 * in its epoch and commits them in order, so the place is the counter's distance from the oldest:
 * O(1). The entry found is checked, and a mismatch (a gap, another epoch) falls back to a scan.
 */
export function outstandingIndexOf(o: OutstandingProposals, zxid: Zxid): number {
  const head = oldestOutstanding(o);
  if (head === undefined) return -1;
  if (epochOf(zxid) === epochOf(head.txn.zxid)) {
    const at = counterOf(zxid) - counterOf(head.txn.zxid);
    const found = outstandingAt(o, at);
    if (found !== undefined && found.txn.zxid === zxid) return at;
    // Zxids only grow from the oldest on, each at least one counter on: none is below the head's.
    if (at < 0) return -1;
  }
  for (let i = 0; i < o.size; i++) if ((outstandingAt(o, i) as Outstanding).txn.zxid === zxid) return i;
  return -1;
}

/** Every outstanding proposal, oldest first, in a fresh array: O(outstanding), for the steps that send them all. */
export function outstandingToArray(o: OutstandingProposals): Outstanding[] {
  const out = new Array<Outstanding>(o.size);
  for (let i = 0; i < o.size; i++) out[i] = pvecGet(o.items, o.start + i);
  return out;
}

export function outstandingOf(items: readonly Outstanding[]): OutstandingProposals {
  return items.length === 0 ? EMPTY : { items: pvecFrom(items), start: 0, size: items.length };
}
