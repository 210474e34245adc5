// `npm run bench [-- --json]`: every speed figure zabsim reports comes from here, never from a
// timed test. Runs in one process so ratios compare like with like.
import { baselineHeapEventsPerSec, kernelEventsPerSec } from './kernel.js';
import { benchLinearizability } from './linearizability.js';
import { broadcastEventsPerSec, simToWallRatio } from './zab.js';

const json = process.argv.includes('--json');
const log = (text: string): void => {
  if (!json) process.stderr.write(`${text}\n`);
};

log('kernel vs bare heap ...');
baselineHeapEventsPerSec(300_000);
kernelEventsPerSec(300_000);
const baseline = baselineHeapEventsPerSec();
const kernel = kernelEventsPerSec();
log('zab broadcast ...');
const broadcast = broadcastEventsPerSec();
log('default run ...');
const ratio = simToWallRatio();
log('linearizability ...');
const lin = benchLinearizability();

const result = {
  kernelEventsPerSec: kernel,
  baselineHeapEventsPerSec: baseline,
  kernelToHeapRatio: Math.round((kernel / baseline) * 100) / 100,
  broadcastEventsPerSec: broadcast.eventsPerSec,
  broadcastTxnsPerSec: broadcast.txnsPerSec,
  simToWallRatio: ratio,
  ...lin,
};
if (json) process.stdout.write(`${JSON.stringify(result)}\n`);
else for (const [k, v] of Object.entries(result)) process.stdout.write(`${k.padEnd(28)} ${JSON.stringify(v)}\n`);
