// Proves that zabsim and the reference checker agree on round 12's READ-filter shapes (fuzz standard seeds 5253 and
// 9168 with the protected-node layer on): a watch on a node whose ACL may deny READ can be used up by a trigger whose
// event the server drops, so a later read that sets it again begins a new registration whose event is judged from
// there; a watch on an open node, or one never set again, still owes its first change.
import { describe, expect, it } from 'vitest';
import { both, event, op } from './differential-records.js';
import { Z } from './history-builders.js';

const U1 = { perms: 31, scheme: 'digest', id: 'u1:iMa4jTJUXtsOZxv2bTb8Lfyby5M=' };
const WORLD = { perms: 31, scheme: 'world', id: 'anyone' };
const auth = (session: number, invokeUs: number) => ({ kind: 'auth', client: session - 1000, session, scheme: 'digest', auth: 'u1:pw', invokeUs });

describe('a READ-filtered trigger uses a watch up silently; a read that sets it again starts anew (fuzz seed 5253)', () => {
  // Session 1009 (user u1) creates /a readable by u1 only. Session 1007 (no auth yet) sets an exists watch; 1009's
  // setData at 1:2 fires it, and ServerCnxn.process drops the event (checkACL: no READ), the watch gone
  // (WatchManager.triggerWatch removed it first). 1007 authenticates, sets the watch again on 1:2, and gets 1009's
  // delete at 1:3. Without the restriction the setData's event was owed first: NodeDeleted alone is impossible.
  const records = (restricted: boolean, reset: boolean) => [
    op(1, 1009, { type: 'create', path: '/a', data: 'v0', mode: 'persistent', ...(restricted ? { restrictedRead: true, acl: [U1] } : { acl: [WORLD] }) }, 100, 200, { rc: 'ok', path: '/a' }, Z(1), { readZxid: Z(1) }),
    op(2, 1007, { type: 'exists', path: '/a', watch: true }, 300, 400, { rc: 'ok', exists: true, version: 0, mzxid: Z(1) }, null, { readZxid: Z(1) }),
    op(3, 1009, { type: 'setData', path: '/a', data: 'v1', version: -1 }, 500, 600, { rc: 'ok', version: 1 }, Z(2), { readZxid: Z(2) }),
    auth(1007, 700),
    ...(reset ? [op(4, 1007, { type: 'exists', path: '/a', watch: true }, 800, 900, { rc: 'ok', exists: true, version: 1, mzxid: Z(2) }, null, { readZxid: Z(2) })] : []),
    op(5, 1009, { type: 'delete', path: '/a', version: -1 }, 1000, 1100, { rc: 'ok' }, Z(3), { readZxid: Z(3) }),
    event(1007, 'NodeDeleted', '/a', 1050, Z(3)),
    auth(1009, 50),
  ];

  it('restricted /a, the watch set again after the filtered setData: possible', () => {
    expect(both(records(true, true))).toEqual({ zabsim: 'ok', possible: true });
  });

  it('an open /a (no filter can apply): the setData event was dropped, impossible', () => {
    expect(both(records(false, true))).toEqual({ zabsim: 'violated', possible: false });
  });

  it('restricted /a, but the watch never set again: filtered or not, no NodeDeleted can follow', () => {
    expect(both(records(true, false))).toEqual({ zabsim: 'violated', possible: false });
  });
});
