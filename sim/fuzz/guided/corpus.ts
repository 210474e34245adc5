// The guided swarm's corpus: cases whose runs reached a rare probe or a probe pair never seen
// together before. Counts are updated in run order after each generation, so what enters the
// corpus, and which parent breeds next, depend only on the outcomes, never on worker timing.
import type { Rng } from '../../rng.js';
import type { FuzzCase } from '../case.js';

/** A probe reached by fewer earlier runs than this is rare. */
export const RARE_HITS = 3;
/** Corpus size; past it, the entries with the lowest score at entry leave. */
export const CORPUS_MAX = 64;

export interface CorpusEntry {
  readonly run: number;
  readonly case: FuzzCase;
  readonly probes: readonly string[];
  /** Rarity when it entered (sum over its probes and pairs of 1 / (1 + earlier runs reaching them)). */
  readonly score: number;
  /** How many children it has bred so far. */
  picks: number;
}

function pairsOf(probes: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < probes.length; i++) for (let j = i + 1; j < probes.length; j++) out.push(`${probes[i]}+${probes[j]}`);
  return out;
}

export class Corpus {
  readonly entries: CorpusEntry[] = [];
  private readonly probeCounts = new Map<string, number>();
  private readonly pairCounts = new Map<string, number>();

  /** Takes one run's probes (in run order): counts them, and keeps the case if they were rare. Returns whether it was kept. */
  offer(run: number, c: FuzzCase, probes: readonly string[]): boolean {
    const pairs = pairsOf(probes);
    let score = 0;
    let novel = false;
    for (const p of probes) {
      const n = this.probeCounts.get(p) ?? 0;
      score += 1 / (1 + n);
      if (n < RARE_HITS) novel = true;
    }
    for (const q of pairs) {
      const n = this.pairCounts.get(q) ?? 0;
      score += 0.1 / (1 + n);
      if (n === 0) novel = true;
    }
    for (const p of probes) this.probeCounts.set(p, (this.probeCounts.get(p) ?? 0) + 1);
    for (const q of pairs) this.pairCounts.set(q, (this.pairCounts.get(q) ?? 0) + 1);
    if (!novel) return false;
    this.entries.push({ run, case: c, probes, score, picks: 0 });
    if (this.entries.length > CORPUS_MAX) {
      // Stable: among equal scores the older entry leaves first.
      let worst = 0;
      for (let i = 1; i < this.entries.length; i++) if ((this.entries[i] as CorpusEntry).score < (this.entries[worst] as CorpusEntry).score) worst = i;
      this.entries.splice(worst, 1);
    }
    return true;
  }

  /**
   * Energy now (a power schedule, after AFL's): an entry breeds in proportion to how rare its
   * rarest probe still is, squared, so that the few entries holding a probe almost no run reaches
   * get most children while it stays rare; and less the more children it already had, so that a
   * rare entry is not bred forever when its children keep missing.
   */
  private energy(e: CorpusEntry): number {
    let rarest = 0;
    for (const p of e.probes) rarest = Math.max(rarest, 1 / (this.probeCounts.get(p) ?? 1));
    return (rarest * rarest) / Math.sqrt(1 + e.picks) + 1e-6;
  }

  /** A parent, picked with probability proportional to its energy; `breeds` counts it as bred. */
  pick(rng: Rng, breeds = true): CorpusEntry {
    const weights = this.entries.map((e) => this.energy(e));
    const total = weights.reduce((a, b) => a + b, 0);
    let r = rng.next() * total;
    let at = this.entries.length - 1;
    for (let i = 0; i < weights.length; i++) {
      r -= weights[i] as number;
      if (r < 0) {
        at = i;
        break;
      }
    }
    const e = this.entries[at] as CorpusEntry;
    if (breeds) e.picks++;
    return e;
  }
}
