// Proves StateAgreement keeps the leader's state for exactly the last 1,024 distinct committed counts
// it was given, evicting in the order they went in (not by count), whatever order the counts come in.
import { describe, expect } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { StateAgreement } from '../../sim/zab/state-agreement.js';
import type { ZabServer } from '../../protocol/zab/state.js';

const WINDOW = 1024;
const sm = { name: 'probe', sameState: (a: unknown, b: unknown) => a === b };

function server(applied: number, state: unknown): ZabServer {
  return { id: 1, sm, applied, state } as unknown as ZabServer;
}

/** The reference: a list of [count, state] in insertion order, the oldest dropped past WINDOW. */
function model(counts: readonly number[]): Map<number, unknown> {
  const kept: [number, unknown][] = [];
  const seen = new Set<number>();
  for (const c of counts) {
    if (seen.has(c)) continue;
    seen.add(c);
    kept.push([c, `state-${c}`]);
    if (kept.length > WINDOW) seen.delete(kept.shift()![0]);
  }
  return new Map(kept);
}

// Runs of consecutive counts (a leader committing) with jumps back and forward between them (new
// leaders, mutants), long enough to evict.
const counts = fc
  .array(fc.tuple(fc.integer({ min: 0, max: 5_000 }), fc.integer({ min: 1, max: 400 })), { minLength: 1, maxLength: 12 })
  .map((runs) => runs.flatMap(([from, n]) => Array.from({ length: n }, (_, i) => from + i)));

describe('StateAgreement window', () => {
  test.prop([counts], { numRuns: 40 })('compares exactly the counts the insertion-order window keeps', (list) => {
    const agreement = new StateAgreement();
    for (const c of list) agreement.leaderAt(server(c, `state-${c}`), c);
    const kept = model(list);
    const probes = new Set([...list, ...list.map((c) => c + 1), 0, 5_400]);
    for (const c of probes) {
      // A server in sync at c with a state no leader held: flagged exactly when c's state is kept.
      expect(agreement.inSync(server(c, { other: c }), c) !== null).toBe(kept.has(c));
      // With the state the first leader at c held, never flagged.
      if (kept.has(c)) expect(agreement.inSync(server(c, kept.get(c)), c)).toBeNull();
    }
  });

  test('a count seen again keeps its first state and its place in the eviction order', () => {
    const agreement = new StateAgreement();
    agreement.leaderAt(server(7, 'first'), 7);
    agreement.leaderAt(server(7, 'second'), 7);
    expect(agreement.inSync(server(7, 'first'), 7)).toBeNull();
    for (let c = 10_000; c < 10_000 + WINDOW - 1; c++) agreement.leaderAt(server(c, c), c);
    expect(agreement.inSync(server(7, 'second'), 7)).not.toBeNull();
    agreement.leaderAt(server(20_000, 0), 20_000);
    expect(agreement.inSync(server(7, 'second'), 7)).toBeNull();
    expect(agreement.inSync(server(10_000, 'x'), 10_000)).not.toBeNull();
  });
});
