// The leader's deletes of container and TTL nodes, judged from the committed txns alone (no client
// history records them, and nothing here reads the ContainerManager's own state or notes).
//
// ZooKeeper's ContainerManager.checkContainers lists candidates on the leader's committed tree at
// some instant T (getCandidates: an empty container with cversion > 0, or, with
// maxNeverUsedIntervalMs set, one whose mtime is older than that; a childless TTL node with
// T - mtime > ttl), then posts a deleteContainer for each, paced by maxPerMinute. Its prep
// (PrepRequestProcessor.pRequest2Txn, OpCode.deleteContainer) re-checks only that the node is
// childless and is not a session's ephemeral, and writes a DeleteTxn with session 0 whose header time
// is the leader's clock at the prep, at or after T. Between scan and prep a client may refresh the
// TTL node, or delete the container and make another node there: ZooKeeper then deletes that node.
//
// So a server-made delete (a delete txn of session 0) at time Td is judged against the states the
// path had, in the committed order, since the deleting leader's epoch began (the scan saw a state
// of its own committed tree, which holds everything before its epoch's first txn):
//   - the node has no children when the delete applies (a txn never lands on a state other than
//     the one its prep saw: Zab's prefix order);
//   - it is not a session's ephemeral;
//   - some such state made the path a candidate at a time no later than Td: an empty container that
//     has had a child, or an empty never-used container whose mtime + maxNeverUsedIntervalMs (when
//     set) is before Td, or a childless TTL node whose mtime + ttl is before Td.
// This is necessary for any ZooKeeper execution (sound); it misses a wrong delete only where another
// state of the epoch would have justified it. "Has had a child" is this model's own record of child
// creates and deletes, not the node's cversion.
//
// Liveness: once the ensemble has recovered, a node that has stayed a candidate is deleted within a
// bound: the first check after it became one (the check timer may have been armed under a timer skew
// of up to 3 before the heal, and a check due while one runs waits for its end), the pacing of
// every tracked node in the running check and in its own, and eight seconds for the commit (a slow
// disk's last fsync may outlast the heal by six).
//
// The committed order is read from commit observations: each global index once, from the server that
// commits it first (its log holds every txn up to it). A server that commits an index whose
// predecessors it does not hold (they came in a snapshot) leaves a gap: the model then stops and
// judges nothing more (sound, and counted in the reason).
import type { ZabServer } from '../../protocol/zab/state.js';
import { txnAt } from '../../protocol/zab/history.js';
import { epochOf } from '../../protocol/zxid.js';
import { getNode, parentPathOf, type DataTree } from '../../protocol/tree/index.js';
import type { MultiSubTxn, OpTxn, Txn } from '../../protocol/tree/types.js';

const MS = 1000;
const SKEW_MAX = 3;
/**
 * Time for the delete's commit: a slow disk's fsync started before the heal may end up to 6 s into
 * the liveness phase (disk-stall.ts: a stall ends before the heal, its fsyncs take up to 6 s more),
 * and the core may need that server's ACK; 2 s more for the rest.
 */
const COMMIT_SLACK_US = 8_000 * MS;

export interface ContainerSettingsOf {
  readonly checkIntervalMs: number;
  readonly maxPerMinute: number;
  readonly maxNeverUsedIntervalMs: number;
}

interface Tracked {
  readonly kind: 'container' | 'ttl';
  readonly ttlMs: number;
  mtimeMs: number;
  children: number;
  hadChild: boolean;
  /** When this model learned of the last change to the node or its children (an observation's time). */
  changedUs: number;
}

/** What a path was in the current epoch's states: an empty used container, and the earliest candidate deadline. */
interface Seen {
  usedEmpty: boolean;
  deadlineMs: number;
}

export interface ContainerVerdict {
  readonly verdict: 'ok' | 'violated';
  readonly reason: string;
}

export class ContainerJudge {
  private next = 0;
  private gapAt: number | null = null;
  private epoch = -1;
  private readonly tracked = new Map<string, Tracked>();
  private readonly seen = new Map<string, Seen>();
  /** Ordinary ephemerals by path (a server delete of one is refused by ZooKeeper's prep). */
  private readonly ephemerals = new Set<string>();
  private everTracked = 0;
  private serverDeletes = 0;
  private violation: string | null = null;
  private nowUs = 0;

  private readonly settings: ContainerSettingsOf;

  constructor(settings: ContainerSettingsOf) {
    this.settings = settings;
  }

  /** A commit observation of history index `index` on server `s` at `nowUs`. O(1) amortized: each index is read once. */
  commit(s: ZabServer, index: number, nowUs: number): void {
    if (index < this.next || this.gapAt !== null) return;
    for (let j = this.next; j <= index; j++) {
      // A ZooKeeper server's txn is the Zab txn's body (fuzz-app.ts noteCommit reads it the same way).
      const txn = txnAt(s, j)?.body as Txn | undefined;
      if (txn === undefined) {
        this.gapAt = j;
        return;
      }
      if (txn.body !== undefined) this.committed(txn, nowUs);
    }
    this.next = index + 1;
  }

  /** The next txn of the committed order, learned at `nowUs` (commit calls it; tests feed crafted orders). */
  committed(txn: Txn, nowUs: number): void {
    this.nowUs = nowUs;
    const epoch = epochOf(txn.zxid);
    if (epoch !== this.epoch) {
      this.epoch = epoch;
      this.seen.clear();
      for (const [path, t] of this.tracked) this.noteState(path, t);
    }
    const body = txn.body;
    switch (body.type) {
      case 'multi':
        // A multi holding an error record changes nothing (DataTree.processTxn applies it as all errors).
        if (body.txns.some((sub) => sub.type === 'error')) return;
        for (const sub of body.txns) this.applyOp(txn, sub);
        return;
      case 'closeSession':
        for (const path of body.paths) this.removed(path);
        return;
      case 'createSession':
      case 'error':
        return;
      default:
        this.applyOp(txn, body);
    }
  }

  private applyOp(txn: Txn, op: OpTxn | MultiSubTxn): void {
    switch (op.type) {
      case 'create': {
        const parent = this.parentOf(op.path);
        if (parent !== undefined) {
          parent.children++;
          parent.hadChild = true;
          parent.changedUs = this.nowUs;
        }
        if (op.ephemeral) this.ephemerals.add(op.path);
        if (op.container === true || op.ttl !== undefined) {
          const t: Tracked = { kind: op.container === true ? 'container' : 'ttl', ttlMs: op.ttl ?? 0, mtimeMs: txn.timeMs, children: 0, hadChild: false, changedUs: this.nowUs };
          this.tracked.set(op.path, t);
          this.everTracked++;
          this.noteState(op.path, t);
        } else if (parent !== undefined) this.noteState(parentPathOf(op.path) as string, parent);
        return;
      }
      case 'delete':
        if (txn.sessionId === 0) this.judgeServerDelete(txn, op.path);
        this.removed(op.path);
        return;
      case 'setData': {
        const t = this.tracked.get(op.path);
        if (t === undefined) return;
        t.mtimeMs = txn.timeMs;
        t.changedUs = this.nowUs;
        this.noteState(op.path, t);
        return;
      }
      default:
        return;
    }
  }

  private parentOf(path: string): Tracked | undefined {
    if (this.tracked.size === 0) return undefined;
    const p = parentPathOf(path);
    return p === undefined ? undefined : this.tracked.get(p);
  }

  private removed(path: string): void {
    this.ephemerals.delete(path);
    this.tracked.delete(path);
    const parent = this.parentOf(path);
    if (parent === undefined) return;
    parent.children--;
    parent.hadChild = true;
    parent.changedUs = this.nowUs;
    this.noteState(parentPathOf(path) as string, parent);
  }

  /** Records the candidate facts of a tracked node's new state (ContainerManager.getCandidates' tests). */
  private noteState(path: string, t: Tracked): void {
    if (t.children > 0) return;
    let seen = this.seen.get(path);
    if (seen === undefined) this.seen.set(path, (seen = { usedEmpty: false, deadlineMs: Infinity }));
    const deadline = this.deadlineMs(t);
    if (t.kind === 'container' && t.hadChild) seen.usedEmpty = true;
    else if (deadline < seen.deadlineMs) seen.deadlineMs = deadline;
  }

  /** The instant after which an empty node of this state is a candidate by time (Infinity: never by time). */
  private deadlineMs(t: Tracked): number {
    if (t.kind === 'ttl') return t.ttlMs === 0 ? Infinity : t.mtimeMs + t.ttlMs;
    return t.hadChild || this.settings.maxNeverUsedIntervalMs === 0 ? Infinity : t.mtimeMs + this.settings.maxNeverUsedIntervalMs;
  }

  private judgeServerDelete(txn: Txn, path: string): void {
    this.serverDeletes++;
    if (this.violation !== null) return;
    const t = this.tracked.get(path);
    const at = `at ${txn.timeMs} ms (zxid 0x${txn.zxid.toString(16)})`;
    if (t !== undefined && t.children > 0) {
      this.violation = `the leader deleted ${t.kind} ${path} ${at} while it had ${t.children} child${t.children === 1 ? '' : 'ren'}`;
      return;
    }
    if (this.ephemerals.has(path)) {
      this.violation = `the leader deleted ${path} ${at}, a session's ephemeral (ZooKeeper's prep refuses it: BADVERSION)`;
      return;
    }
    const seen = this.seen.get(path);
    if (seen !== undefined && (seen.usedEmpty || seen.deadlineMs < txn.timeMs)) return;
    const what = t === undefined ? 'a node' : t.kind === 'ttl' ? `TTL node (ttl ${t.ttlMs} ms, mtime ${t.mtimeMs})` : t.hadChild ? 'container' : 'container that never had a child';
    this.violation = `the leader deleted ${what} ${path} ${at}, which no state of epoch ${this.epoch} made a candidate by then (an empty container that had a child, a never-used one past maxNeverUsedIntervalMs ${this.settings.maxNeverUsedIntervalMs}, a childless TTL node past its ttl)`;
  }

  /** Whether any container or TTL node was ever committed (the verdict is reported only then). */
  get active(): boolean {
    return this.everTracked > 0;
  }

  safety(): ContainerVerdict {
    if (this.violation !== null) return { verdict: 'violated', reason: this.violation };
    const gap = this.gapAt === null ? '' : `; not judged from index ${this.gapAt} on (a snapshot's gap)`;
    return { verdict: 'ok', reason: `${this.everTracked} container/TTL nodes, ${this.serverDeletes} server deletes judged${gap}` };
  }

  /**
   * The liveness judgment at the end of a run: null, or why a node that has been a candidate since
   * long enough before the end (from the later of its change and `fromUs`, the ensemble's recovery)
   * is still in the leader's tree.
   */
  liveness(leader: ZabServer, nowUs: number, fromUs: number): string | null {
    if (this.gapAt !== null || this.tracked.size === 0) return null;
    const tree = leader.state as DataTree;
    const intervalUs = this.settings.checkIntervalMs * MS;
    const postUs = Math.floor(60_000 / this.settings.maxPerMinute) * MS;
    const waitUs = (SKEW_MAX + 2) * intervalUs + 2 * (this.tracked.size + 1) * postUs + COMMIT_SLACK_US;
    for (const [path, t] of this.tracked) {
      if (t.children > 0) continue;
      const deadline = this.deadlineMs(t);
      const byUse = t.kind === 'container' && t.hadChild;
      if (!byUse && deadline === Infinity) continue;
      const sinceUs = Math.max(t.changedUs, fromUs, byUse ? 0 : (deadline + 1) * MS);
      if (nowUs < sinceUs + waitUs) continue;
      const node = getNode(tree, path);
      if (node === undefined || node.children.size > 0) continue;
      const why = byUse ? 'empty since its last child went' : t.kind === 'ttl' ? `past its ttl of ${t.ttlMs} ms` : 'never used, past maxNeverUsedIntervalMs';
      return (
        `container-not-deleted: ${t.kind} ${path} (${why}) is still in leader ${leader.id}'s tree ${Math.round((nowUs - sinceUs) / MS)} ms ` +
        `after it became a candidate with the ensemble recovered (checkIntervalMs ${this.settings.checkIntervalMs}, maxPerMinute ${this.settings.maxPerMinute})`
      );
    }
    return null;
  }
}
