// Fault plans for the fault recorder: which server to crash (SIGKILL, then a restart) or pause (SIGSTOP,
// then SIGCONT), when, and for how long. The leader is found when the fault starts, with `srvr`.
// Every plan undoes itself in `cleanup()` (continue paused servers, restart killed ones), which the
// recorder calls in a finally block, so a failed run never leaves a stopped or missing JVM behind.
import type { Ensemble } from './ensemble.js';
import type { Rng } from '../../sim/rng.js';

export const FAULT_PLANS = ['kill-leader', 'kill-follower', 'pause-leader', 'pause-follower', 'kill-follower-then-pause-leader'] as const;
/**
 * Faults that strike as the run starts (its first session is connected, the others are connecting):
 * most of the workload's sessions meet an ensemble already missing a server (its leader killed, a
 * follower stopped), as clients arriving between two faulty stretches would.
 */
export const START_PLANS = ['kill-leader-at-start', 'pause-follower-at-start'] as const;
export type FaultPlanName = (typeof FAULT_PLANS)[number] | (typeof START_PLANS)[number];

type Step = { readonly atMs: number; readonly action: 'kill' | 'pause'; readonly role: 'leader' | 'follower'; readonly forMs: number };

/**
 * When a plan strikes and for how long. The defaults are the fault recorder's (about 15 s runs); the
 * live test takes short runs on one ensemble. A pause always outlasts the session timeout by
 * `pauseBeyondTimeoutMs`, so that sessions held on the paused server expire.
 */
export type FaultTiming = { readonly firstAtMs: number; readonly secondAtMs: number; readonly killForMs: number; readonly pauseBeyondTimeoutMs: number };
export const RECORDER_TIMING: FaultTiming = { firstAtMs: 3000, secondAtMs: 7000, killForMs: 2500, pauseBeyondTimeoutMs: 2500 };
export const SHORT_TIMING: FaultTiming = { firstAtMs: 700, secondAtMs: 2600, killForMs: 1500, pauseBeyondTimeoutMs: 1000 };

/** The steps of a plan; a pause lasts longer than the session timeout, so sessions held there expire. */
export function planSteps(plan: FaultPlanName, sessionTimeoutMs: number, t: FaultTiming = RECORDER_TIMING): Step[] {
  const pauseMs = sessionTimeoutMs + t.pauseBeyondTimeoutMs;
  switch (plan) {
    case 'kill-leader':
      return [{ atMs: t.firstAtMs, action: 'kill', role: 'leader', forMs: t.killForMs }];
    case 'kill-follower':
      return [{ atMs: t.firstAtMs, action: 'kill', role: 'follower', forMs: t.killForMs }];
    case 'pause-leader':
      return [{ atMs: t.firstAtMs, action: 'pause', role: 'leader', forMs: pauseMs }];
    case 'pause-follower':
      return [{ atMs: t.firstAtMs, action: 'pause', role: 'follower', forMs: pauseMs }];
    case 'kill-follower-then-pause-leader':
      return [
        { atMs: t.firstAtMs - 500, action: 'kill', role: 'follower', forMs: t.killForMs - 500 },
        { atMs: t.secondAtMs, action: 'pause', role: 'leader', forMs: pauseMs },
      ];
    case 'kill-leader-at-start':
      return [{ atMs: 0, action: 'kill', role: 'leader', forMs: t.killForMs }];
    case 'pause-follower-at-start':
      return [{ atMs: 0, action: 'pause', role: 'follower', forMs: pauseMs }];
  }
}

export type FaultLog = { atMs: number; what: string }[];

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Runs the plan's steps against the ensemble; `elapsedMs` is the recorder's clock. */
export class FaultRunner {
  readonly log: FaultLog = [];
  readonly #ensemble: Ensemble;
  readonly #rng: Rng;
  readonly #paused = new Set<number>();
  readonly #killed = new Set<number>();

  constructor(ensemble: Ensemble, rng: Rng) {
    this.#ensemble = ensemble;
    this.#rng = rng;
  }

  async #target(role: 'leader' | 'follower'): Promise<number> {
    const modes = await this.#ensemble.modes();
    const ids = modes.map((m, i) => ({ m, id: i + 1 })).filter((x) => x.m === role && !this.#paused.has(x.id) && !this.#killed.has(x.id));
    if (ids.length === 0) throw new Error(`fault plan: no ${role} to hit (modes ${modes.join(',')})`);
    return this.#rng.pick(ids).id;
  }

  async run(steps: readonly Step[], elapsedMs: () => number, stopped: () => boolean): Promise<void> {
    for (const step of steps) {
      const wait = step.atMs - elapsedMs();
      if (wait > 0) await sleep(wait);
      if (stopped()) return;
      const id = await this.#target(step.role);
      if (step.action === 'kill') {
        await this.#ensemble.kill(id);
        this.#killed.add(id);
        this.log.push({ atMs: elapsedMs(), what: `SIGKILL server ${id} (${step.role})` });
        await sleep(step.forMs);
        this.#ensemble.restart(id);
        this.#killed.delete(id);
        this.log.push({ atMs: elapsedMs(), what: `restart server ${id}` });
      } else {
        this.#ensemble.pause(id);
        this.#paused.add(id);
        this.log.push({ atMs: elapsedMs(), what: `SIGSTOP server ${id} (${step.role})` });
        await sleep(step.forMs);
        this.#ensemble.resume(id);
        this.#paused.delete(id);
        this.log.push({ atMs: elapsedMs(), what: `SIGCONT server ${id}` });
      }
    }
  }

  /** Continue every paused server and restart every killed one (idempotent). */
  cleanup(): void {
    for (const id of this.#paused) this.#ensemble.resume(id);
    this.#paused.clear();
    for (const id of this.#killed) this.#ensemble.restart(id);
    this.#killed.clear();
  }

  /** The end time of the plan's last step. */
  static endMs(steps: readonly Step[]): number {
    return Math.max(0, ...steps.map((s) => s.atMs + s.forMs));
  }
}
