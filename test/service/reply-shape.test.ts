// Proves the client's reply checks accept what ZooKeeper's server answers and reject a response of
// another request's record, a multi result of another op's, and a whoAmI that omits a user the handle
// authenticated before the call or drops or garbles the connection's own ip id.
import { describe, expect, test } from 'vitest';
import { replyShapeError, whoAmIError } from '../../protocol/client/reply-shape.js';
import type { ZkReply } from '../../protocol/service/types.js';

const stat = { czxid: 1, mzxid: 1, ctime: 0, mtime: 0, version: 0, cversion: 0, aversion: 0, ephemeralOwner: 0, dataLength: 0, numChildren: 0, pzxid: 1 };

function reply(response: ZkReply['response'], err: ZkReply['err'] = 'OK'): ZkReply {
  return { xid: 1, zxid: 1, err, response };
}

describe('replyShapeError', () => {
  test('a response of the request own type, or none, is accepted', () => {
    expect(replyShapeError({ type: 'getData', path: '/a', watch: false }, reply({ type: 'getData', data: 'x', stat }))).toBeNull();
    expect(replyShapeError({ type: 'getData', path: '/a', watch: false }, reply(null, 'NONODE'))).toBeNull();
    expect(replyShapeError({ type: 'getEphemerals', path: '/' }, reply({ type: 'getEphemerals', ephemerals: [] }))).toBeNull();
  });
  test('a response of another record is named', () => {
    expect(replyShapeError({ type: 'getData', path: '/a', watch: false }, reply({ type: 'exists', stat }))).toMatch(/getData request answered with a exists/);
    expect(replyShapeError({ type: 'getEphemerals', path: '/' }, reply({ type: 'whoAmI', clientInfo: [] }))).not.toBeNull();
  });
  test('each multiRead result is an error or of its own op', () => {
    const request = {
      type: 'multiRead',
      ops: [
        { type: 'getData', path: '/a' },
        { type: 'getChildren', path: '/' },
      ],
    } as const;
    const ok = reply({
      type: 'multiRead',
      results: [
        { type: 'error', err: 'NONODE' },
        { type: 'getChildren', children: [] },
      ],
    });
    expect(replyShapeError(request, ok)).toBeNull();
    const swapped = reply({
      type: 'multiRead',
      results: [
        { type: 'getChildren', children: [] },
        { type: 'getChildren', children: [] },
      ],
    });
    expect(replyShapeError(request, swapped)).toMatch(/op 0 of a multiRead/);
  });
});

describe('whoAmIError', () => {
  const auth = [
    { scheme: 'digest', auth: 'u1:pw' },
    { scheme: 'digest', auth: 'u2:pw' },
  ];
  const both = reply({
    type: 'whoAmI',
    clientInfo: [
      { authScheme: 'ip', user: '127.0.0.9' },
      { authScheme: 'digest', user: 'u1' },
      { authScheme: 'digest', user: 'u2' },
    ],
  });
  const first = reply({
    type: 'whoAmI',
    clientInfo: [
      { authScheme: 'digest', user: 'u1' },
      { authScheme: 'ip', user: '127.0.0.9' },
    ],
  });
  test('every digest user authenticated before the call is named', () => {
    expect(whoAmIError(both, auth, 2, 9)).toBeNull();
    expect(whoAmIError(first, auth, 1, 9)).toBeNull(); // u2 was added after the call
  });
  test('a missing one is named', () => {
    expect(whoAmIError(first, auth, 2, 9)).toMatch(/digest user "u2"/);
  });
  // NIOServerCnxn adds Id("ip", remote address) on accept, and getUserName of an ip id is the address.
  test('the ip id must be there once, naming the client own address', () => {
    const ipAs = (...users: string[]) =>
      reply({ type: 'whoAmI', clientInfo: [...users.map((user) => ({ authScheme: 'ip', user })), { authScheme: 'digest', user: 'u1' }] });
    expect(whoAmIError(ipAs('127.0.0.9'), auth, 1, 9)).toBeNull();
    expect(whoAmIError(ipAs(), auth, 1, 9)).toMatch(/ip ids/); // dropped
    expect(whoAmIError(ipAs(''), auth, 1, 9)).toMatch(/ip ids/); // user garbled (the serve-query.ts 'ip' mutant)
    expect(whoAmIError(ipAs('127.0.0.8'), auth, 1, 9)).toMatch(/ip ids/); // another client's address
    expect(whoAmIError(ipAs('127.0.0.9', '127.0.0.9'), auth, 1, 9)).toMatch(/ip ids/); // a set holds it once
  });
});
