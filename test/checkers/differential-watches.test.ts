// Proves, one small history per shape the reference sweep found on watches, that watch-order and the
// reference checker both reject what no ZooKeeper execution produces and both accept its possible neighbour.
import { describe, expect, test } from 'vitest';
import { checkWatchOrder } from '../../sim/checkers/client.js';
import type { ZkHistory, ZkHistoryEvent, ZkHistoryOp, ZkOp, ZkResult, ZkWatchType } from '../../sim/history/types.js';
import { endedRecord, zkHistory, zkOpRecord } from './history-builders.js';
import { referenceCheck } from '../reference/reference.js';

const Z = (counter: number): number => 2 ** 32 + counter; // zxid 1:counter

function op(
  session: number,
  o: ZkOp,
  invokeUs: number,
  completeUs: number | null,
  result: ZkResult | null,
  zxid: number | null,
  extra: Partial<ZkHistoryOp> = {},
): ZkHistoryOp {
  return zkOpRecord(o, invokeUs, completeUs, result, zxid, { client: session - 1000, session, ...extra });
}
function watch(session: number, type: ZkWatchType, path: string, zxid: number, atUs: number): ZkHistoryEvent {
  return { kind: 'watch', client: session - 1000, session, server: 1, type, path, zxid, atUs };
}
function connected(session: number, atUs: number): ZkHistoryEvent {
  return { kind: 'session', client: session - 1000, session, server: 2, state: 'CONNECTED', atUs };
}
const hist = zkHistory;
/** Both checkers' answers: watch-order's verdict, and whether the reference finds an execution. */
function judged(h: ZkHistory): { zabsim: string; possible: boolean | 'too-large' } {
  return { zabsim: checkWatchOrder(h).verdict, possible: referenceCheck(h).possible };
}
const IMPOSSIBLE = { zabsim: 'violated', possible: false };
const POSSIBLE = { zabsim: 'ok', possible: true };

const create = (path: string): ZkOp => ({ type: 'create', path, data: 'v', mode: 'persistent' });
const setData = (path: string): ZkOp => ({ type: 'setData', path, data: 'w', version: -1 });
const del = (path: string): ZkOp => ({ type: 'delete', path, version: -1 });

describe('watch-unexplained: the event must be one its watch can get, from a change made after it was set', () => {
  test('an exists watch on a missing node only ever gets NodeCreated (DataTree.setWatches, WatchManager)', () => {
    const set = op(1002, { type: 'exists', path: '/a', watch: true }, 10, 20, { rc: 'ok', exists: false }, null);
    const made = op(1003, create('/a'), 30, 40, { rc: 'ok', path: '/a' }, Z(1));
    expect(judged(hist([set, made], [watch(1002, 'NodeDataChanged', '/a', Z(1), 50)]))).toEqual(IMPOSSIBLE);
    expect(judged(hist([set, made], [watch(1002, 'NodeCreated', '/a', Z(1), 50)]))).toEqual(POSSIBLE);
  });
  test('a data watch, set on a node that existed, never gets NodeCreated', () => {
    const made = op(1001, create('/b'), 1, null, null, null);
    const set = op(1002, { type: 'exists', path: '/b', watch: true }, 10, 20, { rc: 'ok', exists: true, version: 0 }, null);
    expect(judged(hist([made, set], [watch(1002, 'NodeCreated', '/b', Z(3), 60)]))).toEqual(IMPOSSIBLE);
  });
  test('on the connection that set it, a create does not explain NodeDataChanged (only setWatches after a reconnect may)', () => {
    const made = op(1002, create('/b'), 1, 5, { rc: 'ok', path: '/b' }, null);
    const set = op(1001, { type: 'exists', path: '/b', watch: true }, 3, 8, { rc: 'ok', exists: true, version: 0 }, null);
    expect(judged(hist([made, set], [watch(1001, 'NodeDataChanged', '/b', Z(2), 70)]))).toEqual(IMPOSSIBLE);
    const changed = op(1002, setData('/b'), 20, 30, { rc: 'ok', version: 1 }, Z(2));
    expect(judged(hist([made, set, changed], [watch(1001, 'NodeDataChanged', '/b', Z(2), 70)]))).toEqual(POSSIBLE);
  });
  test('on the connection that set it, the event names exactly its change`s zxid', () => {
    const parent = op(1001, create('/a'), 1, 5, { rc: 'ok', path: '/a' }, Z(4));
    const child = op(1002, create('/a/c'), 6, 20, { rc: 'ok', path: '/a/c' }, Z(5));
    const set = op(1001, { type: 'exists', path: '/a/c', watch: true }, 8, 22, { rc: 'ok', exists: false }, null);
    expect(judged(hist([parent, child, set], [watch(1001, 'NodeCreated', '/a/c', Z(6), 30)]))).toEqual(IMPOSSIBLE);
    expect(judged(hist([parent, child, set], [watch(1001, 'NodeCreated', '/a/c', Z(5), 30)]))).toEqual(POSSIBLE);
  });
  test('the change that fired an event was sent before the event arrived', () => {
    const made = op(1002, create('/b'), 1, 5, { rc: 'ok', path: '/b' }, Z(1));
    const set = op(1001, { type: 'exists', path: '/b', watch: true }, 10, 20, { rc: 'ok', exists: true, version: 0 }, null);
    const changed = op(1001, { type: 'setData', path: '/b', data: 'w', version: 0 }, 40, 50, { rc: 'ok', version: 1 }, Z(2));
    expect(judged(hist([made, set, changed], [watch(1001, 'NodeDataChanged', '/b', Z(2), 30)]))).toEqual(IMPOSSIBLE);
    expect(judged(hist([made, set, changed], [watch(1001, 'NodeDataChanged', '/b', Z(2), 45)]))).toEqual(POSSIBLE);
  });
});

describe('watch-lost: a reply that must reflect a change comes after the event the change fired', () => {
  test("the session's own write on a later connection fires the watch it re-sent with setWatches", () => {
    const made = op(1001, create('/b'), 1, 5, { rc: 'ok', path: '/b' }, Z(1));
    const set = op(1001, { type: 'getData', path: '/b', watch: true }, 10, 20, { rc: 'ok', data: 'v', version: 0 }, null);
    const gone = op(1001, del('/b'), 40, 50, { rc: 'ok' }, Z(3));
    expect(judged(hist([made, set, gone], [connected(1001, 30)]))).toEqual(IMPOSSIBLE);
    expect(judged(hist([made, set, gone], [connected(1001, 30), watch(1001, 'NodeDeleted', '/b', Z(3), 45)]))).toEqual(POSSIBLE);
  });
  test('the first reply of a new connection to a write that fires the watch (the zabsim-right false alarm of the sweep)', () => {
    const set = op(1002, { type: 'getChildren', path: '/', watch: true }, 10, 20, { rc: 'ok', children: ['zookeeper'] }, null, { readZxid: Z(0) });
    const made = op(1002, create('/b'), 40, 50, { rc: 'ok', path: '/b' }, Z(2));
    expect(judged(hist([set, made], [connected(1002, 30)]))).toEqual(IMPOSSIBLE);
    expect(judged(hist([set, made], [connected(1002, 30), watch(1002, 'NodeChildrenChanged', '/', Z(2), 45)]))).toEqual(POSSIBLE);
  });
  test('a change whose event the old connection lost is re-sent by setWatches before the next reply', () => {
    const made = op(1001, create('/b'), 1, 5, { rc: 'ok', path: '/b' }, null);
    const set = op(1001, { type: 'getData', path: '/b', watch: true }, 10, 20, { rc: 'ok', data: 'v', version: 0 }, null, { readZxid: Z(1) });
    const lost = op(1001, setData('/b'), 25, null, null, null);
    const next = op(1001, setData('/b'), 40, 50, { rc: 'ok', version: 2 }, Z(6));
    expect(judged(hist([made, set, lost, next], [connected(1001, 30)]))).toEqual(IMPOSSIBLE);
    expect(judged(hist([made, set, lost, next], [connected(1001, 30), watch(1001, 'NodeDataChanged', '/b', Z(5), 35)]))).toEqual(POSSIBLE);
  });
  test("a write sent after another session's change completed, itself sent after the watch was set, reflects it", () => {
    const set = op(1002, { type: 'exists', path: '/a', watch: true }, 10, 20, { rc: 'ok', exists: false }, null);
    const made = op(1001, create('/a'), 30, 40, { rc: 'ok', path: '/a' }, null);
    const close = op(1002, { type: 'closeSession' }, 50, 60, { rc: 'ok' }, null);
    expect(judged(hist([set, made, close]))).toEqual(IMPOSSIBLE);
    expect(judged(hist([set, made, close], [watch(1002, 'NodeCreated', '/a', -1, 55)]))).toEqual(POSSIBLE);
  });
});

describe('what a read showed, and the zxids a history names, place a change after a watch was set', () => {
  const ended = endedRecord;
  test('a create of a child the getChildren did not list is after it, when nothing deletes that child', () => {
    const set = op(1002, { type: 'getChildren', path: '/', watch: true }, 10, 30, { rc: 'ok', children: ['zookeeper'] }, null);
    const made = op(1001, create('/a'), 20, 35, { rc: 'ok', path: '/a' }, Z(2));
    const close = op(1002, { type: 'closeSession' }, 40, 70, { rc: 'ok' }, null);
    expect(judged(hist([set, made, close]))).toEqual(IMPOSSIBLE);
    expect(judged(hist([set, made, close], [watch(1002, 'NodeChildrenChanged', '/', Z(2), 50)]))).toEqual(POSSIBLE);
  });
  test('a delete of the node a read saw is after it, when every create of that node completed before the delete was sent', () => {
    const made = op(1002, create('/a'), 1, 5, { rc: 'ok', path: '/a' }, Z(1));
    const set = op(1003, { type: 'exists', path: '/a', watch: true }, 20, 30, { rc: 'ok', exists: true, version: 0 }, null);
    const gone = op(1004, del('/a'), 10, 25, { rc: 'ok' }, null);
    const close = op(1003, { type: 'closeSession' }, 40, 60, { rc: 'ok' }, Z(3));
    expect(judged(hist([made, set, gone, close]))).toEqual(IMPOSSIBLE);
    expect(judged(hist([made, set, gone, close], [watch(1003, 'NodeDeleted', '/a', -1, 50)]))).toEqual(POSSIBLE);
  });
  test('on its own connection a watch fires at the first change after it was set, not a later one', () => {
    const made = op(1002, create('/b'), 1, 5, { rc: 'ok', path: '/b' }, Z(1));
    const set = op(1002, { type: 'getData', path: '/b', watch: true }, 10, 100, { rc: 'ok', data: 'v', version: 0 }, null);
    const first = op(1003, { type: 'setData', path: '/b', data: 'w', version: 0 }, 20, 30, { rc: 'ok', version: 1 }, Z(2));
    const second = op(1001, { type: 'setData', path: '/b', data: 'x', version: 1 }, 40, 50, { rc: 'ok', version: 2 }, null);
    expect(judged(hist([made, set, first, second], [watch(1002, 'NodeDataChanged', '/b', Z(3), 110)]))).toEqual(IMPOSSIBLE);
    expect(judged(hist([made, set, first, second], [watch(1002, 'NodeDataChanged', '/b', Z(2), 110)]))).toEqual(POSSIBLE);
  });
  test('a watch is set at or after every state its session saw before, so its event names a later zxid', () => {
    const made = op(1001, { type: 'create', path: '/b', data: 'v', mode: 'ephemeral' }, 1, 5, { rc: 'ok', path: '/b' }, null);
    const seen = op(1001, { type: 'exists', path: '/b' }, 10, 20, { rc: 'ok', exists: true, version: 0 }, null, { readZxid: Z(4) });
    const set = op(1001, { type: 'exists', path: '/b', watch: true }, 30, 40, { rc: 'ok', exists: true, version: 0 }, null);
    expect(judged(hist([made, seen, set], [watch(1001, 'NodeDeleted', '/b', Z(4), 50)]))).toEqual(IMPOSSIBLE);
    expect(judged(hist([made, seen, set], [watch(1001, 'NodeDeleted', '/b', Z(5), 50)]))).toEqual(POSSIBLE);
  });
  test("a zxid an ENDED record gives a session's end is not a zxid-less write's", () => {
    const made = op(1001, create('/a'), 1, 5, { rc: 'ok', path: '/a' }, Z(1));
    const set = op(1003, { type: 'getData', path: '/a', watch: true }, 10, 20, { rc: 'ok', data: 'v', version: 0 }, null);
    const gone = op(1003, del('/a'), 30, 60, { rc: 'ok' }, null);
    expect(judged(hist([made, set, gone], [ended(1002, Z(4), 8), watch(1003, 'NodeDeleted', '/a', Z(4), 50)]))).toEqual(IMPOSSIBLE);
    expect(judged(hist([made, set, gone], [ended(1002, Z(4), 8), watch(1003, 'NodeDeleted', '/a', Z(5), 50)]))).toEqual(POSSIBLE);
  });
  test("a close's reply without a zxid reflects its session's end, at the zxid its ENDED record gives", () => {
    const set = op(1002, { type: 'exists', path: '/b', watch: true }, 10, 20, { rc: 'ok', exists: false }, null);
    const close = op(1002, { type: 'closeSession' }, 30, 60, { rc: 'ok' }, null);
    const made = op(1001, create('/b'), 35, 45, { rc: 'ok', path: '/b' }, Z(3));
    expect(judged(hist([set, close, made], [ended(1002, Z(4), 62)]))).toEqual(IMPOSSIBLE);
    expect(judged(hist([set, close, made], [watch(1002, 'NodeCreated', '/b', Z(3), 50), ended(1002, Z(4), 62)]))).toEqual(POSSIBLE);
  });
  test('a zxid-less setData whose version the watch-setting read already saw is not the change after it', () => {
    const made = op(1001, create('/b'), 1, 5, { rc: 'ok', path: '/b' }, Z(2));
    const changed = op(1001, setData('/b'), 6, 9, { rc: 'ok', version: 1 }, null);
    const set = op(1002, { type: 'getData', path: '/b', watch: true }, 20, 30, { rc: 'ok', data: 'w', version: 1, mzxid: Z(3) }, null);
    expect(judged(hist([made, changed, set], [watch(1002, 'NodeDataChanged', '/b', Z(4), 40)]))).toEqual(IMPOSSIBLE);
    const again = op(1003, setData('/b'), 32, 38, { rc: 'ok', version: 2 }, null);
    expect(judged(hist([made, changed, set, again], [watch(1002, 'NodeDataChanged', '/b', Z(4), 40)]))).toEqual(POSSIBLE);
  });
  test("after a reconnect, an event zxid at or above the session's own write there was not fired by setWatches: it is exactly its change's", () => {
    const made = op(1001, create('/a'), 1, 5, { rc: 'ok', path: '/a' }, Z(1));
    const set = op(1004, { type: 'getChildren', path: '/a', watch: true }, 10, 20, { rc: 'ok', children: [] }, null);
    const own = op(1004, { type: 'setData', path: '/a', data: 'w', version: 0 }, 26, 30, { rc: 'ok', version: 1 }, Z(4));
    const gone = op(1003, del('/a'), 40, 50, { rc: 'ok' }, Z(6));
    const events = (z: number) => [connected(1004, 25), watch(1004, 'NodeDeleted', '/a', z, 45)];
    expect(judged(hist([made, set, own, gone], events(Z(7))))).toEqual(IMPOSSIBLE);
    expect(judged(hist([made, set, own, gone], events(Z(6))))).toEqual(POSSIBLE);
  });
  test("an ENDED record's session end deletes that session's ephemeral, which a read with a later zxid reflects", () => {
    const made = op(1001, { type: 'create', path: '/b', data: 'v', mode: 'ephemeral' }, 1, 5, { rc: 'ok', path: '/b' }, Z(4));
    const set = op(1002, { type: 'getData', path: '/b', watch: true }, 10, 20, { rc: 'ok', data: 'v', version: 0, ephemeralOwner: 1001 }, null);
    const later = op(1002, { type: 'exists', path: '/a' }, 40, 50, { rc: 'ok', exists: false }, null, { readZxid: Z(5) });
    expect(judged(hist([made, set, later], [ended(1001, Z(5), 30)]))).toEqual(IMPOSSIBLE);
    expect(judged(hist([made, set, later], [ended(1001, Z(5), 30), watch(1002, 'NodeDeleted', '/b', Z(5), 35)]))).toEqual(POSSIBLE);
  });
  test('a create whose outcome is unknown, of a node the watch-setting read saw and nothing deletes, came before that read', () => {
    const made = op(1002, create('/a'), 1, null, null, null);
    const set = op(1001, { type: 'getData', path: '/a', watch: true }, 20, 30, { rc: 'ok', data: 'v', version: 0, mzxid: Z(1) }, null);
    const events = [connected(1001, 40), watch(1001, 'NodeDataChanged', '/a', Z(3), 50)];
    expect(judged(hist([made, set], events))).toEqual(IMPOSSIBLE);
    const changed = op(1003, setData('/a'), 35, 45, { rc: 'ok', version: 1 }, null);
    expect(judged(hist([made, set, changed], events))).toEqual(POSSIBLE);
  });
  test("a zxid-less write gets a zxid above every state its session saw before sending it, so it names no event's lower zxid", () => {
    const made = op(1001, create('/b'), 1, 5, { rc: 'ok', path: '/b' }, Z(1));
    const seen = op(1002, { type: 'exists', path: '/c' }, 10, 20, { rc: 'ok', exists: false }, null, { readZxid: Z(5) });
    const set = op(1003, { type: 'getData', path: '/b', watch: true }, 22, 30, { rc: 'ok', data: 'v', version: 0 }, null);
    const changed = op(1002, { type: 'setData', path: '/b', data: 'w', version: 0 }, 35, 45, { rc: 'ok', version: 1 }, null);
    expect(judged(hist([made, seen, set, changed], [watch(1003, 'NodeDataChanged', '/b', Z(5), 50)]))).toEqual(IMPOSSIBLE);
    expect(judged(hist([made, seen, set, changed], [watch(1003, 'NodeDataChanged', '/b', Z(6), 50)]))).toEqual(POSSIBLE);
  });
  test('a setData to a version above the one a read saw is after it, when no create of the node can follow the setData', () => {
    const made = op(1001, create('/a'), 1, 5, { rc: 'ok', path: '/a' }, Z(1));
    const maybeGone = op(1001, { type: 'delete', path: '/a', version: 0 }, 8, null, null, null);
    const changed = op(1001, setData('/a'), 20, 50, { rc: 'ok', version: 1 }, null);
    const set = op(1002, { type: 'exists', path: '/a', watch: true }, 25, 45, { rc: 'ok', exists: true, version: 0 }, null);
    const own = op(1002, create('/a/c'), 60, 70, { rc: 'ok', path: '/a/c' }, null);
    expect(judged(hist([made, maybeGone, changed, set, own]))).toEqual(IMPOSSIBLE);
    expect(judged(hist([made, maybeGone, changed, set, own], [watch(1002, 'NodeDataChanged', '/a', -1, 55)]))).toEqual(POSSIBLE);
  });
  test("an exists watch's event is owed on a later connection when nothing can delete its node again (no setWatches gap)", () => {
    const set = op(1001, { type: 'exists', path: '/b', watch: true }, 10, 20, { rc: 'ok', exists: false }, null);
    const made = op(1003, create('/b'), 30, 40, { rc: 'ok', path: '/b' }, Z(1));
    const read = op(1001, { type: 'getData', path: '/b' }, 60, 80, { rc: 'ok', data: 'v', version: 0, mzxid: Z(1) }, null);
    expect(judged(hist([set, made, read], [connected(1001, 50)]))).toEqual(IMPOSSIBLE);
    expect(judged(hist([set, made, read], [connected(1001, 50), watch(1001, 'NodeCreated', '/b', -1, 55)]))).toEqual(POSSIBLE);
  });
  test('a read without a header zxid that shows a newer mzxid, before the event of that change, is out of order (and judged, not thrown)', () => {
    const made = op(1001, create('/b'), 1, 5, { rc: 'ok', path: '/b' }, Z(1));
    const set = op(1002, { type: 'getData', path: '/b', watch: true }, 10, 20, { rc: 'ok', data: 'v', version: 0, mzxid: Z(1) }, null);
    const changed = op(1001, { type: 'setData', path: '/b', data: 'w', version: 0 }, 15, 40, { rc: 'ok', version: 1 }, null);
    const other = op(1003, create('/c'), 30, 41, { rc: 'ok', path: '/c' }, Z(3));
    const read = op(1002, { type: 'getData', path: '/c' }, 45, 50, { rc: 'ok', data: 'v', version: 0, mzxid: Z(3) }, null);
    const h = (at: number) => hist([made, set, changed, other, read], [watch(1002, 'NodeDataChanged', '/b', Z(2), at)]);
    expect(judged(h(55))).toEqual(IMPOSSIBLE);
    expect(judged(h(42))).toEqual(POSSIBLE);
  });
  test('a setData of unknown outcome expecting a version no other setData can reach did not happen', () => {
    const made = op(1003, create('/a'), 1, 5, { rc: 'ok', path: '/a' }, Z(1));
    const never = op(1001, { type: 'setData', path: '/a', data: 'w', version: 1 }, 8, null, null, null);
    const set = op(1003, { type: 'getData', path: '/a', watch: true }, 10, 20, { rc: 'ok', data: 'v', version: 0, mzxid: Z(1) }, null);
    expect(judged(hist([made, never, set], [watch(1003, 'NodeDataChanged', '/a', Z(4), 30)]))).toEqual(IMPOSSIBLE);
    const maybe = op(1001, { type: 'setData', path: '/a', data: 'w', version: 0 }, 8, null, null, null);
    expect(judged(hist([made, maybe, set], [watch(1003, 'NodeDataChanged', '/a', Z(4), 30)]))).toEqual(POSSIBLE);
  });
  test('a create of a node nothing deletes is at or below the header zxid of a read that shows the node', () => {
    const set = op(1001, { type: 'getChildren', path: '/', watch: true }, 1, 5, { rc: 'ok', children: ['zookeeper'] }, null);
    const made = op(1002, create('/a'), 10, 30, { rc: 'ok', path: '/a' }, null);
    const shown = op(1003, { type: 'getChildren', path: '/a' }, 35, 40, { rc: 'ok', children: [] }, null, { readZxid: Z(1) });
    expect(judged(hist([set, made, shown], [watch(1001, 'NodeChildrenChanged', '/', Z(2), 25)]))).toEqual(IMPOSSIBLE);
    expect(judged(hist([set, made, shown], [watch(1001, 'NodeChildrenChanged', '/', Z(1), 25)]))).toEqual(POSSIBLE);
  });
  test("a zxid-less write's zxid skips the zxids other txns hold, so it may be known to follow a change", () => {
    const made = op(1003, create('/b'), 1, 5, { rc: 'ok', path: '/b' }, Z(4));
    const set = op(1001, { type: 'getData', path: '/b', watch: true }, 10, 20, { rc: 'ok', data: 'v', version: 0, mzxid: Z(4) }, null, { readZxid: Z(7) });
    const gone = op(1002, del('/b'), 30, 50, { rc: 'ok' }, Z(8));
    const close = op(1001, { type: 'closeSession' }, 32, 60, { rc: 'ok' }, null);
    expect(judged(hist([made, set, gone, close]))).toEqual(IMPOSSIBLE);
    expect(judged(hist([made, set, gone, close], [watch(1001, 'NodeDeleted', '/b', Z(8), 55)]))).toEqual(POSSIBLE);
  });
  test("a session end at a known zxid deletes its ephemerals at exactly that zxid, as far as a watch's event goes", () => {
    const made = op(1002, { type: 'create', path: '/b', data: 'v', mode: 'ephemeral' }, 1, 5, { rc: 'ok', path: '/b' }, Z(1));
    const set = op(1003, { type: 'exists', path: '/b', watch: true }, 10, 20, { rc: 'ok', exists: true, version: 0, mzxid: Z(1), ephemeralOwner: 1002 }, null);
    const events = (z: number) => [watch(1003, 'NodeDeleted', '/b', z, 30), ended(1002, Z(4), 50)];
    expect(judged(hist([made, set], events(Z(3))))).toEqual(IMPOSSIBLE);
    expect(judged(hist([made, set], events(Z(4))))).toEqual(POSSIBLE);
  });
  test('a node deleted and re-created: a delete is before the read that saw the node only if a create can come between them', () => {
    const made = op(1002, create('/a'), 1, 5, { rc: 'ok', path: '/a' }, Z(1));
    const set = op(1003, { type: 'exists', path: '/a', watch: true }, 20, 30, { rc: 'ok', exists: true, version: 0 }, null);
    const gone = op(1004, del('/a'), 10, 25, { rc: 'ok' }, null);
    const close = op(1003, { type: 'closeSession' }, 40, 60, { rc: 'ok' }, Z(3));
    const again = op(1004, create('/a'), 70, 80, { rc: 'ok', path: '/a' }, Z(5));
    expect(judged(hist([made, set, gone, close, again]))).toEqual(IMPOSSIBLE);
    expect(judged(hist([made, set, gone, close, again], [watch(1003, 'NodeDeleted', '/a', -1, 50)]))).toEqual(POSSIBLE);
  });
  test('a setData the read shows stays in its state though the node may be deleted later, when no create can follow that state', () => {
    const made = op(1001, create('/b'), 1, 5, { rc: 'ok', path: '/b' }, Z(2));
    const changed = op(1001, setData('/b'), 6, 9, { rc: 'ok', version: 1 }, null);
    const set = op(1002, { type: 'getData', path: '/b', watch: true }, 20, 30, { rc: 'ok', data: 'w', version: 1, mzxid: Z(3) }, null);
    const gone = op(1001, { type: 'delete', path: '/b', version: 1 }, 25, 35, { rc: 'ok' }, null);
    expect(judged(hist([made, changed, set, gone], [watch(1002, 'NodeDataChanged', '/b', Z(4), 40)]))).toEqual(IMPOSSIBLE);
    expect(judged(hist([made, changed, set, gone], [watch(1002, 'NodeDeleted', '/b', Z(4), 40)]))).toEqual(POSSIBLE);
  });
  test('after a reconnect, setWatches sends NodeDeleted only for a node that was deleted (the reference had allowed any event of the class)', () => {
    const made = op(1002, { type: 'create', path: '/b', data: 'v', mode: 'ephemeral' }, 1, 5, { rc: 'ok', path: '/b' }, Z(1));
    const set = op(1002, { type: 'getChildren', path: '/', watch: true }, 10, 20, { rc: 'ok', children: ['b', 'zookeeper'] }, null);
    const events = (type: ZkWatchType) => [connected(1002, 30), watch(1002, type, '/', Z(2), 40)];
    expect(judged(hist([made, set], events('NodeDeleted')))).toEqual(IMPOSSIBLE);
    const gone = op(1001, del('/b'), 22, 28, { rc: 'ok' }, Z(2));
    expect(judged(hist([made, set, gone], events('NodeChildrenChanged')))).toEqual(POSSIBLE);
  });
  test("a read's mzxid names the zxid of the one write that made the version it shows, so a later reply at that zxid reflects it", () => {
    const set = op(1003, { type: 'exists', path: '/a', watch: true }, 1, 40, { rc: 'ok', exists: false }, null);
    const made = op(1002, create('/b'), 5, 10, { rc: 'ok', path: '/b' }, Z(1));
    const both = op(
      1002,
      { type: 'multi', ops: [create('/a'), setData('/b')] },
      20,
      50,
      {
        rc: 'ok',
        results: [
          { rc: 'ok', path: '/a' },
          { rc: 'ok', version: 1 },
        ],
      },
      null,
    );
    const read = op(1003, { type: 'getData', path: '/b' }, 60, 70, { rc: 'ok', data: 'w', version: 1, mzxid: Z(2) }, null);
    expect(judged(hist([set, made, both, read]))).toEqual(IMPOSSIBLE);
    expect(judged(hist([set, made, both, read], [watch(1003, 'NodeCreated', '/a', Z(2), 55)]))).toEqual(POSSIBLE);
  });
  test('with one create of a node in the history, a delete of the node a read saw came after that read', () => {
    const made = op(1003, create('/a'), 1, null, null, null);
    const changed = op(1001, setData('/a'), 10, 20, { rc: 'ok', version: 1 }, Z(4));
    const set = op(1002, { type: 'exists', path: '/a', watch: true }, 15, 40, { rc: 'ok', exists: true, version: 1, mzxid: Z(4) }, null);
    const gone = op(1003, { type: 'delete', path: '/a', version: 1 }, 25, 35, { rc: 'ok' }, null);
    const own = op(1002, create('/b'), 45, 50, { rc: 'ok', path: '/b' }, Z(6));
    expect(judged(hist([made, changed, set, gone, own]))).toEqual(IMPOSSIBLE);
    expect(judged(hist([made, changed, set, gone, own], [watch(1002, 'NodeDeleted', '/a', -1, 42)]))).toEqual(POSSIBLE);
  });
});
