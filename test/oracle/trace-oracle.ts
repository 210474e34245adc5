// The behaviour oracle for refactors: prints one line per run, "<name> <trace hash> <verdict>", for
// every catalogue scenario, `zabsim run default` over seeds 1..50, and standard fuzz seeds 0..N-1
// (hash of the full trace, first failing checker or "pass"). Two checkouts whose outputs are equal
// behave identically on all of them. Usage (from the checkout to measure):
//   node sim/cli/run-ts.mjs test/oracle/trace-oracle.ts [--fuzz-seeds 2000] > oracle.txt
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { caseForSeed } from '../../sim/fuzz/arbitraries.js';
import { runCase } from '../../sim/fuzz/case.js';
import { HashSink } from '../../sim/trace/sink.js';

const args = process.argv.slice(2);
const at = args.indexOf('--fuzz-seeds');
const fuzzSeeds = at >= 0 ? Number(args[at + 1]) : 2000;
const cli = join(process.cwd(), 'sim/cli/zabsim.mjs');
const dir = mkdtempSync(join(tmpdir(), 'oracle-'));

function cliRun(name: string, extra: string[]): { traceHash: string; exitCode: number } {
  let out: string;
  try {
    out = execFileSync(process.execPath, ['--max-semi-space-size=64', cli, 'run', name, ...extra, '--json', '--trace', join(dir, 't.ndjson')], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  } catch (error) {
    out = String((error as { stdout?: string }).stdout ?? '');
  }
  const r = JSON.parse(out) as { exitCode: number };
  // The trace's footer holds the hash of every line before it (catalogue runs' JSON has no traceHash).
  const lines = readFileSync(join(dir, 't.ndjson'), 'utf8').trimEnd().split('\n');
  const footer = JSON.parse(lines[lines.length - 1] as string) as { hash: string };
  return { traceHash: footer.hash, exitCode: r.exitCode };
}

const list = JSON.parse(execFileSync(process.execPath, [cli, 'scenarios', '--json'], { encoding: 'utf8' })) as unknown;
const names: string[] = (Array.isArray(list) ? list : ((list as { scenarios?: unknown[] }).scenarios ?? [])).map((e) =>
  typeof e === 'string' ? e : (e as { name: string }).name,
);
for (const name of names.sort()) {
  const r = cliRun(name, []);
  process.stdout.write(`catalogue/${name} ${r.traceHash} exit=${r.exitCode}\n`);
}
for (let seed = 1; seed <= 50; seed++) {
  const r = cliRun('default', ['--seed', String(seed)]);
  process.stdout.write(`default/${seed} ${r.traceHash} exit=${r.exitCode}\n`);
}
for (let n = 0; n < fuzzSeeds; n++) {
  const sink = new HashSink();
  const r = runCase(caseForSeed('standard', n), { sink });
  process.stdout.write(`fuzz-standard/${n} ${sink.hash()} ${r.failure ?? 'pass'} events=${r.report.events}\n`);
}
