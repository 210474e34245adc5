// create2's Stat is judged (create-stats.ts): a reply whose Stat is not the new node's as created is a
// linearizable-writes violation, a right one passes, and container/TTL histories still get this rule.
import { describe, expect, test } from 'vitest';
import { checkClientHistory } from '../../sim/checkers/client.js';
import { createStatFlaw } from '../../sim/checkers/create-stats.js';
import type { ZkCreateStat, ZkOp } from '../../sim/history/types.js';
import { formatNdjsonHistory, parseNdjsonHistory } from '../../sim/history/ndjson.js';
import { zkHistory, zkOpRecord } from './history-builders.js';

const Z = 2 ** 32 + 5;
const fresh = (zxid: number, patch: Partial<ZkCreateStat> = {}): ZkCreateStat => ({
  czxid: zxid,
  mzxid: zxid,
  pzxid: zxid,
  version: 0,
  cversion: 0,
  aversion: 0,
  numChildren: 0,
  dataLength: 3,
  ephemeralOwner: 0,
  ...patch,
});
const createOp = (mode: Extract<ZkOp, { type: 'create' }>['mode'], data = 'abc'): ZkOp => ({ type: 'create', path: '/n', data, mode });
const verdictOf = (op: ZkOp, stat: ZkCreateStat) =>
  checkClientHistory(zkHistory([zkOpRecord(op, 0, 10, { rc: 'ok', path: '/n', stat }, Z)])).verdicts['linearizable-writes'];

describe('create2 Stat (Create2Response from DataTree.createNode)', () => {
  test('the new node as created passes', () => {
    expect(verdictOf(createOp('persistent'), fresh(Z))).toBe('ok');
    expect(verdictOf(createOp('ephemeral'), fresh(Z, { ephemeralOwner: 101 }))).toBe('ok');
    expect(verdictOf(createOp('persistent', 'é'), fresh(Z, { dataLength: 2 }))).toBe('ok');
  });

  test('a Stat from another zxid, with versions, children, a wrong length or owner is flagged', () => {
    for (const [op, stat] of [
      [createOp('persistent'), fresh(Z - 1)],
      [createOp('persistent'), fresh(Z, { mzxid: Z + 1 })],
      [createOp('persistent'), fresh(Z, { version: 1 })],
      [createOp('persistent'), fresh(Z, { cversion: 2 })],
      [createOp('persistent'), fresh(Z, { numChildren: 1 })],
      [createOp('persistent'), fresh(Z, { dataLength: 4 })],
      [createOp('persistent'), fresh(Z, { ephemeralOwner: 101 })],
      [createOp('ephemeral'), fresh(Z, { ephemeralOwner: 102 })],
    ] as const) {
      const report = checkClientHistory(zkHistory([zkOpRecord(op, 0, 10, { rc: 'ok', path: '/n', stat }, Z)]));
      expect(report.verdicts['linearizable-writes']).toBe('violated');
      expect(report.results[0]?.witness?.reason).toMatch(/create2 Stat/);
    }
  });

  test('the Stat survives the NDJSON round trip, and a malformed one is refused with FILE:LINE', () => {
    const h = zkHistory([zkOpRecord(createOp('persistent'), 0, 10, { rc: 'ok', path: '/n', stat: fresh(Z) }, Z)]);
    const text = formatNdjsonHistory(h);
    expect(parseNdjsonHistory(text, 'h.ndjson').ops[0]?.result?.stat).toEqual(fresh(Z));
    expect(() => parseNdjsonHistory(text.replace('"czxid":4294967301', '"czxid":"x"'), 'h.ndjson')).toThrow(/^h\.ndjson:2: expected .*stat\.czxid/);
  });

  test('a create without a Stat, a failed one, or an info one is not judged by this rule', () => {
    expect(createStatFlaw(zkOpRecord(createOp('persistent'), 0, 10, { rc: 'ok', path: '/n' }, Z))).toBeNull();
    expect(createStatFlaw(zkOpRecord(createOp('persistent'), 0, 10, { rc: 'nodeExists', stat: fresh(1) }, Z))).toBeNull();
    expect(createStatFlaw(zkOpRecord(createOp('persistent'), 0, null, null, null))).toBeNull();
  });

  test('a history with a container create: every checker unknown, but a bad create2 Stat is still flagged', () => {
    const good = checkClientHistory(zkHistory([zkOpRecord(createOp('container'), 0, 10, { rc: 'ok', path: '/n', stat: fresh(Z) }, Z)]));
    expect(Object.values(good.verdicts)).toEqual(['unknown', 'unknown', 'unknown', 'unknown', 'unknown']);
    const bad = checkClientHistory(zkHistory([zkOpRecord(createOp('container'), 0, 10, { rc: 'ok', path: '/n', stat: fresh(Z, { version: 3 }) }, Z)]));
    expect(bad.verdicts['linearizable-writes']).toBe('violated');
  });
});
