// multiReads recorded from service runs, with pipelined writes and a leader crash, are judged read by
// read without a false alarm: no client checker flags them, and the split reads are really judged.
import { describe, expect, test } from 'vitest';
import type { NodeId } from '../../protocol/program.js';
import { checkClientHistory } from '../../sim/checkers/client.js';
import { splitMultiReads } from '../../sim/checkers/multi-read-split.js';
import { create, ready, run, setData } from './helpers.js';

describe('multiRead judged on recorded service histories', () => {
  for (const seed of ['mr-judged-1', 'mr-judged-2', 'mr-judged-3']) {
    test(`seed ${seed}: no checker flags the history; one-read multiReads are split and judged`, () => {
      const h = ready(seed);
      const [a, b] = h.clients as [NodeId, NodeId];
      run(h, a, create('/k', 'PERSISTENT', '0'));
      for (let i = 1; i <= 12; i++) {
        h.call(a, setData('/k', String(i)));
        h.call(b, { type: 'multi', ops: [{ type: 'getData', path: '/k' }] });
        if (i % 3 === 0)
          h.call(b, {
            type: 'multi',
            ops: [
              { type: 'getData', path: '/k' },
              { type: 'getChildren', path: '/k' },
            ],
          });
        if (i === 6) h.kernel.crash(h.activeLeader() as NodeId);
        h.runFor(300);
      }
      expect(h.runUntil(() => h.activeLeader() !== undefined && h.connectedState(b) === 'CONNECTED', 30_000)).toBe(true);
      run(h, b, { type: 'multi', ops: [{ type: 'getData', path: '/k' }] });
      const history = h.history();
      const split = splitMultiReads(history);
      const judged = split.history.ops.length - history.ops.length;
      expect(judged).toBeGreaterThan(0);
      const report = checkClientHistory(history);
      expect(Object.values(report.verdicts)).not.toContain('violated');
    });
  }
});
