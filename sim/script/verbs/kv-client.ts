// write client=c1 key=x value=1 via=2
// read client=c1 key=x nowait
//
// The key-value service's clients: one call each, run until it completes unless `nowait`.
import { basicClientProgram, type BasicClient } from '../../../protocol/client/basic-client.js';
import type { NodeId } from '../../../protocol/program.js';
import { kvStateMachine, type KvOp } from '../../../protocol/kv/state-machine.js';
import { intArg, listArg, required } from '../args.js';
import type { Command } from '../datadriven.js';
import { DEFAULT_MAX_MS, type ScriptEnv } from '../env.js';
import { ZK_CALL_SYNTAX } from '../zk-words.js';

/** `write client=C key=K value=V [via=S] [nowait] [max=MS] [msgs=TYPE,...]`: client C sets K=V. */
export function write(env: ScriptEnv, cmd: Command): string[] {
  return clientOp(env, cmd, { type: 'set', key: required(cmd, 'key'), value: required(cmd, 'value') });
}

/** `read client=C key=K [via=S] [nowait] [max=MS] [msgs=...]`: client C reads K. */
export function read(env: ScriptEnv, cmd: Command): string[] {
  return clientOp(env, cmd, { type: 'get', key: required(cmd, 'key') });
}

/**
 * A client is created on first use, connected to `via` (default: the active leader, else server
 * 1); `via` on a later use must name the server it is connected to. Without `nowait` the command
 * runs until the operation completes (ok, an error, or CONNECTIONLOSS).
 */
function clientOp(env: ScriptEnv, cmd: Command, op: KvOp): string[] {
  if (env.zk) throw new Error(`'${cmd.verb}' drives the key-value service; in a service=zk cluster use ${Object.keys(ZK_CALL_SYNTAX).join(', ')}`);
  env.showTypes = new Set(listArg(cmd, 'msgs'));
  const name = cmd.args.get('client');
  if (name === undefined) throw new Error('needs client=');
  const id = clientNode(env, name, cmd.args.get('via'));
  const key = `${id}:${(env.k.stateOf(id) as BasicClient).xid + 1}`;
  env.k.inject(id, { type: 'APP_OP', op });
  if (cmd.words.includes('nowait')) return [`${name} sent ${kvStateMachine.describeOp(op)}`];
  const max = intArg(cmd, 'max', DEFAULT_MAX_MS);
  const done = env.awaitCall(key, max);
  return done ? [] : [`${name}: no reply after ${max} ms`];
}

function clientNode(env: ScriptEnv, name: string, via: string | undefined): NodeId {
  const existing = env.clients.get(name);
  if (existing !== undefined) {
    const c = env.k.stateOf(existing) as BasicClient;
    const current = c.servers[c.serverIndex % c.servers.length] as NodeId;
    if (via !== undefined && env.serverArg(via) !== current) throw new Error(`client ${name} is connected to ${current}, not ${via}`);
    return existing;
  }
  const server = via !== undefined ? env.serverArg(via) : (env.activeLeader() ?? (env.servers[0] as NodeId));
  const id = env.servers.length + env.clients.size + 1;
  const base = basicClientProgram(env.servers, 8_000);
  const index = env.servers.indexOf(server);
  env.k.addNode(id, { ...base, boot: (node, disk) => ({ ...base.boot(node, disk), serverIndex: index }) });
  env.clients.set(name, id);
  env.clientNames.set(id, name);
  // The trace names the client, so reports draw it as a client lane under this name.
  env.k.record({ k: 'client', node: id, name });
  env.k.restart(id);
  return id;
}
