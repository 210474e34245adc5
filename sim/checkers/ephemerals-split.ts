// getEphemerals judged as existence reads. The server answers it in FinalRequestProcessor like any
// read, in the session's turn, against one state of its tree (the reply header's zxid): the paths of
// the requesting session's ephemerals (DataTree.getEphemerals), all of them when the prefix is blank
// or "/", else those that start with the prefix as a string. So an answer S at state h says, for a
// path p the prefix matches:
// * p ∈ S: p exists at h, an ephemeral of the session. That is `exists p` answered "yes, owner s".
// * p ∉ S: p is no ephemeral of the session at h. That is `exists p` answered "no" only when every op
//   that may create p is an ephemeral create of this session (and p is no node of the initial tree,
//   which holds only persistent nodes): then p exists at h exactly when it is the session's ephemeral.
// Each such fact becomes a read op with the getEphemerals' session, times and readZxid, which the read
// checkers judge as any read. Why flagging stays sound: each is a read the session could have sent at
// that moment with that answer (multi-read-split.ts argues the same for multiRead, and splits under the
// same conditions: no tie with another op or reply of the session at its instants, an ok answer). An
// answer with no fact to check becomes `exists /` answered "yes" (the root always exists), so the
// reply's zxid and times still constrain the session's order.
//
// Why "ok" is not always earned: a path an unnamed sequential ephemeral create of the session may have
// made (its reply lost, so its name is unknown) cannot be checked absent, nor can a path whose possible
// creators include another session or a persistent create; and the checkers may place two reads of one
// answer at different points (as for a multiRead). So "ok" stays out of reach (unknown, with the
// reason) unless every matching path was checked and the answer became one read.
import type { ZkHistory, ZkHistoryOp, ZkHistoryUnjudged, ZkOp, ZkResult } from '../history/types.js';
import { sessionInstants, type SessionInstants } from './multi-read-split.js';

export interface SplitEphemerals {
  readonly history: ZkHistory;
  /** Set when a split getEphemerals was not checked in full (see above). */
  readonly incompleteReason: string | null;
}

type GetEphemerals = ZkHistoryUnjudged & { readonly op: { readonly type: 'getEphemerals'; readonly path: string } };

function isGetEphemerals(u: ZkHistoryUnjudged): u is GetEphemerals {
  return u.op.type === 'getEphemerals';
}

/** Whether the prefix selects `path` (FinalRequestProcessor's getEphemerals filter). */
export function prefixMatches(prefix: string, path: string): boolean {
  const trimmed = prefix.trim();
  return trimmed === '' || trimmed === '/' || path.startsWith(prefix);
}

/** Whether some name a sequential create of `base` may make (base + 10 digits) is matched by the prefix. */
function sequentialMayMatch(prefix: string, base: string): boolean {
  const trimmed = prefix.trim();
  if (trimmed === '' || trimmed === '/' || base.startsWith(prefix)) return true;
  return prefix.startsWith(base) && /^\d{0,10}$/.test(prefix.slice(base.length));
}

type Create = { readonly session: number | null; readonly ephemeral: boolean; readonly base: string; readonly name: string | null };

/** Every create of the history that may take effect (ok or unknown outcome), with its name when known. */
function createsOf(history: ZkHistory): Create[] {
  const out: Create[] = [];
  const add = (o: ZkHistoryOp, op: ZkOp, result: ZkResult | undefined): void => {
    if (op.type !== 'create') return;
    if (o.outcome === 'ok' && result !== undefined && result.rc !== 'ok') return;
    const sequential = op.mode === 'persistentSequential' || op.mode === 'ephemeralSequential' || op.mode === 'persistentSequentialWithTtl';
    const name = !sequential ? op.path : o.outcome === 'ok' && result?.path !== undefined ? result.path : null;
    out.push({ session: o.session, ephemeral: op.mode === 'ephemeral' || op.mode === 'ephemeralSequential', base: op.path, name });
  };
  for (const o of history.ops) {
    if (o.outcome === 'fail') continue;
    if (o.op.type === 'create') add(o, o.op, o.result ?? undefined);
    if (o.op.type === 'multi') {
      // A multi that failed had no effect; one that succeeded, or whose outcome is unknown, may create each node.
      if (o.outcome === 'ok' && o.result !== null && o.result.rc !== 'ok') continue;
      o.op.ops.forEach((sub, i) => add(o, sub, o.outcome === 'ok' ? (o.result?.results?.[i] ?? undefined) : undefined));
    }
  }
  return out;
}

type Facts = { readonly present: readonly string[]; readonly absent: readonly string[]; readonly complete: boolean };

/** What one answer says, path by path, and whether that is all it says. */
function factsOf(u: GetEphemerals, creates: readonly Create[]): Facts {
  const session = u.session as number;
  const answer = new Set(u.result.children ?? []);
  const prefix = u.op.path;
  // A listed path the prefix does not select is no answer ZooKeeper gives; it is not flagged here (the
  // read checkers judge states, not filters), so the answer is not judged in full.
  let complete = [...answer].every((p) => prefixMatches(prefix, p));
  const candidates = new Set<string>();
  for (const c of creates) {
    if (c.session !== session || !c.ephemeral) continue;
    if (c.name === null) {
      if (sequentialMayMatch(prefix, c.base)) complete = false;
    } else if (prefixMatches(prefix, c.name) && !answer.has(c.name)) candidates.add(c.name);
  }
  const absent: string[] = [];
  for (const p of [...candidates].sort()) {
    const own = creates.every((c) =>
      c.name === p ? c.session === session && c.ephemeral : c.name !== null || !(p.startsWith(c.base) && /^\d{10}$/.test(p.slice(c.base.length))),
    );
    if (own) absent.push(p);
    else complete = false;
  }
  return { present: [...answer].sort(), absent, complete };
}

function splittable(u: GetEphemerals, instants: SessionInstants): boolean {
  if (u.session === null || u.result.rc !== 'ok' || u.result.children === undefined) return false;
  for (const who of [`s${u.session}`, `c${u.client}`]) {
    if (instants.invoked.has(`${who}@${u.invokeUs}`) || instants.arrived.has(`${who}@${u.completeUs}`)) return false;
  }
  return true;
}

/** Each answered getEphemerals that can be, as existence reads; the others stay unjudged. O(history × getEphemerals). */
export function splitGetEphemerals(history: ZkHistory): SplitEphemerals {
  const unjudged = history.unjudged ?? [];
  if (!unjudged.some(isGetEphemerals)) return { history, incompleteReason: null };
  const instants = sessionInstants(history);
  const creates = createsOf(history);
  let nextId = history.ops.reduce((max, o) => Math.max(max, o.id), -1) + 1;
  const ops: ZkHistoryOp[] = [...history.ops];
  const kept: ZkHistoryUnjudged[] = [];
  let incomplete = 0;
  for (const u of unjudged) {
    if (!isGetEphemerals(u) || !splittable(u, instants)) {
      kept.push(u);
      continue;
    }
    const facts = factsOf(u, creates);
    const reads: { path: string; result: ZkResult }[] = [
      ...facts.present.map((path) => ({ path, result: { rc: 'ok' as const, exists: true, ephemeralOwner: u.session as number } })),
      ...facts.absent.map((path) => ({ path, result: { rc: 'ok' as const, exists: false } })),
    ];
    if (reads.length === 0) reads.push({ path: '/', result: { rc: 'ok', exists: true } });
    if (!facts.complete || reads.length > 1) incomplete++;
    for (const r of reads) {
      ops.push({
        kind: 'op',
        id: nextId++,
        client: u.client,
        session: u.session,
        server: u.server,
        op: { type: 'exists', path: r.path },
        invokeUs: u.invokeUs,
        completeUs: u.completeUs,
        outcome: 'ok',
        result: r.result,
        zxid: null,
        readZxid: u.readZxid,
      });
    }
  }
  const split: ZkHistory =
    kept.length === 0
      ? { header: history.header, ops, events: history.events ?? [] }
      : { header: history.header, ops, events: history.events ?? [], unjudged: kept };
  const incompleteReason =
    incomplete === 0
      ? null
      : `${incomplete} getEphemerals answer(s) were judged path by path, but not in full (a path whose creators are unknown or not all this session's ephemerals, or several paths that need not be read at one point), so not ok`;
  return { history: split, incompleteReason };
}
