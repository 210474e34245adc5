// The Stat a create2 reply carries (Create2Response): ZooKeeper fills it in DataTree.createNode from
// the node it has just made (StatPersisted from DataTree.createStat, copied before any later txn), so
// it is fixed by the create alone: czxid = mzxid = pzxid = the create's zxid, version, cversion and
// aversion 0, no children, dataLength the UTF-8 length of the data sent, and ephemeralOwner the
// session for an ephemeral mode, 0 for a persistent one (container and TTL owners are special values;
// their mode is not judged here). Each rule holds in every execution that could have produced the
// reply, so a reply that breaks one is a violation, and the rules judge nothing else.
import { utf8Length } from '../../protocol/tree/index.js';
import type { ZkHistory, ZkHistoryOp } from '../history/types.js';
import { violated, type ClientCheckResult } from './client-common.js';

/** What is wrong with this op's create2 Stat, or null (also for ops that carry none). */
export function createStatFlaw(o: ZkHistoryOp): string | null {
  const stat = o.result?.stat;
  if (o.op.type !== 'create' || o.outcome !== 'ok' || o.result?.rc !== 'ok' || stat === undefined) return null;
  if (stat.czxid !== stat.mzxid || stat.czxid !== stat.pzxid) return `czxid ${stat.czxid}, mzxid ${stat.mzxid} and pzxid ${stat.pzxid} differ`;
  if (o.zxid !== null && stat.czxid !== o.zxid) return `czxid ${stat.czxid}, but the reply's zxid is ${o.zxid}`;
  if (stat.version !== 0 || stat.cversion !== 0 || stat.aversion !== 0) return `versions ${stat.version}/${stat.cversion}/${stat.aversion}, not 0/0/0`;
  if (stat.numChildren !== 0) return `${stat.numChildren} children`;
  if (stat.dataLength !== utf8Length(o.op.data)) return `dataLength ${stat.dataLength} for ${utf8Length(o.op.data)} bytes sent`;
  const mode = o.op.mode;
  if ((mode === 'ephemeral' || mode === 'ephemeralSequential') && o.session !== null && stat.ephemeralOwner !== o.session) {
    return `ephemeralOwner ${stat.ephemeralOwner}, not its session ${o.session}`;
  }
  if ((mode === 'persistent' || mode === 'persistentSequential') && stat.ephemeralOwner !== 0)
    return `ephemeralOwner ${stat.ephemeralOwner} on a persistent node`;
  return null;
}

/** The first create2 whose Stat no execution gives, as a linearizable-writes violation; null if none. */
export function createStatsViolation(history: ZkHistory): ClientCheckResult | null {
  for (const o of history.ops) {
    const flaw = createStatFlaw(o);
    if (flaw !== null)
      return violated('linearizable-writes', `create #${o.id} of ${o.op.type === 'create' ? o.op.path : ''}: its create2 Stat is not the new node's: ${flaw}`, [
        o,
      ]);
  }
  return null;
}
