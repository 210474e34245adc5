// The history keeps the reads the client checkers cannot judge yet (getAllChildrenNumber,
// getEphemerals, multiRead) as "unjudged" records that round-trip through NDJSON, and while a history
// holds one, every checker that judges reads answers unknown with the reason instead of ok.
import { describe, expect, test } from 'vitest';
import type { NodeId } from '../../protocol/program.js';
import { checkClientHistory } from '../../sim/checkers/client.js';
import { withUnjudgedReads } from '../../sim/checkers/unjudged-reads.js';
import { formatNdjsonHistory, parseNdjsonHistory, HistoryFormatError } from '../../sim/history/index.js';
import { create, ready, run } from './helpers.js';

describe('unjudged reads in the client history', () => {
  test('recorded with their results, round-trip, and turn the read checkers from ok to unknown', () => {
    const h = ready('unjudged-hist');
    const [a] = h.clients as [NodeId];
    run(h, a, create('/u'));
    run(h, a, create('/u/e', 'EPHEMERAL'));
    const before = checkClientHistory(h.history());
    expect(Object.values(before.verdicts)).toEqual(['ok', 'ok', 'ok', 'ok', 'ok']);
    run(h, a, { type: 'multi', ops: [{ type: 'getChildren', path: '/u' }] });
    run(h, a, { type: 'getEphemerals', path: '/' });
    run(h, a, { type: 'getAllChildrenNumber', path: '/u' });
    run(h, a, { type: 'whoAmI' });
    run(h, a, { type: 'getEphemerals', path: 'bad' }); // refused by the client: never answered, not recorded
    const history = h.history();
    expect(history.unjudged?.map((u) => [u.op.type, u.result])).toEqual([
      ['multiRead', { rc: 'ok', results: [{ rc: 'ok', children: ['e'] }] }],
      ['getEphemerals', { rc: 'ok', children: ['/u/e'] }],
      ['getAllChildrenNumber', { rc: 'ok', number: 1 }],
    ]);
    expect(parseNdjsonHistory(formatNdjsonHistory(history), 'h.ndjson')).toEqual(history);
    const after = checkClientHistory(history);
    expect(after.verdicts).toEqual({
      'linearizable-writes': 'ok',
      'sequential-reads': 'unknown',
      'fifo-client-order': 'unknown',
      'watch-order': 'unknown',
      'session-ephemerals': 'unknown',
    });
    const notes = after.results.find((r) => r.name === 'sequential-reads')?.notes ?? [];
    // The multiRead of one getChildren is judged as that read (multi-read-split.ts), the getEphemerals as
    // existence reads (ephemerals-split.ts); getAllChildrenNumber is not judged.
    expect(notes[0]).toContain('(1 getAllChildrenNumber)');
    expect(notes[0]).not.toContain('multiRead');
    expect(notes[0]).not.toContain('getEphemerals');
  });

  test('a malformed unjudged line is one FILE:LINE: expected ... error', () => {
    const text =
      '{"kind":"header","version":1}\n{"kind":"unjudged","client":1,"op":{"type":"multiRead","ops":[{"type":"create","path":"/x"}]},"invokeUs":0,"completeUs":1,"result":{"rc":"ok"}}\n';
    expect(() => parseNdjsonHistory(text, 'bad.ndjson')).toThrow(HistoryFormatError);
    expect(() => parseNdjsonHistory(text, 'bad.ndjson')).toThrow(/^bad\.ndjson:2: expected "op"\.ops\[0\]\.type to be one of "getData", "getChildren"$/);
  });

  test('only ok turns into unknown, and only for the checkers that judge reads', () => {
    const reason = 'the history holds reads this checker cannot judge yet (1 multiRead)';
    expect(withUnjudgedReads({ name: 'sequential-reads', verdict: 'ok' }, reason)).toEqual({ name: 'sequential-reads', verdict: 'unknown', notes: [reason] });
    expect(withUnjudgedReads({ name: 'watch-order', verdict: 'violated' }, reason).verdict).toBe('violated');
    expect(withUnjudgedReads({ name: 'linearizable-writes', verdict: 'ok' }, reason).verdict).toBe('ok');
    expect(withUnjudgedReads({ name: 'session-ephemerals', verdict: 'ok' }, null).verdict).toBe('ok');
  });
});
