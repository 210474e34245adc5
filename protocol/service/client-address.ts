// The address a server sees a simulated client connect from. Both sides need it: the server puts
// `ip:<address>` in every new connection's authInfo (NIOServerCnxn's and NettyServerCnxn's
// constructors call addAuthInfo(new Id("ip", addr.getHostAddress()))), and the client checks that its
// whoAmI reply names that id (reply-shape.ts).
import type { NodeId } from '../program.js';

/**
 * The address a server sees a client connect from. Each simulated client gets its own loopback
 * address from its node id, 127.x.y.z with x.y.z the id's low 24 bits, so ip ACLs can tell clients
 * apart; `ip:127.0.0.0/8` matches every client.
 */
export function clientAddress(client: NodeId): string {
  return `127.${(client >>> 16) & 255}.${(client >>> 8) & 255}.${client & 255}`;
}
