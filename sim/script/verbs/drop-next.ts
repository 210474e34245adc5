// drop-next from=3 to=1 type=PROPOSAL
//
// A protocol-triggered loss: the next packet of that type from A to B is lost, with its connection.
import type { Effect, NodeId } from '../../../protocol/program.js';
import type { ZabObservation } from '../../../protocol/zab/effects.js';
import type { ZabWrite } from '../../../protocol/zab/disk.js';
import type { ZabMessage } from '../../../protocol/zab/messages.js';
import { describeNodeMessage as describeMessage } from '../../../protocol/node/describe.js';
import type { ZabServer } from '../../../protocol/zab/state.js';
import type { Command } from '../datadriven.js';
import type { ScriptEnv } from '../env.js';

type ZabEffect = Effect<ZabMessage, ZabWrite, ZabObservation>;

/**
 * `drop-next from=A to=B type=PROPOSAL`: the next packet of that type A sends to B is lost, and
 * with it the TCP connection (TCP cannot lose one packet and deliver the next): later sends from A
 * to B in the same step are lost too, and both ends see a new connection afterwards.
 */
export function dropNext(env: ScriptEnv, cmd: Command): string[] {
  const from = env.serverArg(cmd.args.get('from'));
  const to = env.serverArg(cmd.args.get('to'));
  const type = cmd.args.get('type');
  if (type === undefined) throw new Error('needs type=');
  env.drops.push({ from, to, type });
  return [`armed: drop the next ${type} ${from}->${to}`];
}

/** Wraps every server step: removes the send an armed rule names (and later sends on its connection). */
export function filterDrops(env: ScriptEnv, transition: readonly [ZabServer, readonly ZabEffect[]]): readonly [ZabServer, readonly ZabEffect[]] {
  if (env.drops.length === 0) return transition;
  const [next, effects] = transition;
  const from = next.id;
  let out: ZabEffect[] | null = null;
  const cut = new Set<NodeId>();
  effects.forEach((e, i) => {
    if (e.type !== 'send') {
      out?.push(e);
      return;
    }
    if (cut.has(e.to)) return; // the connection is gone
    const rule = env.drops.findIndex((r) => r.from === from && r.to === e.to && r.type === e.msg.type);
    if (rule < 0) {
      out?.push(e);
      return;
    }
    env.drops.splice(rule, 1);
    out ??= effects.slice(0, i) as ZabEffect[];
    cut.add(e.to);
    env.k.cutLink(from, e.to);
    env.k.healLink(from, e.to);
    env.k.healLink(e.to, from);
    env.k.record({ k: 'fault', fault: 'drop-next', from, to: e.to, msg: describeMessage(e.msg) });
    env.events.push(`dropped ${from}->${e.to} ${describeMessage(e.msg)}: connection reset`);
  });
  return out === null ? transition : [next, out];
}
