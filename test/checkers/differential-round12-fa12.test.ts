// Proves that a watch event the server may filter by READ (ZOOKEEPER-4799) is still sent, if at all, as its txn
// is applied, so it never arrives after a later reply on its connection (sweep seed 3300000, case 4250497437: the
// reference kept such a pending watch beside its loose copy and accepted the event after the reply).
import { describe, expect, it } from 'vitest';
import { checkZkHistory } from '../../sim/cli/check.js';
import { parseNdjsonHistory } from '../../sim/history/ndjson.js';
import { referenceCheck } from '../reference/reference.js';
import { event, op } from './differential-records.js';
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
