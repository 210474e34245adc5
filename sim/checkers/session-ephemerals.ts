// session-ephemerals: see client.ts for what it checks.
import { opPath } from '../history/types.js';
import type { ZkHistory, ZkHistoryEvent, ZkHistoryOp, ZkHistorySession, ZkResult } from '../history/types.js';
import { describeZxid } from './zk-writes.js';
import { hasEphemeralCreate, violated, type ClientCheckResult } from './client-common.js';
import { HistoryView } from './history-view.js';
import { countBelow } from './sort.js';

// ---------------------------------------------------------------------------------------------
// session-ephemerals

export function checkSessionEphemerals(history: ZkHistory): ClientCheckResult {
  return sessionEphemerals(new HistoryView(history));
}

export function sessionEphemerals(view: HistoryView): ClientCheckResult {
  const name = 'session-ephemerals';
  const history = view.history;
  const ended = new Map<number, { zxid: number; by: ZkHistoryOp | null; event: ZkHistorySession | null }>();
  for (const o of view.closeSessions) {
    if (o.op.type === 'closeSession' && o.outcome === 'ok' && o.zxid !== null && o.session !== null && o.result?.rc === 'ok')
      ended.set(o.session, { zxid: o.zxid, by: o, event: null });
  }
  for (const e of history.events ?? []) {
    if (e.kind === 'session' && e.state === 'ENDED' && e.zxid !== undefined) {
      const known = ended.get(e.session);
      if (known === undefined || e.zxid < known.zxid) ended.set(e.session, { zxid: e.zxid, by: null, event: e });
    }
  }
  const afterClose = repliesAfterOwnClose(view);
  if (afterClose !== null) return afterClose;
  const seenAfterClose = ephemeralAfterOrderedClose(view);
  if (seenAfterClose !== null) return seenAfterClose;
  const afterEnd = writesAfterEndedRecord(view);
  if (afterEnd !== null) return afterEnd;
  const ownAfterEnd = ownWritesAfterEndedRecord(view);
  if (ownAfterEnd !== null) return ownAfterEnd;
  if (ended.size === 0) return { name, verdict: 'ok' };
  const endOps = (s: number): { ops: ZkHistoryOp[]; events: ZkHistoryEvent[] } => {
    const end = ended.get(s)!;
    return { ops: end.by === null ? [] : [end.by], events: end.event === null ? [] : [end.event] };
  };
  for (const o of history.ops) {
    if (o.outcome !== 'ok' || o.result === null) continue;
    // A reply to the session reflecting its own end: the server that applied the closeSession txn has
    // closed the session (FinalRequestProcessor), and one behind it answers from an older state. An
    // error reply (noNode, badVersion, ...) is a server's answer too; a client-side rc is no reply.
    const state = o.op.type === 'closeSession' || !isServerReply(o.result) ? null : Math.max(o.zxid ?? -1, o.readZxid ?? -1);
    const own = o.session === null ? undefined : ended.get(o.session);
    if (own !== undefined && state !== null && state >= own.zxid) {
      const w = endOps(o.session!);
      return violated(
        name,
        `#${o.id} of session 0x${o.session!.toString(16)} reflects ${describeZxid(state)}, at or after that session's end at ${describeZxid(own.zxid)}`,
        [...w.ops, o],
        w.events,
      );
    }
    if (o.result.rc !== 'ok') continue;
    // An ephemeral created after its session ended.
    if (o.zxid !== null && o.session !== null && hasEphemeralCreate(o.op)) {
      const end = ended.get(o.session);
      if (end !== undefined && o.zxid > end.zxid) {
        const w = endOps(o.session);
        return violated(
          name,
          `#${o.id} created an ephemeral node at ${describeZxid(o.zxid)} for session 0x${o.session.toString(16)}, which ended at ${describeZxid(end.zxid)}`,
          [...w.ops, o],
          w.events,
        );
      }
    }
    // A read at or after the end that still sees one of the session's ephemerals.
    const owner = o.result.ephemeralOwner;
    if (owner !== undefined && owner !== 0 && o.readZxid !== undefined && o.readZxid !== null && (o.result.exists ?? true)) {
      const end = ended.get(owner);
      if (end !== undefined && o.readZxid >= end.zxid) {
        const w = endOps(owner);
        return violated(
          name,
          `#${o.id} read ${opPath(o.op)} at ${describeZxid(o.readZxid)} and found it owned by session 0x${owner.toString(16)}, which ended at ${describeZxid(end.zxid)}`,
          [...w.ops, o],
          w.events,
        );
      }
    }
  }
  return { name, verdict: 'ok' };
}

/** An rc a server sent (the client library makes up connectionLoss, operationTimeout and sessionExpired). */
function isServerReply(result: ZkResult): boolean {
  return result.rc !== 'connectionLoss' && result.rc !== 'operationTimeout' && result.rc !== 'sessionExpired';
}

/**
 * No server reply to a session's op issued after that session's own closeSession (which got an ok reply),
 * zxid or not: the close's ok reply means its txn was applied (FinalRequestProcessor answers after applying
 * it), the session's later ops take effect after it (FIFO client order: a session's requests are
 * processed in issue order), and a server that applied the close answers no request of that session.
 */
function repliesAfterOwnClose(view: HistoryView): ClientCheckResult | null {
  const closedAt = new Map<number, ZkHistoryOp>();
  for (const o of view.closeSessions) {
    if (o.op.type !== 'closeSession' || o.outcome !== 'ok' || o.session === null || o.result?.rc !== 'ok' || o.completeUs === null) continue;
    const known = closedAt.get(o.session);
    if (known === undefined || o.invokeUs < known.invokeUs) closedAt.set(o.session, o);
  }
  if (closedAt.size === 0) return null;
  for (const o of view.history.ops) {
    if (o.session === null || o.outcome !== 'ok' || o.result === null || o.op.type === 'closeSession' || !isServerReply(o.result)) continue;
    const close = closedAt.get(o.session);
    if (close === undefined || o.invokeUs <= close.invokeUs) continue;
    return violated(
      'session-ephemerals',
      `#${o.id} of session 0x${o.session.toString(16)} was issued at ${o.invokeUs}us, after that session's close #${close.id} (issued at ${close.invokeUs}us, ok), and got a reply`,
      [close, o],
    );
  }
  return null;
}

/**
 * No read shows an ephemeral node of a session X once the reading session Y is ordered after X's close,
 * zxid or not. Proof: X's closeSession reply arrived at time c, so its txn was committed and applied
 * (FinalRequestProcessor answers after DataTree.killSession removed every ephemeral of X; no create can
 * give X another, PrepRequestProcessor refuses a closed session). A write W of Y with an ok reply that
 * was invoked after c gets a larger zxid (the leader numbers proposals in order, and the close was
 * committed before W reached it). A read R of Y invoked after W's reply sees a state at or after W (FIFO
 * client order; a reconnect goes only to a server at or past the client's lastZxidSeen,
 * ZooKeeperServer.processConnectRequest), so after the close: it cannot find a node owned by X.
 * A read merely later in real time is not enough (a lagging follower may still show the node).
 */
function ephemeralAfterOrderedClose(view: HistoryView): ClientCheckResult | null {
  const closedAt = new Map<number, ZkHistoryOp>(); // session -> its earliest ok close reply
  for (const o of view.closeSessions) {
    if (o.op.type !== 'closeSession' || o.outcome !== 'ok' || o.session === null || o.result?.rc !== 'ok' || o.completeUs === null) continue;
    const known = closedAt.get(o.session);
    if (known === undefined || o.completeUs < known.completeUs!) closedAt.set(o.session, o);
  }
  if (closedAt.size === 0) return null;
  // Each session's ok writes by invoke time, with the earliest reply among those invoked at or after each.
  const writesOf = new Map<number, ZkHistoryOp[]>();
  for (const o of view.writes) {
    if (o.session === null || o.outcome !== 'ok' || o.result?.rc !== 'ok' || o.completeUs === null || o.op.type === 'closeSession') continue;
    const list = writesOf.get(o.session);
    if (list === undefined) writesOf.set(o.session, [o]);
    else list.push(o);
  }
  const suffix = new Map<number, { invokes: number[]; firstReply: ZkHistoryOp[] }>();
  for (const [session, list] of writesOf) {
    list.sort((a, b) => a.invokeUs - b.invokeUs);
    const firstReply: ZkHistoryOp[] = new Array<ZkHistoryOp>(list.length);
    for (let i = list.length - 1; i >= 0; i--) {
      const next = firstReply[i + 1];
      firstReply[i] = next !== undefined && next.completeUs! < list[i]!.completeUs! ? next : list[i]!;
    }
    suffix.set(session, { invokes: list.map((o) => o.invokeUs), firstReply });
  }
  for (const r of view.history.ops) {
    const owner = r.result?.ephemeralOwner;
    if (r.outcome !== 'ok' || r.session === null || owner === undefined || owner === 0 || owner === r.session || r.result!.rc !== 'ok') continue;
    if (r.result!.exists === false) continue;
    const close = closedAt.get(owner);
    const mine = suffix.get(r.session);
    if (close === undefined || mine === undefined) continue;
    let lo = 0;
    let hi = mine.invokes.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (mine.invokes[mid]! <= close.completeUs!) lo = mid + 1;
      else hi = mid;
    }
    const w = mine.firstReply[lo];
    if (w === undefined || r.invokeUs <= w.completeUs!) continue;
    return violated(
      'session-ephemerals',
      `#${r.id} of session 0x${r.session.toString(16)} found ${opPath(r.op)} owned by session 0x${owner.toString(16)}, but that session's close #${close.id} returned before the reader's write #${w.id} was invoked, and #${w.id} returned before #${r.id} was invoked`,
      [close, w, r],
    );
  }
  return null;
}

/**
 * An ENDED record says the servers had applied the session's closeSession txn (its zxid) by `atUs`, so a
 * write invoked after that is proposed later and carries a larger zxid (the same real-time rule as a
 * reply's header zxid, read-points.ts checkReadRealTime).
 */
function writesAfterEndedRecord(view: HistoryView): ClientCheckResult | null {
  const ends: ZkHistorySession[] = [];
  for (const e of view.history.events ?? []) if (e.kind === 'session' && e.state === 'ENDED' && e.zxid !== undefined && e.zxid !== null) ends.push(e);
  if (ends.length === 0) return null;
  // By atUs, with the record of the largest zxid so far: one binary search per write.
  ends.sort((a, b) => a.atUs - b.atUs);
  const atUs = ends.map((e) => e.atUs);
  const maxSoFar: ZkHistorySession[] = [];
  for (const e of ends) maxSoFar.push(maxSoFar.length > 0 && maxSoFar[maxSoFar.length - 1]!.zxid! >= e.zxid! ? maxSoFar[maxSoFar.length - 1]! : e);
  for (const o of view.history.ops) {
    if (o.zxid === null || o.outcome !== 'ok') continue;
    const e = maxSoFar[countBelow(atUs, o.invokeUs) - 1]; // seen strictly before the invoke
    if (e === undefined || o.zxid > e.zxid!) continue;
    return violated(
      'session-ephemerals',
      `#${o.id} was invoked at ${o.invokeUs}us, after session 0x${e.session.toString(16)} was seen ended at ${describeZxid(e.zxid!)} (${e.atUs}us), yet carries ${describeZxid(o.zxid)}`,
      [o],
      [e],
    );
  }
  return null;
}

/**
 * No server reply to a write a session sent after its own end was seen committed (its ENDED record),
 * zxid or not, but to a second closeSession. The leader marks a session closing when it prepares the
 * end's txn (PrepRequestProcessor: SessionTrackerImpl.setSessionClosing), before that txn commits, and
 * a later leader has applied the end (removeSession). It checks the session of every other write as it
 * prepares it (validateCreateRequest, checkSession for delete, setData, setACL and each sub-op of a
 * multi), so a write sent after the commit fails with sessionExpired, which is no txn's result here (an
 * error rc such as noNode would be). A closeSession is not checked (the expirer sends one for a session
 * it does not own), so a second one may succeed.
 */
function ownWritesAfterEndedRecord(view: HistoryView): ClientCheckResult | null {
  const seenEnded = new Map<number, ZkHistorySession>(); // session -> its earliest ENDED record
  for (const e of view.history.events ?? []) {
    if (e.kind !== 'session' || e.state !== 'ENDED') continue;
    const known = seenEnded.get(e.session);
    if (known === undefined || e.atUs < known.atUs) seenEnded.set(e.session, e);
  }
  if (seenEnded.size === 0) return null;
  for (const o of view.writes) {
    if (o.session === null || o.outcome !== 'ok' || o.result === null || o.op.type === 'closeSession' || !isServerReply(o.result)) continue;
    const e = seenEnded.get(o.session);
    if (e === undefined || o.invokeUs <= e.atUs) continue;
    return violated(
      'session-ephemerals',
      `#${o.id} of session 0x${o.session.toString(16)} was invoked at ${o.invokeUs}us, after that session was seen ended (${e.atUs}us), and got a reply (${o.result.rc}): the leader refuses a write of an ended session with sessionExpired`,
      [o],
      [e],
    );
  }
  return null;
}
