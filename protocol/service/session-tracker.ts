// The leader's SessionTrackerImpl: every global session with its timeout, owner (the server its
// client is attached to) and closing flag, plus the ExpiryQueue that expires them. Only the active
// leader has one; a new leader builds it from the replicated session table and gives every session
// a fresh deadline, as SessionTrackerImpl does when a new leader loads the sessions of its DataTree.
//
// Time: a reducer learns the clock only from timer events. The tracker therefore starts without a
// clock (`nowUs === null`) and is initialised by a zero-delay timer at activation; touches that
// arrive in deliver events use the caller's upper bound of "now" (see service/server.ts).
import { assert } from '../assert.js';
import type { NodeId } from '../program.js';
import type { SessionFailureCode, SessionId } from '../tree/index.js';
import { emptyMap, mapEntries, mapGet, mapRemove, mapSet, type PersistentMap } from '../tree/hamt.js';
import { emptyExpiryQueue, expiryPoll, expiryRemove, expiryUpdate, type ExpiryQueue } from './expiry-queue.js';

export interface TrackedSession {
  readonly id: SessionId;
  readonly timeoutMs: number;
  /** The server the session's client talks through (setOwner); null until one claims it. */
  readonly owner: NodeId | null;
  readonly closing: boolean;
}

export interface SessionTracker {
  readonly sessions: PersistentMap<TrackedSession>;
  /** null until the clock is known; then every session sits in `queue`. */
  readonly queue: ExpiryQueue | null;
  readonly tickUs: number;
}

/** A tracker with new sessions and queue (a literal copy: a spread costs ten times more in V8 11). */
function withSessions(t: SessionTracker, sessions: PersistentMap<TrackedSession>, queue: ExpiryQueue | null): SessionTracker {
  return { sessions, queue, tickUs: t.tickUs };
}

/** The session with a new owner or closing flag, as a literal. */
function patchSession(s: TrackedSession, p: Partial<Pick<TrackedSession, 'owner' | 'closing'>>): TrackedSession {
  return { id: s.id, timeoutMs: s.timeoutMs, owner: p.owner === undefined ? s.owner : p.owner, closing: p.closing === undefined ? s.closing : p.closing };
}

/** A new leader: every replicated session, no deadlines yet (set by `trackerStartClock`). */
export function trackerFromSessions(entries: readonly (readonly [SessionId, number])[], tickUs: number): SessionTracker {
  let sessions = emptyMap<TrackedSession>();
  for (const [id, timeoutMs] of entries) sessions = mapSet(sessions, String(id), { id, timeoutMs, owner: null, closing: false });
  return { sessions, queue: null, tickUs };
}

/** The first timer after activation: every session's deadline becomes roundUp(now + timeout). */
export function trackerStartClock(t: SessionTracker, nowUs: number): SessionTracker {
  if (t.queue !== null) return t;
  let queue = emptyExpiryQueue(t.tickUs, nowUs);
  for (const [, s] of mapEntries(t.sessions)) if (!s.closing) queue = expiryUpdate(queue, s.id, nowUs, s.timeoutMs * 1000);
  return withSessions(t, t.sessions, queue);
}

export function trackerGet(t: SessionTracker, id: SessionId): TrackedSession | undefined {
  return mapGet(t.sessions, String(id));
}

/** trackSession (createSession at prep): a new session owned by `owner`. */
export function trackerAdd(t: SessionTracker, id: SessionId, timeoutMs: number, owner: NodeId, nowUs: number): SessionTracker {
  const sessions = mapSet(t.sessions, String(id), { id, timeoutMs, owner, closing: false });
  const queue = t.queue === null ? null : expiryUpdate(t.queue, id, nowUs, timeoutMs * 1000);
  return withSessions(t, sessions, queue);
}

/**
 * touchSession: false (unchanged tracker) for an unknown or closing session. A touch that leaves the
 * session in its bucket (most: a bucket is a tick wide) returns the same tracker, so callers that
 * compare it keep their state instead of copying it.
 */
export function trackerTouch(t: SessionTracker, id: SessionId, nowUs: number): { readonly tracker: SessionTracker; readonly alive: boolean } {
  const s = trackerGet(t, id);
  if (s === undefined || s.closing) return { tracker: t, alive: false };
  if (t.queue === null) return { tracker: t, alive: true };
  const queue = expiryUpdate(t.queue, id, nowUs, s.timeoutMs * 1000);
  return { tracker: queue === t.queue ? t : withSessions(t, t.sessions, queue), alive: true };
}

export function trackerSetOwner(t: SessionTracker, id: SessionId, owner: NodeId): SessionTracker {
  const s = trackerGet(t, id);
  if (s === undefined || s.owner === owner) return t;
  return withSessions(t, mapSet(t.sessions, String(id), patchSession(s, { owner })), t.queue);
}

export function trackerSetClosing(t: SessionTracker, id: SessionId): SessionTracker {
  const s = trackerGet(t, id);
  if (s === undefined || s.closing) return t;
  return withSessions(t, mapSet(t.sessions, String(id), patchSession(s, { closing: true })), t.queue === null ? null : expiryRemove(t.queue, id));
}

export function trackerRemove(t: SessionTracker, id: SessionId): SessionTracker {
  if (trackerGet(t, id) === undefined) return t;
  return withSessions(t, mapRemove(t.sessions, String(id)), t.queue === null ? null : expiryRemove(t.queue, id));
}

/**
 * SessionTrackerImpl.checkSession(id, owner) as PrepRequestProcessor sees it: unknown or closing →
 * SESSIONEXPIRED; owned by another server → SESSIONMOVED; unowned → claimed by `owner`.
 */
export function trackerCheck(t: SessionTracker, id: SessionId, owner: NodeId): { readonly tracker: SessionTracker; readonly error: SessionFailureCode | null } {
  const s = trackerGet(t, id);
  if (s === undefined || s.closing) return { tracker: t, error: 'SESSIONEXPIRED' };
  if (s.owner === null) return { tracker: trackerSetOwner(t, id, owner), error: null };
  if (s.owner !== owner) return { tracker: t, error: 'SESSIONMOVED' };
  return { tracker: t, error: null };
}

/** The tracker thread's loop body: every bucket now due; the sessions are marked closing. */
export function trackerExpire(t: SessionTracker, nowUs: number): { readonly tracker: SessionTracker; readonly expired: readonly SessionId[] } {
  if (t.queue === null) return { tracker: t, expired: [] };
  let queue = t.queue;
  let sessions = t.sessions;
  const expired: SessionId[] = [];
  for (let guard = 0; queue.nextExpirationUs <= nowUs; guard++) {
    assert(guard <= 1_000_000, 'expiry loop did not terminate');
    const polled = expiryPoll(queue, nowUs);
    queue = polled.queue;
    for (const id of polled.expired) {
      const s = mapGet(sessions, String(id));
      if (s === undefined || s.closing) continue;
      sessions = mapSet(sessions, String(id), patchSession(s, { closing: true }));
      expired.push(id);
    }
  }
  // No bucket due: the same tracker (the expire timer's step then keeps the server as it is).
  return { tracker: queue === t.queue && sessions === t.sessions ? t : withSessions(t, sessions, queue), expired };
}
