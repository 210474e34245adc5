// Proves watch-order honours a history's declared reconnect order: two real fault histories recorded
// through node-zookeeper-client (which sends the requests it queued while disconnected ahead of
// setWatches) pass when the header says `"reconnectOrder":"queued-first"`, and are flagged under the
// Java client's order (setWatches first), where an event after those replies would have been lost.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { parseNdjsonHistory } from '../../sim/history/ndjson.js';
import { checkWatchOrder } from '../../sim/checkers/client.js';
import type { ZkHistory } from '../../sim/history/types.js';

const DIR = join(import.meta.dirname, '../conformance/recordings/queued-first');
const files = readdirSync(DIR).filter((f) => f.endsWith('.ndjson'));

describe('real histories whose client sent queued requests ahead of setWatches', () => {
  test('there are recordings to judge', () => {
    expect(files.length).toBeGreaterThanOrEqual(2);
  });
  test.each(files)('%s: ok as recorded, violated under the Java order', (f) => {
    const h = parseNdjsonHistory(readFileSync(join(DIR, f), 'utf8'), f);
    expect(h.header['reconnectOrder']).toBe('queued-first');
    expect(checkWatchOrder(h).verdict).toBe('ok');
    const { reconnectOrder: _dropped, ...javaHeader } = h.header;
    const java: ZkHistory = { ...h, header: javaHeader as ZkHistory['header'] };
    expect(checkWatchOrder(java).verdict).toBe('violated');
  });
});
