// A cache of a subtree after Curator's CuratorCache (CuratorCacheImpl), built on one
// PERSISTENT_RECURSIVE watch on the root (addWatch). start: add the watch, then load the root
// (nodeChanged). nodeChanged(p): getData(p); OK stores p's data and Stat and, when p is new or its
// cversion moved, lists p's children (checkChildrenChanged) and loads each; NONODE drops p. Events
// (a recursive watch never sends NodeChildrenChanged): NodeCreated and NodeDataChanged load the path
// again, NodeDeleted drops it. On every reconnect the cache adds the watch again and rebuilds
// (CuratorCacheImpl.rebuild, which PersistentWatcher's reset listener calls): it loads the root and
// every stored path again, so whatever an event lost with the connection would have changed is read
// afresh. A call that fails (CONNECTIONLOSS) is not retried by itself: the rebuild after the
// reconnect covers it, as Curator's handleException leaves it to the rebuild. The view is a
// persistent map (protocol/tree/hamt.ts), so applying one event copies O(log n) of it, not all.
// The view's safety property (sim/service/recipe-checks.ts): once the subtree is quiet and the
// cache has been connected long enough, its view equals the tree on its server.
import type { NodeId } from '../../program.js';
import { emptyMap, mapEntries, mapGet, mapRemove, mapSet, type PersistentMap } from '../../tree/hamt.js';
import type { Recipe, RecipeInput, RecipeOutput } from './host.js';

/** What the cache keeps of a node (Curator's ChildData: the data and the Stat fields it compares). */
export interface CachedNode {
  readonly data: string;
  readonly version: number;
  readonly cversion: number;
}

export interface TreeCacheState {
  readonly client: NodeId;
  readonly root: string;
  readonly started: boolean;
  readonly stopped: boolean;
  readonly view: PersistentMap<CachedNode>;
}

export type TreeCacheCommand = { readonly type: 'start' };

type Out = RecipeOutput<TreeCacheState>;
type Call = Out['calls'][number];

function withView(s: TreeCacheState, view: PersistentMap<CachedNode>, started = s.started, stopped = s.stopped): TreeCacheState {
  return { client: s.client, root: s.root, started, stopped, view };
}

function nodeChanged(path: string): Call {
  return { tag: `data:${path}`, command: { type: 'getData', path, watch: false } };
}

function under(root: string, path: string): boolean {
  return path === root || path.startsWith(root === '/' ? '/' : `${root}/`);
}

function childPath(parent: string, child: string): string {
  return parent === '/' ? `/${child}` : `${parent}/${child}`;
}

/** Add the recursive watch, then load the root and every stored path (rebuild). */
function rebuild(s: TreeCacheState): Out {
  const calls: Call[] = [{ tag: 'watch', command: { type: 'addWatch', path: s.root, mode: 'PERSISTENT_RECURSIVE' } }, nodeChanged(s.root)];
  for (const [path] of mapEntries(s.view)) if (path !== s.root) calls.push(nodeChanged(path));
  return { state: withView(s, s.view, true), calls, claims: [{ event: 'rebuild', detail: s.view.size }] };
}

function none(s: TreeCacheState): Out {
  return { state: s, calls: [], claims: [] };
}

export function treeCacheRecipe(root: string): Recipe<TreeCacheState> {
  return {
    name: 'treecache',
    init: (client) => ({ client, root, started: false, stopped: false, view: emptyMap<CachedNode>() }),
    step(s: TreeCacheState, input: RecipeInput): Out {
      if (s.stopped) return none(s);
      switch (input.type) {
        case 'app':
          return (input.command as TreeCacheCommand).type === 'start' && !s.started ? rebuild(s) : none(s);
        case 'session':
          if (input.state === 'EXPIRED' || input.state === 'CLOSED' || input.state === 'AUTH_FAILED') return none(withView(s, s.view, s.started, true));
          return input.state === 'CONNECTED' && s.started ? rebuild(s) : none(s);
        case 'watch':
          if (!s.started || !under(s.root, input.path)) return none(s);
          if (input.event === 'NodeCreated' || input.event === 'NodeDataChanged') return { state: s, calls: [nodeChanged(input.path)], claims: [] };
          if (input.event === 'NodeDeleted') return none(withView(s, mapRemove(s.view, input.path)));
          return none(s);
        case 'complete':
          return onComplete(s, input);
      }
    },
  };
}

function onComplete(s: TreeCacheState, input: Extract<RecipeInput, { type: 'complete' }>): Out {
  const r = input.result;
  if (input.tag.startsWith('data:')) {
    const path = input.tag.slice('data:'.length);
    if (r.err === 'NONODE') return none(withView(s, mapRemove(s.view, path)));
    if (r.err !== 'OK' || r.response?.type !== 'getData') return none(s);
    const old = mapGet(s.view, path);
    const stat = r.response.stat;
    const next = withView(s, mapSet(s.view, path, { data: r.response.data ?? '', version: stat.version, cversion: stat.cversion }));
    if (old !== undefined && old.cversion === stat.cversion) return none(next);
    return { state: next, calls: [{ tag: `children:${path}`, command: { type: 'getChildren', path, watch: false } }], claims: [] };
  }
  if (input.tag.startsWith('children:')) {
    const path = input.tag.slice('children:'.length);
    if (r.err === 'NONODE') return none(withView(s, mapRemove(s.view, path)));
    if (r.err !== 'OK' || r.response?.type !== 'getChildren') return none(s);
    return { state: s, calls: r.response.children.map((c) => nodeChanged(childPath(path, c))), claims: [] };
  }
  return none(s);
}

/** The cached view as path → data, for the checker and tests. */
export function viewOf(s: TreeCacheState): Map<string, string> {
  return new Map(mapEntries(s.view).map(([path, n]) => [path, n.data]));
}
