// One differential case: a generated history (perturbed or not, from one seed), written as NDJSON, read
// back with zabsim's own reader, judged by exactly what `zabsim check --model zk` runs and by the reference
// checker, and the two answers compared. The overall verdict decides agreement (zabsim: any checker
// violated, or all ok; the reference: `possible`); per-guarantee differences are counted apart, since a
// read of a value never written may be blamed on the writes by one and on the reads by the other.
import { checkZkHistory } from '../../sim/cli/check.js';
import { formatNdjsonHistory, parseNdjsonHistory } from '../../sim/history/ndjson.js';
import type { ZkHistory } from '../../sim/history/types.js';
import { Rng } from './generate.js';
import { generateWithAcls, perturbAcl } from './gen-acl.js';
import { perturb, type PerturbationKind } from './perturb.js';
import { referenceCheck, type Guarantee } from './reference.js';

export type DiffClass = 'agree' | 'unsound' | 'false-alarm' | 'unknown' | 'too-large';

export type Judged = {
  readonly cls: DiffClass;
  readonly zabsim: 'ok' | 'violated' | 'unknown';
  readonly possible: boolean | 'too-large';
  /** Guarantees on which zabsim and the reference give different definite verdicts. */
  readonly guaranteeMismatches: readonly string[];
  readonly rule: string | undefined;
  readonly witness: string | undefined;
};

export type Case = {
  readonly seed: number;
  readonly perturbation: PerturbationKind | 'forbidden-watch-event' | null;
  readonly note: string;
  readonly history: ZkHistory;
};

const GUARANTEES: readonly Guarantee[] = ['linearizable-writes', 'sequential-reads', 'fifo-client-order', 'watch-order', 'session-ephemerals'];

/**
 * The case of one seed: a generated history (with ACLs in a share of them, gen-acl.ts), perturbed with
 * probability 0.6; of those with ACLs, half get the forbidden-watch-event perturbation instead.
 */
export function caseOf(seed: number): Case {
  const history = generateWithAcls(seed);
  const acl = history.header['serverRelease'] !== undefined && new Rng(seed ^ 0x5eed0ac1).chance(0.5) ? perturbAcl(history, seed) : null;
  if (acl !== null) return { seed, perturbation: 'forbidden-watch-event', note: acl.note, history: acl.history };
  const rng = new Rng(seed ^ 0x27d4eb2d);
  if (!rng.chance(0.6)) return { seed, perturbation: null, note: 'unperturbed', history };
  const p = perturb(history, rng);
  return p === null ? { seed, perturbation: null, note: 'no perturbation applies', history } : { seed, perturbation: p.kind, note: p.note, history: p.history };
}

/** Judges a history through its NDJSON text, by both checkers. */
export function judge(history: ZkHistory, file = 'generated.ndjson'): Judged {
  const parsed = parseNdjsonHistory(formatNdjsonHistory(history), file);
  const z = checkZkHistory(parsed);
  const ref = referenceCheck(parsed);
  const possible = ref.possible;
  let cls: DiffClass = 'agree';
  if (possible === 'too-large') cls = 'too-large';
  else if (z.verdict === 'unknown') cls = 'unknown';
  else if (z.verdict === 'ok' && possible === false) cls = 'unsound';
  else if (z.verdict === 'violated' && possible === true) cls = 'false-alarm';
  const mismatches: string[] = [];
  for (const g of GUARANTEES) {
    const mine = z.results.find((r) => r.name === g)?.verdict;
    const theirs = ref.verdicts[g];
    if ((mine === 'ok' || mine === 'violated') && (theirs === 'ok' || theirs === 'violated') && mine !== theirs)
      mismatches.push(`${g}: zabsim ${mine}, reference ${theirs}`);
  }
  const witness = z.worst?.witness === undefined ? undefined : `${z.worst.name}: ${z.worst.witness.text}`;
  return { cls, zabsim: z.verdict, possible, guaranteeMismatches: mismatches, rule: ref.rule, witness };
}

/**
 * A smaller history in the same disagreement class: ops and events are dropped one at a time, then the
 * optional readZxid, completeSeq and seq fields, for as long as the class stays the same (greedy).
 */
export function minimize(history: ZkHistory, cls: DiffClass): ZkHistory {
  let best = history;
  const same = (h: ZkHistory): boolean => {
    try {
      return judge(h).cls === cls;
    } catch {
      return false;
    }
  };
  for (let changed = true; changed;) {
    changed = false;
    for (let i = best.ops.length - 1; i >= 0; i--) {
      const ops = best.ops.filter((_, k) => k !== i);
      const candidate: ZkHistory = { ...best, ops };
      if (ops.length > 0 && same(candidate)) {
        best = candidate;
        changed = true;
      }
    }
    const events = best.events ?? [];
    for (let i = events.length - 1; i >= 0; i--) {
      const rest = events.filter((_, k) => k !== i);
      const candidate: ZkHistory = rest.length === 0 ? { header: best.header, ops: best.ops } : { ...best, events: rest };
      if (same(candidate)) {
        best = candidate;
        changed = true;
      }
    }
  }
  for (let i = 0; i < best.ops.length; i++) {
    for (const field of ['readZxid', 'completeSeq'] as const) {
      if (best.ops[i]![field] === undefined) continue;
      const { [field]: _dropped, ...op } = best.ops[i]!;
      const candidate: ZkHistory = { ...best, ops: best.ops.map((o, k) => (k === i ? op : o)) };
      if (same(candidate)) best = candidate;
    }
  }
  for (let i = 0; i < (best.events ?? []).length; i++) {
    const { seq: _dropped, ...event } = best.events![i]!;
    const candidate: ZkHistory = { ...best, events: best.events!.map((e, k) => (k === i ? event : e)) };
    if (same(candidate)) best = candidate;
  }
  return best;
}
