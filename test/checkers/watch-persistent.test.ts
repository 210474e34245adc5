// watch-order judges histories with persistent and recursive watches (addWatch): simulated runs with
// faults, where such watches move with their sessions across reconnects, pass; and small histories whose
// persistent events are dropped, duplicated, of the wrong type or path, too early, out of order or after
// a reply that reflects their change are flagged, while their valid twins pass (persistent-fixtures.ts,
// which the reference checker's test judges alike).
import { describe, expect, test } from 'vitest';
import type { NodeId } from '../../protocol/program.js';
import type { ZkCommand } from '../../protocol/client/zk-client.js';
import { checkWatchOrder } from '../../sim/checkers/watch-order.js';
import { create, faultyThreeClients, getData, remove, setData } from '../service/helpers.js';
import { cases } from './persistent-fixtures.js';

describe('watch-order with persistent watches', () => {
  test.each(cases().map((c) => [c.name, c] as const))('%s', (_, c) => {
    const r = checkWatchOrder(c.history);
    expect(r.verdict).toBe(c.possible ? 'ok' : 'violated');
  });
});

describe('simulated runs with persistent watches and faults', () => {
  test.each(['pw1', 'pw2', 'pw3', 'pw4'])('seed %s: watch-order judges them ok', (seed) => {
    const h = faultyThreeClients(`watch-persistent-${seed}`);
    expect(h.settle()).toBe(true);
    const clients = h.clients as NodeId[];
    clients.forEach((c, i) =>
      h.call(c, { type: 'addWatch', path: i === 0 ? '/' : '/k1', mode: i === 2 ? 'PERSISTENT' : 'PERSISTENT_RECURSIVE' } satisfies ZkCommand),
    );
    for (let i = 0; h.nowMs < 15_000; i++) {
      const c = clients[i % clients.length] as NodeId;
      const k = i % 4 === 3 ? `/k1/c${i % 5}` : `/k${i % 3}`;
      const roll = (i * 7) % 6;
      const cmd: ZkCommand =
        roll === 0
          ? create(k)
          : roll === 1
            ? setData(k, `v${i}`)
            : roll === 2
              ? { type: 'addWatch', path: k, mode: i % 2 === 0 ? 'PERSISTENT' : 'PERSISTENT_RECURSIVE' }
              : roll === 3
                ? getData(k, i % 3 === 0)
                : roll === 4
                  ? create('/k1')
                  : remove(k);
      h.call(c, cmd);
      h.runFor(60);
    }
    h.runFor(5000);
    const history = h.history();
    expect(history.ops.filter((o) => o.op.type === 'addWatch' && o.outcome === 'ok').length).toBeGreaterThan(10);
    expect((history.events ?? []).filter((e) => e.kind === 'watch').length).toBeGreaterThan(20);
    const r = checkWatchOrder(history);
    expect([r.verdict, r.witness?.text]).toEqual(['ok', undefined]);
  });
});
