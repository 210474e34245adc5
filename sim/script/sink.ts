// The trace sink of a scenario run: hashes every record like any trace (so a scenario's trace file
// replays), hands each record to the renderer (render.ts), and tees it into a trace file if asked.
import type { TraceSink } from '../trace/sink.js';
import { TRACE_VERSION } from '../trace/sink.js';
import { lineHasher } from '../trace/hash.js';

export class ScenarioSink implements TraceSink {
  readonly enabled = true;
  readonly version = TRACE_VERSION;
  lines = 0;
  private readonly rolling = lineHasher(TRACE_VERSION);
  private readonly onRecord: (record: Record<string, unknown>) => void;
  /** Another sink (a trace file) that sees every record too. */
  private readonly tee: TraceSink | null;
  constructor(onRecord: (record: Record<string, unknown>) => void, tee: TraceSink | null = null) {
    this.onRecord = onRecord;
    this.tee = tee;
  }
  line(record: object): void {
    this.lines++;
    this.rolling.update(JSON.stringify(record));
    this.tee?.line(record);
    this.onRecord(record as Record<string, unknown>);
  }
  text(line: string): void {
    this.lines++;
    this.rolling.update(line);
    this.tee?.text(line);
    this.onRecord(JSON.parse(line) as Record<string, unknown>);
  }
  hash(): string {
    return this.rolling.hex();
  }
  close(): string {
    return this.hash();
  }
}
