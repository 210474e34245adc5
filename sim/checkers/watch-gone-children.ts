// Deletes of children a child watch's listing lacked, which are not the change that fired it (watch-changes.ts).
//
// A child watch is registered at the state its getChildren answered from (DataTree.getChildren adds it to the
// child watches as it lists), on that connection's server, which fires it with the first txn after that state
// that changes the path's children (DataTree.createNode, deleteNode → WatchManager.triggerWatch). A txn that
// deletes a child the listing lacked found that child there, so a txn after the listing created it, and that
// create fired the watch first: the delete is not the change of an event on the connection the watch was set on.
// After a reconnect the watch is registered again by DataTree.setWatches, which fires it only when the path's
// pzxid is above the client's last zxid, so a create in between may pass silently: there only a child nothing
// may create again after the listing's state counts as gone (deletesOnlyGoneChild).
import { opPath, type ZkHistoryOp } from '../history/types.js';
import { sureChanges } from './proved-writes.js';
import { sequentialOf, type NodeLife } from './node-life.js';
import { childName, hasUnnamedCreate } from './write-effects.js';
import type { WatchSet } from './watch-set.js';

const parentOf = (p: string): string => (p.lastIndexOf('/') <= 0 ? '/' : p.slice(0, p.lastIndexOf('/')));

/**
 * Whether every child of the watched path that `o` deletes is one the listing that set the child watch `w` lacks,
 * and every op that may create it and was sent before the event arrived (at `atUs`) holds a zxid at or below
 * `w.after` (in the listing's state). Then the child was missing at the listing's state and nothing made it again
 * before the event's txn (a create before that txn was sent before the event arrived), so `o` found nothing to
 * delete there (noNode, which changes nothing) and is not the change that fired the watch. On the connection the
 * watch was set on (`w.owedBySession` given), the second condition is not needed (see the header).
 */
export function deletesOnlyGoneChild(w: WatchSet, o: ZkHistoryOp, atUs: number, life: NodeLife): boolean {
  const r = w.by.result;
  if (w.cls !== 'child' || r === null || r.rc !== 'ok' || r.children === undefined) return false;
  const path = opPath(w.by.op)!;
  const listed = r.children;
  const deletes = sureChanges(o.op).filter((e) => e.type === 'delete' && parentOf(e.path) === path);
  // (An op that also creates a child, or ends a session, may fire the watch otherwise.)
  if (deletes.length === 0 || sureChanges(o.op).some((e) => e.type === 'create') || hasUnnamedCreate(o.op)) return false;
  const sameConnection = w.owedBySession !== undefined;
  return deletes.every((e) => !listed.includes(childName(path, e.path)) && (sameConnection || !life.mayCreateBetween(e.path, -Infinity, atUs, w.after)));
}

/**
 * Whether a session end, deleting `ephemerals` (paths, or the prefixes of unnamed sequential ones), is not the change
 * of a NodeChildrenChanged event on the connection the child watch `w` was set on: every one of them under the
 * watched path is missing from the listing that set it (no listed child is it or bears its prefix). See the header
 * (case 1853086694: a session's ephemeral /b, not listed, deleted by its end no client saw).
 */
export function endDeletesOnlyGoneChildren(w: WatchSet, ephemerals: readonly string[]): boolean {
  const r = w.by.result;
  if (w.owedBySession === undefined || w.cls !== 'child' || r === null || r.rc !== 'ok' || r.children === undefined) return false;
  const path = opPath(w.by.op)!;
  const listed = r.children.map((c) => (path === '/' ? `/${c}` : `${path}/${c}`));
  return ephemerals.every((p) => parentOf(p) !== path || !listed.some((c) => c === p || sequentialOf(p, c)));
}
