// A sink that compares a re-run with a recorded trace as it goes, and remembers the first event
// where they part (madsim's determinism check). The recorded file is read line by line.
import { lineHasher, type TraceHashVersion } from './hash.js';
import { LineReader } from './reader.js';
import type { TraceSink } from './sink.js';

export interface Divergence {
  readonly line: number;
  readonly expected: string | null;
  readonly actual: string;
}

export class CompareSink implements TraceSink {
  readonly enabled = true;
  private readonly reader: LineReader;
  readonly version: TraceHashVersion;
  private readonly rolling;
  lines = 0;
  divergence: Divergence | null = null;

  /** `version` is the recorded trace's, so the re-run writes the same header and hash. */
  constructor(path: string, version: TraceHashVersion) {
    this.version = version;
    this.reader = new LineReader(path);
    this.rolling = lineHasher(version);
  }

  line(record: object): void {
    this.text(JSON.stringify(record));
  }

  text(text: string): void {
    this.rolling.update(text);
    this.lines++;
    if (this.divergence !== null) return;
    const expected = this.reader.next();
    if (expected !== text) this.divergence = { line: this.lines, expected, actual: text };
  }

  hash(): string {
    return this.rolling.hex();
  }

  close(): string {
    if (this.divergence === null) {
      const extra = this.reader.next();
      if (extra !== null && !extra.startsWith('{"kind":"end"')) this.divergence = { line: this.lines + 1, expected: extra, actual: '(the re-run ended here)' };
    }
    this.reader.close();
    return this.hash();
  }
}
