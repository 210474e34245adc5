// Proves that zabsim and the reference checker agree on round 10's dropped-event shapes: a write's error reply on a
// later connection that shows a watched node gone, and a close reply after its own session's proved lost write.
import { describe, expect, it } from 'vitest';
import { both, event, op } from './differential-records.js';
import { Z } from './history-builders.js';

const connected = (session: number, atUs: number) => ({ kind: 'session', client: session - 1000, session, server: 1, state: 'CONNECTED', atUs });

describe('a create answered noNode on a later connection shows the watched parent gone (cases 1311770008, 1974198896)', () => {
  // /a is created; session 1001 sets a watch on it (exists: a data watch; getChildren: a child watch), then moves
  // to another connection, /a is deleted (a delete sent while the read was in flight), and its create of /a/s- is answered noNode: the leader found /a missing.
  // The client re-sent the watch with setWatches ahead of the create; setWatches sent NodeDeleted at once (/a gone)
  // or registered the watch before the delete reached that server, which fired it: before the create's reply.
  const create = op(0, 1003, { type: 'create', path: '/a', data: 'v1', mode: 'persistent' }, 0, 10, { rc: 'ok', path: '/a' }, Z(1));
  const del = op(2, 1004, { type: 'delete', path: '/a', version: 0 }, 25, 90, { rc: 'ok' }, Z(2));
  const child = op(3, 1001, { type: 'create', path: '/a/s-', data: 'v2', mode: 'ephemeralSequential' }, 70, 80, { rc: 'noNode' }, null);
  const watches = {
    exists: op(1, 1001, { type: 'exists', path: '/a', watch: true }, 20, 30, { rc: 'ok', exists: true, version: 0 }, null),
    getChildren: op(1, 1001, { type: 'getChildren', path: '/a', watch: true }, 20, 30, { rc: 'ok', children: [] }, null),
  };

  for (const [name, watch] of Object.entries(watches)) {
    it(`${name}: no NodeDeleted before the reply: impossible`, () => {
      expect(both([connected(1001, -10), create, watch, connected(1001, 40), del, child])).toEqual({ zabsim: 'violated', possible: false });
    });

    it(`${name}: NodeDeleted before the reply: possible`, () => {
      expect(both([connected(1001, -10), create, watch, connected(1001, 40), del, event(1001, 'NodeDeleted', '/a', 65), child])).toEqual({
        zabsim: 'ok',
        possible: true,
      });
    });
  }
});
