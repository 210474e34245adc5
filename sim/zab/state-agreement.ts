// Replicas that applied the same committed prefix hold the same state: the state machine is
// deterministic, so a server in sync at N txns whose state differs from the leader's after those N
// holds something no committed prefix produces (a snapshot labelled above what it holds, as under
// ZOOKEEPER-3104). Reported as prefix-consistency: the state is the prefix's outcome. The leader's
// state after each recent commit is kept by reference (persistent structures: O(1) each, a bounded
// window), and compared only when a learner declares itself in sync (UPTODATE), so the O(state)
// comparison runs once per sync, never per txn. A state machine without `sameState` is not compared.
import type { ZabServer } from '../../protocol/zab/state.js';

/**
 * How many recent committed counts keep the leader's state (older ones are not compared).
 *
 * Why every count in the window is kept, even in a steady epoch where nobody syncs: a count recorded
 * now can be declared later by a server that is not syncing yet. A follower at count c crashes,
 * restarts from its disk at c and syncs; with its sync commits deferred past UPTODATE (ZK-3023) it
 * declares c itself, a count its leader recorded before that sync began. Bounding the counts still
 * to be declared by the servers' counts would rest on TRUNC, SNAP and restarts never taking a server
 * below them, which is the protocol's correctness, the thing being checked. So a cheaper window has
 * to be a smaller one, and that would change which runs are compared: the window holds the states by
 * reference, and what it costs is the young-generation copying of the path each commit changed
 * (about 7 MB more survivors per million broadcast events; without it, as many as d13b959's).
 */
const WINDOW = 1024;

export class StateAgreement {
  /**
   * The last WINDOW distinct counts recorded, a ring in the order they went in (the oldest is
   * overwritten first), and beside each the state a leader held right after applying that many txns
   * (the first state recorded for the count). Two arrays, not a Map keyed by count: a leader records
   * a count at every commit, and a Map's has, delete and set there cost more than the rest of the
   * commit's checks; the ring is searched only when a count is not above every count recorded (a
   * leader change, not a commit) and when a learner declares itself in sync (once per sync).
   */
  private readonly counts: number[] = new Array<number>(WINDOW).fill(-1);
  private readonly states: unknown[] = new Array<unknown>(WINDOW).fill(undefined);
  /** The slot the next count goes to, the oldest one once the ring is full. */
  private next = 0;
  /** The largest count ever recorded: a larger one is not in the ring, without searching it. */
  private largest = -1;

  /** A leader applied `count` txns (a commit, or activation): remember its state if it is the current one. */
  leaderAt(s: ZabServer, count: number): void {
    if (s.sm.sameState === undefined || s.applied !== count) return;
    // Counts are never negative, so -1 marks an empty slot; a count already in the ring keeps its first state.
    if (count <= this.largest && this.slotOf(count) >= 0) return;
    if (count > this.largest) this.largest = count;
    this.counts[this.next] = count;
    this.states[this.next] = s.state;
    this.next = this.next + 1 === WINDOW ? 0 : this.next + 1;
  }

  /** A server declares itself in sync at `count` txns: null, or why its state is not the leader's there. */
  inSync(s: ZabServer, count: number): string | null {
    const same = s.sm.sameState;
    if (same === undefined || s.applied !== count) return null;
    const slot = count <= this.largest ? this.slotOf(count) : -1;
    const expected = slot < 0 ? undefined : this.states[slot];
    if (expected === undefined || expected === s.state || same(expected, s.state)) return null;
    return `${s.id} is in sync at ${count} txns, but its state differs from its leader's after those ${count} (${s.sm.name}: ${s.sm.describeDifference?.(expected, s.state) ?? 'states differ'})`;
  }

  /** The ring slot holding `count`, or -1. O(WINDOW), a constant: never per commit in a steady epoch. */
  private slotOf(count: number): number {
    return this.counts.indexOf(count);
  }
}
