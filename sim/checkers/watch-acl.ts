// watch-order's watch-acl rule: a session receives no watch event on a znode whose ACL, at the txn that
// fired the event, grants READ to none of the identities the session can hold.
//
// ZooKeeper (3.8.4+, and the Debian 3.8.0 the conformance suite runs, which backports ZOOKEEPER-4799 for
// CVE-2024-23944): DataTree.createNode / deleteNode / setData pass the znode's ACL, read under the node's
// lock as the txn applies, to IWatchManager.triggerWatch(path, type, acl): the created node's ACL for its
// NodeCreated, the deleted node's for its NodeDeleted (data and child watches), the node's for
// NodeDataChanged, and the parent's for the parent's NodeChildrenChanged. WatchManager.triggerWatch removes
// a standard watch either way and calls ServerWatcher.process(event, acl); NIOServerCnxn/NettyServerCnxn
// .process runs ZooKeeperServer.checkACL(cnxn, acl, READ, getAuthInfo(), path) and drops the event on
// NoAuthException. So for every event type the ACL that counts is the event path's, at the firing txn.
// The events DataTree.setWatches fires on a reconnect go through ServerCnxn.process(event) with a null
// ACL, which checkACL passes: they are not filtered (they carry zxid -1 here and are not judged). Plain
// 3.8.0 filters nothing, so the rule applies only to a history whose header names a filtering release.
//
// checkACL(acl, READ, ids) passes when the ACL is empty, an id is `super`, or an entry with READ is
// world:anyone or matches an id of the same scheme (digest: equal; ip: the address in the range). A
// connection's ids (ServerCnxn.authInfo) are its ip id (added on accept) and what its auth packets added:
// DigestAuthenticationProvider.handleAuthentication adds digest:generateDigest("user:password"), and
// super first when that equals the configured superDigest. The client (ClientCnxn.primeConnection) sends
// every addAuthInfo of the handle again on each new connection. An `auth` entry of a create's or setACL's
// ACL is stored as the caller's authenticated ids (PrepRequestProcessor.fixupACL: digest ones).
//
// Proof of soundness (a flagged history has no execution). Let e be an event received by client c at
// time t, fired by txn z (zxid > 0), on path q; the release filters. In any execution:
// 1. The ids of the connection that delivered e are among: c's ip id, and for each auth record of c
//    invoked at or before t its ids (an auth packet is read by the server after the client sent it, so
//    after its invocation; e was sent before t). If one of those records is not a digest auth, or could
//    make c super (the header's superDigest equals its digest, or is not given), the rule does not judge
//    e. So the ids are a subset of {ip} ∪ D, D the digest ids of c's digest auths invoked by t.
// 2. q's ACL when z applied was set by the last create or setACL of q applied before (or within) z: by the
//    txn z itself when z is a plain create of q (its triggers run after the node exists); else by the
//    certain setter L of largest zxid below z (applied: ok with a zxid), by a setter within z (a multi),
//    or by a write whose outcome is unknown and that applied between L and z, which was invoked before
//    t (a request sent later gets a zxid above z, which was applied before e left its server). The
//    candidates below are all of these (L must exist, else not judged), so the ACL is one of them.
//    A setter whose ACL the history does not give, or more than UNCERTAIN_MAX unknown ones, leave e
//    unjudged (the fallback of this shortcut).
// 3. A candidate ACL A denies READ to every id in {ip} ∪ D when A is not empty and each entry with
//    READ is a digest entry whose id is not in D, or an `auth` entry none of whose possible expansions
//    (the creator's digest ids, a subset of the digest ids of its client's auths invoked by t, which
//    bounds the time the create was prepared) is in D. Any other entry (world:anyone, ip, a scheme this
//    rule does not know) may grant, and a creator with a non-digest auth may have expanded anything.
// If every candidate denies, checkACL threw for the delivering connection in every execution, so e was
// never sent: the history is impossible.
import { generateDigest } from '../../protocol/tree/index.js';
import type { ZkAclEntry, ZkHistory, ZkHistoryAuth, ZkHistoryOp, ZkHistoryWatch, ZkOp } from '../history/types.js';
import { violated, type ClientCheckResult } from './client-common.js';
import { isUncertain } from './write-table.js';
import { describeZxid } from './zk-writes.js';

/** The releases whose servers drop an event for a connection without READ (protocol/zab/config.ts ServerRelease). */
const FILTERING_RELEASES: readonly string[] = ['3.8.0-deb12u2', '3.8.4'];
const READ = 1;
/** More unknown-outcome setters of one path than this before an event: the event is not judged. */
const UNCERTAIN_MAX = 16;

type Setter = {
  readonly op: ZkHistoryOp;
  readonly acl: readonly ZkAclEntry[] | undefined;
  /** The zxid of an applied setter (ok, with its zxid); null when whether and when it applied is unknown. */
  readonly zxid: number | null;
  /** A create that is a whole txn (not in a multi). */
  readonly plainCreate: boolean;
};

/** What a client can hold by time t: digest ids, or `wild` (an auth this rule cannot bound). */
type Ids = { readonly digests: ReadonlySet<string>; readonly wild: boolean };

/** The first event a filtering server could not have sent, as a watch-order violation, else null. */
export function watchAclViolation(history: ZkHistory): ClientCheckResult | null {
  const release = history.header['serverRelease'];
  if (typeof release !== 'string' || !FILTERING_RELEASES.includes(release)) return null;
  const events = (history.events ?? []).filter((e): e is ZkHistoryWatch => e.kind === 'watch' && e.zxid > 0);
  if (events.length === 0) return null;
  const superDigest = history.header['superDigest'];
  const auths = authsByClient(history.auths ?? [], typeof superDigest === 'string' ? superDigest : superDigest === null ? null : undefined);
  const { byPath, sequential } = settersOf(history.ops);
  for (const e of events) {
    const ids = idsOf(auths, e.client, e.atUs);
    if (ids.wild) continue;
    const candidates = candidatesAt(byPath.get(e.path) ?? [], sequential, e);
    if (candidates === null) continue;
    if (candidates.every((s) => s.acl !== undefined && deniesRead(s.acl, s.op.client, ids, auths, e.atUs))) {
      const held = ids.digests.size === 0 ? 'no digest id' : `digest ids ${[...ids.digests].join(', ')}`;
      return violated(
        'watch-order',
        `client ${e.client} received ${e.type} ${e.path} (${describeZxid(e.zxid)}), but ${e.path}'s ACL at that txn grants READ to none of the ids the session could hold (its ip, ${held}), and a ${release} server drops such an event (ServerCnxn.process checkACL)`,
        candidates.map((s) => s.op),
        [e],
      );
    }
  }
  return null;
}

type AuthStep = { readonly invokeUs: number; readonly digest: string | null };

/**
 * Each client's auth records in time order, as the digest id each adds, or null for one that may add
 * anything: a scheme other than digest, or a digest that is (or, with no superDigest given, may be) super.
 */
function authsByClient(auths: readonly ZkHistoryAuth[], superDigest: string | null | undefined): Map<number, AuthStep[]> {
  const out = new Map<number, AuthStep[]>();
  for (const a of auths) {
    let digest: string | null = null;
    if (a.scheme === 'digest') {
      const d = generateDigest(a.auth);
      digest = superDigest === undefined || d === superDigest ? null : d;
    }
    const list = out.get(a.client) ?? [];
    list.push({ invokeUs: a.invokeUs, digest });
    out.set(a.client, list);
  }
  for (const list of out.values()) list.sort((x, y) => x.invokeUs - y.invokeUs);
  return out;
}

function idsOf(auths: Map<number, AuthStep[]>, client: number, atUs: number): Ids {
  const digests = new Set<string>();
  for (const a of auths.get(client) ?? []) {
    if (a.invokeUs > atUs) break;
    if (a.digest === null) return { digests, wild: true };
    digests.add(a.digest);
  }
  return { digests, wild: false };
}

/** Every create and setACL that applied or may have: by exact path, and sequential creates of unknown name by their prefix. */
function settersOf(ops: readonly ZkHistoryOp[]): { byPath: Map<string, Setter[]>; sequential: { prefix: string; setter: Setter }[] } {
  const byPath = new Map<string, Setter[]>();
  const sequential: { prefix: string; setter: Setter }[] = [];
  for (const o of ops) {
    if (o.outcome === 'fail') continue;
    const uncertain = isUncertain(o);
    if (!uncertain && o.result?.rc !== 'ok') continue; // refused: no effect
    const zxid = uncertain ? null : o.zxid;
    const add = (op: ZkOp, createdPath: string | undefined, plainCreate: boolean): void => {
      if (op.type !== 'create' && op.type !== 'setACL') return;
      const setter: Setter = { op: o, acl: op.acl, zxid, plainCreate };
      const sequentialName = op.type === 'create' && (op.mode === 'persistentSequential' || op.mode === 'ephemeralSequential' || op.mode === 'persistentSequentialWithTtl');
      const path = sequentialName ? (zxid === null ? undefined : createdPath) : op.path;
      if (path === undefined) {
        // A sequential create whose name the history does not give: it may have made any child with its prefix.
        sequential.push({ prefix: op.path, setter: { ...setter, zxid: null } });
        return;
      }
      const list = byPath.get(path) ?? [];
      list.push(setter);
      byPath.set(path, list);
    };
    if (o.op.type === 'multi') o.op.ops.forEach((sub, i) => add(sub, o.result?.results?.[i]?.path, false));
    else add(o.op, o.result?.path, true);
  }
  return { byPath, sequential };
}

/** The ACLs e's path may have had when e's txn fired it (proof step 2), or null when the rule cannot tell. */
function candidatesAt(setters: readonly Setter[], sequential: readonly { prefix: string; setter: Setter }[], e: ZkHistoryWatch): Setter[] | null {
  const z = e.zxid;
  let before: Setter | null = null;
  const within: Setter[] = [];
  const unknown: Setter[] = [];
  for (const s of setters) {
    if (s.zxid === null) {
      if (s.op.invokeUs <= e.atUs) unknown.push(s);
    } else if (s.zxid === z) within.push(s);
    else if (s.zxid < z && (before === null || s.zxid > (before.zxid as number))) before = s;
  }
  for (const { prefix, setter } of sequential) {
    const rest = e.path.startsWith(prefix) ? e.path.slice(prefix.length) : null;
    if (rest !== null && rest.length > 0 && !rest.includes('/') && setter.op.invokeUs <= e.atUs) unknown.push(setter);
  }
  if (within.length === 1 && within[0]!.plainCreate) return [within[0]!];
  if (before === null || unknown.length > UNCERTAIN_MAX) return null;
  return [before, ...within, ...unknown];
}

/** Proof step 3: the ACL grants READ to none of {ip} ∪ ids.digests. */
function deniesRead(acl: readonly ZkAclEntry[], creator: number, ids: Ids, auths: Map<number, AuthStep[]>, atUs: number): boolean {
  if (acl.length === 0) return false;
  for (const entry of acl) {
    if ((entry.perms & READ) === 0) continue;
    if (entry.scheme === 'digest') {
      if (ids.digests.has(entry.id)) return false;
    } else if (entry.scheme === 'auth') {
      const expanded = idsOf(auths, creator, atUs);
      if (expanded.wild) return false;
      for (const d of expanded.digests) if (ids.digests.has(d)) return false;
    } else {
      return false; // world:anyone, ip, or a scheme this rule does not bound
    }
  }
  return true;
}
