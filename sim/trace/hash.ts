// Trace hashes. A trace's hash fingerprints its lines (header and events; the footer states it), so
// two runs with the same seed and options agree and two different schedules disagree.
//
// Version 2 (current): the first 16 hex digits of SHA-256 over the lines as UTF-8, each followed by
// "\n", i.e. over the trace file minus its footer line, so `head -n -1 run.trace.ndjson | sha256sum`
// gives the same digits. Lines are batched into 32 KiB chunks before OpenSSL sees them: one native
// call per line would cost more than the hashing.
// Version 1: two 32-bit FNV-1a style lanes over UTF-16 code units in JavaScript. About four times
// slower on a run's 3 MB of trace text; kept so version-1 traces and capsules still verify and replay.
import { createHash, type Hash } from 'node:crypto';

export interface LineHasher {
  update(line: string): void;
  /** The hash so far; the hasher can go on afterwards. */
  hex(): string;
  /** An independent hasher in this one's state (the studio resumes a branch's trace hash from it). */
  clone(): LineHasher;
}

export const TRACE_HASH_VERSIONS = [1, 2] as const;
export type TraceHashVersion = (typeof TRACE_HASH_VERSIONS)[number];

export function lineHasher(version: TraceHashVersion): LineHasher {
  return version === 1 ? new RollingHash() : new Sha256Lines();
}

export class Sha256Lines implements LineHasher {
  private readonly hash: Hash;
  private chunk = '';

  constructor(from?: { hash: Hash; chunk: string }) {
    this.hash = from?.hash ?? createHash('sha256');
    this.chunk = from?.chunk ?? '';
  }

  clone(): Sha256Lines {
    return new Sha256Lines({ hash: this.hash.copy(), chunk: this.chunk });
  }

  update(line: string): void {
    this.chunk += line;
    this.chunk += '\n';
    if (this.chunk.length > 32_768) {
      this.hash.update(this.chunk, 'utf8');
      this.chunk = '';
    }
  }

  hex(): string {
    const copy = this.hash.copy();
    copy.update(this.chunk, 'utf8');
    return copy.digest('hex').slice(0, 16);
  }
}

export class RollingHash implements LineHasher {
  private a = 0x811c9dc5;
  private b = 0x9747b28c;

  clone(): RollingHash {
    const c = new RollingHash();
    c.a = this.a;
    c.b = this.b;
    return c;
  }

  update(line: string): void {
    let a = this.a;
    let b = this.b;
    for (let i = 0; i < line.length; i++) {
      const c = line.charCodeAt(i);
      a = Math.imul(a ^ c, 0x01000193);
      b = Math.imul(b ^ c, 0x5bd1e995);
      b ^= b >>> 15;
    }
    a = Math.imul(a ^ 10, 0x01000193);
    b = Math.imul(b ^ 10, 0x5bd1e995);
    this.a = a;
    this.b = b;
  }

  hex(): string {
    return (this.a >>> 0).toString(16).padStart(8, '0') + (this.b >>> 0).toString(16).padStart(8, '0');
  }
}
