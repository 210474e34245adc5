// Coverage probes on elections, epochs and broadcast: the shape of each election's outcome (who won,
// with how many NEWLEADER acks), proposals in flight at an epoch change, how a leader lost its
// role (Leader.shutdown's reasons), and the faults that hit the active leader.
import type { NodeId } from '../../../protocol/program.js';
import { COUNTER_ROLLOVER, counterOf, epochOf, type Zxid } from '../../../protocol/zxid.js';
import type { ProbeDef } from './types.js';

/** A proposal this close to the counter's end counts as near rollover (ZOOKEEPER-1277). */
const NEAR_ROLLOVER = 1_000;
/** Bounds the per-leader ACK table; a run with this many proposals in flight is far past any profile. */
const OUTSTANDING_MAX = 4_096;

/** Leftrole reasons (leader.ts: Leader.shutdown's reasons), matched by their stable words. */
function leftLeading(name: string, words: string): ProbeDef['detector'] {
  return (ctx) => ({ noted: { leftRole: (_n, f) => void (f.from === 'LEADING' && f.reason.includes(words) && ctx.hit(name)) } });
}

/** NEWLEADER acks per leader (ACKs of the zxid its NEWLEADER carried), reset when it establishes an epoch. */
function newLeaderAcks(onActivated: (leader: NodeId, acks: ReadonlySet<NodeId>) => void): ProbeDef['detector'] {
  return (ctx) => {
    const acks = new Map<NodeId, Set<NodeId>>();
    const newLeaderZxid = new Map<NodeId, Zxid>();
    return {
      observe: {
        established: (n) => void acks.set(n, new Set()),
        activated: (n) => onActivated(n, acks.get(n) ?? new Set()),
      },
      sent: { NEWLEADER: (from, _to, m) => void (m.type === 'NEWLEADER' && newLeaderZxid.set(from, m.zxid)) },
      delivered: {
        ACK: (from, to, m) => {
          if (m.type === 'ACK' && newLeaderZxid.get(to) === m.zxid && !ctx.isObserver(from)) acks.get(to)?.add(from);
        },
      },
    };
  };
}

/** Follower ACKs of the active leader's outstanding proposals (zxid → acks, the leader's own excluded). */
function outstandingAcks(onLeaderCrash: (counts: ReadonlyMap<Zxid, number>) => void): ProbeDef['detector'] {
  return (ctx) => {
    const counts = new Map<Zxid, number>();
    return {
      observe: {
        activated: () => counts.clear(),
        propose: (n, o) => {
          if (n !== ctx.activeLeader) return;
          if (counts.size >= OUTSTANDING_MAX) counts.clear();
          counts.set(o.zxid, 0);
        },
      },
      delivered: {
        ACK: (from, to, m) => {
          if (m.type !== 'ACK' || to !== ctx.activeLeader || ctx.isObserver(from)) return;
          const n = counts.get(m.zxid);
          if (n !== undefined) counts.set(m.zxid, n + 1);
        },
      },
      sent: { COMMIT: (from, _to, m) => void (m.type === 'COMMIT' && from === ctx.activeLeader && counts.delete(m.zxid)) },
      // Called before the context forgets the leader: scan what is in flight (bounded by the proposals outstanding).
      crashed: (n) => void (n === ctx.activeLeader && onLeaderCrash(counts)),
    };
  };
}

export const LEADER_PROBES: readonly ProbeDef[] = [
  {
    name: 'election-unanimous',
    level: 'zab',
    what: 'a leader activated with every voter acking its NEWLEADER',
    detector: (ctx) => newLeaderAcks((_l, acks) => void (acks.size + 1 >= ctx.voters && ctx.hit('election-unanimous')))(ctx),
  },
  {
    name: 'election-bare-quorum',
    level: 'zab',
    what: 'a leader activated with exactly a quorum (some voter absent or late)',
    detector: (ctx) => newLeaderAcks((_l, acks) => void (acks.size + 1 === ctx.quorum && ctx.quorum < ctx.voters && ctx.hit('election-bare-quorum')))(ctx),
  },
  {
    name: 'election-even-ensemble',
    level: 'zab',
    what: 'a leader activated in an even ensemble (a quorum is more than half)',
    detector: (ctx) => ({ observe: { activated: () => void (ctx.voters % 2 === 0 && ctx.hit('election-even-ensemble')) } }),
  },
  {
    name: 'election-leader-not-highest-sid',
    level: 'zab',
    what: 'the winner is not the highest sid among its ackers (FLE decided on epoch or zxid, not the sid tie-break)',
    detector: (ctx) => newLeaderAcks((l, acks) => void ([...acks].some((a) => a > l) && ctx.hit('election-leader-not-highest-sid')))(ctx),
  },
  {
    name: 'election-same-leader',
    level: 'zab',
    what: 'the same server won two elections in a row',
    detector: (ctx) => {
      let last: NodeId | null = null;
      return { observe: { activated: (n) => void (last === n ? ctx.hit('election-same-leader') : (last = n)) } };
    },
  },
  {
    name: 'election-new-leader',
    level: 'zab',
    what: 'leadership moved to another server',
    detector: (ctx) => {
      let last: NodeId | null = null;
      return {
        observe: {
          activated: (n) => {
            if (last !== null && last !== n) ctx.hit('election-new-leader');
            last = n;
          },
        },
      };
    },
  },
  {
    name: 'late-joiner-follows-active-leader',
    level: 'zab',
    what: 'a server left LOOKING to follow a leader already active (it joined an established quorum)',
    detector: (ctx) => ({
      observe: {
        role: (n, o) =>
          void (
            o.role !== 'LEADING' &&
            o.phase === 'DISCOVERY' &&
            o.leader !== null &&
            o.leader === ctx.activeLeader &&
            n !== o.leader &&
            ctx.hit('late-joiner-follows-active-leader')
          ),
      },
    }),
  },
  {
    name: 'two-leaders-coexist',
    level: 'zab',
    what: 'a leader established an epoch while an older leader still believed it led',
    detector: (ctx) => ({ observe: { established: (n) => void ([...ctx.leading].some((l) => l !== n) && ctx.hit('two-leaders-coexist')) } }),
  },
  {
    name: 'epoch-bump-proposals-in-flight',
    level: 'zab',
    what: 'a new epoch was established while proposals of an older one were uncommitted',
    detector: (ctx) => {
      let proposed = 0;
      let committed = 0;
      return {
        observe: {
          propose: (_n, o) => void (proposed = Math.max(proposed, o.zxid)),
          commit: (_n, o) => void (committed = Math.max(committed, o.zxid)),
          committedTo: (_n, o) => void (committed = Math.max(committed, o.zxid)),
          established: () => void (proposed > committed && ctx.hit('epoch-bump-proposals-in-flight')),
        },
      };
    },
  },
  {
    name: 'inflight-survives-epoch-bump',
    level: 'zab',
    what: 'a txn proposed but uncommitted when a new epoch began was later committed (carried over by the new leader)',
    detector: (ctx) => {
      let proposed = 0;
      let committed = 0;
      /** (committed, proposed] at the last epoch change: the txns that were in flight. */
      let window: [Zxid, Zxid] = [0, 0];
      const seen = (zxid: Zxid): void => {
        if (zxid > window[0] && zxid <= window[1] && epochOf(zxid) < ctx.establishedEpoch) ctx.hit('inflight-survives-epoch-bump');
        committed = Math.max(committed, zxid);
      };
      return {
        observe: {
          propose: (_n, o) => void (proposed = Math.max(proposed, o.zxid)),
          commit: (_n, o) => seen(o.zxid),
          established: () => void (proposed > committed && (window = [committed, proposed])),
        },
      };
    },
  },
  {
    name: 'minority-acked-leader-crash',
    level: 'zab',
    what: 'the leader crashed with a proposal acked by some followers but, with its own ack, still short of a quorum',
    detector: (ctx) =>
      outstandingAcks((counts) => {
        for (const n of counts.values()) if (n >= 1 && n + 1 < ctx.quorum) return ctx.hit('minority-acked-leader-crash');
      })(ctx),
  },
  {
    name: 'unacked-proposal-leader-crash',
    level: 'zab',
    what: 'the leader crashed with a proposal no follower had acked',
    detector: (ctx) =>
      outstandingAcks((counts) => {
        for (const n of counts.values()) if (n === 0) return ctx.hit('unacked-proposal-leader-crash');
      })(ctx),
  },
  {
    name: 'proposal-acked-by-all',
    level: 'zab',
    what: 'a proposal acked by every other voter',
    detector: (ctx) => {
      const counts = new Map<Zxid, number>();
      /** The active leader's proposals (a NEWLEADER or UPTODATE ack is not one). */
      const proposed = new Set<Zxid>();
      return {
        observe: {
          activated: () => {
            counts.clear();
            proposed.clear();
          },
          propose: (n, o) => {
            if (n !== ctx.activeLeader) return;
            if (proposed.size >= OUTSTANDING_MAX) {
              proposed.clear();
              counts.clear();
            }
            proposed.add(o.zxid);
          },
        },
        delivered: {
          ACK: (from, to, m) => {
            if (m.type !== 'ACK' || to !== ctx.activeLeader || ctx.isObserver(from) || !proposed.has(m.zxid)) return;
            const n = (counts.get(m.zxid) ?? 0) + 1;
            counts.set(m.zxid, n);
            if (n + 1 >= ctx.voters && ctx.voters > 1) ctx.hit('proposal-acked-by-all');
          },
        },
      };
    },
  },
  {
    name: 'request-forwarded',
    level: 'zab',
    what: 'a learner forwarded a client write to the leader (REQUEST)',
    detector: (ctx) => ({ delivered: { REQUEST: () => ctx.hit('request-forwarded') } }),
  },
  {
    name: 'zxid-near-rollover',
    level: 'aimed',
    what: `a proposal within ${NEAR_ROLLOVER} of the zxid counter's end (0xffffffff)`,
    detector: (ctx) => ({ observe: { propose: (_n, o) => void (counterOf(o.zxid) >= COUNTER_ROLLOVER - NEAR_ROLLOVER && ctx.hit('zxid-near-rollover')) } }),
  },
  {
    name: 'zxid-rollover-new-epoch',
    level: 'aimed',
    what: 'the leader shut down because the zxid counter would roll over, forcing a new epoch (ZOOKEEPER-1277)',
    detector: leftLeading('zxid-rollover-new-epoch', 'rollover'),
  },
  {
    name: 'leader-lost-quorum',
    level: 'zab',
    what: "the leader stepped down: not sufficient followers synced (Leader.lead's tick check)",
    detector: leftLeading('leader-lost-quorum', 'not sufficient followers'),
  },
  {
    name: 'leader-gave-up-initlimit',
    level: 'zab',
    what: 'a would-be leader gave up waiting for a quorum within initLimit (discovery or NEWLEADER acks)',
    detector: leftLeading('leader-gave-up-initlimit', 'Timeout while waiting'),
  },
  {
    name: 'learner-closed-synclimit',
    level: 'aimed',
    what: 'the leader closed a learner whose oldest proposal stayed unacked for syncLimit ticks (SyncLimitCheck)',
    detector: (ctx) => ({ noted: { handlerClosed: (_n, f) => void (f.why.includes('SyncLimitCheck') && ctx.hit('learner-closed-synclimit')) } }),
  },
  {
    name: 'learner-closed-read-timeout',
    level: 'zab',
    what: 'the leader closed a learner it heard nothing from within its socket read timeout',
    detector: (ctx) => ({ noted: { handlerClosed: (_n, f) => void (f.why.includes('read timeout') && ctx.hit('learner-closed-read-timeout')) } }),
  },
  {
    name: 'leader-crash-in-broadcast',
    level: 'zab',
    what: 'the active leader crashed',
    detector: (ctx) => ({ crashed: (n) => void (n === ctx.activeLeader && ctx.hit('leader-crash-in-broadcast')) }),
  },
  {
    name: 'leader-receive-cut',
    level: 'zab',
    what: "an asymmetric cut of the leader's receive side: some peer cannot reach the leader while the leader still reaches it",
    detector: (ctx) => ({
      fault: (f) => {
        const l = ctx.activeLeader;
        if (f.type !== 'one-way' || l === null) return;
        // Only at fault time: a pass over the servers, never per event.
        const all = ctx.voters + ctx.observers;
        for (let p = 1; p <= all; p++) if (p !== l && ctx.kernel.isCut(p, l) && !ctx.kernel.isCut(l, p)) return ctx.hit('leader-receive-cut');
      },
    }),
  },
  {
    name: 'leader-paused',
    level: 'zab',
    what: 'the active leader was paused (a GC pause or SIGSTOP)',
    detector: (ctx) => ({
      fault: (f, who) => void (f.type === 'pause' && ctx.activeLeader !== null && who.includes(ctx.activeLeader) && ctx.hit('leader-paused')),
    }),
  },
  {
    name: 'leader-clock-skewed',
    level: 'zab',
    what: "the active leader's timers ran fast or slow",
    detector: (ctx) => ({
      fault: (f, who) => void (f.type === 'skew' && ctx.activeLeader !== null && who.includes(ctx.activeLeader) && ctx.hit('leader-clock-skewed')),
    }),
  },
];
