// Proves protocol/ stays pure: no clock, randomness, timers, process access, node: imports, or
// imports from sim/, chalk or seedrandom, in any file under protocol/ (comments excepted).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';

const PROTOCOL = fileURLToPath(new URL('../protocol/', import.meta.url));

const FORBIDDEN: readonly RegExp[] = [
  /\bMath\.random\b/,
  /\bDate\.now\b/,
  /\bnew Date\b/,
  /\bperformance\.now\b/,
  /\bsetTimeout\b/,
  /\bsetInterval\b/,
  /\bsetImmediate\b/,
  /\bcrypto\./,
  /\bprocess\./,
  /from ['"](node:|fs|path|os|crypto|seedrandom|chalk)/,
  /from ['"](\.\.\/)+sim\//,
  /\brequire\(/,
];

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : path.endsWith('.ts') ? [path] : [];
  });
}

test('protocol/ has no clock, randomness, I/O or sim/ imports', () => {
  const hits: string[] = [];
  const all = files(PROTOCOL);
  expect(all.length).toBeGreaterThan(20);
  for (const file of all) {
    readFileSync(file, 'utf8')
      .split('\n')
      .forEach((line, i) => {
        const code = line.replace(/\/\/.*$/, '').replace(/^\s*\*.*$/, '');
        for (const pattern of FORBIDDEN) if (pattern.test(code)) hits.push(`${file}:${i + 1}: ${line.trim()}`);
      });
  }
  expect(hits).toEqual([]);
});

test('the guard itself catches a violation', () => {
  const sample = "const t = Date.now(); import x from 'node:fs';";
  expect(FORBIDDEN.some((p) => p.test(sample))).toBe(true);
});
