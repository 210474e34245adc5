// A faulty service run's client observations become a valid NDJSON client history (it round-trips
// through the parser of sim/history) that the ZooKeeper write checker accepts: what zabsim's clients
// saw under crashes and partitions is explainable by one order of the committed writes.
import { describe, expect, test } from 'vitest';
import type { NodeId } from '../../protocol/program.js';
import { checkZkWrites } from '../../sim/checkers/zk-writes.js';
import { formatNdjsonHistory, parseNdjsonHistory } from '../../sim/history/index.js';
import { serviceHistory } from '../../sim/service/history.js';
import { ServiceHarness, serviceOptions } from '../../sim/service/run.js';
import { create, getData, remove, setData } from './helpers.js';

describe('client history of a service run', () => {
  test.each(['h1', 'h2', 'h3'])('seed %s: round-trips and passes the ZooKeeper write checker', (seed) => {
    const h = new ServiceHarness(
      serviceOptions(`history-${seed}`, {
        clients: 3,
        faults: [
          { atMs: 3000, type: 'crash', target: 'leader' },
          { atMs: 6000, type: 'restart', target: 'all-down' },
          { atMs: 8000, type: 'partition', mode: 'isolate', target: 'any' },
          { atMs: 11_000, type: 'heal' },
        ],
      }),
    );
    expect(h.settle()).toBe(true);
    const clients = h.clients as NodeId[];
    for (let i = 0; h.nowMs < 15_000; i++) {
      const c = clients[i % clients.length] as NodeId;
      const k = `/k${i % 3}`;
      const roll = i % 5;
      h.call(c, roll === 0 ? create(k) : roll === 1 ? setData(k, `v${i}`) : roll === 2 ? setData(k, `w${i}`, i % 4) : roll === 3 ? getData(k) : remove(k, -1));
      h.runFor(60);
    }
    h.runFor(5000);
    const history = serviceHistory(h.observed, { seed });
    expect(history.ops.length).toBeGreaterThan(100);
    const text = formatNdjsonHistory(history);
    const parsed = parseNdjsonHistory(text, 'service.ndjson');
    expect(parsed.ops).toHaveLength(history.ops.length);
    const verdict = checkZkWrites(parsed);
    expect(verdict.verdict).toBe('ok');
    expect(verdict.checkedOps).toBeGreaterThan(50);
  });
});
