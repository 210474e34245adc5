// Client-level checkers over a zabsim client history (sim/history/types.ts): what ZooKeeper promises its
// clients (zab-reference §5.9, §6.4 item 7). Each takes the whole history at the end of a run, costs
// O(n log n) at most (the search fallback of linearizable-writes aside), and returns a kebab-case verdict
// ok | violated | unknown with a witness: the few ops, events and zxids that make the violation.
//
// * linearizable-writes: every write (create, delete, setData, setACL, multi, close, and the KV runs'
//   kvSet/kvCas), indeterminate ones included, in one order consistent with real time and their results
//   (zk-writes.ts: zxid order fast path, search fallback for writes without a zxid); judged again with the
//   zxids reads' mzxids (and exact watch-event zxids) pin on writes without one (mzxid-pins.ts), which
//   only adds findings. Every checker sees a lost write its session sent after its own end as one that
//   failed (dead-writes.ts, in HistoryView).
// * sequential-reads, per client (one client = one session in zabsim): every reply raises the session's
//   lastZxidSeen, and no later reply may reflect an older state (monotone reads, read-your-writes, single
//   system image across reconnects); an event's zxid binds the later replies of its own connection only
//   (the client does not raise lastZxidSeen on a notification); each read returns exactly the replayed state
//   at its reply header's zxid (for paths no indeterminate write touched). sync-then-read: a read issued
//   after sync(), should see every write completed before the sync began. ZooKeeper does NOT promise this
//   strictly (a deposed leader can still answer a sync, zab-reference §5.4), so these findings are notes
//   ("caveats"), not violations, unless `syncIsLinearizable` is set.
// * fifo-client-order: a session's successful ops complete in issue order, and take effect in issue order
//   (write zxids increase, no op reflects a state older than an op issued before it).
// * watch-order: a watch event arrives only for a watch the client holds (one-shot: each fires once),
//   events arrive in zxid order on one connection, an event arrives before any reply reflecting its change, and none is
//   lost: no reply may reflect a change that triggers a held watch before that watch's event arrived.
//   Each event is one its watch's class gets from the server (an exists watch on an absent node only
//   NodeCreated), for a change made after the watch was set and sent before the event arrived; on the
//   watch's own connection exactly that change (type, zxid); judged again with the zxids reads' mzxids
//   pin, like linearizable-writes. A watch survives a reconnect (setWatches):
//   its event is still owed before any reply that reflects its change. Gap: an exists-watch on an absent
//   node may miss a node created and deleted while disconnected (ZooKeeper's documented setWatches gap),
//   so across connections that case is only checked when nothing in the history can delete the node. Events on
//   a node whose ACL may deny READ (`restrictedRead` in the history) can be filtered by the server, so
//   watches on such paths are not checked for lost events, and a read that sets such a watch again may begin
//   a new registration (a filtered trigger used the old one up): an event is judged from it too; but an event the server must have filtered
//   (the path's ACL at the firing txn grants READ to no id the session can hold, on a release that
//   filters) is a violation (watch-acl.ts).
// * session-ephemerals: no ephemeral created after its session's closeSession txn; no read at or after
import type { ZkHistory } from '../history/types.js';
import type { Verdict } from './linearizability/model.js';
import { checkZkWrites, isUncertain } from './zk-writes.js';
import type { ClientCheckOptions, ClientCheckResult } from './client-common.js';
import { HistoryView, fifoClientOrder } from './history-view.js';
import { sequentialReads } from './sequential-reads.js';
import { watchOrder } from './watch-order.js';
import { sessionEphemerals } from './session-ephemerals.js';
import { pinByMzxid } from './mzxid-pins.js';
import { epochZeroEvent, epochZeroWrite } from './epoch-zero.js';
import { unjudgedReadsReason, withUnjudgedReads } from './unjudged-reads.js';
import { splitGetEphemerals } from './ephemerals-split.js';
import { serverDeletesReason, unjudgedForServerDeletes } from './server-deletes.js';
import { createStatsViolation } from './create-stats.js';
import { splitMultiReads } from './multi-read-split.js';
import { eventReplyOrderViolation } from './event-reply-order.js';
import { watchAclViolation } from './watch-acl.js';

/** The client checkers, in the order checkClientHistory reports them. */
const CLIENT_CHECKER_NAMES = ['linearizable-writes', 'sequential-reads', 'fifo-client-order', 'watch-order', 'session-ephemerals'] as const;

export { CLIENT_CHECKERS, clientWitness, describeEvent, stateZxid } from './client-common.js';
export type { ClientCheckOptions, ClientCheckResult, ClientCheckerName, ClientWitness } from './client-common.js';
export { checkFifoClientOrder } from './history-view.js';
export { checkSequentialReads } from './sequential-reads.js';
export { checkWatchOrder } from './watch-order.js';
export { checkSessionEphemerals } from './session-ephemerals.js';

// ---------------------------------------------------------------------------------------------
// linearizable-writes

export function checkLinearizableWrites(history: ZkHistory, options: ClientCheckOptions = {}): ClientCheckResult {
  return linearizableWrites(new HistoryView(history), options);
}

/** The write search's budget on the history with pinned zxids (linearizableWrites). */
const PINNED_STEPS_MAX = 20_000;

function linearizableWrites(view: HistoryView, options: ClientCheckOptions): ClientCheckResult {
  const epochZero = epochZeroWrite(view.history);
  if (epochZero !== null) return epochZero;
  const r = checkZkWrites(view.history, options.stepsMax === undefined ? {} : { stepsMax: options.stepsMax }, view.table);
  if (r.verdict !== 'violated') {
    // A write without a zxid whose zxid a read's mzxid names has that zxid in every execution that explains
    // the history (mzxid-pins.ts), so the history with it filled in is judged too: e.g. a create at the
    // zxid a read shows must come before a sequential create of a larger zxid under the same parent. It only
    // adds findings (its unknown adds none; a pin that is itself impossible is sequential-reads' finding),
    // with a small budget, as sequential-reads does.
    const pinned = pinByMzxid(view);
    if (pinned !== null && 'history' in pinned) {
      const p = checkZkWrites(pinned.history, { stepsMax: Math.min(options.stepsMax ?? PINNED_STEPS_MAX, PINNED_STEPS_MAX) });
      if (p.witness !== undefined) {
        const reason = `with the zxids reads' mzxids pin: ${p.witness.reason}`;
        return {
          name: 'linearizable-writes',
          verdict: 'violated',
          witness: { reason, ops: p.witness.ops, events: [], text: `with the zxids reads' mzxids pin: ${p.witness.text}` },
        };
      }
    }
  }
  if (r.witness === undefined)
    return r.unknownIn === undefined
      ? { name: 'linearizable-writes', verdict: r.verdict }
      : { name: 'linearizable-writes', verdict: r.verdict, notes: r.unknownIn };
  const text = r.witness.text;
  return { name: 'linearizable-writes', verdict: r.verdict, witness: { reason: r.witness.reason, ops: r.witness.ops, events: [], text } };
}

// ---------------------------------------------------------------------------------------------
// watch-order

/**
 * watch-order, and again with the zxids reads' mzxids pin (mzxid-pins.ts: every execution that explains
 * the history gives the write that zxid, so the pinned history has the same executions): a write without
 * a zxid that a watch's lost-event checks could not place (say, a create whose node a later read shows)
 * then has one. It only adds findings.
 */
function watchOrderWithPins(view: HistoryView, recorded: ZkHistory): ClientCheckResult {
  const epochZero = epochZeroEvent(view.history);
  if (epochZero !== null) return epochZero;
  const r = watchOrder(view);
  if (r.verdict === 'violated') return r;
  // An event a filtering server could not have sent (watch-acl.ts) is a finding even where the rest is unknown.
  // It reads the history as recorded: the split views keep no auth records.
  const acl = watchAclViolation(recorded);
  if (acl !== null) return acl;
  if (r.verdict !== 'ok') return r;
  const afterEvent = eventReplyOrderViolation(view);
  if (afterEvent !== null) return afterEvent;
  const pinned = pinByMzxid(view);
  if (pinned === null || !('history' in pinned)) return r;
  const p = watchOrder(new HistoryView(pinned.history));
  if (p.witness === undefined) return r;
  const reason = `with the zxids reads' mzxids pin: ${p.witness.reason}`;
  return { ...p, witness: { ...p.witness, reason, text: `with the zxids reads' mzxids pin: ${p.witness.text}` } };
}

// ---------------------------------------------------------------------------------------------
// All of them

export type ClientCheckReport = {
  readonly verdicts: Record<string, Verdict>;
  readonly results: readonly ClientCheckResult[];
  readonly ms: number;
};

export function checkClientHistory(history: ZkHistory, options: ClientCheckOptions = {}): ClientCheckReport {
  const started = performance.now();
  const serverDeletes = serverDeletesReason(history);
  if (serverDeletes !== null) {
    // The create2 Stat rules hold whatever the leader deleted later (create-stats.ts), so they still judge.
    const statFlaw = createStatsViolation(history);
    const results = CLIENT_CHECKER_NAMES.map((name) =>
      name === 'linearizable-writes' && statFlaw !== null ? statFlaw : unjudgedForServerDeletes(name, serverDeletes),
    );
    const verdicts: Record<string, Verdict> = {};
    for (const r of results) verdicts[r.name] = r.verdict;
    return { verdicts, results, ms: performance.now() - started };
  }
  // multiReads and getEphemerals that can be, become reads of their own (multi-read-split.ts, ephemerals-split.ts).
  const split = splitMultiReads(history);
  const ephemerals = splitGetEphemerals(split.history);
  const view = new HistoryView(ephemerals.history);
  const unjudged = unjudgedReadsReason(ephemerals.history) ?? split.atomicityReason ?? ephemerals.incompleteReason;
  const writes = linearizableWrites(view, options);
  const results = [
    writes.verdict === 'violated' ? writes : (createStatsViolation(history) ?? writes),
    sequentialReads(view, options),
    fifoClientOrder(view),
    watchOrderWithPins(view, history),
    sessionEphemerals(view),
  ].map((r) => withUnjudgedReads(r, unjudged));
  const verdicts: Record<string, Verdict> = {};
  for (const r of results) verdicts[r.name] = r.verdict;
  return { verdicts, results, ms: performance.now() - started };
}

/** Plain-text summary: one line per checker, the witness under each violated one. */
export function describeClientReport(results: readonly ClientCheckResult[]): string {
  const lines: string[] = [];
  for (const r of results) {
    lines.push(`${r.name}: ${r.verdict}`);
    if (r.witness !== undefined) lines.push(...r.witness.text.split('\n').map((l) => `  ${l}`));
    for (const n of r.notes ?? []) lines.push(`  note: ${n}`);
  }
  return lines.join('\n');
}

export { isUncertain };
