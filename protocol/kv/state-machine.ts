// A small replicated state machine for the Zab layer's own tests and runs: versioned registers.
// Writes are set(key, value) and cas(key, version, value); a failed cas is still a txn (an error
// txn, as ZooKeeper's failed writes are), so it consumes a zxid. A set txn carries the version it
// gives the key, as ZooKeeper's SetDataTxn does: applying it again (a learner replaying txns its
// fuzzy SNAP already holds) leaves the same entry, never a second increment.
import type { Zxid } from '../zxid.js';
import type { StateMachine } from '../zab/txn.js';
import { emptyMap, mapEntries, mapGet, mapSet, type PersistentMap } from '../tree/hamt.js';

export type KvOp =
  | { readonly type: 'set'; readonly key: string; readonly value: string }
  | { readonly type: 'cas'; readonly key: string; readonly version: number; readonly value: string }
  | { readonly type: 'get'; readonly key: string };

export type KvBody =
  | { readonly type: 'set'; readonly key: string; readonly value: string; readonly version: number }
  | { readonly type: 'error'; readonly key: string; readonly error: 'BADVERSION' };

export interface KvEntry {
  readonly value: string;
  readonly version: number;
  readonly mzxid: Zxid;
}

/** A persistent hash map: a write copies one path, never the whole map. */
export type KvState = PersistentMap<KvEntry>;

export const kvStateMachine: StateMachine = {
  name: 'kv',
  empty: () => emptyMap<KvEntry>(),
  isWrite: (op) => (op as KvOp).type !== 'get',
  prep(state, op) {
    const o = op as KvOp;
    const s = state as KvState;
    const current = mapGet(s, o.key);
    const version = current === undefined ? -1 : current.version;
    if (o.type === 'cas') {
      if (version !== o.version) return { type: 'error', key: o.key, error: 'BADVERSION' } satisfies KvBody;
      return { type: 'set', key: o.key, value: o.value, version: version + 1 } satisfies KvBody;
    }
    if (o.type === 'set') return { type: 'set', key: o.key, value: o.value, version: version + 1 } satisfies KvBody;
    throw new Error(`kv prep of a read: ${JSON.stringify(op)}`);
  },
  apply(state, body, zxid) {
    const b = body as KvBody;
    const s = state as KvState;
    if (b.type === 'error') return { state, result: { error: b.error } };
    return { state: mapSet(s, b.key, { value: b.value, version: b.version, mzxid: zxid }), result: { version: b.version } };
  },
  read(state, op) {
    const o = op as KvOp;
    const entry = mapGet(state as KvState, o.key);
    return entry === undefined ? null : { value: entry.value, version: entry.version, mzxid: entry.mzxid };
  },
  sameState: (a, b) => firstDifference(a as KvState, b as KvState) === null,
  describeDifference: (expected, actual) => firstDifference(expected as KvState, actual as KvState) ?? 'equal',
  describeOp(op) {
    const o = op as KvOp;
    switch (o.type) {
      case 'set':
        return `set ${o.key}=${o.value}`;
      case 'cas':
        return `cas ${o.key}@${o.version}=${o.value}`;
      case 'get':
        return `get ${o.key}`;
    }
  },
};

/** The first key (in hash order) whose entry differs between two states, described; null when equal. O(n). */
function firstDifference(expected: KvState, actual: KvState): string | null {
  const show = (e: KvEntry | undefined): string => (e === undefined ? 'nothing' : `${e.value} (version ${e.version})`);
  for (const [key, e] of mapEntries(expected)) {
    const a = mapGet(actual, key);
    if (a === undefined || a.value !== e.value || a.version !== e.version) return `key ${key} holds ${show(a)} where ${show(e)} is expected`;
  }
  if (actual.size !== expected.size) {
    for (const [key, a] of mapEntries(actual)) if (!mapGet(expected, key)) return `key ${key} holds ${show(a)} where nothing is expected`;
  }
  return null;
}
