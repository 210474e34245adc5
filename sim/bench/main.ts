// `npm run bench [-- --json]`: every speed figure zabsim reports comes from here, never from a
// timed test. Each group of figures runs in a fresh process (sim/bench/figure.ts), one after the
// other, so no figure inherits another's JIT profile or heap. They get this process's Node flags:
// the young generation the CLI runs with (sim/cli/launch.mjs), so the figures are the CLI's speed.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { FIGURE_GROUPS } from './figure.js';

const json = process.argv.includes('--json');
const log = (text: string): void => {
  if (!json) process.stderr.write(`${text}\n`);
};
const LAUNCH = fileURLToPath(new URL('../cli/run-ts.mjs', import.meta.url));
const FIGURE = fileURLToPath(new URL('./figure.ts', import.meta.url));
const TITLES: Record<(typeof FIGURE_GROUPS)[number], string> = {
  kernel: 'kernel vs bare heap',
  broadcast: 'zab broadcast',
  'default-run': 'default run',
  fuzz: 'fuzz (standard profile)',
  linearizability: 'linearizability',
  'zk-history': 'zk checkers on a recorded service history',
  report: 'html report in headless Chromium',
  studio: 'studio page in headless Chromium',
};

const result: Record<string, unknown> = {};
for (const group of FIGURE_GROUPS) {
  log(`${TITLES[group]} ...`);
  const r = spawnSync(process.execPath, [...process.execArgv, LAUNCH, FIGURE, group], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', json ? 'pipe' : 'inherit'],
  });
  if (r.status !== 0) {
    process.stderr.write(`bench: the ${group} figures failed (exit ${r.status})\n${r.stderr ?? ''}`);
    process.exit(4);
  }
  Object.assign(result, JSON.parse(r.stdout.trim().split('\n').at(-1) ?? '{}'));
}
if (json) process.stdout.write(`${JSON.stringify(result)}\n`);
else for (const [k, v] of Object.entries(result)) process.stdout.write(`${k.padEnd(28)} ${JSON.stringify(v)}\n`);
