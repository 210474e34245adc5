// The wire shapes of ZooKeeper 3.8's watch requests (addWatch, checkWatches, removeWatches,
// setWatches, setWatches2). A file of its own, importing nothing of the service, so that types.ts
// can name them in ZkRequest without an import cycle; watch-requests.ts serves them.
import type { Zxid } from '../zxid.js';

/** ZooDefs.AddWatchModes: persistent (0) and persistentRecursive (1). */
export type AddWatchMode = 'PERSISTENT' | 'PERSISTENT_RECURSIVE';

/** Watcher.WatcherType: Children (1), Data (2), Any (3). */
export type WatcherType = 'Children' | 'Data' | 'Any';

/** The watch requests a client sends (OpCode names: addWatch 106, checkWatches 17, removeWatches 18, setWatches 101, setWatches2 105). */
export type ZkWatchRequest =
  | { readonly type: 'addWatch'; readonly path: string; readonly mode: AddWatchMode }
  | { readonly type: 'checkWatches'; readonly path: string; readonly watcherType: WatcherType }
  | { readonly type: 'removeWatches'; readonly path: string; readonly watcherType: WatcherType }
  | {
      readonly type: 'setWatches';
      readonly relativeZxid: Zxid;
      readonly dataWatches: readonly string[];
      readonly existWatches: readonly string[];
      readonly childWatches: readonly string[];
    }
  | {
      readonly type: 'setWatches2';
      readonly relativeZxid: Zxid;
      readonly dataWatches: readonly string[];
      readonly existWatches: readonly string[];
      readonly childWatches: readonly string[];
      readonly persistentWatches: readonly string[];
      readonly persistentRecursiveWatches: readonly string[];
    };
