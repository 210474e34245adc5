// ZooKeeper 3.8's watch requests beyond the reads' watch flag: addWatch (persistent and
// persistent-recursive watches), checkWatches and removeWatches, and setWatches/setWatches2 (a
// reconnecting client re-registers its watches). FinalRequestProcessor serves them like reads, in
// the session's order, on the server the client is connected to; none is a txn. Their wire shapes
// are in watch-request-types.ts.
import type { Fx } from '../zab/effects.js';
import { getNode, type DataTree } from '../tree/index.js';
import type { Zxid } from '../zxid.js';
import type { WatcherType, ZkWatchRequest } from './watch-request-types.js';
import type { ZkConnection } from './state.js';
import { addWatch, containsWatcher, removeWatcher, type WatchKind, type WatchTable } from './watch-manager.js';

/** The tables a WatcherType names (DataTree.containsWatcher / removeWatch: Any is both). */
function kindsOf(type: WatcherType): readonly WatchKind[] {
  return type === 'Children' ? ['child'] : type === 'Data' ? ['data'] : ['child', 'data'];
}

/**
 * FinalRequestProcessor for a watch request: the reply's error code (OK or NOWATCHER) and the
 * watch table after it. No ACL is checked and the node need not exist (addWatch on an absent path
 * is fine: it fires NodeCreated later).
 */
export function serveWatchRequest(
  tree: DataTree,
  watches: WatchTable,
  conn: ZkConnection,
  request: ZkWatchRequest,
  fx: Fx,
): { readonly err: 'OK' | 'NOWATCHER'; readonly watches: WatchTable } {
  const client = conn.client;
  switch (request.type) {
    case 'addWatch':
      // DataTree.addWatch: the watch goes into both tables, with the mode.
      return { err: 'OK', watches: addWatch(addWatch(watches, 'data', request.path, client, request.mode), 'child', request.path, client, request.mode) };
    case 'checkWatches': {
      // checkWatches only checks: the server keeps the watch (the client drops its own watcher).
      const found = kindsOf(request.watcherType).some((k) => containsWatcher(watches, k, request.path, client));
      return { err: found ? 'OK' : 'NOWATCHER', watches };
    }
    case 'removeWatches': {
      let w = watches;
      let removed = false;
      for (const k of kindsOf(request.watcherType)) {
        const r = removeWatcher(w, k, request.path, client);
        w = r.table;
        removed = removed || r.removed;
      }
      return { err: removed ? 'OK' : 'NOWATCHER', watches: w };
    }
    case 'setWatches':
    case 'setWatches2':
      return { err: 'OK', watches: setWatches(tree, watches, conn, request, fx) };
  }
}

/**
 * The zxid a setWatches event carries: none. An event fired by a txn carries that txn's zxid (the
 * simulator's record, for the checkers: ZooKeeper 3.8 sends every notification with header zxid -1),
 * but DataTree.setWatches fires on what it finds in the tree, a change made at some zxid above the
 * client's relativeZxid that it does not name (a NodeDataChanged's mzxid is the node's latest data
 * change, not necessarily the first one the watch missed; a NodeCreated's czxid may be a creation
 * after deletions; a NodeDeleted names no zxid at all). So the event records ZooKeeper's own -1,
 * which the history keeps and the checkers read as "no txn named".
 */
export const SET_WATCHES_EVENT_ZXID: Zxid = -1;

/**
 * DataTree.setWatches: fire at once what the client missed on its standard watches, register the
 * rest; persistent and recursive watches are registered again without a look at what changed
 * meanwhile, so their events during the disconnection are lost, as in ZooKeeper.
 */
function setWatches(
  tree: DataTree,
  watches: WatchTable,
  conn: ZkConnection,
  request: Extract<ZkWatchRequest, { type: 'setWatches' | 'setWatches2' }>,
  fx: Fx,
): WatchTable {
  let w = watches;
  const send = (type: 'NodeCreated' | 'NodeDeleted' | 'NodeDataChanged' | 'NodeChildrenChanged', path: string): void =>
    fx.send(conn.client, { type: 'WATCHER_EVENT', event: { type, path, zxid: SET_WATCHES_EVENT_ZXID } });
  for (const path of request.dataWatches) {
    const node = getNode(tree, path);
    if (node === undefined) send('NodeDeleted', path);
    else if (node.mzxid > request.relativeZxid) send('NodeDataChanged', path);
    else w = addWatch(w, 'data', path, conn.client);
  }
  for (const path of request.existWatches) {
    if (getNode(tree, path) !== undefined) send('NodeCreated', path);
    else w = addWatch(w, 'data', path, conn.client);
  }
  for (const path of request.childWatches) {
    const node = getNode(tree, path);
    if (node === undefined) send('NodeDeleted', path);
    else if (node.pzxid > request.relativeZxid) send('NodeChildrenChanged', path);
    else w = addWatch(w, 'child', path, conn.client);
  }
  if (request.type === 'setWatches2') {
    for (const path of request.persistentWatches) w = addWatch(addWatch(w, 'child', path, conn.client, 'PERSISTENT'), 'data', path, conn.client, 'PERSISTENT');
    for (const path of request.persistentRecursiveWatches)
      w = addWatch(addWatch(w, 'child', path, conn.client, 'PERSISTENT_RECURSIVE'), 'data', path, conn.client, 'PERSISTENT_RECURSIVE');
  }
  return w;
}
