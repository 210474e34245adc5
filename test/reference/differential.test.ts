// Proves that `zabsim check --model zk` and the independent reference checker give the same overall
// verdict on 2,000 generated histories (perturbed or not) per run, seeded by fast-check: zabsim never
// says ok to a history the reference finds impossible, nor violated to one it finds possible.
import { afterAll, expect, test } from 'vitest';
import fc from 'fast-check';
import { formatNdjsonHistory } from '../../sim/history/ndjson.js';
import { caseOf, judge, minimize, type DiffClass } from './compare.js';

const RUNS = 2000;
const counts: Record<DiffClass | 'histories' | 'possible' | 'impossible' | 'guaranteeMismatches', number> = {
  histories: 0,
  possible: 0,
  impossible: 0,
  agree: 0,
  unsound: 0,
  'false-alarm': 0,
  unknown: 0,
  'too-large': 0,
  guaranteeMismatches: 0,
};

afterAll(() => {
  // The secondary counts: unknown answers, histories too large for the reference, blame on another guarantee.
  process.stdout.write(`reference differential: ${JSON.stringify(counts)}\n`);
});

test(`zabsim check agrees with the reference checker on ${RUNS} generated histories`, () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 2 ** 31 - 1 }), (seed) => {
      const c = caseOf(seed);
      const j = judge(c.history);
      counts.histories++;
      if (j.possible === true) counts.possible++;
      if (j.possible === false) counts.impossible++;
      counts[j.cls]++;
      if (j.guaranteeMismatches.length > 0) counts.guaranteeMismatches++;
      if (j.cls === 'unsound' || j.cls === 'false-alarm') {
        const small = minimize(c.history, j.cls);
        const again = judge(small);
        throw new Error(
          [
            `${j.cls}: zabsim says ${j.zabsim}, the reference says ${j.possible ? 'possible' : 'impossible'} (case seed ${seed}, ${c.note})`,
            `reference rule: ${again.rule ?? '(none)'}`,
            `zabsim witness: ${again.witness ?? '(none)'}`,
            'smallest history in the same class:',
            formatNdjsonHistory(small),
          ].join('\n'),
        );
      }
      expect(['agree', 'unknown', 'too-large']).toContain(j.cls);
    }),
    { numRuns: RUNS, endOnFailure: true },
  );
}, 900_000); // a brute-force reference on 2,000 histories: minutes on a busy machine, not the default 2
