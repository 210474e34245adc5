// Every error code the ZooKeeper service can return is reached through the client library on a
// simulated ensemble (tree checks, session checks, connection and auth failures), multi returns its
// per-op results (and one zxid, even when it fails; header err 0 on the wire), and sequential names after deletes: the suffix is
// the parent's persisted child-creation count (deletes do not reuse or skip numbers), while the Stat
// cversion a client sees counts creations and deletions (both measured on 3.8.0: see the recording).
import { describe, expect, test } from 'vitest';
import type { NodeId } from '../../protocol/program.js';
import { stepServer } from '../../protocol/zab/server.js';
import type { ZabServer } from '../../protocol/zab/state.js';
import { CREATOR_ALL_ACL, digestAuthIds, OPEN_ACL_UNSAFE, PERMS, type Acl } from '../../protocol/tree/index.js';
import { attachedTo, create, getChildren, getData, ready, remove, run, setData } from './helpers.js';

const aliceOnly: Acl[] = [{ perms: PERMS.ALL, id: digestAuthIds('alice:secret')[0] as { scheme: string; id: string } }];

describe('error codes', () => {
  test('tree checks: NONODE, NODEEXISTS, BADVERSION, NOTEMPTY, NOCHILDRENFOREPHEMERALS, NOAUTH, INVALIDACL, BADARGUMENTS', () => {
    const h = ready('errors-tree');
    const [a, b] = h.clients as [NodeId, NodeId];
    expect(run(h, a, getData('/nope')).err).toBe('NONODE');
    expect(run(h, a, create('/n')).err).toBe('OK');
    expect(run(h, a, create('/n')).err).toBe('NODEEXISTS');
    expect(run(h, a, setData('/n', 'x', 7)).err).toBe('BADVERSION');
    expect(run(h, a, create('/n/c')).err).toBe('OK');
    expect(run(h, a, remove('/n')).err).toBe('NOTEMPTY');
    expect(run(h, a, create('/eph', 'EPHEMERAL')).err).toBe('OK');
    expect(run(h, a, create('/eph/c')).err).toBe('NOCHILDRENFOREPHEMERALS');
    expect(run(h, a, { type: 'create', path: '/secret', data: 's', acl: aliceOnly, mode: 'PERSISTENT' }).err).toBe('OK');
    run(h, b, { type: 'sync', path: '/' });
    expect(run(h, b, getData('/secret')).err).toBe('NOAUTH');
    expect(run(h, b, { type: 'addAuthInfo', scheme: 'digest', auth: 'alice:secret' }).err).toBe('OK');
    expect(run(h, b, getData('/secret')).err).toBe('OK');
    expect(run(h, a, { type: 'create', path: '/mine', data: '', acl: CREATOR_ALL_ACL, mode: 'PERSISTENT' }).err).toBe('INVALIDACL');
    expect(run(h, a, create('/n/')).err).toBe('BADARGUMENTS');
    expect(h.safetyViolated()).toBe(false);
  });

  test('multi: per-op results on success; on failure OK before, the code, RUNTIMEINCONSISTENCY after; one zxid either way', () => {
    const h = ready('errors-multi');
    const [a] = h.clients as [NodeId];
    // The wire: FinalRequestProcessor leaves a failed multi's header err at 0; ZooKeeper.multiInternal
    // reports the first ErrorResult that is not OK.
    const headers: string[] = [];
    h.kernel.addObserver({
      delivered(_from, to, msg) {
        const m = msg as { type: string; reply?: { err: string; response: { type: string } | null } };
        if (to === a && m.type === 'ZK_REPLY' && m.reply?.response?.type === 'multi') headers.push(m.reply.err);
      },
    });
    const ok = run(h, a, {
      type: 'transaction',
      ops: [
        { type: 'create', path: '/m', data: '', acl: OPEN_ACL_UNSAFE, mode: 'PERSISTENT' },
        { type: 'setData', path: '/m', data: 'v', version: 0 },
        { type: 'check', path: '/m', version: 1 },
      ],
    });
    expect(ok.err).toBe('OK');
    expect(ok.response?.type === 'multi' ? ok.response.results.map((r) => r.type) : null).toEqual(['create', 'setData', 'check']);
    const bad = run(h, a, {
      type: 'transaction',
      ops: [
        { type: 'setData', path: '/m', data: 'w', version: -1 },
        { type: 'delete', path: '/zzz', version: -1 },
        { type: 'create', path: '/m2', data: '', acl: OPEN_ACL_UNSAFE, mode: 'PERSISTENT' },
      ],
    });
    expect(bad.err).toBe('NONODE');
    expect(bad.response?.type === 'multi' ? bad.response.results : null).toEqual([
      { type: 'error', err: 'OK' },
      { type: 'error', err: 'NONODE' },
      { type: 'error', err: 'RUNTIMEINCONSISTENCY' },
    ]);
    expect(bad.zxid).toBe((ok.zxid as number) + 1);
    expect(headers).toEqual(['OK', 'OK']);
    const after = run(h, a, getData('/m'));
    expect(after.response?.type === 'getData' ? after.response.data : null).toBe('v');
  });

  test('sequential names keep counting creations after deletes; Stat.cversion counts both', () => {
    const h = ready('errors-seq');
    const [a] = h.clients as [NodeId];
    run(h, a, create('/q'));
    const names: string[] = [];
    for (let i = 0; i < 3; i++) {
      const r = run(h, a, create('/q/n-', 'PERSISTENT_SEQUENTIAL'));
      if (r.response?.type === 'create') names.push(r.response.path);
    }
    run(h, a, remove(names[0] as string));
    run(h, a, remove(names[1] as string));
    const r = run(h, a, create('/q/n-', 'PERSISTENT_SEQUENTIAL'));
    expect(names).toEqual(['/q/n-0000000000', '/q/n-0000000001', '/q/n-0000000002']);
    expect(r.response?.type === 'create' ? r.response.path : null).toBe('/q/n-0000000003');
    const kids = run(h, a, getChildren('/q'));
    expect(kids.response?.type === 'getChildren' ? [...kids.response.children].sort() : null).toEqual(['n-0000000002', 'n-0000000003']);
    // 4 creations + 2 deletions.
    expect(kids.response?.type === 'getChildren' ? kids.response.stat.cversion : null).toBe(6);
  });

  test('session and connection codes: SESSIONEXPIRED, CONNECTIONLOSS, AUTHFAILED; a closed handle refuses calls', () => {
    const h = ready('errors-session', { sessionTimeoutMs: 1500 });
    const [a, b] = h.clients as [NodeId, NodeId];
    h.kernel.pause(a);
    h.runFor(5000);
    h.kernel.resume(a);
    expect(h.runUntil(() => h.connectedState(a) === 'EXPIRED', 20_000)).toBe(true);
    expect(run(h, a, getData('/')).err).toBe('SESSIONEXPIRED');
    h.call(b, getData('/'));
    h.kernel.crash(attachedTo(h, b));
    expect(h.runUntil(() => h.of('complete', b).length > 0, 10_000)).toBe(true);
    expect((h.of('complete', b)[0]?.what.result as { err: string }).err).toBe('CONNECTIONLOSS');
    expect(h.runUntil(() => h.activeLeader() !== undefined && h.connectedState(b) === 'CONNECTED', 30_000)).toBe(true);
    h.call(b, { type: 'addAuthInfo', scheme: 'nosuchscheme', auth: 'x' });
    h.call(b, getData('/'));
    expect(h.runUntil(() => h.connectedState(b) === 'AUTH_FAILED', 10_000)).toBe(true);
    h.runFor(100);
    expect(run(h, b, getData('/')).err).toBe('AUTHFAILED');
  });

  test('a write of a session the leader is closing fails SESSIONEXPIRED (an error txn)', () => {
    const h = ready('errors-closing');
    const [a] = h.clients as [NodeId];
    const l = h.server(h.activeLeader() as NodeId) as ZabServer;
    const sessionId = h.client(a)?.sessionId as number;
    const learner = (l.leader?.handlers ?? []).find((x) => x !== undefined);
    expect(learner).toBeDefined();
    const from = learner?.sid as number;
    const conn = learner?.conn as number;
    const closeEnv = { zk: true as const, sessionId, authIds: [], request: { type: 'closeSession' as const } };
    const writeEnv = { zk: true as const, sessionId, authIds: [], request: { type: 'setData' as const, path: '/', data: 'x', version: -1 } };
    const [s1] = stepServer(l, { type: 'deliver', from, conn, msg: { type: 'REQUEST', client: a, xid: 50, op: closeEnv } });
    const [, effects] = stepServer(s1, { type: 'deliver', from, conn, msg: { type: 'REQUEST', client: a, xid: 51, op: writeEnv } });
    const proposal = effects.find((e) => e.type === 'send' && e.msg.type === 'PROPOSAL');
    expect(proposal).toBeDefined();
    expect((proposal as { msg: { txn: { body: { body: unknown } } } }).msg.txn.body.body).toEqual({ type: 'error', err: 'SESSIONEXPIRED' });
  });
});
