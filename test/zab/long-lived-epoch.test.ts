// Proves counterStartFirstEpochOnly models a long-lived first epoch: epoch 1 starts near the zxid
// counter's end and rolls over (ZOOKEEPER-1277), and the epoch after it starts at counter 0, as
// ZooKeeper's do; without the flag every epoch starts at counterStart.
import { describe, expect, test } from 'vitest';
import type { NodeId } from '../../protocol/program.js';
import type { ZabServer } from '../../protocol/zab/state.js';
import { COUNTER_ROLLOVER, counterOf, epochOf } from '../../protocol/zxid.js';
import { ServiceHarness, serviceOptions } from '../../sim/service/run.js';
import { create } from '../service/helpers.js';

/** The leader's last processed zxid after eight creates that cross the rollover. */
function afterRollover(firstEpochOnly: boolean): number {
  const opts = serviceOptions('long-lived-epoch');
  const zab = { ...opts.zab, counterStart: COUNTER_ROLLOVER - 6, ...(firstEpochOnly ? { counterStartFirstEpochOnly: true } : {}) };
  const h = new ServiceHarness({ ...opts, zab });
  expect(h.settle()).toBe(true);
  const client = h.clients[0] as NodeId;
  for (let i = 0; i < 8; i++) h.callAndWait(client, create(`/r${i}`), 30_000);
  const leader = [1, 2, 3].map((id) => h.kernel.stateOf(id) as ZabServer | undefined).find((s) => s?.role === 'LEADING');
  expect(leader).toBeDefined();
  return (leader as ZabServer).lastProcessedZxid;
}

describe('a long-lived first epoch', () => {
  test('the epoch after the rollover starts at counter 0', () => {
    const zxid = afterRollover(true);
    expect(epochOf(zxid)).toBeGreaterThanOrEqual(2);
    expect(counterOf(zxid)).toBeLessThan(10);
  });

  test('without the flag, the next epoch starts near the end again', () => {
    const zxid = afterRollover(false);
    expect(epochOf(zxid)).toBeGreaterThanOrEqual(2);
    expect(counterOf(zxid)).toBeGreaterThan(COUNTER_ROLLOVER - 10);
  });
});
