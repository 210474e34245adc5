// Corruptions of a history recorded from a real ensemble, each one impossible by construction: no
// ZooKeeper execution can produce the corrupted history, whatever the recorded zxids say or do not say.
// Each function returns null when the history has no place where its corruption is sure to be impossible.
// The choice is deterministic (first candidate in the history's order), so a corrupted copy is reproducible,
// and it uses only facts present with and without zxids (values, versions, names, times, arrival order).
import type { ZkHistory, ZkHistoryEvent, ZkHistoryOp, ZkHistoryWatch, ZkResult } from '../../sim/history/types.js';

export const CORRUPTIONS = ['value-never-written', 'watch-event-dropped', 'write-results-swapped', 'ephemeral-after-session-end'] as const;
export type CorruptionName = (typeof CORRUPTIONS)[number];

export type Corrupted = { readonly history: ZkHistory; readonly what: string };

function replaceOp(h: ZkHistory, id: number, make: (o: ZkHistoryOp) => ZkHistoryOp): ZkHistory {
  return { ...h, ops: h.ops.map((o) => (o.id === id ? make(o) : o)) };
}

function dataWritten(h: ZkHistory): Set<string> {
  const out = new Set<string>();
  const visit = (op: ZkHistoryOp['op']): void => {
    if (op.type === 'create' || op.type === 'setData' || op.type === 'kvSet' || op.type === 'kvCas') out.add(op.data);
    if (op.type === 'multi') op.ops.forEach(visit);
  };
  for (const o of h.ops) visit(o.op);
  return out;
}

/**
 * A getData that returned data nobody wrote. Impossible: a node's data is the data of the create or
 * setData that last wrote it (the initial tree's nodes hold ''), and no op in the history (nor any
 * outside it: the ensemble is fresh) wrote the new value.
 */
export function valueNeverWritten(h: ZkHistory): Corrupted | null {
  const written = dataWritten(h);
  const r = h.ops.find((o) => o.outcome === 'ok' && o.op.type === 'getData' && o.result?.rc === 'ok' && o.result.data !== undefined && o.result.data !== '');
  if (r === undefined) return null;
  let value = `never-written-${r.id}`;
  while (written.has(value)) value += '!';
  return {
    history: replaceOp(h, r.id, (o) => ({ ...o, result: { ...(o.result as ZkResult), data: value } })),
    what: `#${r.id} getData ${(r.op as { path: string }).path} now returns "${value}"`,
  };
}

/** The arrival position of a reply or event (one counter for both in the recorder). */
function seqOf(x: ZkHistoryOp | ZkHistoryEvent): number {
  return x.kind === 'op' ? (x.completeSeq ?? -1) : (x.seq ?? -1);
}

type Seen = { kind: 'absent' } | { kind: 'data'; data: string | undefined; version: number | undefined } | { kind: 'children'; children: readonly string[] };

/** What a read showed of its path, as far as a watch it set is concerned. */
function seen(o: ZkHistoryOp): Seen | null {
  const r = o.result;
  if (o.outcome !== 'ok' || r === null) return null;
  switch (o.op.type) {
    case 'exists':
      return r.exists === false ? { kind: 'absent' } : r.rc === 'ok' ? { kind: 'data', data: undefined, version: r.version } : null;
    case 'getData':
      return r.rc === 'noNode' ? { kind: 'absent' } : r.rc === 'ok' ? { kind: 'data', data: r.data, version: r.version } : null;
    case 'getChildren':
      return r.rc === 'noNode' ? { kind: 'absent' } : r.rc === 'ok' && r.children !== undefined ? { kind: 'children', children: r.children } : null;
    default:
      return null;
  }
}

/**
 * True when a watch set by a read that showed `before` must have fired by the time a later read in the
 * same session showed `after`: an exists watch on an absent node fires on its creation, a data watch
 * (getData, or exists on a present node) on a setData or delete, a child watch on a child's create or
 * delete or the node's delete. A changed version (or unique data value) proves a setData, a changed
 * child set a child create or delete, an absent node a delete.
 */
function mustHaveFired(watchOp: ZkHistoryOp['op']['type'], before: Seen, after: Seen): boolean {
  if (before.kind === 'absent') return watchOp === 'exists' && after.kind !== 'absent';
  if (after.kind === 'absent') return true;
  if (before.kind === 'data' && after.kind === 'data' && watchOp !== 'getChildren') {
    if (before.version !== undefined && after.version !== undefined && before.version !== after.version) return true;
    return before.data !== undefined && after.data !== undefined && before.data !== after.data;
  }
  if (before.kind === 'children' && after.kind === 'children' && watchOp === 'getChildren') {
    const a = [...before.children].sort().join('/');
    const b = [...after.children].sort().join('/');
    return a !== b;
  }
  return false;
}

/**
 * Removes the only watch event that can serve a watch which provably fired before a later reply. R (a
 * read with watch:true, ok) registers the watch atomically with its reply's state; L, a later reply in the
 * same session on the same path, shows a state that differs from R's in a way that triggers that watch
 * (mustHaveFired). ZooKeeper delivers the event before any reply reflecting the change (the server queues
 * the notification on the connection before later replies, and setWatches replays it after a reconnect),
 * so some event for the path reaches the session between R's reply and L's reply. The corruption takes a
 * window in which exactly one event for the path arrived, on one connection (no session event in between),
 * and removes it.
 */
export function watchEventDropped(h: ZkHistory): Corrupted | null {
  const events = h.events ?? [];
  const bySession = new Map<number, ZkHistoryOp[]>();
  for (const o of h.ops) {
    if (o.outcome !== 'ok' || o.session === null || o.completeSeq === undefined || seen(o) === null) continue;
    const list = bySession.get(o.session) ?? [];
    list.push(o);
    bySession.set(o.session, list);
  }
  for (const list of bySession.values()) list.sort((a, b) => seqOf(a) - seqOf(b));
  const candidates: { r: ZkHistoryOp; l: ZkHistoryOp; e: ZkHistoryWatch }[] = [];
  for (const [session, list] of bySession) {
    for (let i = 0; i < list.length; i++) {
      const r = list[i]!;
      const op = r.op as { type: 'getData' | 'exists' | 'getChildren'; path: string; watch?: boolean };
      if (op.watch !== true) continue;
      const before = seen(r)!;
      // getData on an absent node fails with NONODE and sets no watch (only exists does).
      if (before.kind === 'absent' && op.type !== 'exists') continue;
      for (let j = i + 1; j < list.length; j++) {
        const l = list[j]!;
        if ((l.op as { path?: string }).path !== op.path) continue;
        const after = seen(l)!;
        // Compare like with like: children only with children, data only with data (absence with anything).
        if (after.kind === 'children' && before.kind === 'data') continue;
        if (after.kind === 'data' && before.kind === 'children') continue;
        if (!mustHaveFired(op.type, before, after)) continue;
        const window = events.filter((e) => e.session === session && seqOf(e) > seqOf(r) && seqOf(e) < seqOf(l));
        const onPath = window.filter((e): e is ZkHistoryWatch => e.kind === 'watch' && e.path === op.path);
        // One connection throughout: no reconnect (where setWatches would replay the change) and no end.
        const oneConnection = !window.some((e) => e.kind === 'session');
        if (onPath.length === 1 && oneConnection) candidates.push({ r, l, e: onPath[0]! });
        break; // only the first later read of the path: the window is the shortest
      }
    }
  }
  const c = candidates[0];
  if (c === undefined) return null;
  return {
    history: { ...h, events: events.filter((e) => e !== c.e) },
    what: `dropped ${c.e.type} ${c.e.path} for session ${c.e.session} (watch set by #${c.r.id}, change seen by #${c.l.id})`,
  };
}

function sequentialCreate(o: ZkHistoryOp): boolean {
  return (
    o.outcome === 'ok' &&
    o.op.type === 'create' &&
    (o.op.mode === 'persistentSequential' || o.op.mode === 'ephemeralSequential') &&
    o.result?.rc === 'ok' &&
    o.result.path !== undefined
  );
}

/**
 * Swaps the names returned by two sequential creates under the same parent where the first completed
 * before the second was invoked. Impossible: the suffix is the parent's cversion at the create, which
 * only grows (the recorder never deletes the parent), so the later create must get the larger suffix;
 * after the swap the earlier one holds the larger.
 */
export function writeResultsSwapped(h: ZkHistory): Corrupted | null {
  const creates = h.ops.filter(sequentialCreate);
  for (const a of creates) {
    for (const b of creates) {
      const pa = a.op as { path: string };
      const pb = b.op as { path: string };
      const parentA = pa.path.slice(0, pa.path.lastIndexOf('/'));
      const parentB = pb.path.slice(0, pb.path.lastIndexOf('/'));
      if (parentA !== parentB || a.completeUs === null || a.completeUs >= b.invokeUs || a.result!.path === b.result!.path) continue;
      const ra = a.result!;
      const rb = b.result!;
      const swapped = {
        ...h,
        ops: h.ops.map((o) => (o.id === a.id ? { ...o, result: { ...ra, path: rb.path! } } : o.id === b.id ? { ...o, result: { ...rb, path: ra.path! } } : o)),
      };
      return { history: swapped, what: `swapped the names of #${a.id} (${ra.path}) and #${b.id} (${rb.path})` };
    }
  }
  return null;
}

/**
 * A read that shows an ephemeral node of a session whose close had completed before a write W of the
 * reading session was invoked, the read coming after W's reply. Impossible: the close's reply means its
 * closeSession txn committed (deleting every ephemeral of the session, and no create can give it another);
 * W began after that, so W is ordered after the close; the read comes after W in its session's order and
 * sees a state at or after W. A read merely later in real time would not do: a lagging follower may
 * legitimately still show the node to a session that has not seen the close.
 */
export function ephemeralAfterSessionEnd(h: ZkHistory): Corrupted | null {
  const writes = new Set(['create', 'delete', 'setData', 'multi']);
  for (const close of h.ops) {
    if (close.op.type !== 'closeSession' || close.outcome !== 'ok' || close.result?.rc !== 'ok' || close.session === null || close.completeUs === null)
      continue;
    const x = close.session;
    const eph = h.ops.find(
      (o) =>
        o.session === x &&
        o.outcome === 'ok' &&
        o.op.type === 'create' &&
        (o.op.mode === 'ephemeral' || o.op.mode === 'ephemeralSequential') &&
        o.result?.rc === 'ok',
    );
    if (eph === undefined) continue;
    for (const w of h.ops) {
      if (
        w.session === null ||
        w.session === x ||
        w.outcome !== 'ok' ||
        w.result?.rc !== 'ok' ||
        !writes.has(w.op.type) ||
        w.invokeUs <= close.completeUs ||
        w.completeUs === null
      )
        continue;
      const r = h.ops.find(
        (o) =>
          o.session === w.session &&
          o.outcome === 'ok' &&
          o.invokeUs > w.completeUs! &&
          (o.op.type === 'getData' || o.op.type === 'exists') &&
          (o.op as { watch?: boolean }).watch !== true,
      );
      if (r === undefined) continue;
      const path = eph.result!.path!;
      const createOp = eph.op as { data: string };
      const result: ZkResult =
        r.op.type === 'getData'
          ? { rc: 'ok', data: createOp.data, version: 0, ephemeralOwner: x, ...(eph.zxid === null ? {} : { mzxid: eph.zxid }) }
          : { rc: 'ok', exists: true, version: 0, ephemeralOwner: x, ...(eph.zxid === null ? {} : { mzxid: eph.zxid }) };
      return {
        history: replaceOp(h, r.id, (o) => ({ ...o, op: { type: r.op.type as 'getData' | 'exists', path }, result })),
        what: `#${r.id} (session ${w.session}, after its write #${w.id} began after session ${x}'s close #${close.id} completed) now sees ${path} owned by session ${x}`,
      };
    }
  }
  return null;
}

export function corrupt(h: ZkHistory, name: CorruptionName): Corrupted | null {
  switch (name) {
    case 'value-never-written':
      return valueNeverWritten(h);
    case 'watch-event-dropped':
      return watchEventDropped(h);
    case 'write-results-swapped':
      return writeResultsSwapped(h);
    case 'ephemeral-after-session-end':
      return ephemeralAfterSessionEnd(h);
  }
}
