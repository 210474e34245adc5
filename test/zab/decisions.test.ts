// Proves two of Zab's pure decisions row by row: the quorum test (QuorumMaj.containsQuorum: more
// than half of the voters, observers and strangers never count) and the NEWLEADER persistence
// orders (protocol/zab/persistence-orders.ts: which order each bug-zoo mutant forces, and each
// order's steps in Learner.syncWithLeader's sequence).
import { describe, expect, test } from 'vitest';
import { defaultZabConfig, isQuorum, type Mutant, type SyncPersistence } from '../../protocol/zab/config.js';
import { PERSISTENCE_ORDERS, persistenceOrderOf } from '../../protocol/zab/persistence-orders.js';

describe('isQuorum (QuorumMaj.containsQuorum)', () => {
  // [voters, observers, acks, quorum?]
  const rows: readonly (readonly [number[], number[], number[], boolean])[] = [
    [[1, 2, 3], [], [1, 2], true],
    [[1, 2, 3], [], [3], false],
    [[1, 2, 3], [], [], false],
    [[1, 2, 3, 4], [], [1, 2], false],
    [[1, 2, 3, 4], [], [1, 2, 4], true],
    [[1, 2, 3, 4, 5], [6, 7], [1, 6, 7], false],
    [[1, 2, 3, 4, 5], [6, 7], [1, 2, 6], false],
    [[1, 2, 3, 4, 5], [6, 7], [1, 2, 3], true],
    [[1, 2, 3], [], [1, 9, 8], false],
    [[1], [], [1], true],
  ];
  test.each(rows.map((r) => [`voters ${r[0].join(',')} observers ${r[1].join(',') || '-'} acks ${r[2].join(',') || '-'}`, ...r] as const))(
    '%s',
    (_, voters, observers, acks, quorum) => {
      expect(isQuorum(defaultZabConfig(voters, observers), acks)).toBe(quorum);
    },
  );
});

describe('NEWLEADER persistence orders', () => {
  // [configured order, mutants, effective order, steps at NEWLEADER, steps after the fsync]
  const rows: readonly (readonly [SyncPersistence, Mutant[], SyncPersistence, string, string])[] = [
    ['committedOnlyThenEpochThenAck', [], 'committedOnlyThenEpochThenAck', 'logCommitted waitFsyncIfCommitted', 'writeEpoch ack'],
    ['fsyncThenEpochThenAck', [], 'fsyncThenEpochThenAck', 'logAll waitFsync', 'writeEpoch ack'],
    ['epochBeforeTxns', [], 'epochBeforeTxns', 'writeEpoch logCommitted waitFsyncIfCommitted', 'ack'],
    ['asyncLogBeforeAck', [], 'asyncLogBeforeAck', 'writeEpoch logAllAsync ackFromQuorumPeerThread', ''],
    ['logAfterUptodate', [], 'logAfterUptodate', 'writeEpoch ack', ''],
    ['snapshotAtNewLeader', [], 'snapshotAtNewLeader', 'writeEpoch ack', ''],
    ['committedOnlyThenEpochThenAck', ['ZK-3911'], 'logAfterUptodate', 'writeEpoch ack', ''],
    ['committedOnlyThenEpochThenAck', ['ZK-4646'], 'asyncLogBeforeAck', 'writeEpoch logAllAsync ackFromQuorumPeerThread', ''],
    ['committedOnlyThenEpochThenAck', ['ZK-4685'], 'asyncLogBeforeAck', 'writeEpoch logAllAsync ackFromQuorumPeerThread', ''],
    ['committedOnlyThenEpochThenAck', ['ZK-4643'], 'epochBeforeTxns', 'writeEpoch logCommitted waitFsyncIfCommitted', 'ack'],
    ['committedOnlyThenEpochThenAck', ['ZK-4394'], 'fsyncThenEpochThenAck', 'logAll waitFsync', 'writeEpoch ack'],
    ['committedOnlyThenEpochThenAck', ['ZK-3911', 'ZK-4394'], 'logAfterUptodate', 'writeEpoch ack', ''],
    ['epochThenLogThenAck', [], 'epochThenLogThenAck', 'writeEpoch logCommitted ack', ''],
    ['committedOnlyThenEpochThenAck', ['ZK-4785'], 'epochThenLogThenAck', 'writeEpoch logCommitted ack', ''],
  ];
  test.each(rows.map((r) => [`${r[0]} with ${r[1].join(',') || 'no mutant'}`, ...r] as const))('%s', (_, configured, mutants, effective, at, after) => {
    const order = persistenceOrderOf({ ...defaultZabConfig([1, 2, 3]), syncPersistence: configured, mutants });
    expect(order.name).toBe(effective);
    expect(order.atNewLeader.join(' ')).toBe(at);
    expect(order.afterFsync.join(' ')).toBe(after);
  });

  test('every order names its ZooKeeper versions, waits for its fsync only when it has steps for after it, and ends by acking', () => {
    for (const order of Object.values(PERSISTENCE_ORDERS)) {
      expect(order.versions).toMatch(/ZOOKEEPER-\d+/);
      expect(order.atNewLeader.some((step) => step === 'waitFsync' || step === 'waitFsyncIfCommitted')).toBe(order.afterFsync.length > 0);
      const last = order.afterFsync.length > 0 ? order.afterFsync[order.afterFsync.length - 1] : order.atNewLeader[order.atNewLeader.length - 1];
      expect(last === 'ack' || last === 'ackFromQuorumPeerThread').toBe(true);
    }
  });
});
