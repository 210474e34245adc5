// The reference's watch-acl rule (DEFINITIONS.md §4, watch-order, `watch-acl`), written from the definition
// alone: no code shared with sim/checkers/watch-acl.ts. An event a filtering server sent names its txn z
// (zxid > 0); the event's path had, when z applied, the ACL of one of the writes that may have set it
// last; if none of those ACLs lets any identity the receiving client may hold READ the node, no execution
// delivers the event.
import { createHash } from 'node:crypto';
import type { ZkAclEntry, ZkHistory, ZkHistoryOp, ZkHistoryWatch, ZkOp } from '../../sim/history/types.js';

const FILTERS = new Set(['3.8.0-deb12u2', '3.8.4']);

/** DigestAuthenticationProvider.generateDigest: user ":" base64(sha1("user:password")). */
function digestOf(userPassword: string): string {
  const user = userPassword.split(':')[0]!;
  return `${user}:${createHash('sha1').update(userPassword, 'utf8').digest('base64')}`;
}

/** One way the path's ACL may have been set: the write, and its ACL (undefined: the history does not say). */
type Setting = { readonly write: ZkHistoryOp; readonly acl: ZkAclEntry[] | undefined; readonly whole: boolean };

/** What the client may hold at `t`: digest ids, or null when anything (another scheme, a super user) is possible. */
function holdings(h: ZkHistory, client: number, t: number): Set<string> | null {
  const superDigest = h.header['superDigest'];
  const out = new Set<string>();
  for (const a of h.auths ?? []) {
    if (a.client !== client || a.invokeUs > t) continue;
    if (a.scheme !== 'digest') return null;
    const d = digestOf(a.auth);
    if (typeof superDigest !== 'string' && superDigest !== null) return null; // no word on a super user
    if (d === superDigest) return null;
    out.add(d);
  }
  return out;
}

/** Whether `acl` may let someone holding `held` (and an ip id) READ, the `auth` entries standing for the creator's digests by `t`. */
function mayRead(h: ZkHistory, acl: ZkAclEntry[], creator: number, held: Set<string>, t: number): boolean {
  if (acl.length === 0) return true;
  return acl.some((a) => {
    if ((a.perms & 1) !== 1) return false;
    if (a.scheme === 'digest') return held.has(a.id);
    if (a.scheme !== 'auth') return true;
    const creatorHeld = holdings(h, creator, t);
    return creatorHeld === null || [...creatorHeld].some((d) => held.has(d));
  });
}

/** Whether a write is known to have applied, with its zxid, or may have (unknown outcome), or did not. */
function fate(o: ZkHistoryOp): 'applied' | 'maybe' | 'no' {
  if (o.outcome === 'fail') return 'no';
  if (o.outcome === 'info' || o.result === null) return 'maybe';
  const rc = o.result.rc;
  if (rc === 'connectionLoss' || rc === 'operationTimeout' || rc === 'sessionExpired') return 'maybe';
  if (rc !== 'ok') return 'no';
  return o.zxid === null ? 'maybe' : 'applied';
}

/** Whether sub-op `op` (result `made`) of write `o` may set the ACL of `path`. */
function sets(op: ZkOp, made: string | undefined, path: string, known: boolean): boolean {
  if (op.type === 'setACL') return op.path === path;
  if (op.type !== 'create') return false;
  if (op.mode !== 'persistentSequential' && op.mode !== 'ephemeralSequential' && op.mode !== 'persistentSequentialWithTtl') return op.path === path;
  if (known && made !== undefined) return made === path;
  const tail = path.startsWith(op.path) ? path.slice(op.path.length) : '';
  return tail !== '' && !tail.includes('/');
}

/** The settings of `path` that may be in force when txn `e.zxid` fired `e`; null when the rule cannot tell. */
function inForce(h: ZkHistory, e: ZkHistoryWatch): Setting[] | null {
  const settings: { s: Setting; zxid: number | null }[] = [];
  for (const o of h.ops) {
    const f = fate(o);
    if (f === 'no') continue;
    const subs = o.op.type === 'multi' ? o.op.ops : [o.op];
    subs.forEach((op, i) => {
      const made = o.op.type === 'multi' ? o.result?.results?.[i]?.path : o.result?.path;
      if (sets(op, made, e.path, f === 'applied')) {
        const acl = op.type === 'create' || op.type === 'setACL' ? op.acl?.slice() : undefined;
        settings.push({ s: { write: o, acl, whole: o.op.type !== 'multi' && op.type === 'create' }, zxid: f === 'applied' && (op.type !== 'create' || !isSeq(op) || made !== undefined) ? o.zxid : null });
      }
    });
  }
  const atZ = settings.filter((x) => x.zxid === e.zxid);
  if (atZ.length === 1 && atZ[0]!.s.whole) return [atZ[0]!.s];
  const earlier = settings.filter((x) => x.zxid !== null && x.zxid < e.zxid).sort((a, b) => b.zxid! - a.zxid!);
  if (earlier.length === 0) return null;
  const unsure = settings.filter((x) => x.zxid === null && x.s.write.invokeUs <= e.atUs);
  if (unsure.length > 16) return null;
  return [earlier[0]!.s, ...atZ.map((x) => x.s), ...unsure.map((x) => x.s)];
}

function isSeq(op: ZkOp): boolean {
  return op.type === 'create' && (op.mode === 'persistentSequential' || op.mode === 'ephemeralSequential' || op.mode === 'persistentSequentialWithTtl');
}

/** A description of the first event no execution delivers under the rule, or null. */
export function watchAclBroken(h: ZkHistory): string | null {
  const release = h.header['serverRelease'];
  if (typeof release !== 'string' || !FILTERS.has(release)) return null;
  for (const e of h.events ?? []) {
    if (e.kind !== 'watch' || e.zxid <= 0) continue;
    const held = holdings(h, e.client, e.atUs);
    if (held === null) continue;
    const settings = inForce(h, e);
    if (settings === null || settings.some((s) => s.acl === undefined)) continue;
    if (settings.every((s) => !mayRead(h, s.acl!, s.write.client, held, e.atUs))) return `${e.type} ${e.path} at zxid ${e.zxid} to client ${e.client}`;
  }
  return null;
}
