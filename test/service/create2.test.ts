// create2 returns the new node's Stat, as the node reads back, while a plain create and a create
// inside a multi return only the path (FinalRequestProcessor.processRequest: CreateResponse for
// OpCode.create, Create2Response for create2, CreateResult(path) for a multi's create).
import { describe, expect, test } from 'vitest';
import type { NodeId } from '../../protocol/program.js';
import { OPEN_ACL_UNSAFE } from '../../protocol/tree/index.js';
import { create, exists, ready, run } from './helpers.js';

describe('create2 (FinalRequestProcessor.processRequest, OpCode.create2)', () => {
  test('create2 answers the Stat the node has; its czxid is the reply zxid', () => {
    const h = ready('create2-stat');
    const [a] = h.clients as [NodeId];
    const r = run(h, a, { type: 'create', path: '/c2', data: 'abc', acl: OPEN_ACL_UNSAFE, mode: 'EPHEMERAL', stat: true });
    expect(r.err).toBe('OK');
    const stat = r.response?.type === 'create' ? r.response.stat : undefined;
    expect(stat).toBeDefined();
    const read = run(h, a, exists('/c2'));
    expect(read.response?.type === 'exists' ? read.response.stat : null).toEqual(stat);
    expect(stat?.czxid).toBe(r.zxid);
    expect(stat?.dataLength).toBe(3);
    expect(stat?.ephemeralOwner).not.toBe(0);
  });

  test('a plain create (OpCode.create) answers the path only', () => {
    const h = ready('create2-plain');
    const [a] = h.clients as [NodeId];
    const r = run(h, a, create('/p'));
    expect(r.response).toEqual({ type: 'create', path: '/p' });
  });

  test('create2 of a sequential node answers the chosen name with its Stat', () => {
    const h = ready('create2-seq');
    const [a] = h.clients as [NodeId];
    run(h, a, create('/q'));
    const r = run(h, a, { type: 'create', path: '/q/n-', data: '', acl: OPEN_ACL_UNSAFE, mode: 'PERSISTENT_SEQUENTIAL', stat: true });
    expect(r.response?.type === 'create' ? r.response.path : null).toBe('/q/n-0000000000');
    expect(r.response?.type === 'create' ? r.response.stat?.version : null).toBe(0);
  });

  test('a failed create2 answers its error code and no body', () => {
    const h = ready('create2-fail');
    const [a] = h.clients as [NodeId];
    run(h, a, create('/dup'));
    const r = run(h, a, { type: 'create', path: '/dup', data: '', acl: OPEN_ACL_UNSAFE, mode: 'PERSISTENT', stat: true });
    expect(r.err).toBe('NODEEXISTS');
    expect(r.response).toBeNull();
  });

  test("a multi's create result has no Stat, even when asked as create2 (MultiOperationRecord reads it back as Op.create)", () => {
    const h = ready('create2-multi');
    const [a] = h.clients as [NodeId];
    const r = run(h, a, {
      type: 'transaction',
      ops: [{ type: 'create', path: '/m', data: '', acl: OPEN_ACL_UNSAFE, mode: 'PERSISTENT', stat: true }],
    });
    expect(r.response).toEqual({ type: 'multi', results: [{ type: 'create', path: '/m' }] });
  });
});
