// Proves that a watch event the server may filter by READ (ZOOKEEPER-4799) is still sent, if at all, as its txn
// is applied, so it never arrives after a later reply on its connection (sweep seed 3300000, case 4250497437: the
// reference kept such a pending watch beside its loose copy and accepted the event after the reply); and that a lost
// write of a session takes effect, if at all, below its session's ok close, which lies below the first zxid of a
// write invoked after the close's reply, and in the write search before every write invoked after that reply when
// no zxid shows it (cases 2059228284 and 170178521: zabsim let the lost write follow the close).
import { describe, expect, it } from 'vitest';
import { checkZkHistory } from '../../sim/cli/check.js';
import { parseNdjsonHistory } from '../../sim/history/ndjson.js';
import { referenceCheck } from '../reference/reference.js';
import { both, event, op } from './differential-records.js';
import { Z } from './history-builders.js';

/** Both checkers on records under the case's header (servers that filter events by READ, no super user). */
function judged(records: readonly object[]): { zabsim: string; possible: boolean | 'too-large' } {
  const header = { kind: 'header', version: 1, generator: 'test', model: 'zk', serverRelease: '3.8.0-deb12u2', superDigest: null };
  const h = parseNdjsonHistory([header, ...records].map((r) => JSON.stringify(r)).join('\n'), 'fa12.ndjson');
  return { zabsim: checkZkHistory(h).verdict, possible: referenceCheck(h).possible };
}

describe('an event that may be READ-filtered comes before the next reply on its connection or never (case 4250497437)', () => {
  // Client 1 (addAuthInfo digest u1 before connecting) creates /a with an `auth` ACL and no world READ
  // (PrepRequestProcessor.fixupACL makes it digest u1's), sets a data watch with getData and, pipelined, sets /a's
  // data at 1:2. CommitProcessor keeps the session's order: the read registers the watch before the write applies;
  // DataTree.setData → WatchManager.triggerWatch → NIOServerCnxn.process(event, acl) checks READ and queues the
  // event (or drops it) then, ahead of the setData's reply on the same socket.
  const records = (eventAtUs: number | null) => [
    op(1, 1001, { type: 'create', path: '/a', data: 'v1', mode: 'persistent', restrictedRead: true, acl: [{ perms: 31, scheme: 'auth', id: '' }] }, 1780, 2375, { rc: 'ok', path: '/a' }, Z(1)),
    op(2, 1001, { type: 'getData', path: '/a', watch: true }, 2407, 3133, { rc: 'ok', data: 'v1', version: 0, mzxid: Z(1), ephemeralOwner: 0 }, null),
    op(3, 1001, { type: 'setData', path: '/a', data: 'v2', version: -1 }, 2607, 3942, { rc: 'ok', version: 1 }, null),
    ...(eventAtUs === null ? [] : [event(1001, 'NodeDataChanged', '/a', eventAtUs, Z(2))]),
    { kind: 'auth', client: 1, session: null, scheme: 'digest', auth: 'u1:pw', invokeUs: 842 },
  ];

  it('NodeDataChanged at 1:2 after the setData reply: impossible', () => {
    expect(judged(records(4667))).toEqual({ zabsim: 'violated', possible: false });
  });

  it('NodeDataChanged at 1:2 between the getData and the setData replies: possible', () => {
    expect(judged(records(3500))).toEqual({ zabsim: 'ok', possible: true });
  });
});

describe("a lost write of a session precedes its session's ok close, even one without a zxid (case 2059228284)", () => {
  // Session 1002 sends create /a/c (reply lost) and closes (ok, no zxid) before /a exists. PrepRequestProcessor
  // checks the session first (SessionTrackerImpl.checkSession throws SessionExpired once it is closing): after the
  // close the create is an error txn. The close is below 1:2 (a create invoked after its reply), so the lost create
  // came before 1004 made /a, found no parent, and /a's cversion is 0 when 1004's multi names its sequential child
  // (PrepRequestProcessor: the parent's cversion is the suffix). A close whose reply was lost bounds nothing.
  const records = (suffix: string, closed: boolean, zxid: number | null = Z(2)) => [
    op(5, 1002, { type: 'create', path: '/a/c', data: 'v2', mode: 'persistent' }, 6800, null, null, null),
    closed
      ? op(6, 1002, { type: 'closeSession' }, 7982, 8415, { rc: 'ok' }, null)
      : op(6, 1002, { type: 'closeSession' }, 7982, null, null, null),
    op(7, 1003, { type: 'create', path: '/b', data: 'v3', mode: 'persistent' }, 8458, 9715, { rc: 'ok', path: '/b' }, zxid),
    op(9, 1004, { type: 'create', path: '/a', data: 'v5', mode: 'persistent' }, 10893, 11548, { rc: 'ok', path: '/a' }, null),
    op(
      10,
      1004,
      { type: 'multi', ops: [{ type: 'setData', path: '/a', data: 'v6', version: 0 }, { type: 'create', path: '/a/s-', data: 'v7', mode: 'persistentSequential' }] },
      11918,
      12185,
      { rc: 'ok', results: [{ rc: 'ok', version: 1 }, { rc: 'ok', path: `/a/s-${suffix}` }] },
      null,
    ),
  ];

  it('the sequential child named 0000000001 after an ok close: impossible', () => {
    expect(both(records('0000000001', true))).toEqual({ zabsim: 'violated', possible: false });
  });

  it('the same with no zxid in the history (the write search orders it by real time): impossible', () => {
    expect(both(records('0000000001', true, null))).toEqual({ zabsim: 'violated', possible: false });
  });

  it('named 0000000000 after an ok close: possible', () => {
    expect(both(records('0000000000', true))).toEqual({ zabsim: 'ok', possible: true });
  });

  it('named 0000000001 when the close may not have happened (reply lost): possible', () => {
    expect(both(records('0000000001', false))).toEqual({ zabsim: 'ok', possible: true });
  });
});

describe("a lost delete of a closed session cannot take effect after a write invoked after the close's reply (case 170178521)", () => {
  // Session 1001 sends delete /a (reply lost) and closes (ok at 4660). Session 1002 creates /a, then a sequential
  // child of /a fails with noNode: only 1001's delete could have removed /a, and it took effect before the close
  // (an error txn after it), so before a create /a invoked after 4660. Invoked before 4660, the create may come first.
  const records = (createInvokeUs: number, closed: boolean) => [
    op(2, 1001, { type: 'delete', path: '/a', version: -1 }, 2803, null, null, null),
    closed ? op(3, 1001, { type: 'closeSession' }, 3357, 4660, { rc: 'ok' }, null) : op(3, 1001, { type: 'closeSession' }, 3357, null, null, null),
    op(5, 1002, { type: 'create', path: '/a', data: 'v3', mode: 'persistent' }, createInvokeUs, 6024, { rc: 'ok', path: '/a' }, null),
    op(4, 1002, { type: 'create', path: '/a/s-', data: 'v2', mode: 'persistentSequential' }, 6976, 7571, { rc: 'noNode' }, null),
  ];

  it('create /a invoked after the close reply, then /a/s- noNode: impossible', () => {
    expect(both(records(5545, true))).toEqual({ zabsim: 'violated', possible: false });
  });

  it('create /a invoked before the close reply: possible (create, the lost delete, the close)', () => {
    expect(both(records(4000, true))).toEqual({ zabsim: 'ok', possible: true });
  });

  it('the close not answered: possible (it may not have happened, the delete may come late)', () => {
    expect(both(records(5545, false))).toEqual({ zabsim: 'ok', possible: true });
  });
});
