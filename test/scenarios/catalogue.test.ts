// Proves that every catalogue scenario (scenarios/<topic>/*.txt) passes the format checks, replays to
// exactly its golden output (the whole file is the snapshot: `vitest -u` rewrites it, CI=true fails
// on any difference), and that its expected outcomes hold when run: every `check expect=` verdict and
// every `expect` fact, so a golden can never silently record a violation or a false fact.
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { runZabScript } from '../../sim/script/script.js';
import { loadCatalogue } from '../../sim/catalogue/catalogue.js';

const CATALOGUE = loadCatalogue();

describe('scenario catalogue', () => {
  test('holds at least 24 narrated scenarios with unique names', () => {
    expect(CATALOGUE.length).toBeGreaterThanOrEqual(24);
    expect(new Set(CATALOGUE.map((e) => e.name)).size).toBe(CATALOGUE.length);
  });

  for (const entry of CATALOGUE) {
    test(`${entry.topic}/${entry.name}`, async () => {
      const result = runZabScript(readFileSync(entry.path, 'utf8'), { file: entry.file });
      await expect(result.text).toMatchFileSnapshot(entry.path);
      expect(result.errors).toEqual([]);
      expect(result.expectations, 'each scenario asserts its outcome').toBeGreaterThan(0);
    });
  }

  test('a scenario replays to the same output twice (determinism)', () => {
    const entry = CATALOGUE.find((e) => e.name === 'split-brain') ?? CATALOGUE[0];
    expect(entry).toBeDefined();
    const text = readFileSync(entry?.path as string, 'utf8');
    expect(runZabScript(text).text).toBe(runZabScript(text).text);
  });
});
