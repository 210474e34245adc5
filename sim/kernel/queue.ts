// The kernel's event queue and virtual clock. Every pending event is one QueuedEvent: one class,
// every field named for what it holds and set in the constructor, so the run loop and the heap see
// a single shape (monomorphic property access). Spent records go back to a pool and are reused,
// so the hot path allocates no event objects. The clock (`nowUs`) moves only when the kernel pops
// an event (or a run stops at its time limit).
import type { Micros, NodeId } from '../../protocol/program.js';
import { EventHeap, type Scheduled } from './heap.js';

/** A message for `node`: from a peer (`from` > 0) over connection `conn`, or injected (`from` 0). */
export const DELIVER = 0;
/** Timer `timer` of `node` fires, unless set again or cancelled since (its generation moved on). */
export const TIMER = 1;
/** An fsync of `node` completes: writes up to `writeMark` become durable; the reducer hears `fsyncToken`. */
export const FSYNC = 2;
/** The socket to peer `from` was reset (the peer crashed, or refused the connection). */
export const RESET = 3;
/** A callback of the outside world (a fault, a workload step, a scenario step). */
export const ACTION = 4;
/** The value `node` asked for with a draw effect (`drawKey`, `drawValue`). */
export const DRAWN = 5;

/** One queue entry; which fields mean something depends on `kind` (see the constants above). */
export class QueuedEvent implements Scheduled {
  t: Micros;
  seq: number;
  kind: number;
  node: NodeId;
  /** DELIVER: the sender (0 for an injected event). RESET: the peer whose socket reset. */
  from: NodeId;
  /** DELIVER: the connection number the message was sent on. */
  conn: number;
  /** DELIVER: when it was sent. */
  sentUs: Micros;
  /** DELIVER: the message. */
  msg: unknown;
  /** TIMER: the timer's name and the generation it was set with. */
  timer: string;
  timerGen: number;
  /** FSYNC: the reducer's token and the absolute index of the last write it makes durable. */
  fsyncToken: number;
  writeMark: number;
  /** TIMER, FSYNC, RESET: the node's incarnation when queued; an event of an earlier life is dropped. */
  incarnation: number;
  /** ACTION: the callback. */
  action: (() => void) | null;
  /** DRAWN: what the node asked for, and the value picked. */
  drawKey: string;
  drawValue: number;
  /** Kept by a paused node; must not go back to the pool. */
  held: boolean;

  constructor() {
    this.t = 0;
    this.seq = 0;
    this.kind = 0;
    this.node = 0;
    this.from = 0;
    this.conn = 0;
    this.sentUs = 0;
    this.msg = null;
    this.timer = '';
    this.timerGen = 0;
    this.fsyncToken = 0;
    this.writeMark = 0;
    this.incarnation = 0;
    this.action = null;
    this.drawKey = '';
    this.drawValue = 0;
    this.held = false;
  }
}

/** How many spent records the pool keeps. */
const POOL_MAX = 4096;

export class EventQueue {
  /** Virtual time now. */
  nowUs: Micros = 0;
  private readonly heap = new EventHeap<QueuedEvent>();
  /** Spent records, reused by the pushers below. */
  private readonly pool: QueuedEvent[] = [];

  peek(): QueuedEvent | undefined {
    return this.heap.peek();
  }

  /** Removes the earliest event (the one `peek` returned) and moves the clock to its time. */
  pop(): QueuedEvent {
    const event = this.heap.pop() as QueuedEvent;
    this.nowUs = event.t;
    return event;
  }

  /** Gives a handled event's record back for reuse, unless a paused node holds it. */
  recycle(event: QueuedEvent): void {
    if (!event.held && this.pool.length < POOL_MAX) {
      event.msg = null;
      event.action = null;
      this.pool.push(event);
    }
  }

  /** Puts back an event a paused node held, to run now. */
  requeue(event: QueuedEvent): void {
    event.t = this.nowUs;
    event.held = false;
    this.heap.push(event);
  }

  deliver(to: NodeId, t: Micros, from: NodeId, conn: number, msg: unknown, sentUs: Micros): void {
    const event = this.take(DELIVER, to, t);
    event.from = from;
    event.conn = conn;
    event.msg = msg;
    event.sentUs = sentUs;
    this.heap.push(event);
  }

  timer(node: NodeId, t: Micros, timer: string, timerGen: number, incarnation: number): void {
    const event = this.take(TIMER, node, t);
    event.timer = timer;
    event.timerGen = timerGen;
    event.incarnation = incarnation;
    this.heap.push(event);
  }

  fsync(node: NodeId, t: Micros, fsyncToken: number, writeMark: number, incarnation: number): void {
    const event = this.take(FSYNC, node, t);
    event.fsyncToken = fsyncToken;
    event.writeMark = writeMark;
    event.incarnation = incarnation;
    this.heap.push(event);
  }

  reset(node: NodeId, t: Micros, peer: NodeId, incarnation: number): void {
    const event = this.take(RESET, node, t);
    event.from = peer;
    event.incarnation = incarnation;
    this.heap.push(event);
  }

  drawn(node: NodeId, t: Micros, drawKey: string, drawValue: number, incarnation: number): void {
    const event = this.take(DRAWN, node, t);
    event.drawKey = drawKey;
    event.drawValue = drawValue;
    event.incarnation = incarnation;
    this.heap.push(event);
  }

  action(t: Micros, action: () => void): void {
    const event = this.take(ACTION, 0, t);
    event.action = action;
    this.heap.push(event);
  }

  /** A record from the pool (or a new one) with `kind`, `node`, `t` set and every other field cleared. */
  private take(kind: number, node: NodeId, t: Micros): QueuedEvent {
    const event = this.pool.pop() ?? new QueuedEvent();
    event.t = t;
    event.kind = kind;
    event.node = node;
    event.from = 0;
    event.conn = 0;
    event.sentUs = 0;
    event.msg = null;
    event.timer = '';
    event.timerGen = 0;
    event.fsyncToken = 0;
    event.writeMark = 0;
    event.incarnation = 0;
    event.action = null;
    event.drawKey = '';
    event.drawValue = 0;
    event.held = false;
    return event;
  }
}
