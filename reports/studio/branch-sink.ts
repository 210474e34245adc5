// The trace sinks that let a studio branch skip writing and hashing the trace it shares with the
// original. A branch is the original, event for event, up to its fork moment (fork.ts), and its
// trace up to there is the original's first lines, byte for byte. So the original keeps its lines
// and its line hasher's state every CHECKPOINT_LINES lines (OriginalSink), and a branch re-runs to
// the moment with tracing off (BranchSink: the kernel then builds no record at all) and, just
// before its interventions, takes the original's lines up to the moment and the hasher's state
// after them. The kernel's behaviour never depends on its sink (a sink only receives lines), so the
// world the branch re-ran is the same either way; a test compares both ways, line for line.
import { lineHasher, type LineHasher } from '../../sim/trace/hash.js';
import { TRACE_VERSION, type TraceSink } from '../../sim/trace/sink.js';

/** Lines between two saved states of the original's hasher: a branch hashes at most this many again. */
export const CHECKPOINT_LINES = 4096;

/** What a branch takes from the original: its trace lines, and its trace hash's state after any of them. */
export interface TracePrefix {
  readonly records: readonly string[];
  /** A hasher in the state it had after the first `n` lines. */
  hasherAfter(n: number): LineHasher;
}

/** Keeps every line in memory (as MemorySink) and its hasher's state every CHECKPOINT_LINES lines. */
export class OriginalSink implements TraceSink, TracePrefix {
  readonly enabled = true;
  readonly version = TRACE_VERSION;
  private readonly rolling = lineHasher(TRACE_VERSION);
  readonly records: string[] = [];
  /** The hasher after 0, K, 2K, … lines. */
  private readonly checkpoints: LineHasher[] = [];
  get lines(): number {
    return this.records.length;
  }
  line(record: object): void {
    this.text(JSON.stringify(record));
  }
  text(line: string): void {
    if (this.records.length % CHECKPOINT_LINES === 0) this.checkpoints.push(this.rolling.clone());
    this.rolling.update(line);
    this.records.push(line);
  }
  hash(): string {
    return this.rolling.hex();
  }
  close(): string {
    return this.hash();
  }
  hasherAfter(n: number): LineHasher {
    if (!(n >= 0 && n <= this.records.length)) throw new Error(`the original has ${this.records.length} lines, not ${n}`);
    const k = Math.min(Math.floor(n / CHECKPOINT_LINES), this.checkpoints.length - 1);
    const base = this.checkpoints[k];
    const hasher = base === undefined ? lineHasher(TRACE_VERSION) : base.clone();
    for (let i = Math.max(0, k) * CHECKPOINT_LINES; i < n; i++) hasher.update(this.records[i] as string);
    return hasher;
  }
}

/** A branch's sink: off (nothing built, nothing kept) until `resume` hands it the original's lines up to its fork moment. */
export class BranchSink implements TraceSink {
  enabled = false;
  readonly version = TRACE_VERSION;
  readonly records: string[] = [];
  private rolling: LineHasher | null = null;
  get lines(): number {
    return this.records.length;
  }
  get resumed(): boolean {
    return this.rolling !== null;
  }
  line(record: object): void {
    if (this.enabled) this.text(JSON.stringify(record));
  }
  text(line: string): void {
    if (this.rolling === null) return;
    this.rolling.update(line);
    this.records.push(line);
  }
  /**
   * From here on the branch writes its own lines; before, it wrote the original's lines with t ≤ atUs.
   * False (the sink stays off, and the engine runs the branch again from the start, traced) if the
   * original's trace cannot be cut at atUs.
   */
  resume(original: TracePrefix, atUs: number): boolean {
    const n = linesThrough(original.records, atUs);
    if (n < 0) return false;
    this.rolling = original.hasherAfter(n);
    for (let i = 0; i < n; i++) this.records.push(original.records[i] as string);
    this.enabled = true;
    return true;
  }
  hash(): string {
    return this.rolling?.hex() ?? '';
  }
  close(): string {
    return this.hash();
  }
}

/**
 * How many of a trace's first lines are the header and the records at or before atUs. Records are
 * written in the queue's time order (each at the virtual time of the event that writes it), so
 * they are sorted by t and a binary search finds the first one after atUs. -1 if a record it reads
 * does not start with its time.
 */
export function linesThrough(lines: readonly string[], atUs: number): number {
  let lo = 1;
  let hi = lines.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    const t = timeOf(lines[mid] as string);
    if (t < 0) return -1;
    if (t <= atUs) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function timeOf(line: string): number {
  const m = /^\{"t":(\d+)[,}]/.exec(line);
  return m === null ? -1 : Number(m[1]);
}
