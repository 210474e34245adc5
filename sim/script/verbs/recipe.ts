// lock c1 acquire
// elect c2
// group c3 join
//
// The recipe clients' commands (service=zk): hand the recipe its command, wait for a claim.
import { intArg } from '../args.js';
import type { Command } from '../datadriven.js';
import type { ScriptEnv } from '../env.js';

/**
 * `lock C acquire|release`, `elect C` (election recipe: volunteer), `group C join|watch`: hands
 * a recipe client its command, then runs until that client claims something (acquired, leader,
 * released, members) or `max` ms pass (default 2000: a waiter only waits).
 */
export function recipeOp(env: ScriptEnv, cmd: Command): string[] {
  env.needZk(cmd.verb);
  const [name, action] = cmd.words;
  const id = env.zkClient(name, cmd.verb);
  const recipe = env.recipes.get(id);
  const want = cmd.verb === 'elect' ? 'election' : cmd.verb;
  if (recipe !== want)
    throw new Error(
      `client ${name} runs ${recipe === undefined ? 'no recipe' : `the ${recipe} recipe`}; open it with session open ${name} recipe=${want} dir=/path`,
    );
  let op: { type: string };
  if (cmd.verb === 'lock' && (action === 'acquire' || action === 'release')) op = { type: action === 'acquire' ? 'lock' : 'unlock' };
  else if (cmd.verb === 'elect' && action === undefined) op = { type: 'lock' };
  else if (cmd.verb === 'group' && (action === 'join' || action === 'watch')) op = { type: action };
  else throw new Error(`expected: ${cmd.verb === 'lock' ? 'lock CLIENT acquire|release' : cmd.verb === 'elect' ? 'elect CLIENT' : 'group CLIENT join|watch'}`);
  const before = env.claims.length;
  env.k.inject(id, { type: 'APP_OP', op });
  const max = intArg(cmd, 'max', 2000);
  env.advance(max, () => env.claims.slice(before).some((c) => c.node === id));
  return [];
}
