// Proves the client checkers reject the real-ensemble history in which ZooKeeper answered a write of
// node-zookeeper-client's with another txn's reply (fault seed 240127, pause-follower; the harness now starts
// xids at 1 as the Java client does), and accept it once that write is left unanswered, with and without zxids.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseNdjsonHistory } from '../../sim/history/ndjson.js';
import { checkClientHistory } from '../../sim/checkers/client.js';
import type { ZkHistory } from '../../sim/history/types.js';

const DIR = join(import.meta.dirname, '../conformance/recordings/cxid-zero');
const load = (form: 'zxids' | 'nozxids'): ZkHistory => {
  const file = `s240127-pause-follower.${form}.ndjson`;
  return parseNdjsonHistory(readFileSync(join(DIR, file), 'utf8'), file);
};

/**
 * What happened: client 5's session sent its first request, delete /f240127/b (library xid 0), to server 1
 * just after server 1 was stopped (SIGSTOP at 706 ms). The session expired meanwhile: the leader committed
 * its closeSession at 4:193, issued by ZooKeeperServer.close with cxid 0. Resumed at 3710 ms, server 1 read
 * the delete, then received the commit of 4:193, and its CommitProcessor handed that txn to the session's
 * pending write with the same session and cxid: the delete. The delete was answered ok with zxid 4:193,
 * though no delete of /b ran there. A Java client's xids start at 1 (ClientCnxn), so none matches cxid 0.
 */
describe('the history where a write was answered with the expiry closeSession (seed 240127)', () => {
  it.each(['zxids', 'nozxids'] as const)('with %s: the delete ok no txn made is flagged', (form) => {
    expect(checkClientHistory(load(form)).verdicts).toEqual({
      'linearizable-writes': 'violated',
      'sequential-reads': 'violated',
      'fifo-client-order': 'ok',
      'watch-order': 'ok',
      'session-ephemerals': 'ok',
    });
  });

  it.each(['zxids', 'nozxids'] as const)('with %s: the delete without a reply (what a Java client gets) passes every checker', (form) => {
    const h = load(form);
    const del = h.ops.find((o) => o.client === 5 && o.op.type === 'delete' && o.op.path === '/f240127/b')!;
    expect(del.result).toEqual({ rc: 'ok' }); // the recorded answer
    const ops = h.ops.map((o) => (o === del ? { ...o, outcome: 'info' as const, completeUs: null, result: null, zxid: null, readZxid: null } : o));
    const verdicts = checkClientHistory({ ...h, ops }).verdicts;
    expect(Object.values(verdicts).every((v) => v === 'ok')).toBe(true);
  });
});
