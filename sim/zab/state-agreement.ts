// Replicas that applied the same committed prefix hold the same state: the state machine is
// deterministic, so a server in sync at N txns whose state differs from the leader's after those N
// holds something no committed prefix produces (a snapshot labelled above what it holds, as under
// ZOOKEEPER-3104). Reported as prefix-consistency: the state is the prefix's outcome. The leader's
// state after each recent commit is kept by reference (persistent structures: O(1) each, a bounded
// window), and compared only when a learner declares itself in sync (UPTODATE), so the O(state)
// comparison runs once per sync, never per txn. A state machine without `sameState` is not compared.
import type { ZabServer } from '../../protocol/zab/state.js';

/** How many recent committed counts keep the leader's state (older ones are not compared). */
const WINDOW = 1024;

export class StateAgreement {
  /** Committed count → the state a leader held right after applying that many txns. */
  private readonly stateAt = new Map<number, unknown>();
  /**
   * The counts in `stateAt` in the order they went in, a ring: the oldest is the one to evict. Not
   * the Map's own first key: a Map keeps its deleted entries until it rehashes, and finding the
   * first live key skipped all of them, which cost several times the rest of the commit's checks.
   */
  private readonly inserted: number[] = new Array<number>(WINDOW).fill(0);
  private oldest = 0;

  /** A leader applied `count` txns (a commit, or activation): remember its state if it is the current one. */
  leaderAt(s: ZabServer, count: number): void {
    if (s.sm.sameState === undefined || s.applied !== count || this.stateAt.has(count)) return;
    // Full: the count inserted longest ago leaves, so the Map keeps the last WINDOW counts inserted.
    if (this.stateAt.size === WINDOW) this.stateAt.delete(this.inserted[this.oldest]!);
    this.stateAt.set(count, s.state);
    this.inserted[this.oldest] = count;
    this.oldest = this.oldest + 1 === WINDOW ? 0 : this.oldest + 1;
  }

  /** A server declares itself in sync at `count` txns: null, or why its state is not the leader's there. */
  inSync(s: ZabServer, count: number): string | null {
    const same = s.sm.sameState;
    if (same === undefined || s.applied !== count) return null;
    const expected = this.stateAt.get(count);
    if (expected === undefined || expected === s.state || same(expected, s.state)) return null;
    return `${s.id} is in sync at ${count} txns, but its state differs from its leader's after those ${count} (${s.sm.name}: ${s.sm.describeDifference?.(expected, s.state) ?? 'states differ'})`;
  }
}
