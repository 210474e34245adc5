// Class 8 of issue 18: any input to `zabsim check` (multis and results nested 3,000 or 100,000 deep,
// huge lines, odd unicode, numbers out of range, wrong types at any depth, random bytes) gives a
// verdict or one line `FILE:LINE: expected ...` with exit 2: never a stack overflow, never exit 4.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { fc, test as prop } from '@fast-check/vitest';
import { runCheck } from '../../sim/cli/check.js';
import { checkClientHistory } from '../../sim/checkers/client.js';
import { parseNdjsonHistory } from '../../sim/history/ndjson.js';
import { parsePorcupineEtcd, parsePorcupineKv } from '../../sim/history/porcupine.js';
import { HistoryFormatError } from '../../sim/history/types.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = join(ROOT, 'sim', 'cli', 'zabsim.mjs');
const dir = mkdtempSync(join(tmpdir(), 'zabsim-parse-'));
const HEADER = '{"kind":"header","version":1}';

function write(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

function opLine(op: string, result = '{"rc":"ok"}', extra = ''): string {
  return `{"kind":"op","id":1,"client":1,"session":1,"server":1,"op":${op},"invokeUs":0,"completeUs":1,"outcome":"ok","result":${result},"zxid":4294967297${extra}}`; // zxid 1:1
}

const nestedMulti = (depth: number): string => '{"type":"multi","ops":['.repeat(depth) + '{"type":"setData","path":"/a","data":"x"}' + ']}'.repeat(depth);
const nestedResults = (depth: number): string => '{"rc":"ok","results":['.repeat(depth) + '{"rc":"ok"}' + ']}'.repeat(depth);

describe('class 8: deep nesting through the real CLI', () => {
  function zabsim(...args: string[]): { code: number; stdout: string; stderr: string } {
    const r = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
  }

  test.each([
    ['multi 3,000 deep', `${HEADER}\n${opLine(nestedMulti(3000))}\n`],
    ['multi 100,000 deep', `${HEADER}\n${opLine(nestedMulti(100_000))}\n`],
    ['results 100,000 deep', `${HEADER}\n${opLine('{"type":"multi","ops":[]}', nestedResults(100_000))}\n`],
  ])('class 8: a %s exits 2 with one FILE:LINE: expected line', (name, text) => {
    const file = write(`${name.replace(/[^a-z0-9]/g, '-')}.ndjson`, text);
    const r = zabsim('check', file, '--model', 'zk');
    expect(r.code).toBe(2);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain(`${file}:2: expected`);
    expect(r.stderr).not.toContain('call stack');
  });
});

describe('class 8: bounded input, in process', () => {
  let stderr = '';
  beforeEach(() => {
    stderr = '';
    vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => ((stderr += String(chunk)), true));
  });
  afterEach(() => vi.restoreAllMocks());

  test('class 8: a multi inside a multi is refused at parse time (MultiOperationRecord has no such op)', async () => {
    const file = write('nested2.ndjson', `${HEADER}\n${opLine(nestedMulti(2))}\n`);
    expect(await runCheck([file, '--model', 'zk'])).toBe(2);
    expect(stderr).toBe(`zabsim check: ${file}:2: expected "op".ops[0].type to be a sub-op of a multi (a multi cannot hold a multi)\n`);
  });

  test.each([
    ['etcd process', 'porcupine-etcd', 'INFO  jepsen.util - 99999999999999999999\t:invoke\t:read\tnil\n'],
    ['etcd value', 'porcupine-etcd', 'INFO  jepsen.util - 0\t:invoke\t:write\t9007199254740993\nINFO  jepsen.util - 0\t:ok\t:write\t9007199254740993\n'],
    ['etcd cas', 'porcupine-etcd', 'INFO  jepsen.util - 0\t:invoke\t:cas\t[1 99999999999999999999]\n'],
    ['kv process', 'porcupine-kv', '{:process 99999999999999999999, :type :invoke, :f :get, :key "1", :value nil}\n'],
  ])('class 8: an integer beyond 2^53 - 1 (%s) is refused, not rounded into another value', async (_name, format, text) => {
    const file = write(`big-${format}.txt`, text);
    expect(await runCheck([file, '--format', format])).toBe(2);
    expect(stderr).toMatch(new RegExp(`^zabsim check: ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:1: expected .*\n$`));
  });

  test('class 8: a multi of 200,000 creates, and a session with 200,000 ephemerals ended without a zxid, get verdicts', () => {
    const ops = Array.from({ length: 200_000 }, (_, i) => ({ type: 'create', path: `/n${i}`, data: '', mode: 'ephemeral' }));
    const results = ops.map((o) => ({ rc: 'ok', path: o.path }));
    const multi = opLine(JSON.stringify({ type: 'multi', ops }), JSON.stringify({ rc: 'ok', results }));
    const close =
      '{"kind":"op","id":2,"client":1,"session":1,"server":1,"op":{"type":"closeSession"},"invokeUs":2,"completeUs":null,"outcome":"info","result":null,"zxid":null}';
    const history = parseNdjsonHistory(`${HEADER}\n${multi}\n${close}\n`, 'wide.ndjson');
    const report = checkClientHistory(history);
    expect(report.results.map((r) => r.verdict)).toEqual(['ok', 'ok', 'ok', 'ok', 'ok']);
  });
});

// ----- Fuzzing the parsers: whatever they are given, a history or a HistoryFormatError, and a history always gets verdicts.

/** Parses and, when that succeeds, runs every zk checker (small search budget). Throws anything but HistoryFormatError. */
const tally = { parsed: 0, refused: 0 };
function parseAndCheck(text: string): 'parsed' | 'refused' {
  const verdict = parseOrRefuse(text);
  tally[verdict]++;
  return verdict;
}
function parseOrRefuse(text: string): 'parsed' | 'refused' {
  let history;
  try {
    history = parseNdjsonHistory(text, 'fuzz.ndjson');
  } catch (error) {
    if (error instanceof HistoryFormatError && /^fuzz\.ndjson:\d+: expected [^\n]+$/.test(error.message)) return 'refused';
    throw error;
  }
  const report = checkClientHistory(history, { stepsMax: 2_000 });
  for (const r of report.results) expect(['ok', 'violated', 'unknown']).toContain(r.verdict);
  return 'parsed';
}

const oddString = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 8 }),
  fc.constantFrom('/', '/a', '/a/b', '/zookeeper', '/\ud800', '/a\u0000', '/\u{1F600}', '/a/', '//', '', '\u2028'),
);
const oddNumber = fc.oneof(fc.integer(), fc.constantFrom(0, -1, 1.5, 1e308, -1e308, 2 ** 53, 2 ** 53 - 1, -(2 ** 53)), fc.double());
const oddValue: fc.Arbitrary<unknown> = fc.oneof(oddString, oddNumber, fc.boolean(), fc.constant(null), fc.jsonValue({ maxDepth: 3 }));
/** Mostly a well-formed value, sometimes an odd one: most records parse, and every field is sometimes wrong. */
const field = <T>(good: fc.Arbitrary<T>): fc.Arbitrary<unknown> => fc.oneof({ arbitrary: good, weight: 30 }, { arbitrary: oddValue, weight: 1 });
const subOp = fc.record(
  {
    type: field(fc.oneof(fc.constantFrom('create', 'delete', 'setData', 'check', 'multi', 'getData', 'kvSet'))),
    path: field(fc.oneof(fc.constantFrom('/a', '/a/b', '/b'))),
    data: field(fc.oneof(fc.constantFrom('x', 'y'))),
    version: field(fc.oneof(fc.constantFrom(-1, 0, 1))),
    mode: field(fc.oneof(fc.constantFrom('persistent', 'ephemeral', 'persistentSequential'))),
    ops: field(fc.oneof(fc.constant([]))),
  },
  { requiredKeys: ['type'] },
);
const anyOp = fc.oneof(
  subOp,
  fc.record({ type: fc.constant('multi'), ops: fc.array(field(fc.oneof(subOp)), { maxLength: 3 }) }),
  fc.constant({ type: 'closeSession' }),
);
const anyResult = fc.oneof(
  fc.constant(null),
  oddValue,
  fc.record(
    {
      rc: field(fc.oneof(fc.constantFrom('ok', 'noNode', 'badVersion', 'connectionLoss'))),
      path: field(fc.oneof(fc.constantFrom('/a', '/a/b0000000000'))),
      version: field(fc.oneof(fc.nat(3))),
      data: field(fc.oneof(fc.constantFrom('x', 'y'))),
      exists: field(fc.oneof(fc.boolean())),
      children: field(fc.oneof(fc.array(fc.constantFrom('a', 'b')))),
      mzxid: field(fc.oneof(fc.nat(6))),
      ephemeralOwner: field(fc.oneof(fc.nat(2))),
      results: field(fc.oneof(fc.array(fc.record({ rc: fc.constantFrom('ok', 'noNode', 'runtimeInconsistency') }), { maxLength: 3 }))),
    },
    { requiredKeys: ['rc'] },
  ),
);
const opRecord = fc.record(
  {
    kind: field(fc.oneof(fc.constant('op'))),
    id: field(fc.oneof(fc.nat(20))),
    client: field(fc.oneof(fc.nat(3))),
    session: field(fc.oneof(fc.nat(3))),
    server: field(fc.oneof(fc.nat(3))),
    op: anyOp,
    invokeUs: field(fc.oneof(fc.nat(50))),
    completeUs: field(fc.oneof(fc.integer({ min: 50, max: 100 }), fc.constant(null))),
    outcome: field(fc.oneof(fc.constantFrom('ok', 'info', 'fail'))),
    result: anyResult,
    zxid: field(fc.oneof(fc.nat(8), fc.constant(null))),
    readZxid: field(fc.oneof(fc.nat(8), fc.constant(null))),
    completeSeq: field(fc.oneof(fc.nat(20))),
  },
  { requiredKeys: ['kind', 'id', 'op', 'invokeUs', 'completeUs', 'outcome', 'result', 'zxid', 'client'] },
);
const eventRecord = fc.record({
  kind: fc.constantFrom('watch', 'session'),
  client: field(fc.oneof(fc.nat(3))),
  session: field(fc.oneof(fc.nat(3))),
  server: field(fc.oneof(fc.nat(3))),
  type: field(fc.oneof(fc.constantFrom('NodeCreated', 'NodeDeleted', 'NodeDataChanged', 'NodeChildrenChanged'))),
  state: field(fc.oneof(fc.constantFrom('CONNECTED', 'EXPIRED', 'ENDED'))),
  path: field(fc.oneof(fc.constantFrom('/a', '/b'))),
  zxid: field(fc.oneof(fc.nat(8))),
  atUs: field(fc.oneof(fc.nat(100))),
});

prop.prop([fc.array(fc.oneof({ arbitrary: opRecord, weight: 4 }, { arbitrary: eventRecord, weight: 1 }), { maxLength: 8 })], { numRuns: 1500 })(
  'class 8: fuzzed records with odd values at any depth get verdicts or one FILE:LINE: expected error',
  (records) => {
    // Distinct ids where they are numbers (a repeated id is refused, and would hide the rest).
    const lines = records.map((r, i) => JSON.stringify(typeof (r as { id?: unknown }).id === 'number' ? { ...r, id: i } : r));
    const text = [HEADER, ...lines].join('\n');
    expect(['parsed', 'refused']).toContain(parseAndCheck(text));
  },
);

prop.prop(
  [
    fc.array(
      fc.oneof(
        fc.string({ unit: 'binary', maxLength: 60 }),
        fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)),
      ),
      { maxLength: 6 },
    ),
  ],
  {
    numRuns: 800,
  },
)('class 8: random lines and JSON values, behind a header or not, get verdicts or one FILE:LINE: expected error', (lines) => {
  expect(['parsed', 'refused']).toContain(parseAndCheck(lines.join('\n')));
  expect(['parsed', 'refused']).toContain(parseAndCheck([HEADER, ...lines].join('\n')));
});

prop.prop(
  [
    fc.array(
      fc.oneof(
        fc.string({ unit: 'binary', maxLength: 60 }),
        fc.stringMatching(/^INFO {2}jepsen\.util - \d{1,25}\t:(invoke|ok|fail|info)\t:(read|write|cas)\t(nil|\d{1,25}|\[\d{1,25} \d{1,25}\])$/),
      ),
      { maxLength: 8 },
    ),
  ],
  {
    numRuns: 500,
  },
)('class 8: porcupine etcd and kv parsers give operations or one FILE:LINE: expected error', (lines) => {
  const text = lines.join('\n');
  for (const parse of [parsePorcupineEtcd, parsePorcupineKv]) {
    try {
      const ops = parse(text, 'fuzz.log');
      for (const o of ops) expect(Number.isSafeInteger(o.client)).toBe(true);
    } catch (error) {
      expect(error).toBeInstanceOf(HistoryFormatError);
      expect((error as Error).message).toMatch(/^fuzz\.log:\d+: expected [^\n]+$/);
    }
  }
});

test('class 8: the fuzzing above reached the checkers as well as the refusals', () => {
  expect(tally.parsed).toBeGreaterThan(100);
  expect(tally.refused).toBeGreaterThan(100);
});
