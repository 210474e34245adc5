// Checkers over recipe claims (the `recipe` observations of protocol/client/recipes): mutual exclusion
// for locks and leader election, at-most-once for queues, monotonic configuration reads, barriers
// that nobody passes early.
import type { NodeId } from '../../protocol/program.js';
import type { Observed } from './observed.js';

export interface ClaimViolation {
  readonly atUs: number;
  readonly message: string;
}

function claims(observed: readonly Observed[], recipe: string): { atUs: number; node: NodeId; event: string; detail: unknown }[] {
  const out: { atUs: number; node: NodeId; event: string; detail: unknown }[] = [];
  for (const o of observed)
    if (o.what.kind === 'recipe' && o.what.recipe === recipe) out.push({ atUs: o.atUs, node: o.node, event: o.what.event, detail: o.what.detail });
  return out;
}

/** At no instant do two clients believe they hold the lock (or lead). */
export function checkMutualExclusion(observed: readonly Observed[], recipe: 'lock' | 'election'): { violations: ClaimViolation[]; acquisitions: number } {
  const holders = new Set<NodeId>();
  const violations: ClaimViolation[] = [];
  let acquisitions = 0;
  for (const c of claims(observed, recipe)) {
    if (c.event === 'acquired' || c.event === 'leader') {
      acquisitions++;
      for (const other of holders)
        if (other !== c.node) violations.push({ atUs: c.atUs, message: `client ${c.node} ${c.event} while client ${other} still holds` });
      holders.add(c.node);
    } else if (c.event === 'released' || c.event === 'lost') holders.delete(c.node);
  }
  return { violations, acquisitions };
}

/** Every queue item is taken at most once, and only items that were put. */
export function checkQueue(observed: readonly Observed[]): { violations: ClaimViolation[]; taken: number } {
  const put = new Set<string>();
  const taken = new Set<string>();
  const violations: ClaimViolation[] = [];
  for (const c of claims(observed, 'queue')) {
    const item = String(c.detail);
    if (c.event === 'put') put.add(item);
    if (c.event !== 'took') continue;
    if (taken.has(item)) violations.push({ atUs: c.atUs, message: `item ${item} taken twice` });
    taken.add(item);
  }
  return { violations, taken: taken.size };
}

/** A client's configuration reads never go back in version (single system image, ordered watches). */
export function checkConfigMonotonic(observed: readonly Observed[]): { violations: ClaimViolation[]; reads: number } {
  const last = new Map<NodeId, number>();
  const violations: ClaimViolation[] = [];
  let reads = 0;
  for (const c of claims(observed, 'config')) {
    const version = (c.detail as { version: number }).version;
    reads++;
    const before = last.get(c.node);
    if (before !== undefined && version < before) violations.push({ atUs: c.atUs, message: `client ${c.node} read version ${version} after ${before}` });
    last.set(c.node, version);
  }
  return { violations, reads };
}

/**
 * Mutual exclusion as ZooKeeper can promise it to an unfenced lock: a client that acquires while
 * another still believes it holds is a violation only if the other's lock node was still there,
 * that is, neither its delete nor its session's close had committed on any server by then. The
 * acquirer's node has a higher sequence number (or the other acquired wrongly before), so it was
 * created after the holder's; the acquirer's listing reflects at least its own create, and so shows
 * the holder's node unless its removal had committed. A holder whose session already ended and who
 * has not noticed yet (it hears nothing for up to its read timeout, while a slow reply or a paused
 * process can let the session expire first) is the recipe's known gap, not ZooKeeper's, and is
 * not flagged; so is the mirror case, an acquisition read on a lagging server after the acquirer's
 * own node had gone (the other could then hold rightly, its listing no longer showing that node).
 * `gone(path, session, atUs)` says whether that node or session was removed by atUs.
 */
export function checkLockExclusion(
  observed: readonly Observed[],
  recipe: 'lock' | 'election' | 'selector',
  gone: (path: string, session: number, atUs: number) => boolean,
): { violations: ClaimViolation[]; acquisitions: number } {
  const holders = new Map<NodeId, { path: string; session: number }>();
  const violations: ClaimViolation[] = [];
  let acquisitions = 0;
  for (const o of observed) {
    if (o.what.kind !== 'recipe' || o.what.recipe !== recipe) continue;
    const { event, detail, session } = o.what;
    if (event === 'acquired' || event === 'leader') {
      acquisitions++;
      const ownGone = gone(String(detail), session, o.atUs);
      for (const [other, held] of holders)
        if (other !== o.node && !ownGone && !gone(held.path, held.session, o.atUs))
          violations.push({ atUs: o.atUs, message: `client ${o.node} ${event} (${String(detail)}) while client ${other} holds ${held.path}, not yet removed` });
      holders.set(o.node, { path: String(detail), session });
    } else if (event === 'released' || event === 'lost') holders.delete(o.node);
  }
  return { violations, acquisitions };
}
