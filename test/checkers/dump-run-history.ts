// Writes the client history of `zabsim run <scenario> --seed S` as NDJSON (for `zabsim check` and timing
// the client checkers on a recorded run): npx tsx test/checkers/dump-run-history.ts default 7 /tmp/h.ndjson
import { writeFileSync } from 'node:fs';
import { resolveScenario } from '../../sim/cli/run.js';
import { formatNdjsonHistory } from '../../sim/history/ndjson.js';
import { runZab } from '../../sim/zab/run.js';

const [scenario = 'default', seed = '7', out = '/tmp/history.ndjson'] = process.argv.slice(2);
runZab(resolveScenario(scenario, seed, undefined, undefined), undefined, { history: (h) => writeFileSync(out, formatNdjsonHistory(h)) });
