// Runs `zabsim check` in-process on temp files: malformed input in each format exits 2 with one stderr line
// naming the file and line, and well-formed files give exit 0/1 with the verdict in plain text or JSON;
// zabsim NDJSON histories get every client checker's verdict.
import { PORCUPINE_DATA_DIR } from '../support/paths.js';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { runCheck } from '../../sim/cli/check.js';

const dir = mkdtempSync(join(tmpdir(), 'zabsim-check-'));
let stdout = '';
let stderr = '';

beforeEach(() => {
  stdout = '';
  stderr = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => ((stdout += String(chunk)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => ((stderr += String(chunk)), true));
});
afterEach(() => vi.restoreAllMocks());

function write(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

const HEADER = '{"kind":"header","version":1,"seed":"t"}';
const okOp = (id: number, zxid: number, invokeUs: number, completeUs: number, path = '/a'): string =>
  JSON.stringify({
    kind: 'op',
    id,
    client: 1,
    session: 1,
    server: 1,
    op: { type: 'create', path, data: 'x', mode: 'persistent' },
    invokeUs,
    completeUs,
    outcome: 'ok',
    result: { rc: 'ok', path },
    zxid: 2 ** 32 + zxid, // the counter, in epoch 1
  });

describe('malformed input exits 2 with one line naming the line', () => {
  test.each([
    ['etcd.log', 'INFO  jepsen.util - 0\t:invoke\t:read\tnil\nINFO  jepsen.util - 0\t:ok\t:read\tbanana\n', 2, []],
    ['kv.txt', '{:process 0, :type :invoke, :f :get, :key "1", :value nil}\n{:process 0, :type :ok, :f :get, :key "1" :value ""}\n', 2, []],
    ['hist.ndjson', `${HEADER}\n${okOp(1, 5, 0, 3)}\n{"kind":"op","id":2}\n`, 3, []],
    ['notjson.ndjson', `${HEADER}\n{nope\n`, 2, []],
    ['noheader.ndjson', `${okOp(1, 5, 0, 3)}\n`, 1, []],
    ['orphan.log', 'INFO  jepsen.util - 3\t:ok\t:read\t1\n', 1, []],
    ['forced.txt', 'INFO  jepsen.util - 0\t:invoke\t:read\tnil\n', 1, ['--format', 'porcupine-kv']],
  ] as const)('%s', async (name, text, line, extra) => {
    const file = write(name, text);
    const code = await runCheck([file, ...extra]);
    expect(code).toBe(2);
    expect(stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(stderr).toContain(`${file}:${line}:`);
    expect(stderr).toContain('expected');
    expect(stderr).not.toMatch(/\n\s+at /);
  });

  test('usage errors are one line too', async () => {
    expect(await runCheck([])).toBe(2);
    expect(await runCheck([join(dir, 'missing.log')])).toBe(2);
    expect(await runCheck([write('x.log', ''), '--model', 'kv'])).toBe(2);
    expect(await runCheck([write('y.log', ''), '--bogus'])).toBe(2);
    for (const line of stderr.trimEnd().split('\n')) expect(line.startsWith('zabsim check: ')).toBe(true);
    expect(stderr.trimEnd().split('\n')).toHaveLength(4);
  });
});

describe('verdicts and exit codes', () => {
  test('porcupine etcd files: 0 when linearizable, 1 with a witness when not', async () => {
    expect(await runCheck([`${PORCUPINE_DATA_DIR}jepsen/etcd_100.log`])).toBe(0);
    expect(stdout).toContain('linearizable');
    stdout = '';
    expect(await runCheck([`${PORCUPINE_DATA_DIR}jepsen/etcd_000.log`, '--json'])).toBe(1);
    const report = JSON.parse(stdout) as Record<string, unknown>;
    expect(report).toMatchObject({ format: 'porcupine-etcd', model: 'register', verdict: 'violated', ops: 85 });
    expect(typeof report['ms']).toBe('number');
    expect(report['witness']).toBeDefined();
  });

  test('ndjson zk histories: format inferred from content, real-time violation exits 1', async () => {
    const good = write('good.jsonl', `${HEADER}\n${okOp(1, 5, 0, 3)}\n${okOp(2, 6, 4, 8, '/b')}\n`);
    expect(await runCheck([good, '--json'])).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ format: 'ndjson', model: 'zk', verdict: 'ok', ops: 2 });
    stdout = '';
    const bad = write('bad.data', `${HEADER}\n${okOp(1, 6, 0, 3)}\n${okOp(2, 5, 4, 8, '/b')}\n`);
    expect(await runCheck([bad])).toBe(1);
    expect(stdout).toContain('NOT linearizable');
    expect(stdout).toContain('real-time');
  });

  test('a zxid of epoch 0 is no ZooKeeper zxid: the history is impossible (exit 1), not malformed', async () => {
    const epochZero = JSON.stringify({
      kind: 'op',
      id: 1,
      client: 1,
      session: 1,
      server: 1,
      op: { type: 'create', path: '/a', data: 'x', mode: 'persistent' },
      invokeUs: 0,
      completeUs: 3,
      outcome: 'ok',
      result: { rc: 'ok', path: '/a' },
      zxid: 5,
    });
    const file = write('epoch0.ndjson', `${HEADER}\n${epochZero}\n`);
    expect(await runCheck([file])).toBe(1);
    expect(stdout).toContain('linearizable-writes: violated');
    expect(stdout).toContain('#1 carries zxid 0:5: ZooKeeper never issues a zxid of epoch 0');
    stdout = '';
    expect(await runCheck([write('epoch1.ndjson', `${HEADER}\n${okOp(1, 5, 0, 3)}\n`)])).toBe(0);
  });

  test('ndjson histories with reads also go through every client checker, each verdict reported', async () => {
    const read = (data: string): string =>
      JSON.stringify({
        kind: 'op',
        id: 3,
        client: 2,
        session: 2,
        server: 1,
        op: { type: 'getData', path: '/a' },
        invokeUs: 10,
        completeUs: 12,
        outcome: 'ok',
        result: { rc: 'ok', data, version: 0 },
        zxid: null,
        readZxid: 2 ** 32 + 5, // zxid 1:5
      });
    const good = write('reads-good.ndjson', `${HEADER}\n${okOp(1, 5, 0, 3)}\n${read('x')}\n`);
    expect(await runCheck([good, '--json'])).toBe(0);
    const report = JSON.parse(stdout) as { verdict: string; checkers: { name: string; verdict: string }[] };
    expect(report.verdict).toBe('ok');
    expect(report.checkers.map((c) => `${c.name}=${c.verdict}`)).toEqual([
      'linearizable-writes=ok',
      'sequential-reads=ok',
      'fifo-client-order=ok',
      'watch-order=ok',
      'session-ephemerals=ok',
    ]);
    stdout = '';
    const stale = write('reads-bad.ndjson', `${HEADER}\n${okOp(1, 5, 0, 3)}\n${read('old')}\n`);
    expect(await runCheck([stale])).toBe(1);
    expect(stdout).toContain('writes linearizable; sequential-reads violated');
    expect(stdout).toMatch(/ {2}sequential-reads: violated\n {4}#3 of client 2 read \/a/);
    expect(stdout).toContain('  watch-order: ok');
    stdout = '';
    expect(await runCheck([stale, '--json'])).toBe(1);
    const bad = JSON.parse(stdout) as { verdict: string; witness: { checker: string }; checkers: { name: string; verdict: string }[] };
    expect(bad.verdict).toBe('violated');
    expect(bad.witness.checker).toBe('sequential-reads');
    expect(bad.checkers.find((c) => c.name === 'sequential-reads')?.verdict).toBe('violated');
  });
});
