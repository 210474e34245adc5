// ACLs and authentication for generated histories (generate.ts), and the perturbation that delivers a watch
// event the ACL forbids. A share of the zk histories is told it comes from servers that filter watch events
// by READ (ZOOKEEPER-4799: header serverRelease "3.8.0-deb12u2", no super user); each client may call
// addAuthInfo (digest u1 or u2) before its first op, and each create gets an ACL: world:anyone, a digest
// user's, or the creator's own (`auth`, only for a creator that authenticated first). The history stays
// one ZooKeeper produces: a path's creates get an ACL without READ for some client only when every client
// that received an event on that path can read under it, so no event the filter would drop is in the
// history (the generator never drops events). Its own seeded stream: the histories it leaves alone are
// byte for byte what they were.
import type { ZkAclEntry, ZkHistory, ZkHistoryAuth, ZkHistoryOp, ZkHistoryWatch, ZkOp } from '../../sim/history/types.js';
import { createHash } from 'node:crypto';
import { generateHistory, Rng } from './generate.js';

const USERS = ['u1:pw', 'u2:pw'] as const;

function digestId(userPassword: string): string {
  const user = userPassword.slice(0, userPassword.indexOf(':'));
  return `${user}:${createHash('sha1').update(userPassword, 'utf8').digest('base64')}`;
}

const OPEN: ZkAclEntry[] = [{ perms: 31, scheme: 'world', id: 'anyone' }];
const userAcl = (u: string): ZkAclEntry[] => [{ perms: 31, scheme: 'digest', id: digestId(u) }];
const CREATOR: ZkAclEntry[] = [{ perms: 31, scheme: 'auth', id: '' }];
/** Readable by nobody a generated client can be. */
const NOBODY: ZkAclEntry[] = [{ perms: 31, scheme: 'digest', id: digestId('u9:pw') }];

/** The path a create sub-op made (its result's, for a sequential one), or null when unknown. */
function madePath(o: ZkHistoryOp, op: ZkOp, i: number | null): string | null {
  if (op.type !== 'create') return null;
  const sequential = op.mode === 'persistentSequential' || op.mode === 'ephemeralSequential';
  if (!sequential) return op.path;
  const r = i === null ? o.result : o.result?.results?.[i];
  return r?.path ?? null;
}

/** Every op's creates, with the path each made (null: a sequential name the history does not give). */
function creates(h: ZkHistory): { o: ZkHistoryOp; i: number | null; op: Extract<ZkOp, { type: 'create' }>; path: string | null }[] {
  const out: { o: ZkHistoryOp; i: number | null; op: Extract<ZkOp, { type: 'create' }>; path: string | null }[] = [];
  for (const o of h.ops) {
    if (o.op.type === 'create') out.push({ o, i: null, op: o.op, path: madePath(o, o.op, null) });
    if (o.op.type === 'multi')
      o.op.ops.forEach((sub, i) => {
        if (sub.type === 'create') out.push({ o, i, op: sub, path: madePath(o, sub, i) });
      });
  }
  return out;
}

function withAclOn(op: Extract<ZkOp, { type: 'create' }>, acl: ZkAclEntry[]): ZkOp {
  const open = acl.some((a) => a.scheme === 'world' && (a.perms & 1) === 1);
  const { restrictedRead: _old, ...base } = op;
  return open ? { ...base, acl } : { ...base, restrictedRead: true, acl };
}

/** `h` with the ACL of create `c` (by op id and sub-op index) replaced. */
function replaceAcl(h: ZkHistory, choose: (o: ZkHistoryOp, i: number | null, op: Extract<ZkOp, { type: 'create' }>) => ZkAclEntry[] | null): ZkHistory {
  const ops = h.ops.map((o) => {
    if (o.op.type === 'create') {
      const acl = choose(o, null, o.op);
      return acl === null ? o : { ...o, op: withAclOn(o.op, acl) };
    }
    if (o.op.type !== 'multi') return o;
    const subs = o.op.ops.map((sub, i) => {
      if (sub.type !== 'create') return sub;
      const acl = choose(o, i, sub);
      return acl === null ? sub : withAclOn(sub, acl);
    });
    return { ...o, op: { type: 'multi' as const, ops: subs } };
  });
  return { ...h, ops };
}

/** A share of the zk histories with ACLs and auths (see the file's head); the others unchanged. */
export function withAcls(h: ZkHistory, seed: number): ZkHistory {
  const rng = new Rng(seed ^ 0x41434c21);
  if (h.header['model'] !== 'zk' || !rng.chance(0.4)) return h;
  const clients = [...new Set(h.ops.map((o) => o.client))].sort((a, b) => a - b);
  const userOf = new Map<number, string>();
  const auths: ZkHistoryAuth[] = [];
  for (const c of clients) {
    const r = rng.next();
    if (r < 0.35) continue;
    const user = r < 0.75 ? USERS[0] : USERS[1];
    const first = h.ops.filter((o) => o.client === c).reduce((m, o) => Math.min(m, o.invokeUs), Infinity);
    userOf.set(c, user);
    auths.push({ kind: 'auth', client: c, session: null, scheme: 'digest', auth: user, invokeUs: Math.max(0, first - rng.int(1, 40)) });
  }
  // Who received an event on each path, or touched the path or a child of it with any op: every ACL of
  // that path must let them do so (READ for the events and reads, WRITE, CREATE and DELETE for the
  // writes, which the generator made succeed without a look at ACLs), so they all get the same user.
  const readers = new Map<string, Set<number>>();
  const touch = (path: string, client: number): void => {
    const set = readers.get(path) ?? new Set<number>();
    set.add(client);
    readers.set(path, set);
  };
  for (const e of h.events ?? []) if (e.kind === 'watch') touch(e.path, e.client);
  for (const o of h.ops) {
    const subs = o.op.type === 'multi' ? o.op.ops : [o.op];
    subs.forEach((sub, i) => {
      if (!('path' in sub)) return;
      const path = (o.op.type === 'multi' ? o.result?.results?.[i]?.path : o.result?.path) ?? sub.path;
      touch(path, o.client);
      touch(sub.path, o.client);
      const parent = sub.path.slice(0, Math.max(1, sub.path.lastIndexOf('/')));
      touch(parent, o.client);
    });
  }
  const allRead = (path: string | null, user: string | undefined): boolean => {
    if (path === null) return false;
    for (const c of readers.get(path) ?? []) if (userOf.get(c) !== user) return false;
    return true;
  };
  const decorated = replaceAcl(h, (o, _i, op) => {
    const path = madePath(o, op, _i);
    const r = rng.next();
    const u = r < 0.3 ? USERS[0] : r < 0.45 ? USERS[1] : null;
    if (u !== null && allRead(path, u)) return userAcl(u);
    const creatorUser = userOf.get(o.client);
    if (r >= 0.45 && r < 0.6 && creatorUser !== undefined && allRead(path, creatorUser)) return CREATOR;
    return OPEN;
  });
  const header = { ...decorated.header, serverRelease: '3.8.0-deb12u2', superDigest: null };
  return auths.length === 0 ? { ...decorated, header } : { ...decorated, header, auths };
}

/**
 * The perturbation `forbidden-watch-event`: for an event that names its txn, on a path some create made,
 * either every create of that path gets an ACL nobody generated can read, or the receiving client's
 * auth goes (or moves to after the event). Whether that makes the history impossible (another write
 * may have set an ACL that lets the client read; the event's path may be one no create made) is for
 * the checkers to say.
 */
export function perturbAcl(h: ZkHistory, seed: number): { history: ZkHistory; note: string } | null {
  if (h.header['serverRelease'] === undefined) return null;
  const rng = new Rng(seed ^ 0x0f0b1dd);
  const events = (h.events ?? []).filter((e): e is ZkHistoryWatch => e.kind === 'watch' && e.zxid > 0);
  const made = new Set(creates(h).flatMap((c) => (c.path === null ? [] : [c.path])));
  const targets = events.filter((e) => made.has(e.path));
  if (targets.length === 0) return null;
  const e = rng.pick(targets);
  const mine = (h.auths ?? []).filter((a) => a.client === e.client);
  const way = rng.int(0, 2);
  if (way === 0 || mine.length === 0) {
    const history = replaceAcl(h, (o, i, op) => (madePath(o, op, i) === e.path ? NOBODY : null));
    return { history, note: `every create of ${e.path} gets an ACL nobody reads (event ${e.type} ${e.path} to client ${e.client})` };
  }
  const others = (h.auths ?? []).filter((a) => a.client !== e.client);
  if (way === 1) return { history: { ...h, auths: others }, note: `client ${e.client} never authenticates (event ${e.type} ${e.path})` };
  const moved = mine.map((a) => ({ ...a, invokeUs: e.atUs + 1 }));
  return { history: { ...h, auths: [...others, ...moved] }, note: `client ${e.client} authenticates only after ${e.type} ${e.path} arrived` };
}

/** generateHistory(seed), with ACLs and auths in a share of the zk histories (withAcls). */
export function generateWithAcls(seed: number): ZkHistory {
  return withAcls(generateHistory(seed).history, seed);
}
