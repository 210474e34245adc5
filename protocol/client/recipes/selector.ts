// Leader election after Curator's LeaderSelector with autoRequeue: a volunteer takes the lock of
// lock.ts in the election directory (LeaderSelector.doWork → InterProcessMutex.acquire); holding it
// is leadership (claim "leader"). Leadership ends in two ways, and both requeue at the back of the
// line with a new node (LeaderSelector.requeue): the application gives it up ("abdicate":
// takeLeadership returns, then mutex.release), or the connection is SUSPENDED or LOST
// (LeaderSelectorListenerAdapter.stateChanged throws CancelLeadershipException, which interrupts
// takeLeadership). Either way the release is Curator's guaranteed delete: a delete lost with the
// connection is sent again after the reconnect. Unlike the plain lock, a leader that was suspended
// does not take its old node back on reconnect: it deletes it and queues again. After its session
// expires the reducer stops (Curator would go on with a new session; one handle here is one session).
import type { NodeId } from '../../program.js';
import type { Recipe, RecipeInput, RecipeOutput } from './host.js';
import { initLock, patchLock, stepLock, type LockState } from './lock.js';

export interface SelectorState {
  readonly lock: LockState;
  /** Whether the application started the selector (autoRequeue: it stays in the line until expiry). */
  readonly volunteering: boolean;
}

export type SelectorCommand = { readonly type: 'volunteer' } | { readonly type: 'abdicate' };

type Calls = RecipeOutput<SelectorState>['calls'];
type Claims = RecipeOutput<SelectorState>['claims'];

function wrap(volunteering: boolean, r: RecipeOutput<LockState>, calls: Calls = [], claims: Claims = []): RecipeOutput<SelectorState> {
  // The lock reducer says "acquired"; a selector's hold is leadership.
  const mapped = r.claims.map((c) => (c.event === 'acquired' ? { event: 'leader', detail: c.detail } : c));
  return { state: { lock: r.state, volunteering }, calls: [...calls, ...r.calls], claims: [...claims, ...mapped] };
}

/** Queue again (requeue): a new node, at the back of the line. */
function requeue(lock: LockState, volunteering: boolean, calls: Calls = [], claims: Claims = []): RecipeOutput<SelectorState> {
  return wrap(volunteering, stepLock(lock, { type: 'app', command: { type: 'lock' } }), calls, claims);
}

export function selectorRecipe(dir: string): Recipe<SelectorState> {
  return {
    name: 'selector',
    init: (client: NodeId) => ({ lock: initLock(client, dir, false, true), volunteering: false }),
    step(s: SelectorState, input: RecipeInput): RecipeOutput<SelectorState> {
      const lock = s.lock;
      if (input.type === 'app') {
        const cmd = input.command as SelectorCommand;
        if (cmd.type === 'volunteer') return s.volunteering ? wrap(true, { state: lock, calls: [], claims: [] }) : requeue(lock, true);
        if (cmd.type === 'abdicate' && lock.phase === 'held') {
          const released = stepLock(lock, { type: 'app', command: { type: 'unlock' } });
          return requeue(released.state, s.volunteering, released.calls, released.claims);
        }
        return wrap(s.volunteering, { state: lock, calls: [], claims: [] });
      }
      if (input.type === 'session' && input.state === 'DISCONNECTED' && lock.phase === 'held' && lock.node !== null) {
        // Cancelled leadership: release (owed until the reconnect), then queue again once connected.
        const idle = patchLock(lock, { phase: 'idle', node: null, releasing: [...lock.releasing, lock.node] });
        return wrap(s.volunteering, { state: idle, calls: [], claims: [{ event: 'lost', detail: 'DISCONNECTED' }] });
      }
      const r = stepLock(lock, input);
      // Back in the line after a reconnect (the owed release went out first, in stepLock).
      if (input.type === 'session' && input.state === 'CONNECTED' && s.volunteering && r.state.phase === 'idle')
        return requeue(r.state, true, r.calls, r.claims);
      return wrap(s.volunteering, r);
    },
  };
}
