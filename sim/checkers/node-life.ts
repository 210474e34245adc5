// NodeLife: what a history says about each node's life as a whole (who may create it, delete it, own it as
// an ephemeral, when reads show it), for the watch checks of watch-changes.ts and watch-order.ts.
import type { ZkHistoryOp, ZkHistoryWatch, ZkOp, ZkResult } from '../history/types.js';
import { isUncertain, sessionEndWrites } from './zk-writes.js';
import { SESSION_END_FLOOR } from './write-windows.js';
import { FIRST_EPOCH_BASE } from './epoch-zero.js';
import type { HistoryView } from './history-view.js';

/** Whether `path` may be a name a sequential create with path `prefix` made (the prefix and 10 digits). */
export const sequentialOf = (prefix: string, path: string): boolean => path.startsWith(prefix) && /^\d{10}$/.test(path.slice(prefix.length));

/** Which ops of a history may create or delete each node (for proofs that a change came before or after a read). */
export type NodeLife = {
  /** Whether some op may delete the node (a delete, or the end of a session that may have made it ephemeral). */
  readonly mayDelete: (p: string) => boolean;
  /**
   * Whether the node may be deleted by a delete op sent at or before `us`, or by a session end (an ephemeral: an end
   * may come at any time). A read answered by `us` shows no delete sent after it (its txn was not there yet).
   */
  readonly mayDeleteBy: (p: string, us: number) => boolean;
  /**
   * Whether the node the certain create `w` made may be deleted by a txn after `w`'s: a delete op sent at or before
   * `us` that did not complete before `w` was sent (one that did has a lower zxid: the leader proposed it first), or,
   * when `w` made it ephemeral, its session's end, unless that session is in `aliveSessions` (ended after the state
   * the caller asks about; a persistent node is deleted only by a delete op).
   */
  readonly mayDeleteAfter: (p: string, w: ZkHistoryOp, us: number, aliveSessions?: ReadonlySet<number>) => boolean;
  /** The one session whose ephemeral the node always is (every create of it that session's, and ephemeral), or null. */
  readonly ephemeralOnlyOf: (p: string) => number | null;
  /** Whether some delete op (not a session end) may delete it. */
  readonly explicitlyDeleted: (p: string) => boolean;
  /** Whether every delete op of the node (none, or some) is of that session, and every create of it ephemeral. */
  readonly deletedOnlyBy: (p: string, session: number) => boolean;
  /** The latest completion of an op that may create it (Infinity: unknown, -Infinity: none). */
  readonly lastCreate: (p: string) => number;
  /**
   * Whether an op may create the node in a window: one that may take effect at or after time `from`
   * (not done before it), sent before `to`, and not known to hold a zxid at or below `zxidAtMost`.
   */
  readonly mayCreateBetween: (p: string, from: number, to: number, zxidAtMost: number) => boolean;
  /**
   * Whether the node may be made again after the certain write `w` that needed it there (a setData, a delete), by a
   * create sent before `to`: mayCreateBetween from `w`'s sending, and another create for the node `w` found, sent
   * before `w`'s reply (its txn is below `w`'s). A node of the initial tree needs none.
   */
  readonly mayRecreateAfter: (p: string, w: ZkHistoryOp, to: number) => boolean;
  /** Whether at most one op of the history may create the node (so a node a read saw present is never re-created). */
  readonly createdOnce: (p: string) => boolean;
  /** The one session whose ops may create it, or null (none, several, unknown). */
  readonly onlyCreator: (p: string) => number | null;
  /** Whether every op that may create the node and was sent before `us` is of `session` (by name or as an unnamed sequential create). */
  readonly createdOnlyByBefore: (p: string, us: number, session: number) => boolean;
  /** The nodes each session certainly made ephemeral (an ok create with its result). */
  readonly ephemeralsOf: ReadonlyMap<number, readonly string[]>;
  /**
   * Whether a write whose outcome is unknown cannot have succeeded: a setData expecting a version that the
   * other setData ops of the history cannot reach (a node's version starts at 0 and only they raise it); one
   * that needs a node no op of the history may create (a create under it, for its parent); a multi whose own
   * sub-ops contradict each other (multiFailsAlone, whatever its outcome).
   */
  readonly cannotSucceed: (o: ZkHistoryOp) => boolean;
  /**
   * The one op of the history that may create the node (by its name, or as an unnamed sequential create of
   * its prefix), or null (none, several, or a node of the initial tree).
   */
  readonly soleCreator: (p: string, except?: ZkHistoryOp | ((o: ZkHistoryOp) => boolean)) => ZkHistoryOp | null;
  /**
   * A zxid at or below that of every op that may create the node and was sent before `beforeUs` (its recorded
   * zxid, or 1:1, the least txn zxid, when it has none); 0 for a node of the initial tree, or when none was.
   */
  readonly createdAtLeast: (p: string, beforeUs: number) => number;
  /**
   * The one thing of the history that may delete the node: a delete op (when no session may own it as an
   * ephemeral), or the end of the one session that may own it (when no delete op names it); else null. `except`:
   * an op whose own ephemeral create is left out (a write that found the node missing, owning it only after).
   */
  readonly soleDeleter: (p: string, except?: ZkHistoryOp) => { readonly op: ZkHistoryOp } | { readonly session: number } | null;
  /** The least header zxid of a read that shows the node there (Infinity: none). */
  readonly shownBy: (p: string) => number;
  /**
   * Whether nothing can delete the node at or below zxid `z`: no delete op names it, and every session
   * that may own it as an ephemeral (by a create, or a read's ephemeralOwner) ends at a known zxid above z.
   */
  readonly undeletedThrough: (p: string, z: number) => boolean;
  /**
   * Whether a create of the node cannot succeed at zxid `z`: a certain create of it at a known zxid c holds
   * it there from c, and nothing can delete it at or below max(c, z) (below z: the node is there at z; above
   * z: a node made at z would still be there at c, where the certain create succeeded).
   */
  readonly createBlockedAt: (p: string, z: number) => boolean;
  /**
   * Whether no session's end deletes the node: one op at most may create it (soleCreator: one txn, one create),
   * and a certain delete op removed it, so that delete ended its one life (had an end deleted it first, the
   * delete would have found no node).
   */
  readonly endCannotDelete: (p: string) => boolean;
  /**
   * A zxid at or below that of every create of the node that can succeed: a recorded zxid, else its parent's bound,
   * plus one for a plain create (it needs the parent made by an earlier txn; a multi may make both), and 1:1 at least. Infinity when
   * no op may create it, 0 for a node of the initial tree. A delete or a session end removes it only above this.
   */
  readonly bornAtLeast: (p: string) => number;
};

const lifeMemo = new WeakMap<HistoryView, NodeLife>();

/**
 * Each session's end zxid where the history gives it: an ENDED record's, or an ok closeSession's zxid (the
 * least, if several: a later close of an ended session changes nothing).
 */
function knownEnds(view: HistoryView): Map<number, number> {
  const out = new Map<number, number>();
  const note = (session: number, z: number): void => void out.set(session, Math.min(out.get(session) ?? Infinity, z));
  for (const e of view.history.events ?? []) if (e.kind === 'session' && e.state === 'ENDED' && e.zxid !== undefined && e.zxid > 0) note(e.session, e.zxid);
  for (const o of view.closeSessions)
    if (o.outcome === 'ok' && !isUncertain(o) && o.result!.rc === 'ok' && o.zxid !== null && o.session !== null) note(o.session, o.zxid);
  return out;
}

/**
 * The time by which each session's end txn is known committed: an ENDED record's (a server applied it then),
 * or an ok closeSession's reply (FinalRequestProcessor answers a close after applying it; a second close of an
 * ended session comes after the end too). The earliest, when several.
 */
function endTimes(view: HistoryView): Map<number, number> {
  const out = new Map<number, number>();
  const note = (session: number, us: number): void => void out.set(session, Math.min(out.get(session) ?? Infinity, us));
  for (const e of view.history.events ?? []) if (e.kind === 'session' && e.state === 'ENDED') note(e.session, e.atUs);
  for (const o of view.closeSessions)
    if (o.outcome === 'ok' && !isUncertain(o) && o.result!.rc === 'ok' && o.completeUs !== null && o.session !== null) note(o.session, o.completeUs);
  return out;
}

/**
 * For each session whose end the history does not give but may have come unseen (sessionEndWrites), a zxid
 * below that end: the highest of its own writes' zxids and its replies' states (SESSION_END_FLOOR), plus one
 * (the end is above the floor).
 */
function unseenEndFloors(view: HistoryView): Map<number, number> {
  const out = new Map<number, number>();
  for (const o of sessionEndWrites(view.history, view.writes)) {
    const floor = SESSION_END_FLOOR.get(o);
    if (floor !== undefined && o.session !== null) out.set(o.session, floor + 1);
  }
  return out;
}

export function nodeLife(view: HistoryView): NodeLife {
  const memo = lifeMemo.get(view);
  if (memo !== undefined) return memo;
  const deleted = new Set<string>();
  const deleters = new Map<string, number | null>(); // path -> the one session whose ops delete it (null: several)
  const ephemeral = new Set<string>();
  const persistent = new Set<string>(); // paths some non-ephemeral create names
  const ephemeralPrefixes: string[] = [];
  const createdBy = new Map<string, number>();
  const createsOf = new Map<string, { invokeUs: number; done: number; zxid: number | null }[]>();
  const creators = new Map<string, number | null>();
  const createPrefixes: string[] = [];
  const deleteOps = new Map<string, ZkHistoryOp[]>(); // path -> the ops that may delete it by name
  const surelyDeleted = new Set<string>(); // paths a certain ok delete (or a certain multi's) removed
  const creatorOps = new Map<string, ZkHistoryOp[]>(); // path -> the ops that may create it by name
  const prefixOps: { prefix: string; o: ZkHistoryOp }[] = []; // unnamed sequential creates
  const ephemeralsOf = new Map<number, string[]>();
  // A session may hold very many ephemerals (one multi can make 200,000): a set per session keeps them distinct in O(1).
  const ephemeralSets = new Map<number, Set<string>>();
  const addEphemeral = (session: number, path: string): void => {
    let set = ephemeralSets.get(session);
    if (set === undefined) ephemeralSets.set(session, (set = new Set()));
    if (set.has(path)) return;
    set.add(path);
    pushTo(ephemeralsOf, session, path);
  };
  const namedSequential = new Set<string>(); // the names certain sequential creates got (their results)
  const setDatas = new Map<string, number>();
  const ownersOf = new Map<string, (number | null)[]>(); // path -> the sessions of the ephemeral creates naming it
  const ownerOps = new Map<string, (ZkHistoryOp | null)[]>(); // beside ownersOf: the op that made each owner (null: a read's ephemeralOwner)
  const endedBy = endTimes(view);
  for (const o of view.writes) {
    if (o.outcome === 'fail') continue;
    const uncertain = isUncertain(o);
    // A multi whose own sub-ops contradict each other fails whatever the tree: it creates and deletes nothing.
    if (uncertain && o.op.type === 'multi' && multiFailsAlone(o.op.ops)) continue;
    // When a write without a reply took effect at the latest: before its session's end (a later request of the
    // session is an error txn, PrepRequestProcessor), so by the time that end is known committed.
    const lastEffect = (o.session === null ? undefined : endedBy.get(o.session)) ?? Infinity;
    const visit = (op: ZkOp, result: ZkResult | null): void => {
      if (result !== null && result.rc !== 'ok') return;
      if (op.type === 'multi') op.ops.forEach((sub, i) => visit(sub, result?.results?.[i] ?? null));
      else if (op.type === 'delete') {
        pushOnce(deleteOps, op.path, o);
        if (result !== null) surelyDeleted.add(op.path);
        deleters.set(op.path, deleted.has(op.path) && deleters.get(op.path) !== o.session ? null : o.session);
        deleted.add(op.path);
      } else if (op.type === 'setData') setDatas.set(op.path, (setDatas.get(op.path) ?? 0) + 1);
      else if (op.type === 'create') {
        const sequential = op.mode === 'persistentSequential' || op.mode === 'ephemeralSequential';
        const isEphemeral = op.mode === 'ephemeral' || op.mode === 'ephemeralSequential';
        const made = result?.path ?? (sequential ? null : op.path);
        if (sequential && made !== null) namedSequential.add(made);
        if (made === null) prefixOps.push({ prefix: op.path, o });
        else pushOnce(creatorOps, made, o);
        if (made === null) {
          createPrefixes.push(op.path);
          if (isEphemeral) ephemeralPrefixes.push(op.path);
          return;
        }
        createdBy.set(made, Math.max(createdBy.get(made) ?? -Infinity, uncertain || o.completeUs === null ? lastEffect : o.completeUs));
        const list = createsOf.get(made) ?? [];
        list.push({ invokeUs: o.invokeUs, done: uncertain || o.completeUs === null ? lastEffect : o.completeUs, zxid: o.zxid });
        createsOf.set(made, list);
        const had = creators.get(made);
        creators.set(made, had === undefined && o.session !== null ? o.session : had === o.session ? had : null);
        if (!isEphemeral) persistent.add(made);
        if (isEphemeral) {
          ephemeral.add(made);
          const owners = ownersOf.get(made) ?? [];
          owners.push(o.session);
          ownersOf.set(made, owners);
          ownerOps.set(made, [...(ownerOps.get(made) ?? []), o]);
          if (result !== null && o.session !== null) addEphemeral(o.session, made);
        }
      }
    };
    visit(o.op, uncertain ? null : o.result);
  }
  const shown = new Map<string, number>();
  const show = (p: string, z: number): void => {
    if (z < (shown.get(p) ?? Infinity)) shown.set(p, z);
  };
  for (const o of view.history.ops) {
    const r = o.result;
    const z = o.readZxid ?? null;
    if (o.outcome !== 'ok' || r === null || r.rc !== 'ok') continue;
    const op = o.op;
    // A read naming a session as the node's ephemeralOwner proves that session made it (a lost create too).
    if ((op.type === 'getData' || op.type === 'exists') && r.exists !== false && (r.ephemeralOwner ?? 0) > 0) {
      addEphemeral(r.ephemeralOwner!, op.path);
      const owners = ownersOf.get(op.path) ?? [];
      owners.push(r.ephemeralOwner!);
      ownersOf.set(op.path, owners);
      ownerOps.set(op.path, [...(ownerOps.get(op.path) ?? []), null]);
    }
    if (z === null) continue;
    if ((op.type === 'getData' || op.type === 'exists') && r.exists !== false) show(op.path, z);
    else if (op.type === 'getChildren') {
      show(op.path, z);
      for (const c of r.children ?? []) show(op.path === '/' ? `/${c}` : `${op.path}/${c}`, z);
    }
  }
  // A name a certain sequential create got, under a parent with one life (never deleted, made at most once, not
  // itself an unnamed sequential node), is made by no other create: a sequential name is its prefix and the parent's
  // cversion (PrepRequestProcessor), which only grows within one life of the parent.
  const oneLife = (q: string): boolean =>
    q === '/' ||
    q === '/zookeeper' ||
    q.startsWith('/zookeeper/') ||
    (!deleted.has(q) && !ephemeral.has(q) && (createsOf.get(q) ?? []).length <= 1 && !createPrefixes.some((pr) => sequentialOf(pr, q)));
  const settled = (p: string): boolean => namedSequential.has(p) && oneLife(p.lastIndexOf('/') <= 0 ? '/' : p.slice(0, p.lastIndexOf('/')));
  const unnamed = (prefixes: readonly string[], p: string): boolean => prefixes.length > 0 && prefixes.some((q) => sequentialOf(q, p)) && !settled(p);
  // A node no op of the history may create, outside the initial tree, is never there: an op that needs it fails.
  const unmade = (p: string): boolean =>
    p !== '/' && p !== '/zookeeper' && !p.startsWith('/zookeeper/') && !creatorOps.has(p) && !prefixOps.some(({ prefix }) => sequentialOf(prefix, p));
  const needsUnmade = (op: ZkOp): boolean => {
    switch (op.type) {
      case 'multi':
        return op.ops.some(needsUnmade); // (all or nothing)
      case 'setData':
      case 'delete':
      case 'check':
      case 'setACL':
        return unmade(op.path);
      case 'create':
        return unmade(op.path.lastIndexOf('/') <= 0 ? '/' : op.path.slice(0, op.path.lastIndexOf('/')));
      default:
        return false;
    }
  };
  const born = new Map<string, number>();
  const bornAtLeast = (p: string): number => {
    if (p === '/' || p === '/zookeeper' || p.startsWith('/zookeeper/')) return 0;
    const had = born.get(p);
    if (had !== undefined) return had;
    const parent = bornAtLeast(p.lastIndexOf('/') <= 0 ? '/' : p.slice(0, p.lastIndexOf('/')));
    let least = Infinity;
    // (Every txn is at 1:1 or above, epoch-zero.ts: the least a create without a zxid may have.)
    const take = (o: ZkHistoryOp): void => void (least = Math.min(least, o.zxid ?? Math.max(FIRST_EPOCH_BASE + 1, o.op.type === 'multi' ? parent : parent + 1)));
    for (const o of creatorOps.get(p) ?? []) take(o);
    for (const { prefix, o } of prefixOps) if (sequentialOf(prefix, p)) take(o);
    born.set(p, least);
    return least;
  };
  let endZxids: Map<number, number> | null = null;
  let unseenFloors: Map<number, number> | null = null;
  // Whether `o` (sent after every create of a node it sets) sets a node in a life no setData took effect in: every op
  // that may create the node is a certain create at a recorded zxid answered before `o` was sent (so o's txn comes
  // after them all, in the node's last life, or finds it gone), and a certain delete of it expecting version 0, sent
  // after the last of them was answered, succeeded (PrepRequestProcessor.checkAndIncVersion: no setData in that life
  // before it, and the node is gone after it). Then o's setData finds the node missing or would have raised that
  // version: it fails, and a multi with it is applied not at all.
  const setsUnsetLife = (o: ZkHistoryOp, op: ZkOp): boolean => {
    if (op.type === 'multi') return op.ops.some((sub) => setsUnsetLife(o, sub));
    if (op.type !== 'setData' || prefixOps.some(({ prefix }) => sequentialOf(prefix, op.path))) return false;
    let last: ZkHistoryOp | null = null;
    for (const c of creatorOps.get(op.path) ?? []) {
      if (c.outcome !== 'ok' || isUncertain(c) || c.zxid === null || c.completeUs === null || c.completeUs >= o.invokeUs) return false;
      if (last === null || c.zxid > last.zxid!) last = c;
    }
    if (last === null) return false;
    return (deleteOps.get(op.path) ?? []).some(
      (d) => d.op.type === 'delete' && d.op.version === 0 && d.outcome === 'ok' && !isUncertain(d) && d.result!.rc === 'ok' && d.invokeUs > last.completeUs!,
    );
  };
  const life: NodeLife = {
    mayDelete: (p) => deleted.has(p) || ephemeral.has(p) || unnamed(ephemeralPrefixes, p),
    mayDeleteBy: (p, us) => ephemeral.has(p) || unnamed(ephemeralPrefixes, p) || (deleteOps.get(p) ?? []).some((d) => d.invokeUs <= us),
    mayDeleteAfter: (p, w, us, aliveSessions) =>
      unnamed(ephemeralPrefixes, p) ||
      (ephemeral.has(p) && !createsPersistent(w.op, p) && !(w.session !== null && aliveSessions !== undefined && aliveSessions.has(w.session))) ||
      (deleteOps.get(p) ?? []).some((d) => d === w || (d.invokeUs <= us && (d.completeUs === null || isUncertain(d) || d.completeUs >= w.invokeUs))),
    explicitlyDeleted: (p) => deleted.has(p),
    deletedOnlyBy: (p, session) => !persistent.has(p) && (!deleted.has(p) || deleters.get(p) === session),
    lastCreate: (p) => (unnamed(createPrefixes, p) ? Infinity : (createdBy.get(p) ?? -Infinity)),
    createdOnce: (p) => !unnamed(createPrefixes, p) && (createsOf.get(p) ?? []).length <= 1 && p !== '/' && !p.startsWith('/zookeeper'),
    mayCreateBetween: (p, from, to, zxidAtMost) =>
      unnamed(createPrefixes, p) || (createsOf.get(p) ?? []).some((c) => c.done >= from && c.invokeUs < to && !(c.zxid !== null && c.zxid <= zxidAtMost)),
    mayRecreateAfter: (p, w, to) => {
      if (unnamed(createPrefixes, p) || p === '/' || p === '/zookeeper' || p.startsWith('/zookeeper/')) return true;
      const list = createsOf.get(p) ?? [];
      const later = list.filter((c) => c.done >= w.invokeUs && c.invokeUs < to);
      const first = list.filter((c) => c.invokeUs < (w.completeUs ?? Infinity));
      return later.length > 0 && first.length > 0 && (later.length > 1 || first.length > 1 || later[0] !== first[0]);
    },
    onlyCreator: (p) => (unnamed(createPrefixes, p) ? null : (creators.get(p) ?? null)),
    ephemeralOnlyOf: (p) => (unnamed(createPrefixes, p) || persistent.has(p) || !ephemeral.has(p) ? null : (creators.get(p) ?? null)),
    createdOnlyByBefore: (p, us, session) =>
      (creatorOps.get(p) ?? []).every((o) => o.invokeUs >= us || o.session === session) &&
      prefixOps.every(({ prefix, o }) => o.invokeUs >= us || o.session === session || !sequentialOf(prefix, p)),
    ephemeralsOf,
    cannotSucceed: (o) =>
      (isUncertain(o) && o.op.type === 'setData' && o.op.version !== undefined && o.op.version > (setDatas.get(o.op.path) ?? 1) - 1) ||
      (isUncertain(o) && setsUnsetLife(o, o.op)) ||
      (o.op.type === 'multi' && multiFailsAlone(o.op.ops)) ||
      (isUncertain(o) && needsUnmade(o.op)),
    soleDeleter: (p, except) => {
      if (unnamed(ephemeralPrefixes, p)) return null;
      const ops = deleteOps.get(p) ?? [];
      const byOp = ownerOps.get(p) ?? [];
      const owners = new Set((ownersOf.get(p) ?? []).filter((_, i) => except === undefined || byOp[i] !== except));
      if (ops.length === 1 && owners.size === 0) return { op: ops[0]! };
      if (ops.length > 0 || owners.size !== 1 || owners.has(null)) return null;
      return { session: [...owners][0]! };
    },
    soleCreator: (p, except) => {
      if (p === '/' || p === '/zookeeper' || p.startsWith('/zookeeper/')) return null;
      let only: ZkHistoryOp | null = null;
      const skip = (o: ZkHistoryOp): boolean => (typeof except === 'function' ? except(o) : o === except);
      for (const o of creatorOps.get(p) ?? [])
        if (skip(o)) continue;
        else if (only === null) only = o;
        else if (only !== o) return null;
      for (const { prefix, o } of prefixOps)
        if (!skip(o) && sequentialOf(prefix, p)) {
          if (only === null) only = o;
          else if (only !== o) return null;
        }
      return only;
    },
    createdAtLeast: (p, beforeUs) => {
      if (p === '/' || p === '/zookeeper' || p.startsWith('/zookeeper/')) return 0;
      let least = Infinity;
      const take = (o: ZkHistoryOp): void => {
        if (o.invokeUs <= beforeUs) least = Math.min(least, o.zxid ?? FIRST_EPOCH_BASE + 1);
      };
      for (const o of creatorOps.get(p) ?? []) take(o);
      for (const { prefix, o } of prefixOps) if (sequentialOf(prefix, p)) take(o);
      return least === Infinity ? 0 : least;
    },
    shownBy: (p) => shown.get(p) ?? Infinity,
    undeletedThrough: (p, z) => {
      if (unnamed(ephemeralPrefixes, p)) return false;
      // (A delete at a recorded zxid above z deletes nothing at or below it.)
      if (deleted.has(p) && (deleteOps.get(p) ?? []).some((d) => d.zxid === null || d.zxid <= z)) return false;
      // (A session end no client saw comes above its session's floor: SESSION_END_FLOOR.)
      for (const session of ownersOf.get(p) ?? [])
        if (session === null || !(((endZxids ??= knownEnds(view)).get(session) ?? (unseenFloors ??= unseenEndFloors(view)).get(session) ?? -Infinity) > z))
          return false;
      return true;
    },
    createBlockedAt: (p, z) => {
      if (p === '/' || p.startsWith('/zookeeper')) return false;
      for (const c of createsOf.get(p) ?? [])
        if (c.zxid !== null && c.done !== Infinity && c.zxid !== z && life.undeletedThrough(p, Math.max(c.zxid, z))) return true;
      return false;
    },
    endCannotDelete: (p) => surelyDeleted.has(p) && life.soleCreator(p) !== null,
    bornAtLeast,
  };
  lifeMemo.set(view, life);
  return life;
}

/**
 * Whether a multi's own sub-ops contradict each other, so that it fails whatever the tree (each sub-op sees
 * the earlier ones' changes, PrepRequestProcessor): a create of a node an earlier sub-op made or found there,
 * a create under a node an earlier sub-op deleted, a delete, setData or check of a node an earlier sub-op
 * deleted, a delete of one it deleted; or a version an earlier sub-op rules out: a setData, delete or check
 * expecting version v (not -1) of a node an earlier sub-op created (version 0 then) or set (each setData adds
 * one, PrepRequestProcessor.checkAndIncVersion, so the version is then at least one above the least it could
 * be before, and exactly one above a version the multi itself fixed).
 */
export function multiFailsAlone(ops: readonly ZkOp[]): boolean {
  const present = new Map<string, boolean>();
  const versions = new Map<string, { readonly least: number; readonly exact: boolean }>(); // what earlier sub-ops fix of a node's version
  const parentOf = (p: string): string => (p.lastIndexOf('/') <= 0 ? '/' : p.slice(0, p.lastIndexOf('/')));
  const badVersion = (path: string, expected: number): boolean => {
    const v = versions.get(path);
    return expected !== -1 && v !== undefined && (v.exact ? expected !== v.least : expected < v.least);
  };
  for (const sub of ops) {
    switch (sub.type) {
      case 'create': {
        if (present.get(parentOf(sub.path)) === false) return true;
        present.set(parentOf(sub.path), true);
        if (sub.mode === 'persistentSequential' || sub.mode === 'ephemeralSequential') break;
        if (present.get(sub.path) === true) return true;
        present.set(sub.path, true);
        versions.set(sub.path, { least: 0, exact: true });
        break;
      }
      case 'delete':
        if (present.get(sub.path) === false || badVersion(sub.path, sub.version)) return true;
        present.set(sub.path, false);
        versions.delete(sub.path);
        break;
      case 'setData': {
        if (present.get(sub.path) === false || badVersion(sub.path, sub.version)) return true;
        present.set(sub.path, true);
        const v = versions.get(sub.path);
        // (Before it: exactly the version it expects, when not -1; else at least what earlier sub-ops fixed, or 0.)
        const before = sub.version !== -1 ? { least: sub.version, exact: true } : (v ?? { least: 0, exact: false });
        versions.set(sub.path, { least: before.least + 1, exact: before.exact });
        break;
      }
      case 'check':
        if (present.get(sub.path) === false || badVersion(sub.path, sub.version)) return true;
        present.set(sub.path, true);
        if (sub.version !== -1) versions.set(sub.path, { least: sub.version, exact: true });
        break;
      case 'setACL':
        if (present.get(sub.path) === false) return true;
        present.set(sub.path, true);
        break;
      default:
        break;
    }
  }
  return false;
}

/**
 * Of a session's ephemeral creates (paths, or prefixes of unnamed sequential creates), those its end may have
 * deleted as the change an event reports: created before the event arrived (a create sent later has a zxid above
 * every txn committed by then, the end's included, and a create after its session's end fails:
 * PrepRequestProcessor checks the session), and not a node whose one life a certain delete ended
 * (NodeLife.endCannotDelete), by its name or, for an unnamed one, as the event's own node.
 */
export function endDeletable(list: readonly { readonly path: string; readonly invokeUs: number }[] | undefined, e: ZkHistoryWatch, life: NodeLife): string[] {
  const gone = e.type === 'NodeDeleted' && life.endCannotDelete(e.path);
  const out: string[] = [];
  for (const c of list ?? []) if (c.invokeUs < e.atUs && !(gone && (c.path === e.path || sequentialOf(c.path, e.path))) && !life.endCannotDelete(c.path)) out.push(c.path);
  return out;
}

function pushTo<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [value]);
  else list.push(value);
}

function pushOnce<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [value]);
  else if (!list.includes(value)) list.push(value);
}

/**
 * A zxid at or below the state a read showed, from the nodes it shows there (0 when none): the mzxid a
 * getData or exists shows (the txn that last set the data is in the state), and the least recorded zxid of
 * the ops that may create each node it shows and were sent before its reply (the node itself, and for
 * getChildren each listed child; 1:1, the least txn zxid, for one without a zxid). A node is there only once
 * some op created it, so one of those txns is in the state (a txn sent after the reply is in no state it
 * read).
 */
export function shownStateFloor(life: NodeLife, o: ZkHistoryOp): number {
  const r = o.result;
  if (o.outcome !== 'ok' || r === null || r.rc !== 'ok' || isUncertain(o)) return 0;
  const op = o.op;
  // (Without a recorded zxid, the create's txn is still at or above the first txn zxid, 1:1.)
  const created = (p: string): number => life.createdAtLeast(p, o.completeUs ?? Infinity);
  if ((op.type === 'getData' || op.type === 'exists') && r.exists !== false)
    return Math.max(r.mzxid !== undefined && r.mzxid > 0 ? r.mzxid : 0, created(op.path));
  if (op.type !== 'getChildren') return 0;
  let floor = created(op.path);
  for (const c of r.children ?? []) floor = Math.max(floor, created(op.path === '/' ? `/${c}` : `${op.path}/${c}`));
  return floor;
}

/** Whether `op` (or a sub-op of a multi) is a create of exactly `p` that makes a persistent node (no sequential name). */
function createsPersistent(op: ZkOp, p: string): boolean {
  if (op.type === 'multi') return op.ops.some((sub) => createsPersistent(sub, p));
  return op.type === 'create' && op.path === p && op.mode === 'persistent';
}

const ownMemo = new WeakMap<HistoryView, Map<number, ZkOp[]>>();

/** Whether a create of `session` that may succeed may make `p` ephemeral (by name, or as a sequential create of its prefix). */
export function sessionMayOwn(view: HistoryView, p: string, session: number): boolean {
  let bySession = ownMemo.get(view);
  if (bySession === undefined) {
    bySession = new Map();
    const visit = (op: ZkOp, session: number): void => {
      if (op.type === 'multi') for (const sub of op.ops) visit(sub, session);
      else if (op.type === 'create' && (op.mode === 'ephemeral' || op.mode === 'ephemeralSequential')) {
        const list = bySession!.get(session);
        if (list === undefined) bySession!.set(session, [op]);
        else list.push(op);
      }
    };
    for (const o of view.writes) if (o.session !== null && o.outcome !== 'fail') visit(o.op, o.session);
    ownMemo.set(view, bySession);
  }
  return (bySession.get(session) ?? []).some((op) => op.type === 'create' && (op.path === p || (op.mode === 'ephemeralSequential' && sequentialOf(op.path, p))));
}
