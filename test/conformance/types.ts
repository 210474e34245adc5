// Plain-JSON types for conformance runs: the client operations a generated sequence is made of,
// and what a run records for each of them. A recording from the real ensemble and a replay against
// zabsim must produce values of these types, compared after `mask()`.
//
// REPLAY PROTOCOL (what both runners must do, so zxids line up):
//  1. Open session slot 0, then session slot 1 (each is a createSession txn).
//  2. Slot 0 creates the sequence root (persistent, OPEN_ACL_UNSAFE, empty data). Its czxid is the
//     BASE: every zxid (czxid/mzxid/pzxid) recorded afterwards is `zxid - BASE` (root = 0). When the
//     sequence is spread, the barrier of step 5 follows, so slot 1's server has the root.
//  3. Run the ops in order, awaiting each reply, except that an op marked `pipe` is sent with the ops
//     before it, without waiting for their replies (a pipelined batch: one slot, several requests in
//     flight; ZooKeeper answers a session's requests in order, so the results do not depend on timing).
//     Op paths are relative to the root
//     ('/' = the root itself, '/a' = <root>/a); recorded paths (create results, multi create
//     results, watch events) are made relative the same way.
//  4. `close` closes the slot's session (a closeSession txn, deleting its ephemerals). The next op
//     on a closed slot first opens a fresh session on that slot (a createSession txn; new session
//     id, no auth info, no watches) and then runs.
//  5. After each op (or batch), every open session does a round trip (a read of the root without
//     watch); watch events that arrived by then are attributed to that op (a batch's last op), per
//     slot, in arrival order. When both slots talk to one server this attribution is exact. When the
//     sequence is `spread` (slot 0 and slot 1 on different servers), each session first sends sync on
//     the root: the server it sits on then has applied every txn committed so far (its watch events
//     sent), so the next op reads what the previous one wrote, as on a single server.
//  6. At the end, close every open session (not recorded).

export type Slot = 0 | 1;

export type CreateMode = 'persistent' | 'ephemeral' | 'persistent_sequential' | 'ephemeral_sequential';

export type AclScheme = 'world' | 'digest' | 'auth' | 'ip';

export interface AclEntry {
  /** Bit set: READ 1, WRITE 2, CREATE 4, DELETE 8, ADMIN 16 (ALL 31). */
  perms: number;
  scheme: AclScheme;
  /** 'anyone' for world; 'user:base64(sha1(user:password))' for digest; '' for auth; an address or 'addr/bits' for ip. */
  id: string;
}

export type MultiSubOp =
  | { op: 'create'; path: string; data: string; acl: AclEntry[]; mode: CreateMode }
  | { op: 'delete'; path: string; version: number }
  | { op: 'setData'; path: string; data: string; version: number }
  | { op: 'check'; path: string; version: number };

/** One client operation. `s` = the session slot issuing it. Versions: -1 = unconditional. */
export type OpBody =
  | { kind: 'create'; s: Slot; path: string; data: string; acl: AclEntry[]; mode: CreateMode }
  | { kind: 'delete'; s: Slot; path: string; version: number }
  | { kind: 'setData'; s: Slot; path: string; data: string; version: number }
  | { kind: 'getData'; s: Slot; path: string; watch: boolean }
  | { kind: 'exists'; s: Slot; path: string; watch: boolean }
  | { kind: 'getChildren'; s: Slot; path: string; watch: boolean }
  | { kind: 'getACL'; s: Slot; path: string }
  | { kind: 'setACL'; s: Slot; path: string; acl: AclEntry[]; version: number }
  | { kind: 'addAuth'; s: Slot; scheme: 'digest' | 'ip'; auth: string }
  /** ZooKeeper.sync(path, cb, ctx): the server catches up with the leader before it answers. */
  | { kind: 'sync'; s: Slot; path: string }
  | { kind: 'multi'; s: Slot; ops: MultiSubOp[] }
  | { kind: 'close'; s: Slot }
  /** ZooKeeper.addWatch(path, watcher, mode) with the slot's one watcher. */
  | { kind: 'addWatch'; s: Slot; path: string; mode: 'persistent' | 'persistentRecursive' }
  /** ZooKeeper.removeWatches(path, watcher, type, false) (checkWatches opcode), or removeAllWatches when `all` (removeWatches opcode). */
  | { kind: 'removeWatches'; s: Slot; path: string; type: 'Children' | 'Data' | 'Any'; all: boolean };

/** An op; `pipe` sends it before the previous op's reply (same slot, never a close): see the replay protocol. */
export type Op = OpBody & { pipe?: true };

export type OpKind = Op['kind'];

/** Session id as recorded: 0 for "none", else '0x…' hex; after mask(): 0 | 'masked' | a label. */
export type SessionRef = 0 | string;

/**
 * Stat with zxids relative to the sequence BASE (see the replay protocol). ctime/mtime are epoch ms
 * as recorded and 'masked' after mask(); ephemeralOwner likewise.
 */
export interface RecStat {
  czxid: number;
  mzxid: number;
  pzxid: number;
  ctime: number | 'masked';
  mtime: number | 'masked';
  version: number;
  cversion: number;
  aversion: number;
  ephemeralOwner: SessionRef;
  dataLength: number;
  numChildren: number;
}

export type MultiSubResult =
  | { op: 'create'; path: string }
  | { op: 'delete' }
  | { op: 'setData'; stat: RecStat }
  | { op: 'check' }
  /** In a failed multi every entry is an error: 0 (OK, rolled back) before the culprit,
   * the culprit's code, then -2 (RUNTIMEINCONSISTENCY) after it. */
  | { op: 'error'; code: number };

/** Success payload per op kind. */
export type OpValue =
  | { kind: 'create'; path: string }
  | { kind: 'delete' }
  | { kind: 'setData'; stat: RecStat }
  | { kind: 'getData'; data: string; stat: RecStat }
  | { kind: 'exists'; stat: RecStat | null }
  /** `children` in the order the server returned them (ZooKeeper: HashSet iteration order). */
  | { kind: 'getChildren'; children: string[]; stat: RecStat }
  | { kind: 'getACL'; acl: AclEntry[]; stat: RecStat }
  | { kind: 'setACL'; stat: RecStat }
  | { kind: 'addAuth' }
  | { kind: 'sync' }
  | { kind: 'multi'; results: MultiSubResult[] }
  | { kind: 'close' }
  | { kind: 'addWatch' }
  | { kind: 'removeWatches' };

export type OpResult = { ok: true; value: OpValue } | { ok: false; code: number; name: string; multi?: MultiSubResult[] };

export type WatchEventType = 'NodeCreated' | 'NodeDeleted' | 'NodeDataChanged' | 'NodeChildrenChanged';

export interface WatchEventRec {
  type: WatchEventType;
  /** Relative to the sequence root. */
  path: string;
}

export interface RecordedResult {
  /** Index of the op in its sequence. */
  i: number;
  result: OpResult;
  /** events[slot] = watch events delivered to that slot's session while this op ran. */
  events: [WatchEventRec[], WatchEventRec[]];
}

export interface RecordedSequence {
  index: number;
  /** Absolute root path used on the real ensemble (e.g. '/t17'). */
  root: string;
  /** Which server id (1..3) all sessions of this sequence were connected to (slot 0's when spread). */
  server: number;
  serverMode: string;
  /** Spread sequences: the server of each slot, as a role ('leader', 'follower1', 'follower2': followers by id). */
  slotRoles?: [SlotRole, SlotRole];
  /** Absolute BASE zxid, hex. */
  baseZxid: string;
  /** Session ids in creation order (slot, hex id): lets mask() label ephemeral owners. */
  sessions: { slot: Slot; id: string }[];
  ops: Op[];
  results: RecordedResult[];
  durationMs: number;
}

export type SlotRole = 'leader' | 'follower1' | 'follower2';

/** Where spread sequence i puts its slots (SPREADS[i mod 3]): leader and a follower, two followers, a follower and the leader. */
export const SPREADS: readonly [SlotRole, SlotRole][] = [
  ['leader', 'follower1'],
  ['follower1', 'follower2'],
  ['follower2', 'leader'],
];

/** Ops are in batches: each op with `pipe` joins the batch of the op before it. Returns [start, end) pairs. */
export function batches(ops: readonly Op[]): [number, number][] {
  const out: [number, number][] = [];
  for (let i = 0; i < ops.length; i++) {
    const last = out[out.length - 1];
    if (ops[i]?.pipe === true && last !== undefined && last[1] === i) last[1] = i + 1;
    else out.push([i, i + 1]);
  }
  return out;
}

export interface RecordingFile {
  meta: {
    zookeeper: string;
    seed: number;
    sequences: number;
    opsPerSequence: number;
    tickTime: number;
    sessionTimeoutMs: number;
    startedAt: string;
    durationMs: number;
    /** The servers' superDigest, when they had one (a replay gives zabsim the same). */
    superDigest?: string;
  };
  sequences: RecordedSequence[];
}

// ---- masking -------------------------------------------------------------------------------

export interface MaskOptions {
  /**
   * Map from recorded session id ('0x…') to a stable label (e.g. 's0#0' = slot 0, first
   * incarnation). When given, ephemeralOwner becomes the label instead of 'masked'.
   */
  sessionLabels?: ReadonlyMap<string, string>;
  /** Sort getChildren lists (default false: keep the server's order). */
  sortChildren?: boolean;
}

/** Labels 's<slot>#<n>' (n-th session opened on that slot) for a sequence's sessions. */
export function sessionLabels(seq: Pick<RecordedSequence, 'sessions'>): Map<string, string> {
  const count = [0, 0];
  const out = new Map<string, string>();
  for (const { slot, id } of seq.sessions) {
    const n = count[slot] ?? 0;
    count[slot] = n + 1;
    out.set(id, `s${slot}#${n}`);
  }
  return out;
}

function maskStat(st: RecStat, o: MaskOptions): RecStat {
  const owner = st.ephemeralOwner;
  return {
    ...st,
    ctime: 'masked',
    mtime: 'masked',
    ephemeralOwner: owner === 0 ? 0 : (o.sessionLabels?.get(owner) ?? 'masked'),
  };
}

function maskMultiSub(r: MultiSubResult, o: MaskOptions): MultiSubResult {
  return r.op === 'setData' ? { op: 'setData', stat: maskStat(r.stat, o) } : r;
}

function maskValue(v: OpValue, o: MaskOptions): OpValue {
  switch (v.kind) {
    case 'setData':
    case 'setACL':
      return { ...v, stat: maskStat(v.stat, o) };
    case 'getData':
      return { ...v, stat: maskStat(v.stat, o) };
    case 'getACL':
      return { ...v, stat: maskStat(v.stat, o) };
    case 'exists':
      return { ...v, stat: v.stat === null ? null : maskStat(v.stat, o) };
    case 'getChildren':
      return {
        ...v,
        children: o.sortChildren === true ? [...v.children].sort() : v.children,
        stat: maskStat(v.stat, o),
      };
    case 'multi':
      return { ...v, results: v.results.map((r) => maskMultiSub(r, o)) };
    default:
      return v;
  }
}

/**
 * Replaces what legitimately differs between two runs of the same sequence: ctime/mtime become
 * 'masked'; a non-zero ephemeralOwner becomes 'masked' (or its session label), 0 stays 0.
 * Zxids are already relative to the sequence BASE and are kept. Returns new objects.
 */
export function mask(results: readonly RecordedResult[], o: MaskOptions = {}): RecordedResult[] {
  return results.map((r) => ({
    i: r.i,
    result: r.result.ok
      ? { ok: true, value: maskValue(r.result.value, o) }
      : r.result.multi === undefined
        ? r.result
        : { ...r.result, multi: r.result.multi.map((m) => maskMultiSub(m, o)) },
    events: [[...r.events[0]], [...r.events[1]]],
  }));
}
