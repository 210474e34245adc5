// Times the full client checker set on NDJSON histories (issue 18's 2 s target), best of 3 runs each:
// npx tsx test/checkers/time-client-check.ts FILE...
import { readFileSync } from 'node:fs';
import { parseNdjsonHistory } from '../../sim/history/ndjson.js';
import { checkClientHistory } from '../../sim/checkers/client.js';

for (const file of process.argv.slice(2)) {
  const history = parseNdjsonHistory(readFileSync(file, 'utf8'), file);
  let best = Number.POSITIVE_INFINITY;
  let verdicts = '';
  for (let i = 0; i < 3; i++) {
    const r = checkClientHistory(history);
    best = Math.min(best, r.ms);
    verdicts = Object.entries(r.verdicts)
      .filter(([, v]) => v !== 'ok')
      .map(([k, v]) => `${k}=${v}`)
      .join(' ');
  }
  console.log(`${file}: ${history.ops.length} ops, ${best.toFixed(0)} ms, ${verdicts || 'all ok'}`);
}
