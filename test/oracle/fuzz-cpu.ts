// CPU time per standard fuzz seed, by workload, in this one thread: runs seeds [from, to) as a fuzz
// worker does (runSeed, probes on) after a warm-up, and prints the CPU milliseconds (user + system,
// so a loaded machine's waiting is not counted) per kv seed, per service seed and per seed of the mix.
//   node sim/cli/run-ts.mjs test/oracle/fuzz-cpu.ts [--from 0] [--to 200] [--warmup 20]
import { caseForSeed } from '../../sim/fuzz/arbitraries.js';
import { workloadOf } from '../../sim/fuzz/case.js';
import { runSeed } from '../../sim/fuzz/seed.js';

const args = process.argv.slice(2);
const arg = (name: string, dflt: number): number => {
  const at = args.indexOf(name);
  return at >= 0 ? Number(args[at + 1]) : dflt;
};
const from = arg('--from', 0);
const to = arg('--to', 200);
const warmup = arg('--warmup', 20);
// --only kv|service: time only that workload's seeds (for profiles of one workload).
const onlyAt = args.indexOf('--only');
const only = onlyAt >= 0 ? args[onlyAt + 1] : null;
for (let n = 0; n < warmup; n++) runSeed('standard', 1_000_000 + n, null);
const sum = { kv: 0, service: 0 };
const count = { kv: 0, service: 0 };
const cpuMs = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
for (let n = from; n < to; n++) {
  if (only !== null && workloadOf(caseForSeed('standard', n)) !== only) continue;
  const t0 = cpuMs();
  const o = runSeed('standard', n, null);
  const dt = cpuMs() - t0;
  sum[o.workload] += dt;
  count[o.workload]++;
}
const all = sum.kv + sum.service;
const seeds = count.kv + count.service;
process.stdout.write(
  `seeds ${from}..${to}: kv ${(sum.kv / count.kv).toFixed(1)} ms/seed (${count.kv}), service ${(sum.service / count.service).toFixed(1)} ms/seed (${count.service}), mix ${(all / seeds).toFixed(1)} ms/seed, ${Math.round(3_600_000 / (all / seeds))} seeds/core-hour\n`,
);
