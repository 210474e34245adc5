// `node sim/cli/run-ts.mjs test/reference/collect-disagreements.ts [--histories N] [--seed S] [--per-class K] [--out DIR]`:
// walks generated histories (compare.ts) and, for each kind of disagreement between `zabsim check` and
// the reference checker (unsound or false alarm, by the zabsim checker that spoke or the reference
// guarantees violated, and the perturbation), keeps the smallest of its first K cases once minimised,
// written to DIR (default test/reference/disagreements/) as <class>--<kind>.ndjson. The header line
// carries what each side said, so a file is self-explanatory to `zabsim check`.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { checkZkHistory } from '../../sim/cli/check.js';
import { formatNdjsonHistory } from '../../sim/history/ndjson.js';
import type { ZkHistory } from '../../sim/history/types.js';
import { caseOf, judge, minimize } from './compare.js';
import { referenceCheck } from './reference.js';

const { values } = parseArgs({
  args: process.argv.slice(2),
  options: {
    histories: { type: 'string', default: '3000' },
    seed: { type: 'string', default: '1' },
    'per-class': { type: 'string', default: '3' },
    out: { type: 'string', default: 'test/reference/disagreements' },
  },
});
const histories = Number(values.histories);
const seed = Number(values.seed);
const perClass = Number(values['per-class']);
const out = values.out!;
mkdirSync(out, { recursive: true });

/** The kind of a disagreement: which zabsim checkers said violated (false alarm) or which guarantees the reference says are broken (unsound). */
function kindOf(h: ZkHistory, cls: string): string {
  if (cls === 'false-alarm') {
    return checkZkHistory(h)
      .results.filter((r) => r.verdict === 'violated')
      .map((r) => r.name)
      .join('+');
  }
  const v = referenceCheck(h).verdicts;
  return Object.entries(v)
    .filter(([, x]) => x === 'violated')
    .map(([g]) => g)
    .join('+');
}

const best = new Map<string, { size: number; text: string; seen: number }>();
for (let i = 0; i < histories; i++) {
  const s = (seed * 1_000_003 + i) >>> 0;
  const c = caseOf(s);
  const j = judge(c.history);
  if (j.cls !== 'unsound' && j.cls !== 'false-alarm') continue;
  const key = `${j.cls}--${kindOf(c.history, j.cls) || 'none'}--${c.perturbation ?? 'unperturbed'}`;
  const entry = best.get(key) ?? { size: Number.POSITIVE_INFINITY, text: '', seen: 0 };
  if (entry.seen >= perClass) continue;
  entry.seen++;
  const small = minimize(c.history, j.cls);
  const again = judge(small);
  const size = small.ops.length + (small.events?.length ?? 0);
  if (size < entry.size) {
    const header = {
      ...small.header,
      disagreement: j.cls,
      caseSeed: s,
      perturbation: c.note,
      zabsim: again.witness ?? again.zabsim,
      reference: again.possible === true ? 'possible' : `impossible (${again.rule ?? 'no rule named'})`,
    };
    entry.size = size;
    entry.text = formatNdjsonHistory({ ...small, header });
  }
  best.set(key, entry);
}
for (const [key, { text, size }] of [...best.entries()].sort()) {
  writeFileSync(join(out, `${key}.ndjson`), text);
  process.stdout.write(`${key}: ${size} records\n`);
}
process.stdout.write(`${best.size} kinds of disagreement over ${histories} histories (seed ${seed})\n`);
