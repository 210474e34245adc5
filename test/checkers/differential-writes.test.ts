// Proves, one small NDJSON history per shape the reference sweep found, that `zabsim check --model zk`
// and the reference checker give the same verdict on writes: impossible write results and real-time
// orders are flagged by linearizable-writes, and their possible neighbours pass both.
import { describe, expect, test } from 'vitest';
import { checkZkHistory } from '../../sim/cli/check.js';
import { parseNdjsonHistory } from '../../sim/history/ndjson.js';
import type { ZkHistory } from '../../sim/history/types.js';
import { referenceCheck } from '../reference/reference.js';

const HEADER = '{"kind":"header","version":1,"model":"zk"}';

function history(lines: readonly string[]): ZkHistory {
  return parseNdjsonHistory([HEADER, ...lines].join('\n') + '\n', 'differential-writes.ndjson');
}

/** zabsim's linearizable-writes verdict and overall verdict, and the reference's `possible`. */
function judged(lines: readonly string[]): { writes: string | undefined; zabsim: string; possible: boolean | 'too-large' } {
  const h = history(lines);
  const z = checkZkHistory(h);
  return { writes: z.results.find((r) => r.name === 'linearizable-writes')?.verdict, zabsim: z.verdict, possible: referenceCheck(h).possible };
}

function expectImpossibleWrites(lines: readonly string[]): void {
  expect(judged(lines)).toEqual({ writes: 'violated', zabsim: 'violated', possible: false });
}

function expectPossible(lines: readonly string[]): void {
  expect(judged(lines)).toEqual({ writes: 'ok', zabsim: 'ok', possible: true });
}

const Z = (counter: number): number => 2 ** 32 + counter; // zxid 1:counter

describe('write-result: an ok kvCas reports the version it makes', () => {
  const kvSetInfo = `{"kind":"op","id":1,"client":2,"session":null,"server":3,"op":{"type":"kvSet","path":"/k0","data":"v1"},"invokeUs":1793,"completeUs":null,"outcome":"info","result":null,"zxid":null}`;
  const cas = (version: number) =>
    `{"kind":"op","id":6,"client":2,"session":null,"server":3,"op":{"type":"kvCas","path":"/k0","data":"v6","version":0},"invokeUs":6013,"completeUs":7779,"outcome":"ok","result":{"rc":"ok","version":${version}},"zxid":${Z(5)}}`;
  test('a kvCas at version 0 that reports version 0 is flagged; version 1 passes', () => {
    expectImpossibleWrites([kvSetInfo, cas(0)]);
    expectPossible([kvSetInfo, cas(1)]);
  });
});
