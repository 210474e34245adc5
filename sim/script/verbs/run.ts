// run until=all-broadcast max=20000 msgs=PROPOSAL,COMMIT head=12
//
// The verb that moves time: by a number of ms, or until a condition holds after some step.
import { DEFAULT_MAX_MS, type ScriptEnv } from '../env.js';
import { intArg, listArg } from '../args.js';
import type { Command } from '../datadriven.js';

/**
 * `run ms=N [msgs=TYPE,...]` advances virtual time by N ms.
 * `run until=COND [max=MS] [msgs=TYPE,...]` runs until COND holds (checked after every step).
 * COND: leader-active · all-broadcast · leader=N · broadcast=N · looking=N · done (no client
 * operation open). Prints what happened (see scenarios/README.md), then `reached COND` or `not reached`.
 * `head=N` prints only the first N facts and how many more there were (a long loop, told once).
 */
export function run(env: ScriptEnv, cmd: Command): string[] {
  env.showTypes = new Set(listArg(cmd, 'msgs'));
  const ms = cmd.args.get('ms');
  const cond = cmd.args.get('until');
  if ((ms === undefined) === (cond === undefined)) throw new Error('run needs exactly one of ms= or until=');
  const head = cmd.args.has('head') ? intArg(cmd, 'head', 0) : null;
  if (ms !== undefined) {
    env.advance(Number(ms), null);
    clip(env, head);
    return [];
  }
  const test = condition(env, cond as string);
  if (test()) return [`already ${cond}`];
  const reached = env.advance(intArg(cmd, 'max', DEFAULT_MAX_MS), test);
  clip(env, head);
  return [reached ? `reached ${cond}` : `not reached: ${cond} (after ${intArg(cmd, 'max', DEFAULT_MAX_MS)} ms)`];
}

/** Keeps the first `head` facts of this command and counts the rest (a stop is always shown). */
function clip(env: ScriptEnv, head: number | null): void {
  if (head === null || env.events.length <= head) return;
  const last = env.events[env.events.length - 1] as string;
  const stop = last.startsWith('stopped: ') ? [last] : [];
  const more = env.events.length - head - stop.length;
  if (more <= 0) return;
  env.events = [...env.events.slice(0, head), `... ${more} more line${more === 1 ? '' : 's'}`, ...stop];
}

function condition(env: ScriptEnv, cond: string): () => boolean {
  const [name, arg] = cond.split('=');
  switch (name) {
    case 'leader-active':
      return () => env.activeLeader() !== null;
    case 'all-broadcast':
      return () => env.allBroadcast();
    case 'leader': {
      const id = env.serverArg(arg);
      return () => env.activeLeader() === id;
    }
    case 'broadcast': {
      const id = env.serverArg(arg);
      return () => env.server(id)?.phase === 'BROADCAST';
    }
    case 'looking': {
      const id = env.serverArg(arg);
      return () => env.server(id)?.role === 'LOOKING';
    }
    case 'done':
      return () => env.openOps.size === 0;
    default:
      throw new Error(`unknown condition '${cond}'`);
  }
}
