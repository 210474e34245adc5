// The virtual network: TCP-like connections between nodes, partitions, latency, and the fault
// windows that lose, duplicate or delay messages.
//
// Connections. Each ordered pair (from, to) has a current connection number. While the link is up,
// a connection is FIFO: a message is never delivered before one sent earlier on it. Breaking a link
// (partition, or a crash of either end) bumps the number; messages still in flight carry the old
// number and are discarded when they arrive, so nothing from a broken connection is ever delivered.
// The next send after a heal opens a new connection, and the receiver sees its new number.
import { AssertionError } from '../../protocol/assert.js';
import type { NodeId } from '../../protocol/program.js';
import type { LatencyDistribution, LinkFaultWindow, NetworkOptions } from '../options.js';
import type { Rng } from '../rng.js';
import type { TraceSink } from '../trace/sink.js';
import type { DecisionTape } from './decision-tape.js';
import type { NodeRuntime } from './node.js';
import type { EventQueue } from './queue.js';

/** One direction of a connection between two nodes. */
export interface Link {
  conn: number;
  /** A connection its sender closed (a FIN, not a reset): what it sent before still arrives; 0 if none. */
  closing: number;
  cut: boolean;
  lastDeliveryUs: number;
  inflight: number;
  latency: LatencyDistribution;
}

/** Called when a node hands a message to the network (before loss, partition or latency is decided). */
export type SentHook = (from: NodeId, to: NodeId, msg: unknown, nowUs: number) => void;

export class Network {
  tape: DecisionTape | null = null;
  /** Hooks of observers that watch sends: empty (one length check) unless a trigger is armed. */
  readonly sentHooks: SentHook[] = [];
  /** links[from][to], created on first use. */
  private readonly links: (Link | undefined)[][] = [];
  private readonly allLinks: Link[] = [];
  private readonly windows: LinkFaultWindow[];
  private readonly tcp: boolean;
  private readonly fifo: boolean;
  private readonly linkQueueMax: number;
  private readonly options: NetworkOptions;
  private readonly rng: Rng;
  private readonly queue: EventQueue;
  private readonly trace: TraceSink;
  /** The kernel's nodes by id (shared, not copied). */
  private readonly nodeById: (NodeRuntime | undefined)[];

  constructor(options: NetworkOptions, rng: Rng, queue: EventQueue, trace: TraceSink, nodeById: (NodeRuntime | undefined)[]) {
    this.options = options;
    this.rng = rng;
    this.queue = queue;
    this.trace = trace;
    this.nodeById = nodeById;
    this.windows = options.faultWindows.slice();
    this.tcp = options.channel !== 'datagram';
    this.fifo = options.fifo;
    this.linkQueueMax = options.linkQueueMax;
  }

  // ---------------------------------------------------------------- faults

  /** Cuts the one-way link from → to. Its connection breaks; in-flight messages are lost. */
  cutLink(from: NodeId, to: NodeId): void {
    const link = this.link(from, to);
    if (link.cut) return;
    link.cut = true;
    this.breakSocket(from, to);
  }

  healLink(from: NodeId, to: NodeId): void {
    this.link(from, to).cut = false;
  }

  healAll(): void {
    for (const link of this.allLinks) link.cut = false;
  }

  isCut(from: NodeId, to: NodeId): boolean {
    return this.link(from, to).cut;
  }

  addFaultWindow(window: LinkFaultWindow): void {
    this.windows.push(window);
  }

  /**
   * Node `dead` crashed: its connections with every peer break, and each peer that is up hears a
   * reset from the dead process's OS, unless the link itself is cut.
   */
  crashed(dead: NodeId, peers: Iterable<NodeRuntime>): void {
    for (const peer of peers) {
      if (peer.id === dead) continue;
      const out = this.links[dead]?.[peer.id];
      const back = this.links[peer.id]?.[dead];
      if (out !== undefined) this.breakConnection(out);
      if (back !== undefined) this.breakConnection(back);
      if (peer.up && (out === undefined || !out.cut)) {
        this.queue.reset(peer.id, this.queue.nowUs + this.latencyOf(this.link(dead, peer.id), dead, peer.id, 'RESET'), dead, peer.incarnation);
      }
    }
  }

  /**
   * Node `from` closes its connection to `to` (a FIN: what it already sent still arrives, in order,
   * before anything on the new one) and opens a new one; what `to` sent on the old one reaches a
   * closed socket and is lost. Both directions get a new number, with datagrams too.
   */
  reconnect(from: NodeId, to: NodeId): void {
    const out = this.link(from, to);
    out.closing = out.conn;
    out.conn++;
    this.breakConnection(this.link(to, from));
  }

  // ---------------------------------------------------------------- sending and delivering

  /**
   * `conn`: the sender writes to one connection only, the one the peer's messages arrive on with
   * that number (the link to → from); if it has broken or been replaced since, the message is lost
   * with it (a LearnerHandler's socket is its own: a new connection has a new handler).
   */
  send(node: NodeRuntime, to: NodeId, msg: unknown, conn?: number): void {
    const target = this.nodeById[to];
    if (target === undefined) throw new AssertionError(`node ${node.id} sent to unknown node ${to}`);
    const nowUs = this.queue.nowUs;
    const link = this.link(node.id, to);
    if (this.sentHooks.length > 0) for (const hook of this.sentHooks) hook(node.id, to, msg, nowUs);
    if (link.cut) {
      this.drop(node.id, to, msg, 'partition', nowUs);
      return;
    }
    if (conn !== undefined && this.link(to, node.id).conn !== conn) {
      this.drop(node.id, to, msg, 'connection-broken', nowUs);
      return;
    }
    if (!target.up) {
      this.drop(node.id, to, msg, 'node-down', nowUs);
      // The dead process's OS refuses the connection (RST), unless the link itself is down.
      if (!this.link(to, node.id).cut) this.queue.reset(node.id, nowUs + this.latencyOf(link, to, node.id, 'RESET'), to, node.incarnation);
      return;
    }
    let extraDelayUs = 0;
    let copies = 1;
    const what = this.tape === null ? '' : `${node.id}>${to} ${node.program.describe(msg)}`;
    if (this.windows.length > 0) {
      for (const w of this.windows) {
        if (nowUs < w.fromUs || nowUs >= w.untilUs) continue;
        if (w.from !== '*' && w.from !== node.id) continue;
        if (w.to !== '*' && w.to !== to) continue;
        if (w.lossProbability !== undefined && this.chanceOf(w.lossProbability, what, 'loss')) {
          this.drop(node.id, to, msg, 'loss', nowUs);
          if (this.tcp) this.breakSocket(node.id, to);
          return;
        }
        if (w.duplicateProbability !== undefined && this.chanceOf(w.duplicateProbability, what, 'dup')) {
          if (this.tcp) {
            // TCP discards a duplicated segment below the application: it is traced, never delivered.
            // (Delivering it again, even over a new connection, would be a resend that neither
            // ZooKeeper's learners nor its clients ever make.)
            if (this.trace.enabled) this.trace.line({ t: nowUs, k: 'duplicate', from: node.id, to, msg: node.program.describe(msg), suppressed: 'tcp' });
          } else {
            copies = 2;
          }
        }
        if (w.extraDelayUs !== undefined) extraDelayUs += w.extraDelayUs;
      }
    }
    for (let c = 0; c < copies; c++) {
      if (link.inflight >= this.linkQueueMax) {
        this.drop(node.id, to, msg, 'overflow', nowUs);
        return;
      }
      let atUs = nowUs + (this.tape === null ? this.sampleLatency(link) : this.tape.decide(what, () => this.sampleLatency(link))) + extraDelayUs;
      if (this.fifo) {
        if (atUs < link.lastDeliveryUs) atUs = link.lastDeliveryUs;
        link.lastDeliveryUs = atUs;
      }
      link.inflight++;
      if (c === 1 && this.trace.enabled) this.trace.line({ t: nowUs, k: 'duplicate', from: node.id, to, msg: node.program.describe(msg) });
      this.queue.deliver(to, atUs, node.id, link.conn, msg, nowUs);
    }
  }

  /**
   * A message from a peer arrives at `node` on connection `conn`: true if it is delivered (and it
   * leaves the link's in-flight count), false if its connection broke or the node is down (traced
   * as a drop). The caller holds it back if the node is paused (`paused` true: still in flight).
   */
  arrives(from: NodeId, node: NodeRuntime, conn: number, msg: unknown, sentUs: number): boolean {
    const link = this.link(from, node.id);
    if (conn !== link.conn && conn !== link.closing) {
      this.drop(from, node.id, msg, 'connection-broken', sentUs);
      return false;
    }
    if (!node.up) {
      link.inflight--;
      this.drop(from, node.id, msg, 'node-down', sentUs);
      return false;
    }
    if (node.paused) return true;
    link.inflight--;
    return true;
  }

  private drop(from: NodeId, to: NodeId, msg: unknown, reason: string, sentUs: number): void {
    if (!this.trace.enabled) return;
    const program = (this.nodeById[to] ?? this.nodeById[from])?.program;
    this.trace.text(
      `{"t":${this.queue.nowUs},"k":"drop","from":${from},"to":${to},"reason":${JSON.stringify(reason)},"sent":${sentUs},"msg":${JSON.stringify(program === undefined ? '?' : program.describe(msg))}}`,
    );
  }

  /**
   * Under TCP both directions share one socket: a fault on either kills both. With datagrams only
   * the named direction's connection number changes.
   */
  private breakSocket(from: NodeId, to: NodeId): void {
    this.breakConnection(this.link(from, to));
    if (this.tcp) this.breakConnection(this.link(to, from));
  }

  private breakConnection(link: Link): void {
    link.conn++;
    link.closing = 0;
    link.inflight = 0;
    link.lastDeliveryUs = 0;
  }

  private chanceOf(probability: number, what: string, kind: string): boolean {
    if (this.tape === null) return this.rng.chance(probability);
    return this.tape.decide(`${what} ${kind}`, () => (this.rng.chance(probability) ? 1 : 0)) === 1;
  }

  private latencyOf(link: Link, from: NodeId, to: NodeId, what: string): number {
    return this.tape === null ? this.sampleLatency(link) : this.tape.decide(`${from}>${to} ${what}`, () => this.sampleLatency(link));
  }

  private sampleLatency(link: Link): number {
    const d = link.latency;
    switch (d.kind) {
      case 'constant':
        return d.us;
      case 'uniform':
        return this.rng.intInclusive(d.minUs, d.maxUs);
      case 'exponential':
        return d.minUs + this.rng.exponential(d.meanUs);
      default:
        throw new Error(`unknown latency distribution ${JSON.stringify(d)}`);
    }
  }

  private link(from: NodeId, to: NodeId): Link {
    let row = this.links[from];
    if (row === undefined) {
      row = [];
      this.links[from] = row;
    }
    let link = row[to];
    if (link === undefined) {
      const latency = this.options.linkLatency[`${from}->${to}`] ?? this.options.latency;
      link = { conn: 1, closing: 0, cut: false, lastDeliveryUs: 0, inflight: 0, latency };
      row[to] = link;
      this.allLinks.push(link);
    }
    return link;
  }

  /** Test-only: one extra draw from the network stream. */
  perturb(): void {
    this.rng.next();
  }
}
