// `node sim/cli/run-ts.mjs test/reference/rejudge.ts FILE...`: judges saved sweep histories again (both
// checkers, test/reference/compare.ts) and prints one line per file: its class now, the reference's rule and
// zabsim's witness, to re-read a sweep's disagreements after a change without sweeping again.
import { readFileSync } from 'node:fs';
import { parseNdjsonHistory } from '../../sim/history/ndjson.js';
import { judge } from './compare.js';

for (const file of process.argv.slice(2)) {
  const j = judge(parseNdjsonHistory(readFileSync(file, 'utf8'), file), file);
  process.stdout.write(`${file}: ${j.cls} (reference ${j.possible}, rule ${j.rule ?? '-'}) ${j.witness ?? ''}\n`);
}
