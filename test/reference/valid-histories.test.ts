// Proves the half of the differential that holds today: on 2,000 generated histories that one ZooKeeper
// execution produced (unperturbed, fresh seeds each run, some with ACLs and auths: gen-acl.ts), `zabsim check --model zk` raises no false
// alarm, and the independent reference agrees they are possible. The full differential, perturbed
// histories included, is `npm run test:differential` and `npm run check:sweep` (see README).
import { expect, test } from 'vitest';
import fc from 'fast-check';
import { formatNdjsonHistory } from '../../sim/history/ndjson.js';
import { generateWithAcls } from './gen-acl.js';
import { judge } from './compare.js';

test('zabsim check accepts 2,000 generated histories of real executions, as the reference does', () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 2 ** 31 - 1 }), (seed) => {
      const history = generateWithAcls(seed);
      const j = judge(history);
      if (j.possible !== true || j.zabsim === 'violated') {
        throw new Error(`seed ${seed}: zabsim ${j.zabsim}, reference ${String(j.possible)} (${j.rule ?? j.witness ?? ''})\n${formatNdjsonHistory(history)}`);
      }
      expect(j.zabsim).not.toBe('violated');
    }),
    { numRuns: 2000 },
  );
}, 900_000);
