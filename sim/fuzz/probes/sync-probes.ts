// Coverage probes on synchronization and recovery: which sync mode LearnerHandler.syncFollower
// chose and from where, what a learner's log looked like against its leader's, and the crashes and
// leader changes that land inside a sync (Learner.syncWithLeader).
import type { NodeId } from '../../../protocol/program.js';
import type { ZabServer } from '../../../protocol/zab/state.js';
import { epochOf } from '../../../protocol/zxid.js';
import type { ProbeDef } from './types.js';

/** Per-node flags a detector keeps, forgotten on crash. */
function flags(): Set<NodeId> {
  return new Set<NodeId>();
}

export const SYNC_PROBES: readonly ProbeDef[] = [
  {
    name: 'sync-diff',
    level: 'zab',
    what: 'a leader synced a learner that lacked txns with DIFF (txns sent from the committedLog or the txn log)',
    detector: (ctx) => ({ observe: { sync: (_n, o) => void (o.mode === 'DIFF' && o.peerLastZxid < o.zxid && ctx.hit('sync-diff')) } }),
  },
  {
    name: 'sync-diff-empty',
    level: 'zab',
    what: "an empty DIFF: the learner already held exactly the leader's history",
    detector: (ctx) => ({ observe: { sync: (_n, o) => void (o.mode === 'DIFF' && o.peerLastZxid === o.zxid && ctx.hit('sync-diff-empty')) } }),
  },
  {
    name: 'sync-diff-from-txnlog',
    level: 'zab',
    what: 'a DIFF whose txns were read from the on-disk txn log, below the committedLog (ZKDatabase.getProposalsFromTxnLog)',
    detector: (ctx) => ({ noted: { syncSource: (_n, f) => void (f.mode === 'DIFF' && f.fromTxnLog && ctx.hit('sync-diff-from-txnlog')) } }),
  },
  {
    name: 'sync-trunc',
    level: 'zab',
    what: 'a leader told a learner to TRUNC its log',
    detector: (ctx) => ({ observe: { sync: (_n, o) => void (o.mode === 'TRUNC' && ctx.hit('sync-trunc')) } }),
  },
  {
    name: 'sync-snap',
    level: 'zab',
    what: 'a leader sent a learner a whole SNAP',
    detector: (ctx) => ({ observe: { sync: (_n, o) => void (o.mode === 'SNAP' && ctx.hit('sync-snap')) } }),
  },
  {
    name: 'sync-trunc-then-diff',
    level: 'zab',
    what: 'TRUNC followed by proposals before NEWLEADER: the learner cut its log back, then caught up',
    detector: (ctx) => {
      const truncated = flags();
      return {
        delivered: {
          TRUNC: (_f, to) => void truncated.add(to),
          PROPOSAL: (_f, to) => void (truncated.has(to) && ctx.hit('sync-trunc-then-diff')),
          NEWLEADER: (_f, to) => void truncated.delete(to),
        },
        crashed: (n) => void truncated.delete(n),
      };
    },
  },
  {
    name: 'trunc-below-snapshot',
    level: 'aimed',
    what: "a TRUNC to a zxid below the learner's own latest snapshot (the snapshot stays; the log is cut under it)",
    detector: (ctx) => ({
      delivered: {
        TRUNC: (_f, to, m) => {
          const s = ctx.kernel.stateOf(to) as ZabServer | undefined;
          if (m.type === 'TRUNC' && s?.snapshot != null && s.snapshot.zxid > m.zxid) ctx.hit('trunc-below-snapshot');
        },
      },
    }),
  },
  {
    name: 'rejoin-longer-log',
    level: 'zab',
    what: 'a follower rejoined with a longer log than its new leader in the same epoch (txns the leader never got, truncated)',
    detector: (ctx) => ({
      observe: {
        sync: (_n, o) => void (o.mode === 'TRUNC' && o.peerLastZxid > o.zxid && epochOf(o.peerLastZxid) === epochOf(o.zxid) && ctx.hit('rejoin-longer-log')),
      },
    }),
  },
  {
    name: 'rejoin-divergent-epoch',
    level: 'aimed',
    what: 'a follower rejoined holding txns of an epoch its new leader never saw (truncated to an older epoch)',
    detector: (ctx) => ({
      observe: { sync: (_n, o) => void (o.mode === 'TRUNC' && epochOf(o.peerLastZxid) > epochOf(o.zxid) && ctx.hit('rejoin-divergent-epoch')) },
    }),
  },
  {
    name: 'snap-under-live-writes',
    level: 'zab',
    what: 'the leader proposed while a SNAP it sent was not yet followed by UPTODATE (forwarded proposals queue behind the snapshot)',
    detector: (ctx) => {
      const open = new Map<NodeId, Set<NodeId>>();
      return {
        sent: {
          SNAP: (from, to) => {
            let set = open.get(from);
            if (set === undefined) open.set(from, (set = new Set()));
            set.add(to);
          },
          UPTODATE: (from, to) => void open.get(from)?.delete(to),
        },
        observe: { propose: (n) => void ((open.get(n)?.size ?? 0) > 0 && ctx.hit('snap-under-live-writes')) },
        crashed: (n) => void open.delete(n),
        restarted: (n) => void open.delete(n),
      };
    },
  },
  {
    name: 'leader-change-during-sync',
    level: 'zab',
    what: 'a learner in SYNCHRONIZATION went back to LOOKING before UPTODATE (its leader went away mid-sync)',
    detector: (ctx) => {
      const syncing = flags();
      return {
        observe: {
          role: (n, o) => {
            if (o.role === 'LOOKING' && syncing.delete(n)) ctx.hit('leader-change-during-sync');
            else if (o.role !== 'LEADING' && o.phase === 'SYNCHRONIZATION') syncing.add(n);
            else syncing.delete(n);
          },
        },
        crashed: (n) => void syncing.delete(n),
      };
    },
  },
  {
    name: 'leader-change-during-discovery',
    level: 'zab',
    what: 'a learner in DISCOVERY (FOLLOWERINFO sent, no NEWLEADER yet) went back to LOOKING',
    detector: (ctx) => {
      const discovering = flags();
      return {
        observe: {
          role: (n, o) => {
            if (o.role === 'LOOKING' && discovering.delete(n)) ctx.hit('leader-change-during-discovery');
            else if (o.role !== 'LEADING' && o.phase === 'DISCOVERY') discovering.add(n);
            else discovering.delete(n);
          },
        },
        crashed: (n) => void discovering.delete(n),
      };
    },
  },
  {
    name: 'crash-during-sync',
    level: 'zab',
    what: 'a learner crashed in SYNCHRONIZATION',
    detector: (ctx) => ({ crashed: (n) => void (ctx.roleOf(n) !== 'LEADING' && ctx.phaseOf(n) === 'SYNCHRONIZATION' && ctx.hit('crash-during-sync')) }),
  },
  {
    name: 'crash-between-newleader-and-ack',
    level: 'aimed',
    what: 'a learner crashed after NEWLEADER arrived and before it sent the ACK (inside NEWLEADER persistence)',
    detector: (ctx) => {
      // Learner → the NEWLEADER zxid it must ack (not always counter 0: ZabConfig.counterStart).
      const pending = new Map<NodeId, number>();
      return {
        delivered: { NEWLEADER: (_f, to, m) => void (m.type === 'NEWLEADER' && pending.set(to, m.zxid)) },
        sent: { ACK: (from, _to, m) => void (m.type === 'ACK' && pending.get(from) === m.zxid && pending.delete(from)) },
        crashed: (n) => void (pending.delete(n) && ctx.hit('crash-between-newleader-and-ack')),
      };
    },
  },
  {
    name: 'observer-lag-caught-up',
    level: 'zab',
    what: 'an observer that lacked txns was brought up to date by DIFF or SNAP',
    detector: (ctx) => ({
      observe: { sync: (_n, o) => void (ctx.isObserver(o.learner) && o.mode !== 'TRUNC' && o.peerLastZxid < o.zxid && ctx.hit('observer-lag-caught-up')) },
    }),
  },
  {
    name: 'inform-to-observer',
    level: 'zab',
    what: 'an observer received INFORM (a committed txn, in broadcast)',
    detector: (ctx) => ({ delivered: { INFORM: () => ctx.hit('inform-to-observer') } }),
  },
];
