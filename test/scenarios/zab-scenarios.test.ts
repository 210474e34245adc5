// Proves that every Zab scenario in scenarios/zab/*.txt replays to exactly its golden output (the
// whole file is the snapshot: `vitest -u` rewrites it, CI=true fails on any difference), and that
// each scenario's `check expect=` verdicts hold, so a golden can never silently record a violation.
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { runZabScript } from '../../sim/scenario/zab-script.js';

const DIR = fileURLToPath(new URL('../../scenarios/zab/', import.meta.url));
const FILES = readdirSync(DIR)
  .filter((f) => f.endsWith('.txt'))
  .sort();

describe('zab scenarios', () => {
  test('the scenario directory is not empty', () => {
    expect(FILES.length).toBeGreaterThanOrEqual(10);
  });

  for (const file of FILES) {
    test(file, async () => {
      const path = `${DIR}${file}`;
      const result = runZabScript(readFileSync(path, 'utf8'));
      await expect(result.text).toMatchFileSnapshot(path);
      expect(result.errors).toEqual([]);
      expect(result.expectations, 'each scenario asserts its verdicts with `check expect=`').toBeGreaterThan(0);
    });
  }

  test('a scenario replays to the same output twice (determinism)', () => {
    const file = FILES[0];
    expect(file).toBeDefined();
    const text = readFileSync(`${DIR}${file}`, 'utf8');
    expect(runZabScript(text).text).toBe(runZabScript(text).text);
  });
});
