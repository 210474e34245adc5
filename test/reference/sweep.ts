// `npm run check:sweep -- --histories 100000 [--seed S] [--workers 2] [--out DIR] [--minimize]`: judges
// that many generated histories (test/reference/compare.ts) with `zabsim check --model zk` and with the
// reference checker, prints the counts (histories, possible and impossible per the reference, agreements,
// unsound, false alarms, unknown, too large, per-guarantee mismatches), writes each disagreement's NDJSON
// under reports/out/sweep/ (with --minimize, also its smallest form), and exits 1 on any disagreement.
// Workers are child processes of this same script; each takes every W-th history.
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { formatNdjsonHistory } from '../../sim/history/ndjson.js';
import { caseOf, judge, minimize, type DiffClass } from './compare.js';

type Counts = {
  histories: number;
  possible: number;
  impossible: number;
  agree: number;
  unsound: number;
  'false-alarm': number;
  unknown: number;
  'too-large': number;
  guaranteeMismatches: number;
  byPerturbation: Record<string, Record<string, number>>;
  guarantees: Record<string, number>;
};

const USAGE = 'usage: npm run check:sweep -- --histories N [--seed S] [--workers W] [--out DIR] [--minimize]';

function emptyCounts(): Counts {
  return {
    histories: 0,
    possible: 0,
    impossible: 0,
    agree: 0,
    unsound: 0,
    'false-alarm': 0,
    unknown: 0,
    'too-large': 0,
    guaranteeMismatches: 0,
    byPerturbation: {},
    guarantees: {},
  };
}

/** The case seed of history i of a sweep (a 32-bit mix of the sweep seed and i). */
function caseSeed(seed: number, i: number): number {
  let h = (Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) + Math.imul(i, 0xc2b2ae35)) >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d) >>> 0;
  h ^= h >>> 15;
  return h >>> 0;
}

function runSlice(seed: number, histories: number, worker: number, workers: number, out: string, shrink: boolean): Counts {
  const counts = emptyCounts();
  for (let i = worker; i < histories; i += workers) {
    const s = caseSeed(seed, i);
    const c = caseOf(s);
    let cls: DiffClass;
    let j: ReturnType<typeof judge> | null = null;
    try {
      j = judge(c.history, `case-${s}.ndjson`);
      cls = j.cls;
    } catch (error) {
      process.stderr.write(`case ${s}: a checker threw: ${error instanceof Error ? error.message : String(error)}\n`);
      writeFileSync(join(out, `threw-${s}.ndjson`), formatNdjsonHistory(c.history));
      cls = 'unknown';
    }
    counts.histories++;
    if (j?.possible === true) counts.possible++;
    if (j?.possible === false) counts.impossible++;
    counts[cls]++;
    const kind = c.perturbation ?? 'none';
    const row = (counts.byPerturbation[kind] ??= {});
    row[cls] = (row[cls] ?? 0) + 1;
    if (j !== null && j.guaranteeMismatches.length > 0) {
      counts.guaranteeMismatches++;
      for (const m of j.guaranteeMismatches) counts.guarantees[m] = (counts.guarantees[m] ?? 0) + 1;
    }
    if (cls === 'unsound' || cls === 'false-alarm') {
      const head = `# ${cls}: zabsim ${j!.zabsim}, reference ${String(j!.possible)}; case seed ${s}; ${c.note}; rule: ${j!.rule ?? '-'}\n`;
      writeFileSync(join(out, `${cls}-${s}.ndjson`), formatNdjsonHistory(c.history));
      writeFileSync(join(out, `${cls}-${s}.txt`), `${head}zabsim: ${j!.witness ?? '-'}\n`);
      if (shrink) writeFileSync(join(out, `${cls}-${s}.min.ndjson`), formatNdjsonHistory(minimize(c.history, cls)));
    }
  }
  return counts;
}

function add(into: Counts, from: Counts): void {
  for (const k of ['histories', 'possible', 'impossible', 'agree', 'unsound', 'false-alarm', 'unknown', 'too-large', 'guaranteeMismatches'] as const)
    into[k] += from[k];
  for (const [kind, row] of Object.entries(from.byPerturbation)) {
    const target = (into.byPerturbation[kind] ??= {});
    for (const [cls, n] of Object.entries(row)) target[cls] = (target[cls] ?? 0) + n;
  }
  for (const [g, n] of Object.entries(from.guarantees)) into.guarantees[g] = (into.guarantees[g] ?? 0) + n;
}

function runWorker(args: string[]): Promise<Counts> {
  return new Promise((resolve, reject) => {
    // Through run-ts.mjs, as the npm script runs this file (process.argv[1] is the .ts source).
    const runTs = fileURLToPath(new URL('../../sim/cli/run-ts.mjs', import.meta.url));
    const child = spawn(process.execPath, [...process.execArgv, runTs, process.argv[1]!, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    let text = '';
    child.stdout.on('data', (chunk: Buffer) => (text += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const line = text.trim().split('\n').pop() ?? '';
      if (code !== 0 && code !== 1) return reject(new Error(`worker exited ${code}`));
      try {
        resolve(JSON.parse(line) as Counts);
      } catch {
        reject(new Error(`worker printed no counts (exit ${code})`));
      }
    });
  });
}

async function main(): Promise<number> {
  let values;
  try {
    values = parseArgs({
      args: process.argv.slice(2),
      strict: true,
      options: {
        histories: { type: 'string', default: '10000' },
        seed: { type: 'string' },
        workers: { type: 'string', default: '1' },
        out: { type: 'string', default: 'reports/out/sweep' },
        minimize: { type: 'boolean', default: false },
        worker: { type: 'string' },
      },
    }).values;
  } catch (error) {
    process.stderr.write(`check:sweep: ${(error as Error).message} (${USAGE})\n`);
    return 2;
  }
  const int = (v: string | undefined, what: string): number => {
    const n = Number(v);
    if (!Number.isSafeInteger(n) || n < 0) throw new Error(`--${what} ${v}: expected a non-negative integer`);
    return n;
  };
  let histories: number, seed: number, workers: number;
  try {
    histories = int(values.histories, 'histories');
    seed = values.seed === undefined ? Math.floor(Math.random() * 2 ** 31) : int(values.seed, 'seed');
    workers = Math.max(1, int(values.workers, 'workers'));
  } catch (error) {
    process.stderr.write(`check:sweep: ${(error as Error).message} (${USAGE})\n`);
    return 2;
  }
  const out = values.out!;
  mkdirSync(out, { recursive: true });
  if (values.worker !== undefined) {
    const counts = runSlice(seed, histories, int(values.worker, 'worker'), workers, out, values.minimize === true);
    process.stdout.write(`${JSON.stringify(counts)}\n`);
    return 0;
  }
  const started = Date.now();
  process.stdout.write(`check:sweep: ${histories} histories, seed ${seed}, ${workers} worker(s), disagreements to ${out}/\n`);
  const total = emptyCounts();
  if (workers === 1) add(total, runSlice(seed, histories, 0, 1, out, values.minimize === true));
  else {
    const shared = [
      '--histories',
      String(histories),
      '--seed',
      String(seed),
      '--workers',
      String(workers),
      '--out',
      out,
      ...(values.minimize === true ? ['--minimize'] : []),
    ];
    const parts = await Promise.all(Array.from({ length: workers }, (_, w) => runWorker([...shared, '--worker', String(w)])));
    for (const p of parts) add(total, p);
  }
  const disagreements = total.unsound + total['false-alarm'];
  const lines = [
    `histories          ${total.histories}`,
    `reference possible ${total.possible}, impossible ${total.impossible}, too large ${total['too-large']}`,
    `agreements         ${total.agree}`,
    `unsound            ${total.unsound}   (zabsim ok, reference impossible)`,
    `false alarms       ${total['false-alarm']}   (zabsim violated, reference possible)`,
    `unknown            ${total.unknown}   (zabsim unknown)`,
    `guarantee blame differs (secondary) ${total.guaranteeMismatches}`,
    ...Object.entries(total.guarantees)
      .sort((a, b) => b[1] - a[1])
      .map(([g, n]) => `  ${g}: ${n}`),
    'by perturbation:',
    ...Object.entries(total.byPerturbation)
      .sort()
      .map(([kind, row]) => `  ${kind.padEnd(26)} ${JSON.stringify(row)}`),
    `seed ${seed}; ${((Date.now() - started) / 1000).toFixed(1)} s; replay: npm run check:sweep -- --histories ${histories} --seed ${seed}`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  return disagreements > 0 ? 1 : 0;
}

process.exitCode = await main();
