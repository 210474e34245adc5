// `zabsim shrink <capsule> [--out DIR] [--budget N] [--no-report] [--json]`: delta debugging
// over the capsule's fault plan and workload, fault weakening (crash → pause → loss → delay),
// fewer servers and clients; every kept candidate still fails the SAME checker. Prints the result
// as numbered steps and saves it as a new capsule (default: under reports/out/shrink/,
// *.shrunk.capsule.json), with an HTML report of the shrunk run beside it (*.shrunk.html;
// --no-report skips it).
import { describeOp } from '../fuzz/service-workload.js';
import { basename, join } from 'node:path';
import { parseArgs } from 'node:util';
import { readCapsule, stepsOf, writeCapsule } from '../fuzz/capsule.js';
import { shrinkCase, stepCount } from '../fuzz/shrink.js';
import { describeTimedFault } from '../zab/faults.js';
import { EXIT, UsageError } from './errors.js';
import { writeHtmlReport } from '../../reports/html.js';

export const SHRINK_USAGE = 'usage: zabsim shrink <capsule.json> [--out DIR] [--budget N] [--no-report] [--json]';

export function shrinkCommand(argv: string[]): number {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      out: { type: 'string' },
      budget: { type: 'string' },
      'no-report': { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(`${SHRINK_USAGE}\n`);
    return EXIT.ok;
  }
  if (positionals.length !== 1) throw new UsageError(`expected one capsule file\n${SHRINK_USAGE}`);
  const path = positionals[0] as string;
  const budget = values.budget === undefined ? 400 : Number(values.budget);
  if (!Number.isInteger(budget) || budget < 1) throw new UsageError(`--budget expects a positive integer, got "${values.budget}"`);
  const capsule = readCapsule(path);
  if (capsule.failure === 'none') throw new UsageError(`${path}: the capsule records no failure to shrink`);
  const result = shrinkCase(capsule.case, capsule.failure, capsule.tape, budget);
  // Never next to the input by default: a capsule from scenarios/mutants/ must not litter the repo.
  const dir = values.out ?? join('reports', 'out', 'shrink');
  const name = basename(path).replace(/(\.shrunk)?\.capsule\.json$/, '') + '.shrunk';
  const { path: out, result: run } = writeCapsule(result.case, capsule.fuzzSeed, dir, name, capsule.tape);
  const same = run.failure === capsule.failure;
  const c = result.case;
  const steps = [...c.faults.map((f) => describeTimedFault(f)), ...c.ops.map((o) => `at ${o.atMs}ms: client #${o.client} ${describeOp(o.op)}`)];
  const then = stepsOf(c).at(-1) ?? '';
  // The report draws the shrunk run (writeCapsule traced it) with every shrunk step as the repro.
  const trace = readCapsule(out).trace;
  const report =
    values['no-report'] || trace === null
      ? null
      : writeHtmlReport(trace, join(dir, `${name}.html`), {
          capsule: out,
          repro: {
            summary: `Shrunk from ${result.before} to ${stepCount(c)} steps in ${result.runs} runs; still fails ${run.failure ?? 'nothing'}.`,
            steps: [...steps, `then: ${then}`],
          },
        });
  if (values.json) {
    process.stdout.write(
      `${JSON.stringify({ capsule: out, failure: run.failure, sameFailure: same, stepsBefore: result.before, stepsAfter: stepCount(c), runs: result.runs, servers: c.servers, steps, report })}\n`,
    );
  } else {
    process.stdout.write(
      `shrunk ${path}: ${result.before} → ${stepCount(c)} steps in ${result.runs} runs; ${c.servers} servers, ${c.observers} observers; still fails ${run.failure}${same ? '' : ` (was ${capsule.failure}!)`}\n`,
    );
    steps.forEach((s, i) => process.stdout.write(`  ${String(i + 1).padStart(2)}. ${s}\n`));
    process.stdout.write(`  then: ${then}\n`);
    process.stdout.write(`saved ${out}\n`);
    if (report !== null) process.stdout.write(`report ${report}\n`);
  }
  return same ? EXIT.ok : EXIT.internal;
}
