// CPU time of the client checkers on NDJSON histories, with the fuzzer's service budget (20,000
// search steps), and every checker's full result (verdict, witness, notes) as one line per file, so
// two checkouts' outputs can be compared for equality. Usage:
//   node sim/cli/run-ts.mjs test/oracle/time-checkers.ts [--repeat 3] FILE... > results.txt
// It prints the CPU time of each pass over all the files.
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { parseNdjsonHistory } from '../../sim/history/ndjson.js';
import { checkClientHistory } from '../../sim/checkers/client.js';

const args = process.argv.slice(2);
const at = args.indexOf('--repeat');
const repeat = at >= 0 ? Number(args[at + 1]) : 1;
const files = args.filter((a, i) => !(at >= 0 && (i === at || i === at + 1)));
const cpuMs = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const histories = files.map((f) => ({ f, h: parseNdjsonHistory(readFileSync(f, 'utf8'), f) }));
// Pass by pass over every history (the first pass warms the JIT up, as a fuzz worker's first seeds do).
const passes: number[] = [];
const worst = new Map<string, number>();
const outs = new Map<string, string>();
for (let pass = 0; pass < repeat; pass++) {
  let total = 0;
  for (const { f, h } of histories) {
    const t0 = cpuMs();
    const r = checkClientHistory(h, { stepsMax: 20_000 });
    const dt = cpuMs() - t0;
    total += dt;
    if (pass === repeat - 1) worst.set(f, dt);
    outs.set(f, `${basename(f)} ${h.ops.length} ops ${JSON.stringify(r.results)}`);
  }
  passes.push(total);
}
for (const { f } of histories) process.stdout.write(`${outs.get(f)}\n`);
const slowest = [...worst].sort((a, b) => b[1] - a[1]).slice(0, 8);
process.stderr.write(
  `CPU ms per pass over ${files.length} histories: ${passes.map((t) => t.toFixed(0)).join(' ')}; slowest in the last: ${slowest.map(([f, ms]) => `${basename(f)} ${ms.toFixed(0)}`).join(', ')}\n`,
);
