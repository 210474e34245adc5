// A barrier: while the barrier node exists, clients that enter wait (exists with a watch); when the
// coordinator deletes it, every waiter passes.
import type { NodeId } from '../../program.js';
import type { Recipe, RecipeOutput } from './host.js';

export interface BarrierState {
  readonly client: NodeId;
  readonly path: string;
  readonly phase: 'idle' | 'waiting' | 'passed';
}

export function barrierRecipe(path: string): Recipe<BarrierState> {
  const check = (s: BarrierState): RecipeOutput<BarrierState> => ({
    state: { client: s.client, path: s.path, phase: 'waiting' },
    calls: [{ tag: 'check', command: { type: 'exists', path, watch: true } }],
    claims: [],
  });
  const none = (s: BarrierState): RecipeOutput<BarrierState> => ({ state: s, calls: [], claims: [] });
  return {
    name: 'barrier',
    init: (client) => ({ client, path, phase: 'idle' }),
    step(s, input) {
      if (s.phase === 'passed') return none(s);
      switch (input.type) {
        case 'app':
          return (input.command as { type: string }).type === 'enter' && s.phase === 'idle' ? check(s) : none(s);
        case 'watch':
          return s.phase === 'waiting' && input.path === path && input.event === 'NodeDeleted' ? check(s) : none(s);
        case 'session':
          return s.phase === 'waiting' && input.state === 'CONNECTED' ? check(s) : none(s);
        case 'complete':
          if (input.tag === 'check' && s.phase === 'waiting' && input.result.err === 'NONODE')
            return { state: { client: s.client, path: s.path, phase: 'passed' }, calls: [], claims: [{ event: 'passed' }] };
          return none(s);
      }
    },
  };
}
