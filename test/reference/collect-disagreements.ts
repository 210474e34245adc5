// `node sim/cli/run-ts.mjs test/reference/collect-disagreements.ts [--histories N] [--seed S] [--per-class K] [--out DIR]`:
// walks generated histories (compare.ts) and, for each kind of disagreement between `zabsim check` and
// the reference checker (unsound, by the perturbation; false alarm, by the zabsim checkers that spoke),
// keeps the smallest of its first K cases once minimised,
// written to DIR (default test/reference/disagreements/) as <class>--<kind>.ndjson. The header line
// carries what each side said, so a file is self-explanatory to `zabsim check`.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { checkZkHistory } from '../../sim/cli/check.js';
import { formatNdjsonHistory } from '../../sim/history/ndjson.js';
import type { ZkHistory } from '../../sim/history/types.js';
import { caseOf, judge, minimize } from './compare.js';

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

/** The kind of a false alarm: the zabsim checkers that said violated. */
function falseAlarmKind(h: ZkHistory): string {
  return checkZkHistory(h)
    .results.filter((r) => r.verdict === 'violated')
    .map((r) => r.name)
    .join('+');
}

const best = new Map<string, { size: number; text: string }>();
const triesOf = new Map<string, number>();
for (let i = 0; i < histories; i++) {
  const s = (seed * 1_000_003 + i) >>> 0;
  const c = caseOf(s);
  const j = judge(c.history);
  if (j.cls !== 'unsound' && j.cls !== 'false-alarm') continue;
  // Unsound cases by the perturbation that made them impossible; false alarms by the zabsim checkers that
  // speak on the minimised history (at most K minimisations per original kind, to bound the work).
  const origin = j.cls === 'unsound' ? `unsound--${c.perturbation ?? 'unperturbed'}` : `false-alarm--${falseAlarmKind(c.history)}`;
  const tries = triesOf.get(origin) ?? 0;
  if (tries >= perClass) continue;
  triesOf.set(origin, tries + 1);
  const small = minimize(c.history, j.cls);
  const again = judge(small);
  const key = j.cls === 'unsound' ? origin : `false-alarm--${falseAlarmKind(small)}`;
  const entry = best.get(key) ?? { size: Number.POSITIVE_INFINITY, text: '' };
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
