// watch-order judges histories with persistent and recursive watches (addWatch): simulated runs with
// faults, where such watches move with their sessions across reconnects, pass; and small histories whose
// persistent events are dropped, duplicated, of the wrong type or path, too early or after a reply that
// reflects their change are flagged, while their valid twins pass.
import { describe, expect, test } from 'vitest';
import type { NodeId } from '../../protocol/program.js';
import type { ZkCommand } from '../../protocol/client/zk-client.js';
import type { ZkHistoryEvent, ZkHistoryOp, ZkWatchType } from '../../sim/history/types.js';
import { checkWatchOrder } from '../../sim/checkers/watch-order.js';
import { ServiceHarness, serviceOptions } from '../../sim/service/run.js';
import { create, getData, remove, setData } from '../service/helpers.js';
import { clientOp, Z, zkHistory } from './history-builders.js';

const ok = { rc: 'ok' as const };

/** Client 1 adds a watch on /a (mode), client 2 creates /a/b, sets /a, deletes /a/b; client 1 reads /a last. */
function base(mode: 'persistent' | 'persistentRecursive'): ZkHistoryOp[] {
  return [
    clientOp(1, { type: 'addWatch', path: '/a', mode }, 0, 10, ok, null, { readZxid: Z(1) }),
    clientOp(2, { type: 'create', path: '/a/b', data: '', mode: 'persistent' }, 20, 30, { rc: 'ok', path: '/a/b' }, Z(2)),
    clientOp(2, { type: 'setData', path: '/a', data: 'x', version: -1 }, 40, 50, { rc: 'ok', version: 1 }, Z(3)),
    clientOp(2, { type: 'delete', path: '/a/b', version: -1 }, 60, 70, ok, Z(4)),
    clientOp(1, { type: 'getData', path: '/a' }, 100, 110, { rc: 'ok', data: 'x', version: 1 }, null, { readZxid: Z(4) }),
  ];
}

function ev(type: ZkWatchType, path: string, zxid: number, atUs: number): ZkHistoryEvent {
  return { kind: 'watch', client: 1, session: 101, server: 1, type, path, zxid, atUs };
}

/** The events client 1 gets for `base(mode)`. */
function events(mode: 'persistent' | 'persistentRecursive'): ZkHistoryEvent[] {
  return mode === 'persistent'
    ? [ev('NodeChildrenChanged', '/a', Z(2), 35), ev('NodeDataChanged', '/a', Z(3), 55), ev('NodeChildrenChanged', '/a', Z(4), 75)]
    : [ev('NodeCreated', '/a/b', Z(2), 35), ev('NodeDataChanged', '/a', Z(3), 55), ev('NodeDeleted', '/a/b', Z(4), 75)];
}

const verdict = (ops: ZkHistoryOp[], evs: ZkHistoryEvent[]): string => checkWatchOrder(zkHistory(ops, evs)).verdict;

describe('watch-order with persistent watches', () => {
  for (const mode of ['persistent', 'persistentRecursive'] as const) {
    test(`${mode}: every change gets its event, in order, before the reply reflecting it`, () => {
      expect(verdict(base(mode), events(mode))).toBe('ok');
      // With the events' zxids unknown (ZooKeeper 3.8 sends -1) too.
      expect(verdict(base(mode), events(mode).map((e) => (e.kind === 'watch' ? { ...e, zxid: -1 } : e)))).toBe('ok');
    });

    test(`${mode}: a dropped event is lost before the later reply`, () => {
      const evs = events(mode);
      for (let i = 0; i < evs.length; i++) expect(verdict(base(mode), evs.filter((_, j) => j !== i))).toBe('violated');
    });

    test(`${mode}: a duplicated event, a wrong type or path, and an event before its write are flagged`, () => {
      const evs = events(mode) as (ZkHistoryEvent & { kind: 'watch' })[];
      expect(verdict(base(mode), [...evs, { ...evs[2]!, atUs: 80 }])).toBe('violated');
      expect(verdict(base(mode), [evs[0]!, { ...evs[1]!, type: 'NodeCreated' }, evs[2]!])).toBe('violated');
      expect(verdict(base(mode), [evs[0]!, { ...evs[1]!, path: '/c' }, evs[2]!])).toBe('violated');
      expect(verdict(base(mode), [evs[0]!, { ...evs[1]!, atUs: 38 }, evs[2]!])).toBe('violated');
      // After the reply from a state that holds its change (moved past client 1's read).
      expect(verdict(base(mode), [evs[0]!, evs[1]!, { ...evs[2]!, atUs: 115 }])).toBe('violated');
      // Out of zxid order.
      expect(verdict(base(mode), [evs[1]!, { ...evs[0]!, atUs: 56 }, evs[2]!])).toBe('violated');
    });
  }

  test('a recursive watch never gets NodeChildrenChanged; a persistent one not a descendant event', () => {
    const rec = events('persistentRecursive');
    expect(verdict(base('persistentRecursive'), [...rec, ev('NodeChildrenChanged', '/a', Z(4), 76)])).toBe('violated');
    expect(verdict(base('persistent'), [...events('persistent'), ev('NodeDeleted', '/a/b', Z(4), 76)])).toBe('violated');
  });

  test('a one-shot watch on the same path makes the persistent one one-shot in 3.8: later events may be missing', () => {
    const ops = base('persistent');
    const read = clientOp(1, { type: 'getChildren', path: '/a', watch: true }, 12, 15, { rc: 'ok', children: [] }, null, { readZxid: Z(1) });
    // The child watch takes the create's event; the server's child table then holds nothing for /a.
    expect(verdict([ops[0]!, read, ...ops.slice(1)], [ev('NodeChildrenChanged', '/a', Z(2), 35), ev('NodeDataChanged', '/a', Z(3), 55)])).toBe('ok');
    expect(verdict(ops, [ev('NodeChildrenChanged', '/a', Z(2), 35), ev('NodeDataChanged', '/a', Z(3), 55)])).toBe('violated');
  });

  test('after a reconnect, changes before the re-registration owe nothing; those after it do', () => {
    const s = (state: 'CONNECTED' | 'DISCONNECTED', atUs: number): ZkHistoryEvent => ({ kind: 'session', client: 1, session: 101, server: 1, state, atUs });
    const ops = base('persistentRecursive');
    const evs = events('persistentRecursive');
    // Disconnected at 36, back at 90: every event but the first missed; the read at 100 reflects them all.
    const moved = [s('DISCONNECTED', 36), s('CONNECTED', 90)];
    expect(verdict(ops, [evs[0]!, ...moved])).toBe('ok');
    // A write of the session on the new connection (at 1:5, so setWatches2 ran below it) owes its own event.
    const own = clientOp(1, { type: 'setData', path: '/a', data: 'y', version: -1 }, 120, 130, { rc: 'ok', version: 2 }, Z(5));
    expect(verdict([...ops, own], [evs[0]!, ...moved])).toBe('violated');
    expect(verdict([...ops, own], [evs[0]!, ...moved, ev('NodeDataChanged', '/a', Z(5), 125)])).toBe('ok');
  });
});

describe('simulated runs with persistent watches and faults', () => {
  test.each(['pw1', 'pw2', 'pw3', 'pw4'])('seed %s: watch-order judges them ok', (seed) => {
    const h = new ServiceHarness(
      serviceOptions(`watch-persistent-${seed}`, {
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
    clients.forEach((c, i) => h.call(c, { type: 'addWatch', path: i === 0 ? '/' : '/k1', mode: i === 2 ? 'PERSISTENT' : 'PERSISTENT_RECURSIVE' } satisfies ZkCommand));
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
