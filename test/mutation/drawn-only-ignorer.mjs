// A Stryker ignorer for `npm run mutation --sample N` (test/mutation/run.ts): Stryker mutates every
// node inside a `mutate` range, so a drawn span that encloses other mutants (a block, a condition)
// would bring all of them along (300 drawn once became 1,152 run). This plugin ignores every AST node
// whose source range contains no drawn span; Stryker then neither places nor runs the mutants there.
//
// Why it never drops a drawn mutant: a drawn mutant sits on a node whose range equals its span, and
// every ancestor of that node contains the span, so neither that node nor any ancestor is ignored
// (Stryker's IgnorerBookkeeper ignores a node together with its descendants only). What may still
// run besides the drawn mutants: the other mutators' mutants on the same node, and the own mutants
// of a node that lies inside one drawn span and encloses another. run.ts scores the drawn mutants
// only, and stops with an internal error if one of them is missing from Stryker's results.
//
// Plain JavaScript: Stryker imports plugins itself, without the TypeScript loader run.ts has. The
// spans come from the file named by ZABSIM_MUTATION_DRAWN (written by run.ts), as 1-based lines and
// 0-based columns, like Babel's node.loc.
import { readFileSync } from 'node:fs';
import { PluginKind, declareValuePlugin } from '@stryker-mutator/api/plugin';

/** The spans of the file last read, and its name: read again when the variable names another file. */
let cache = { file: '', spans: [] };

function drawnSpans() {
  const file = process.env.ZABSIM_MUTATION_DRAWN;
  if (file === undefined) throw new Error('drawn-only ignorer: ZABSIM_MUTATION_DRAWN is not set');
  if (cache.file !== file) cache = { file, spans: JSON.parse(readFileSync(file, 'utf8')) };
  return cache.spans;
}

const before = (a, b) => a.line < b.line || (a.line === b.line && a.column <= b.column);

/** Whether [outer] contains [inner] (both inclusive of their ends). */
const contains = (outer, inner) => before(outer.start, inner.start) && before(inner.end, outer.end);

export const strykerPlugins = [
  declareValuePlugin(PluginKind.Ignore, 'zabsim-drawn-only', {
    shouldIgnore(path) {
      const loc = path.node.loc;
      // A node without a location cannot be matched: keep it (running more is safe, dropping is not).
      if (loc === null || loc === undefined) return undefined;
      return drawnSpans().some((s) => contains(loc, s)) ? undefined : 'not drawn (npm run mutation --sample)';
    },
  }),
];
