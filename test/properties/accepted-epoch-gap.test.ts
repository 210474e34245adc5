// Proves the liveness judge handles a real ZooKeeper liveness gap honestly: server 3, leading again,
// proposed epoch 3 and persisted it as its acceptedEpoch, but its LEADERINFO was lost (a slow link
// 3 -> 1, then a partition) and epoch 3 never established. It then refuses leader 2's epoch 2
// (Learner.registerWithLeader) and loops until the next election. The run passes only because the
// other two servers form a converged quorum, and the reason names the excluded server and why.
import { expect, test } from 'vitest';
import { Kernel } from '../../sim/kernel/kernel.js';
import type { FaultEvent } from '../../sim/zab/faults.js';
import { propertyRunOptions } from '../../sim/zab/property.js';
import { runZab } from '../../sim/zab/run.js';
import type { ZabServer } from '../../protocol/zab/state.js';

// A property run (3 voters, clients writing) with this fault plan instead of a random one. No seed
// in zab3-0..19999 shows the gap since finalizeWait became lookForLeader's drain (zab3-4977 did
// before), so the plan builds it: twice 3 and 1 elect 3, 1's FOLLOWERINFO reaches 3, 3 proposes a
// new epoch (2, then 3) and the LEADERINFO, 2 s late on the slow link, dies in the partition.
// Meanwhile 2 comes back and 1 and 2 establish epoch 2 without 3.
const PLAN: FaultEvent[] = [
  { atMs: 3000, type: 'crash', target: 2 },
  { atMs: 3000, type: 'crash', target: 1 },
  { atMs: 6000, type: 'link', from: 3, to: 1, durationMs: 20_000, delayMs: 2000 },
  { atMs: 6000, type: 'restart', target: 1 },
  { atMs: 10_000, type: 'partition-groups', groups: [[3], [1, 2]] },
  { atMs: 14_000, type: 'heal' },
  { atMs: 18_000, type: 'partition-groups', groups: [[3], [1, 2]] },
  { atMs: 18_000, type: 'restart', target: 2 },
  { atMs: 30_000, type: 'heal' },
];

test('a server whose acceptedEpoch is ahead of the leader is excluded, with evidence', () => {
  const base = propertyRunOptions('accepted-epoch-gap', 3, 0);
  let kernel: Kernel | null = null;
  const report = runZab({ ...base, network: { ...base.network, faultWindows: [] }, faults: PLAN }, undefined, { setup: (k) => (kernel = k) });
  expect(report.verdicts['liveness']).toBe('ok');
  expect(report.liveness.reason).toContain('server(s) 3 (acceptedEpoch 3) cannot rejoin');
  const k = kernel as unknown as Kernel;
  const leader = k.stateOf(2) as ZabServer;
  const excluded = k.stateOf(3) as ZabServer;
  expect(leader.role).toBe('LEADING');
  expect(leader.currentEpoch).toBe(2);
  // 3 keeps registering and being refused: it never reaches BROADCAST nor takes epoch 2 on.
  expect(excluded.phase).not.toBe('BROADCAST');
  expect(excluded.currentEpoch).toBeLessThan(leader.currentEpoch);
  expect(excluded.acceptedEpoch).toBeGreaterThan(leader.currentEpoch);
  expect((k.stateOf(1) as ZabServer).committed).toBe(leader.committed);
  expect(leader.committed).toBeGreaterThan(0);
});
