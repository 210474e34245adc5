// FinalRequestProcessor for the requests that read the local tree (getData, exists, getChildren,
// getACL, ping, a leader's own sync; the watch requests of watch-requests.ts): the reply with the tree's last zxid,
// and the watches a successful read registers.
import type { Zxid } from '../zxid.js';
import type { Fx } from '../zab/effects.js';
import type { ZabServer } from '../zab/node-view.js';
import { exists as treeExists, getACL as treeGetACL, getChildren as treeGetChildren, getData as treeGetData, type DataTree } from '../tree/index.js';
import type { ZkConnection } from './state.js';
import { XID, type ZkReply, type ZkRequest } from './types.js';
import { addWatch, type WatchTable } from './watch-manager.js';
import { serveWatchRequest } from './watch-requests.js';
import { serveQuery } from './serve-query.js';

export function fail(xid: number, zxid: Zxid, err: ZkReply['err']): ZkReply {
  return { xid, zxid, err, response: null };
}

/** FinalRequestProcessor for the requests that read the local tree. Watches register only on success (exists: also on NONODE). */
export function serveRead(
  s: ZabServer,
  watches: WatchTable,
  conn: ZkConnection,
  xid: number,
  request: ZkRequest,
  fx: Fx,
): { reply: ZkReply; watches: WatchTable } {
  const tree = s.state as DataTree;
  const zxid = tree.lastProcessedZxid;
  const ids = conn.authIds;
  switch (request.type) {
    case 'getData': {
      const r = treeGetData(tree, request.path, ids);
      if (!r.ok) return { reply: fail(xid, zxid, r.err), watches };
      const w = request.watch ? addWatch(watches, 'data', request.path, conn.client) : watches;
      return { reply: { xid, zxid, err: 'OK', response: { type: 'getData', data: r.value.data, stat: r.value.stat } }, watches: w };
    }
    case 'exists': {
      const r = treeExists(tree, request.path, ids, s.config.serverRelease === '3.8.4');
      const registers = r.ok || r.err === 'NONODE';
      const w = request.watch && registers ? addWatch(watches, 'data', request.path, conn.client) : watches;
      if (!r.ok) return { reply: fail(xid, zxid, r.err), watches: w };
      return { reply: { xid, zxid, err: 'OK', response: { type: 'exists', stat: r.value } }, watches: w };
    }
    case 'getChildren': {
      const r = treeGetChildren(tree, request.path, ids);
      if (!r.ok) return { reply: fail(xid, zxid, r.err), watches };
      const w = request.watch ? addWatch(watches, 'child', request.path, conn.client) : watches;
      return { reply: { xid, zxid, err: 'OK', response: { type: 'getChildren', children: r.value.children, stat: r.value.stat } }, watches: w };
    }
    case 'getACL': {
      const r = treeGetACL(tree, request.path, ids);
      if (!r.ok) return { reply: fail(xid, zxid, r.err), watches };
      return { reply: { xid, zxid, err: 'OK', response: { type: 'getACL', acl: r.value.acl, stat: r.value.stat } }, watches };
    }
    case 'ping':
      return { reply: { xid: XID.PING, zxid, err: 'OK', response: null }, watches };
    case 'sync':
      // Only the leader serves a sync as a read (onZkRequest); FinalRequestProcessor answers SyncResponse(path).
      return { reply: { xid, zxid, err: 'OK', response: { type: 'sync', path: request.path } }, watches };
    case 'setWatches':
    case 'setWatches2':
    case 'addWatch':
    case 'checkWatches':
    case 'removeWatches': {
      const served = serveWatchRequest(tree, watches, conn, request, fx);
      const replyXid = request.type === 'setWatches' || request.type === 'setWatches2' ? XID.SET_WATCHES : xid;
      return { reply: { xid: replyXid, zxid, err: served.err, response: null }, watches: served.watches };
    }
    case 'getAllChildrenNumber':
    case 'getEphemerals':
    case 'whoAmI':
    case 'multiRead':
      return { reply: serveQuery(tree, conn, xid, request), watches };
    default:
      return { reply: fail(xid, zxid, 'UNIMPLEMENTED'), watches };
  }
}
