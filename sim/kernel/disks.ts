// The simulated disks. A write is buffered by the OS (`persist`) and durable only once an fsync
// that covers it completes; `persistSync` writes and syncs at once. A crash loses the buffer unless
// the disk options keep unsynced writes. Fsyncs run as ZooKeeper's SyncThread runs them
// (SyncRequestProcessor.run): one at a time, in request order, with group commit.
import type { Micros } from '../../protocol/program.js';
import type { DiskOptions } from '../options.js';
import type { Rng } from '../rng.js';
import type { DecisionTape } from './decision-tape.js';

/** What a disk needs of a node's program: how one durable write changes the image (NodeProgram.applyWrite). */
export interface WriteApplier {
  applyWrite(image: any, write: any): unknown;
}

/** One node's disk: the durable image, the OS buffer, and the SyncThread's last planned fsync. */
export class NodeDisk {
  /** What survives a crash. */
  image: unknown;
  /**
   * The OS buffer: `pending[head..]` are the writes not yet fsynced; the first of them is write
   * number `flushedCount` (counted since the last crash). An fsync moves `head` on instead of slicing
   * the array (a slice per fsync showed in broadcast profiles); `compact` drops the flushed prefix.
   */
  private pending: unknown[];
  private head: number;
  flushedCount: number;
  /** The start and end of the last fsync planned. One runs at a time; ends are strictly ordered. */
  syncStartUs: Micros;
  syncEndUs: Micros;

  constructor(image: unknown) {
    this.image = image;
    this.pending = [];
    this.head = 0;
    this.flushedCount = 0;
    this.syncStartUs = 0;
    this.syncEndUs = 0;
  }

  /** How many buffered writes are not yet durable. */
  get pendingCount(): number {
    return this.pending.length - this.head;
  }

  /** The absolute index just past the last buffered write: an fsync requested now covers up to it. */
  get writeMark(): number {
    return this.flushedCount + this.pendingCount;
  }

  /** Buffers a write (`persist`): durable once an fsync requested after it completes. */
  buffer(write: unknown): void {
    this.pending.push(write);
  }

  /** Makes buffered writes durable up to the absolute write index `mark`. Returns how many. */
  flush(program: WriteApplier, mark: number): number {
    const count = Math.min(mark - this.flushedCount, this.pendingCount);
    if (count <= 0) return 0;
    let image = this.image;
    const end = this.head + count;
    for (let i = this.head; i < end; i++) image = program.applyWrite(image, this.pending[i]);
    this.image = image;
    this.flushedCount += count;
    this.head = end;
    this.compact();
    return count;
  }

  /** The process died: the buffer is kept (made durable) only if `keep`; no fsync is planned any more. */
  crash(program: WriteApplier, keep: boolean): void {
    if (keep) this.flush(program, this.writeMark);
    this.pending = [];
    this.head = 0;
    this.flushedCount = 0;
    this.syncStartUs = 0;
    this.syncEndUs = 0;
  }

  /**
   * Drops the flushed prefix once nothing is left behind it, or once it is at least half the array
   * (so the copy is amortised O(1) per write and the array stays within twice what is unflushed).
   */
  private compact(): void {
    const head = this.head;
    if (head === this.pending.length) {
      this.pending = [];
      this.head = 0;
    } else if (head >= 64 && head * 2 >= this.pending.length) {
      this.pending = this.pending.slice(head);
      this.head = 0;
    }
  }
}

/** A disk stall on one server: every fsync that starts before `untilUs` takes `extraUs` longer. */
export interface DiskStall {
  readonly untilUs: Micros;
  readonly extraUs: Micros;
}

/** Fsync timing for every disk: durations from the disk stream (or a decision tape), plus stalls. */
export class Disks {
  tape: DecisionTape | null = null;
  private readonly options: DiskOptions;
  private readonly rng: Rng;
  /**
   * Node → its current stall (a slow-disk fault). Empty outside fuzz cases that draw one, so that
   * every other run plans its fsyncs exactly as before. A stall adds time; it never draws.
   */
  private readonly stalls = new Map<number, DiskStall>();

  constructor(options: DiskOptions, rng: Rng) {
    this.options = options;
    this.rng = rng;
  }

  /**
   * When an fsync requested at `nowUs` completes. The SyncThread (SyncRequestProcessor.run) runs
   * one fsync at a time. A request that comes while an fsync runs waits for the next one, which
   * starts when that one ends and covers every write queued by then (group commit); requests that
   * come before it starts join it. Completions, and so a learner's ACKs and the leader's self-ACKs,
   * stay in log order.
   */
  fsyncDoneAt(disk: NodeDisk, node: number, nowUs: Micros): Micros {
    let atUs: number;
    if (nowUs >= disk.syncEndUs) {
      atUs = nowUs + this.fsyncDuration(node) + this.stallUs(node, nowUs);
      disk.syncStartUs = nowUs;
      disk.syncEndUs = atUs;
    } else if (nowUs < disk.syncStartUs) {
      atUs = disk.syncEndUs;
    } else {
      atUs = disk.syncEndUs + this.fsyncDuration(node) + this.stallUs(node, disk.syncEndUs);
      disk.syncStartUs = disk.syncEndUs;
      disk.syncEndUs = atUs;
    }
    return atUs;
  }

  /** From now until `untilUs`, every fsync that `node` starts takes `extraUs` longer (a disk stall). */
  stall(node: number, untilUs: Micros, extraUs: Micros): void {
    this.stalls.set(node, { untilUs, extraUs });
  }

  /** The extra time of an fsync that `node` starts at `startUs` (0 outside a stall). */
  private stallUs(node: number, startUs: Micros): number {
    if (this.stalls.size === 0) return 0;
    // Kept after it ends: a crash resets the SyncThread, so a later fsync may start before an earlier-planned one.
    const stall = this.stalls.get(node);
    return stall !== undefined && startUs < stall.untilUs ? stall.extraUs : 0;
  }

  /** Test-only: one extra draw from the disk stream. */
  perturb(): void {
    this.rng.next();
  }

  /** How long one fsync takes, from the disk stream. No closure unless a tape is set. */
  private fsyncDuration(node: number): number {
    const d = this.options;
    return this.tape === null
      ? this.rng.intInclusive(d.fsyncMinUs, d.fsyncMaxUs)
      : this.tape.decide(`${node} fsync`, () => this.rng.intInclusive(d.fsyncMinUs, d.fsyncMaxUs));
  }
}
