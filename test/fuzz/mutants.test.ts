// Proves the fuzzer finds the planted bugs (the bug zoo): for each mutant, the first failing seed
// of `zabsim fuzz --profile standard --mutant NAME` still fails, the same case without the mutant
// passes (so the failure is the mutant's), and fresh seed ranges find every mutant again: the
// cheap ones, the durability bugs that need a crash-recovery burst, ZK-1154 (rare), and the others.
// Seeds were measured with `zabsim fuzz --profile standard --mutant NAME --seeds 2000 --max-failures 1 --json`.
import { describe, expect, test } from 'vitest';
import type { Mutant } from '../../protocol/zab/config.js';
import { runSeed } from '../../sim/fuzz/seed.js';
import { sweep } from '../../sim/fuzz/sweep.js';
import { propertyRunOptions } from '../../sim/zab/property.js';
import { runZab } from '../../sim/zab/run.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runZabScript } from '../../sim/script/script.js';

/**
 * Mutant → [first failing seed, the checker (or "liveness") that catches it]. ZK-3911, ZK-4643 and
 * ZK-4712 are found through the crash-recovery bursts of sim/fuzz/recovery.ts (a crash aimed at a
 * catching-up learner's epoch write or NEWLEADER ack, or after a follower logged a txn, then the
 * servers restarted one by one). Re-measured after FLE learned to send a notification that a
 * refused connection had kept queued (QuorumCnxManager): elections end sooner, so several first
 * failures moved (vote-zxid-before-epoch 2 → 3, ZK-1154 236 → 162, ZK-2845 3 → 13, ZK-4394 8 → 34,
 * ZK-4646 40 → 34, ZK-4712 23 → 86, now caught by commit-completeness first). Re-measured again
 * after finalizeWait learned to drop every notification that is not a better vote, whatever its
 * state or round, with no resend while it waits (lookForLeader's drain): vote-zxid-before-epoch
 * 3 → 2, follower-applies-locally 8 → 2, leader-never-steps-down 12 → 3, ZK-1154 162 → 38,
 * ZK-2845 13 → 3, ZK-3911 46 → 3, ZK-4394 34 → 8, ZK-4643 75 → 31, ZK-4646 34 → 8, ZK-4712
 * 86 → 13, now caught by prefix-consistency first. Re-measured after issue 14's exits, TRUNC and
 * persistence-order changes (a follower with nothing committed to log skips the NEWLEADER fsync,
 * which moves the disk stream): leader-never-steps-down 3 → 12, ZK-2845 3 → 11, ZK-4712 13 → 23.
 * Re-measured after a SNAP came to span time (protocol/zab/snap-send.ts) and the swarm widened
 * (issue 16: even ensembles, more observers, a 12 s fault phase, up to 100 operations, write
 * bursts at faults, the SNAP aim of recovery.ts), with `zabsim fuzz --profile standard --mutant M
 * --seeds 2000 --max-failures 1 --workers 2` (a failing seed that sweep reported; with two workers
 * it need not be the smallest). Every mutant but ZK-1549 failed within seeds 0..1999; ZK-3104 at
 * 1277 (4741 on the narrower swarm), ZK-3642 at 504 (776), ZK-2355 at 27 (290). ZK-1549: see its
 * test below.
 * Re-measured once more after issue 14 item 12 (observers in lookForLeader, flush before voting,
 * throttling): ZK-3911 82 → 135, ZK-4643 82 → 264, ZK-4646 22 → 40, ZK-4712 58 → 128, ZK-4785
 * 82 → 135, ZK-2355 27 → 132, ZK-4925 58 → 13; ZK-3104 left 0..1999: its first failure is 7953 (2000..7999), caught by linearizable-writes.
 * Re-measured after the fault shapes of sim/fuzz/shapes.ts (a server returning with an uncommitted
 * tail while the others elect; a lagging learner rejoining under a write burst and leaving soon after
 * its sync), with `--workers 1` so each is the lowest failing seed: a seed that draws a shape loses
 * its random faults from the shape's start, so vote-zxid-before-epoch 2 → 15, follower-applies-locally
 * 2 → 34 (prefix-consistency first), ZK-1154 2 → 15, ZK-4712 128 → 38 (prefix-consistency first);
 * ZK-1549 is found for the first time, at 162 (primary-integrity), and ZK-3104 7953 → 1002
 * (prefix-consistency). The others kept their seeds.
 * Re-measured after half the seeds became ZooKeeper service cases (issue 16 item 1, drawn last,
 * so a kv seed is the case it was): of the known seeds, those that turned into service cases and
 * still fail kept their entry; ZK-1154 2 → 15 (a kv seed), ZK-4394 42 → 7, ZK-2355 132 → 7 and
 * ZK-4712 128 → 36 (service seeds, ZK-4712 now caught by commit-completeness first), ZK-4643
 * 264 → 302 (a kv seed), with `--workers 1`.
 * The disk keeping a SNAP'd learner's old log records above its snapshot (protocol/zab/disk.ts
 * staleTail) left every first failing seed unchanged (measured on the swarm before the shapes,
 * `--workers 1`). ZK-2832 has no seed: none in 0..11999 there (scenarios/mutants/README.md); its
 * test below runs its scenario.
 * Re-measured on the merged tree (shapes, service workload, stale log records together), `--workers 1`
 * per mutant: vote-zxid-before-epoch 15 → 7, follower-applies-locally 34 → 0 (commit-completeness
 * first), ZK-4646 40 → 23, ZK-4685 0 → 1, ZK-3023 0 → 1, ZK-4712 38 → 158 (single-server-assertions
 * first), ZK-1549 162 → 127, ZK-2355 7 → 679 (history-consistency first); the others kept their
 * seeds. ZK-2832: none in 0..1999.
 * The restart-rejoin fault shape (sim/fuzz/shapes.ts: a server with an uncommitted tail rejoins a
 * leader killed and restarted from its own snapshot, then restarts after its sync) finds ZK-2832
 * for the first time, at 86 (`--workers 1`; prefix-consistency). It takes its share of the cases
 * from seeds that drew no shape before, so most seeds kept their cases; two first failures were
 * such seeds and moved: vote-zxid-before-epoch 7 → 3 (seed 3 now draws the shape), ZK-2355 679 → 1050 (history-consistency).
 * Leader churn (sim/fuzz/leader-churn.ts, drawn last: only the tenth of seeds that draw it changed)
 * moved one first failure to a churn seed, with the same checker: ZK-4712 158 → 17. Measured by
 * running, per mutant, every churn seed below its first failure (runSeed, attributed, as
 * `--workers 1`); the others kept their seeds.
 * The Curator-style recipe roles (selector, rwlock, counter, dbarrier, treecache: issue 15) changed
 * every service case's roles and the lock's release (now retried), so every service seed below each
 * first failure was run again (runSeed, attributed, as `--workers 1`; kv seeds are unchanged):
 * ZK-2355 1050 → 51 (a service seed, caught by
 * prefix-consistency), ZK-1549 127 → 162 (seed 127 passes now; 162 is the kv seed it had before
 * 127); the others kept their seeds.
 * Quiet periods and late learners (sim/README.md layers 14-15, 40% of the cases without a shape, kv
 * seeds too) changed kv seed 15's case: ZK-1154 15 → 18 (`zabsim fuzz --mutant ZK-1154 --workers 1`,
 * history-consistency); every other known seed still fails with its checker (npm test).
 * A learner's registration opening a new connection (protocol/zab/README.md, learner connections)
 * moved one first failure: ZK-2355 51 → 607 (prefix-consistency; `zabsim fuzz --profile standard
 * --mutant ZK-2355 --seeds 2000 --max-failures 1 --workers 1`); the others kept their seeds.
 * Merged with main (quiet periods, late learners, containers: both changes together), every mutant
 * run again from seed 0 up to its known seed (`zabsim fuzz --profile standard --mutant M --seeds
 * K+1 --max-failures 1 --workers 1`): ZK-3911 135 → 82 (commit-completeness); the others kept their
 * seeds, ZK-1154 18 and ZK-2355 607 included.
 * Session 13 made a quarter of the seeds roll their log every second txn (snapCount 2 where a second
 * 100,000 was) and leader churn a quarter of the standard seeds (a tenth before; sim/README.md layers 4
 * and 10). Five known seeds were among the changed ones and no longer failed; each mutant was run again
 * from seed 0 (`zabsim fuzz --profile standard --mutant M --seeds 3000 --max-failures 1 --workers 1`):
 * ZK-4394 7 → 10, ZK-4646 23 → 27, ZK-4785 135 → 266, ZK-2355 607 → 311 (history-consistency now),
 * ZK-3642 504 → 1277 (history-consistency now); the others still fail at their seeds with their checkers.
 */
export const KNOWN: ReadonlyArray<readonly [Mutant, number, string]> = [
  ['commit-without-quorum', 0, 'quorum-commit'],
  ['count-observer-acks', 0, 'quorum-commit'],
  ['no-persist-accepted-epoch', 1, 'single-server-assertions'],
  ['vote-zxid-before-epoch', 3, 'liveness'],
  ['follower-applies-locally', 0, 'commit-completeness'],
  ['leader-never-steps-down', 1, 'liveness'],
  ['ZK-1154', 18, 'history-consistency'],
  ['ZK-2845', 1, 'history-consistency'],
  ['ZK-3911', 82, 'commit-completeness'],
  ['ZK-4394', 10, 'zab-anomalies'],
  ['ZK-4643', 302, 'commit-completeness'],
  ['ZK-4646', 27, 'zab-anomalies'],
  ['ZK-4685', 1, 'zab-anomalies'],
  ['ZK-4712', 17, 'single-server-assertions'],
  ['ZK-3023', 1, 'history-consistency'],
  ['ZK-4785', 266, 'commit-completeness'],
  ['ZK-3642', 1277, 'history-consistency'],
  ['ZK-2355', 311, 'history-consistency'],
  ['ZK-4925', 13, 'history-consistency'],
  ['ZK-3104', 1002, 'prefix-consistency'],
  ['ZK-1549', 162, 'primary-integrity'],
  ['ZK-2832', 86, 'prefix-consistency'],
];

describe('known first failing seeds', () => {
  for (const [mutant, seed, checker] of KNOWN) {
    test(`${mutant}: seed ${seed} fails ${checker}, and passes without the mutant`, () => {
      const o = runSeed('standard', seed, mutant);
      expect(o.failure).toBe(checker);
      expect(o.attributed).toBe(true);
    });
  }
});

test('a fresh seed range (10000..10019) finds the cheap mutants again', async () => {
  for (const mutant of ['commit-without-quorum', 'count-observer-acks', 'no-persist-accepted-epoch', 'ZK-4685', 'ZK-3023'] as const) {
    const outcomes = await sweep({ profile: 'standard', from: 10_000, to: 10_020, mutant, workers: 1, maxFailures: 1 });
    expect(
      outcomes.some((o) => o.failure !== null && o.attributed),
      mutant,
    ).toBe(true);
  }
}, 120_000);

test('a fresh seed range (10000..10399) finds the durability bugs again through crash-recovery bursts', async () => {
  // About one seed in 60 to 100 finds each of them; the range was checked to hold a failure of each.
  // ZK-3104 (a SNAP's NEWLEADER queued before its snapshot) is rarer, about one in 1,000; this range
  // still held one of each after the fault shapes of shapes.ts changed a quarter of the seeds.
  // ZK-3642 has no fresh range: none in 10000..12999 (one in several thousand). Nor has ZK-1549 (the
  // tail-rejoin shape finds it in about one seed in 300 to 400), too rare for this suite.
  for (const mutant of ['ZK-3911', 'ZK-4643', 'ZK-4712', 'ZK-4785', 'ZK-3104'] as const) {
    const outcomes = await sweep({ profile: 'standard', from: 10_000, to: 10_400, mutant, workers: 1, maxFailures: 1 });
    expect(
      outcomes.some((o) => o.failure !== null && o.attributed),
      mutant,
    ).toBe(true);
  }
}, 120_000);

test('a fresh seed range (10000..10099) finds ZK-2832 again through the restart-rejoin shape', async () => {
  // Its first failure here is 10082 (measured once, with --workers 1; never used to choose KNOWN).
  const outcomes = await sweep({ profile: 'standard', from: 10_000, to: 10_100, mutant: 'ZK-2832', workers: 1, maxFailures: 1 });
  expect(outcomes.some((o) => o.failure !== null && o.attributed)).toBe(true);
}, 120_000);

test('a fresh seed range (20000..20099) finds the other mutants but ZK-1154 again', async () => {
  // Measured once (first failures at 20000..20049); never used to choose KNOWN. With the two tests
  // above and the next, every mutant is found again outside the seeds it was measured on.
  // ZK-4394 left this range when a SNAP came to span time (snap-send.ts), ZK-4925 when the swarm
  // widened (issue 16); the next test finds them.
  const others = ['vote-zxid-before-epoch', 'follower-applies-locally', 'leader-never-steps-down', 'ZK-2845', 'ZK-4646'] as const;
  for (const mutant of others) {
    const outcomes = await sweep({ profile: 'standard', from: 20_000, to: 20_100, mutant, workers: 1, maxFailures: 1 });
    expect(
      outcomes.some((o) => o.failure !== null && o.attributed),
      mutant,
    ).toBe(true);
  }
}, 180_000);

test('a fresh seed range (20000..20499) finds ZK-1154, ZK-4394 and ZK-4925 again', async () => {
  // ZK-1154 needs a learner that holds a txn its new leader lacks (so it should be truncated) to
  // sync inside the leader's committed log: about one seed in 100 over 0..999 (10), fewer here. After finalizeWait became lookForLeader's
  // drain, 20000..20099 held none; this wider range was checked to hold one (20167), and after
  // issue 14's sync changes moved it, to hold one again (20448). ZK-4394's first failure here is
  // 20260 since a SNAP spans time.
  // ZK-4925's first failure here is 20103 on the widened swarm.
  for (const mutant of ['ZK-1154', 'ZK-4394', 'ZK-4925'] as const) {
    const outcomes = await sweep({ profile: 'standard', from: 20_000, to: 20_500, mutant, workers: 1, maxFailures: 1 });
    expect(
      outcomes.some((o) => o.failure !== null && o.attributed),
      mutant,
    ).toBe(true);
  }
}, 180_000);

test('a fresh seed range (10000..10999) finds ZK-2355 again', async () => {
  // ZK-2355 needs a learner's link to break after it read a DIFF with txns and before NEWLEADER:
  // about one seed in 300 to 900 (first failures 290 and 10931); this range was checked to hold one.
  const outcomes = await sweep({ profile: 'standard', from: 10_000, to: 11_000, mutant: 'ZK-2355', workers: 1, maxFailures: 1 });
  expect(outcomes.some((o) => o.failure !== null && o.attributed)).toBe(true);
}, 180_000);

test('ZK-1549 breaks the 4-voter property run zab4-165 too, and only with the mutant', () => {
  // The property sweeps turn skipDirtyLeadSnapshot on, as the fuzzer does; the mutant turns it off.
  // Before the tail-rejoin shape (sim/fuzz/shapes.ts) only the property sweeps found it
  // (scenarios/mutants/README.md says why). zab4-3 was the first failure of the first 150 4-voter
  // seeds; zab3-5 the first of 150 3-voter ones. Since a learner's registration opens a new
  // connection (protocol/zab/README.md), zab4-0..149 hold none; running zab4-0.. in order with and
  // without the mutant, zab4-165 is the first that fails with it (prefix-consistency among others)
  // and passes without it (then 282, 291, 311, 357); zab3-5 still fails first.
  const options = propertyRunOptions('zab4-165', 4);
  const violated = (mutants: readonly Mutant[]): string[] =>
    Object.entries(runZab({ ...options, zab: { ...options.zab, mutants } }).verdicts)
      .filter(([, v]) => v === 'violated')
      .map(([k]) => k);
  expect(violated(['ZK-1549'])).toContain('prefix-consistency');
  expect(violated([])).toEqual([]);
}, 60_000);

test('ZK-2832 breaks its narrated scenario too, and only with the mutant', () => {
  // The JIRA's sequence under 3.4.9's persistence (scenarios/mutants/README.md says how the
  // restart-rejoin shape reaches it under 3.8's). The scenario's last check must find
  // the violations with the mutant; the same script without it (3.8's TRUNC) must find none.
  const path = join(import.meta.dirname, '..', '..', 'scenarios', 'bugs', 'zk-2832-mutant.txt');
  const text = readFileSync(path, 'utf8');
  const lastCheck = (script: string): string => {
    const out = runZabScript(script).text;
    const at = out.lastIndexOf('check expect=');
    return out.slice(at);
  };
  expect(lastCheck(text)).toContain('prefix-consistency: violated');
  const unmutated = lastCheck(text.replace(' mutant=ZK-2832', ''));
  expect(unmutated).toContain('ok: all 10 checkers');
  expect(unmutated).not.toContain('violated:');
}, 60_000);
