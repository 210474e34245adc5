// Proves the stale-ACK finding is real and reproducible: on ZooKeeper master's behaviour, seed
// p20040 commits a txn that only 2 of 5 voters hold durably (one of the two ACKs came from a follower
// that re-synced and was TRUNCated below it since); with dropStaleAcksOnResync the same seed keeps
// every invariant.
import { expect, test } from 'vitest';
import { fileURLToPath } from 'node:url';
import { loadScenarioFile } from '../../sim/zab/json-scenario-loader.js';
import { runZab } from '../../sim/zab/run.js';

const FILE = fileURLToPath(new URL('../../scenarios/findings/stale-ack-after-trunc.json', import.meta.url));

test('master commits without a durable quorum; the candidate fix does not', () => {
  const master = loadScenarioFile(FILE, 'p20040');
  expect(master.zab.dropStaleAcksOnResync).toBe(false);
  const broken = runZab(master);
  expect(broken.exitCode).toBe(1);
  expect(broken.verdicts['quorum-commit']).toBe('violated');
  expect(broken.violations[0]?.message).toBe('1:58 committed, but only {2,5} hold it durably (ACKs came from {3,2})');

  const fixed = runZab({ ...master, zab: { ...master.zab, dropStaleAcksOnResync: true } });
  expect(fixed.exitCode).toBe(0);
  expect(Object.values(fixed.verdicts).every((v) => v === 'ok')).toBe(true);
});
