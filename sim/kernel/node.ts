// What the kernel keeps per node: its program and volatile state, whether it is up or paused, its
// incarnation (bumped on crash), the events a pause holds back, its timers and its disk.
import type { NodeId, NodeProgram } from '../../protocol/program.js';
import type { NodeDisk } from './disks.js';
import type { QueuedEvent } from './queue.js';

// The kernel drives programs of every state and message type; their type parameters are erased here.
export type AnyProgram = NodeProgram<any, any, any, any, any>;

export interface NodeRuntime {
  readonly id: NodeId;
  readonly program: AnyProgram;
  state: unknown;
  up: boolean;
  paused: boolean;
  /** Bumped on crash: timers and fsyncs of an earlier life are discarded. */
  incarnation: number;
  deferred: QueuedEvent[];
  readonly disk: NodeDisk;
  /** Each timer's current generation (0: fired or cancelled); a firing with another generation was reset or cancelled. */
  timers: Map<string, number>;
  /** Multiplies every timer duration of this node (clock skew); 1 by default. */
  timerSkew: number;
}
