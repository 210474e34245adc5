// Runs a recipe on top of the ZooKeeper client, in the same node: the recipe is a pure reducer that
// reacts to application commands, completions of the calls it made, watch events and session state
// changes, and answers with more client calls and with claims ("acquired", "leader", ...) that become
// `recipe` observations for checkers. Calls are tagged so a completion finds its purpose.
import type { Event, NodeId, NodeProgram, Transition } from '../../program.js';
import { ENV } from '../../program.js';
import { Fx, type ZabObservation } from '../../zab/effects.js';
import type { ZabMessage } from '../../zab/messages.js';
import { bootZkClient, dispatchZkClient, invoke, type ZkClient, type ZkClientConfig, type ZkCommand, type ZkCompletion } from '../zk-client.js';

export type RecipeInput =
  | { readonly type: 'app'; readonly command: unknown }
  /** `readZxid`: the reply header's zxid (the server's last processed zxid), null when no reply came. */
  | {
      readonly type: 'complete';
      readonly tag: string;
      readonly outcome: 'ok' | 'fail' | 'info';
      readonly result: ZkCompletion;
      readonly readZxid: number | null;
    }
  | { readonly type: 'watch'; readonly event: string; readonly path: string }
  | { readonly type: 'session'; readonly state: string };

export interface RecipeOutput<R> {
  readonly state: R;
  readonly calls: readonly { readonly tag: string; readonly command: ZkCommand }[];
  readonly claims: readonly { readonly event: string; readonly detail?: unknown }[];
}

export interface Recipe<R> {
  readonly name: string;
  init(client: NodeId): R;
  step(state: R, input: RecipeInput): RecipeOutput<R>;
}

export interface RecipeHost<R> {
  readonly client: ZkClient;
  readonly recipe: R;
  /** xid → tag of the recipe's calls still open (bounded by the client's pendingMax). */
  readonly tags: readonly (readonly [number, string])[];
}

const ROUNDS_MAX = 1000;

export function recipeProgram<R>(
  recipe: Recipe<R>,
  configFor: (id: NodeId) => ZkClientConfig,
): NodeProgram<RecipeHost<R>, ZabMessage, never, null, ZabObservation> {
  return {
    kind: `recipe-${recipe.name}`,
    emptyDisk: () => null,
    applyWrite: (disk) => disk,
    boot: (id) => ({ client: bootZkClient(id, configFor(id)), recipe: recipe.init(id), tags: [] }),
    step: (host, event) => stepHost(recipe, host, event),
    describe: (m) => m.type,
    describeWrite: () => '',
  };
}

function stepHost<R>(recipe: Recipe<R>, host: RecipeHost<R>, event: Event<ZabMessage>): Transition<RecipeHost<R>, ZabMessage, never, ZabObservation> {
  const out = new Fx();
  let client = host.client;
  let state = host.recipe;
  let tags = host.tags;
  const inputs: RecipeInput[] = [];
  const absorb = (fx: Fx): void => {
    for (const e of fx.list) {
      out.list.push(e);
      if (e.type !== 'observe') continue;
      const o = e.what;
      if (o.kind === 'complete') {
        const at = tags.findIndex(([xid]) => xid === o.xid);
        if (at < 0) continue;
        const tag = (tags[at] as readonly [number, string])[1];
        tags = tags.filter((_, i) => i !== at);
        inputs.push({ type: 'complete', tag, outcome: o.outcome, result: o.result as ZkCompletion, readZxid: o.readZxid ?? null });
      } else if (o.kind === 'watch') inputs.push({ type: 'watch', event: o.type, path: o.path });
      else if (o.kind === 'session') inputs.push({ type: 'session', state: o.state });
    }
  };
  if (event.type === 'deliver' && event.from === ENV && event.msg.type === 'APP_OP') {
    const op = event.msg.op as { readonly type?: unknown; readonly command?: ZkCommand };
    if (op.type === 'zk' && op.command !== undefined) {
      // A plain client call from the application (setup, or a coordinator's action).
      const fx = new Fx();
      client = invoke(client, op.command, fx);
      absorb(fx);
    } else inputs.push({ type: 'app', command: event.msg.op });
  } else {
    const fx = new Fx();
    client = dispatchZkClient(client, event, fx);
    absorb(fx);
  }
  for (let round = 0; inputs.length > 0; round++) {
    if (round > ROUNDS_MAX) throw new Error(`recipe ${recipe.name} did not settle`);
    const input = inputs.shift() as RecipeInput;
    const r = recipe.step(state, input);
    state = r.state;
    for (const c of r.claims)
      out.observe({ kind: 'recipe', client: client.id, session: client.sessionId, recipe: recipe.name, event: c.event, detail: c.detail ?? null });
    for (const call of r.calls) {
      const fx = new Fx();
      tags = [...tags, [client.xid + 1, call.tag] as const];
      client = invoke(client, call.command, fx);
      absorb(fx);
    }
  }
  return [{ client, recipe: state, tags }, out.list as Transition<RecipeHost<R>, ZabMessage, never, ZabObservation>[1]];
}
