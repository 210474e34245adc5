// Proves the fuzzer's liveness phase judges observers: every observer heals with the voter core, an
// observer that never catches up after the heal fails liveness, and one left isolated is not judged.
import { expect, test } from 'vitest';
import { caseForSeed } from '../../sim/fuzz/arbitraries.js';
import { runCase } from '../../sim/fuzz/case.js';

test('every drawn case heals a quorum of voters and every observer', () => {
  let withObservers = 0;
  for (let n = 0; n < 200; n++) {
    const c = caseForSeed('standard', n);
    const voters = c.core.filter((id) => id <= c.servers);
    const observers = c.core.filter((id) => id > c.servers);
    expect(voters.length, `seed ${n}`).toBe(Math.floor(c.servers / 2) + 1);
    expect(observers, `seed ${n}`).toEqual(Array.from({ length: c.observers }, (_, i) => c.servers + i + 1));
    if (c.observers > 0) withObservers++;
  }
  expect(withObservers).toBeGreaterThan(0);
});

// The first standard seed with an observer; its first observer syncs after the heal.
const c = Array.from({ length: 20 }, (_, n) => caseForSeed('standard', n)).find((x) => x.observers > 0) ?? caseForSeed('standard', 0);
const observer = c.servers + 1;

test('the observer is judged with the core when it catches up', () => {
  expect(c.observers).toBeGreaterThan(0);
  const r = runCase(c);
  expect(r.failure).toBeNull();
  expect(r.report.liveness.reason).toContain(`{${c.core.join(',')}}`);
});

test('an observer that never catches up after the heal is a liveness failure', () => {
  const r = runCase(c, { stallAfterHeal: [observer] });
  expect(r.failure).toBe('liveness');
  expect(r.report.liveness.reason).toMatch(new RegExp(`^(stuck-sync|diverged): ${observer} `));
});

test('an observer left isolated at the end is not judged', () => {
  const isolated = { ...c, core: c.core.filter((id) => id !== observer) };
  const r = runCase(isolated, { stallAfterHeal: [observer] });
  expect(r.failure).toBeNull();
});
