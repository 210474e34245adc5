// Proves the import graphs of protocol/ and sim/ (files as nodes, type-only imports included) have
// no cycle, apart from the sim/ cycles listed below as known today.
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';
import { cycles, importGraph } from './support/import-graph.js';

const root = (dir: string): string => fileURLToPath(new URL(`../${dir}/`, import.meta.url));

/**
 * sim/'s cycles at the time of the redesign (issue 13): the sim/ split removes them. This list is a
 * ratchet: a new cycle fails the test, and so does a removed one until it is taken off the list.
 */
const KNOWN_SIM_CYCLES: readonly (readonly string[])[] = [['service/history.ts', 'service/run.ts']];

test('protocol/ has no import cycle', () => {
  const graph = importGraph(root('protocol'));
  expect(graph.size).toBeGreaterThan(40);
  expect(cycles(graph)).toEqual([]);
});

test('sim/ has no import cycle beyond the known ones', () => {
  const graph = importGraph(root('sim'));
  expect(graph.size).toBeGreaterThan(40);
  expect(cycles(graph)).toEqual(KNOWN_SIM_CYCLES);
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
