// The verdicts the fault tests assert, shared by the offline test (committed recordings) and the live one:
// every checker `zabsim check --model zk` runs (checkClientHistory) on a history, and on each of its
// corrupted copies, with and without zxids.
import { checkClientHistory } from '../../sim/checkers/client.js';
import type { ZkHistory } from '../../sim/history/types.js';
import { corrupt, CORRUPTIONS, type CorruptionName } from './corrupt.js';
import { withoutZxids } from './history-zxids.js';

export type CheckerVerdicts = Record<string, string>;

export function verdictsOf(history: ZkHistory): CheckerVerdicts {
  return checkClientHistory(history).verdicts;
}

/** The checkers that did not say ok, as "name=verdict" (empty when all passed). */
export function notOk(v: CheckerVerdicts): string[] {
  return Object.entries(v)
    .filter(([, verdict]) => verdict !== 'ok')
    .map(([name, verdict]) => `${name}=${verdict}`);
}

export type CorruptedCase = { name: CorruptionName; what: string; form: 'zxids' | 'nozxids'; history: ZkHistory };

/** Every corruption that applies to `withZxids` (a history as recorded), in both forms. */
export function corruptedCases(withZxids: ZkHistory): CorruptedCase[] {
  const out: CorruptedCase[] = [];
  for (const name of CORRUPTIONS) {
    const c = corrupt(withZxids, name);
    if (c === null) continue;
    out.push({ name, what: c.what, form: 'zxids', history: c.history });
    out.push({ name, what: c.what, form: 'nozxids', history: withoutZxids(c.history) });
  }
  return out;
}

/** True when at least one checker says the history is impossible. */
export function rejected(v: CheckerVerdicts): boolean {
  return Object.values(v).includes('violated');
}
