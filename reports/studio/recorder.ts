// The studio's state recorder: while the engine runs, it keeps, for each server, a reference to its
// state after every observation it makes (a role change, a logged, committed or truncated txn) and
// after crashes and restarts. Protocol states are immutable and share structure, so a reference
// costs O(1); the panel describes a server's log tail and data from the state in force at the
// cursor, on demand, bounded. It also keeps each client's calls (invoke → completion) from the
// trace, so the panel lists what a client is waiting for at any moment.
import { mapEntries, type PersistentMap } from '../../protocol/tree/hamt.js';
import { pvecGet } from '../../protocol/pvec.js';
import type { NodeId } from '../../protocol/program.js';
import type { ZabServer } from '../../protocol/zab/state.js';
import type { Kernel } from '../../sim/kernel/kernel.js';

const zxidText = (z: number): string => (z < 0 ? '-' : `${Math.floor(z / 4294967296)}:${z % 4294967296}`);

export class StateRecorder {
  private readonly times = new Map<NodeId, number[]>();
  private readonly states = new Map<NodeId, (ZabServer | null)[]>();
  readonly servers: readonly NodeId[];
  private readonly kernel: Kernel;

  constructor(kernel: Kernel, servers: readonly NodeId[]) {
    this.kernel = kernel;
    this.servers = servers;
    for (const id of servers) {
      this.times.set(id, []);
      this.states.set(id, []);
      this.note(id, 0);
    }
    kernel.addObserver({
      observe: (node, _what, nowUs) => this.note(node, nowUs),
      crashed: (node, _disk, nowUs) => this.note(node, nowUs),
      restarted: (node, nowUs) => this.note(node, nowUs),
    });
  }

  private note(node: NodeId, nowUs: number): void {
    const times = this.times.get(node);
    const states = this.states.get(node);
    if (times === undefined || states === undefined) return;
    const state = this.kernel.isUp(node) ? asServer(this.kernel.stateOf(node)) : null;
    const last = times.length - 1;
    if (last >= 0 && times[last] === nowUs) states[last] = state;
    else {
      times.push(nowUs);
      states.push(state);
    }
  }

  /** The server's state in force at time t (after every event at t), or null while it is down. */
  stateAt(node: NodeId, t: number): ZabServer | null {
    const times = this.times.get(node) ?? [];
    let lo = 0;
    let hi = times.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((times[mid] ?? 0) <= t) lo = mid + 1;
      else hi = mid;
    }
    return lo === 0 ? null : (this.states.get(node)?.[lo - 1] ?? null);
  }

  /** The last states, once the run is over. */
  finalStates(): Map<NodeId, ZabServer | null> {
    return new Map(this.servers.map((id) => [id, this.stateAt(id, Number.MAX_SAFE_INTEGER)]));
  }
}

function asServer(state: unknown): ZabServer | null {
  const s = state as Partial<ZabServer> | undefined;
  return s !== undefined && s !== null && s.log !== undefined && s.sm !== undefined ? (s as ZabServer) : null;
}

/** A txn body in a few words (`set x=2`, `create /lock/n-0000000001`), bounded. */
export function describeBody(body: unknown): string {
  const b = body as Record<string, unknown> | null;
  if (b === null || typeof b !== 'object') return String(body);
  // A ZooKeeper txn wraps its operation with the session and time (TxnHeader + record).
  if (b['type'] === undefined && typeof b['body'] === 'object' && b['body'] !== null) return describeBody(b['body']);
  const type = String(b['type'] ?? '?');
  if (Array.isArray(b['paths'])) return `${type} [${(b['paths'] as unknown[]).map(String).join(' ')}]`;
  if (typeof b['key'] === 'string') return b['value'] === undefined ? `${type} ${b['key']}` : `${type} ${b['key']}=${String(b['value'])}`;
  if (typeof b['path'] === 'string') return `${type} ${b['path']}${typeof b['data'] === 'string' && b['data'] !== '' ? ` "${clip(b['data'], 16)}"` : ''}`;
  if (Array.isArray(b['txns'])) return `multi [${(b['txns'] as unknown[]).map(describeBody).join('; ')}]`;
  return b['type'] === undefined ? clip(JSON.stringify(b), 48) : type;
}

function clip(text: string, n: number): string {
  return text.length > n ? `${text.slice(0, n - 1)}…` : text;
}

/** The last `n` txns of the server's log, oldest first, marked committed or not. */
export function logTail(s: ZabServer, n: number): { zxid: string; body: string; committed: boolean }[] {
  const out: { zxid: string; body: string; committed: boolean }[] = [];
  for (let i = Math.max(0, s.log.size - n); i < s.log.size; i++) {
    const txn = pvecGet(s.log, i);
    out.push({ zxid: zxidText(txn.zxid), body: describeBody(txn.body), committed: s.logBase + i < s.committed });
  }
  return out;
}

/**
 * The server's applied data, at most `n` entries in key order: a kv store's keys and values, or a
 * ZooKeeper tree's znodes (path and data; ephemerals marked). `more` counts what was left out.
 */
export function dataOf(s: ZabServer, n: number): { entries: string[]; more: number } {
  const state = s.state as Record<string, unknown> | null;
  let rows: [string, string][] = [];
  if (state !== null && typeof state === 'object' && 'nodes' in state) {
    const nodes = mapEntries(state['nodes'] as PersistentMap<{ data: string | null; ephemeralOwner: number }>);
    rows = nodes
      .filter(([path]) => path !== '/' && path !== '' && !path.startsWith('/zookeeper'))
      .map(([path, z]) => [path, `${path}${z.data === null || z.data === '' ? '' : ` = ${clip(z.data, 24)}`}${z.ephemeralOwner !== 0 ? ' (ephemeral)' : ''}`]);
  } else if (state !== null && typeof state === 'object' && 'size' in state) {
    rows = mapEntries(state as unknown as PersistentMap<{ value: string; version: number }>).map(([k, e]) => [
      k,
      `${k} = ${clip(e.value, 24)} (v${e.version})`,
    ]);
  }
  rows.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return { entries: rows.slice(0, n).map((r) => r[1]), more: Math.max(0, rows.length - n) };
}

/** The committed history of the server that knows the most of it: [zxid, body] per txn. */
export function committedHistory(states: ReadonlyMap<NodeId, ZabServer | null>): { server: NodeId | null; txns: string[] } {
  let best: ZabServer | null = null;
  let server: NodeId | null = null;
  // The most committed txns; of equals, the one whose log reaches furthest back (a learner synced
  // by SNAP holds the start of history only in its snapshot).
  for (const [id, s] of states) {
    if (s !== null && (best === null || s.committed > best.committed || (s.committed === best.committed && s.logBase < best.logBase))) {
      best = s;
      server = id;
    }
  }
  if (best === null) return { server: null, txns: [] };
  const txns: string[] = [];
  for (let index = 0; index < best.committed; index++) {
    const i = index - best.logBase;
    if (i < 0) {
      txns.push(`#${index} (in a snapshot)`);
      continue;
    }
    if (i >= best.log.size) break;
    const txn = pvecGet(best.log, i);
    txns.push(`${zxidText(txn.zxid)} ${describeBody(txn.body)}`);
  }
  return { server, txns };
}

/** The server that leads at the end, if one is up and LEADING. */
export function finalLeader(states: ReadonlyMap<NodeId, ZabServer | null>): NodeId | null {
  for (const [id, s] of states) if (s !== null && s.role === 'LEADING') return id;
  return null;
}
