// Where trace lines go. A trace is NDJSON: a header with the version, the seed and every option, then
// one line per event, then a footer with the event count and the rolling hash. Lines stream to disk
// through a small buffer, so a long run never holds its trace in memory.
import { closeSync, openSync, writeSync } from 'node:fs';
import { lineHasher, type TraceHashVersion } from './hash.js';

/** The version new traces are written with; it names the hash (see hash.ts). Readers accept 1 and 2. */
export const TRACE_VERSION: TraceHashVersion = 2;

export interface TraceSink {
  /** False for sinks that discard everything (benchmarks): the kernel then skips building records. */
  readonly enabled: boolean;
  /** The trace version this sink hashes by; the run writes it into the header. */
  readonly version: TraceHashVersion;
  line(record: object): void;
  /** A record already serialized as one JSON object (the kernel's hot path builds these by hand). */
  text(line: string): void;
  /** Writes the footer and releases the file. Returns the final hash. */
  close(extra?: object): string;
  hash(): string;
  readonly lines: number;
}

/** Keeps only the hash (and optionally the last N lines, for failure reports). */
export class HashSink implements TraceSink {
  readonly enabled = true;
  readonly version: TraceHashVersion;
  private readonly rolling;
  lines = 0;
  constructor(version: TraceHashVersion = TRACE_VERSION) {
    this.version = version;
    this.rolling = lineHasher(version);
  }
  line(record: object): void {
    this.text(JSON.stringify(record));
  }
  text(line: string): void {
    this.rolling.update(line);
    this.lines++;
  }
  hash(): string {
    return this.rolling.hex();
  }
  close(): string {
    return this.hash();
  }
}

/** Collects lines in memory: for tests and short scenarios only. */
export class MemorySink implements TraceSink {
  readonly enabled = true;
  readonly version = TRACE_VERSION;
  private readonly rolling = lineHasher(TRACE_VERSION);
  readonly records: string[] = [];
  get lines(): number {
    return this.records.length;
  }
  line(record: object): void {
    this.text(JSON.stringify(record));
  }
  text(line: string): void {
    this.rolling.update(line);
    this.records.push(line);
  }
  hash(): string {
    return this.rolling.hex();
  }
  close(): string {
    return this.hash();
  }
}

export class NullSink implements TraceSink {
  readonly enabled = false;
  readonly version = TRACE_VERSION;
  lines = 0;
  line(): void {}
  text(): void {}
  hash(): string {
    return '';
  }
  close(): string {
    return '';
  }
}

/** Streams NDJSON to a file. The header must be the first record written. */
export class FileSink implements TraceSink {
  readonly enabled = true;
  readonly version: TraceHashVersion;
  private readonly rolling;
  private readonly fd: number;
  private buffer: string[] = [];
  private bufferChars = 0;
  lines = 0;
  private closed = false;

  readonly path: string;

  /** `version` other than the current one is for tests that need an older trace. */
  constructor(path: string, version: TraceHashVersion = TRACE_VERSION) {
    this.version = version;
    this.rolling = lineHasher(version);
    this.path = path;
    this.fd = openSync(path, 'w');
  }

  line(record: object): void {
    this.text(JSON.stringify(record));
  }

  text(text: string): void {
    this.rolling.update(text);
    this.lines++;
    this.buffer.push(text);
    this.bufferChars += text.length + 1;
    if (this.bufferChars > 1 << 16) this.flush();
  }

  private flush(): void {
    if (this.buffer.length === 0) return;
    writeSync(this.fd, this.buffer.join('\n') + '\n');
    this.buffer = [];
    this.bufferChars = 0;
  }

  hash(): string {
    return this.rolling.hex();
  }

  close(extra: object = {}): string {
    if (this.closed) return this.hash();
    const hash = this.hash();
    // The footer is not part of the hash: it states the hash.
    this.buffer.push(JSON.stringify({ kind: 'end', lines: this.lines, hash, ...extra }));
    this.bufferChars = 1;
    this.flush();
    closeSync(this.fd);
    this.closed = true;
    return hash;
  }
}
