// The history-wide half of the persistent-watch judgment (watch-persistent.ts has the why and the per-session
// half): the changes each write makes and may make, indexed once, shared by every session's PersistentWatches.
import type { ZkHistoryOp, ZkHistoryWatch, ZkOp, ZkResult } from '../history/types.js';
import { isUncertain } from './zk-writes.js';
import { ephemeralCreates, fires } from './watch-changes.js';
import type { HistoryView } from './history-view.js';

/** The ephemeral nodes each session's creates made (or may have made), by session. */
function ephemeralNodes(writes: Parameters<typeof ephemeralCreates>[0]): Map<number, string[]> {
  const out = new Map<number, string[]>();
  for (const [session, list] of ephemeralCreates(writes)) out.set(session, list.map((c) => c.path));
  return out;
}

export type EventType = ZkHistoryWatch['type'];

/** One watch the session holds, by path and mode. */
export type Held = {
  readonly path: string;
  readonly recursive: boolean;
  /** The addWatch that set it first. */
  readonly by: ZkHistoryOp;
  /** A zxid at or below the state it was registered at: every change it reports is above it. */
  readonly floor: number;
  /** By connection: a zxid at or above the state it was registered at there (null: not known yet). */
  readonly registered: Map<number, number | null>;
  /** By connection: the changes up to this zxid were checked for their events there. */
  readonly checked: Map<number, number>;
  /** By connection: how many events without a zxid, by `${type} ${path}`, the checked changes there took. */
  readonly used: Map<number, Map<string, number>>;
  /** By connection: the first addWatch that set it there, and how far the certain writes by time were checked there. */
  readonly added: Map<number, ZkHistoryOp>;
  readonly byTime: Map<number, number>;
};

/** A change a certain write makes, with its event type and path. */
export type Change = { readonly zxid: number; readonly type: EventType; readonly path: string; readonly by: ZkHistoryOp };

export const parentOf = (p: string): string => (p.lastIndexOf('/') <= 0 ? '/' : p.slice(0, p.lastIndexOf('/')));
export const under = (q: string, base: string): boolean => base === '/' || q === base || q.startsWith(`${base}/`);

export function covers(w: Held, type: EventType, path: string): boolean {
  return w.recursive ? type !== 'NodeChildrenChanged' && under(path, w.path) : path === w.path;
}

/** The events a write's change fires as DataTree applies it (DataTree.createNode, deleteNode, setData). */
export function changesOf(op: ZkOp, result: ZkResult | null, out: [EventType, string][]): void {
  if (result === null || result.rc !== 'ok') return;
  switch (op.type) {
    case 'create': {
      const made = result.path ?? (op.mode === 'persistent' || op.mode === 'ephemeral' ? op.path : null);
      if (made !== null) out.push(['NodeCreated', made]);
      out.push(['NodeChildrenChanged', parentOf(op.path)]);
      return;
    }
    case 'delete':
      out.push(['NodeDeleted', op.path], ['NodeChildrenChanged', parentOf(op.path)]);
      return;
    case 'setData':
      out.push(['NodeDataChanged', op.path]);
      return;
    case 'multi':
      op.ops.forEach((sub, i) => changesOf(sub, result.results?.[i] ?? { rc: 'ok' }, out));
      return;
    default:
      return;
  }
}

/** What the sessions' PersistentWatches share: the history's changes, indexed once. */
export class PersistentShared {
  private certain: Change[] | null = null;
  private byKey: Map<string, ZkHistoryOp[]> | null = null;
  private loose: ZkHistoryOp[] = [];
  private ephemerals: Map<number, string[]> | null = null;

  private readonly view: HistoryView;
  private readonly restricted: ReadonlySet<string>;
  readonly queuedFirst: boolean;

  constructor(view: HistoryView, restricted: ReadonlySet<string>, queuedFirst: boolean) {
    this.view = view;
    this.restricted = restricted;
    this.queuedFirst = queuedFirst;
  }

  /**
   * Whether some write may have made event `e`'s change after `floor`: one that was not refused (ok, or an
   * unknown outcome), sent before the event arrived, with the event's zxid when both are known; or the end
   * of a session that created an ephemeral node there before the event arrived (an expiry may come at any time).
   */
  explains(e: ZkHistoryWatch, floor: number): boolean {
    const known = e.zxid > 0;
    if (known && e.zxid <= floor) return false;
    this.index();
    for (const o of this.byKey!.get(`${e.type} ${e.path}`) ?? [])
      if (o.invokeUs < e.atUs && (o.zxid === null || (o.zxid > floor && (!known || o.zxid === e.zxid)))) return true;
    for (const o of this.loose)
      if (o.invokeUs < e.atUs && (o.zxid === null || (o.zxid > floor && (!known || o.zxid === e.zxid))) && fires(o.op, null, e.type, e.path, [], false))
        return true;
    if (e.type === 'NodeDeleted' || e.type === 'NodeChildrenChanged')
      for (const list of (this.ephemerals ??= ephemeralNodes(this.view.writes)).values())
        if (fires({ type: 'closeSession' }, null, e.type, e.path, list, false)) return true;
    return false;
  }

  private byCompletion: ZkHistoryOp[] | null = null;

  /** The certain ok writes with a reply (not session ends), by reply time. */
  writesByCompletion(): ZkHistoryOp[] {
    if (this.byCompletion !== null) return this.byCompletion;
    const out = this.view.writes.filter((o) => o.outcome === 'ok' && o.completeUs !== null && o.result !== null && !isUncertain(o) && o.op.type !== 'closeSession');
    out.sort((a, b) => a.completeUs! - b.completeUs!);
    return (this.byCompletion = out);
  }

  /**
   * The first change of the certain write `x` that `w` covers (ACL-filtered paths aside) with no event of its
   * type and path in `events` that arrived after `x` was sent (its txn came after that).
   */
  missingOf(w: Held, x: ZkHistoryOp, events: ReadonlyMap<string, number>): string | null {
    const found: [EventType, string][] = [];
    changesOf(x.op, x.result, found);
    for (const [type, path] of found)
      if (covers(w, type, path) && !this.restricted.has(path) && !((events.get(`${type} ${path}`) ?? -Infinity) > x.invokeUs)) return `${type} ${path}`;
    return null;
  }

  /**
   * How many times the write the history names at event `e`'s zxid makes its change (type and path); null when
   * no write has that zxid or one there holds an unnamed sequential create.
   */
  madeAt(e: ZkHistoryWatch): number | null {
    this.index();
    const named = this.view.writes.filter((o) => o.zxid === e.zxid && o.outcome !== 'fail');
    if (named.length > 1 || named.some((o) => o.op.type === 'closeSession')) return null;
    for (const r of this.view.history.events ?? []) if (r.kind === 'session' && r.state === 'ENDED' && r.zxid === e.zxid) return null;
    // A zxid no write names may be any write's without one; NodeDeleted and NodeChildrenChanged also a session end's.
    if (named.length === 0 && (e.type === 'NodeDeleted' || e.type === 'NodeChildrenChanged') && (this.ephemerals ??= ephemeralNodes(this.view.writes)).size > 0) return null;
    let most = 0;
    for (const at of named.length === 1 ? named : this.view.writes.filter((o) => o.zxid === null && o.outcome !== 'fail' && o.op.type !== 'closeSession')) {
      const uncertain = isUncertain(at) || at.result === null;
      // (An unnamed sequential create of unknown outcome may have made the event's node.)
      if (uncertain && hasSequentialCreate(at.op)) return null;
      const found: [EventType, string][] = [];
      if (uncertain) allChanges(at.op, found);
      else changesOf(at.op, at.result, found);
      most = Math.max(most, found.filter(([t, p]) => t === e.type && p === e.path).length);
    }
    return most;
  }

  /**
   * The first certain change in (from, to] that `w` covers whose event did not come: none with its zxid in
   * `events`, and every event of its type and path without a zxid (`unnamed`) taken by an earlier change
   * (`used`, updated). Paths whose ACL may filter the event are left out.
   */
  firstMissing(w: Held, from: number, to: number, events: ReadonlySet<string>, unnamed: ReadonlyMap<string, number>, used: Map<string, number>): Change | null {
    const list = this.certainChanges();
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (list[mid]!.zxid <= from) lo = mid + 1;
      else hi = mid;
    }
    for (let k = lo; k < list.length && list[k]!.zxid <= to; k++) {
      const c = list[k]!;
      if (!covers(w, c.type, c.path) || this.restricted.has(c.path)) continue;
      if (events.has(`${c.type} ${c.path} ${c.zxid}`)) continue;
      const key = `${c.type} ${c.path}`;
      const took = used.get(key) ?? 0;
      if (took >= (unnamed.get(key) ?? 0)) return c;
      used.set(key, took + 1);
    }
    return null;
  }

  /**
   * The changes of the ok writes with a zxid and their result (not session ends: which ephemerals an end still
   * deleted is not certain), by zxid. An event with an unknown zxid (ZooKeeper 3.8 sends -1) may be any of
   * its type and path, so `firstMissing` asks for one of the same type and path there.
   */
  private certainChanges(): Change[] {
    if (this.certain !== null) return this.certain;
    const out: Change[] = [];
    for (const o of this.view.okWritesByZxid()) {
      if (isUncertain(o) || o.op.type === 'closeSession') continue;
      const found: [EventType, string][] = [];
      changesOf(o.op, o.result, found);
      for (const [type, path] of found) out.push({ zxid: o.zxid!, type, path, by: o });
    }
    return (this.certain = out);
  }

  /** Writes that may have taken effect, by the `${type} ${path}` they fire; unnamed sequential creates loose. */
  private index(): void {
    if (this.byKey !== null) return;
    const byKey = new Map<string, ZkHistoryOp[]>();
    for (const o of this.view.writes) {
      if (o.outcome === 'fail' || o.op.type === 'closeSession') continue;
      const uncertain = isUncertain(o) || o.result === null;
      if (!uncertain && o.result!.rc !== 'ok') continue;
      const found: [EventType, string][] = [];
      // (A sequential create is matched by fires(), which knows a sequential name by its prefix.)
      if (uncertain ? allChanges(o.op, found) : (changesOf(o.op, o.result, found), hasSequentialCreate(o.op))) this.loose.push(o);
      for (const [type, path] of found) {
        const list = byKey.get(`${type} ${path}`);
        if (list === undefined) byKey.set(`${type} ${path}`, [o]);
        else if (list[list.length - 1] !== o) list.push(o);
      }
    }
    this.byKey = byKey;
  }
}

function hasSequentialCreate(op: ZkOp): boolean {
  if (op.type === 'multi') return op.ops.some(hasSequentialCreate);
  return op.type === 'create' && op.mode !== 'persistent' && op.mode !== 'ephemeral';
}

/** Every change an op of unknown outcome may make (each sub-op of a multi); true when it holds an unnamed sequential create. */
function allChanges(op: ZkOp, out: [EventType, string][]): boolean {
  if (op.type === 'multi') {
    let loose = false;
    for (const sub of op.ops) loose = allChanges(sub, out) || loose;
    return loose;
  }
  if (op.type === 'create' && op.mode !== 'persistent' && op.mode !== 'ephemeral') {
    out.push(['NodeChildrenChanged', parentOf(op.path)]);
    return true;
  }
  changesOf(op, { rc: 'ok' }, out);
  return false;
}
