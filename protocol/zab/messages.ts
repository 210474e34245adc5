// Messages on the wire, with ZooKeeper's names (QuorumPacket types, FLE notifications, and the
// client protocol). Each is plain data; `describeMessage` renders one line for traces.
import type { NodeId } from '../program.js';
import { formatZxid, type Zxid } from '../zxid.js';
import type { Txn } from './txn.js';
import type { ZkReply, ZkRequest, ZkWatchedEvent } from '../service/types.js';

export type ServerState = 'LOOKING' | 'FOLLOWING' | 'LEADING' | 'OBSERVING';

/** FastLeaderElection.Notification. `electionEpoch` is the sender's logicalclock (its round). */
export interface Notification {
  readonly type: 'NOTIFICATION';
  readonly leader: NodeId;
  readonly zxid: Zxid;
  readonly electionEpoch: number;
  readonly peerEpoch: number;
  readonly state: ServerState;
}

/** A snapshot handed over by SNAP: the state machine as of `zxid`, and how many txns it holds. */
export interface Snapshot {
  readonly zxid: Zxid;
  readonly count: number;
  readonly state: unknown;
}

export type QuorumPacket =
  | { readonly type: 'FOLLOWERINFO'; readonly acceptedEpoch: number }
  | { readonly type: 'OBSERVERINFO'; readonly acceptedEpoch: number }
  | { readonly type: 'LEADERINFO'; readonly newEpoch: number }
  /** `currentEpoch` is -1 when the learner had already accepted this epoch. */
  | { readonly type: 'ACKEPOCH'; readonly lastZxid: Zxid; readonly currentEpoch: number }
  | { readonly type: 'DIFF'; readonly zxid: Zxid }
  | { readonly type: 'TRUNC'; readonly zxid: Zxid }
  | { readonly type: 'SNAP'; readonly zxid: Zxid; readonly snapshot: Snapshot }
  | { readonly type: 'PROPOSAL'; readonly txn: Txn }
  | { readonly type: 'COMMIT'; readonly zxid: Zxid }
  | { readonly type: 'INFORM'; readonly txn: Txn }
  | { readonly type: 'NEWLEADER'; readonly zxid: Zxid }
  | { readonly type: 'UPTODATE' }
  | { readonly type: 'ACK'; readonly zxid: Zxid }
  /** Learner → leader PING replies carry the session touches seen since the last one (id, timeout ms). */
  | { readonly type: 'PING'; readonly zxid: Zxid; readonly touches?: readonly (readonly [number, number])[] }
  /** Learner → leader (valid null): a client reattached here; leader → learner: whether it may. */
  | { readonly type: 'REVALIDATE'; readonly client: NodeId; readonly sessionId: number; readonly timeoutMs: number; readonly valid: boolean | null }
  /** Leader → learner: the client's sync is done once everything before this packet is applied. */
  | { readonly type: 'SYNC'; readonly client: NodeId; readonly xid: number }
  /** Not a ZooKeeper packet: the TCP FIN of a server that closed this connection on leaving its role. */
  | { readonly type: 'DISCONNECT' }
  /** A client write forwarded by a learner to the leader. */
  | { readonly type: 'REQUEST'; readonly client: NodeId; readonly xid: number; readonly op: unknown };

/** Client ↔ server. Replies travel back through the server the client is connected to. */
export type ClientPacket =
  | { readonly type: 'CLIENT_REQUEST'; readonly xid: number; readonly op: unknown; readonly lastZxidSeen: Zxid }
  | { readonly type: 'CLIENT_REPLY'; readonly xid: number; readonly ok: boolean; readonly result: unknown; readonly zxid: Zxid; readonly error?: string }
  /** The server closed the connection (it left its role, or refused the client). */
  | { readonly type: 'CLIENT_CLOSE'; readonly reason: string }
  /** ZooKeeper's ConnectRequest: sessionId 0 asks for a new session. */
  | { readonly type: 'CONNECT_REQUEST'; readonly sessionId: number; readonly timeoutMs: number; readonly lastZxidSeen: Zxid }
  /** ConnectResponse: timeoutMs 0 means the session is expired (or unknown). */
  | { readonly type: 'CONNECT_RESPONSE'; readonly sessionId: number; readonly timeoutMs: number }
  /** RequestHeader (xid) + request, on an established session. */
  | { readonly type: 'ZK_REQUEST'; readonly xid: number; readonly request: ZkRequest }
  | { readonly type: 'ZK_REPLY'; readonly reply: ZkReply }
  /** A WatcherEvent (xid -1), on the same connection as the replies. */
  | { readonly type: 'WATCHER_EVENT'; readonly event: ZkWatchedEvent };

/** From the outside world (node 0): ask a client to run an operation. */
export type AppCommand = { readonly type: 'APP_OP'; readonly op: unknown };

export type ZabMessage = Notification | QuorumPacket | ClientPacket | AppCommand;

export function describeMessage(msg: ZabMessage): string {
  switch (msg.type) {
    case 'NOTIFICATION':
      return `NOTIFICATION vote=${msg.leader} zxid=${formatZxid(msg.zxid)} round=${msg.electionEpoch} peerEpoch=${msg.peerEpoch} ${msg.state}`;
    case 'FOLLOWERINFO':
    case 'OBSERVERINFO':
      return `${msg.type} acceptedEpoch=${msg.acceptedEpoch}`;
    case 'LEADERINFO':
      return `LEADERINFO newEpoch=${msg.newEpoch}`;
    case 'ACKEPOCH':
      return `ACKEPOCH lastZxid=${formatZxid(msg.lastZxid)} currentEpoch=${msg.currentEpoch}`;
    case 'DIFF':
    case 'TRUNC':
    case 'COMMIT':
    case 'NEWLEADER':
    case 'ACK':
    case 'PING':
      return `${msg.type} ${formatZxid(msg.zxid)}`;
    case 'SNAP':
      return `SNAP ${formatZxid(msg.zxid)} (${msg.snapshot.count} txns)`;
    case 'PROPOSAL':
    case 'INFORM':
      return `${msg.type} ${formatZxid(msg.txn.zxid)}`;
    case 'UPTODATE':
    case 'DISCONNECT':
      return msg.type;
    case 'REQUEST':
      return `REQUEST client=${msg.client} xid=${msg.xid}`;
    case 'CLIENT_REQUEST':
      return `CLIENT_REQUEST xid=${msg.xid}`;
    case 'CLIENT_REPLY':
      return `CLIENT_REPLY xid=${msg.xid} ${msg.ok ? 'ok' : (msg.error ?? 'error')} zxid=${formatZxid(msg.zxid)}`;
    case 'CLIENT_CLOSE':
      return `CLIENT_CLOSE ${msg.reason}`;
    case 'APP_OP':
      return 'APP_OP';
    case 'REVALIDATE':
      return `REVALIDATE client=${msg.client} session=0x${msg.sessionId.toString(16)}${msg.valid === null ? '' : ` valid=${msg.valid}`}`;
    case 'SYNC':
      return `SYNC client=${msg.client} xid=${msg.xid}`;
    case 'CONNECT_REQUEST':
      return `CONNECT_REQUEST session=0x${msg.sessionId.toString(16)} timeout=${msg.timeoutMs} lastZxidSeen=${formatZxid(msg.lastZxidSeen)}`;
    case 'CONNECT_RESPONSE':
      return `CONNECT_RESPONSE session=0x${msg.sessionId.toString(16)} timeout=${msg.timeoutMs}`;
    case 'ZK_REQUEST':
      return `ZK_REQUEST xid=${msg.xid} ${msg.request.type}${'path' in msg.request ? ` ${msg.request.path}` : ''}`;
    case 'ZK_REPLY':
      return `ZK_REPLY xid=${msg.reply.xid} ${msg.reply.err} zxid=${formatZxid(msg.reply.zxid)}`;
    case 'WATCHER_EVENT':
      return `WATCHER_EVENT ${msg.event.type} ${msg.event.path}`;
  }
}
