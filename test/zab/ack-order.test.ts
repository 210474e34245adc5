// Proves that under a write load heavy enough to keep fsyncs overlapping, every follower ACKs
// proposals in zxid order, as ZooKeeper's single SyncThread does (before the kernel modelled it,
// about 60% of follower ACKs overtook an earlier one).
import { expect, test } from 'vitest';
import type { NodeId } from '../../protocol/program.js';
import type { ZabMessage } from '../../protocol/zab/messages.js';
import { counterOf } from '../../protocol/zxid.js';
import { NullSink } from '../../sim/trace/sink.js';
import { baseRunOptions } from '../../sim/zab/options.js';
import { runZab } from '../../sim/zab/run.js';

test('follower ACKs follow zxid order under a heavy write load', () => {
  const base = baseRunOptions('ack-order', '7', 5, 0);
  const options = { ...base, workload: { clients: 20, meanIntervalMs: 2, keys: 16, stopAtMs: 3_000, requestTimeoutMs: 8_000 }, durationMs: 6_000 };
  const lastAck = new Map<NodeId, number>();
  let acks = 0;
  let overtaken = 0;
  const report = runZab(options, new NullSink(), {
    setup(kernel) {
      kernel.addObserver({
        sent(from, _to, msg) {
          const m = msg as ZabMessage;
          if (m.type !== 'ACK' || counterOf(m.zxid) === 0) return;
          acks++;
          if (m.zxid < (lastAck.get(from) ?? 0)) overtaken++;
          else lastAck.set(from, m.zxid);
        },
      });
    },
  });
  expect(report.exitCode).toBe(0);
  expect(report.stats.committed).toBeGreaterThan(5_000);
  expect(acks).toBeGreaterThan(4 * 5_000);
  expect(overtaken).toBe(0);
});
