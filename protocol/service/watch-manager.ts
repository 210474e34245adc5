// A server's two WatchManagers (dataWatches for getData/exists, childWatches for getChildren), keyed
// by path, holding the client connections that registered, each with its WatcherMode (STANDARD,
// PERSISTENT, PERSISTENT_RECURSIVE; only the non-standard ones are stored, as WatcherModeManager
// does). Standard watches are one-shot: a trigger removes them; persistent ones stay until removed.
// Not replicated: each server has its own tables, dropped with the connection.
import type { NodeId } from '../program.js';
import type { Acl, WatchTrigger } from '../tree/index.js';
import { emptyMap, mapEntries, mapGet, mapRemove, mapSet, type PersistentMap } from '../tree/hamt.js';

export type WatchKind = 'data' | 'child';

/** WatcherMode: a standard watch fires once; a persistent one until removed; a recursive one also for descendants. */
export type WatcherMode = 'STANDARD' | 'PERSISTENT' | 'PERSISTENT_RECURSIVE';

export interface WatchTable {
  readonly data: PersistentMap<readonly NodeId[]>;
  readonly child: PersistentMap<readonly NodeId[]>;
  /** String(client) → "d:path" | "c:path" → true: what to drop when the connection goes. */
  readonly byClient: PersistentMap<PersistentMap<true>>;
  /** "d:path client" | "c:path client" → a mode other than STANDARD (WatcherModeManager.watcherModes). */
  readonly modes: PersistentMap<WatcherMode>;
  /** How many recursive watches each table holds (WatcherModeManager.recursiveQty): 0 means triggers look at the path only. */
  readonly recursiveData: number;
  readonly recursiveChild: number;
}

export const EMPTY_WATCHES: WatchTable = Object.freeze({
  data: emptyMap<readonly NodeId[]>(),
  child: emptyMap<readonly NodeId[]>(),
  byClient: emptyMap<PersistentMap<true>>(),
  modes: emptyMap<WatcherMode>(),
  recursiveData: 0,
  recursiveChild: 0,
});

function tag(kind: WatchKind, path: string): string {
  return `${kind === 'data' ? 'd' : 'c'}:${path}`;
}

function modeKey(kind: WatchKind, path: string, client: NodeId): string {
  return `${tag(kind, path)} ${client}`;
}

function recursiveQty(w: WatchTable, kind: WatchKind): number {
  return kind === 'data' ? w.recursiveData : w.recursiveChild;
}

/** WatcherModeManager.getWatcherMode: STANDARD unless set otherwise. */
export function watcherModeOf(w: WatchTable, kind: WatchKind, path: string, client: NodeId): WatcherMode {
  return w.modes.size === 0 ? 'STANDARD' : (mapGet(w.modes, modeKey(kind, path, client)) ?? 'STANDARD');
}

/** The table with `kind`'s map, byClient and the modes replaced: a literal (a spread with a computed key costs far more in V8 11). */
function withTable(
  w: WatchTable,
  kind: WatchKind,
  map: PersistentMap<readonly NodeId[]>,
  byClient: PersistentMap<PersistentMap<true>>,
  modes: PersistentMap<WatcherMode>,
  recursiveDelta: number,
): WatchTable {
  return {
    data: kind === 'data' ? map : w.data,
    child: kind === 'child' ? map : w.child,
    byClient,
    modes,
    recursiveData: kind === 'data' ? w.recursiveData + recursiveDelta : w.recursiveData,
    recursiveChild: kind === 'child' ? w.recursiveChild + recursiveDelta : w.recursiveChild,
  };
}

/**
 * WatchManager.addWatch(path, watcher, mode): registers `client` on `path` (a set: registering twice
 * fires once) and sets its mode there. As in 3.8's WatcherModeManager.setWatcherMode, the last
 * registration's mode wins: a getData watch on a path that holds a persistent watch of the same
 * connection makes it a standard, one-shot watch again.
 */
export function addWatch(w: WatchTable, kind: WatchKind, path: string, client: NodeId, mode: WatcherMode = 'STANDARD'): WatchTable {
  const table = w[kind];
  const list = mapGet(table, path) ?? [];
  const old = watcherModeOf(w, kind, path, client);
  const present = list.includes(client);
  if (present && old === mode) return w;
  const key = modeKey(kind, path, client);
  const modes = mode === 'STANDARD' ? (old === 'STANDARD' ? w.modes : mapRemove(w.modes, key)) : mapSet(w.modes, key, mode);
  const delta = (mode === 'PERSISTENT_RECURSIVE' ? 1 : 0) - (old === 'PERSISTENT_RECURSIVE' ? 1 : 0);
  if (present) return withTable(w, kind, table, w.byClient, modes, delta);
  const mine = mapGet(w.byClient, String(client)) ?? emptyMap<true>();
  return withTable(w, kind, mapSet(table, path, [...list, client]), mapSet(w.byClient, String(client), mapSet(mine, tag(kind, path), true)), modes, delta);
}

/** Whether `client` watches `path` in table `kind` (any mode). */
export function hasWatch(w: WatchTable, kind: WatchKind, path: string, client: NodeId): boolean {
  return (mapGet(w[kind], path) ?? []).includes(client);
}

/**
 * WatchManager.containsWatcher(path, watcher) as 3.8 has it: at the leaf "all watcher types match",
 * so it answers true when any connection watches exactly `path` in this table, or when `client`'s
 * own mode there is recursive (which implies the first). It does not look at ancestors' watches.
 */
export function containsWatcher(w: WatchTable, kind: WatchKind, path: string, client: NodeId): boolean {
  return (mapGet(w[kind], path) ?? []).length > 0 || watcherModeOf(w, kind, path, client) === 'PERSISTENT_RECURSIVE';
}

/** WatchManager.removeWatcher(path, watcher): drops `client`'s watch on `path` in `kind`, whatever its mode. */
export function removeWatcher(w: WatchTable, kind: WatchKind, path: string, client: NodeId): { readonly table: WatchTable; readonly removed: boolean } {
  const table = removeOne(w, kind, path, client);
  return { table, removed: table !== w };
}

function removeOne(w: WatchTable, kind: WatchKind, path: string, client: NodeId): WatchTable {
  const list = mapGet(w[kind], path);
  if (list === undefined || !list.includes(client)) return w;
  const left = list.filter((c) => c !== client);
  const mine = mapGet(w.byClient, String(client));
  const mineLeft = mine === undefined ? undefined : mapRemove(mine, tag(kind, path));
  const old = watcherModeOf(w, kind, path, client);
  return withTable(
    w,
    kind,
    left.length === 0 ? mapRemove(w[kind], path) : mapSet(w[kind], path, left),
    mineLeft === undefined || mineLeft.size === 0 ? mapRemove(w.byClient, String(client)) : mapSet(w.byClient, String(client), mineLeft),
    old === 'STANDARD' ? w.modes : mapRemove(w.modes, modeKey(kind, path, client)),
    old === 'PERSISTENT_RECURSIVE' ? -1 : 0,
  );
}

/** The connection closed: every watch it held is gone. O(its watches). */
export function removeClientWatches(w: WatchTable, client: NodeId): WatchTable {
  const mine = mapGet(w.byClient, String(client));
  if (mine === undefined) return w;
  let next = w;
  for (const [key] of mapEntries(mine)) next = removeOne(next, key.startsWith('d:') ? 'data' : 'child', key.slice(2), client);
  return next;
}

/** PathParentIterator.forAll: the path, then each ancestor up to "/". */
function pathAndAncestors(path: string): string[] {
  const out = [path];
  let p = path;
  while (p !== '/') {
    const cut = p.lastIndexOf('/');
    p = cut <= 0 ? '/' : p.slice(0, cut);
    out.push(p);
  }
  return out;
}

/**
 * WatchManager.triggerWatch for one trigger: the connections it notifies (each once, however many
 * of its watches match) and the table with the standard watches it used up removed. A recursive
 * watch on the path or an ancestor matches every event but NodeChildrenChanged; a standard or
 * persistent one only on the path itself. Ancestors are looked at only while the table holds a
 * recursive watch (getPathParentIterator), so without one a trigger costs one lookup.
 */
function triggerOne(w: WatchTable, trigger: WatchTrigger): { readonly table: WatchTable; readonly watchers: readonly NodeId[] } {
  const kind = trigger.watches;
  let table = w;
  const watchers: NodeId[] = [];
  const paths = recursiveQty(w, kind) === 0 ? [trigger.path] : pathAndAncestors(trigger.path);
  for (let i = 0; i < paths.length; i++) {
    const localPath = paths[i] as string;
    const list = mapGet(w[kind], localPath);
    if (list === undefined) continue;
    for (const client of list) {
      const mode = watcherModeOf(w, kind, localPath, client);
      if (mode === 'PERSISTENT_RECURSIVE') {
        if (trigger.type !== 'NodeChildrenChanged' && !watchers.includes(client)) watchers.push(client);
      } else if (i === 0) {
        if (!watchers.includes(client)) watchers.push(client);
        if (mode === 'STANDARD') table = removeOne(table, kind, localPath, client);
      }
    }
  }
  return { table, watchers };
}

/**
 * Fires the triggers of one applied txn, in DataTree order. Returns the (client, event) deliveries
 * in order. For a NodeDeleted the child watchers already notified by the data trigger of the same
 * path are skipped (WatchManager.triggerWatch(path, type, supress)).
 */
export function triggerWatches(
  w: WatchTable,
  triggers: readonly WatchTrigger[],
  canRead: (client: NodeId, acl: readonly Acl[]) => boolean = () => true,
): { readonly table: WatchTable; readonly deliveries: readonly { readonly client: NodeId; readonly trigger: WatchTrigger }[] } {
  let table = w;
  const deliveries: { client: NodeId; trigger: WatchTrigger }[] = [];
  let lastDeleted: { path: string; clients: readonly NodeId[] } | null = null;
  for (const trigger of triggers) {
    const fired = triggerOne(table, trigger);
    table = fired.table;
    const suppress =
      trigger.type === 'NodeDeleted' && trigger.watches === 'child' && lastDeleted !== null && lastDeleted.path === trigger.path ? lastDeleted.clients : [];
    for (const client of fired.watchers) {
      // Consumed either way; delivered only to a connection allowed to READ the node as the txn applied
      // (ZOOKEEPER-4799: DataTree passes the node's ACL, the parent's for NodeChildrenChanged, to
      // WatchManager.triggerWatch; NIOServerCnxn.process runs checkACL). sim/checkers/watch-acl.ts judges it.
      if (!suppress.includes(client) && canRead(client, trigger.acl)) deliveries.push({ client, trigger });
    }
    if (trigger.type === 'NodeDeleted' && trigger.watches === 'data') lastDeleted = { path: trigger.path, clients: fired.watchers };
  }
  return { table, deliveries };
}
