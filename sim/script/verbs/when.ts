// when nth-proposal=2 crash leader
// when sync-start isolate follower
//
// A fault armed on a protocol event: it fires at the first step that matches the trigger.
import type { ZabConfig } from '../../../protocol/zab/config.js';
import { TriggerWatch } from '../../fuzz/triggers.js';
import { forkRng } from '../../rng.js';
import { applyFaultIn, describeAction, describeTrigger, type FaultAction, type FaultEvent, type Target, type Trigger } from '../../zab/faults.js';
import { intArg } from '../args.js';
import type { Command } from '../datadriven.js';
import type { ScriptEnv } from '../env.js';

/**
 * `when TRIGGER ACTION TARGET`: arms a fault that fires at the first matching protocol event.
 * TRIGGER: `nth-proposal=N [server=S]` · `acked=N` (a proposal acked by exactly N followers) ·
 * `sync-start` · `newleader-acked` · `epoch-written` · `proposal-logged` (a follower in BROADCAST
 * logged a txn, before its fsync) · `snap-loaded` (a learner loaded a SNAP, before NEWLEADER). ACTION: crash · pause · isolate.
 * TARGET: leader · follower · trigger (the server the event matched) · a server number.
 */
export function when(env: ScriptEnv, cmd: Command): string[] {
  let trigger: Trigger;
  const words = [...cmd.words];
  if (cmd.args.has('nth-proposal')) {
    const server = cmd.args.get('server');
    trigger = { on: 'nth-proposal', n: intArg(cmd, 'nth-proposal', 1), server: server === undefined ? 'leader' : env.serverArg(server) };
  } else if (cmd.args.has('acked')) trigger = { on: 'acked', count: intArg(cmd, 'acked', 1) };
  else {
    const on = words.shift();
    if (on !== 'sync-start' && on !== 'newleader-acked' && on !== 'epoch-written' && on !== 'proposal-logged' && on !== 'snap-loaded') {
      throw new Error('expected a trigger: nth-proposal=N, acked=N, sync-start, newleader-acked, epoch-written, proposal-logged or snap-loaded');
    }
    trigger = { on };
  }
  const [action, targetWord] = words;
  const target: Target = targetWord === 'leader' || targetWord === 'follower' || targetWord === 'trigger' ? targetWord : env.serverArg(targetWord);
  let fault: FaultAction;
  if (action === 'crash') fault = { type: 'crash', target };
  else if (action === 'pause') fault = { type: 'pause', target };
  else if (action === 'isolate') fault = { type: 'partition', mode: 'isolate', target };
  else throw new Error(`expected an action after the trigger: crash, pause or isolate (got '${action ?? ''}')`);
  const event = { atMs: 0, when: trigger, ...fault } as FaultEvent & { when: Trigger };
  const k = env.k;
  const rng = forkRng(env.seed, 'faults');
  const config = env.config as ZabConfig;
  const watch = new TriggerWatch(k, env.servers, [{ index: 0, fault: event }], (_i, subject) => {
    const who = applyFaultIn({ kernel: k, servers: env.servers, voters: config.voters, clients: [...env.clients.values()], rng, subject }, fault);
    env.events.push(`fired ${describeTrigger(trigger)}: ${fault.type === 'partition' ? 'isolate' : fault.type} ${who.join(' ')}`);
  });
  k.addObserver(watch);
  return [`armed: ${describeAction(fault)} ${describeTrigger(trigger)}`];
}
