// Proves the liveness judge handles a real ZooKeeper liveness gap honestly: in seed zab3-4977 server 3,
// leading again, proposed epoch 3 and persisted it as its acceptedEpoch, but its LEADERINFO was lost to
// a partition and epoch 3 never established. It then refuses leader 1's epoch 2
// (Learner.registerWithLeader) and loops until the next election. The run passes only because the
// other two servers form a converged quorum, and the reason names the excluded server and why.
import { expect, test } from 'vitest';
import { Kernel } from '../../sim/kernel/kernel.js';
import { propertyRunOptions } from '../../sim/zab/property.js';
import { runZab } from '../../sim/zab/run.js';
import type { ZabServer } from '../../protocol/zab/state.js';

test('a server whose acceptedEpoch is ahead of the leader is excluded, with evidence', () => {
  let kernel: Kernel | null = null;
  const report = runZab(propertyRunOptions('zab3-4977', 3, 0), undefined, { setup: (k) => (kernel = k) });
  expect(report.verdicts['liveness']).toBe('ok');
  expect(report.liveness.reason).toContain('server(s) 3 (acceptedEpoch 3) cannot rejoin');
  const k = kernel as unknown as Kernel;
  const leader = k.stateOf(1) as ZabServer;
  const excluded = k.stateOf(3) as ZabServer;
  expect(leader.role).toBe('LEADING');
  expect(excluded.role).not.toBe('FOLLOWING');
  expect(excluded.acceptedEpoch).toBeGreaterThan(leader.currentEpoch);
  expect((k.stateOf(2) as ZabServer).committed).toBe(leader.committed);
});
