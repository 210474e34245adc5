// A read-write lock after Curator's InterProcessReadWriteLock: readers and writers queue as
// EPHEMERAL_SEQUENTIAL nodes in one directory, named with READ_LOCK or WRITE_LOCK before the
// sequence number, ordered by that number. A writer holds when its node is first and otherwise waits
// for the node just before it; a reader holds while no write node comes before its own and otherwise
// waits for the first write node. Readers share the lock, a writer excludes everyone. It is the lock
// reducer of lock.ts with a per-acquisition lock name: the same protected-mode search for a create
// lost to CONNECTIONLOSS, the same guaranteed delete on release, the same "lost" on a disconnect.
// Curator's lock is reentrant and lets a write holder take the read lock too; here one client holds
// one node at a time, so neither arises.
import type { NodeId } from '../../program.js';
import type { Recipe, RecipeInput, RecipeOutput } from './host.js';
import { initLock, stepLock, type LockState } from './lock.js';

export type RwLockCommand = { readonly type: 'read' } | { readonly type: 'write' } | { readonly type: 'unlock' };

export function rwLockRecipe(dir: string): Recipe<LockState> {
  return {
    name: 'rwlock',
    init: (client: NodeId) => initLock(client, dir, false, true),
    step(s: LockState, input: RecipeInput): RecipeOutput<LockState> {
      if (input.type !== 'app') return stepLock(s, input);
      const cmd = input.command as RwLockCommand;
      if (cmd.type === 'read' || cmd.type === 'write') return stepLock(s, { type: 'app', command: { type: 'lock', mode: cmd.type } });
      return stepLock(s, input);
    },
  };
}
