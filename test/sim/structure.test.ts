// Proves the layout sim/README.md describes holds: no import cycle among sim/'s modules (type-only
// imports included), and every scenario verb file opens with an example line of a verb it defines.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';
import { SCRIPT_VERBS } from '../../sim/script/script.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SIM = join(ROOT, 'sim');

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : path.endsWith('.ts') ? [path] : [];
  });
}

/** The sim/ modules a file imports or re-exports (relative specifiers only). */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const out: string[] = [];
  for (const m of text.matchAll(/^(?:import|export)\s[^;]*?from\s+'(\.[^']+)'/gms)) {
    const target = resolve(dirname(file), m[1] as string).replace(/\.js$/, '.ts');
    if (target.startsWith(SIM + '/')) out.push(target);
  }
  return out;
}

/** A cycle in the graph, as a list of files, or null (depth-first search with colours). */
function findCycle(graph: ReadonlyMap<string, readonly string[]>): string[] | null {
  const state = new Map<string, 'open' | 'done'>();
  const path: string[] = [];
  const visit = (node: string): string[] | null => {
    state.set(node, 'open');
    path.push(node);
    for (const next of graph.get(node) ?? []) {
      if (state.get(next) === 'open') return [...path.slice(path.indexOf(next)), next];
      if (state.get(next) === undefined && graph.has(next)) {
        const found = visit(next);
        if (found !== null) return found;
      }
    }
    path.pop();
    state.set(node, 'done');
    return null;
  };
  for (const node of graph.keys()) {
    if (state.get(node) !== undefined) continue;
    const found = visit(node);
    if (found !== null) return found;
  }
  return null;
}

test('the cycle finder finds a planted cycle (so a pass below means something)', () => {
  const graph = new Map([
    ['a', ['b']],
    ['b', ['c']],
    ['c', ['a']],
  ]);
  expect(findCycle(graph)).toEqual(['a', 'b', 'c', 'a']);
  expect(
    findCycle(
      new Map([
        ['a', ['b']],
        ['b', []],
      ]),
    ),
  ).toBeNull();
});

test('sim/ has no import cycle', () => {
  const all = files(SIM);
  expect(all.length).toBeGreaterThan(50);
  const graph = new Map(all.map((f) => [f, importsOf(f)] as const));
  const cycle = findCycle(graph);
  expect(cycle?.map((f) => relative(ROOT, f)) ?? null).toBeNull();
});

test('every verb file opens with an example line of a verb it serves', () => {
  const dir = join(SIM, 'script', 'verbs');
  const verbFiles = readdirSync(dir).filter((f) => f.endsWith('.ts') && f !== 'index.ts');
  expect(verbFiles.length).toBeGreaterThan(10);
  for (const name of verbFiles) {
    const first = readFileSync(join(dir, name), 'utf8').split('\n')[0] ?? '';
    const verb = /^\/\/ (\S+)/.exec(first)?.[1];
    expect(SCRIPT_VERBS, `${name} opens with '${first}'`).toContain(verb);
  }
});
