// Proves the import graphs of protocol/ and sim/ (files as nodes, type-only imports included) have
// no cycle.
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';
import { cycles, importGraph } from './support/import-graph.js';

const root = (dir: string): string => fileURLToPath(new URL(`../${dir}/`, import.meta.url));

test('protocol/ has no import cycle', () => {
  const graph = importGraph(root('protocol'));
  expect(graph.size).toBeGreaterThan(40);
  expect(cycles(graph)).toEqual([]);
});

test('sim/ has no import cycle', () => {
  const graph = importGraph(root('sim'));
  expect(graph.size).toBeGreaterThan(40);
  expect(cycles(graph)).toEqual([]);
});

test('the cycle finder finds a cycle, a self-import, and nothing in a chain', () => {
  const graph = new Map([
    ['a.ts', ['b.ts']],
    ['b.ts', ['c.ts']],
    ['c.ts', ['a.ts', 'd.ts']],
    ['d.ts', []],
    ['e.ts', ['e.ts']],
    ['f.ts', ['d.ts']],
  ]);
  expect(cycles(graph)).toEqual([['a.ts', 'b.ts', 'c.ts'], ['e.ts']]);
  expect(
    cycles(
      new Map([
        ['a.ts', ['b.ts']],
        ['b.ts', []],
      ]),
    ),
  ).toEqual([]);
});
