// The fault recorder's seeded workload: which op a session's lane sends next. Data values are unique
// per client and counter ("c<client>-<n>"), so a read's value names the one write that wrote it.
import type { ZkOp } from '../../sim/history/types.js';
import type { Rng } from '../../sim/rng.js';

export const WORKLOAD_ROOT = '/w';
/** Persistent keys (create, setData, delete, reads, multi), under the workload's root. */
const KEYS = ['/a', '/b', '/c'];
/** Ephemeral keys: any session may create one; it goes with its owner's session. */
const EPHEMERALS = ['/e0', '/e1', '/e2'];

export type WorkerMemory = {
  /** The last version this client saw per path (for conditional setData, delete and check). */
  versions: Map<string, number>;
  /** Sequential nodes this client created (candidates for delete). */
  created: string[];
  counter: number;
};

function version(rng: Rng, memory: WorkerMemory, path: string): number {
  if (rng.chance(0.45)) return -1;
  const v = memory.versions.get(path) ?? 0;
  return rng.chance(0.8) ? v : v + 1; // mostly the version seen last, sometimes a stale guess
}

/** The next op(s): one op, or sync then getData (a sync-then-read pair, sent one after the other). */
/**
 * `root`: the workload's parent node ('/w' for the committed recordings; one per run when several runs
 * share an ensemble, so that no run sees another's nodes).
 */
export function nextWorkloadOp(rng: Rng, client: number, memory: WorkerMemory, mayClose: boolean, root = WORKLOAD_ROOT): ZkOp[] {
  const data = (): string => `c${client}-${memory.counter++}`;
  const key = (): string => root + rng.pick(KEYS);
  const eph = (): string => root + rng.pick(EPHEMERALS);
  const anyKey = (): string => root + rng.pick(rng.chance(0.7) ? KEYS : EPHEMERALS);
  const r = rng.next();
  if (r < 0.13) return [{ type: 'create', path: key(), data: data(), mode: 'persistent' }];
  if (r < 0.21) return [{ type: 'create', path: eph(), data: data(), mode: 'ephemeral' }];
  if (r < 0.24) return [{ type: 'create', path: `${root}/s-`, data: data(), mode: 'persistentSequential' }];
  if (r < 0.27) return [{ type: 'create', path: `${root}/x-`, data: data(), mode: 'ephemeralSequential' }];
  if (r < 0.41) {
    const path = key();
    return [{ type: 'setData', path, data: data(), version: version(rng, memory, path) }];
  }
  if (r < 0.48) {
    const own = memory.created.length > 0 && rng.chance(0.3) ? memory.created.splice(rng.intInclusive(0, memory.created.length - 1), 1)[0]! : anyKey();
    return [{ type: 'delete', path: own, version: version(rng, memory, own) }];
  }
  if (r < 0.6) return [{ type: 'getData', path: anyKey(), watch: rng.chance(0.5) }];
  if (r < 0.69) return [{ type: 'exists', path: anyKey(), watch: rng.chance(0.5) }];
  if (r < 0.76) return [{ type: 'getChildren', path: root, watch: rng.chance(0.4) }];
  if (r < 0.82)
    return [
      { type: 'sync', path: root },
      { type: 'getData', path: anyKey() },
    ];
  if (r < 0.945) {
    const a = key();
    const b = key();
    switch (rng.intInclusive(0, 3)) {
      case 0:
        return [
          {
            type: 'multi',
            ops: [
              { type: 'check', path: a, version: version(rng, memory, a) },
              { type: 'setData', path: b, data: data(), version: -1 },
            ],
          },
        ];
      case 1:
        return [
          {
            type: 'multi',
            ops: [
              { type: 'create', path: a, data: data(), mode: 'persistent' },
              { type: 'delete', path: b, version: -1 },
            ],
          },
        ];
      case 2: // fails at its first sub-op unless the node has had 99 writes: a failing multi
        return [
          {
            type: 'multi',
            ops: [
              { type: 'setData', path: a, data: data(), version: 99 },
              { type: 'create', path: `${root}/m`, data: data(), mode: 'persistent' },
            ],
          },
        ];
      default:
        return [
          {
            type: 'multi',
            ops: [
              { type: 'create', path: a, data: data(), mode: 'persistent' },
              { type: 'create', path: eph(), data: data(), mode: 'ephemeral' },
            ],
          },
        ];
    }
  }
  if (r < 0.965 && mayClose) return [{ type: 'closeSession' }];
  return [{ type: 'getData', path: anyKey(), watch: rng.chance(0.5) }];
}

/** What the client learns from a reply: versions for later conditional writes, created sequential names. */
export function remember(memory: WorkerMemory, op: ZkOp, value: unknown): void {
  if (value === null || value === undefined) return;
  if (op.type === 'getData') memory.versions.set(op.path, (value as { stat: { version: number } }).stat.version);
  else if (op.type === 'setData' || op.type === 'exists') memory.versions.set(op.path, (value as { version: number }).version);
  else if (op.type === 'create' && typeof value === 'string' && (op.mode === 'persistentSequential' || op.mode === 'ephemeralSequential'))
    memory.created.push(value);
}
