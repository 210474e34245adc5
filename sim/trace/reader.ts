// Reads an NDJSON trace line by line without holding it in memory, and validates one: a header
// first, a footer last whose line count and hash match the lines in between.
import { closeSync, openSync, readSync } from 'node:fs';
import { InputError } from '../cli/errors.js';
import { lineHasher, TRACE_HASH_VERSIONS, type LineHasher, type TraceHashVersion } from './hash.js';

export class LineReader {
  private readonly fd: number;
  private readonly buffer = Buffer.alloc(1 << 20);
  private pending = '';
  private done = false;
  private queue: string[] = [];
  lineNumber = 0;

  constructor(path: string) {
    this.fd = openSync(path, 'r');
  }

  /** The next line without its newline, or null at the end. */
  next(): string | null {
    while (this.queue.length === 0) {
      if (this.done) {
        if (this.pending.length > 0) {
          const last = this.pending;
          this.pending = '';
          this.lineNumber++;
          return last;
        }
        return null;
      }
      const n = readSync(this.fd, this.buffer, 0, this.buffer.length, null);
      if (n === 0) {
        this.done = true;
        closeSync(this.fd);
        continue;
      }
      const parts = (this.pending + this.buffer.toString('utf8', 0, n)).split('\n');
      this.pending = parts.pop() ?? '';
      this.queue = parts;
    }
    this.lineNumber++;
    return this.queue.shift() as string;
  }

  close(): void {
    if (!this.done) {
      this.done = true;
      closeSync(this.fd);
    }
  }
}

export interface TraceSummary {
  readonly header: { readonly seed: string; readonly options: unknown; readonly version: TraceHashVersion };
  readonly lines: number;
  readonly hash: string;
}

/** Checks a whole trace file; throws InputError naming the line on the first problem. */
export function validateTrace(path: string): TraceSummary {
  let reader: LineReader;
  try {
    reader = new LineReader(path);
  } catch {
    throw new InputError(path, '1', 'cannot read the trace file');
  }
  let hash: LineHasher | null = null;
  let header: TraceSummary['header'] | null = null;
  let footer: { lines: number; hash: string } | null = null;
  let lines = 0;
  for (let text = reader.next(); text !== null; text = reader.next()) {
    const at = String(reader.lineNumber);
    if (footer !== null) throw new InputError(path, at, 'expected the end of the trace after its footer');
    let record: Record<string, unknown>;
    try {
      record = JSON.parse(text) as Record<string, unknown>;
    } catch {
      throw new InputError(path, at, 'expected one JSON object per line (the trace is corrupted)');
    }
    if (typeof record !== 'object' || record === null || Array.isArray(record)) throw new InputError(path, at, 'expected a JSON object');
    if (header === null) {
      if (record['kind'] !== 'header') throw new InputError(path, at, 'expected a trace header ({"kind":"header",...}) on the first line');
      const version = record['version'];
      if (!TRACE_HASH_VERSIONS.includes(version as TraceHashVersion)) {
        throw new InputError(path, at, `expected trace version ${TRACE_HASH_VERSIONS.join(' or ')}, got ${JSON.stringify(version)}`);
      }
      hash = lineHasher(version as TraceHashVersion);
      if (typeof record['seed'] !== 'string' || typeof record['options'] !== 'object' || record['options'] === null) {
        throw new InputError(path, at, 'expected "seed" (a string) and "options" (an object) in the header');
      }
      header = { seed: record['seed'], options: record['options'], version: version as TraceHashVersion };
    } else if (record['kind'] === 'end') {
      footer = { lines: Number(record['lines']), hash: String(record['hash']) };
      continue;
    }
    hash!.update(text);
    lines++;
  }
  if (header === null) throw new InputError(path, '1', 'expected a trace header; the file is empty');
  if (footer === null) throw new InputError(path, String(reader.lineNumber + 1), 'expected a footer ({"kind":"end",...}); the trace is truncated');
  if (footer.lines !== lines)
    throw new InputError(path, String(reader.lineNumber), `footer says ${footer.lines} lines but the trace has ${lines}; the trace is truncated or corrupted`);
  const actual = hash!.hex();
  if (footer.hash !== actual)
    throw new InputError(path, String(reader.lineNumber), `footer hash ${footer.hash} does not match the lines (${actual}); the trace is corrupted`);
  return { header, lines, hash: footer.hash };
}
