// The reference checker's persistent watches (DEFINITIONS.md §4, "Persistent watches"): which triggers of a
// txn reach a session through them, as deliveries queued on a connection. Pure functions over the search's
// state; search.ts places the deliveries' events.
import type { TxnItem } from './items.js';
import type { Trigger, WatchEventType } from './tree-model.js';

/** A persistent watch a session holds (addWatch), registered on connection `conn` (and perhaps still on `prev`). */
export type PWatch = {
  readonly path: string;
  readonly recursive: boolean;
  readonly conn: number;
  /** Older connections whose server may still have it registered (before a reconnect's setWatches2). */
  readonly prev: readonly number[];
  /** Its server side may be gone or one-shot (removeWatches, or 3.8's one mode per path): its deliveries may not come. */
  readonly optional: boolean;
};

/** An event a txn queued for a session on a connection through its persistent watches. */
export type Delivery = {
  readonly txn: TxnItem;
  readonly type: WatchEventType;
  readonly path: string;
  readonly conn: number;
  /** May never arrive: an optional watch's, one filtered by ACL, or one on a connection the watch moved from. */
  readonly optional: boolean;
};

const under = (q: string, base: string): boolean => base === '/' || q === base || q.startsWith(`${base}/`);

/**
 * WatchManager.triggerWatch for one trigger and one persistent watch: PERSISTENT is in both tables on its
 * path (DataTree.addWatch); PERSISTENT_RECURSIVE only in the data table, for its path and every descendant
 * (PathParentIterator), and never for NodeChildrenChanged.
 */
export function covers(w: PWatch, g: Trigger): boolean {
  return w.recursive ? g.kind === 'data' && under(g.path, w.path) : g.path === w.path;
}

/**
 * The deliveries txn `t` queues for a session holding `list`: one per trigger at most (a trigger's watchers
 * are a Set), none for the child table's NodeDeleted of a path whose data-table NodeDeleted reached the
 * session (DataTree.deleteNode passes those as `supress`). On the watch's connection, and optionally on the
 * older connections it may still be registered on.
 */
export function deliveriesOf(t: TxnItem, triggers: readonly Trigger[], list: readonly PWatch[], restricted: ReadonlySet<string>): Delivery[] {
  const out: Delivery[] = [];
  const deleted = new Set<string>();
  for (const g of triggers) {
    if (g.kind === 'child' && g.type === 'NodeDeleted' && deleted.has(g.path)) continue;
    const hit = list.filter((w) => covers(w, g));
    if (hit.length === 0) continue;
    if (g.kind === 'data' && g.type === 'NodeDeleted') deleted.add(g.path);
    const filtered = restricted.has(g.path);
    const conns = new Map<number, boolean>(); // conn -> optional
    for (const w of hit) {
      conns.set(w.conn, (conns.get(w.conn) ?? true) && (w.optional || filtered));
      for (const c of w.prev) if (!conns.has(c)) conns.set(c, true);
    }
    for (const [conn, optional] of [...conns].sort((a, b) => a[0] - b[0])) out.push({ txn: t, type: g.type, path: g.path, conn, optional });
  }
  return out;
}

export function keyOf(pws: readonly PWatch[], dels: readonly Delivery[]): string {
  return `${pws.map((w) => `${w.path},${w.recursive ? 1 : 0},${w.conn},${w.prev.join('.')},${w.optional ? 1 : 0}`).join(';')}>${dels.map((d) => `${d.txn.id},${d.type},${d.path},${d.conn},${d.optional ? 1 : 0}`).join(';')}`;
}
