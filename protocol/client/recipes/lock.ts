// The ZooKeeper lock recipe (and leader election, the same protocol without release): create an
// EPHEMERAL_SEQUENTIAL node under the lock directory, list the children, hold the lock if ours has the
// lowest sequence number, else watch only the node just before ours (no herd effect) and re-check when
// it goes. A create lost to CONNECTIONLOSS is found again by its name prefix (client and session).
// The recipe gives the lock up (claim "lost") as soon as the session is DISCONNECTED or EXPIRED, but it
// is not fenced: a holder that is paused notices nothing, so after its session expires another client
// can acquire while it still believes it holds (see test/service/recipes.test.ts).
// A release follows Curator's InterProcessMutex.release (LockInternals.deleteOurPath with
// `delete().guaranteed()`): a delete that fails with CONNECTIONLOSS is remembered and sent again
// after every reconnect until it succeeds or answers NONODE (FailedDeleteManager), so a lost release
// cannot leave our node blocking the lock while the session lives. With `retryRelease: false` it is
// ZooKeeper's own WriteLock.unlock instead: one delete, never retried (the node then stays until the
// session ends); test/service/recipes.test.ts (seed r4) shows that stall.
import type { NodeId } from '../../program.js';
import { applyPatch, type Mutable } from '../../patch.js';
import { OPEN_ACL_UNSAFE } from '../../tree/index.js';
import type { Recipe, RecipeInput, RecipeOutput } from './host.js';

export interface LockState {
  readonly client: NodeId;
  readonly dir: string;
  /** idle → creating → waiting → held; `stopped` after expiry. */
  readonly phase: 'idle' | 'creating' | 'checking' | 'waiting' | 'held' | 'stopped';
  readonly node: string | null;
  readonly watching: string | null;
  /** Incarnation of our session, for the node name prefix. */
  readonly attempt: number;
  /** Election mode: never release; claims "leader" instead of "acquired". */
  readonly election: boolean;
  /** Our nodes whose release delete has not been answered OK or NONODE yet (guaranteed delete). */
  readonly releasing: readonly string[];
  /** Whether a lost release is retried (Curator) or not (ZooKeeper's WriteLock). */
  readonly retryRelease: boolean;
  /** The read-write lock's lock name in our node's name ('' for the plain lock): READ_LOCK or WRITE_LOCK. */
  readonly lockName: string;
}

/** InterProcessReadWriteLock's lock names (READ_LOCK_NAME, WRITE_LOCK_NAME), put before the sequence number. */
export const READ_LOCK = '__READ__';
export const WRITE_LOCK = '__WRIT__';

/** Copies a lock state with some fields replaced (protocol/patch.ts); node and watching may be set to null. */
export function patchLock(s: LockState, p: Partial<Pick<LockState, 'phase' | 'node' | 'watching' | 'attempt' | 'releasing' | 'lockName'>>): LockState {
  const next: Mutable<LockState> = {
    client: s.client,
    dir: s.dir,
    phase: s.phase,
    node: s.node,
    watching: s.watching,
    attempt: s.attempt,
    election: s.election,
    releasing: s.releasing,
    retryRelease: s.retryRelease,
    lockName: s.lockName,
  };
  return applyPatch<LockState>(next, p);
}

/** `mode` only for the read-write lock (rwlock.ts). */
export type LockCommand = { readonly type: 'lock'; readonly mode?: 'read' | 'write' } | { readonly type: 'unlock' };

function sequenceOf(name: string): number {
  return Number(name.slice(-10));
}

function prefixOf(s: LockState): string {
  return `c${s.client}-a${s.attempt}-${s.lockName}`;
}

function out(state: LockState, calls: RecipeOutput<LockState>['calls'] = [], claims: RecipeOutput<LockState>['claims'] = []): RecipeOutput<LockState> {
  return { state, calls, claims };
}

export function listChildren(s: LockState): RecipeOutput<LockState> {
  return out(patchLock(s, { phase: s.phase === 'creating' ? 'checking' : s.phase }), [
    { tag: 'children', command: { type: 'getChildren', path: s.dir, watch: false } },
  ]);
}

export interface LockOptions {
  /** Retry a release lost to CONNECTIONLOSS (Curator's guaranteed delete; the default). */
  readonly retryRelease?: boolean;
}

export function lockRecipe(dir: string, election = false, options: LockOptions = {}): Recipe<LockState> {
  const retryRelease = options.retryRelease ?? true;
  return {
    name: election ? 'election' : 'lock',
    init: (client) => initLock(client, dir, election, retryRelease),
    step: (s, input) => stepLock(s, input),
  };
}

export function initLock(client: NodeId, dir: string, election: boolean, retryRelease: boolean): LockState {
  return { client, dir, phase: 'idle', node: null, watching: null, attempt: 0, election, releasing: [], retryRelease, lockName: '' };
}

function lockNameOf(cmd: Extract<LockCommand, { type: 'lock' }>): string {
  return cmd.mode === 'read' ? READ_LOCK : cmd.mode === 'write' ? WRITE_LOCK : '';
}

export function stepLock(s: LockState, input: RecipeInput): RecipeOutput<LockState> {
  if (s.phase === 'stopped') return out(s);
  switch (input.type) {
    case 'app': {
      const cmd = input.command as LockCommand;
      if (cmd.type === 'lock' && s.phase === 'idle') {
        const next: LockState = patchLock(s, { phase: 'creating', attempt: s.attempt + 1, node: null, watching: null, lockName: lockNameOf(cmd) });
        return out(next, [
          {
            tag: 'create',
            command: { type: 'create', path: `${s.dir}/${prefixOf(next)}`, data: String(s.client), acl: OPEN_ACL_UNSAFE, mode: 'EPHEMERAL_SEQUENTIAL' },
          },
        ]);
      }
      if (cmd.type === 'unlock' && s.phase === 'held' && !s.election && s.node !== null) {
        return out(
          patchLock(s, { phase: 'idle', node: null, releasing: s.retryRelease ? [...s.releasing, s.node] : s.releasing }),
          [releaseCall(s.node)],
          [{ event: 'released' }],
        );
      }
      return out(s);
    }
    case 'session':
      if (input.state === 'EXPIRED' || input.state === 'CLOSED' || input.state === 'AUTH_FAILED') {
        return out(patchLock(s, { phase: 'stopped' }), [], s.phase === 'held' ? [{ event: 'lost', detail: input.state }] : []);
      }
      if (input.state === 'DISCONNECTED' && s.phase === 'held') {
        // Curator's rule: a SUSPENDED connection means the lock may be gone. Re-check on reconnect.
        return out(patchLock(s, { phase: 'checking' }), [], [{ event: 'lost', detail: 'DISCONNECTED' }]);
      }
      if (input.state === 'CONNECTED') {
        // FailedDeleteManager: the releases still owed go out again on the new connection.
        const retries = s.releasing.map(releaseCall);
        if (s.phase === 'checking' || s.phase === 'waiting') {
          const listed = listChildren(s);
          return out(listed.state, [...retries, ...listed.calls]);
        }
        return out(s, retries);
      }
      return out(s);
    case 'watch':
      if (input.event === 'NodeDeleted' && input.path === s.watching && s.phase === 'waiting') return listChildren(patchLock(s, { watching: null }));
      return out(s);
    case 'complete':
      return onLockComplete(s, input);
  }
}

/**
 * The index of the node we must wait for, or -1 when we hold. An exclusive (or write) lock waits for
 * the node just before ours (StandardLockInternalsDriver.getsTheLock with maxLeases 1); a read lock
 * holds while no write node comes before ours, else waits for the first write node
 * (InterProcessReadWriteLock's read-lock driver: ourIndex < firstWriteIndex).
 */
function blockerIndex(sorted: readonly string[], at: number, read: boolean): number {
  if (!read) return at - 1;
  const firstWrite = sorted.findIndex((name) => name.includes(WRITE_LOCK));
  return firstWrite >= 0 && firstWrite < at ? firstWrite : -1;
}

function releaseCall(path: string): RecipeOutput<LockState>['calls'][number] {
  return { tag: `delete:${path}`, command: { type: 'remove', path, version: -1 } };
}

function onLockComplete(s: LockState, input: Extract<RecipeInput, { type: 'complete' }>): RecipeOutput<LockState> {
  const r = input.result;
  if (input.tag.startsWith('delete:')) {
    // Done once the node is gone (OK, or NONODE: an earlier try took effect); else owed until a reconnect.
    const path = input.tag.slice('delete:'.length);
    if (r.err === 'OK' || r.err === 'NONODE') return out(patchLock(s, { releasing: s.releasing.filter((p) => p !== path) }));
    return out(s);
  }
  switch (input.tag) {
    case 'create':
      if (s.phase !== 'creating') return out(s);
      if (r.err === 'OK' && r.response?.type === 'create') return listChildren(patchLock(s, { node: r.response.path }));
      // CONNECTIONLOSS: the node may exist; the listing finds it by prefix once reconnected.
      return out(patchLock(s, { phase: 'checking' }));
    case 'children': {
      if (s.phase !== 'checking' && s.phase !== 'waiting') return out(s);
      if (r.err !== 'OK' || r.response?.type !== 'getChildren') return out(patchLock(s, { phase: 'checking' }));
      const mine = s.node === null ? r.response.children.find((c) => c.startsWith(prefixOf(s))) : s.node.slice(s.dir.length + 1);
      if (mine === undefined || !r.response.children.includes(mine)) {
        // Our node is gone (or was never created): start over.
        const mode = s.lockName === READ_LOCK ? 'read' : s.lockName === WRITE_LOCK ? 'write' : undefined;
        return stepLock(patchLock(s, { phase: 'idle', node: null }), { type: 'app', command: mode === undefined ? { type: 'lock' } : { type: 'lock', mode } });
      }
      const node = `${s.dir}/${mine}`;
      const sorted = [...r.response.children].sort((a, b) => sequenceOf(a) - sequenceOf(b));
      const at = sorted.indexOf(mine);
      const blocker = blockerIndex(sorted, at, s.lockName === READ_LOCK);
      if (blocker < 0) return out(patchLock(s, { phase: 'held', node, watching: null }), [], [{ event: s.election ? 'leader' : 'acquired', detail: node }]);
      const before = `${s.dir}/${sorted[blocker] as string}`;
      return out(patchLock(s, { phase: 'waiting', node, watching: before }), [{ tag: 'watch', command: { type: 'exists', path: before, watch: true } }]);
    }
    case 'watch':
      // The predecessor vanished before the watch was set: look again.
      if (s.phase === 'waiting' && r.err === 'NONODE') return listChildren(patchLock(s, { watching: null }));
      if (s.phase === 'waiting' && r.err !== 'OK') return out(patchLock(s, { phase: 'checking' }));
      return out(s);
    default:
      return out(s);
  }
}
