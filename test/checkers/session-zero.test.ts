// Proves that a session numbered 0 ending (ENDED record) deletes no node of the replayed tree: owner 0 marks a
// persistent node, so a KV register under a missing parent is not "deleted" (this crashed with a TypeError).
import { expect, test } from 'vitest';
import { checkClientHistory } from '../../sim/checkers/client.js';
import { parseNdjsonHistory } from '../../sim/history/ndjson.js';

test('an ENDED record for session 0 after a kvSet on /a/b gives verdicts, not an internal error', () => {
  const text = [
    '{"kind":"header","version":1}',
    '{"kind":"op","id":0,"client":0,"op":{"type":"kvSet","path":"/a/b"},"invokeUs":0,"completeUs":50,"outcome":"ok","result":{"rc":"ok"},"zxid":4294967297}',
    '{"kind":"session","client":0,"session":0,"server":0,"state":"ENDED","zxid":4294967298,"atUs":0}',
  ].join('\n');
  const verdicts = checkClientHistory(parseNdjsonHistory(text, 'session-zero.ndjson')).verdicts;
  expect(verdicts['linearizable-writes']).toBe('ok');
});
