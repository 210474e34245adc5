// Helpers for the Zab reducer tests: servers built from a disk image and driven only through the
// public reducer (stepServer), every input state deep-frozen, and effects rendered as short strings
// so tests can compare whole effect lists, in order.
import { stepServer, bootServer } from '../../protocol/zab/server.js';
import { defaultZabConfig, type ZabConfig } from '../../protocol/zab/config.js';
import { emptyZabDisk, type ZabDisk } from '../../protocol/zab/disk.js';
import type { ZabEffect } from '../../protocol/zab/effects.js';
import { kvStateMachine } from '../../protocol/kv/state-machine.js';
import { describeNodeMessage as describeMessage } from '../../protocol/node/describe.js';
import { kvClientsApp } from '../../protocol/kv/clients.js';
import { type Notification, type QuorumPacket, type ServerState, type ZabMessage } from '../../protocol/zab/messages.js';
import type { ZabServer } from '../../protocol/zab/state.js';
import type { Txn } from '../../protocol/zab/txn.js';
import type { Event, NodeId } from '../../protocol/program.js';
import { pvecEmpty, pvecPush } from '../../protocol/pvec.js';
import { makeZxid, type Zxid } from '../../protocol/zxid.js';
import { deepFreeze } from '../support/deep-freeze.js';

export const z = makeZxid;

export function config(patch: Partial<ZabConfig> = {}, voters: NodeId[] = [1, 2, 3], observers: NodeId[] = []): ZabConfig {
  return { ...defaultZabConfig(voters, observers), ...patch };
}

export function txn(zxid: Zxid, key = 'k', value = String(zxid)): Txn {
  return { zxid, body: { type: 'set', key, value, version: 0 }, origin: null };
}

export function disk(zxids: readonly Zxid[], epochs: { accepted?: number; current?: number } = {}): ZabDisk {
  let log = pvecEmpty<Txn>();
  for (const zxid of zxids) log = pvecPush(log, txn(zxid));
  const current = epochs.current ?? 0;
  return { ...emptyZabDisk(), log, currentEpoch: current, acceptedEpoch: epochs.accepted ?? current };
}

export interface Stepped {
  readonly before: ZabServer;
  readonly next: ZabServer;
  readonly effects: readonly ZabEffect[];
}

/** One reducer step on a deep-frozen input. */
export function step(s: ZabServer, event: Event<ZabMessage>): Stepped {
  deepFreeze(s);
  const [next, effects] = stepServer(s, event);
  return { before: s, next, effects };
}

/** Boots a server from a disk and runs its `start` step (LOOKING, round 1). */
export function boot(id: NodeId, cfg: ZabConfig, d: ZabDisk = emptyZabDisk()): ZabServer {
  return step(bootServer(id, cfg, kvStateMachine, kvClientsApp, d), { type: 'start' }).next;
}

export function deliver(from: NodeId, msg: ZabMessage, conn = 1): Event<ZabMessage> {
  return { type: 'deliver', from, conn, msg };
}

export function timeout(timer: string, now = 0): Event<ZabMessage> {
  return { type: 'timeout', timer, now };
}

export function vote(leader: NodeId, zxid: Zxid, peerEpoch: number, electionEpoch: number, state: ServerState = 'LOOKING'): Notification {
  return { type: 'NOTIFICATION', leader, zxid, peerEpoch, electionEpoch, state };
}

/** Steps through a list of events, returning the last step. */
export function steps(s: ZabServer, events: readonly Event<ZabMessage>[]): Stepped {
  let last: Stepped = { before: s, next: s, effects: [] };
  for (const e of events) last = step(last.next, e);
  return last;
}

/** Effects as short strings: `send 3 ACK 2:0`, `persistSync currentEpoch=2`, `persist append 1:2`, `fsync`, `exit 13`, ... */
export function show(effects: readonly ZabEffect[], kinds: readonly string[] = ['send', 'persist', 'persistSync', 'fsync', 'exit']): string[] {
  const out: string[] = [];
  for (const e of effects) {
    if (!kinds.includes(e.type)) continue;
    switch (e.type) {
      case 'send':
        out.push(`send ${e.to} ${describeMessage(e.msg)}`);
        break;
      case 'persist':
      case 'persistSync': {
        const w = e.write;
        const what =
          w.kind === 'append'
            ? `append ${fmt(w.txn.zxid)}`
            : w.kind === 'truncate' || w.kind === 'snapshot'
              ? `${w.kind} ${fmt(w.kind === 'truncate' ? w.zxid : w.snapshot.zxid)}`
              : `${w.kind}=${w.epoch}`;
        out.push(`${e.type} ${what}`);
        break;
      }
      case 'fsync':
        out.push('fsync');
        break;
      case 'exit':
        out.push(`exit ${e.code}`);
        break;
      case 'observe':
        out.push(`observe ${e.what.kind}`);
        break;
      case 'note':
        out.push(`note ${e.text}`);
        break;
      case 'setTimer':
        out.push(`setTimer ${e.timer}`);
        break;
      case 'cancelTimer':
        out.push(`cancelTimer ${e.timer}`);
        break;
      case 'draw':
        out.push(`draw ${e.key} ${e.max}`);
        break;
      case 'reconnect':
        out.push(`reconnect ${e.to}`);
        break;
    }
  }
  return out;
}

export function notes(effects: readonly ZabEffect[]): string[] {
  return effects.flatMap((e) => (e.type === 'note' ? [e.text] : []));
}

export function observations(effects: readonly ZabEffect[]): Extract<ZabEffect, { type: 'observe' }>['what'][] {
  return effects.flatMap((e) => (e.type === 'observe' ? [e.what] : []));
}

export function fsyncTokens(effects: readonly ZabEffect[]): number[] {
  return effects.flatMap((e) => (e.type === 'fsync' ? [e.token] : []));
}

function fmt(zxid: Zxid): string {
  return `${Math.floor(zxid / 2 ** 32)}:${zxid % 2 ** 32}`;
}

/** A fresh server `id` that has won FLE and is LEADING (discovery), voted in by `supporter`. */
export function leading(id: NodeId, cfg: ZabConfig, d: ZabDisk = emptyZabDisk(), supporter: NodeId = 1): ZabServer {
  const s = boot(id, cfg, d);
  const v = s.fle.proposed;
  const agreed = step(s, deliver(supporter, vote(id, v.zxid, v.peerEpoch, s.fle.logicalclock))).next;
  const led = step(agreed, timeout('finalize')).next;
  if (led.role !== 'LEADING') throw new Error(`server ${id} did not become leader: ${led.role}`);
  return led;
}

/** A leader that got FOLLOWERINFO + ACKEPOCH from `learner` and sent it the sync (NEWLEADER last). */
export function syncing(leader: ZabServer, learner: NodeId, accepted: number, lastZxid: Zxid, currentEpoch: number): Stepped {
  const info = step(leader, deliver(learner, { type: 'FOLLOWERINFO', acceptedEpoch: accepted })).next;
  return finishSnap(step(info, deliver(learner, { type: 'ACKEPOCH', lastZxid, currentEpoch })), learner);
}

/**
 * If the leader is writing a SNAP to `learner` (snap-send.ts), fires its two timers with nothing
 * between: the SNAP, the queued packets and NEWLEADER go out. The effects of every step, in order.
 */
export function finishSnap(r: Stepped, learner: NodeId): Stepped {
  let next = r.next;
  const effects = [...r.effects];
  for (let i = 0; i < 2; i++) {
    const stage = next.leader?.handlers[learner]?.stage;
    if (stage !== 'SNAP_QUEUED' && stage !== 'SNAP_SERIALIZING') break;
    const t = step(next, timeout(`snap ${learner}`));
    next = t.next;
    effects.push(...t.effects);
  }
  return { before: r.before, next, effects };
}

/** A leader in BROADCAST with every learner in `learners` synced and sent UPTODATE. */
export function activeLeader(cfg: ZabConfig, learners: readonly NodeId[], id: NodeId = 3): ZabServer {
  let s = leading(id, cfg, emptyZabDisk(), learners[0] ?? 1);
  for (const l of learners) {
    const observer = cfg.observers.includes(l);
    s = step(s, deliver(l, { type: observer ? 'OBSERVERINFO' : 'FOLLOWERINFO', acceptedEpoch: 0 })).next;
    s = finishSnap(step(s, deliver(l, { type: 'ACKEPOCH', lastZxid: 0, currentEpoch: 0 })), l).next;
    s = step(s, deliver(l, { type: 'ACK', zxid: z(s.leader?.epoch ?? 1, 0) })).next;
  }
  if (s.phase !== 'BROADCAST') throw new Error(`leader not active: ${s.phase}`);
  return s;
}

export type { QuorumPacket };

/**
 * Follower 1 (log 1:1, epoch 1) that elected 3 and got LEADERINFO for epoch 2: the start of the sync
 * tests. Throws if the vote did not make it follow.
 */
export function registeredFollower(syncPersistence: ZabConfig['syncPersistence'] = 'committedOnlyThenEpochThenAck'): Stepped {
  const s = boot(1, config({ syncPersistence }), disk([z(1, 1)], { current: 1 }));
  const following = steps(s, [deliver(3, vote(3, z(1, 1), 1, 1)), timeout('finalize')]).next;
  if (following.role !== 'FOLLOWING') throw new Error(`expected FOLLOWING after the vote, got ${following.role}`);
  return step(following, deliver(3, { type: 'LEADERINFO', newEpoch: 2 }));
}

/** A DIFF sync up to 1:3: 1:2 and 1:3 committed, then 1:4 outstanding (queued by startForwarding); no NEWLEADER. */
export const DIFF_SYNC_STREAM: readonly ZabMessage[] = [
  { type: 'DIFF', zxid: z(1, 3) },
  { type: 'PROPOSAL', txn: txn(z(1, 2)) },
  { type: 'COMMIT', zxid: z(1, 2) },
  { type: 'PROPOSAL', txn: txn(z(1, 3)) },
  { type: 'COMMIT', zxid: z(1, 3) },
  { type: 'PROPOSAL', txn: txn(z(1, 4)) },
];
