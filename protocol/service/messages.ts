// The ZooKeeper client protocol on the wire (ConnectRequest/Response, requests, replies, watch
// events) and the two quorum packets the ZooKeeper service adds to Zab's (Leader.REVALIDATE and
// Leader.SYNC). They join Zab's open message unions by interface merging, so protocol/zab routes
// them without importing this file; `describeZkPacket` renders them for traces.
import type { NodeId } from '../program.js';
import { formatZxid, type Zxid } from '../zxid.js';
import type { ZkReply, ZkRequest, ZkWatchedEvent } from './types.js';

export type ZkClientPacket =
  /** ZooKeeper's ConnectRequest: sessionId 0 asks for a new session. */
  | { readonly type: 'CONNECT_REQUEST'; readonly sessionId: number; readonly timeoutMs: number; readonly lastZxidSeen: Zxid }
  /** ConnectResponse: timeoutMs 0 means the session is expired (or unknown). */
  | { readonly type: 'CONNECT_RESPONSE'; readonly sessionId: number; readonly timeoutMs: number }
  /** RequestHeader (xid) + request, on an established session. */
  | { readonly type: 'ZK_REQUEST'; readonly xid: number; readonly request: ZkRequest }
  | { readonly type: 'ZK_REPLY'; readonly reply: ZkReply }
  /** A WatcherEvent (xid -1), on the same connection as the replies. */
  | { readonly type: 'WATCHER_EVENT'; readonly event: ZkWatchedEvent };

export type ZkQuorumPacket =
  /** Learner → leader (valid null): a client reattached here; leader → learner: whether it may. */
  | { readonly type: 'REVALIDATE'; readonly client: NodeId; readonly sessionId: number; readonly timeoutMs: number; readonly valid: boolean | null }
  /** Leader → learner: the client's sync is done once everything before this packet is applied. */
  | { readonly type: 'SYNC'; readonly client: NodeId; readonly xid: number };

/** The session touches a learner's PING carries (id, timeout ms): LearnerSessionTracker's snapshot. */
export type ZkTouches = readonly (readonly [number, number])[];

declare module '../zab/messages.js' {
  interface AppPackets {
    zookeeper: ZkClientPacket;
  }
  interface AppQuorumPackets {
    zookeeper: ZkQuorumPacket;
  }
}

export const ZK_QUORUM_PACKETS: ReadonlySet<string> = new Set(['REVALIDATE', 'SYNC']);

/** One line for a ZooKeeper packet, or null when `msg` is none. */
export function describeZkPacket(msg: { readonly type: string }): string | null {
  const m = msg as ZkClientPacket | ZkQuorumPacket;
  switch (m.type) {
    case 'REVALIDATE':
      return `REVALIDATE client=${m.client} session=0x${m.sessionId.toString(16)}${m.valid === null ? '' : ` valid=${m.valid}`}`;
    case 'SYNC':
      return `SYNC client=${m.client} xid=${m.xid}`;
    case 'CONNECT_REQUEST':
      return `CONNECT_REQUEST session=0x${m.sessionId.toString(16)} timeout=${m.timeoutMs} lastZxidSeen=${formatZxid(m.lastZxidSeen)}`;
    case 'CONNECT_RESPONSE':
      return `CONNECT_RESPONSE session=0x${m.sessionId.toString(16)} timeout=${m.timeoutMs}`;
    case 'ZK_REQUEST':
      return `ZK_REQUEST xid=${m.xid} ${m.request.type}${'path' in m.request ? ` ${m.request.path}` : ''}`;
    case 'ZK_REPLY':
      return `ZK_REPLY xid=${m.reply.xid} ${m.reply.err} zxid=${formatZxid(m.reply.zxid)}`;
    case 'WATCHER_EVENT':
      return `WATCHER_EVENT ${m.event.type} ${m.event.path}`;
    default:
      return null;
  }
}
