// Small histories with a persistent or recursive watch (addWatch), shared by the watch-order test
// (test/checkers/watch-persistent.test.ts) and the reference checker's (test/reference/persistent.test.ts):
// client 2 creates /a, client 1 adds its watch on /a, client 2 creates /a/b, sets /a and deletes /a/b,
// client 1 reads /a last; `events` are what client 1 gets.
import type { ZkHistory, ZkHistoryEvent, ZkHistoryOp, ZkWatchType } from '../../sim/history/types.js';
import { clientOp, Z, zkHistory } from './history-builders.js';

export type Mode = 'persistent' | 'persistentRecursive';
export type Watch = ZkHistoryEvent & { kind: 'watch' };

const ok = { rc: 'ok' as const };

export function base(mode: Mode): ZkHistoryOp[] {
  return [
    clientOp(2, { type: 'create', path: '/a', data: '', mode: 'persistent' }, 0, 5, { rc: 'ok', path: '/a' }, Z(1)),
    clientOp(1, { type: 'addWatch', path: '/a', mode }, 8, 12, ok, null, { readZxid: Z(1) }),
    clientOp(2, { type: 'create', path: '/a/b', data: '', mode: 'persistent' }, 20, 30, { rc: 'ok', path: '/a/b' }, Z(2)),
    clientOp(2, { type: 'setData', path: '/a', data: 'x', version: -1 }, 40, 50, { rc: 'ok', version: 1 }, Z(3)),
    clientOp(2, { type: 'delete', path: '/a/b', version: -1 }, 60, 70, ok, Z(4)),
    clientOp(1, { type: 'getData', path: '/a' }, 100, 110, { rc: 'ok', data: 'x', version: 1 }, null, { readZxid: Z(4) }),
  ];
}

export function ev(type: ZkWatchType, path: string, zxid: number, atUs: number): Watch {
  return { kind: 'watch', client: 1, session: 101, server: 1, type, path, zxid, atUs };
}

export function events(mode: Mode): Watch[] {
  return mode === 'persistent'
    ? [ev('NodeChildrenChanged', '/a', Z(2), 35), ev('NodeDataChanged', '/a', Z(3), 55), ev('NodeChildrenChanged', '/a', Z(4), 75)]
    : [ev('NodeCreated', '/a/b', Z(2), 35), ev('NodeDataChanged', '/a', Z(3), 55), ev('NodeDeleted', '/a/b', Z(4), 75)];
}

/** A named case: the history, and whether ZooKeeper can produce it. */
export type Case = { readonly name: string; readonly history: ZkHistory; readonly possible: boolean };

const session = (state: 'CONNECTED' | 'DISCONNECTED', atUs: number): ZkHistoryEvent => ({ kind: 'session', client: 1, session: 101, server: 1, state, atUs });

export function cases(): Case[] {
  const out: Case[] = [];
  const add = (name: string, ops: ZkHistoryOp[], evs: ZkHistoryEvent[], possible: boolean): void => {
    out.push({ name, history: zkHistory(ops, evs), possible });
  };
  for (const mode of ['persistent', 'persistentRecursive'] as const) {
    const ops = base(mode);
    const evs = events(mode);
    add(`${mode}: every event`, ops, evs, true);
    add(`${mode}: every event, zxids unknown`, ops, evs.map((e) => ({ ...e, zxid: -1 })), true);
    evs.forEach((_, i) => add(`${mode}: event ${i} dropped`, ops, evs.filter((_, j) => j !== i), false));
    add(`${mode}: last event duplicated`, ops, [...evs, { ...evs[2]!, atUs: 80 }], false);
    add(`${mode}: wrong type`, ops, [evs[0]!, { ...evs[1]!, type: 'NodeCreated' }, evs[2]!], false);
    add(`${mode}: wrong path`, ops, [evs[0]!, { ...evs[1]!, path: '/c' }, evs[2]!], false);
    add(`${mode}: before its write`, ops, [evs[0]!, { ...evs[1]!, atUs: 38 }, evs[2]!], false);
    add(`${mode}: after the reply reflecting it`, ops, [evs[0]!, evs[1]!, { ...evs[2]!, atUs: 115 }], false);
    add(`${mode}: out of zxid order`, ops, [evs[1]!, { ...evs[0]!, atUs: 56 }, evs[2]!], false);
  }
  add('recursive: NodeChildrenChanged', base('persistentRecursive'), [...events('persistentRecursive'), ev('NodeChildrenChanged', '/a', Z(4), 76)], false);
  add('persistent: a descendant event', base('persistent'), [...events('persistent'), ev('NodeDeleted', '/a/b', Z(4), 76)], false);
  // /a deleted after the read: a PERSISTENT watch is in the data and child tables both (DataTree.addWatch), yet
  // DataTree.deleteNode passes the data trigger's watchers to childWatches.triggerWatch as its supress set: one event.
  const gone = clientOp(2, { type: 'delete', path: '/a', version: -1 }, 120, 130, ok, Z(5));
  const deleted = ev('NodeDeleted', '/a', Z(5), 125);
  add('persistent: its node deleted, one NodeDeleted', [...base('persistent'), gone], [...events('persistent'), deleted], true);
  add('persistent: its node deleted, NodeDeleted twice for one delete', [...base('persistent'), gone], [...events('persistent'), deleted, { ...deleted, atUs: 126 }], false);
  // A child watch on /a beside the persistent one: in 3.8 the child table holds /a in one mode, the last set.
  const read = clientOp(1, { type: 'getChildren', path: '/a', watch: true }, 13, 16, { rc: 'ok', children: [] }, null, { readZxid: Z(1) });
  const two = [ev('NodeChildrenChanged', '/a', Z(2), 35), ev('NodeDataChanged', '/a', Z(3), 55)];
  const ops = base('persistent');
  add('persistent, then a child watch: later NodeChildrenChanged may not come', [...ops.slice(0, 2), read, ...ops.slice(2)], two, true);
  add('persistent alone: NodeChildrenChanged lost', ops, two, false);
  // Disconnected at 36, back at 90: the events of 1:3 and 1:4 were lost with the connection; the reply at 110 reflects them.
  const rec = base('persistentRecursive');
  const first = events('persistentRecursive')[0]!;
  const moved = [session('DISCONNECTED', 36), session('CONNECTED', 90)];
  add('recursive across a reconnect: what changed meanwhile gets no event', rec, [first, ...moved], true);
  const own = clientOp(1, { type: 'setData', path: '/a', data: 'y', version: -1 }, 120, 130, { rc: 'ok', version: 2 }, Z(5));
  add('recursive across a reconnect: the own write on the new connection needs its event', [...rec, own], [first, ...moved], false);
  add('recursive across a reconnect: with the own write event', [...rec, own], [first, ...moved, ev('NodeDataChanged', '/a', Z(5), 125)], true);
  // The session's own write with no zxid recorded: its event comes before its reply all the same; and a
  // write of another session that completed before it was sent, after the watch was added.
  const mine = clientOp(1, { type: 'setData', path: '/a', data: 'z', version: -1 }, 120, 130, { rc: 'ok', version: 2 }, null);
  add('recursive: own write without zxid, no event', [...rec, mine], events('persistentRecursive'), false);
  add('recursive: own write without zxid, its event', [...rec, mine], [...events('persistentRecursive'), ev('NodeDataChanged', '/a', -1, 125)], true);
  const theirs = clientOp(2, { type: 'create', path: '/a/d', data: '', mode: 'persistent' }, 112, 116, { rc: 'ok', path: '/a/d' }, null);
  add('recursive: an earlier write without zxid, no event', [...rec, theirs, mine], [...events('persistentRecursive'), ev('NodeDataChanged', '/a', -1, 125)], false);
  add('recursive: an earlier write without zxid, its event', [...rec, theirs, mine], [...events('persistentRecursive'), ev('NodeCreated', '/a/d', -1, 117), ev('NodeDataChanged', '/a', -1, 125)], true);
  // Back at 40 on a connection that answers nothing before it drops at 80: setWatches2 ran there, and 1:3's event came on it.
  const twice = [session('DISCONNECTED', 36), session('CONNECTED', 40), session('DISCONNECTED', 80), session('CONNECTED', 90)];
  add('recursive: an event on a connection with no reply', rec, [first, ...twice, { ...events('persistentRecursive')[1]!, atUs: 55 }], true);
  add('recursive: an event on a connection with no reply, out of order', rec, [first, ...twice, { ...events('persistentRecursive')[2]!, atUs: 55 }, { ...events('persistentRecursive')[1]!, atUs: 56 }], false);
  return out;
}
