// Protocol-triggered faults: a fault with a `when` trigger is armed at its `atMs` and fires at the
// first matching protocol event after that, once. Matching is O(1) per event; the fault itself is
// scheduled for "now" (or the trigger's delayMs later), so it runs right after the step that matched
// (a crash then lands after the server's effects of that step were issued, which is where the
// historical bugs need it).
import type { NodeId } from '../../protocol/program.js';
import type { ZabObservation } from '../../protocol/zab/effects.js';
import type { ZabWrite } from '../../protocol/zab/disk.js';
import type { ZabMessage } from '../../protocol/zab/messages.js';
import type { ZabServer } from '../../protocol/zab/state.js';
import { counterOf } from '../../protocol/zxid.js';
import type { Kernel, KernelObserver } from '../kernel/kernel.js';
import type { FaultEvent, Trigger } from '../zab/faults.js';

export interface ArmedFault {
  readonly index: number;
  readonly fault: FaultEvent & { readonly when: Trigger };
}

/** Watches the run and calls `fire(index, subject)` for each triggered fault, at most once each. */
export class TriggerWatch implements KernelObserver {
  private readonly kernel: Kernel;
  private readonly armed: ArmedFault[];
  private readonly fire: (index: number, subject: NodeId) => void;
  private readonly servers: ReadonlySet<NodeId>;
  private readonly proposals = new Map<NodeId, number>();
  /** Per leader, the epoch of its last PROPOSAL (for 'epoch-first-proposal'). */
  private readonly proposedEpoch = new Map<NodeId, number>();
  /** ACK senders per (leader, zxid); cleared when the leader moves on. */
  private readonly ackers = new Map<string, Set<NodeId>>();
  /** Learners whose current sync brought txns they lacked (tracked only if a trigger asks). */
  private readonly catchingUp: Set<NodeId> | null;
  /**
   * How many armed faults wait on each trigger kind. A kind none waits on is not looked for: no
   * counting, no key built, no predicate made. The armed list only shrinks, so a kind's bookkeeping
   * (proposal counts, ACK senders) is never read again once its count is 0, and skipping it changes
   * no match.
   */
  private readonly armedOn = new Map<Trigger['on'], number>();
  persisted?: (node: NodeId, write: unknown, sync: boolean, nowUs: number) => void;

  constructor(kernel: Kernel, servers: readonly NodeId[], armed: ArmedFault[], fire: (index: number, subject: NodeId) => void) {
    this.kernel = kernel;
    this.armed = armed;
    this.fire = fire;
    this.servers = new Set(servers);
    for (const a of armed) this.armedOn.set(a.fault.when.on, (this.armedOn.get(a.fault.when.on) ?? 0) + 1);
    this.catchingUp = armed.some((a) => 'catchUp' in a.fault.when && a.fault.when.catchUp === true) ? new Set() : null;
    // Register the persist hook only when a trigger needs it: the kernel's hot path stays O(1).
    if (armed.some((a) => a.fault.when.on === 'epoch-written')) {
      this.persisted = (node, write) => {
        if ((write as ZabWrite).kind !== 'currentEpoch') return;
        const s = this.kernel.stateOf(node) as ZabServer | undefined;
        if (s === undefined || s.role === 'LEADING') return;
        this.match((t) => t.on === 'epoch-written' && this.caughtUp(t, node), node);
      };
    }
  }

  get pending(): number {
    return this.armed.length;
  }

  private waitsOn(on: Trigger['on']): boolean {
    return (this.armedOn.get(on) ?? 0) > 0;
  }

  private match(pred: (t: Trigger) => boolean, subject: NodeId): void {
    const now = this.kernel.nowUs;
    for (let i = 0; i < this.armed.length; i++) {
      const a = this.armed[i] as ArmedFault;
      if (a.fault.atMs * 1000 > now || !pred(a.fault.when)) continue;
      this.armed.splice(i, 1);
      this.armedOn.set(a.fault.when.on, (this.armedOn.get(a.fault.when.on) ?? 0) - 1);
      i--;
      const { index } = a;
      this.kernel.at(now + (a.fault.when.delayMs ?? 0) * 1000, () => this.fire(index, subject));
    }
  }

  observe(node: NodeId, what: unknown): void {
    if (this.armed.length === 0 || !this.servers.has(node)) return;
    const o = what as ZabObservation;
    if (o.kind === 'propose') {
      if (this.waitsOn('nth-proposal')) {
        const n = (this.proposals.get(node) ?? 0) + 1;
        this.proposals.set(node, n);
        this.match((t) => t.on === 'nth-proposal' && t.n === n && (typeof t.server !== 'number' || t.server === node), node);
      }
      if (this.waitsOn('epoch-first-proposal') && this.proposedEpoch.get(node) !== o.epoch) {
        this.proposedEpoch.set(node, o.epoch);
        this.match((t) => t.on === 'epoch-first-proposal', node);
      }
    } else if (o.kind === 'role' && o.phase === 'SYNCHRONIZATION' && o.role !== 'LEADING') {
      if (this.waitsOn('sync-start')) this.match((t) => t.on === 'sync-start', node);
    } else if (o.kind === 'role' && o.role === 'LEADING' && o.phase === 'DISCOVERY') {
      if (this.waitsOn('leading')) this.match((t) => t.on === 'leading', node);
    } else if (o.kind === 'logged' && this.waitsOn('proposal-logged')) {
      const s = this.kernel.stateOf(node) as ZabServer | undefined;
      if (s !== undefined && s.role === 'FOLLOWING' && s.phase === 'BROADCAST') this.match((t) => t.on === 'proposal-logged', node);
    }
  }

  /** A `catchUp` trigger matches only a learner catching up. */
  private caughtUp(t: Trigger, node: NodeId): boolean {
    return !('catchUp' in t) || t.catchUp !== true || (this.catchingUp?.has(node) ?? false);
  }

  delivered(from: NodeId, to: NodeId, msg: unknown): void {
    if (this.armed.length === 0) return;
    const m = msg as ZabMessage;
    if (this.catchingUp !== null && m.type !== 'ACK') this.trackSync(to, m);
    // The fault runs after this delivery's step: the SNAP is loaded, NEWLEADER (sent right behind
    // it) not read unless it arrives at the same instant.
    if (m.type === 'SNAP' && this.servers.has(to) && this.waitsOn('snap-loaded')) this.match((t) => t.on === 'snap-loaded', to);
    if (m.type !== 'ACK' || !this.servers.has(to)) return;
    if (counterOf(m.zxid) === 0) {
      if (this.waitsOn('newleader-acked')) this.match((t) => t.on === 'newleader-acked' && this.caughtUp(t, from), from);
      return;
    }
    if (!this.waitsOn('acked')) return;
    const key = `${to}:${m.zxid}`;
    let set = this.ackers.get(key);
    if (set === undefined) {
      if (this.ackers.size > 256) this.ackers.clear();
      set = new Set();
      this.ackers.set(key, set);
    }
    set.add(from);
    const count = set.size;
    this.match((t) => t.on === 'acked' && t.count === count, to);
  }

  /** DIFF/TRUNC/SNAP open a learner's sync; a SNAP, or a PROPOSAL before NEWLEADER, brings txns. */
  private trackSync(to: NodeId, m: ZabMessage): void {
    const set = this.catchingUp as Set<NodeId>;
    if (m.type === 'DIFF' || m.type === 'TRUNC') set.delete(to);
    else if (m.type === 'SNAP') set.add(to);
    else if (m.type === 'PROPOSAL' && (this.kernel.stateOf(to) as ZabServer | undefined)?.learner?.stage === 'SYNC') set.add(to);
  }
}
