// Proves the simulated client refuses an invalid path before sending anything, as the Java client
// (PathUtils.validatePath in each ZooKeeper API method, Op.validate for multi, the sequential flag
// appending a digit) and node-zookeeper-client do: the call fails with BADARGUMENTS and no packet leaves.
import { describe, expect, test } from 'vitest';
import { ENV, type Event } from '../../protocol/program.js';
import type { ZabMessage } from '../../protocol/zab/messages.js';
import { bootZkClient, defaultZkClientConfig, stepZkClient, type ZkClient, type ZkCommand } from '../../protocol/client/zk-client.js';
import { OPEN_ACL_UNSAFE } from '../../protocol/tree/index.js';

function connected(): ZkClient {
  let c = bootZkClient(100, defaultZkClientConfig([1]));
  [c] = stepZkClient(c, { type: 'start' } as Event<ZabMessage>);
  [c] = stepZkClient(c, { type: 'deliver', from: 1, conn: 1, msg: { type: 'CONNECT_RESPONSE', sessionId: 0x10, timeoutMs: 4000 } } as Event<ZabMessage>);
  return c;
}

function call(op: ZkCommand): { sent: number; outcome: string | undefined; err: string | undefined } {
  const [, effects] = stepZkClient(connected(), { type: 'deliver', from: ENV, conn: 0, msg: { type: 'APP_OP', op } } as Event<ZabMessage>);
  const done = effects.flatMap((e) =>
    e.type === 'observe' && (e.what as { kind: string }).kind === 'complete' ? [e.what as { outcome: string; result: { err: string } }] : [],
  );
  return { sent: effects.filter((e) => e.type === 'send').length, outcome: done[0]?.outcome, err: done[0]?.result.err };
}

const create = (path: string, mode: 'PERSISTENT' | 'PERSISTENT_SEQUENTIAL' = 'PERSISTENT'): ZkCommand => ({
  type: 'create',
  path,
  data: '',
  acl: OPEN_ACL_UNSAFE,
  mode,
});

describe('invalid paths never leave the client', () => {
  test.each([
    ['getData without a leading slash', { type: 'getData', path: 'a', watch: false } as ZkCommand],
    ['exists with a trailing slash', { type: 'exists', path: '/a/', watch: false } as ZkCommand],
    ['setData with an empty name', { type: 'setData', path: '/a//b', data: '', version: -1 } as ZkCommand],
    ['delete of a relative component', { type: 'remove', path: '/a/..', version: -1 } as ZkCommand],
    ['sync of an empty path', { type: 'sync', path: '' } as ZkCommand],
    ['a multi with one bad op', { type: 'transaction', ops: [create('/ok'), { type: 'check', path: 'bad', version: 0 }] } as ZkCommand],
  ])('%s fails with BADARGUMENTS, nothing sent', (_name, op) => {
    expect(call(op)).toEqual({ sent: 0, outcome: 'fail', err: 'BADARGUMENTS' });
  });

  test('a sequential create validates the path with a digit appended, so a trailing slash is allowed', () => {
    expect(call(create('/q/', 'PERSISTENT_SEQUENTIAL'))).toEqual({ sent: 1, outcome: undefined, err: undefined });
    expect(call(create('/q/'))).toEqual({ sent: 0, outcome: 'fail', err: 'BADARGUMENTS' });
  });
});
