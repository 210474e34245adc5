// The randomized runs behind the Zab property tests and `zabsim fuzz`-style sweeps: a fault plan
// drawn from the seed (partitions, one-way cuts, crashes and restarts losing unsynced writes,
// pauses, loss and duplication windows), then a liveness phase.
import type { LinkFaultWindow } from '../options.js';
import { forkRng } from '../rng.js';
import { randomFaultPlan } from './faults.js';
import { baseRunOptions, type RunOptions } from './options.js';

export function propertyRunOptions(seed: string, servers: number, observers = 0): RunOptions {
  const rng = forkRng(seed, 'swarm');
  const base = baseRunOptions('property', seed, servers, observers);
  const faultsUntilMs = 40_000;
  const windows: LinkFaultWindow[] = [];
  for (let i = 0; i < 3; i++) {
    const fromUs = rng.intInclusive(1_000, 35_000) * 1000;
    windows.push({
      from: '*',
      to: '*',
      fromUs,
      untilUs: fromUs + rng.intInclusive(500, 5_000) * 1000,
      lossProbability: rng.next() * 0.3,
      duplicateProbability: rng.next() * 0.2,
      extraDelayUs: rng.intInclusive(0, 3) * 1000,
    });
  }
  return {
    ...base,
    // The notification back-off cap is 60 s in ZooKeeper; 4 s keeps the liveness phase short.
    // dropStaleAcksOnResync: master can commit on an ACK whose sender was TRUNCated since (see
    // ZabConfig); the sweeps check master plus that fix, and the scenario shows master's failure.
    // skipDirtyLeadSnapshot: likewise for ZOOKEEPER-1549 (master's snapshot at Leader.lead holds
    // uncommitted txns that a later TRUNC reloads; see ZabConfig).
    zab: {
      ...base.zab,
      tickTimeMs: 500,
      initLimit: 10,
      syncLimit: 5,
      maxNotificationIntervalMs: 4_000,
      commitLogCount: rng.pick([5, 50, 500]),
      dropStaleAcksOnResync: true,
      skipDirtyLeadSnapshot: true,
    },
    network: { ...base.network, faultWindows: windows },
    disk: { ...base.disk, unsyncedSurviveCrash: false },
    workload: { clients: 3, meanIntervalMs: 100, keys: 4, stopAtMs: 55_000, requestTimeoutMs: 3_000 },
    faults: randomFaultPlan(rng, faultsUntilMs, rng.intInclusive(4, 14)),
    faultsUntilMs,
    durationMs: 70_000,
  };
}
