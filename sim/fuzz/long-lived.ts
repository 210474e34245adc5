// Long-lived ensembles: for a share of cases, the first epoch's zxid counter is already high, as in
// an ensemble whose leader has served billions of writes in one epoch. A few dozen writes then reach
// the counter's end: Leader.propose shuts the leader down before it would issue counter 0xffffffff
// (ZOOKEEPER-1277) and the next election starts a new epoch at counter 0. Only the first epoch
// starts high (ZabConfig.counterStartFirstEpochOnly): ZooKeeper starts every epoch at 0. Nothing
// here knows about mutants or probes.
import fc from 'fast-check';
import { COUNTER_ROLLOVER } from '../../protocol/zxid.js';
import type { FuzzCase, Profile } from './case.js';

/** The counter the first epoch activates at: this many proposals before the rollover, at most. */
export function longLivedArb(profile: Profile): fc.Arbitrary<number | null> {
  if (profile.longLivedPercent <= 0) return fc.constant(null);
  return fc
    .noBias(fc.integer({ min: 0, max: 99 }))
    .chain((roll) => (roll >= profile.longLivedPercent ? fc.constant(null) : fc.integer({ min: 2, max: 150 }).map((left) => COUNTER_ROLLOVER - left)));
}

export function withLongLived(c: FuzzCase, counterStart: number | null): FuzzCase {
  return counterStart === null ? c : { ...c, counterStart };
}
