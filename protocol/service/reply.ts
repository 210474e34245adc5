// FinalRequestProcessor's reply to a write once its txn is applied: the response record each OpCode
// answers with (CreateResponse or Create2Response, SetDataResponse, MultiResponse, ...).
import type { Zxid } from '../zxid.js';
import type { OpResult, TxnResult } from '../tree/index.js';
import type { ZkOpResult, ZkReply, ZkRequest } from './types.js';

/** FinalRequestProcessor's response for an applied write; `request` is the one the client sent. */
export function replyOf(xid: number, zxid: Zxid, result: TxnResult, request: ZkRequest): ZkReply {
  switch (result.type) {
    case 'create':
      // OpCode.create answers CreateResponse(path); create2 answers Create2Response(path, stat).
      return {
        xid,
        zxid,
        err: 'OK',
        response:
          request.type === 'create' && request.stat === true ? { type: 'create', path: result.path, stat: result.stat } : { type: 'create', path: result.path },
      };
    case 'delete':
      return { xid, zxid, err: 'OK', response: { type: 'delete' } };
    case 'setData':
      return { xid, zxid, err: 'OK', response: { type: 'setData', stat: result.stat } };
    case 'setACL':
      return { xid, zxid, err: 'OK', response: { type: 'setACL', stat: result.stat } };
    case 'check':
      return { xid, zxid, err: 'OK', response: { type: 'check' } };
    case 'error':
      return { xid, zxid, err: result.err, response: null };
    case 'multi':
      // FinalRequestProcessor.processRequest does not throw a multi's KeeperException (`ke != null &&
      // request.type != OpCode.multi`): the header's err stays 0 and the failure is in the ErrorResults.
      // Each sub-op is a plain create, delete, setData or check (a create2 is read back as Op.create),
      // so a create's result is CreateResult(path), without a Stat.
      return { xid, zxid, err: 'OK', response: { type: 'multi', results: result.results.map(multiSubResult) } };
    case 'closeSession':
      return { xid, zxid, err: 'OK', response: { type: 'closeSession' } };
    case 'createSession':
      return { xid, zxid, err: 'OK', response: { type: 'empty' } };
  }
}

function multiSubResult(r: OpResult): ZkOpResult {
  return r.type === 'create' ? { type: 'create', path: r.path } : r;
}
