// `zabsim check <file> [--format porcupine-etcd|porcupine-kv|ndjson] [--model register|kv|zk] [--junit F.xml] [--json]`:
// checks one history file for linearizability and prints the verdict and the time taken. A zabsim NDJSON
// history (model zk) also goes through the other client checkers (sequential-reads, fifo-client-order,
// watch-order, session-ephemerals); each verdict is printed, and the file's verdict is the worst of them.
// Exit codes: 0 every checker passes, 1 a violation, 2 bad usage or input, 4 unknown (budget) or internal error.

import { readFileSync } from 'node:fs';
import { realpathSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { checkOperations } from '../checkers/linearizability/search.js';
import { registerModel } from '../checkers/linearizability/register.js';
import { kvModel } from '../checkers/linearizability/kv.js';
import type { LinearizabilityResult, Model, Operation, Verdict } from '../checkers/linearizability/model.js';
import { checkClientHistory } from '../checkers/client.js';
import type { ClientCheckResult } from '../checkers/client.js';
import { inferHistoryFormat } from '../history/detect.js';
import { parseNdjsonHistory } from '../history/ndjson.js';
import { parsePorcupineEtcd, parsePorcupineKv } from '../history/porcupine.js';
import { HISTORY_FORMATS, HistoryFormatError } from '../history/types.js';
import type { HistoryFormat, ZkHistory } from '../history/types.js';
import { junitForCheck, writeJUnit } from '../../reports/junit.js';

export const CHECK_USAGE = 'usage: zabsim check <file> [--format porcupine-etcd|porcupine-kv|ndjson] [--model register|kv|zk] [--junit FILE.xml] [--json]';

type CheckModel = 'register' | 'kv' | 'zk';
const MODELS: readonly CheckModel[] = ['register', 'kv', 'zk'];
const DEFAULT_MODEL: Readonly<Record<HistoryFormat, CheckModel>> = { 'porcupine-etcd': 'register', 'porcupine-kv': 'kv', ndjson: 'zk' };
const EXIT: Readonly<Record<Verdict, number>> = { ok: 0, violated: 1, unknown: 4 };

type CheckerReport = { name: string; verdict: Verdict; witness?: unknown; notes?: readonly string[] };
type Report = {
  file: string;
  format: HistoryFormat;
  model: CheckModel;
  verdict: Verdict;
  ms: number;
  ops: number;
  witness?: unknown;
  checkers?: CheckerReport[];
};

class UsageError extends Error {}

export async function runCheck(argv: string[]): Promise<number> {
  let json = false;
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        format: { type: 'string' },
        model: { type: 'string' },
        junit: { type: 'string' },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
    });
    json = values.json === true;
    if (values.help === true) {
      process.stdout.write(`${CHECK_USAGE}\n`);
      return 0;
    }
    if (positionals.length !== 1) throw new UsageError(positionals.length === 0 ? 'missing <file>' : `expected one <file>, got ${positionals.length}`);
    const file = positionals[0]!;
    if (values.format !== undefined && !(HISTORY_FORMATS as readonly string[]).includes(values.format)) {
      throw new UsageError(`unknown --format ${values.format}; expected one of ${HISTORY_FORMATS.join(', ')}`);
    }
    if (values.model !== undefined && !(MODELS as readonly string[]).includes(values.model)) {
      throw new UsageError(`unknown --model ${values.model}; expected one of ${MODELS.join(', ')}`);
    }
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      throw new UsageError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
    }
    const format = (values.format as HistoryFormat | undefined) ?? inferHistoryFormat(file, text);
    if (format === null) throw new UsageError(`${file}: cannot tell the format; pass --format ${HISTORY_FORMATS.join('|')}`);
    const model = (values.model as CheckModel | undefined) ?? DEFAULT_MODEL[format];
    if (model !== DEFAULT_MODEL[format]) throw new UsageError(`--model ${model} does not apply to ${format} histories (use ${DEFAULT_MODEL[format]})`);

    const report = checkFile(file, text, format, model);
    if (values.junit !== undefined) writeJUnit(values.junit, [junitForCheck(report)]);
    printReport(report, json);
    return EXIT[report.verdict];
  } catch (error) {
    if (error instanceof HistoryFormatError) {
      process.stderr.write(`zabsim check: ${error.message}\n`);
      return 2;
    }
    if (error instanceof UsageError || isParseArgsError(error)) {
      process.stderr.write(`zabsim check: ${(error as Error).message} (${CHECK_USAGE})\n`);
      return 2;
    }
    process.stderr.write(`zabsim check: internal error: ${error instanceof Error ? error.message : String(error)}\n`);
    return 4;
  }
}

function isParseArgsError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS');
}

/**
 * What `zabsim check <file> --model zk` decides for a parsed NDJSON history: every client checker's
 * result, and the file's verdict (the first violated checker's, else the first unknown one's, else ok).
 * Pure; exported so that the reference differential test judges exactly what the command judges.
 */
export function checkZkHistory(history: ZkHistory): {
  verdict: Verdict;
  worst: ClientCheckResult | undefined;
  results: readonly ClientCheckResult[];
  ms: number;
} {
  const client = checkClientHistory(history);
  const results = client.results;
  const worst = results.find((r) => r.verdict === 'violated') ?? results.find((r) => r.verdict === 'unknown');
  return { verdict: worst?.verdict ?? 'ok', worst, results, ms: client.ms };
}

function checkFile(file: string, text: string, format: HistoryFormat, model: CheckModel): Report {
  if (format === 'ndjson') {
    const history = parseNdjsonHistory(text, file);
    const { verdict, worst, results, ms } = checkZkHistory(history);
    const report: Report = { file, format, model, verdict, ms, ops: history.ops.length };
    // The first violated checker's witness, prefixed with its name (what JUnit and a one-witness reader show).
    const w = worst?.witness;
    if (w !== undefined) report.witness = { checker: worst!.name, reason: w.reason, ops: w.ops, events: w.events, text: `${worst!.name}: ${w.text}` };
    report.checkers = results.map(checkerReport);
    return report;
  }
  if (format === 'porcupine-etcd') return checkGeneric(file, format, model, registerModel, parsePorcupineEtcd(text, file));
  return checkGeneric(file, format, model, kvModel, parsePorcupineKv(text, file));
}

function checkerReport(r: ClientCheckResult): CheckerReport {
  const out: CheckerReport = { name: r.name, verdict: r.verdict };
  if (r.witness !== undefined) out.witness = { reason: r.witness.reason, ops: r.witness.ops, events: r.witness.events, text: r.witness.text };
  if (r.notes !== undefined && r.notes.length > 0) out.notes = r.notes;
  return out;
}

function checkGeneric<S, I, O>(file: string, format: HistoryFormat, modelName: CheckModel, model: Model<S, I, O>, ops: Operation<I, O>[]): Report {
  const started = performance.now();
  const result: LinearizabilityResult = checkOperations(model, ops);
  const ms = performance.now() - started;
  const report: Report = { file, format, model: modelName, verdict: result.verdict, ms, ops: ops.length };
  if (result.witness !== undefined) {
    const describe = (i: number): string => {
      const op = ops[i]!;
      const what = model.describeOperation?.(op.input, op.output) ?? JSON.stringify(op.input);
      const end = op.return === Number.POSITIVE_INFINITY ? 'never returned' : `returned at ${op.return}`;
      return `client ${op.client}: ${what} (called at ${op.call}, ${end})`;
    };
    const prefix = result.witness.longestPrefix;
    const unplaced = result.witness.unplaced;
    const lines = [
      `longest linearizable prefix: ${prefix.length} of ${result.witness.partitionOps.length} ops in the failing partition; none of the remaining ops can come next`,
      ...prefix.slice(-3).map((i) => `  placed   ${describe(i)}`),
      ...unplaced.slice(0, 5).map((i) => `  unplaced ${describe(i)}`),
    ];
    report.witness = {
      partitionOps: result.witness.partitionOps.length,
      longestPrefixLength: prefix.length,
      longestPrefixTail: prefix.slice(-3).map((i) => ({ index: i, description: describe(i) })),
      unplaced: unplaced.slice(0, 5).map((i) => ({ index: i, description: describe(i) })),
      text: lines.join('\n'),
    };
  }
  return report;
}

const VERDICT_TEXT: Readonly<Record<Verdict, string>> = {
  ok: 'linearizable',
  violated: 'NOT linearizable',
  unknown: 'unknown (step budget exhausted)',
};

function printReport(report: Report, json: boolean): void {
  const ms = Math.round(report.ms * 1000) / 1000;
  if (json) {
    process.stdout.write(`${JSON.stringify({ ...report, ms })}\n`);
    return;
  }
  const checkers = report.checkers;
  if (checkers === undefined) {
    process.stdout.write(`${report.file}: ${VERDICT_TEXT[report.verdict]} (${report.ops} ops, ${report.format}, model ${report.model}, ${ms} ms)\n`);
    const witness = report.witness as { text?: string } | undefined;
    if (witness?.text !== undefined) process.stdout.write(`${witness.text}\n`);
    return;
  }
  // The writes' verdict heads the report (linearizability); the other checkers follow, one line each.
  const writes = checkers.find((c) => c.name === 'linearizable-writes')?.verdict ?? 'ok';
  const others = checkers.filter((c) => c.name !== 'linearizable-writes' && c.verdict !== 'ok').map((c) => `${c.name} ${c.verdict}`);
  const headline = `writes ${VERDICT_TEXT[writes]}${others.length === 0 ? '' : `; ${others.join(', ')}`}`;
  process.stdout.write(`${report.file}: ${headline} (${report.ops} ops, ${report.format}, model ${report.model}, ${ms} ms)\n`);
  for (const c of checkers) {
    process.stdout.write(`  ${c.name}: ${c.verdict}\n`);
    const text = (c.witness as { text?: string } | undefined)?.text;
    if (text !== undefined)
      process.stdout.write(
        `${text
          .split('\n')
          .map((l) => `    ${l}`)
          .join('\n')}\n`,
      );
    for (const note of c.notes ?? []) process.stdout.write(`    note: ${note}\n`);
  }
}

function isMain(): boolean {
  const entry = process.argv[1];
  if (entry === undefined) return false;
  try {
    return realpathSync(entry) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isMain()) {
  process.exitCode = await runCheck(process.argv.slice(2));
}
