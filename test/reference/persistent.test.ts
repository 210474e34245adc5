// The reference checker judges persistent and recursive watches (DEFINITIONS.md §4): the valid small
// histories of test/checkers/persistent-fixtures.ts are possible, and each with a dropped, duplicated,
// retyped, early, late or reordered persistent event is impossible under watch-order.
import { describe, expect, test } from 'vitest';
import { cases } from '../checkers/persistent-fixtures.js';
import { referenceCheck } from './reference.js';

describe('reference: persistent watches', () => {
  test.each(cases().map((c) => [c.name, c] as const))('%s', (_, c) => {
    const r = referenceCheck(c.history);
    expect([r.possible, r.verdicts['watch-order']]).toEqual(c.possible ? [true, 'ok'] : [false, 'violated']);
  });
});
