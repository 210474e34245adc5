// Writes the client history of each service-workload standard fuzz seed in [from, to) as NDJSON
// (DIR/seed-N.ndjson), for timing and comparing the client checkers on the fuzzer's own histories
// (test/oracle/time-checkers.ts). Usage:
//   node sim/cli/run-ts.mjs test/oracle/fuzz-histories.ts DIR [--from 0] [--to 150]
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { caseForSeed } from '../../sim/fuzz/arbitraries.js';
import { runCase, workloadOf } from '../../sim/fuzz/case.js';
import { formatNdjsonHistory } from '../../sim/history/ndjson.js';

const args = process.argv.slice(2);
const arg = (name: string, dflt: number): number => {
  const at = args.indexOf(name);
  return at >= 0 ? Number(args[at + 1]) : dflt;
};
const dir = args[0] ?? '/tmp/fuzz-histories';
mkdirSync(dir, { recursive: true });
for (let n = arg('--from', 0); n < arg('--to', 150); n++) {
  const c = caseForSeed('standard', n);
  if (workloadOf(c) !== 'service') continue;
  runCase(c, { history: (h) => writeFileSync(join(dir, `seed-${n}.ndjson`), formatNdjsonHistory(h)) });
}
