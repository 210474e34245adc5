// session open c1 via=2 timeout=4000 recipe=lock dir=/lock
// session expire c1
//
// ZooKeeper sessions (service=zk): open a client, close its session, or let it expire.
import { defaultZkClientConfig, zkClientProgram, type ZkClientConfig } from '../../../protocol/client/zk-client.js';
import { recipeProgram, type Recipe } from '../../../protocol/client/recipes/host.js';
import { lockRecipe } from '../../../protocol/client/recipes/lock.js';
import { groupRecipe } from '../../../protocol/client/recipes/group.js';
import type { NodeId } from '../../../protocol/program.js';
import { ephemeralsOf, type DataTree } from '../../../protocol/tree/index.js';
import { intArg } from '../args.js';
import type { Command } from '../datadriven.js';
import { DEFAULT_MAX_MS, type ScriptEnv } from '../env.js';
import { zkCall } from './zk-call.js';

/**
 * `session open C [via=S] [timeout=MS] [recipe=lock|election|group dir=/path] [nowait]`: a new
 * ZooKeeper client C (connect string: `via` first, then the other servers in order; default
 * session timeout 4000 ms), run until its session is CONNECTED.
 * `session close C`: closeSession, waits for the reply (its ephemerals go at once).
 * `session expire C`: C's process dies without closing; runs until the leader expires the
 * session (after its timeout), which deletes C's ephemerals and fires their watches.
 */
export function session(env: ScriptEnv, cmd: Command): string[] {
  env.needZk('session');
  const [sub, name] = cmd.words;
  if (sub === 'open') return open(env, cmd, name);
  const id = env.zkClient(name, `session ${sub ?? ''}`);
  if (sub === 'close') return zkCall(env, cmd, id, name as string, { type: 'close' });
  if (sub === 'expire') return expire(env, cmd, id, name as string);
  throw new Error(`'session ${sub ?? ''}': expected session open|close|expire CLIENT`);
}

function open(env: ScriptEnv, cmd: Command, name: string | undefined): string[] {
  if (name === undefined) throw new Error('expected: session open CLIENT [via=S] [timeout=MS] [recipe=lock|election|group dir=/path]');
  if (env.clients.has(name)) throw new Error(`client ${name} exists already`);
  const via = cmd.args.get('via') !== undefined ? env.serverArg(cmd.args.get('via')) : (env.activeLeader() ?? (env.servers[0] as NodeId));
  const order = [via, ...env.servers.filter((s) => s !== via)];
  const config: ZkClientConfig = defaultZkClientConfig(order, intArg(cmd, 'timeout', 4000));
  const recipeName = cmd.args.get('recipe');
  const id = env.servers.length + env.clients.size + 1;
  if (recipeName === undefined)
    env.k.addNode(
      id,
      zkClientProgram(() => config),
    );
  else {
    const dir = cmd.args.get('dir');
    if (dir === undefined || !dir.startsWith('/')) throw new Error('a recipe client needs dir=/path (the lock, election or group directory)');
    const recipe: Recipe<unknown> | undefined =
      recipeName === 'lock'
        ? (lockRecipe(dir) as Recipe<unknown>)
        : recipeName === 'election'
          ? (lockRecipe(dir, true) as Recipe<unknown>)
          : recipeName === 'group'
            ? (groupRecipe(dir) as Recipe<unknown>)
            : undefined;
    if (recipe === undefined) throw new Error(`recipe=${recipeName}: expected lock, election or group`);
    env.k.addNode(id, recipeProgram(recipe, () => config) as never);
    env.recipes.set(id, recipeName);
  }
  env.clients.set(name, id);
  env.clientNames.set(id, name);
  // The trace names the client, so reports draw it as a client lane under this name.
  env.k.record({ k: 'client', node: id, name });
  env.sessions.set(id, { id: 0, state: 'CONNECTING' });
  env.k.restart(id);
  if (cmd.words.includes('nowait')) return [`${name} connecting to ${via}`];
  const max = intArg(cmd, 'max', DEFAULT_MAX_MS);
  const ok = env.advance(max, () => env.sessions.get(id)?.state === 'CONNECTED');
  return ok ? [] : [`${name}: not connected after ${max} ms`];
}

function expire(env: ScriptEnv, cmd: Command, id: NodeId, name: string): string[] {
  const session = env.sessions.get(id)?.id ?? 0;
  env.k.crash(id);
  env.clientDied(id);
  const max = intArg(cmd, 'max', DEFAULT_MAX_MS);
  env.events.push(`${name} process killed (session 0x${session.toString(16)} left open)`);
  // Expired, and the closeSession txn applied wherever the leader's followers are in broadcast.
  const gone = (): boolean =>
    env.expiredSessions.has(session) &&
    env.servers.every((s) => !env.k.isUp(s) || env.server(s)?.phase !== 'BROADCAST' || ephemeralsOf(env.server(s)?.state as DataTree, session).length === 0);
  const ok = env.advance(max, gone);
  return ok ? [] : [`${name}: session not expired after ${max} ms`];
}
