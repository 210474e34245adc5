// The client's watch registry (ZKWatchManager): the paths of its one-shot data, exist and child
// watches and of its persistent and persistent-recursive watches. A simulated client has one
// watcher (the default watcher every registration uses), so a registry is a set of paths per kind.
// Here: which watches an event uses up and whether any matched (materialize), the bookkeeping of
// addWatch (AddWatchRegistration) and removeWatches/removeAllWatches (WatchDeregistration), and the
// setWatches/setWatches2 packets a reconnect sends (ClientCnxn.SendThread.primeConnection).
import type { ErrorCode, WatchEventType } from '../tree/index.js';
import type { Zxid } from '../zxid.js';
import type { AddWatchMode, WatcherType, ZkWatchRequest } from '../service/watch-request-types.js';

export interface ZkWatchRegistry {
  readonly dataWatches: readonly string[];
  readonly existWatches: readonly string[];
  readonly childWatches: readonly string[];
  readonly persistentWatches: readonly string[];
  readonly persistentRecursiveWatches: readonly string[];
}

function without(list: readonly string[], path: string): readonly string[] {
  return list.includes(path) ? list.filter((p) => p !== path) : list;
}

function withPath(list: readonly string[], path: string): readonly string[] {
  return list.includes(path) ? list : [...list, path];
}

/** PathParentIterator.forAll: whether a recursive watch sits on `path` or an ancestor. */
function recursiveCovers(recursive: readonly string[], path: string): boolean {
  if (recursive.length === 0) return false;
  for (const base of recursive) {
    if (base === path || base === '/' || path.startsWith(`${base}/`)) return true;
  }
  return false;
}

/**
 * ZKWatchManager.materialize: the registry after the event (the one-shot watches it uses up) and
 * whether any watch matched, i.e. whether the application sees the event at all. Persistent
 * watches on the path and recursive ones on the path or an ancestor match every type, NodeChildrenChanged
 * included (addPersistentWatches); they stay.
 */
export function materialize(r: ZkWatchRegistry, type: WatchEventType, path: string): { readonly registry: ZkWatchRegistry; readonly delivered: boolean } {
  const persistent = r.persistentWatches.includes(path) || recursiveCovers(r.persistentRecursiveWatches, path);
  const data = type !== 'NodeChildrenChanged';
  const child = type === 'NodeChildrenChanged' || type === 'NodeDeleted';
  const oneShot = (data && (r.dataWatches.includes(path) || r.existWatches.includes(path))) || (child && r.childWatches.includes(path));
  if (!oneShot) return { registry: r, delivered: persistent };
  return {
    registry: {
      dataWatches: data ? without(r.dataWatches, path) : r.dataWatches,
      existWatches: data ? without(r.existWatches, path) : r.existWatches,
      childWatches: child ? without(r.childWatches, path) : r.childWatches,
      persistentWatches: r.persistentWatches,
      persistentRecursiveWatches: r.persistentRecursiveWatches,
    },
    delivered: true,
  };
}

/** AddWatchRegistration.register: on OK (or NONODE, which the server never answers) the path joins the mode's set. */
export function registerAddWatch(r: ZkWatchRegistry, path: string, mode: AddWatchMode, err: ErrorCode): ZkWatchRegistry {
  if (err !== 'OK' && err !== 'NONODE') return r;
  if (mode === 'PERSISTENT') return { ...r, persistentWatches: withPath(r.persistentWatches, path) };
  return { ...r, persistentRecursiveWatches: withPath(r.persistentRecursiveWatches, path) };
}

/** Which of the registry's sets a WatcherType looks in (containsWatcher) and removes from (removeWatcher). */
const LOOKS: Record<WatcherType, readonly (keyof ZkWatchRegistry)[]> = {
  Children: ['childWatches', 'persistentWatches', 'persistentRecursiveWatches'],
  Data: ['dataWatches', 'existWatches', 'persistentWatches', 'persistentRecursiveWatches'],
  Any: ['childWatches', 'dataWatches', 'existWatches', 'persistentWatches', 'persistentRecursiveWatches'],
};
const REMOVES: Record<WatcherType, readonly (keyof ZkWatchRegistry)[]> = {
  Children: ['childWatches'],
  Data: ['dataWatches', 'existWatches'],
  Any: ['childWatches', 'dataWatches', 'existWatches', 'persistentWatches', 'persistentRecursiveWatches'],
};

/**
 * WatchDeregistration.unregister(rc) → ZKWatchManager.removeWatcher, then ClientCnxn.finishPacket:
 * NOWATCHER when the client holds no watch of the type on the path (whatever the server said);
 * the server's error when it failed and `local` is false; otherwise the watches of the type are
 * removed here and the call succeeds, even on CONNECTIONLOSS when `local` is set. As in 3.8,
 * Children and Data look at persistent watches but remove only standard ones: removing a path that
 * holds only a persistent watch by one of those types fails with NOWATCHER on the client, after the
 * server (removeAllWatches) has dropped its side.
 */
export function deregister(
  r: ZkWatchRegistry,
  path: string,
  type: WatcherType,
  local: boolean,
  rc: ErrorCode,
): { readonly registry: ZkWatchRegistry; readonly err: ErrorCode } {
  if (!LOOKS[type].some((k) => r[k].includes(path))) return { registry: r, err: 'NOWATCHER' };
  if (!local && rc !== 'OK') return { registry: r, err: rc };
  let next = r;
  let removed = false;
  for (const k of REMOVES[type]) {
    if (!next[k].includes(path)) continue;
    next = { ...next, [k]: without(next[k], path) };
    removed = true;
  }
  return removed ? { registry: next, err: 'OK' } : { registry: r, err: 'NOWATCHER' };
}

/** ClientCnxn.SET_WATCHES_MAX_LENGTH: a setWatches packet carries about 128 kB of paths at most. */
export const SET_WATCHES_MAX_LENGTH = 128 * 1024;

/**
 * ClientCnxn.SendThread.primeConnection's setWatches packets, in wire order: the watches in batches
 * of about SET_WATCHES_MAX_LENGTH characters (data, exist, child, persistent, recursive), each a
 * SetWatches when it holds no persistent watch (for older servers) and a SetWatches2 otherwise.
 * Each batch is pushed to the front of the outgoing queue, so the last batch goes out first.
 */
export function setWatchesPackets(r: ZkWatchRegistry, relativeZxid: Zxid, maxLength = SET_WATCHES_MAX_LENGTH): ZkWatchRequest[] {
  const all: [keyof ZkWatchRegistry, string][] = [];
  for (const k of ['dataWatches', 'existWatches', 'childWatches', 'persistentWatches', 'persistentRecursiveWatches'] as const)
    for (const p of r[k]) all.push([k, p]);
  const packets: ZkWatchRequest[] = [];
  let i = 0;
  while (i < all.length) {
    const batch: Record<keyof ZkWatchRegistry, string[]> = {
      dataWatches: [],
      existWatches: [],
      childWatches: [],
      persistentWatches: [],
      persistentRecursiveWatches: [],
    };
    let length = 0;
    while (length < maxLength && i < all.length) {
      const [k, p] = all[i++] as [keyof ZkWatchRegistry, string];
      batch[k].push(p);
      length += p.length;
    }
    const { dataWatches, existWatches, childWatches, persistentWatches, persistentRecursiveWatches } = batch;
    packets.push(
      persistentWatches.length === 0 && persistentRecursiveWatches.length === 0
        ? { type: 'setWatches', relativeZxid, dataWatches, existWatches, childWatches }
        : { type: 'setWatches2', relativeZxid, dataWatches, existWatches, childWatches, persistentWatches, persistentRecursiveWatches },
    );
  }
  return packets.reverse();
}

export function hasWatches(r: ZkWatchRegistry): boolean {
  return r.dataWatches.length + r.existWatches.length + r.childWatches.length + r.persistentWatches.length + r.persistentRecursiveWatches.length > 0;
}
