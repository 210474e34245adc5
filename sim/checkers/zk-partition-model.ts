// The search model of linearizable-writes (zk-writes.ts): the tree restricted to one partition, plus how
// many zxid-ordered writes have been applied, so that those keep their zxid order; the zxids of the writes
// without one placed in the current gap (zxid-gaps.ts) and the session counts (partition-state.ts).
import { hashString, mix32 } from './linearizability/model.js';
import type { Model } from './linearizability/model.js';
import type { ZkOp, ZkResult } from '../history/types.js';
import { bumpCount, countAt, extraHash, sameNumbers, type SessionChain } from './partition-state.js';
import { clipToGap, type GapContext } from './zxid-gaps.js';
import { applyOp, mismatch, newTree, type TreeLike, type Undo, type ZNode } from './znode-tree.js';
import { SearchTree } from './search-tree.js';

/** `rank` is the write's place among the partition's zxid-ordered writes, -1 without a zxid; then it may
 * only take effect while the partition's rank is in [minRank, maxRank] (its window, see the header). */
export type SearchInput = {
  readonly op: ZkOp;
  readonly rank: number;
  readonly minRank: number;
  readonly maxRank: number;
  readonly session: number | null;
  /** When the zxid count may bind (zxid-gaps.ts): the partition's gaps, and the write's zxid window (lo, hi). */
  readonly gaps?: GapContext;
  readonly lo?: number;
  readonly hi?: number;
  /** Its place in its session's order, for a write without a zxid (partition-state.ts). */
  readonly chain?: SessionChain;
  /**
   * A write without a zxid whose session closed (ok) before every write marked `late` with this slot was
   * invoked: it takes effect only while none of those has (closeDeadlines in session-ends.ts).
   */
  readonly deadline?: number;
  /** The deadline slots this write was invoked after: its place in the order sets them. */
  readonly late?: readonly number[];
};
export type SearchOutput = { readonly unknown: boolean; readonly result: ZkResult | null };
/** `gap`: the zxid windows (flat pairs) of the writes without a zxid placed since the last ranked write, each clipped to the gap. */
export type SearchState = {
  readonly rank: number;
  /** A SearchTree in every state the model makes (other trees are taken in, hashed in full). */
  readonly tree: TreeLike;
  readonly hash: number;
  readonly gap?: readonly number[];
  /** Per session chain slot: its replied writes without a zxid that have taken effect. */
  readonly counts?: readonly number[];
  /**
   * The zxid the greedy placement (zxid-gaps.ts fitsInOrder) gave the last of `gap`, and the free zxids'
   * takenCount it was computed at: a function of `gap`, kept so that a step extends the placement by one
   * write instead of placing the whole gap again. Not part of the state's identity (hash, equal).
   */
  readonly gapLast?: number;
  readonly gapTaken?: number;
};

/**
 * A state's tree hash: the rank's, XOR one hash per (path, node) entry, so it does not depend on the
 * tree's order. A SearchTree keeps its entries' XOR (a tree a search state holds is never written: a step
 * writes to a fork), so a step derives its successor's from its own and the few entries the op changed
 * (xorAfter) instead of hashing every node again; a tree met without one (the initial tree, a Map) is
 * hashed in full. Either way the value is the same.
 */
export function hashTree(tree: TreeLike, rank: number): number {
  return mix32(rank + 0x1b873593) ^ entriesHash(tree);
}

function entriesHash(tree: TreeLike): number {
  const known = tree instanceof SearchTree ? tree.xor : undefined;
  if (known !== undefined) return known;
  let h = 0;
  for (const [path, node] of tree) h ^= entryHash(path, node);
  if (tree instanceof SearchTree) tree.xor = h;
  return h;
}

function entryHash(path: string, node: ZNode | undefined): number {
  if (node === undefined) return 0;
  let n = hashString(path) ^ hashString(node.data);
  n = mix32(n ^ Math.imul(node.version + 1, 0x9e3779b1) ^ Math.imul(node.aversion + 7, 0x85ebca6b));
  return mix32(n ^ Math.imul(node.cversion + 13, 0xc2b2ae35) ^ (node.children << 1) ^ Math.imul(node.owner, 0x27d4eb2f));
}

/**
 * The entries' XOR of `after`, made from a tree whose XOR was `before` by the writes in `undo` (each path
 * counted once: its first entry holds the node it had before).
 */
function xorAfter(before: number, after: TreeLike, undo: Undo): number {
  let h = before;
  // A short log (nearly every op) is searched for repeats; a long one (a huge multi, a session close) uses a set.
  const seenPaths = undo.length > 8 ? new Set<string>() : null;
  for (let i = 0; i < undo.length; i++) {
    const [path, old] = undo[i]!;
    let seen = false;
    if (seenPaths !== null) seen = seenPaths.has(path) || (seenPaths.add(path), false);
    else for (let j = 0; j < i && !seen; j++) seen = undo[j]![0] === path;
    if (!seen) h ^= entryHash(path, old) ^ entryHash(path, after.get(path));
  }
  return h;
}

function sameNode(x: ZNode, y: ZNode): boolean {
  if (x === y) return true;
  if (x.data !== y.data || x.version !== y.version || x.aversion !== y.aversion) return false;
  return x.cversion === y.cversion && x.children === y.children && x.owner === y.owner;
}

export function sameTree(a: TreeLike, b: TreeLike): boolean {
  if (a.size !== b.size) return false;
  // Two search states' trees are forks of a common ancestor, sharing all but the few trie paths their
  // writes copied: comparing them trie against trie costs those paths only. Shapes that differ (which
  // the walk cannot decide) fall back to the entry-by-entry comparison below.
  if (a instanceof SearchTree && b instanceof SearchTree) {
    const byShape = a.sameByShape(b, sameNode);
    if (byShape !== null) return byShape;
  }
  for (const [path, x] of a) {
    const y = b.get(path);
    if (y === undefined || !sameNode(x, y)) return false;
  }
  return true;
}

export const zkPartitionModel: Model<SearchState, SearchInput, SearchOutput> = {
  name: 'zk-partition',
  init: () => {
    const tree = SearchTree.of(newTree());
    return { rank: 0, tree, hash: hashTree(tree, 0) };
  },
  step: (state, input, output) => {
    if (input.rank >= 0 && input.rank !== state.rank) return undefined;
    // Outside its window an indeterminate write did not take effect (an identity step); a definite one cannot go there.
    if (input.rank < 0 && (state.rank < input.minRank || state.rank > input.maxRank)) return output.unknown ? state : undefined;
    // Past its session's ok close (a write invoked after the close's reply has its place): an error txn, no change.
    if (input.deadline !== undefined && countAt(state.counts, input.deadline) > 0) return output.unknown ? state : undefined;
    const chain = input.chain;
    if (chain !== undefined) {
      // Session order (partition-state.ts): not before the replied writes issued before it, nor after a later one.
      const n = countAt(state.counts, chain.slot);
      if (n < chain.before || (!output.unknown && n > chain.last)) return output.unknown ? state : undefined;
    }
    // The op is applied to a fork of the state's tree (O(1); a write copies only its path in the trie), so
    // the state keeps its tree whether the step is refused or taken.
    const base = state.tree instanceof SearchTree ? state.tree : SearchTree.of(state.tree);
    const before = entriesHash(base);
    const fork = base.fork();
    const undo: Undo = [];
    const outcome = applyOp(fork, input.op, undo, input.session);
    if (!output.unknown && output.result !== null && mismatch(output.result, outcome) !== null) return undefined;
    // A failed op changes nothing (applyOp writes only once every check passed; a failed multi undoes its
    // own ops), and neither does an op that writes nothing: the successor shares the state's tree.
    let tree: SearchTree = base;
    if (undo.length > 0) {
      fork.xor = xorAfter(before, fork, undo);
      tree = fork;
    }
    let counts = chain !== undefined && chain.bumps && !output.unknown ? bumpCount(state.counts, chain.slot) : state.counts;
    // A write invoked after a close's reply, placed (replied, or taking effect), closes that close's deadline (0 or 1).
    if (input.late !== undefined && (!output.unknown || outcome.rc === 'ok'))
      for (const slot of input.late) if (countAt(counts, slot) === 0) counts = bumpCount(counts, slot);
    const rank = input.rank >= 0 ? state.rank + 1 : state.rank;
    if (rank !== state.rank) return withExtras(rank, tree, undefined, counts); // a ranked write closes the gap
    // An indeterminate write that fails may as well not have reached the leader: no zxid, no change.
    if (outcome.rc !== 'ok' && output.unknown) return state;
    let gap = state.gap;
    let gapLast: number | undefined;
    if (input.gaps !== undefined) {
      // It takes a free zxid in this gap (a failed one too: an error txn has its own), inside its window.
      const [lo, hi] = clipToGap(input.gaps, state.rank, input.lo ?? 0, input.hi ?? Number.POSITIVE_INFINITY);
      gap = [...(state.gap ?? []), lo, hi]; // in placement order: their zxids grow along it
      // fitsInOrder(gap), one step on from the state's own placement (the same answer: zxid-gaps.ts lastInOrder).
      const free = input.gaps.free;
      const placed = state.gapTaken === free.takenCount && state.gapLast !== undefined ? state.gapLast : free.lastInOrder(state.gap ?? []);
      const z = placed === null ? null : free.nextInOrder(placed, lo, hi);
      if (z === null) return output.unknown ? state : undefined;
      gapLast = z;
    }
    if (outcome.rc !== 'ok' && gap === state.gap && counts === state.counts) return state;
    const next = withExtras(rank, outcome.rc === 'ok' ? tree : state.tree, gap, counts);
    if (gap === undefined) return next;
    if (gapLast !== undefined) return { ...next, gapLast, gapTaken: (input.gaps as GapContext).free.takenCount };
    return state.gapLast === undefined || state.gapTaken === undefined ? next : { ...next, gapLast: state.gapLast, gapTaken: state.gapTaken }; // the same gap
  },
  hash: (state) => state.hash,
  equal: (a, b) =>
    a.rank === b.rank && a.hash === b.hash && sameNumbers(a.gap, b.gap, false) && sameNumbers(a.counts, b.counts, true) && sameTree(a.tree, b.tree),
  // An indeterminate write without a zxid fits any state; one with a zxid must keep its zxid rank.
  alwaysLegal: (input, output) => output.unknown && input.rank < 0,
  // A failed write without a zxid changes nothing (the step returns the same state when it is legal),
  // unless the zxids it may take are counted, or its session's order counts it (partition-state.ts).
  readOnly: (input, output) =>
    !output.unknown && input.rank < 0 && output.result !== null && output.result.rc !== 'ok' && input.gaps === undefined && input.chain?.bumps !== true && input.late === undefined,
};

function withExtras(rank: number, tree: TreeLike, gap: readonly number[] | undefined, counts: readonly number[] | undefined): SearchState {
  const hash = extraHash(hashTree(tree, rank), gap, counts);
  if (gap === undefined) return counts === undefined ? { rank, tree, hash } : { rank, tree, hash, counts };
  return counts === undefined ? { rank, tree, hash, gap } : { rank, tree, hash, gap, counts };
}
