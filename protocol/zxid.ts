// A zxid is ZooKeeper's 64-bit (epoch << 32 | counter). We keep it in one JS number:
// epoch * 2^32 + counter, exact while epoch < 2^21, which `makeZxid` asserts. Numeric order is
// then the lexicographic (epoch, counter) order that ZooKeeper compares with.
import { assert } from './assert.js';

export type Zxid = number;

const COUNTER_SPAN = 4294967296; // 2^32
export const EPOCH_MAX = 2 ** 21 - 1;
/** ZooKeeper forces a new epoch before the counter reaches this value (ZOOKEEPER-1277). */
export const COUNTER_ROLLOVER = 0xffffffff;

export function makeZxid(epoch: number, counter: number): Zxid {
  if (!(Number.isInteger(epoch) && epoch >= 0 && epoch <= EPOCH_MAX)) assert(false, `zxid epoch out of range: ${epoch}`);
  if (!(Number.isInteger(counter) && counter >= 0 && counter <= COUNTER_ROLLOVER)) assert(false, `zxid counter out of range: ${counter}`);
  return epoch * COUNTER_SPAN + counter;
}

export function epochOf(zxid: Zxid): number {
  return Math.floor(zxid / COUNTER_SPAN);
}

export function counterOf(zxid: Zxid): number {
  return zxid % COUNTER_SPAN;
}

/** Renders as ZooKeeper's logs do in hex, plus the readable (epoch:counter) pair. */
export function formatZxid(zxid: Zxid): string {
  return `${epochOf(zxid)}:${counterOf(zxid)}`;
}
