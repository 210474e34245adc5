// Proves the fuzz liveness judge names the slow-election classes seen in unmutated sweeps: FLE poll
// starvation (the best vote's holder silent towards a same-round worse vote), a vote for or a
// leader outside the core, and a leader that became active only around the last probe writes.
import { expect, test } from 'vitest';
import type { ZabServer } from '../../protocol/zab/state.js';
import { makeZxid } from '../../protocol/zxid.js';
import { explainElection } from '../../sim/fuzz/explain.js';

/** Just the fields the explanation reads. */
function looking(round: number, leader: number, epoch: number, counter: number): ZabServer {
  return {
    role: 'LOOKING',
    learner: null,
    fle: { logicalclock: round, proposed: { leader, peerEpoch: epoch, zxid: makeZxid(epoch, counter) } },
  } as unknown as ZabServer;
}

function following(leader: number): ZabServer {
  return { role: 'FOLLOWING', learner: { leader }, fle: { logicalclock: 1, proposed: { leader, peerEpoch: 1, zxid: 0 } } } as unknown as ZabServer;
}

const base = { core: [1, 2, 3], lastActivationUs: null, livenessStartUs: 9_000_000, lastProbeUs: 23_500_000 };

test('same-round LOOKING servers with different votes: poll starvation, naming the best vote', () => {
  const text = explainElection({
    ...base,
    states: [
      { id: 1, s: looking(2, 2, 1, 0) },
      { id: 2, s: looking(2, 2, 1, 0) },
      { id: 3, s: looking(2, 3, 1, 0) },
    ],
  });
  expect(text).toContain('FLE poll starvation: in round 2, 3 votes for 3 (epoch 1, zxid 1:0) while 1 votes for 2, 2 votes for 2');
  expect(text).toContain('no core server became an active leader');
});

test('different rounds are not starvation (the newer round gets an answer)', () => {
  const text = explainElection({
    ...base,
    states: [
      { id: 1, s: looking(2, 1, 1, 0) },
      { id: 3, s: looking(3, 3, 1, 0) },
    ],
  });
  expect(text).not.toContain('starvation');
});

test('a vote for, or a leader, outside the core is a stale vote', () => {
  const text = explainElection({
    ...base,
    states: [
      { id: 1, s: following(4) },
      { id: 2, s: looking(3, 4, 1, 2) },
      { id: 3, s: following(3) },
    ],
  });
  expect(text).toContain('stale vote: 1 follows 4, 2 votes for 4, outside the core');
});

test('a leader active only after the last probe write is a late leader', () => {
  const text = explainElection({
    ...base,
    lastActivationUs: 24_465_000,
    states: [
      { id: 1, s: following(3) },
      { id: 3, s: following(3) },
    ],
  });
  expect(text).toBe("late leader: the core's leader became active at 24465 ms, after the last probe write (23500 ms)");
});
