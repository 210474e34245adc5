// Proves the client checkers reject the real-ensemble history that node-zookeeper-client's stale setWatches
// produced (fault seed 313539, kill-leader; the harness now primes reconnections as the Java client does):
// no Java client could record it, and watch-order, and only watch-order, says so, with and without zxids.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseNdjsonHistory } from '../../sim/history/ndjson.js';
import { checkClientHistory } from '../../sim/checkers/client.js';
import type { ZkHistory } from '../../sim/history/types.js';

const DIR = join(import.meta.dirname, '../conformance/recordings/stale-set-watches');
const load = (form: 'zxids' | 'nozxids'): ZkHistory => {
  const file = `s313539-kill-leader.${form}.ndjson`;
  return parseNdjsonHistory(readFileSync(join(DIR, file), 'utf8'), file);
};
const ALL_OK_BUT_WATCH_ORDER = {
  'linearizable-writes': 'ok',
  'sequential-reads': 'ok',
  'fifo-client-order': 'ok',
  'watch-order': 'violated',
  'session-ephemerals': 'ok',
};

/**
 * What happened: client 0 held a data watch on /f313539/c (set by #6 at 7:120) when the leader was killed.
 * While the ensemble elected, the library connected to servers that accepted the socket and then closed it,
 * and queued a setWatches (relative zxid 7:123, /c among its paths) at each such connect; #18 (setData) and
 * #25 (getData with a watch) were queued in between. The connection that succeeded carried a setWatches,
 * #18, #25 and another setWatches. The first fired NodeDataChanged /c for 8:1 (DataTree.setWatches: mzxid
 * above the relative zxid); #25 read version 1 (8:1's) and set a new watch; the second setWatches fired
 * NodeDataChanged /c again for the same 8:1, and the client handed it to #25's watch. The next change of /c
 * is #34 at 8:7, sent after that event arrived. The Java client sends one setWatches per connection, ahead of
 * every queued request (ClientCnxn.SendThread.primeConnection; SendThread.cleanup fails queued packets when
 * an attempt fails), so its watch set by #25 fires only for #34.
 */
describe('the history a stale setWatches produced (seed 313539)', () => {
  it.each(['zxids', 'nozxids'] as const)('with %s: watch-order flags the second NodeDataChanged /c, every other checker passes', (form) => {
    const result = checkClientHistory(load(form));
    expect(result.verdicts).toEqual(ALL_OK_BUT_WATCH_ORDER);
    // Without zxids the proof that #19 (the one write of "c1-2", version 1) is in #25's state is the data #25 shows.
    const witness = result.results.find((r) => r.name === 'watch-order')!.witness!;
    expect(witness.reason).toContain('NodeDataChanged /f313539/c');
    expect(witness.reason).toContain('set by #25');
  });

  it('dropping the echo does not make it possible: the library then had no watcher for the real event of #34', () => {
    // The echo used up the client's watch from #25 while the server still held it, so #34's event (8:7) reached
    // a client with no watcher on /c, which drops it: the history then lacks an event a Java client would get.
    const h = load('zxids');
    const second = (h.events ?? []).filter((e) => e.kind === 'watch' && e.path === '/f313539/c' && e.client === 0)[1]!;
    const result = checkClientHistory({ ...h, events: (h.events ?? []).filter((e) => e !== second) });
    expect(result.verdicts).toEqual(ALL_OK_BUT_WATCH_ORDER);
    expect(result.results.find((r) => r.name === 'watch-order')!.witness!.reason).toMatch(/reflects #34 .*set by #25/);
  });
});
