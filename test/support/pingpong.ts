// A tiny protocol that lives in test/ only, to exercise the kernel: every node sends numbered
// messages to every other node on a timer, persists what it received, fsyncs, and observes what it
// delivered. It records per-connection sequence numbers so tests can check FIFO and breakage.
import type { Effect, Event, NodeId, NodeProgram, Transition } from '../../protocol/program.js';

export interface PingMsg {
  readonly type: 'PING';
  readonly n: number;
}

export interface PingState {
  readonly id: NodeId;
  readonly peers: readonly NodeId[];
  readonly sent: number;
  readonly received: number;
  readonly fsyncToken: number;
}

export type PingWrite = { readonly kind: 'got'; readonly from: NodeId; readonly n: number };
export interface PingDisk {
  readonly count: number;
}
export type PingObs = { readonly kind: 'got'; readonly from: NodeId; readonly conn: number; readonly n: number };

export function pingProgram(peers: readonly NodeId[], intervalUs = 1_000): NodeProgram<PingState, PingMsg, PingWrite, PingDisk, PingObs> {
  return {
    kind: 'ping',
    emptyDisk: () => ({ count: 0 }),
    applyWrite: (disk) => ({ count: disk.count + 1 }),
    boot: (id) => ({ id, peers: peers.filter((p) => p !== id), sent: 0, received: 0, fsyncToken: 0 }),
    describe: (msg) => `PING ${msg.n}`,
    describeWrite: (w) => `got ${w.from}:${w.n}`,
    step(state: PingState, event: Event<PingMsg>): Transition<PingState, PingMsg, PingWrite, PingObs> {
      const effects: Effect<PingMsg, PingWrite, PingObs>[] = [];
      switch (event.type) {
        case 'start':
          effects.push({ type: 'setTimer', timer: 'tick', minUs: intervalUs / 2, maxUs: intervalUs });
          return [state, effects];
        case 'timeout': {
          const n = state.sent + 1;
          for (const p of state.peers) effects.push({ type: 'send', to: p, msg: { type: 'PING', n } });
          effects.push({ type: 'setTimer', timer: 'tick', minUs: intervalUs / 2, maxUs: intervalUs });
          return [{ ...state, sent: n }, effects];
        }
        case 'deliver': {
          const token = state.fsyncToken + 1;
          effects.push({ type: 'persist', write: { kind: 'got', from: event.from, n: event.msg.n } });
          effects.push({ type: 'fsync', token });
          effects.push({ type: 'observe', what: { kind: 'got', from: event.from, conn: event.conn, n: event.msg.n } });
          return [{ ...state, received: state.received + 1, fsyncToken: token }, effects];
        }
        case 'fsynced':
        case 'peerReset':
        case 'drawn':
          return [state, effects];
        default: {
          const never: never = event;
          return never;
        }
      }
    },
  };
}
