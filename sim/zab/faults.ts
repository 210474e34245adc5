// Faults as data. Targets may be named by role ("leader", "follower", "minority", ...) and are
// resolved when the fault fires, from the servers' states at that moment and the run's fault stream.
import type { NodeId } from '../../protocol/program.js';
import type { ZabServer } from '../../protocol/zab/state.js';
import type { Kernel } from '../kernel/kernel.js';
import type { Rng } from '../rng.js';

export type Target = number | 'leader' | 'follower' | 'observer' | 'any';

export type FaultEvent =
  | { readonly atMs: number; readonly type: 'partition'; readonly mode: 'halves' | 'isolate' | 'bridge' | 'ring'; readonly target?: Target }
  | { readonly atMs: number; readonly type: 'partition-groups'; readonly groups: readonly (readonly number[])[] }
  | { readonly atMs: number; readonly type: 'one-way'; readonly from: Target; readonly to: Target }
  | { readonly atMs: number; readonly type: 'heal' }
  | { readonly atMs: number; readonly type: 'crash'; readonly target: Target }
  | { readonly atMs: number; readonly type: 'restart'; readonly target: Target | 'all-down'; readonly wipeDisk?: boolean }
  | { readonly atMs: number; readonly type: 'pause'; readonly target: Target }
  | { readonly atMs: number; readonly type: 'resume'; readonly target: Target | 'all-paused' }
  | { readonly atMs: number; readonly type: 'skew'; readonly target: Target; readonly factor: number };

export function describeFault(f: FaultEvent): string {
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
    case 'pause':
      return `${f.type} ${f.target}`;
    case 'restart':
      return `restart ${f.target}${f.wipeDisk === true ? ' (disk wiped)' : ''}`;
    case 'resume':
      return `resume ${f.target}`;
    case 'skew':
      return `skew ${f.target} x${f.factor}`;
  }
}

/** Resolves a role-named target against the servers as they are now. */
export function resolveTarget(kernel: Kernel, servers: readonly NodeId[], target: Target, rng: Rng, wantUp = true): NodeId | null {
  if (typeof target === 'number') return target;
  const states = servers.map((id) => ({ id, s: kernel.stateOf(id) as ZabServer | undefined }));
  const candidates = states.filter(({ id, s }) => {
    if (wantUp && (s === undefined || kernel.isPaused(id))) return false;
    switch (target) {
      case 'leader':
        return s?.role === 'LEADING';
      case 'follower':
        return s?.role === 'FOLLOWING';
      case 'observer':
        return s?.role === 'OBSERVING';
      case 'any':
        return true;
    }
  });
  if (candidates.length === 0) return null;
  return rng.pick(candidates).id;
}

export function applyFault(kernel: Kernel, servers: readonly NodeId[], f: FaultEvent, rng: Rng): void {
  kernel.record({ k: 'nemesis', fault: describeFault(f) });
  switch (f.type) {
    case 'partition': {
      const shuffled = shuffle(servers, rng);
      if (f.mode === 'halves') {
        const cut = Math.floor(shuffled.length / 2);
        kernel.partition([shuffled.slice(0, cut), shuffled.slice(cut)]);
      } else if (f.mode === 'isolate') {
        const who = resolveTarget(kernel, servers, f.target ?? 'any', rng, false) ?? (shuffled[0] as NodeId);
        kernel.partition([[who], servers.filter((s) => s !== who)]);
      } else if (f.mode === 'bridge') {
        // Two halves that can both reach one bridge node.
        const bridge = shuffled[0] as NodeId;
        const rest = shuffled.slice(1);
        const cut = Math.floor(rest.length / 2);
        const a = rest.slice(0, cut);
        const b = rest.slice(cut);
        for (const x of a) for (const y of b) {
          kernel.cutLink(x, y);
          kernel.cutLink(y, x);
        }
        kernel.record({ k: 'fault', fault: 'bridge', bridge, groups: [a, b] });
      } else {
        // A ring: each node reaches only its two neighbours.
        const n = shuffled.length;
        for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
          const d = Math.min((i - j + n) % n, (j - i + n) % n);
          if (d > 1) kernel.cutLink(shuffled[i] as NodeId, shuffled[j] as NodeId);
        }
        kernel.record({ k: 'fault', fault: 'ring', order: shuffled });
      }
      return;
    }
    case 'partition-groups':
      kernel.partition(f.groups);
      return;
    case 'one-way': {
      const from = resolveTarget(kernel, servers, f.from, rng, false);
      const to = resolveTarget(kernel, servers, f.to, rng, false);
      if (from !== null && to !== null && from !== to) {
        kernel.cutLink(from, to);
        kernel.record({ k: 'fault', fault: 'one-way', from, to });
      }
      return;
    }
    case 'heal':
      kernel.healAll();
      return;
    case 'crash': {
      const who = resolveTarget(kernel, servers, f.target, rng);
      if (who !== null) kernel.crash(who);
      return;
    }
    case 'restart': {
      const down = servers.filter((id) => !kernel.isUp(id));
      if (f.target === 'all-down') {
        for (const id of down) kernel.restart(id, { wipeDisk: f.wipeDisk === true });
        return;
      }
      const who = typeof f.target === 'number' ? f.target : down.length > 0 ? rng.pick(down) : null;
      if (who !== null) kernel.restart(who, { wipeDisk: f.wipeDisk === true });
      return;
    }
    case 'pause': {
      const who = resolveTarget(kernel, servers, f.target, rng);
      if (who !== null) kernel.pause(who);
      return;
    }
    case 'resume': {
      const paused = servers.filter((id) => kernel.isPaused(id));
      if (f.target === 'all-paused') for (const id of paused) kernel.resume(id);
      else {
        const who = typeof f.target === 'number' ? f.target : paused.length > 0 ? rng.pick(paused) : null;
        if (who !== null) kernel.resume(who);
      }
      return;
    }
    case 'skew': {
      const who = resolveTarget(kernel, servers, f.target, rng, false);
      if (who !== null) kernel.setTimerSkew(who, f.factor);
      return;
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
    if (roll < 0.2) plan.push({ atMs, type: 'partition', mode: rng.pick(['halves', 'isolate', 'bridge', 'ring'] as const), target: rng.pick(['leader', 'follower', 'any'] as const) });
    else if (roll < 0.3) plan.push({ atMs, type: 'one-way', from: rng.pick(['leader', 'any'] as const), to: 'any' });
    else if (roll < 0.45) plan.push({ atMs, type: 'heal' });
    else if (roll < 0.6) plan.push({ atMs, type: 'crash', target: rng.pick(['leader', 'follower', 'any'] as const) });
    else if (roll < 0.75) plan.push({ atMs, type: 'restart', target: 'any' }); // no disk wipes: Zab does not tolerate a voter losing its log
    else if (roll < 0.85) plan.push({ atMs, type: 'pause', target: rng.pick(['leader', 'any'] as const) });
    else plan.push({ atMs, type: 'resume', target: 'all-paused' });
  }
  return plan.sort((a, b) => a.atMs - b.atMs);
}
