// The client history carries ZooKeeper 3.8's watch calls (addWatch, removeWatches and
// removeAllWatches, rc noWatcher) and the events of persistent watches, round-trips through the
// NDJSON parser, and the client checkers judge it soundly: watch-order, which does not judge
// removeWatches yet, answers unknown with its reason instead of a verdict, and the other checkers still decide,
// also on runs with crashes and partitions where persistent watches move with their sessions.
import { describe, expect, test } from 'vitest';
import type { NodeId } from '../../protocol/program.js';
import type { ZkCommand } from '../../protocol/client/zk-client.js';
import { checkClientHistory } from '../../sim/checkers/client.js';
import { formatNdjsonHistory, parseNdjsonHistory } from '../../sim/history/index.js';
import { create, faultyThreeClients, getData, ready, remove, run, setData } from './helpers.js';

describe('watch calls in the client history', () => {
  test('addWatch and removeWatches ops, their results and the persistent events are recorded and parse back', () => {
    const h = ready('watch-history');
    const [a, b] = h.clients as [NodeId, NodeId];
    run(h, a, create('/h'));
    run(h, b, { type: 'sync', path: '/' });
    run(h, b, { type: 'addWatch', path: '/h', mode: 'PERSISTENT_RECURSIVE' } satisfies ZkCommand);
    run(h, a, setData('/h', '1'));
    run(h, a, create('/h/c'));
    run(h, b, getData('/h/c'));
    run(h, b, { type: 'removeAllWatches', path: '/h', watcherType: 'Any', local: false } satisfies ZkCommand);
    run(h, b, { type: 'removeWatches', path: '/h', watcherType: 'Data', local: true } satisfies ZkCommand);
    h.runFor(300);
    const history = h.history();
    const ops = history.ops.filter((o) => o.client === b).map((o) => [o.op, o.outcome, o.result?.rc]);
    expect(ops).toContainEqual([{ type: 'addWatch', path: '/h', mode: 'persistentRecursive' }, 'ok', 'ok']);
    expect(ops).toContainEqual([{ type: 'removeWatches', path: '/h', watcherType: 'any', local: false, all: true }, 'ok', 'ok']);
    expect(ops).toContainEqual([{ type: 'removeWatches', path: '/h', watcherType: 'data', local: true, all: false }, 'ok', 'noWatcher']);
    expect((history.events ?? []).filter((e) => e.kind === 'watch' && e.client === b).map((e) => e.kind === 'watch' && `${e.type} ${e.path}`)).toEqual([
      'NodeDataChanged /h',
      'NodeCreated /h/c',
    ]);
    const text = formatNdjsonHistory(history);
    expect(formatNdjsonHistory(parseNdjsonHistory(text, 'h.ndjson'))).toBe(text);

    const report = checkClientHistory(history);
    const watchOrder = report.results.find((r) => r.name === 'watch-order');
    expect(watchOrder?.verdict).toBe('unknown');
    expect(watchOrder?.notes?.[0]).toMatch(/removeWatches/);
    for (const name of ['linearizable-writes', 'sequential-reads', 'fifo-client-order', 'session-ephemerals']) expect(report.verdicts[name]).toBe('ok');
  });

  test('the parser names the bad field of a watch op', () => {
    const header = '{"kind":"header","version":1}';
    const op = (o: string): string =>
      `${header}\n{"kind":"op","id":1,"client":1,"session":1,"server":1,"op":${o},"invokeUs":0,"completeUs":1,"outcome":"ok","result":{"rc":"ok"},"zxid":null}\n`;
    expect(() => parseNdjsonHistory(op('{"type":"addWatch","path":"/a","mode":"once"}'), 'f')).toThrow(/f:2: expected .*mode/);
    expect(() => parseNdjsonHistory(op('{"type":"removeWatches","path":"/a","watcherType":"any","local":1,"all":true}'), 'f')).toThrow(
      /f:2: expected .*local to be a boolean/,
    );
  });

  test.each(['pw1', 'pw2', 'pw3'])('seed %s: a faulty run with persistent watches passes every checker that judges it; watch-order refuses', (seed) => {
    const h = faultyThreeClients(`watch-history-${seed}`);
    expect(h.settle()).toBe(true);
    const clients = h.clients as NodeId[];
    for (const c of clients) h.call(c, { type: 'addWatch', path: '/', mode: 'PERSISTENT_RECURSIVE' } satisfies ZkCommand);
    for (let i = 0; h.nowMs < 15_000; i++) {
      const c = clients[i % clients.length] as NodeId;
      const k = `/k${i % 3}`;
      const roll = i % 7;
      const cmd: ZkCommand =
        roll === 0
          ? create(k)
          : roll === 1
            ? setData(k, `v${i}`)
            : roll === 2
              ? { type: 'addWatch', path: k, mode: 'PERSISTENT' }
              : roll === 3
                ? getData(k, true)
                : roll === 4
                  ? { type: 'removeAllWatches', path: k, watcherType: i % 2 === 0 ? 'Any' : 'Data', local: i % 3 === 0 }
                  : roll === 5
                    ? { type: 'removeWatches', path: k, watcherType: 'Children', local: false }
                    : remove(k);
      h.call(c, cmd);
      h.runFor(60);
    }
    h.runFor(5000);
    const history = h.history();
    expect(history.ops.filter((o) => o.op.type === 'addWatch' && o.outcome === 'ok').length).toBeGreaterThan(10);
    expect((history.events ?? []).filter((e) => e.kind === 'watch').length).toBeGreaterThan(20);
    const results = h.clientChecks();
    expect(results.find((r) => r.name === 'watch-order')?.verdict).toBe('unknown');
    expect(results.filter((r) => r.name !== 'watch-order' && r.verdict !== 'ok').map((r) => r.witness?.text ?? r.name)).toEqual([]);
    expect(h.safetyViolated()).toBe(false);
  });
});
