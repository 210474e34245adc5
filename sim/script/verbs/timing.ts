// slow from=3 to=2 ms=100 for=60000
// skew 2 factor=1.5
//
// Timing faults: a slow link (extra delay, FIFO kept) and a server whose clock runs slow or fast.
import { intArg } from '../args.js';
import type { Command } from '../datadriven.js';
import { MS, type ScriptEnv } from '../env.js';

/** `slow from=A to=B ms=D [for=MS]`: every packet A → B takes D ms longer (FIFO kept), for MS ms (default 60000). */
export function slow(env: ScriptEnv, cmd: Command): string[] {
  const from = env.nodeArg(cmd.args.get('from'));
  const to = env.nodeArg(cmd.args.get('to'));
  const ms = intArg(cmd, 'ms', 0);
  if (ms === 0) throw new Error('expected ms=D, the extra delay in ms');
  const span = intArg(cmd, 'for', 60_000);
  env.k.addFaultWindow({ from, to, fromUs: env.k.nowUs, untilUs: env.k.nowUs + span * MS, extraDelayUs: ms * MS });
  return [`slow ${cmd.args.get('from')}->${cmd.args.get('to')}: +${ms} ms for ${span} ms`];
}

/** `skew N factor=F`: server N's timers take F times as long (a slow clock; F < 1: a fast one). */
export function skew(env: ScriptEnv, cmd: Command): string[] {
  const id = env.serverArg(cmd.words[0]);
  const factor = Number(cmd.args.get('factor'));
  if (!(factor > 0)) throw new Error('expected: skew N factor=F (F > 0)');
  env.k.setTimerSkew(id, factor);
  return [`${id} timers x${factor}`];
}
