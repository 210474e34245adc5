// The studio page's stand-in for node:crypto: only what the trace hash uses (sim/trace/hash.ts).
import { Sha256 } from './sha256.js';

export type Hash = Sha256;

export function createHash(algorithm: string): Sha256 {
  if (algorithm !== 'sha256') throw new Error(`the studio page has no ${algorithm}, only sha256`);
  return new Sha256();
}
