// Faults as data. Every fault is a JSON object with a name (`type`) and, for partitions, a shape
// (`mode`). Targets may be named by role ("leader", "follower", "observer", "minority",
// "majority", "any", or "trigger" = the server a protocol trigger matched) and are resolved when the
// fault fires, from the servers' states at that moment and the run's fault stream.
//
// A fault fires at `atMs`, or, when it has a `when` trigger, at the first matching protocol event
// at or after `atMs` (sim/fuzz/triggers.ts): "when server 1 sends its 3rd PROPOSAL", "when a
// proposal has been acked by exactly one follower", "when a follower enters SYNCHRONIZATION",
// "after a follower's NEWLEADER ack reaches the leader", "between a learner's currentEpoch write
// and its fsync", "when a follower has logged a txn, before its fsync", "when a server starts to lead",
// "when a leader sends the first PROPOSAL of its epoch"; optionally `delayMs` later.
import type { NodeId } from '../../protocol/program.js';
import type { ZabServer } from '../../protocol/zab/state.js';
import type { Kernel } from '../kernel/kernel.js';
import type { Rng } from '../rng.js';

/** One server (number, role or "any"), or a group ("minority", "majority"). */
export type Target = number | 'leader' | 'follower' | 'observer' | 'any' | 'minority' | 'majority' | 'trigger';

export type PartitionMode = 'halves' | 'isolate' | 'bridge' | 'ring';

/**
 * A protocol event that fires a fault instead of a clock time; `delayMs` later if given (the
 * subject stays the server the event matched, so "restart it 800 ms after it crashed" is a fault).
 */
export type Trigger = TriggerEvent & { readonly delayMs?: number };

/**
 * `catchUp` on the sync triggers: only a learner catching up, i.e. one whose current sync brought
 * txns it lacked (a SNAP, or PROPOSAL packets in a DIFF), not one that was already in step.
 */
export type TriggerEvent =
  /** Server `server` sends the first copy of its `n`-th PROPOSAL. Subject: that server. */
  | { readonly on: 'nth-proposal'; readonly server: Target; readonly n: number }
  /** ACKs of one proposal from exactly `count` followers have reached the leader. Subject: the leader. */
  | { readonly on: 'acked'; readonly count: number }
  /** A follower enters SYNCHRONIZATION. Subject: that follower. */
  | { readonly on: 'sync-start' }
  /** A follower's ACK of NEWLEADER reached the leader. Subject: that follower. */
  | { readonly on: 'newleader-acked'; readonly catchUp?: boolean }
  /** A learner wrote currentEpoch; its pending writes are not all fsynced. Subject: that learner. */
  | { readonly on: 'epoch-written'; readonly catchUp?: boolean }
  /**
   * A follower in BROADCAST logged a txn (a PROPOSAL, or a sync txn it logs at UPTODATE); its fsync
   * (and ACK) is still pending. Subject: that follower.
   */
  | { readonly on: 'proposal-logged' }
  /**
   * A learner read a SNAP (its sync's first packet) and has not read NEWLEADER: the leader's state
   * is in its memory only, not yet on its disk. Subject: that learner.
   */
  | { readonly on: 'snap-loaded' }
  /** A server starts to lead (Leader.lead: its role becomes LEADING, in DISCOVERY). Subject: that server. */
  | { readonly on: 'leading' }
  /** A leader sends the first PROPOSAL of its epoch (its first copy). Subject: that leader. */
  | { readonly on: 'epoch-first-proposal' };

type Timing = { readonly atMs: number; readonly when?: Trigger };

export type FaultAction =
  | { readonly type: 'partition'; readonly mode: PartitionMode; readonly target?: Target }
  | { readonly type: 'partition-groups'; readonly groups: readonly (readonly number[])[] }
  | { readonly type: 'one-way'; readonly from: Target; readonly to: Target }
  | { readonly type: 'heal' }
  /** `keepUnsynced`: the OS flushed the buffered writes anyway (default: they are lost). */
  | { readonly type: 'crash'; readonly target: Target; readonly keepUnsynced?: boolean }
  /** `longest-down`: the server that has been down the longest (a lagging one comes back first). */
  | { readonly type: 'restart'; readonly target: Target | 'all-down' | 'longest-down'; readonly wipeDisk?: boolean }
  | { readonly type: 'pause'; readonly target: Target }
  | { readonly type: 'resume'; readonly target: Target | 'all-paused' }
  | { readonly type: 'skew'; readonly target: Target; readonly factor: number }
  /** A window of loss, duplication or added delay (clogging) on the links from → to. */
  | {
      readonly type: 'link';
      readonly from: Target | '*';
      readonly to: Target | '*';
      readonly durationMs: number;
      readonly loss?: number;
      readonly duplicate?: number;
      readonly delayMs?: number;
    }
  /** A client process dies for good (its open operations stay unknown). `client` counts from 0. */
  | { readonly type: 'kill-client'; readonly client: number }
  /**
   * A disk stall: for `durationMs`, every fsync the target starts takes `fsyncMs` longer (a real
   * disk's latency spike: a busy shared device, a RAID rebuild, a cloud volume's throttling).
   */
  | { readonly type: 'slow-disk'; readonly target: Target; readonly durationMs: number; readonly fsyncMs: number };

export type FaultEvent = Timing & FaultAction;
export type FaultType = FaultAction['type'];

export const FAULT_TYPES: readonly FaultType[] = [
  'partition',
  'partition-groups',
  'one-way',
  'heal',
  'crash',
  'restart',
  'pause',
  'resume',
  'skew',
  'link',
  'kill-client',
  'slow-disk',
];

export function describeTrigger(t: Trigger): string {
  const event = describeTriggerEvent(t);
  return t.delayMs === undefined || t.delayMs === 0 ? event : `${event}, +${t.delayMs}ms`;
}

function describeTriggerEvent(t: TriggerEvent): string {
  switch (t.on) {
    case 'nth-proposal':
      return `when ${t.server} sends its PROPOSAL #${t.n}`;
    case 'acked':
      return `when a proposal is acked by exactly ${t.count} follower${t.count === 1 ? '' : 's'}`;
    case 'sync-start':
      return 'when a follower enters SYNCHRONIZATION';
    case 'newleader-acked':
      return `when ${t.catchUp === true ? 'a catching-up' : 'a'} follower's NEWLEADER ack reaches the leader`;
    case 'epoch-written':
      return `between ${t.catchUp === true ? 'a catching-up' : 'a'} learner's currentEpoch write and its fsync`;
    case 'proposal-logged':
      return 'when a follower has logged a txn, before its fsync';
    case 'snap-loaded':
      return 'when a learner has loaded a SNAP, before NEWLEADER';
    case 'leading':
      return 'when a server starts to lead';
    case 'epoch-first-proposal':
      return 'when a leader sends the first PROPOSAL of its epoch';
  }
}

export function describeAction(f: FaultAction): string {
  switch (f.type) {
    case 'partition':
      return `partition ${f.mode}${f.target === undefined ? '' : ` ${f.target}`}`;
    case 'partition-groups':
      return `partition ${f.groups.map((g) => `{${g.join(',')}}`).join(' ')}`;
    case 'one-way':
      return `cut ${f.from} -> ${f.to}`;
    case 'heal':
      return 'heal';
    case 'crash':
      return `crash ${f.target}${f.keepUnsynced === true ? ' (unsynced writes survive)' : ''}`;
    case 'pause':
      return `pause ${f.target}`;
    case 'restart':
      return `restart ${f.target}${f.wipeDisk === true ? ' (disk wiped)' : ''}`;
    case 'resume':
      return `resume ${f.target}`;
    case 'skew':
      return `skew ${f.target} x${f.factor}`;
    case 'link': {
      const what = [
        f.loss !== undefined ? `loss ${Math.round(f.loss * 100)}%` : '',
        f.duplicate !== undefined ? `dup ${Math.round(f.duplicate * 100)}%` : '',
        f.delayMs !== undefined ? `delay +${f.delayMs}ms` : '',
      ]
        .filter((x) => x !== '')
        .join(', ');
      return `${what === '' ? 'link' : what} on ${f.from} -> ${f.to} for ${f.durationMs}ms`;
    }
    case 'kill-client':
      return `kill client #${f.client}`;
    case 'slow-disk':
      return `slow disk on ${f.target}: fsync +${f.fsyncMs}ms for ${f.durationMs}ms`;
  }
}

export function describeFault(f: FaultEvent): string {
  return describeAction(f);
}

/** "at 3200ms: crash leader" or "after 3200ms, when ...: crash trigger". */
export function describeTimedFault(f: FaultEvent): string {
  return f.when === undefined ? `at ${f.atMs}ms: ${describeAction(f)}` : `after ${f.atMs}ms, ${describeTrigger(f.when)}: ${describeAction(f)}`;
}

/** Where a fault fires: role-named targets resolve against this context. */
export interface FaultContext {
  readonly kernel: Kernel;
  readonly servers: readonly NodeId[];
  readonly voters: readonly NodeId[];
  readonly clients: readonly NodeId[];
  readonly rng: Rng;
  /** The server a trigger matched, for target "trigger". */
  readonly subject: NodeId | null;
  /** Servers now down, longest-down first (for restart "longest-down"; else: any down server). */
  readonly downOrder?: () => readonly NodeId[];
}

function roleOf(kernel: Kernel, id: NodeId): string | undefined {
  return (kernel.stateOf(id) as ZabServer | undefined)?.role;
}

/** Resolves a role-named target to servers, as they are now. Groups resolve to several. */
export function resolveTargets(ctx: FaultContext, target: Target, wantUp = true): NodeId[] {
  const { kernel, servers, rng } = ctx;
  if (typeof target === 'number') return servers.includes(target) ? [target] : [];
  if (target === 'trigger') return ctx.subject === null ? [] : [ctx.subject];
  if (target === 'minority' || target === 'majority') {
    const voters = shuffle(ctx.voters, rng);
    const size = target === 'minority' ? Math.floor((voters.length - 1) / 2) : Math.floor(voters.length / 2) + 1;
    // Prefer to include the leader in a minority: that is the interesting case.
    const leader = voters.find((id) => roleOf(kernel, id) === 'LEADING');
    const ordered = leader === undefined ? voters : [leader, ...voters.filter((v) => v !== leader)];
    return ordered.slice(0, Math.max(1, size));
  }
  const candidates = servers.filter((id) => {
    if (wantUp && (!kernel.isUp(id) || kernel.isPaused(id))) return false;
    const role = roleOf(kernel, id);
    switch (target) {
      case 'leader':
        return role === 'LEADING';
      case 'follower':
        return role === 'FOLLOWING';
      case 'observer':
        return role === 'OBSERVING';
      case 'any':
        return true;
    }
  });
  if (candidates.length === 0) return [];
  return [rng.pick(candidates)];
}

/** Resolves a one-server target (kept for callers that predate groups). */
export function resolveTarget(kernel: Kernel, servers: readonly NodeId[], target: Target, rng: Rng, wantUp = true): NodeId | null {
  return resolveTargets({ kernel, servers, voters: servers, clients: [], rng, subject: null }, target, wantUp)[0] ?? null;
}

/** Applies a fault now. `servers` are the Zab servers; the old positional form is kept for callers. */
export function applyFault(kernel: Kernel, servers: readonly NodeId[], f: FaultEvent, rng: Rng): void {
  applyFaultIn({ kernel, servers, voters: servers, clients: [], rng, subject: null }, f);
}

/** Applies a fault in a context; returns the servers it resolved to (for capsules and narration). */
export function applyFaultIn(ctx: FaultContext, f: FaultAction): NodeId[] {
  const { kernel, servers, rng } = ctx;
  kernel.record({ k: 'nemesis', fault: describeAction(f) });
  switch (f.type) {
    case 'partition': {
      const shuffled = shuffle(servers, rng);
      if (f.mode === 'halves') {
        const cut = Math.floor(shuffled.length / 2);
        kernel.partition([shuffled.slice(0, cut), shuffled.slice(cut)]);
        return shuffled.slice(0, cut);
      }
      if (f.mode === 'isolate') {
        let side = resolveTargets(ctx, f.target ?? 'any', false);
        if (side.length === 0) side = [shuffled[0] as NodeId];
        kernel.partition([side, servers.filter((s) => !side.includes(s))]);
        return side;
      }
      if (f.mode === 'bridge') {
        // Two halves that can both reach one bridge node.
        const bridge = shuffled[0] as NodeId;
        const rest = shuffled.slice(1);
        const cut = Math.floor(rest.length / 2);
        const a = rest.slice(0, cut);
        const b = rest.slice(cut);
        for (const x of a)
          for (const y of b) {
            kernel.cutLink(x, y);
            kernel.cutLink(y, x);
          }
        kernel.record({ k: 'fault', fault: 'bridge', bridge, groups: [a, b] });
        return [bridge];
      }
      // Majorities ring: each node reaches only its two neighbours (a majority of 3 or 5 sees itself + 2).
      const n = shuffled.length;
      for (let i = 0; i < n; i++)
        for (let j = 0; j < n; j++) {
          const d = Math.min((i - j + n) % n, (j - i + n) % n);
          if (d > 1) kernel.cutLink(shuffled[i] as NodeId, shuffled[j] as NodeId);
        }
      kernel.record({ k: 'fault', fault: 'ring', order: shuffled });
      return shuffled;
    }
    case 'partition-groups':
      kernel.partition(f.groups);
      return [];
    case 'one-way': {
      const from = resolveTargets(ctx, f.from, false);
      const to = resolveTargets(ctx, f.to, false);
      for (const a of from)
        for (const b of to) {
          if (a === b) continue;
          kernel.cutLink(a, b);
          kernel.record({ k: 'fault', fault: 'one-way', from: a, to: b });
        }
      return from;
    }
    case 'heal':
      kernel.healAll();
      return [];
    case 'crash': {
      const who = resolveTargets(ctx, f.target);
      for (const id of who) kernel.crash(id, f.keepUnsynced === true ? { keepUnsynced: true } : {});
      return who;
    }
    case 'restart': {
      const down = servers.filter((id) => !kernel.isUp(id));
      if (f.target === 'all-down') {
        for (const id of down) kernel.restart(id, { wipeDisk: f.wipeDisk === true });
        return down;
      }
      const longest = f.target === 'longest-down' ? ctx.downOrder?.().find((id) => down.includes(id)) : undefined;
      const who =
        typeof f.target === 'number'
          ? [f.target]
          : f.target === 'trigger'
            ? resolveTargets(ctx, 'trigger', false)
            : longest !== undefined
              ? [longest]
              : down.length > 0
                ? [rng.pick(down)]
                : [];
      for (const id of who) kernel.restart(id, { wipeDisk: f.wipeDisk === true });
      return who;
    }
    case 'pause': {
      const who = resolveTargets(ctx, f.target);
      for (const id of who) kernel.pause(id);
      return who;
    }
    case 'resume': {
      const paused = servers.filter((id) => kernel.isPaused(id));
      const who = f.target === 'all-paused' ? paused : typeof f.target === 'number' ? [f.target] : paused.length > 0 ? [rng.pick(paused)] : [];
      for (const id of who) kernel.resume(id);
      return who;
    }
    case 'skew': {
      const who = resolveTargets(ctx, f.target, false);
      for (const id of who) kernel.setTimerSkew(id, f.factor);
      return who;
    }
    case 'link': {
      const from = f.from === '*' ? ['*' as const] : resolveTargets(ctx, f.from, false);
      const to = f.to === '*' ? ['*' as const] : resolveTargets(ctx, f.to, false);
      const fromUs = kernel.nowUs;
      for (const a of from)
        for (const b of to) {
          kernel.addFaultWindow({
            from: a,
            to: b,
            fromUs,
            untilUs: fromUs + f.durationMs * 1000,
            ...(f.loss === undefined ? {} : { lossProbability: f.loss }),
            ...(f.duplicate === undefined ? {} : { duplicateProbability: f.duplicate }),
            ...(f.delayMs === undefined ? {} : { extraDelayUs: f.delayMs * 1000 }),
          });
        }
      return from.filter((x): x is NodeId => x !== '*');
    }
    case 'kill-client': {
      const client = ctx.clients[f.client];
      if (client !== undefined) kernel.crash(client);
      return client === undefined ? [] : [client];
    }
    case 'slow-disk': {
      // The device is slow whether the process is up or not (wantUp false).
      const who = resolveTargets(ctx, f.target, false);
      for (const id of who) kernel.stallDisk(id, kernel.nowUs + f.durationMs * 1000, f.fsyncMs * 1000);
      return who;
    }
  }
}

function shuffle<T>(items: readonly T[], rng: Rng): T[] {
  const out = items.slice();
  for (let i = out.length - 1; i > 0; i--) {
    const j = rng.intInclusive(0, i);
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

/** A random fault plan for property runs: partitions, crashes and restarts, pauses, loss windows. */
export function randomFaultPlan(rng: Rng, untilMs: number, count: number): FaultEvent[] {
  const plan: FaultEvent[] = [];
  for (let i = 0; i < count; i++) {
    const atMs = rng.intInclusive(2_000, Math.max(2_001, untilMs - 1_000));
    const roll = rng.next();
    if (roll < 0.2)
      plan.push({
        atMs,
        type: 'partition',
        mode: rng.pick(['halves', 'isolate', 'bridge', 'ring'] as const),
        target: rng.pick(['leader', 'follower', 'any'] as const),
      });
    else if (roll < 0.3) plan.push({ atMs, type: 'one-way', from: rng.pick(['leader', 'any'] as const), to: 'any' });
    else if (roll < 0.45) plan.push({ atMs, type: 'heal' });
    else if (roll < 0.6) plan.push({ atMs, type: 'crash', target: rng.pick(['leader', 'follower', 'any'] as const) });
    else if (roll < 0.75)
      plan.push({ atMs, type: 'restart', target: 'any' }); // no disk wipes: Zab does not tolerate a voter losing its log
    else if (roll < 0.85) plan.push({ atMs, type: 'pause', target: rng.pick(['leader', 'any'] as const) });
    else plan.push({ atMs, type: 'resume', target: 'all-paused' });
  }
  return plan.sort((a, b) => a.atMs - b.atMs);
}
