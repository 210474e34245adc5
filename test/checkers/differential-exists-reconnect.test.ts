// Proves that zabsim's watch-order and the reference agree on an exists watch set on a missing node whose node
// was created and deleted again before the session reconnected (the event lost with the old connection):
// DataTree.setWatches on the new connection registers it anew, so the next create of the node fires it before
// any reply there that shows the node, the session's own create included (sweep seed 1685173094), while a reply
// that finds the node still missing owes nothing.
import { describe, expect, it } from 'vitest';
import { checkZkHistory } from '../../sim/cli/check.js';
import type { ZkHistory, ZkHistoryEvent, ZkHistoryOp } from '../../sim/history/types.js';
import { referenceCheck } from '../reference/reference.js';
import { clientOp, zkHistory } from './history-builders.js';

const connection = (state: 'CONNECTED' | 'DISCONNECTED', atUs: number): ZkHistoryEvent => ({
  kind: 'session',
  client: 1,
  session: 101,
  server: 1,
  state,
  atUs,
});
const reconnect = [connection('CONNECTED', 1), connection('DISCONNECTED', 55), connection('CONNECTED', 60)];
const nodeCreated = (atUs: number): ZkHistoryEvent => ({ kind: 'watch', client: 1, session: 101, server: 1, type: 'NodeCreated', path: '/a', zxid: -1, atUs });

/** Session 101 watches the missing /a; client 2 creates and deletes it; then `next`, after session 101 reconnected. */
function history(next: (ZkHistoryOp | 'own' | 'missing' | 'shown')[], events: ZkHistoryEvent[] = []): ZkHistory {
  const ops: ZkHistoryOp[] = [
    clientOp(1, { type: 'exists', path: '/a', watch: true }, 0, 10, { rc: 'ok', exists: false }, null),
    clientOp(2, { type: 'create', path: '/a', data: 'x', mode: 'persistent' }, 20, 30, { rc: 'ok', path: '/a' }, null),
    clientOp(2, { type: 'delete', path: '/a', version: -1 }, 40, 50, { rc: 'ok' }, null),
  ];
  for (const n of next) {
    if (n === 'own') ops.push(clientOp(1, { type: 'create', path: '/a', data: 'y', mode: 'persistent' }, 70, 80, { rc: 'ok', path: '/a' }, null));
    else if (n === 'missing') ops.push(clientOp(1, { type: 'exists', path: '/a' }, 70, 80, { rc: 'ok', exists: false }, null));
    else if (n === 'shown') {
      ops.push(clientOp(2, { type: 'create', path: '/a', data: 'z', mode: 'persistent' }, 90, 100, { rc: 'ok', path: '/a' }, null));
      ops.push(clientOp(1, { type: 'exists', path: '/a' }, 110, 120, { rc: 'ok', exists: true, version: 0 }, null));
    } else ops.push(n);
  }
  return zkHistory(ops, [...reconnect, ...events]);
}

function judge(h: ZkHistory): { watchOrder: string | undefined; possible: boolean | 'too-large' } {
  return { watchOrder: checkZkHistory(h).results.find((r) => r.name === 'watch-order')?.verdict, possible: referenceCheck(h).possible };
}

describe('an exists watch whose node came and went before a reconnect', () => {
  it("the session's own create of the node on the new connection, with no event before its reply, is impossible", () => {
    expect(judge(history(['own']))).toEqual({ watchOrder: 'violated', possible: false });
  });

  it('the same with the NodeCreated event before that reply is possible', () => {
    expect(judge(history(['own'], [nodeCreated(75)]))).toEqual({ watchOrder: 'ok', possible: true });
  });

  it('a read there that finds the node missing owes no event', () => {
    expect(judge(history(['missing']))).toEqual({ watchOrder: 'ok', possible: true });
  });

  it("another client's create after that read fires the watch: a read showing the node with no event first is impossible", () => {
    expect(judge(history(['missing', 'shown']))).toEqual({ watchOrder: 'violated', possible: false });
  });

  it('the same with the NodeCreated event before the read that shows the node is possible', () => {
    expect(judge(history(['missing', 'shown'], [nodeCreated(105)]))).toEqual({ watchOrder: 'ok', possible: true });
  });
});
