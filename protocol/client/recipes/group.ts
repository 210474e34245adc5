// Group membership: a member joins with an EPHEMERAL node named after itself (it leaves when its
// session ends); a watcher lists the group with a child watch and lists again on every
// NodeChildrenChanged, claiming each membership it sees.
import type { NodeId } from '../../program.js';
import { OPEN_ACL_UNSAFE } from '../../tree/index.js';
import type { Recipe, RecipeOutput } from './host.js';

export interface GroupState {
  readonly client: NodeId;
  readonly dir: string;
  readonly watching: boolean;
}

export function groupRecipe(dir: string): Recipe<GroupState> {
  const list = (s: GroupState): RecipeOutput<GroupState> => ({
    state: { client: s.client, dir: s.dir, watching: true },
    calls: [{ tag: 'list', command: { type: 'getChildren', path: dir, watch: true } }],
    claims: [],
  });
  return {
    name: 'group',
    init: (client) => ({ client, dir, watching: false }),
    step(s, input) {
      switch (input.type) {
        case 'app': {
          const cmd = input.command as { type: string };
          if (cmd.type === 'join')
            return {
              state: s,
              calls: [{ tag: 'join', command: { type: 'create', path: `${dir}/m${s.client}`, data: '', acl: OPEN_ACL_UNSAFE, mode: 'EPHEMERAL' } }],
              claims: [],
            };
          if (cmd.type === 'watch') return list(s);
          return { state: s, calls: [], claims: [] };
        }
        case 'watch':
          return input.event === 'NodeChildrenChanged' && input.path === dir ? list(s) : { state: s, calls: [], claims: [] };
        case 'session':
          // Watches survive a reconnect (setWatches); list again anyway to catch up.
          return input.state === 'CONNECTED' && s.watching ? list(s) : { state: s, calls: [], claims: [] };
        case 'complete':
          if (input.tag === 'list' && input.result.err === 'OK' && input.result.response?.type === 'getChildren') {
            return { state: s, calls: [], claims: [{ event: 'members', detail: [...input.result.response.children].sort() }] };
          }
          return { state: s, calls: [], claims: [] };
      }
    },
  };
}
