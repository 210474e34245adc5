// Proves the recovery judge's one exemption, ACCEPTED_EPOCH_AHEAD, is exactly ZooKeeper's refusal
// and nothing wider: a learner (here observer 4) whose acceptedEpoch is above the active leader's
// epoch is excluded only when the caller knows the voters, a leader of the run proposed that epoch,
// and the rest hold a quorum; a stuck observer at or below the leader's epoch, or one holding an
// epoch no leader proposed, still fails as stuck-sync (the shape of deep fuzz seed 483).
import { describe, expect, test } from 'vitest';
import { ACCEPTED_EPOCH_AHEAD, judgeRecovery } from '../../sim/checkers/recovery.js';
import type { ZabServer } from '../../protocol/zab/state.js';

type Shape = { role: string; phase: string; acceptedEpoch: number; currentEpoch: number; committed?: number; leader?: number };

// The judge reads only these fields of a server.
function server(id: number, x: Shape): ZabServer {
  return {
    id,
    role: x.role,
    phase: x.phase,
    acceptedEpoch: x.acceptedEpoch,
    currentEpoch: x.currentEpoch,
    committed: x.committed ?? 7,
    lastProcessedZxid: 0,
    learner: x.leader === undefined ? null : { leader: x.leader },
  } as unknown as ZabServer;
}

const LEADER = server(1, { role: 'LEADING', phase: 'BROADCAST', acceptedEpoch: 2, currentEpoch: 2 });
const FOLLOWER = server(2, { role: 'FOLLOWING', phase: 'BROADCAST', acceptedEpoch: 2, currentEpoch: 2, leader: 1 });
const VOTERS = [1, 2, 3];

function judge(observer: ZabServer, options: Parameters<typeof judgeRecovery>[2], follower = FOLLOWER) {
  const states = new Map([
    [1, LEADER],
    [2, follower],
    [4, observer],
  ]);
  return judgeRecovery([1, 2, 4], (id) => states.get(id), options);
}

describe('ACCEPTED_EPOCH_AHEAD', () => {
  const ahead = server(4, { role: 'LOOKING', phase: 'ELECTION', acceptedEpoch: 4, currentEpoch: 1 });

  test('an observer refused for an acceptedEpoch a leader of the run proposed is excluded, and the reason says why', () => {
    const v = judge(ahead, { voters: VOTERS, proposedEpochs: new Set([1, 2, 3, 4, 5]) });
    expect(v.ok).toBe(true);
    expect(v.ok && v.excluded).toEqual([4]);
    expect(v.ok && v.reason).toContain(`server(s) 4 (acceptedEpoch 4) cannot rejoin until the next election (${ACCEPTED_EPOCH_AHEAD})`);
  });

  test('an acceptedEpoch no leader proposed is not ZooKeeper behaviour: stuck-sync', () => {
    const v = judge(ahead, { voters: VOTERS, proposedEpochs: new Set([1, 2, 3, 5]) });
    expect(v).toMatchObject({ ok: false, cls: 'stuck-sync' });
  });

  test('a stuck observer whose acceptedEpoch is not above the leader epoch still fails', () => {
    for (const acceptedEpoch of [1, 2]) {
      const stuck = server(4, { role: 'OBSERVING', phase: 'SYNCHRONIZATION', acceptedEpoch, currentEpoch: 1, leader: 1 });
      expect(judge(stuck, { voters: VOTERS, proposedEpochs: new Set([1, 2]) })).toMatchObject({ ok: false, cls: 'stuck-sync' });
    }
  });

  test('without the voters (the check verb) nothing is exempt', () => {
    expect(judge(ahead, {})).toMatchObject({ ok: false, cls: 'stuck-sync' });
  });

  test('a voter refused the same way is excluded only while the rest hold a quorum', () => {
    const refused = server(2, { role: 'LOOKING', phase: 'ELECTION', acceptedEpoch: 3, currentEpoch: 1 });
    const v = judge(ahead, { voters: VOTERS, proposedEpochs: new Set([3, 4]) }, refused);
    expect(v).toMatchObject({ ok: false, cls: 'stuck-sync' });
    expect(!v.ok && v.reason).toContain(`(${ACCEPTED_EPOCH_AHEAD}: acceptedEpoch ahead of epoch 2) and the rest are not a quorum`);
  });
});
