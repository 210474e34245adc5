// Proves that decideRegister (sim/checkers/kv-register.ts), the search-free decision for one KV register
// with indeterminate writes (issue 18, class 7), answers exactly as a brute force over every place each
// indeterminate write may take (or none), on small random executions and perturbed copies of them.
import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { decideRegister, type FreeWrite, type RankedItem } from '../../sim/checkers/kv-register.js';
import type { ZkHistoryOp, ZkOp, ZkResult } from '../../sim/history/types.js';

let nextId = 0;
function rec(o: ZkOp, result: ZkResult | null, extra: Partial<ZkHistoryOp> = {}): ZkHistoryOp {
  const info = result === null;
  return {
    kind: 'op',
    id: nextId++,
    client: 1,
    session: null,
    server: 1,
    op: o,
    invokeUs: 0,
    completeUs: info ? null : 1,
    outcome: info ? 'info' : 'ok',
    result,
    zxid: null,
    ...extra,
  };
}

/** Every order: ranked items in rank order, each free write once (from its minRank on) or never. */
function bruteForce(ranked: readonly RankedItem[], free: readonly FreeWrite[]): boolean {
  const used = new Uint8Array(free.length);
  const go = (r: number, version: number, data: string): boolean => {
    if (r === ranked.length) return true;
    const item = ranked[r]!;
    if ('reads' in item) {
      const fits = item.reads.every((x) => (x.result!.exists === false ? version === -1 : version === x.result!.version && data === x.result!.data));
      if (fits && go(r + 1, version, data)) return true;
    } else {
      const op = item.write.op as Extract<ZkOp, { type: 'kvSet' | 'kvCas' }>;
      const res = item.write.result!;
      if (op.type === 'kvCas' && res.rc === 'badVersion') {
        if (version !== op.version && go(r + 1, version, data)) return true;
      } else if (op.type === 'kvCas') {
        if (version === op.version && (res.version === undefined || res.version === version + 1) && go(r + 1, version + 1, op.data)) return true;
      } else if (res.version === version + 1 && go(r + 1, version + 1, op.data)) return true;
    }
    for (let f = 0; f < free.length; f++) {
      if (used[f] === 1 || free[f]!.minRank > r) continue;
      const op = free[f]!.write.op as Extract<ZkOp, { type: 'kvSet' | 'kvCas' }>;
      if (op.type === 'kvCas' && op.version !== version) continue;
      used[f] = 1;
      const ok = go(r, version + 1, op.data);
      used[f] = 0;
      if (ok) return true;
    }
    return false;
  };
  return go(0, -1, '');
}

/** A random execution of the register, recorded as ranked items and indeterminate writes, then perhaps perturbed. */
function generate(seed: number): { ranked: RankedItem[]; free: FreeWrite[] } {
  let s = seed >>> 0;
  const rand = (n: number): number => {
    s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0;
    return (s >>> 8) % n;
  };
  const ranked: RankedItem[] = [];
  const free: FreeWrite[] = [];
  let version = -1;
  let data = '';
  const steps = 2 + rand(8);
  for (let k = 0; k < steps; k++) {
    const d = `d${k}`;
    const kind = rand(6);
    if (kind === 0 || kind === 1) {
      // An indeterminate write: allowed from a rank at or before now; applied now, or never.
      const op: ZkOp =
        rand(2) === 0 ? { type: 'kvSet', path: '/k', data: d } : { type: 'kvCas', path: '/k', data: d, version: rand(3) === 0 ? version + 1 : version };
      free.push({ write: rec(op, null), minRank: rand(ranked.length + 1) });
      if (rand(2) === 0 && (op.type === 'kvSet' || op.version === version)) {
        version++;
        data = d;
      }
    } else if (kind === 2) {
      version++;
      data = d;
      ranked.push({ write: rec({ type: 'kvSet', path: '/k', data: d }, { rc: 'ok', version }) });
    } else if (kind === 3) {
      const v = rand(2) === 0 ? version : version + rand(3) - 1;
      if (v === version) {
        version++;
        data = d;
        ranked.push({ write: rec({ type: 'kvCas', path: '/k', data: d, version: v }, { rc: 'ok', version }) });
      } else ranked.push({ write: rec({ type: 'kvCas', path: '/k', data: d, version: v }, { rc: 'badVersion' }) });
    } else {
      const result: ZkResult = version < 0 ? { rc: 'ok', exists: false } : { rc: 'ok', exists: true, data, version };
      ranked.push({ reads: [rec({ type: 'kvGet', path: '/k' }, result)] });
    }
  }
  if (rand(2) === 0 && ranked.length > 0) {
    // Perturb one ranked item: a version off by one, another datum, or a failed CAS's version.
    const at = rand(ranked.length);
    const item = ranked[at]!;
    if ('reads' in item) {
      const r = item.reads[0]!;
      const res = r.result!;
      ranked[at] = {
        reads: [
          {
            ...r,
            result:
              res.exists === false
                ? { rc: 'ok', exists: true, data: 'd0', version: 0 }
                : { ...res, ...(rand(2) === 0 ? { version: res.version! + 1 } : { data: `d${rand(steps)}` }) },
          },
        ],
      };
    } else {
      const w = item.write;
      const op = w.op as Extract<ZkOp, { type: 'kvSet' | 'kvCas' }>;
      if (op.type === 'kvSet') ranked[at] = { write: { ...w, result: { rc: 'ok', version: w.result!.version! + (rand(2) === 0 ? 1 : -1) } } };
      else ranked[at] = { write: { ...w, op: { ...op, version: op.version + (rand(2) === 0 ? 1 : -1) } } };
    }
  }
  return { ranked, free };
}

describe('decideRegister', () => {
  test('agrees with brute force on random executions and perturbed copies', () => {
    let decided = 0;
    let violated = 0;
    fc.assert(
      fc.property(fc.integer(), (seed) => {
        const { ranked, free } = generate(seed);
        const verdict = decideRegister(ranked, free);
        if (verdict === null) return;
        decided++;
        if (verdict.verdict === 'violated') violated++;
        expect(verdict.verdict === 'ok').toBe(bruteForce(ranked, free));
      }),
      { numRuns: 3000 },
    );
    // The generator reaches both answers.
    expect(decided).toBeGreaterThan(2500);
    expect(violated).toBeGreaterThan(300);
  });
});
