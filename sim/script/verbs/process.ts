// crash 3
// restart 3 wipe
// pause 2
//
// Process faults: a crash (unsynced writes lost), a restart from disk, a pause (a GC stop) and resume.
import { AssertionError } from '../../../protocol/assert.js';
import type { ZabDisk } from '../../../protocol/zab/disk.js';
import type { Command } from '../datadriven.js';
import { describeDisk } from '../describe.js';
import type { ScriptEnv } from '../env.js';

/** `crash N`: the process dies; unsynced writes are lost; peers see their connections reset. */
export function crash(env: ScriptEnv, cmd: Command): string[] {
  const name = cmd.words[0];
  if (name !== undefined && env.clients.has(name)) {
    env.k.crash(env.nodeArg(name));
    env.clientDied(env.nodeArg(name));
    return [`${name} crashed (client process)`];
  }
  const id = env.serverArg(name);
  env.k.crash(id);
  const d = env.k.diskOf(id) as ZabDisk;
  return [`${id} crashed: disk ${describeDisk(d)}`];
}

/**
 * `restart N [wipe]` (or `start N` for a server never started): boots from disk (an empty one with
 * `wipe`). A disk that fails the server's own checks (acceptedEpoch < currentEpoch) stops the run.
 * Prints the server's boot note.
 */
export function restart(env: ScriptEnv, cmd: Command): string[] {
  const id = env.serverArg(cmd.words[0]);
  if (env.k.isUp(id)) throw new Error(`server ${id} is up`);
  env.notes = new Map();
  try {
    env.k.restart(id, { wipeDisk: cmd.words.includes('wipe') });
  } catch (error) {
    // A disk the server refuses to load stops the run, as an assertion inside `run` does.
    if (!(error instanceof AssertionError)) throw error;
    env.broken = `assertion on server ${id}: ${error.message}`;
    env.k.record({ k: 'assertion', node: id, message: error.message });
    env.checker?.recordAssertion(id, error.message);
    return [`${id} refused to boot: ${error.message}`, `stopped: ${env.broken}`];
  }
  return (env.notes.get(id) ?? []).filter((n) => n.startsWith('boot:')).map((n) => `${id} ${n}`);
}

/** `pause N`: a stopped process (GC pause); events for it wait until it resumes. */
export function pause(env: ScriptEnv, cmd: Command): string[] {
  const id = env.nodeArg(cmd.words[0]);
  env.k.pause(id);
  return [`${env.nodeName(id)} paused`];
}

/** `resume N`: the paused process runs again and handles what waited for it, in order. */
export function resume(env: ScriptEnv, cmd: Command): string[] {
  const id = env.nodeArg(cmd.words[0]);
  env.k.resume(id);
  return [`${env.nodeName(id)} resumed`];
}
