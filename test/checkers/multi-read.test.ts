// multiRead judged read by read (multi-read-split.ts): a sub-read no execution explains is flagged, a
// one-read multiRead that fits passes, one of several reads never earns "ok" (atomicity unchecked),
// and a multiRead whose order against its session's other records is unknown stays unjudged.
import { describe, expect, test } from 'vitest';
import { checkClientHistory } from '../../sim/checkers/client.js';
import { splitMultiReads } from '../../sim/checkers/multi-read-split.js';
import type { ZkHistory, ZkHistoryUnjudged, ZkResult } from '../../sim/history/types.js';
import { clientOp, zkHistory } from './history-builders.js';

const Z1 = 2 ** 32 + 1;
type SubRead = { readonly type: 'getData' | 'getChildren'; readonly path: string };

function multiRead(subs: readonly SubRead[], results: readonly ZkResult[], invokeUs = 20, completeUs = 30): ZkHistoryUnjudged {
  return {
    kind: 'unjudged',
    client: 2,
    session: 102,
    server: 1,
    op: { type: 'multiRead', ops: subs },
    invokeUs,
    completeUs,
    result: { rc: 'ok', results },
    readZxid: Z1,
  };
}

function historyWith(...reads: ZkHistoryUnjudged[]): ZkHistory {
  const made = clientOp(1, { type: 'create', path: '/a', data: 'x', mode: 'persistent' }, 0, 10, { rc: 'ok', path: '/a' }, Z1);
  return { ...zkHistory([made]), unjudged: reads };
}

const dataA = (data: string): ZkResult => ({ rc: 'ok', data, version: 0, mzxid: Z1, ephemeralOwner: 0 });
const reads = (h: ZkHistory) => checkClientHistory(h).verdicts['sequential-reads'];

describe('multiRead judged as reads at its reply zxid', () => {
  test('a one-read multiRead that shows what was written passes; one showing data never written is flagged', () => {
    expect(reads(historyWith(multiRead([{ type: 'getData', path: '/a' }], [dataA('x')])))).toBe('ok');
    expect(reads(historyWith(multiRead([{ type: 'getData', path: '/a' }], [dataA('never')])))).toBe('violated');
    expect(reads(historyWith(multiRead([{ type: 'getData', path: '/b' }], [{ rc: 'noNode' }])))).toBe('ok');
    expect(reads(historyWith(multiRead([{ type: 'getData', path: '/a' }], [{ rc: 'noNode' }])))).toBe('violated');
  });

  test('several reads: a bad one is flagged; all fitting is unknown, with the reason, never ok', () => {
    const subs: SubRead[] = [
      { type: 'getData', path: '/a' },
      { type: 'getChildren', path: '/a' },
    ];
    expect(reads(historyWith(multiRead(subs, [dataA('x'), { rc: 'ok', children: ['ghost'] }])))).toBe('violated');
    const fits = checkClientHistory(historyWith(multiRead(subs, [dataA('x'), { rc: 'ok', children: [] }])));
    expect(fits.verdicts['sequential-reads']).toBe('unknown');
    expect(fits.results.find((r) => r.name === 'sequential-reads')?.notes?.[0]).toMatch(/read by read/);
  });

  test('left unjudged: a sub-result the format cannot name, or a tie with a same-session record', () => {
    const odd = splitMultiReads(historyWith(multiRead([{ type: 'getData', path: '/a' }], [{ rc: 'runtimeInconsistency' }])));
    expect(odd.history.unjudged?.length).toBe(1);
    expect(reads(odd.history)).toBe('unknown');
    const tied = historyWith(multiRead([{ type: 'getData', path: '/a' }], [dataA('never')]));
    const withTie: ZkHistory = {
      ...tied,
      ops: [...tied.ops, clientOp(2, { type: 'exists', path: '/z' }, 25, 30, { rc: 'ok', exists: false }, null, { readZxid: Z1 })],
    };
    expect(splitMultiReads(withTie).history.unjudged?.length).toBe(1);
    expect(reads(withTie)).toBe('unknown');
  });
});
