// A distributed queue: producers add PERSISTENT_SEQUENTIAL items; a consumer lists the queue, takes
// the lowest item by deleting it (only one delete of a node can succeed) and claims it. An item whose
// delete ended in CONNECTIONLOSS is not claimed (it may or may not be taken): at-most-once delivery.
import type { NodeId } from '../../program.js';
import { OPEN_ACL_UNSAFE } from '../../tree/index.js';
import type { Recipe, RecipeOutput } from './host.js';

export interface QueueState {
  readonly client: NodeId;
  readonly dir: string;
  readonly produced: number;
  readonly taking: string | null;
}

/** A literal copy (an object spread costs ten times more in V8 11). */
function withTaking(s: QueueState, taking: string | null): QueueState {
  return { client: s.client, dir: s.dir, produced: s.produced, taking };
}

export function queueRecipe(dir: string): Recipe<QueueState> {
  const none = (s: QueueState): RecipeOutput<QueueState> => ({ state: s, calls: [], claims: [] });
  return {
    name: 'queue',
    init: (client) => ({ client, dir, produced: 0, taking: null }),
    step(s, input) {
      switch (input.type) {
        case 'app': {
          const cmd = input.command as { type: string };
          if (cmd.type === 'put') {
            const produced = s.produced + 1;
            return {
              state: { client: s.client, dir: s.dir, produced, taking: s.taking },
              calls: [
                {
                  tag: 'put',
                  command: { type: 'create', path: `${dir}/q-`, data: `${s.client}.${produced}`, acl: OPEN_ACL_UNSAFE, mode: 'PERSISTENT_SEQUENTIAL' },
                },
              ],
              claims: [],
            };
          }
          if (cmd.type === 'take' && s.taking === null)
            return { state: withTaking(s, ''), calls: [{ tag: 'list', command: { type: 'getChildren', path: dir, watch: false } }], claims: [] };
          return none(s);
        }
        case 'complete': {
          const r = input.result;
          if (input.tag === 'put' && r.err === 'OK' && r.response?.type === 'create')
            return { state: s, calls: [], claims: [{ event: 'put', detail: r.response.path }] };
          if (input.tag === 'list') {
            if (r.err !== 'OK' || r.response?.type !== 'getChildren' || r.response.children.length === 0) return none(withTaking(s, null));
            const head = [...r.response.children].sort()[0] as string;
            const path = `${dir}/${head}`;
            return { state: withTaking(s, path), calls: [{ tag: 'take', command: { type: 'remove', path, version: -1 } }], claims: [] };
          }
          if (input.tag === 'take') {
            const taken = s.taking;
            const next = withTaking(s, null);
            return r.err === 'OK' && taken !== null ? { state: next, calls: [], claims: [{ event: 'took', detail: taken }] } : none(next);
          }
          return none(s);
        }
        default:
          return none(s);
      }
    },
  };
}
