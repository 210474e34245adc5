// Trace-level Zab invariants (the Zab paper's and the TLA+ specs'; listed in README.md), checked
// as the run goes, from what servers observe and what the network delivers. Committed txns are
// compared by history index: the txn a server commits at index i must be the one every other
// server committed at i. Each check is O(1) or O(log n) per event, never a walk over the history.
import type { NodeId } from '../../protocol/program.js';
import type { KernelObserver } from '../kernel/kernel.js';
import { isQuorum, type ZabConfig } from '../../protocol/zab/config.js';
import type { ZabObservation } from '../../protocol/zab/effects.js';
import type { ZabDisk } from '../../protocol/zab/disk.js';
import { historyCount, txnAt } from '../../protocol/zab/history.js';
import type { ZabMessage } from '../../protocol/zab/messages.js';
import type { ZabServer } from '../../protocol/zab/state.js';
import type { Txn } from '../../protocol/zab/txn.js';
import { pvecGet, pvecLowerBound } from '../../protocol/pvec.js';
import { counterOf, epochOf, formatZxid, makeZxid, type Zxid } from '../../protocol/zxid.js';
import { ZxidMap } from '../checkers/zxid-map.js';
import { StateAgreement } from './state-agreement.js';

/** The invariants this checker reports, by kebab-case name. */
export const ZAB_CHECKERS = [
  'leadership',
  'integrity',
  'prefix-consistency',
  'primary-order',
  'primary-integrity',
  'commit-completeness',
  'history-consistency',
  'quorum-commit',
  'zab-anomalies',
  'single-server-assertions',
] as const;
export type ZabCheckerName = (typeof ZAB_CHECKERS)[number];

const zxidOf = (t: Txn): Zxid => t.zxid;

/** Whether a disk image holds the txn: in its log, or folded into its snapshot. O(log n). */
function diskHolds(disk: ZabDisk, zxid: Zxid): boolean {
  if (disk.snapshot !== null && zxid <= disk.snapshot.zxid) return true;
  const i = pvecLowerBound(disk.log, zxid, zxidOf);
  if (i < disk.log.size && pvecGet(disk.log, i).zxid === zxid) return true;
  // Old log records a SNAP left above the snapshot (disk.ts staleTail): still in the files.
  if (disk.staleTail.size === 0) return false;
  const j = pvecLowerBound(disk.staleTail, zxid, zxidOf);
  return j < disk.staleTail.size && pvecGet(disk.staleTail, j).zxid === zxid;
}

/** A committed index whose txn no observation has named yet (it arrived inside a snapshot). */
const UNKNOWN = -1;

/**
 * Voter ACKs delivered to leaders, by zxid, in arrival order (each voter once). With at most 7
 * voters a zxid's ACKs fit one small integer: 3 bits per ACK in arrival order (the voter's place in
 * the config, from 1), then one bit per voter. Kept in a ZxidMap, an ACK allocates nothing and a
 * txn's ACKs cost one slot, also after the commit has cleared them and late ACKs fill it again.
 * More voters: a list per zxid.
 */
export class AckTable {
  private readonly voters: readonly NodeId[];
  /** The 1-based digit of each voter id; 0 for other ids. */
  private readonly digit: number[] = [];
  private readonly packed: boolean;
  private readonly maskShift: number;
  /** Packed ACKs (at most 28 bits: a small integer in V8). */
  private readonly codes = new ZxidMap<number>();
  /** Lists, when the ACKs do not pack. */
  private readonly lists = new ZxidMap<NodeId[]>();

  constructor(voters: readonly NodeId[]) {
    const distinct: NodeId[] = [];
    for (const sid of voters) if (!distinct.includes(sid)) distinct.push(sid);
    this.voters = distinct;
    distinct.forEach((sid, i) => (this.digit[sid] = i + 1));
    this.packed = distinct.length <= 7;
    this.maskShift = 3 * distinct.length;
  }

  /** Records an ACK from voter `sid` (a repeated one is ignored). */
  add(zxid: Zxid, sid: NodeId): void {
    if (!this.packed) {
      const list = this.lists.get(zxid);
      if (list === undefined) this.lists.set(zxid, [sid]);
      else if (!list.includes(sid)) list.push(sid);
      return;
    }
    const code = this.codes.get(zxid) ?? 0;
    const d = this.digit[sid]!;
    const bit = 1 << (this.maskShift + d - 1);
    if ((code & bit) !== 0) return;
    this.codes.set(zxid, code | bit | (d << (3 * popcount(code >>> this.maskShift))));
  }

  /** Writes the ACKs of `zxid`, in arrival order, into `into` and returns how many (0: none). */
  read(zxid: Zxid, into: NodeId[]): number {
    if (!this.packed) {
      const list = this.lists.get(zxid);
      if (list === undefined) return 0;
      for (let i = 0; i < list.length; i++) into[i] = list[i]!;
      return list.length;
    }
    const code = this.codes.get(zxid) ?? 0;
    const n = popcount(code >>> this.maskShift);
    for (let i = 0; i < n; i++) into[i] = this.voters[((code >>> (3 * i)) & 7) - 1]!;
    return n;
  }

  delete(zxid: Zxid): void {
    if (this.packed) this.codes.delete(zxid);
    else this.lists.delete(zxid);
  }
}

function popcount(x: number): number {
  let n = 0;
  for (let v = x; v !== 0; v &= v - 1) n++;
  return n;
}

export interface Violation {
  readonly checker: string;
  readonly atUs: number;
  readonly node: NodeId;
  readonly message: string;
}

export class ZabChecker implements KernelObserver {
  readonly violations: Violation[] = [];
  private readonly config: ZabConfig;
  private readonly stateOf: (node: NodeId) => ZabServer | undefined;
  private readonly diskOf: (node: NodeId) => ZabDisk;
  /** The global committed sequence: zxid at each history index. */
  private readonly committedAt: Zxid[] = [];
  // Tables keyed by zxid are ZxidMaps: these lookups run for every ACK, proposal and commit.
  private readonly indexOfCommitted = new ZxidMap<number>();
  /** Every proposed txn, by zxid: one body per zxid, ever. */
  private readonly proposed = new ZxidMap<Txn>();
  private anyProposed = false;
  private readonly epochLeader = new Map<number, NodeId>();
  /** Voter ACKs delivered to leaders, by zxid (NEWLEADER acks under <e,0>). */
  private readonly acks: AckTable;
  /** Scratch for reading a zxid's ACKs. */
  private readonly acked: NodeId[] = [];
  /** Voter flags by node id, for the ACK filter (config.voters is a list). */
  private readonly voter: boolean[] = [];
  /** Each server's committed count as last observed, by node id (-1 or a hole: unknown). */
  private readonly committedCount: number[] = [];
  private readonly maxViolations = 100;
  private readonly states = new StateAgreement();
  private nowUs = 0;

  constructor(config: ZabConfig, stateOf: (node: NodeId) => ZabServer | undefined, diskOf: (node: NodeId) => ZabDisk) {
    this.config = config;
    this.stateOf = stateOf;
    this.diskOf = diskOf;
    for (const sid of config.voters) this.voter[sid] = true;
    this.acks = new AckTable(config.voters);
  }

  get committedLength(): number {
    return this.committedAt.length;
  }

  violated(checker: string): boolean {
    return this.violations.some((v) => v.checker === checker);
  }

  private fail(checker: ZabCheckerName, node: NodeId, message: string): void {
    if (this.violations.length < this.maxViolations) this.violations.push({ checker, atUs: this.nowUs, node, message });
  }

  delivered(from: NodeId, to: NodeId, msg: unknown, nowUs: number): void {
    // The voter test first: it is an array load, the type test a load from any message shape.
    if (this.voter[from] !== true || (msg as ZabMessage).type !== 'ACK') return;
    this.nowUs = nowUs;
    const zxid = (msg as Extract<ZabMessage, { type: 'ACK' }>).zxid;
    this.acks.add(zxid, from);
    if (counterOf(zxid) === 0) this.checkStateConsistent(from, to, zxid);
  }

  /**
   * StateConsistent (the zk_thread spec of ZOOKEEPER-3023): when a leader receives a follower's ACK
   * of UPTODATE, the follower has applied every txn the sync gave it as committed before
   * NEWLEADER. An <e,0> ACK from a follower already in BROADCAST under this leader in epoch e is
   * that ACK: the NEWLEADER ACK reached the leader before it sent UPTODATE (one FIFO connection).
   * Observers are left out: the spec has none, and master still commits their sync txns after UPTODATE.
   */
  private checkStateConsistent(from: NodeId, to: NodeId, zxid: Zxid): void {
    const f = this.stateOf(from);
    const l = f === undefined ? null : f.learner;
    if (f === undefined || l === null || l.observer || l.stage !== 'BROADCAST' || l.leader !== to || l.newEpoch !== epochOf(zxid)) return;
    if (f.lastProcessedZxid >= l.syncedTo) return;
    this.fail(
      'history-consistency',
      from,
      `StateConsistent: ${to} received ${from}'s ACK of UPTODATE while ${from} has applied up to ${formatZxid(f.lastProcessedZxid)}, though its sync gave it txns committed up to ${formatZxid(l.syncedTo)} before NEWLEADER`,
    );
  }

  restarted(node: NodeId): void {
    this.committedCount[node] = -1;
  }

  /** The committed count last observed at `node`, or undefined. */
  private knownCommitted(node: NodeId): number | undefined {
    const known = this.committedCount[node];
    return known === undefined || known < 0 ? undefined : known;
  }

  observe(node: NodeId, what: unknown, nowUs: number): void {
    this.nowUs = nowUs;
    const o = what as ZabObservation;
    // The kinds seen for every txn and client op come first: a switch tests its cases in order.
    switch (o.kind) {
      case 'commit':
        return this.onCommit(node, o.zxid, o.index);
      case 'logged':
        return this.onLogged(node, o.zxid, o.index);
      case 'complete':
        if (o.write === true) return this.onZkWriteComplete(node, o.zxid, o.outcome);
        if (o.write === false) return;
        return this.onClientComplete(node, o.zxid, o.outcome, o.result);
      case 'invoke':
        return;
      case 'propose':
        return this.onPropose(node, o.zxid, o.epoch);
      case 'established':
        return this.onEstablished(node, o.epoch);
      case 'committedTo':
        return this.onCommittedTo(node, o.zxid, o.count);
      case 'activated':
        return this.onActivated(node, o.epoch, o.count);
      case 'truncate': {
        const known = this.knownCommitted(node);
        if (known !== undefined && o.count < known) this.committedCount[node] = o.count;
        return;
      }
      case 'anomaly':
        return this.fail('zab-anomalies', node, `${o.flag}: ${o.detail}`);
      default:
        return;
    }
  }

  /** Leadership: at most one server establishes itself per epoch. */
  private onEstablished(node: NodeId, epoch: number): void {
    const other = this.epochLeader.get(epoch);
    if (other !== undefined && other !== node) this.fail('leadership', node, `epoch ${epoch} established by both ${other} and ${node}`);
    else this.epochLeader.set(epoch, node);
  }

  private onPropose(node: NodeId, zxid: Zxid, epoch: number): void {
    const leader = this.epochLeader.get(epoch);
    if (leader !== node) this.fail('leadership', node, `${node} proposed ${formatZxid(zxid)} in epoch ${epoch} established by ${leader ?? 'nobody'}`);
    const s = this.stateOf(node);
    // One step may propose several txns (queued requests, a bucket of expired sessions): look back
    // from the log's end for this one.
    let txn = s === undefined ? undefined : txnAt(s, historyCount(s) - 1);
    for (let i = 2; s !== undefined && txn !== undefined && txn.zxid > zxid && i <= 10_000; i++) txn = txnAt(s, historyCount(s) - i);
    if (txn === undefined || txn.zxid !== zxid) return;
    if (this.proposed.has(zxid)) this.fail('integrity', node, `zxid ${formatZxid(zxid)} proposed twice`);
    this.proposed.set(zxid, txn);
    this.anyProposed = true;
    // PrimaryIntegrity: the new primary delivered everything committed in earlier epochs first.
    if (s !== undefined && s.committed < this.committedBelowEpoch(epoch)) {
      this.fail(
        'primary-integrity',
        node,
        `leader of epoch ${epoch} proposes ${formatZxid(zxid)} having committed ${s.committed} txns, but ${this.committedBelowEpoch(epoch)} of earlier epochs are committed`,
      );
    }
  }

  /** How many globally committed txns belong to epochs before `epoch` (a prefix, by primary order). */
  private committedBelowEpoch(epoch: number): number {
    const first = makeZxid(epoch, 0);
    let lo = 0;
    let hi = this.committedAt.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const z = this.committedAt[mid] as Zxid;
      if (z === UNKNOWN || z < first) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private onCommit(node: NodeId, zxid: Zxid, index: number): void {
    const s = this.stateOf(node);
    const known = this.knownCommitted(node);
    if (known !== undefined && index !== known && index > known) {
      this.fail('prefix-consistency', node, `${node} committed index ${index} (${formatZxid(zxid)}) right after ${known}`);
    }
    this.committedCount[node] = index + 1;
    this.placeCommitted(node, index, zxid);
    // Integrity: the committed txn is the one its primary broadcast.
    const proposed = this.proposed.get(zxid);
    const txn = s === undefined ? undefined : txnAt(s, index);
    if (proposed === undefined) {
      if (this.anyProposed && epochOf(zxid) > 0) this.fail('integrity', node, `${node} committed ${formatZxid(zxid)} that no primary proposed`);
    } else if (txn !== undefined && txn !== proposed && txn.body !== proposed.body) {
      this.fail('integrity', node, `${node} committed a different body for ${formatZxid(zxid)}`);
    }
    if (s !== undefined && s.role === 'LEADING') {
      this.checkQuorumCommit(node, zxid);
      this.states.leaderAt(s, index + 1);
    }
  }

  /** The txn at `index` must agree with every other server; a new index must extend the order. */
  private placeCommitted(node: NodeId, index: number, zxid: Zxid): void {
    const existing = this.committedAt[index];
    if (existing === UNKNOWN) {
      // A snapshot vouched for this index without naming its txn; now we know it.
      this.committedAt[index] = zxid;
      this.indexOfCommitted.set(zxid, index);
      return;
    }
    if (existing !== undefined) {
      if (existing !== zxid)
        this.fail('prefix-consistency', node, `${node} committed ${formatZxid(zxid)} at index ${index}, where ${formatZxid(existing)} was committed`);
      return;
    }
    if (index !== this.committedAt.length) {
      this.fail('prefix-consistency', node, `${node} committed index ${index} but only ${this.committedAt.length} txns are known committed`);
      return;
    }
    // Never read index -1: V8 then makes this load megamorphic for the rest of the run.
    const prev = index > 0 ? this.committedAt[index - 1] : undefined;
    if (prev !== undefined && prev !== UNKNOWN) {
      if (zxid <= prev)
        this.fail(
          'primary-order',
          node,
          `${node} committed ${formatZxid(zxid)} at index ${index}, but index ${index - 1} holds ${formatZxid(prev)}: the committed order does not advance (GlobalPrimaryOrder)`,
        );
      else if (epochOf(zxid) === epochOf(prev) && counterOf(zxid) !== counterOf(prev) + 1) {
        this.fail(
          'primary-order',
          node,
          `${formatZxid(zxid)} committed right after ${formatZxid(prev)}: a proposal of the same primary was skipped (LocalPrimaryOrder)`,
        );
      }
    }
    this.committedAt.push(zxid);
    this.indexOfCommitted.set(zxid, index);
  }

  private onCommittedTo(node: NodeId, zxid: Zxid, count: number): void {
    this.committedCount[node] = count;
    if (count === 0) return;
    const s = this.stateOf(node);
    if (s !== undefined) {
      if (s.role === 'LEADING') this.states.leaderAt(s, count);
      else {
        const differs = this.states.inSync(s, count);
        if (differs !== null) this.fail('prefix-consistency', node, differs);
      }
    }
    // Txns committed by activation (the initial history) enter the global sequence here.
    // The server's history must agree with the committed sequence where they overlap: check the
    // last index both know (O(1); earlier indexes were checked when they were committed).
    const known = this.committedAt.length;
    if (s !== undefined && known > 0 && count >= known) {
      const mine = txnAt(s, known - 1);
      const global = this.committedAt[known - 1] as Zxid;
      if (mine !== undefined && global !== UNKNOWN && mine.zxid !== global) {
        this.fail(
          'prefix-consistency',
          node,
          `${node} is in sync with ${formatZxid(mine.zxid)} at index ${known - 1}, where ${formatZxid(global)} was committed`,
        );
      }
    }
    // Txns folded into a snapshot cannot be named: they enter as placeholders.
    if (s !== undefined) {
      for (let i = this.committedAt.length; i < count; i++) {
        const txn = txnAt(s, i);
        if (txn === undefined) this.committedAt.push(UNKNOWN);
        else this.placeCommitted(node, i, txn.zxid);
      }
    }
    const existing = this.committedAt[count - 1];
    if (existing === UNKNOWN && counterOf(zxid) !== 0) {
      this.committedAt[count - 1] = zxid;
      this.indexOfCommitted.set(zxid, count - 1);
      return;
    }
    // After a SNAP the history may end at an epoch marker <e,0>, which names no txn.
    if (existing !== undefined && counterOf(zxid) !== 0 && existing !== zxid) {
      this.fail(
        'prefix-consistency',
        node,
        `${node} is in sync at ${formatZxid(zxid)} (${count} txns) but txn ${count - 1} committed is ${formatZxid(existing)}`,
      );
    }
  }

  /**
   * CommitCompleteness: an activated leader's history holds everything committed in earlier epochs.
   * Only earlier ones: a leader paused in SYNCHRONIZATION can resume, count NEWLEADER ACKs that
   * waited in its socket buffers and activate an old epoch after later epochs committed txns; it is
   * not a later leader, and it cannot commit anything (its followers have moved on).
   */
  private onActivated(node: NodeId, epoch: number, count: number): void {
    const s = this.stateOf(node);
    const need = this.committedBelowEpoch(epoch);
    if (count < need) {
      this.fail(
        'commit-completeness',
        node,
        `leader ${node} of epoch ${epoch} has ${count} txns, but ${need} were committed (last ${formatZxid(this.committedAt[need - 1] as Zxid)})`,
      );
    } else if (need > 0 && s !== undefined) {
      const txn = txnAt(s, need - 1);
      const expected = this.committedAt[need - 1] as Zxid;
      if (txn !== undefined && expected !== UNKNOWN && txn.zxid !== expected) {
        this.fail('commit-completeness', node, `leader ${node} of epoch ${epoch} has ${formatZxid(txn.zxid)} where ${formatZxid(expected)} was committed`);
      }
    }
    // Quorum commit for the initial history: a voter quorum acked NEWLEADER.
    const n = this.acks.read(makeZxid(epoch, 0), this.acked);
    const ackers = this.acked.slice(0, n);
    ackers.push(node);
    if (!isQuorum(this.config, ackers)) this.fail('quorum-commit', node, `epoch ${epoch} activated with NEWLEADER acks from {${ackers.join(',')}} only`);
  }

  /**
   * Quorum commit: the leader commits only what a voter quorum holds durably. An ACK counts only
   * while its sender's disk still holds the txn (a TRUNC after the ACK takes it back), and the
   * leader counts itself once its own disk holds it: an ACK, the leader's own included, implies the txn is durable.
   */
  private checkQuorumCommit(leader: NodeId, zxid: Zxid): void {
    const scratch = this.acked;
    const n = this.acks.read(zxid, scratch);
    // Count voters holding it until a quorum is reached (acks hold voters only); the list of
    // holders is built only for a violation's message.
    const need = (this.config.voters.length >> 1) + 1;
    let count = 0;
    let leaderAcked = false;
    if (n > 0) {
      for (let i = 0; i < n && count < need; i++) {
        const sid = scratch[i]!;
        if (sid === leader) leaderAcked = true;
        if (diskHolds(this.diskOf(sid), zxid)) count++;
      }
      if (count >= need) {
        this.acks.delete(zxid);
        return;
      }
    }
    if (!leaderAcked && this.voter[leader] === true && diskHolds(this.diskOf(leader), zxid)) count++;
    if (count < need) {
      const acked = n === 0 ? undefined : scratch.slice(0, n);
      const holders = (acked ?? []).filter((sid) => diskHolds(this.diskOf(sid), zxid));
      if (!holders.includes(leader) && diskHolds(this.diskOf(leader), zxid)) holders.push(leader);
      if (!isQuorum(this.config, holders)) {
        this.fail(
          'quorum-commit',
          leader,
          `${formatZxid(zxid)} committed, but only {${holders.join(',')}} hold it durably (ACKs came from {${(acked ?? []).join(',')}})`,
        );
      }
    }
    this.acks.delete(zxid);
  }

  /** HistoryConsistency: a learner's log position holds what its leader's does. */
  private onLogged(node: NodeId, zxid: Zxid, index: number): void {
    const s = this.stateOf(node);
    if (s === undefined || s.learner === null) return;
    const leader = this.stateOf(s.learner.leader);
    if (leader === undefined || leader.role !== 'LEADING' || leader.leader === null || leader.leader.epoch !== s.learner.newEpoch) return;
    const at = txnAt(leader, index);
    if (at === undefined) {
      if (index < historyCount(leader)) return; // folded into the leader's snapshot
      this.fail(
        'history-consistency',
        node,
        `${node} logged ${formatZxid(zxid)} at index ${index}, beyond its leader's history (${historyCount(leader)} txns)`,
      );
    } else if (at.zxid !== zxid) {
      this.fail('history-consistency', node, `${node} logged ${formatZxid(zxid)} at index ${index}, where its leader has ${formatZxid(at.zxid)}`);
    }
  }

  /** A write a client was told succeeded must be committed. */
  private onClientComplete(node: NodeId, zxid: Zxid | null, outcome: string, result: unknown): void {
    // Write acks of the kv machine carry only the new version; reads carry the value too.
    if (outcome !== 'ok' || zxid === null || typeof result !== 'object' || result === null || !('version' in result) || 'value' in result) return;
    if (!this.indexOfCommitted.has(zxid))
      this.fail('commit-completeness', node, `client ${node} was told ${formatZxid(zxid)} succeeded, but it is not committed`);
  }

  /** ZooKeeper clients: any reply to a write carries its txn's zxid (failed writes are error txns), which must be committed. */
  private onZkWriteComplete(node: NodeId, zxid: Zxid | null, outcome: string): void {
    if (outcome !== 'ok' || zxid === null) return;
    if (!this.indexOfCommitted.has(zxid))
      this.fail('commit-completeness', node, `client ${node} got a reply for write ${formatZxid(zxid)}, but it is not committed`);
  }

  /** The first violation of each checker, for verdicts. */
  verdicts(): Record<string, 'ok' | 'violated'> {
    const out: Record<string, 'ok' | 'violated'> = {};
    for (const name of ZAB_CHECKERS) out[name] = this.violated(name) ? 'violated' : 'ok';
    return out;
  }

  /** Used by the single-server assertions verdict. */
  recordAssertion(node: NodeId, message: string): void {
    this.fail('single-server-assertions', node, message);
  }
}
