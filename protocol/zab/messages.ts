// Messages on the wire, with ZooKeeper's names (QuorumPacket types, FLE notifications, and the
// basic client protocol). Each is plain data; `describeMessage` renders one line for traces.
// The application above Zab adds its own packets to the open unions AppPackets and
// AppQuorumPackets (TypeScript interface merging: protocol/service/messages.ts adds ZooKeeper's
// client protocol, REVALIDATE and SYNC), so Zab routes them without importing their types.
import type { NodeId } from '../program.js';
import { formatZxid, type Zxid } from '../zxid.js';
import type { Txn } from './txn.js';

/** Client packets of the applications above Zab, by any key (an open union; empty here). */
export interface AppPackets {}

/**
 * Quorum packets of the application (ZooKeeper's REVALIDATE and SYNC): Zab carries them between
 * leader and learners with its own guards, and hands them to the application unread.
 */
export interface AppQuorumPackets {}

export type AppPacket = AppPackets[keyof AppPackets];
export type AppQuorumPacket = AppQuorumPackets[keyof AppQuorumPackets];

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

export type ZabQuorumPacket =
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
  /** A learner's PING reply may carry the application's payload (ZooKeeper: the session touches seen since the last one); Zab never reads it. */
  | { readonly type: 'PING'; readonly zxid: Zxid; readonly touches?: unknown }
  /** Not a ZooKeeper packet: the TCP FIN of a server that closed this connection on leaving its role. */
  | { readonly type: 'DISCONNECT' }
  /** A client write forwarded by a learner to the leader. */
  | { readonly type: 'REQUEST'; readonly client: NodeId; readonly xid: number; readonly op: unknown };

/** Zab's own quorum packets and the application's. */
export type QuorumPacket = ZabQuorumPacket | AppQuorumPacket;

/**
 * What a learner's step reads from its leader: every quorum packet but the registrations a leader
 * reads (FOLLOWERINFO, OBSERVERINFO) and DISCONNECT (a closed socket), which the step takes first.
 */
export type LeaderPacket = Exclude<QuorumPacket, { readonly type: 'FOLLOWERINFO' | 'OBSERVERINFO' | 'DISCONNECT' }>;

/** Client ↔ server. Replies travel back through the server the client is connected to. */
export type ClientPacket =
  | { readonly type: 'CLIENT_REQUEST'; readonly xid: number; readonly op: unknown; readonly lastZxidSeen: Zxid }
  | { readonly type: 'CLIENT_REPLY'; readonly xid: number; readonly ok: boolean; readonly result: unknown; readonly zxid: Zxid; readonly error?: string }
  /** The server closed the connection (it left its role, or refused the client). */
  | { readonly type: 'CLIENT_CLOSE'; readonly reason: string };

/** From the outside world (node 0): ask a client to run an operation. */
export type AppCommand = { readonly type: 'APP_OP'; readonly op: unknown };

export type ZabMessage = Notification | QuorumPacket | ClientPacket | AppCommand | AppPacket;

/** Zab's own messages, without the application's. */
export type ZabCoreMessage = Notification | ZabQuorumPacket | ClientPacket | AppCommand;

/** One line for Zab's own messages; the node's describe (protocol/node/) adds the application's. */
export function describeMessage(msg: ZabCoreMessage): string {
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
  }
}
