// Configuration watch: read a znode with a data watch, and read again (re-arming the watch) on every
// change, claiming each value with its version. A missing node is watched with exists until created.
import type { NodeId } from '../../program.js';
import type { Recipe, RecipeOutput } from './host.js';

export interface ConfigState {
  readonly client: NodeId;
  readonly path: string;
  readonly started: boolean;
}

export function configRecipe(path: string): Recipe<ConfigState> {
  const read = (s: ConfigState): RecipeOutput<ConfigState> => ({
    state: { client: s.client, path: s.path, started: true },
    calls: [{ tag: 'read', command: { type: 'getData', path, watch: true } }],
    claims: [],
  });
  const none = (s: ConfigState): RecipeOutput<ConfigState> => ({ state: s, calls: [], claims: [] });
  return {
    name: 'config',
    init: (client) => ({ client, path, started: false }),
    step(s, input) {
      switch (input.type) {
        case 'app':
          return (input.command as { type: string }).type === 'watch' ? read(s) : none(s);
        case 'watch':
          return input.path === path && input.event !== 'NodeChildrenChanged' ? read(s) : none(s);
        case 'session':
          return input.state === 'CONNECTED' && s.started ? read(s) : none(s);
        case 'complete': {
          const r = input.result;
          if (input.tag === 'read' && r.err === 'OK' && r.response?.type === 'getData') {
            return {
              state: s,
              calls: [],
              claims: [{ event: 'config', detail: { value: r.response.data, version: r.response.stat.version, mzxid: r.response.stat.mzxid } }],
            };
          }
          if (input.tag === 'read' && r.err === 'NONODE')
            return { state: s, calls: [{ tag: 'exists', command: { type: 'exists', path, watch: true } }], claims: [] };
          if (input.tag === 'exists' && r.err === 'OK') return read(s);
          return none(s);
        }
      }
    },
  };
}
