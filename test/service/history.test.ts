// A faulty service run's client observations become a valid NDJSON client history (it round-trips
// through the parser of sim/history, and the harness's live recorder gives the same ops as rebuilding it
// from the observations) that every client checker accepts: what zabsim's clients saw under crashes and
// partitions is explainable by one order of the committed writes, with sequential reads, FIFO order and
// watches in order. A session expiry is recorded as an ENDED record at its closeSession zxid, and the
// harness's verdicts then flag a read that still sees the expired session's ephemeral node.
import { describe, expect, test } from 'vitest';
import type { NodeId } from '../../protocol/program.js';
import { getNode } from '../../protocol/tree/index.js';
import { CLIENT_CHECKERS, checkSessionEphemerals } from '../../sim/checkers/client.js';
import { checkZkWrites } from '../../sim/checkers/zk-writes.js';
import { formatNdjsonHistory, parseNdjsonHistory } from '../../sim/history/index.js';
import type { ZkHistoryOp } from '../../sim/history/types.js';
import { serviceHistory } from '../../sim/service/history.js';
import { create, exists, faultyThreeClients, getData, ready, remove, run, setData } from './helpers.js';

describe('client history of a service run', () => {
  test.each(['h1', 'h2', 'h3'])('seed %s: round-trips and passes every client checker', (seed) => {
    const h = faultyThreeClients(`history-${seed}`);
    expect(h.settle()).toBe(true);
    const clients = h.clients as NodeId[];
    for (let i = 0; h.nowMs < 15_000; i++) {
      const c = clients[i % clients.length] as NodeId;
      const k = `/k${i % 3}`;
      const roll = i % 5;
      h.call(
        c,
        roll === 0
          ? create(k)
          : roll === 1
            ? setData(k, `v${i}`)
            : roll === 2
              ? setData(k, `w${i}`, i % 4)
              : roll === 3
                ? getData(k, i % 2 === 0)
                : remove(k, -1),
      );
      h.runFor(60);
    }
    h.runFor(5000);
    const history = h.history();
    expect(history.ops).toEqual(serviceHistory(h.observed, { seed }).ops);
    expect(history.ops.length).toBeGreaterThan(100);
    const text = formatNdjsonHistory(history);
    const parsed = parseNdjsonHistory(text, 'service.ndjson');
    expect(parsed.ops).toHaveLength(history.ops.length);
    const verdict = checkZkWrites(parsed);
    expect(verdict.verdict).toBe('ok');
    expect(verdict.checkedOps).toBeGreaterThan(50);
    // Every client checker runs on every service run, and passes here.
    const results = h.clientChecks();
    expect(results.map((r) => r.name)).toEqual([...CLIENT_CHECKERS]);
    expect(results.filter((r) => r.verdict !== 'ok').map((r) => r.witness?.text ?? r.name)).toEqual([]);
    expect(h.safetyViolated()).toBe(false);
  });
});

describe('session ends in the history', () => {
  test('an expiry becomes one ENDED record at its closeSession zxid; a read seeing the ephemeral after it is flagged', () => {
    const h = ready('history-expiry', { sessionTimeoutMs: 2000 });
    const [a, b] = h.clients as [NodeId, NodeId];
    const session = h.client(a)?.sessionId as number;
    expect(run(h, a, create('/e', 'EPHEMERAL')).err).toBe('OK');
    expect(run(h, b, { type: 'sync', path: '/' }).err).toBe('OK');
    expect(run(h, b, exists('/e')).err).toBe('OK');
    h.kernel.pause(a);
    expect(h.runUntil(() => h.servers.every((s) => getNode(h.tree(s), '/e') === undefined), 10_000)).toBe(true);
    expect(run(h, b, exists('/e')).err).toBe('NONODE');
    const ended = (h.history().events ?? []).filter((e) => e.kind === 'session' && e.state === 'ENDED');
    expect(ended).toHaveLength(1);
    expect(ended[0]).toMatchObject({ session, client: null });
    const endZxid = (ended[0] as { zxid: number }).zxid;
    expect(endZxid).toBeGreaterThan(0);
    expect(h.verdicts()['session-ephemerals']).toBe('ok');
    expect(h.safetyViolated()).toBe(false);

    // The same history with b's last read claiming /e still existed, owned by a's session, after the end.
    const history = h.history();
    const seen = history.ops.find((o) => o.client === b && o.op.type === 'exists' && o.result?.exists === true) as ZkHistoryOp;
    expect(seen.result?.ephemeralOwner).toBe(session);
    const stale: ZkHistoryOp = { ...seen, id: history.ops.length, readZxid: endZxid, invokeUs: h.kernel.nowUs, completeUs: h.kernel.nowUs + 1 };
    const r = checkSessionEphemerals({ ...history, ops: [...history.ops, stale] });
    expect(r.verdict).toBe('violated');
    expect(r.witness?.events).toEqual([ended[0]]);
  });
});
