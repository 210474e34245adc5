// The zk partition model's tree hash, derived step by step from the parent tree and the entries an op changed, equals the hash of the same tree computed from scratch, along random write sequences; and a step, refused or taken, leaves the state it was tried on unchanged.
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { hashTree, sameTree, zkPartitionModel, type SearchInput, type SearchState } from '../../sim/checkers/zk-partition-model.js';
import { extraHash } from '../../sim/checkers/partition-state.js';
import type { ZkCreateMode, ZkOp, ZkResult } from '../../sim/history/types.js';

const PATHS = ['/a', '/a/b', '/a/b/c', '/d', '/d/e', '/zookeeper', '/'];
const MODES: readonly ZkCreateMode[] = ['persistent', 'ephemeral', 'persistentSequential', 'ephemeralSequential'];

const simpleOp: fc.Arbitrary<ZkOp> = fc.oneof(
  fc.record({ type: fc.constant('create' as const), path: fc.constantFrom(...PATHS), data: fc.constantFrom('', 'x', 'y'), mode: fc.constantFrom(...MODES) }),
  fc.record({ type: fc.constant('delete' as const), path: fc.constantFrom(...PATHS), version: fc.constantFrom(-1, 0, 1) }),
  fc.record({ type: fc.constant('setData' as const), path: fc.constantFrom(...PATHS), data: fc.constantFrom('x', 'z'), version: fc.constantFrom(-1, 0, 1) }),
  fc.record({ type: fc.constant('setACL' as const), path: fc.constantFrom(...PATHS), version: fc.constantFrom(-1, 0) }),
  fc.constant({ type: 'closeSession' as const }),
);
// Multis that succeed or fail part-way (a failed one leaves the tree as it was), may touch one path twice, and may log more than 8 changes (the long-log path).
const anyOp: fc.Arbitrary<ZkOp> = fc.oneof(
  simpleOp,
  fc.array(simpleOp, { minLength: 1, maxLength: 8 }).map((ops) => ({ type: 'multi' as const, ops })),
);

const step = fc.record({ op: anyOp, session: fc.constantFrom(1, 2), ranked: fc.boolean() });

function inputOf(op: ZkOp, session: number, rank: number): SearchInput {
  return { op, rank, minRank: 0, maxRank: 1_000, session };
}

describe('zk partition model tree hash', () => {
  test('each successor hashes as a fresh copy of its tree does, and parents keep their trees', () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 40 }), (steps) => {
        let state: SearchState = zkPartitionModel.init();
        const seen: { state: SearchState; copy: Map<string, unknown> }[] = [];
        for (const s of steps) {
          const next = zkPartitionModel.step(state, inputOf(s.op, s.session, s.ranked ? state.rank : -1), { unknown: false, result: null });
          expect(next).toBeDefined();
          state = next!;
          // A fresh map has no derived hash: hashTree computes it over every entry.
          const fresh = new Map(state.tree);
          expect(hashTree(state.tree, state.rank)).toBe(hashTree(fresh, state.rank));
          expect(state.hash).toBe(extraHash(hashTree(fresh, state.rank), state.gap, state.counts));
          seen.push({ state, copy: fresh });
        }
        // No step changed a tree an earlier state holds (the derived hashes rely on it).
        for (const { state: s, copy } of seen) expect(sameTree(s.tree, copy as typeof s.tree)).toBe(true);
      }),
      { numRuns: 300, seed: 1607 },
    );
  });

  test('a step tried on a state, refused or taken, leaves that state its tree and hash (the op runs on a fork of it)', () => {
    // Reported results that may disagree with the model's, so that some steps are refused after the op ran.
    const reported = fc.constantFrom<ZkResult | null>(
      null,
      { rc: 'ok' },
      { rc: 'noNode' },
      { rc: 'nodeExists' },
      { rc: 'badVersion' },
      { rc: 'ok', version: 1 },
    );
    let refused = 0;
    let taken = 0;
    fc.assert(
      fc.property(fc.array(fc.record({ s: step, result: reported }), { maxLength: 40 }), (steps) => {
        let state: SearchState = zkPartitionModel.init();
        for (const { s, result } of steps) {
          const before = new Map(state.tree);
          const hash = state.hash;
          const next = zkPartitionModel.step(state, inputOf(s.op, s.session, s.ranked ? state.rank : -1), { unknown: false, result });
          expect(sameTree(state.tree, before)).toBe(true);
          expect(state.tree.size).toBe(before.size);
          expect(state.hash).toBe(hash);
          expect(hashTree(state.tree, state.rank)).toBe(hashTree(before, state.rank));
          if (next === undefined) refused++;
          else {
            if (next.tree !== state.tree) taken++;
            state = next;
          }
        }
      }),
      { numRuns: 300, seed: 2411 },
    );
    // Both kinds were tried: steps refused after the op ran, and steps that changed the tree.
    expect(refused).toBeGreaterThan(500);
    expect(taken).toBeGreaterThan(50);
  });

  test('a changed tree hashes differently from its parent (the hash follows the change)', () => {
    const init = zkPartitionModel.init();
    const created = zkPartitionModel.step(init, inputOf({ type: 'create', path: '/a', data: 'x', mode: 'persistent' }, 1, -1), {
      unknown: false,
      result: null,
    })!;
    const set = zkPartitionModel.step(created, inputOf({ type: 'setData', path: '/a', data: 'y', version: -1 }, 1, -1), { unknown: false, result: null })!;
    expect(hashTree(created.tree, 0)).not.toBe(hashTree(init.tree, 0));
    expect(hashTree(set.tree, 0)).not.toBe(hashTree(created.tree, 0));
    expect(hashTree(set.tree, 0)).toBe(hashTree(new Map(set.tree), 0));
  });
});
