// ZooKeeper.multi with read ops: all reads go as OpCode.multiRead and each op answers on its own
// (FinalRequestProcessor: GetDataResult, GetChildrenResult or ErrorResult, header err 0, no watch
// set); a mix of reads and writes never leaves the client (MultiOperationRecord.add throws), and all
// writes remain a transaction.
import { describe, expect, test } from 'vitest';
import type { NodeId } from '../../protocol/program.js';
import { OPEN_ACL_UNSAFE, PERMS, generateDigest } from '../../protocol/tree/index.js';
import { create, getData, ready, run, setData } from './helpers.js';

describe('multiRead (FinalRequestProcessor.processRequest, OpCode.multiRead)', () => {
  test('each op answers on its own: data with Stat, children, or its error; the header says OK', () => {
    const h = ready('mr-basic', { clients: 2 });
    const [a, b] = h.clients as [NodeId, NodeId];
    run(h, a, create('/r', 'PERSISTENT', 'v0'));
    run(h, a, create('/r/c1'));
    run(h, a, { type: 'addAuthInfo', scheme: 'digest', auth: 'alice:secret' });
    const secret = [{ perms: PERMS.ALL, id: { scheme: 'digest', id: generateDigest('alice:secret') } }];
    run(h, a, { type: 'create', path: '/s', data: 'x', acl: secret, mode: 'PERSISTENT' });
    run(h, b, { type: 'sync', path: '/' });
    const single = run(h, b, getData('/r'));
    const r = run(h, b, {
      type: 'multi',
      ops: [
        { type: 'getData', path: '/r' },
        { type: 'getChildren', path: '/r' },
        { type: 'getData', path: '/missing' },
        { type: 'getChildren', path: '/s' },
      ],
    });
    expect(r.err).toBe('OK');
    expect(r.zxid).toBeNull(); // a read: no txn
    expect(r.response).toEqual({
      type: 'multiRead',
      results: [
        { type: 'getData', data: 'v0', stat: single.response?.type === 'getData' ? single.response.stat : null },
        { type: 'getChildren', children: ['c1'] },
        { type: 'error', err: 'NONODE' },
        { type: 'error', err: 'NOAUTH' },
      ],
    });
  });

  test('a multiRead sets no watch (Op.GetData.toRequestRecord asks for none)', () => {
    const h = ready('mr-nowatch');
    const [a] = h.clients as [NodeId];
    run(h, a, create('/w'));
    run(h, a, { type: 'multi', ops: [{ type: 'getData', path: '/w' }] });
    const events = h.observed.filter((o) => (o.what as { kind?: string }).kind === 'watch').length;
    run(h, a, setData('/w', 'x'));
    expect(h.observed.filter((o) => (o.what as { kind?: string }).kind === 'watch').length).toBe(events);
  });

  test('a mix of reads and writes fails at once with BADARGUMENTS and sends nothing (MultiOperationRecord.setOrCheckOpKind)', () => {
    const h = ready('mr-mix');
    const [a] = h.clients as [NodeId];
    const sent: string[] = [];
    h.kernel.addObserver({
      delivered(_from, _to, msg) {
        const m = msg as { type: string; request?: { type: string } };
        if (m.type === 'ZK_REQUEST' && m.request !== undefined) sent.push(m.request.type);
      },
    });
    const r = run(h, a, {
      type: 'multi',
      ops: [
        { type: 'create', path: '/m', data: '', acl: OPEN_ACL_UNSAFE, mode: 'PERSISTENT' },
        { type: 'getData', path: '/m' },
      ],
    });
    expect([r.err, r.outcome]).toEqual(['BADARGUMENTS', 'fail']);
    expect(sent.filter((t) => t === 'multi' || t === 'multiRead')).toEqual([]);
    expect(run(h, a, { type: 'exists', path: '/m', watch: false }).err).toBe('NONODE');
  });

  test('multi with only writes is the transaction it always was (one zxid)', () => {
    const h = ready('mr-writes');
    const [a] = h.clients as [NodeId];
    const r = run(h, a, {
      type: 'multi',
      ops: [
        { type: 'create', path: '/t', data: '', acl: OPEN_ACL_UNSAFE, mode: 'PERSISTENT' },
        { type: 'setData', path: '/t', data: 'v', version: 0 },
      ],
    });
    expect(r.err).toBe('OK');
    expect(r.zxid).not.toBeNull();
    expect(r.response?.type === 'multi' ? r.response.results.map((x) => x.type) : null).toEqual(['create', 'setData']);
  });
});
