// Side by side: the broadcast figure of this checkout against another commit, with one harness.
//   node sim/bench/broadcast-ab.mjs <commit> [--pairs N] [--json]
// The commit's tree is exported to a temporary directory (nothing in this checkout or any other
// worktree is touched), given this checkout's node_modules and this checkout's sim/bench/broadcast.ts,
// which imports only modules every tree since d13b959 has: each side runs its own protocol, kernel and
// checkers under the same warm-up and timing. Runs alternate, in ABBA order (other, this, this,
// other, ...), so that load drifting over the minutes falls on both sides alike. Each run is a fresh
// process with the CLI's young generation. Reported per pair and as medians: this/other for events per
// wall second (what `npm run bench` reports) and per CPU second (less moved by other processes).
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const args = process.argv.slice(2);
const commit = args.find((a) => !a.startsWith('--'));
const at = args.indexOf('--pairs');
const pairs = at >= 0 ? Number(args[at + 1]) : 4;
const json = args.includes('--json');
if (commit === undefined || !Number.isInteger(pairs) || pairs < 1) {
  process.stderr.write('usage: node sim/bench/broadcast-ab.mjs <commit> [--pairs N] [--json]\n');
  process.exit(2);
}

const other = mkdtempSync(join(tmpdir(), 'zabsim-ab-'));
try {
  const tar = execFileSync('git', ['-C', ROOT, 'archive', commit], { maxBuffer: 1 << 30, stdio: ['ignore', 'pipe', 'pipe'] });
  execFileSync('tar', ['-x', '-C', other], { input: tar, stdio: ['pipe', 'pipe', 'pipe'] });
} catch {
  rmSync(other, { recursive: true, force: true });
  process.stderr.write(`broadcast-ab: ${commit}: expected a commit of this repository\n`);
  process.exit(2);
}
symlinkSync(join(ROOT, 'node_modules'), join(other, 'node_modules'));
copyFileSync(join(ROOT, 'sim/bench/broadcast.ts'), join(other, 'sim/bench/broadcast.ts'));

function figure(dir) {
  const r = spawnSync(process.execPath, ['--max-semi-space-size=64', 'sim/cli/run-ts.mjs', 'sim/bench/broadcast.ts'], { cwd: dir, encoding: 'utf8' });
  if (r.status !== 0) {
    process.stderr.write(`broadcast-ab: the run in ${dir} failed (exit ${r.status})\n${r.stderr}`);
    process.exit(4);
  }
  return JSON.parse(r.stdout.trim().split('\n').at(-1));
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m] : Math.round(((s[m - 1] + s[m]) / 2) * 1000) / 1000;
};
const rows = [];
for (let i = 0; i < pairs; i++) {
  const order = i % 2 === 0 ? [other, ROOT] : [ROOT, other];
  const got = new Map(order.map((dir) => [dir, figure(dir)]));
  const mine = got.get(ROOT);
  const theirs = got.get(other);
  const row = {
    pair: i + 1,
    wallRatio: Math.round((mine.eventsPerSec / theirs.eventsPerSec) * 1000) / 1000,
    cpuRatio: Math.round((mine.cpuEventsPerSec / theirs.cpuEventsPerSec) * 1000) / 1000,
    this: mine,
    other: theirs,
  };
  rows.push(row);
  if (!json)
    process.stdout.write(
      `pair ${row.pair}: wall ${row.wallRatio} (${mine.eventsPerSec} / ${theirs.eventsPerSec}), cpu ${row.cpuRatio} (${mine.cpuEventsPerSec} / ${theirs.cpuEventsPerSec})\n`,
    );
}
rmSync(other, { recursive: true, force: true });
const summary = { commit, pairs, medianWallRatio: median(rows.map((r) => r.wallRatio)), medianCpuRatio: median(rows.map((r) => r.cpuRatio)) };
if (json) process.stdout.write(`${JSON.stringify({ ...summary, rows })}\n`);
else process.stdout.write(`median this/${commit}: wall ${summary.medianWallRatio}, cpu ${summary.medianCpuRatio}\n`);
