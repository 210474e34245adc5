// The two forms of a recorded fault history that the issue asks to check: as recorded ("with zxids":
// reply-header zxids as `zxid`/`readZxid`, Stat mzxids as `result.mzxid`), and with every zxid-like field
// removed ("without zxids"), which is what a client that exposes no reply header and no Stat would give.
// Watch events keep `zxid: -1`: ZooKeeper 3.8 sends -1 in a notification's header (no txn named), and
// the format requires an integer there. ephemeralOwner is a session, not a zxid, and stays.
import type { ZkHistory, ZkHistoryOp, ZkResult } from '../../sim/history/types.js';

function stripResult(r: ZkResult): ZkResult {
  const { mzxid: _mzxid, results, ...rest } = r;
  return results === undefined ? rest : { ...rest, results: results.map(stripResult) };
}

function stripOp(o: ZkHistoryOp): ZkHistoryOp {
  const { readZxid: _readZxid, ...rest } = o;
  return { ...rest, zxid: null, result: o.result === null ? null : stripResult(o.result) };
}

export function withoutZxids(history: ZkHistory): ZkHistory {
  const events = history.events?.map((e) => {
    if (e.kind !== 'session' || e.zxid === undefined) return e;
    const { zxid: _zxid, ...rest } = e;
    return rest;
  });
  const header = { ...history.header, zxids: 'none' };
  return events === undefined ? { header, ops: history.ops.map(stripOp) } : { header, ops: history.ops.map(stripOp), events };
}
