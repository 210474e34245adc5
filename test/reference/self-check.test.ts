// Proves that the reference checker finds the execution behind histories built from one known execution
// (kv and zk, several sessions, concurrency, zxid-less writes, info writes, watches, ephemerals,
// closes), and that the same histories with one read returning a value never written are rejected.
import { describe, expect, it } from 'vitest';
import type { ZkHistory } from '../../sim/history/types.js';
import { referenceCheck } from './reference.js';
import { generate } from './self-gen.js';

/** The history with read `index` (among reads that return data) reporting a value no write ever wrote. */
function neverWritten(h: ZkHistory): ZkHistory | null {
  const i = h.ops.findIndex((o) => o.outcome === 'ok' && (o.op.type === 'getData' || o.op.type === 'kvGet') && o.result?.data !== undefined);
  if (i < 0) return null;
  const ops = h.ops.map((o, j) => (j === i ? { ...o, result: { ...o.result!, data: 'never-written' } } : o));
  return { ...h, ops };
}

describe('reference checker on histories of one known execution', () => {
  for (const kv of [true, false]) {
    it(`${kv ? 'kv' : 'zk'}: every history is possible, and a read of a value never written is not`, () => {
      let possible = 0;
      let tooLarge = 0;
      let rejected = 0;
      for (let seed = 1; seed <= 150; seed++) {
        const h = generate(seed, 8, 3, kv);
        const r = referenceCheck(h);
        if (r.possible === 'too-large') tooLarge++;
        else {
          expect(r.possible, `seed ${seed}: ${r.rule}`).toBe(true);
          possible++;
        }
        const bad = neverWritten(h);
        if (bad !== null) {
          const rb = referenceCheck(bad);
          if (rb.possible !== 'too-large') {
            expect(rb.possible, `seed ${seed}`).toBe(false);
            expect(rb.verdicts['sequential-reads']).toBe('violated');
            rejected++;
          }
        }
      }
      expect(possible).toBeGreaterThan(140);
      expect(tooLarge).toBeLessThan(10);
      expect(rejected).toBeGreaterThan(kv ? 50 : 5);
    });
  }
});
