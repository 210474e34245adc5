// What a reply may carry for the request it answers, checked by the client as it pops the request
// (TigerBeetle-style: each holds in every execution of ZooKeeper, so a reply that breaks one is a bug
// of the simulated server, never a fault of the run).
//
// * The response record. FinalRequestProcessor.processRequest picks the response by the request's
//   opcode (CreateResponse for create, GetDataResponse for getData, MultiResponse for multi, ...) and
//   sends the header alone on an error; ClientCnxn.SendThread.readResponse deserializes the body into
//   the record the packet was built with for that same opcode. So a body is absent or of the request's
//   own type, and each result of a multi or multiRead is an ErrorResult or the result of its own op.
// * whoAmI's ids. ZooKeeperServer.processPacket adds an auth packet's ids to the connection when it
//   arrives (DigestAuthenticationProvider.handleAuthentication accepts every "user:password"), and
//   ClientCnxn.SendThread.primeConnection sends every auth packet the handle holds before any queued
//   request. So a whoAmI reply (AuthUtil.getClientInfos) names the user of every digest auth the
//   handle was given before the call. It also names the connection's ip id, user = the client's own
//   address, and no other ip id: NIOServerCnxn's (and NettyServerCnxn's) constructor adds
//   Id("ip", remote address) to authInfo on accept, authInfo is a set that is never shrunk, an "ip" auth
//   packet adds that same address again (IPAuthenticationProvider.handleAuthentication), and
//   AuthUtil.getUser takes the user from AuthenticationProvider.getUserName, whose default (kept by
//   IPAuthenticationProvider) is the id itself.
import type { NodeId } from '../program.js';
import { clientAddress } from '../service/client-address.js';
import type { ZkReply, ZkRequest } from '../service/types.js';

/** Why `reply` cannot answer `request` in any ZooKeeper execution, or null when it can. */
export function replyShapeError(request: ZkRequest, reply: ZkReply): string | null {
  const r = reply.response;
  if (r === null) return null;
  if (r.type !== request.type) return `a ${request.type} request answered with a ${r.type} response`;
  if (r.type === 'multi' && request.type === 'multi') {
    for (let i = 0; i < r.results.length; i++) {
      const got = r.results[i]?.type;
      const op = request.ops[i]?.type;
      if (got !== 'error' && got !== op) return `op ${i} of a multi (${op}) answered with a ${got} result`;
    }
  }
  if (r.type === 'multiRead' && request.type === 'multiRead') {
    for (let i = 0; i < r.results.length; i++) {
      const got = r.results[i]?.type;
      const op = request.ops[i]?.type;
      if (got !== 'error' && got !== op) return `op ${i} of a multiRead (${op}) answered with a ${got} result`;
    }
  }
  return null;
}

/**
 * Why a whoAmI reply cannot follow the handle's first `authCount` auth entries, or null, for client
 * `client`. Digest entries of the form "user:password" are checked, and the connection's own ip id
 * (exactly one ip entry, naming the client's address); other schemes' ids are the server's to name.
 */
export function whoAmIError(
  reply: ZkReply,
  auth: readonly { readonly scheme: string; readonly auth: string }[],
  authCount: number,
  client: NodeId,
): string | null {
  const r = reply.response;
  if (r === null || r.type !== 'whoAmI') return null;
  const address = clientAddress(client);
  const ips = r.clientInfo.filter((info) => info.authScheme === 'ip');
  if (ips.length !== 1 || ips[0]?.user !== address) {
    return `whoAmI names ip ids ${JSON.stringify(ips.map((info) => info.user))}, not just the connection's own ${JSON.stringify(address)}`;
  }
  for (let i = 0; i < authCount && i < auth.length; i++) {
    const a = auth[i] as { scheme: string; auth: string };
    const colon = a.auth.indexOf(':');
    if (a.scheme !== 'digest' || colon < 0) continue;
    const user = a.auth.slice(0, colon);
    if (!r.clientInfo.some((info) => info.authScheme === 'digest' && info.user === user)) {
      return `whoAmI does not name digest user ${JSON.stringify(user)}, authenticated before the call`;
    }
  }
  return null;
}
