// partition {1} {2 3}
// heal
//
// Network partitions: cut every link between groups, or heal them all.
import type { Command } from '../datadriven.js';
import type { ScriptEnv } from '../env.js';

/** `partition {1} {2 3}`: cuts every link between the groups, both ways (in-flight messages are lost). */
export function partition(env: ScriptEnv, cmd: Command): string[] {
  if (cmd.groups.length < 2) throw new Error('partition needs at least two {groups}');
  const groups = cmd.groups.map((g) => g.map((x) => env.nodeArg(x)));
  env.k.partition(groups);
  return [`cut ${cmd.groups.map((g) => `{${g.join(' ')}}`).join(' | ')}`];
}

/** `heal`: every link works again (new connections open on the next send). */
export function heal(env: ScriptEnv): string[] {
  env.k.healAll();
  return ['healed'];
}
