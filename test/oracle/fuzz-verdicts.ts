// The per-seed oracle for fuzz speed work: for standard seeds [from, to) prints the trace hash,
// the events, every checker's verdict, the checkers that answered `unknown` and the probes reached,
// exactly as a fuzz worker computes them (runSeed's run, probes on). Two checkouts whose outputs
// are equal judge those seeds identically. Usage (from the checkout to measure):
//   node sim/cli/run-ts.mjs test/oracle/fuzz-verdicts.ts [--from 0] [--to 2000] > verdicts.txt
import { caseForSeed } from '../../sim/fuzz/arbitraries.js';
import { runCase, workloadOf } from '../../sim/fuzz/case.js';
import { HashSink } from '../../sim/trace/sink.js';

const args = process.argv.slice(2);
const arg = (name: string, dflt: number): number => {
  const at = args.indexOf(name);
  return at >= 0 ? Number(args[at + 1]) : dflt;
};
const from = arg('--from', 0);
const to = arg('--to', 2000);
for (let n = from; n < to; n++) {
  const c = caseForSeed('standard', n);
  const sink = new HashSink();
  const r = runCase(c, { sink, probes: true });
  const verdicts = Object.entries(r.report.verdicts)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
  process.stdout.write(
    `${n} ${workloadOf(c)} ${sink.hash()} events=${r.report.events} failure=${r.failure ?? 'pass'} unknown=[${r.unknown.join(',')}] ${verdicts} probes=${(r.probes ?? []).join(',')}\n`,
  );
}
