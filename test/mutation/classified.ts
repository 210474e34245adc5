// Reads the survivors a person has classified: every test/mutation/classified/*.json is an object
// from classification key (report.ts classificationKeys) to { class, why }. One file per area keeps
// classifications made in parallel from colliding; a key given twice, or a malformed entry, is refused.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Classification, Classified } from './report.js';

export function parseClassified(file: string, text: string, into: Record<string, Classification>): void {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new Error(`${file}: expected JSON (${(e as Error).message})`);
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) throw new Error(`${file}: expected an object of classification key → { class, why }`);
  for (const [key, v] of Object.entries(data as Record<string, unknown>)) {
    const c = v as Partial<Classification> | null;
    if (typeof c !== 'object' || c === null || (c.class !== 'equivalent' && c.class !== 'gap') || typeof c.why !== 'string' || c.why.trim() === '')
      throw new Error(`${file}: ${key}: expected { "class": "equivalent" | "gap", "why": "<one line>" }`);
    if (key in into) throw new Error(`${file}: ${key}: expected each key once, it is classified in another file too`);
    into[key] = { class: c.class, why: c.why };
  }
}

export function loadClassified(dir: string): Classified {
  const out: Record<string, Classification> = {};
  for (const name of readdirSync(dir)
    .filter((n) => n.endsWith('.json'))
    .sort())
    parseClassified(join(dir, name), readFileSync(join(dir, name), 'utf8'), out);
  return out;
}
