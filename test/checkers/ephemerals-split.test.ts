// Proves that getEphemerals answers are judged soundly (sim/checkers/ephemerals-split.ts): every answer
// of simulated ZooKeeper runs under crashes and partitions passes, an answer that lists a node the
// session does not own at that point, or leaves out one it does, is flagged, and "ok" is given only
// when the answer was checked in full.
import { describe, expect, it } from 'vitest';
import type { NodeId } from '../../protocol/program.js';
import { checkClientHistory } from '../../sim/checkers/client.js';
import { splitGetEphemerals } from '../../sim/checkers/ephemerals-split.js';
import type { ZkHistory, ZkHistoryUnjudged } from '../../sim/history/types.js';
import { serviceOptions } from '../../sim/service/run.js';
import { ServiceHarness } from '../../sim/service/run.js';
import { create, ready, remove, run } from '../service/helpers.js';

/** The history with its getEphemerals answers replaced, in order, by `answers` (undefined keeps one). */
function withAnswers(history: ZkHistory, answers: readonly (readonly string[] | undefined)[]): ZkHistory {
  let i = 0;
  const unjudged = (history.unjudged ?? []).map((u): ZkHistoryUnjudged => {
    if (u.op.type !== 'getEphemerals') return u;
    const answer = answers[i++];
    return answer === undefined ? u : { ...u, result: { ...u.result, children: [...answer] } };
  });
  return { ...history, unjudged };
}

const verdictOf = (h: ZkHistory): string => checkClientHistory(h).verdicts['sequential-reads'] as string;

describe('getEphemerals judged as existence reads', () => {
  it('an answer checked in full is ok; one listing a node not there, or leaving one out, is flagged', () => {
    const h = ready('ephemerals-one');
    const [a] = h.clients as [NodeId];
    run(h, a, create('/g'));
    run(h, a, create('/g/e1', 'EPHEMERAL'));
    expect(run(h, a, { type: 'getEphemerals', path: '/g' }).err).toBe('OK');
    const history = h.history();
    expect(history.unjudged?.map((u) => u.result.children)).toEqual([['/g/e1']]);
    expect(checkClientHistory(history).verdicts).toEqual({
      'linearizable-writes': 'ok',
      'sequential-reads': 'ok',
      'fifo-client-order': 'ok',
      'watch-order': 'ok',
      'session-ephemerals': 'ok',
    });
    expect(verdictOf(withAnswers(history, [[]]))).toBe('violated');
    expect(verdictOf(withAnswers(history, [['/g/e1', '/g/e2']]))).toBe('violated');
    expect(verdictOf(withAnswers(history, [['/g/e2']]))).toBe('violated');
  });

  it("flags another session's ephemeral in the answer, and a deleted one; a prefix that selects nothing stays ok", () => {
    const h = ready('ephemerals-two');
    const [a, b] = h.clients as [NodeId, NodeId];
    run(h, a, create('/g'));
    run(h, a, create('/g/a', 'EPHEMERAL'));
    run(h, b, create('/g/b', 'EPHEMERAL'));
    run(h, a, create('/g/gone', 'EPHEMERAL'));
    run(h, a, remove('/g/gone'));
    expect(run(h, a, { type: 'getEphemerals', path: '/g/a' }).err).toBe('OK');
    expect(run(h, a, { type: 'getEphemerals', path: '/h' }).err).toBe('OK');
    const history = h.history();
    expect(history.unjudged?.map((u) => u.result.children)).toEqual([['/g/a'], []]);
    expect(verdictOf(history)).toBe('ok');
    expect(verdictOf(withAnswers(history, [['/g/a', '/g/b']]))).toBe('violated');
    expect(verdictOf(withAnswers(history, [undefined, ['/g/gone']]))).toBe('violated');
    // A listed path the prefix "/h" does not select: not flagged (the node is the session's), never ok.
    expect(verdictOf(withAnswers(history, [undefined, ['/g/a']]))).toBe('unknown');
  });

  it('keeps ok out of reach for an unnamed sequential ephemeral the prefix may match', () => {
    const history: ZkHistory = {
      header: { kind: 'header', version: 1 },
      ops: [
        {
          kind: 'op',
          id: 0,
          client: 1,
          session: 7,
          server: 1,
          op: { type: 'create', path: '/q', data: '', mode: 'persistent' },
          invokeUs: 0,
          completeUs: 10,
          outcome: 'ok',
          result: { rc: 'ok', path: '/q' },
          zxid: null,
        },
        {
          kind: 'op',
          id: 1,
          client: 1,
          session: 7,
          server: 1,
          op: { type: 'create', path: '/q/s-', data: '', mode: 'ephemeralSequential' },
          invokeUs: 20,
          completeUs: null,
          outcome: 'info',
          result: null,
          zxid: null,
        },
      ],
      unjudged: [
        {
          kind: 'unjudged',
          client: 1,
          session: 7,
          server: 2,
          op: { type: 'getEphemerals', path: '/q' },
          invokeUs: 100,
          completeUs: 110,
          result: { rc: 'ok', children: [] },
          readZxid: null,
        },
      ],
    };
    const split = splitGetEphemerals(history);
    expect(split.history.unjudged).toBeUndefined();
    expect(split.incompleteReason).toMatch(/not in full/);
    expect(checkClientHistory(history).verdicts['sequential-reads']).toBe('unknown');
  });

  it('raises no alarm on the answers of simulated runs under crashes and partitions', () => {
    let split = 0;
    for (let seed = 1; seed <= 5; seed++) {
      const h = new ServiceHarness(
        serviceOptions(`ephemerals-faults-${seed}`, {
          clients: 3,
          faults: [
            { atMs: 2500 + 300 * seed, type: 'crash', target: 'leader', keepUnsynced: true },
            { atMs: 4500 + 200 * seed, type: 'restart', target: 'all-down' },
            { atMs: 6000, type: 'partition', mode: 'isolate', target: seed % 2 === 0 ? 'leader' : 'follower' },
            { atMs: 7500, type: 'heal' },
          ],
        }),
      );
      expect(h.settle()).toBe(true);
      const clients = h.clients as NodeId[];
      h.callAndWait(clients[0]!, create('/g'));
      for (let round = 0; round < 40; round++) {
        clients.forEach((c, i) => {
          const k = (round + i) % 5;
          if (k === 0) h.call(c, create(`/g/e${i}-${round % 3}`, 'EPHEMERAL'));
          else if (k === 1) h.call(c, create(`/g/s${i}-`, 'EPHEMERAL_SEQUENTIAL'));
          else if (k === 2) h.call(c, remove(`/g/e${i}-${(round + 1) % 3}`));
          else h.call(c, { type: 'getEphemerals', path: k === 3 ? '/g/e' : '/' });
        });
        h.runFor(200);
      }
      h.runFor(5000);
      const history = h.history();
      const violated = Object.entries(checkClientHistory(history).verdicts).filter(([, v]) => v === 'violated');
      expect(violated, `seed ${seed}`).toEqual([]);
      split += (history.unjudged ?? []).filter((u) => u.op.type === 'getEphemerals').length - (splitGetEphemerals(history).history.unjudged ?? []).length;
    }
    // The runs' answers were judged, not left aside.
    expect(split).toBeGreaterThan(80);
  });
});
