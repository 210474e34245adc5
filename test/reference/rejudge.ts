// `node sim/cli/run-ts.mjs test/reference/rejudge.ts [--minimize DIR] FILE...`: judges saved sweep histories
// again (both checkers, test/reference/compare.ts) and prints one line per file: its class now, the
// reference's rule and zabsim's witness, to re-read a sweep's disagreements after a change without sweeping
// again. With --minimize, each file still in disagreement is also written to DIR in its smallest form
// (compare.ts `minimize`), under the same name, to read by hand.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parseArgs } from 'node:util';
import { formatNdjsonHistory, parseNdjsonHistory } from '../../sim/history/ndjson.js';
import { judge, minimize } from './compare.js';

const USAGE = 'usage: node sim/cli/run-ts.mjs test/reference/rejudge.ts [--minimize DIR] FILE...';
let parsed: ReturnType<typeof parseOptions>;
function parseOptions(): { values: { minimize?: string }; positionals: string[] } {
  return parseArgs({ args: process.argv.slice(2), options: { minimize: { type: 'string' } }, allowPositionals: true });
}
try {
  parsed = parseOptions();
} catch (e) {
  process.stderr.write(`rejudge: ${(e as Error).message.split('.')[0]}; ${USAGE}\n`);
  process.exit(2);
}
if (parsed.positionals.length === 0) {
  process.stderr.write(`rejudge: expected at least one NDJSON history file; ${USAGE}\n`);
  process.exit(2);
}
const { values, positionals } = parsed;
if (values.minimize !== undefined) mkdirSync(values.minimize, { recursive: true });
for (const file of positionals) {
  const history = parseNdjsonHistory(readFileSync(file, 'utf8'), file);
  const j = judge(history, file);
  process.stdout.write(`${file}: ${j.cls} (reference ${j.possible}, rule ${j.rule ?? '-'}) ${j.witness ?? ''}\n`);
  if (values.minimize !== undefined && (j.cls === 'unsound' || j.cls === 'false-alarm'))
    writeFileSync(join(values.minimize, basename(file)), formatNdjsonHistory(minimize(history, j.cls)));
}
