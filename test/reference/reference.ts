// An independent reference checker for zabsim's client histories, written from ZooKeeper's documented
// guarantees (test/reference/DEFINITIONS.md, the authority for this code). It decides, by brute force
// over small histories, whether some execution of ZooKeeper 3.8 could have produced a history: one for
// all five guarantees at once (`possible`), and one per guarantee alone. It shares no checking code
// with sim/checkers/ (only the history types are imported), so the two can be compared.
import type { ZkHistory } from '../../sim/history/types.js';
import { prepare } from './items.js';
import { Search, type Rules } from './search.js';

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

export function referenceCheck(h: ZkHistory, options: ReferenceOptions = {}): ReferenceResult {
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
  // DEFINITIONS.md §4, "Verdicts": a guarantee is violated when it owns the rule the full search found
  // broken (best effort, for violations that need two guarantees' rules to show), when it fails alone
  // (judged alone only where that means something: not watch-order nor session-ephemerals), or when it
  // is the one guarantee whose rules cannot be added to the others'.
  const owners = full.verdict === 'violated' && !BASE_RULES.includes(full.rule ?? '') ? ruleOwners(full.rule ?? '') : [];
  const verdicts = uniform('ok');
  const partBudget = Math.max(1, Math.floor(budget / 10));
  const part = (on: (g: Guarantee) => boolean) => new Search(p, rulesFor(on, sync), partBudget).run().verdict;
  const alone = new Map<Guarantee, ReferenceVerdict>();
  for (const g of GUARANTEES) {
    if (owners.includes(g)) verdicts[g] = 'violated';
    else if (JUDGED_ALONE.includes(g))
      alone.set(
        g,
        part((x) => x === g),
      );
  }
  for (const [g, v] of alone) if (v === 'violated') verdicts[g] = 'violated';
  for (const g of GUARANTEES) {
    if (verdicts[g] === 'violated') continue;
    const own = alone.get(g) ?? 'ok';
    // Adding rules only removes executions: if another guarantee fails alone, the four others' rules
    // fail too, and clause 2 cannot hold for this one.
    const otherFails = [...alone].some(([h, v]) => h !== g && v === 'violated');
    const others = full.verdict === 'violated' && !otherFails ? part((x) => x !== g) : otherFails ? 'violated' : 'too-large';
    verdicts[g] = others === 'ok' ? 'violated' : own === 'too-large' || others === 'too-large' ? 'too-large' : 'ok';
  }
  // Impossible only through base rules and several guarantees together: every verdict mirrors `possible`.
  if (full.verdict === 'violated' && GUARANTEES.every((g) => verdicts[g] === 'ok'))
    return { possible: false, verdicts: uniform('violated'), rule: full.rule ?? 'unknown' };
  // One guarantee that fails alone makes the whole impossible, even when the full search ran out of states.
  const possible = full.verdict === 'violated' || GUARANTEES.some((g) => verdicts[g] === 'violated') ? false : 'too-large';
  return { possible, verdicts, rule: full.rule ?? 'unknown' };
}
