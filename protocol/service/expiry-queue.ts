// ZooKeeper's ExpiryQueue as a persistent value: sessions sit in buckets keyed by their expiration
// time rounded up to the next multiple of `intervalUs` (expirationInterval = tickTime), so one timer
// per interval expires a whole bucket. `update` is O(1) map operations; `poll` O(bucket).
import { emptyMap, mapEntries, mapGet, mapRemove, mapSet, type PersistentMap } from '../tree/hamt.js';

export interface ExpiryQueue {
  readonly intervalUs: number;
  /** String(id) → the bucket time it sits in. */
  readonly elemMap: PersistentMap<number>;
  /** String(bucket time) → String(id) → id. */
  readonly expiryMap: PersistentMap<PersistentMap<number>>;
  /** The next bucket `poll` will take (ExpiryQueue.nextExpirationTime). */
  readonly nextExpirationUs: number;
}

/** A queue with new maps and next expiration (a literal copy: a spread costs ten times more in V8 11). */
function withMaps(q: ExpiryQueue, elemMap: PersistentMap<number>, expiryMap: PersistentMap<PersistentMap<number>>, nextExpirationUs: number): ExpiryQueue {
  return { intervalUs: q.intervalUs, elemMap, expiryMap, nextExpirationUs };
}

/** roundToNextInterval: (⌊t/interval⌋ + 1)·interval. */
export function roundUp(timeUs: number, intervalUs: number): number {
  return (Math.floor(timeUs / intervalUs) + 1) * intervalUs;
}

export function emptyExpiryQueue(intervalUs: number, nowUs: number): ExpiryQueue {
  return { intervalUs, elemMap: emptyMap(), expiryMap: emptyMap(), nextExpirationUs: roundUp(nowUs, intervalUs) };
}

/** ExpiryQueue.update: move `id` to the bucket of roundUp(now + timeout). No-op if unchanged. */
export function expiryUpdate(q: ExpiryQueue, id: number, nowUs: number, timeoutUs: number): ExpiryQueue {
  const key = String(id);
  const prev = mapGet(q.elemMap, key);
  const next = roundUp(nowUs + timeoutUs, q.intervalUs);
  if (prev === next) return q;
  let expiryMap = q.expiryMap;
  const bucket = mapGet(expiryMap, String(next)) ?? emptyMap<number>();
  expiryMap = mapSet(expiryMap, String(next), mapSet(bucket, key, id));
  if (prev !== undefined) expiryMap = removeFromBucket(expiryMap, prev, key);
  return withMaps(q, mapSet(q.elemMap, key, next), expiryMap, q.nextExpirationUs);
}

function removeFromBucket(expiryMap: PersistentMap<PersistentMap<number>>, at: number, key: string): PersistentMap<PersistentMap<number>> {
  const old = mapGet(expiryMap, String(at));
  if (old === undefined) return expiryMap;
  const left = mapRemove(old, key);
  return left.size === 0 ? mapRemove(expiryMap, String(at)) : mapSet(expiryMap, String(at), left);
}

export function expiryRemove(q: ExpiryQueue, id: number): ExpiryQueue {
  const key = String(id);
  const prev = mapGet(q.elemMap, key);
  if (prev === undefined) return q;
  return withMaps(q, mapRemove(q.elemMap, key), removeFromBucket(q.expiryMap, prev, key), q.nextExpirationUs);
}

/** ExpiryQueue.poll: the bucket due at nextExpirationTime, if now has reached it. Ids in bucket order. */
export function expiryPoll(q: ExpiryQueue, nowUs: number): { readonly queue: ExpiryQueue; readonly expired: readonly number[] } {
  if (nowUs < q.nextExpirationUs) return { queue: q, expired: [] };
  const at = q.nextExpirationUs;
  const bucket = mapGet(q.expiryMap, String(at));
  const nextExpirationUs = at + q.intervalUs;
  if (bucket === undefined) return { queue: withMaps(q, q.elemMap, q.expiryMap, nextExpirationUs), expired: [] };
  const ids = mapEntries(bucket)
    .map(([, id]) => id)
    .sort((a, b) => a - b);
  let elemMap = q.elemMap;
  for (const id of ids) elemMap = mapRemove(elemMap, String(id));
  return { queue: withMaps(q, elemMap, mapRemove(q.expiryMap, String(at)), nextExpirationUs), expired: ids };
}

/** Time until the next bucket is due (ExpiryQueue.getWaitTime), never negative. */
export function expiryWaitUs(q: ExpiryQueue, nowUs: number): number {
  return Math.max(0, q.nextExpirationUs - nowUs);
}
