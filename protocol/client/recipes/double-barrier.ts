// A double barrier after Curator's DistributedDoubleBarrier, for `memberQty` members. enter: check
// the ready node with a watch, create our EPHEMERAL node under the barrier, and pass at once if the
// ready node was there; else list the children, and once there are at least memberQty of them create
// the ready node (PERSISTENT; NODEEXISTS is fine) and pass, otherwise wait for the ready node's
// NodeCreated. leave (internalLeave): list the children without the ready node; none left: done; only
// ours: delete it, done; ours the lowest: watch the highest and list again when it goes; else delete
// ours, watch the lowest and list again when it goes. Then delete the ready node (NONODE is fine).
// Claims: "entering" before our create is sent, "entered" (detail: how it passed and the zxid of the
// listing it counted), "leaving" before the leave's first listing, "left" (detail: the zxid of the
// listing that found nobody else), "lost" when the session ends.
// Where Curator throws ConnectionLossException to the caller (who may try again), the reducer tries
// again itself: after a reconnect it repeats the step it was in, and it re-creates or re-deletes
// its own node by name (NODEEXISTS or NONODE then mean an earlier try took effect). Our node's name
// (client and attempt) is unique, as Curator's UUID is.
import type { NodeId } from '../../program.js';
import { OPEN_ACL_UNSAFE } from '../../tree/index.js';
import type { Recipe, RecipeInput, RecipeOutput } from './host.js';

export const READY_NODE = 'ready';

export interface DoubleBarrierState {
  readonly client: NodeId;
  readonly dir: string;
  readonly memberQty: number;
  readonly phase: 'idle' | 'entering' | 'waiting' | 'in' | 'leaving' | 'stopped';
  readonly attempt: number;
  /** Whether our node is confirmed deleted during this leave (Curator's ourNodeShouldExist, negated). */
  readonly ourDeleted: boolean;
  /** While entering: the ready node was there (exists answered OK) or was created since (its watch fired). */
  readonly readySeen: boolean;
}

export type DoubleBarrierCommand = { readonly type: 'enter' } | { readonly type: 'leave' };

type Out = RecipeOutput<DoubleBarrierState>;
type Call = Out['calls'][number];

function patch(
  s: DoubleBarrierState,
  phase: DoubleBarrierState['phase'],
  attempt = s.attempt,
  ourDeleted = s.ourDeleted,
  readySeen = s.readySeen,
): DoubleBarrierState {
  return { client: s.client, dir: s.dir, memberQty: s.memberQty, phase, attempt, ourDeleted, readySeen };
}

function ourName(s: DoubleBarrierState): string {
  return `c${s.client}-a${s.attempt}`;
}

const readyPath = (s: DoubleBarrierState): string => `${s.dir}/${READY_NODE}`;
const ourPath = (s: DoubleBarrierState): string => `${s.dir}/${ourName(s)}`;

function checkReady(s: DoubleBarrierState): Call {
  return { tag: 'ready?', command: { type: 'exists', path: readyPath(s), watch: true } };
}
function createOurs(s: DoubleBarrierState): Call {
  return { tag: 'create', command: { type: 'create', path: ourPath(s), data: '', acl: OPEN_ACL_UNSAFE, mode: 'EPHEMERAL' } };
}
function list(tag: 'count' | 'leave-list', s: DoubleBarrierState): Call {
  return { tag, command: { type: 'getChildren', path: s.dir, watch: false } };
}
function deleteOurs(s: DoubleBarrierState): Call {
  return { tag: 'delete-ours', command: { type: 'remove', path: ourPath(s), version: -1 } };
}

function none(s: DoubleBarrierState): Out {
  return { state: s, calls: [], claims: [] };
}

export function doubleBarrierRecipe(dir: string, memberQty: number): Recipe<DoubleBarrierState> {
  return {
    name: 'dbarrier',
    init: (client) => ({ client, dir, memberQty, phase: 'idle', attempt: 0, ourDeleted: false, readySeen: false }),
    step: stepBarrier,
  };
}

function stepBarrier(s: DoubleBarrierState, input: RecipeInput): Out {
  if (s.phase === 'stopped') return none(s);
  switch (input.type) {
    case 'app': {
      const cmd = input.command as DoubleBarrierCommand;
      if (cmd.type === 'enter' && s.phase === 'idle') {
        const next = patch(s, 'entering', s.attempt + 1, false, false);
        return { state: next, calls: [checkReady(next), createOurs(next)], claims: [{ event: 'entering', detail: ourPath(next) }] };
      }
      if (cmd.type === 'leave' && s.phase === 'in') {
        const next = patch(s, 'leaving', s.attempt, false);
        return { state: next, calls: [list('leave-list', next)], claims: [{ event: 'leaving', detail: ourPath(next) }] };
      }
      return none(s);
    }
    case 'session':
      if (input.state === 'EXPIRED' || input.state === 'CLOSED' || input.state === 'AUTH_FAILED')
        return { state: patch(s, 'stopped'), calls: [], claims: s.phase === 'idle' ? [] : [{ event: 'lost', detail: input.state }] };
      if (input.state !== 'CONNECTED') return none(s);
      // Repeat the step we were in (its calls failed with the old connection).
      if (s.phase === 'entering' || s.phase === 'waiting') return { state: patch(s, 'entering'), calls: [checkReady(s), createOurs(s)], claims: [] };
      if (s.phase === 'leaving') return { state: s, calls: [list('leave-list', s)], claims: [] };
      return none(s);
    case 'watch':
      if (input.path === readyPath(s) && input.event === 'NodeCreated') {
        if (s.phase === 'waiting') return passed(s, 'ready-created', null);
        if (s.phase === 'entering') return none(patch(s, 'entering', s.attempt, false, true));
      }
      if (input.event === 'NodeDeleted' && s.phase === 'leaving' && input.path.startsWith(`${s.dir}/`))
        return { state: s, calls: [list('leave-list', s)], claims: [] };
      return none(s);
    case 'complete':
      return onComplete(s, input);
  }
}

function passed(s: DoubleBarrierState, via: string, zxid: number | null): Out {
  return { state: patch(s, 'in'), calls: [], claims: [{ event: 'entered', detail: { path: ourPath(s), via, zxid } }] };
}

function onComplete(s: DoubleBarrierState, input: Extract<RecipeInput, { type: 'complete' }>): Out {
  const r = input.result;
  switch (input.tag) {
    case 'ready?':
      // Remembered until our create answers: the ready node there means we pass once our node is in.
      if (s.phase !== 'entering') return none(s);
      return r.err === 'OK' ? none(patch(s, 'entering', s.attempt, false, true)) : none(s);
    case 'create': {
      if (s.phase !== 'entering') return none(s);
      if (r.err !== 'OK' && r.err !== 'NODEEXISTS') return none(s); // retried after the reconnect
      // An OK reply's zxid is our node's czxid (NODEEXISTS: an earlier try made it, at a zxid we do not know).
      const created = r.err === 'OK' ? [{ event: 'created', detail: { path: ourPath(s), czxid: input.readZxid } }] : [];
      if (s.readySeen) {
        const p = passed(s, 'ready-existed', null);
        return { state: p.state, calls: p.calls, claims: [...created, ...p.claims] };
      }
      return { state: patch(s, 'waiting'), calls: [list('count', s)], claims: created };
    }
    case 'count': {
      if (s.phase !== 'waiting' || r.err !== 'OK' || r.response?.type !== 'getChildren') return none(s);
      if (r.response.children.length < s.memberQty) return none(s); // the ready watch wakes us
      return {
        state: patch(s, 'in'),
        calls: [{ tag: 'create-ready', command: { type: 'create', path: readyPath(s), data: '', acl: OPEN_ACL_UNSAFE, mode: 'PERSISTENT' } }],
        claims: [{ event: 'entered', detail: { path: ourPath(s), via: 'count', zxid: input.readZxid } }],
      };
    }
    case 'leave-list':
      return onLeaveList(s, input);
    case 'leave-watch':
      // The member we meant to wait for is already gone: list again.
      if (s.phase === 'leaving' && r.err === 'NONODE') return { state: s, calls: [list('leave-list', s)], claims: [] };
      return none(s);
    case 'delete-ours':
      if (s.phase !== 'leaving') return none(s);
      if (r.err === 'OK' || r.err === 'NONODE') return { state: patch(s, 'leaving', s.attempt, true), calls: [], claims: [] };
      return none(s); // retried after the reconnect, from a new listing
    default:
      if (input.tag.startsWith('delete-last:') && s.phase === 'leaving' && (r.err === 'OK' || r.err === 'NONODE'))
        return left(s, Number(input.tag.slice('delete-last:'.length)));
      return none(s); // a failed delete: listed again after the reconnect
  }
}

function onLeaveList(s: DoubleBarrierState, input: Extract<RecipeInput, { type: 'complete' }>): Out {
  const r = input.result;
  if (s.phase !== 'leaving') return none(s);
  if (r.err === 'NONODE') return left(s, input.readZxid);
  if (r.err !== 'OK' || r.response?.type !== 'getChildren') return none(s);
  const children = r.response.children.filter((c) => c !== READY_NODE).sort();
  if (children.length === 0) return left(s, input.readZxid);
  const mine = ourName(s);
  const at = children.indexOf(mine);
  // Our node missing while it should exist: it went with an old session (Curator: connection lost, then done).
  if (at < 0 && !s.ourDeleted) return left(s, input.readZxid, 'node-gone');
  // "Our node was there at this zxid", for the leave check (recipe-checks-curator.ts).
  const present = at >= 0 ? [{ event: 'present', detail: { path: ourPath(s), zxid: input.readZxid } }] : [];
  const more = leaveStep(s, children, at, input.readZxid);
  return { state: more.state, calls: more.calls, claims: [...present, ...more.claims] };
}

function leaveStep(s: DoubleBarrierState, children: readonly string[], at: number, readZxid: number | null): Out {
  if (children.length === 1 && at === 0) {
    // Only ours: delete it, and we are done (the listing's zxid is what "nobody else" was judged at).
    return { state: s, calls: [{ tag: `delete-last:${readZxid ?? -1}`, command: { type: 'remove', path: ourPath(s), version: -1 } }], claims: [] };
  }
  if (at === 0) return { state: s, calls: [watchThen(s, children[children.length - 1] as string)], claims: [] };
  const calls: Call[] = [watchThen(s, children[0] as string)];
  if (!s.ourDeleted) calls.unshift(deleteOurs(s));
  return { state: s, calls, claims: [] };
}

/** exists with a watch on another member's node; if it is already gone, list again at once. */
function watchThen(s: DoubleBarrierState, name: string): Call {
  return { tag: 'leave-watch', command: { type: 'exists', path: `${s.dir}/${name}`, watch: true } };
}

/** Done leaving; `how` is 'all-gone' (nobody else at `zxid`) or 'node-gone' (ours vanished: we did not wait). */
function left(s: DoubleBarrierState, zxid: number | null, how: 'all-gone' | 'node-gone' = 'all-gone'): Out {
  return {
    state: patch(s, 'idle', s.attempt, false),
    calls: [{ tag: 'delete-ready', command: { type: 'remove', path: readyPath(s), version: -1 } }],
    claims: [{ event: 'left', detail: { path: ourPath(s), zxid, how } }],
  };
}
