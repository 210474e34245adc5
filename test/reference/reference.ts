// An independent reference checker for zabsim's client histories, written from ZooKeeper's documented
// guarantees (test/reference/DEFINITIONS.md, the authority for this code). It decides, by brute force
// over small histories, whether some execution of ZooKeeper 3.8 could have produced a history: one for
// all five guarantees at once (`possible`), and one per guarantee alone. It shares no checking code
// with sim/checkers/ (only the history types are imported), so the two can be compared.
import type { ZkHistory } from '../../sim/history/types.js';
import { prepare, type Prepared } from './items.js';
import { Search, type Rules } from './search.js';
import { watchAclBroken } from './watch-acl.js';

export type Guarantee = 'linearizable-writes' | 'sequential-reads' | 'fifo-client-order' | 'watch-order' | 'session-ephemerals';
export const GUARANTEES: readonly Guarantee[] = ['linearizable-writes', 'sequential-reads', 'fifo-client-order', 'watch-order', 'session-ephemerals'];

export type ReferenceVerdict = 'ok' | 'violated' | 'too-large';

export type ReferenceResult = {
  readonly possible: boolean | 'too-large';
  readonly verdicts: Readonly<Record<Guarantee, ReferenceVerdict>>;
  /** For a history that is not possible (or too large): the rule of DEFINITIONS.md that failed, best effort. */
  readonly rule?: string;
};

export type ReferenceOptions = {
  /** Judge `sync-then-read` (DEFINITIONS.md §4; ZooKeeper does not promise it strictly). Default false. */
  readonly syncIsLinearizable?: boolean;
  /** States one search may visit before answering too-large. */
  readonly stateBudget?: number;
};

/** Sizes the brute force accepts (DEFINITIONS.md §5). */
export const MAX_TXNS = 12;
export const MAX_ITEMS = 30;
const DEFAULT_STATE_BUDGET = 50_000;

function rulesFor(on: (g: Guarantee) => boolean, syncIsLinearizable: boolean): Rules {
  return {
    lw: on('linearizable-writes'),
    sr: on('sequential-reads'),
    fifo: on('fifo-client-order'),
    wo: on('watch-order'),
    se: on('session-ephemerals'),
    syncIsLinearizable,
  };
}

function uniform(v: ReferenceVerdict): Record<Guarantee, ReferenceVerdict> {
  return { 'linearizable-writes': v, 'sequential-reads': v, 'fifo-client-order': v, 'watch-order': v, 'session-ephemerals': v };
}

/** Rules of every guarantee (DEFINITIONS.md §1): they say nothing about which guarantee is at fault. */
const BASE_RULES: readonly string[] = ['zxid-order', 'session-effect'];

/** The guarantees that mean something alone (the others need read-state's and real time's evidence). */
const JUDGED_ALONE: readonly Guarantee[] = ['linearizable-writes', 'sequential-reads', 'fifo-client-order'];

/** The guarantees whose rules a rule name belongs to (DEFINITIONS.md §4); base rules belong to all. */
export function ruleOwners(rule: string): readonly Guarantee[] {
  switch (rule) {
    case 'write-result':
    case 'write-real-time':
      return ['linearizable-writes'];
    case 'read-state':
    case 'read-real-time':
    case 'sync-then-read':
      return ['sequential-reads'];
    case 'session-order':
      return ['sequential-reads', 'fifo-client-order'];
    case 'fifo-complete-order':
      return ['fifo-client-order'];
    case 'watch-unexplained':
    case 'watch-acl':
    case 'watch-before-data':
    case 'watch-lost':
      return ['watch-order'];
    case 'op-after-session-end':
    case 'ephemeral-after-end':
      return ['session-ephemerals'];
    default:
      return GUARANTEES;
  }
}

/** Every rule that can be switched off, most specific first (DEFINITIONS.md §4). */
const RELAXABLE: readonly string[] = [
  'write-result',
  'read-state',
  'ephemeral-after-end',
  'watch-unexplained',
  'watch-lost',
  'fifo-complete-order',
  'write-real-time',
  'read-real-time',
  'watch-before-data',
  'op-after-session-end',
  'session-order',
  'sync-then-read',
];

/**
 * The rule of an impossible history (DEFINITIONS.md §5): the first rule, starting with the one the
 * search failed on last, whose relaxation alone makes the history possible; else that one.
 */
function nameRule(p: Prepared, found: string, sync: boolean, budget: number): string {
  const order = [found, ...RELAXABLE.filter((r) => r !== found)].filter((r) => RELAXABLE.includes(r));
  for (const r of order.slice(0, 5)) {
    const rules = { ...rulesFor(() => true, sync), off: new Set([r]) };
    if (new Search(p, rules, budget).run().verdict === 'ok') return r;
  }
  return found;
}

/**
 * The search's verdicts, and the `watch-acl` rule of watch-order (DEFINITIONS.md §4, watch-acl.ts), which
 * needs no search: an event no execution lets through the server's READ filter makes the history impossible.
 */
export function referenceCheck(h: ZkHistory, options: ReferenceOptions = {}): ReferenceResult {
  const r = searchCheck(h, options);
  const acl = watchAclBroken(h);
  if (acl === null) return r;
  return { possible: false, verdicts: { ...r.verdicts, 'watch-order': 'violated' }, rule: r.possible === true ? `watch-acl: ${acl}` : (r.rule ?? `watch-acl: ${acl}`) };
}

function searchCheck(h: ZkHistory, options: ReferenceOptions): ReferenceResult {
  const p = prepare(h);
  if (p.unsupported !== null) return { possible: 'too-large', verdicts: uniform('too-large'), rule: `unsupported: ${p.unsupported}` };
  if (p.txns.length > MAX_TXNS || p.items.length > MAX_ITEMS) {
    return {
      possible: 'too-large',
      verdicts: uniform('too-large'),
      rule: `size: ${p.txns.length} candidate txns, ${p.items.length} items (at most ${MAX_TXNS} and ${MAX_ITEMS})`,
    };
  }
  const sync = options.syncIsLinearizable ?? false;
  const budget = options.stateBudget ?? DEFAULT_STATE_BUDGET;
  const run = (on: (g: Guarantee) => boolean) => new Search(p, rulesFor(on, sync), budget).run();
  const full = run(() => true);
  if (full.verdict === 'ok') return { possible: true, verdicts: uniform('ok') };
  // DEFINITIONS.md §4, "Verdicts": a guarantee is violated when it owns the rule named for the
  // violation, or when it fails alone (judged alone only where that means something: not watch-order
  // nor session-ephemerals).
  const partBudget = Math.max(1, Math.floor(budget / 10));
  const rule = full.verdict === 'violated' ? nameRule(p, full.rule ?? 'zxid-order', sync, Math.max(1, Math.floor(budget / 50))) : (full.rule ?? 'unknown');
  const owners = full.verdict === 'violated' && !BASE_RULES.includes(rule) ? ruleOwners(rule) : [];
  const verdicts = uniform('ok');
  for (const g of GUARANTEES) {
    if (owners.includes(g)) verdicts[g] = 'violated';
    else if (JUDGED_ALONE.includes(g))
      verdicts[g] = new Search(
        p,
        rulesFor((x) => x === g, sync),
        partBudget,
      ).run().verdict;
    else verdicts[g] = full.verdict === 'violated' ? 'ok' : 'too-large';
  }
  // Impossible only through base rules and several guarantees together: every verdict mirrors `possible`.
  if (full.verdict === 'violated' && GUARANTEES.every((g) => verdicts[g] === 'ok')) return { possible: false, verdicts: uniform('violated'), rule };
  // One guarantee that fails alone makes the whole impossible, even when the full search ran out of states.
  const possible = full.verdict === 'violated' || GUARANTEES.some((g) => verdicts[g] === 'violated') ? false : 'too-large';
  return { possible, verdicts, rule };
}
