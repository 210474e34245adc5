// Proves watch-order takes "a write's reply shows a node missing" as proof that the node's one deleter
// ran only when the write's zxid is known: a write known only by an upper bound (zxid-less, its window
// closed by a later write) may have run before the node's create, so it proves nothing. A generated
// history of a real execution (reference generator seed 781091376) was flagged before this.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { parseNdjsonHistory } from '../../sim/history/ndjson.js';
import { checkWatchOrder } from '../../sim/checkers/client.js';
import { referenceCheck } from '../reference/reference.js';

const file = join(import.meta.dirname, 'fixtures', 'ceiling-not-a-floor.ndjson');

test('a zxid-less failed multi (noNode on /a) before /a is created does not prove the lost delete of /a ran', () => {
  const h = parseNdjsonHistory(readFileSync(file, 'utf8'), file);
  // The multi's window ends below 1:5 only; /a is created at 1:3, so the multi may be 1:2, and the lost
  // delete of /a may have failed (NOTEMPTY after /a/c, or SESSIONMOVED): no NodeDeleted is owed to the
  // child watch, and the NodeChildrenChanged at 1:6 is all the session gets.
  expect(checkWatchOrder(h).verdict).toBe('ok');
  expect(referenceCheck(h).possible).toBe(true);
});
