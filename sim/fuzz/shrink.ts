// Shrinking a failing case: delta debugging over the fault plan and
// the workload, then weakening each fault (crash → pause → loss window → delay window), then fewer
// observers, servers and clients. A candidate is kept only if it still fails the SAME checker.
// Candidates run with the original decision tape, so removing one fault does not reshuffle every
// message latency of the run (replay by meaning keeps the rest of the schedule in place).
import type { FaultEvent } from '../zab/faults.js';
import { runCase, type FuzzCase } from './case.js';
import type { TapeData } from './tape.js';

export interface ShrinkResult {
  readonly case: FuzzCase;
  readonly runs: number;
  readonly before: number;
  readonly after: number;
}

/** Steps of a case for shrink accounting: one per fault and one per client operation. */
export function stepCount(c: FuzzCase): number {
  return c.faults.length + c.ops.length;
}

export function shrinkCase(start: FuzzCase, failure: string, tape: TapeData | null, budget = 400): ShrinkResult {
  let runs = 0;
  const fails = (c: FuzzCase): boolean => {
    if (runs >= budget) return false;
    runs++;
    const opts = tape === null ? {} : { tape };
    if (runCase(c, opts).failure !== failure) return false;
    // A mutant's case must stay the mutant's: the same case without the mutant has to pass.
    return c.mutants.length === 0 || runCase({ ...c, mutants: [] }, opts).failure === null;
  };
  let best = start;
  const ddmin = <T>(items: readonly T[], rebuild: (xs: T[]) => FuzzCase): T[] => {
    let cur = items.slice();
    // Thinning first: drop every other item while the case still fails. A failure that needs some
    // amount of work spread over the run (enough txns, a write near each fault) survives halving
    // where removing any contiguous half does not, and each halving costs one or two runs.
    for (let thinned = true; thinned && cur.length > 1;) {
      thinned = false;
      for (const keep of [0, 1]) {
        const cand = cur.filter((_, i) => i % 2 === keep);
        if (fails(rebuild(cand))) {
          cur = cand;
          thinned = true;
          break;
        }
      }
    }
    let chunk = Math.max(1, Math.ceil(cur.length / 2));
    while (cur.length > 0) {
      let removed = false;
      for (let i = 0; i < cur.length; i += chunk) {
        const cand = [...cur.slice(0, i), ...cur.slice(i + chunk)];
        if (fails(rebuild(cand))) {
          cur = cand;
          removed = true;
          i -= chunk;
        }
      }
      if (chunk === 1 && !removed) break;
      if (!removed) chunk = Math.max(1, Math.floor(chunk / 2));
    }
    return cur;
  };
  for (let round = 0; round < 2; round++) {
    const before = stepCount(best);
    const faults = ddmin(best.faults, (xs) => ({ ...best, faults: xs }));
    best = { ...best, faults };
    const ops = ddmin(best.ops, (xs) => ({ ...best, ops: xs }));
    best = { ...best, ops };
    // Weaken faults one by one.
    for (let i = 0; i < best.faults.length; i++) {
      for (const weaker of weakenings(best.faults[i] as FaultEvent)) {
        const faults2 = best.faults.slice();
        faults2[i] = weaker;
        const cand = { ...best, faults: faults2 };
        if (fails(cand)) {
          best = cand;
          break;
        }
      }
    }
    // Smaller cluster and fewer clients.
    if (best.observers > 0) {
      const cand = { ...best, observers: 0, core: best.core.filter((id) => id <= best.servers) };
      if (fails(cand)) best = cand;
    }
    if (best.servers > 3) {
      // Observers are numbered after the voters: renumber those the core held.
      const healed = best.core.filter((id) => id > best.servers).map((id) => id - best.servers + 3);
      const core = [1, 2, ...healed];
      const cand = { ...best, servers: 3, core, faults: best.faults.filter((f) => f.type !== 'partition-groups') };
      if (fails(cand)) best = cand;
    }
    for (let k = 1; k < best.clients; k++) {
      const cand = {
        ...best,
        clients: k,
        // A service case's roles go with their clients.
        ...(best.service === undefined ? {} : { service: { ...best.service, roles: best.service.roles.slice(0, k) } }),
        ops: best.ops.filter((o) => o.client < k),
        faults: best.faults.filter((f) => f.type !== 'kill-client' || f.client < k),
      };
      if (fails(cand)) {
        best = cand;
        break;
      }
    }
    if (stepCount(best) === before) break;
  }
  return { case: best, runs, before: stepCount(start), after: stepCount(best) };
}

/** crash → pause → loss window → delay window; partitions → one isolated server; keep triggers. */
function weakenings(f: FaultEvent): FaultEvent[] {
  const base = f.when === undefined ? { atMs: f.atMs } : { atMs: f.atMs, when: f.when };
  switch (f.type) {
    case 'crash':
      return [
        ...(f.target === 'minority' || f.target === 'majority' ? [] : [{ ...base, type: 'pause' as const, target: f.target }]),
        ...(f.target === 'trigger' || f.target === 'minority' || f.target === 'majority'
          ? []
          : [{ ...base, type: 'link' as const, from: f.target, to: '*' as const, durationMs: 1_000, loss: 1 }]),
      ];
    case 'pause':
      return f.target === 'trigger'
        ? []
        : [
            { ...base, type: 'link', from: f.target, to: '*', durationMs: 1_000, loss: 1 },
            { ...base, type: 'link', from: f.target, to: '*', durationMs: 1_000, delayMs: 200 },
          ];
    case 'link':
      return f.loss !== undefined ? [{ ...base, type: 'link', from: f.from, to: f.to, durationMs: f.durationMs, delayMs: 200 }] : [];
    case 'partition':
      return f.mode === 'isolate' ? [] : [{ ...base, type: 'partition', mode: 'isolate', target: f.target ?? 'any' }];
    default:
      return [];
  }
}
