// The ZooKeeper service as Zab's application (ZabApp, protocol/zab/state.ts): the hooks through which
// the Zab layer hands it client packets, committed txns, role changes and its own quorum packets
// (REVALIDATE, SYNC, the PING's session touches). The composition root protocol/node/zookeeper-node.ts
// plugs it in next to the DataTree state machine.
import type { NodeId } from '../program.js';
import type { Fx } from '../zab/effects.js';
import type { QuorumPacket, ZabMessage } from '../zab/messages.js';
import type { ZabApp, ZabServer } from '../zab/node-view.js';
import { ZK_QUORUM_PACKETS, type ZkClientPacket, type ZkQuorumPacket, type ZkTouches } from './messages.js';
import {
  afterZkApply,
  closeServiceConnections,
  dropServiceClient,
  isZkSyncMarker,
  leaderActivateSessions,
  leaderBeforePrep,
  onConnectRequest,
  onExpireTimer,
  onPingTouches,
  onRevalidateReply,
  onRevalidateRequest,
  onSyncReply,
  onSyncRequest,
  onZkRequest,
  serviceOf,
  takeTouches,
} from './server.js';
import { EMPTY_SERVICE } from './state.js';
import { onContainerDeleteTimer, onContainersTimer } from './container-manager.js';

function onClientMessage(s: ZabServer, from: NodeId, conn: number, msg: ZabMessage, fx: Fx): ZabServer {
  const m = msg as ZkClientPacket | Exclude<ZabMessage, ZkClientPacket>;
  switch (m.type) {
    case 'CONNECT_REQUEST':
      return onConnectRequest(s, from, conn, m, fx);
    case 'ZK_REQUEST':
      return onZkRequest(s, from, conn, m.xid, m.request, fx);
    case 'CLIENT_CLOSE':
      // A client left this server (it moved on, or closed its handle).
      return dropServiceClient(s, from);
    default:
      fx.note(`ignore ${m.type}: servers never receive it`);
      return s;
  }
}

/** Leader: a learner's REVALIDATE (a client reattached there); anything else from a learner is illegal. */
function onLearnerPacket(s: ZabServer, from: NodeId, msg: QuorumPacket, fx: Fx): ZabServer {
  const m = msg as ZkQuorumPacket;
  if (m.type === 'REVALIDATE') {
    if (s.phase !== 'BROADCAST') return s;
    return onRevalidateRequest(s, from, m.client, m.sessionId, m.timeoutMs, fx);
  }
  fx.note(`ignore ${m.type} from learner ${from}: a leader never receives it`);
  fx.observe({ kind: 'anomaly', flag: 'messageIllegal', detail: `leader got ${m.type} from ${from}` });
  return s;
}

/** Learner: the leader's answer to REVALIDATE, or a SYNC that completes a client's sync here. */
function onLeaderPacket(s: ZabServer, msg: QuorumPacket, fx: Fx): ZabServer {
  const m = msg as ZkQuorumPacket;
  if (m.type === 'REVALIDATE') return m.valid === null ? s : onRevalidateReply(s, m.client, m.sessionId, m.valid, fx);
  return onSyncReply(s, m.client, m.xid, fx);
}

export const zkServiceApp: ZabApp = {
  name: 'zookeeper',
  initial: EMPTY_SERVICE,
  quorumPackets: ZK_QUORUM_PACKETS,
  onClientMessage,
  onClientGone: dropServiceClient,
  closeAll: closeServiceConnections,
  onLeaderLeaving(s, fx) {
    if (serviceOf(s).tracker !== null) fx.cancel('expire');
    const manager = serviceOf(s).containerManager;
    if (manager !== null && manager.timer !== null) fx.cancel('containers');
    if (manager !== null && manager.busy) fx.cancel('containerDelete');
  },
  afterApply: afterZkApply,
  beforePrep: leaderBeforePrep,
  /** Leader.processSync for a sync request (forwarded, or our own client's); writes go on to the proposal path. */
  leaderRequest(s, from, client, xid, op, fx) {
    if (!isZkSyncMarker(op)) return null;
    return s.phase === 'BROADCAST' ? onSyncRequest(s, from, client, xid, fx) : s;
  },
  onActivate: leaderActivateSessions,
  onTimer(s, timer, fx) {
    if (timer === 'containers') return onContainersTimer(s, fx);
    if (timer === 'containerDelete') return onContainerDeleteTimer(s, fx);
    return onExpireTimer(s, fx);
  },
  onLearnerPacket,
  onLeaderPacket,
  takePingPayload(s) {
    const taken = takeTouches(s);
    return { server: taken.server, payload: taken.touches.length === 0 ? undefined : taken.touches };
  },
  onPingPayload: (s, payload) => onPingTouches(s, payload as ZkTouches | undefined),
};
