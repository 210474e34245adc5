// Proves the leader-churn layer: the 'leading' and 'epoch-first-proposal' triggers fire on exactly
// the event they name, the swarm draws a churn for about a quarter of standard cases and a tenth of
// deep ones (none in quick), each death paired with its restart, and churn cases run clean on the
// unmutated protocol.
import { describe, expect, test } from 'vitest';
import type { NodeId } from '../../protocol/program.js';
import type { ZabObservation } from '../../protocol/zab/effects.js';
import { makeZxid } from '../../protocol/zxid.js';
import type { Kernel } from '../../sim/kernel/kernel.js';
import { caseForSeed } from '../../sim/fuzz/arbitraries.js';
import { runCase, type FuzzCase } from '../../sim/fuzz/case.js';
import { churnFaults } from '../../sim/fuzz/leader-churn.js';
import { TriggerWatch, type ArmedFault } from '../../sim/fuzz/triggers.js';
import type { FaultEvent, Trigger } from '../../sim/zab/faults.js';

/** A TriggerWatch over a stand-in kernel whose clock stands at `nowMs`; returns the fired (index, subject) pairs. */
function watchOf(whens: readonly Trigger[], nowMs = 1_000): { w: TriggerWatch; fired: [number, NodeId][] } {
  const fired: [number, NodeId][] = [];
  const kernel = { nowUs: nowMs * 1000, at: (_t: number, fn: () => void) => fn(), stateOf: () => undefined } as unknown as Kernel;
  const armed: ArmedFault[] = whens.map((when, index) => ({ index, fault: { atMs: 0, when, type: 'crash', target: 'trigger' } }));
  const w = new TriggerWatch(kernel, [1, 2, 3], armed, (i, s) => void fired.push([i, s]));
  return { w, fired };
}

const role = (r: string, phase: string): ZabObservation => ({ kind: 'role', role: r, phase, epoch: 1, leader: 1 });
const propose = (epoch: number, counter: number): ZabObservation => ({ kind: 'propose', zxid: makeZxid(epoch, counter), epoch, committedCount: 0 });

describe('leader-churn triggers', () => {
  test("'leading' fires when a server starts to lead, not on its later phases nor on a follower", () => {
    const { w, fired } = watchOf([{ on: 'leading' }]);
    w.observe(2, role('FOLLOWING', 'DISCOVERY'));
    w.observe(3, role('LEADING', 'SYNCHRONIZATION'));
    w.observe(3, role('LEADING', 'BROADCAST'));
    expect(fired).toEqual([]);
    w.observe(3, role('LEADING', 'DISCOVERY'));
    expect(fired).toEqual([[0, 3]]);
  });

  test("'epoch-first-proposal' fires at a leader's first PROPOSAL of each epoch, once per armed fault", () => {
    const { w, fired } = watchOf([{ on: 'epoch-first-proposal' }, { on: 'epoch-first-proposal' }]);
    w.observe(1, propose(2, 1));
    // Both faults were armed: both match the same event (a fault fires at most once).
    expect(fired).toEqual([
      [0, 1],
      [1, 1],
    ]);
    const again = watchOf([{ on: 'epoch-first-proposal' }]);
    again.w.observe(1, propose(2, 1));
    again.w.observe(1, propose(2, 2));
    expect(again.fired).toEqual([[0, 1]]);
    const later = watchOf([{ on: 'nth-proposal', server: 'leader', n: 99 }, { on: 'epoch-first-proposal' }]);
    later.w.observe(1, propose(2, 1));
    expect(later.fired).toEqual([[1, 1]]);
  });

  test('a second epoch of the same server is a new first proposal', () => {
    const w = watchOf([{ on: 'epoch-first-proposal' }]);
    const w2 = watchOf([{ on: 'nth-proposal', server: 'leader', n: 1 }, { on: 'epoch-first-proposal' }]);
    w2.w.observe(1, propose(2, 1)); // both fire
    expect(w2.fired.length).toBe(2);
    w.w.observe(2, propose(3, 1));
    w.w.observe(2, propose(3, 2));
    w.w.observe(2, propose(4, 1));
    expect(w.fired).toEqual([[0, 2]]); // armed once: fired at the first, epoch 3's
  });
});

describe('leader churn in the swarm', () => {
  const isChurnTrigger = (f: FaultEvent): boolean => f.when?.on === 'leading' || f.when?.on === 'epoch-first-proposal';
  const churned = (c: FuzzCase): boolean => c.faults.some(isChurnTrigger);

  test('about a quarter of standard cases and a tenth of deep ones draw a churn, quick none; each death has its restart', () => {
    for (const [profile, low, high] of [
      ['standard', 50, 100],
      ['deep', 15, 50],
    ] as const) {
      const cases = Array.from({ length: 300 }, (_, n) => caseForSeed(profile, n)).filter(churned);
      expect(cases.length, profile).toBeGreaterThan(low);
      expect(cases.length, profile).toBeLessThan(high);
      for (const c of cases) {
        const deaths = c.faults.filter((f) => isChurnTrigger(f) && f.type === 'crash');
        const restarts = c.faults.filter((f) => isChurnTrigger(f) && f.type === 'restart');
        expect(deaths.length).toBeGreaterThanOrEqual(1);
        expect(deaths.length).toBeLessThanOrEqual(3);
        expect(restarts.length).toBe(deaths.length);
        for (const f of [...deaths, ...restarts]) expect('target' in f && f.target).toBe('trigger');
      }
    }
    expect(Array.from({ length: 100 }, (_, n) => caseForSeed('quick', n)).some(churned)).toBe(false);
  });

  test('each next death is armed after the one before, and a restart comes after its death', () => {
    const faults = churnFaults({
      atMs: 2_000,
      next: [{ at: 'first-proposal' }, { at: 'leading', afterMs: 40 }],
      downMs: [100, 200, 300],
      gapMs: 500,
      keepUnsynced: true,
    });
    expect(faults.map((f) => [f.atMs, f.type, f.when?.on ?? null, f.when?.delayMs ?? 0])).toEqual([
      [2_000, 'crash', null, 0],
      [2_100, 'restart', null, 0],
      [2_500, 'crash', 'epoch-first-proposal', 0],
      [2_500, 'restart', 'epoch-first-proposal', 200],
      [3_000, 'crash', 'leading', 40],
      [3_000, 'restart', 'leading', 340],
    ]);
    expect(faults.filter((f) => f.type === 'crash').every((f) => f.type === 'crash' && f.keepUnsynced === true)).toBe(true);
  });

  test('the first churn cases of standard seeds run clean on the unmutated protocol and kill more than one leader', () => {
    const cases = Array.from({ length: 200 }, (_, n) => caseForSeed('standard', n))
      .filter(churned)
      .slice(0, 3);
    expect(cases.length).toBe(3);
    let triggeredDeaths = 0;
    for (const c of cases) {
      const r = runCase(c);
      expect(r.failure, c.seed).toBeNull();
      c.faults.forEach((f, i) => {
        if (isChurnTrigger(f) && f.type === 'crash' && (r.resolved[String(i)]?.length ?? 0) > 0) triggeredDeaths++;
      });
    }
    expect(triggeredDeaths).toBeGreaterThan(0);
  });
});
