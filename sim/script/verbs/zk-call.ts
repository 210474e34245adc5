// create c1 /a data=x mode=ephemeral
// get c1 /a watch
//
// One ZooKeeper call (create, delete, set, get, exists, children, sync; syntax in zk-words.ts), run
// until it completes unless `nowait`.
import type { ZkCommand } from '../../../protocol/client/zk-client.js';
import type { NodeId } from '../../../protocol/program.js';
import { intArg, listArg } from '../args.js';
import type { Command } from '../datadriven.js';
import { DEFAULT_MAX_MS, type ScriptEnv } from '../env.js';
import { describeZkCommand, zkCallOf } from '../zk-words.js';

/** `create|delete|set|get|exists|children|sync CLIENT PATH ...`: one call, run until it completes unless `nowait`. */
export function zkOp(env: ScriptEnv, cmd: Command): string[] {
  env.needZk(cmd.verb);
  const { client, command } = zkCallOf(cmd);
  return zkCall(env, cmd, env.zkClient(client, cmd.verb), client, command);
}

/** Hands client `id` one call and waits for its completion (also `session close`). */
export function zkCall(env: ScriptEnv, cmd: Command, id: NodeId, name: string, command: ZkCommand): string[] {
  env.showTypes = new Set(listArg(cmd, 'msgs'));
  const state = env.k.stateOf(id) as { xid?: number; client?: { xid: number } } | undefined;
  if (state === undefined) throw new Error(`client ${name} is down`);
  const key = `${id}:${(state.client?.xid ?? state.xid ?? 0) + 1}`;
  env.k.inject(id, { type: 'APP_OP', op: env.recipes.has(id) ? { type: 'zk', command } : command });
  if (cmd.words.includes('nowait')) return [`${name} sent ${describeZkCommand(command)}`];
  const max = intArg(cmd, 'max', DEFAULT_MAX_MS);
  const done = env.awaitCall(key, max);
  return done ? [] : [`${name}: no reply after ${max} ms`];
}
