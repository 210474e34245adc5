// Proves that an append write made durable shares the writer's in-memory log when the disk holds
// exactly the log it was appended to, and otherwise builds the same log itself: either way the
// disk's log equals the disk's old log plus the txn.
import { expect, test } from 'vitest';
import { test as propTest, fc } from '@fast-check/vitest';
import { pvecFrom, pvecToArray } from '../../protocol/pvec.js';
import { appendTxn, applyZabWrite, emptyZabDisk, type ZabDisk } from '../../protocol/zab/disk.js';
import type { Txn } from '../../protocol/zab/txn.js';

const txn = (counter: number): Txn => ({ zxid: 0x1_0000_0000 + counter, body: { n: counter }, origin: null });

test('the disk takes the writer log when it holds the log appended to', () => {
  let disk: ZabDisk = emptyZabDisk();
  let memory = disk.log;
  for (let i = 1; i <= 40; i++) {
    const appended = appendTxn(memory, txn(i));
    memory = appended.log;
    disk = applyZabWrite(disk, appended);
    expect(disk.log).toBe(memory);
  }
});

// Two separately built logs are distinct objects except when both are empty: every empty log is
// the one shared empty vector, so then the disk does hold the writer's log and shares the append.
propTest.prop([fc.integer({ min: 0, max: 70 }), fc.integer({ min: 0, max: 70 })])(
  'a disk that differs from the writer log gets its own append, equal in value',
  (onDisk, inMemory) => {
    const disk: ZabDisk = { ...emptyZabDisk(), log: pvecFrom(Array.from({ length: onDisk }, (_, i) => txn(i + 1))) };
    const memory = pvecFrom(Array.from({ length: inMemory }, (_, i) => txn(i + 1)));
    const appended = appendTxn(memory, txn(100));
    const next = applyZabWrite(disk, appended);
    if (disk.log === memory) expect(next.log).toBe(appended.log);
    else expect(next.log).not.toBe(appended.log);
    expect(pvecToArray(next.log)).toEqual([...pvecToArray(disk.log), txn(100)]);
    expect(pvecToArray(appended.log)).toEqual([...pvecToArray(memory), txn(100)]);
  },
);

test('the both-empty case a CI run drew (seed 95171059, counterexample [0,0]) shares the empty log', () => {
  const disk = emptyZabDisk();
  const appended = appendTxn(pvecFrom<Txn>([]), txn(100));
  const next = applyZabWrite(disk, appended);
  expect(next.log).toBe(appended.log);
  expect(pvecToArray(next.log)).toEqual([txn(100)]);
});
