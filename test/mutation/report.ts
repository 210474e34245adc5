// The fuzz-only mutation score and the survivors list of `npm run mutation` (test/mutation/run.ts).
// Stryker's statuses: Killed (the fuzz sweep failed), Timeout (it ran past 3× the clean sweep: a hang
// the user sees, counted as detected, listed apart), Survived (the whole budget passed), CompileError
// (the mutant does not type-check: not code anyone could ship, left out of the score).

export interface Classification {
  readonly class: 'equivalent' | 'gap';
  /** For an equivalent mutant, the one-line proof; for a gap, what would find it. */
  readonly why: string;
}
/** Keyed by classificationKey: the mutant's file, mutator, original code and replacement, not its position. */
export type Classified = Readonly<Record<string, Classification>>;

interface Position {
  readonly line: number;
  readonly column: number;
}
export interface ResultLike {
  readonly fileName: string;
  readonly mutatorName: string;
  readonly replacement?: string;
  readonly status: string;
  readonly location: { readonly start: Position; readonly end: Position };
}

export interface Survivor {
  readonly key: string;
  readonly fileName: string;
  readonly line: number;
  readonly mutatorName: string;
  readonly replacement: string;
  readonly classification: Classification | null;
}

export interface MutationSummary {
  readonly command: string;
  readonly files: readonly string[];
  readonly sampleSeed: string | null;
  /**
   * Mutants in the files, mutants drawn, drawn mutants Stryker reported (all of them, or run.ts
   * stops), and mutants Stryker ran besides the drawn ones (other mutators on a drawn node; not scored).
   */
  readonly total: number;
  readonly drawn: number;
  readonly run: number;
  readonly extra: number;
  readonly killed: number;
  readonly timeout: number;
  readonly survived: number;
  readonly notCompiling: number;
  readonly other: Readonly<Record<string, number>>;
  /** Killed + timed out, over killed + timed out + survived. */
  readonly judged: number;
  readonly score: number;
  readonly equivalent: number;
  /** The same with survivors classified equivalent left out of the denominator. */
  readonly scoreNonEquivalent: number;
  readonly survivors: readonly Survivor[];
}

/** A mutant's name that survives re-instrumenting unchanged code: file, 1-based line, column, mutator, replacement. */
export function mutantKey(r: Pick<ResultLike, 'fileName' | 'mutatorName' | 'replacement' | 'location'>): string {
  return `${r.fileName}:${r.location.start.line + 1}:${r.location.start.column}:${r.mutatorName}:${r.replacement ?? ''}`;
}

const oneLine = (t: string): string => t.replace(/\s+/g, ' ').trim().slice(0, 160);

/**
 * The name a person's classification is kept under: file, mutator, the code it replaces (on one
 * line) and the replacement, so that it still names the same mutant after edits elsewhere move its
 * line. `#n` tells apart the same change to identical code: the replaced text's n-th occurrence in
 * the file, counted from the source alone, so the key does not depend on which mutants were drawn.
 */
export function classificationKey(r: Pick<ResultLike, 'fileName' | 'mutatorName' | 'replacement' | 'location'>, text: string): string {
  const lineStarts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) lineStarts.push(i + 1);
  const offset = (p: Position) => (lineStarts[p.line] ?? text.length) + p.column;
  const from = offset(r.location.start);
  const original = text.slice(from, offset(r.location.end));
  let n = 1;
  if (original !== '') for (let i = text.indexOf(original); i !== -1 && i < from; i = text.indexOf(original, i + 1)) n++;
  const base = `${r.fileName} ${r.mutatorName}: ${oneLine(original)} → ${oneLine(r.replacement ?? '')}`;
  return n === 1 ? base : `${base} #${n}`;
}

export function classificationKeys(
  results: readonly Pick<ResultLike, 'fileName' | 'mutatorName' | 'replacement' | 'location'>[],
  source: (file: string) => string,
): string[] {
  const cache = new Map<string, string>();
  return results.map((r) => {
    let text = cache.get(r.fileName);
    if (text === undefined) {
      text = source(r.fileName);
      cache.set(r.fileName, text);
    }
    return classificationKey(r, text);
  });
}

export function summarize(
  results: readonly ResultLike[],
  classified: Classified,
  source: (file: string) => string,
  meta: { drawn: number; total: number; extra: number; command: string; files: readonly string[]; sampleSeed: string | null },
): MutationSummary {
  let killed = 0;
  let timeout = 0;
  let notCompiling = 0;
  const other: Record<string, number> = {};
  const survivors: Survivor[] = [];
  const keys = classificationKeys(results, source);
  for (const [i, r] of results.entries()) {
    if (r.status === 'Killed') killed++;
    else if (r.status === 'Timeout') timeout++;
    else if (r.status === 'CompileError') notCompiling++;
    else if (r.status === 'Survived' || r.status === 'NoCoverage') {
      const key = keys[i]!;
      survivors.push({
        key,
        fileName: r.fileName,
        line: r.location.start.line + 1,
        mutatorName: r.mutatorName,
        replacement: r.replacement ?? '',
        classification: classified[key] ?? null,
      });
    } else other[r.status] = (other[r.status] ?? 0) + 1;
  }
  survivors.sort((a, b) => (a.fileName === b.fileName ? a.line - b.line : a.fileName < b.fileName ? -1 : 1));
  const detected = killed + timeout;
  const judged = detected + survivors.length;
  const equivalent = survivors.filter((s) => s.classification?.class === 'equivalent').length;
  return {
    ...meta,
    run: results.length,
    killed,
    timeout,
    survived: survivors.length,
    notCompiling,
    other,
    judged,
    score: judged === 0 ? 0 : detected / judged,
    equivalent,
    scoreNonEquivalent: judged - equivalent === 0 ? 0 : detected / (judged - equivalent),
    survivors,
  };
}

/** Markdown: the figures, then every survivor with its source line, classified or not. */
export function renderReport(s: MutationSummary, source: (file: string) => string): string {
  const lines: string[] = [
    '# Fuzz-only mutation run',
    '',
    `Command per mutant: \`${s.command}\``,
    `Files: ${s.files.length}; mutants in them: ${s.total}; drawn: ${s.drawn}${s.sampleSeed === null ? ' (all)' : ` (seed ${s.sampleSeed})`}; scored: ${s.run}; run besides them, not scored: ${s.extra}.`,
    '',
    `Killed ${s.killed}, timed out ${s.timeout}, survived ${s.survived}, did not type-check ${s.notCompiling}${Object.keys(s.other).length > 0 ? `, other ${JSON.stringify(s.other)}` : ''}.`,
    `Score ${(s.score * 100).toFixed(1)}% of ${s.judged}; ${(s.scoreNonEquivalent * 100).toFixed(1)}% with the ${s.equivalent} survivors classified equivalent left out.`,
    '',
    '## Survivors',
    '',
  ];
  const cache = new Map<string, string[]>();
  for (const v of s.survivors) {
    let text = cache.get(v.fileName);
    if (text === undefined) {
      text = source(v.fileName).split('\n');
      cache.set(v.fileName, text);
    }
    const code = (text[v.line - 1] ?? '').trim();
    const tag = v.classification === null ? 'UNCLASSIFIED' : `${v.classification.class}: ${v.classification.why}`;
    lines.push(`- \`${v.fileName}:${v.line}\` ${v.mutatorName} → \`${v.replacement.replace(/\s+/g, ' ').slice(0, 80)}\` — ${tag}`);
    lines.push(`  \`${code.slice(0, 140)}\``);
    lines.push(`  classification key: \`${v.key}\``);
  }
  return `${lines.join('\n')}\n`;
}
