// `npm run bench [-- --json]`: every speed figure zabsim reports comes from here, never from a
// timed test. Runs in one process so ratios compare like with like.
import { baselineHeapEventsPerSec, kernelEventsPerSec } from './kernel.js';
import { benchLinearizability } from './linearizability.js';
import { benchReportRender } from './report.js';
import { broadcastEventsPerSec, simToWallRatio } from './zab.js';
import { fuzzSeedsPerCoreHour } from './fuzz.js';

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
log('fuzz (standard profile) ...');
const fuzz = fuzzSeedsPerCoreHour();
log('linearizability ...');
const lin = benchLinearizability();
log('html report in headless Chromium ...');
// The only asynchronous step (a browser); top-level await keeps the rest of the file as it was.
const report = await benchReportRender(log);

const result = {
  kernelEventsPerSec: kernel,
  baselineHeapEventsPerSec: baseline,
  kernelToHeapRatio: Math.round((kernel / baseline) * 100) / 100,
  broadcastEventsPerSec: broadcast.eventsPerSec,
  broadcastTxnsPerSec: broadcast.txnsPerSec,
  simToWallRatio: ratio,
  fuzzSeedsPerCoreHour: fuzz,
  ...lin,
  report50kRenderMs: report.report50kRenderMs,
};
if (json) process.stdout.write(`${JSON.stringify(result)}\n`);
else for (const [k, v] of Object.entries(result)) process.stdout.write(`${k.padEnd(28)} ${JSON.stringify(v)}\n`);
