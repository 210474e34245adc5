// Safety properties of the Curator-style recipes (protocol/client/recipes: rwlock.ts, counter.ts,
// double-barrier.ts, tree-cache.ts), judged on a run's recipe claims, each stated as what the recipe
// can promise on a real ZooKeeper ensemble (a client may read from a server that lags, a reply may be
// lost, a session may end before its client notices), so that no history ZooKeeper could produce is
// flagged. The LeaderSelector's property is the lock's (recipe-checks.ts, checkLockExclusion).
import type { NodeId } from '../../protocol/program.js';
import { getNode, type DataTree } from '../../protocol/tree/index.js';
import { javaHashSetOrder } from '../../protocol/tree/java-hash-set.js';
import { READ_LOCK, WRITE_LOCK } from '../../protocol/client/recipes/lock.js';
import type { ClaimViolation } from './recipe-checks.js';
import type { Observed } from './observed.js';

interface Claim {
  readonly atUs: number;
  readonly node: NodeId;
  readonly session: number;
  readonly event: string;
  readonly detail: unknown;
}

function claimsOf(observed: readonly Observed[], recipe: string): Claim[] {
  const out: Claim[] = [];
  for (const o of observed)
    if (o.what.kind === 'recipe' && o.what.recipe === recipe)
      out.push({ atUs: o.atUs, node: o.node, session: o.what.session, event: o.what.event, detail: o.what.detail });
  return out;
}

/**
 * Read-write lock: no writer holds together with any other holder, and no reader with a writer. As
 * for the lock (checkLockExclusion), an overlap counts only while the other holder's node is still
 * there (`gone` says when a node or session was removed) and the acquirer's own node is too: the
 * acquirer's listing reflects its own create, so it shows every earlier node not yet removed, and a
 * node created later than the acquirer's cannot be first (or, for a reader, cannot hold a writer's
 * place before it). An acquisition made on a lagging server after the acquirer's own node had gone
 * (its session ended unnoticed) is the recipe's unfenced gap, not flagged.
 */
export function checkReadWriteExclusion(
  observed: readonly Observed[],
  gone: (path: string, session: number, atUs: number) => boolean,
): { violations: ClaimViolation[]; acquisitions: number } {
  const holders = new Map<NodeId, { path: string; session: number; write: boolean }>();
  const violations: ClaimViolation[] = [];
  let acquisitions = 0;
  for (const c of claimsOf(observed, 'rwlock')) {
    if (c.event === 'acquired') {
      acquisitions++;
      const path = String(c.detail);
      const write = path.includes(WRITE_LOCK);
      if (!write && !path.includes(READ_LOCK)) violations.push({ atUs: c.atUs, message: `client ${c.node} acquired ${path}, neither a read nor a write node` });
      if (!gone(path, c.session, c.atUs))
        for (const [other, held] of holders)
          if (other !== c.node && (write || held.write) && !gone(held.path, held.session, c.atUs))
            violations.push({
              atUs: c.atUs,
              message: `client ${c.node} took the ${write ? 'write' : 'read'} lock (${path}) while client ${other} holds the ${held.write ? 'write' : 'read'} lock (${held.path}), not yet removed`,
            });
      holders.set(c.node, { path, session: c.session, write });
    } else if (c.event === 'released' || c.event === 'lost') holders.delete(c.node);
  }
  return { violations, acquisitions };
}

/**
 * Shared counter: every increment the server accepted went from a distinct value (a compare-and-set
 * on the version lets only one writer move the counter from v), to the value that matches the
 * node's version (the counter starts at "" = 0 at version 0 and only these CASes write it), and the
 * final value is at least the number of accepted increments (a CAS whose reply was lost, or whose
 * host died with it in flight, may have applied too, so there is no upper bound). `final` is null when no server's tree is known to hold
 * every accepted increment; then only the first two are judged.
 */
export function checkCounter(observed: readonly Observed[], final: number | null): { violations: ClaimViolation[]; increments: number } {
  const violations: ClaimViolation[] = [];
  const fromSeen = new Map<number, NodeId>();
  let increments = 0;
  let unknown = 0;
  for (const c of claimsOf(observed, 'counter')) {
    if (c.event === 'unknown') unknown++;
    if (c.event !== 'incremented') continue;
    increments++;
    const d = c.detail as { from: number; to: number; version: number };
    const before = fromSeen.get(d.from);
    if (before !== undefined) violations.push({ atUs: c.atUs, message: `clients ${before} and ${c.node} both moved the counter from ${d.from}` });
    fromSeen.set(d.from, c.node);
    if (d.to !== d.version) violations.push({ atUs: c.atUs, message: `client ${c.node} set the counter to ${d.to} at version ${d.version}` });
  }
  // Bounded below only: a host killed (or left without a reply) while its CAS was in flight claims
  // nothing, and that CAS may have applied (fuzz seed 8433: final value 2 with 1 accepted), so no
  // upper bound follows from the claims alone.
  if (final !== null && final < increments)
    violations.push({ atUs: 0, message: `final value ${final}, with ${increments} increments accepted and ${unknown} unknown` });
  return { violations, increments };
}

/** The highest zxid of an accepted increment (the final value is judged on a tree that holds it). */
export function lastIncrementZxid(observed: readonly Observed[]): number {
  let last = 0;
  for (const c of claimsOf(observed, 'counter')) if (c.event === 'incremented') last = Math.max(last, (c.detail as { zxid?: number | null }).zxid ?? 0);
  return last;
}

/**
 * Double barrier, for `memberQty` members. Enter: nobody passes before memberQty members were in
 * the barrier at once at some earlier moment. A member counts as in from its "entering" claim (before
 * its create is sent) to its "left" or "lost" claim (after its node is gone), which is never shorter
 * than its node's life, so the count never falls below what a listing could see; a ready node is
 * created only after a listing counted memberQty nodes (the first one ever with no ready node among
 * them), so whoever passes, by the count or by the ready node, comes after such a moment. Leave: a
 * member that leaves because it saw nobody else (its listing at zxid z) must not have missed a member
 * whose node was there at z: one created at a known czxid <= z that its own owner still listed at
 * some zxid >= z (a node with a fixed name, never re-created after its create answered OK, lives
 * through every zxid between two sightings). A member whose own node vanished leaves without waiting,
 * as Curator's internalLeave does, and is not judged.
 */
export function checkDoubleBarrier(observed: readonly Observed[], memberQty: number): { violations: ClaimViolation[]; passed: number; left: number } {
  const violations: ClaimViolation[] = [];
  const claims = claimsOf(observed, 'dbarrier');
  const inside = new Set<NodeId>();
  let most = 0;
  let passed = 0;
  const created = new Map<string, { node: NodeId; czxid: number }>();
  const lastSeen = new Map<string, number>();
  for (const c of claims) {
    const d = c.detail as { path?: string; czxid?: number | null; zxid?: number | null };
    if (c.event === 'created' && d.path !== undefined && typeof d.czxid === 'number') created.set(d.path, { node: c.node, czxid: d.czxid });
    if (c.event === 'present' && d.path !== undefined && typeof d.zxid === 'number') lastSeen.set(d.path, Math.max(lastSeen.get(d.path) ?? 0, d.zxid));
  }
  let left = 0;
  for (const c of claims) {
    if (c.event === 'entering') {
      inside.add(c.node);
      most = Math.max(most, inside.size);
    } else if (c.event === 'left' || c.event === 'lost') {
      inside.delete(c.node);
    } else if (c.event === 'entered') {
      passed++;
      if (most < memberQty)
        violations.push({ atUs: c.atUs, message: `client ${c.node} passed enter when at most ${most} of ${memberQty} members had entered` });
    }
    if (c.event !== 'left') continue;
    left++;
    const d = c.detail as { zxid: number | null; how: string };
    if (d.how !== 'all-gone' || d.zxid === null) continue;
    const z = d.zxid;
    for (const [path, made] of created) {
      if (made.node === c.node || made.czxid > z || (lastSeen.get(path) ?? -1) < z) continue;
      violations.push({ atUs: c.atUs, message: `client ${c.node} left at zxid 0x${z.toString(16)} while client ${made.node}'s node ${path} was still there` });
    }
  }
  return { violations, passed, left };
}

/** Every path under `root` in `tree` (root included) with its data, in no particular order. */
export function subtreeOf(tree: DataTree, root: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (path: string): void => {
    const n = getNode(tree, path);
    if (n === undefined) return;
    out.set(path, n.data ?? '');
    for (const child of javaHashSetOrder(n.children)) walk(path === '/' ? `/${child}` : `${path}/${child}`);
  };
  walk(root);
  return out;
}

/** The first difference between a tree cache's view and the tree (null when they are equal). */
export function treeViewDifference(view: ReadonlyMap<string, string>, tree: ReadonlyMap<string, string>): string | null {
  for (const [path, data] of tree) {
    const mine = view.get(path);
    if (mine === undefined) return `${path} is missing from the view`;
    if (mine !== data) return `${path} holds ${JSON.stringify(mine)} in the view, ${JSON.stringify(data)} in the tree`;
  }
  for (const path of view.keys()) if (!tree.has(path)) return `${path} is in the view but not in the tree`;
  return null;
}
