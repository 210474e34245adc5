// zabsim and the live ZooKeeper 3.8 ensemble agree on ZooKeeper 3.8's watch calls: generated
// sequences that mix addWatch (persistent and persistent-recursive), removeWatches and
// removeAllWatches with the ordinary ops give the same masked results, error codes (OK, NOWATCHER)
// and per-op watch events on both, sessions on the same kind of server.
import { describe, expect, it } from 'vitest';
import { useLiveEnsemble } from './live-ensemble.js';
import { runSequence } from './real-runner.js';
import { runSequenceSim } from './sim-runner.js';
import { ACLS } from './ops.js';
import { mask, sessionLabels, type Op, type Slot } from './types.js';
import { sampleWatchSequences } from './watch-ops.js';

const SEED = Number(process.env['ZABSIM_WATCH_SEED'] ?? 20261207);
const SEQUENCES = 40;
const OPS = 30;

const ens = useLiveEnsemble();

describe('watch calls: zabsim against the live ensemble', () => {
  it(`agrees on ${SEQUENCES} generated sequences of ${OPS} ops (seed ${SEED})`, async () => {
    const ensemble = ens();
    const plans = sampleWatchSequences(SEED, SEQUENCES, OPS);
    let compared = 0;
    const seen = { addWatch: 0, removeOk: 0, noWatcher: 0, events: 0 };
    for (let i = 0; i < plans.length; i++) {
      const ops = plans[i] ?? [];
      const real = await runSequence(ensemble, ops, { root: `/pw${SEED % 1000}-${i}`, server: (i % 3) + 1, index: i });
      const sim = runSequenceSim(ops, { root: real.root, serverMode: real.serverMode, index: i });
      const expected = mask(real.results, { sessionLabels: sessionLabels(real) });
      const actual = mask(sim.results, { sessionLabels: sessionLabels(sim) });
      for (let k = 0; k < expected.length; k++) {
        expect({ seq: i, op: ops[k], ...actual[k] }).toEqual({ seq: i, op: ops[k], ...expected[k] });
        const op = ops[k];
        const r = real.results[k];
        if (op === undefined || r === undefined) continue;
        if (op.kind === 'addWatch' && r.result.ok) seen.addWatch++;
        if (op.kind === 'removeWatches') {
          if (r.result.ok) seen.removeOk++;
          else if (r.result.name === 'NOWATCHER') seen.noWatcher++;
        }
        seen.events += r.events[0].length + r.events[1].length;
      }
      compared += expected.length;
    }
    expect(compared).toBe(SEQUENCES * OPS);
    // The sample exercises what it is for.
    expect(seen.addWatch).toBeGreaterThan(50);
    expect(seen.removeOk).toBeGreaterThan(10);
    expect(seen.noWatcher).toBeGreaterThan(10);
    expect(seen.events).toBeGreaterThan(100);
    console.log(`watch conformance: ${JSON.stringify(seen)}`);
  }, 900_000);

  // Hand-written cases where the documentation leaves the answer open; what real 3.8.0 does is
  // recorded in test/conformance/README.md.
  const mk = (s: Slot, path: string): Op => ({ kind: 'create', s, path, data: '', acl: ACLS.open, mode: 'persistent' });
  const set = (s: Slot, path: string): Op => ({ kind: 'setData', s, path, data: 'v', version: -1 });
  const del = (s: Slot, path: string): Op => ({ kind: 'delete', s, path, version: -1 });
  const FIXED: Record<string, Op[]> = {
    'a getData watch after addWatch(PERSISTENT) on the same path makes the data side one-shot (WatcherModeManager)': [
      mk(1, '/a'),
      { kind: 'addWatch', s: 0, path: '/a', mode: 'persistent' },
      { kind: 'getData', s: 0, path: '/a', watch: true },
      set(1, '/a'),
      set(1, '/a'),
      mk(1, '/a/b'),
      mk(1, '/a/x'),
    ],
    'removeAllWatches(Children) on a persistent watch: NOWATCHER, the server child side is gone, data events go on': [
      mk(1, '/c'),
      { kind: 'addWatch', s: 0, path: '/c', mode: 'persistent' },
      { kind: 'removeWatches', s: 0, path: '/c', type: 'Children', all: true },
      mk(1, '/c/d'),
      set(1, '/c'),
      { kind: 'removeWatches', s: 0, path: '/c', type: 'Any', all: false },
      set(1, '/c'),
    ],
    'a recursive watch on the root sees a subtree built and torn down, no NodeChildrenChanged; a persistent one survives delete': [
      { kind: 'addWatch', s: 0, path: '/', mode: 'persistentRecursive' },
      { kind: 'addWatch', s: 1, path: '/a', mode: 'persistent' },
      mk(1, '/a'),
      mk(1, '/a/b'),
      set(0, '/a/b'),
      del(1, '/a/b'),
      del(1, '/a'),
      mk(0, '/a'),
      { kind: 'getChildren', s: 0, path: '/a', watch: true },
      mk(1, '/a/x'),
    ],
  };
  it.each(Object.keys(FIXED))('%s', async (name) => {
    const ops = FIXED[name] ?? [];
    const i = Object.keys(FIXED).indexOf(name);
    const real = await runSequence(ens(), ops, { root: `/pwfixed${i}`, server: (i % 3) + 1, index: 1000 + i });
    const sim = runSequenceSim(ops, { root: real.root, serverMode: real.serverMode, index: 1000 + i });
    const expected = mask(real.results, { sessionLabels: sessionLabels(real) });
    expect(mask(sim.results, { sessionLabels: sessionLabels(sim) })).toEqual(expected);
    console.log(
      `${name}:\n${expected.map((r, k) => `  ${ops[k]?.kind} ${'path' in (ops[k] ?? {}) ? (ops[k] as { path: string }).path : ''} -> ${r.result.ok ? 'OK' : r.result.name} ${JSON.stringify(r.events)}`).join('\n')}`,
    );
  });
});
