// FinalRequestProcessor for getAllChildrenNumber, getEphemerals, whoAmI and multiRead: they read the
// local committed tree (or the connection's auth ids) and register no watch.
import type { Zxid } from '../zxid.js';
import { getAllChildrenNumber, getChildren, getData, getEphemerals, javaStringHashCode, type DataTree, type Id } from '../tree/index.js';
import type { ZkConnection } from './state.js';
import type { ClientInfo, ReadOp, ReadOpResult, ZkQueryRequest } from './query-types.js';
import type { ZkReply } from './types.js';

/** The reply to one of the 3.6 reads, served from `tree` for the connection `conn`. */
export function serveQuery(tree: DataTree, conn: ZkConnection, xid: number, request: ZkQueryRequest): ZkReply {
  const zxid: Zxid = tree.lastProcessedZxid;
  switch (request.type) {
    case 'getAllChildrenNumber': {
      const r = getAllChildrenNumber(tree, request.path, conn.authIds);
      if (!r.ok) return { xid, zxid, err: r.err, response: null };
      return { xid, zxid, err: 'OK', response: { type: 'getAllChildrenNumber', totalNumber: r.value } };
    }
    case 'getEphemerals':
      return { xid, zxid, err: 'OK', response: { type: 'getEphemerals', ephemerals: getEphemerals(tree, conn.sessionId, request.path) } };
    case 'whoAmI':
      return { xid, zxid, err: 'OK', response: { type: 'whoAmI', clientInfo: clientInfos(conn.authIds) } };
    case 'multiRead':
      // The header's err stays 0; each op that fails becomes an ErrorResult (KeeperException caught per op).
      return { xid, zxid, err: 'OK', response: { type: 'multiRead', results: request.ops.map((op) => readOp(tree, conn, op)) } };
  }
}

/** handleGetDataRequest / handleGetChildrenRequest without a watch: NONODE, then READ. */
function readOp(tree: DataTree, conn: ZkConnection, op: ReadOp): ReadOpResult {
  if (op.type === 'getData') {
    const r = getData(tree, op.path, conn.authIds);
    return r.ok ? { type: 'getData', data: r.value.data, stat: r.value.stat } : { type: 'error', err: r.err };
  }
  const r = getChildren(tree, op.path, conn.authIds);
  return r.ok ? { type: 'getChildren', children: r.value.children } : { type: 'error', err: r.err };
}

/**
 * AuthUtil.getClientInfos over the connection's authInfo. ServerCnxn keeps it in a
 * ConcurrentHashMap-backed set, so the list comes in that map's iteration order: table bin
 * ascending (the jute Id.hashCode, spread as ConcurrentHashMap.spread does), insertion order within a
 * bin. The table has 16 bins until the 12th id, then doubles; past that, an id order inside one bin
 * may differ from Java's (its transfer can reverse part of a bin), which no realistic connection reaches.
 * The user is the provider's getUserName: the digest id's part before ':', the ip address itself,
 * and "" for `super`, which has no provider (ProviderRegistry.getProvider returns null).
 */
export function clientInfos(authIds: readonly Id[]): ClientInfo[] {
  let bins = 16;
  while (authIds.length >= (bins * 3) / 4) bins *= 2;
  const indexed = authIds.map((id, at) => ({ id, at, bin: chmSpread(idHashCode(id)) & (bins - 1) }));
  indexed.sort((a, b) => a.bin - b.bin || a.at - b.at);
  return indexed.map(({ id }) => ({ authScheme: id.scheme, user: userName(id) }));
}

/** The jute-generated Id.hashCode: 37 × (37 × 17 + scheme.hashCode()) + id.hashCode(), as Java ints. */
export function idHashCode(id: Id): number {
  const first = (Math.imul(37, 17) + javaStringHashCode(id.scheme)) | 0;
  return (Math.imul(37, first) + javaStringHashCode(id.id)) | 0;
}

/** ConcurrentHashMap.spread: (h ^ (h >>> 16)) & HASH_BITS. */
function chmSpread(h: number): number {
  return (h ^ (h >>> 16)) & 0x7fffffff;
}

function userName(id: Id): string {
  if (id.scheme === 'digest') return id.id.split(':')[0] ?? '';
  if (id.scheme === 'ip') return id.id;
  return '';
}
