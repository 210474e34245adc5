// Proves that the comparison of fault-plan outcomes (test/conformance/outcome-*.ts) holds zabsim to
// what each plan forces and allows, and that it fails on a wrong outcome: a zabsim run with a pause too
// short to expire a session, a connection loss the plan rules out, and wrong data after recovery.
import { describe, expect, it } from 'vitest';
import type { ZkHistory } from '../../sim/history/types.js';
import { compareOutcomes, kindsOf, type OutcomeRun } from '../conformance/outcome-compare.js';
import { ephemeralOf, expectations, keyOf, OUTCOME_PLANS, type OutcomePlan } from '../conformance/outcome-plan.js';
import { runPlanSim } from '../conformance/outcome-sim.js';

const ROOT = '/o';
const plan = (name: string): OutcomePlan => OUTCOME_PLANS.find((p) => p.name === name)!;
const asOther = (run: OutcomeRun): OutcomeRun => ({ ...run, side: 'other' });

describe('fault-plan outcomes in zabsim', () => {
  it.each(OUTCOME_PLANS.map((p) => ({ name: p.name, p })))(
    '$name: two zabsim seeds each show every forced kind, only allowed ones, and agree on the data',
    ({ p }) => {
      const a = runPlanSim(p, ROOT, { seed: 'outcome-a' });
      const b = asOther(runPlanSim(p, ROOT, { seed: 'outcome-b' }));
      const cmp = compareOutcomes(p, ROOT, a, b);
      expect(cmp.problems).toEqual([]);
      // The plan forces something on some client in every catalogue plan, so the check above had something to hold.
      expect(expectations(p).some((e) => e.forced.size > 0)).toBe(true);
      expect(cmp.dataCompared).toBeGreaterThan(0);
    },
  );

  it('catches a zabsim whose follower pause is too short to expire the session the plan expires', () => {
    const p = plan('pause-follower-long');
    const right = runPlanSim(p, ROOT, { seed: 'outcome-a' });
    const wrong = asOther(runPlanSim(p, ROOT, { seed: 'outcome-a', faultOverride: { ...p.fault, forMs: 1000 } }));
    expect(kindsOf(wrong.history, 0).has('SESSIONEXPIRED')).toBe(false);
    const { problems } = compareOutcomes(p, ROOT, right, wrong);
    expect(problems.some((l) => l.startsWith('other: client 0 (target) shows no SESSIONEXPIRED'))).toBe(true);
  });

  it('catches a connection loss on a client the struck follower cannot reach', () => {
    const p = plan('kill-follower');
    const a = runPlanSim(p, ROOT, { seed: 'outcome-a' });
    const b = runPlanSim(p, ROOT, { seed: 'outcome-b' });
    const onLeader = p.clients.indexOf('leader');
    const events = [
      ...(b.history.events ?? []),
      { kind: 'session' as const, client: onLeader, session: 1, server: null, state: 'DISCONNECTED' as const, atUs: 1, seq: 0 },
    ];
    const lossy: ZkHistory = { ...b.history, events };
    const { problems } = compareOutcomes(p, ROOT, a, { ...asOther(b), history: lossy });
    expect(problems).toEqual([expect.stringMatching(/^other: client 1 \(leader\) shows CONNECTIONLOSS, which the plan rules out/)]);
  });

  it('catches data after recovery that the acknowledged writes do not leave, and an ephemeral that outlived its session', () => {
    const p = plan('kill-follower-long');
    const a = runPlanSim(p, ROOT, { seed: 'outcome-a' });
    const b = asOther(runPlanSim(p, ROOT, { seed: 'outcome-b' }));
    expect(kindsOf(b.history, 0).has('SESSIONEXPIRED')).toBe(true);
    const spare = p.clients.indexOf('spare');
    const stale = { ...b.recovered, [keyOf(ROOT, spare)]: 'c9-9', [ephemeralOf(ROOT, 0)]: 'c0-e' };
    const { problems } = compareOutcomes(p, ROOT, a, { ...b, recovered: stale });
    expect(problems).toContainEqual(expect.stringContaining(`other: ${keyOf(ROOT, spare)} reads "c9-9" after recovery`));
    expect(problems).toContainEqual(
      expect.stringContaining(`other: ${ephemeralOf(ROOT, 0)} reads "c0-e" after recovery, but its acknowledged writes leave no node`),
    );
    expect(problems).toContainEqual(expect.stringContaining(`${keyOf(ROOT, spare)}: zabsim reads`));
  });

  it('derives nothing forced from timing the plan does not fix', () => {
    const short: OutcomePlan = { ...plan('pause-follower-long'), fault: { action: 'pause', role: 'follower', atMs: 600, forMs: 1500 } };
    const [target, leader] = expectations(short);
    expect(target!.forced.size).toBe(0);
    expect([...target!.possible].sort()).toEqual(['CONNECTIONLOSS', 'SESSIONEXPIRED']);
    expect(leader!.possible.size).toBe(0);
    const leaderPause: OutcomePlan = { ...plan('pause-leader-long'), fault: { action: 'pause', role: 'leader', atMs: 600, forMs: 3000 } };
    expect(expectations(leaderPause).every((e) => e.forced.size === 0 && e.possible.size === 2)).toBe(true);
  });
});
