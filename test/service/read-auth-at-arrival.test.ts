// Proves that a read is checked against the auth ids its connection had when the server read it
// (ZooKeeperServer.processPacket copies cnxn.getAuthInfo() into the Request; FinalRequestProcessor
// checks request.authInfo), so an addAuth sent right behind it does not open it, even when the read
// waits behind the session's own earlier write; the read after the addAuth is opened. Found by the
// live conformance suite (seed 975376, sequence 234), where zabsim answered such a read and the real
// server said NOAUTH.
import { expect, test } from 'vitest';
import { runSequenceSim } from '../conformance/sim-runner.js';
import { SUPER_DIGEST, SUPER_PASSWORD } from '../conformance/ops.js';
import type { Op } from '../conformance/types.js';

const ALICE = [{ perms: 31, scheme: 'digest', id: 'alice:aYXlLOpEooaV1cRAvUL1fp9Qt7E=' }];
const WORLD = [{ perms: 31, scheme: 'world', id: 'anyone' }];

for (const serverMode of ['leader', 'follower'] as const) {
  test(`on a ${serverMode}: a pipelined read behind a write is checked without the addAuth sent after it`, () => {
    const ops = [
      { kind: 'create', s: 1, path: '/c', data: '', acl: ALICE, mode: 'persistent' },
      { kind: 'create', s: 0, path: '/x', data: '', acl: WORLD, mode: 'persistent' },
      { kind: 'getData', s: 0, path: '/c', watch: false, pipe: true },
      { kind: 'addAuth', s: 0, scheme: 'digest', auth: SUPER_PASSWORD, pipe: true },
      { kind: 'getData', s: 0, path: '/c', watch: false },
    ] as unknown as Op[];
    const sim = runSequenceSim(ops, { root: '/t', serverMode, index: 0, superDigest: SUPER_DIGEST });
    const results = sim.results.map((r) => (r.result.ok ? 'ok' : r.result.name));
    expect(results).toEqual(['ok', 'ok', 'NOAUTH', 'ok', 'ok']);
  });
}
